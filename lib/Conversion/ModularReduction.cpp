//===- ModularReduction.cpp - Barrett, Montgomery and Shoup ---------------===//

#include "ModularReduction.h"

#include "ModArith/NumberTheory.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using llvm::APInt;

namespace anybit::codegen {

namespace {

unsigned bitsOf(uint64_t v) { return 64 - llvm::countl_zero(v); }

unsigned widthOf(Value v) {
  return getElementTypeOrSelf(v.getType()).getIntOrFloatBitWidth();
}

/// The Barrett plan with q1 = x >> inputShift and k = inputShift +
/// quotientShift, if q1 and mu fit in `maxMulWidth` bits and the quotient
/// falls short by less than `subtractions`.
std::optional<BarrettPlan> tryBarrett(uint64_t q, const APInt &xMax,
                                      unsigned maxMulWidth, unsigned inputShift,
                                      unsigned k, unsigned subtractions) {
  unsigned wide = xMax.getBitWidth() + 2 * 64 + 8;
  APInt x = xMax.zext(wide), modulus(wide, q);
  APInt mu = APInt::getOneBitSet(wide, k).udiv(modulus);
  if (x.lshr(inputShift).getActiveBits() > maxMulWidth ||
      mu.getActiveBits() > maxMulWidth)
    return std::nullopt;
  // Shortfall < xMax / 2^k + 2^inputShift / Q, scaled by 2^k * Q.
  APInt bound = x * modulus + APInt::getOneBitSet(wide, inputShift + k);
  if (bound.uge(APInt::getOneBitSet(wide, k) * modulus * subtractions))
    return std::nullopt;
  BarrettPlan plan;
  plan.modulus = q;
  plan.inputShift = inputShift;
  plan.quotientShift = k - inputShift;
  plan.mu = mu.trunc(maxMulWidth);
  plan.mulWidth = maxMulWidth;
  plan.subtractions = subtractions;
  // r < (subtractions + 1) * Q must fit, and r - Q must wrap above r.
  APInt rMax = modulus * (subtractions + 1);
  plan.remainderWidth =
      rMax.getActiveBits() <= maxMulWidth ? maxMulWidth : 2 * maxMulWidth;
  return plan;
}

} // namespace

llvm::Expected<BarrettPlan> planBarrett(uint64_t q, const APInt &xMax,
                                        unsigned maxMulWidth) {
  unsigned n = bitsOf(q), m = std::max(1u, xMax.getActiveBits());
  if (auto plan = tryBarrett(q, xMax, maxMulWidth, n - 2,
                             std::max(m + 1, n), 1))
    return *plan;
  if (auto plan = tryBarrett(q, xMax, maxMulWidth, n - 1, std::max(m, n), 2))
    return *plan;
  return llvm::createStringError(llvm::formatv(
      "Barrett reduction of values below 2^{0} modulo a {1}-bit modulus "
      "needs multiplies of {2} bits, more than the {3}-bit words at hand",
      m, n, m - n + 2, maxMulWidth));
}

BarrettValues materializeBarrett(Emitter &e, const BarrettPlan &plan,
                                 unsigned xWidth) {
  BarrettValues v;
  v.modulus = e.word(plan.remainderWidth, APInt(64, plan.modulus));
  v.mu = e.word(plan.mulWidth, plan.mu);
  v.inputShift = e.word(xWidth, APInt(64, plan.inputShift));
  v.quotientShift =
      e.word(2 * plan.mulWidth, APInt(64, plan.quotientShift));
  return v;
}

Value emitBarrett(Emitter &e, Value x, const BarrettPlan &plan,
                  const BarrettValues &values, unsigned resultWidth) {
  unsigned mul = plan.mulWidth;
  Value q1 = e.resize(e.shr(x, values.inputShift), mul);
  Value product =
      e.mul(e.resize(q1, 2 * mul), e.resize(values.mu, 2 * mul));
  Value quotient = e.shr(product, values.quotientShift);
  unsigned rw = plan.remainderWidth;
  Value r = e.sub(e.resize(x, rw),
                  e.mul(e.resize(quotient, rw), values.modulus));
  for (unsigned i = 0; i < plan.subtractions; ++i)
    r = emitSubtractIfAtLeast(e, r, values.modulus);
  return e.resize(r, resultWidth);
}

llvm::Expected<MontgomeryPlan> planMontgomery(uint64_t q, unsigned width) {
  if (q % 2 == 0)
    return llvm::createStringError(llvm::formatv(
        "Montgomery reduction needs an odd modulus, got {0}", q));
  MontgomeryPlan plan;
  plan.modulus = q;
  plan.width = width;
  // Newton's iteration doubles the correct low bits: Q * Q = 1 mod 8.
  uint64_t inverse = q;
  for (int i = 0; i < 5; ++i)
    inverse *= 2 - q * inverse;
  plan.inverse = APInt(64, inverse).trunc(width);
  plan.rSquared = APInt::getOneBitSet(2 * width + 1, 2 * width)
                      .urem(APInt(2 * width + 1, q))
                      .trunc(width);
  return plan;
}

Value emitRedc(Emitter &e, Value t, Value modulus, Value inverse,
               unsigned width) {
  Value shift = e.word(2 * width, APInt(64, width));
  Value low = e.resize(t, width);
  Value high = e.resize(e.shr(t, shift), width);
  Value m = e.mul(low, inverse);
  Value mq = e.mul(e.resize(m, 2 * width), e.resize(modulus, 2 * width));
  Value mqHigh = e.resize(e.shr(mq, shift), width);
  Value u = e.sub(high, mqHigh);
  return e.sel(e.cmpi(arith::CmpIPredicate::ult, high, mqHigh),
               e.add(u, modulus), u);
}

llvm::Error checkShoup(uint64_t q, unsigned width) {
  if (modarith::shoupFits(q, width))
    return llvm::Error::success();
  return llvm::createStringError(llvm::formatv(
      "Shoup multiplication needs 2Q <= 2^{0}, got Q = {1}", width, q));
}

APInt shoupCompanion(const APInt &c, uint64_t q, unsigned width) {
  return APInt(width, modarith::shoupCompanion(c.getZExtValue(), q, width));
}

Value emitShoupMul(Emitter &e, Value a, Value c, Value companion,
                   Value modulus, unsigned width) {
  Value shift = e.word(2 * width, APInt(64, width));
  Value product =
      e.mul(e.resize(a, 2 * width), e.resize(companion, 2 * width));
  Value quotient = e.resize(e.shr(product, shift), width);
  Value r = e.sub(e.mul(a, c), e.mul(quotient, modulus));
  return emitSubtractIfAtLeast(e, r, modulus);
}

Value emitSubtractIfAtLeast(Emitter &e, Value r, Value q) {
  return e.minu(r, e.sub(r, q));
}

Value emitModAdd(Emitter &e, Value a, Value b, uint64_t q) {
  unsigned w = widthOf(a);
  Value modulus = e.word(w, APInt(64, q));
  if (bitsOf(q - 1) < w) // a + b <= 2Q - 2 fits
    return emitSubtractIfAtLeast(e, e.add(a, b), modulus);
  Value complement = e.sub(modulus, b); // a + b >= Q iff a >= Q - b
  return e.sel(e.cmpi(arith::CmpIPredicate::uge, a, complement),
               e.sub(a, complement), e.add(a, b));
}

Value emitModSub(Emitter &e, Value a, Value b, uint64_t q) {
  unsigned w = widthOf(a);
  Value modulus = e.word(w, APInt(64, q));
  Value d = e.sub(a, b);
  if (bitsOf(q) < w) // d + Q < 2Q does not wrap when a >= b
    return e.minu(d, e.add(d, modulus));
  return e.sel(e.cmpi(arith::CmpIPredicate::ult, a, b), e.add(d, modulus), d);
}

Value emitModNeg(Emitter &e, Value a, uint64_t q) {
  Value modulus = e.word(widthOf(a), APInt(64, q));
  return emitSubtractIfAtLeast(e, e.sub(modulus, a), modulus);
}

} // namespace anybit::codegen
