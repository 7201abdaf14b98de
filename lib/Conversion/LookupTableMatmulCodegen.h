//===- LookupTableMatmulCodegen.h - int8 x trit by table lookups -*- C++ -*-===//
//
// The T-MAC / TL lowering of C = A · W^T for int8 activations A (M x K)
// and trit weights W (N x K) into int32: no product of an activation and a
// weight is computed, each is looked up. For every row of A and every pair
// of columns (2p, 2p + 1) a 16-entry table holds the partial sums
//
//     T[c0 + 4 c1] = (c0 - 1) A[m, 2p] + (c1 - 1) A[m, 2p + 1],
//
// one per pair of 2-bit codes c = t + 1 (a nibble of the packed weights;
// code 3, which no trit has, reads as 2 as everywhere else). The weights
// are stored `#anybit.packed<tile = [R, 4]>`: byte r of the tile of rows
// [R t, R t + R) and columns 4j..4j+3 holds row R t + r's four codes, and
// the tile's R bytes are contiguous, so one load gives R nibble indices into the same
// table (low nibbles: pair 2j, high nibbles: pair 2j + 1). The partial
// sums need 10 bits; each table is split into its low and high bytes,
// looked up with x86 `vpshufb` (16 entries, the same in every 128-bit
// lane; portable code gathers), and the two lookups of a row interleave
// into its 16-bit sum, exact. 16-bit sums of 32 byte columns cannot
// overflow (|sum| <= 32 * 1024), so they widen to int32 every 32 columns.
// Tiles of R rows run in parallel (an scf.forall), each keeping its rows'
// sums in vector registers for as many rows of A (up to 4) as fit.
//
// The tables are built once per call (64 bytes per 4 columns of A, by
// vector code), which is O(M K) next to the product's O(M N K).
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_LOOKUPTABLEMATMULCODEGEN_H
#define ANYBIT_LIB_CONVERSION_LOOKUPTABLEMATMULCODEGEN_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

/// Whether buildLookupTableMatmul handles these operands: A a logical M x K
/// i8 tensor, W an N x K trit tensor stored N x K (`transposed`), packed
/// as 2-bit codes with `tile = [R, 4]` (R a multiple of 32 up to 256, no
/// blocks, not base 3), and an i32 accumulator.
bool canLowerLookupTableMatmul(mlir::RankedTensorType lhsType,
                               mlir::RankedTensorType rhsType,
                               bool transposed, mlir::Type accumulator);

/// Emits C = A · W^T in i32, where `lhs` is A and `rhsBytes` the storage of
/// W (of type `rhsType`). `shuffleBits` is the x86 vpshufb width the
/// lookups may use (512: AVX-512 BW, 256: AVX2), or 0 for portable
/// gathers.
mlir::Value buildLookupTableMatmul(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::Value lhs, mlir::Value rhsBytes,
                                   mlir::RankedTensorType rhsType,
                                   unsigned shuffleBits);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_LOOKUPTABLEMATMULCODEGEN_H
