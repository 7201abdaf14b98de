//===- Sweep.h - Size and seed of the random differential tests -*- C++ -*-===//
//
// The test suite runs each random test at its default size and seed.
// scripts/differential-sweep.sh runs larger sweeps: ANYBIT_SWEEP_SCALE
// multiplies the number of random kernels, ANYBIT_SWEEP_SEED picks another
// random stream, ANYBIT_SWEEP_DUMP names a file that holds the last kernel
// compiled.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_TEST_UNIT_SWEEP_H
#define ANYBIT_TEST_UNIT_SWEEP_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

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

/// Writes the kernel about to be compiled to $ANYBIT_SWEEP_DUMP, when set,
/// so that a sweep that crashes leaves the kernel that crashed it.
inline void dumpSweepSource(const std::string &source) {
  const char *path = std::getenv("ANYBIT_SWEEP_DUMP");
  if (!path)
    return;
  if (std::FILE *f = std::fopen(path, "w")) {
    std::fwrite(source.data(), 1, source.size(), f);
    std::fclose(f);
  }
}

} // namespace anybit::test

#endif // ANYBIT_TEST_UNIT_SWEEP_H
