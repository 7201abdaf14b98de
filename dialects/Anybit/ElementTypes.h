//===- ElementTypes.h - Queries over any-width element types ----*- C++ -*-===//
//
// One place that says which element types Anybit handles and how wide they
// are, shared by verifiers, the reference VM and the lowerings.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_DIALECT_ANYBIT_ELEMENTTYPES_H
#define ANYBIT_DIALECT_ANYBIT_ELEMENTTYPES_H

#include "anybit/Support/FloatFormat.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/Types.h"
#include <optional>

namespace anybit {

/// Integers of width 1..64 (any signedness), index, f16/bf16/f32/f64, the
/// builtin small floats Anybit models, !anybit.float and !anybit.trit.
bool isNumericElementType(mlir::Type type);

/// Storage width in bits of a numeric element type (index: 64).
unsigned getElementBitWidth(mlir::Type type);

/// The number format of a float element type of at most 16 bits (builtin
/// small floats, f16, bf16, !anybit.float); std::nullopt for f32, f64 and
/// non-floats, and for builtin formats Anybit does not model (the FNUZ
/// variants).
std::optional<::anybit::FloatFormat> getFloatFormat(mlir::Type type);

/// Whether `type` is OCP MX's e8m0 (2^(e - 127), e = 255 NaN), the scale
/// of MXFP4 blocks, builtin (f8E8M0FNU) or spelled as an !anybit.float.
bool isE8M0(mlir::Type type);

/// Whether `type` is a block scale the packed-weight matmul kernels read:
/// f16, bf16, f32 or e8m0.
bool isKernelScaleType(mlir::Type type);

/// True for every float element type Anybit models, builtin or not.
bool isAnyFloat(mlir::Type type);

/// True for unsigned integers (uiN); signless and signed are two's complement.
bool isUnsignedInteger(mlir::Type type);

/// True for integers whose bits read as two's complement when converted:
/// signed ones and signless ones of 2 bits or more (signless i1 is a
/// boolean, 0 or 1).
bool isTwosComplementInteger(mlir::Type type);

/// The #anybit.packed encoding of a tensor type, or null for any other type.
PackedEncodingAttr getPackedEncoding(mlir::Type type);

/// The range [qmin, qmax] of quantization codes of `codeType` (an integer
/// or float element type): the integer's range, or +-(largest finite value)
/// of a float (0 as the bottom for unsigned formats).
std::pair<double, double> getCodeRange(mlir::Type codeType);

/// The floor anybit.ternarize and anybit.bitlinear put under a scale's
/// denominator (the MatMul-free LM formulas' 1e-5), shared by the VM and the
/// lowering so that both compare against the same double.
constexpr double kTernaryScaleFloor = 1e-5;

/// Parses `[d0, d1, ...]` (possibly empty) for attribute parameters.
mlir::FailureOr<llvm::SmallVector<int64_t>>
parseBracketedShape(mlir::AsmParser &parser);

} // namespace anybit

#endif // ANYBIT_DIALECT_ANYBIT_ELEMENTTYPES_H
