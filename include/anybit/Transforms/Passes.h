//===- Passes.h - Rewrites within Anybit's dialects -------------*- C++ -*-===//

#ifndef ANYBIT_TRANSFORMS_PASSES_H
#define ANYBIT_TRANSFORMS_PASSES_H

#include "Anybit/AnybitDialect.h"
#include "ModArith/ModArithDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace anybit {

#define GEN_PASS_DECL
#include "anybit/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "anybit/Transforms/Passes.h.inc"

} // namespace anybit

#endif // ANYBIT_TRANSFORMS_PASSES_H
