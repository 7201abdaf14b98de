//===- CodeCvtMatmulCodegen.cpp - f32 products of decoded codes -----------===//

#include "CodeCvtMatmulCodegen.h"

#include "CodeDotMatmulCodegen.h"
#include "CodeKernel.h"
#include "CodeTables.h"

#include "Anybit/ElementTypes.h"
#include "anybit/Support/FloatFormat.h"

using namespace mlir;

namespace anybit::codegen {
namespace {

/// f32 lanes of an AVX2 register: the code-cvt kernel's sums for several
/// rows of A.
constexpr int64_t kFloatLanes = 8;

/// The code-cvt kernel: W's codes decoded to f32 values (bytes widened and
/// converted, or f16s and i32s straight from the fields' windows) times
/// f32 A', by FMAs.
struct CodeCvtKernel : CodeKernel {
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
};

} // namespace

/// The kernel's f32 halves of `f`'s patterns (CodeCvtKernel::floatHigh),
/// by magnitude, for sign-magnitude formats of more than 16 patterns whose
/// every value is an f32 with its low 16 bits zero (e3m2: 1.3-1.6x faster
/// than its values as integers of two bytes each).
static void setFloatHalves(CodeCvtKernel &kernel, const FloatFormat &f) {
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
static bool setHalfValues(CodeCvtKernel &kernel, const FloatFormat &f) {
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
/// (CodeCvtKernel::windowValues): integers of straddling fields (3, 5, 6
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
  CodeCvtKernel kernel{{{b, loc},
                        planeOrdered(b, loc, lhs, format, vectorBytes,
                                     windows ? getWindowOrder(vectorBytes)
                                             : SmallVector<int64_t>()),
                        rhsBytes,
                        rowBytes,
                        vectorBytes,
                        format,
                        /*dotBits=*/0,
                        /*multishift=*/false,
                        /*byteMadd=*/true,
                        k,
                        dataBytes(rhsType),
                        storageBytes(rhsBytes) - n * rowBytes},
                       /*floatHigh=*/{},
                       /*floatLow=*/{},
                       /*floatSign=*/0};
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
