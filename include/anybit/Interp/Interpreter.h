//===- Interpreter.h - The Anybit reference VM ------------------*- C++ -*-===//
//
// Executes func, arith, tensor, scf (parallel loops one iteration after
// another), affine (for, if, apply, min, max), linalg (structured ops on
// tensors), anybit and modarith IR with exact semantics. It is the oracle every
// lowering is tested against. Errors (an op it cannot run, undefined
// behaviour such as division by zero, a bad argument) are emitted as
// diagnostics at the offending location and the run fails.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_INTERP_INTERPRETER_H
#define ANYBIT_INTERP_INTERPRETER_H

#include "anybit/Interp/Value.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <functional>

namespace anybit {

struct InterpretOptions {
  /// Asked now and then (every few thousand loop iterations, linalg points
  /// or calls) whether to give up; a run told to stops with an
  /// "interrupted" error at the op it is in. Lets a caller stop a kernel
  /// that loops forever, as Python's Ctrl-C does.
  std::function<bool()> shouldStop;
};

/// Runs the function `entry` of `module` on `args`, which must match its
/// signature. Diagnostics go to the module's context.
mlir::FailureOr<llvm::SmallVector<RtValue>>
interpret(mlir::ModuleOp module, llvm::StringRef entry,
          llvm::ArrayRef<RtValue> args, const InterpretOptions &options = {});

/// Whether every reduction of `op`, if it is an affine.parallel, has an
/// identity to start from, which the VM and upstream's lowering fold into:
/// not 'assign', whose result over the iterations is not defined (upstream
/// builds a null constant for it and aborts). Reported at the op; the VM
/// checks it where it runs one, the CPU backend before compiling.
mlir::LogicalResult checkParallelReductions(mlir::Operation *op);

/// Registers every dialect the VM executes (func, arith, tensor, scf,
/// affine, linalg, anybit, modarith).
void registerInterpreterDialects(mlir::DialectRegistry &registry);

} // namespace anybit

#endif // ANYBIT_INTERP_INTERPRETER_H
