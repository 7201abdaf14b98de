//===- modmul.cpp - Modular multiplication: the reduction methods ---------===//
//
//   anybit-bench-modmul
//
// c = a * b mod Q over 2^20 residues, for a 30-bit prime in i32 words and a
// 60-bit prime in i64 words, lowered by each --modarith-reduction method
// and timed in the same run against:
//   - the `remainder` lowering (arith.remui on the double-width product, the
//     naive baseline the issue names: what a compiler that leaves reduction
//     to `%` generates);
//   - a plain C++ loop `(u128)a * b % Q` built by the host compiler with
//     this file's flags (a fixed Q, so it divides by a constant);
//   - the time the memory traffic alone would take at the measured read
//     bandwidth (a bound, since the arrays mostly stay in the caches).
// Kernels: `a * b` (one product per element; Montgomery also converts both
// inputs into and the result out of its form), `c * a` with a constant c
// (Shoup's case) and a chain of 8 dependent products a * b * b * ... (the
// per-product cost inside a region, where Montgomery form persists).
// Every kernel's output is checked against 128-bit arithmetic first.
//
// Then modular matrix-vector products y = T x mod Q, T a constant R x R
// matrix of 30-bit residues, R = 64..2048: --modarith-bat (int8 matmuls
// over bytes, the CROSS paper's BAT, vpdpbusd with VNNI) against the direct
// contraction of Barrett multiply-adds. (At R = 2048 BAT's constant is
// 64 MB of int8 digits: compiling it takes a few seconds and 2 GB.)
//
//===----------------------------------------------------------------------===//

#include "BenchSupport.h"
#include "KernelSupport.h"

#include "anybit/Target/CPU.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"

#include <string>

using anybit::ModularReduction;
using u128 = unsigned __int128;

namespace {

constexpr int64_t kElements = int64_t(1) << 20;
constexpr int kChain = 8;

struct Method {
  const char *name;
  ModularReduction value;
};
const Method kMethods[] = {{"remainder", ModularReduction::Remainder},
                           {"barrett", ModularReduction::Barrett},
                           {"montgomery", ModularReduction::Montgomery},
                           {"shoup", ModularReduction::Shoup}};

struct Modulus {
  uint64_t q;
  unsigned width;
  const char *label;
};
// NTT-friendly primes: 2^30 - 2^18 + 1 is ≡ 1 mod 2^18, and
// 2^60 - 2^14 + 1 is ≡ 1 mod 2^14.
const Modulus kModuli[] = {{1073479681ull, 32, "30-bit"},
                           {1152921504606830593ull, 64, "60-bit"}};

enum class Kernel { Product, ByConstant, Chain };
const char *kernelName(Kernel k) {
  return k == Kernel::Product      ? "a*b"
         : k == Kernel::ByConstant ? "c*a"
                                   : "chain of 8";
}

std::string kernelSource(const Modulus &m, Kernel kernel, uint64_t c) {
  std::string t = llvm::formatv("tensor<{0}x!modarith.int<{1} : i{2}>>",
                                kElements, m.q, m.width);
  std::string body;
  if (kernel == Kernel::Product)
    body = "  %r = modarith.mul %a, %b : " + t + "\n";
  else if (kernel == Kernel::ByConstant)
    body = llvm::formatv("  %c = modarith.constant dense<{0}> : {1}\n"
                         "  %r = modarith.mul %c, %a : {1}\n",
                         c, t);
  else {
    body = "  %p0 = modarith.mul %a, %b : " + t + "\n";
    for (int i = 1; i < kChain; ++i)
      body += llvm::formatv("  %p{0} = modarith.mul %p{1}, %b : {2}\n", i,
                            i - 1, t);
    body += llvm::formatv("  %r = modarith.add %p{0}, %p{0} : {1}\n",
                          kChain - 1, t);
  }
  return llvm::formatv("func.func @k(%a: {0}, %b: {0}) -> {0} {\n{1}"
                       "  return %r : {0}\n}\n",
                       t, body);
}

/// The kernel's exact result for element i.
uint64_t expected(const Modulus &m, Kernel kernel, uint64_t c, uint64_t a,
                  uint64_t b) {
  if (kernel == Kernel::Product)
    return uint64_t(u128(a) * b % m.q);
  if (kernel == Kernel::ByConstant)
    return uint64_t(u128(c) * a % m.q);
  u128 p = u128(a) * b % m.q;
  for (int i = 1; i < kChain; ++i)
    p = p * b % m.q;
  return uint64_t((p + p) % m.q);
}

/// The C++ baseline: a * b mod Q with a compile-time Q.
template <typename Word, uint64_t Q>
__attribute__((noinline)) void cxxProducts(const Word *a, const Word *b,
                                           Word *c, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    c[i] = Word(u128(a[i]) * b[i] % Q);
}

template <typename Word> Word *words(AlignedBuffer &buffer) {
  return buffer.as<Word>();
}

uint64_t load(const AlignedBuffer &buffer, unsigned width, int64_t i) {
  uint64_t v = 0;
  std::memcpy(&v, buffer.data + i * (width / 8), width / 8);
  return v;
}

/// y = T x mod Q for a constant T: BAT against the direct contraction.
int benchMatvec(mlir::MLIRContext &context) {
  const Modulus &m = kModuli[0];
  std::printf("\nModular matrix-vector product, constant R x R matrix, "
              "%s prime, 1 thread\n\n",
              m.label);
  std::printf("%-6s %14s %14s %10s\n", "R", "direct (us)", "BAT (us)",
              "BAT speedup");
  uint64_t seed = 0x853c49e6748fea9bull;
  auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return seed >> 16;
  };
  int failures = 0;
  for (int64_t r : {64, 128, 256, 512, 1024, 2048}) {
    std::vector<uint64_t> t(r * r), x(r);
    std::string values;
    for (int64_t i = 0; i < r; ++i) {
      values += i ? ", [" : "[";
      for (int64_t j = 0; j < r; ++j) {
        t[i * r + j] = next() % m.q;
        values += (j ? ", " : "") + std::to_string(t[i * r + j]);
      }
      values += "]";
    }
    AlignedBuffer xs(r * 4), ys(r * 4);
    for (int64_t j = 0; j < r; ++j) {
      x[j] = next() % m.q;
      xs.as<uint32_t>()[j] = uint32_t(x[j]);
    }
    std::string e = llvm::formatv("!modarith.int<{0} : i32>", m.q);
    std::string source = llvm::formatv(
        "func.func @k(%x: tensor<{0}x{1}>) -> tensor<{0}x{1}> {{\n"
        "  %t = modarith.constant dense<[{2}]> : tensor<{0}x{0}x{1}>\n"
        "  %y = modarith.matmul %t, %x : tensor<{0}x{0}x{1}>, tensor<{0}x{1}> "
        "-> tensor<{0}x{1}>\n"
        "  return %y : tensor<{0}x{1}>\n}\n",
        r, e, values);
    double times[2] = {0, 0};
    for (int bat = 0; bat < 2; ++bat) {
      auto module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
      anybit::CPUCompileOptions options;
      options.bat = bat;
      CompiledKernel compiled = compileKernel(*module, options);
      if (!compiled.fn) {
        std::printf("%-6lld %s does not compile\n", (long long)r,
                    bat ? "BAT" : "direct");
        ++failures;
        continue;
      }
      void *px = xs.data, *py = ys.data;
      void *args[] = {&px, &py};
      auto call = [&] { compiled.fn(args); };
      call();
      for (int64_t i = 0; i < r; ++i) {
        u128 sum = 0;
        for (int64_t j = 0; j < r; ++j)
          sum = (sum + u128(t[i * r + j]) * x[j]) % m.q;
        if (ys.as<uint32_t>()[i] != uint64_t(sum)) {
          std::printf("%-6lld %s WRONG at row %lld\n", (long long)r,
                      bat ? "BAT" : "direct", (long long)i);
          ++failures;
          break;
        }
      }
      times[bat] = timeCalls(call, nullptr, 0, 0.3).median;
    }
    std::printf("%-6lld %14.1f %14.1f %9.2fx\n", (long long)r, times[0] * 1e6,
                times[1] * 1e6, times[1] > 0 ? times[0] / times[1] : 0.0);
  }
  return failures;
}

} // namespace

int main(int argc, char **argv) {
  if (int status = handleArguments(
          argc, argv,
          "times c = a * b mod Q over 2^20 residues with every reduction "
          "method, and BAT against direct modular matrix-vector products");
      status >= 0)
    return status;
  auto owned = makeKernelContext();
  mlir::MLIRContext &context = *owned;

  AlignedBuffer big(size_t(1) << 30);
  std::memset(big.data, 1, big.size);
  double bandwidth = readBandwidth(big, streamsKernel(), 1, 3);
  std::printf("Modular multiplication of 2^20 residues, 1 thread; read "
              "bandwidth %.1f GB/s\n\n",
              bandwidth);
  std::printf("%-7s %-11s %-11s %10s %9s %12s %12s %10s\n", "modulus",
              "kernel", "method", "time (us)", "ns/prod", "vs remainder",
              "vs C++ %", "vs memory");

  uint64_t seed = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  int failures = 0;
  for (const Modulus &m : kModuli) {
    size_t bytes = size_t(kElements) * (m.width / 8);
    AlignedBuffer a(bytes), b(bytes), c(bytes);
    for (int64_t i = 0; i < kElements; ++i) {
      uint64_t x = next() % m.q, y = next() % m.q;
      std::memcpy(a.data + i * (m.width / 8), &x, m.width / 8);
      std::memcpy(b.data + i * (m.width / 8), &y, m.width / 8);
    }
    uint64_t constant = next() % m.q;

    // The C++ baseline, on a * b.
    auto cxx = [&] {
      if (m.width == 32)
        cxxProducts<uint32_t, 1073479681ull>(words<uint32_t>(a),
                                             words<uint32_t>(b),
                                             words<uint32_t>(c), kElements);
      else
        cxxProducts<uint64_t, 1152921504606830593ull>(
            words<uint64_t>(a), words<uint64_t>(b), words<uint64_t>(c),
            kElements);
    };
    cxx();
    double cxxTime = timeCalls(cxx, c.data, 0, 0.3).median;

    for (Kernel kernel : {Kernel::Product, Kernel::ByConstant, Kernel::Chain}) {
      int products = kernel == Kernel::Chain ? kChain : 1;
      // Reads a (and b) once, writes c once.
      double traffic = double(bytes) * (kernel == Kernel::ByConstant ? 2 : 3);
      double memoryTime = traffic / (bandwidth * 1e9);
      double remainderTime = 0;
      for (const Method &method : kMethods) {
        auto module = mlir::parseSourceString<mlir::ModuleOp>(
            kernelSource(m, kernel, constant), &context);
        anybit::CPUCompileOptions options;
        options.reduction = method.value;
        CompiledKernel compiled = compileKernel(*module, options);
        if (!compiled.fn) {
          std::printf("%-7s %-11s %-11s   does not compile\n", m.label,
                      kernelName(kernel), method.name);
          ++failures;
          continue;
        }
        void *pa = a.data, *pb = b.data, *pc = c.data;
        void *args[] = {&pa, &pb, &pc};
        auto call = [&] { compiled.fn(args); };
        call();
        int64_t wrong = 0;
        for (int64_t i = 0; i < kElements; ++i)
          wrong += load(c, m.width, i) !=
                   expected(m, kernel, constant, load(a, m.width, i),
                            load(b, m.width, i));
        if (wrong) {
          std::printf("%-7s %-11s %-11s   WRONG (%lld elements)\n", m.label,
                      kernelName(kernel), method.name, (long long)wrong);
          ++failures;
          continue;
        }
        double time = timeCalls(call, c.data, 0, 0.3).median;
        if (method.value == ModularReduction::Remainder)
          remainderTime = time;
        std::printf("%-7s %-11s %-11s %10.1f %9.3f %11.2fx %11s %9.2fx\n",
                    m.label, kernelName(kernel), method.name, time * 1e6,
                    time * 1e9 / (double(kElements) * products),
                    remainderTime / time,
                    kernel == Kernel::Product
                        ? llvm::formatv("{0:f2}x", cxxTime / time).str().c_str()
                        : "",
                    memoryTime / time);
      }
    }
    std::printf("%-7s %-11s %-11s %10.1f %9.3f %12s %11.2fx\n", m.label, "a*b",
                "C++ %", cxxTime * 1e6, cxxTime * 1e9 / double(kElements), "",
                1.0);
  }
  failures += benchMatvec(context);
  std::printf("\n'vs remainder' and 'vs C++ %%' are speedups (higher is "
              "faster); 'vs memory' is the share of the time the traffic "
              "alone would take at the measured bandwidth.\n");
  if (failures)
    std::printf("%d kernels failed\n", failures);
  return failures ? 1 : 0;
}
