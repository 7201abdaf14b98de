//===- OptimizerTest.cpp - LLVM's optimizer on Anybit's modules -----------===//
//
// The rewrites lib/Target/CPU/Optimizer adds to LLVM's pipeline, on the
// smallest IR that shows each fault: LLVM's own pipeline gets it wrong, and
// with the rewrite every value matches LLVM's constant folder on the
// unoptimized IR.
//
//===----------------------------------------------------------------------===//

#include "Optimizer.h"

#include "LLVMIRTestSupport.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/IR/Verifier.h"
#include <random>

using namespace llvm;
using namespace anybit::llvmtest;

namespace {

using Optimizer = X86Test;

/// `@name(i16 %a, %b, %c, %d)`: each argument sign-extended to `wide`
/// (with `sum`, added to the next one's), converted by uitofp to `fp`, the
/// four results as one vector, which the SLP vectorizer makes of them.
/// LLVM 22 narrowed such integers to the float's width (i32, i16) and kept
/// the uitofp, which then read a negative value's sign bits as magnitude.
std::string fourConversions(StringRef name, StringRef wide, StringRef fp,
                            bool sum) {
  std::string ir;
  raw_string_ostream os(ir);
  os << "define <4 x " << fp << "> @" << name
     << "(i16 %a, i16 %b, i16 %c, i16 %d) {\n";
  const char *args[] = {"a", "b", "c", "d"};
  for (const char *arg : args)
    os << "  %" << arg << "1 = sext i16 %" << arg << " to " << wide << "\n";
  for (int i = 0; i < 4; ++i) {
    std::string value = std::string("%") + args[i] + "1";
    if (sum) {
      os << "  %" << args[i] << "s = add " << wide << " " << value << ", %"
         << args[(i + 1) % 4] << "1\n";
      value = std::string("%") + args[i] + "s";
    }
    os << "  %" << args[i] << "2 = uitofp " << wide << " " << value << " to "
       << fp << "\n";
    os << "  %v" << i << " = insertelement <4 x " << fp << "> "
       << (i ? "%v" + std::to_string(i - 1) : std::string("poison")) << ", "
       << fp << " %" << args[i] << "2, i64 " << i << "\n";
  }
  os << "  ret <4 x " << fp << "> %v3\n}\n";
  return ir;
}

const std::string kSignExtendedToFloat =
    fourConversions("sext", "i64", "float", false) +
    fourConversions("sum", "i64", "float", true) +
    fourConversions("i48", "i48", "float", false) +
    fourConversions("half", "i32", "half", false) +
    fourConversions("bfloat", "i32", "bfloat", false);

using Arguments = SmallVector<Constant *, 4>;

/// Whether `function` of `optimized` returns what `function` of `original`
/// does for every argument tuple in `inputs`, by LLVM's constant folder.
void expectSameResults(Module &original, Module &optimized, StringRef function,
                       ArrayRef<Arguments> inputs, bool expectSame) {
  Function *want = original.getFunction(function);
  Function *got = optimized.getFunction(function);
  ASSERT_TRUE(want && got);
  bool allSame = true;
  for (const Arguments &input : inputs) {
    DenseMap<Value *, Constant *> wantArgs, gotArgs;
    std::string call = function.str();
    raw_string_ostream os(call);
    for (auto [i, arg] : llvm::enumerate(input)) {
      wantArgs[want->getArg(i)] = arg;
      gotArgs[got->getArg(i)] = arg;
      os << (i ? ", " : "(") << *arg;
    }
    os << ")";
    Constant *expected = evaluate(*want, wantArgs);
    Constant *result = evaluate(*got, gotArgs);
    ASSERT_TRUE(expected && result);
    if (expectSame)
      EXPECT_EQ(result, expected) << call;
    allSame &= result == expected;
  }
  if (!expectSame)
    EXPECT_FALSE(allSame) << function.str() << ": LLVM's pipeline no longer "
                          << "shows the fault";
}

/// `ir`'s functions against LLVM's constant folder on `ir` itself, for
/// every argument tuple in `inputs`: after LLVM's pipeline as MLIR runs it
/// (at -O3), some of those in `faulty` are wrong, so the test shows the
/// fault; after anybit::optimizeModule at -O1..3, none of `checked` is.
void expectOptimizerFixes(LLVMContext &context, const std::string &ir,
                          TargetMachine &tm, ArrayRef<StringRef> faulty,
                          ArrayRef<StringRef> checked,
                          ArrayRef<Arguments> inputs) {
  auto parsed = [&] {
    std::unique_ptr<Module> module = parse(context, ir);
    if (module)
      module->setDataLayout(tm.createDataLayout());
    return module;
  };
  std::unique_ptr<Module> original = parsed();
  ASSERT_TRUE(original);
  if (!faulty.empty()) {
    std::unique_ptr<Module> upstream = parsed();
    ASSERT_FALSE(
        bool(mlir::makeOptimizingTransformer(3, 0, &tm)(upstream.get())));
    for (StringRef function : faulty)
      expectSameResults(*original, *upstream, function, inputs,
                        /*expectSame=*/false);
  }
  for (unsigned level : {1u, 2u, 3u}) {
    SCOPED_TRACE("-O" + std::to_string(level));
    std::unique_ptr<Module> module = parsed();
    ASSERT_FALSE(bool(anybit::optimizeModule(*module, level, tm)));
    ASSERT_FALSE(verifyModule(*module, &errs()));
    for (StringRef function : checked)
      expectSameResults(*original, *module, function, inputs,
                        /*expectSame=*/true);
  }
}

TEST_F(Optimizer, UnsignedConversionsOfSignExtendedValues) {
  std::mt19937 rng(5);
  std::vector<std::array<int16_t, 4>> values = {
      {-1, 2, -32768, 7}, {0, 1, 32767, -2}, {-16384, -3, 12345, -32767}};
  for (int i = 0; i < 64; ++i)
    values.push_back(
        {int16_t(rng()), int16_t(rng()), int16_t(rng()), int16_t(rng())});
  std::vector<Arguments> inputs;
  for (const std::array<int16_t, 4> &tuple : values) {
    inputs.emplace_back();
    for (int16_t value : tuple)
      inputs.back().push_back(
          ConstantInt::getSigned(Type::getInt16Ty(context), value));
  }

  for (auto [cpu, features] :
       {std::pair{"znver5", ""}, std::pair{"x86-64", "+avx2"}}) {
    SCOPED_TRACE(cpu);
    std::unique_ptr<TargetMachine> tm =
        createTargetMachine(cpu, features, /*optimize=*/true);
    ASSERT_TRUE(tm);
    // The fault shows on Zen 5; with AVX2 alone, SLP's cost model leaves
    // these scalar.
    SmallVector<StringRef> faulty;
    if (StringRef(cpu) == "znver5")
      faulty.push_back("sext");
    expectOptimizerFixes(context, kSignExtendedToFloat, *tm, faulty,
                         {"sext", "sum", "i48", "half", "bfloat"}, inputs);
  }
}

/// bfloat values widened to double, reduced by a constant that fits in
/// half, rounded to float (`rem`), or summed and rounded to half (`sum`).
/// LLVM 22's InstCombine ranked half above bfloat by its mantissa and
/// computed both in half: a bfloat past 65504 became infinity.
const char *const kBFloatArithmetic = R"(
define float @rem(bfloat %x, bfloat %y) {
  %d = fpext bfloat %x to double
  %r = frem double %d, 1.5
  %f = fptrunc double %r to float
  ret float %f
}
define half @sum(bfloat %x, bfloat %y) {
  %a = fpext bfloat %x to double
  %b = fpext bfloat %y to double
  %s = fadd double %a, %b
  %h = fptrunc double %s to half
  ret half %h
}
)";

TEST_F(Optimizer, BFloatValuesKeepTheirRange) {
  // Pairs of bfloat bits: 1e30 and -1e30 + a little, 70144 and -69632 (a
  // sum half holds), small values, a NaN, infinities.
  std::vector<std::pair<uint16_t, uint16_t>> values = {
      {0x7149, 0xF148}, {0x4789, 0xC788}, {0x3FC0, 0x4020},
      {0x7FC1, 0x3F80}, {0x7F80, 0xFF80}, {0x0001, 0x8000}};
  std::mt19937 rng(7);
  for (int i = 0; i < 64; ++i)
    values.push_back({uint16_t(rng()), uint16_t(rng())});
  auto bfloat = [&](uint16_t bits) -> Constant * {
    return ConstantFP::get(Type::getBFloatTy(context),
                           APFloat(APFloat::BFloat(), APInt(16, bits)));
  };
  std::vector<Arguments> inputs;
  for (auto [x, y] : values)
    inputs.push_back({bfloat(x), bfloat(y)});
  std::unique_ptr<TargetMachine> tm =
      createTargetMachine("znver5", "", /*optimize=*/true);
  ASSERT_TRUE(tm);
  expectOptimizerFixes(context, kBFloatArithmetic, *tm, {"rem", "sum"},
                       {"rem", "sum"}, inputs);
}

// The expansion costs a few instructions more than a uitofp: it leaves the
// conversions SLP cannot narrow wrongly as they are.
TEST_F(Optimizer, OtherUnsignedConversionsStay) {
  std::unique_ptr<Module> module = parse(context, R"(
define void @f(i64 %x, i16 %s, <4 x i16> %v, ptr %p) {
  %raw = uitofp i64 %x to float
  store volatile float %raw, ptr %p
  %w = sext i16 %s to i64
  %nneg = uitofp nneg i64 %w to float
  store volatile float %nneg, ptr %p
  %z = zext i16 %s to i64
  %zero = uitofp i64 %z to float
  store volatile float %zero, ptr %p
  %d = uitofp i64 %w to double
  store volatile double %d, ptr %p
  %n = sext i16 %s to i32
  %same = uitofp i32 %n to float
  store volatile float %same, ptr %p
  %vw = sext <4 x i16> %v to <4 x i64>
  %vec = uitofp <4 x i64> %vw to <4 x float>
  store volatile <4 x float> %vec, ptr %p
  %wide = uitofp i64 %w to float
  store volatile float %wide, ptr %p
  ret void
}
)");
  ASSERT_TRUE(module);
  ASSERT_TRUE(
      anybit::expandUnsignedToFloatOfSignExtended(*module->getFunction("f")));
  ASSERT_FALSE(verifyModule(*module, &errs()));
  unsigned left = 0;
  for (Instruction &inst : instructions(*module->getFunction("f")))
    left += isa<UIToFPInst>(inst);
  // Only %wide went: a raw i64 (one sign bit), a non-negative value, an
  // integer no wider than its float and a vector stay.
  EXPECT_EQ(left, 6u);
}

} // namespace
