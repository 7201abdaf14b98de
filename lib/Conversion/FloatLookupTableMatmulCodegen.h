//===- FloatLookupTableMatmulCodegen.h - f32 x 1/2-bit codes by lookups -*- C++ -*-===//
//
// The T-MAC lowering of a GEMV y = W · x with f32 activations x (M x K)
// and weights of 1 or 2 bits (integers, trits, or 1- and 2-bit
// floats) stored N x K, tiled `#anybit.packed<tile = [16 R, 32 / bits]>`
// (R = 1..4): no product of an activation and a weight is computed, each
// sum of two (2 bits) or four (1 bit) of them is looked up. For every
// group of c = 4 / bits columns a table holds the sums
//
//     T_mp[e] = sum_i value(code i of e) x[m, c p + i],  e in [0, 16),
//
// computed once per call for each row m of x (64 bytes per c columns:
// 128 KiB at K = 4096 for 2 bits). A tile's row r holds its row's
// 32 / bits codes of the tile's columns in 32-bit word r, so a 64-byte
// read is one word of 16 rows and
// its low four bits index the same table in every lane: one x86 vpermps
// (AVX-512F) looks up 16 rows' sums of c products, and one addition
// accumulates them. Each of a word's eight nibbles is one shift, one
// lookup and one addition for 16 c weights, where the code-FMA kernel
// spends one of each (a shift, a lookup and an FMA) on 16 weights: twice
// the weights per instruction at 2 bits, four times at 1 bit. The R
// sub-tiles of 16 rows share each table read (from L2: a table read per
// lookup alone bound the kernel at 42 against 88 G weights/s with R = 4 on
// Zen 5), and a tile's words are one sequential stream.
//
// A batch of M rows has M sets of tables. Two rows share a pass over a
// tile's words: each shifted word is looked up in both rows' tables, 5
// instructions for 32 weights of 2 rows (the code-FMA kernel: 3 for 16
// weights of one row, and an FMA for each further row: 8). Further passes
// read the tile's words again, from L2 (64 KiB at K = 4096). Blocks of 8
// rows of x each make a pass over W, their tables in L2.
//
// Each lookup is added by an FMA by 1.0 (anybit.x86_vfmaddps_rn), which
// Zen 5 issues on pipes the permutes and shifts do not use.
//
// [1, G] scales (G a multiple of the tile's columns) multiply each group's
// sums once: a tile reads 16 groups' scales of each row at a time and
// transposes them, 16 x 16 by shuffles, into one vector of 16 rows a group
// and sub-tile on the stack, and prefetches the next tile's scales. The
// sum is reordered against the VM's (docs/semantics.md allows compiled
// code to).
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_FLOATLOOKUPTABLEMATMULCODEGEN_H
#define ANYBIT_LIB_CONVERSION_FLOATLOOKUPTABLEMATMULCODEGEN_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

/// Whether buildFloatLookupTableMatmul handles these operands: A an M x K
/// f32 tensor (M >= 1), W N x K (`transposed`) of 1- or 2-bit elements
/// whose codes all have finite values, packed at bit i * bits with
/// `tile = [16 R, 32 / bits]` (R = 1..4), unscaled or with [1, G] f16,
/// bf16, f32 or e8m0 scales (G a multiple of 32 / bits), into f32.
bool canLowerFloatLookupTableMatmul(mlir::RankedTensorType lhsType,
                                    mlir::RankedTensorType rhsType,
                                    bool transposed, mlir::Type accumulator);

/// Emits y = A · W^T in f32 (M x N), where `lhs` is the f32 tensor A and
/// `rhsBytes` the 1-D i8 storage of W (of type `rhsType`). Needs AVX-512F
/// (the lookups are x86 vpermps). With `threads` > 1 dividing the tiles,
/// the parallel loop is over one part of the tiles a thread, each building
/// its own tables: read from the core that built them, the tables cost the
/// other thread 26 µs a call at K = 4096 (128 KiB, a modified line at a
/// time), as long as a quarter of its work; else it is over tiles.
mlir::Value buildFloatLookupTableMatmul(mlir::OpBuilder &b, mlir::Location loc,
                                        mlir::Value lhs, mlir::Value rhsBytes,
                                        mlir::RankedTensorType rhsType,
                                        unsigned threads);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_FLOATLOOKUPTABLEMATMULCODEGEN_H
