//===- CodeFmaMatmulCodegen.h - f32 activations times codes -----*- C++ -*-===//
//
// anybit.matmul of f32 activations A (1 x K, a GEMV, or up to 4 rows where
// the codes go through tables or mantissas) by packed weights W stored N x K
// (transpose_rhs) into f32: integers of 1..8 bits, trits, or floats of up
// to 6 bits, dense at bit i * bits, with optional [1, G] scales.
//
// The weights are read as the code-dot kernel reads them, whole bytes in
// order, into i32 lanes of several codes each, and the activations are
// permuted once so that code j of every lane of a read meets 16 contiguous
// ones (A'). Codes of 1, 2 or 4 bits are words: a read of 64 bytes is 16
// lanes of 32 / bits codes (code j is x >> bits j), where groups hold
// whole reads or whole words inside one; otherwise, and for 8 bits, 16
// bytes zero-extended hold P = 8 / bits codes a lane (planes). Codes of
// 3, 5, 6 or 7 bits straddle bytes: a block of 128 is 16 bits bytes, lane
// i holding codes 8 i .. 8 i + 7; one byte shuffle of a 64- or 128-byte
// read gives each lane the 4 bytes its first codes lie in, a second one
// (5, 6, 7 bits) those of the codes the first cuts, and code j is then at
// a shift that is the same in every lane. A code becomes its value by an
// f32 table lookup (CodeTables.h: widths up to 5, floats of 6 bits), as
// the mantissa of a power of two minus that power (6-bit integers, in four
// windows that keep each code below bit 23), or by sign extension and a
// conversion (7 bits, and the other widths without tables). 4-bit floats
// without f32 tables (AVX2) look their values times 2^e (int8: e2m1's
// -12..12 halves) up in a byte table, a vpshufb for a lane's even and one
// for its odd codes, then extend and convert them like integers; A' is
// scaled by 2^-e once. Each value is
// one FMA with its activations: a shift, a lookup and an FMA per 16
// weights (a vpternlogd, a subtraction and an FMA for mantissas).
// Where a group holds whole reads of words or windows, the table is the
// codes' values times the group's scale (the VM's dequantized weights,
// the row's scales converted once into a stack buffer), made one block
// ahead, and eight FMA chains run through the row.
// Otherwise sums that run through a row unscaled (or through groups of a
// multiple of four blocks) keep eight FMA chains, enough to hide the
// FMA's latency; shorter groups restart theirs and keep four, and groups
// of products are summed first and scaled once, as the other f32 kernels
// do; a row's scales are read and converted once.
// With several rows of A each value looked up is one FMA a row (a tile's
// rows of W meet each load of A' together), each (row of W, row of A)
// keeping its own chains, at least eight in all.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_CODEFMAMATMULCODEGEN_H
#define ANYBIT_LIB_CONVERSION_CODEFMAMATMULCODEGEN_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

/// Whether buildCodeFmaMatmul handles these operands: A a 1 x K f32
/// tensor (a GEMV), or with `tables` 2 to 4 rows where W's codes are words
/// or windows (one read a block) looked up in tables or made from their
/// mantissas, W stored N x K (`transposed`)
/// with a packed encoding whose
/// elements are at bit i * bits (dense, or filling their words exactly),
/// untiled, of integers of 1..8 bits or trits, or of floats of up to 6 bits
/// when `tables` (AVX-512F vpermps, vpermi2ps) is set, or of 4 bits whose
/// values times a power of two are int8 when `byteShuffles` (AVX2 vpshufb)
/// is; unscaled, or with
/// [1, G] f16, bf16, f32 or e8m0 scales, G a multiple of a read's codes
/// (16 lanes of C codes: C = 8 / bits, or 8 for 3, 5, 6 and 7 bits) or a
/// divisor of it that C divides; K whole blocks (4 reads, 8 for 8-bit
/// codes with long chains, which only an odd N, one row of W a tile,
/// takes; 1 for 3, 5, 6, 7 bits), and rows of 3..7-bit
/// codes at least one read (64 bytes, 128 from 5 bits) long.
bool canLowerCodeFmaMatmul(mlir::RankedTensorType lhsType,
                           mlir::RankedTensorType rhsType, bool transposed,
                           mlir::Type accumulator, bool tables,
                           bool byteShuffles);

/// Emits C = A · W^T in f32, where `lhs` is the f32 tensor A (B x K) and
/// `rhsBytes` the 1-D i8 storage of W (of type `rhsType`), two rows of W a
/// tile (t and t + N / 2) where N is even (except GEMVs of 6-bit integers with
/// K up to 4096), one otherwise. `tables` selects table lookups for widths up
/// to 5 and 6-bit floats (else shifts and conversions; 6-bit integers take
/// their mantissas either way); without them, `byteShuffles` selects byte
/// tables for 4-bit floats; `multishift` (512-bit vpmultishiftqb) spreads each
/// 6-bit sign-magnitude code for its lookup in one instruction.
mlir::Value buildCodeFmaMatmul(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value lhs, mlir::Value rhsBytes,
                               mlir::RankedTensorType rhsType, bool tables,
                               bool byteShuffles, bool multishift);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_CODEFMAMATMULCODEGEN_H
