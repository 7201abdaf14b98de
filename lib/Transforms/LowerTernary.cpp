//===- LowerTernary.cpp - ternarize and bitlinear as tensor-level steps ---===//
//
// Each op becomes the steps its definition states (AnybitOps.td), in the
// same order of operations as the reference VM: f64 element-wise code and
// row reductions as linalg.generic ops (whose loops keep the ascending
// order of their sums), anybit.cast for the roundings, and for bitlinear
// one anybit.matmul of int8 activations by the trits into i32, which
// convert-anybit-to-standard lowers without multiplying by weights.
//
//===----------------------------------------------------------------------===//

#include "anybit/Transforms/Passes.h"

#include "Anybit/AnybitDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITLOWERTERNARY
#include "anybit/Transforms/Passes.h.inc"
} // namespace anybit

using namespace mlir;
using namespace anybit;

namespace {

using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

struct StepBuilder {
  OpBuilder &b;
  Location loc;

  Type f64() { return b.getF64Type(); }
  Value f64c(double v) {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
  }

  /// A linalg.generic over `shape` (the iteration space) writing a tensor
  /// of `outShape` (the dims `outDims` of the space) of `element`,
  /// initialized to `init` (a scalar), reading `inputs` through `maps`.
  Value generic(ArrayRef<int64_t> shape, ArrayRef<unsigned> outDims,
                Type element, Value init, ValueRange inputs,
                ArrayRef<AffineMap> maps, BodyFn body) {
    MLIRContext *ctx = b.getContext();
    SmallVector<int64_t> outShape;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators(shape.size(),
                                               utils::IteratorType::reduction);
    for (unsigned d : outDims) {
      outShape.push_back(shape[d]);
      outExprs.push_back(getAffineDimExpr(d, ctx));
      iterators[d] = utils::IteratorType::parallel;
    }
    Value out = tensor::EmptyOp::create(b, loc, outShape, element);
    if (init)
      out = linalg::FillOp::create(b, loc, init, out).getResult(0);
    SmallVector<AffineMap> allMaps(maps);
    allMaps.push_back(AffineMap::get(shape.size(), 0, outExprs, ctx));
    return linalg::GenericOp::create(
               b, loc, TypeRange{out.getType()}, inputs, ValueRange{out},
               allMaps, iterators,
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 linalg::YieldOp::create(nb, l, body(nb, l, args));
               })
        .getResult(0);
  }

  /// The map of a tensor indexed by dims `dims` of a `rank`-d space.
  AffineMap map(unsigned rank, ArrayRef<unsigned> dims) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d : dims)
      exprs.push_back(b.getAffineDimExpr(d));
    return AffineMap::get(rank, 0, exprs, b.getContext());
  }

  /// `value` (a tensor) with elements of `element`, by anybit.cast rules.
  Value cast(Value value, Type element, bool saturate = false) {
    auto type = llvm::cast<RankedTensorType>(value.getType());
    if (type.getElementType() == element)
      return value;
    return CastOp::create(b, loc, type.clone(element), value, saturate);
  }

  /// max(v, floor), a NaN giving the floor.
  Value floored(OpBuilder &nb, Location l, Value v) {
    Value floor =
        arith::ConstantOp::create(nb, l, nb.getF64FloatAttr(kTernaryScaleFloor));
    Value above =
        arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, v, floor);
    return arith::SelectOp::create(nb, l, above, v, floor);
  }
};

struct TernarizeSteps : OpRewritePattern<TernarizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TernarizeOp op,
                                PatternRewriter &rewriter) const override {
    StepBuilder s{rewriter, op.getLoc()};
    Value w = s.cast(op.getInput(), s.f64());
    auto type = cast<RankedTensorType>(w.getType());
    unsigned rank = type.getRank();
    SmallVector<unsigned> all;
    for (unsigned d = 0; d < rank; ++d)
      all.push_back(d);
    // sum |w| in row-major order, into a 0-d tensor.
    Value sum = s.generic(
        type.getShape(), {}, s.f64(), s.f64c(0.0), ValueRange{w},
        {s.map(rank, all)}, [](OpBuilder &nb, Location l, ValueRange args) {
          return arith::AddFOp::create(nb, l, args[1],
                                       math::AbsFOp::create(nb, l, args[0]))
              .getResult();
        });
    double count = static_cast<double>(type.getNumElements());
    Value mean = s.generic(
        {}, {}, s.f64(), Value(), ValueRange{sum}, {s.map(0, {})},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value c = arith::ConstantOp::create(nb, l, nb.getF64FloatAttr(count));
          return s.floored(nb, l, arith::DivFOp::create(nb, l, args[0], c));
        });
    // trits = clamp(rne(w * (1 / mean))), by anybit.cast's rounding.
    Value scaled = s.generic(
        type.getShape(), all, s.f64(), Value(), ValueRange{w, mean},
        {s.map(rank, all), s.map(rank, {})},
        [](OpBuilder &nb, Location l, ValueRange args) {
          Value one = arith::ConstantOp::create(nb, l, nb.getF64FloatAttr(1.0));
          Value inverse = arith::DivFOp::create(nb, l, one, args[1]);
          return arith::MulFOp::create(nb, l, args[0], inverse).getResult();
        });
    auto resultType = op.getResult().getType();
    Value trits = s.cast(scaled, resultType.getElementType());
    if (resultType.getEncoding())
      trits = PackOp::create(rewriter, op.getLoc(), resultType, trits, Value(),
                             Value());
    Value scale = s.cast(mean, op.getScale().getType().getElementType());
    rewriter.replaceOp(op, {trits, scale});
    return success();
  }
};

struct BitLinearSteps : OpRewritePattern<BitLinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BitLinearOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    StepBuilder s{rewriter, loc};
    Value x = s.cast(op.getInput(), s.f64());
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t rows = xType.getDimSize(0), k = xType.getDimSize(1);
    auto resultType = op.getResult().getType();
    int64_t outputs = resultType.getDimSize(1);
    AffineMap rowCol = s.map(2, {0, 1}), row = s.map(2, {0}),
              col = s.map(2, {1});
    auto rowMaps = [&](unsigned n) {
      return SmallVector<AffineMap>(n, s.map(1, {0}));
    };

    // r = sqrt(sum_k x_k^2 / K + epsilon), per row.
    Value squares = s.generic(
        xType.getShape(), {0}, s.f64(), s.f64c(0.0), ValueRange{x}, {rowCol},
        [](OpBuilder &nb, Location l, ValueRange args) {
          Value sq = arith::MulFOp::create(nb, l, args[0], args[0]);
          return arith::AddFOp::create(nb, l, args[1], sq).getResult();
        });
    double epsilon = op.getEpsilon().convertToDouble();
    Value rms = s.generic(
        {rows}, {0}, s.f64(), Value(), ValueRange{squares}, rowMaps(1),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          auto c = [&](double v) {
            return arith::ConstantOp::create(nb, l, nb.getF64FloatAttr(v));
          };
          Value mean = arith::DivFOp::create(nb, l, args[0],
                                             c(static_cast<double>(k)));
          return math::SqrtOp::create(
                     nb, l, arith::AddFOp::create(nb, l, mean, c(epsilon)))
              .getResult();
        });
    // n_k = x_k / r * g_k.
    SmallVector<Value> normInputs = {x, rms};
    SmallVector<AffineMap> normMaps = {rowCol, row};
    if (Value g = op.getNormWeight()) {
      normInputs.push_back(s.cast(g, s.f64()));
      normMaps.push_back(col);
    }
    Value normed = s.generic(
        xType.getShape(), {0, 1}, s.f64(), Value(), normInputs, normMaps,
        [](OpBuilder &nb, Location l, ValueRange args) {
          Value n = arith::DivFOp::create(nb, l, args[0], args[1]);
          if (args.size() == 4)
            n = arith::MulFOp::create(nb, l, n, args[2]);
          return n;
        });
    // s = 127 / max(max_k |n_k|, 1e-5); a NaN never becomes the max.
    Value absmax = s.generic(
        xType.getShape(), {0}, s.f64(), s.f64c(0.0), ValueRange{normed},
        {rowCol}, [](OpBuilder &nb, Location l, ValueRange args) {
          Value a = math::AbsFOp::create(nb, l, args[0]);
          Value bigger = arith::CmpFOp::create(
              nb, l, arith::CmpFPredicate::OLT, args[1], a);
          return arith::SelectOp::create(nb, l, bigger, a, args[1])
              .getResult();
        });
    Value tokenScale = s.generic(
        {rows}, {0}, s.f64(), Value(), ValueRange{absmax}, rowMaps(1),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value c127 = arith::ConstantOp::create(nb, l, nb.getF64FloatAttr(127));
          return arith::DivFOp::create(nb, l, c127, s.floored(nb, l, args[0]))
              .getResult();
        });
    // q_k = clamp(rne(n_k * s), -128, 127): a saturating cast to i8.
    Value scaled = s.generic(
        xType.getShape(), {0, 1}, s.f64(), Value(),
        ValueRange{normed, tokenScale}, {rowCol, row},
        [](OpBuilder &nb, Location l, ValueRange args) {
          return arith::MulFOp::create(nb, l, args[0], args[1]).getResult();
        });
    Value q = s.cast(scaled, rewriter.getI8Type(), /*saturate=*/true);
    auto productType = RankedTensorType::get({rows, outputs},
                                             rewriter.getI32Type());
    Value product = MatmulOp::create(rewriter, loc, productType, q,
                                     op.getWeights(),
                                     TypeAttr::get(rewriter.getI32Type()),
                                     rewriter.getUnitAttr());
    // y_j = a_j / s * m.
    Value m = tensor::ExtractOp::create(
        rewriter, loc, s.cast(op.getWeightScale(), s.f64()), ValueRange{});
    Value y = s.generic(
        {rows, outputs}, {0, 1}, s.f64(), Value(),
        ValueRange{product, tokenScale}, {rowCol, row},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value a = arith::SIToFPOp::create(nb, l, nb.getF64Type(), args[0]);
          Value unscaled = arith::DivFOp::create(nb, l, a, args[1]);
          return arith::MulFOp::create(nb, l, unscaled, m).getResult();
        });
    rewriter.replaceOp(op, s.cast(y, resultType.getElementType()));
    return success();
  }
};

struct AnybitLowerTernaryPass
    : anybit::impl::AnybitLowerTernaryBase<AnybitLowerTernaryPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<TernarizeSteps, BitLinearSteps>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
