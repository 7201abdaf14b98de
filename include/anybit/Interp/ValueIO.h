//===- ValueIO.h - Moving VM values in and out ------------------*- C++ -*-===//
//
// Builds runtime values from .npy arrays and MLIR literals, and writes them
// back, with the conventions of the tools and the Python module:
// - integers of width N travel as the smallest numpy integer dtype holding
//   N bits (signed for iN/siN, unsigned for uiN, bool for i1), wrapped to N
//   bits on the way in;
// - f16 as float16, f64 as float64, f32, bf16 and every small float as
//   float32 (exact), except formats whose range or precision float32 cannot
//   hold (unusual biases), which travel as float64; float inputs round to
//   nearest even into the type;
// - a packed tensor travels as a 1-D uint8 array: its data, scale and
//   zero-point planes concatenated, sizes as the encoding states.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_INTERP_VALUEIO_H
#define ANYBIT_INTERP_VALUEIO_H

#include "anybit/Interp/Value.h"
#include "anybit/Support/Npy.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/raw_ostream.h"

namespace anybit {

/// Converts `array` into a value of `type`; emits an error at `loc` and
/// fails when the dtype or shape does not fit.
mlir::FailureOr<RtValue> valueFromNpy(const NpyArray &array, mlir::Type type,
                                      mlir::Location loc);

/// Parses an MLIR literal for `type`: a number (`3`, `-1.5`), a dense
/// literal (`dense<[[1, 2], [3, 4]]>`) or `dense<1.0>` splats.
mlir::FailureOr<RtValue> valueFromLiteral(llvm::StringRef text,
                                          mlir::Type type, mlir::Location loc);

/// The arguments of a function with parameter types `types` from the tools'
/// command-line form: each text is a `.npy` path or an MLIR literal.
/// Errors are reported at `argument <i> ('<text>')`.
mlir::FailureOr<llvm::SmallVector<RtValue>>
valuesFromInputs(llvm::ArrayRef<std::string> inputs,
                 llvm::ArrayRef<mlir::Type> types, mlir::MLIRContext *context);

/// The tools' output: prints each result as `result<i>: ` and printValue's
/// text (unless `quiet`), and with a non-empty `outputDir` writes it to
/// `outputDir/result<i>.npy`. File errors are reported at `loc`.
mlir::LogicalResult writeResults(llvm::ArrayRef<RtValue> results,
                                 llvm::StringRef outputDir, bool quiet,
                                 mlir::Location loc);

/// The numpy array a value travels as.
NpyArray valueToNpy(const RtValue &value);

/// Writes the elements `bits` of a logical value of `type` to `out` as
/// valueToNpy does: getTravelDtype(type), little-endian.
void writeTravelElements(mlir::Type type, llvm::ArrayRef<uint64_t> bits,
                         uint8_t *out);

/// The numpy dtype ("f4", "i2", "u1", "b1") the elements of a logical value
/// of `type` travel as: f16 as f2, floats f32 holds exactly as f4, other
/// floats as f8, i1 as bool, other integers (and residues) in the smallest
/// of 1, 2, 4, 8 bytes, unsigned ones as 'u'.
std::string getTravelDtype(mlir::Type type);

/// Checks the data plane `data` of a packed tensor of type `type`: packed
/// trits must not hold the 2-bit code 3, which is not a trit (a diagnostic
/// at `loc` names the first). Other element types always pass.
mlir::LogicalResult checkPackedTrits(const uint8_t *data,
                                     mlir::RankedTensorType type,
                                     mlir::Location loc);

/// Prints `type = values`, nested brackets for tensors, floats as the
/// shortest text that reads back to the same value, packed tensors as their
/// bytes in hex.
void printValue(llvm::raw_ostream &os, const RtValue &value);

} // namespace anybit

#endif // ANYBIT_INTERP_VALUEIO_H
