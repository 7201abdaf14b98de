//===- FloatLookupTableMatmulCodegen.cpp - f32 x 1/2-bit codes by lookups -===//

#include "FloatLookupTableMatmulCodegen.h"

#include "Anybit/ElementTypes.h"
#include "Anybit/X86Ops.h"
#include "CodeMatmulSupport.h"
#include "CodeTables.h"
#include "VectorMatmulCodegen.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;

namespace anybit::codegen {
namespace {

/// A lookup's index: the low four bits of a lane (vpermps' 16 entries).
constexpr int64_t kIndexBits = 4;
constexpr int64_t kEntries = 1 << kIndexBits;
/// Lookups per 32-bit word of a row's codes.
constexpr int64_t kLookupsPerWord = 32 / kIndexBits;
/// Bytes of one word of 16 rows: a sub-tile's read.
constexpr int64_t kSubTileBytes = 4 * kLanes;
/// Bytes of a cache line, the unit of a prefetch.
constexpr int64_t kLineBytes = 64;
/// Sub-tiles of 16 rows a tile may have: each keeps two sums, an output
/// and its word in registers, beside the table and the shifted words.
constexpr int64_t kMaxSubTiles = 4;

/// The operands' shape, as the kernel reads them.
struct Geometry {
  Type element;
  int64_t bits;     // 1 or 2
  int64_t k;        // columns of W
  int64_t subTiles; // R: a tile is 16 R rows
  int64_t group;    // G, 0 when unscaled
  Type scale;
  int64_t scaleBase; // byte of W's storage where its scales start

  int64_t codesPerIndex() const { return kIndexBits / bits; }
  int64_t columnsPerWord() const { return 32 / bits; }
  int64_t words() const { return k / columnsPerWord(); }
  int64_t rows() const { return kLanes * subTiles; }
  int64_t tileBytes() const { return kSubTileBytes * subTiles; }
};

std::optional<Geometry> getGeometry(RankedTensorType rhsType) {
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  Type element = rhsType.getElementType();
  // K = 0 has no word to read (tiles divide an empty dimension).
  if (!enc || !rhsType.hasStaticShape() || rhsType.getRank() != 2 ||
      rhsType.getDimSize(1) == 0 || !isAtBitIndex(enc, element))
    return std::nullopt;
  int64_t bits = getElementBitWidth(element);
  if (bits != 1 && bits != 2)
    return std::nullopt;
  for (int64_t pattern = 0; pattern < (int64_t(1) << bits); ++pattern) {
    std::optional<float> value = getCodeValue(element, pattern);
    if (!value || !std::isfinite(*value))
      return std::nullopt;
  }
  ArrayRef<int64_t> tile = enc.getTile();
  if (tile.size() != 2 || tile[1] != 32 / bits || tile[0] % kLanes != 0 ||
      tile[0] > kLanes * kMaxSubTiles)
    return std::nullopt;
  std::optional<std::pair<int64_t, Type>> scales = getGroupScales(enc);
  if (!scales || scales->first % tile[1] != 0)
    return std::nullopt;
  return Geometry{element,
                  bits,
                  rhsType.getDimSize(1),
                  tile[0] / kLanes,
                  scales->first,
                  scales->second,
                  int64_t(enc.getDataBytes(rhsType.getShape(), element))};
}

/// The tables of the activations `lhs` (1 x K f32): table p, at 16 p, holds
/// sum_i value(code i of e) x[c p + i] at entry e, the first code in the low
/// bits, summed in order (a multiplication, then FMAs).
Value buildTables(Lanes &v, Value lhs, const Geometry &g) {
  OpBuilder &b = v.b;
  Location loc = v.loc;
  int64_t c = g.codesPerIndex(), count = g.k / c;
  SmallVector<Value, 4> weights;
  for (int64_t i = 0; i < c; ++i) {
    SmallVector<float> lane;
    for (int64_t e = 0; e < kEntries; ++e)
      lane.push_back(*getCodeValue(
          g.element, (e >> (g.bits * i)) & ((int64_t(1) << g.bits) - 1)));
    weights.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(v.f32v(), ArrayRef<float>(lane))));
  }
  Value tables = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{count * kEntries}, b.getF32Type());
  IndexMath m{b, loc};
  Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  return buildLoop(
      b, loc, count, 1, ValueRange{tables},
      [&](Value p, ValueRange args) {
        Value x = vector::TransferReadOp::create(
            b, loc, VectorType::get({c}, b.getF32Type()), lhs,
            ValueRange{m.idx(0), m.mul(p, c)}, pad, ArrayRef<bool>{true});
        Value sum;
        for (int64_t i = 0; i < c; ++i) {
          Value xi = splatElement(b, loc, x, b.getIndexAttr(i), kLanes);
          sum = i ? vector::FMAOp::create(b, loc, weights[i], xi, sum)
                  : arith::MulFOp::create(b, loc, weights[i], xi).getResult();
        }
        return SmallVector<Value>{
            vector::TransferWriteOp::create(b, loc, sum, args[0],
                                            ValueRange{m.mul(p, kEntries)},
                                            ArrayRef<bool>{true})
                .getResult()};
      })[0];
}

struct FloatLookupTableKernel : IndexMath {
  Lanes v;
  Value tables; // buildTables
  Value bytes;  // W's storage
  Geometry g;
  /// `bytes` as a buffer, for prefetches; null until the first.
  Value storage = {};

  /// Prefetches slice `group` of the scales of the tile after the one whose
  /// rows start at `row0`: a tile's scales are one contiguous run (rows x
  /// groups, row-major), which its groups walk a group's worth of bytes
  /// (16 R scales) at a time, so that by its last group the next tile's
  /// run is in the cache. Read in blocks of 16 groups, 16 rows a line
  /// apart or more, they missed the cache a line each (G = 32 took 1.4x
  /// as long as G = 128).
  void prefetchNextScales(Value row0, Value group) {
    int64_t scaleBytes = getElementBitWidth(g.scale) / 8;
    int64_t groups = g.k / g.group, perGroup = g.rows() * scaleBytes;
    auto type = cast<RankedTensorType>(bytes.getType());
    if (!storage) {
      // A fully dynamic layout takes whatever buffer bufferization gives
      // `bytes` by a cast, never a copy.
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointAfterValue(bytes);
      storage = bufferization::ToBufferOp::create(
          b, loc,
          MemRefType::get(type.getShape(), b.getI8Type(),
                          StridedLayoutAttr::get(b.getContext(),
                                                 ShapedType::kDynamic,
                                                 {ShapedType::kDynamic})),
          bytes, /*read_only=*/true);
    }
    Value first = add(mul(add(row0, g.rows()), groups * scaleBytes),
                      add(mul(group, perGroup), g.scaleBase));
    Value last = idx(type.getDimSize(0) - 1);
    for (int64_t line = 0; line < perGroup; line += kLineBytes)
      memref::PrefetchOp::create(
          b, loc, storage,
          ValueRange{arith::MinUIOp::create(b, loc, add(first, line), last)},
          /*isWrite=*/false, /*localityHint=*/3, /*isDataCache=*/true);
  }

  /// Word `word` of the 16 rows of sub-tile q of tile `tile`.
  Value read(Value tile, Value word, int64_t q) {
    Value at = add(mul(add(mul(tile, g.words()), word), g.tileBytes()),
                   q * kSubTileBytes);
    Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
    Value raw = vector::TransferReadOp::create(
        b, loc, VectorType::get({kSubTileBytes}, b.getI8Type()), bytes,
        ValueRange{at}, pad, ArrayRef<bool>{true});
    return vector::BitCastOp::create(b, loc, v.i32v(), raw);
  }

  /// `sums` (two a sub-tile: consecutive lookups alternate, so that an
  /// addition's latency is hidden) plus word `word` of tile `tile`; with no
  /// `sums`, the word's lookups alone (not added to zeros, which LLVM may
  /// not fold away: -0 + +0 is +0). Each lookup is added by an FMA by 1.0
  /// (anybit.x86_vfmaddps_rn, exactly an addition): Zen 5's additions
  /// share two pipes with the permutes and shifts, its FMAs use the other
  /// two (136 against 100 G weights/s in a C++ model, weights in cache).
  SmallVector<Value> addWord(Value tile, Value word, ValueRange sums) {
    SmallVector<Value, kMaxSubTiles> w;
    for (int64_t q = 0; q < g.subTiles; ++q)
      w.push_back(read(tile, word, q));
    SmallVector<Value> next(sums);
    next.resize(2 * g.subTiles);
    Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    Value ones = v.f32c(1);
    for (int64_t j = 0; j < kLookupsPerWord; ++j) {
      Value at = mul(add(mul(word, kLookupsPerWord), j), kEntries);
      Value table = vector::TransferReadOp::create(
          b, loc, v.f32v(), tables, ValueRange{at}, pad, ArrayRef<bool>{true});
      for (int64_t q = 0; q < g.subTiles; ++q) {
        Value index = j ? v.shr(w[q], v.i32c(kIndexBits * j)) : w[q];
        Value looked = X86VpermpsOp::create(b, loc, v.f32v(), table, index);
        Value &sum = next[2 * q + j % 2];
        sum = sum ? X86VfmaddpsRnOp::create(b, loc, v.f32v(), looked, ones,
                                            sum)
                        .getResult()
                  : looked;
      }
    }
    return next;
  }

  /// The sums of `count` (> 0) words of tile `tile` from word `first`, one
  /// a sub-tile.
  SmallVector<Value> sumWords(Value tile, Value first, int64_t count) {
    SmallVector<Value> sums = addWord(tile, first, {});
    if (count > 1)
      sums = buildLoop(b, loc, count - 1, 1, sums,
                       [&](Value i, ValueRange args) {
                         return addWord(tile, add(add(first, i), 1), args);
                       });
    SmallVector<Value> perSubTile;
    for (int64_t q = 0; q < g.subTiles; ++q)
      perSubTile.push_back(
          arith::AddFOp::create(b, loc, sums[2 * q], sums[2 * q + 1]));
    return perSubTile;
  }

  /// The scaled sums of tile `tile` (rows from `row0`), one a sub-tile:
  /// each group's sums times its scales, in blocks of 16 groups. A block
  /// reads each row's 16 scales (stored row by row), transposes each
  /// sub-tile's 16 x 16 by shuffles into `columns` on the stack (group by
  /// group, the tile's rows side by side), and each group loads its
  /// sub-tiles' scales from there. LLVM made per-group scalar moves into
  /// 16 masked loads and 14 shuffles a vector, and a gather takes 7 cycles
  /// on Zen 5: 64 shuffles per 256 scales cost 10% at G = 32.
  SmallVector<Value> scaledSums(Value tile, Value row0) {
    int64_t groups = g.k / g.group;
    int64_t wordsPerGroup = g.group / g.columnsPerWord();
    Value columns = memref::AllocaOp::create(
        b, loc, MemRefType::get({kLanes, g.rows()}, b.getF32Type()));
    auto block = [&](Value g0, int64_t count, ValueRange outs) {
      for (int64_t q = 0; q < g.subTiles; ++q) {
        SmallVector<Value> rowScales;
        for (int64_t i = 0; i < kLanes; ++i)
          rowScales.push_back(padTo16(readGroupScales(
              b, loc, bytes, g.scaleBase, groups,
              add(row0, q * kLanes + i), g0, count, g.scale)));
        SmallVector<Value> groupScales = transpose16(rowScales);
        for (int64_t e = 0; e < count; ++e)
          vector::TransferWriteOp::create(b, loc, groupScales[e], columns,
                                          ValueRange{idx(e), idx(q * kLanes)},
                                          ArrayRef<bool>{true});
      }
      return buildLoop(
          b, loc, count, 1, outs, [&](Value gi, ValueRange args) {
            prefetchNextScales(row0, add(g0, gi));
            SmallVector<Value> sums = sumWords(
                tile, mul(add(g0, gi), wordsPerGroup), wordsPerGroup);
            SmallVector<Value> next;
            for (int64_t q = 0; q < g.subTiles; ++q) {
              Value scale = vector::LoadOp::create(
                  b, loc, v.f32v(), columns, ValueRange{gi, idx(q * kLanes)});
              next.push_back(
                  vector::FMAOp::create(b, loc, sums[q], scale, args[q]));
            }
            return next;
          });
    };
    SmallVector<Value> outs(g.subTiles, v.f32c(0));
    int64_t whole = groups / kLanes;
    if (whole)
      outs = buildLoop(b, loc, whole, 1, outs, [&](Value i, ValueRange args) {
        return block(mul(i, kLanes), kLanes, args);
      });
    if (int64_t rest = groups % kLanes)
      outs = block(idx(whole * kLanes), rest, outs);
    return outs;
  }

  /// `x` (up to 16 f32) widened to 16 lanes with zeros.
  Value padTo16(Value x) {
    int64_t n = cast<VectorType>(x.getType()).getNumElements();
    if (n == kLanes)
      return x;
    SmallVector<int64_t> mask;
    for (int64_t i = 0; i < kLanes; ++i)
      mask.push_back(std::min(i, n));
    Value zeros = arith::ConstantOp::create(b, loc, b.getZeroAttr(x.getType()));
    return vector::ShuffleOp::create(b, loc, x, zeros, mask);
  }

  /// The 16 x 16 `m` (16 vectors) transposed: vector i of the result holds
  /// element i of each. Each of four steps swaps the off-diagonal blocks of
  /// d x d (d = 8, 4, 2, 1) with one two-source shuffle a vector.
  SmallVector<Value> transpose16(SmallVector<Value> m) {
    for (int64_t d = kLanes / 2; d >= 1; d /= 2)
      for (int64_t i = 0; i < kLanes; ++i) {
        if (i & d)
          continue;
        SmallVector<int64_t> first, second;
        for (int64_t e = 0; e < kLanes; ++e) {
          first.push_back(e & d ? kLanes + e - d : e);
          second.push_back(e & d ? kLanes + e : e + d);
        }
        Value top = vector::ShuffleOp::create(b, loc, m[i], m[i + d], first);
        m[i + d] = vector::ShuffleOp::create(b, loc, m[i], m[i + d], second);
        m[i] = top;
      }
    return m;
  }

  /// `out` with the 16 R outputs of y from `row0` written at column `at`.
  Value tileOf(Value out, Value row0, Value at) {
    Value tile = arith::DivUIOp::create(b, loc, row0, idx(g.rows()));
    SmallVector<Value> sums = g.group ? scaledSums(tile, row0)
                                      : sumWords(tile, idx(0), g.words());
    for (int64_t q = 0; q < g.subTiles; ++q)
      out = vector::TransferWriteOp::create(b, loc, sums[q], out,
                                            ValueRange{idx(0), add(at, q * kLanes)},
                                            ArrayRef<bool>{true})
                .getResult();
    return out;
  }
};

} // namespace

bool canLowerFloatLookupTableMatmul(RankedTensorType lhsType,
                                    RankedTensorType rhsType, bool transposed,
                                    Type accumulator) {
  return transposed && accumulator.isF32() && lhsType.hasStaticShape() &&
         lhsType.getRank() == 2 && lhsType.getDimSize(0) == 1 &&
         lhsType.getElementType().isF32() && !lhsType.getEncoding() &&
         getGeometry(rhsType).has_value();
}

Value buildFloatLookupTableMatmul(OpBuilder &b, Location loc, Value lhs,
                                  Value rhsBytes, RankedTensorType rhsType,
                                  unsigned threads) {
  Geometry g = *getGeometry(rhsType);
  Lanes v(b, loc);
  FloatLookupTableKernel kernel{{b, loc}, v, Value(), rhsBytes, g};
  int64_t n = rhsType.getDimSize(0), tiles = n / g.rows();
  if (threads < 2 || tiles % threads != 0) {
    kernel.tables = buildTables(v, lhs, g);
    return buildColumnTiles(b, loc, /*m=*/1, n, g.rows(), b.getF32Type(),
                            [&](Value out, Value row0) {
                              return kernel.tileOf(out, row0, kernel.idx(0));
                            });
  }
  int64_t perPart = tiles / threads;
  return buildColumnTiles(
      b, loc, /*m=*/1, n, perPart * g.rows(), b.getF32Type(),
      [&](Value out, Value partRow0) {
        kernel.tables = buildTables(v, lhs, g);
        return buildLoop(b, loc, perPart, 1, ValueRange{out},
                         [&](Value i, ValueRange args) {
                           Value at = kernel.mul(i, g.rows());
                           return SmallVector<Value>{kernel.tileOf(
                               args[0], kernel.add(partRow0, at), at)};
                         })[0];
      });
}

} // namespace anybit::codegen
