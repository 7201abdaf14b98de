//===- TruncateIndexCasts.cpp - Narrow index values by arith.trunci -------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITTRUNCATEINDEXCASTS
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// The bits of `index` where `op` is (the data layout's; 64 by default).
unsigned indexWidth(Operation *op) {
  return DataLayout::closest(op).getTypeSizeInBits(
      IndexType::get(op->getContext()));
}

/// `type` (an integer, or a vector or tensor of them) with `element`.
Type withElement(Type type, Type element) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(element);
  return element;
}

struct AnybitTruncateIndexCastsPass
    : anybit::impl::AnybitTruncateIndexCastsBase<AnybitTruncateIndexCastsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> narrowing;
    getOperation().walk([&](Operation *op) {
      if (!isa<arith::IndexCastOp, arith::IndexCastUIOp>(op) ||
          !getElementTypeOrSelf(op->getOperand(0).getType()).isIndex())
        return;
      auto to = dyn_cast<IntegerType>(
          getElementTypeOrSelf(op->getResult(0).getType()));
      if (to && to.getWidth() < indexWidth(op))
        narrowing.push_back(op);
    });
    for (Operation *op : narrowing) {
      OpBuilder b(op);
      Type narrow = op->getResult(0).getType();
      // Either cast to the index's width keeps every bit.
      Type wide = withElement(narrow, b.getIntegerType(indexWidth(op)));
      Value full = isa<arith::IndexCastOp>(op)
                       ? arith::IndexCastOp::create(b, op->getLoc(), wide,
                                                    op->getOperand(0))
                             .getResult()
                       : arith::IndexCastUIOp::create(b, op->getLoc(), wide,
                                                      op->getOperand(0))
                             .getResult();
      Value truncated = arith::TruncIOp::create(b, op->getLoc(), narrow, full);
      op->getResult(0).replaceAllUsesWith(truncated);
      op->erase();
    }
  }
};

} // namespace
