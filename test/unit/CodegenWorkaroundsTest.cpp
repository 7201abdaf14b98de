//===- CodegenWorkaroundsTest.cpp - IR LLVM's backends mishandle ----------===//
//
// The rewrites in lib/Target/CPU/CodegenWorkarounds on the smallest IR that
// shows each fault: the x86 backend's code for it before (where it does not
// abort) and after, and the rewritten IR's values against LLVM's constant
// folder on the original.
//
//===----------------------------------------------------------------------===//

#include "CodegenWorkarounds.h"

#include "LLVMIRTestSupport.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Verifier.h"
#include <random>

using namespace llvm;
using namespace anybit::llvmtest;

namespace {

using CodegenWorkarounds = X86Test;

// A bfloat value that crosses blocks (through a phi, or as a value used in
// a loop) or enters a vector is promoted to f32 and rounded back with
// vcvtneps2bf16, which flushes subnormals; without AVX-512 BF16 the
// rounding calls __truncsfbf2.
constexpr const char *kBFloatMoves = R"(
define void @phi(ptr %s, ptr %p, i1 %c) {
entry:
  %v = load bfloat, ptr %s
  br i1 %c, label %a, label %m
a:
  %q = getelementptr bfloat, ptr %s, i64 1
  %u = load bfloat, ptr %q
  br label %m
m:
  %w = phi bfloat [%v, %entry], [%u, %a]
  %f = fpext bfloat %w to double
  %g = getelementptr double, ptr %p, i64 1
  store double %f, ptr %g
  store bfloat %w, ptr %p
  ret void
}
define void @splat(ptr %s, ptr %p, i64 %n) {
entry:
  %x = load bfloat, ptr %s
  br label %l
l:
  %i = phi i64 [0, %entry], [%j, %l]
  %g = getelementptr bfloat, ptr %p, i64 %i
  store bfloat %x, ptr %g
  %j = add i64 %i, 1
  %d = icmp eq i64 %j, %n
  br i1 %d, label %e, label %l
e:
  ret void
}
define void @vector(ptr %s, ptr %p, i1 %c) {
entry:
  %x = load bfloat, ptr %s
  %v = insertelement <8 x bfloat> poison, bfloat %x, i64 0
  %b = shufflevector <8 x bfloat> %v, <8 x bfloat> poison, <8 x i32> zeroinitializer
  br i1 %c, label %a, label %m
a:
  br label %m
m:
  %w = phi <8 x bfloat> [%b, %entry], [zeroinitializer, %a]
  %y = select i1 %c, <8 x bfloat> %w, <8 x bfloat> %b
  store <8 x bfloat> %y, ptr %p
  %e = extractelement <8 x bfloat> %y, i64 3
  %q = getelementptr bfloat, ptr %p, i64 8
  store bfloat %e, ptr %q
  ret void
}
define void @freeze(ptr %s, ptr %p, i1 %c) {
entry:
  %v = load bfloat, ptr %s
  %f = freeze bfloat %v
  br i1 %c, label %a, label %m
a:
  br label %m
m:
  %bits = bitcast bfloat %f to i16
  store i16 %bits, ptr %p
  ret void
}
define void @masked(ptr %s, ptr %p, <1 x i1> %m) {
  %v = call nofpclass(snan) <1 x bfloat> @llvm.masked.load.v1bf16.p0(ptr %s, i32 2, <1 x i1> %m, <1 x bfloat> zeroinitializer)
  %r = call <1 x bfloat> @llvm.vector.reverse.v1bf16(<1 x bfloat> %v)
  call void @llvm.masked.store.v1bf16.p0(<1 x bfloat> %r, ptr %p, i32 2, <1 x i1> %m)
  ret void
}
)";

TEST_F(CodegenWorkarounds, BFloatMovesKeepTheirBits) {
  for (auto [cpu, features, rounding] :
       {std::tuple{"znver5", "", "vcvtneps2bf16"},
        std::tuple{"x86-64", "+avx2", "__truncsfbf2"}}) {
    for (bool optimize : {false, true}) {
      SCOPED_TRACE(std::string(cpu) + (optimize ? " -O3" : " -O0"));
      std::unique_ptr<Module> before = parse(context, kBFloatMoves);
      ASSERT_TRUE(before);
      // The fault is there without the rewrite, so the test shows it.
      EXPECT_NE(assemble(*before, cpu, features, optimize).find(rounding),
                std::string::npos);

      std::unique_ptr<Module> module = parse(context, kBFloatMoves);
      anybit::prepareForCodegen(*module);
      ASSERT_FALSE(verifyModule(*module, &errs()));
      for (Function &function : *module)
        for (Instruction &inst : instructions(function)) {
          // Nothing moves bfloat any more; only bitcasts of bits remain.
          EXPECT_TRUE(isa<BitCastInst>(inst) || inst.getType()->isVoidTy() ||
                      !inst.getType()->getScalarType()->isBFloatTy())
              << "left: " << inst.getOpcodeName();
          if (auto *call = dyn_cast<CallInst>(&inst))
            for (Value *arg : call->args())
              EXPECT_FALSE(arg->getType()->getScalarType()->isBFloatTy());
          if (auto *store = dyn_cast<StoreInst>(&inst))
            EXPECT_FALSE(store->getValueOperand()
                             ->getType()
                             ->getScalarType()
                             ->isBFloatTy());
        }
      std::string assembly = assemble(*module, cpu, features, optimize);
      EXPECT_EQ(assembly.find(rounding), std::string::npos) << assembly;
    }
  }
}

// fpext from bfloat becomes a shift of the bits into an f32's top half:
// the same value for every bit pattern, NaN payloads and subnormals too.
TEST_F(CodegenWorkarounds, BFloatWideningMatchesFpext) {
  std::unique_ptr<Module> module = parse(context, R"(
define float @widen(ptr %s) {
  %x = load bfloat, ptr %s
  %f = fpext bfloat %x to float
  ret float %f
}
)");
  ASSERT_TRUE(module);
  anybit::prepareForCodegen(*module);
  ASSERT_FALSE(verifyModule(*module, &errs()));
  Function *widen = module->getFunction("widen");
  auto *load = cast<LoadInst>(&*instructions(widen).begin());
  EXPECT_TRUE(load->getType()->isIntegerTy(16));
  for (unsigned bits : {0x0000u, 0x0001u, 0x8001u, 0x007Fu, 0x3F80u, 0x7F80u,
                        0xFF80u, 0x7FC1u, 0x7F81u, 0xC2F7u}) {
    // The rewritten body, with the load's value as a constant.
    Constant *result =
        evaluate(*widen, {{load, ConstantInt::get(load->getType(), bits)}});
    ASSERT_TRUE(result);
    uint32_t got =
        cast<ConstantFP>(result)->getValueAPF().bitcastToAPInt().getZExtValue();
    EXPECT_EQ(got, bits << 16) << "bf16 0x" << utohexstr(bits);
  }
}

// InstCombine makes `trunc (extractelement <16 x i8> %v, k)` an element of
// `bitcast %v to <128 x i1>`; with AVX-512 the x86 backend aborted on this
// (reduced from a kernel by llvm-reduce) with "Cannot emit physreg copy
// instruction". Run before the rewrite, the test would end the process.
TEST_F(CodegenWorkarounds, MaskBitsOfBytesCompileWithAVX512) {
  std::unique_ptr<Module> module = parse(context, R"(
define void @main(ptr %a0, ptr %a1, ptr %a2, <16 x i8> %a3, ptr %a4, i1 %a5) {
  %call = tail call ptr null(i64 0)
  store i1 %a5, ptr null, align 1
  %m = bitcast <16 x i8> %a3 to <128 x i1>
  %x = extractelement <128 x i1> %m, i64 64
  store i1 %x, ptr %a0, align 8
  %y = extractelement <128 x i1> %m, i64 72
  store i1 %y, ptr null, align 1
  store <16 x i8> zeroinitializer, ptr %a1, align 1
  store i32 0, ptr %a4, align 4
  store i32 0, ptr %a2, align 4
  ret void
}
)");
  ASSERT_TRUE(module);
  anybit::prepareForCodegen(*module);
  ASSERT_FALSE(verifyModule(*module, &errs()));
  for (Instruction &inst : instructions(*module->getFunction("main")))
    EXPECT_FALSE(inst.getType()->isVectorTy() &&
                 inst.getType()->getScalarType()->isIntegerTy(1));
  EXPECT_NE(assemble(*module, "znver5", "", true).find("main:"),
            std::string::npos);
}

// Every element of an i1 vector bitcast from bytes, from words and from a
// scalar integer, against LLVM's folding of the original bitcast.
TEST_F(CodegenWorkarounds, MaskBitsMatchTheBitcast) {
  std::mt19937_64 rng(11);
  for (auto [source, lanes] :
       {std::pair{"<16 x i8>", 128}, std::pair{"<4 x i32>", 128},
        std::pair{"<3 x i16>", 48}, std::pair{"i64", 64}}) {
    std::string ir = std::string("define i1 @bit(") + source +
                     " %v, i64 %i) {\n  %m = bitcast " + source + " %v to <" +
                     std::to_string(lanes) + " x i1>\n  %b = extractelement <" +
                     std::to_string(lanes) +
                     " x i1> %m, i64 %i\n  ret i1 %b\n}\n";
    std::unique_ptr<Module> original = parse(context, ir);
    std::unique_ptr<Module> module = parse(context, ir);
    ASSERT_TRUE(original && module);
    anybit::prepareForCodegen(*module);
    ASSERT_FALSE(verifyModule(*module, &errs()));
    Function *fn = module->getFunction("bit");
    Type *sourceType = fn->getArg(0)->getType();
    const DataLayout &layout = module->getDataLayout();
    for (int trial = 0; trial < 4; ++trial) {
      // A random value of the source type, as one wide integer's bits.
      APInt wide(lanes, 0);
      for (int bit = 0; bit < lanes; ++bit)
        wide.setBitVal(bit, rng() & 1);
      Constant *word = ConstantInt::get(context, wide);
      Constant *value = ConstantFoldCastOperand(Instruction::BitCast, word,
                                                sourceType, layout);
      ASSERT_TRUE(value);
      Constant *mask = ConstantFoldCastOperand(
          Instruction::BitCast, value,
          FixedVectorType::get(Type::getInt1Ty(context), lanes), layout);
      ASSERT_TRUE(mask);
      for (int lane = 0; lane < lanes; ++lane) {
        Constant *got = evaluate(
            *fn, {{fn->getArg(0), value},
                  {fn->getArg(1),
                   ConstantInt::get(Type::getInt64Ty(context), lane)}});
        ASSERT_TRUE(got);
        EXPECT_EQ(got, mask->getAggregateElement(lane))
            << source << " lane " << lane;
        EXPECT_EQ(cast<ConstantInt>(got)->isOne(), wide[lane]);
      }
    }
  }
}

// maximum/minimum of a maybe-NaN value and one that cannot be NaN: with
// AVX-512 DQ the x86 backend picks the operand order with vfpclass $3/$5
// (quiet NaN, a zero), so a signaling NaN lost to the number. The rewrite
// quiets every maybe-NaN scalar operand (vmulsd by 1.0 before the test)
// and leaves known numbers and vectors alone.
TEST_F(CodegenWorkarounds, ScalarMinMaxQuietTheirNaNs) {
  const char *ir = R"(
define double @max(double %x, i64 %k) {
  %y = sitofp i64 %k to double
  %m = call double @llvm.maximum.f64(double %x, double %y)
  ret double %m
}
define float @min(float %x, float %z) {
  %m = call float @llvm.minimum.f32(float %z, float %x)
  ret float %m
}
define <4 x float> @vec(<4 x float> %x, <4 x i32> %k) {
  %y = sitofp <4 x i32> %k to <4 x float>
  %m = call <4 x float> @llvm.maximum.v4f32(<4 x float> %x, <4 x float> %y)
  ret <4 x float> %m
}
)";
  std::unique_ptr<Module> before = parse(context, ir);
  ASSERT_TRUE(before);
  // The fault: the operand order is chosen on quiet NaNs alone.
  std::string unfixed = assemble(*before, "znver5", "", true);
  size_t max = unfixed.find("max:");
  ASSERT_NE(max, std::string::npos);
  EXPECT_NE(unfixed.find("vfpclasssd\t$3", max), std::string::npos) << unfixed;
  EXPECT_EQ(unfixed.substr(max, unfixed.find("ret", max) - max).find("vmulsd"),
            std::string::npos);

  std::unique_ptr<Module> module = parse(context, ir);
  anybit::prepareForCodegen(*module);
  ASSERT_FALSE(verifyModule(*module, &errs()));
  auto quieted = [&](StringRef function) {
    SmallVector<bool> result;
    for (Instruction &inst : instructions(*module->getFunction(function)))
      if (auto *call = dyn_cast<IntrinsicInst>(&inst);
          call && call->getIntrinsicID() != Intrinsic::canonicalize)
        for (Value *arg : call->args())
          result.push_back(isa<IntrinsicInst>(arg) &&
                           cast<IntrinsicInst>(arg)->getIntrinsicID() ==
                               Intrinsic::canonicalize);
    return result;
  };
  EXPECT_EQ(quieted("max"), SmallVector<bool>({true, false}));
  EXPECT_EQ(quieted("min"), SmallVector<bool>({true, true}));
  EXPECT_EQ(quieted("vec"), SmallVector<bool>({false, false}));
  std::string fixed = assemble(*module, "znver5", "", true);
  max = fixed.find("max:");
  EXPECT_LT(fixed.find("vmulsd", max), fixed.find("vfpclasssd", max)) << fixed;
}

} // namespace
