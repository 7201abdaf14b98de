//===- InterpreterTest.cpp - The reference VM against APInt ---------------===//
//
// Random bit widths and random operands: every integer op and cast the VM
// executes is compared with llvm::APInt, an independent implementation of
// fixed-width two's complement arithmetic.
//
//===----------------------------------------------------------------------===//

#include "Anybit/AnybitDialect.h"
#include "anybit/Interp/Interpreter.h"
#include "anybit/Support/BitPacking.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/APInt.h"
#include "gtest/gtest.h"
#include <random>

using namespace mlir;
using llvm::APInt;

namespace {

class InterpreterTest : public ::testing::Test {
protected:
  InterpreterTest() {
    DialectRegistry registry;
    anybit::registerInterpreterDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Runs `func.func @f` from `source` on scalar integer arguments.
  SmallVector<uint64_t> run(const std::string &source,
                            ArrayRef<std::pair<Type, uint64_t>> args) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module) << source;
    if (!module)
      return {};
    SmallVector<anybit::RtValue> values;
    for (auto [type, bits] : args)
      values.push_back(anybit::RtValue::scalar(type, bits));
    auto results = anybit::interpret(*module, "f", values);
    EXPECT_TRUE(succeeded(results)) << source;
    SmallVector<uint64_t> out;
    if (succeeded(results))
      for (const anybit::RtValue &r : *results)
        out.push_back(r.getScalarBits());
    return out;
  }

  MLIRContext context;
  std::mt19937_64 rng{20261129};
};

std::string binaryFunc(StringRef op, unsigned w) {
  std::string t = "i" + std::to_string(w);
  return "func.func @f(%a: " + t + ", %b: " + t + ") -> " + t +
         " {\n  %r = arith." + op.str() + " %a, %b : " + t +
         "\n  return %r : " + t + "\n}\n";
}

TEST_F(InterpreterTest, IntegerArithmeticMatchesAPIntAtRandomWidths) {
  struct Case {
    const char *op;
    std::function<std::optional<APInt>(const APInt &, const APInt &)> ref;
  };
  std::vector<Case> cases = {
      {"addi", [](auto &a, auto &b) { return a + b; }},
      {"subi", [](auto &a, auto &b) { return a - b; }},
      {"muli", [](auto &a, auto &b) { return a * b; }},
      {"andi", [](auto &a, auto &b) { return a & b; }},
      {"ori", [](auto &a, auto &b) { return a | b; }},
      {"xori", [](auto &a, auto &b) { return a ^ b; }},
      {"maxsi", [](auto &a, auto &b) { return a.sge(b) ? a : b; }},
      {"minui", [](auto &a, auto &b) { return a.ule(b) ? a : b; }},
      {"divui",
       [](auto &a, auto &b) -> std::optional<APInt> {
         if (b.isZero())
           return std::nullopt;
         return a.udiv(b);
       }},
      {"remsi",
       [](auto &a, auto &b) -> std::optional<APInt> {
         if (b.isZero())
           return std::nullopt;
         return a.srem(b);
       }},
      {"divsi",
       [](auto &a, auto &b) -> std::optional<APInt> {
         if (b.isZero() || (a.isMinSignedValue() && b.isAllOnes()))
           return std::nullopt;
         return a.sdiv(b);
       }},
      {"floordivsi",
       [](auto &a, auto &b) -> std::optional<APInt> {
         if (b.isZero() || (a.isMinSignedValue() && b.isAllOnes()))
           return std::nullopt;
         APInt q = a.sdiv(b);
         if (!a.srem(b).isZero() && (a.isNegative() != b.isNegative()))
           q -= 1;
         return q;
       }},
      {"shli",
       [](auto &a, auto &b) -> std::optional<APInt> {
         if (b.uge(a.getBitWidth()))
           return std::nullopt;
         return a.shl(b);
       }},
      {"shrsi",
       [](auto &a, auto &b) -> std::optional<APInt> {
         if (b.uge(a.getBitWidth()))
           return std::nullopt;
         return a.ashr(b);
       }},
  };
  for (int trial = 0; trial < 600; ++trial) {
    unsigned w = 1 + rng() % 64;
    const Case &c = cases[trial % cases.size()];
    Type type = IntegerType::get(&context, w);
    uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;
    // Small shift amounts are the interesting ones.
    uint64_t a = rng() & mask;
    uint64_t b = (StringRef(c.op).starts_with("sh") ? rng() % (w + 1) : rng()) &
                 mask;
    std::optional<APInt> expected = c.ref(APInt(w, a), APInt(w, b));
    if (!expected)
      continue; // undefined behaviour: covered by the lit error tests
    SmallVector<uint64_t> got =
        run(binaryFunc(c.op, w), {{type, a}, {type, b}});
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], expected->getZExtValue())
        << c.op << " i" << w << " a=" << a << " b=" << b;
  }
}

TEST_F(InterpreterTest, IntegerCastsMatchAPIntAtRandomWidths) {
  for (int trial = 0; trial < 400; ++trial) {
    unsigned from = 1 + rng() % 64, to = 1 + rng() % 64;
    bool fromUnsigned = rng() % 2, toUnsigned = rng() % 2, saturate = rng() % 2;
    std::string src = (fromUnsigned ? "ui" : "i") + std::to_string(from);
    std::string dst = (toUnsigned ? "ui" : "i") + std::to_string(to);
    std::string source = "func.func @f(%a: " + src + ") -> " + dst +
                         " {\n  %r = anybit.cast %a " +
                         (saturate ? "saturate " : "") + ": " + src + " to " +
                         dst + "\n  return %r : " + dst + "\n}\n";
    uint64_t mask = from == 64 ? ~0ull : (1ull << from) - 1;
    uint64_t a = rng() & mask;
    // Signless i1 is boolean (0/1), so it converts like an unsigned value.
    bool srcIsUnsigned = fromUnsigned || from == 1;
    APInt value(130, 0);
    value = srcIsUnsigned ? APInt(from, a).zext(130) : APInt(from, a).sext(130);
    APInt expected = value.trunc(to);
    if (saturate) {
      bool dstIsUnsigned = toUnsigned || to == 1;
      APInt lo = dstIsUnsigned ? APInt::getZero(to).zext(130)
                               : APInt::getSignedMinValue(to).sext(130);
      APInt hi = dstIsUnsigned ? APInt::getMaxValue(to).zext(130)
                               : APInt::getSignedMaxValue(to).sext(130);
      if (value.slt(lo))
        expected = lo.trunc(to);
      else if (value.sgt(hi))
        expected = hi.trunc(to);
    }
    Type srcType = parseType(src, &context);
    SmallVector<uint64_t> got = run(source, {{srcType, a}});
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], expected.getZExtValue()) << source << " a=" << a;
  }
}

TEST_F(InterpreterTest, PackUnpackRoundTripsThroughTheVM) {
  for (int trial = 0; trial < 60; ++trial) {
    unsigned w = 1 + rng() % 64;
    int64_t n = 1 + rng() % 37; // lengths that end mid-byte
    std::string t = "tensor<" + std::to_string(n) + "xi" + std::to_string(w);
    std::string source = "func.func @f(%a: " + t + ">) -> (" + t +
                         ", #anybit.packed<>>, " + t + ">) {\n"
                         "  %p = anybit.pack %a : " + t + "> -> " + t +
                         ", #anybit.packed<>>\n"
                         "  %u = anybit.unpack %p : " + t +
                         ", #anybit.packed<>> -> " + t + ">\n"
                         "  return %p, %u : " + t + ", #anybit.packed<>>, " +
                         t + ">\n}\n";
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module) << source;
    uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;
    std::vector<uint64_t> values(n);
    for (uint64_t &v : values)
      v = rng() & mask;
    auto type = cast<RankedTensorType>(parseType(t + ">", &context));
    auto results = anybit::interpret(
        *module, "f", {anybit::RtValue::tensor(type, values)});
    ASSERT_TRUE(succeeded(results));
    ArrayRef<uint8_t> bytes = (*results)[0].getPlanes().data;
    ASSERT_EQ(bytes.size(), (n * w + 7) / 8);
    for (int64_t i = 0; i < n; ++i) {
      uint64_t field = 0;
      for (unsigned bit = 0; bit < w; ++bit) {
        uint64_t pos = i * w + bit;
        field |= uint64_t((bytes[pos / 8] >> (pos % 8)) & 1) << bit;
      }
      EXPECT_EQ(field, values[i]) << "i" << w << " element " << i;
    }
    EXPECT_EQ((*results)[1].getElements(), ArrayRef<uint64_t>(values));
  }
}

TEST_F(InterpreterTest, ShouldStopInterruptsAKernelThatLoopsForever) {
  const char *source = R"(
    func.func @f(%x: i64) -> i64 {
      %r = scf.while (%a = %x) : (i64) -> i64 {
        %t = arith.constant true
        scf.condition(%t) %a : i64
      } do {
      ^bb0(%b: i64):
        %c1 = arith.constant 1 : i64
        %n = arith.addi %b, %c1 : i64
        scf.yield %n : i64
      }
      return %r : i64
    })";
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  ASSERT_TRUE(module);
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  unsigned asked = 0;
  anybit::InterpretOptions options;
  options.shouldStop = [&] { return ++asked == 3; };
  Type i64 = IntegerType::get(&context, 64);
  auto results = anybit::interpret(*module, "f",
                                   {anybit::RtValue::scalar(i64, 0)}, options);
  EXPECT_TRUE(failed(results));
  EXPECT_EQ(asked, 3u);
  EXPECT_EQ(message, "interrupted");
  // Asked, and never told to stop: the run is the same.
  options.shouldStop = [&] { return false; };
  auto sum = parseSourceString<ModuleOp>(R"(
    func.func @f(%n: index) -> index {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %c0) -> index {
        %b = arith.addi %a, %i : index
        scf.yield %b : index
      }
      return %r : index
    })",
                                         &context);
  ASSERT_TRUE(sum);
  auto total = anybit::interpret(
      *sum, "f", {anybit::RtValue::scalar(IndexType::get(&context), 10000)},
      options);
  ASSERT_TRUE(succeeded(total));
  EXPECT_EQ((*total)[0].getScalarBits(), 10000u * 9999u / 2);
}

} // namespace
