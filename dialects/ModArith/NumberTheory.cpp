//===- NumberTheory.cpp - Arithmetic modulo a 64-bit Q --------------------===//

#include "ModArith/NumberTheory.h"

namespace anybit::modarith {

std::optional<uint64_t> inverseMod(uint64_t a, uint64_t q) {
  // Extended Euclid on signed 128-bit values (the coefficients stay below
  // q in magnitude).
  __int128 r0 = q, r1 = a % q, s0 = 0, s1 = 1;
  while (r1 != 0) {
    __int128 quotient = r0 / r1;
    __int128 r = r0 - quotient * r1, s = s0 - quotient * s1;
    r0 = r1, r1 = r, s0 = s1, s1 = s;
  }
  if (r0 != 1)
    return std::nullopt;
  return static_cast<uint64_t>(s0 < 0 ? s0 + q : s0);
}

std::optional<uint64_t> findRootOfOrder(uint64_t order, uint64_t q) {
  uint64_t limit = q - 1 < (1u << 16) ? q - 1 : (1u << 16);
  for (uint64_t x = 2; x <= limit; ++x) {
    uint64_t r = powMod(x, (q - 1) / order, q);
    if (hasPowerOfTwoOrder(r, order, q))
      return r;
  }
  return std::nullopt;
}

} // namespace anybit::modarith
