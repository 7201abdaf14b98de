//===- CodeKernel.cpp - Codes of packed weights for byte-code kernels -----===//

#include "CodeKernel.h"

#include "CodeTables.h"

#include "Anybit/ElementTypes.h"
#include "anybit/Support/BitPacking.h"
#include "anybit/Support/FloatFormat.h"

using namespace mlir;

namespace anybit::codegen {

/// Whether [1, G] groups suit P planes: each i32 lane (4 codes of each
/// plane) inside one group, and groups that tile the blocks of either
/// vector width (or are whole blocks).
bool groupsFit(int64_t group, int64_t planes) {
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
    if (!enc || enc.hasBlocks() || enc.hasBitPlanes())
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

/// W's storage as 1-D bytes (logical int8 weights as their row-major
/// bytes) and the bytes of each of its rows of K codes.
std::pair<Value, int64_t> weightBytes(OpBuilder &b, Location loc, Value rhs,
                                      const CodeFormat &format, int64_t k) {
  Value bytes = rhs;
  if (cast<RankedTensorType>(rhs.getType()).getRank() == 2)
    bytes = tensor::CollapseShapeOp::create(
        b, loc, rhs, SmallVector<ReassociationIndices>{{0, 1}});
  int64_t rowBytes = format.decoding == Decoding::Base3 ? k / kBase3Digits
                                                        : k * format.bits / 8;
  return {bytes, rowBytes};
}

/// A' (planes' order, zero-padded to whole blocks of `vectorBytes` bytes of
/// each plane) of the activations `lhs`.
Value planeOrdered(OpBuilder &b, Location loc, Value lhs,
                   const CodeFormat &format, int64_t vectorBytes,
                   ArrayRef<int64_t> laneOrder) {
  int64_t k = cast<RankedTensorType>(lhs.getType()).getDimSize(1);
  int64_t blockCodes = format.planes * vectorBytes;
  int64_t paddedK = (k + blockCodes - 1) / blockCodes * blockCodes;
  return buildPlanarActivations(b, loc, lhs, paddedK, vectorBytes,
                                format.planes, /*factor=*/1.0, laneOrder);
}

/// The bytes of W's codes (its scales follow them), 0 for logical int8.
int64_t dataBytes(RankedTensorType rhsType) {
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  return enc ? int64_t(enc.getDataBytes(rhsType.getShape(),
                                        rhsType.getElementType()))
             : 0;
}

/// Whether K codes of `format` make rows of whole bytes (K > 0).
bool rowsStartOnBytes(const CodeFormat &format, int64_t k) {
  return k > 0 &&
         (format.decoding == Decoding::Base3 ? k % kBase3Digits == 0
                                             : k * format.bits % 8 == 0);
}

/// The bytes of the 1-D storage `bytes` of W.
int64_t storageBytes(Value bytes) {
  return cast<RankedTensorType>(bytes.getType()).getDimSize(0);
}

} // namespace anybit::codegen
