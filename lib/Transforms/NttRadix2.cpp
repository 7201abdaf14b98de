//===- NttRadix2.cpp - modarith.ntt/intt as radix-2 butterflies -----------===//

#include "anybit/Transforms/Passes.h"

#include "ModArith/NumberTheory.h"
#include "TransformRows.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace anybit {
#define GEN_PASS_DEF_MODARITHNTTRADIX2
#include "anybit/Transforms/Passes.h.inc"
} // namespace anybit

using namespace mlir;
using namespace anybit;
using namespace anybit::modarith;

namespace {

/// Builds the butterflies of one transform on [batch, N] rows of residues.
class Radix2Builder {
public:
  Radix2Builder(PatternRewriter &b, Location loc, ModIntType residue,
                int64_t batch, int64_t n)
      : b(b), loc(loc), residue(residue), q(residue.getModulus()),
        batch(batch), n(n) {}

  RankedTensorType tensorOf(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, residue);
  }

  /// The constant multipliers of a pass: the residues, then their Shoup
  /// companions when Shoup's product fits the word (the multipliers are
  /// constants, so their companions cost nothing at run time).
  SmallVector<Value> multipliers(ArrayRef<uint64_t> values) {
    int64_t size = values.size();
    SmallVector<Value> operands = {
        residueConstant(b, loc, residue, {size}, values)};
    if (Value companions = shoupCompanions(b, loc, residue, {size}, values))
      operands.push_back(companions);
    return operands;
  }

  /// x * c for the multiplier c (and its companion, if any) in `args`.
  Value multiply(OpBuilder &nb, Location l, Value x, ValueRange args) {
    if (args.size() == 2)
      return MulShoupOp::create(nb, l, residue, x, args[0], args[1]);
    return MulOp::create(nb, l, residue, x, args[0]);
  }

  /// row[j] * factors[j] for every row of x ([batch, N]): one element-wise
  /// pass with the factors indexed by the column alone.
  Value scaleRows(Value x, ArrayRef<uint64_t> factors) {
    MLIRContext *ctx = b.getContext();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap column = AffineMap::get(2, 0, b.getAffineDimExpr(1));
    Value init = tensor::EmptyOp::create(b, loc, {batch, n}, residue);
    SmallVector<Value> inputs = {x};
    llvm::append_range(inputs, multipliers(factors));
    SmallVector<AffineMap> maps(inputs.size(), column);
    maps.front() = identity;
    maps.push_back(identity);
    return linalg::GenericOp::create(
               b, loc, TypeRange{tensorOf({batch, n})}, inputs,
               ValueRange{init}, maps,
               SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Value p = multiply(nb, l, args[0],
                                    args.slice(1, inputs.size() - 1));
                 linalg::YieldOp::create(nb, l, p);
               })
        .getResult(0);
  }

  /// One stage of the Stockham (self-sorting) Gentleman-Sande transform:
  /// the row read as [A, 2, m] (A = N / 2m), the halves u = x[a, 0, j] and
  /// v = x[a, 1, j] become y[0, a, j] = u + v and y[1, a, j] = (u - v) * w^j
  /// (w of order 2m) of the row written as [2, A, m]. After the stages with
  /// m = N/2, ..., 1 the row is in natural order: no bit reversal. Each half
  /// is one element-wise pass writing its contiguous half of the result in
  /// place (one op cannot write both halves of one tensor in place) into
  /// `dest` ([batch, N], whose contents are dead).
  Value stage(Value x, Value dest, int64_t m, uint64_t w) {
    int64_t blocks = n / (2 * m);
    auto halfType = tensorOf({batch, blocks, m});
    SmallVector<ReassociationIndices> split = {{0}, {1, 2, 3}};
    Value in = tensor::ExpandShapeOp::create(
        b, loc, tensorOf({batch, blocks, 2, m}), x, split);
    auto slice = [&](Value from, ArrayRef<int64_t> offsets,
                     ArrayRef<int64_t> sizes) {
      return tensor::ExtractSliceOp::create(
          b, loc, halfType, from, indexAttrs(offsets), indexAttrs(sizes),
          indexAttrs({1, 1, 1, 1}));
    };
    Value u = slice(in, {0, 0, 0, 0}, {batch, blocks, 1, m});
    Value v = slice(in, {0, 0, 1, 0}, {batch, blocks, 1, m});
    AffineMap identity = AffineMap::getMultiDimIdentityMap(3, b.getContext());
    auto halfPass = [&](Value dest, int64_t which,
                        SmallVector<Value> twiddles) {
      SmallVector<Value> inputs = {u, v};
      SmallVector<AffineMap> maps = {identity, identity};
      for (Value t : twiddles) {
        inputs.push_back(t);
        maps.push_back(AffineMap::get(3, 0, b.getAffineDimExpr(2)));
      }
      maps.push_back(identity);
      SmallVector<int64_t> offsets = {0, which, 0, 0};
      SmallVector<int64_t> sizes = {batch, 1, blocks, m};
      Value result =
          linalg::GenericOp::create(
              b, loc, TypeRange{halfType}, inputs,
              ValueRange{slice(dest, offsets, sizes)}, maps,
              SmallVector<utils::IteratorType>(3,
                                               utils::IteratorType::parallel),
              [&](OpBuilder &nb, Location l, ValueRange args) {
                Value r;
                if (which == 0) {
                  r = AddOp::create(nb, l, residue, args[0], args[1]);
                } else {
                  r = SubOp::create(nb, l, residue, args[0], args[1]);
                  if (!twiddles.empty())
                    r = multiply(nb, l, r, args.slice(2, twiddles.size()));
                }
                linalg::YieldOp::create(nb, l, r);
              })
              .getResult(0);
      return tensor::InsertSliceOp::create(b, loc, result, dest,
                                           indexAttrs(offsets),
                                           indexAttrs(sizes),
                                           indexAttrs({1, 1, 1, 1}));
    };
    Value out = tensor::ExpandShapeOp::create(
        b, loc, tensorOf({batch, 2, blocks, m}), dest, split);
    out = halfPass(out, 0, {});
    out = halfPass(out, 1,
                   m > 1 ? multipliers(geometric(1, w, m, q))
                         : SmallVector<Value>());
    return tensor::CollapseShapeOp::create(b, loc, tensorOf({batch, n}), out,
                                           split);
  }

  /// The cyclic transform with `omega` (order N), natural order in and out.
  /// Stages ping-pong between two buffers: each overwrites the result of
  /// the stage before last, which nothing reads any more (a fresh buffer
  /// per stage costs page faults on every call for large batches).
  Value cyclic(Value x, uint64_t omega) {
    Value spare = tensor::EmptyOp::create(b, loc, {batch, n}, residue);
    for (int64_t m = n / 2; m >= 1; m /= 2) {
      Value y = stage(x, spare, m, powMod(omega, n / (2 * m), q));
      spare = x;
      x = y;
    }
    return x;
  }

private:
  SmallVector<OpFoldResult> indexAttrs(ArrayRef<int64_t> values) {
    return llvm::map_to_vector(values, [&](int64_t v) -> OpFoldResult {
      return b.getIndexAttr(v);
    });
  }

  PatternRewriter &b;
  Location loc;
  ModIntType residue;
  uint64_t q;
  int64_t batch, n;
};

template <typename Op> struct TransformToRadix2 : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    auto residue = cast<ModIntType>(
        cast<RankedTensorType>(op.getType()).getElementType());
    int64_t n = op.getLength();
    CyclicForm form =
        CyclicForm::get(residue.getModulus(), n, op.getResolvedRoot(),
                        op.getCyclic(), std::is_same_v<Op, InttOp>);
    replaceRowByRow(rewriter, op, [&](Value row) {
      Radix2Builder builder(rewriter, op.getLoc(), residue, 1, n);
      if (form.hasPre())
        row = builder.scaleRows(row, form.preFactors());
      row = builder.cyclic(row, form.omega);
      if (form.hasPost())
        row = builder.scaleRows(row, form.postFactors());
      return row;
    });
    return success();
  }
};

struct ModArithNttRadix2Pass
    : anybit::impl::ModArithNttRadix2Base<ModArithNttRadix2Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<TransformToRadix2<NttOp>, TransformToRadix2<InttOp>>(
        &getContext());
    // One walk, no folding: a greedy driver would also fold unrelated ops
    // by upstream rules (an f8 overflow to NaN) before Anybit lowers them.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
