//===- Pipelines.h - Named pass pipelines -----------------------*- C++ -*-===//

#ifndef ANYBIT_PIPELINES_PIPELINES_H
#define ANYBIT_PIPELINES_PIPELINES_H

#include "anybit/Conversion/ReductionMethod.h"
#include "mlir/Pass/PassManager.h"

namespace anybit {

struct CPUPipelineOptions {
  /// 0: no optimization of the generated loops; higher levels run the
  /// upstream loop and LLVM optimizations.
  unsigned optLevel = 3;
  /// Parallel loops become OpenMP worksharing loops on this many threads
  /// (0: the runtime's choice); without `openMP` they run sequentially.
  bool openMP = false;
  unsigned threads = 0;
  /// How modarith products are reduced modulo Q.
  ModularReduction reduction = ModularReduction::Auto;
  /// Modular matmuls with a constant lhs become int8 matmuls (BAT).
  bool bat = false;
  /// How modarith.ntt/intt are lowered.
  NttLowering ntt = NttLowering::Radix2;
  /// Sums of products are reduced once (not under Montgomery).
  bool lazyReduction = true;
  /// The target's vpdpbusd width in bits (512: AVX-512 VNNI, 256:
  /// AVX-VNNI), which int8 dot-product contractions use; 0: none.
  unsigned x86Int8DotBits = 0;
  /// vpmultishiftqb of that width exists (AVX-512 VBMI, with VL for 256).
  bool x86Multishift = false;
  /// The width in bits of the target's byte instructions (vpshufb,
  /// vpmaddubsw; 512: AVX-512 BW, 256: AVX2), which table lookups and
  /// int8 products without vpdpbusd use; 0: none.
  unsigned x86ByteBits = 0;
  /// How int8 x trit matmuls (the core of anybit.bitlinear) are lowered.
  TernaryLowering ternary = TernaryLowering::Auto;
  /// Loops that stream through packed bytes prefetch this many bytes ahead
  /// of their reads (anybit-prefetch-streams; 0: none). From optLevel 1.
  unsigned prefetchDistance = 4096;
};

/// Tensor-level anybit IR down to the LLVM dialect for the host CPU: lower
/// anybit ops, bufferize with caller-provided result buffers, lower loops,
/// and convert to LLVM with the bare-pointer calling convention (one plain
/// pointer per tensor argument and result, scalars by value).
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const CPUPipelineOptions &options);

/// Registers `anybit-cpu-pipeline` for anybit-opt.
void registerAnybitPipelines();

} // namespace anybit

#endif // ANYBIT_PIPELINES_PIPELINES_H
