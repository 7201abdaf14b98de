//===- ntt.cpp - Negacyclic NTT: Anybit against FLINT ---------------------===//
//
//   anybit-bench-ntt
//
// The negacyclic NTT of a batch of 16 rows, N = 2^12, 2^14, 2^16, modulo
// the 30-bit prime Q = 2^30 - 2^18 + 1 (i32 words), one thread:
//   - Anybit: `modarith.ntt` through the CPU pipeline (--modarith-ntt-radix2
//     then convert-modarith-to-arith), with Barrett and with Montgomery
//     reduction; and as MAT's three matmuls made int8 matmuls by BAT
//     (--modarith-ntt=mat --modarith-bat);
//   - a baseline measured in the same run: an iterative radix-2 NTT written
//     on FLINT's n_mulmod_shoup (precomputed twiddles, the fastest scalar
//     FLINT primitive for a fixed multiplier), natural order in and out like
//     the op;
//   - FLINT's nmod_poly_mul of two degree-(N-1) polynomials, the floor the
//     issue names (Kronecker substitution, not an NTT; one product stands
//     for the three transforms of a negacyclic product);
//   - for scale only (not measured here): Intel HEXL's AVX-512-IFMA NTT on
//     one core of the target machine kind, as the issue quotes it.
// Anybit's output is checked against the FLINT NTT (and a few outputs of
// both against the defining sum) before timing.
//
//===----------------------------------------------------------------------===//

#include "BenchSupport.h"
#include "KernelSupport.h"

#include "ModArith/NumberTheory.h"

#include "anybit/Target/CPU.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"

#include <flint/nmod_poly.h>
#include <flint/ulong_extras.h>

#include <string>

using anybit::modarith::mulMod;
using anybit::modarith::powMod;
using u128 = unsigned __int128;

namespace {

constexpr uint64_t kQ = 1073479681; // 2^30 - 2^18 + 1
constexpr int64_t kBatch = 16;

/// psi of order 2N, as modarith.ntt chooses it when given no root.
uint64_t findPsi(int64_t n) {
  return *anybit::modarith::findRootOfOrder(2 * n, kQ);
}

/// An iterative negacyclic NTT on FLINT's Shoup multiplication: twist by
/// psi^j, Gentleman-Sande stages with omega = psi^2 (bit-reversed output),
/// then the bit-reversal permutation.
class FlintNtt {
public:
  explicit FlintNtt(int64_t n) : n(n), scratch(n) {
    uint64_t psi = findPsi(n), omega = powMod(psi, 2, kQ);
    for (int64_t j = 0, p = 1; j < n; ++j, p = int64_t(mulMod(p, psi, kQ)))
      add(twist, uint64_t(p));
    for (int64_t m = n / 2; m >= 1; m /= 2) {
      uint64_t w = powMod(omega, n / (2 * m), kQ);
      for (int64_t j = 0, p = 1; j < m; ++j, p = int64_t(mulMod(p, w, kQ)))
        add(twiddles, uint64_t(p));
    }
    unsigned bits = FLINT_BIT_COUNT(n) - 1;
    for (int64_t i = 0; i < n; ++i) {
      uint64_t r = 0;
      for (unsigned b = 0; b < bits; ++b)
        r |= ((uint64_t(i) >> b) & 1) << (bits - 1 - b);
      reversed.push_back(r);
    }
  }

  void operator()(const uint32_t *in, uint32_t *out) {
    for (int64_t j = 0; j < n; ++j)
      scratch[j] = n_mulmod_shoup(twist[j].w, in[j], twist[j].shoup, kQ);
    size_t t = 0;
    for (int64_t m = n / 2; m >= 1; m /= 2, t += m * 2)
      for (int64_t block = 0; block < n; block += 2 * m)
        for (int64_t j = 0; j < m; ++j) {
          uint64_t u = scratch[block + j], v = scratch[block + j + m];
          uint64_t sum = u + v, diff = u + kQ - v;
          scratch[block + j] = sum >= kQ ? sum - kQ : sum;
          const Twiddle &w = twiddles[t + j];
          scratch[block + j + m] = n_mulmod_shoup(w.w, diff, w.shoup, kQ);
        }
    for (int64_t i = 0; i < n; ++i)
      out[i] = uint32_t(scratch[reversed[i]]);
  }

private:
  struct Twiddle {
    uint64_t w, shoup;
  };
  static void add(std::vector<Twiddle> &table, uint64_t w) {
    table.push_back({w, n_mulmod_precomp_shoup(w, kQ)});
  }

  int64_t n;
  std::vector<Twiddle> twist, twiddles;
  std::vector<uint64_t> reversed;
  std::vector<uint64_t> scratch;
};

std::string kernelSource(int64_t n) {
  std::string t = llvm::formatv("tensor<{0}x{1}x!modarith.int<{2} : i32>>",
                                kBatch, n, kQ);
  return llvm::formatv("func.func @k(%x: {0}) -> {0} {\n"
                       "  %y = modarith.ntt %x : {0}\n"
                       "  return %y : {0}\n}\n",
                       t);
}

// Intel HEXL, one Zen 4 core, 30-bit prime (the figures).
double hexlMicroseconds(int64_t n) {
  return n == 4096 ? 6.0 : n == 16384 ? 31.6 : n == 65536 ? 145.0 : 0;
}

} // namespace

int main(int argc, char **argv) {
  if (int status = handleArguments(argc, argv,
                                   "times negacyclic NTTs (batch 16, N = "
                                   "2^12, 2^14, 2^16, 30-bit prime) against "
                                   "FLINT");
      status >= 0)
    return status;
  auto owned = makeKernelContext();
  mlir::MLIRContext &context = *owned;

  std::printf("Negacyclic NTT, batch %lld, Q = %llu (30 bits), 1 thread; "
              "time per transform\n\n",
              (long long)kBatch, (unsigned long long)kQ);
  std::printf("%-6s %-24s %11s %10s %13s %13s\n", "N", "implementation",
              "time (us)", "bfly/ns", "vs FLINT NTT", "vs HEXL*");
  int failures = 0;
  uint64_t seed = 0x2545f4914f6cdd1dull;
  for (int64_t n : {int64_t(4096), int64_t(16384), int64_t(65536)}) {
    size_t bytes = size_t(kBatch * n) * 4;
    AlignedBuffer in(bytes), out(bytes), want(bytes);
    for (int64_t i = 0; i < kBatch * n; ++i) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      in.as<uint32_t>()[i] = uint32_t((seed >> 20) % kQ);
    }
    double butterflies = double(n) / 2 * std::log2(double(n));

    FlintNtt flint(n);
    auto flintBatch = [&] {
      for (int64_t r = 0; r < kBatch; ++r)
        flint(in.as<uint32_t>() + r * n, want.as<uint32_t>() + r * n);
    };
    flintBatch();
    // A few outputs of the first row against the defining sum.
    uint64_t psi = findPsi(n);
    for (int64_t k : {int64_t(0), int64_t(1), n - 1}) {
      u128 sum = 0;
      uint64_t step = powMod(psi, 2 * k + 1, kQ), p = 1;
      for (int64_t j = 0; j < n; ++j, p = mulMod(p, step, kQ))
        sum = (sum + u128(in.as<uint32_t>()[j]) * p) % kQ;
      if (uint64_t(sum) != want.as<uint32_t>()[k]) {
        std::printf("FLINT NTT output %lld is wrong\n", (long long)k);
        ++failures;
      }
    }
    double flintTime = timeCalls(flintBatch, nullptr, 0, 0.3).median / kBatch;

    auto row = [&](const char *name, double seconds) {
      double hexl = hexlMicroseconds(n);
      std::printf("%-6lld %-24s %11.1f %10.3f %12.2fx %12.2fx\n", (long long)n,
                  name, seconds * 1e6, butterflies / (seconds * 1e9),
                  flintTime / seconds, hexl * 1e-6 / seconds);
    };
    struct Lowering {
      const char *name;
      anybit::ModularReduction method;
      anybit::NttLowering ntt;
    };
    for (auto [name, method, ntt] :
         {Lowering{"anybit radix-2 Barrett", anybit::ModularReduction::Barrett,
                   anybit::NttLowering::Radix2},
          Lowering{"anybit radix-2 Montgomery",
                   anybit::ModularReduction::Montgomery,
                   anybit::NttLowering::Radix2},
          Lowering{"anybit MAT+BAT Barrett", anybit::ModularReduction::Barrett,
                   anybit::NttLowering::Mat}}) {
      auto module = mlir::parseSourceString<mlir::ModuleOp>(kernelSource(n),
                                                            &context);
      anybit::CPUCompileOptions options;
      options.reduction = method;
      options.ntt = ntt;
      options.bat = ntt == anybit::NttLowering::Mat;
      auto t0 = Clock::now();
      CompiledKernel compiled = compileKernel(*module, options);
      if (!compiled.fn) {
        std::printf("%-6lld %-24s does not compile\n", (long long)n, name);
        ++failures;
        continue;
      }
      void *pin = in.data, *pout = out.data;
      void *args[] = {&pin, &pout};
      auto call = [&] { compiled.fn(args); };
      call();
      double compile = seconds(t0, Clock::now());
      if (std::memcmp(out.data, want.data, bytes) != 0) {
        std::printf("%-6lld %-24s WRONG\n", (long long)n, name);
        ++failures;
        continue;
      }
      row(name, timeCalls(call, nullptr, 0, 0.3).median / kBatch);
      std::fprintf(stderr, "  (compiled in %.2f s)\n", compile);
    }
    row("FLINT n_mulmod_shoup NTT", flintTime);

    // nmod_poly_mul of two random degree-(N-1) polynomials.
    nmod_poly_t a, b, c;
    nmod_poly_init(a, kQ);
    nmod_poly_init(b, kQ);
    nmod_poly_init(c, kQ);
    for (int64_t i = 0; i < n; ++i) {
      nmod_poly_set_coeff_ui(a, i, in.as<uint32_t>()[i]);
      nmod_poly_set_coeff_ui(b, i, in.as<uint32_t>()[n + i]);
    }
    auto polyMul = [&] { nmod_poly_mul(c, a, b); };
    polyMul();
    row("FLINT nmod_poly_mul", timeCalls(polyMul, nullptr, 0, 0.3).median);
    nmod_poly_clear(a);
    nmod_poly_clear(b);
    nmod_poly_clear(c);
    std::printf("%-6lld %-24s %11.1f %10.3f\n", (long long)n, "HEXL* (issue)",
                hexlMicroseconds(n), butterflies / (hexlMicroseconds(n) * 1e3));
  }
  std::printf("\n* Intel HEXL's AVX-512-IFMA NTT on one core of this machine "
              "kind, as the issue quotes it; not measured here. 'vs' columns "
              "are speedups (higher is faster).\n");
  if (failures)
    std::printf("%d failures\n", failures);
  return failures ? 1 : 0;
}
