//===- RowMajorRepack.h - Tiled weights moved row-major -*- C++ -*-===//
//
// `tile = [...]` is the layout one kernel reads (the lookup-table GEMVs).
// Where that kernel does not run (another target, a layout it declines,
// int8 activations into integers), the other kernels read weights
// row-major only, and the generic contraction finds each tiled element by
// index arithmetic: 100x slower than a kernel (a batch of 4 on 2-bit
// 4096 x 4096 weights: 110 ms). So the weights are moved row-major first,
// on every call, a copy of their bytes, and the row-major kernels take
// them. Tiles whose rows are whole bytes move as byte strings.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_ROWMAJORREPACK_H
#define ANYBIT_LIB_CONVERSION_ROWMAJORREPACK_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace anybit::codegen {

/// `type` with its elements stored row-major (the encoding without its
/// tile), where buildRowMajorStorage can move them there: a 2-D tensor
/// tiled [T0, T1] whose elements lie at bit i * bits of its data and
/// whose tile rows are whole bytes (T1 bits a multiple of 8), or tiled
/// [1, T1] or [T0, K], which store the elements row-major already.
/// Nothing otherwise.
std::optional<mlir::RankedTensorType>
getRowMajorTwin(mlir::RankedTensorType type);

/// The storage (1-D i8) of the row-major twin of `type` whose tiled
/// storage is `bytes` (`bytes` itself for tiles that store the elements
/// row-major): each tile row's bytes moved to its place in its
/// row; scales and zero points (stored by block, whatever the tiles) as
/// they are.
mlir::Value buildRowMajorStorage(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value bytes,
                                 mlir::RankedTensorType type);

/// The same for a `type` whose data (getDataBytes of it) starts at byte
/// `dataStart` of `bytes` and whose scales and zero points are the bytes
/// from `restStart` to the end: a bit plane of a tensor (BitPlaneSplit.h),
/// moved row-major without a copy of it first. Tiles that store the
/// elements row-major are copied as they are.
mlir::Value buildRowMajorStorage(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value bytes, mlir::RankedTensorType type,
                                 int64_t dataStart, int64_t restStart);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_ROWMAJORREPACK_H
