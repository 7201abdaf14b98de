//===- CodegenWorkarounds.h - IR LLVM's backends mishandle ------*- C++ -*-===//
//
// Rewrites of optimized LLVM IR, just before code generation, around what
// LLVM's backends get wrong on Anybit's modules. Each keeps the IR's
// meaning; each says which fault it avoids.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_TARGET_CPU_CODEGENWORKAROUNDS_H
#define ANYBIT_LIB_TARGET_CPU_CODEGENWORKAROUNDS_H

namespace llvm {
class Function;
class IRBuilderBase;
class Module;
class Type;
class Value;
} // namespace llvm

namespace anybit {

/// Defines __truncsfbf2 (f32 to bf16, to nearest even, NaN kept quiet),
/// which LLVM's x86 backend calls when it rounds to bfloat on a target
/// without AVX-512 BF16; GCC 12's libgcc, which objects link and the JIT
/// finds, lacks it. Weak and hidden: each module carries its own, a real
/// runtime's wins.
void addBFloatRuntime(llvm::Module &module);

/// The bfloat `value` (or vector), given as itself or as its i16 bits, as
/// a float of `type` (float, double, or vectors of them): the bits shifted
/// into the top of an f32, exact, NaN payloads included, extended further
/// if `type` is wider.
llvm::Value *extendBFloat(llvm::IRBuilderBase &b, llvm::Value *value,
                          llvm::Type *type);

/// Moves bfloat values as their i16 bits: loads, stores, phis, selects,
/// freezes, vector element moves and the intrinsics that only move data
/// (masked loads and stores, ...) take the bits, and fpext from bfloat
/// widens the bits by a shift. Backends without a scalar bfloat register (x86)
/// promote a bfloat value that crosses blocks or enters a vector to f32
/// and round it back on the way to memory, and vcvtneps2bf16 flushes
/// subnormals to zero: a copy changed the value.
void keepBFloatMovesAsBits(llvm::Function &function);

/// Reads an element of an i1 vector bitcast from wider integers (which
/// InstCombine makes of `trunc (extractelement <16 x i8> %v, k)`) from the
/// integers themselves. The x86 backend with AVX-512 aborts on some such
/// vectors of more than 64 elements ("Cannot emit physreg copy
/// instruction").
void extractMaskBitsFromIntegers(llvm::Function &function);

/// Quiets each operand of a scalar llvm.maximum/minimum (half, float,
/// double) that may be NaN with llvm.canonicalize (a multiply by 1.0).
/// Where the other operand is known not to be NaN, the x86 backend with
/// AVX-512 DQ tests the first with vfpclass for quiet NaNs only, and a
/// signaling one then lost to the number: maximum(sNaN, 0.0) gave 0.0.
void quietNaNsBeforeScalarMinMax(llvm::Function &function);

/// Every workaround above, on each function `module` defines.
void prepareForCodegen(llvm::Module &module);

} // namespace anybit

#endif // ANYBIT_LIB_TARGET_CPU_CODEGENWORKAROUNDS_H
