//===- TernaryTest.cpp - Ternary kernels against the reference VM ---------===//
//
// Random anybit.bitlinear, anybit.ternarize and int8 x trit (or int8 x
// integer of 1..8 bits) anybit.matmul kernels, compiled for the host and
// compared with the reference VM bit for bit: random shapes (K not a
// multiple of the vector block, and K not a multiple of the codes per
// byte, which takes the generic contraction), 2-bit, base-3 and tiled
// packings, dense and word-aligned integer packings, random trits,
// integers, activations and scales; each lowering (add/sub with AVX-512
// VNNI and VBMI, AVX-512 VNNI alone, AVX-VNNI and portable vectors; the
// lookup-table kernel with AVX-512 BW, AVX2 and portable gathers; the
// generic contraction), on 1 and 2 threads.
//
//===----------------------------------------------------------------------===//

#include "Anybit/AnybitDialect.h"
#include "anybit/Interp/ElementCodec.h"
#include "anybit/Interp/Interpreter.h"
#include "anybit/Support/BitPacking.h"
#include "anybit/Target/CPU.h"

#include "Sweep.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"
#include "gtest/gtest.h"
#include <random>

using namespace mlir;

namespace {

/// A lowering of the int8 x trit product, and the target features that
/// select the vpdpbusd width.
struct Lowering {
  const char *name;
  anybit::TernaryLowering ternary;
  const char *features;
};

/// Auto takes add/sub for row-major codes and the lookup table for tiled
/// ones; the explicit choices send the other layouts to the generic
/// contraction.
constexpr Lowering kLowerings[] = {
    {"auto-host", anybit::TernaryLowering::Auto, ""},
    {"addsub-no-vbmi", anybit::TernaryLowering::AddSub, "-avx512vbmi"},
    {"addsub-avxvnni", anybit::TernaryLowering::AddSub, "-avx512vnni"},
    {"addsub-portable", anybit::TernaryLowering::AddSub,
     "-avx512vnni,-avxvnni"},
    {"auto-avx2", anybit::TernaryLowering::Auto, "-avx512f,-avxvnni"},
    {"auto-no-avx2", anybit::TernaryLowering::Auto, "-avx2"},
    {"lut-host", anybit::TernaryLowering::LookupTable, ""},
    {"generic", anybit::TernaryLowering::Generic, ""}};

class TernaryTest : public ::testing::Test {
protected:
  TernaryTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    anybit::registerInterpreterDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  int64_t randomK() {
    // Mostly multiples of 4 around the 128- and 256-code blocks.
    static const int64_t ks[] = {4,   8,   60,  64,  128, 132, 256,
                                 260, 384, 520, 5,   160, 320, 645};
    return rng() % 5 == 0 ? 1 + rng() % 40 : ks[rng() % std::size(ks)];
  }

  std::string trits(int64_t n, int64_t k) {
    // Tiles of R rows and 4 columns: the lookup-table kernel's layout; other
    // tiles are read one element at a time.
    if (n % 32 == 0 && k % 4 == 0 && rng() % 3)
      return llvm::formatv("tensor<{0}x{1}x!anybit.trit, "
                           "#anybit.packed<tile = [{2}, 4]>>",
                           n, k, rng() % 2 ? n : 32);
    if (k % 2 == 0 && rng() % 8 == 0)
      return llvm::formatv("tensor<{0}x{1}x!anybit.trit, "
                           "#anybit.packed<tile = [1, 2]>>",
                           n, k);
    static const char *encodings[] = {"#anybit.packed<>",
                                      "#anybit.packed<base3 = true>",
                                      "#anybit.packed<word = 32>",
                                      "#anybit.packed<base3 = true>",
                                      ("#anybit.packed<word = 16, straddle "
                                       "= false>")};
    return llvm::formatv("tensor<{0}x{1}x!anybit.trit, {2}>", n, k,
                         encodings[rng() % std::size(encodings)]);
  }

  /// An N x K tensor of a random integer type of 1..8 bits, packed so that
  /// element i sits at bit i * bits (or not, where the words leave gaps).
  std::string integers(int64_t n, int64_t k) {
    static const char *prefixes[] = {"i", "si", "ui"};
    static const char *encodings[] = {
        "#anybit.packed<>", "#anybit.packed<word = 32>",
        "#anybit.packed<word = 16, straddle = false>",
        "#anybit.packed<word = 64, straddle = false>"};
    return llvm::formatv("tensor<{0}x{1}x{2}{3}, {4}>", n, k,
                         prefixes[rng() % 3], 1 + rng() % 8,
                         encodings[rng() % std::size(encodings)]);
  }

  /// One random kernel named @f<index>.
  std::string randomKernel(int index) {
    int64_t b = 1 + rng() % 9, k = randomK();
    // Tiles of 32..128 rows, and 96 (not a multiple of a zmm).
    int64_t n = rng() % 4 == 0 ? (rng() % 4 ? int64_t(32) << rng() % 3 : 96)
                               : 1 + rng() % 24;
    std::string w = trits(n, k);
    switch (rng() % 3) {
    case 0: {
      // Integer weights take the same kernel, as codes w + 2^(bits-1) (or
      // w); K a multiple of 8 keeps rows on a byte for every width.
      if (rng() % 4 == 0)
        w = rng() % 2 ? llvm::formatv("tensor<{0}x{1}xi8>", n, k).str()
                      : llvm::formatv("tensor<{0}x{1}xi8, #anybit.packed<word "
                                      "= 64>>",
                                      n, k)
                            .str();
      else if (rng() % 3 == 0) {
        if (rng() % 4)
          k = (k + 7) / 8 * 8;
        w = integers(n, k);
      }
      std::string a = llvm::formatv("tensor<{0}x{1}xi8>", b, k);
      std::string c = llvm::formatv("tensor<{0}x{1}xi32>", b, n);
      return llvm::formatv(
          "func.func @f{0}(%a: {1}, %w: {2}) -> {3} {{\n"
          "  %c = anybit.matmul %a, %w {{accumulator = i32, transpose_rhs} "
          ": {1}, {2} -> {3}\n  return %c : {3}\n}\n",
          index, a, w, c);
    }
    case 1: {
      const char *types[] = {"f32", "f16", "bf16", "f64"};
      std::string in = types[rng() % 4], out = types[rng() % 4];
      std::string x = llvm::formatv("tensor<{0}x{1}x{2}>", b, k, in);
      std::string y = llvm::formatv("tensor<{0}x{1}x{2}>", b, n, out);
      bool norm = rng() % 2;
      std::string g = llvm::formatv("tensor<{0}xf32>", k);
      return llvm::formatv(
          "func.func @f{0}(%x: {1}, %w: {2}, %m: tensor<f32>{3}) -> {4} {{\n"
          "  %y = anybit.bitlinear %x, %w, %m{5} {{epsilon = {6} : f64} : "
          "{1}, {2}, tensor<f32>{7} -> {4}\n  return %y : {4}\n}\n",
          index, x, w, norm ? ", %g: " + g : "", y, norm ? " norm(%g)" : "",
          rng() % 2 ? "1.0e-6" : "0.0", norm ? ", " + g : "");
    }
    default: {
      std::string in = llvm::formatv("tensor<{0}x{1}xf32>", n, k);
      return llvm::formatv(
          "func.func @f{0}(%w: {1}) -> ({2}, tensor<f32>) {{\n"
          "  %t, %m = anybit.ternarize %w : {1} -> {2}, tensor<f32>\n"
          "  return %t, %m : {2}, tensor<f32>\n}\n",
          index, in, w);
    }
    }
  }

  /// A random value of `type`: trits (logical or packed), int8, floats of
  /// a few magnitudes (some rows all zero) or a positive scale.
  anybit::RtValue randomValue(Type type) {
    auto tensor = cast<RankedTensorType>(type);
    Type element = tensor.getElementType();
    anybit::ElementCodec codec(element);
    std::vector<uint64_t> values(tensor.getNumElements());
    double magnitude = std::ldexp(1.0, int(rng() % 12) - 6);
    bool zeros = rng() % 10 == 0;
    for (uint64_t &v : values) {
      if (isa<anybit::TritType>(element))
        v = codec.fromInt(int(rng() % 3) - 1);
      else if (codec.isInteger())
        v = codec.fromInt(int(rng() % 256) - 128);
      else if (tensor.getRank() == 0)
        v = codec.fromDouble(0.25 + double(rng() % 1000) / 500);
      else
        v = codec.fromDouble(
            zeros ? 0.0 : magnitude * (double(rng() % 20001) - 10000) / 10000);
    }
    auto enc = anybit::getPackedEncoding(type);
    if (!enc)
      return anybit::RtValue::tensor(tensor, std::move(values));
    anybit::PackedPlanes planes;
    planes.data = enc.packData(tensor.getShape(), element, values);
    return anybit::RtValue::packedTensor(tensor, std::move(planes));
  }

  static bool sameBits(const anybit::RtValue &a, const anybit::RtValue &b) {
    if (a.isPacked() != b.isPacked())
      return false;
    if (a.isPacked())
      return a.getPlanes().data == b.getPlanes().data;
    return a.getElements() == b.getElements();
  }

  MLIRContext context;
  std::mt19937_64 rng{anybit::test::sweepSeed(0x7e47a1)};
};

TEST_F(TernaryTest, KernelsMatchTheReferenceVMBitForBit) {
  int cases = 0;
  for (int module = 0; module < 8 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 8; ++f)
      source += randomKernel(f);
    OwningOpRef<ModuleOp> parsed =
        parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(parsed) << source;
    const Lowering &lowering = kLowerings[module % std::size(kLowerings)];
    anybit::CPUCompileOptions options;
    options.ternary = lowering.ternary;
    options.features = lowering.features;
    options.threads = module % 3 == 2 ? 2 : 1;
    auto exe = anybit::CPUExecutable::compile(*parsed, options);
    ASSERT_TRUE(succeeded(exe)) << lowering.name << "\n" << source;
    for (auto fn : parsed->getOps<func::FuncOp>()) {
      SmallVector<anybit::RtValue> args;
      for (Type t : fn.getArgumentTypes())
        args.push_back(randomValue(t));
      auto want = anybit::interpret(*parsed, fn.getSymName(), args);
      ASSERT_TRUE(succeeded(want));
      auto got = (*exe)->run(fn.getSymName(), args, fn.getLoc());
      ASSERT_TRUE(succeeded(got)) << lowering.name << "\n" << source;
      for (size_t r = 0; r < want->size(); ++r) {
        std::string what;
        llvm::raw_string_ostream os(what);
        fn.print(os);
        ASSERT_TRUE(sameBits((*got)[r], (*want)[r]))
            << lowering.name << ", result " << r << " of\n" << what;
      }
      ++cases;
    }
  }
  EXPECT_EQ(cases, 64 * anybit::test::sweepScale());
}

} // namespace
