//===- SplitAffineCeilDiv.cpp - ceildiv the affine lowering keeps exact ---===//

#include "anybit/Conversion/Passes.h"

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IntegerSet.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITSPLITAFFINECEILDIV
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// `expr` with each `e ceildiv c` (c > 1 a constant) as
/// `e floordiv c + (e mod c) ceildiv c`.
AffineExpr split(AffineExpr expr) {
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return expr;
  AffineExpr lhs = split(binary.getLHS()), rhs = split(binary.getRHS());
  auto divisor = dyn_cast<AffineConstantExpr>(rhs);
  if (expr.getKind() != AffineExprKind::CeilDiv || !divisor ||
      divisor.getValue() <= 1)
    return getAffineBinaryOpExpr(expr.getKind(), lhs, rhs);
  return lhs.floorDiv(rhs) + (lhs % rhs).ceilDiv(rhs);
}

SmallVector<AffineExpr> split(ArrayRef<AffineExpr> exprs) {
  return llvm::map_to_vector(exprs, [](AffineExpr e) { return split(e); });
}

struct AnybitSplitAffineCeilDivPass
    : anybit::impl::AnybitSplitAffineCeilDivBase<AnybitSplitAffineCeilDivPass> {
  void runOnOperation() override {
    AttrTypeReplacer replacer;
    replacer.addReplacement([](AffineMapAttr attr) {
      AffineMap map = attr.getValue();
      return AffineMapAttr::get(
          AffineMap::get(map.getNumDims(), map.getNumSymbols(),
                         split(map.getResults()), map.getContext()));
    });
    replacer.addReplacement([](IntegerSetAttr attr) {
      IntegerSet set = attr.getValue();
      return IntegerSetAttr::get(
          IntegerSet::get(set.getNumDims(), set.getNumSymbols(),
                          split(set.getConstraints()), set.getEqFlags()));
    });
    replacer.recursivelyReplaceElementsIn(getOperation());
  }
};

} // namespace
