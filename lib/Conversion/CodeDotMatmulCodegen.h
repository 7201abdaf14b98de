//===- CodeDotMatmulCodegen.h - int8 products over unsigned codes -*- C++ -*-===//
//
// anybit.matmul of int8 activations A (M x K) by weights W (N x K) into
// int32 whose values are unsigned byte codes c = w + o minus an offset o:
// trits (c = t + 1, packed four 2-bit codes or five base-3 digits a byte)
// and int8 (c = w + 128, one a byte). Then
//
//     sum_k A[m, k] * W[n, k] = sum_k c[n, k] * A[m, k] - o * sum_k A[m, k],
//
// where the first sum is an unsigned-by-signed byte dot product (x86
// vpdpbusd, or portable vector code) and the second is one sum per
// activation row, shared by all N outputs. For trits this is the add/sub
// lowering: no weight is ever multiplied, the codes select how often each
// activation is added.
//
// The codes are never reordered: a load of V bytes holds PV codes (P = 4
// two-bit codes a byte, P = 5 base-3 digits, P = 1 for int8), and plane j,
// the codes of elements P i + j, comes out of the bytes x with
// (x >> 2j) & 3, for base 3 with ((x * 3^j) mod 256) * 3 >> 8, for int8
// with x ^ 0x80. The activations are permuted once instead (A' holds,
// within each block of PV, plane j's activations at [jV, (j+1)V)), so each
// plane meets its activations in one contiguous load. Rows of W are
// independent: an scf.forall over tiles of outputs, each tile accumulating
// a few rows of A against a few rows of W in vector registers.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_CODEDOTMATMULCODEGEN_H
#define ANYBIT_LIB_CONVERSION_CODEDOTMATMULCODEGEN_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

/// Whether buildCodeDotMatmul handles these operands: A a logical M x K i8
/// tensor, W stored N x K (`transposed`) and either trits with an unscaled
/// #anybit.packed encoding (2-bit or base 3) whose rows start on a byte (K
/// a multiple of 4, or of 5 for base 3), or i8 (logical or unscaled
/// packed), and an i32 accumulator.
bool canLowerCodeDotMatmul(mlir::RankedTensorType lhsType,
                           mlir::RankedTensorType rhsType, bool transposed,
                           mlir::Type accumulator);

/// Emits C = A · W^T in i32, where `lhs` is A and `rhs` the storage of W
/// (of type `rhsType`): its bytes, or the N x K i8 tensor itself. `dotBits` is the vpdpbusd width (512:
/// AVX-512 VNNI, 256: AVX-VNNI), or 0 for portable 256-bit vector code.
mlir::Value buildCodeDotMatmul(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value lhs, mlir::Value rhs,
                               mlir::RankedTensorType rhsType,
                               unsigned dotBits);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_CODEDOTMATMULCODEGEN_H
