//===- Sweep.h - Size and seed of the random differential tests -*- C++ -*-===//
//
// The test suite runs each random test at its default size and seed.
// scripts/differential-sweep.sh runs larger sweeps: ANYBIT_SWEEP_SCALE
// multiplies the number of random kernels, ANYBIT_SWEEP_SEED picks another
// random stream.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_TEST_UNIT_SWEEP_H
#define ANYBIT_TEST_UNIT_SWEEP_H

#include <cstdint>
#include <cstdlib>

namespace anybit::test {

/// Rounds of each random test's default case count (at least 1).
inline int sweepScale() {
  const char *value = std::getenv("ANYBIT_SWEEP_SCALE");
  int scale = value ? std::atoi(value) : 1;
  return scale > 0 ? scale : 1;
}

/// The seed of a test whose default seed is `base`.
inline uint64_t sweepSeed(uint64_t base) {
  const char *value = std::getenv("ANYBIT_SWEEP_SEED");
  uint64_t seed = value ? std::strtoull(value, nullptr, 10) : 0;
  return base ^ (seed * 0x9e3779b97f4a7c15ull);
}

} // namespace anybit::test

#endif // ANYBIT_TEST_UNIT_SWEEP_H
