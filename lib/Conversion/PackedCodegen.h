//===- PackedCodegen.h - Shift-and-mask access to packed bytes --*- C++ -*-===//
//
// Scalar code that reads one element's bits out of a packed byte tensor and
// that assembles one byte of a packed tensor from its elements, for every
// bit width 1..64 and both straddling and word-contained layouts.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_PACKEDCODEGEN_H
#define ANYBIT_LIB_CONVERSION_PACKEDCODEGEN_H

#include "anybit/Support/BitPacking.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

/// Reads the field of element `index` (an index value) of a plane laid out
/// by `layout` that starts at byte `baseByte` of `bytes` (a 1-D tensor of
/// `numBytes` i8). Returns it zero-extended in an i64.
mlir::Value buildReadField(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value bytes, int64_t numBytes,
                           int64_t baseByte, const BitLayout &layout,
                           mlir::Value index);

/// Reads the bits of element `index` of the `count` elements of a tensor
/// whose data, laid out by `layout`, starts at byte 0 of `bytes`: one field,
/// or one field of each bit plane, shifted to its bits and or-ed.
mlir::Value buildReadElementBits(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value bytes, int64_t numBytes,
                                 int64_t count, const BitLayout &layout,
                                 mlir::Value index);

/// Computes byte `byteIndex` (an index value) of the packed form of the
/// `count` elements returned by `element(b, i)` (an i64 holding the
/// element's bits, for an index value i in [0, count)), as an i8.
mlir::Value buildPackedByte(
    mlir::OpBuilder &b, mlir::Location loc, int64_t count,
    const BitLayout &layout, mlir::Value byteIndex,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Value)> element);

/// The bits of a scalar element as a zero-extended i64 (floats bitcast).
mlir::Value buildBitsOf(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value);

/// The inverse of buildBitsOf: the low bits of an i64 as a value of `type`
/// (a storage type: a signless integer, index or native float).
mlir::Value buildFromBits(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value bits, mlir::Type type);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_PACKEDCODEGEN_H
