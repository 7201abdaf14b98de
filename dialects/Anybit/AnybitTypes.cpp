//===- AnybitTypes.cpp - anybit types -------------------------------------===//

#include "Anybit/AnybitDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using ::anybit::FloatFormat;
using ::anybit::NonFinite;

#define GET_TYPEDEF_CLASSES
#include "Anybit/AnybitTypes.cpp.inc"

namespace anybit {

void AnybitDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "Anybit/AnybitTypes.cpp.inc"
      >();
}

FloatFormatType FloatFormatType::get(MLIRContext *context, const FloatFormat &format) {
  return get(context, format.expBits, format.manBits, format.bias,
             format.isSigned, static_cast<unsigned>(format.nonFinite),
             format.hasZero);
}

FloatFormat FloatFormatType::getFormat() const {
  FloatFormat format;
  format.expBits = getExpBits();
  format.manBits = getManBits();
  format.bias = getBias();
  format.isSigned = getIsSigned();
  format.nonFinite = static_cast<NonFinite>(getNonFinite());
  format.hasZero = getHasZero();
  return format;
}

LogicalResult FloatFormatType::verify(function_ref<InFlightDiagnostic()> emitError,
                                unsigned expBits, unsigned manBits, int bias,
                                bool isSigned, unsigned nonFinite,
                                bool hasZero) {
  if (nonFinite > static_cast<unsigned>(NonFinite::IEEE))
    return emitError() << "unknown non-finite policy " << nonFinite;
  FloatFormat format;
  format.expBits = expBits;
  format.manBits = manBits;
  format.bias = bias;
  format.isSigned = isSigned;
  format.nonFinite = static_cast<NonFinite>(nonFinite);
  format.hasZero = hasZero;
  std::string why = format.validate();
  if (!why.empty())
    return emitError() << "invalid float format: " << why;
  return success();
}

// Syntax: `<` `e`X`m`Y (`,` option)* `>` with options `unsigned`, `fn`,
// `ieee`, `nozero` and `bias = N`.
Type FloatFormatType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef name;
  if (parser.parseLess() || parser.parseKeyword(&name))
    return {};
  unsigned expBits = 0, manBits = 0;
  size_t mPos = name.find('m');
  if (!name.starts_with("e") || mPos == StringRef::npos ||
      name.substr(1, mPos - 1).getAsInteger(10, expBits) ||
      name.substr(mPos + 1).getAsInteger(10, manBits)) {
    parser.emitError(loc, "expected a format name like 'e3m2', got '")
        << name << "'";
    return {};
  }
  FloatFormat format;
  format.expBits = expBits;
  format.manBits = manBits;
  bool biasGiven = false, nonFiniteGiven = false;
  llvm::StringSet<> seen;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc optLoc = parser.getCurrentLocation();
    StringRef option;
    if (parser.parseKeyword(&option))
      return {};
    // fn and ieee are two values of one setting.
    bool isNonFinite = option == "fn" || option == "ieee";
    if (!seen.insert(option).second || (isNonFinite && nonFiniteGiven)) {
      parser.emitError(optLoc, "repeated or conflicting option '")
          << option << "'";
      return {};
    }
    nonFiniteGiven |= isNonFinite;
    if (option == "unsigned") {
      format.isSigned = false;
    } else if (option == "fn") {
      format.nonFinite = NonFinite::NanOnly;
    } else if (option == "ieee") {
      format.nonFinite = NonFinite::IEEE;
    } else if (option == "nozero") {
      format.hasZero = false;
    } else if (option == "bias") {
      if (parser.parseEqual() || parser.parseInteger(format.bias))
        return {};
      biasGiven = true;
    } else {
      parser.emitError(optLoc, "unknown float option '")
          << option << "'; expected unsigned, fn, ieee, nozero or bias = N";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  // Out-of-range widths are rejected by verify(); keep the default bias
  // computation away from them.
  if (!biasGiven && expBits >= 1 && expBits <= 16)
    format.bias = FloatFormat::defaultBias(expBits);
  return getChecked([&] { return parser.emitError(loc); },
                    parser.getContext(), format.expBits, format.manBits,
                    format.bias, format.isSigned,
                    static_cast<unsigned>(format.nonFinite), format.hasZero);
}

void FloatFormatType::print(AsmPrinter &printer) const {
  printer << "<" << getFormat().str() << ">";
}

} // namespace anybit
