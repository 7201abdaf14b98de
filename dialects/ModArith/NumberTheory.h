//===- NumberTheory.h - Arithmetic modulo a 64-bit Q ------------*- C++ -*-===//
//
// Exact modular arithmetic on uint64_t residues (128-bit products), shared
// by the verifiers, the reference VM and the lowerings.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_DIALECT_MODARITH_NUMBERTHEORY_H
#define ANYBIT_DIALECT_MODARITH_NUMBERTHEORY_H

#include <cstdint>
#include <optional>

namespace anybit::modarith {

inline uint64_t mulMod(uint64_t a, uint64_t b, uint64_t q) {
  return static_cast<uint64_t>((unsigned __int128)a * b % q);
}

inline uint64_t powMod(uint64_t a, uint64_t e, uint64_t q) {
  uint64_t r = 1 % q;
  for (a %= q; e; e >>= 1, a = mulMod(a, a, q))
    if (e & 1)
      r = mulMod(r, a, q);
  return r;
}

/// Shoup's companion of a residue w < q in W-bit words: floor(w * 2^W / q).
inline uint64_t shoupCompanion(uint64_t w, uint64_t q, unsigned width) {
  return static_cast<uint64_t>(((unsigned __int128)w << width) / q);
}

/// Whether Shoup's product needs only one correction: 2Q <= 2^W.
inline bool shoupFits(uint64_t q, unsigned width) {
  return width == 64 ? q <= (uint64_t(1) << 63) : 2 * q <= (uint64_t(1) << width);
}

/// a^-1 mod q, if a is invertible.
std::optional<uint64_t> inverseMod(uint64_t a, uint64_t q);

/// Whether r has order exactly `order` (a power of two) modulo q:
/// r^(order/2) = -1.
inline bool hasPowerOfTwoOrder(uint64_t r, uint64_t order, uint64_t q) {
  return powMod(r, order / 2, q) == q - 1;
}

/// x^((q - 1) / order) for the smallest x in [2, min(q - 1, 2^16)] that
/// has order exactly `order` (a power of two dividing q - 1): the root
/// modarith.ntt uses when none is given.
std::optional<uint64_t> findRootOfOrder(uint64_t order, uint64_t q);

} // namespace anybit::modarith

#endif // ANYBIT_DIALECT_MODARITH_NUMBERTHEORY_H
