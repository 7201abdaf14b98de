// Calls kernels compiled by anybitc through their plain C interface: packs
// int4 weights with pack_i4, runs gemv_i4, and checks y against a
// straightforward C++ computation of the same formula.
//
//   anybitc gemv.mlir --emit=so -o libgemv.so
//   anybitc gemv.mlir --emit=header -o gemv.h
//   clang++ main.cpp -I. -L. -lgemv -Wl,-rpath,. -o gemv && ./gemv

#include "gemv.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

// f16 bits of small integers and powers of two (exact).
static uint16_t halfOf(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  uint32_t sign = bits >> 31, exp = (bits >> 23) & 0xff, man = bits & 0x7fffff;
  if (exp == 0)
    return uint16_t(sign << 15);
  return uint16_t(sign << 15 | (exp - 127 + 15) << 10 | man >> 13);
}

int main() {
  const int K = 8, N = 32;
  int8_t codes[K * N];
  float x[K], scale[N];
  uint16_t scaleBits[N];
  for (int k = 0; k < K; ++k) {
    x[k] = 0.5f * float(k) - 1.0f;
    for (int n = 0; n < N; ++n)
      codes[k * N + n] = int8_t((k * 7 + n * 3) % 16 - 8); // int4 range
  }
  for (int n = 0; n < N; ++n) {
    scale[n] = std::ldexp(1.0f, n % 4 - 2); // 0.25 .. 2
    scaleBits[n] = halfOf(scale[n]);
  }

  // 8*32 int4 codes = 128 bytes, then 32 f16 scales = 64 bytes.
  uint8_t packed[128 + 64];
  pack_i4(codes, scaleBits, packed);
  float y[N];
  gemv_i4(x, packed, y);

  int failures = 0;
  for (int n = 0; n < N; ++n) {
    float want = 0;
    for (int k = 0; k < K; ++k)
      want = std::fma(x[k], float(codes[k * N + n]) * scale[n], want);
    if (y[n] != want) {
      std::printf("y[%d] = %g, expected %g\n", n, y[n], want);
      ++failures;
    }
  }
  std::printf("y[0..3] = %g %g %g %g\n", y[0], y[1], y[2], y[3]);
  std::printf("%d passed, %d failed\n", N - failures, failures);
  return failures ? 1 : 0;
}
