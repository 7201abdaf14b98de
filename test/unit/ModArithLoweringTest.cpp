//===- ModArithLoweringTest.cpp - modarith-to-arith, compiled and checked -===//
//
// - Exhaustive: for every modulus Q < 2^12 and every pair of residues, the
//   Barrett, Montgomery and Shoup code that convert-modarith-to-arith emits
//   (built by the same functions, with the plan's constants passed as
//   arguments, so one compiled sweep serves every modulus) equals a * b
//   mod Q.
// - Random kernels: every modarith op, random moduli of 2..64 bits in
//   random storage widths, compiled with each reduction method, equal the
//   reference VM bit for bit; a method is refused exactly when its stated
//   bound excludes the modulus.
// - Random operands: moduli of 20..62 bits (primes and non-primes), a
//   million products and multiply-adds per method against 128-bit
//   arithmetic.
// - Lazy reduction: random sums of products (adds, muls, macs) at random
//   moduli of 2..64 bits, reduced once in wide integers, against the VM.
// - Modular matmuls: direct (a contraction of macs) and BAT (int8 matmuls
//   over bytes, as vpdpbusd where the host has VNNI) against the VM at
//   random moduli, shapes and methods.
// - Transforms: modarith.ntt/intt (radix-2 butterflies, and MAT's matmuls
//   with and without BAT) for N = 4..4096 and
//   several NTT-friendly primes against the VM's O(N^2) definition;
//   intt(ntt(x)) = x and negacyclic products against schoolbook
//   multiplication modulo X^N + 1.
//
//===----------------------------------------------------------------------===//

#include "ModArith/NumberTheory.h"
#include "ModularReduction.h"
#include "anybit/Interp/Interpreter.h"
#include "anybit/Interp/ValueIO.h"
#include "anybit/Target/CPU.h"

#include "Sweep.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"
#include "gtest/gtest.h"
#include <numeric>
#include <random>

using namespace mlir;
using namespace anybit;
using namespace anybit::codegen;
using llvm::APInt;
using modarith::mulMod;
using modarith::powMod;

namespace {

using u128 = unsigned __int128;

constexpr ModularReduction kMethods[] = {
    ModularReduction::Auto, ModularReduction::Barrett,
    ModularReduction::Montgomery, ModularReduction::Shoup,
    ModularReduction::Remainder};

const char *nameOf(ModularReduction m) {
  return stringifyModularReduction(m);
}

unsigned bitsOf(uint64_t v) { return 64 - llvm::countl_zero(v); }

class ModArithLoweringTest : public ::testing::Test {
protected:
  ModArithLoweringTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    registerInterpreterDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Compiles `module`, or returns null and the diagnostics.
  std::unique_ptr<CPUExecutable> compile(ModuleOp module,
                                         const CPUCompileOptions &options,
                                         std::string &diagnostics) {
    ScopedDiagnosticHandler capture(&context, [&](Diagnostic &d) {
      diagnostics += d.str() + "\n";
      return success();
    });
    auto exe = CPUExecutable::compile(module, options);
    return succeeded(exe) ? std::move(*exe) : nullptr;
  }
  std::unique_ptr<CPUExecutable> compile(ModuleOp module,
                                         ModularReduction method,
                                         std::string &diagnostics) {
    CPUCompileOptions options;
    options.reduction = method;
    return compile(module, options, diagnostics);
  }

  /// Random residues modulo `q` for every argument of `fn` (tensors of
  /// residues), Q - 1 one time in four.
  SmallVector<RtValue> randomResidues(func::FuncOp fn, uint64_t q) {
    SmallVector<RtValue> args;
    for (Type type : fn.getArgumentTypes()) {
      auto tensor = cast<RankedTensorType>(type);
      std::vector<uint64_t> elements(tensor.getNumElements());
      for (uint64_t &v : elements)
        v = rng() % 4 == 0 ? q - 1 : rng() % q;
      args.push_back(RtValue::tensor(tensor, std::move(elements)));
    }
    return args;
  }

  MLIRContext context;
  std::mt19937_64 rng{test::sweepSeed(0x40d)};
};

//===----------------------------------------------------------------------===//
// Exhaustive sweeps over small moduli
//===----------------------------------------------------------------------===//

/// Builds `func @name(args: i64...) -> i64` that counts the pairs (a, b) in
/// [0, Q)^2 where `body(a, b, args)` (16-bit words) differs from
/// `expected(a, b, args)`; Q is the first argument.
using SweepBody =
    function_ref<Value(Emitter &, Value a, Value b, ValueRange args)>;

void buildSweep(OpBuilder &b, Location loc, StringRef name, unsigned numArgs,
                SweepBody body, SweepBody expected) {
  Type i64 = b.getI64Type(), i16 = b.getI16Type();
  SmallVector<Type> inputs(numArgs, i64);
  auto fn = func::FuncOp::create(b, loc, name,
                                 b.getFunctionType(inputs, {i64}));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(fn.addEntryBlock());
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value count0 = arith::ConstantIntOp::create(b, loc, i64, 0);
  Value q = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                       fn.getArgument(0));
  ValueRange args = fn.getArguments();
  auto outer = scf::ForOp::create(
      b, loc, zero, q, one, ValueRange{count0},
      [&](OpBuilder &b, Location loc, Value ia, ValueRange outerIter) {
        auto inner = scf::ForOp::create(
            b, loc, zero, q, one, outerIter,
            [&](OpBuilder &b, Location loc, Value ib, ValueRange iter) {
              Emitter e{b, loc};
              auto toWord = [&](Value index) {
                return e.trunc(i16, arith::IndexCastOp::create(
                                        b, loc, i64, index));
              };
              Value a = toWord(ia), bb = toWord(ib);
              Value got = body(e, a, bb, args);
              Value want = expected(e, a, bb, args);
              Value differs = e.zext(
                  i64, e.cmpi(arith::CmpIPredicate::ne, got, want));
              scf::YieldOp::create(b, loc, e.add(iter[0], differs));
            });
        scf::YieldOp::create(b, loc, inner.getResults());
      });
  func::ReturnOp::create(b, loc, outer.getResults());
}

/// (a * b) mod Q in 16 bits, by a floating-point division (which, unlike
/// an integer one, vectorizes): a * b < 2^24, so the f64 quotient's floor
/// is exact.
Value productModQ(Emitter &e, Value a, Value b, Value q64) {
  Type i32 = e.b.getI32Type(), f64 = e.b.getF64Type();
  Value q = e.trunc(i32, q64);
  Value x = e.mul(e.zext(i32, a), e.zext(i32, b));
  Value ratio = arith::DivFOp::create(
      e.b, e.loc, arith::UIToFPOp::create(e.b, e.loc, f64, x),
      arith::UIToFPOp::create(e.b, e.loc, f64, q));
  Value quotient = arith::FPToUIOp::create(e.b, e.loc, i32, ratio);
  return e.trunc(e.b.getI16Type(), e.sub(x, e.mul(quotient, q)));
}

TEST_F(ModArithLoweringTest, ExhaustiveForEveryModulusBelow4096) {
  constexpr unsigned kWidth = 16, kMaxQ = 4096;
  // Every Q < 2^12 takes the one-subtraction plan with 16-bit words; the
  // sweep compiles that structure once and passes each Q's constants.
  APInt productMax(32, (kMaxQ - 2) * (kMaxQ - 2));
  auto shape = planBarrett(kMaxQ - 1, productMax, kWidth);
  ASSERT_TRUE(bool(shape)) << llvm::toString(shape.takeError());

  OpBuilder b(&context);
  Location loc = b.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  Type i16 = b.getI16Type(), i32 = b.getI32Type();

  // barrett(Q, mu, inputShift, quotientShift)
  buildSweep(
      b, loc, "barrett", 4,
      [&](Emitter &e, Value a, Value x, ValueRange args) {
        Value product = e.mul(e.zext(i32, a), e.zext(i32, x));
        BarrettValues v{e.trunc(i16, args[0]), e.trunc(i16, args[1]),
                        e.trunc(i32, args[2]), e.trunc(i32, args[3])};
        return emitBarrett(e, product, *shape, v, kWidth);
      },
      [&](Emitter &e, Value a, Value x, ValueRange args) {
        return productModQ(e, a, x, args[0]);
      });
  // montgomery(Q, Q^-1 mod 2^16, 2^32 mod Q): into Montgomery form, one
  // product, and back out, as the lowering does across a function.
  buildSweep(
      b, loc, "montgomery", 3,
      [&](Emitter &e, Value a, Value x, ValueRange args) {
        Value q = e.trunc(i16, args[0]), inverse = e.trunc(i16, args[1]);
        Value r2 = e.trunc(i32, args[2]);
        auto redc = [&](Value t) {
          return emitRedc(e, t, q, inverse, kWidth);
        };
        Value am = redc(e.mul(e.zext(i32, a), r2));
        Value xm = redc(e.mul(e.zext(i32, x), r2));
        Value pm = redc(e.mul(e.zext(i32, am), e.zext(i32, xm)));
        return redc(e.zext(i32, pm));
      },
      [&](Emitter &e, Value a, Value x, ValueRange args) {
        return productModQ(e, a, x, args[0]);
      });
  // shoup(Q): every constant c = a with its companion floor(c * 2^16 / Q).
  buildSweep(
      b, loc, "shoup", 1,
      [&](Emitter &e, Value c, Value x, ValueRange args) {
        Value q = e.trunc(i16, args[0]);
        Value companion = e.trunc(
            i16, arith::DivUIOp::create(e.b, e.loc,
                                        e.shl(e.zext(i32, c), e.intc(i32, 16)),
                                        e.trunc(i32, args[0])));
        return emitShoupMul(e, x, c, companion, q, kWidth);
      },
      [&](Emitter &e, Value a, Value x, ValueRange args) {
        return productModQ(e, a, x, args[0]);
      });

  std::string diagnostics;
  auto exe = compile(*module, ModularReduction::Auto, diagnostics);
  ASSERT_TRUE(exe) << diagnostics;
  Type i64 = b.getI64Type();
  auto scalar = [&](uint64_t v) { return RtValue::scalar(i64, v); };
  auto mismatches = [&](StringRef entry, ArrayRef<RtValue> args) {
    auto result = exe->run(entry, args, loc);
    EXPECT_TRUE(succeeded(result));
    return succeeded(result) ? (*result)[0].getScalarBits() : ~0ull;
  };
  uint64_t pairs = 0;
  for (uint64_t q = 2; q < kMaxQ; ++q) {
    APInt xMax(32, (q - 1) * (q - 1));
    auto plan = planBarrett(q, xMax, kWidth);
    ASSERT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
    ASSERT_EQ(plan->subtractions, shape->subtractions) << "Q = " << q;
    ASSERT_EQ(plan->remainderWidth, shape->remainderWidth) << "Q = " << q;
    EXPECT_EQ(mismatches("barrett", {scalar(q), scalar(plan->mu.getZExtValue()),
                                     scalar(plan->inputShift),
                                     scalar(plan->quotientShift)}),
              0u)
        << "Barrett, Q = " << q;
    EXPECT_EQ(mismatches("shoup", {scalar(q)}), 0u) << "Shoup, Q = " << q;
    if (q % 2) {
      auto mont = planMontgomery(q, kWidth);
      ASSERT_TRUE(bool(mont));
      EXPECT_EQ(mismatches("montgomery",
                           {scalar(q), scalar(mont->inverse.getZExtValue()),
                            scalar(mont->rSquared.getZExtValue())}),
                0u)
          << "Montgomery, Q = " << q;
    }
    pairs += q * q;
  }
  EXPECT_GT(pairs, 20'000'000'000ull);
}

//===----------------------------------------------------------------------===//
// Random kernels against the reference VM
//===----------------------------------------------------------------------===//

/// What `method` promises for the random kernels' ops at modulus Q in iW.
enum class Expect { Lowers, MayRefuse, Refuses };

Expect expectation(ModularReduction method, uint64_t q, unsigned w) {
  switch (method) {
  case ModularReduction::Barrett:
    // Guaranteed below 2^(W-1); above, when the constants happen to fit.
    return bitsOf(q) < w ? Expect::Lowers : Expect::MayRefuse;
  case ModularReduction::Shoup: // and Barrett for the other products
    if (bitsOf(q) < w)
      return Expect::Lowers;
    return q > (1ull << (w - 1)) ? Expect::Refuses : Expect::MayRefuse;
  case ModularReduction::Montgomery:
    return q % 2 ? Expect::Lowers : Expect::Refuses;
  default:
    return Expect::Lowers;
  }
}

TEST_F(ModArithLoweringTest, RandomKernelsMatchTheVM) {
  constexpr int64_t kN = 37;
  int compared = 0, refused = 0;
  for (int trial = 0; trial < 36 * test::sweepScale(); ++trial) {
    unsigned n = 2 + rng() % 63; // bits of Q
    unsigned w = trial % 3 == 0 ? n + rng() % (65 - n)
                                : std::max(n, 8u << (rng() % 4));
    w = std::min(w, 64u);
    uint64_t q = (n == 64 ? 1ull << 63 : 1ull << (n - 1)) |
                 (rng() & (n == 64 ? ~0ull : (1ull << n) - 1));
    if (trial % 4 == 0)
      q |= 1; // odd moduli are Montgomery's
    unsigned v = w < 64 ? w + 1 + rng() % (64 - w) : 0; // reduce's width
    std::string m = llvm::formatv("!modarith.int<{0} : i{1}>", q, w);
    std::string t = llvm::formatv("tensor<{0}x{1}>", kN, m);
    std::string constants;
    for (int64_t i = 0; i < kN; ++i)
      constants += (i ? ", " : "") + std::to_string(rng() % q);
    std::string reduceArgs = v ? llvm::formatv(", %y: tensor<{0}xi{1}>", kN, v)
                               : std::string();
    std::string source = llvm::formatv(R"mlir(
func.func @k(%a: {0}, %b: {0}, %c: {0}, %x: tensor<{1}xi{2}>{3})
    -> ({0}, {0}, {0}, {0}, {0}, {0}, {0}, tensor<{1}xi{2}>) {
  %k = modarith.constant dense<[{4}]> : {0}
  %p = modarith.mul %a, %b : {0}
  %kp = modarith.mul %k, %a : {0}
  %m = modarith.mac %a, %b, %c : {0}
  %km = modarith.mac %b, %k, %c : {0}
  %s = modarith.add %p, %kp : {0}
  %d = modarith.sub %m, %s : {0}
  %n = modarith.neg %d : {0}
  %e = modarith.encapsulate %x : tensor<{1}xi{2}> -> {0}
  {5}
  %em = modarith.mac %e, %r, %km : {0}
  %out = modarith.extract %em : {0} -> tensor<{1}xi{2}>
  return %p, %kp, %m, %km, %n, %e, %em, %out
    : {0}, {0}, {0}, {0}, {0}, {0}, {0}, tensor<{1}xi{2}>
}
)mlir",
                                       t, kN, w, reduceArgs, constants,
                                       v ? llvm::formatv(
                                               "%r = modarith.reduce %y : "
                                               "tensor<{0}xi{1}> -> {2}",
                                               kN, v, t)
                                               .str()
                                         : std::string("%r = modarith.neg %e : ") + t);
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module) << source;
    auto fn = *module->getOps<func::FuncOp>().begin();

    // Residues in [0, Q), plain words of random bits, edges weighted.
    auto random = [&](Type type, uint64_t bound, unsigned bits) {
      std::vector<uint64_t> elements(kN);
      uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
      for (uint64_t &x : elements) {
        uint64_t r = rng() % 3 == 0 ? (rng() % 2 ? rng() % 3 : ~0ull - rng() % 3)
                                    : rng();
        x = bound ? (r & mask) % bound : r & mask;
      }
      return RtValue::tensor(cast<RankedTensorType>(type), std::move(elements));
    };
    SmallVector<RtValue> args;
    for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes()))
      args.push_back(i < 3 ? random(type, q, 64)
                           : random(type, 0, i == 3 ? w : v));
    auto want = interpret(*module, "k", args);
    ASSERT_TRUE(succeeded(want)) << source;

    for (ModularReduction method : kMethods) {
      std::string diagnostics;
      auto exe = compile(*module, method, diagnostics);
      Expect expect = expectation(method, q, w);
      if (expect != Expect::MayRefuse)
        ASSERT_EQ(bool(exe), expect == Expect::Lowers)
            << nameOf(method) << " for Q = " << q << " in i" << w << ":\n"
            << diagnostics;
      if (!exe) {
        EXPECT_NE(diagnostics.find("op cannot use"), std::string::npos)
            << diagnostics;
        ++refused;
        continue;
      }
      auto got = exe->run("k", args, fn.getLoc());
      ASSERT_TRUE(succeeded(got));
      for (auto [i, g, r] : llvm::enumerate(*got, *want)) {
        std::string text;
        llvm::raw_string_ostream os(text);
        printValue(os, g);
        os << "\nVM:\n";
        printValue(os, r);
        EXPECT_EQ(g.getElements(), r.getElements())
            << nameOf(method) << " result " << i << ", Q = " << q << " in i"
            << w << "\ncompiled:\n"
            << text << "\n"
            << source;
      }
      ++compared;
    }
  }
  EXPECT_GT(compared, 100);
  EXPECT_GT(refused, 5);
}

//===----------------------------------------------------------------------===//
// Many operands against 128-bit arithmetic
//===----------------------------------------------------------------------===//

bool isPrime(uint64_t n) {
  if (n < 2)
    return false;
  for (uint64_t p : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37})
    if (n % p == 0)
      return n == p;
  uint64_t d = n - 1;
  int s = 0;
  for (; d % 2 == 0; d /= 2)
    ++s;
  for (uint64_t a : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
    uint64_t x = powMod(a, d, n);
    if (x == 1 || x == n - 1)
      continue;
    bool witness = true;
    for (int r = 1; r < s && witness; ++r)
      if ((x = mulMod(x, x, n)) == n - 1)
        witness = false;
    if (witness)
      return false;
  }
  return true;
}

TEST_F(ModArithLoweringTest, MillionsOfOperandsAgainst128BitArithmetic) {
  constexpr int64_t kN = 1 << 16;
  uint64_t operands = 0;
  for (unsigned n : {20u, 25u, 30u, 31u, 40u, 50u, 60u, 62u}) {
    for (bool prime : {true, false}) {
      uint64_t q;
      do {
        q = (1ull << (n - 1)) | (rng() & ((1ull << n) - 1)) | 1;
      } while (isPrime(q) != prime);
      unsigned w = n <= 30 ? 32 : 64;
      uint64_t c = rng() % q;
      std::string source = llvm::formatv(R"mlir(
!m = !modarith.int<{0} : i{1}>
func.func @k(%a: tensor<{2}x!m>, %b: tensor<{2}x!m>)
    -> (tensor<{2}x!m>, tensor<{2}x!m>) {
  %c = modarith.constant dense<{3}> : tensor<{2}x!m>
  %p = modarith.mul %a, %b : tensor<{2}x!m>
  %m = modarith.mac %a, %c, %b : tensor<{2}x!m>
  return %p, %m : tensor<{2}x!m>, tensor<{2}x!m>
}
)mlir",
                                         q, w, kN, c);
      OwningOpRef<ModuleOp> module =
          parseSourceString<ModuleOp>(source, &context);
      ASSERT_TRUE(module);
      auto type = cast<RankedTensorType>(
          (*module->getOps<func::FuncOp>().begin()).getArgumentTypes()[0]);
      std::vector<uint64_t> a(kN), b(kN);
      for (int64_t i = 0; i < kN; ++i) {
        a[i] = i < 4 ? q - 1 - i : rng() % q;
        b[i] = i < 4 ? q - 1 : rng() % q;
      }
      SmallVector<RtValue> args = {RtValue::tensor(type, a),
                                   RtValue::tensor(type, b)};
      for (ModularReduction method : kMethods) {
        ASSERT_EQ(expectation(method, q, w), Expect::Lowers);
        std::string diagnostics;
        auto exe = compile(*module, method, diagnostics);
        ASSERT_TRUE(exe) << nameOf(method) << ": " << diagnostics;
        auto got = exe->run("k", args, UnknownLoc::get(&context));
        ASSERT_TRUE(succeeded(got));
        ArrayRef<uint64_t> products = (*got)[0].getElements();
        ArrayRef<uint64_t> sums = (*got)[1].getElements();
        int64_t wrong = 0;
        for (int64_t i = 0; i < kN; ++i) {
          wrong += products[i] != mulMod(a[i], b[i], q);
          wrong += sums[i] != uint64_t((u128(mulMod(a[i], c, q)) + b[i]) % q);
        }
        EXPECT_EQ(wrong, 0) << nameOf(method) << ", Q = " << q << " in i"
                            << w;
        operands += 2 * kN;
      }
    }
  }
  EXPECT_GT(operands, 5'000'000u);
}

//===----------------------------------------------------------------------===//
// Number-theoretic transforms
//===----------------------------------------------------------------------===//

/// a * b modulo (X^n + 1, q), schoolbook.
std::vector<uint64_t> negacyclicProduct(ArrayRef<uint64_t> a,
                                        ArrayRef<uint64_t> b, uint64_t q) {
  size_t n = a.size();
  std::vector<uint64_t> c(n, 0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      uint64_t p = mulMod(a[i], b[j], q);
      size_t k = (i + j) % n;
      c[k] = i + j < n ? uint64_t((u128(c[k]) + p) % q)
                       : uint64_t((u128(c[k]) + q - p) % q);
    }
  return c;
}

TEST_F(ModArithLoweringTest, TransformsMatchTheDefinition) {
  struct Case {
    uint64_t q;
    unsigned width;
    std::vector<int64_t> lengths; // 2N divides Q - 1
  };
  // 7681 = 15 * 2^9 + 1 in i16; 65537 = 2^16 + 1 in an odd 17-bit word;
  // 2^30 - 2^18 + 1; a 60-bit prime = 1 mod 2^18. Compiling a transform
  // takes about 0.1 s per stage, so the lengths are a sample of 4..4096.
  const Case cases[] = {{7681, 16, {4, 8, 16, 32, 64, 128, 256}},
                        {65537, 17, {4, 32, 512, 4096}},
                        {1073479681, 32, {8, 64, 1024, 4096}},
                        {1152921504606584833ull, 64, {16, 128, 2048}}};
  int checked = 0;
  for (const Case &c : cases) {
    for (int64_t n : c.lengths) {
      bool multiply = n <= 1024; // schoolbook costs N^2 per row
      int64_t batch = n <= 64 ? 3 : 1;
      ModularReduction method = kMethods[rng() % std::size(kMethods)];
      if (expectation(method, c.q, c.width) != Expect::Lowers)
        method = ModularReduction::Auto;
      std::string t = llvm::formatv("tensor<{0}x{1}x!modarith.int<{2} : i{3}>>",
                                    batch, n, c.q, c.width);
      // The transforms (checked against the VM's defining sums), then a
      // round trip and a negacyclic product (checked against x and
      // schoolbook multiplication).
      const char *transforms = R"mlir(
  %f = modarith.ntt %x : {0}
  %i = modarith.intt %x : {0}
  %c = modarith.ntt %x {{cyclic} : {0}
  %ic = modarith.intt %x {{cyclic} : {0})mlir";
      std::string vmSource = llvm::formatv(
          "func.func @k(%x: {0}) -> ({0}, {0}, {0}, {0}) {{{1}\n"
          "  return %f, %i, %c, %ic : {0}, {0}, {0}, {0}\n}\n",
          t, llvm::formatv(transforms, t).str());
      std::string source = llvm::formatv(R"mlir(
func.func @k(%x: {0}, %y: {0}) -> ({0}, {0}, {0}, {0}, {0}, {0}) {{{1}
  %back = modarith.intt %f : {0}
  %fy = modarith.ntt %y : {0}
  %p = modarith.mul %f, %fy : {0}
  %xy = modarith.intt %p : {0}
  return %f, %i, %c, %ic, %back, %xy : {0}, {0}, {0}, {0}, {0}, {0}
}
)mlir",
                                         t, llvm::formatv(transforms, t).str());
      OwningOpRef<ModuleOp> module =
          parseSourceString<ModuleOp>(source, &context);
      OwningOpRef<ModuleOp> vmModule =
          parseSourceString<ModuleOp>(vmSource, &context);
      ASSERT_TRUE(module && vmModule) << source << vmSource;
      auto type = cast<RankedTensorType>(
          (*module->getOps<func::FuncOp>().begin()).getArgumentTypes()[0]);
      std::vector<uint64_t> x(batch * n), y(batch * n);
      for (int64_t i = 0; i < batch * n; ++i) {
        x[i] = i < 2 ? c.q - 1 : rng() % c.q;
        y[i] = rng() % c.q;
      }
      RtValue xv = RtValue::tensor(type, x), yv = RtValue::tensor(type, y);
      auto want = interpret(*vmModule, "k", {xv});
      ASSERT_TRUE(succeeded(want));
      // Radix-2 butterflies, then MAT's three matmuls (int8 ones through
      // BAT where the modulus allows it, every other time).
      for (NttLowering lowering : {NttLowering::Radix2, NttLowering::Mat}) {
        CPUCompileOptions options;
        options.reduction = method;
        options.ntt = lowering;
        options.bat = lowering == NttLowering::Mat && bitsOf(c.q) <= 32 &&
                      rng() % 2;
        std::string diagnostics;
        auto exe = compile(*module, options, diagnostics);
        ASSERT_TRUE(exe) << diagnostics;
        auto got = exe->run("k", {xv, yv}, UnknownLoc::get(&context));
        ASSERT_TRUE(succeeded(got));
        std::string what = llvm::formatv(
            "Q = {0}, N = {1}, {2}, {3}{4}", c.q, n, nameOf(method),
            lowering == NttLowering::Mat ? "MAT" : "radix-2",
            options.bat ? " + BAT" : "");
        for (auto [i, w] : llvm::enumerate(*want))
          EXPECT_EQ((*got)[i].getElements(), w.getElements())
              << what << ", result " << i;
        // intt(ntt(x)) = x, and intt(ntt(x) * ntt(y)) = x * y mod X^N + 1.
        EXPECT_EQ((*got)[4].getElements(), ArrayRef<uint64_t>(x)) << what;
        ArrayRef<uint64_t> product = (*got)[5].getElements();
        for (int64_t r = 0; multiply && r < batch; ++r)
          EXPECT_EQ(product.slice(r * n, n),
                    ArrayRef<uint64_t>(negacyclicProduct(
                        ArrayRef<uint64_t>(x).slice(r * n, n),
                        ArrayRef<uint64_t>(y).slice(r * n, n), c.q)))
              << what << ", row " << r;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 36);
}

//===----------------------------------------------------------------------===//
// Modular matrix products
//===----------------------------------------------------------------------===//

TEST_F(ModArithLoweringTest, ModularMatmulsMatchTheVM) {
  int compared = 0;
  for (int trial = 0; trial < 24 * test::sweepScale(); ++trial) {
    bool bat = trial % 2 == 0;
    unsigned n = 2 + rng() % (bat ? 31 : 63); // bits of Q
    unsigned w = std::min(64u, std::max(n, 8u << (rng() % 4)));
    uint64_t q = (1ull << (n - 1)) | (rng() & ((1ull << (n - 1)) - 1)) | 1;
    int64_t m = 1 + rng() % 9, k = 1 + rng() % 40, cols = rng() % 4;
    std::string e = llvm::formatv("!modarith.int<{0} : i{1}>", q, w);
    std::string lhs = llvm::formatv("tensor<{0}x{1}x{2}>", m, k, e);
    std::string rhs =
        cols ? llvm::formatv("tensor<{0}x{1}x{2}>", k, cols, e).str()
             : llvm::formatv("tensor<{0}x{1}>", k, e).str();
    std::string out =
        cols ? llvm::formatv("tensor<{0}x{1}x{2}>", m, cols, e).str()
             : llvm::formatv("tensor<{0}x{1}>", m, e).str();
    std::string values;
    for (int64_t i = 0; i < m; ++i) {
      values += i ? ", [" : "[";
      for (int64_t j = 0; j < k; ++j)
        values += (j ? ", " : "") +
                  std::to_string(j == 0 ? q - 1 : rng() % q);
      values += "]";
    }
    std::string source = llvm::formatv(R"mlir(
func.func @k(%a: {0}, %x: {1}) -> ({2}, {2}) {
  %t = modarith.constant dense<[{3}]> : {0}
  %direct = modarith.matmul %a, %x : {0}, {1} -> {2}
  %constant = modarith.matmul %t, %x : {0}, {1} -> {2}
  return %direct, %constant : {2}, {2}
}
)mlir",
                                       lhs, rhs, out, values);
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module) << source;
    auto fn = *module->getOps<func::FuncOp>().begin();
    SmallVector<RtValue> args = randomResidues(fn, q);
    auto want = interpret(*module, "k", args);
    ASSERT_TRUE(succeeded(want));
    ModularReduction method = kMethods[rng() % std::size(kMethods)];
    if (expectation(method, q, w) != Expect::Lowers)
      method = ModularReduction::Auto;
    CPUCompileOptions options;
    options.reduction = method;
    options.bat = bat;
    // BAT's int8 contraction as vpdpbusd on zmm (AVX-512 VNNI), on ymm
    // (AVX-VNNI) and as plain vector code, as far as the host has them.
    const char *features[] = {"", "-avx512vnni", "-avx512vnni,-avxvnni"};
    options.features = features[trial / 2 % 3];
    std::string diagnostics;
    auto exe = compile(*module, options, diagnostics);
    ASSERT_TRUE(exe) << diagnostics << source;
    auto got = exe->run("k", args, fn.getLoc());
    ASSERT_TRUE(succeeded(got));
    for (auto [i, g, r] : llvm::enumerate(*got, *want))
      EXPECT_EQ(g.getElements(), r.getElements())
          << (bat ? "BAT" : "direct") << " (features '" << options.features
          << "'), " << nameOf(method)
          << ", result " << i << "\n"
          << source;
    ++compared;
  }
  EXPECT_EQ(compared, 24 * test::sweepScale());
}

//===----------------------------------------------------------------------===//
// Lazy reduction
//===----------------------------------------------------------------------===//

TEST_F(ModArithLoweringTest, LazySumsOfProductsMatchTheVM) {
  int compared = 0;
  for (int trial = 0; trial < 20 * test::sweepScale(); ++trial) {
    unsigned n = 2 + rng() % 63;
    unsigned w = std::min(64u, std::max(n, 8u << (rng() % 4)));
    uint64_t q = (n == 64 ? 1ull << 63 : 1ull << (n - 1)) |
                 (rng() & ((1ull << (n - 1)) - 1));
    int products = 1 + rng() % 6, terms = rng() % 4;
    std::string t = llvm::formatv("tensor<17x!modarith.int<{0} : i{1}>>", q, w);
    std::string params, body = "  %s0 = modarith.mul %a0, %b0 : " + t + "\n";
    for (int i = 0; i < products; ++i)
      params += llvm::formatv("{0}%a{1}: {2}, %b{1}: {2}", i ? ", " : "", i, t);
    for (int i = 1; i < products; ++i)
      body += i % 2
                  ? llvm::formatv("  %s{0} = modarith.mac %a{0}, %b{0}, %s{1} : "
                                  "{2}\n",
                                  i, i - 1, t)
                        .str()
                  : llvm::formatv("  %p{0} = modarith.mul %a{0}, %b{0} : {2}\n"
                                  "  %s{0} = modarith.add %p{0}, %s{1} : {2}\n",
                                  i, i - 1, t)
                        .str();
    int last = products - 1;
    for (int i = 0; i < terms; ++i) {
      params += llvm::formatv(", %c{0}: {1}", i, t);
      body += llvm::formatv("  %s{0} = modarith.add %s{1}, %c{2} : {3}\n",
                            last + 1, last, i, t);
      ++last;
    }
    std::string source = llvm::formatv(
        "func.func @k({0}) -> {1} {{\n{2}  return %s{3} : {1}\n}\n", params,
        t, body, last);
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module) << source;
    auto fn = *module->getOps<func::FuncOp>().begin();
    SmallVector<RtValue> args = randomResidues(fn, q);
    auto want = interpret(*module, "k", args);
    ASSERT_TRUE(succeeded(want));
    for (bool lazy : {true, false}) {
      CPUCompileOptions options;
      options.lazyReduction = lazy;
      std::string diagnostics;
      auto exe = compile(*module, options, diagnostics);
      ASSERT_TRUE(exe) << diagnostics << source;
      auto got = exe->run("k", args, fn.getLoc());
      ASSERT_TRUE(succeeded(got));
      EXPECT_EQ((*got)[0].getElements(), (*want)[0].getElements())
          << (lazy ? "lazy" : "eager") << "\n"
          << source;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 40 * test::sweepScale());
}

} // namespace

//===----------------------------------------------------------------------===//
// RNS tensors
//===----------------------------------------------------------------------===//

/// Random RNS kernels (2..4 pairwise coprime moduli in random words, every
/// limb-wise op) compiled with each method against the VM, and the VM's
/// results against the ops' definition computed here limb by limb in
/// 128-bit arithmetic. Montgomery keeps RNS limbs canonical, so it lowers
/// every odd or even modulus the way `auto` does.
TEST_F(ModArithLoweringTest, RnsKernelsMatchTheVMAndTheDefinition) {
  int compared = 0;
  for (int trial = 0; trial < 16 * test::sweepScale(); ++trial) {
    unsigned w = 8u << (rng() % 4);
    size_t limbs = 2 + rng() % 3;
    std::vector<uint64_t> moduli;
    while (moduli.size() < limbs) {
      unsigned bits = 2 + rng() % (w - 1);
      uint64_t q = (1ull << (bits - 1)) | (rng() & ((1ull << (bits - 1)) - 1));
      if (q < 2 || llvm::any_of(moduli, [&](uint64_t p) {
            return std::gcd(p, q) != 1;
          }))
        continue;
      moduli.push_back(q);
    }
    ModularReduction method = kMethods[rng() % std::size(kMethods)];
    for (uint64_t q : moduli)
      if (method != ModularReduction::Montgomery &&
          expectation(method, q, w) != Expect::Lowers)
        method = ModularReduction::Auto;
    int64_t n = 1 + rng() % 40;
    std::string list;
    for (uint64_t q : moduli)
      list += (list.empty() ? "" : ", ") + std::to_string(q);
    std::string t = llvm::formatv("tensor<{0}x{1}xi{2}, #modarith.rns<[{3}]>>",
                                  limbs, n, w, list);
    std::string plain = llvm::formatv("tensor<{0}x{1}xi{2}>", limbs, n, w);
    std::string source = llvm::formatv(R"mlir(
func.func @k(%x: {0}, %y: {0}, %z: {0}) -> ({0}, {1}) {
  %s = modarith.add %x, %y : {0}
  %d = modarith.sub %s, %z : {0}
  %n = modarith.neg %d : {0}
  %m = modarith.mul %n, %x : {0}
  %c = modarith.mac %m, %y, %z : {0}
  %e = modarith.extract %c : {0} -> {1}
  return %c, %e : {0}, {1}
}
)mlir",
                                       t, plain);
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module) << source;
    auto type = cast<RankedTensorType>(
        (*module->getOps<func::FuncOp>().begin()).getArgumentTypes()[0]);
    SmallVector<RtValue> args;
    std::vector<std::vector<uint64_t>> values(3);
    for (auto &v : values) {
      for (size_t l = 0; l < limbs; ++l)
        for (int64_t i = 0; i < n; ++i)
          v.push_back(i == 0 ? moduli[l] - 1 : rng() % moduli[l]);
      args.push_back(RtValue::tensor(type, v));
    }
    // The definition, limb by limb.
    std::vector<uint64_t> want;
    for (size_t l = 0; l < limbs; ++l) {
      u128 q = moduli[l];
      for (int64_t i = 0; i < n; ++i) {
        size_t at = l * n + i;
        u128 x = values[0][at], y = values[1][at], z = values[2][at];
        u128 s = (x + y) % q, d = (s + q - z) % q, neg = (q - d) % q;
        u128 m = neg * x % q;
        want.push_back(uint64_t((m * y + z) % q));
      }
    }
    auto vm = interpret(*module, "k", args);
    ASSERT_TRUE(succeeded(vm));
    EXPECT_EQ((*vm)[0].getElements(), ArrayRef<uint64_t>(want)) << source;
    CPUCompileOptions options;
    options.reduction = method;
    std::string diagnostics;
    auto exe = compile(*module, options, diagnostics);
    ASSERT_TRUE(exe) << diagnostics << source;
    auto got = exe->run("k", args, UnknownLoc::get(&context));
    ASSERT_TRUE(succeeded(got));
    for (auto [i, g, r] : llvm::enumerate(*got, *vm))
      EXPECT_EQ(g.getElements(), r.getElements())
          << nameOf(method) << ", result " << i << "\n"
          << source;
    ++compared;
  }
  EXPECT_EQ(compared, 16 * test::sweepScale());
}
