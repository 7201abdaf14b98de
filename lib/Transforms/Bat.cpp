//===- Bat.cpp - Modular matmuls as int8 matmuls (CROSS's BAT) ------------===//

#include "anybit/Transforms/Passes.h"

#include "MatmulOperands.h"
#include "ModArith/NumberTheory.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace anybit {
#define GEN_PASS_DEF_MODARITHBAT
#include "anybit/Transforms/Passes.h.inc"
} // namespace anybit

using namespace mlir;
using namespace anybit::modarith;

namespace {

/// The largest |u8 * s8| product, and so the longest contraction whose
/// int32 accumulator cannot overflow.
constexpr int64_t kMaxProduct = 255 * 128;
constexpr int64_t kMaxTerms = INT32_MAX / kMaxProduct; // 65793

/// `v` in balanced base-256 digits in [-128, 127], least significant first.
SmallVector<int64_t> balancedDigits(uint64_t v, unsigned count) {
  SmallVector<int64_t> digits(count, 0);
  __int128 rest = v;
  for (unsigned j = 0; j < count; ++j) {
    int64_t d = int64_t(rest & 255);
    if (d >= 128)
      d -= 256;
    digits[j] = d;
    rest = (rest - d) >> 8;
  }
  return digits;
}

/// The fewest balanced base-256 digits that hold every value in [0, max]:
/// D digits reach 127 * (256^D - 1) / 255 (a 30-bit Q needs 4, a 32-bit
/// one 5).
unsigned balancedDigitCount(uint64_t max) {
  unsigned count = 1;
  for (unsigned __int128 reach = 127; reach < max; ++count)
    reach = reach * 256 + 127;
  return count;
}

/// A constant the pass cannot handle is reported at its matmul and counted
/// in `errors`, which fails the pass.
struct MatmulToBat : OpRewritePattern<MatmulOp> {
  MatmulToBat(MLIRContext *ctx, unsigned &errors)
      : OpRewritePattern(ctx), errors(errors) {}
  unsigned &errors;

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    auto constant = op.getLhs().getDefiningOp<ConstantOp>();
    if (!constant)
      return rewriter.notifyMatchFailure(op, "the lhs is not a constant");
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    auto residue = cast<ModIntType>(lhsType.getElementType());
    uint64_t q = residue.getModulus();
    unsigned bits = 64 - llvm::countl_zero(q);
    if (bits > 32) {
      ++errors;
      op.emitOpError() << "BAT needs a modulus of at most 32 bits (its "
                          "recombination is exact in int64), got "
                       << bits << " bits (" << q << ")";
      return failure();
    }
    int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
    bool vector = resultType.getRank() == 1;
    int64_t n = vector ? 1 : resultType.getDimSize(1);
    int64_t bytes = (bits + 7) / 8;           // of an input residue
    int64_t terms = k * bytes;                // the contraction length
    unsigned digitCount = balancedDigitCount(q - 1); // of T' < Q
    if (terms > kMaxTerms) {
      ++errors;
      op.emitOpError() << "BAT contraction too long: K * " << bytes
                       << " bytes = " << terms
                       << " products of up to 255 * 128 would overflow an "
                          "int32 accumulator (at most "
                       << kMaxTerms << ")";
      return failure();
    }

    // Offline: T'[m, (k, i)] = T[m, k] * 2^(8i) mod Q in balanced digits,
    // digit j of every row first: rows j * M + m of an int8 matrix.
    SmallVector<uint64_t> t;
    for (const APInt &v :
         cast<DenseIntElementsAttr>(constant.getValue()).getValues<APInt>())
      t.push_back(v.getZExtValue());
    SmallVector<int8_t> digits(digitCount * m * terms);
    SmallVector<int64_t> maxDigit(digitCount, 0);
    for (int64_t row = 0; row < m; ++row)
      for (int64_t col = 0; col < k; ++col)
        for (int64_t i = 0; i < bytes; ++i) {
          uint64_t shifted = mulMod(t[row * k + col], powMod(256, i, q), q);
          SmallVector<int64_t> d = balancedDigits(shifted, digitCount);
          for (unsigned j = 0; j < digitCount; ++j) {
            digits[(j * m + row) * terms + col * bytes + i] = int8_t(d[j]);
            maxDigit[j] = std::max(maxDigit[j], std::abs(d[j]));
          }
        }
    // |sum_j S_j 2^(8j)| <= sum_j terms * 255 * max|digit_j| * 2^(8j).
    __int128 bound = 0;
    for (unsigned j = 0; j < digitCount; ++j)
      bound += (__int128)terms * 255 * maxDigit[j] << (8 * j);
    if (bound >= ((__int128)1 << 62)) {
      ++errors;
      op.emitOpError() << "BAT recombination could overflow int64 for this "
                          "constant and contraction length "
                       << terms;
      return failure();
    }
    int64_t offset = int64_t((bound + q - 1) / q * q); // >= |sum|, a multiple of Q

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type(),
         i64 = rewriter.getI64Type();
    Type word = residue.getStorageType();
    auto shaped = [&](ArrayRef<int64_t> shape, Type element) {
      return RankedTensorType::get(shape, element);
    };
    auto parallel = [](unsigned count) {
      return SmallVector<utils::IteratorType>(count,
                                              utils::IteratorType::parallel);
    };
    auto dims = [&](ArrayRef<unsigned> which, unsigned count) {
      SmallVector<AffineExpr> exprs;
      for (unsigned d : which)
        exprs.push_back(rewriter.getAffineDimExpr(d));
      return AffineMap::get(count, 0, exprs, ctx);
    };

    // Online 1: the bytes of x, [(N,) K, B] -> [(N,) K * B] (unsigned):
    // each column's bytes contiguous, like T's rows, so that the product
    // below is a dot product of two contiguous rows. Read from x^T
    // ([N, K], contiguous too) when x is a transpose.
    MatmulRhs rhs = MatmulRhs::of(op);
    SmallVector<int64_t> xShape = {k};
    if (!vector)
      xShape.insert(rhs.transposed ? xShape.begin() : xShape.end(), n);
    Value words = ExtractOp::create(rewriter, loc, shaped(xShape, word),
                                    rhs.source);
    SmallVector<int64_t> byteShape = {k, bytes};
    if (!vector)
      byteShape.insert(byteShape.begin(), n);
    unsigned byteDims = byteShape.size();
    Value byteInit = tensor::EmptyOp::create(rewriter, loc, byteShape, i8);
    Value xBytes =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{shaped(byteShape, i8)}, ValueRange{words},
            ValueRange{byteInit},
            ArrayRef<AffineMap>{vector            ? dims({0}, 2)
                                : rhs.transposed ? dims({0, 1}, 3)
                                                 : dims({1, 0}, 3),
                                AffineMap::getMultiDimIdentityMap(byteDims,
                                                                  ctx)},
            parallel(byteDims),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value i = arith::IndexCastOp::create(
                  b, l, word, linalg::IndexOp::create(b, l, byteDims - 1));
              Value shift = arith::MulIOp::create(
                  b, l, i,
                  arith::ConstantOp::create(b, l, b.getIntegerAttr(word, 8)));
              Value byte = arith::ShRUIOp::create(b, l, args[0], shift);
              unsigned width = residue.getWidth();
              if (width > 8)
                byte = arith::TruncIOp::create(b, l, i8, byte);
              else if (width < 8)
                byte = arith::ExtUIOp::create(b, l, i8, byte);
              linalg::YieldOp::create(b, l, byte);
            })
            .getResult(0);
    SmallVector<int64_t> flatShape = {terms};
    if (!vector)
      flatShape.insert(flatShape.begin(), n);
    SmallVector<ReassociationIndices> flatten = {{0, 1}};
    if (!vector)
      flatten = {{0}, {1, 2}};
    xBytes = tensor::CollapseShapeOp::create(
        rewriter, loc, shaped(flatShape, i8), xBytes, flatten);

    // Online 2: one int8 x uint8 -> int32 product over (k, i).
    int64_t rows = digitCount * m;
    auto digitType = shaped({rows, terms}, i8);
    Value tDigits = arith::ConstantOp::create(
        rewriter, loc,
        DenseIntElementsAttr::get(digitType, ArrayRef<int8_t>(digits)));
    SmallVector<int64_t> sumShape = {rows};
    if (!vector)
      sumShape.push_back(n);
    Value zeros = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(shaped(sumShape, i32),
                               rewriter.getI32IntegerAttr(0)));
    unsigned mmDims = vector ? 2 : 3; // (r, [n,] l)
    SmallVector<utils::IteratorType> mmIterators = parallel(mmDims);
    mmIterators.back() = utils::IteratorType::reduction;
    Value sums =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{shaped(sumShape, i32)},
            ValueRange{tDigits, xBytes}, ValueRange{zeros},
            ArrayRef<AffineMap>{
                dims({0, mmDims - 1}, mmDims),
                vector ? dims({1}, 2) : dims({1, 2}, 3),
                vector ? dims({0}, 2) : dims({0, 1}, 3)},
            mmIterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value product = arith::MulIOp::create(
                  b, l, arith::ExtSIOp::create(b, l, i32, args[0]),
                  arith::ExtUIOp::create(b, l, i32, args[1]));
              linalg::YieldOp::create(
                  b, l, arith::AddIOp::create(b, l, args[2], product).getResult());
            })
            .getResult(0);

    // Online 3: y = offset + sum_j S_j * 2^(8j) in int64, then one
    // reduction modulo Q.
    SmallVector<int64_t> digitMajor = {int64_t(digitCount), m};
    if (!vector)
      digitMajor.push_back(n);
    SmallVector<ReassociationIndices> split = {{0, 1}};
    if (!vector)
      split.push_back({2});
    Value perDigit = tensor::ExpandShapeOp::create(
        rewriter, loc, shaped(digitMajor, i32), sums, split);
    SmallVector<int64_t> outShape(resultType.getShape());
    Value start = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(shaped(outShape, i64),
                               rewriter.getI64IntegerAttr(offset)));
    unsigned outDims = outShape.size() + 1; // (m, [n,] j)
    SmallVector<utils::IteratorType> combineIterators = parallel(outDims);
    combineIterators.back() = utils::IteratorType::reduction;
    SmallVector<unsigned> sumIndex = {outDims - 1, 0};
    SmallVector<unsigned> outIndex = {0};
    if (!vector) {
      sumIndex.push_back(1);
      outIndex.push_back(1);
    }
    Value combined =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{shaped(outShape, i64)},
            ValueRange{perDigit}, ValueRange{start},
            ArrayRef<AffineMap>{dims(sumIndex, outDims),
                                dims(outIndex, outDims)},
            combineIterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value j = arith::IndexCastOp::create(
                  b, l, i64, linalg::IndexOp::create(b, l, outDims - 1));
              Value shift = arith::MulIOp::create(
                  b, l, j,
                  arith::ConstantOp::create(b, l, b.getI64IntegerAttr(8)));
              Value term = arith::ShLIOp::create(
                  b, l, arith::ExtSIOp::create(b, l, i64, args[0]), shift);
              linalg::YieldOp::create(
                  b, l, arith::AddIOp::create(b, l, args[1], term).getResult());
            })
            .getResult(0);
    // (A 64-bit storage word takes the i64 sum as it is.)
    Value result =
        residue.getWidth() == 64
            ? EncapsulateOp::create(rewriter, loc, resultType, combined)
                  .getResult()
            : ReduceOp::create(rewriter, loc, resultType, combined).getResult();
    Value original = op.getRhs();
    rewriter.replaceOp(op, result);
    rhs.eraseTransposeIfDead(rewriter, original);
    if (constant->use_empty())
      rewriter.eraseOp(constant);
    return success();
  }
};

struct ModArithBatPass : anybit::impl::ModArithBatBase<ModArithBatPass> {
  void runOnOperation() override {
    unsigned errors = 0;
    RewritePatternSet patterns(&getContext());
    patterns.add<MatmulToBat>(&getContext(), errors);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    if (errors)
      signalPassFailure();
  }
};

} // namespace
