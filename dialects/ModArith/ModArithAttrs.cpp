//===- ModArithAttrs.cpp - modarith attributes ----------------------------===//

#include "ModArith/ModArithDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"
#include <numeric>

using namespace mlir;

#define GET_ATTRDEF_CLASSES
#include "ModArith/ModArithAttrs.cpp.inc"

namespace anybit::modarith {

void ModArithDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ModArith/ModArithAttrs.cpp.inc"
      >();
}

LogicalResult RnsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              ArrayRef<uint64_t> moduli) {
  if (moduli.size() < 2)
    return emitError() << "#modarith.rns needs at least two moduli, got "
                       << moduli.size();
  for (auto [i, q] : llvm::enumerate(moduli)) {
    if (q < 2)
      return emitError() << "RNS modulus " << q << " must be at least 2";
    for (uint64_t p : moduli.take_front(i))
      if (std::gcd(p, q) != 1)
        return emitError() << "RNS moduli must be pairwise coprime: " << p
                           << " and " << q << " share the factor "
                           << std::gcd(p, q);
  }
  return success();
}

LogicalResult
RnsAttr::verifyEncoding(ArrayRef<int64_t> shape, Type elementType,
                        function_ref<InFlightDiagnostic()> emitError) const {
  auto word = dyn_cast<IntegerType>(elementType);
  if (!word || !word.isSignless() || word.getWidth() < 2 ||
      word.getWidth() > 64)
    return emitError() << "an RNS tensor holds signless iW words (W in "
                          "2..64), got "
                       << elementType;
  unsigned w = word.getWidth();
  for (uint64_t q : getModuli())
    if (w < 64 && q >> w != 0)
      return emitError() << "RNS modulus " << q << " does not fit in i" << w;
  int64_t limbs = getModuli().size();
  if (shape.empty() || shape.front() != limbs)
    return emitError() << "the leading dimension of an RNS tensor is its "
                          "limb, of size "
                       << limbs << " (one per modulus), got "
                       << (shape.empty() ? "a scalar"
                                         : std::to_string(shape.front()));
  return success();
}

RnsAttr getRnsEncoding(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor ? dyn_cast_or_null<RnsAttr>(tensor.getEncoding()) : RnsAttr();
}

std::optional<ResidueLayout> ResidueLayout::get(Type type) {
  ResidueLayout layout;
  layout.type = type;
  if (RnsAttr rns = getRnsEncoding(type)) {
    auto tensor = cast<RankedTensorType>(type);
    layout.width = tensor.getElementTypeBitWidth();
    layout.moduli.assign(rns.getModuli().begin(), rns.getModuli().end());
    layout.rns = true;
    layout.limbSize =
        std::max<int64_t>(1, tensor.getNumElements() / tensor.getDimSize(0));
    return layout;
  }
  ModIntType residue = getModIntElementType(type);
  if (!residue)
    return std::nullopt;
  layout.width = residue.getWidth();
  layout.moduli.push_back(residue.getModulus());
  return layout;
}

Type ResidueLayout::getStorageType() const {
  auto word = IntegerType::get(type.getContext(), width);
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return RankedTensorType::get(tensor.getShape(), word);
  return word;
}

} // namespace anybit::modarith
