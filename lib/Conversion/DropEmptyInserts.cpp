//===- DropEmptyInserts.cpp - No slices of tensors without elements -------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITDROPEMPTYINSERTS
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

bool hasNoElements(Value tensor) {
  return llvm::is_contained(cast<RankedTensorType>(tensor.getType()).getShape(),
                            0);
}

/// The dynamic sizes of `op`'s (only) result, as values.
FailureOr<SmallVector<Value>> dynamicResultSizes(Operation *op,
                                                 PatternRewriter &rewriter) {
  ReifiedRankedShapedTypeDims shapes;
  if (failed(reifyResultShapes(rewriter, op, shapes)))
    return failure();
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  SmallVector<Value> sizes;
  for (auto [d, size] : llvm::enumerate(shapes.front()))
    if (type.isDynamicDim(d))
      sizes.push_back(
          getValueOrCreateConstantIndexOp(rewriter, op->getLoc(), size));
  return sizes;
}

struct DropEmptyConcatOperands : OpRewritePattern<tensor::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    auto kept = llvm::filter_to_vector(
        op.getInputs(), [](Value input) { return !hasNoElements(input); });
    if (kept.size() == op.getInputs().size())
      return failure();
    RankedTensorType type = op.getResultType();
    if (kept.size() > 1) {
      rewriter.replaceOpWithNewOp<tensor::ConcatOp>(op, type, op.getDim(),
                                                    kept);
      return success();
    }
    if (kept.size() == 1) {
      rewriter.replaceOpWithNewOp<tensor::CastOp>(op, type, kept.front());
      return success();
    }
    FailureOr<SmallVector<Value>> sizes = dynamicResultSizes(op, rewriter);
    if (failed(sizes))
      return failure();
    rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, type, *sizes);
    return success();
  }
};

struct PadOfEmptySourceToGenerate : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasNoElements(op.getSource()))
      return failure();
    FailureOr<SmallVector<Value>> sizes = dynamicResultSizes(op, rewriter);
    if (failed(sizes))
      return failure();
    // Every element is padding: the body, given its indices, as the pad's.
    auto generate = tensor::GenerateOp::create(rewriter, op.getLoc(),
                                               op.getResultType(), *sizes);
    rewriter.inlineRegionBefore(op.getRegion(), generate.getBody(),
                                generate.getBody().end());
    rewriter.replaceOp(op, generate.getResult());
    return success();
  }
};

struct AnybitDropEmptyInsertsPass
    : anybit::impl::AnybitDropEmptyInsertsBase<AnybitDropEmptyInsertsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DropEmptyConcatOperands, PadOfEmptySourceToGenerate>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
