//===- DistinctLoopYields.cpp - One tensor per yielded loop result --------===//

#include "anybit/Conversion/Passes.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITDISTINCTLOOPYIELDS
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// Replaces each tensor operand of `terminator` that an earlier operand
/// already passes by a copy of it.
void copyRepeatedTensors(Operation *terminator) {
  OpBuilder b(terminator);
  OperandRange operands = terminator->getOperands();
  for (OpOperand &operand : terminator->getOpOperands()) {
    Value v = operand.get();
    auto type = dyn_cast<RankedTensorType>(v.getType());
    unsigned position = operand.getOperandNumber();
    if (!type || !llvm::is_contained(operands.take_front(position), v))
      continue;
    operand.set(bufferization::AllocTensorOp::create(b, terminator->getLoc(),
                                                     type, ValueRange(), v));
  }
}

struct AnybitDistinctLoopYieldsPass
    : anybit::impl::AnybitDistinctLoopYieldsBase<AnybitDistinctLoopYieldsPass> {
  void runOnOperation() override {
    getOperation().walk([](Operation *op) {
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        copyRepeatedTensors(loop.getBody()->getTerminator());
      } else if (auto loop = dyn_cast<scf::WhileOp>(op)) {
        copyRepeatedTensors(loop.getConditionOp());
        copyRepeatedTensors(loop.getYieldOp());
      }
    });
  }
};

} // namespace
