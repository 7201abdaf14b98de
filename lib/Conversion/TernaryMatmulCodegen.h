//===- TernaryMatmulCodegen.h - Multiply-free ternary matmuls ---*- C++ -*-===//
//
// anybit.matmul of int8 activations A (M x K) by trit weights W (N x K,
// packed four codes a byte) into int32, without multiplying by weights:
// with the codes c = W + 1 (0, 1, 2),
//
//     sum_k A[m, k] * W[n, k] = sum_k c[n, k] * A[m, k] - sum_k A[m, k],
//
// where the first sum is an unsigned-by-signed byte dot product of the codes
// as they lie in memory (x86 vpdpbusd, or portable vector code) and the
// second is one sum per activation row, shared by all N outputs.
//
// The codes are never reordered: a load of V bytes holds PV codes (P = 4
// two-bit codes a byte, or P = 5 base-3 digits), and plane j, the codes of
// elements P i + j, comes out of the bytes x with (x >> 2j) & 3, or for
// base 3 with ((x * 3^j) mod 256) * 3 >> 8. The activations are permuted
// once instead (A' holds, within each block of PV, plane j's activations at
// [jV, (j+1)V)), so each plane meets its activations in one contiguous
// load. Rows of W are independent: an
// scf.forall over tiles of outputs, each tile accumulating a few rows of A
// against a few rows of W in vector registers.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_TERNARYMATMULCODEGEN_H
#define ANYBIT_LIB_CONVERSION_TERNARYMATMULCODEGEN_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

/// Whether buildTernaryMatmul handles these operands: A a logical M x K i8
/// tensor, W (stored N x K, `transposed`) trits with an unscaled
/// #anybit.packed encoding (2-bit or base 3) whose rows start on a byte (K a
/// multiple of 4, or of 5 for base 3), and an i32 accumulator.
bool canLowerTernaryMatmul(mlir::RankedTensorType lhsType,
                           mlir::RankedTensorType rhsType, bool transposed,
                           mlir::Type accumulator);

/// Emits C = A · W^T in i32, where `lhs` is A and `rhsBytes` the 1-D i8
/// storage of W (of type `rhsType`). `dotBits` is the vpdpbusd width (512:
/// AVX-512 VNNI, 256: AVX-VNNI), or 0 for portable 256-bit vector code.
mlir::Value buildTernaryMatmul(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value lhs, mlir::Value rhsBytes,
                               mlir::RankedTensorType rhsType,
                               unsigned dotBits);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_TERNARYMATMULCODEGEN_H
