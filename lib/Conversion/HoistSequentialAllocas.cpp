//===- HoistSequentialAllocas.cpp - One stack buffer for sequential loops -===//

#include "anybit/Conversion/Passes.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITHOISTSEQUENTIALALLOCAS
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

struct AnybitHoistSequentialAllocasPass
    : anybit::impl::AnybitHoistSequentialAllocasBase<
          AnybitHoistSequentialAllocasPass> {
  void runOnOperation() override {
    // Post-order: an inner loop's allocas reach the outer body's top level
    // before the outer loop is visited.
    getOperation().walk<WalkOrder::PostOrder>([](scf::ParallelOp loop) {
      for (Operation &op : llvm::make_early_inc_range(*loop.getBody()))
        if (auto alloca = dyn_cast<memref::AllocaOp>(op);
            alloca && alloca->getNumOperands() == 0)
          alloca->moveBefore(loop);
    });
  }
};

} // namespace
