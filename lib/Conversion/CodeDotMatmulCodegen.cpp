//===- CodeDotMatmulCodegen.cpp - int8 products over unsigned codes -------===//

#include "CodeDotMatmulCodegen.h"

#include "CodeMatmulSupport.h"
#include "CodeTables.h"

#include "Anybit/ElementTypes.h"
#include "Anybit/X86Ops.h"
#include "anybit/Support/BitPacking.h"
#include "anybit/Support/FloatFormat.h"
#include "VectorMatmulCodegen.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>
#include <cmath>

using namespace mlir;

namespace anybit::codegen {
namespace {

/// Rows of A and rows of W accumulated together: 4 x 4 accumulators (half
/// of AVX-512's registers) are enough independent dot-product chains to
/// hide their latency, and each row of A' loaded serves four rows of W.
constexpr int64_t kRowsOfA = 4, kRowsOfW = 4;

/// The most groups whose scales a row reads at once (four AVX-512 vectors
/// of f32).
constexpr int64_t kMaxRowScales = 64;

/// f32 lanes of an AVX2 register: the code-cvt kernel's sums for several
/// rows of A.
constexpr int64_t kFloatLanes = 8;

/// How the stored bits of W become unsigned byte codes c = w + offset.
enum class Decoding {
  Planes, // widths 1, 2, 4, 8: plane j of a byte x is (x >> bits j) & mask
  Base3,  // five base-3 digit planes a byte
  Fields, // widths 3, 5, 6, 7: plane j holds codes P i + j of P V codes
          // in P V bits / 8 bytes (P = 2 for 3 bits, see fieldPlanes)
};

struct CodeFormat {
  Decoding decoding = Decoding::Planes;
  unsigned bits = 8;
  int64_t planes = 1; // P: planes (codes) per loaded vector of V bytes
  uint8_t flip = 0;   // xor of each field that makes it the code
  int64_t offset = 0; // c - w (times 2^exponent for table codes)
  int64_t group = 0; // G of the [1, G] scales, 0 when unscaled
  Type scale;        // f16, bf16, f32 or e8m0
  // Small floats: the code of each bit pattern, value * 2^exponent +
  // offset (one table lookup per plane); empty for integers and trits.
  SmallVector<int64_t, 64> table;
  int exponent = 0;
  // Floats whose value * 2^exponent = k spans more than a byte: `table`
  // holds k mod 2^highShift (offset 0) and `high` floor(k / 2^highShift) +
  // highOffset, two byte products summed as 2^highShift high + low.
  SmallVector<int64_t, 64> high;
  int64_t highOffset = 0;
  int64_t highShift = 8;
  // Sign-magnitude floats (getSignMagnitudeFormat): the pattern's sign bit.
  // `table` and `high` hold the codes of the magnitudes, looked up by the
  // pattern whatever its sign (vpshufb ignores that bit), and each plane's
  // activations take the sign instead (vpsignb): no offsets.
  uint8_t signBit = 0;

  /// The largest code a field can hold.
  int64_t maxCode() const {
    if (decoding == Decoding::Base3)
      return 2;
    if (table.empty())
      return (int64_t(1) << bits) - 1;
    int64_t top = *llvm::max_element(table);
    return high.empty() ? top : std::max(top, *llvm::max_element(high));
  }

  /// Byte products per plane: 2 for split tables, else 1.
  int64_t parts() const { return high.empty() ? 1 : 2; }
  /// The offset of part `part`'s codes.
  int64_t partOffset(int64_t part) const {
    return part ? highOffset : offset;
  }
};

/// Whether [1, G] groups suit P planes: each i32 lane (4 codes of each
/// plane) inside one group, and groups that tile the blocks of either
/// vector width (or are whole blocks).
static bool groupsFit(int64_t group, int64_t planes) {
  if (group % (4 * planes) != 0)
    return false;
  for (int64_t vectorBytes : {32, 64}) {
    int64_t blockCodes = planes * vectorBytes;
    if (group % blockCodes != 0 && blockCodes % group != 0)
      return false;
  }
  return true;
}

/// Planes of fields of `bits` bits in groups of `group` (0: unscaled): two
/// for 3 bits, whose 16 codes fit in a qword, so that one byte shuffle
/// serves two vpmultishiftqbs (a third more codes a second than one
/// shuffle per 64 codes), when the groups allow; else one.
static int64_t fieldPlanes(unsigned bits, int64_t group) {
  return bits == 3 && (!group || groupsFit(group, 2)) ? 2 : 1;
}

static CodeFormat makeFormat(Decoding decoding, unsigned bits, int64_t planes,
                             uint8_t flip, int64_t offset) {
  CodeFormat format;
  format.decoding = decoding;
  format.bits = bits;
  format.planes = planes;
  format.flip = flip;
  format.offset = offset;
  return format;
}

/// Codes for a small float of 2 to 6 bits whose values are all finite
/// multiples of one power of two: k = value * 2^exponent, as the byte
/// k + offset when its range spans at most 255 (e2m1: -12..12 halves plus
/// 12), else as two bytes, k mod 2^s and floor(k / 2^s) + offset (e3m2's
/// -448..448 sixteenths: s = 7). Widths 2 and 4 are nibble or 2-bit planes
/// (vpshufb tables), others straddling fields (vpermb tables with VBMI,
/// else a vpshufb per 16 entries and selects).
static std::optional<CodeFormat> getTableFormat(const FloatFormat &f,
                                                unsigned bits) {
  std::optional<IntegerSteps> integers = getIntegerSteps(f, 32768);
  if (bits > 6 || bits == 1 || !integers)
    return std::nullopt;
  ArrayRef<int64_t> steps = integers->steps;
  // Codes count from min(k, 0), so offsets are never negative (formats
  // without zero may have only positive values).
  int64_t low = std::min<int64_t>(0, *llvm::min_element(steps));
  int64_t top = *llvm::max_element(steps);
  CodeFormat format = 8 % bits == 0
                          ? makeFormat(Decoding::Planes, bits, 8 / bits, 0, 0)
                          : makeFormat(Decoding::Fields, bits, 1, 0, 0);
  format.exponent = integers->exponent;
  if (top - low <= 255) {
    format.offset = -low;
    for (int64_t step : steps)
      format.table.push_back(step - low);
    return format;
  }
  // k = 2^s h + l, l in [0, 2^s). s = 7 keeps both codes below 128 where
  // h spans at most 128 values: one vpmaddubsw each, where l up to 255
  // took two. Else s = 8: |k| < 2^15 keeps h in [-128, 127].
  int64_t shift = (top >> 7) - (low >> 7) <= 127 ? 7 : 8;
  format.highShift = shift;
  format.highOffset = -(low >> shift);
  for (int64_t step : steps) {
    format.table.push_back(step & ((int64_t(1) << shift) - 1));
    format.high.push_back((step >> shift) + format.highOffset);
  }
  return format;
}

/// `general` (getTableFormat's codes of a 5- or 6-bit float, whose sign is
/// bit 4 or 5) as the codes of its magnitudes, where the format is
/// sign-magnitude: half the patterns, one vpshufb per 16 where the offset
/// codes of all patterns take one per 16 of twice as many (e3m2 on AVX2:
/// two vpshufb per 32 codes for eight and six selects). Magnitudes up to
/// 127 are one table; larger ones (e3m2's 448 sixteenths) split at the
/// magnitude's top bit, the lower half's as they are, the upper half's in
/// units of 2^s (the largest power that divides them all; e3m2: 8
/// sixteenths): two products, each table zero in the other half. Nothing
/// where the halves do not fit a byte or the format is not
/// sign-magnitude.
static std::optional<CodeFormat>
getSignMagnitudeFormat(const FloatFormat &f, const CodeFormat &general) {
  // Up to 16 patterns are one vpshufb either way, and it would read the
  // sign bit as part of the index.
  if (general.bits < 5 || !f.isSigned)
    return std::nullopt;
  std::optional<IntegerSteps> integers = getIntegerSteps(f, 32768);
  int64_t count = int64_t(1) << general.bits, half = count / 2;
  if (!integers || int64_t(integers->steps.size()) != count)
    return std::nullopt;
  ArrayRef<int64_t> steps = integers->steps;
  // Pattern 0 is +0: signsAtBit7 zeroes its activation.
  if (steps[0] != 0)
    return std::nullopt;
  for (int64_t p = 0; p < half; ++p)
    if (steps[p] < 0 || steps[p + half] != -steps[p])
      return std::nullopt;
  CodeFormat format = general;
  format.offset = format.highOffset = 0;
  format.table.clear();
  format.high.clear();
  format.signBit = uint8_t(half);
  ArrayRef<int64_t> magnitudes = steps.take_front(half);
  if (*llvm::max_element(magnitudes) <= 127) {
    format.table.append(magnitudes.begin(), magnitudes.end());
    return format;
  }
  int64_t quarter = half / 2;
  ArrayRef<int64_t> lower = magnitudes.take_front(quarter),
                    upper = magnitudes.drop_front(quarter);
  if (*llvm::max_element(lower) > 127 || llvm::is_contained(upper, 0))
    return std::nullopt;
  int64_t shift = 0;
  while (llvm::all_of(upper, [&](int64_t k) {
    return k % (int64_t(2) << shift) == 0;
  }))
    ++shift;
  if (*llvm::max_element(upper) >> shift > 127)
    return std::nullopt;
  format.highShift = shift;
  for (int64_t p = 0; p < half; ++p) {
    format.table.push_back(p < quarter ? magnitudes[p] : 0);
    format.high.push_back(p < quarter ? 0 : magnitudes[p] >> shift);
  }
  return format;
}

/// The codes of W's elements: trits (c = t + 1), integers of 1..8 bits at
/// bit i * bits (signed ones biased by 2^(bits-1), which flips their sign
/// bit), small floats of 2..6 bits by a table (with scales), or nothing
/// this kernel reads.
std::optional<CodeFormat> getCodeFormat(RankedTensorType rhsType) {
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  Type element = rhsType.getElementType();
  // Rows of W in order (tiled weights are the lookup-table kernel's).
  if ((rhsType.getEncoding() && !enc) || (enc && enc.isTiled()))
    return std::nullopt;
  if (isa<TritType>(element)) {
    if (!enc || enc.hasBlocks())
      return std::nullopt;
    if (enc.getBase3())
      return makeFormat(Decoding::Base3, 2, kBase3Digits, 0, 1);
    return makeFormat(Decoding::Planes, 2, 4, 0, 1);
  }
  std::optional<std::pair<int64_t, Type>> scales = getGroupScales(enc);
  if (!scales)
    return std::nullopt;
  auto integer = dyn_cast<IntegerType>(element);
  std::optional<FloatFormat> small = getFloatFormat(element);
  unsigned bits = getElementBitWidth(element);
  // Unpacked weights only as logical i8.
  if (bits > 8 || (!integer && !small) ||
      (!enc && !(integer && integer.isSignlessInteger(8))))
    return std::nullopt;
  // Elements at bit i * bits: dense, or exactly filling their words.
  if (enc && !isAtBitIndex(enc, element))
    return std::nullopt;
  std::optional<CodeFormat> format;
  if (small) {
    // Fractional values need the f32 accumulator's scales.
    if (!scales->first)
      return std::nullopt;
    format = getTableFormat(*small, bits);
  } else {
    uint8_t flip =
        isTwosComplementInteger(integer) ? uint8_t(1u << (bits - 1)) : 0;
    format = 8 % bits == 0
                 ? makeFormat(Decoding::Planes, bits, 8 / bits, flip, flip)
                 : makeFormat(Decoding::Fields, bits, 1, flip, flip);
  }
  if (format) {
    std::tie(format->group, format->scale) = *scales;
    if (format->decoding == Decoding::Fields)
      format->planes = fieldPlanes(bits, format->group);
  }
  return format;
}

struct CodeDotKernel : IndexMath {
  Value planar; // A', M x Kp
  Value bytes;  // W's storage
  Value rowSums; // sum_k A[m, k], M (unscaled, with an offset)
  int64_t rowBytes;
  int64_t vectorBytes; // V: bytes of W per load
  CodeFormat format;
  unsigned dotBits;
  bool multishift; // x86 vpmultishiftqb for Decoding::Fields
  bool byteMadd;   // x86 vpmaddubsw + vpmaddwd when dotBits is 0
  int64_t k;
  int64_t scaleBase; // byte offset of the scales in `bytes`
  // A's storage and the byte offset of its row scales, when A is packed
  // with one scale per row.
  Value lhsBytes;
  int64_t lhsScaleBase;
  Type lhsScale;
  // Scaled GEMVs: the unit sums every row of W starts from
  // (buildOffsetSums); null: computed per tile.
  Value offsetSums;
  // Bytes of W's storage after its last row (its scales): reads of a
  // row's last blocks that stay within them read in bounds.
  int64_t bytesAfterRows = 0;
  // f32 activations times small floats (planeValues): the high and low
  // bytes of the top half of each pattern's f32, whose low half is zero;
  // indexed by the magnitude where `floatSign` (the pattern's sign bit) is
  // set. Empty: the values as integers times 2^-exponent, or halfValues,
  // or windowValues.
  SmallVector<int64_t, 64> floatHigh, floatLow;
  int64_t floatSign = 0;
  // f32 activations times sign-magnitude floats whose magnitude m, as f16
  // bits m << halfShift, is value * 2^exponent (f16's exponent field holds
  // theirs: e3m2, halfShift 8, exponent -12; e2m3, 7 and -14): with the
  // sign at bit 15 that is the f16 (halfWindowValues), and vcvtph2ps the
  // f32 (exact, subnormals too, whatever MXCSR.DAZ says). Set with
  // floatSign (the sign bit), floatHigh empty, and the format's exponent
  // the f16s': f16 scales take 2^-exponent, exactly.
  bool halfValues = false;
  int64_t halfShift = 8; // m << halfShift is the f16
  // f32 activations times integers of 3, 5, 6 or 7 bits (shuffled
  // fields): each value straight from its 16-bit window
  // (fieldWindowValues), in the windows' order, which A' takes
  // (getWindowOrder). The fields are then not flipped; `signedFields`: two's
  // complement ones.
  bool windowValues = false;
  bool signedFields = false;

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

  /// Whether x86 byte shuffles (vpshufb) are available: with vpdpbusd or
  /// vpmaddubsw.
  bool byteShuffles() const { return dotBits || byteMadd; }

  /// acc + the byte dot products of `codes` (unsigned) and `activations`
  /// (signed), four bytes per i32 lane.
  Value dot(Value acc, Value codes, Value activations) {
    if (dotBits)
      return X86VpdpbusdOp::create(b, loc, laneVector(), acc, codes,
                                   activations);
    if (byteMadd && format.maxCode() < 128)
      return addPairSums(acc, pairSums(codes, activations));
    if (byteMadd) {
      // Codes up to 255 would saturate vpmaddubsw's pair sums: c = l + 128 h
      // with l < 128 and h in {0, 1}, two exact products, the second's
      // pairs widened times 128 (8-bit weights 4x faster than widening
      // every byte to i32).
      auto words = VectorType::get({vectorBytes / 2}, b.getI16Type());
      Value low = bitwise(codes, 127, /*isAnd=*/true);
      Value high = arith::ShRUIOp::create(b, loc, codes,
                                          splat(byteVector(), 7));
      Value highQuads = X86VpmaddwdOp::create(
          b, loc, laneVector(), pairSums(high, activations), splat(words, 128));
      return arith::AddIOp::create(
          b, loc, addPairSums(acc, pairSums(low, activations)), highQuads);
    }
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

  /// vpmaddubsw: pairs of code x activation products in 16 bits (exact:
  /// codes below 128).
  Value pairSums(Value codes, Value activations) {
    auto words = VectorType::get({vectorBytes / 2}, b.getI16Type());
    return X86VpmaddubswOp::create(b, loc, words, codes, activations);
  }
  /// acc + `weight` times the 16-bit `pairs` added two by two into each
  /// 32-bit lane (vpmaddwd by `weight`s).
  Value addPairSums(Value acc, Value pairs, int64_t weight = 1) {
    auto words = cast<VectorType>(pairs.getType());
    Value quads = X86VpmaddwdOp::create(b, loc, laneVector(), pairs,
                                        splat(words, weight));
    return arith::AddIOp::create(b, loc, acc, quads);
  }

  /// Whether both parts of split sign-magnitude codes go into one
  /// accumulator, the high part's pair sums widened times 2^s by their
  /// vpmaddwd: half the registers of a sum per part (a GEMV of 4 rows of A
  /// spilled them), and no join. Offsets would each need their own sums.
  bool joinsParts() const {
    return format.parts() == 2 && format.signBit && byteMadd;
  }
  /// Sets of accumulators (one per part unless joinsParts), and the one
  /// part `part` adds to.
  int64_t accumulatorSets() const { return joinsParts() ? 1 : format.parts(); }
  int64_t accumulatorSet(int64_t part) const { return joinsParts() ? 0 : part; }
  /// What part `part`'s pair sums are worth in its accumulator.
  int64_t partWeight(int64_t part) const {
    return joinsParts() && part ? int64_t(1) << format.highShift : 1;
  }
  /// Whether the 16-bit pair sums of all planes of a block may be added
  /// before widening: each is at most 2 * 128 * maxCode in magnitude, so
  /// the P planes of B blocks stay in int16 while B * P * maxCode <= 127.
  bool combinesPlanes() const { return blocksPerWidening() > 0; }
  /// How many blocks' pair sums may be added so (0: not even one block's
  /// planes): vpmaddwd and its add once per run of blocks, not per block.
  int64_t blocksPerWidening() const {
    return byteMadd ? 127 / (format.planes * format.maxCode()) : 0;
  }

  Value bitwise(Value x, int64_t v, bool isAnd) {
    Value c = splat(byteVector(), int8_t(v));
    return isAnd ? arith::AndIOp::create(b, loc, x, c).getResult()
                 : arith::XOrIOp::create(b, loc, x, c).getResult();
  }
  Value constant(VectorType type, ArrayRef<int64_t> values) {
    SmallVector<Attribute> attrs;
    for (int64_t v : values)
      attrs.push_back(b.getIntegerAttr(type.getElementType(), v));
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(type, attrs));
  }

  /// Bytes of W read per block.
  int64_t blockBytes() const {
    return format.decoding == Decoding::Fields
               ? blockCodes() * format.bits / 8
               : vectorBytes;
  }

  /// The loaded bytes `w` with the sign bit of every field flipped, once
  /// per load, for planes and shuffled fields (other fields flip their
  /// codes).
  Value prepare(Value w) {
    if (shuffledFields() && format.flip) {
      // Each lane's 16 P fields start at its first byte, the same bits
      // in every lane.
      SmallVector<int64_t> pattern(vectorBytes, 0);
      for (int64_t field = 0; field < 16 * format.planes; ++field) {
        int64_t sign = field * format.bits + format.bits - 1;
        for (int64_t lane = 0; lane < vectorBytes / 16; ++lane)
          pattern[16 * lane + sign / 8] |= int64_t(1) << (sign % 8);
      }
      for (int64_t &p : pattern)
        p = int8_t(p);
      return arith::XOrIOp::create(b, loc, w, constant(byteVector(), pattern));
    }
    if (format.decoding != Decoding::Planes || !format.flip)
      return w;
    int64_t pattern = 0;
    for (unsigned i = 0; i < 8; i += format.bits)
      pattern |= int64_t(format.flip) << i;
    return bitwise(w, pattern, /*isAnd=*/false);
  }

  /// Plane j of the prepared bytes `w`: the codes of elements P i + j.
  Value plane(Value w, int64_t j, int64_t part = 0) {
    return codesOf(planeField(w, j), part);
  }

  /// The codes (part `part`) of the fields `field`: themselves, or their
  /// table's.
  Value codesOf(Value field, int64_t part) {
    return format.table.empty() ? field : lookUp(field, part);
  }

  /// Plane j's fields before any table: codes of integers and trits, bit
  /// patterns of floats.
  Value planeField(Value w, int64_t j) {
    switch (format.decoding) {
    case Decoding::Planes: {
      unsigned bits = format.bits;
      Value shifted =
          j ? arith::ShRUIOp::create(b, loc, w,
                                     splat(byteVector(), bits * j))
                  .getResult()
            : w;
      // The top field needs no mask.
      return bits * (j + 1) == 8 ? shifted
                                 : bitwise(shifted, (1 << bits) - 1, true);
    }
    case Decoding::Base3: {
      // ((w * 3^j) mod 256) * 3 >> 8, the product in 16 bits.
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
    case Decoding::Fields:
      return fields(w, j);
    }
    llvm_unreachable("covered switch");
  }

  /// The table codes (part `part`) of the bit patterns `field` (small
  /// floats): for up to 16 patterns one vpshufb with the table in every
  /// 128-bit lane, for up to 64 (fields, with VBMI) one vpermb, else one
  /// vpshufb per 16 patterns and a select per bit above the fourth; a
  /// select per pattern in portable code.
  Value lookUp(Value field, int64_t part) {
    return lookUpBytes(field, part ? format.high : format.table);
  }

  /// The bytes `codes[field]` for each byte of `field` (lookUp's ways).
  Value lookUpBytes(Value field, ArrayRef<int64_t> codes) {
    bool byteTable = multishift && int64_t(codes.size()) <= vectorBytes;
    if (byteTable && codes.size() > 16) {
      SmallVector<int64_t> table;
      for (int64_t i = 0; i < vectorBytes; ++i)
        table.push_back(size_t(i) < codes.size() ? int8_t(codes[i]) : 0);
      return X86VpermbOp::create(b, loc, byteVector(),
                                 constant(byteVector(), table), field);
    }
    if (byteShuffles()) {
      // Patterns 16 q .. 16 q + 15 by vpshufb q (the field's low four bits;
      // its bit 7 is clear), then bits 4 and 5 pick among the results.
      SmallVector<SmallVector<int64_t>, 4> tables;
      SmallVector<bool, 4> zero;
      for (size_t first = 0; first < codes.size(); first += 16) {
        SmallVector<int64_t> &table = tables.emplace_back();
        for (int64_t i = 0; i < vectorBytes; ++i) {
          size_t pattern = first + i % 16;
          table.push_back(pattern < codes.size() ? int8_t(codes[pattern]) : 0);
        }
        zero.push_back(llvm::all_of(table, [](int64_t c) { return c == 0; }));
      }
      if (tables.size() == 2 && (zero[0] || zero[1])) {
        // One sixteen of two is zero: the other's vpshufb zeroes the
        // patterns of the zero one by bit 7 of its index, (field & 31) +
        // 112 for the first (16..31 reach 128), that xor 128 for the
        // second: three instructions for four of a select.
        Value index = arith::AddIOp::create(b, loc, bitwise(field, 31, true),
                                            splat(byteVector(), 112));
        if (zero[0])
          index = bitwise(index, int8_t(0x80), /*isAnd=*/false);
        return X86VpshufbOp::create(b, loc, byteVector(),
                                    constant(byteVector(), tables[!zero[1]]),
                                    index);
      }
      SmallVector<Value, 4> sixteens;
      for (ArrayRef<int64_t> table : tables)
        sixteens.push_back(X86VpshufbOp::create(
            b, loc, byteVector(), constant(byteVector(), table), field));
      for (int64_t bit = 16; sixteens.size() > 1; bit *= 2) {
        Value isSet = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ne, bitwise(field, bit, true),
            splat(byteVector(), 0));
        SmallVector<Value, 4> picked;
        for (size_t i = 0; i < sixteens.size(); i += 2)
          picked.push_back(i + 1 < sixteens.size()
                               ? arith::SelectOp::create(b, loc, isSet,
                                                         sixteens[i + 1],
                                                         sixteens[i])
                                     .getResult()
                               : sixteens[i]);
        sixteens = std::move(picked);
      }
      return sixteens[0];
    }
    Value result = splat(byteVector(), int8_t(codes[0]));
    for (size_t pattern = 1; pattern < codes.size(); ++pattern) {
      Value is = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, field,
                                       splat(byteVector(), int8_t(pattern)));
      result = arith::SelectOp::create(
          b, loc, is, splat(byteVector(), int8_t(codes[pattern])), result);
    }
    return result;
  }

  /// Bytes negative where the sign-magnitude `field` has its sign set, zero
  /// only where it is +0 (whose magnitude is zero): the field up to bit 7,
  /// whole, since no field has bits above its sign.
  Value signsAtBit7(Value field) {
    return shiftedToBit7(field, format.signBit);
  }

  /// `field` shifted up in 16-bit lanes so that its bit `bit` is bit 7; the
  /// bits above that cross into the next byte.
  Value shiftedToBit7(Value field, int64_t bit) {
    auto words = VectorType::get({vectorBytes / 2}, b.getI16Type());
    return vector::BitCastOp::create(
        b, loc, byteVector(),
        arith::ShLIOp::create(
            b, loc, vector::BitCastOp::create(b, loc, words, field),
            splat(words, 7 - llvm::Log2_64(bit))));
  }

  /// Whether fields come out of byte shuffles and multiplies
  /// (shuffledFieldCodes): x86 without vpmultishiftqb.
  bool shuffledFields() const {
    return format.decoding == Decoding::Fields && !multishift &&
           byteShuffles();
  }

  /// The first byte of the block that 128-bit lane `lane` of a shuffled
  /// fields' load holds: its 16 P codes (of every plane) lie in 2 P bits
  /// bytes from there, no more than 16 (P bits <= 8).
  int64_t laneFirstByte(int64_t lane) const {
    return 2 * format.planes * format.bits * lane;
  }

  /// W's bytes for a block from byte `offset`: V of them, or for shuffled
  /// fields each 128-bit lane's 16 (laneFirstByte).
  Value loadBlock(Value offset, bool inBounds) {
    if (!shuffledFields())
      return read(bytes, offset, inBounds);
    Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
    SmallVector<Value, 4> lanes;
    for (int64_t lane = 0; lane < vectorBytes / 16; ++lane)
      lanes.push_back(vector::TransferReadOp::create(
          b, loc, VectorType::get({16}, b.getI8Type()), bytes,
          ValueRange{add(offset, laneFirstByte(lane))}, pad,
          ArrayRef<bool>{inBounds}));
    // Concatenated two by two (vinserti128).
    while (lanes.size() > 1) {
      SmallVector<Value, 4> joined;
      for (size_t i = 0; i < lanes.size(); i += 2) {
        int64_t size = cast<VectorType>(lanes[i].getType()).getNumElements();
        SmallVector<int64_t> all;
        for (int64_t e = 0; e < 2 * size; ++e)
          all.push_back(e);
        joined.push_back(
            vector::ShuffleOp::create(b, loc, lanes[i], lanes[i + 1], all));
      }
      lanes = std::move(joined);
    }
    return lanes[0];
  }

  /// Plane j's fields (codes P i + j, before any flip) out of `w`
  /// (loadBlock), byte i holding code i: the 16-bit window of two bytes that
  /// holds each code is picked by a vpshufb in its 128-bit lane, multiplied
  /// so that the code's top bit is bit 15 (the bits above it overflow) and
  /// shifted down by 16 - bits; one vpackuswb makes 32 bytes of two
  /// vectors of words. AVX2 has no variable 16-bit shift, and this is two
  /// shuffles, two multiplies, two shifts and a pack per 32 codes where
  /// the portable code's byte shuffles cross lanes.
  Value shuffledFieldCodes(Value w, int64_t j) {
    // 3-bit codes in two planes: each even code and the odd one after it
    // as one 6-bit field, split by a mask and a shift (a 6-bit field costs
    // what a 3-bit one did: 10 instead of 14 per 64 codes).
    if (format.bits == 3 && format.planes == 2) {
      Value pairs = shuffledWindows(w, 0, /*bits=*/6, /*planes=*/1);
      if (j)
        pairs = arith::ShRUIOp::create(b, loc, pairs, splat(byteVector(), 3));
      return bitwise(pairs, 7, /*isAnd=*/true);
    }
    return shuffledWindows(w, j, format.bits, format.planes);
  }

  /// shuffledFieldCodes of fields of `bits` bits in `planes` planes.
  Value shuffledWindows(Value w, int64_t j, int64_t bits, int64_t planes) {
    auto words = VectorType::get({vectorBytes / 2}, b.getI16Type());
    std::array<Value, 2> halves = topAlignedFields(w, j, bits, planes);
    for (Value &half : halves)
      half = arith::ShRUIOp::create(b, loc, half, splat(words, 16 - bits));
    return X86VpackuswbOp::create(b, loc, byteVector(), halves[0], halves[1]);
  }

  /// The 16-bit windows of plane j's fields (shuffledFieldCodes), each
  /// multiplied so that its field's top bit is bit 15, the bits above it
  /// gone. Half h holds, in 128-bit lane L, the codes 16 L + 8 h + i of
  /// the block for i < 8 (vpackuswb's order: its byte i of lane L is word
  /// 8 L + i of its first operand for i < 8, word 8 L + i - 8 of its second
  /// otherwise).
  std::array<Value, 2> topAlignedFields(Value w, int64_t j, int64_t bits,
                                        int64_t planes) {
    auto words = VectorType::get({vectorBytes / 2}, b.getI16Type());
    std::array<Value, 2> halves;
    for (int64_t half = 0; half < 2; ++half) {
      SmallVector<int64_t> control, multiplier;
      for (int64_t word = 0; word < vectorBytes / 2; ++word) {
        int64_t lane = word / 8;
        int64_t i = 16 * lane + 8 * half + word % 8;
        int64_t bit = (planes * i + j) * bits;
        int64_t first = bit / 8 - laneFirstByte(lane), shift = bit % 8;
        // A field starting a byte is the high byte of its window (shift
        // 8): LLVM turns the multiply and shift into a vpmulhuw by
        // 2^(16 - shift) and a mask, and a shift of 0 took a blend more.
        if (shift == 0) {
          first -= 1;
          shift = 8;
        }
        // Bytes the field does not need may lie outside the lane: 0x80
        // reads as zero.
        auto byteAt = [](int64_t at, bool needed) -> int64_t {
          return needed || (at >= 0 && at < 16) ? at : int8_t(0x80);
        };
        control.push_back(byteAt(first, shift < 8));
        control.push_back(byteAt(first + 1, shift + bits > 8));
        multiplier.push_back(int64_t(1) << (16 - bits - shift));
      }
      Value window = vector::BitCastOp::create(
          b, loc, words,
          X86VpshufbOp::create(b, loc, byteVector(), w,
                               constant(byteVector(), control)));
      halves[half] = arith::MulIOp::create(b, loc, window,
                                           constant(words, multiplier));
    }
    return halves;
  }

  /// Plane j of the P V codes of a block, codes P i + j, from `w`: its
  /// first P V bits / 8 bytes (loadBlock), or for shuffled fields each
  /// 128-bit lane's own bytes. Eight fields end on a byte boundary, so the
  /// 8 P codes of qword g of the result (P bits <= 8 bytes) are bytes
  /// [g P bits, (g + 1) P bits).
  Value fields(Value w, int64_t j) {
    int64_t bits = format.bits, planes = format.planes;
    Value codes;
    if (shuffledFields()) {
      codes = shuffledFieldCodes(w, j);
    } else if (multishift) {
      // Group g's bytes into qword g (the same shuffle for every plane),
      // then code P i + j of each group from its bit (P i + j) bits, all in
      // one vpmultishiftqb.
      int64_t groupBytes = planes * bits;
      SmallVector<int64_t> spread, control;
      for (int64_t g = 0; g < vectorBytes / 8; ++g)
        for (int64_t i = 0; i < 8; ++i) {
          spread.push_back(g * groupBytes + std::min(i, groupBytes - 1));
          control.push_back((planes * i + j) * bits);
        }
      Value grouped = vector::ShuffleOp::create(b, loc, w, w, spread);
      codes = X86VpmultishiftqbOp::create(b, loc, byteVector(),
                                          constant(byteVector(), control),
                                          grouped);
      codes = bitwise(codes, (1 << bits) - 1, /*isAnd=*/true);
    } else {
      // Each field out of the 16-bit word of its first two bytes.
      SmallVector<int64_t> first, second, shift;
      for (int64_t i = 0; i < vectorBytes; ++i) {
        int64_t bit = (planes * i + j) * bits;
        first.push_back(bit / 8);
        second.push_back(bit / 8 + 1); // < V: the fields end at P V bits / 8
        shift.push_back(bit % 8);
      }
      auto words = VectorType::get({vectorBytes}, b.getI16Type());
      auto widen = [&](ArrayRef<int64_t> at) {
        return arith::ExtUIOp::create(
            b, loc, words, vector::ShuffleOp::create(b, loc, w, w, at));
      };
      Value word = arith::OrIOp::create(
          b, loc, widen(first),
          arith::ShLIOp::create(b, loc, widen(second), splat(words, 8)));
      codes = arith::TruncIOp::create(
          b, loc, byteVector(),
          arith::ShRUIOp::create(b, loc, word, constant(words, shift)));
      codes = bitwise(codes, (1 << bits) - 1, /*isAnd=*/true);
    }
    // Shuffled fields were flipped as they were loaded (prepare).
    return format.flip && !shuffledFields()
               ? bitwise(codes, format.flip, /*isAnd=*/false)
               : codes;
  }

  int64_t blockCodes() const { return format.planes * vectorBytes; }

  /// Block `kb` of row `row` of W as loaded and prepared for its planes
  /// (loadBlock, prepare).
  Value preparedBlock(Value row, Value kb, bool inBounds) {
    Value offset = add(mul(row, rowBytes), mul(kb, blockBytes()));
    return prepare(loadBlock(offset, inBounds));
  }

  /// Blocks [kb0, kb0 + count) (P V codes of each row) of rows n0.. of W
  /// against rows m0.. of A', added to `accs` (part, then row of W, then
  /// row of A), one row of W after the other. Reads of W stay inside the
  /// buffer when `inBounds`; the last blocks of a row may read past it
  /// (into the next row, or padding at the end), where A' is zero. Without
  /// vpdpbusd, a row's 16-bit pair sums of the blocks (at most
  /// blocksPerWidening) are added over an scf.for of the blocks, then
  /// widened once (one block an iteration: the prefetches of the stream
  /// stay one a block).
  SmallVector<Value> blockRun(Value kb0, int64_t count, bool inBounds,
                              Value n0, int64_t rowsW, Value m0, int64_t rowsA,
                              ValueRange accs) {
    int64_t inRow = inBounds ? count : 0;
    // Split parts that share an accumulator are widened by their weight.
    assert((combinesPlanes() || !joinsParts()) &&
           "joined parts take the pair sums");
    auto words = VectorType::get({vectorBytes / 2}, b.getI16Type());
    SmallVector<Value> next(accs);
    for (int64_t r = 0; r < rowsW; ++r) {
      auto at = [&](int64_t part, int64_t a) {
        return (accumulatorSet(part) * rowsW + r) * rowsA + a;
      };
      if (!combinesPlanes()) {
        next = overBlocks(kb0, count, inRow, std::move(next),
                          [&](Value kb, bool inBounds, ValueRange args) {
                            SmallVector<Value> sums(args);
                            forBlock(kb, inBounds, add(n0, r), m0, rowsA,
                                     [&](int64_t part, int64_t a, Value codes,
                                         Value activations) {
                                       Value &acc = sums[at(part, a)];
                                       acc = dot(acc, codes, activations);
                                     });
                            return sums;
                          });
        continue;
      }
      SmallVector<Value> pairs = overBlocks(
          kb0, count, inRow,
          SmallVector<Value>(format.parts() * rowsA, splat(words, 0)),
          [&](Value kb, bool inBounds, ValueRange args) {
            SmallVector<Value> sums(args);
            forBlock(kb, inBounds, add(n0, r), m0, rowsA,
                     [&](int64_t part, int64_t a, Value codes,
                         Value activations) {
                       Value &sum = sums[part * rowsA + a];
                       Value products = pairSums(codes, activations);
                       // (A run's first block starts from zeros.)
                       sum = matchPattern(sum, m_Zero())
                                 ? products
                                 : arith::AddIOp::create(b, loc, sum, products)
                                       .getResult();
                     });
            return sums;
          });
      for (int64_t part = 0; part < format.parts(); ++part)
        for (int64_t a = 0; a < rowsA; ++a)
          next[at(part, a)] = addPairSums(
              next[at(part, a)], pairs[part * rowsA + a], partWeight(part));
    }
    return next;
  }

  /// `take(part, a, codes, activations)` for block `kb` of row `row` of W:
  /// each plane's codes of each part against row m0 + a of A' (negated
  /// where sign-magnitude codes are negative).
  void forBlock(Value kb, bool inBounds, Value row, Value m0, int64_t rowsA,
                function_ref<void(int64_t, int64_t, Value, Value)> take) {
    Value blockStart = mul(kb, blockCodes());
    Value w = preparedBlock(row, kb, inBounds);
    for (int64_t j = 0; j < format.planes; ++j) {
      Value field = planeField(w, j);
      SmallVector<Value, 2> codes;
      for (int64_t part = 0; part < format.parts(); ++part)
        codes.push_back(codesOf(field, part));
      Value signs = format.signBit ? signsAtBit7(field) : Value();
      for (int64_t a = 0; a < rowsA; ++a) {
        Value activations =
            read(planar, {add(m0, a), add(blockStart, j * vectorBytes)},
                 /*inBounds=*/true);
        if (signs)
          activations = X86VpsignbOp::create(b, loc, byteVector(),
                                             activations, signs);
        for (int64_t part = 0; part < format.parts(); ++part)
          take(part, a, codes[part], activations);
      }
    }
  }

  /// The blocks of a row of W, and how many of them (from the first) read
  /// inside the storage for every row: all where the last row's reads past
  /// its end stay within the bytes after it (its scales), else those
  /// whose read ends inside the row. (Bytes read past a row meet zeros of
  /// A'; the others take masked reads, a load and a branch per byte on
  /// AVX2.)
  std::pair<int64_t, int64_t> blockCounts() const {
    int64_t step = blockBytes();
    int64_t blocks = (rowBytes + step - 1) / step;
    int64_t extent = shuffledFields() ? laneFirstByte(vectorBytes / 16 - 1) + 16
                                      : vectorBytes;
    if ((blocks - 1) * step + extent - rowBytes <= bytesAfterRows)
      return {blocks, blocks};
    int64_t inRow = rowBytes < extent
                        ? 0
                        : std::min(blocks, (rowBytes - extent) / step + 1);
    return {blocks, inRow};
  }
  VectorType floatLanes() {
    return VectorType::get({vectorBytes / 4}, b.getF32Type());
  }

  Value readFloats(Value source, Value at, int64_t count, Type type) {
    return readFloatsAsF32(b, loc, source, at, count, type);
  }

  /// The scales of groups [g0, g0 + count) of row `row` of W, as f32.
  Value readScales(Value row, Value g0, int64_t count) {
    return readGroupScales(b, loc, bytes, scaleBase, k / format.group, row, g0,
                           count, format.scale);
  }

  /// The scale of each i32 lane of unit `unit` of row `row` of W. `first`
  /// is the unit's first code when it is one of the last units of the row
  /// (whose scales may stop at K), else 0 (the unit is whole). Lane l holds
  /// codes [4 P l, 4 P (l+1)) of its block (four bytes of each of the P
  /// planes). A unit is one group, or one block of several; groups at or
  /// past K (the last block of a row) get scale 0, whatever follows in
  /// memory. `rowScales`, when set, holds all of the row's scales (groups
  /// of whole blocks; see rowBlockScaled).
  Value laneScales(Value row, Value unit, int64_t first, Value rowScales) {
    return scalesOfLanes(row, unit, first, rowScales, 4,
                         floatLanes().getNumElements());
  }

  /// laneScales for lanes of `bytesPerLane` bytes of each plane, `lanes`
  /// of them.
  Value scalesOfLanes(Value row, Value unit, int64_t first, Value rowScales,
                      int64_t bytesPerLane, int64_t lanes) {
    int64_t group = format.group;
    if (group >= blockCodes())
      return rowScales ? broadcastLoad(b, loc, rowScales, unit, lanes)
                       : splatElement(b, loc, readScales(row, unit, 1),
                                      b.getIndexAttr(0), lanes);
    int64_t perBlock = blockCodes() / group;
    int64_t valid = std::min(perBlock, (k - first) / group);
    Value scales = readScales(row, mul(unit, perBlock), valid);
    Value zeros = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(VectorType::get({valid}, b.getF32Type()),
                               b.getF32FloatAttr(0)));
    SmallVector<int64_t> pick;
    for (int64_t l = 0; l < lanes; ++l) {
      int64_t g = bytesPerLane * format.planes * l / group;
      pick.push_back(g < valid ? g : valid);
    }
    return vector::ShuffleOp::create(b, loc, scales, zeros, pick);
  }

  /// `body(kb, count, inBounds, values)` over blocks [kb0, kb0 + blocks)
  /// of a row in runs of `run` blocks [kb, kb + count), carrying `values`:
  /// the first `inRow` read inside the row, the rest may read past it (no
  /// run holds both). Several whole runs are an scf.for, one a single body,
  /// the rest a shorter run (the body is large).
  SmallVector<Value> overBlockRuns(
      Value kb0, int64_t blocks, int64_t inRow, int64_t run,
      SmallVector<Value> values,
      function_ref<SmallVector<Value>(Value, int64_t, bool, ValueRange)>
          body) {
    auto over = [&](int64_t first, int64_t count, bool inBounds) {
      Value start = add(kb0, first);
      int64_t runs = count / run;
      if (runs == 1)
        values = body(start, run, inBounds, values);
      else if (runs > 1)
        values = buildLoop(b, loc, runs, 1, values,
                           [&](Value i, ValueRange args) {
                             return body(add(start, mul(i, run)), run,
                                         inBounds, args);
                           });
      if (count % run)
        values = body(add(start, runs * run), count % run, inBounds, values);
    };
    over(0, inRow, /*inBounds=*/true);
    over(inRow, blocks - inRow, /*inBounds=*/false);
    return values;
  }
  /// overBlockRuns one block at a time: `body(kb, inBounds, values)`.
  SmallVector<Value>
  overBlocks(Value kb0, int64_t blocks, int64_t inRow,
             SmallVector<Value> values,
             function_ref<SmallVector<Value>(Value, bool, ValueRange)> body) {
    return overBlockRuns(kb0, blocks, inRow, 1, std::move(values),
                         [&](Value kb, int64_t, bool inBounds,
                             ValueRange args) {
                           return body(kb, inBounds, args);
                         });
  }
  /// Blocks of the integer sums a run: as many as stay exact in 16 bits,
  /// in tiles of one row of W (GEMVs, small batches); tiles of several
  /// widen every block, whose 16-bit sums for every row of W and of A would
  /// otherwise stay live across the run (4 x 4 of them, on 16 registers).
  int64_t blocksPerRun(int64_t rowsW) const {
    return rowsW == 1 ? std::max<int64_t>(1, blocksPerWidening()) : 1;
  }

  /// A unit of scaled sums is a group's worth of blocks, or one block
  /// holding several groups (K is a multiple of G, so units are whole).
  struct Units {
    int64_t blocks; // per unit
    int64_t count;  // in a row
    int64_t inRow;  // the first ones, whole and read in bounds
  };
  Units units() const {
    auto [blocks, inRow] = blockCounts();
    int64_t perUnit = std::max<int64_t>(1, format.group / blockCodes());
    // A block ending past K is no whole unit even where it reads in
    // bounds: its scales stop at K (the per-unit path, `first`).
    int64_t whole = std::min(inRow, k / blockCodes());
    return {perUnit, (blocks + perUnit - 1) / perUnit, whole / perUnit};
  }

  /// -offset * (the i32 lane sums of unit `unit` of row `row` of A') for
  /// part `part`: the value every row of W's lane sums of that unit start
  /// from.
  Value negatedOffsetSums(int64_t part, Value row, Value unit) {
    Units u = units();
    Value offsets = splat(byteVector(), int8_t(format.partOffset(part)));
    SmallVector<Value> sum = buildLoop(
        b, loc, u.blocks, 1, ValueRange{splat(laneVector(), 0)},
        [&](Value i, ValueRange acc) -> SmallVector<Value> {
          Value kb = add(mul(unit, u.blocks), i);
          Value next = acc[0];
          for (int64_t j = 0; j < format.planes; ++j) {
            Value col = add(mul(kb, blockCodes()), j * vectorBytes);
            next = dot(next, offsets, read(planar, {row, col}, true));
          }
          return {next};
        });
    return arith::SubIOp::create(b, loc, splat(laneVector(), 0), sum[0]);
  }

  /// negatedOffsetSums of every row of A, unit and part with an offset,
  /// as a tensor<parts x M x units x lanes>, computed before the tiles:
  /// a GEMV's (or a small batch's) tiles are single rows of W, which would
  /// each compute them again, as many dot products as their own for 2-bit
  /// codes. (Tiles of several rows of W, for more rows of A, compute them
  /// per tile: this tensor grows with M.)
  Value buildOffsetSums(int64_t m) {
    Units u = units();
    int64_t lanes = vectorBytes / 4;
    Value sums = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{format.parts(), m, u.count, lanes},
        b.getI32Type());
    return buildLoop(
        b, loc, m, 1, ValueRange{sums},
        [&](Value row, ValueRange rowArgs) {
          return buildLoop(
              b, loc, u.count, 1, rowArgs, [&](Value unit, ValueRange args) {
                Value t = args[0];
                for (int64_t part = 0; part < format.parts(); ++part)
                  if (format.partOffset(part)) // others read as zeros
                    t = vector::TransferWriteOp::create(
                            b, loc, negatedOffsetSums(part, row, unit), t,
                            ValueRange{idx(part), row, unit, idx(0)},
                            ArrayRef<bool>{true})
                            .getResult();
                return SmallVector<Value>{t};
              });
        })[0];
  }

  /// Unit `unit` of `blocks` blocks, the first `inRowBlocks` of which read
  /// inside the row (`first`: see laneScales): their products summed
  /// exactly per lane, offsets taken off per lane, then scaled and added to
  /// the f32 `accs`.
  SmallVector<Value> scaledUnit(Value unit, int64_t blocks,
                                int64_t inRowBlocks, int64_t first, Value n0,
                                int64_t rowsW, Value m0, int64_t rowsA,
                                ArrayRef<Value> rowScales, ValueRange accs) {
    int64_t perPart = rowsW * rowsA;
    Value kb0 = mul(unit, blocks);
    SmallVector<Value> partial(accumulatorSets() * perPart);
    Value pad = arith::ConstantIntOp::create(b, loc, 0, 32);
    for (int64_t part = 0; part < accumulatorSets(); ++part)
      for (int64_t a = 0; a < rowsA; ++a) {
        Value start = splat(laneVector(), 0);
        if (format.partOffset(part) && offsetSums)
          start = vector::TransferReadOp::create(
              b, loc, laneVector(), offsetSums,
              ValueRange{idx(part), add(m0, a), unit, idx(0)}, pad,
              ArrayRef<bool>{true});
        else if (format.partOffset(part))
          start = negatedOffsetSums(part, add(m0, a), unit);
        for (int64_t r = 0; r < rowsW; ++r)
          partial[part * perPart + r * rowsA + a] = start;
      }
    partial = overBlockRuns(
        kb0, blocks, inRowBlocks, blocksPerRun(rowsW), std::move(partial),
        [&](Value kb, int64_t count, bool inBounds, ValueRange args) {
          return blockRun(kb, count, inBounds, n0, rowsW, m0, rowsA, args);
        });
    SmallVector<Value> next(accs);
    for (int64_t r = 0; r < rowsW; ++r) {
      Value scales = laneScales(add(n0, r), unit, first, rowScales[r]);
      for (int64_t a = 0; a < rowsA; ++a) {
        Value sum = partial[r * rowsA + a];
        if (accumulatorSets() == 2) // 2^s high + low, exact in int32
          sum = arith::AddIOp::create(
              b, loc, sum,
              arith::ShLIOp::create(b, loc, partial[perPart + r * rowsA + a],
                                    splat(laneVector(), format.highShift)));
        Value sums = arith::SIToFPOp::create(b, loc, floatLanes(), sum);
        next[r * rowsA + a] =
            vector::FMAOp::create(b, loc, sums, scales, next[r * rowsA + a]);
      }
    }
    return next;
  }

  /// `unitInto(chain, u, inRowBlocks, first, values)` for the units of a
  /// row, carrying `values`: the whole ones an scf.for over steps of
  /// `chains` units (unit c of a step into chain c), the rest of them one
  /// by one into chain 0, then the last ones one by one (`inRowBlocks` of
  /// their blocks read in bounds, `first` their first code: their reads
  /// may leave the row, and the last block's scales stop at K).
  SmallVector<Value>
  overUnits(SmallVector<Value> values, int64_t chains,
            function_ref<void(int64_t, Value, int64_t, int64_t,
                              SmallVector<Value> &)>
                unitInto) {
    int64_t inRow = blockCounts().second;
    Units units = this->units();
    int64_t perUnit = units.blocks;
    if (units.inRow >= chains)
      values = buildLoop(b, loc, units.inRow / chains, 1, values,
                         [&](Value i, ValueRange args) {
                           SmallVector<Value> next(args);
                           for (int64_t c = 0; c < chains; ++c)
                             unitInto(c,
                                      chains == 1 ? i
                                                  : add(mul(i, chains), c),
                                      perUnit, 0, next);
                           return next;
                         });
    for (int64_t u = units.inRow / chains * chains; u < units.inRow; ++u)
      unitInto(0, idx(u), perUnit, 0, values);
    for (int64_t u = units.inRow; u < units.count; ++u)
      unitInto(0, idx(u),
               std::clamp<int64_t>(inRow - u * perUnit, 0, perUnit),
               u * perUnit * blockCodes(), values);
    return values;
  }

  /// A sum of table codes (value * 2^exponent) as the sum of the values.
  Value tableSumAsValue(Value sum) {
    if (!format.exponent)
      return sum;
    return arith::MulFOp::create(
        b, loc, sum,
        arith::ConstantOp::create(
            b, loc, b.getF32FloatAttr(std::ldexp(1.0f, -format.exponent))));
  }

  // f32 activations (buildCodeCvtMatmul): the codes' signed values, one
  // f32 lane per byte of a plane, times A' in f32.

  /// The f32 lanes of a block's plane: one per byte.
  VectorType byteFloats() {
    return VectorType::get({vectorBytes}, b.getF32Type());
  }

  /// The values of plane j's codes (one or two parts) as f32: a byte code
  /// less its offset is the signed value (times 2^exponent for tables),
  /// exactly an int8; split tables join 2^s high + low in 32 bits.
  Value planeValues(Value w, int64_t j) {
    auto wide = VectorType::get({vectorBytes}, b.getI32Type());
    if (halfValues)
      return halfWindowValues(w, j);
    if (windowValues)
      return fieldWindowValues(w, j);
    if (!floatHigh.empty())
      return floatValues(planeField(w, j));
    auto valueOf = [&](int64_t part) {
      Value codes = plane(w, j, part);
      int64_t offset = format.partOffset(part);
      // Values outside int8 (ui8, unsigned floats of steps past 127)
      // widen first and take their offset in 32 bits.
      if (format.maxCode() - offset > 127 || offset > 128) {
        Value wideCodes = arith::ExtUIOp::create(b, loc, wide, codes);
        return offset ? arith::SubIOp::create(b, loc, wideCodes,
                                              splat(wide, offset))
                            .getResult()
                      : wideCodes;
      }
      if (offset)
        codes = arith::SubIOp::create(b, loc, codes,
                                      splat(byteVector(), int8_t(offset)));
      return arith::ExtSIOp::create(b, loc, wide, codes).getResult();
    };
    Value value = valueOf(0);
    if (format.parts() == 2) {
      // The low part's bytes are k mod 2^s, unsigned.
      Value low = arith::ExtUIOp::create(
          b, loc, wide, arith::TruncIOp::create(b, loc, byteVector(), value));
      value = arith::AddIOp::create(
          b, loc, low,
          arith::ShLIOp::create(b, loc, valueOf(1),
                                splat(wide, format.highShift)));
    }
    return arith::SIToFPOp::create(b, loc, byteFloats(), value);
  }

  /// The f32 values of the small-float patterns `field`: two byte
  /// lookups give the top half of each f32, the sign (sign-magnitude
  /// formats of 32 or 64 patterns) is or-ed in, and the halves become
  /// f32s with no conversion. (The values as integers took a lookup of
  /// each of two bytes of 64 entries, two widenings and a conversion for
  /// e3m2.)
  Value floatValues(Value field) {
    Value index =
        floatSign ? bitwise(field, floatSign - 1, /*isAnd=*/true) : field;
    Value low = lookUpBytes(index, floatLow);
    Value high = lookUpBytes(index, floatHigh);
    if (floatSign)
      high = arith::OrIOp::create(b, loc, high, signAtBit7(field));
    Value top = vector::BitCastOp::create(
        b, loc, VectorType::get({vectorBytes}, b.getI16Type()),
        interleaved(low, high));
    auto wide = VectorType::get({vectorBytes}, b.getI32Type());
    Value bits = arith::ShLIOp::create(
        b, loc, arith::ExtUIOp::create(b, loc, wide, top), splat(wide, 16));
    return vector::BitCastOp::create(b, loc, byteFloats(), bits);
  }

  /// The f32 values of plane j's halfValues patterns (5- or 6-bit fields,
  /// shuffled: the code-cvt kernel is AVX2's), from their windows: with a
  /// field's sign at bit 15 (topAlignedFields), an arithmetic shift by
  /// 16 - bits - halfShift puts its magnitude at bit halfShift and copies
  /// of the sign between, which a mask clears: each word is the f16. The
  /// windows hold codes 0-7 and 16-23 of each 32, then 8-15 and 24-31;
  /// after vcvtph2ps each 8 is a register of its own, so putting them in
  /// order costs nothing, where the bytes' pack and interleave took five
  /// shuffles per 32 codes on the two shuffle units (e3m2 on Zen 3:
  /// llvm-mca 46 -> 28 cycles per 128 weights, measured 1.5x).
  Value halfWindowValues(Value w, int64_t j) {
    int64_t bits = format.bits;
    auto words = VectorType::get({vectorBytes / 2}, b.getI16Type());
    std::array<Value, 2> halves = topAlignedFields(w, j, bits, format.planes);
    int64_t keep = 0x8000 | ((floatSign - 1) << halfShift);
    for (Value &half : halves)
      half = arith::AndIOp::create(
          b, loc,
          arith::ShRSIOp::create(b, loc, half,
                                 splat(words, 16 - bits - halfShift)),
          splat(words, int16_t(keep)));
    SmallVector<int64_t> both, inOrder;
    for (int64_t i = 0; i < vectorBytes; ++i) {
      both.push_back(i);
      int64_t lane = i / 16, half = i % 16 / 8;
      inOrder.push_back(half * vectorBytes / 2 + lane * 8 + i % 8);
    }
    Value halvesF16 = vector::BitCastOp::create(
        b, loc, VectorType::get({vectorBytes}, b.getF16Type()),
        vector::ShuffleOp::create(b, loc, halves[0], halves[1], both));
    Value values = arith::ExtFOp::create(b, loc, byteFloats(), halvesF16);
    return vector::ShuffleOp::create(b, loc, values, values, inOrder);
  }

  /// The f32 values of plane j's integer fields (windowValues), from their
  /// windows: each pair of 16-bit windows is an i32 lane whose high word's
  /// field, top-aligned (topAlignedFields), a shift right by 32 - bits
  /// sign-extends (or zero-extends), and whose low word's a shift left by
  /// 16 first; then a conversion. No shuffle past the windows' vpshufb,
  /// where the bytes' pack and the sign extension of every 8 of them took
  /// six. The values come out as the windows hold them: even codes, then
  /// odd, of each half (getWindowOrder).
  Value fieldWindowValues(Value w, int64_t j) {
    int64_t bits = format.bits;
    auto lanes = VectorType::get({vectorBytes / 4}, b.getI32Type());
    // 3-bit codes: the windows of the even code and the odd one after it,
    // as a 6-bit field (the odd code on top), for both planes.
    bool pairs = format.planes == 2;
    std::array<Value, 2> halves =
        pairs ? topAlignedFields(w, 0, 2 * bits, 1)
              : topAlignedFields(w, j, bits, format.planes);
    // Plane 0 of pairs lies `bits` below the top of its window.
    int64_t below = pairs && j == 0 ? bits : 0;
    Value down = splat(lanes, 32 - bits);
    auto valuesAt = [&](Value x, int64_t up) -> Value {
      if (up)
        x = arith::ShLIOp::create(b, loc, x, splat(lanes, up));
      if (signedFields)
        return arith::ShRSIOp::create(b, loc, x, down);
      return arith::ShRUIOp::create(b, loc, x, down);
    };
    SmallVector<Value, 4> parts;
    for (Value half : halves) {
      Value words = vector::BitCastOp::create(b, loc, lanes, half);
      parts.push_back(valuesAt(words, 16 + below));
      parts.push_back(valuesAt(words, below));
    }
    auto concat = [&](Value x, Value y) -> Value {
      int64_t size = cast<VectorType>(x.getType()).getNumElements();
      return vector::ShuffleOp::create(
          b, loc, x, y, llvm::to_vector(llvm::seq<int64_t>(0, 2 * size)));
    };
    Value values = concat(concat(parts[0], parts[1]),
                          concat(parts[2], parts[3]));
    return arith::SIToFPOp::create(b, loc, byteFloats(), values);
  }

  /// Each byte's sign (bit floatSign of `field`) at bit 7, zeros elsewhere
  /// (the bits that cross into the next byte masked off).
  Value signAtBit7(Value field) {
    return bitwise(shiftedToBit7(field, floatSign), int8_t(0x80), true);
  }

  /// The bytes of `low` and `high` alternating: 16-bit lanes, low first.
  Value interleaved(Value low, Value high) {
    SmallVector<int64_t> order;
    for (int64_t i = 0; i < vectorBytes; ++i) {
      order.push_back(i);
      order.push_back(vectorBytes + i);
    }
    return vector::ShuffleOp::create(b, loc, low, high, order);
  }

  /// Block `kb` of row n0 of W against row m0 of A' (f32), added to
  /// `acc`: an FMA of each plane's values and its activations.
  Value floatBlock(Value kb, bool inBounds, Value n0, Value m0, Value acc) {
    Value blockStart = mul(kb, blockCodes());
    Value w = preparedBlock(n0, kb, inBounds);
    Value zero = arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                                APFloat(0.0f));
    for (int64_t j = 0; j < format.planes; ++j) {
      Value activations = vector::TransferReadOp::create(
          b, loc, byteFloats(), planar,
          ValueRange{m0, add(blockStart, j * vectorBytes)}, zero,
          ArrayRef<bool>{true});
      acc = vector::FMAOp::create(b, loc, planeValues(w, j), activations, acc);
    }
    return acc;
  }

  /// Output n0 for row m0 of A (f32), inserted into `tile`: unscaled, one
  /// sum over the row; scaled, each unit's sum times its lanes' scales
  /// (`rowScale`: rowScaleBuffer's, or null).
  Value rowBlockFloat(Value tile, Value m0, Value n0, Value rowScale) {
    auto [blocks, inRow] = blockCounts();
    Value zeros = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(byteFloats(), b.getF32FloatAttr(0)));
    auto over = [&](Value kb0, int64_t count, int64_t inRowBlocks,
                    Value acc) {
      return overBlocks(kb0, count, inRowBlocks, {acc},
                        [&](Value kb, bool inBounds, ValueRange args) {
                          return SmallVector<Value>{
                              floatBlock(kb, inBounds, n0, m0, args[0])};
                        })[0];
    };
    Value total;
    if (!format.group) {
      total = over(idx(0), blocks, inRow, zeros);
    } else {
      // With one scale a unit, its sum is folded to 8 lanes first, so that
      // the row's sum takes one register, not four (LLVM spilled them).
      int64_t perUnit = units().blocks;
      int64_t lanes = format.group >= blockCodes() ? kFloatLanes : vectorBytes;
      total = overUnits(
          {arith::ConstantOp::create(
              b, loc,
              DenseElementsAttr::get(VectorType::get({lanes}, b.getF32Type()),
                                     b.getF32FloatAttr(0)))},
          /*chains=*/1,
          [&](int64_t, Value u, int64_t inRowBlocks, int64_t first,
              SmallVector<Value> &into) {
            Value sum = over(mul(u, perUnit), perUnit, inRowBlocks, zeros);
            into[0] = vector::FMAOp::create(
                b, loc, lanes == vectorBytes ? sum : foldedToSlice(sum),
                valueScales(n0, u, first, rowScale, lanes), into[0]);
          })[0];
    }
    Value sum = vector::ReductionOp::create(
        b, loc, vector::CombiningKind::ADD, total,
        arith::FastMathFlags::reassoc);
    // The f32 halves are the values themselves, and so are sums scaled by
    // valueScales that took the exponent.
    if (floatHigh.empty() && !scalesTakeExponent())
      sum = tableSumAsValue(sum);
    return tensor::InsertOp::create(b, loc, sum, tile,
                                    ValueRange{m0, idx(0)});
  }

  /// The kFloatLanes-lane slices of `sum` added (as a tree).
  Value foldedToSlice(Value sum) {
    SmallVector<Value> slices;
    for (int64_t first = 0; first < vectorBytes; first += kFloatLanes)
      slices.push_back(vector::ExtractStridedSliceOp::create(
          b, loc, sum, first, kFloatLanes, 1));
    return buildTreeSum(b, loc, slices);
  }

  /// Whether the scales of table codes k = value * 2^exponent take the
  /// 2^-exponent (valueScales): exact for f16 scales (at least 2^-24, and
  /// so is 2^-exponent); an e8m0 or f32 scale times it may leave f32's
  /// range, so their sums are multiplied by it once instead.
  bool scalesTakeExponent() const {
    return format.exponent && floatHigh.empty() && format.scale &&
           format.scale.isF16();
  }

  /// The scale of each byte lane of unit `unit` of row n0 (scalesOfLanes),
  /// times 2^-exponent where scalesTakeExponent (`rowScale`, when set, took
  /// it once per row: rowScaleBuffer): values times them are the weights,
  /// and no sum is 2^exponent times its value, which overflowed that much
  /// sooner.
  Value valueScales(Value n0, Value unit, int64_t first, Value rowScale,
                    int64_t lanes = 0) {
    Value scales = scalesOfLanes(n0, unit, first, rowScale, 1,
                                 lanes ? lanes : vectorBytes);
    return scalesTakeExponent() && !rowScale ? timesExponent(scales)
                                             : scales;
  }

  /// f32 `scales` times 2^-exponent.
  Value timesExponent(Value scales) {
    Value factor = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            cast<VectorType>(scales.getType()),
            b.getF32FloatAttr(std::ldexp(1.0f, -format.exponent))));
    return arith::MulFOp::create(b, loc, scales, factor);
  }

  /// Block `kb` of row n0 of W against rows m0.. of A' (f32), for several
  /// rows of A: each plane's values, times `scales` where set, decoded once
  /// and FMA'd 8 lanes at a time into `accs`, two 8-lane sums per row of A
  /// (alternate slices, two chains each). 32-lane sums per row, as the GEMV
  /// keeps, would take 16 registers for 4 rows.
  SmallVector<Value> floatBlockRows(Value kb, bool inBounds, Value n0,
                                    Value m0, int64_t rowsA, Value scales,
                                    ValueRange accs) {
    SmallVector<Value> next(accs);
    Value blockStart = mul(kb, blockCodes());
    Value w = preparedBlock(n0, kb, inBounds);
    Value zero = arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                                APFloat(0.0f));
    auto slice = VectorType::get({kFloatLanes}, b.getF32Type());
    for (int64_t j = 0; j < format.planes; ++j) {
      Value values = planeValues(w, j);
      if (scales)
        values = arith::MulFOp::create(b, loc, values, scales);
      for (int64_t q = 0; q < vectorBytes / kFloatLanes; ++q) {
        Value part = vector::ExtractStridedSliceOp::create(
            b, loc, values, ArrayRef<int64_t>{q * kFloatLanes},
            ArrayRef<int64_t>{kFloatLanes}, ArrayRef<int64_t>{1});
        Value col = add(blockStart, j * vectorBytes + q * kFloatLanes);
        for (int64_t a = 0; a < rowsA; ++a) {
          Value activations = vector::TransferReadOp::create(
              b, loc, slice, planar, ValueRange{add(m0, a), col}, zero,
              ArrayRef<bool>{true});
          Value &acc = next[2 * a + q % 2];
          acc = vector::FMAOp::create(b, loc, part, activations, acc);
        }
      }
    }
    return next;
  }

  /// Outputs n0 of rows m0..m0+rowsA of A (f32), inserted into `tile`:
  /// each group's values times its scale (the VM's dequantized weights:
  /// exact for f16 scales, see canLowerCodeCvtMatmul), summed over the
  /// row. `rowScale`: rowScaleBuffer's, or null.
  Value rowsBlockFloat(Value tile, Value m0, int64_t rowsA, Value n0,
                       Value rowScale) {
    auto [blocks, inRow] = blockCounts();
    auto over = [&](Value kb0, int64_t count, int64_t inRowBlocks,
                    Value scales, SmallVector<Value> values) {
      return overBlocks(kb0, count, inRowBlocks, std::move(values),
                        [&](Value kb, bool inBounds, ValueRange args) {
                          return floatBlockRows(kb, inBounds, n0, m0, rowsA,
                                                scales, args);
                        });
    };
    auto slice = VectorType::get({kFloatLanes}, b.getF32Type());
    SmallVector<Value> accs(
        2 * rowsA, arith::ConstantOp::create(
                       b, loc, DenseElementsAttr::get(slice,
                                                      b.getF32FloatAttr(0))));
    if (!format.group) {
      accs = over(idx(0), blocks, inRow, Value(), accs);
    } else {
      int64_t perUnit = units().blocks;
      accs = overUnits(accs, /*chains=*/1,
                       [&](int64_t, Value u, int64_t inRowBlocks,
                           int64_t first, SmallVector<Value> &into) {
                         into = over(mul(u, perUnit), perUnit, inRowBlocks,
                                     valueScales(n0, u, first, rowScale),
                                     into);
                       });
    }
    for (int64_t a = 0; a < rowsA; ++a) {
      // The values times valueScales are the weights themselves (several
      // rows of A take f16 scales only); unscaled codes are integers.
      Value sum = vector::ReductionOp::create(
          b, loc, vector::CombiningKind::ADD,
          arith::AddFOp::create(b, loc, accs[2 * a], accs[2 * a + 1]),
          arith::FastMathFlags::reassoc);
      tile = tensor::InsertOp::create(b, loc, sum, tile,
                                      ValueRange{add(m0, a), idx(0)});
    }
    return tile;
  }

  /// Row n0's scales converted once into a buffer on the stack, at the top
  /// of its tile (rows of A share it), for tiles of one row of W with at
  /// most 64 groups of whole blocks; null otherwise. A unit's scale is then
  /// one broadcast load folded into the FMA, where a vector indexed by the
  /// loop's variable was stored to the stack by LLVM every unit. Tiles of
  /// several rows of W read theirs: four rows' scales would hold up to 16
  /// more registers among the tile's 32 sums.
  /// `withExponent`: the scales times 2^-exponent (valueScales), once here.
  Value rowScaleBuffer(Value n0, int64_t rowsW, bool withExponent = false) {
    if (!format.group || rowsW != 1 || format.group < blockCodes() ||
        k / format.group > kMaxRowScales)
      return Value();
    Value scales = readScales(n0, idx(0), k / format.group);
    if (withExponent)
      scales = timesExponent(scales);
    return storeOnStack(b, loc, scales);
  }

  /// rowBlock with [1, G] scales into f32: each group's (or, for groups
  /// smaller than a block, each block's) int32 lane sums are scaled once.
  /// `rowScale`: rowScaleBuffer's, or null.
  Value rowBlockScaled(Value tile, Value m0, int64_t rowsA, Value n0,
                       int64_t rowsW, Value rowScale) {
    SmallVector<Value> rowScales(rowsW);
    rowScales[0] = rowScale;
    Units units = this->units();
    int64_t perUnit = units.blocks;
    // A single output's units alternate between two FMA chains: one
    // chain waits on the FMA's latency every unit.
    int64_t outputs = rowsW * rowsA;
    int64_t chains = outputs == 1 && units.inRow >= 2 ? 2 : 1;
    SmallVector<Value> accs(chains * outputs, splat(floatLanes(), 0));
    auto unitInto = [&](int64_t chain, Value u, int64_t inRowBlocks,
                        int64_t first, SmallVector<Value> &into) {
      SmallVector<Value> next = scaledUnit(
          u, perUnit, inRowBlocks, first, n0, rowsW, m0, rowsA, rowScales,
          ArrayRef<Value>(into).slice(chain * outputs, outputs));
      llvm::copy(next, into.begin() + chain * outputs);
    };
    accs = overUnits(std::move(accs), chains, unitInto);
    for (int64_t c = 1; c < chains; ++c)
      for (int64_t i = 0; i < outputs; ++i)
        accs[i] = arith::AddFOp::create(b, loc, accs[i],
                                        accs[c * outputs + i]);
    for (int64_t r = 0; r < rowsW; ++r)
      for (int64_t a = 0; a < rowsA; ++a) {
        // The lanes hold partial sums in no order that matters: a tree.
        Value sum = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, accs[r * rowsA + a],
            arith::FastMathFlags::reassoc);
        sum = tableSumAsValue(sum);
        if (lhsBytes) { // times A's row scale, once
          int64_t bytesPer = lhsScale.getIntOrFloatBitWidth() / 8;
          Value at = add(mul(add(m0, a), bytesPer), lhsScaleBase);
          Value scale = vector::ExtractOp::create(
              b, loc, readFloats(lhsBytes, at, 1, lhsScale),
              ArrayRef<int64_t>{0});
          sum = arith::MulFOp::create(b, loc, sum, scale);
        }
        tile = tensor::InsertOp::create(b, loc, sum, tile,
                                        ValueRange{add(m0, a), idx(r)});
      }
    return tile;
  }

  /// Rows m0..m0+rowsA of the tile of outputs n0..n0+rowsW, inserted into
  /// `tile` (M x rowsW).
  Value rowBlock(Value tile, Value m0, int64_t rowsA, Value n0,
                 int64_t rowsW) {
    // Blocks whose read ends inside the row, then the rest.
    auto [blocks, inRow] = blockCounts();
    SmallVector<Value> accs = overBlockRuns(
        idx(0), blocks, inRow, blocksPerRun(rowsW),
        SmallVector<Value>(rowsW * rowsA, splat(laneVector(), 0)),
        [&](Value kb, int64_t count, bool inBounds, ValueRange args) {
          return blockRun(kb, count, inBounds, n0, rowsW, m0, rowsA, args);
        });
    for (int64_t r = 0; r < rowsW; ++r)
      for (int64_t a = 0; a < rowsA; ++a) {
        Value row = add(m0, a);
        Value codeSum = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, accs[r * rowsA + a]);
        if (format.offset) {
          Value offsetSum = arith::MulIOp::create(
              b, loc, tensor::ExtractOp::create(b, loc, rowSums, row),
              arith::ConstantIntOp::create(b, loc, format.offset, 32));
          codeSum = arith::SubIOp::create(b, loc, codeSum, offsetSum);
        }
        tile = tensor::InsertOp::create(b, loc, codeSum, tile,
                                        ValueRange{row, idx(r)});
      }
    return tile;
  }
};

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

/// Whether any element of the i8 tensor `lhs` is -128.
Value buildHasMinimum(OpBuilder &b, Location loc, Value lhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  Type i1 = b.getI1Type();
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, i1);
  Value no = arith::ConstantIntOp::create(b, loc, 0, 1);
  init = linalg::FillOp::create(b, loc, no, init).getResult(0);
  MLIRContext *ctx = b.getContext();
  int64_t rank = lhsType.getRank();
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, {}, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  auto body = [&](OpBuilder &nb, Location l, ValueRange args) {
    Value minimum = arith::ConstantIntOp::create(nb, l, -128, 8);
    Value is = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, args[0],
                                     minimum);
    linalg::YieldOp::create(
        nb, l, arith::OrIOp::create(nb, l, args[1], is).getResult());
  };
  Value any = linalg::GenericOp::create(b, loc, TypeRange{init.getType()},
                                        ValueRange{lhs}, ValueRange{init},
                                        maps, iterators, body)
                  .getResult(0);
  return tensor::ExtractOp::create(b, loc, any, ValueRange{});
}

} // namespace

/// Rows of W a tile of outputs accumulates together. A GEMV (one row of A)
/// streams W one row at a time: a single sequential read, which DRAM
/// serves at the full read bandwidth where the interleaved reads of 4 or 8
/// rows got 55-85% of it (Zen 5, weights flushed from the cache: 8-bit
/// weights 38 GB/s against 32, 3-bit 35 against 21). The exception is
/// an unscaled product of codes of 2 bits or less (trits): P >= 4 planes
/// make P loads of A' per load of W, which 4 rows of W share, and with
/// vpdpbusd that kernel is compute-bound one row at a time (127 G
/// weights/s against 152). With vpmaddubsw (`dotProducts` false) the four
/// streams are what bounds it: on Zen 3 one row a tile ran trits 3.1x
/// faster (28 -> 84% of the bandwidth). Scaled products of up to kRowsOfA
/// rows of A (small batches) take one row of W too: 4 x 4 tiles, with
/// their 16 f32 and 16 int32 sums,
/// spilled registers every block, and read 4 streams (batch 4 from DRAM:
/// 4-bit weights 33 -> 45 G weights/s, 3-bit 28 -> 43). Wider products
/// (more rows of A, or unscaled) are compute-bound and keep 4 x 4 tiles.
static int64_t rowsOfWPerTile(const CodeFormat &format, int64_t m,
                              bool dotProducts) {
  if (format.group && m <= kRowsOfA)
    return 1;
  if (m > 1 || (!format.group && format.planes >= 4 && dotProducts))
    return kRowsOfW;
  return 1;
}

/// Whether `type` (M x K) is packed with one symmetric f16, bf16 or f32
/// scale per row: [1, K] blocks, as anybit.quantize makes per token.
static bool isRowScaled(RankedTensorType type) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  if (!enc || !enc.hasBlocks() || enc.getZeroPoint() || enc.isTiled() ||
      enc.getBlock()[0] != 1 || enc.getBlock()[1] != type.getDimSize(1))
    return false;
  // Bytes fill every word size: the codes are M K bytes in order.
  Type scale = enc.getScale();
  return getElementBitWidth(type.getElementType()) == 8 &&
         (scale.isF16() || scale.isBF16() || scale.isF32());
}

/// The kernel's f32 halves of `f`'s patterns (CodeDotKernel::floatHigh),
/// by magnitude, for sign-magnitude formats of more than 16 patterns whose
/// every value is an f32 with its low 16 bits zero (e3m2: 1.3-1.6x faster
/// than its values as integers of two bytes each).
static void setFloatHalves(CodeDotKernel &kernel, const FloatFormat &f) {
  const std::vector<double> &values = f.decodeTable();
  SmallVector<uint32_t, 64> patterns;
  for (double v : values) {
    float single = float(v);
    uint32_t word = llvm::bit_cast<uint32_t>(single);
    if ((!std::isnan(v) && double(single) != v) || (word & 0xffff))
      return;
    patterns.push_back(word);
  }
  int64_t count = int64_t(patterns.size()), sign = count / 2;
  bool signMagnitude = f.isSigned && count > 16;
  for (int64_t p = sign; signMagnitude && p < count; ++p)
    signMagnitude = patterns[p] == (patterns[p - sign] | 0x80000000u);
  // Sixteen patterns are one vpshufb and a sign extension as integers;
  // the halves' interleave and widening measured slower (e2m1 on Zen 3:
  // 1.9 against 1.5 ms at 4096 x 4096).
  if (!signMagnitude)
    return;
  for (int64_t p = 0; p < sign; ++p) {
    kernel.floatHigh.push_back(int8_t(patterns[p] >> 24));
    kernel.floatLow.push_back(int8_t(patterns[p] >> 16));
  }
  kernel.floatSign = sign;
}

/// Sets the kernel's halfValues for `f` where each magnitude's f16 bits
/// m << (10 - mantissa bits) are its value times one power of two, the
/// same for all (e3m2, e2m2, e2m3, e3m1: f16's exponent field holds
/// theirs, and their mantissa bits end where f16's begin), the format is
/// sign-magnitude with 32 or 64 patterns, and the scales are f16 (which
/// take that power exactly). Whether it did.
static bool setHalfValues(CodeDotKernel &kernel, const FloatFormat &f) {
  const std::vector<double> &values = f.decodeTable();
  int64_t count = int64_t(values.size()), sign = count / 2;
  if (!f.isSigned || count < 32 || !kernel.format.scale ||
      !kernel.format.scale.isF16() || f.manBits > 10)
    return false;
  // The mantissa bits end where f16's begin.
  int64_t shift = 10 - f.manBits;
  if (shift + llvm::Log2_64(sign) > 15)
    return false;
  std::optional<int> exponent;
  for (int64_t m = 0; m < sign; ++m) {
    if (!std::isfinite(values[m]) || values[m + sign] != -values[m])
      return false;
    APFloat half(APFloat::IEEEhalf(), APInt(16, uint64_t(m) << shift));
    bool lost = false;
    half.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
    double h = half.convertToDouble();
    if (!exponent && values[m] != 0) {
      int e = 0;
      double ratio = std::frexp(h / values[m], &e);
      if (ratio != 0.5)
        return false;
      exponent = e - 1;
    }
    if (h != std::ldexp(values[m], exponent.value_or(0)))
      return false;
  }
  if (!exponent)
    return false;
  kernel.halfValues = true;
  kernel.halfShift = shift;
  kernel.floatSign = sign;
  kernel.format.exponent = *exponent;
  return true;
}

/// Whether the code-cvt kernel takes `format`'s values from their windows
/// (CodeDotKernel::windowValues): integers of straddling fields (3, 5, 6
/// or 7 bits; 3-bit ones in pairs), unscaled or in groups of whole blocks,
/// whose values share a scale whatever their order.
static bool takesWindowValues(const CodeFormat &format, int64_t vectorBytes) {
  return format.decoding == Decoding::Fields && format.table.empty() &&
         (!format.group || format.group % (format.planes * vectorBytes) == 0);
}

/// The code each position of fieldWindowValues' vector of `vectorBytes`
/// values holds: position r of part g (even codes of half 0, odd ones, even
/// of half 1, odd) is word 2 (r mod 4) (+ 1 for odd) of 128-bit lane r / 4
/// of half g / 2.
static SmallVector<int64_t> getWindowOrder(int64_t vectorBytes) {
  int64_t perPart = vectorBytes / 4;
  SmallVector<int64_t> order;
  for (int64_t p = 0; p < vectorBytes; ++p) {
    int64_t part = p / perPart, r = p % perPart;
    order.push_back(16 * (r / 4) + 8 * (part / 2) + 2 * (r % 4) + part % 2);
  }
  return order;
}

/// W's storage as 1-D bytes (logical int8 weights as their row-major
/// bytes) and the bytes of each of its rows of K codes.
static std::pair<Value, int64_t> weightBytes(OpBuilder &b, Location loc,
                                             Value rhs,
                                             const CodeFormat &format,
                                             int64_t k) {
  Value bytes = rhs;
  if (cast<RankedTensorType>(rhs.getType()).getRank() == 2)
    bytes = tensor::CollapseShapeOp::create(
        b, loc, rhs, SmallVector<ReassociationIndices>{{0, 1}});
  int64_t rowBytes = format.decoding == Decoding::Base3
                         ? k / kBase3Digits
                         : k * format.bits / 8;
  return {bytes, rowBytes};
}

/// A' (planes' order, zero-padded to whole blocks of `vectorBytes` bytes of
/// each plane) of the activations `lhs`.
static Value planeOrdered(OpBuilder &b, Location loc, Value lhs,
                          const CodeFormat &format, int64_t vectorBytes,
                          ArrayRef<int64_t> laneOrder = {}) {
  int64_t k = cast<RankedTensorType>(lhs.getType()).getDimSize(1);
  int64_t blockCodes = format.planes * vectorBytes;
  int64_t paddedK = (k + blockCodes - 1) / blockCodes * blockCodes;
  return buildPlanarActivations(b, loc, lhs, paddedK, vectorBytes,
                                format.planes, /*factor=*/1.0, laneOrder);
}

/// The bytes of W's codes (its scales follow them), 0 for logical int8.
static int64_t dataBytes(RankedTensorType rhsType) {
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  return enc ? int64_t(enc.getDataBytes(rhsType.getShape(),
                                        rhsType.getElementType()))
             : 0;
}

/// Whether K codes of `format` make rows of whole bytes (K > 0).
static bool rowsStartOnBytes(const CodeFormat &format, int64_t k) {
  return k > 0 && (format.decoding == Decoding::Base3
                       ? k % kBase3Digits == 0
                       : k * format.bits % 8 == 0);
}

/// The bytes of the 1-D storage `bytes` of W.
static int64_t storageBytes(Value bytes) {
  return cast<RankedTensorType>(bytes.getType()).getDimSize(0);
}

bool canLowerCodeDotMatmul(RankedTensorType lhsType, RankedTensorType rhsType,
                           bool transposed, Type accumulator,
                           unsigned tableEntries) {
  std::optional<CodeFormat> format = getCodeFormat(rhsType);
  if (!transposed || !format || !lhsType.hasStaticShape() ||
      !rhsType.hasStaticShape())
    return false;
  // Tables of more than 16 entries need byte shuffles.
  if (format->table.size() > tableEntries)
    return false;
  // Rows of W start on a byte.
  int64_t k = rhsType.getDimSize(1);
  if (!lhsType.getElementType().isSignlessInteger(8) ||
      !rowsStartOnBytes(*format, k))
    return false;
  if (lhsType.getEncoding() && !isRowScaled(lhsType))
    return false;
  if (!format->group)
    return !lhsType.getEncoding() && accumulator.isSignlessInteger(32);
  return accumulator.isF32() && k % format->group == 0 &&
         groupsFit(format->group, format->planes);
}

Value buildCodeDotMatmul(OpBuilder &b, Location loc, Value lhs,
                         RankedTensorType lhsType, Value rhs,
                         RankedTensorType rhsType, unsigned dotBits,
                         bool multishift, unsigned byteBits) {
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1),
          n = rhsType.getDimSize(0);
  // Row-scaled A: its codes are the first M K bytes of its storage.
  Value lhsBytes;
  PackedEncodingAttr lhsEnc = getPackedEncoding(lhsType);
  if (lhsEnc) {
    lhsBytes = lhs;
    Value codes = tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({m * k}, b.getI8Type()), lhs,
        ValueRange{}, ValueRange{}, ValueRange{}, ArrayRef<int64_t>{0},
        ArrayRef<int64_t>{m * k}, ArrayRef<int64_t>{1});
    lhs = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({m, k}, b.getI8Type()), codes,
        SmallVector<ReassociationIndices>{{0, 1}});
  }
  int64_t vectorBytes = dotBits ? dotBits / 8 : 32;
  bool byteMadd = !dotBits && byteBits >= 8 * vectorBytes;
  multishift = multishift && dotBits != 0;
  CodeFormat general = *getCodeFormat(rhsType);
  Type resultElement =
      general.group ? Type(b.getF32Type()) : Type(b.getI32Type());
  // The kernel with `format`'s codes, from the builder's insertion point.
  auto kernelWith = [&](const CodeFormat &format) -> Value {
    auto [rhsBytes, rowBytes] = weightBytes(b, loc, rhs, format, k);
    CodeDotKernel kernel{
        {b, loc},
        planeOrdered(b, loc, lhs, format, vectorBytes),
        rhsBytes,
        format.offset && !format.group ? buildRowSums(b, loc, lhs) : Value(),
        rowBytes,
        vectorBytes,
        format,
        dotBits,
        multishift,
        byteMadd,
        k,
        dataBytes(rhsType),
        lhsBytes,
        int64_t(lhsEnc ? lhsEnc.getDataBytes(lhsType.getShape(),
                                             lhsType.getElementType())
                       : 0),
        lhsEnc ? lhsEnc.getScale() : Type(),
        /*offsetSums=*/Value(),
        /*bytesAfterRows=*/0,
        /*floatHigh=*/{},
        /*floatLow=*/{},
        /*floatSign=*/0};
    kernel.bytesAfterRows = storageBytes(rhsBytes) - n * rowBytes;
    bool offsets = format.offset || format.highOffset;
    if (format.group && rowsOfWPerTile(format, m, dotBits) == 1 && offsets)
      kernel.offsetSums = kernel.buildOffsetSums(m);
    // Outputs [first, first + count) in tiles of `rowsW` rows of W.
    auto columns = [&](int64_t first, int64_t count, int64_t rowsW) {
      return buildColumnTiles(
          b, loc, m, count, rowsW, resultElement, [&](Value tile, Value col0) {
            Value n0 = kernel.add(col0, first);
            Value rowScale = kernel.rowScaleBuffer(n0, rowsW);
            return buildRowChunks(
                b, loc, m, kRowsOfA, tile,
                [&](Value t, Value m0, int64_t rowsA) {
                  return format.group
                             ? kernel.rowBlockScaled(t, m0, rowsA, n0, rowsW,
                                                     rowScale)
                             : kernel.rowBlock(t, m0, rowsA, n0, rowsW);
                });
          });
    };
    // Whole tiles of rowsOfW rows, then the last N mod rowsOfW in one.
    int64_t rowsOfW = rowsOfWPerTile(format, m, dotBits);
    int64_t whole = n / rowsOfW * rowsOfW;
    if (whole == n || whole == 0)
      return columns(0, n, whole ? rowsOfW : n);
    Value result =
        tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m, n}, resultElement);
    auto insert = [&](Value part, int64_t first, int64_t count) {
      return tensor::InsertSliceOp::create(
                 b, loc, part, result,
                 ArrayRef<OpFoldResult>{b.getIndexAttr(0),
                                        b.getIndexAttr(first)},
                 ArrayRef<OpFoldResult>{b.getIndexAttr(m),
                                        b.getIndexAttr(count)},
                 ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)})
          .getResult();
    };
    result = insert(columns(0, whole, rowsOfW), 0, whole);
    return insert(columns(whole, n - whole, n - whole), whole, n - whole);
  };
  std::optional<FloatFormat> small = getFloatFormat(rhsType.getElementType());
  std::optional<CodeFormat> signMagnitude;
  // vpsignb is AVX2's (32 bytes); VBMI looks up 64 codes in one vpermb.
  if (small && vectorBytes == 32 && (byteMadd || dotBits) && !multishift)
    signMagnitude = getSignMagnitudeFormat(*small, general);
  if (!signMagnitude)
    return kernelWith(general);
  // Activations negated by the weights' signs are exact but for -128,
  // whose negation wraps: A holding one takes the offset codes (anybit's
  // symmetric int8 quantization makes none).
  auto resultType = RankedTensorType::get({m, n}, resultElement);
  auto choice = scf::IfOp::create(b, loc, TypeRange{resultType},
                                  buildHasMinimum(b, loc, lhs),
                                  /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(choice.thenBlock());
  scf::YieldOp::create(b, loc, kernelWith(general));
  b.setInsertionPointToStart(choice.elseBlock());
  scf::YieldOp::create(b, loc, kernelWith(*signMagnitude));
  return choice.getResult(0);
}

bool codeCvtTakesWindowValues(RankedTensorType rhsType) {
  std::optional<CodeFormat> format = getCodeFormat(rhsType);
  return format && takesWindowValues(*format, /*vectorBytes=*/32);
}

bool canLowerCodeCvtMatmul(RankedTensorType lhsType, RankedTensorType rhsType,
                           bool transposed, Type accumulator,
                           unsigned tableEntries) {
  std::optional<CodeFormat> format = getCodeFormat(rhsType);
  if (!transposed || !format || !lhsType.hasStaticShape() ||
      !rhsType.hasStaticShape() || lhsType.getRank() != 2 ||
      lhsType.getDimSize(0) < 1 || !lhsType.getElementType().isF32() ||
      lhsType.getEncoding() || !accumulator.isF32() ||
      format->table.size() > tableEntries)
    return false;
  // Several rows of A multiply the values by their scale first, a table's
  // k = value * 2^exponent by the scale times 2^-exponent: exact for f16
  // scales (at least 2^-24, times at least 2^-24), so that each product
  // is the VM's rounded value * scale; a wider scale times 2^-exponent
  // could leave f32's normals.
  if (lhsType.getDimSize(0) > 1 && format->group && !format->scale.isF16())
    return false;
  int64_t k = rhsType.getDimSize(1);
  if (!rowsStartOnBytes(*format, k))
    return false;
  return !format->group ||
         (k % format->group == 0 && groupsFit(format->group, format->planes));
}

Value buildCodeCvtMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         RankedTensorType rhsType) {
  int64_t k = cast<RankedTensorType>(lhs.getType()).getDimSize(1),
          n = rhsType.getDimSize(0);
  // 32 bytes of codes a read, as AVX2's vpshufb takes them (four ymm of
  // f32 per plane).
  int64_t vectorBytes = 32;
  CodeFormat format = *getCodeFormat(rhsType);
  auto [rhsBytes, rowBytes] = weightBytes(b, loc, rhs, format, k);
  bool windows = takesWindowValues(format, vectorBytes);
  CodeDotKernel kernel{{b, loc},
                       planeOrdered(b, loc, lhs, format, vectorBytes,
                                    windows ? getWindowOrder(vectorBytes)
                                            : SmallVector<int64_t>()),
                       rhsBytes,
                       /*rowSums=*/Value(),
                       rowBytes,
                       vectorBytes,
                       format,
                       /*dotBits=*/0,
                       /*multishift=*/false,
                       /*byteMadd=*/true,
                       k,
                       dataBytes(rhsType),
                       /*lhsBytes=*/Value(),
                       /*lhsScaleBase=*/0,
                       /*lhsScale=*/Type(),
                       /*offsetSums=*/Value(),
                       /*bytesAfterRows=*/0,
                       /*floatHigh=*/{},
                       /*floatLow=*/{},
                       /*floatSign=*/0};
  kernel.bytesAfterRows = storageBytes(rhsBytes) - n * rowBytes;
  if (std::optional<FloatFormat> f = getFloatFormat(rhsType.getElementType()))
    if (!setHalfValues(kernel, *f))
      setFloatHalves(kernel, *f);
  if (windows) {
    kernel.windowValues = true;
    kernel.signedFields = format.flip != 0;
    kernel.format.flip = 0;
    kernel.format.offset = 0;
  }
  // One row of W a tile: a GEMV reads W as one sequential stream, and a
  // small batch's rows of A share each block's values.
  int64_t m = cast<RankedTensorType>(lhs.getType()).getDimSize(0);
  return buildColumnTiles(
      b, loc, m, n, /*tileCols=*/1, b.getF32Type(),
      [&](Value tile, Value n0) {
        Value rowScale =
            kernel.rowScaleBuffer(n0, 1, kernel.scalesTakeExponent());
        if (m == 1)
          return kernel.rowBlockFloat(tile, kernel.idx(0), n0, rowScale);
        return buildRowChunks(b, loc, m, kRowsOfA, tile,
                              [&](Value t, Value m0, int64_t rowsA) {
                                return kernel.rowsBlockFloat(t, m0, rowsA, n0,
                                                             rowScale);
                              });
      });
}

} // namespace anybit::codegen
