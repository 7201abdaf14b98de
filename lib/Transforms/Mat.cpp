//===- Mat.cpp - modarith.ntt/intt as three modular matmuls (CROSS's MAT) -===//

#include "anybit/Transforms/Passes.h"

#include "ModArith/NumberTheory.h"
#include "TransformRows.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace anybit {
#define GEN_PASS_DEF_MODARITHMAT
#include "anybit/Transforms/Passes.h.inc"
} // namespace anybit

using namespace mlir;
using namespace anybit::modarith;

namespace {

/// The three constants of the 3-step transform of a row of N = R * C
/// (see the pass description): row-major R x R, R x C and C x C.
struct ThreeStepConstants {
  SmallVector<uint64_t> t1, t2, t3;

  ThreeStepConstants(const CyclicForm &f, int64_t rows, int64_t cols) {
    uint64_t q = f.q;
    auto pow = [q](uint64_t base, uint64_t e) { return powMod(base, e, q); };
    for (int64_t a = 0; a < rows; ++a)
      for (int64_t r = 0; r < rows; ++r)
        t1.push_back(mulMod(pow(f.omega, cols * r * a % f.n),
                            pow(f.preRatio, cols * r), q));
    for (int64_t a = 0; a < rows; ++a)
      for (int64_t c = 0; c < cols; ++c)
        t2.push_back(mulMod(mulMod(pow(f.omega, c * a), pow(f.preRatio, c), q),
                            pow(f.postRatio, a), q));
    for (int64_t b = 0; b < cols; ++b)
      for (int64_t c = 0; c < cols; ++c)
        t3.push_back(mulMod(mulMod(pow(f.omega, rows * c * b % f.n), f.post, q),
                            pow(f.postRatio, rows * b), q));
  }
};

template <typename Op> struct TransformToMat : OpRewritePattern<Op> {
  TransformToMat(MLIRContext *ctx, int64_t rows, unsigned &errors)
      : OpRewritePattern<Op>(ctx), rows(rows), errors(errors) {}
  int64_t rows;
  unsigned &errors;

  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    auto residue = cast<ModIntType>(
        cast<RankedTensorType>(op.getType()).getElementType());
    int64_t n = op.getLength();
    int64_t r = rows ? rows : int64_t(1) << (llvm::Log2_64(n) / 2);
    if (!llvm::isPowerOf2_64(r) || n % r) {
      ++errors;
      return op.emitOpError() << "MAT needs rows=R, a power of two dividing "
                                 "the length "
                              << n << ", got " << r;
    }
    int64_t c = n / r;
    CyclicForm form =
        CyclicForm::get(residue.getModulus(), n, op.getResolvedRoot(),
                        op.getCyclic(), std::is_same_v<Op, InttOp>);
    ThreeStepConstants constants(form, r, c);
    Location loc = op.getLoc();
    auto tensorOf = [&](ArrayRef<int64_t> shape) {
      return RankedTensorType::get(shape, residue);
    };
    auto constant = [&](ArrayRef<int64_t> shape, ArrayRef<uint64_t> values) {
      return residueConstant(rewriter, loc, residue, shape, values);
    };
    SmallVector<ReassociationIndices> all = {{0, 1}};
    replaceRowByRow(rewriter, op, [&](Value row) {
      // [1, N] -> [N] -> [R, C]: the same elements in the same order.
      Value x = tensor::CollapseShapeOp::create(rewriter, loc, tensorOf({n}),
                                                row, all);
      x = tensor::ExpandShapeOp::create(rewriter, loc, tensorOf({r, c}), x,
                                        all);
      Value y = MatmulOp::create(rewriter, loc, tensorOf({r, c}),
                                 constant({r, r}, constants.t1), x);
      Value t2 = constant({r, c}, constants.t2);
      if (Value t2Shoup =
              shoupCompanions(rewriter, loc, residue, {r, c}, constants.t2))
        y = MulShoupOp::create(rewriter, loc, tensorOf({r, c}), y, t2, t2Shoup);
      else
        y = MulOp::create(rewriter, loc, tensorOf({r, c}), y, t2);
      Value init = tensor::EmptyOp::create(rewriter, loc, {c, r}, residue);
      Value yT = linalg::TransposeOp::create(rewriter, loc, y, init,
                                             ArrayRef<int64_t>{1, 0})
                     .getResult()
                     .front();
      Value z = MatmulOp::create(rewriter, loc, tensorOf({c, r}),
                                 constant({c, c}, constants.t3), yT);
      z = tensor::CollapseShapeOp::create(rewriter, loc, tensorOf({n}), z,
                                          all);
      return tensor::ExpandShapeOp::create(rewriter, loc, tensorOf({1, n}), z,
                                           all);
    });
    return success();
  }
};

struct ModArithMatPass : anybit::impl::ModArithMatBase<ModArithMatPass> {
  using ModArithMatBase::ModArithMatBase;
  void runOnOperation() override {
    unsigned errors = 0;
    RewritePatternSet patterns(&getContext());
    patterns.add<TransformToMat<NttOp>, TransformToMat<InttOp>>(
        &getContext(), rows, errors);
    // One walk, no folding (see --modarith-ntt-radix2).
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    if (errors)
      signalPassFailure();
  }
};

} // namespace
