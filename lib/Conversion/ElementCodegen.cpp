//===- ElementCodegen.cpp - Scalar code for any-width elements ------------===//
//
// Every float conversion goes through f64, which holds every value of every
// format Anybit models exactly, so each conversion rounds exactly once, as
// the reference VM does.
//
//===----------------------------------------------------------------------===//

#include "ElementCodegen.h"

#include "Emitter.h"

#include "Anybit/AnybitDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace anybit::codegen {
namespace {

bool isUnsignedElement(Type t) {
  return anybit::isUnsignedInteger(t) || t.isSignlessInteger(1);
}

bool isNativeFloat(Type t) {
  return t.isF16() || t.isBF16() || t.isF32() || t.isF64();
}

/// Converts an index to i64 so integer code sees one kind of value.
Value indexToI64(OpBuilder &b, Location loc, Value v) {
  if (!v.getType().isIndex())
    return v;
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
}

Value i64ToStorage(OpBuilder &b, Location loc, Value v, Type to) {
  if (to.isIndex())
    return arith::IndexCastOp::create(b, loc, to, v);
  return Emitter{b, loc}.trunc(getStorageType(to), v);
}

unsigned intWidth(Type t) { return t.isIndex() ? 64 : t.getIntOrFloatBitWidth(); }

} // namespace

bool isEmulatedFloat(Type t) {
  return isa<FloatFormatType>(t) ||
         (!isNativeFloat(t) && anybit::getFloatFormat(t).has_value());
}

Type getStorageType(Type t) {
  // Signedness lives in the ops' semantics; lowered code (arith) only knows
  // signless integers.
  if (isEmulatedFloat(t) || isa<TritType>(t) ||
      (t.isInteger() && !t.isSignlessInteger()))
    return IntegerType::get(t.getContext(), getElementBitWidth(t));
  return t;
}

bool isCastSupported(Type from, Type to, std::string &why) {
  if (!isNumericElementType(from) || !isNumericElementType(to)) {
    why = "only numeric element types are supported";
    return false;
  }
  return true;
}

Value buildFormatToF64(OpBuilder &b, Location loc, Value bits,
                       const FloatFormat &f) {
  Emitter e{b, loc, Emitter::shapeOf(bits)};
  unsigned m = f.manBits, ex = f.expBits;
  bits = e.zext(e.i64(), bits);
  Value man = e.and_(bits, e.i64c((int64_t(1) << m) - 1));
  Value exp = e.and_(e.shr(bits, e.i64c(m)), e.i64c((int64_t(1) << ex) - 1));
  Value zeroExp = e.cmpi(arith::CmpIPredicate::eq, exp, e.i64c(0));
  Value isSub = f.hasZero ? zeroExp : e.boolc(false);
  // Normal: (2^m + M) * 2^(E - bias - m); subnormal: M * 2^(1 - bias - m).
  Value mant = e.sel(isSub, man, e.or_(man, e.i64c(int64_t(1) << m)));
  Value exp2 = e.sel(isSub, e.i64c(1 - f.bias - int(m)),
                     e.sub(exp, e.i64c(f.bias + int(m))));
  Value mag = arith::MulFOp::create(
      b, loc, arith::UIToFPOp::create(b, loc, e.f64(), mant), e.pow2(exp2));
  Value magBits = e.and_(bits, e.i64c(int64_t(f.magMask())));
  if (f.nonFinite == NonFinite::NanOnly) {
    Value isNan = e.cmpi(arith::CmpIPredicate::eq, magBits,
                         e.i64c(int64_t(f.magMask())));
    mag = e.sel(isNan, e.f64c(std::nan("")), mag);
  } else if (f.nonFinite == NonFinite::IEEE) {
    Value top = e.cmpi(arith::CmpIPredicate::eq, exp,
                       e.i64c((int64_t(1) << ex) - 1));
    Value zeroMan = e.cmpi(arith::CmpIPredicate::eq, man, e.i64c(0));
    Value special = e.sel(zeroMan, e.f64c(INFINITY), e.f64c(std::nan("")));
    mag = e.sel(top, special, mag);
  }
  if (!f.isSigned)
    return mag;
  Value neg = e.cmpi(arith::CmpIPredicate::ne,
                     e.shr(bits, e.i64c(ex + m)), e.i64c(0));
  return e.sel(neg, arith::NegFOp::create(b, loc, mag), mag);
}

Value buildFloatToF64(OpBuilder &b, Location loc, Value value, Type type) {
  if (type.isF64())
    return value;
  if (type.isF32())
    return arith::ExtFOp::create(b, loc, b.getF64Type(), value);
  // f16 and bf16 are decoded from their bits like every small float: no
  // dependence on conversion routines the JIT may not find.
  if (type.isF16() || type.isBF16())
    value = arith::BitcastOp::create(b, loc, b.getI16Type(), value);
  return buildFormatToF64(b, loc, value, *anybit::getFloatFormat(type));
}

Value buildEncodeF64(OpBuilder &b, Location loc, Value x,
                     const FloatFormat &f, bool saturate) {
  Emitter e{b, loc};
  unsigned m = f.manBits;
  Type storage = b.getIntegerType(f.width());
  int emin = f.hasZero ? 1 - f.bias : -f.bias; // lowest binade's exponent
  uint64_t maxMag = f.maxFiniteBits(false) & f.magMask();

  Value xbits = arith::BitcastOp::create(b, loc, e.i64(), x);
  Value neg = e.cmpi(arith::CmpIPredicate::slt, xbits, e.i64c(0));
  // Clamp the magnitude far above the format's range (infinities included)
  // so every power of two below stays a normal double; it still overflows.
  double huge = std::ldexp(1.0, (1 << f.expBits) - f.bias + 2);
  Value a = math::AbsFOp::create(b, loc, x);
  a = arith::MinimumFOp::create(b, loc, a, e.f64c(huge));
  Value abits = arith::BitcastOp::create(b, loc, e.i64(), a);
  Value eraw = e.sub(e.shr(abits, e.i64c(52)), e.i64c(1023));
  Value eq = arith::MaxSIOp::create(b, loc, eraw, e.i64c(emin));
  // q = a * 2^(m - eq) is the significand in units of the format's ulp.
  Value q = arith::MulFOp::create(b, loc, a, e.pow2(e.sub(e.i64c(m), eq)));
  Value qr = math::RoundEvenOp::create(b, loc, q);
  if (m == 0) {
    // Without mantissa bits "even" is the even exponent field: a tie at
    // 1.5 goes down when the lower candidate's field is even.
    Value tie = e.cmpf(arith::CmpFPredicate::OEQ, q, e.f64c(1.5));
    Value fieldEven = e.cmpi(arith::CmpIPredicate::eq,
                             e.and_(e.add(eq, e.i64c(f.bias)), e.i64c(1)),
                             e.i64c(0));
    qr = e.sel(arith::AndIOp::create(b, loc, tie, fieldEven), e.f64c(1.0), qr);
  }
  Value qi = arith::FPToUIOp::create(b, loc, e.i64(), qr);
  // Rounding up to 2^(m+1) carries into the next binade.
  Value carry = e.shr(qi, e.i64c(m + 1));
  qi = e.shr(qi, carry);
  eq = e.add(eq, carry);
  Value normal = e.cmpi(arith::CmpIPredicate::uge, qi, e.i64c(int64_t(1) << m));
  Value field = e.sel(normal, e.add(eq, e.i64c(f.bias)), e.i64c(0));
  Value mag = e.or_(e.shl(field, e.i64c(m)),
                    e.and_(qi, e.i64c((int64_t(1) << m) - 1)));
  if (!f.hasZero) // below the smallest value: the smallest value
    mag = e.sel(normal, mag, e.i64c(0));
  Value over = e.cmpi(arith::CmpIPredicate::ugt, mag, e.i64c(int64_t(maxMag)));
  uint64_t overMag = f.hasInf() && !saturate ? f.infBits(false) : maxMag;
  mag = e.sel(over, e.i64c(int64_t(overMag)), mag);

  Value result;
  if (f.isSigned) {
    Value sign = e.shl(e.zext(e.i64(), neg), e.i64c(f.expBits + m));
    result = e.or_(mag, sign);
  } else {
    result = e.sel(neg, e.i64c(0), mag);
  }
  Value isNan = e.cmpf(arith::CmpFPredicate::UNO, x, x);
  result = e.sel(isNan, e.i64c(f.hasNaN() ? int64_t(f.nanBits()) : 0), result);
  return e.trunc(storage, result);
}

/// f64 (exact) to an integer type with anybit.cast rules: round to nearest
/// even, NaN to 0, then wrap modulo 2^N or clamp.
static Value buildF64ToInt(OpBuilder &b, Location loc, Value v, Type to,
                           bool saturate) {
  Emitter e{b, loc};
  unsigned w = intWidth(to);
  bool isUnsigned = isUnsignedElement(to);
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, w - 1);
  double hi = isUnsigned ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
  int64_t loBits = isUnsigned ? 0 : int64_t(uint64_t(-1) << (w - 1));
  int64_t hiBits = isUnsigned ? int64_t(w == 64 ? ~0ull : (1ull << w) - 1)
                              : int64_t((1ull << (w - 1)) - 1);
  Value r = math::RoundEvenOp::create(b, loc, v);
  // A clamped result of at most 32 bits converts in 32 (cvttpd2dq, which
  // vectorizes; a 64-bit conversion takes AVX-512DQ to).
  bool in32 = saturate && !to.isIndex() && (isUnsigned ? w < 32 : w <= 32);
  Type intType = in32 ? b.getI32Type() : b.getI64Type();
  // In range, the conversion is exact (fptoui for ui64's top half).
  auto toInt = [&](Value x) -> Value {
    if (isUnsigned && w == 64)
      return arith::FPToUIOp::create(b, loc, e.i64(), x);
    return arith::FPToSIOp::create(b, loc, e.shaped(intType), x);
  };
  Value sat = e.sel(e.cmpf(arith::CmpFPredicate::OLE, r, e.f64c(lo)),
                    e.intc(intType, loBits),
                    e.sel(e.cmpf(arith::CmpFPredicate::OGE, r, e.f64c(hi)),
                          e.intc(intType, hiBits), toInt(r)));
  Value result = sat;
  if (!saturate) {
    // |r| >= 2^63 is a multiple of 2^11: reducing it modulo 2^64 is exact.
    Value two64 = e.f64c(0x1p64);
    Value small = e.cmpf(arith::CmpFPredicate::OLT,
                         math::AbsFOp::create(b, loc, r), e.f64c(0x1p63));
    Value mod = arith::RemFOp::create(b, loc, r, two64);
    mod = e.sel(e.cmpf(arith::CmpFPredicate::OLT, mod, e.f64c(0)),
                arith::AddFOp::create(b, loc, mod, two64), mod);
    Value wrapped =
        e.sel(small, arith::FPToSIOp::create(b, loc, e.i64(), r),
              arith::FPToUIOp::create(b, loc, e.i64(), mod));
    result = e.sel(e.isInf(r), sat, wrapped);
  }
  Value isNan = e.cmpf(arith::CmpFPredicate::UNO, v, v);
  result = e.sel(isNan, e.intc(intType, 0), result);
  if (in32)
    return e.trunc(e.shaped(getStorageType(to)), result);
  return i64ToStorage(b, loc, result, to);
}

/// f64 (exact) rounded once into a float type.
static Value buildF64ToFloat(OpBuilder &b, Location loc, Value v, Type to,
                             bool saturate) {
  if (!to.isF32() && !to.isF64()) {
    Value bits = buildEncodeF64(b, loc, v, *anybit::getFloatFormat(to), saturate);
    if (isEmulatedFloat(to))
      return bits;
    return arith::BitcastOp::create(b, loc, to, bits); // f16, bf16
  }
  Value r = to.isF64() ? v : Value(arith::TruncFOp::create(b, loc, to, v));
  if (!saturate)
    return r;
  // Saturation clamps into the finite range, infinities included.
  const llvm::fltSemantics &sem = cast<mlir::FloatType>(to).getFloatSemantics();
  Value max = arith::ConstantFloatOp::create(
      b, loc, cast<mlir::FloatType>(to), APFloat::getLargest(sem));
  Value negMax = arith::NegFOp::create(b, loc, max);
  Value clamped = arith::MaximumFOp::create(
      b, loc, arith::MinimumFOp::create(b, loc, r, max), negMax);
  // maximumf/minimumf propagate NaN, which stays NaN.
  return clamped;
}

/// An integer as f64, rounded to odd when it has more than 53 significant
/// bits: the later rounding into any format of at most 51 significand bits
/// is then exactly the single rounding of the integer itself.
static Value buildIntToF64RoundToOdd(OpBuilder &b, Location loc, Value v,
                                     unsigned width, bool isUnsigned) {
  Emitter e{b, loc};
  if (width <= 53)
    return isUnsigned ? Value(arith::UIToFPOp::create(b, loc, e.f64(), v))
                      : Value(arith::SIToFPOp::create(b, loc, e.f64(), v));
  Type i65 = b.getIntegerType(65);
  Value wide = isUnsigned ? e.zext(i65, v) : e.sext(i65, v);
  Value zero65 = arith::ConstantOp::create(b, loc, b.getIntegerAttr(i65, 0));
  Value neg = e.cmpi(arith::CmpIPredicate::slt, wide, zero65);
  Value mag = e.trunc(e.i64(), e.sel(neg, e.sub(zero65, wide), wide));
  Value lz = math::CountLeadingZerosOp::create(b, loc, mag);
  Value shift = arith::MaxSIOp::create(b, loc, e.sub(e.i64c(11), lz), e.i64c(0));
  Value kept = e.shr(mag, shift);
  Value dropped = e.and_(mag, e.sub(e.shl(e.i64c(1), shift), e.i64c(1)));
  Value sticky = e.zext(e.i64(), e.cmpi(arith::CmpIPredicate::ne, dropped,
                                        e.i64c(0)));
  Value f = arith::MulFOp::create(
      b, loc, arith::UIToFPOp::create(b, loc, e.f64(), e.or_(kept, sticky)),
      e.pow2(shift));
  return e.sel(neg, arith::NegFOp::create(b, loc, f), f);
}

Value buildCast(OpBuilder &b, Location loc, Value value, Type from, Type to,
                bool saturate) {
  Emitter e{b, loc};
  // A trit is the i8 its code denotes (code - 1), and every conversion into
  // one clamps to [-1, 1].
  Type i8 = b.getI8Type();
  if (isa<TritType>(from)) {
    Value v = e.sub(e.zext(i8, value), e.intc(i8, 1));
    return buildCast(b, loc, v, i8, to, saturate);
  }
  if (isa<TritType>(to)) {
    Value v = buildCast(b, loc, value, from, i8, /*saturate=*/true);
    v = arith::MaxSIOp::create(b, loc, v, e.intc(i8, -1));
    v = arith::MinSIOp::create(b, loc, v, e.intc(i8, 1));
    return e.trunc(getStorageType(to), e.add(v, e.intc(i8, 1)));
  }
  if (from.isIntOrIndex()) {
    Value v = indexToI64(b, loc, value);
    unsigned w = intWidth(from);
    bool srcUnsigned = isUnsignedElement(from) && !from.isIndex();
    if (to.isIntOrIndex()) {
      // Exact in 65 bits, then wrap (truncate) or clamp.
      Type i65 = b.getIntegerType(65);
      Value wide = srcUnsigned ? e.zext(i65, v) : e.sext(i65, v);
      if (saturate) {
        unsigned tw = intWidth(to);
        bool dstUnsigned = isUnsignedElement(to) && !to.isIndex();
        APInt lo = dstUnsigned ? APInt::getZero(65)
                               : APInt::getSignedMinValue(tw).sext(65);
        APInt hi = dstUnsigned ? APInt::getMaxValue(tw).zext(65)
                               : APInt::getSignedMaxValue(tw).sext(65);
        wide = arith::MaxSIOp::create(
            b, loc, wide,
            arith::ConstantOp::create(b, loc, b.getIntegerAttr(i65, lo)));
        wide = arith::MinSIOp::create(
            b, loc, wide,
            arith::ConstantOp::create(b, loc, b.getIntegerAttr(i65, hi)));
      }
      return i64ToStorage(b, loc, e.trunc(e.i64(), wide), to);
    }
    if (to.isF32() || to.isF64()) // one correctly rounded instruction
      return srcUnsigned ? Value(arith::UIToFPOp::create(b, loc, to, v))
                         : Value(arith::SIToFPOp::create(b, loc, to, v));
    return buildF64ToFloat(b, loc, buildIntToF64RoundToOdd(b, loc, v, w,
                                                           srcUnsigned),
                           to, saturate);
  }
  Value f = buildFloatToF64(b, loc, value, from);
  if (to.isIntOrIndex())
    return buildF64ToInt(b, loc, f, to, saturate);
  return buildF64ToFloat(b, loc, f, to, saturate);
}

} // namespace anybit::codegen
