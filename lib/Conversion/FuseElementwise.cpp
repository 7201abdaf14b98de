//===- FuseElementwise.cpp - Element-wise fusion that never recomputes ----===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITFUSEELEMENTWISE
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// Whether fusing the producer of `operand` into its consumer keeps the
/// work of the producer: a single use, and not a reduction whose map for
/// the operand leaves out one of the consumer's loops (the producer would
/// then run again for every iteration of that loop).
bool fusesWithoutRecomputing(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  if (!consumer || consumer.getNumReductionLoops() == 0)
    return true;
  AffineMap map = consumer.getMatchingIndexingMap(operand);
  for (unsigned loop = 0; loop < map.getNumDims(); ++loop)
    if (!map.isFunctionOfDim(loop))
      return false;
  return true;
}

struct AnybitFuseElementwisePass
    : anybit::impl::AnybitFuseElementwiseBase<AnybitFuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    // Upstream's patterns crash on a named op of no loops with a constant
    // operand (a 0-d linalg.copy of a constant, MLIR 22); as
    // generics they do not.
    SmallVector<linalg::LinalgOp> scalarOps;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.getNumLoops() == 0 && !isa<linalg::GenericOp>(op))
        scalarOps.push_back(op);
    });
    IRRewriter rewriter(context);
    for (linalg::LinalgOp op : scalarOps) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    }

    RewritePatternSet patterns(context);
    linalg::ControlFusionFn control = fusesWithoutRecomputing;
    // What upstream's linalg-fuse-elementwise-ops runs, with `control`.
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, control);
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal(true);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns), config);
  }
};

} // namespace
