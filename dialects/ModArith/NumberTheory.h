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

/// a^-1 mod q, if a is invertible.
std::optional<uint64_t> inverseMod(uint64_t a, uint64_t q);

} // namespace anybit::modarith

#endif // ANYBIT_DIALECT_MODARITH_NUMBERTHEORY_H
