//===- CodeDotMatmulCodegen.h - int8 products over unsigned codes -*- C++ -*-===//
//
// anybit.matmul of int8 activations A (M x K) by weights W (N x K) into
// int32 (or, with group scales, f32) whose values are unsigned byte codes
// c = w + o minus an offset o: trits (c = t + 1, packed four 2-bit codes or
// five base-3 digits a byte), integers of 1..8 bits (c = w + 2^(bits-1) for
// signed ones, which flips the sign bit; c = w for unsigned ones), and
// small floats of 2..6 bits whose values are multiples of one power of two
// (c = w 2^e + o from a byte table, vpshufb for 16 patterns, vpermb for
// 64 with VBMI, else a vpshufb per 16 and selects: e2m1 is -12..12 halves;
// e3m2's -448..448 sixteenths take two tables, k mod 128 and floor(k / 128)
// plus an offset, and two products). Then
//
//     sum_k A[m, k] * W[n, k] = sum_k c[n, k] * A[m, k] - o * sum_k A[m, k],
//
// where the first sum is an unsigned-by-signed byte dot product (x86
// vpdpbusd; vpmaddubsw and vpmaddwd on AVX2, codes of 128 and up as
// l + 128 h in two products; or portable vector code) and the second is
// one sum per
// activation row, shared by all N outputs (per lane and group when
// scaled: each group's exact int32 lane sums are scaled once). For trits
// this is the add/sub
// lowering: no weight is ever multiplied, the codes select how often each
// activation is added.
//
// Sign-magnitude floats of 5 or 6 bits on 256-bit x86 without VBMI look up
// codes of their magnitudes instead (half the patterns: e3m2's 0..448
// sixteenths as 0..28 for exponents below 4, and above as 4..56 units of
// 8 sixteenths; two vpshufb per 32 codes, whose indices zero the other
// half, for eight and six selects), and vpsignb gives each activation its
// weight's sign, so there are no offsets. -128 has no negation in int8:
// an A that holds one takes the offset codes, chosen at run time
// (symmetric int8 quantization makes none).
//
// The codes are never reordered. For widths that divide 8 a load of V
// bytes holds PV codes (P = 8 / bits a byte, P = 5 base-3 digits), and
// plane j, the codes of elements P i + j, comes out of the bytes x with
// (x >> bits j) & mask, for base 3 with ((x * 3^j) mod 256) * 3 >> 8. The
// activations are permuted once instead (A' holds, within each block of
// PV, plane j's activations at [jV, (j+1)V)), so each plane meets its
// activations in one contiguous load. Fields of 3, 5, 6 or 7 bits straddle
// bytes, eight to a whole number of bytes: one vpmultishiftqb (x86 AVX-512
// VBMI) picks each field of a group from its bit offset; other x86 targets
// pick each field's 16-bit window with vpshufb in its 128-bit lane,
// multiply and shift it into place and pack two vectors of windows with
// vpackuswb; portable code shifts the 16-bit word of its two bytes.
// 3-bit fields take two planes (the even and the odd codes: sixteen fill
// a qword, so one byte shuffle serves both multishifts; without VBMI each
// even code and the odd one after it come out as one 6-bit field, split
// by a mask and a shift); wider ones keep their order. Rows of W are
// independent: an scf.forall over tiles of outputs, each tile accumulating
// a few rows of A against a few rows of W in vector registers.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_CODEDOTMATMULCODEGEN_H
#define ANYBIT_LIB_CONVERSION_CODEDOTMATMULCODEGEN_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

/// Whether buildCodeDotMatmul handles these operands: A an M x K i8
/// tensor, W stored N x K (`transposed`) and either
///  - an i32 accumulator, A logical, and W trits with an unscaled
///    #anybit.packed encoding (2-bit or base 3), or integers of 1..8 bits
///    with an unscaled one that puts element i at bit i * bits (or logical
///    i8); or
///  - an f32 accumulator, A logical or packed with one f16/bf16/f32 scale
///    per row, and W integers of 1..8 bits or small floats of 2..6 bits
///    (see above) packed that way with [1, G] f16/bf16/f32/e8m0 scales, G
///    tiling the kernel's blocks (e2m1 with e8m0 is MXFP4);
/// rows of W start on a byte (K * bits a multiple of 8, K a multiple of 5
/// for base 3).
/// `tableEntries`: the most patterns a table lookup of the target takes
/// (64 where it has x86 byte shuffles, 16 in portable code, whose lookups
/// are a select per pattern); floats of 5 or 6 bits need 32 or 64.
bool canLowerCodeDotMatmul(mlir::RankedTensorType lhsType,
                           mlir::RankedTensorType rhsType, bool transposed,
                           mlir::Type accumulator, unsigned tableEntries);

/// Emits C = A · W^T in i32, where `lhs` is A and `rhs` the storage of W
/// (of type `rhsType`): its bytes, or the N x K i8 tensor itself.
/// `dotBits` is the vpdpbusd width (512: AVX-512 VNNI, 256: AVX-VNNI), or 0
/// for 256-bit vector code, whose byte products are vpmaddubsw and vpmaddwd
/// when `byteBits` (AVX2: 256, AVX-512 BW: 512) is nonzero (codes of 128
/// and up split in two products, so that vpmaddubsw's 16-bit pair sums
/// cannot saturate), else portable widening multiplies; `multishift` lets
/// straddling fields use vpmultishiftqb of that width (with a nonzero
/// `dotBits`).
mlir::Value buildCodeDotMatmul(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value lhs, mlir::RankedTensorType lhsType,
                               mlir::Value rhs,
                               mlir::RankedTensorType rhsType,
                               unsigned dotBits, bool multishift,
                               unsigned byteBits);

/// Whether buildCodeCvtMatmul handles these operands: A an M x K f32
/// tensor, and W and the scales as canLowerCodeDotMatmul takes them into
/// f32 (unscaled integers and trits too); for M > 1, f16 scales or none.
} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_CODEDOTMATMULCODEGEN_H
