//===- X86Int8Dot.cpp - int8 dot-product contractions on VNNI -------------===//

#include "anybit/Conversion/Passes.h"

#include "Anybit/X86Ops.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITX86INT8DOT
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// out[i..., j...] += sum_l sext(s[i..., l]) * zext(u[j..., l]), as
/// matched: loops (i..., j..., l), the first `rowDims` of them indexing s.
struct Int8Dot {
  Value s, u, out;
  unsigned rowDims, parallelDims;
};

/// Whether `v` is `Ext(arg)` for the block argument `arg`.
template <typename Ext> bool isExtOf(Value v, Value arg) {
  auto ext = v.getDefiningOp<Ext>();
  return ext && ext.getIn() == arg;
}

std::optional<Int8Dot> matchInt8Dot(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  unsigned loops = op.getNumLoops();
  if (loops < 2)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned i = 0; i < loops; ++i)
    if ((i + 1 == loops) != (iterators[i] == utils::IteratorType::reduction))
      return std::nullopt;
  auto i8Tensor = [](Value v) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    return t && t.hasStaticShape() && t.getElementType().isInteger(8);
  };
  auto out = dyn_cast<RankedTensorType>(op.getDpsInits()[0].getType());
  if (!i8Tensor(op.getDpsInputs()[0]) || !i8Tensor(op.getDpsInputs()[1]) ||
      !out || !out.hasStaticShape() || !out.getElementType().isInteger(32))
    return std::nullopt;

  // Maps (i..., j..., l): out at (i..., j...), s at (i..., l), u at
  // (j..., l); no j for a matrix-vector product.
  MLIRContext *ctx = op.getContext();
  unsigned parallel = loops - 1;
  auto dims = [&](unsigned from, unsigned to) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d = from; d < to; ++d)
      exprs.push_back(getAffineDimExpr(d, ctx));
    return exprs;
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[2] != AffineMap::get(loops, 0, dims(0, parallel), ctx))
    return std::nullopt;
  auto operandMap = [&](unsigned from, unsigned to) {
    SmallVector<AffineExpr> exprs = dims(from, to);
    exprs.push_back(getAffineDimExpr(parallel, ctx));
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  auto rowDimsOf = [&](unsigned input) -> std::optional<unsigned> {
    for (unsigned k = 1; k <= parallel; ++k)
      if (maps[input] == operandMap(0, k) &&
          maps[1 - input] == operandMap(k, parallel))
        return k;
    return std::nullopt;
  };

  // Body: yield(acc + ext(a) * ext(b)), one extension signed, the other
  // unsigned, in any operand order.
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddIOp>();
  if (!add || body.getOperations().size() != 5)
    return std::nullopt;
  Value acc = body.getArgument(2);
  Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  if (add.getLhs() != acc && add.getRhs() != acc)
    return std::nullopt;
  auto mul = product.getDefiningOp<arith::MulIOp>();
  if (!mul)
    return std::nullopt;
  Value a0 = body.getArgument(0), a1 = body.getArgument(1);
  for (auto [x, y] : {std::pair{mul.getLhs(), mul.getRhs()},
                      std::pair{mul.getRhs(), mul.getLhs()}}) {
    for (auto [signedArg, unsignedArg, signedInput] :
         {std::tuple{a0, a1, 0u}, std::tuple{a1, a0, 1u}}) {
      if (!isExtOf<arith::ExtSIOp>(x, signedArg) ||
          !isExtOf<arith::ExtUIOp>(y, unsignedArg))
        continue;
      std::optional<unsigned> rowDims = rowDimsOf(signedInput);
      if (!rowDims)
        continue;
      return Int8Dot{op.getDpsInputs()[signedInput],
                     op.getDpsInputs()[1 - signedInput], op.getDpsInits()[0],
                     *rowDims, parallel};
    }
  }
  return std::nullopt;
}

struct ContractionToVpdpbusd : OpRewritePattern<linalg::GenericOp> {
  ContractionToVpdpbusd(MLIRContext *ctx, unsigned vectorBits)
      : OpRewritePattern(ctx), vectorBits(vectorBits) {}
  unsigned vectorBits;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<Int8Dot> dot = matchInt8Dot(op);
    if (!dot)
      return rewriter.notifyMatchFailure(op, "not an int8 dot contraction");
    Location loc = op.getLoc();
    // s as [M, L], u as [N, L] (or [L]), out as [M, N] (or [M]).
    bool matrix = dot->rowDims < dot->parallelDims;
    auto range = [](unsigned from, unsigned to) {
      ReassociationIndices group;
      for (unsigned d = from; d < to; ++d)
        group.push_back(d);
      return group;
    };
    auto collapse = [&](Value v,
                        SmallVector<ReassociationIndices> groups) -> Value {
      auto type = cast<RankedTensorType>(v.getType());
      if (groups.size() == size_t(type.getRank()))
        return v;
      return tensor::CollapseShapeOp::create(rewriter, loc, v, groups)
          .getResult();
    };
    unsigned k = dot->rowDims, p = dot->parallelDims;
    Value sRows = collapse(dot->s, {range(0, k), range(k, k + 1)});
    Value uRows = matrix ? collapse(dot->u, {range(0, p - k),
                                             range(p - k, p - k + 1)})
                         : dot->u;
    SmallVector<ReassociationIndices> outGroups = {range(0, k)};
    if (matrix)
      outGroups.push_back(range(k, p));
    Value outRows = collapse(dot->out, outGroups);
    auto sType = cast<RankedTensorType>(sRows.getType());
    int64_t m = sType.getDimSize(0), length = sType.getDimSize(1);
    int64_t n = matrix
                    ? cast<RankedTensorType>(uRows.getType()).getDimSize(0)
                    : 1;
    int64_t bytes = vectorBits / 8, lanes = bytes / 4;
    int64_t whole = length / bytes * bytes;
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    auto byteVector = VectorType::get({bytes}, i8);
    auto laneVector = VectorType::get({lanes}, i32);
    auto index = [&](OpBuilder &b, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto forLoop = [&](OpBuilder &b, int64_t lo, int64_t hi, int64_t step,
                       Value init, auto body) {
      return scf::ForOp::create(
                 b, loc, index(b, lo), index(b, hi), index(b, step),
                 ValueRange{init},
                 [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
                   scf::YieldOp::create(nb, loc, body(nb, iv, args[0]));
                 })
          .getResult(0);
    };

    // out[r, c] += the dot product of row r of s and row c of u.
    auto dotInto = [&](OpBuilder &b, Value r, Value c,
                       Value outTensor) -> Value {
      SmallVector<Value> uAt = matrix ? SmallVector<Value>{c}
                                      : SmallVector<Value>{};
      Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
      Value zeros = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(laneVector, b.getI32IntegerAttr(0)));
      Value lanesSum = forLoop(b, 0, whole, bytes, zeros,
                               [&](OpBuilder &nb, Value l, Value acc) -> Value {
        auto read = [&](Value from, SmallVector<Value> at) {
          at.push_back(l);
          return vector::TransferReadOp::create(
              nb, loc, byteVector, from, at, pad, ArrayRef<bool>{true});
        };
        Value u = read(uRows, uAt), s = read(sRows, {r});
        return anybit::X86VpdpbusdOp::create(nb, loc, laneVector, acc, u, s)
            .getResult();
      });
      Value sum = vector::ReductionOp::create(
          b, loc, vector::CombiningKind::ADD, lanesSum);
      // The last length mod `bytes` terms, one at a time.
      if (whole != length)
        sum = forLoop(b, whole, length, 1, sum,
                    [&](OpBuilder &nb, Value l, Value acc) -> Value {
        SmallVector<Value> at = uAt;
        at.push_back(l);
        Value u = tensor::ExtractOp::create(nb, loc, uRows, at);
        Value s = tensor::ExtractOp::create(nb, loc, sRows, {r, l});
        Value p = arith::MulIOp::create(
            nb, loc, arith::ExtSIOp::create(nb, loc, i32, s),
            arith::ExtUIOp::create(nb, loc, i32, u));
        return arith::AddIOp::create(nb, loc, acc, p);
      });
      SmallVector<Value> outAt = {r};
      if (matrix)
        outAt.push_back(c);
      Value old = tensor::ExtractOp::create(b, loc, outTensor, outAt);
      Value updated = arith::AddIOp::create(b, loc, old, sum);
      return tensor::InsertOp::create(b, loc, updated, outTensor, outAt)
          .getResult();
    };

    Value result = forLoop(rewriter, 0, m, 1, outRows,
                           [&](OpBuilder &b, Value r, Value outTensor) -> Value {
      if (!matrix)
        return dotInto(b, r, Value(), outTensor);
      return forLoop(b, 0, n, 1, outTensor,
                     [&](OpBuilder &nb, Value c, Value t) {
                       return dotInto(nb, r, c, t);
                     });
    });
    if (result.getType() != dot->out.getType())
      result = tensor::ExpandShapeOp::create(rewriter, loc, dot->out.getType(),
                                             result, outGroups);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AnybitX86Int8DotPass
    : anybit::impl::AnybitX86Int8DotBase<AnybitX86Int8DotPass> {
  using AnybitX86Int8DotBase::AnybitX86Int8DotBase;
  void runOnOperation() override {
    if (vectorBits != 256 && vectorBits != 512) {
      getOperation()->emitError()
          << "anybit-x86-int8-dot: vector-bits must be 256 or 512, got "
          << unsigned(vectorBits);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<ContractionToVpdpbusd>(&getContext(), vectorBits);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
