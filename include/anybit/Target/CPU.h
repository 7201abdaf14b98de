//===- CPU.h - Compiling and running kernels on the host CPU ----*- C++ -*-===//
//
// Lowers tensor-level Anybit IR through the CPU pipeline to LLVM and either
// JIT-compiles it (CPUExecutable) or emits LLVM IR, assembly or an object
// file. CPUExecutable::run takes and returns the reference VM's RtValues,
// so a compiled kernel and the VM can be compared directly; invoke takes
// buffers in the calling convention below (Python's calls, in place).
//
// Calling convention of a compiled public function (one C function per
// entry): one pointer per tensor argument, scalars by value, then one
// pointer per result buffer, which the caller allocates. A logical tensor is
// a dense row-major array whose elements take 1, 2, 4 or 8 bytes (the
// smallest that holds their width; small floats hold their bit pattern); a
// packed tensor is its bytes (data, scales, zero points). Integers narrower
// than their storage ignore the high bits of inputs and come back sign- or
// zero-extended by their signedness. A result buffer must not overlap any
// other argument (the arguments are noalias); inputs may overlap each other.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_TARGET_CPU_H
#define ANYBIT_TARGET_CPU_H

#include "anybit/Conversion/ReductionMethod.h"
#include "anybit/Interp/Value.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringMap.h"
#include <memory>
#include <string>

namespace anybit {

class CPUJit;

struct CPUCompileOptions {
  unsigned optLevel = 3;
  /// Target CPU and features; empty means the host's.
  std::string cpu, features;
  /// Print the pass pipeline / per-pass timing to stderr.
  bool printPipeline = false, timePasses = false;
  /// Threads for parallel loops: 1 (the default) runs them sequentially,
  /// N > 1 on N OpenMP threads, 0 lets the OpenMP runtime decide (all cores,
  /// or OMP_NUM_THREADS). Sequential is the default because an idle OpenMP
  /// team spins for a while after each call, which costs more than it gains
  /// when several processes share the cores (a test suite, a server).
  /// Without an OpenMP runtime (see openMPRuntimePath) loops always run
  /// sequentially.
  unsigned threads = 1;
  /// How modarith products are reduced modulo Q.
  ModularReduction reduction = ModularReduction::Auto;
  /// Modular matmuls with a constant lhs become int8 matmuls (BAT).
  bool bat = false;
  /// How modarith.ntt/intt are lowered.
  NttLowering ntt = NttLowering::Radix2;
  /// Sums of products of residues are reduced once (not under Montgomery).
  bool lazyReduction = true;
  /// How int8 x trit matmuls (anybit.bitlinear's product) are lowered.
  TernaryLowering ternary = TernaryLowering::Auto;
  /// Register JIT-compiled code with GDB's JIT interface, so that a
  /// debugger names the kernels and breaks in them. For executables that
  /// live as long as the process (`anybitc --run`): LLVM 22 leaves each
  /// registration, pointing at freed memory, after the code is freed.
  bool registerWithDebugger = false;
};

/// The OpenMP runtime compiled code links when it runs parallel loops, or
/// an empty string when the build found none.
llvm::StringRef openMPRuntimePath();

/// Whether compiled code with these options calls the OpenMP runtime.
bool usesOpenMP(const CPUCompileOptions &options);

/// The #anybit.packed encoding to store trit weights in so that their
/// int8 x trit products with `batch` rows of activations run fastest on
/// the target of `options`: which of the two kernels without
/// multiplications (`ternary=auto` takes the one the layout is for) wins
/// there. Add/sub over row-major codes (`<>`) costs one vpdpbusd per 64
/// codes with VNNI, three instructions (vpmaddubsw, vpmaddwd, add) per 32
/// with AVX2 alone; a lookup (`<tile = [64, 4]>`) costs three (vpshufb,
/// unpack, add) per 64 pairs of codes and row of activations. Measured on
/// Zen 5 (bench/ternary.cpp): with VNNI add/sub is 1.3-1.7x faster at
/// batches 1 and 8; with AVX2 alone the two are within noise at batch 1,
/// add/sub is faster at batches 2 and 4, and the lookups are 1.1-1.4x
/// faster at batch 8. Without either, row-major codes. With the weights'
/// `shape` (N x K; empty when unknown) tiles are taken only where they fit:
/// 64 rows, or 32, dividing N, and K a multiple of 4.
mlir::FailureOr<std::string>
getPreferredTritEncoding(const CPUCompileOptions &options, int64_t batch,
                         llvm::ArrayRef<int64_t> shape, mlir::Location loc);

/// The #anybit.packed encoding to store the N x K weights of GEMVs with f32
/// activations (y = W x, `transpose_rhs`, one row of x) in, for the target's
/// fastest kernel, with [1, `group`] scales of type `scale` (none for
/// `group` 0; else f16, bf16, f32 or e8m0, and `group` divides K):
/// integers of 1 or 2 bits (any signedness) and trits tiled
/// `[rows, 32 / bits]`, and 3-bit integers tiled `[rows, 16]` in
/// `bit_planes = [2, 1]`, the f32 lookup-table kernel's layouts, where the
/// lowering takes that kernel (AVX-512 BW, which brings AVX-512F's
/// 16-entry vpermps) and a tile fits (64 or 32 rows dividing N,
/// `group` a multiple of the tile's columns, K too); else row-major codes
/// (the code-FMA kernel). Measured on Zen 5 (bench/gemv.cpp): 2-bit weights
/// tiled 1.4-2.3x faster than row-major at batch 1, 1.7-2.4x at batch 4;
/// 3-bit ones in bit planes 1.4-1.6x at batch 1, 1.25-1.7x at batch 4.
/// `shape` (N, K) is empty when unknown (then 64 rows). Errors (a bad
/// rank, group or scale) are diagnostics at `loc`.
mlir::FailureOr<std::string>
getPreferredGemvEncoding(const CPUCompileOptions &options, mlir::Type element,
                         llvm::ArrayRef<int64_t> shape, int64_t group,
                         mlir::Type scale, mlir::Location loc);

/// Runs the CPU pipeline on `module` in place, down to the LLVM dialect.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       const CPUCompileOptions &options);

enum class CPUEmitKind { LLVMIR, Assembly, Object };

/// Translates an LLVM-dialect module (lowerToLLVMDialect's output) to LLVM
/// IR, optimizes it for the target and emits it.
mlir::FailureOr<std::string> emitForCPU(mlir::ModuleOp llvmModule,
                                        const CPUCompileOptions &options,
                                        CPUEmitKind kind);

/// Whether every type in `module` is one the CPU pipeline compiles:
/// numbers, and statically shaped tensors of them of at most
/// kMaxTensorElements elements. Anything else is reported at the op that
/// has it.
mlir::LogicalResult checkSupportedTypes(mlir::ModuleOp module);

/// Whether the CPU pipeline lowers every op of `module` that verifies:
/// an `affine.parallel` reduction must have an identity to start from
/// (not 'assign', for which upstream's lowering aborts). Reported at the
/// op.
mlir::LogicalResult checkLowerableOps(mlir::ModuleOp module);

/// Whether every function of `module` has a name its compiled code can
/// take: none of the runtime routines compiled code calls (memcpy, libm,
/// the JIT's, OpenMP's and compiler-rt's prefixes); with `forCHeader`,
/// public ones are C identifiers and not C or C++ keywords. Reported at
/// the function.
mlir::LogicalResult checkFunctionNames(mlir::ModuleOp module,
                                       bool forCHeader);

/// A C header declaring one function per public entry of `module`
/// (tensor-level IR), with each parameter's layout in a comment; failure
/// (reported) where checkSupportedTypes fails.
mlir::FailureOr<std::string> emitCHeader(mlir::ModuleOp module,
                                         llvm::StringRef guard);

/// The size in bytes one element of `elementType` takes in a compiled
/// kernel's logical buffers.
unsigned getCPUStorageBytes(mlir::Type elementType);

/// The size in bytes of the buffer of a value of `type` (a tensor's, or a
/// scalar's storage) in the calling convention.
uint64_t getCPUBufferBytes(mlir::Type type);

/// A zeroed buffer for a value of `type`: getCPUBufferBytes, at least a
/// word, so that an empty tensor has an address too.
std::vector<uint8_t> makeCPUBuffer(mlir::Type type);

/// Whether the buffer of a logical tensor of `type` is bit for bit the
/// array it travels as (ValueIO's getTravelDtype, row-major), both ways:
/// integers (narrow ones come back sign- or zero-extended, as they
/// travel), f16, f32 and f64. Residues (checked against their modulus),
/// trits, index, bf16 and small floats (which travel as f32) are not.
bool isCPUBufferTravelForm(mlir::Type type);

/// Writes `value` into `buffer` (getCPUBufferBytes of its type).
void writeCPUBuffer(const RtValue &value, llvm::MutableArrayRef<uint8_t> buffer);

/// The value of `type` in `buffer` (getCPUBufferBytes of `type`); a packed
/// tensor keeps the buffer as its storage.
RtValue readCPUBuffer(mlir::Type type, std::vector<uint8_t> buffer);

/// A module JIT-compiled for the host CPU.
class CPUExecutable {
public:
  /// Compiles a copy of `module` (tensor-level IR); diagnostics go to its
  /// context.
  static mlir::FailureOr<std::unique_ptr<CPUExecutable>>
  compile(mlir::ModuleOp module, const CPUCompileOptions &options);
  ~CPUExecutable();

  /// Calls the public function `entry`. Arguments must match its
  /// tensor-level signature; errors are emitted at `loc`. Packed tensors
  /// are passed in their storage, without a copy.
  mlir::FailureOr<llvm::SmallVector<RtValue>>
  run(llvm::StringRef entry, llvm::ArrayRef<RtValue> args,
      mlir::Location loc);

  /// The tensor-level signature of the public function `entry`, or null.
  mlir::FunctionType getSignature(llvm::StringRef entry) const;

  /// Calls `entry` (see getSignature) on buffers in the calling convention:
  /// `args[i]` is argument i's buffer (a scalar's storage too), read only,
  /// and `results[i]` result i's, getCPUBufferBytes of its type each; none
  /// may be null. Safe to call from several threads at once.
  void invoke(llvm::StringRef entry, llvm::ArrayRef<const void *> args,
              llvm::ArrayRef<void *> results) const;

  /// The compiled entry in its packed form, for callers that manage their
  /// own buffers (benchmarks): `fn(args)` where args[i] points to argument
  /// i (a scalar, or the address of a tensor's buffer), then to each result
  /// buffer's address, in the calling convention described above (looked
  /// up when compiled; safe to call from several threads at once).
  mlir::FailureOr<void (*)(void **)> lookupPacked(llvm::StringRef entry,
                                                  mlir::Location loc);

private:
  CPUExecutable() = default;
  std::unique_ptr<CPUJit> jit;
  /// Tensor-level signatures of the public functions.
  llvm::StringMap<mlir::FunctionType> signatures;
  /// Their packed forms, looked up once when compiled.
  llvm::StringMap<void (*)(void **)> entries;
};

} // namespace anybit

#endif // ANYBIT_TARGET_CPU_H
