//===- gemv.cpp - GEMV benchmark: Anybit packed weights vs OpenBLAS f32 ---===//
//
//   anybit-bench-gemv [--quick] [--only TEXT]...
//
// y = W·x with f32 activations x (B x K) and weights W of N x K stored, as
// a linear layer stores them, as an N x K tensor of iW / small-float codes
// (one output row after another) with one f16 scale per group of G
// consecutive k (#anybit.packed<block = [1, G], scale = f16>), multiplied
// with anybit.matmul {transpose_rhs}. Measured in the same run, nothing hard-coded:
//   - the machine's read bandwidth (streaming sum of a large buffer, best
//     sample of the run);
//   - OpenBLAS f32 with 1 and 2 threads (cblas_sgemv for B = 1; for B > 1
//     one cblas_sgemm and B cblas_sgemv calls, the faster is the baseline);
//   - for each weight type, group, shape and batch: the kernel's compile
//     time, its time per call (median of several cold-weight runs after a
//     warm-up), the effective weight traffic in GB/s, its share of the
//     measured bandwidth and its speedup over OpenBLAS;
//   - the cores' arithmetic peak (f32 FMA lanes and int8 byte products a
//     second, ArithmeticPeak.h), and for each kernel its share of the
//     roofline: the larger of its weights' read time and its N K B
//     multiply-adds' time at that peak.
// Each kernel's result is first checked against a plain C++
// dequantize-and-multiply (relative tolerance 1e-4 of the largest |y|).
// Progress goes to stderr; the tables, printed at the end, to stdout.
//
//===----------------------------------------------------------------------===//

#include "KernelSupport.h"

#include "Anybit/AnybitDialect.h"
#include "anybit/Interp/Interpreter.h"
#include "anybit/Support/BitPacking.h"
#include "anybit/Target/CPU.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"

#include "ArithmeticPeak.h"
#include "BenchSupport.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

// OpenBLAS's own extension; declared here so that a cblas.h from another
// BLAS vendor does not hide it (the library linked is always OpenBLAS).
extern "C" void openblas_set_num_threads(int numThreads);

//===----------------------------------------------------------------------===//
// Weight formats and a plain reference
//===----------------------------------------------------------------------===//

struct Format {
  const char *name;     // column label
  const char *mlirType; // element type in the kernel
  unsigned bits;
  bool isFloat;
  unsigned expBits, manBits; // floats: sign + exp + man, bias 2^(e-1)-1,
                             // every pattern finite (OCP MX e2m1, e3m2)
  /// Rows of a tile of `tile = [rows, 32 / bits]` (32 over the widest bit
  /// plane's bits), 0 for row-major: the layout of the f32-activation
  /// lookup-table kernel (GEMVs only).
  int64_t tileRows = 0;
  /// Bits of the low plane of `bit_planes = [lowPlane, bits - lowPlane]`,
  /// 0 for none.
  unsigned lowPlane = 0;
  bool tiled() const { return tileRows != 0; }
  int64_t tileCols() const {
    return 32 / (lowPlane ? std::max(lowPlane, bits - lowPlane) : bits);
  }
  /// Whether the benchmark runs this format with int8 activations (`a8`)
  /// or not: tiles are for f32 activations (int8 ones are dequantized to
  /// f32 for them).
  bool runs(bool a8) const { return !tiled() || !a8; }
};

static const Format kFormats[] = {
    {"i2", "i2", 2, false, 0, 0},
    {"i3", "i3", 3, false, 0, 0},
    {"i4", "i4", 4, false, 0, 0},
    {"i5", "i5", 5, false, 0, 0},
    {"i6", "i6", 6, false, 0, 0},
    {"i8", "i8", 8, false, 0, 0},
    {"e2m1", "f4E2M1FN", 4, true, 2, 1},
    {"e3m2", "!anybit.float<e3m2>", 6, true, 3, 2},
    {"i2/t64", "i2", 2, false, 0, 0, 64},
    {"i3/t64", "i3", 3, false, 0, 0, 64, 2},
};

/// The value of code `bits` of `f`, written out from the format's
/// definition (two's complement integers; sign/exponent/mantissa floats with
/// subnormals at exponent 0 and no infinities or NaNs).
static double decodeCode(const Format &f, uint32_t bits) {
  if (!f.isFloat) {
    int64_t v = bits;
    if (bits >> (f.bits - 1))
      v -= int64_t(1) << f.bits;
    return double(v);
  }
  uint32_t man = bits & ((1u << f.manBits) - 1);
  uint32_t exp = (bits >> f.manBits) & ((1u << f.expBits) - 1);
  bool neg = (bits >> (f.expBits + f.manBits)) & 1;
  int bias = (1 << (f.expBits - 1)) - 1;
  double v = exp == 0 ? std::ldexp(double(man), 1 - bias - int(f.manBits))
                      : std::ldexp(double((1u << f.manBits) + man),
                                   int(exp) - bias - int(f.manBits));
  return neg ? -v : v;
}

/// IEEE half to double (normal, subnormal; the benchmark uses no inf/NaN).
static double decodeHalf(uint16_t h) {
  int exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  double v = exp == 0 ? std::ldexp(double(man), -24)
                      : std::ldexp(double(1024 + man), exp - 25);
  return (h >> 15) ? -v : v;
}

/// The weights of one (shape, format, group): logical codes and scales, and
/// their packed bytes in the kernel's layout.
struct Weights {
  int64_t K = 0, N = 0, G = 0;
  std::vector<uint8_t> codes;   // K x N bit patterns
  std::vector<uint16_t> scales; // (K/G) x N f16 bit patterns
  AlignedBuffer packed;         // N x K codes LSB-first, then N x K/G scales
  size_t dataBytes = 0, scaleBytes = 0;
};

static Weights makeWeights(const Format &f, int64_t K, int64_t N, int64_t G,
                           uint64_t seed) {
  Weights w;
  w.K = K;
  w.N = N;
  w.G = G;
  Rng rng(seed);
  w.codes.resize(size_t(K * N));
  uint64_t mask = (uint64_t(1) << f.bits) - 1;
  for (uint8_t &c : w.codes)
    c = uint8_t(rng.next() & mask);
  w.scales.resize(size_t(K / G * N));
  // f16 patterns 0x3800..0x3fff: scales in [0.5, 2).
  for (uint16_t &s : w.scales)
    s = uint16_t(0x3800 + (rng.next() & 0x7ff));

  w.dataBytes = size_t(K * N * f.bits / 8);
  w.scaleBytes = w.scales.size() * 2;
  w.packed = AlignedBuffer(w.dataBytes + w.scaleBytes);
  anybit::BitLayout layout{f.bits, 8, true};
  if (f.lowPlane)
    layout.bitPlanes = {f.lowPlane, f.bits - f.lowPlane};
  std::vector<uint64_t> row(static_cast<size_t>(K));
  if (f.tiled()) {
    // Tile after tile (row-major over the grid), each tile row-major.
    int64_t rows = f.tileRows, cols = f.tileCols();
    std::vector<uint64_t> stored(size_t(K * N));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        stored[size_t(((n / rows) * (K / cols) + k / cols) * rows * cols +
                      n % rows * cols + k % cols)] = w.codes[size_t(k * N + n)];
    anybit::packBits(stored.data(), uint64_t(K * N), layout, w.packed.data);
  } else {
    // Stored N x K; K * bits is a whole number of bytes: pack row by row.
    for (int64_t n = 0; n < N; ++n) {
      for (int64_t k = 0; k < K; ++k)
        row[k] = w.codes[size_t(k * N + n)];
      anybit::packBits(row.data(), uint64_t(K), layout,
                       w.packed.data + size_t(n * K * f.bits / 8));
    }
  }
  for (int64_t n = 0; n < N; ++n)
    for (int64_t g = 0; g < K / G; ++g) {
      uint16_t s = w.scales[size_t(g * N + n)];
      uint8_t *at = w.packed.data + w.dataBytes + 2 * size_t(n * (K / G) + g);
      at[0] = uint8_t(s & 0xff);
      at[1] = uint8_t(s >> 8);
    }
  return w;
}

/// y[b, n] = sum_k x[b, k] * code(k, n) * scale(k / G, n), in double.
static std::vector<double> referenceGemv(const Format &f, const Weights &w,
                                         const float *x, int64_t B) {
  std::vector<double> lut(size_t(1) << f.bits);
  for (uint32_t c = 0; c < lut.size(); ++c)
    lut[c] = decodeCode(f, c);
  std::vector<double> y(size_t(B * w.N), 0.0), deq(size_t(w.N));
  for (int64_t k = 0; k < w.K; ++k) {
    const uint8_t *codes = &w.codes[size_t(k * w.N)];
    const uint16_t *scales = &w.scales[size_t(k / w.G * w.N)];
    for (int64_t n = 0; n < w.N; ++n)
      deq[n] = lut[codes[n]] * decodeHalf(scales[n]);
    for (int64_t b = 0; b < B; ++b) {
      double xv = x[b * w.K + k];
      double *yb = &y[size_t(b * w.N)];
      for (int64_t n = 0; n < w.N; ++n)
        yb[n] += xv * deq[n];
    }
  }
  return y;
}

/// Compares with a tolerance of 1e-4 of the largest |reference|; returns an
/// empty string when they agree, else the first mismatch.
static std::string compare(const float *got, const std::vector<double> &want) {
  double scale = 0;
  for (double v : want)
    scale = std::max(scale, std::fabs(v));
  for (size_t i = 0; i < want.size(); ++i) {
    double d = std::fabs(double(got[i]) - want[i]);
    if (!(d <= 1e-4 * scale)) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "element %zu: got %.9g, expected %.9g",
                    i, double(got[i]), want[i]);
      return msg;
    }
  }
  return "";
}

//===----------------------------------------------------------------------===//
// OpenBLAS baseline
//===----------------------------------------------------------------------===//

/// How OpenBLAS computes a batch: one cblas_sgemv (B = 1), one cblas_sgemm
/// (B x K times K x N), or B cblas_sgemv calls. For B > 1 both of the
/// latter are timed and the faster is the baseline.
enum class BlasCall { Sgemv, Sgemm, SgemvPerRow };

struct BlasResult {
  BlasCall how = BlasCall::Sgemv;
  Timing t[2]; // 1 and 2 threads
  bool ok = true;
};

static const char *blasCallName(BlasCall how) {
  return how == BlasCall::Sgemv   ? "sgemv"
         : how == BlasCall::Sgemm ? "sgemm"
                                  : "Bxsgemv";
}

/// y[b, n] = sum_k x[b, k] * W[n, k] in double, W N x K row-major.
static std::vector<double> referenceDense(int64_t N, int64_t K, int64_t B,
                                          const float *w, const float *x) {
  std::vector<double> want(size_t(B * N), 0.0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t n = 0; n < N; ++n) {
      double s = 0;
      const float *row = w + n * K;
      for (int64_t k = 0; k < K; ++k)
        s += double(x[b * K + k]) * row[k];
      want[size_t(b * N + n)] = s;
    }
  return want;
}

static BlasResult runOpenBLAS(BlasCall how, int64_t N, int64_t K, int64_t B,
                              const AlignedBuffer &wDense, const float *x,
                              float *y, const std::vector<double> &want,
                              double budget) {
  const float *w = reinterpret_cast<const float *>(wDense.data);
  auto call = [&] {
    switch (how) {
    case BlasCall::Sgemv:
      cblas_sgemv(CblasRowMajor, CblasNoTrans, int(N), int(K), 1.0f, w,
                  int(K), x, 1, 0.0f, y, 1);
      break;
    case BlasCall::Sgemm: // Y (B x N) = X (B x K) * W^T
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(B), int(N),
                  int(K), 1.0f, x, int(K), w, int(K), 0.0f, y, int(N));
      break;
    case BlasCall::SgemvPerRow:
      for (int64_t b = 0; b < B; ++b)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, int(N), int(K), 1.0f, w,
                    int(K), x + b * K, 1, 0.0f, y + b * N, 1);
      break;
    }
  };
  BlasResult r;
  r.how = how;
  for (int threads = 1; threads <= 2; ++threads) {
    openblas_set_num_threads(threads);
    std::memset(y, 0xff, size_t(B * N) * 4); // NaNs
    call(); // warm-up (and thread pool start), checked like the kernels
    std::string why = compare(y, want);
    if (!why.empty()) {
      std::printf("  FAIL OpenBLAS %s %d thread(s) N=%lld K=%lld B=%lld: "
                  "%s\n",
                  blasCallName(how), threads, (long long)N, (long long)K,
                  (long long)B, why.c_str());
      r.ok = false;
    }
    r.t[threads - 1] = timeCalls(call, wDense.data, wDense.size, budget);
  }
  openblas_set_num_threads(1);
  return r;
}

//===----------------------------------------------------------------------===//
// Anybit kernels
//===----------------------------------------------------------------------===//

/// @gemv: y = x W^T. With `int8Activations`, x is first quantized to int8
/// with one f32 scale per row (anybit.quantize, absmax), as llama.cpp's
/// kernels quantize activations, and the matmul takes the int8 codes.
static std::string kernelSource(const Format &f, int64_t B, int64_t K,
                                int64_t N, int64_t G, bool int8Activations) {
  std::string w =
      "tensor<" + std::to_string(N) + "x" + std::to_string(K) + "x" +
      f.mlirType + ", #anybit.packed<block = [1, " + std::to_string(G) +
      "], scale = f16" +
      (f.tiled() ? ", tile = [" + std::to_string(f.tileRows) + ", " +
                       std::to_string(f.tileCols()) + "]"
                 : std::string()) +
      (f.lowPlane ? ", bit_planes = [" + std::to_string(f.lowPlane) + ", " +
                        std::to_string(f.bits - f.lowPlane) + "]"
                  : std::string()) +
      ">>";
  std::string x = "tensor<" + std::to_string(B) + "x" + std::to_string(K) +
                  "xf32>";
  std::string y = "tensor<" + std::to_string(B) + "x" + std::to_string(N) +
                  "xf32>";
  std::string body, a = "%x", aType = x;
  if (int8Activations) {
    aType = "tensor<" + std::to_string(B) + "x" + std::to_string(K) +
            "xi8, #anybit.packed<block = [1, " + std::to_string(K) +
            "], scale = f32>>";
    body = "  %q = anybit.quantize %x : " + x + " -> " + aType + "\n";
    a = "%q";
  }
  return "func.func @gemv(%x: " + x + ", %w: " + w + ") -> " + y + " {\n" +
         body + "  %y = anybit.matmul " + a +
         ", %w {accumulator = f32, transpose_rhs} : " + aType + ", " + w +
         " -> " + y + "\n  return %y : " + y + "\n}\n";
}

/// x as anybit.quantize's int8 codes with one f32 scale per row make it
/// (s = max|x| / 127 rounded to f32, q = clamp(rne(x / s))), dequantized:
/// what the int8-activation kernels multiply.
static std::vector<float> int8Activations(const float *x, int64_t B,
                                          int64_t K) {
  std::vector<float> out(size_t(B * K));
  for (int64_t b = 0; b < B; ++b) {
    double absmax = 0;
    for (int64_t k = 0; k < K; ++k)
      absmax = std::max(absmax, std::fabs(double(x[b * K + k])));
    double s = absmax == 0 ? 1.0 : double(float(absmax / 127));
    for (int64_t k = 0; k < K; ++k) {
      double q = std::nearbyint(double(x[b * K + k]) / s);
      out[size_t(b * K + k)] = float(std::clamp(q, -128.0, 127.0) * s);
    }
  }
  return out;
}

/// A case's name in the progress lines (what --only matches).
static std::string caseLabel(const std::string &shapeName, int64_t B,
                             const Format &f, int64_t G, bool a8) {
  return shapeName + " B=" + std::to_string(B) + " " + f.name +
         " G=" + std::to_string(G) + (a8 ? " a8" : "");
}

/// The kernel's packed entry @gemv on `threads` threads.
static CompiledKernel compileGemv(mlir::ModuleOp module, unsigned threads) {
  anybit::CPUCompileOptions options;
  options.threads = threads;
  return compileKernel(module, options, "gemv");
}

/// One Anybit case.
struct Row {
  std::string shape, type;
  bool int8Activations = false;
  int64_t B = 0, G = 0;
  bool compiled = false, ok = false;
  double compileSeconds = 0;
  Timing t, t2;           // 1 thread; 2 threads (OpenMP)
  bool has2 = false;      // t2 measured (an OpenMP runtime was found)
  size_t bytes = 0;       // packed weight bytes, codes and scales
  double blasSeconds = 0; // the OpenBLAS f32 1-thread baseline
  int64_t N = 0, K = 0;
  /// Multiply-adds a call does: one per weight and batch row.
  double lanes() const { return double(N) * double(K) * double(B); }
};

/// One OpenBLAS measurement.
struct BlasRow {
  std::string shape;
  int64_t B = 0;
  BlasResult r;
  size_t bytes = 0;
};

/// The machine's limits, the best seen so far per thread count: the read
/// bandwidth of each read kernel and the arithmetic peaks. They are
/// sampled at the start, between shapes and at the end, and the tables use
/// the best sample, so that a moment of load from other processes on a
/// shared machine does not make the machine look slower than it is.
struct MachineLimits {
  double plain[2] = {0, 0}, streams[2] = {0, 0}, wide[2] = {0, 0};
  // Arithmetic peaks, sampled alongside: f32 FMA lanes and int8 byte
  // products a second (0: no figure for this host).
  double fma[2] = {0, 0}, dot[2] = {0, 0};
  int samples = 0;
  double best(int threads) const {
    return std::max({plain[threads - 1], streams[threads - 1],
                     wide[threads - 1]});
  }
  void sample(const AlignedBuffer &buffer, int passes) {
    for (int t = 1; t <= 2; ++t) {
      plain[t - 1] = std::max(
          plain[t - 1], readBandwidth(buffer, sumWordsPlain, t, passes));
      streams[t - 1] = std::max(
          streams[t - 1], readBandwidth(buffer, streamsKernel(), t, passes));
      wide[t - 1] =
          std::max(wide[t - 1],
                   readBandwidth(buffer, wideKernel(), t, passes));
      fma[t - 1] =
          std::max(fma[t - 1], arithmeticPeak(fmaPeakKernel(), t, passes));
      dot[t - 1] =
          std::max(dot[t - 1], arithmeticPeak(dotPeak().kernel, t, passes));
    }
    ++samples;
  }
  /// The share of the roofline a kernel of `lanes` multiply-adds over
  /// `bytes` of weights reaches in `time` seconds on `threads` threads:
  /// the larger of the read time and the arithmetic time, over `time`.
  double roofline(size_t bytes, double lanes, bool int8, int threads,
                  double time) const {
    double peak = int8 ? dot[threads - 1] : fma[threads - 1];
    double least = double(bytes) / (best(threads) * 1e9);
    if (peak > 0)
      least = std::max(least, lanes / peak);
    return 100 * least / time;
  }
};

int main(int argc, char **argv) {
  bool quick = false;
  std::vector<std::string> only;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick" || arg == "-quick") {
      quick = true;
    } else if ((arg == "--only" || arg == "-only") && i + 1 < argc) {
      only.push_back(argv[++i]);
    } else if (arg.rfind("--only=", 0) == 0) {
      only.push_back(arg.substr(7));
    } else if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: %s [--quick] [--only TEXT]...\n"
          "  --quick      4096x4096, batch 1, a subset of the weight types\n"
          "  --only TEXT  only the cases whose label (as the progress lines "
          "print it,\n"
          "               e.g. '4096x4096 B=1 i8 G=128 a8') contains TEXT; "
          "repeatable\n",
          argv[0]);
      return 0;
    } else {
      std::fprintf(stderr, "anybit-bench-gemv: unknown argument '%s' (try "
                           "--help)\n",
                   argv[i]);
      return 1;
    }
  }
  auto start = Clock::now();
  // Seconds of timed calls per measurement (at least 3 calls each).
  const double budget = quick ? 0.15 : 0.3;

  struct Shape {
    int64_t N, K;
  };
  std::vector<Shape> shapes = {{4096, 4096}};
  std::vector<int64_t> batches = {1}, groups = {32, 128};
  std::vector<const Format *> formats;
  if (quick) {
    for (const char *name : {"i3", "i4", "e2m1", "e3m2", "i2/t64", "i3/t64"})
      for (const Format &f : kFormats)
        if (std::string(f.name) == name)
          formats.push_back(&f);
  } else {
    // Llama 3 8B's up/gate projection, and its down projection, whose
    // activations (K = 14336) outgrow the L1 cache as f32.
    shapes.push_back({14336, 4096});
    shapes.push_back({4096, 14336});
    batches.push_back(4);
    for (const Format &f : kFormats)
      formats.push_back(&f);
  }
  // Every format with f32 and with int8 activations (those --only keeps).
  auto selected = [&](const std::string &label) {
    return only.empty() || llvm::any_of(only, [&](const std::string &text) {
             return label.find(text) != std::string::npos;
           });
  };
  int totalCases = 0;
  for (const Shape &shape : shapes)
    for (const Format *f : formats)
      for (int64_t G : groups)
        for (int64_t B : batches)
          for (bool a8 : {false, true})
            totalCases += f->runs(a8) && selected(caseLabel(std::to_string(shape.N) + "x" +
                                                 std::to_string(shape.K),
                                             B, *f, G, a8));

  // Read bandwidth: a buffer well beyond the last-level cache.
  size_t bwBytes = size_t(512) << 20;
  long llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
  if (llc > 0 && size_t(llc) * 2 > bwBytes)
    bwBytes = std::min<size_t>(size_t(llc) * 2, size_t(2) << 30);
  const int passes = quick ? 3 : 5;
  AlignedBuffer bwBuffer(bwBytes);
  for (size_t i = 0; i < bwBytes / 8; ++i)
    bwBuffer.as<uint64_t>()[i] = i;
  MachineLimits bw;
  std::fprintf(stderr, "anybit-bench-gemv: measuring read bandwidth...\n");
  bw.sample(bwBuffer, passes);

  // The MLIR context for the kernels.
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  anybit::registerInterpreterDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  mlir::ScopedDiagnosticHandler diagnostics(
      &context, [](mlir::Diagnostic &diag) {
        std::string text;
        llvm::raw_string_ostream os(text);
        os << diag;
        std::fprintf(stderr, "  anybit: %s\n", text.c_str());
        return mlir::success();
      });

  // One throwaway compile first, so that one-time JIT and target set-up
  // is not charged to the first kernel's compile time.
  {
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(
            kernelSource(kFormats[2], 1, 64, 8, 32, false), &context);
    if (!module || mlir::failed(anybit::CPUExecutable::compile(*module, {}))) {
      std::fprintf(stderr, "anybit-bench-gemv: cannot compile a small i4 "
                           "GEMV kernel\n");
      return 1;
    }
  }

  std::vector<Row> rows;
  std::vector<BlasRow> blasRows;
  std::vector<std::string> failureLines;
  Rng rng(42);

  for (const Shape &shape : shapes) {
    const int64_t N = shape.N, K = shape.K;
    std::string shapeName = std::to_string(N) + "x" + std::to_string(K);
    int64_t maxB = *std::max_element(batches.begin(), batches.end());
    AlignedBuffer x(size_t(maxB * K) * 4), y(size_t(maxB * N) * 4);
    for (int64_t i = 0; i < maxB * K; ++i)
      x.as<float>()[i] = rng.symmetric();

    // OpenBLAS f32 baseline (weights N x K row-major): per batch, the
    // fastest way of calling it, 1 thread, is the baseline of xBLAS_1T.
    std::vector<double> blasTime(batches.size(), 1e300);
    {
      AlignedBuffer wDense(size_t(N * K) * 4);
      for (int64_t i = 0; i < N * K; ++i)
        wDense.as<float>()[i] = rng.symmetric();
      for (size_t bi = 0; bi < batches.size(); ++bi) {
        int64_t B = batches[bi];
        std::vector<double> want = referenceDense(
            N, K, B, wDense.as<float>(), x.as<float>());
        std::vector<BlasCall> calls = {BlasCall::Sgemv};
        if (B > 1)
          calls = {BlasCall::Sgemm, BlasCall::SgemvPerRow};
        for (BlasCall how : calls) {
          BlasRow row;
          row.shape = shapeName;
          row.B = B;
          row.bytes = wDense.size;
          row.r = runOpenBLAS(how, N, K, B, wDense, x.as<float>(),
                              y.as<float>(), want, budget);
          if (!row.r.ok)
            failureLines.push_back("OpenBLAS " + shapeName + " B=" +
                                   std::to_string(B) + " " +
                                   blasCallName(how));
          blasTime[bi] = std::min(blasTime[bi], row.r.t[0].median);
          std::fprintf(stderr, "  OpenBLAS %s B=%lld %s: %.1f us (1T), %.1f "
                               "us (2T)\n",
                       shapeName.c_str(), (long long)B, blasCallName(how),
                       row.r.t[0].median * 1e6, row.r.t[1].median * 1e6);
          blasRows.push_back(std::move(row));
        }
      }
    }

    for (const Format *f : formats) {
      for (int64_t G : groups) {
        Weights w = makeWeights(*f, K, N, G, rng.next());
        for (size_t bi = 0; bi < batches.size(); ++bi)
        for (bool a8 : {false, true}) {
          int64_t B = batches[bi];
          Row row;
          row.shape = shapeName;
          row.type = std::string(f->name) + (a8 ? "/a8" : "");
          row.int8Activations = a8;
          row.B = B;
          row.G = G;
          row.N = N;
          row.K = K;
          row.bytes = w.packed.size;
          row.blasSeconds = blasTime[bi];
          std::string label = caseLabel(shapeName, B, *f, G, a8);
          if (!f->runs(a8) || !selected(label))
            continue;

          auto t0 = Clock::now();
          mlir::OwningOpRef<mlir::ModuleOp> module =
              mlir::parseSourceString<mlir::ModuleOp>(
                  kernelSource(*f, B, K, N, G, a8), &context);
          CompiledKernel oneThread;
          if (module)
            oneThread = compileGemv(*module, 1);
          auto t1 = Clock::now();
          if (!oneThread.fn) {
            failureLines.push_back(label + ": does not compile");
            rows.push_back(row);
            std::fprintf(stderr, "  [%d/%d] %s: COMPILE-FAIL\n",
                         int(rows.size()), totalCases, label.c_str());
            continue;
          }
          row.compiled = true;
          row.compileSeconds = seconds(t0, t1);
          // The encoding's own idea of the packed size must match ours.
          auto func = *module->getOps<mlir::func::FuncOp>().begin();
          auto wType = mlir::cast<mlir::RankedTensorType>(
              func.getFunctionType().getInput(1));
          auto enc = mlir::cast<anybit::PackedEncodingAttr>(
              wType.getEncoding());
          if (enc.getTotalBytes(wType.getShape(), wType.getElementType()) !=
              w.packed.size) {
            std::fprintf(stderr,
                         "anybit-bench-gemv: packed size mismatch for %s\n",
                         f->name);
            return 1;
          }

          void *xPtr = x.data, *wPtr = w.packed.data, *yPtr = y.data;
          void *args[] = {&xPtr, &wPtr, &yPtr};
          std::vector<float> xa8;
          if (a8)
            xa8 = int8Activations(x.as<float>(), B, K);
          std::vector<double> want =
              referenceGemv(*f, w, a8 ? xa8.data() : x.as<float>(), B);
          // A warm-up call, which is also the correctness check, then the
          // timed calls.
          row.ok = true;
          auto checkAndTime = [&](void (*fn)(void **), const char *what,
                                  Timing &t) {
            auto call = [&] { fn(args); };
            std::memset(y.data, 0xff, size_t(B * N) * 4); // NaNs
            call();
            std::string why = compare(y.as<float>(), want);
            if (!why.empty()) {
              row.ok = false;
              failureLines.push_back(label + what + ": " + why);
            }
            t = timeCalls(call, w.packed.data, w.packed.size, budget);
          };
          checkAndTime(oneThread.fn, "", row.t);
          // The same kernel on 2 OpenMP threads.
          anybit::CPUCompileOptions two;
          two.threads = 2;
          if (anybit::usesOpenMP(two)) {
            CompiledKernel twoThreads = compileGemv(*module, 2);
            if (twoThreads.fn) {
              checkAndTime(twoThreads.fn, " (2 threads)", row.t2);
              row.has2 = true;
            } else {
              row.ok = false;
              failureLines.push_back(label + " (2 threads): does not compile");
            }
          }
          rows.push_back(row);
          std::fprintf(stderr, "  [%d/%d] %s: %.1f us%s\n", int(rows.size()),
                       totalCases, label.c_str(), row.t.median * 1e6,
                       row.ok ? "" : " FAIL");
        }
      }
    }
    bw.sample(bwBuffer, passes);
  }

  // The tables, against the best bandwidth sampled.
  const double bw1 = bw.best(1), bw2 = bw.best(2);
  std::printf("anybit-bench-gemv%s: y = W x, f32 activations, weights in "
              "Anybit packed formats with f16 group scales; type/a8: the "
              "kernel quantizes x to int8 (one f32 scale per row) and "
              "multiplies the int8 codes\n",
              quick ? " --quick" : "");
  std::printf("host: %ld online CPUs; Anybit kernels run on 1 thread (its "
              "CPU code on 1 and 2 OpenMP threads), OpenBLAS on 1 and 2\n\n",
              sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("read bandwidth (sum of a %zu MiB uint64 buffer; best of %d "
              "samples over the run, %d passes each; plain loop / 4 streams "
              "with prefetch / 4 streams of 64-byte loads):\n"
              "  1 thread  %.2f GB/s (%.2f / %.2f / %.2f)\n"
              "  2 threads %.2f GB/s (%.2f / %.2f / %.2f)\n",
              bwBytes >> 20, bw.samples, passes, bw1, bw.plain[0],
              bw.streams[0], bw.wide[0], bw2, bw.plain[1],
              bw.streams[1], bw.wide[1]);
  std::printf("arithmetic peak (%d independent chains of the widest "
              "instruction, best of %d samples): f32 FMA %.1f G lanes/s on "
              "1 thread, %.1f on 2; int8 %s %.1f G byte products/s "
              "on 1, %.1f on 2 (0: none on this host)\n",
              kPeakChains, bw.samples, bw.fma[0] / 1e9, bw.fma[1] / 1e9,
              dotPeak().instruction, bw.dot[0] / 1e9, bw.dot[1] / 1e9);
  std::printf("%%roof: the larger of the weights' read time at that "
              "bandwidth and N K B multiply-adds at that peak (f32 lanes "
              "for f32 x, byte products for a8), over the kernel's time\n");
  std::printf("(GB = 1e9 bytes; every timed call starts with its weights "
              "flushed from the cache; times are medians)\n");

  double blasMinPct = 1e300, blasMaxPct = 0;
  for (const Shape &shape : shapes) {
    std::string shapeName =
        std::to_string(shape.N) + "x" + std::to_string(shape.K);
    std::printf("\nOpenBLAS f32, N x K = %s (weights %.1f MiB)\n",
                shapeName.c_str(), double(shape.N * shape.K * 4) / (1 << 20));
    std::printf("  %2s %-7s %11s %5s %8s %6s %11s %5s %8s %6s  %s\n", "B",
                "call", "us/GEMV_1T", "runs", "GB/s_1T", "%BW_1T",
                "us/GEMV_2T", "runs", "GB/s_2T", "%BW_2T", "check");
    for (const BlasRow &b : blasRows) {
      if (b.shape != shapeName)
        continue;
      double g1 = double(b.bytes) / b.r.t[0].median / 1e9;
      double g2 = double(b.bytes) / b.r.t[1].median / 1e9;
      blasMinPct = std::min(blasMinPct, 100 * g1 / bw1);
      blasMaxPct = std::max(blasMaxPct, 100 * g1 / bw1);
      std::printf("  %2lld %-7s %11.1f %5d %8.2f %5.1f%% %11.1f %5d %8.2f "
                  "%5.1f%%  %s\n",
                  (long long)b.B, blasCallName(b.r.how), b.r.t[0].median * 1e6,
                  b.r.t[0].runs, g1, 100 * g1 / bw1, b.r.t[1].median * 1e6,
                  b.r.t[1].runs, g2, 100 * g2 / bw2, b.r.ok ? "ok" : "FAIL");
    }

    std::printf("\nAnybit, N x K = %s (compile_ms: parse + compile + lookup; "
                "xBLAS_1T: fastest OpenBLAS f32 1-thread time / Anybit time; "
                "2T: OpenMP, 2 threads, %%BW_2T of the 2-thread bandwidth)\n",
                shapeName.c_str());
    std::printf("  %-10s %2s %-7s %4s %9s %10s %11s %5s %8s %6s %8s %8s "
                "%10s %8s %6s %8s  %s\n",
                "N x K", "B", "type", "G", "MiB", "compile_ms", "us/GEMV_1T",
                "runs", "GB/s_1T", "%BW_1T", "%roof_1T", "xBLAS_1T",
                "us/GEMV_2T", "GB/s_2T", "%BW_2T", "%roof_2T", "check");
    for (const Row &r : rows) {
      if (r.shape != shapeName)
        continue;
      if (!r.compiled) {
        std::printf("  %-10s %2lld %-7s %4lld %9.2f %10s %11s %5s %8s %6s %8s "
                    "%8s %10s %8s %6s %8s  %s\n",
                    r.shape.c_str(), (long long)r.B, r.type.c_str(),
                    (long long)r.G, double(r.bytes) / (1 << 20), "-", "-", "-",
                    "-", "-", "-", "-", "-", "-", "-", "-", "COMPILE-FAIL");
        continue;
      }
      double gbps = double(r.bytes) / r.t.median / 1e9;
      char two[64] = "         n/a      n/a    n/a      n/a";
      if (r.has2) {
        double g2 = double(r.bytes) / r.t2.median / 1e9;
        std::snprintf(two, sizeof two, "%10.1f %8.2f %5.1f%% %7.1f%%",
                      r.t2.median * 1e6, g2, 100 * g2 / bw2,
                      bw.roofline(r.bytes, r.lanes(), r.int8Activations, 2,
                                  r.t2.median));
      }
      std::printf("  %-10s %2lld %-7s %4lld %9.2f %10.1f %11.1f %5d %8.2f "
                  "%5.1f%% %7.1f%% %7.3fx %s  %s\n",
                  r.shape.c_str(), (long long)r.B, r.type.c_str(),
                  (long long)r.G, double(r.bytes) / (1 << 20),
                  r.compileSeconds * 1e3, r.t.median * 1e6, r.t.runs, gbps,
                  100 * gbps / bw1,
                  bw.roofline(r.bytes, r.lanes(), r.int8Activations, 1,
                              r.t.median),
                  r.blasSeconds / r.t.median, two, r.ok ? "ok" : "FAIL");
    }
  }

  if (!failureLines.empty()) {
    std::printf("\nfailures:\n");
    for (const std::string &line : failureLines)
      std::printf("  FAIL %s\n", line.c_str());
  }

  // Summary.
  double minPct = 1e300, maxPct = 0, logSpeed = 0, maxSpeed = 0;
  double minPct2 = 1e300, maxPct2 = 0;
  // % of the roofline on 1 thread, per batch size.
  std::map<int64_t, std::pair<double, double>> roofs;
  int timed = 0;
  const Row *best = nullptr;
  for (const Row &r : rows) {
    if (!r.compiled)
      continue;
    ++timed;
    double pct = 100 * double(r.bytes) / r.t.median / 1e9 / bw1;
    double speedup = r.blasSeconds / r.t.median;
    minPct = std::min(minPct, pct);
    maxPct = std::max(maxPct, pct);
    double roof =
        bw.roofline(r.bytes, r.lanes(), r.int8Activations, 1, r.t.median);
    auto &[lowest, highest] = roofs.try_emplace(r.B, roof, roof).first->second;
    lowest = std::min(lowest, roof);
    highest = std::max(highest, roof);
    if (r.has2) {
      double pct2 = 100 * double(r.bytes) / r.t2.median / 1e9 / bw2;
      minPct2 = std::min(minPct2, pct2);
      maxPct2 = std::max(maxPct2, pct2);
    }
    logSpeed += std::log(speedup);
    if (speedup > maxSpeed) {
      maxSpeed = speedup;
      best = &r;
    }
  }
  double total = seconds(start, Clock::now());
  std::printf("\n");
  if (timed) {
    std::string roofText;
    for (auto [batch, range] : roofs)
      roofText += (roofText.empty() ? "" : ", ") + std::string("batch ") +
                  std::to_string(batch) + ": " +
                  std::to_string(int(std::lround(range.first))) + "-" +
                  std::to_string(int(std::lround(range.second))) + "%";
    std::printf("summary: %d Anybit cases, %d FAIL; read bandwidth %.1f GB/s "
                "(1 thread); Anybit 1 thread: %.2f-%.2f%% of it (of the "
                "roofline: %s), %.4fx "
                "OpenBLAS f32 (geomean; best %.3fx: %s %s G=%lld B=%lld); "
                "OpenBLAS f32 1 thread: %.0f-%.0f%%; ",
                int(rows.size()), int(failureLines.size()), bw1, minPct, maxPct,
                roofText.c_str(), std::exp(logSpeed / timed), maxSpeed,
                best->type.c_str(), best->shape.c_str(), (long long)best->G,
                (long long)best->B, blasMinPct, blasMaxPct);
    if (minPct2 <= maxPct2)
      std::printf("Anybit 2 threads: %.2f-%.2f%% of the 2-thread bandwidth "
                  "%.1f GB/s; ",
                  minPct2, maxPct2, bw2);
    std::printf("run took %.0f s\n", total);
  } else
    std::printf("summary: %d Anybit cases, none compiled, %d FAIL; run took "
                "%.0f s\n",
                int(rows.size()), int(failureLines.size()), total);
  return failureLines.empty() ? 0 : 1;
}
