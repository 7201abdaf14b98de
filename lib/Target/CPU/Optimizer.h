//===- Optimizer.h - LLVM's optimizer on Anybit's modules -------*- C++ -*-===//
//
// LLVM's default pipeline at -O0..3, built as MLIR's makeOptimizingTransformer
// builds it, with rewrites at its extension points around faults of its
// passes. Each rewrite keeps the IR's meaning and says which fault it avoids.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_TARGET_CPU_OPTIMIZER_H
#define ANYBIT_LIB_TARGET_CPU_OPTIMIZER_H

#include "llvm/Support/Error.h"

namespace llvm {
class Function;
class Module;
class TargetMachine;
} // namespace llvm

namespace anybit {

/// Expands each scalar uitofp whose integer is wider than its float and
/// holds a sign-extended value (two sign bits or more, not known
/// non-negative) the way LLVM's x86 backend expands uitofp without AVX-512:
/// sitofp for non-negative values; for the others, half the value with its
/// lowest bit kept as a sticky bit, converted and doubled. LLVM 22's SLP
/// vectorizer narrows such an integer to the float's width and keeps the
/// uitofp: `uitofp (sext i16 -1 to i64) to float` gave 2^32, not 2^64.
/// Returns whether it changed `function`.
bool expandUnsignedToFloatOfSignExtended(llvm::Function &function);

/// Rewrites each fpext from bfloat as its bits shifted into an f32
/// (extendBFloat). LLVM 22's InstCombine shrinks `fptrunc (frem
/// (fpext bfloat %x to double), C) to float`, and sums of such values
/// truncated to half, into half arithmetic when C fits in half: it ranks
/// formats by their mantissas alone, and a bfloat past 65504 became
/// infinity (1e30 frem 1.5 gave NaN). It does not look through the bits.
/// Returns whether it changed `function`.
bool extendBFloatThroughBits(llvm::Function &function);

/// Runs LLVM's default pipeline for `optLevel` (0..3) and `tm` on `module`,
/// with the bfloat rewrite where it starts and the uitofp one where the
/// vectorizers start.
llvm::Error optimizeModule(llvm::Module &module, unsigned optLevel,
                           llvm::TargetMachine &tm);

} // namespace anybit

#endif // ANYBIT_LIB_TARGET_CPU_OPTIMIZER_H
