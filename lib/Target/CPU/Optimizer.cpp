//===- Optimizer.cpp - LLVM's optimizer on Anybit's modules ---------------===//

#include "Optimizer.h"

#include "CodegenWorkarounds.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace anybit {

/// Whether `conversion` is one that LLVM 22's SLP vectorizer may narrow
/// wrongly, and the expansion is exact for: a scalar integer wider than the
/// float (the sticky bit then falls below the rounding bit) with sign bits
/// to narrow, and possibly negative.
static bool convertsSignExtended(UIToFPInst &conversion) {
  Value *value = conversion.getOperand(0);
  auto *integer = dyn_cast<IntegerType>(value->getType());
  Type *floatType = conversion.getType();
  if (!integer || conversion.hasNonNeg() ||
      integer->getBitWidth() <= floatType->getPrimitiveSizeInBits() ||
      integer->getBitWidth() <
          APFloat::semanticsPrecision(floatType->getFltSemantics()) + 3)
    return false;
  const DataLayout &layout = conversion.getDataLayout();
  return ComputeNumSignBits(value, layout, nullptr, &conversion) >= 2 &&
         !isKnownNonNegative(value, SimplifyQuery(layout, &conversion));
}

bool expandUnsignedToFloatOfSignExtended(Function &function) {
  SmallVector<UIToFPInst *> conversions;
  for (Instruction &inst : instructions(function))
    if (auto *conversion = dyn_cast<UIToFPInst>(&inst))
      if (convertsSignExtended(*conversion))
        conversions.push_back(conversion);
  for (UIToFPInst *conversion : conversions) {
    IRBuilder<> b(conversion);
    Value *value = conversion->getOperand(0);
    Type *floatType = conversion->getType();
    Value *one = ConstantInt::get(value->getType(), 1);
    // Below 2^(N-1) as an unsigned value, it is non-negative as a signed one.
    Value *nonNegative = b.CreateSIToFP(value, floatType);
    Value *halved =
        b.CreateOr(b.CreateLShr(value, one), b.CreateAnd(value, one));
    Value *half = b.CreateSIToFP(halved, floatType);
    Value *large = b.CreateFAdd(half, half);
    Value *negative =
        b.CreateICmpSLT(value, ConstantInt::get(value->getType(), 0));
    Value *result = b.CreateSelect(negative, large, nonNegative);
    result->takeName(conversion);
    conversion->replaceAllUsesWith(result);
    conversion->eraseFromParent();
  }
  return !conversions.empty();
}

bool extendBFloatThroughBits(Function &function) {
  SmallVector<FPExtInst *> extensions;
  for (Instruction &inst : instructions(function))
    if (auto *ext = dyn_cast<FPExtInst>(&inst);
        ext && ext->getSrcTy()->getScalarType()->isBFloatTy())
      extensions.push_back(ext);
  for (FPExtInst *ext : extensions) {
    IRBuilder<> b(ext);
    Value *wide = extendBFloat(b, ext->getOperand(0), ext->getType());
    wide->takeName(ext);
    ext->replaceAllUsesWith(wide);
    ext->eraseFromParent();
  }
  return !extensions.empty();
}

namespace {
/// A function pass of `rewrite`, which keeps the control flow.
template <bool (*rewrite)(Function &)>
struct RewritePass : PassInfoMixin<RewritePass<rewrite>> {
  PreservedAnalyses run(Function &function, FunctionAnalysisManager &) {
    if (!rewrite(function))
      return PreservedAnalyses::all();
    PreservedAnalyses preserved;
    preserved.preserveSet<CFGAnalyses>();
    return preserved;
  }
};
} // namespace

Error optimizeModule(Module &module, unsigned optLevel, TargetMachine &tm) {
  static const OptimizationLevel levels[] = {
      OptimizationLevel::O0, OptimizationLevel::O1, OptimizationLevel::O2,
      OptimizationLevel::O3};
  if (optLevel > 3)
    return createStringError(
        formatv("invalid optimization level {0}", optLevel));

  LoopAnalysisManager loops;
  FunctionAnalysisManager functions;
  CGSCCAnalysisManager sccs;
  ModuleAnalysisManager modules;
  PipelineTuningOptions tuning;
  tuning.LoopUnrolling = true;
  tuning.LoopInterleaving = true;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  PassBuilder builder(&tm, tuning);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  builder.registerPipelineStartEPCallback(
      [](ModulePassManager &pm, OptimizationLevel) {
        pm.addPass(createModuleToFunctionPassAdaptor(
            RewritePass<extendBFloatThroughBits>()));
      });
  builder.registerVectorizerStartEPCallback(
      [](FunctionPassManager &pm, OptimizationLevel) {
        pm.addPass(RewritePass<expandUnsignedToFloatOfSignExtended>());
      });

  ModulePassManager pm =
      builder.buildPerModuleDefaultPipeline(levels[optLevel]);
  pm.run(module, modules);
  return Error::success();
}

} // namespace anybit
