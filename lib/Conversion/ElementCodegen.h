//===- ElementCodegen.h - Scalar code for any-width elements ----*- C++ -*-===//
//
// Builders that emit arith/math code with exactly the reference VM's
// semantics (docs/semantics.md) for one element: decoding a small float's
// bits, rounding into a small float, and anybit.cast between any two
// numeric types. Small floats are carried as their bit patterns in a
// signless integer of their width (their "storage type").
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_ELEMENTCODEGEN_H
#define ANYBIT_LIB_CONVERSION_ELEMENTCODEGEN_H

#include "anybit/Support/FloatFormat.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

/// The type an element is held in by lowered code: small floats and signed
/// or unsigned integers become signless integers of their width; everything
/// else is unchanged.
mlir::Type getStorageType(mlir::Type elementType);

/// Whether `elementType` is a float the CPU backend emulates in integers.
bool isEmulatedFloat(mlir::Type elementType);

/// Whether a cast between these element types can be lowered; fills `why`
/// when not.
bool isCastSupported(mlir::Type from, mlir::Type to, std::string &why);

/// The exact value of a float element (in storage form) as f64.
mlir::Value buildFloatToF64(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value value, mlir::Type type);

/// The exact value, as f64, of the bit patterns `bits` (an integer, or a
/// vector of integers for a vector of f64, holding zero-extended codes) of
/// a float in `format`.
mlir::Value buildFormatToF64(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value bits, const FloatFormat &format);

/// Rounds an f64 to nearest even into the small float `format`, returning
/// its bits in an integer of the format's width (FloatFormat::encode).
mlir::Value buildEncodeF64(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value f64, const FloatFormat &format,
                           bool saturate);

/// anybit.cast of one element: `value` is the storage form of `from`; the
/// result is the storage form of `to`.
mlir::Value buildCast(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value value, mlir::Type from, mlir::Type to,
                      bool saturate);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_ELEMENTCODEGEN_H
