//===- CodeCvtMatmulCodegen.h - f32 products of decoded codes -------------===//
//
// The code-cvt kernel: GEMVs (and small batches) of f32 activations times
// packed codes on AVX2, each block's codes decoded once to f32 values.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_CODECVTMATMULCODEGEN_H
#define ANYBIT_LIB_CONVERSION_CODECVTMATMULCODEGEN_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

bool canLowerCodeCvtMatmul(mlir::RankedTensorType lhsType,
                           mlir::RankedTensorType rhsType, bool transposed,
                           mlir::Type accumulator, unsigned tableEntries);

/// Whether buildCodeCvtMatmul takes the values of W (of type `rhsType`)
/// straight from their fields' 16-bit windows: integers of 3, 5, 6 or 7
/// bits, unscaled or in groups of whole blocks.
bool codeCvtTakesWindowValues(mlir::RankedTensorType rhsType);

/// Emits C = A · W^T in f32 for f32 activations A on AVX2: W's codes are
/// decoded 32 at a time as the code-dot kernel decodes them (vpshufb
/// tables, shuffled fields); the code less its offset is the value (times
/// 2^exponent for tables), sign-extended from a byte (widened first where
/// values leave int8: ui8, unsigned floats), converted and multiplied with
/// A' in f32 (four FMAs of 8 lanes per 32 codes; with several rows of A,
/// scaled values times their scale once, then four FMAs per row, each
/// block decoded again for every 4 rows of A). Sign-magnitude floats
/// of 32 or 64 patterns build each f32's top half from two byte tables
/// instead, or, with f16 scales where their mantissa ends where f16's
/// begins (e3m2, e2m3, e2m2, e3m1), each f16 straight from its field's
/// 16-bit window, converted by vcvtph2ps.
/// Integers of 3, 5, 6 or 7 bits (unscaled, or groups of whole blocks)
/// skip the bytes too: two windows (of 3-bit codes, of pairs) are an i32
/// lane, shifted to sign-extend each field, then converted, with A'
/// permuted into the windows' order. Trits,
/// base 3 too, whatever the ternary option.
/// Without 512-bit permutes (the code-FMA kernel's tables) this is a third
/// of the instructions per weight of decoding every element as a number.
mlir::Value buildCodeCvtMatmul(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value lhs, mlir::Value rhs,
                               mlir::RankedTensorType rhsType);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_CODECVTMATMULCODEGEN_H
