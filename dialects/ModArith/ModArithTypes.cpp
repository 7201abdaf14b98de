//===- ModArithTypes.cpp - modarith types ---------------------------------===//

#include "ModArith/ModArithDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

#define GET_TYPEDEF_CLASSES
#include "ModArith/ModArithTypes.cpp.inc"

namespace anybit::modarith {

void ModArithDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "ModArith/ModArithTypes.cpp.inc"
      >();
}

ModIntType getModIntElementType(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    type = tensor.getElementType();
  return dyn_cast<ModIntType>(type);
}

IntegerType ModIntType::getStorageType() const {
  return IntegerType::get(getContext(), getWidth());
}

LogicalResult ModIntType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 uint64_t modulus, unsigned width) {
  if (width < 2 || width > 64)
    return emitError() << "the storage width of !modarith.int must be in "
                          "2..64, got i"
                       << width;
  if (modulus < 2)
    return emitError() << "the modulus of !modarith.int must be at least 2, "
                          "got "
                       << modulus;
  if (width < 64 && modulus >> width != 0)
    return emitError() << "the modulus " << modulus << " does not fit in i"
                       << width << " (it needs "
                       << (64 - llvm::countl_zero(modulus)) << " bits)";
  return success();
}

// Syntax: `<` Q `:` iW `>`, Q an unsigned decimal integer.
Type ModIntType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  uint64_t modulus = 0;
  Type storage;
  if (parser.parseLess() || parser.parseInteger(modulus) ||
      parser.parseColon())
    return {};
  SMLoc typeLoc = parser.getCurrentLocation();
  if (parser.parseType(storage) || parser.parseGreater())
    return {};
  auto intType = dyn_cast<IntegerType>(storage);
  if (!intType || !intType.isSignless()) {
    parser.emitError(typeLoc, "expected a signless integer storage type iW, "
                              "got ")
        << storage;
    return {};
  }
  return getChecked([&] { return parser.emitError(loc); },
                    parser.getContext(), modulus, intType.getWidth());
}

void ModIntType::print(AsmPrinter &printer) const {
  printer << "<" << getModulus() << " : i" << getWidth() << ">";
}

} // namespace anybit::modarith
