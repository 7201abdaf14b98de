//===- MatmulDirect.cpp - modarith.matmul as a contraction of macs --------===//

#include "anybit/Transforms/Passes.h"

#include "MatmulOperands.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace anybit {
#define GEN_PASS_DEF_MODARITHMATMULDIRECT
#include "anybit/Transforms/Passes.h.inc"
} // namespace anybit

using namespace mlir;
using namespace anybit::modarith;

namespace {

struct MatmulToMacs : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto residue = cast<ModIntType>(type.getElementType());
    bool vector = type.getRank() == 1;
    MatmulRhs rhs = MatmulRhs::of(op);
    // Iteration space (m, [n,] k).
    MLIRContext *ctx = rewriter.getContext();
    unsigned dims = vector ? 2 : 3;
    AffineExpr m = rewriter.getAffineDimExpr(0);
    AffineExpr n = vector ? AffineExpr() : rewriter.getAffineDimExpr(1);
    AffineExpr k = rewriter.getAffineDimExpr(dims - 1);
    SmallVector<AffineMap> maps = {
        AffineMap::get(dims, 0, {m, k}, ctx),
        vector           ? AffineMap::get(dims, 0, {k}, ctx)
        : rhs.transposed ? AffineMap::get(dims, 0, {n, k}, ctx)
                         : AffineMap::get(dims, 0, {k, n}, ctx),
        vector ? AffineMap::get(dims, 0, {m}, ctx)
               : AffineMap::get(dims, 0, {m, n}, ctx)};
    SmallVector<utils::IteratorType> iterators(dims,
                                               utils::IteratorType::parallel);
    iterators.back() = utils::IteratorType::reduction;
    auto zeros = DenseIntElementsAttr::get(
        RankedTensorType::get(type.getShape(), residue.getStorageType()),
        APInt(residue.getWidth(), 0));
    Value init = ConstantOp::create(rewriter, loc, type, zeros);
    auto contraction = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{op.getLhs(), rhs.source},
        ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value acc =
              MacOp::create(b, l, residue, args[0], args[1], args[2]);
          linalg::YieldOp::create(b, l, acc);
        });
    Value original = op.getRhs();
    rewriter.replaceOp(op, contraction.getResults());
    rhs.eraseTransposeIfDead(rewriter, original);
    return success();
  }
};

struct ModArithMatmulDirectPass
    : anybit::impl::ModArithMatmulDirectBase<ModArithMatmulDirectPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MatmulToMacs>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
