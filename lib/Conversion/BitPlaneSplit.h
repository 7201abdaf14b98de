//===- BitPlaneSplit.h - A matmul of bit planes, one per plane -*- C++ -*-===//
//
// `bit_planes = [...]` is the f32 lookup-table kernel's layout. Where that
// kernel does not take the weights (AVX2, int8 activations, a layout it
// declines), no other kernel reads bit planes, and the generic contraction
// read each plane's field of each element: 46 ms for 3-bit 4096 x 4096
// weights on AVX2, against 1.0 ms row-major (split: 3.0 ms). An
// integer is its planes' fields times their places (the top plane's
// fields two's complement for a signed integer), and block scales multiply
// the integer, so W x = sum_p 2^o_p (W_p x) where W_p is plane p as a
// tensor of its own (unsigned, or signed at the top) integers with W's
// scales: each takes the kernels of its width and layout. Into floats the
// split reorders the sum, so the matmul lowering splits only where every
// plane's product is a vector kernel's (docs/semantics.md).
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_BITPLANESPLIT_H
#define ANYBIT_LIB_CONVERSION_BITPLANESPLIT_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace anybit::codegen {

/// One bit plane of a packed tensor as a tensor of its own.
struct BitPlaneOperand {
  mlir::RankedTensorType type; // integers of the plane's width
  unsigned shift;              // its place: the element bit of field bit 0
};

/// The planes of `type` as tensors of their fields (the encoding without
/// bit planes, the same word, straddle, tile and block scales), for
/// integers in bit planes without zero points (whose subtraction comes
/// before the scale and is not split by planes). Nothing otherwise.
std::optional<llvm::SmallVector<BitPlaneOperand>>
getBitPlaneOperands(mlir::RankedTensorType type);

/// The storage (1-D i8) of plane `plane` of `type`, whose storage is
/// `bytes`, as getBitPlaneOperands' type of it: the plane's bytes, then
/// the scales (a slice where they follow it, the last plane or unscaled
/// ones; else a copy). With `rowMajor`, as the row-major twin of that type
/// (RowMajorRepack.h, which must have one), moved there from `bytes`
/// without a copy first.
mlir::Value buildBitPlaneStorage(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value bytes, mlir::RankedTensorType type,
                                 unsigned plane,
                                 mlir::RankedTensorType planeType,
                                 bool rowMajor);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_BITPLANESPLIT_H
