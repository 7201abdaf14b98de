//===- CPUCallingConvention.cpp - Public functions take buffers -----------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITCPUCALLINGCONVENTION
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

struct AnybitCPUCallingConventionPass
    : anybit::impl::AnybitCPUCallingConventionBase<
          AnybitCPUCallingConventionPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SymbolTableCollection symbols;
    SymbolUserMap users(symbols, module);
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal() || !func.isPublic())
        continue;
      // The caller owns the inputs: bufferization must not write them.
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
        if (isa<TensorType>(func.getArgument(i).getType()))
          func.setArgAttr(i, bufferization::BufferizationDialect::
                                 kWritableAttrName,
                          BoolAttr::get(ctx, false));
      wrapScalarResults(func, users);
    }
  }

  /// Returns scalars as 0-d tensors, so every result becomes an out-param.
  void wrapScalarResults(func::FuncOp func, SymbolUserMap &users) {
    FunctionType type = func.getFunctionType();
    SmallVector<Type> results(type.getResults());
    SmallVector<unsigned> wrapped;
    for (auto [i, t] : llvm::enumerate(results))
      if (!isa<ShapedType>(t)) {
        t = RankedTensorType::get({}, t);
        wrapped.push_back(i);
      }
    if (wrapped.empty())
      return;
    func.setType(FunctionType::get(func.getContext(), type.getInputs(),
                                   results));
    func.walk([&](func::ReturnOp ret) {
      OpBuilder b(ret);
      for (unsigned i : wrapped)
        ret.setOperand(i, tensor::FromElementsOp::create(
                              b, ret.getLoc(), results[i],
                              ValueRange{ret.getOperand(i)}));
    });
    for (Operation *user : users.getUsers(func)) {
      auto call = dyn_cast<func::CallOp>(user);
      if (!call)
        continue;
      OpBuilder b(call);
      auto newCall = func::CallOp::create(b, call.getLoc(), func,
                                          call.getOperands());
      SmallVector<Value> replacements(newCall.getResults());
      b.setInsertionPointAfter(newCall);
      for (unsigned i : wrapped)
        replacements[i] = tensor::ExtractOp::create(b, call.getLoc(),
                                                    replacements[i],
                                                    ValueRange{});
      call.replaceAllUsesWith(replacements);
      call.erase();
    }
  }
};

} // namespace
