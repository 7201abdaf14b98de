//===- FoldConstantFloatCompares.cpp - cmpf false/true as constants -------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITFOLDCONSTANTFLOATCOMPARES
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// `value` as `op`'s result: a constant, or for a tensor of run-time shape
/// the splat of one, sized like the compared tensor.
Value constantLike(arith::CmpFOp op, bool value, RewriterBase &rewriter) {
  Location loc = op.getLoc();
  Type type = op.getType();
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return arith::ConstantOp::create(rewriter, loc,
                                     rewriter.getBoolAttr(value));
  if (shaped.hasStaticShape())
    return arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(shaped, rewriter.getBoolAttr(value)));
  Value element =
      arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(value));
  SmallVector<Value> sizes;
  for (int64_t d = 0, e = shaped.getRank(); d < e; ++d)
    if (shaped.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(rewriter, loc, op.getLhs(), d));
  return tensor::SplatOp::create(rewriter, loc, type, element, sizes);
}

struct AnybitFoldConstantFloatComparesPass
    : anybit::impl::AnybitFoldConstantFloatComparesBase<
          AnybitFoldConstantFloatComparesPass> {
  void runOnOperation() override {
    SmallVector<arith::CmpFOp> compares;
    getOperation().walk([&](arith::CmpFOp op) {
      arith::CmpFPredicate p = op.getPredicate();
      if (p == arith::CmpFPredicate::AlwaysFalse ||
          p == arith::CmpFPredicate::AlwaysTrue)
        compares.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (arith::CmpFOp op : compares) {
      rewriter.setInsertionPoint(op);
      bool value = op.getPredicate() == arith::CmpFPredicate::AlwaysTrue;
      rewriter.replaceOp(op, constantLike(op, value, rewriter));
    }
  }
};

} // namespace
