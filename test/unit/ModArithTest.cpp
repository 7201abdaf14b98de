//===- ModArithTest.cpp - modarith on the reference VM vs exact arithmetic ===//
//
// For every modulus Q < 2^10 and random operand pairs, and for random
// moduli of 11 to 64 bits, the VM's modarith.mul/add/sub/neg/mac are
// compared with exact arithmetic in unsigned __int128.
//
//===----------------------------------------------------------------------===//

#include "ModArith/ModArithDialect.h"
#include "anybit/Interp/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"
#include <random>

using namespace mlir;

namespace {

using U128 = unsigned __int128;

class ModArithTest : public ::testing::Test {
protected:
  ModArithTest() {
    DialectRegistry registry;
    anybit::registerInterpreterDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Runs mul, add, sub, mac (a*b + a) and neg on `n` pairs modulo `q` in
  /// `w`-bit words and checks every element against exact arithmetic.
  void check(uint64_t q, unsigned w, int64_t n) {
    std::string t = "tensor<" + std::to_string(n) + "x!modarith.int<" +
                    std::to_string(q) + " : i" + std::to_string(w) + ">>";
    std::string source =
        "func.func @f(%a: " + t + ", %b: " + t + ") -> (" + t + ", " + t +
        ", " + t + ", " + t + ", " + t + ") {\n"
        "  %mul = modarith.mul %a, %b : " + t + "\n"
        "  %add = modarith.add %a, %b : " + t + "\n"
        "  %sub = modarith.sub %a, %b : " + t + "\n"
        "  %mac = modarith.mac %a, %b, %a : " + t + "\n"
        "  %neg = modarith.neg %b : " + t + "\n"
        "  return %mul, %add, %sub, %mac, %neg : " + t + ", " + t + ", " + t +
        ", " + t + ", " + t + "\n}\n";
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module) << source;
    auto type = cast<RankedTensorType>(
        module->lookupSymbol<func::FuncOp>("f").getFunctionType().getInput(0));
    std::uniform_int_distribution<uint64_t> dist(0, q - 1);
    std::vector<uint64_t> a(n), b(n);
    for (int64_t i = 0; i < n; ++i) {
      a[i] = dist(rng);
      b[i] = dist(rng);
    }
    // Always include the extremes.
    a[0] = q - 1, b[0] = q - 1;
    a[1] = 0, b[1] = q - 1;
    SmallVector<anybit::RtValue> args = {anybit::RtValue::tensor(type, a),
                                         anybit::RtValue::tensor(type, b)};
    auto results = anybit::interpret(*module, "f", args);
    ASSERT_TRUE(succeeded(results)) << source;
    ASSERT_EQ(results->size(), 5u);
    for (int64_t i = 0; i < n; ++i) {
      U128 x = a[i], y = b[i], m = q;
      uint64_t expected[5] = {
          static_cast<uint64_t>(x * y % m), static_cast<uint64_t>((x + y) % m),
          static_cast<uint64_t>((x + m - y) % m),
          static_cast<uint64_t>((x * y + x) % m),
          static_cast<uint64_t>((m - y) % m)};
      for (int k = 0; k < 5; ++k)
        ASSERT_EQ((*results)[k].getElements()[i], expected[k])
            << "op " << k << " Q = " << q << " a = " << a[i]
            << " b = " << b[i];
    }
  }

  MLIRContext context;
  std::mt19937_64 rng{20260401};
};

TEST_F(ModArithTest, EveryModulusBelow1024) {
  for (uint64_t q = 2; q < 1024; ++q)
    check(q, 10, 512);
}

TEST_F(ModArithTest, RandomWideModuli) {
  for (unsigned bits = 11; bits <= 64; ++bits) {
    for (int rep = 0; rep < 8; ++rep) {
      uint64_t top = bits == 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
      std::uniform_int_distribution<uint64_t> dist(top / 2 + 1, top);
      uint64_t q = rep == 0 ? top : dist(rng); // 2^bits - 1 and random
      check(q, bits, 2048);
    }
  }
}

} // namespace
