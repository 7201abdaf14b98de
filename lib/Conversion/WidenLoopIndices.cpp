//===- WidenLoopIndices.cpp - scf.for over narrow integers on i64 ---------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITWIDENLOOPINDICES
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

struct WidenForIndex : OpRewritePattern<scf::ForOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(scf::ForOp loop,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<IntegerType>(loop.getInductionVar().getType());
    if (!type || type.getWidth() >= 64)
      return failure();
    Location loc = loop.getLoc();
    bool isUnsigned = loop.getUnsignedCmp();
    Type i64 = rewriter.getI64Type();
    auto widen = [&](Value v) -> Value {
      if (isUnsigned)
        return arith::ExtUIOp::create(rewriter, loc, i64, v);
      return arith::ExtSIOp::create(rewriter, loc, i64, v);
    };
    auto wide = scf::ForOp::create(
        rewriter, loc, widen(loop.getLowerBound()), widen(loop.getUpperBound()),
        widen(loop.getStep()), loop.getInitArgs(), nullptr, isUnsigned);
    Block *body = wide.getBody();
    // The builder gives a loop without iter_args a terminator; the old body
    // brings its own.
    if (!body->empty())
      rewriter.eraseOp(body->getTerminator());
    rewriter.setInsertionPointToStart(body);
    SmallVector<Value> arguments = {
        arith::TruncIOp::create(rewriter, loc, type, wide.getInductionVar())};
    llvm::append_range(arguments, wide.getRegionIterArgs());
    rewriter.mergeBlocks(loop.getBody(), body, arguments);
    rewriter.replaceOp(loop, wide.getResults());
    return success();
  }
};

struct AnybitWidenLoopIndicesPass
    : anybit::impl::AnybitWidenLoopIndicesBase<AnybitWidenLoopIndicesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<WidenForIndex>(&getContext());
    // Folding would count trips in the narrow width: apply without it.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      signalPassFailure();
  }
};

} // namespace
