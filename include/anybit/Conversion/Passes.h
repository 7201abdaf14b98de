//===- Passes.h - Anybit lowerings to upstream dialects ---------*- C++ -*-===//

#ifndef ANYBIT_CONVERSION_PASSES_H
#define ANYBIT_CONVERSION_PASSES_H

#include "Anybit/AnybitDialect.h"
#include "anybit/Conversion/ReductionMethod.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace anybit {

/// The tensor-level signature of a function before its types were lowered
/// to storage types (a TypeAttr of its original FunctionType).
constexpr llvm::StringLiteral kTensorSignatureAttrName = "anybit.signature";

/// On an scf.for: how many bytes ahead anybit-prefetch-streams prefetches
/// the loop's widest streams (a positive i64), where the kernel that built
/// the loop knows better than the pass's `distance` (a run of each row,
/// then the next row's: that row's bytes).
constexpr llvm::StringLiteral kPrefetchDistanceAttrName =
    "anybit.prefetch_distance";

#define GEN_PASS_DECL
#include "anybit/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "anybit/Conversion/Passes.h.inc"

} // namespace anybit

#endif // ANYBIT_CONVERSION_PASSES_H
