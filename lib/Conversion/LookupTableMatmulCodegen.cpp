//===- LookupTableMatmulCodegen.cpp - int8 x trit by table lookups --------===//

#include "LookupTableMatmulCodegen.h"

#include "Anybit/ElementTypes.h"
#include "Anybit/X86Ops.h"
#include "VectorMatmulCodegen.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace anybit::codegen {
namespace {

/// Rows of A (up to 4) whose sums for R rows of W fit in the vector
/// registers (32 of AVX-512, 16 otherwise) beside 8 for the loads,
/// nibbles and lookups: each row of A keeps R 16-bit and R 32-bit sums, 6R
/// bytes. Spilling them (two rows of A with R = 64 on AVX2) made batch 2
/// slower than two batches of 1.
int64_t rowsOfA(int64_t rows, int64_t vectorBytes) {
  int64_t registers = vectorBytes == 64 ? 32 : 16;
  int64_t perRow = 6 * rows / vectorBytes;
  return std::clamp<int64_t>((registers - 8) / perRow, 1, 4);
}
/// Byte columns summed in 16 bits before widening. A column adds two pair
/// sums (c0 - 1) a0 + (c1 - 1) a1 with c - 1 in [-1, 2] and a in
/// [-128, 127], so [-1024, 1016], and 32 columns stay in [-32768, 32512].
constexpr int64_t kColumnsPerWiden = 32;
/// Table bytes per byte column of a row of A: the low bytes of pair 0's and
/// pair 1's 16 sums, then their high bytes.
constexpr int64_t kTableBytes = 64;

/// Table t of a column: pair t % 2's low (t < 2) or high bytes.
int64_t tableOffset(int64_t pair, bool high) { return 32 * high + 16 * pair; }

struct LookupTableKernel : IndexMath {
  Value tables;  // M x (columns * kTableBytes) i8
  Value weights; // W's storage bytes
  int64_t rows;  // R, rows of W per tile
  int64_t columns; // K / 4 byte columns
  int64_t shuffleBytes; // vpshufb bytes, 0 for portable gathers

  VectorType vec(int64_t n, Type element) {
    return VectorType::get({n}, element);
  }
  Value zeros(VectorType type) {
    return arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
  }

  /// `table[indices[i]]` for the 16 bytes of table `t` of row `row`,
  /// column `j`, and the R nibbles `indices`.
  Value lookUp(Value row, Value j, int64_t t, Value indices) {
    Type i8 = b.getI8Type();
    Value at = add(mul(j, kTableBytes), idx(t));
    if (!shuffleBytes) {
      auto wide = vec(rows, b.getI32Type());
      Value mask = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(vec(rows, b.getI1Type()), true));
      return vector::GatherOp::create(
          b, loc, vec(rows, i8), tables, ValueRange{row, at},
          arith::ExtUIOp::create(b, loc, wide, indices), mask,
          zeros(vec(rows, i8)), IntegerAttr());
    }
    // The same 16 bytes in every 128-bit lane of a vpshufb, of the widest
    // width that divides the tile's rows (a multiple of 32).
    int64_t width = rows % shuffleBytes == 0 ? shuffleBytes : 32;
    Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
    Value table16 = vector::TransferReadOp::create(
        b, loc, vec(16, i8), tables, ValueRange{row, at}, pad,
        ArrayRef<bool>{true});
    SmallVector<int64_t> repeat;
    for (int64_t i = 0; i < width; ++i)
      repeat.push_back(i % 16);
    Value table = vector::ShuffleOp::create(b, loc, table16, table16, repeat);
    if (width == rows)
      return X86VpshufbOp::create(b, loc, vec(rows, i8), table, indices);
    Value result = zeros(vec(rows, i8));
    for (int64_t first = 0; first < rows; first += width) {
      Value part = vector::ExtractStridedSliceOp::create(
          b, loc, indices, ArrayRef<int64_t>{first}, ArrayRef<int64_t>{width},
          ArrayRef<int64_t>{1});
      result = vector::InsertStridedSliceOp::create(
          b, loc, X86VpshufbOp::create(b, loc, vec(width, i8), table, part), result,
          ArrayRef<int64_t>{first}, ArrayRef<int64_t>{1});
    }
    return result;
  }

  /// The 16-bit sums whose low bytes are `low` and high bytes `high`, for
  /// the first (`upper` = false) or last eight rows of each 16: the
  /// in-lane byte interleave of x86 vpunpcklbw / vpunpckhbw.
  Value interleave(Value low, Value high, bool upper) {
    SmallVector<int64_t> mask;
    for (int64_t lane = 0; lane < rows / 16; ++lane)
      for (int64_t i = 0; i < 8; ++i) {
        int64_t byte = 16 * lane + 8 * upper + i;
        mask.push_back(byte);
        mask.push_back(rows + byte);
      }
    Value bytes = vector::ShuffleOp::create(b, loc, low, high, mask);
    return vector::BitCastOp::create(b, loc, vec(rows / 2, b.getI16Type()),
                                     bytes);
  }

  /// One byte column `j` of the tile `tileIndex` added to the 16-bit sums
  /// `sums` (two per row of A: the first and last eight rows of each 16).
  SmallVector<Value> column(Value tileIndex, Value j, Value m0, int64_t rowsA,
                            ValueRange sums) {
    Type i8 = b.getI8Type();
    Value at = mul(add(mul(tileIndex, columns), j), rows);
    Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
    Value w = vector::TransferReadOp::create(b, loc, vec(rows, i8), weights,
                                             ValueRange{at}, pad,
                                             ArrayRef<bool>{true});
    auto splat = [&](int64_t v) {
      return arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(vec(rows, i8), b.getIntegerAttr(i8, v)));
    };
    // Pair 2j + 0 in the low nibbles, pair 2j + 1 in the high ones.
    Value nibbles[2] = {arith::AndIOp::create(b, loc, w, splat(15)),
                        arith::ShRUIOp::create(b, loc, w, splat(4))};
    SmallVector<Value> next(sums);
    for (int64_t a = 0; a < rowsA; ++a) {
      Value row = add(m0, idx(a));
      for (int64_t pair = 0; pair < 2; ++pair) {
        Value low = lookUp(row, j, tableOffset(pair, false), nibbles[pair]);
        Value high = lookUp(row, j, tableOffset(pair, true), nibbles[pair]);
        for (int64_t upper = 0; upper < 2; ++upper)
          next[2 * a + upper] = arith::AddIOp::create(
              b, loc, next[2 * a + upper], interleave(low, high, upper));
      }
    }
    return next;
  }

  /// Columns [j0, j0 + count) summed in 16 bits, then added to the 32-bit
  /// `sums`.
  SmallVector<Value> columnChunk(Value tileIndex, Value j0, int64_t count,
                                 Value m0, int64_t rowsA, ValueRange sums) {
    SmallVector<Value> narrow = buildLoop(
        b, loc, count, 1,
        SmallVector<Value>(2 * rowsA, zeros(vec(rows / 2, b.getI16Type()))),
        [&](Value j, ValueRange args) {
          return column(tileIndex, add(j0, j), m0, rowsA, args);
        });
    SmallVector<Value> next;
    for (auto [sum, part] : llvm::zip(sums, narrow))
      next.push_back(add(sum, arith::ExtSIOp::create(
                                  b, loc, vec(rows / 2, b.getI32Type()), part)));
    return next;
  }

  /// Rows m0..m0+rowsA of `tile` (M x R): the R outputs of tile
  /// `tileIndex`.
  Value rowBlock(Value tile, Value m0, int64_t rowsA, Value tileIndex) {
    SmallVector<Value> sums(2 * rowsA, zeros(vec(rows / 2, b.getI32Type())));
    int64_t chunks = columns / kColumnsPerWiden;
    if (chunks > 0)
      sums = buildLoop(b, loc, chunks, 1, sums, [&](Value c, ValueRange args) {
        return columnChunk(tileIndex, mul(c, kColumnsPerWiden),
                           kColumnsPerWiden, m0, rowsA, args);
      });
    if (int64_t rest = columns - chunks * kColumnsPerWiden)
      sums = columnChunk(tileIndex, idx(chunks * kColumnsPerWiden), rest, m0,
                         rowsA, sums);
    // Back to row order: row 16 L + i is word 8 L + i of the first eight
    // rows' sums for i < 8, else word 8 L + i - 8 of the last eight's.
    SmallVector<int64_t> order;
    for (int64_t r = 0; r < rows; ++r)
      order.push_back((r % 16 < 8 ? 0 : rows / 2) + 8 * (r / 16) + r % 8);
    for (int64_t a = 0; a < rowsA; ++a) {
      Value rowSums = vector::ShuffleOp::create(b, loc, sums[2 * a],
                                                sums[2 * a + 1], order);
      tile = vector::TransferWriteOp::create(b, loc, rowSums, tile,
                                             ValueRange{add(m0, idx(a)), idx(0)},
                                             ArrayRef<bool>{true})
                 .getResult();
    }
    return tile;
  }
};

/// The lookup tables of every row of A (M x K): for byte column j, the low
/// bytes of the 16 sums of pairs 2j and 2j + 1, then their high bytes.
Value buildTables(OpBuilder &b, Location loc, Value lhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  int64_t m = lhsType.getDimSize(0), columns = lhsType.getDimSize(1) / 4;
  Type i8 = b.getI8Type(), i16 = b.getI16Type();
  auto pairs = VectorType::get({32}, i16);
  // Entry e of a table: (e % 4 - 1) a0 + (e / 4 - 1) a1, for both pairs.
  SmallVector<Attribute> first, second;
  for (int64_t i = 0; i < 32; ++i) {
    first.push_back(b.getIntegerAttr(i16, i % 4 - 1));
    second.push_back(b.getIntegerAttr(i16, i % 16 / 4 - 1));
  }
  Value w0 = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(pairs, first));
  Value w1 = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(pairs, second));
  // Activations 0..3 of a column, each repeated over its pair's 16 lanes.
  SmallVector<int64_t> spread0, spread1;
  for (int64_t i = 0; i < 32; ++i) {
    spread0.push_back(2 * (i / 16));
    spread1.push_back(2 * (i / 16) + 1);
  }
  Value tables = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{m, columns * kTableBytes}, i8);
  Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  return buildLoop(
      b, loc, m, 1, ValueRange{tables},
      [&](Value row, ValueRange rowArgs) {
        return buildLoop(
            b, loc, columns, 1, rowArgs, [&](Value j, ValueRange args) {
              Value col = arith::MulIOp::create(b, loc, j, c(4));
              Value a = vector::TransferReadOp::create(
                  b, loc, VectorType::get({4}, i8), lhs, ValueRange{row, col},
                  pad, ArrayRef<bool>{true});
              a = arith::ExtSIOp::create(b, loc, VectorType::get({4}, i16), a);
              Value a0 = vector::ShuffleOp::create(b, loc, a, a, spread0);
              Value a1 = vector::ShuffleOp::create(b, loc, a, a, spread1);
              Value sums = arith::AddIOp::create(
                  b, loc, arith::MulIOp::create(b, loc, w0, a0),
                  arith::MulIOp::create(b, loc, w1, a1));
              auto bytes = VectorType::get({32}, i8);
              Value low = arith::TruncIOp::create(b, loc, bytes, sums);
              Value high = arith::TruncIOp::create(
                  b, loc, bytes,
                  arith::ShRSIOp::create(
                      b, loc, sums,
                      arith::ConstantOp::create(
                          b, loc,
                          DenseElementsAttr::get(pairs,
                                                 b.getIntegerAttr(i16, 8)))));
              Value at = arith::MulIOp::create(b, loc, j, c(kTableBytes));
              Value t = args[0];
              for (auto [part, offset] : {std::pair{low, int64_t(0)},
                                          std::pair{high, int64_t(32)}})
                t = vector::TransferWriteOp::create(
                        b, loc, part, t,
                        ValueRange{row, arith::AddIOp::create(b, loc, at,
                                                              c(offset))},
                        ArrayRef<bool>{true})
                        .getResult();
              return SmallVector<Value>{t};
            });
      })[0];
}

} // namespace

bool canLowerLookupTableMatmul(RankedTensorType lhsType,
                               RankedTensorType rhsType, bool transposed,
                               Type accumulator) {
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  if (!transposed || !enc || !isa<TritType>(rhsType.getElementType()) ||
      enc.hasBlocks() || enc.getBase3() || enc.hasBitPlanes() ||
      !accumulator.isSignlessInteger(32) || lhsType.getEncoding() ||
      !lhsType.getElementType().isSignlessInteger(8) ||
      !lhsType.hasStaticShape() || !rhsType.hasStaticShape())
    return false;
  ArrayRef<int64_t> tile = enc.getTile();
  return tile.size() == 2 && tile[1] == 4 && tile[0] % 32 == 0 &&
         tile[0] <= 256 && rhsType.getDimSize(1) > 0;
}

Value buildLookupTableMatmul(OpBuilder &b, Location loc, Value lhs,
                             Value rhsBytes, RankedTensorType rhsType,
                             unsigned shuffleBits) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  int64_t m = lhsType.getDimSize(0), n = rhsType.getDimSize(0);
  int64_t rows = getPackedEncoding(rhsType).getTile()[0];
  LookupTableKernel kernel{{b, loc},
                           buildTables(b, loc, lhs),
                           rhsBytes,
                           rows,
                           rhsType.getDimSize(1) / 4,
                           shuffleBits / 8};
  // The lookups' vector width (portable code: 32 bytes, as AVX2's).
  int64_t vectorBytes = shuffleBits && rows % (shuffleBits / 8) == 0
                            ? shuffleBits / 8
                            : 32;
  return buildColumnTiles(
      b, loc, m, n, rows, b.getI32Type(), [&](Value tile, Value col0) {
        Value tileIndex = arith::DivUIOp::create(b, loc, col0, kernel.idx(rows));
        return buildRowChunks(b, loc, m, rowsOfA(rows, vectorBytes), tile,
                              [&](Value t, Value m0, int64_t rowsA) {
                                return kernel.rowBlock(t, m0, rowsA, tileIndex);
                              });
      });
}

} // namespace anybit::codegen
