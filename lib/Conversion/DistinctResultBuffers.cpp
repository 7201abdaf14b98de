//===- DistinctResultBuffers.cpp - One buffer per returned result ---------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITDISTINCTRESULTBUFFERS
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

struct AnybitDistinctResultBuffersPass
    : anybit::impl::AnybitDistinctResultBuffersBase<
          AnybitDistinctResultBuffersPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      OpBuilder b(ret);
      for (OpOperand &result : ret->getOpOperands()) {
        Value v = result.get();
        auto type = dyn_cast<MemRefType>(v.getType());
        if (!type || !llvm::is_contained(
                         ret.getOperands().take_front(result.getOperandNumber()),
                         v))
          continue;
        SmallVector<Value> dynamicSizes;
        for (auto [d, size] : llvm::enumerate(type.getShape()))
          if (ShapedType::isDynamic(size))
            dynamicSizes.push_back(memref::DimOp::create(b, ret.getLoc(), v, d));
        // A fresh buffer has the identity layout whatever `v`'s is.
        auto copyType = MemRefType::get(type.getShape(), type.getElementType(),
                                        MemRefLayoutAttrInterface{},
                                        type.getMemorySpace());
        Value copy = memref::AllocOp::create(b, ret.getLoc(), copyType,
                                             dynamicSizes);
        memref::CopyOp::create(b, ret.getLoc(), v, copy);
        if (copyType != type)
          copy = memref::CastOp::create(b, ret.getLoc(), type, copy);
        result.set(copy);
      }
    });
  }
};

} // namespace
