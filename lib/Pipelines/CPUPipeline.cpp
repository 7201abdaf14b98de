//===- CPUPipeline.cpp - Tensor-level IR to the LLVM dialect --------------===//

#include "anybit/Pipelines/Pipelines.h"

#include "anybit/Conversion/Passes.h"
#include "anybit/Transforms/Passes.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace anybit {

/// Upstream's canonicalizer without scf.forall's ForallOpIterArgsFolder. In
/// MLIR 22 that pattern erases a dropped shared output's parallel_insert_slice
/// once per use of the output; once a full-size extract_slice folds, the
/// slice's source is that output too, and the op is freed twice ("double
/// free", an abort). Bufferization handles the outputs it would drop; the
/// final IR of every example and test kernel is the same without it. (Once
/// bufferized, no scf.forall has shared outputs: the canonicalizations that
/// the deallocation pipeline and the inliner run are upstream's own.)
static std::unique_ptr<Pass> createCanonicalizer() {
  // The canonicalize pass's defaults.
  GreedyRewriteConfig config;
  config.setUseTopDownTraversal(true);
  config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Normal);
  return createCanonicalizerPass(
      config, {"(anonymous namespace)::ForallOpIterArgsFolder"});
}

void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options) {
  // The kernel's own loops and run-time indices, before any lowering adds
  // its own; its affine loops as scf loops first, for the guard to see.
  pm.addPass(createAnybitSplitAffineCeilDiv());
  pm.addPass(createLowerAffinePass());
  pm.addNestedPass<func::FuncOp>(createAnybitIndexSwitchToIf());
  pm.addNestedPass<func::FuncOp>(createAnybitFoldConstantFloatCompares());
  pm.addNestedPass<func::FuncOp>(createAnybitGuardLoopSteps());
  pm.addNestedPass<func::FuncOp>(createAnybitGuardFloatToInt());
  pm.addNestedPass<func::FuncOp>(createAnybitClampTensorIndices());
  pm.addNestedPass<func::FuncOp>(createAnybitExpandRankReducingSlices());
  if (options.ntt == NttLowering::Mat)
    pm.addPass(createModArithMat());
  pm.addPass(createModArithNttRadix2());
  if (options.bat)
    pm.addPass(createModArithBat());
  pm.addPass(createModArithMatmulDirect());
  if (options.lazyReduction &&
      options.reduction != ModularReduction::Montgomery)
    pm.addPass(createModArithLazyReduction());
  ConvertModArithToArithOptions modArith;
  modArith.reduction = options.reduction;
  pm.addPass(createConvertModArithToArith(modArith));
  pm.addNestedPass<func::FuncOp>(createAnybitWidenLoopIndices());
  pm.addPass(createAnybitLowerTernary());
  ConvertAnybitToStandardOptions toStandard;
  toStandard.ternary = options.ternary;
  toStandard.x86Int8DotBits = options.x86Int8DotBits;
  toStandard.x86Multishift = options.x86Multishift;
  toStandard.x86ByteBits = options.x86ByteBits;
  toStandard.threads = options.openMP ? options.threads : 1;
  pm.addPass(createConvertAnybitToStandard(toStandard));
  pm.addNestedPass<func::FuncOp>(createAnybitKeepUnwrittenInits());
  pm.addPass(createAnybitCPUCallingConvention());
  // Before any canonicalization, which would drop the truncation of an
  // index cast back and forth through a narrow integer.
  pm.addNestedPass<func::FuncOp>(createAnybitTruncateIndexCasts());
  pm.addPass(createCanonicalizer());
  // Again: canonicalization may fold a payload's read of its init away.
  pm.addNestedPass<func::FuncOp>(createAnybitKeepUnwrittenInits());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  if (options.optLevel > 0)
    pm.addPass(createAnybitFuseElementwise());
  if (options.x86Int8DotBits) {
    AnybitX86Int8DotOptions dot;
    dot.vectorBits = options.x86Int8DotBits;
    pm.addPass(createAnybitX86Int8Dot(dot));
  }

  // Last before bufferization: canonicalization may have made sizes static.
  pm.addNestedPass<func::FuncOp>(createAnybitDropEmptyInserts());
  // tensor.empty destinations of insert_slice chains (the NTT stages write
  // both halves of their result) become slices of the final tensor, so that
  // bufferization writes in place instead of copying.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addNestedPass<func::FuncOp>(createAnybitDistinctLoopYields());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addNestedPass<func::FuncOp>(createAnybitDistinctResultBuffers());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // In-place writes leave copies of a subview onto an identical one: CSE
  // makes them the same value and the canonicalizer drops the self-copies.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizer());
  pm.addPass(createAnybitNoAliasBuffers());
  pm.addNestedPass<func::FuncOp>(createAnybitMemRefCopyToLinalg());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  // The deallocation of a buffer a loop carries calls a helper over dynamic
  // memrefs, which the bare-pointer calling convention cannot lower: inline
  // it (and every other call). A helper left uncalled (its caller was an
  // uncalled private function, which the inliner erases) would reach
  // LLVM as a func.func: symbol-dce drops it.
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  if (options.optLevel > 0 && options.prefetchDistance > 0) {
    AnybitPrefetchStreamsOptions prefetch;
    prefetch.distance = options.prefetchDistance;
    pm.addNestedPass<func::FuncOp>(createAnybitPrefetchStreams(prefetch));
  }

  // Strided metadata expands into affine.apply, so affine lowers after it.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createAnybitSplitAffineCeilDiv());
  pm.addPass(createLowerAffinePass());
  // Every division is arith's or index's now, affine's mod and floordiv
  // included.
  pm.addNestedPass<func::FuncOp>(createAnybitGuardIntegerDivision());
  pm.addPass(createForallToParallelLoopPass());
  if (options.openMP) {
    pm.addNestedPass<func::FuncOp>(createAnybitLegalizeOpenMPReductions());
    ConvertSCFToOpenMPPassOptions omp;
    omp.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(omp));
  } else {
    // The parallel loops run one iteration after another: their bodies'
    // stack buffers need allocating once.
    pm.addNestedPass<func::FuncOp>(createAnybitHoistSequentialAllocas());
  }
  // memref.alloca_scope (the OpenMP loop bodies) must hold a single block:
  // memrefs lower, and the scopes with them, before scf.for becomes blocks.
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.x86Vector = true; // the anybit.x86_* instructions
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  // Vector lowerings may leave ub.poison (undefined padding operands).
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  pm.addPass(createConvertControlFlowToLLVMPass());
  if (options.openMP)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (options.optLevel > 0)
    pm.addPass(createCanonicalizer());
}

namespace {
struct PipelineCLOptions : PassPipelineOptions<PipelineCLOptions> {
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("Optimization level 0..3"),
                            llvm::cl::init(3)};
  Option<bool> openMP{*this, "openmp",
                      llvm::cl::desc("Run parallel loops with OpenMP"),
                      llvm::cl::init(false)};
  Option<unsigned> threads{*this, "threads",
                           llvm::cl::desc("OpenMP threads (0: the runtime's "
                                          "choice)"),
                           llvm::cl::init(0)};
  Option<ModularReduction> reduction{
      *this, "modarith-reduction",
      llvm::cl::desc("How modarith products are reduced modulo Q"),
      llvm::cl::init(ModularReduction::Auto),
      llvm::cl::values(
          clEnumValN(ModularReduction::Auto, "auto", "Barrett, else remainder"),
          clEnumValN(ModularReduction::Barrett, "barrett", "Barrett"),
          clEnumValN(ModularReduction::Montgomery, "montgomery", "Montgomery"),
          clEnumValN(ModularReduction::Shoup, "shoup", "Shoup for constants"),
          clEnumValN(ModularReduction::Remainder, "remainder", "arith.remui"))};
  Option<bool> bat{*this, "modarith-bat",
                   llvm::cl::desc("Modular matmuls with a constant lhs as "
                                  "int8 matmuls (BAT)"),
                   llvm::cl::init(false)};
  Option<NttLowering> ntt{
      *this, "modarith-ntt", llvm::cl::desc("How modarith.ntt/intt lower"),
      llvm::cl::init(NttLowering::Radix2),
      llvm::cl::values(
          clEnumValN(NttLowering::Radix2, "radix2", "radix-2 butterflies"),
          clEnumValN(NttLowering::Mat, "mat", "three modular matmuls"))};
  Option<unsigned> x86Int8Dot{
      *this, "x86-int8-dot-bits",
      llvm::cl::desc("vpdpbusd width for int8 dot products (512, 256; 0: "
                     "none)"),
      llvm::cl::init(0)};
  Option<bool> x86Multishift{
      *this, "x86-multishift",
      llvm::cl::desc("vpmultishiftqb of the vpdpbusd width exists"),
      llvm::cl::init(false)};
  Option<TernaryLowering> ternary{
      *this, "ternary",
      llvm::cl::desc("How int8 x trit matmuls lower"),
      llvm::cl::init(TernaryLowering::Auto),
      llvm::cl::values(
          clEnumValN(TernaryLowering::Auto, "auto",
                     "the kernel that reads the weights' layout"),
          clEnumValN(TernaryLowering::AddSub, "addsub",
                     "byte dot products of row-major codes"),
          clEnumValN(TernaryLowering::LookupTable, "lut",
                     "table lookups of tile = [R, 4] codes"),
          clEnumValN(TernaryLowering::Generic, "generic",
                     "the generic contraction"))};
  Option<unsigned> x86Byte{
      *this, "x86-byte-bits",
      llvm::cl::desc("vpshufb/vpmaddubsw width (512, 256; 0: none)"),
      llvm::cl::init(0)};
  Option<bool> lazy{*this, "modarith-lazy-reduction",
                    llvm::cl::desc("Reduce sums of products once"),
                    llvm::cl::init(true)};
  Option<unsigned> prefetch{
      *this, "prefetch-distance",
      llvm::cl::desc("Bytes ahead that loops streaming through packed bytes "
                     "prefetch (0: none)"),
      llvm::cl::init(4096)};
};
} // namespace

void registerAnybitPipelines() {
  PassPipelineRegistration<PipelineCLOptions>(
      "anybit-cpu-pipeline",
      "Lowers tensor-level anybit IR to the LLVM dialect for the host CPU",
      [](OpPassManager &pm, const PipelineCLOptions &cl) {
        CPUPipelineOptions options;
        options.optLevel = cl.optLevel;
        options.openMP = cl.openMP;
        options.threads = cl.threads;
        options.reduction = cl.reduction;
        options.bat = cl.bat;
        options.ntt = cl.ntt;
        options.lazyReduction = cl.lazy;
        options.x86Int8DotBits = cl.x86Int8Dot;
        options.x86Multishift = cl.x86Multishift;
        options.x86ByteBits = cl.x86Byte;
        options.ternary = cl.ternary;
        options.prefetchDistance = cl.prefetch;
        buildCPUPipeline(pm, options);
      });
}

} // namespace anybit
