//===- ParseModule.h - Kernels parsed as the tools take them ----*- C++ -*-===//
//
// anybitc, anybit-run and the Python package read kernels through one
// function: parsed, checked for IR that upstream MLIR's verifier crashes
// on (reported as an error instead), then verified.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_INTERP_PARSEMODULE_H
#define ANYBIT_INTERP_PARSEMODULE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

namespace anybit {

/// The module in `sourceMgr`'s main buffer, or null after diagnostics.
mlir::OwningOpRef<mlir::ModuleOp> parseModule(llvm::SourceMgr &sourceMgr,
                                              mlir::MLIRContext *context);

} // namespace anybit

#endif // ANYBIT_INTERP_PARSEMODULE_H
