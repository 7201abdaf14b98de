//===- FloatLookupTableMatmulCodegen.cpp - f32 x 1/2-bit codes by lookups -===//

#include "FloatLookupTableMatmulCodegen.h"

#include "Anybit/ElementTypes.h"
#include "Anybit/X86Ops.h"
#include "BitPlaneSplit.h"
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
/// Bytes of a cache line, the unit of a prefetch.
constexpr int64_t kLineBytes = 64;
/// Sub-tiles of 16 rows a tile may have: each keeps two sums, an output
/// and its word in registers, beside the table and the shifted words.
constexpr int64_t kMaxSubTiles = 4;
/// Rows of x one pass over a tile's words takes. With scales a pass keeps
/// a group's sums and the scaled outputs of each row and sub-tile in
/// registers: 16 of each for 4 rows, which spilled (B = 4, G = 32: 877
/// against 564 us at 4096 x 4096 with 2 rows a pass, on Zen 5).
constexpr int64_t kMaxRowsPerPass = 2;
/// Rows of x a block of the kernel takes over all of W: every tile reads
/// every row's tables (64 bytes per c columns: 8 rows are 1 MiB at
/// K = 4096 and 2 bits, Zen 5's L2).
constexpr int64_t kRowsPerBlock = 8;
/// Independent sums a pass keeps so that an FMA's latency (4 cycles, 2 a
/// cycle on Zen 5) is hidden: with fewer sums, two a sub-tile and row.
constexpr int64_t kMinChains = 8;

/// The codes of W the kernel looks up: all of each element's bits, or one
/// bit plane of them.
struct Plane {
  int64_t bits;                 // 1 or 2
  int64_t start;                // byte of W's storage it starts at
  SmallVector<float, 4> values; // what each code adds, times x
  int64_t tableBase = 0;        // its tables' first f32 in a row's tables

  int64_t codesPerIndex() const { return kIndexBits / bits; }
};

/// The operands' shape, as the kernel reads them.
struct Geometry {
  int64_t batch; // M: rows of x and y
  SmallVector<Plane, 2> planes;
  int64_t columns;  // of a tile: its rows are 32 bits in the widest plane
  int64_t k;        // columns of W
  int64_t subTiles; // R: a tile is 16 R rows
  int64_t group;    // G, 0 when unscaled
  Type scale;
  int64_t scaleBase; // byte of W's storage where its scales start

  /// Column tiles of W, a word of the widest plane's tile row each.
  int64_t words() const { return k / columns; }
  int64_t rows() const { return kLanes * subTiles; }
  /// Bytes of a tile row of `plane`: 4 or 2.
  int64_t rowBytes(const Plane &plane) const {
    return columns * plane.bits / 8;
  }
  /// Lookups in a tile row of `plane`.
  int64_t lookups(const Plane &plane) const {
    return columns * plane.bits / kIndexBits;
  }
  /// f32s of one row's tables.
  int64_t tableStride() const {
    int64_t floats = 0;
    for (const Plane &plane : planes)
      floats += k / plane.codesPerIndex() * kEntries;
    return floats;
  }
};

/// A plane of `bits`-bit codes of type `element` from byte `start`, each
/// code's value times `place`; nothing where a code has no finite value.
std::optional<Plane> makePlane(Type element, int64_t start, float place) {
  int64_t bits = getElementBitWidth(element);
  if (bits != 1 && bits != 2)
    return std::nullopt;
  Plane plane{bits, start, {}};
  for (int64_t pattern = 0; pattern < (int64_t(1) << bits); ++pattern) {
    std::optional<float> value = getCodeValue(element, pattern);
    if (!value || !std::isfinite(*value))
      return std::nullopt;
    plane.values.push_back(*value * place);
  }
  return plane;
}

/// The planes of W's codes the kernel reads, or nothing: one plane of 1- or
/// 2-bit elements whose codes have finite values, or integers of up to 8
/// bits in bit planes of 1 and 2 bits, each plane's fields as the integers
/// BitPlaneSplit makes of them times their place (so that they add up to
/// the element's value).
std::optional<SmallVector<Plane, 2>> getPlanes(PackedEncodingAttr enc,
                                               RankedTensorType rhsType) {
  Type element = rhsType.getElementType();
  SmallVector<Plane, 2> planes;
  if (!enc.hasBitPlanes()) {
    std::optional<Plane> plane = makePlane(element, 0, 1);
    if (!plane || !isAtBitIndex(enc, element))
      return std::nullopt;
    planes.push_back(*plane);
    return planes;
  }
  // Sums of up to four products of values below 2^8 stay exact enough in
  // f32 tables; wider integers gain nothing from lookups.
  std::optional<SmallVector<BitPlaneOperand>> operands =
      getBitPlaneOperands(rhsType);
  if (!operands || getElementBitWidth(element) > 8)
    return std::nullopt;
  BitLayout layout = enc.getBitLayout(element);
  for (auto [p, operand] : llvm::enumerate(*operands)) {
    std::optional<Plane> plane =
        makePlane(operand.type.getElementType(),
                  int64_t(layout.planeStart(p, rhsType.getNumElements())),
                  std::ldexp(1.0f, int(operand.shift)));
    if (!plane)
      return std::nullopt;
    planes.push_back(*plane);
  }
  return planes;
}

std::optional<Geometry> getGeometry(int64_t batch, RankedTensorType rhsType) {
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  // K = 0 has no word to read (tiles divide an empty dimension).
  if (!enc || !rhsType.hasStaticShape() || rhsType.getRank() != 2 ||
      rhsType.getDimSize(1) == 0)
    return std::nullopt;
  std::optional<SmallVector<Plane, 2>> planes = getPlanes(enc, rhsType);
  if (!planes)
    return std::nullopt;
  int64_t widest = 0;
  for (const Plane &plane : *planes)
    widest = std::max(widest, plane.bits);
  ArrayRef<int64_t> tile = enc.getTile();
  if (tile.size() != 2 || tile[1] != 32 / widest || tile[0] % kLanes != 0 ||
      tile[0] > kLanes * kMaxSubTiles)
    return std::nullopt;
  std::optional<std::pair<int64_t, Type>> scales = getGroupScales(enc);
  if (!scales || scales->first % tile[1] != 0)
    return std::nullopt;
  Geometry g{
      batch,
      std::move(*planes),
      tile[1],
      rhsType.getDimSize(1),
      tile[0] / kLanes,
      scales->first,
      scales->second,
      int64_t(enc.getDataBytes(rhsType.getShape(), rhsType.getElementType()))};
  int64_t base = 0;
  for (Plane &plane : g.planes) {
    plane.tableBase = base;
    base += g.k / plane.codesPerIndex() * kEntries;
  }
  return g;
}

/// The tables of the activations `lhs` (M x K f32): table p of plane P
/// and row m, at m stride + P.tableBase + 16 p, holds
/// sum_i P.values[code i of e] x[m, c p + i] at entry e (c = 4 / P.bits),
/// the first code in the low bits, summed in order (a multiplication, then
/// FMAs).
Value buildTables(Lanes &v, Value lhs, const Geometry &g) {
  OpBuilder &b = v.b;
  Location loc = v.loc;
  Value tables = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{g.batch * g.tableStride()}, b.getF32Type());
  IndexMath m{b, loc};
  Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  auto planeTables = [&](const Plane &plane, Value row, Value init) {
    int64_t c = plane.codesPerIndex(), count = g.k / c;
    SmallVector<Value, 4> weights;
    for (int64_t i = 0; i < c; ++i) {
      SmallVector<float> lane;
      for (int64_t e = 0; e < kEntries; ++e)
        lane.push_back(
            plane.values[(e >> (plane.bits * i)) & ((1 << plane.bits) - 1)]);
      weights.push_back(arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(v.f32v(), ArrayRef<float>(lane))));
    }
    return buildLoop(
        b, loc, count, 1, ValueRange{init}, [&](Value p, ValueRange args) {
          Value x = vector::TransferReadOp::create(
              b, loc, VectorType::get({c}, b.getF32Type()), lhs,
              ValueRange{row, m.mul(p, c)}, pad, ArrayRef<bool>{true});
          Value sum;
          for (int64_t i = 0; i < c; ++i) {
            Value xi = splatElement(b, loc, x, b.getIndexAttr(i), kLanes);
            sum = i ? vector::FMAOp::create(b, loc, weights[i], xi, sum)
                    : arith::MulFOp::create(b, loc, weights[i], xi).getResult();
          }
          return SmallVector<Value>{
              vector::TransferWriteOp::create(
                  b, loc, sum, args[0],
                  ValueRange{
                      m.add(m.add(m.mul(row, g.tableStride()), plane.tableBase),
                            m.mul(p, kEntries))},
                  ArrayRef<bool>{true})
                  .getResult()};
        })[0];
  };
  auto rowTables = [&](Value row, Value init) {
    for (const Plane &plane : g.planes)
      init = planeTables(plane, row, init);
    return init;
  };
  if (g.batch == 1)
    return rowTables(m.idx(0), tables);
  return buildLoop(b, loc, g.batch, 1, ValueRange{tables},
                   [&](Value row, ValueRange args) {
                     return SmallVector<Value>{rowTables(row, args[0])};
                   })[0];
}

/// Rows [first, first + count) of x, whose sums one pass over a tile's
/// words computes.
struct RowPass {
  Value first;
  int64_t count;
};

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

  /// The tile row of column tile `word` of `plane` of the 16 rows of
  /// sub-tile q of tile `tile`, one i32 lane a row (16-bit rows
  /// zero-extended).
  Value read(Value tile, Value word, int64_t q, const Plane &plane) {
    int64_t rowBytes = g.rowBytes(plane), subTileBytes = kLanes * rowBytes;
    Value at =
        add(add(mul(add(mul(tile, g.words()), word), subTileBytes * g.subTiles),
                q * subTileBytes),
            plane.start);
    Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
    Value raw = vector::TransferReadOp::create(
        b, loc, VectorType::get({subTileBytes}, b.getI8Type()), bytes,
        ValueRange{at}, pad, ArrayRef<bool>{true});
    if (rowBytes == 4)
      return vector::BitCastOp::create(b, loc, v.i32v(), raw);
    Value halves = vector::BitCastOp::create(
        b, loc, VectorType::get({kLanes}, b.getI16Type()), raw);
    return arith::ExtUIOp::create(b, loc, v.i32v(), halves);
  }

  /// Sums a pass keeps per sub-tile and row: two (consecutive lookups
  /// alternate) where fewer than kMinChains would be independent.
  int64_t chainsPer(const RowPass &rows) const {
    return rows.count * g.subTiles < kMinChains ? 2 : 1;
  }

  /// `sums` (chainsPer(rows) per row and sub-tile, row-major) plus word
  /// `word` of tile `tile` for `rows`; with no `sums`, the word's lookups
  /// alone (not added to zeros, which LLVM may not fold away: -0 + +0 is
  /// +0). A row's lookup of a sub-tile shares its shifted word with the
  /// pass's other rows, and a table read with the other sub-tiles. Each
  /// lookup is added by an FMA by 1.0 (anybit.x86_vfmaddps_rn, exactly an
  /// addition): Zen 5's additions share two pipes with the permutes and
  /// shifts, its FMAs use the other two (136 against 100 G weights/s in a
  /// C++ model, weights in cache).
  SmallVector<Value> addWord(Value tile, Value word, const RowPass &rows,
                             ValueRange sums) {
    int64_t chains = chainsPer(rows);
    SmallVector<Value> next(sums);
    next.resize(rows.count * g.subTiles * chains);
    // Lookups so far, across planes: consecutive ones alternate chains.
    int64_t done = 0;
    for (const Plane &plane : g.planes) {
      addPlaneWord(tile, word, rows, plane, done, next);
      done += g.lookups(plane);
    }
    return next;
  }

  /// Adds the lookups of `plane`'s tile rows of column tile `word` to `sums`
  /// (as addWord), the first of them lookup `done` of the word.
  void addPlaneWord(Value tile, Value word, const RowPass &rows,
                    const Plane &plane, int64_t done,
                    SmallVector<Value> &next) {
    SmallVector<Value, kMaxSubTiles> w;
    for (int64_t q = 0; q < g.subTiles; ++q)
      w.push_back(read(tile, word, q, plane));
    int64_t chains = chainsPer(rows), lookups = g.lookups(plane);
    Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    Value ones = v.f32c(1);
    for (int64_t j = 0; j < lookups; ++j) {
      Value at =
          add(mul(add(mul(word, lookups), j), kEntries), plane.tableBase);
      SmallVector<Value, kMaxRowsPerPass> table;
      for (int64_t i = 0; i < rows.count; ++i)
        table.push_back(vector::TransferReadOp::create(
            b, loc, v.f32v(), tables,
            ValueRange{add(at, mul(add(rows.first, i), g.tableStride()))}, pad,
            ArrayRef<bool>{true}));
      for (int64_t q = 0; q < g.subTiles; ++q) {
        Value index = j ? v.shr(w[q], v.i32c(kIndexBits * j)) : w[q];
        for (int64_t i = 0; i < rows.count; ++i) {
          Value looked =
              X86VpermpsOp::create(b, loc, v.f32v(), table[i], index);
          Value &sum =
              next[(i * g.subTiles + q) * chains + (done + j) % chains];
          sum =
              sum ? X86VfmaddpsRnOp::create(b, loc, v.f32v(), looked, ones, sum)
                        .getResult()
                  : looked;
        }
      }
    }
  }

  /// The sums of `count` (> 0) words of tile `tile` from word `first` for
  /// `rows`, one a row and sub-tile (row-major).
  SmallVector<Value> sumWords(Value tile, Value first, int64_t count,
                              const RowPass &rows) {
    SmallVector<Value> sums = addWord(tile, first, rows, {});
    if (count > 1)
      sums =
          buildLoop(b, loc, count - 1, 1, sums, [&](Value i, ValueRange args) {
            return addWord(tile, add(add(first, i), 1), rows, args);
          });
    int64_t chains = chainsPer(rows);
    if (chains == 1)
      return sums;
    SmallVector<Value> each;
    for (int64_t s = 0; s < int64_t(sums.size()); s += chains)
      each.push_back(arith::AddFOp::create(b, loc, sums[s], sums[s + 1]));
    return each;
  }

  /// The scaled sums of tile `tile` (rows of W from `row0`) for `rows`, one
  /// a row and sub-tile: each group's sums times its scales, in blocks of
  /// 16 groups. A block reads each row's 16 scales (stored row by row),
  /// transposes each sub-tile's 16 x 16 by shuffles into `columns` on the
  /// stack (group by group, the tile's rows side by side), and each group
  /// loads its sub-tiles' scales from there. LLVM made per-group scalar
  /// moves into 16 masked loads and 14 shuffles a vector, and a gather
  /// takes 7 cycles on Zen 5: 64 shuffles per 256 scales cost 10% at
  /// G = 32.
  SmallVector<Value> scaledSums(Value tile, Value row0, const RowPass &rows) {
    int64_t groups = g.k / g.group;
    int64_t wordsPerGroup = g.group / g.columns;
    Value columns = memref::AllocaOp::create(
        b, loc, MemRefType::get({kLanes, g.rows()}, b.getF32Type()));
    auto block = [&](Value g0, int64_t count, ValueRange outs) {
      for (int64_t q = 0; q < g.subTiles; ++q) {
        SmallVector<Value> rowScales;
        for (int64_t i = 0; i < kLanes; ++i)
          rowScales.push_back(padTo16(readGroupScales(
              b, loc, bytes, g.scaleBase, groups,
              add(row0, q * kLanes + i), g0, count, g.scale)));
        SmallVector<Value> groupScales = transpose16(b, loc, rowScales);
        for (int64_t e = 0; e < count; ++e)
          vector::TransferWriteOp::create(b, loc, groupScales[e], columns,
                                          ValueRange{idx(e), idx(q * kLanes)},
                                          ArrayRef<bool>{true});
      }
      return buildLoop(
          b, loc, count, 1, outs, [&](Value gi, ValueRange args) {
            prefetchNextScales(row0, add(g0, gi));
            SmallVector<Value> sums = sumWords(
                tile, mul(add(g0, gi), wordsPerGroup), wordsPerGroup, rows);
            SmallVector<Value> next;
            for (int64_t i = 0; i < rows.count; ++i)
              for (int64_t q = 0; q < g.subTiles; ++q) {
                Value scale = vector::LoadOp::create(
                    b, loc, v.f32v(), columns, ValueRange{gi, idx(q * kLanes)});
                int64_t s = i * g.subTiles + q;
                next.push_back(
                    vector::FMAOp::create(b, loc, sums[s], scale, args[s]));
              }
            return next;
          });
    };
    SmallVector<Value> outs(rows.count * g.subTiles, v.f32c(0));
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

  /// `out` with the 16 R outputs of y's rows from `row0` written at column
  /// `at`, in passes of up to kMaxRowsPerPass rows of x over the tile's
  /// words (from L2 after the first: 64 KiB at K = 4096).
  Value tileOf(Value out, Value row0, Value at) {
    Value tile = arith::DivUIOp::create(b, loc, row0, idx(g.rows()));
    return buildRowChunks(
        b, loc, g.batch, std::min(g.batch, kMaxRowsPerPass), out,
        [&](Value t, Value first, int64_t count) {
          RowPass rows{first, count};
          SmallVector<Value> sums =
              g.group ? scaledSums(tile, row0, rows)
                      : sumWords(tile, idx(0), g.words(), rows);
          for (int64_t i = 0; i < count; ++i)
            for (int64_t q = 0; q < g.subTiles; ++q)
              t = vector::TransferWriteOp::create(
                      b, loc, sums[i * g.subTiles + q], t,
                      ValueRange{add(first, i), add(at, q * kLanes)},
                      ArrayRef<bool>{true})
                      .getResult();
          return t;
        });
  }
};

} // namespace

bool canLowerFloatLookupTableMatmul(RankedTensorType lhsType,
                                    RankedTensorType rhsType, bool transposed,
                                    Type accumulator) {
  return transposed && accumulator.isF32() && lhsType.hasStaticShape() &&
         lhsType.getRank() == 2 && lhsType.getDimSize(0) >= 1 &&
         lhsType.getElementType().isF32() && !lhsType.getEncoding() &&
         getGeometry(lhsType.getDimSize(0), rhsType).has_value();
}

/// y for the rows of `lhs` (at most kRowsPerBlock), over all of W.
static Value buildBlock(OpBuilder &b, Location loc, Value lhs, Value rhsBytes,
                        RankedTensorType rhsType, unsigned threads) {
  int64_t batch = cast<RankedTensorType>(lhs.getType()).getDimSize(0);
  Geometry g = *getGeometry(batch, rhsType);
  Lanes v(b, loc);
  FloatLookupTableKernel kernel{{b, loc}, v, Value(), rhsBytes, g};
  int64_t n = rhsType.getDimSize(0), tiles = n / g.rows();
  if (threads < 2 || tiles % threads != 0) {
    kernel.tables = buildTables(v, lhs, g);
    return buildColumnTiles(b, loc, batch, n, g.rows(), b.getF32Type(),
                            [&](Value out, Value row0) {
                              return kernel.tileOf(out, row0, kernel.idx(0));
                            });
  }
  int64_t perPart = tiles / threads;
  return buildColumnTiles(
      b, loc, batch, n, perPart * g.rows(), b.getF32Type(),
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

Value buildFloatLookupTableMatmul(OpBuilder &b, Location loc, Value lhs,
                                  Value rhsBytes, RankedTensorType rhsType,
                                  unsigned threads) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  int64_t batch = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
  if (batch <= kRowsPerBlock)
    return buildBlock(b, loc, lhs, rhsBytes, rhsType, threads);
  // A larger batch, a block of rows of x at a time: each block reads W
  // again, a tenth of the time its lookups take (2-bit W, on Zen 5).
  Value y = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{batch, rhsType.getDimSize(0)}, b.getF32Type());
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  return buildRowChunks(
      b, loc, batch, kRowsPerBlock, y,
      [&](Value out, Value first, int64_t count) {
        Value rows = tensor::ExtractSliceOp::create(
            b, loc, lhs, ArrayRef<OpFoldResult>{first, zero},
            ArrayRef<OpFoldResult>{b.getIndexAttr(count), b.getIndexAttr(k)},
            ArrayRef<OpFoldResult>{one, one});
        Value block = buildBlock(b, loc, rows, rhsBytes, rhsType, threads);
        return tensor::InsertSliceOp::create(
                   b, loc, block, out, ArrayRef<OpFoldResult>{first, zero},
                   ArrayRef<OpFoldResult>{
                       b.getIndexAttr(count),
                       b.getIndexAttr(rhsType.getDimSize(0))},
                   ArrayRef<OpFoldResult>{one, one})
            .getResult();
      });
}

} // namespace anybit::codegen
