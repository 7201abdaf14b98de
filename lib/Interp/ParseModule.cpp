//===- ParseModule.cpp - Kernels parsed as the tools take them ------------===//

#include "anybit/Interp/ParseModule.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

using namespace mlir;

namespace anybit {

OwningOpRef<ModuleOp> parseModule(llvm::SourceMgr &sourceMgr,
                                  MLIRContext *context) {
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(
      sourceMgr, ParserConfig(context, /*verifyAfterParse=*/false));
  if (!module)
    return {};
  // Upstream MLIR 22 cannot build the indexing maps of a transpose of no
  // dimensions, and its verifier crashes asking for them.
  WalkResult crashes = module->walk([](linalg::TransposeOp op) {
    if (!op.getPermutation().empty())
      return WalkResult::advance();
    op.emitError("a linalg.transpose of a 0-d tensor is its input; use it "
                 "(MLIR 22's verifier crashes on this op)");
    return WalkResult::interrupt();
  });
  if (crashes.wasInterrupted() || failed(verify(*module)))
    return {};
  return module;
}

} // namespace anybit
