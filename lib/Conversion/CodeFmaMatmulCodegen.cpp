//===- CodeFmaMatmulCodegen.cpp - f32 activations times codes -------------===//

#include "CodeFmaMatmulCodegen.h"

#include "Anybit/ElementTypes.h"
#include "Anybit/X86Ops.h"
#include "CodeMatmulSupport.h"
#include "VectorMatmulCodegen.h"
#include "anybit/Support/BitPacking.h"
#include "anybit/Support/FloatFormat.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace anybit::codegen {
namespace {

/// Vectors of 16 values (kLanes) a block holds of each plane: 64 codes,
/// so that four independent FMA chains hide the FMA latency with one row
/// of A against one row of W.
constexpr int64_t kQuarters = 4;
/// Bytes of W read for a block of fields (at most 56): one whole vector,
/// which one byte shuffle spreads into a quarter's lanes.
constexpr int64_t kFieldWindow = 64;

/// How W's bytes hold its codes and what each code is worth.
struct WeightFormat {
  unsigned bits = 0;
  int64_t planes = 1;  // P: codes a byte, for widths that divide 8
  bool fields = false; // 3, 5, 6 or 7 bits, straddling bytes
  bool isSigned = false;
  int32_t offset = 0; // converted integers: value = field - offset (trits)
  /// The value of each pattern of the low four, five or six bits of a
  /// lane (the pattern taken modulo 2^bits); empty: sign-extend or
  /// zero-extend the field and convert.
  SmallVector<float, 64> table;
  int64_t group = 0; // G, 0 when unscaled
  Type scale;

  int64_t blockCodes() const { return planes * kLanes * kQuarters; }
  /// Bytes of W a block holds: 64 for planes, 8 bits for fields.
  int64_t blockBytes() const { return blockCodes() * bits / 8; }
};

/// The weight format buildCodeFmaMatmul reads `rhsType` with, if any.
std::optional<WeightFormat> getWeightFormat(RankedTensorType rhsType,
                                            bool tables) {
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  if (!enc || enc.isTiled() || !rhsType.hasStaticShape() ||
      rhsType.getRank() != 2)
    return std::nullopt;
  Type element = rhsType.getElementType();
  unsigned bits = getElementBitWidth(element);
  if (bits == 0 || bits > 8)
    return std::nullopt;
  BitLayout layout = enc.getBitLayout(element);
  if (layout.base3 || (!layout.straddle && layout.wordBits % bits != 0))
    return std::nullopt;
  WeightFormat format;
  format.bits = bits;
  format.fields = 8 % bits != 0;
  format.planes = format.fields ? 1 : 8 / bits;
  std::optional<std::pair<int64_t, Type>> scales = getGroupScales(enc);
  if (!scales)
    return std::nullopt;
  std::tie(format.group, format.scale) = *scales;
  auto integer = dyn_cast<IntegerType>(element);
  std::optional<FloatFormat> small = getFloatFormat(element);
  // Signless integers are signed from 2 bits on (i1 is a boolean).
  format.isSigned =
      integer && (integer.isSigned() || (integer.isSignless() && bits > 1));
  auto value = [&](int64_t pattern) -> std::optional<float> {
    if (isa<TritType>(element)) // t + 1; the invalid 3 reads as 2
      return float(pattern - 1);
    if (integer)
      return float(format.isSigned && pattern >= (int64_t(1) << (bits - 1))
                        ? pattern - (int64_t(1) << bits)
                        : pattern);
    if (small)
      return float(small->decode(pattern));
    return std::nullopt;
  };
  if (!value(0))
    return std::nullopt;
  // Tables: 16 entries (vpermps) up to 4 bits, 32 (vpermi2ps) for 5 and
  // 64 (two, and a select) for 6; integers of 6 bits convert in fewer
  // instructions.
  if (tables && (bits <= 5 || (bits == 6 && !integer))) {
    int64_t entries = std::max<int64_t>(16, int64_t(1) << bits);
    for (int64_t i = 0; i < entries; ++i)
      format.table.push_back(*value(i % (int64_t(1) << bits)));
  } else if (small) {
    return std::nullopt; // floats only by table
  } else if (isa<TritType>(element)) {
    format.offset = 1;
  }
  return format;
}

/// One row of A (a GEMV) against rows of W.
struct CodeFmaKernel : IndexMath {
  Lanes v;
  Value planar; // A' (1 x K, f32)
  Value bytes;  // W's storage
  WeightFormat format;
  int64_t k, rowBytes, scaleBase;

  /// The 16 lanes of quarter q of a block of planes starting at byte
  /// `start`: bytes zero-extended to i32, each holding P codes.
  Value planeBytes(Value start, int64_t q) {
    Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
    Value raw = vector::TransferReadOp::create(
        b, loc, v.vec(b.getI8Type()), bytes, ValueRange{add(start, q * kLanes)},
        pad, ArrayRef<bool>{true});
    // Whole signed bytes extend as they are (no shifts in values()).
    if (format.bits == 8 && format.isSigned)
      return v.sext(v.i32v(), raw);
    return v.zext(v.i32v(), raw);
  }

  /// The 16 fields of quarter q of a block whose first byte is byte `base`
  /// of the 64 bytes `w`: lane i holds the two bytes its field starts in,
  /// as a little-endian i32, and `shifts` the field's bit offset in them.
  Value fieldBytes(Value w, int64_t base, int64_t q,
                   SmallVectorImpl<int32_t> &shifts) {
    int64_t size = cast<VectorType>(w.getType()).getNumElements();
    SmallVector<int64_t> pick;
    for (int64_t i = 0; i < kLanes; ++i) {
      int64_t bit = (q * kLanes + i) * format.bits;
      int64_t first = base + bit / 8;
      pick.push_back(first);
      pick.push_back(first + 1 < size ? first + 1 : size);
      pick.push_back(size); // zeros
      pick.push_back(size);
      shifts.push_back(int32_t(bit % 8));
    }
    Value zeros = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(cast<VectorType>(w.getType()),
                               b.getI8IntegerAttr(0)));
    Value spread = vector::ShuffleOp::create(b, loc, w, zeros, pick);
    return vector::BitCastOp::create(b, loc, v.i32v(), spread);
  }

  /// The values of the codes at bit `shift` (per lane) of the lanes `x`.
  Value values(Value x, ArrayRef<int32_t> shift) {
    bool uniform = llvm::all_equal(shift);
    auto shiftBy = [&](ArrayRef<int32_t> s) {
      return uniform ? v.i32c(s[0]) : v.perLane(s);
    };
    if (!format.table.empty()) {
      // The tables read the low four, five or six bits: the field, and
      // above it bits the table's period ignores.
      if (!uniform || shift[0] != 0)
        x = v.shr(x, shiftBy(shift));
      VectorType f32 = v.f32v();
      auto part = [&](int64_t i) {
        return arith::ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(
                f32, ArrayRef<float>(format.table).slice(i * kLanes, kLanes)));
      };
      if (format.table.size() == 16)
        return X86VpermpsOp::create(b, loc, f32, part(0), x);
      Value low = X86Vpermi2psOp::create(b, loc, f32, part(0), x, part(1));
      if (format.table.size() == 32)
        return low;
      // Bit 5 picks the upper 32 entries.
      Value high = X86Vpermi2psOp::create(b, loc, f32, part(2), x, part(3));
      Value upper = v.cmpi(arith::CmpIPredicate::ne, v.and_(x, v.i32c(32)),
                           v.i32c(0));
      return v.sel(upper, high, low);
    }
    int32_t bits = int32_t(format.bits);
    Value field = x; // whole bytes are extended as they are read
    if (bits < 8 && format.isSigned) {
      // The field to the top of the lane, then arithmetically back down.
      SmallVector<int32_t> up;
      for (int32_t s : shift)
        up.push_back(32 - bits - s);
      field = v.shrs(v.shl(x, shiftBy(up)), v.i32c(32 - bits));
    } else if (bits < 8) {
      field = v.and_(v.shr(x, shiftBy(shift)), v.i32c((1 << bits) - 1));
    }
    if (format.offset)
      field = v.sub(field, v.i32c(format.offset));
    return arith::SIToFPOp::create(b, loc, v.f32v(), field);
  }

  /// Block `kb` of row `row` of W against A', added to `accs` (one a
  /// quarter). Fields are read as a whole vector of
  /// 64 bytes: from the block's first byte, or, for the last blocks of a
  /// row (`window` >= 0, the block's first byte in it), the 64 bytes up to
  /// the row's end, so that no read leaves the row.
  SmallVector<Value> block(Value kb, int64_t window, Value row,
                           ValueRange accs) {
    SmallVector<Value> next(accs);
    Value rowStart = mul(row, rowBytes);
    Value start = add(rowStart, mul(kb, format.blockBytes()));
    Value blockStart = mul(kb, format.blockCodes());
    Value w;
    int64_t base = std::max<int64_t>(window, 0);
    if (format.fields) {
      Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
      Value at = window >= 0 ? add(rowStart, rowBytes - kFieldWindow) : start;
      w = vector::TransferReadOp::create(
          b, loc, VectorType::get({kFieldWindow}, b.getI8Type()), bytes,
          ValueRange{at}, pad, ArrayRef<bool>{true});
    }
    Value zero = arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                                APFloat(0.0f));
    for (int64_t q = 0; q < kQuarters; ++q) {
      SmallVector<int32_t> fieldShift;
      Value x = format.fields ? fieldBytes(w, base, q, fieldShift)
                              : planeBytes(start, q);
      for (int64_t j = 0; j < format.planes; ++j) {
        SmallVector<int32_t> shift =
            format.fields ? fieldShift
                          : SmallVector<int32_t>(
                                kLanes, int32_t(j * format.bits));
        Value value = values(x, shift);
        Value col = add(blockStart, j * kQuarters * kLanes + q * kLanes);
        Value act = vector::TransferReadOp::create(
            b, loc, v.f32v(), planar, ValueRange{idx(0), col}, zero,
            ArrayRef<bool>{true});
        next[q] = vector::FMAOp::create(b, loc, act, value, next[q]);
      }
    }
    return next;
  }

  /// The blocks of a row whose fields' 64-byte read stays inside it from
  /// their first byte (all blocks of planes).
  int64_t blocksInRow() const {
    int64_t numBlocks = k / format.blockCodes();
    if (!format.fields)
      return numBlocks;
    return std::min(numBlocks,
                    (rowBytes - kFieldWindow) / format.blockBytes() + 1);
  }

  /// Block `kb` (a constant), the window its read needs.
  SmallVector<Value> blockAt(int64_t kb, Value row, ValueRange accs) {
    int64_t window = kb < blocksInRow()
                         ? -1
                         : kb * format.blockBytes() - (rowBytes - kFieldWindow);
    return block(idx(kb), window, row, accs);
  }

  /// `body(i, iConst, values)` for i in [0, count), carrying `values`: an
  /// scf.for over the first `looped` (iConst = -1), then the others one
  /// by one (iConst = i): the last blocks of a row read differently.
  SmallVector<Value>
  loopThenEach(int64_t looped, int64_t count, ValueRange values,
               function_ref<SmallVector<Value>(Value, int64_t, ValueRange)>
                   body) {
    SmallVector<Value> next(values);
    if (looped > 0)
      next = buildLoop(b, loc, looped, 1, next, [&](Value i, ValueRange args) {
        return body(i, -1, args);
      });
    for (int64_t i = looped; i < count; ++i)
      next = body(idx(i), i, next);
    return next;
  }

  /// Blocks [firstConst, firstConst + count) of a row (`first` the same
  /// index as a value): an scf.for over those whose read stays inside it
  /// from their first byte, then the last ones one by one.
  SmallVector<Value> blocks(Value first, int64_t firstConst, int64_t count,
                            Value row, ValueRange accs) {
    int64_t inRow = std::clamp<int64_t>(blocksInRow() - firstConst, 0, count);
    return loopThenEach(
        inRow, count, accs, [&](Value i, int64_t iConst, ValueRange args) {
          return iConst < 0 ? block(add(first, i), -1, row, args)
                            : blockAt(firstConst + iConst, row, args);
        });
  }

  /// The scale of group `g` of row `row`, in every lane.
  Value scaleOf(Value row, Value g) {
    Value one = readScales(row, g, 1);
    return vector::BroadcastOp::create(
        b, loc, v.f32v(),
        vector::ExtractOp::create(b, loc, one, ArrayRef<int64_t>{0}));
  }

  /// The `count` scales of groups [g, g + count) of row `row`, as f32.
  Value readScales(Value row, Value g, int64_t count) {
    return readGroupScales(b, loc, bytes, scaleBase, k / format.group, row, g,
                           count, format.scale);
  }

  /// The scales of block `kb`'s groups when groups tile the block and it
  /// holds at most 16 of them: one read and one conversion a block instead
  /// of one a quarter. Null otherwise.
  Value blockScales(Value row, Value kb) {
    int64_t count = format.blockCodes() / format.group;
    if (format.blockCodes() % format.group != 0 || count > kLanes)
      return Value();
    return readScales(row, mul(kb, count), count);
  }

  /// The scale of each lane of quarter q of block `kb` (lane i holds codes
  /// P (16 q + i) + j of the block): one group's, or for groups smaller
  /// than a quarter (holding whole lanes) each lane's own; taken from
  /// `inBlock` (blockScales) when it is set.
  Value quarterScales(Value row, Value kb, int64_t q, Value inBlock) {
    int64_t quarterCodes = format.planes * kLanes;
    SmallVector<int64_t> pick;
    for (int64_t i = 0; i < kLanes; ++i)
      pick.push_back((q * quarterCodes + format.planes * i) / format.group);
    if (inBlock)
      return vector::ShuffleOp::create(b, loc, inBlock, inBlock, pick);
    Value first = add(mul(kb, format.blockCodes()), q * quarterCodes);
    Value g = arith::DivUIOp::create(b, loc, first, idx(format.group));
    if (format.group >= quarterCodes)
      return scaleOf(row, g);
    for (int64_t &p : pick)
      p -= q * quarterCodes / format.group;
    Value scales = readScales(row, g, quarterCodes / format.group);
    return vector::ShuffleOp::create(b, loc, scales, scales, pick);
  }

  /// The four quarter sums in `partial`, added as a tree.
  Value quarterSum(ArrayRef<Value> partial) {
    return addf(addf(partial[0], partial[1]), addf(partial[2], partial[3]));
  }
  Value addf(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }

  /// Output `row` (one row of W against A), inserted into `tile` (1 x 1).
  /// Products accumulate per quarter (four independent FMA chains); scaled
  /// sums in one vector.
  Value rowBlock(Value tile, Value row) {
    int64_t numBlocks = k / format.blockCodes();
    SmallVector<Value> zeros(kQuarters, v.f32c(0));
    Value total;
    if (!format.group) {
      total = quarterSum(blocks(idx(0), 0, numBlocks, row, zeros));
    } else if (format.group % format.blockCodes() == 0) {
      // Each group's products summed first, then scaled once: an scf.for
      // over the groups inside the row, then the last ones one by one.
      int64_t perGroup = format.group / format.blockCodes();
      int64_t groups = k / format.group;
      int64_t inRow = blocksInRow() / perGroup;
      auto group = [&](Value g, int64_t gConst, ValueRange sum) {
        SmallVector<Value> partial =
            gConst < 0 ? blocks(mul(g, perGroup), 0, perGroup, row, zeros)
                       : blocks(idx(gConst * perGroup), gConst * perGroup,
                                perGroup, row, zeros);
        return SmallVector<Value>{vector::FMAOp::create(
            b, loc, quarterSum(partial), scaleOf(row, g), sum[0])};
      };
      total = loopThenEach(inRow, groups, v.f32c(0), group)[0];
    } else {
      // Groups end inside blocks: each block's quarter sums are scaled by
      // their own group's scales, and added as a tree.
      auto scaledBlock = [&](Value kb, int64_t kbConst, ValueRange sum) {
        SmallVector<Value> partial = kbConst < 0
                                         ? block(kb, -1, row, zeros)
                                         : blockAt(kbConst, row, zeros);
        Value inBlock = blockScales(row, kb);
        SmallVector<Value> scales;
        for (int64_t q = 0; q < kQuarters; ++q)
          scales.push_back(quarterScales(row, kb, q, inBlock));
        auto pair = [&](int64_t q) {
          Value first = arith::MulFOp::create(b, loc, partial[q], scales[q]);
          return vector::FMAOp::create(b, loc, partial[q + 1], scales[q + 1],
                                       first);
        };
        return SmallVector<Value>{addf(sum[0], addf(pair(0), pair(2)))};
      };
      total = loopThenEach(blocksInRow(), numBlocks, v.f32c(0), scaledBlock)[0];
    }
    // The lanes hold partial sums in no order that matters: a tree.
    Value sum = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                            total,
                                            arith::FastMathFlags::reassoc);
    return tensor::InsertOp::create(b, loc, sum, tile,
                                    ValueRange{idx(0), idx(0)});
  }
};

} // namespace

bool canLowerCodeFmaMatmul(RankedTensorType lhsType, RankedTensorType rhsType,
                           bool transposed, Type accumulator, bool tables) {
  // GEMVs only: with several rows of A, the permuted activations (K f32 a
  // row) outgrow the L1 cache at K = 4096 and each block re-reads them
  // from L2 for every row of W; the vector kernel, which streams 8 rows of
  // W against one load of them, was 1.5-2x faster at 4 rows.
  if (!transposed || !accumulator.isF32() || !lhsType.hasStaticShape() ||
      lhsType.getRank() != 2 || lhsType.getDimSize(0) != 1 ||
      !lhsType.getElementType().isF32() || lhsType.getEncoding())
    return false;
  std::optional<WeightFormat> format = getWeightFormat(rhsType, tables);
  if (!format)
    return false;
  int64_t k = rhsType.getDimSize(1);
  if (k <= 0 || k % format->blockCodes() != 0)
    return false;
  // Fields read 64 bytes at a time, inside their row.
  if (format->fields && k * format->bits / 8 < kFieldWindow)
    return false;
  // Scaled: groups of whole quarters (16 codes of each plane), or inside
  // one and of whole lanes (the P codes of a byte).
  int64_t group = format->group, quarterCodes = format->planes * kLanes;
  return !group ||
         (k % group == 0 &&
          (group % quarterCodes == 0 ||
           (quarterCodes % group == 0 && group % format->planes == 0)));
}

Value buildCodeFmaMatmul(OpBuilder &b, Location loc, Value lhs,
                         Value rhsBytes, RankedTensorType rhsType,
                         bool tables) {
  int64_t k = cast<RankedTensorType>(lhs.getType()).getDimSize(1),
          n = rhsType.getDimSize(0);
  WeightFormat format = *getWeightFormat(rhsType, tables);
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  Value planar =
      format.planes == 1
          ? lhs
          : buildPlanarActivations(b, loc, lhs, k, kQuarters * kLanes,
                                   format.planes);
  CodeFmaKernel kernel{
      {b, loc},
      Lanes(b, loc),
      planar,
      rhsBytes,
      format,
      k,
      k * format.bits / 8,
      int64_t(enc.getDataBytes(rhsType.getShape(), rhsType.getElementType()))};
  // One row of W a tile: a GEMV reads W as one sequential stream (see
  // CodeDotMatmulCodegen.cpp).
  return buildColumnTiles(b, loc, /*m=*/1, n, /*tileCols=*/1, b.getF32Type(),
                          [&](Value tile, Value row) {
                            return kernel.rowBlock(tile, row);
                          });
}

} // namespace anybit::codegen
