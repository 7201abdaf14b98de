//===- CodeDotMatmulCodegen.cpp - int8 products over unsigned codes -------===//

#include "CodeDotMatmulCodegen.h"

#include "Anybit/X86Ops.h"
#include "anybit/Support/BitPacking.h"
#include "VectorMatmulCodegen.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace anybit::codegen {
namespace {

/// Rows of A and rows of W accumulated together: 4 x 4 accumulators (half
/// of AVX-512's registers) are enough independent dot-product chains to
/// hide their latency, and each row of A' loaded serves four rows of W.
constexpr int64_t kRowsOfA = 4, kRowsOfW = 4;

struct CodeDotKernel {
  OpBuilder &b;
  Location loc;
  Value planar; // A', M x Kp
  Value bytes;  // W's storage
  Value rowSums; // sum_k A[m, k], M
  int64_t rowBytes;
  int64_t vectorBytes; // V: bytes of W per load
  int64_t codesPerByte; // P: 4 (2-bit codes), 5 (base 3) or 1 (int8)
  int64_t codeOffset;   // o: 1 for trits, 128 for int8
  unsigned dotBits;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value mul(Value x, int64_t c) {
    return arith::MulIOp::create(b, loc, x, idx(c));
  }
  Value add(Value x, int64_t c) {
    return c ? arith::AddIOp::create(b, loc, x, idx(c)).getResult() : x;
  }
  VectorType byteVector() {
    return VectorType::get({vectorBytes}, b.getI8Type());
  }
  VectorType laneVector() {
    return VectorType::get({vectorBytes / 4}, b.getI32Type());
  }
  Value splat(VectorType type, int64_t v) {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(type,
                               b.getIntegerAttr(type.getElementType(), v)));
  }
  Value read(Value source, ValueRange at, bool inBounds) {
    Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
    return vector::TransferReadOp::create(b, loc, byteVector(), source, at,
                                          pad, ArrayRef<bool>{inBounds});
  }

  /// acc + the byte dot products of `codes` (unsigned) and `activations`
  /// (signed), four bytes per i32 lane.
  Value dot(Value acc, Value codes, Value activations) {
    if (dotBits)
      return X86VpdpbusdOp::create(b, loc, laneVector(), acc, codes,
                                   activations);
    auto wide = VectorType::get({vectorBytes}, b.getI32Type());
    Value products = arith::MulIOp::create(
        b, loc, arith::ExtUIOp::create(b, loc, wide, codes),
        arith::ExtSIOp::create(b, loc, wide, activations));
    // Lane i sums products 4i..4i+3: four strided shuffles, added (1-D
    // vectors only, which every later lowering handles).
    for (int64_t j = 0; j < 4; ++j) {
      SmallVector<int64_t> lanes;
      for (int64_t i = 0; i < vectorBytes / 4; ++i)
        lanes.push_back(4 * i + j);
      acc = arith::AddIOp::create(
          b, loc, acc,
          vector::ShuffleOp::create(b, loc, products, products, lanes));
    }
    return acc;
  }

  /// Plane j of the bytes `w`: the codes of elements P i + j, as bytes.
  Value plane(Value w, int64_t j) {
    if (codesPerByte == 1) // w + 128 as an unsigned byte
      return arith::XOrIOp::create(b, loc, w, splat(byteVector(), -128));
    if (codesPerByte == 4) {
      Value shifted =
          j ? arith::ShRUIOp::create(b, loc, w, splat(byteVector(), 2 * j))
                  .getResult()
            : w;
      return arith::AndIOp::create(b, loc, shifted, splat(byteVector(), 3));
    }
    // Base 3: ((w * 3^j) mod 256) * 3 >> 8, the product in 16 bits.
    Value low = j ? arith::MulIOp::create(
                        b, loc, w, splat(byteVector(), base3Power(j)))
                        .getResult()
                  : w;
    auto words = VectorType::get({vectorBytes}, b.getI16Type());
    Value wide = arith::ExtUIOp::create(b, loc, words, low);
    Value digit = arith::ShRUIOp::create(
        b, loc, arith::MulIOp::create(b, loc, wide, splat(words, 3)),
        splat(words, 8));
    return arith::TruncIOp::create(b, loc, byteVector(), digit);
  }

  /// Block `kb` (PV codes of each row) of rows n0.. of W against rows m0..
  /// of A', added to `accs` (row of W major). Reads of W stay inside the
  /// buffer when `inBounds`; the last block of a row may read past it
  /// (into the next row, or padding at the end), where A' is zero.
  SmallVector<Value> block(Value kb, bool inBounds, Value n0, int64_t rowsW,
                           Value m0, int64_t rowsA, ValueRange accs) {
    SmallVector<Value> next(accs);
    Value blockStart = mul(kb, codesPerByte * vectorBytes);
    for (int64_t r = 0; r < rowsW; ++r) {
      Value offset = arith::AddIOp::create(b, loc, mul(add(n0, r), rowBytes),
                                           mul(kb, vectorBytes));
      Value w = read(bytes, offset, inBounds);
      for (int64_t j = 0; j < codesPerByte; ++j) {
        Value codes = plane(w, j);
        for (int64_t a = 0; a < rowsA; ++a) {
          Value activations =
              read(planar, {add(m0, a), add(blockStart, j * vectorBytes)},
                   /*inBounds=*/true);
          next[r * rowsA + a] = dot(next[r * rowsA + a], codes, activations);
        }
      }
    }
    return next;
  }

  /// Rows m0..m0+rowsA of the tile of outputs n0..n0+rowsW, inserted into
  /// `tile` (M x rowsW).
  Value rowBlock(Value tile, Value m0, int64_t rowsA, Value n0,
                 int64_t rowsW) {
    int64_t fullBlocks = rowBytes / vectorBytes;
    SmallVector<Value> accs(rowsW * rowsA, splat(laneVector(), 0));
    if (fullBlocks > 0) // the body is large: never emit it for no trips
      accs = buildLoop(b, loc, fullBlocks, 1, accs,
                       [&](Value kb, ValueRange args) {
                         return block(kb, true, n0, rowsW, m0, rowsA, args);
                       });
    if (rowBytes % vectorBytes)
      accs = block(idx(fullBlocks), false, n0, rowsW, m0, rowsA, accs);
    for (int64_t r = 0; r < rowsW; ++r)
      for (int64_t a = 0; a < rowsA; ++a) {
        Value row = add(m0, a);
        Value sum = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, accs[r * rowsA + a]);
        Value offsetSum = arith::MulIOp::create(
            b, loc, tensor::ExtractOp::create(b, loc, rowSums, row),
            arith::ConstantIntOp::create(b, loc, codeOffset, 32));
        Value codeSum = arith::SubIOp::create(b, loc, sum, offsetSum);
        tile = tensor::InsertOp::create(b, loc, codeSum, tile,
                                        ValueRange{row, idx(r)});
      }
    return tile;
  }
};

/// A' (M x Kp, Kp a multiple of PV): within each block of PV columns,
/// A'[m, PV kb + V j + i] = A[m, PV kb + P i + j], zero past K.
Value buildPlanarActivations(OpBuilder &b, Location loc, Value lhs,
                             int64_t paddedK, int64_t vectorBytes,
                             int64_t codesPerByte) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
  auto type = RankedTensorType::get({m, paddedK}, b.getI8Type());
  return tensor::GenerateOp::create(
      b, loc, type, ValueRange{},
      [&](OpBuilder &nb, Location l, ValueRange indices) {
        auto c = [&](int64_t v) {
          return arith::ConstantIndexOp::create(nb, l, v);
        };
        Value col = indices[1];
        Value blockSize = c(codesPerByte * vectorBytes), v = c(vectorBytes);
        Value inBlock = arith::RemUIOp::create(nb, l, col, blockSize);
        Value blockStart = arith::SubIOp::create(nb, l, col, inBlock);
        Value plane = arith::DivUIOp::create(nb, l, inBlock, v);
        Value lane = arith::RemUIOp::create(nb, l, inBlock, v);
        Value source = arith::AddIOp::create(
            nb, l, blockStart,
            arith::AddIOp::create(nb, l,
                                  arith::MulIOp::create(nb, l, lane,
                                                        c(codesPerByte)),
                                  plane));
        Value inside = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                             source, c(k));
        Value clamped = arith::MinUIOp::create(nb, l, source, c(k - 1));
        Value a = tensor::ExtractOp::create(nb, l, lhs,
                                            ValueRange{indices[0], clamped});
        Value zero = arith::ConstantIntOp::create(nb, l, 0, 8);
        tensor::YieldOp::create(
            nb, l, arith::SelectOp::create(nb, l, inside, a, zero).getResult());
      });
}

/// sum_k A[m, k] for each row, in i32.
Value buildRowSums(OpBuilder &b, Location loc, Value lhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  int64_t m = lhsType.getDimSize(0);
  Type i32 = b.getI32Type();
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m}, i32);
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);
  init = linalg::FillOp::create(b, loc, zero, init).getResult(0);
  MLIRContext *ctx = b.getContext();
  AffineExpr i, k;
  bindDims(ctx, i, k);
  SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {i, k}, ctx),
                                 AffineMap::get(2, 0, {i}, ctx)};
  SmallVector<utils::IteratorType> iterators = {utils::IteratorType::parallel,
                                                utils::IteratorType::reduction};
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{lhs},
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value wide = arith::ExtSIOp::create(nb, l, i32, args[0]);
               linalg::YieldOp::create(
                   nb, l,
                   arith::AddIOp::create(nb, l, args[1], wide).getResult());
             })
      .getResult(0);
}

} // namespace

bool canLowerCodeDotMatmul(RankedTensorType lhsType, RankedTensorType rhsType,
                           bool transposed, Type accumulator) {
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  Type element = rhsType.getElementType();
  if (!transposed || (rhsType.getEncoding() && !enc) ||
      (enc && enc.hasBlocks()))
    return false;
  // Trits sit at bit 2i in every word size (no straddling, no padding),
  // int8 at byte i; rows start on a byte when K is a multiple of the codes
  // per byte.
  int64_t perByte;
  if (isa<TritType>(element) && enc)
    perByte = enc.getBase3() ? kBase3Digits : 4;
  else if (element.isSignlessInteger(8))
    perByte = 1;
  else
    return false;
  return !lhsType.getEncoding() &&
         lhsType.getElementType().isSignlessInteger(8) &&
         accumulator.isSignlessInteger(32) && lhsType.hasStaticShape() &&
         rhsType.hasStaticShape() && rhsType.getDimSize(1) % perByte == 0 &&
         rhsType.getDimSize(1) > 0;
}

Value buildCodeDotMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         RankedTensorType rhsType, unsigned dotBits) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1),
          n = rhsType.getDimSize(0);
  int64_t vectorBytes = dotBits ? dotBits / 8 : 32;
  bool trits = isa<TritType>(rhsType.getElementType());
  int64_t codesPerByte =
      !trits ? 1 : getPackedEncoding(rhsType).getBase3() ? kBase3Digits : 4;
  // Logical int8 weights are read as their row-major bytes.
  Value rhsBytes = rhs;
  if (cast<RankedTensorType>(rhs.getType()).getRank() == 2)
    rhsBytes = tensor::CollapseShapeOp::create(
        b, loc, rhs, SmallVector<ReassociationIndices>{{0, 1}});
  int64_t blockCodes = codesPerByte * vectorBytes;
  int64_t paddedK = (k + blockCodes - 1) / blockCodes * blockCodes;
  CodeDotKernel kernel{b,
                       loc,
                       buildPlanarActivations(b, loc, lhs, paddedK,
                                              vectorBytes, codesPerByte),
                       rhsBytes,
                       buildRowSums(b, loc, lhs),
                       k / codesPerByte,
                       vectorBytes,
                       codesPerByte,
                       trits ? 1 : 128,
                       dotBits};
  // Outputs [first, first + count) in tiles of `rowsW` rows of W.
  auto columns = [&](int64_t first, int64_t count, int64_t rowsW) {
    return buildColumnTiles(
        b, loc, m, count, rowsW, b.getI32Type(), [&](Value tile, Value col0) {
          Value n0 = kernel.add(col0, first);
          return buildRowChunks(
              b, loc, m, kRowsOfA, tile,
              [&](Value t, Value m0, int64_t rowsA) {
                return kernel.rowBlock(t, m0, rowsA, n0, rowsW);
              });
        });
  };
  // Whole tiles of kRowsOfW rows, then the last N mod kRowsOfW in one.
  int64_t whole = n / kRowsOfW * kRowsOfW;
  if (whole == n || whole == 0)
    return columns(0, n, whole ? kRowsOfW : n);
  Value result = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m, n},
                                         b.getI32Type());
  auto insert = [&](Value part, int64_t first, int64_t count) {
    return tensor::InsertSliceOp::create(
               b, loc, part, result,
               ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(first)},
               ArrayRef<OpFoldResult>{b.getIndexAttr(m), b.getIndexAttr(count)},
               ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)})
        .getResult();
  };
  result = insert(columns(0, whole, kRowsOfW), 0, whole);
  return insert(columns(whole, n - whole, n - whole), whole, n - whole);
}

} // namespace anybit::codegen
