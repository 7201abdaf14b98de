//===- CodeFmaMatmulCodegen.cpp - f32 activations times codes -------------===//

#include "CodeFmaMatmulCodegen.h"

#include "Anybit/ElementTypes.h"
#include "Anybit/X86Ops.h"
#include "CodeMatmulSupport.h"
#include "CodeTables.h"
#include "VectorMatmulCodegen.h"
#include "anybit/Conversion/Passes.h"
#include "anybit/Support/BitPacking.h"
#include "anybit/Support/FloatFormat.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/SmallSet.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace anybit::codegen {
namespace {

/// Independent FMA chains a row keeps. A 16-lane FMA has a latency of
/// four cycles and Zen 5 issues two a cycle, so eight must be in flight:
/// measured, four chains carried through a row cap it at 62-64 G lanes/s,
/// eight at 95. Chains that a group of one block restarts need no more
/// than four (the next block's overlap them), and each one more costs an
/// add a block.
constexpr int64_t kLongChains = 8, kShortChains = 4;

/// Rows of W a tile takes at once, each activation load serving all of
/// them. One row at a time loads 8 f32 vectors of A' per 64 bytes of 4-bit
/// codes, and once A' outgrows the L1 cache those loads come from L2.
/// Measured on Zen 5, W flushed from the cache: at 4096 x 14336 (A' 56
/// KiB) two rows were 1.25-2.5x faster than one at every width; at 4096 x
/// 4096 up to 1.18x (i3 and i4 at G = 128; i8 and e2m1 1.07-1.09x), the
/// others within 3%. Four rows were slower than two. Two rows' short
/// chains are eight in flight.
constexpr int64_t kTileRows = 2;

/// The most rows of A the kernel takes: each value looked up is one FMA
/// a row.
constexpr int64_t kMaxBatch = 4;

/// The most bytes of A' a pass over the tiles reads (a panel of K): at
/// K = 8192 (32 KiB) 4-bit weights read at 59 G weights/s, at 10240 at 45
/// and at 14336 at 40 (Zen 5, L1 48 KiB).
constexpr int64_t kPanelActivationBytes = 32 * 1024;

/// The most bytes of A' with which GEMVs of 6-bit integer mantissas keep
/// one row of W a tile: at K = 4096 (16 KiB) one row was 10% faster at G = 32
/// (two rows' chains and scales made LLVM reload the 8 mantissa constants every
/// block); at K = 14336 two rows were 1.9x faster.
constexpr int64_t kMantissaOneRowActivationBytes = 16 * 1024;

/// How W's bytes hold its codes and what each code is worth.
///
/// A block is `reads` reads of 16 i32 lanes, lane i of read q holding the
/// C = codesPerLane codes C (16 q + i) + j, j < C, of the block; the
/// activations are permuted once so that code j of every lane of a read
/// meets 16 contiguous ones (A'). Three lane layouts:
///  - words (1, 2 and 4 bits): a read of 64 bytes is 16 i32 lanes of
///    32 / bits codes each, code j at bit bits j; no instruction moves a
///    byte between lanes before the lookups;
///  - planes (8 bits, and 1, 2 and 4 bits in groups smaller than a word's
///    codes): 16 bytes zero-extended, a byte's P = 8 / bits codes, plane j
///    being (x >> bits j);
///  - windows (3, 5, 6 or 7 bits, straddling bytes): one byte shuffle of
///    the block's 16 bits bytes gives lane i the 4 bytes from byte
///    bits i + w, whole codes of its 8, each at a shift that is the same in
///    every lane; a second window (w > 0) holds the codes the first cuts
///    (four windows for 6-bit mantissas: see codeWindows).
///
/// A code's value comes from a table, from the mantissa of an f32
/// (`mantissa`: 6-bit integers), from a byte table (`byteTable`: 4-bit
/// floats without f32 tables), or by a sign or zero extension and a
/// conversion.
struct WeightFormat {
  unsigned bits = 0;
  bool windows = false;
  bool words = false;
  int64_t codesPerLane = 1;
  int64_t reads = 1;
  /// Rows of W a tile takes: kTileRows where they divide N (for GEMVs of
  /// mantissa values only past kMantissaOneRowActivationBytes of A'),
  /// else 1.
  int64_t rows = 1;
  /// Rows of A, each against every value looked up (batch).
  int64_t batch = 1;
  /// FMA chains each (row of W, row of A) of the tile keeps.
  int64_t chains = kShortChains;
  bool isSigned = false;
  int32_t offset = 0; // converted integers: value = field - offset (trits)
  /// The codes' values by table lookups; none: by their mantissas, or
  /// sign-extend or zero-extend the codes and convert.
  std::optional<CodeTable> table;
  /// Integer codes in windows whose codes lie below bit 23, each made the
  /// mantissa of 2^(23 - shift) (see mantissaValues).
  bool mantissa = false;
  /// Sign-magnitude lookups by vpmultishiftqb (CodeTables.h).
  bool multishift = false;
  /// 4-bit floats without f32 tables (AVX2): each code's value times
  /// 2^byteExponent, an int8, looked up for the even and the odd codes of
  /// every lane by one byte shuffle (vpshufb) each, then sign-extended and
  /// converted like an integer. A' is scaled by 2^-byteExponent instead of
  /// the sums, which would then be 2^byteExponent times their values and
  /// overflow that much sooner. e2m1: halves, -12..12.
  SmallVector<int8_t, 16> byteTable;
  int byteExponent = 0;
  int64_t group = 0; // G, 0 when unscaled
  Type scale;
  /// Scaled tables: the table times the scale of the group a read's codes
  /// are in (all 16 lanes' codes in one group), so that each looked-up
  /// value is the weight the VM dequantizes, and no group restarts the
  /// chains.
  bool scaledTables = false;
  /// Reads a chain takes in a row of blocks: 1, or for whole bytes in
  /// groups of whole reads inside a block (i8 at G = 16 or 32) a group's,
  /// so that a chain's sum is its group's and takes one FMA with the scale.
  int64_t readsPerChain = 1;

  int64_t readCodes() const { return kLanes * codesPerLane; }
  int64_t blockCodes() const { return readCodes() * reads; }
  int64_t blockBytes() const { return blockCodes() * bits / 8; }
  /// Bytes of W a block of windows reads: one or two whole vectors of 64.
  int64_t windowBytes() const { return blockBytes() <= 64 ? 64 : 128; }
};

/// Where code j of a lane of windows is read: the lane's window starting
/// `byte` bytes into its codes, `shift` bits into that window.
struct CodeWindow {
  int64_t byte;
  int32_t shift;
};

/// Code j's window for each of a lane's 8 codes of `bits` bits: a window
/// starts at the byte of a code that does not fit below bit `top` of the
/// previous one, or that starts a period of the codes' bytes (6 bits:
/// codes 0 and 4 start bytes 0 and 3), so that the codes of each period lie
/// at the same shifts. Below bit 32: all 8 codes of 3 bits, 6 and 2 of 5,
/// 4 and 4 of 6 or 7; below bit 23 (mantissas), 3 and 1 of each 6-bit
/// period.
SmallVector<CodeWindow, 8> codeWindows(unsigned bits, int64_t top) {
  SmallVector<CodeWindow, 8> windows;
  int64_t periodCodes = std::lcm<int64_t>(bits, 8) / bits;
  int64_t byte = 0;
  for (int64_t j = 0; j < 8; ++j) {
    int64_t first = j * bits;
    if (j % periodCodes == 0 || first + bits > 8 * byte + top)
      byte = first / 8;
    windows.push_back({byte, int32_t(first - 8 * byte)});
  }
  return windows;
}

/// The highest bit a code may reach in its window: 32, or 23 (the f32
/// mantissa) for mantissa values.
int64_t windowTop(bool mantissa) { return mantissa ? 23 : 32; }

/// Mantissa values keep two constant vectors per distinct shift (the
/// code's mask and the f32 it is xor-ed into) live through the loop: with
/// the 8 of 3, 5 or 7 bits, LLVM shuffled registers every block (7-bit
/// weights ran 20% slower than by conversions). 6-bit codes have 4.
constexpr size_t kMaxMantissaShifts = 4;

/// The most groups a row's scales may have for scaled tables to keep them
/// converted on the stack (256 bytes).
constexpr int64_t kMaxStackScales = 64;

/// The weight format buildCodeFmaMatmul reads `rhsType` with, if any.
std::optional<WeightFormat> getWeightFormat(RankedTensorType rhsType,
                                            int64_t batch, bool tables,
                                            bool byteShuffles,
                                            bool multishift) {
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  if (!enc || enc.isTiled() || !rhsType.hasStaticShape() ||
      rhsType.getRank() != 2)
    return std::nullopt;
  Type element = rhsType.getElementType();
  unsigned bits = getElementBitWidth(element);
  if (bits == 0 || bits > 8)
    return std::nullopt;
  if (!isAtBitIndex(enc, element))
    return std::nullopt;
  WeightFormat format;
  format.bits = bits;
  format.windows = 8 % bits != 0;
  std::optional<std::pair<int64_t, Type>> scales = getGroupScales(enc);
  if (!scales)
    return std::nullopt;
  std::tie(format.group, format.scale) = *scales;
  // Words where groups hold whole reads of words, or whole words inside
  // one: a zero-extension per 16 bytes moved bytes across lanes, and the
  // byte shuffles and the lookups competed for the same units (i4: 12 of
  // them per 128 codes against 8). Other groups (3 words' reads of 4-bit
  // codes, or a part of a word) keep the planes' shorter reads.
  if (bits < 8 && !format.windows) {
    int64_t wordCodes = 32 / bits, readCodes = kLanes * wordCodes;
    int64_t group = format.group;
    format.words = !group || group % readCodes == 0 ||
                   (readCodes % group == 0 && group % wordCodes == 0);
  }
  format.codesPerLane = format.windows ? 8
                        : format.words ? 32 / bits
                                       : 8 / bits;
  // Planes: 4 reads of at least two codes a lane, or of whole bytes one a
  // chain.
  format.reads = format.windows || format.words ? 1 : 4;
  format.isSigned = isTwosComplementInteger(element);
  if (!getCodeValue(element, 0))
    return std::nullopt;
  // Tables up to 5 bits and for 6-bit floats; 6-bit integers take their
  // mantissas (fewer instructions than 64 entries), with or without tables.
  if (tables)
    format.table = getCodeTable(element);
  std::optional<FloatFormat> small = getFloatFormat(element);
  if (!format.table && small && byteShuffles && bits == 4) {
    std::optional<IntegerSteps> integers = getIntegerSteps(*small, 128);
    if (!integers)
      return std::nullopt;
    format.byteExponent = integers->exponent;
    for (int64_t step : integers->steps)
      format.byteTable.push_back(int8_t(step));
  }
  if (!format.table && format.byteTable.empty() && small)
    return std::nullopt; // floats only by tables
  format.multishift =
      multishift && format.table && format.table->signMagnitude;
  if (!format.table && format.windows) {
    llvm::SmallSet<int32_t, 8> shifts;
    for (CodeWindow code : codeWindows(bits, windowTop(true)))
      shifts.insert(code.shift);
    format.mantissa = shifts.size() <= kMaxMantissaShifts;
  }
  // Scaled tables take one table a block: words and windows (one read a
  // block) in groups of whole reads.
  format.scaledTables = format.table && format.group && format.reads == 1 &&
                        format.group % format.readCodes() == 0;
  // Two rows a tile where they divide N; mantissa values keep 8 constant
  // vectors live and take one while A' of one row of A is small
  // (kMantissaOneRowActivationBytes). Batches of them take two: with one,
  // batch 4 took 1.4-2.4x the vector kernel's time at K = 4096; with two,
  // batch 2 0.60-0.74, batch 3 0.73, batch 4 0.66-0.72 (1.05-1.13 at G =
  // 128 and K = 4096).
  bool smallA = rhsType.getDimSize(1) * 4 <= kMantissaOneRowActivationBytes;
  format.rows = rhsType.getDimSize(0) % kTileRows == 0 &&
                        !(format.mantissa && smallA && batch == 1)
                    ? kTileRows
                    : 1;
  // One row: long chains where sums run unscaled (or scaled per weight, by
  // the tables), or through groups of a multiple of four blocks (of four
  // reads, for whole bytes, which then take eight reads a block, one a
  // chain). Two rows' short chains are as many.
  format.batch = batch;
  if (batch > 1) {
    // Each (row of W, row of A) is a chain of its own: enough of them in
    // flight to hide the FMA's latency.
    format.chains = std::max<int64_t>(
        1, llvm::divideCeil(kLongChains, format.rows * batch));
  } else if (format.rows == 1 &&
             (!format.group || format.scaledTables ||
              format.group % (4 * format.blockCodes()) == 0)) {
    format.chains = kLongChains;
    if (bits == 8)
      format.reads = kLongChains;
  }
  if (isa<TritType>(element))
    format.offset = 1;
  if (format.group && format.codesPerLane == 1 &&
      format.group % format.readCodes() == 0 &&
      format.blockCodes() % format.group == 0 &&
      format.blockCodes() > format.group)
    format.readsPerChain = format.group / format.readCodes();
  return format;
}

/// Rows of A against rows of W. A row of W's share of the values a tile
/// carries holds each row of A's chains in turn (chainsOf).
struct CodeFmaKernel : IndexMath {
  Lanes v;
  Value planar; // A' (batch x K, f32)
  Value bytes;  // W's storage
  WeightFormat format;
  int64_t k, n, rowBytes, scaleBase;
  /// The rows of W of the tile being built: set by tileBlock for the
  /// functions it calls (blocks, scaledTableBlocks, eachRow).
  SmallVector<Value> rows;
  /// The panel of K the tiles take (buildCodeFmaMatmul): `panelSize`
  /// blocks from block `firstBlock`, or, in the loop over panels
  /// (firstBlock -1, every block inside its row's windows), from
  /// `panelFirst`; added to the tile's values unless the first.
  int64_t firstBlock = 0, panelSize = 0;
  Value panelFirst = Value();

  /// The panel's first block.
  Value first() { return firstBlock >= 0 ? idx(firstBlock) : panelFirst; }
  /// The panel's last block.
  Value last() {
    return firstBlock >= 0 ? idx(firstBlock + panelSize - 1)
                           : add(panelFirst, panelSize - 1);
  }
  /// Whether the panel is all of K (one pass over the tiles).
  bool wholeK() const {
    return firstBlock == 0 && panelSize == k / format.blockCodes();
  }

  /// The 16 lanes of read q of a block of planes starting at byte `start`:
  /// bytes zero-extended to i32, each holding P codes.
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

  /// The windows starting `byte` bytes into each lane's codes, of a block
  /// whose first byte is byte `base` of the bytes `w` read: lane i holds
  /// bytes base + bits i + byte + [0, 4) as a little-endian i32. Bytes past
  /// `w` (up to lane 15's last three, for a block at the end of its read)
  /// are zeros: they are above the lane's codes.
  Value window(Value w, int64_t base, int64_t byte) {
    auto type = cast<VectorType>(w.getType());
    int64_t size = type.getNumElements();
    SmallVector<int64_t> pick;
    for (int64_t i = 0; i < kLanes; ++i)
      for (int64_t t = 0; t < 4; ++t)
        pick.push_back(std::min<int64_t>(base + format.bits * i + byte + t,
                                         size));
    Value zeros = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, b.getI8IntegerAttr(0)));
    Value spread = vector::ShuffleOp::create(b, loc, w, zeros, pick);
    return vector::BitCastOp::create(b, loc, v.i32v(), spread);
  }

  /// The values of the codes `shift` bits into each lane of `x`, looked up
  /// in `parts` (the table's, scaled) when the format has a table.
  Value values(Value x, int32_t shift, ArrayRef<Value> parts) {
    if (format.table)
      return lookUpCodes(v, *format.table, parts, x, shift, format.multishift);
    if (format.mantissa)
      return mantissaValues(x, shift);
    int32_t bits = int32_t(format.bits);
    Value field = x; // whole bytes are extended as they are read
    if (bits < 8 && format.isSigned) {
      // The field to the top of the lane, then arithmetically back down.
      if (32 - bits - shift)
        field = v.shl(x, v.i32c(32 - bits - shift));
      field = v.shrs(field, v.i32c(32 - bits));
    } else if (bits < 8) {
      field = v.and_(shift ? v.shr(x, v.i32c(shift)) : x,
                     v.i32c((1 << bits) - 1));
    }
    if (format.offset)
      field = v.sub(field, v.i32c(format.offset));
    return arith::SIToFPOp::create(b, loc, v.f32v(), field);
  }

  /// Byte tables: the values (times 2^byteExponent) of the even codes of
  /// each lane of `x` in its bytes, and of the odd ones, by one vpshufb
  /// each (in halves of 32 bytes, AVX2's); nothing for other formats.
  SmallVector<Value, 2> lookUpBytes(Value x) {
    if (format.byteTable.empty())
      return {};
    auto bytes64 = VectorType::get({4 * kLanes}, b.getI8Type());
    auto bytes32 = VectorType::get({32}, b.getI8Type());
    SmallVector<int8_t> repeated;
    for (int64_t i = 0; i < 32; ++i)
      repeated.push_back(format.byteTable[i % 16]);
    Value table = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(bytes32, ArrayRef<int8_t>(repeated)));
    auto lookUp = [&](Value nibbles) {
      Value indices = vector::BitCastOp::create(b, loc, bytes64, nibbles);
      SmallVector<Value, 2> halves;
      for (int64_t first : {0, 32})
        halves.push_back(X86VpshufbOp::create(
            b, loc, bytes32, table,
            vector::ExtractStridedSliceOp::create(b, loc, indices, first, 32,
                                                  1)));
      Value joined = vector::ShuffleOp::create(
          b, loc, halves[0], halves[1],
          llvm::to_vector(llvm::seq<int64_t>(0, 64)));
      return vector::BitCastOp::create(b, loc, v.i32v(), joined).getResult();
    };
    Value mask = v.i32c(0x0F0F0F0F);
    return {lookUp(v.and_(x, mask)), lookUp(v.and_(v.shr(x, v.i32c(4)), mask))};
  }

  /// Code j of each lane of `x`: from lookUpBytes' `looked` where the
  /// format has byte tables, else by values().
  Value codeValue(Value x, ArrayRef<Value> looked, int64_t j,
                  ArrayRef<Value> parts) {
    return looked.empty() ? values(x, int32_t(j * format.bits), parts)
                          : byteValue(looked, j);
  }

  /// Code j's value from lookUpBytes' `looked`: byte j / 2 of the even or
  /// odd codes' lanes, sign-extended (to the top, then arithmetically
  /// down) and converted.
  Value byteValue(ArrayRef<Value> looked, int64_t j) {
    Value lane = looked[j % 2];
    int64_t byte = j / 2;
    if (byte != 3)
      lane = v.shl(lane, v.i32c(24 - 8 * byte));
    return arith::SIToFPOp::create(b, loc, v.f32v(),
                                   v.shrs(lane, v.i32c(24)));
  }

  /// The integer codes `shift` bits into each lane of `x`, below bit 23,
  /// by their mantissas (getMantissaField): one vpternlogd and one exact
  /// subtraction, no shift and no conversion. A sign extension took two
  /// shifts, and shifts and conversions share two units on Zen 5 (6-bit
  /// weights 1.3x faster).
  Value mantissaValues(Value x, int32_t shift) {
    MantissaField field = getMantissaField(format.bits, shift,
                                           format.isSigned, format.offset);
    Value mask = v.i32c(int32_t(field.mask));
    Value above = v.i32c(int32_t(field.above));
    Value base = v.f32c(field.base);
    Value f = v.xor_(v.and_(x, mask), above);
    return arith::SubFOp::create(
        b, loc, vector::BitCastOp::create(b, loc, v.f32v(), f), base);
  }

  /// Scaled tables (one group a block; words and windows, one read a
  /// block, so a block takes one table): the tile's rows' blocks, each
  /// looking its codes up in the table times its group's scale; the sum of
  /// each (row of W, row of A)'s chains.
  ///
  /// A row of at most 64 groups converts its scales once into a buffer on
  /// the stack; a block's is then a broadcast load, which no vector unit
  /// executes (folded into the table's multiply). Elsewhere it is read and
  /// converted where needed. Measured on Zen 5 (4-bit weights in L2): the
  /// buffer took i4 and e2m1 at G = 128 from 50 to 57 G weights/s and at
  /// G = 512 from 48 to 58, against a permute of the row's scales indexed
  /// by a block counter the loop carried (on the lookups' units), which
  /// had beaten both an f16 scale converted per block (vcvtph2ps, on the
  /// shifts' units) and a vector of the scales indexed by the loop's
  /// variable (which LLVM stores to the stack every block and loads one
  /// element of, so the lookups wait on the store).
  SmallVector<Value> scaledTableBlocks() {
    int64_t perGroup = format.group / format.blockCodes();
    SmallVector<Value> rowScales =
        llvm::map_to_vector(rows, [&](Value row) { return stackScales(row); });
    // The table of block kb + 1 is made in block kb (the loop carries it):
    // a block's lookups would otherwise wait on its own.
    auto tableOf = [&](int64_t r, Value kb) {
      Value scale =
          groupScale(rowScales[r], rows[r],
                     arith::DivUIOp::create(b, loc, kb, idx(perGroup)));
      SmallVector<Value> parts;
      for (Value part : getTableParts(v, *format.table))
        parts.push_back(arith::MulFOp::create(b, loc, part, scale));
      return parts;
    };
    int64_t chains = rowShare();
    SmallVector<Value> carried;
    for (int64_t r = 0, e = rows.size(); r < e; ++r) {
      carried.append(chains, v.f32c(0));
      llvm::append_range(carried, tableOf(r, first()));
    }
    carried =
        panelBlocks(carried, [&](Value kb, int64_t kbConst, ValueRange args) {
          // The last block's successor is itself: no scale past the panel.
          Value following =
              kbConst >= 0
                  ? idx(std::min(kbConst + 1, firstBlock + panelSize - 1))
                  : arith::MinUIOp::create(b, loc, add(kb, 1), last())
                        .getResult();
          // Each row's share: its chains, then its table.
          size_t own = args.size() / rows.size();
          SmallVector<Value> accs;
          SmallVector<SmallVector<Value, 4>> parts;
          for (size_t r = 0; r < rows.size(); ++r) {
            ValueRange mine = args.slice(r * own, own);
            llvm::append_range(accs, mine.take_front(chains));
            parts.emplace_back(mine.drop_front(chains));
          }
          SmallVector<Value> sums = blockOf(kb, kbConst, accs, parts);
          SmallVector<Value> next;
          for (size_t r = 0; r < rows.size(); ++r) {
            llvm::append_range(next, ArrayRef(sums).slice(r * chains, chains));
            llvm::append_range(next, tableOf(r, following));
          }
          return next;
        });
    return eachRow(carried, [&](int64_t, ValueRange own) {
      return chainSums(own.take_front(chains));
    });
  }

  /// `each(r, own)` for each row r of the tile, `own` its share of
  /// `values` (laid out row after row, equal shares), joined in order.
  SmallVector<Value>
  eachRow(ValueRange values,
          function_ref<SmallVector<Value>(int64_t, ValueRange)> each) {
    assert(!rows.empty() && values.size() % rows.size() == 0 &&
           "a share for each row");
    size_t own = values.size() / rows.size();
    SmallVector<Value> joined;
    for (size_t r = 0, e = rows.size(); r < e; ++r)
      llvm::append_range(joined, each(r, values.slice(r * own, own)));
    return joined;
  }

  /// Block `kb` of the tile's rows of W against A', added to `accs` (each
  /// row of W's share, each row of A's chains in it; code j of read q goes
  /// to chain (j reads + q) mod chains, so a chain's lanes all belong to
  /// one read). `scaled` holds each row's table where it is scaled. The
  /// rows' codes meet each load of A' together: a row's block after
  /// another's kept every load of A' live until the last row's (spilled
  /// at four rows of A). Windows read whole vectors of 64 bytes: from the
  /// block's first byte, or, for the last blocks of a row (`window` >= 0,
  /// the block's first byte in the read), the bytes up to the row's end,
  /// so that no read leaves the row.
  SmallVector<Value> block(Value kb, int64_t window, ValueRange accs,
                           ArrayRef<SmallVector<Value, 4>> scaled = {}) {
    SmallVector<Value> next(accs);
    size_t numRows = rows.size();
    int64_t share = rowShare();
    // Each row's table entries (`scaled`, or the constant ones) where the
    // codes go through one.
    SmallVector<SmallVector<Value, 4>> parts(scaled);
    if (format.table && scaled.empty())
      parts.assign(numRows, getTableParts(v, *format.table));
    auto partsOf = [&](size_t r) {
      return parts.empty() ? ArrayRef<Value>() : ArrayRef<Value>(parts[r]);
    };
    SmallVector<Value> rowStarts = llvm::map_to_vector(
        rows, [&](Value row) { return mul(row, rowBytes); });
    // The block's first byte in row r (the last blocks of a row read from
    // `window`).
    auto start = [&](size_t r) {
      return add(rowStarts[r], mul(kb, format.blockBytes()));
    };
    Value blockStart = mul(kb, format.blockCodes());
    Value zero = arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                                APFloat(0.0f));
    // Code j of read q of each row (`values`) times A'.
    auto fma = [&](int64_t q, int64_t j, ArrayRef<Value> values) {
      Value col = add(blockStart, j * format.reads * kLanes + q * kLanes);
      int64_t chain =
          (j * format.reads + q) / format.readsPerChain % format.chains;
      for (int64_t i = 0; i < format.batch; ++i) {
        Value act = vector::TransferReadOp::create(b, loc, v.f32v(), planar,
                                                   ValueRange{idx(i), col},
                                                   zero, ArrayRef<bool>{true});
        for (size_t r = 0; r < numRows; ++r) {
          Value &acc = next[r * share + i * format.chains + chain];
          acc = vector::FMAOp::create(b, loc, act, values[r], acc);
        }
      }
    };
    Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
    if (!format.windows) {
      for (int64_t q = 0; q < format.reads; ++q) {
        SmallVector<Value> x;
        SmallVector<SmallVector<Value, 2>> looked;
        for (size_t r = 0; r < numRows; ++r) {
          if (format.words) {
            Value raw = vector::TransferReadOp::create(
                b, loc, VectorType::get({4 * kLanes}, b.getI8Type()), bytes,
                ValueRange{start(r)}, pad, ArrayRef<bool>{true});
            x.push_back(vector::BitCastOp::create(b, loc, v.i32v(), raw));
          } else {
            x.push_back(planeBytes(start(r), q));
          }
          looked.push_back(lookUpBytes(x[r]));
        }
        for (int64_t j = 0; j < format.codesPerLane; ++j)
          fma(q, j, llvm::map_to_vector(llvm::seq(numRows), [&](size_t r) {
                return codeValue(x[r], looked[r], j, partsOf(r));
              }));
      }
      return next;
    }
    int64_t readBytes = format.windowBytes();
    int64_t base = std::max<int64_t>(window, 0);
    SmallVector<Value> w, x(numRows);
    for (size_t r = 0; r < numRows; ++r) {
      Value at =
          window >= 0 ? add(rowStarts[r], rowBytes - readBytes) : start(r);
      w.push_back(vector::TransferReadOp::create(
          b, loc, VectorType::get({readBytes}, b.getI8Type()), bytes,
          ValueRange{at}, pad, ArrayRef<bool>{true}));
    }
    int64_t xByte = -1;
    for (auto [j, code] : llvm::enumerate(
             codeWindows(format.bits, windowTop(format.mantissa)))) {
      if (code.byte != xByte) {
        for (size_t r = 0; r < numRows; ++r)
          x[r] = this->window(w[r], base, code.byte);
        xByte = code.byte;
      }
      int32_t shift = code.shift;
      fma(0, j, llvm::map_to_vector(llvm::seq(numRows), [&](size_t r) {
            return values(x[r], shift, partsOf(r));
          }));
    }
    return next;
  }

  /// The blocks of a row whose windows' read stays inside it from their
  /// first byte (all blocks of planes).
  int64_t blocksInRow() const {
    int64_t numBlocks = k / format.blockCodes();
    if (!format.windows)
      return numBlocks;
    return std::min(numBlocks, (rowBytes - format.windowBytes()) /
                                       format.blockBytes() +
                                   1);
  }

  /// Block `kb` (a constant), the window its read needs.
  SmallVector<Value> blockAt(int64_t kb, ValueRange accs,
                             ArrayRef<SmallVector<Value, 4>> scaled = {}) {
    int64_t window =
        kb < blocksInRow()
            ? -1
            : kb * format.blockBytes() - (rowBytes - format.windowBytes());
    return block(idx(kb), window, accs, scaled);
  }

  /// Block `kb` of the tile's rows: looped (`kbConst` -1), or the constant
  /// `kbConst` with the window its read needs (blockAt).
  SmallVector<Value> blockOf(Value kb, int64_t kbConst, ValueRange accs,
                             ArrayRef<SmallVector<Value, 4>> scaled = {}) {
    return kbConst < 0 ? block(kb, -1, accs, scaled)
                       : blockAt(kbConst, accs, scaled);
  }

  /// `body(i, iConst, values)` for i in [0, count), carrying `values`: an
  /// scf.for over the first `looped` (iConst = -1), then the others one
  /// by one (iConst = i): the last blocks of a row read differently.
  SmallVector<Value>
  loopThenEach(int64_t looped, int64_t count, ValueRange values,
               function_ref<SmallVector<Value>(Value, int64_t, ValueRange)>
                   body) {
    SmallVector<Value> next(values);
    if (looped > 0) {
      next = buildLoop(b, loc, looped, 1, next, [&](Value i, ValueRange args) {
        return body(i, -1, args);
      });
      // Panels read a run of each row and then the next row's: prefetch
      // there, a row ahead (anybit-prefetch-streams), not further along
      // this row.
      if (!wholeK() && !next.empty())
        if (auto loop = next.front().getDefiningOp<scf::ForOp>())
          loop->setAttr(anybit::kPrefetchDistanceAttrName,
                        b.getI64IntegerAttr(rowBytes));
    }
    for (int64_t i = looped; i < count; ++i)
      next = body(idx(i), i, next);
    return next;
  }

  /// `body(kb, kbConst, values)` for blocks [firstConst, firstConst +
  /// count) (`first` the same index as a value), carrying `values`: an
  /// scf.for over those whose read stays inside their row from their first
  /// byte (kbConst = -1), then the last ones one by one (kbConst = kb).
  /// A `firstConst` of -1 (a panel of the loop's) has all of them inside.
  SmallVector<Value> blockRange(
      Value first, int64_t firstConst, int64_t count, ValueRange values,
      function_ref<SmallVector<Value>(Value, int64_t, ValueRange)> body) {
    int64_t looped =
        firstConst < 0
            ? count
            : std::clamp<int64_t>(blocksInRow() - firstConst, 0, count);
    return loopThenEach(looped, count, values,
                        [&](Value i, int64_t iConst, ValueRange args) {
                          return iConst < 0 ? body(add(first, i), -1, args)
                                            : body(idx(firstConst + iConst),
                                                   firstConst + iConst, args);
                        });
  }

  /// blockRange over the panel's blocks.
  SmallVector<Value> panelBlocks(
      ValueRange values,
      function_ref<SmallVector<Value>(Value, int64_t, ValueRange)> body) {
    return blockRange(first(), firstBlock, panelSize, values, body);
  }

  /// Blocks [firstConst, firstConst + count) of the tile's rows against
  /// `accs` (each row's chains), by blockRange.
  SmallVector<Value> blocks(Value first, int64_t firstConst, int64_t count,
                            ValueRange accs) {
    return blockRange(first, firstConst, count, accs,
                      [&](Value kb, int64_t kbConst, ValueRange args) {
                        return blockOf(kb, kbConst, args);
                      });
  }

  /// A row's scales converted once into a buffer on the stack, where it
  /// has at most kMaxStackScales groups; null otherwise. At the top of
  /// the tile's body (storeOnStack).
  Value stackScales(Value row) {
    int64_t groups = panelSize * format.blockCodes() / format.group;
    if (groups > kMaxStackScales)
      return Value();
    return storeOnStack(b, loc, readScales(row, firstGroup(), groups));
  }

  /// The first group of the panel (whose scale stackScales stores first).
  Value firstGroup() {
    if (firstBlock >= 0)
      return idx(firstBlock * format.blockCodes() / format.group);
    return arith::DivUIOp::create(b, loc, mul(panelFirst, format.blockCodes()),
                                  idx(format.group));
  }

  /// The scale of group `g` of row `row` in every lane: a broadcast load
  /// from `buffer` (stackScales), or, without one, read and converted here.
  Value groupScale(Value buffer, Value row, Value g) {
    if (!buffer)
      return scaleOf(row, g);
    return broadcastLoad(
        b, loc, buffer, arith::SubIOp::create(b, loc, g, firstGroup()), kLanes);
  }

  /// The scale of group `g` of row `row`, in every lane.
  Value scaleOf(Value row, Value g) {
    return readGroupScaleSplat(b, loc, bytes, scaleBase, k / format.group,
                               row, g, format.scale, kLanes);
  }

  /// The `count` scales of groups [g, g + count) of row `row`, as f32.
  Value readScales(Value row, Value g, int64_t count) {
    return readGroupScales(b, loc, bytes, scaleBase, k / format.group, row, g,
                           count, format.scale);
  }

  /// The scales of block `kb`'s groups when groups tile the block and it
  /// holds at most 16 of them: one read and one conversion a block instead
  /// of one a read. Null otherwise.
  Value blockScales(Value row, Value kb) {
    int64_t count = format.blockCodes() / format.group;
    if (format.blockCodes() % format.group != 0 || count > kLanes)
      return Value();
    return readScales(row, mul(kb, count), count);
  }

  /// The scale of each lane of read q of block `kb` (lane i holds codes
  /// C (16 q + i) + j of the block): one group's, or for groups smaller
  /// than a read (holding whole lanes) each lane's own; taken from
  /// `inBlock` (blockScales) when it is set.
  Value readScalesPerLane(Value row, Value kb, int64_t q, Value inBlock) {
    int64_t readCodes = format.readCodes();
    SmallVector<int64_t> pick;
    for (int64_t i = 0; i < kLanes; ++i)
      pick.push_back((q * readCodes + format.codesPerLane * i) / format.group);
    if (inBlock)
      return vector::ShuffleOp::create(b, loc, inBlock, inBlock, pick);
    Value first = add(mul(kb, format.blockCodes()), q * readCodes);
    Value g = arith::DivUIOp::create(b, loc, first, idx(format.group));
    if (format.group >= readCodes)
      return scaleOf(row, g);
    for (int64_t &p : pick)
      p -= q * readCodes / format.group;
    Value scales = readScales(row, g, readCodes / format.group);
    return vector::ShuffleOp::create(b, loc, scales, scales, pick);
  }

  Value addf(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value treeSum(ArrayRef<Value> values) {
    return buildTreeSum(b, loc, values);
  }
  /// The chains a row of W of the tile carries: each row of A's.
  int64_t rowShare() const { return format.chains * format.batch; }
  /// Row i of A's chains in `own` (a row of W's).
  ValueRange chainsOf(ValueRange own, int64_t i) const {
    return own.slice(i * format.chains, format.chains);
  }
  /// Each row of A's sum of its chains in `own`.
  SmallVector<Value> chainSums(ValueRange own) {
    SmallVector<Value> sums;
    for (int64_t i = 0; i < format.batch; ++i)
      sums.push_back(treeSum(llvm::to_vector(chainsOf(own, i))));
    return sums;
  }
  /// The chains' sums of read q (chains q, q + reads, ...), one per read.
  SmallVector<Value> readSums(ArrayRef<Value> chains) {
    SmallVector<Value> sums;
    for (int64_t q = 0; q < format.reads; ++q) {
      SmallVector<Value> own;
      for (int64_t c = q; c < format.chains; c += format.reads)
        own.push_back(chains[c]);
      sums.push_back(treeSum(own));
    }
    return sums;
  }

  /// Outputs t + r N / rows for r < rows (rows of W) of each row i of A,
  /// inserted into `tile` (batch rows x 1) at (i rows + r, 0). Products
  /// accumulate in independent FMA chains; scaled sums in one vector for
  /// each row of W and of A.
  Value tileBlock(Value tile, Value t) {
    rows.clear();
    for (int64_t r = 0; r < format.rows; ++r)
      rows.push_back(add(t, r * (n / format.rows)));
    // Zeros for all the tile's rows' chains, and one sum for each row of W
    // and of A.
    int64_t batch = format.batch;
    int64_t share = rowShare();
    SmallVector<Value> tileChains(share * format.rows, v.f32c(0));
    SmallVector<Value> rowSums(format.rows * batch, v.f32c(0));
    SmallVector<Value> totals; // row of W r, row of A i at r batch + i
    auto sumEach = [&](ValueRange chains) {
      return eachRow(chains,
                     [&](int64_t, ValueRange own) { return chainSums(own); });
    };
    if (!format.group) {
      totals = sumEach(blocks(first(), firstBlock, panelSize, tileChains));
    } else if (format.scaledTables) {
      totals = scaledTableBlocks();
    } else if (format.group % format.blockCodes() == 0) {
      // Each group's products summed first, then scaled once: an scf.for
      // over the groups inside the row, then the last ones one by one.
      // (A loop panel's groups are all inside their rows.)
      int64_t perGroup = format.group / format.blockCodes();
      int64_t g0 = firstBlock / perGroup, groups = panelSize / perGroup;
      int64_t inRow =
          firstBlock < 0
              ? groups
              : std::clamp<int64_t>(blocksInRow() / perGroup - g0, 0, groups);
      Value firstGroupOfPanel =
          firstBlock < 0
              ? arith::DivUIOp::create(b, loc, panelFirst, idx(perGroup))
                    .getResult()
              : idx(g0);
      SmallVector<Value> rowScales = llvm::map_to_vector(
          rows, [&](Value row) { return stackScales(row); });
      auto group = [&](Value i, int64_t iConst, ValueRange sums) {
        Value g = iConst < 0 ? add(i, firstGroupOfPanel) : idx(g0 + iConst);
        int64_t gConst = iConst < 0 ? -1 : g0 + iConst;
        SmallVector<Value> partial =
            gConst < 0 ? blocks(mul(g, perGroup), 0, perGroup, tileChains)
                       : blocks(idx(gConst * perGroup), gConst * perGroup,
                                perGroup, tileChains);
        return eachRow(sumEach(partial), [&](int64_t r, ValueRange own) {
          Value scale = groupScale(rowScales[r], rows[r], g);
          SmallVector<Value> next;
          for (int64_t i = 0; i < batch; ++i)
            next.push_back(vector::FMAOp::create(b, loc, own[i], scale,
                                                 sums[r * batch + i]));
          return next;
        });
      };
      totals = loopThenEach(inRow, groups, rowSums, group);
    } else if (format.readsPerChain > 1) {
      // Groups end inside blocks, each chain a group's sum: one FMA with
      // its scale, into two running sums in turn (one would wait on the
      // last FMA's latency).
      assert(batch == 1 && "chains of groups for one row of A");
      int64_t groupsInBlock = format.reads / format.readsPerChain;
      auto groupBlock = [&](Value kb, int64_t kbConst, ValueRange sums) {
        SmallVector<Value> all = blockOf(kb, kbConst, tileChains);
        return eachRow(sums, [&](int64_t r, ValueRange own) {
          ArrayRef<Value> chains = ArrayRef(all).slice(r * share, share);
          Value inBlock = blockScales(rows[r], kb);
          SmallVector<Value> next(own);
          for (int64_t g = 0; g < groupsInBlock; ++g) {
            Value scale = readScalesPerLane(rows[r], kb,
                                            g * format.readsPerChain, inBlock);
            next[g % 2] =
                vector::FMAOp::create(b, loc, chains[g], scale, next[g % 2]);
          }
          return next;
        });
      };
      SmallVector<Value> sums(2 * format.rows, v.f32c(0));
      sums = panelBlocks(sums, groupBlock);
      totals = eachRow(sums, [&](int64_t, ValueRange own) {
        return SmallVector<Value>{addf(own[0], own[1])};
      });
    } else {
      // Groups end inside blocks: each read's sum is scaled by its own
      // groups' scales, and the products added as a tree.
      auto scaledBlock = [&](Value kb, int64_t kbConst, ValueRange sums) {
        SmallVector<Value> all = blockOf(kb, kbConst, tileChains);
        return eachRow(sums, [&](int64_t r, ValueRange own) {
          Value row = rows[r];
          ValueRange chains = ValueRange(all).slice(r * share, share);
          Value inBlock = blockScales(row, kb);
          SmallVector<Value> scaled;
          for (int64_t q = 0; q < format.reads; ++q)
            scaled.push_back(readScalesPerLane(row, kb, q, inBlock));
          SmallVector<Value> next;
          for (int64_t i = 0; i < batch; ++i) {
            SmallVector<Value> readSum =
                readSums(llvm::to_vector(chainsOf(chains, i)));
            if (readSum.size() == 1) {
              next.push_back(
                  vector::FMAOp::create(b, loc, readSum[0], scaled[0], own[i]));
              continue;
            }
            SmallVector<Value> pairs;
            for (size_t q = 0; q + 1 < readSum.size(); q += 2) {
              Value first =
                  arith::MulFOp::create(b, loc, readSum[q], scaled[q]);
              pairs.push_back(vector::FMAOp::create(b, loc, readSum[q + 1],
                                                    scaled[q + 1], first));
            }
            next.push_back(addf(own[i], treeSum(pairs)));
          }
          return next;
        });
      };
      totals = panelBlocks(rowSums, scaledBlock);
    }
    // The lanes hold partial sums in no order that matters: a tree.
    for (auto [index, total] : llvm::enumerate(totals)) {
      Value sum =
          vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, total,
                                      arith::FastMathFlags::reassoc);
      int64_t r = index / batch, i = index % batch;
      SmallVector<Value, 2> at = {idx(i * format.rows + r), idx(0)};
      if (firstBlock != 0) // a later panel's, or the loop's: added
        sum = addf(tensor::ExtractOp::create(b, loc, tile, at), sum);
      tile = tensor::InsertOp::create(b, loc, sum, tile, at);
    }
    return tile;
  }
};

/// The blocks where the panels of K begin, and K's blocks at the end:
/// panels of whole units (a group where groups are whole blocks, else a
/// block) of at most kPanelActivationBytes of A' where a unit is not
/// larger, of equal sizes to a unit. Only for words (1, 2 and 4 bits): at
/// W 4096 x 14336 on Zen 5 they took those 1.1-1.5x faster; windows and
/// bytes moved by -14% to +10% between runs, and windows and bytes whose
/// groups end inside their blocks ran 7-13% slower (a block's scale
/// reads, a few bytes, then come in runs a panel long). Several rows of A
/// (each one more A') take panels where no scale is read in a block:
/// unscaled, or scaled tables, at every width (batch 4 at 4096 x 14336:
/// 4-bit integers at G = 128 1.4x faster). Groups inside blocks ran
/// 1.1-1.35x slower with them, at K = 4096 too.
SmallVector<int64_t> getPanelBlocks(const WeightFormat &format, int64_t k) {
  int64_t blockCodes = format.blockCodes();
  bool paneled =
      format.batch == 1 ? format.words : !format.group || format.scaledTables;
  if (!paneled)
    return {0, k / blockCodes};
  int64_t unit = format.group && format.group % blockCodes == 0
                     ? format.group / blockCodes
                     : 1;
  int64_t units = k / blockCodes / unit;
  int64_t perPanel = std::max<int64_t>(
      1, kPanelActivationBytes / (unit * blockCodes * 4 * format.batch));
  int64_t panels = std::max<int64_t>(1, llvm::divideCeil(units, perPanel));
  SmallVector<int64_t> bounds;
  for (int64_t p = 0; p <= panels; ++p)
    bounds.push_back(p * units / panels * unit);
  return bounds;
}

} // namespace

bool canLowerCodeFmaMatmul(RankedTensorType lhsType, RankedTensorType rhsType,
                           bool transposed, Type accumulator, bool tables,
                           bool byteShuffles) {
  if (!transposed || !accumulator.isF32() || !lhsType.hasStaticShape() ||
      lhsType.getRank() != 2 || !lhsType.getElementType().isF32() ||
      lhsType.getEncoding())
    return false;
  int64_t batch = lhsType.getDimSize(0);
  if (batch < 1 || batch > kMaxBatch)
    return false;
  std::optional<WeightFormat> format = getWeightFormat(
      rhsType, batch, tables, byteShuffles, /*multishift=*/false);
  if (!format)
    return false;
  // Batches of words and windows (one read a block) looked up in tables
  // or made from mantissas (6-bit integers), with AVX-512 (where they were
  // timed; AVX2's batches are the code-cvt kernel's). 7 and 8 bits, and
  // codes converted without tables, keep the vector kernel.
  if (batch > 1 &&
      (!tables || (!format->table && !format->mantissa) || format->reads != 1))
    return false;
  int64_t k = rhsType.getDimSize(1);
  if (k <= 0 || k % format->blockCodes() != 0)
    return false;
  // Windows read 64 or 128 bytes at a time, inside their row.
  if (format->windows && k * format->bits / 8 < format->windowBytes())
    return false;
  // Scaled: groups of whole reads (16 lanes' codes), or inside one and of
  // whole lanes.
  int64_t group = format->group, readCodes = format->readCodes();
  return !group ||
         (k % group == 0 &&
          (group % readCodes == 0 ||
           (readCodes % group == 0 && group % format->codesPerLane == 0)));
}

Value buildCodeFmaMatmul(OpBuilder &b, Location loc, Value lhs,
                         Value rhsBytes, RankedTensorType rhsType, bool tables,
                         bool byteShuffles, bool multishift) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  int64_t batch = lhsType.getDimSize(0), k = lhsType.getDimSize(1),
          n = rhsType.getDimSize(0);
  WeightFormat format =
      *getWeightFormat(rhsType, batch, tables, byteShuffles, multishift);
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  Value planar =
      format.codesPerLane == 1
          ? lhs
          : buildPlanarActivations(b, loc, lhs, k, format.reads * kLanes,
                                   format.codesPerLane,
                                   std::ldexp(1.0, -format.byteExponent));
  CodeFmaKernel kernel{
      {b, loc},
      Lanes(b, loc),
      planar,
      rhsBytes,
      format,
      k,
      n,
      k * format.bits / 8,
      int64_t(enc.getDataBytes(rhsType.getShape(), rhsType.getElementType())),
      {}};
  // Tile t takes rows t + r N / rows of W: each r reads one sequential
  // stream, prefetched like a single row's (the rows of a tile side by
  // side would put each row's prefetches into its neighbour's, which that
  // one is reading). The outputs, (batch rows x N / rows), output i of
  // row r of a tile at row i rows + r, are y row-major.
  // Panels of K whose A' fits in L1, one pass over the tiles each, each
  // adding to the last's outputs.
  int64_t rows = format.rows;
  Value y = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{batch * rows, n / rows}, b.getF32Type());
  SmallVector<int64_t> bounds = getPanelBlocks(format, k);
  auto pass = [&](Value y) {
    return buildColumnTiles(
        b, loc, y, /*tileCols=*/1,
        [&](Value tile, Value t) { return kernel.tileBlock(tile, t); });
  };
  auto constantPanel = [&](Value y, size_t p) {
    kernel.firstBlock = bounds[p];
    kernel.panelSize = bounds[p + 1] - bounds[p];
    return pass(y);
  };
  // Panels of one size from the first on, inside every row's windows, are
  // one scf.for, each adding to y's zeros: unrolled, each panel was the
  // kernel's code again (batch 4 at K = 14336: 7 panels, 0.3-0.4 s to
  // compile; in the loop 0.1). The others follow, each its own pass.
  // Windows of 128-byte reads (5 and 6 bits) keep a pass a panel: in the
  // loop they ran 1.14-1.17x slower (batch 4, 4096 x 14336, timed in turn;
  // the blocks' code was the same, the reason not found), where words
  // ran 0.94x and 3-bit windows 0.9x the time.
  size_t panels = bounds.size() - 1, looped = 0;
  int64_t size = bounds[1] - bounds[0];
  bool loopable = !format.windows || format.windowBytes() == 64;
  while (loopable && looped < panels &&
         bounds[looped + 1] - bounds[looped] == size &&
         bounds[looped + 1] <= kernel.blocksInRow())
    ++looped;
  if (looped < 2)
    looped = 0;
  if (looped) {
    Value zero =
        arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));
    y = linalg::FillOp::create(b, loc, zero, y).getResult(0);
    y = buildLoop(b, loc, looped * size, size, ValueRange{y},
                  [&](Value offset, ValueRange args) {
                    kernel.firstBlock = -1;
                    kernel.panelSize = size;
                    kernel.panelFirst = offset;
                    return SmallVector<Value>{pass(args[0])};
                  })[0];
  }
  for (size_t p = looped; p < panels; ++p)
    y = constantPanel(y, p);
  if (rows == 1)
    return y;
  SmallVector<ReassociationIndices> both = {{0, 1}};
  Value flat = tensor::CollapseShapeOp::create(b, loc, y, both);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({batch, n}, b.getF32Type()), flat, both);
}

} // namespace anybit::codegen
