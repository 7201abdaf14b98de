//===- BenchSupport.h - Buffers, cache eviction, bandwidth, timing ----------===//
//
// What every benchmark in bench/ measures the same way: aligned buffers,
// evicting a buffer from the caches, the machine's streaming read bandwidth
// (the baseline every memory-bound kernel is compared with) and the median
// time of repeated calls.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_BENCH_BENCHSUPPORT_H
#define ANYBIT_BENCH_BENCHSUPPORT_H

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

using Clock = std::chrono::steady_clock;

inline double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

//===----------------------------------------------------------------------===//
// Buffers and the cache
//===----------------------------------------------------------------------===//

/// A 64-byte aligned, page-touched buffer.
struct AlignedBuffer {
  uint8_t *data = nullptr;
  size_t size = 0;
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes) : size(bytes) {
    size_t rounded = (std::max<size_t>(bytes, 64) + 63) / 64 * 64;
    data = static_cast<uint8_t *>(std::aligned_alloc(64, rounded));
    if (!data) {
      std::fprintf(stderr, "anybit-bench: out of memory (%zu bytes)\n",
                   bytes);
      std::exit(1);
    }
    std::memset(data, 0, rounded);
  }
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
  AlignedBuffer(AlignedBuffer &&o) noexcept : data(o.data), size(o.size) {
    o.data = nullptr;
    o.size = 0;
  }
  AlignedBuffer &operator=(AlignedBuffer &&o) noexcept {
    std::swap(data, o.data);
    std::swap(size, o.size);
    return *this;
  }
  ~AlignedBuffer() { std::free(data); }
  template <typename T> T *as() { return reinterpret_cast<T *>(data); }
};

/// Evicts [p, p + bytes) from every cache level, so that the next timed call
/// reads it from memory, as a GEMV over weights much larger than the cache
/// does.
inline void flushFromCache(const void *p, size_t bytes) {
#if defined(__x86_64__) || defined(__i386__)
  const char *c = static_cast<const char *>(p);
  for (size_t i = 0; i < bytes; i += 64)
    _mm_clflush(c + i);
  _mm_mfence();
#else
  // No portable flush: read a buffer much larger than any cache instead.
  static std::vector<uint64_t> big(size_t(1) << 26, 1);
  volatile uint64_t sink = 0;
  uint64_t s = 0;
  for (uint64_t v : big)
    s += v;
  sink = s;
  (void)p;
  (void)bytes;
  (void)sink;
#endif
}

//===----------------------------------------------------------------------===//
// Read bandwidth
//===----------------------------------------------------------------------===//

/// Sum of n uint64 words, one sequential stream: the plain streaming read.
__attribute__((noinline)) inline uint64_t sumWordsPlain(const uint64_t *p,
                                                        size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; ++i)
    s += p[i];
  return s;
}

/// Sum of n uint64 words read as 4 concurrent streams with software
/// prefetch: one core keeps more cache misses in flight this way and gets
/// closer to what the memory system can deliver (as tuned BLAS kernels do).
__attribute__((noinline)) inline uint64_t sumWordsStreams(const uint64_t *p,
                                                          size_t n) {
  constexpr int S = 4;
  constexpr size_t ahead = 512; // words, i.e. 4 KiB ahead in each stream
  size_t len = n / S / 8 * 8, tail = 0;
#if defined(__SSE2__)
  __m128i acc[S][4];
  for (auto &a : acc)
    for (__m128i &v : a)
      v = _mm_setzero_si128();
  for (size_t i = 0; i < len; i += 8) {
    for (int s = 0; s < S; ++s) {
      const uint64_t *q = p + s * len + i;
      __builtin_prefetch(q + ahead);
      for (int j = 0; j < 4; ++j)
        acc[s][j] = _mm_add_epi64(
            acc[s][j],
            _mm_load_si128(reinterpret_cast<const __m128i *>(q + 2 * j)));
    }
  }
  __m128i total = _mm_setzero_si128();
  for (auto &a : acc)
    for (__m128i &v : a)
      total = _mm_add_epi64(total, v);
  uint64_t lanes[2];
  std::memcpy(lanes, &total, sizeof lanes);
  uint64_t sum = lanes[0] + lanes[1];
#else
  uint64_t acc[S][8] = {};
  for (size_t i = 0; i < len; i += 8)
    for (int s = 0; s < S; ++s) {
      const uint64_t *q = p + s * len + i;
      __builtin_prefetch(q + ahead);
      for (int j = 0; j < 8; ++j)
        acc[s][j] += q[j];
    }
  uint64_t sum = 0;
  for (auto &a : acc)
    for (uint64_t v : a)
      sum += v;
#endif
  for (tail = size_t(S) * len; tail < n; ++tail)
    sum += p[tail];
  return sum;
}

#if defined(__x86_64__) || defined(__i386__)
/// sumWordsStreams with 256-bit loads, for hosts with AVX2.
__attribute__((noinline, target("avx2"))) inline uint64_t
sumWordsStreamsAVX2(const uint64_t *p, size_t n) {
  constexpr int S = 4;
  constexpr size_t ahead = 512;
  size_t len = n / S / 8 * 8;
  __m256i acc[S][2];
  for (auto &a : acc)
    for (__m256i &v : a)
      v = _mm256_setzero_si256();
  for (size_t i = 0; i < len; i += 8) {
    for (int s = 0; s < S; ++s) {
      const uint64_t *q = p + s * len + i;
      __builtin_prefetch(q + ahead);
      for (int j = 0; j < 2; ++j)
        acc[s][j] = _mm256_add_epi64(
            acc[s][j],
            _mm256_load_si256(reinterpret_cast<const __m256i *>(q + 4 * j)));
    }
  }
  __m256i total = _mm256_setzero_si256();
  for (auto &a : acc)
    for (__m256i &v : a)
      total = _mm256_add_epi64(total, v);
  uint64_t lanes[4];
  std::memcpy(lanes, &total, sizeof lanes);
  uint64_t sum = lanes[0] + lanes[1] + lanes[2] + lanes[3];
  for (size_t i = size_t(S) * len; i < n; ++i)
    sum += p[i];
  return sum;
}
#endif

/// Sum of n uint64 words read as 4 concurrent streams of 64-byte loads
/// without software prefetch: on Zen 5 the widest loads and the hardware
/// prefetcher alone read fastest (40 GB/s on one core against 38 with the
/// prefetches above), and Anybit's GEMVs, which prefetch 4 KiB ahead in one
/// stream, read at up to 42.
#if defined(__x86_64__) || defined(__i386__)
__attribute__((noinline, target("avx512f"))) inline uint64_t
sumWordsWide(const uint64_t *p, size_t n) {
  constexpr int S = 4;
  size_t len = n / S / 8 * 8;
  __m512i acc[S];
  for (__m512i &a : acc)
    a = _mm512_setzero_si512();
  for (size_t i = 0; i < len; i += 8)
    for (int s = 0; s < S; ++s)
      acc[s] = _mm512_add_epi64(acc[s], _mm512_load_si512(p + s * len + i));
  __m512i total = _mm512_setzero_si512();
  for (__m512i &a : acc)
    total = _mm512_add_epi64(total, a);
  uint64_t sum = _mm512_reduce_add_epi64(total);
  for (size_t i = size_t(S) * len; i < n; ++i)
    sum += p[i];
  return sum;
}
#endif

/// The wide-load kernel where the host has AVX-512, else the plain loop.
inline uint64_t (*wideKernel())(const uint64_t *, size_t) {
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx512f"))
    return sumWordsWide;
#endif
  return sumWordsPlain;
}

/// The best multi-stream read kernel the host supports.
inline uint64_t (*streamsKernel())(const uint64_t *, size_t) {
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx2"))
    return sumWordsStreamsAVX2;
#endif
  return sumWordsStreams;
}

inline volatile uint64_t bandwidthSink;

/// Best-of-`passes` streaming-read bandwidth in GB/s (1e9 bytes/s) of
/// `buffer`, split into `threads` contiguous parts, each summed by
/// `kernel` on its own thread.
inline double readBandwidth(const AlignedBuffer &buffer,
                            uint64_t (*kernel)(const uint64_t *, size_t),
                            int threads, int passes) {
  // Parts start on 64-byte boundaries (the SSE2 kernel loads aligned).
  size_t words = buffer.size / 8;
  size_t chunk = words / threads / 8 * 8;
  const uint64_t *p = reinterpret_cast<const uint64_t *>(buffer.data);
  double best = 0;
  for (int pass = 0; pass < passes; ++pass) {
    uint64_t total = 0;
    auto t0 = Clock::now();
    if (threads == 1) {
      total = kernel(p, words);
    } else {
      std::vector<uint64_t> partial(threads);
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
          size_t begin = t * chunk,
                 end = t + 1 == threads ? words : begin + chunk;
          partial[t] = kernel(p + begin, end - begin);
        });
      for (std::thread &th : pool)
        th.join();
      for (uint64_t v : partial)
        total += v;
    }
    auto t1 = Clock::now();
    bandwidthSink = total;
    best = std::max(best, double(buffer.size) / seconds(t0, t1) / 1e9);
  }
  return best;
}

//===----------------------------------------------------------------------===//
// Random numbers
//===----------------------------------------------------------------------===//

/// splitmix64: a fixed, fast stream of test data.
struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [-1, 1).
  float symmetric() {
    return float(int64_t(next() >> 40) - (1 << 23)) / float(1 << 23);
  }
};

//===----------------------------------------------------------------------===//
// Timing
//===----------------------------------------------------------------------===//

struct Timing {
  double median = 0; // seconds per call
  int runs = 0;
};

/// Median over timed calls of `call`, each after evicting `cold` (the
/// weights) from the cache. The caller has already made one warm-up call.
/// Takes at least 3 runs, at most 50, and stops adding runs once `budget`
/// seconds of timed calls have passed.
template <typename Call>
Timing timeCalls(Call &&call, const void *cold, size_t coldBytes,
                 double budget) {
  std::vector<double> times;
  double spent = 0;
  while (times.size() < 3 || (times.size() < 50 && spent < budget)) {
    flushFromCache(cold, coldBytes);
    auto t0 = Clock::now();
    call();
    auto t1 = Clock::now();
    times.push_back(seconds(t0, t1));
    spent += times.back();
  }
  std::sort(times.begin(), times.end());
  size_t n = times.size();
  Timing t;
  t.runs = int(n);
  t.median = n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
  return t;
}

#endif // ANYBIT_BENCH_BENCHSUPPORT_H
