//===- NoAliasBuffers.cpp - Buffer arguments of entries do not overlap ----===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITNOALIASBUFFERS
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

struct AnybitNoAliasBuffersPass
    : anybit::impl::AnybitNoAliasBuffersBase<AnybitNoAliasBuffersPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal() || !func.isPublic())
        continue;
      for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
        if (isa<MemRefType>(type))
          func.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(),
                          UnitAttr::get(&getContext()));
    }
  }
};

} // namespace
