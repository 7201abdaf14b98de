//===- CodeFmaMatmulCodegen.h - f32 activations times codes -----*- C++ -*-===//
//
// anybit.matmul of f32 activations A (1 x K, a GEMV) by packed weights W
// stored N x K (transpose_rhs) into f32: integers of 1..8 bits, trits, or
// floats of up to 6 bits, dense at bit i * bits, with optional [1, G]
// scales.
//
// The weights are read as the code-dot kernel reads them, whole bytes in
// order: for widths that divide 8 a byte holds P = 8 / bits codes, plane j
// being (x >> bits j), and the activations are permuted once into the
// planes' order (A'), so that 16 bytes zero-extended to 16 i32 lanes give
// P vectors of 16 codes, each met by 16 contiguous activations. Fields of
// 3, 5, 6 or 7 bits straddle bytes; one byte shuffle puts each of 16 fields'
// two bytes into its lane and per-lane shifts align them. A code becomes
// its value by an f32 table lookup for widths up to 5 and floats of 6 bits
// (vpermps: 16 entries picked by the lane's low four bits, so the bits
// above the field need no mask; vpermi2ps: 32; two of them and a select:
// 64), or by sign extension and a conversion for wider integers. Each value is one FMA with its activation: three or four
// instructions per 16 weights, where unpacking each 16 in order costs
// seven. Groups of products are summed first and scaled once, as the
// other f32 kernels do.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_CODEFMAMATMULCODEGEN_H
#define ANYBIT_LIB_CONVERSION_CODEFMAMATMULCODEGEN_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

/// Whether buildCodeFmaMatmul handles these operands: A a 1 x K f32
/// tensor (a GEMV), W stored N x K (`transposed`) with a packed encoding whose
/// elements are at bit i * bits (dense, or filling their words exactly),
/// untiled, of integers of 1..8 bits or trits, or of floats of up to 6 bits
/// when `tables` (AVX-512F vpermps, vpermi2ps) is set; unscaled, or with
/// [1, G] f16, bf16, f32 or e8m0 scales, G a multiple of 16 codes of each
/// plane or a divisor of 16 P that P divides; K a multiple of 64 codes of
/// each plane (whole blocks), and rows of fields at least 64 bytes.
bool canLowerCodeFmaMatmul(mlir::RankedTensorType lhsType,
                           mlir::RankedTensorType rhsType, bool transposed,
                           mlir::Type accumulator, bool tables);

/// Emits C = A · W^T in f32, where `lhs` is the f32 tensor A and
/// `rhsBytes` the 1-D i8 storage of W (of type `rhsType`). `tables`
/// selects table lookups for widths up to 5 and 6-bit floats (else shifts
/// and conversions).
mlir::Value buildCodeFmaMatmul(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value lhs, mlir::Value rhsBytes,
                               mlir::RankedTensorType rhsType, bool tables);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_CODEFMAMATMULCODEGEN_H
