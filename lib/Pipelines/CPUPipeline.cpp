//===- CPUPipeline.cpp - Tensor-level IR to the LLVM dialect --------------===//

#include "anybit/Pipelines/Pipelines.h"

#include "anybit/Conversion/Passes.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace anybit {

void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options) {
  pm.addNestedPass<func::FuncOp>(createAnybitWidenLoopIndices());
  pm.addPass(createConvertAnybitToStandard());
  pm.addPass(createAnybitCPUCallingConvention());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  if (options.optLevel > 0)
    pm.addPass(createLinalgElementwiseOpFusionPass());

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createAnybitNoAliasBuffers());
  pm.addNestedPass<func::FuncOp>(createAnybitMemRefCopyToLinalg());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);

  // Strided metadata expands into affine.apply, so affine lowers after it.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (options.optLevel > 0)
    pm.addPass(createCanonicalizerPass());
}

namespace {
struct PipelineCLOptions : PassPipelineOptions<PipelineCLOptions> {
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("Optimization level 0..3"),
                            llvm::cl::init(3)};
};
} // namespace

void registerAnybitPipelines() {
  PassPipelineRegistration<PipelineCLOptions>(
      "anybit-cpu-pipeline",
      "Lowers tensor-level anybit IR to the LLVM dialect for the host CPU",
      [](OpPassManager &pm, const PipelineCLOptions &cl) {
        CPUPipelineOptions options;
        options.optLevel = cl.optLevel;
        buildCPUPipeline(pm, options);
      });
}

} // namespace anybit
