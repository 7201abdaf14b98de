//===- ArithmeticPeak.h - The cores' peak multiply-add rates ---------------===//
//
// The arithmetic half of a roofline: how many f32 multiply-adds (FMA lanes)
// and int8 byte products (vpdpbusd or vpmaddubsw lanes) the host's cores
// retire per second at best. A GEMV with f32 activations spends at least
// one FMA lane per weight and batch row, one with int8 activations one byte
// product, so N K B over the peak is the least time its arithmetic takes,
// whatever the weights' width. Measured, not taken from a data sheet: independent
// chains of the widest instruction the host has, best of a few passes.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_BENCH_ARITHMETICPEAK_H
#define ANYBIT_BENCH_ARITHMETICPEAK_H

#include "BenchSupport.h"

/// Independent accumulator chains: more than latency x pipes (4 x 2 for
/// FMAs on Zen 5), so that throughput, not
/// latency, bounds the loop.
constexpr int kPeakChains = 12;

/// The operands come from memory the compiler cannot see through, and an
/// empty asm takes every chain as input and output each iteration, so
/// that no multiply-add is folded, hoisted or sunk out of the loop.
#define ANYBIT_PIN(x) __asm__ volatile("" : "+v"(x))

/// The sum of the 32-bit words of the kPeakChains accumulators `acc` (what
/// the byte kernels return through, so that no chain is dead code).
template <typename Vector> inline int64_t wordSum(const Vector *acc) {
  int64_t sink = 0;
  for (size_t at = 0; at < sizeof(Vector) * kPeakChains; at += 4) {
    int32_t word;
    std::memcpy(&word, reinterpret_cast<const char *>(acc) + at, 4);
    sink += word;
  }
  return sink;
}

#if defined(__x86_64__) || defined(__i386__)
/// kPeakChains x `iterations` 512-bit FMAs; returns lane-FMAs done.
__attribute__((noinline, target("avx512f"))) inline double
fmaLanesAVX512(int64_t iterations, const float *operands) {
  __m512 acc[kPeakChains];
  for (int c = 0; c < kPeakChains; ++c)
    acc[c] = _mm512_set1_ps(operands[0] + c);
  __m512 m = _mm512_set1_ps(operands[1]), a = _mm512_set1_ps(operands[2]);
  for (int64_t i = 0; i < iterations; ++i)
    for (int c = 0; c < kPeakChains; ++c) {
      acc[c] = _mm512_fmadd_ps(acc[c], m, a);
      ANYBIT_PIN(acc[c]);
    }
  float sink = 0;
  for (__m512 &v : acc)
    sink += _mm512_reduce_add_ps(v);
  return sink == 0.5f ? 0 : double(iterations) * kPeakChains * 16;
}

/// The same with 256-bit FMAs (AVX2 hosts).
__attribute__((noinline, target("avx2,fma"))) inline double
fmaLanesAVX2(int64_t iterations, const float *operands) {
  __m256 acc[kPeakChains];
  for (int c = 0; c < kPeakChains; ++c)
    acc[c] = _mm256_set1_ps(operands[0] + c);
  __m256 m = _mm256_set1_ps(operands[1]), a = _mm256_set1_ps(operands[2]);
  for (int64_t i = 0; i < iterations; ++i)
    for (int c = 0; c < kPeakChains; ++c) {
      acc[c] = _mm256_fmadd_ps(acc[c], m, a);
      ANYBIT_PIN(acc[c]);
    }
  alignas(32) float lanes[8];
  float sink = 0;
  for (__m256 &v : acc) {
    _mm256_store_ps(lanes, v);
    for (float l : lanes)
      sink += l;
  }
  return sink == 0.5f ? 0 : double(iterations) * kPeakChains * 8;
}

/// kPeakChains x `iterations` 512-bit vpdpbusds; returns byte products.
__attribute__((noinline, target("avx512f,avx512bw,avx512vnni"))) inline double
dotLanesVNNI(int64_t iterations, const float *operands) {
  __m512i acc[kPeakChains];
  for (int c = 0; c < kPeakChains; ++c)
    acc[c] = _mm512_set1_epi32(int(operands[0]) + c);
  // Unsigned 1s and signed 2s (the products' values do not change the
  // instruction's speed; the sums wrap harmlessly).
  __m512i u = _mm512_set1_epi8(char(1 + operands[1])),
          s = _mm512_set1_epi8(char(2 + operands[2]));
  for (int64_t i = 0; i < iterations; ++i)
    for (int c = 0; c < kPeakChains; ++c) {
      acc[c] = _mm512_dpbusd_epi32(acc[c], u, s);
      ANYBIT_PIN(acc[c]);
    }
  return wordSum(acc) == 1 ? 0 : double(iterations) * kPeakChains * 64;
}

/// AVX-VNNI (no AVX-512): kPeakChains x `iterations` 256-bit vpdpbusds;
/// returns byte products.
__attribute__((noinline, target("avxvnni"))) inline double
dotLanesAVXVNNI(int64_t iterations, const float *operands) {
  __m256i acc[kPeakChains];
  for (int c = 0; c < kPeakChains; ++c)
    acc[c] = _mm256_set1_epi32(int(operands[0]) + c);
  __m256i u = _mm256_set1_epi8(char(1 + operands[1])),
          s = _mm256_set1_epi8(char(2 + operands[2]));
  for (int64_t i = 0; i < iterations; ++i)
    for (int c = 0; c < kPeakChains; ++c) {
      acc[c] = _mm256_dpbusd_avx_epi32(acc[c], u, s);
      ANYBIT_PIN(acc[c]);
    }
  return wordSum(acc) == 1 ? 0 : double(iterations) * kPeakChains * 32;
}

/// Without VNNI: kPeakChains x `iterations` 256-bit vpmaddubsws, each
/// product chained into the next (the instruction's speed does not depend
/// on the values; saturation is harmless); returns byte products. The
/// kernels' widening of the 16-bit pair sums (one vpmaddwd a run of
/// blocks) is not counted: this is the products' own bound.
__attribute__((noinline, target("avx2"))) inline double
dotLanesAVX2(int64_t iterations, const float *operands) {
  __m256i acc[kPeakChains];
  for (int c = 0; c < kPeakChains; ++c)
    acc[c] = _mm256_set1_epi8(char(int(operands[0]) + c));
  __m256i s = _mm256_set1_epi8(char(2 + operands[2]));
  for (int64_t i = 0; i < iterations; ++i)
    for (int c = 0; c < kPeakChains; ++c) {
      acc[c] = _mm256_maddubs_epi16(acc[c], s);
      ANYBIT_PIN(acc[c]);
    }
  return wordSum(acc) == 1 ? 0 : double(iterations) * kPeakChains * 32;
}

/// The same with 512-bit vpmaddubsws (AVX-512 without VNNI).
__attribute__((noinline, target("avx512f,avx512bw"))) inline double
dotLanesAVX512BW(int64_t iterations, const float *operands) {
  __m512i acc[kPeakChains];
  for (int c = 0; c < kPeakChains; ++c)
    acc[c] = _mm512_set1_epi8(char(int(operands[0]) + c));
  __m512i s = _mm512_set1_epi8(char(2 + operands[2]));
  for (int64_t i = 0; i < iterations; ++i)
    for (int c = 0; c < kPeakChains; ++c) {
      acc[c] = _mm512_maddubs_epi16(acc[c], s);
      ANYBIT_PIN(acc[c]);
    }
  return wordSum(acc) == 1 ? 0 : double(iterations) * kPeakChains * 64;
}
#endif

using PeakKernel = double (*)(int64_t, const float *);

/// The widest FMA kernel the host runs; null (no figure) on hosts without
/// AVX2, whose peak a portable loop would understate.
inline PeakKernel fmaPeakKernel() {
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx512f"))
    return fmaLanesAVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return fmaLanesAVX2;
#endif
  return nullptr;
}

/// The instruction the int8 kernels multiply bytes with on this host, and
/// its peak kernel: vpdpbusd with AVX-512 VNNI (512 bits) or AVX-VNNI
/// (256), else vpmaddubsw (512 or 256 bits), else none (null: no figure).
struct DotPeak {
  const char *instruction;
  PeakKernel kernel;
};
inline DotPeak dotPeak() {
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx512vnni"))
    return {"vpdpbusd (512-bit)", dotLanesVNNI};
  if (__builtin_cpu_supports("avxvnni"))
    return {"vpdpbusd (256-bit)", dotLanesAVXVNNI};
  if (__builtin_cpu_supports("avx512bw"))
    return {"vpmaddubsw (512-bit)", dotLanesAVX512BW};
  if (__builtin_cpu_supports("avx2"))
    return {"vpmaddubsw (256-bit)", dotLanesAVX2};
#endif
  return {"none", nullptr};
}

/// Best-of-`passes` lanes per second of `kernel` on `threads` threads,
/// each running `iterations` of it; 0 without a kernel.
inline double arithmeticPeak(PeakKernel kernel, int threads, int passes,
                             int64_t iterations = 20'000'000) {
  if (!kernel)
    return 0;
  // Through volatile, so that the compiler knows none of the operands.
  static volatile float source[3] = {1.0f, 0.999999f, 1e-6f};
  const float operands[3] = {source[0], source[1], source[2]};
  double best = 0;
  for (int pass = 0; pass < passes; ++pass) {
    std::vector<double> lanes(threads);
    auto t0 = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back(
          [&, t] { lanes[t] = kernel(iterations, operands); });
    for (std::thread &th : pool)
      th.join();
    double total = 0;
    for (double l : lanes)
      total += l;
    best = std::max(best, total / seconds(t0, Clock::now()));
  }
  return best;
}

#undef ANYBIT_PIN

#endif // ANYBIT_BENCH_ARITHMETICPEAK_H
