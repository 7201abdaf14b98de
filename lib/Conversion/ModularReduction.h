//===- ModularReduction.h - Barrett, Montgomery and Shoup -------*- C++ -*-===//
//
// The constants of each modular reduction method (plans, computed from the
// modulus, the storage width and a bound on the input) and the arith code
// that applies them. The code takes its constants as Values: the lowering
// passes arith.constants, and the exhaustive tests pass function arguments,
// so one compiled sweep checks the very code the lowering emits for every
// small modulus.
//
// Notation: Q the modulus, n = bits(Q) (2^(n-1) <= Q < 2^n), W the storage
// width of the residues, R = 2^W.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_MODULARREDUCTION_H
#define ANYBIT_LIB_CONVERSION_MODULARREDUCTION_H

#include "Emitter.h"
#include "llvm/ADT/APInt.h"
#include "llvm/Support/Error.h"

namespace anybit::codegen {

/// Barrett reduction of an unsigned x in [0, xMax] modulo Q:
///   q1 = x >> inputShift                 (fits in mulWidth bits)
///   q  = (q1 * mu) >> quotientShift      (one mulWidth^2 -> 2 mulWidth product)
///   r  = x - q * Q                       (computed modulo 2^remainderWidth)
/// then `subtractions` conditional subtractions of Q; mu = floor(2^k / Q)
/// with k = inputShift + quotientShift. q never exceeds floor(x / Q), and
/// it falls short by at most `subtractions`: with
/// e = xMax / 2^k + 2^inputShift / Q the shortfall is below e, so the plan
/// takes inputShift = n - 2 and k = bits(xMax) + 1 (e < 1, one subtraction)
/// where q1 and mu fit the multiply, else n - 1 and bits(xMax) (e < 2, two).
struct BarrettPlan {
  uint64_t modulus = 0;
  unsigned inputShift = 0, quotientShift = 0;
  llvm::APInt mu;
  unsigned mulWidth = 0, remainderWidth = 0, subtractions = 0;
};

/// Plans x mod Q for x <= xMax with q1 and mu of at most `maxMulWidth`
/// bits, or says why it cannot.
llvm::Expected<BarrettPlan> planBarrett(uint64_t modulus,
                                        const llvm::APInt &xMax,
                                        unsigned maxMulWidth);

/// The plan's constants as values of the widths emitBarrett expects:
/// modulus (remainderWidth bits), mu (mulWidth), the shifts (x's width and
/// 2 mulWidth).
struct BarrettValues {
  mlir::Value modulus, mu, inputShift, quotientShift;
};
BarrettValues materializeBarrett(Emitter &e, const BarrettPlan &plan,
                                 unsigned xWidth);

/// x mod Q as a `resultWidth`-bit integer (resultWidth > n).
mlir::Value emitBarrett(Emitter &e, mlir::Value x, const BarrettPlan &plan,
                        const BarrettValues &values, unsigned resultWidth);

/// Montgomery multiplication in R = 2^W: REDC(t) = t * R^-1 mod Q for any
/// t < Q * R, as m = lo(t) * Q^-1 mod R, u = hi(t) - hi(m * Q) (exact,
/// since lo(m * Q) = lo(t)), plus Q when negative. It needs Q odd and no
/// other bound, since u never leaves (-Q, Q).
struct MontgomeryPlan {
  uint64_t modulus = 0;
  unsigned width = 0;
  llvm::APInt inverse;  // Q^-1 mod R
  llvm::APInt rSquared; // R^2 mod Q, to enter Montgomery form
};
llvm::Expected<MontgomeryPlan> planMontgomery(uint64_t modulus,
                                              unsigned width);

/// REDC of a 2W-bit `t` < Q * R to a W-bit residue; `modulus` and
/// `inverse` are W-bit values.
mlir::Value emitRedc(Emitter &e, mlir::Value t, mlir::Value modulus,
                     mlir::Value inverse, unsigned width);

/// Shoup multiplication by a constant c < Q: with c' = floor(c * R / Q),
/// q = hi(a * c') and r = a * c - q * Q (mod R) lies in [0, 2Q), so one
/// subtraction finishes. It needs 2Q <= R.
llvm::Error checkShoup(uint64_t modulus, unsigned width);
llvm::APInt shoupCompanion(const llvm::APInt &c, uint64_t modulus,
                           unsigned width);
mlir::Value emitShoupMul(Emitter &e, mlir::Value a, mlir::Value c,
                         mlir::Value companion, mlir::Value modulus,
                         unsigned width);

/// min(r, r - Q): r - Q when r >= Q, else r (r - Q wraps above r). Needs
/// r < 2^width of r's type.
mlir::Value emitSubtractIfAtLeast(Emitter &e, mlir::Value r, mlir::Value q);

/// (a + b), (a - b) and -a mod Q for W-bit residues a, b < Q, without
/// overflow for any Q < 2^W.
mlir::Value emitModAdd(Emitter &e, mlir::Value a, mlir::Value b, uint64_t q);
mlir::Value emitModSub(Emitter &e, mlir::Value a, mlir::Value b, uint64_t q);
mlir::Value emitModNeg(Emitter &e, mlir::Value a, uint64_t q);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_MODULARREDUCTION_H
