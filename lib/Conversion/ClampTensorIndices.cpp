//===- ClampTensorIndices.cpp - Run-time tensor indices kept in bounds ----===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITCLAMPTENSORINDICES
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// `value` at most `last` (both index), or `value` itself where it is a
/// constant already no larger.
Value clampTo(OpBuilder &b, Location loc, Value value, OpFoldResult last) {
  std::optional<int64_t> lastConstant = getConstantIntValue(last);
  APInt constant;
  if (lastConstant && matchPattern(value, m_ConstantInt(&constant)) &&
      constant.getZExtValue() <= uint64_t(*lastConstant))
    return value;
  Value bound = getValueOrCreateConstantIndexOp(b, loc, last);
  return arith::MinUIOp::create(b, loc, value, bound);
}

/// The size of `tensor`'s dimension `d` less `minus`, folded where static.
OpFoldResult dimLess(OpBuilder &b, Location loc, Value tensor, int64_t d,
                     int64_t minus) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(d))
    return b.getIndexAttr(type.getDimSize(d) - minus);
  Value size = tensor::DimOp::create(b, loc, tensor, d);
  return arith::SubIOp::create(b, loc, size,
                               arith::ConstantIndexOp::create(b, loc, minus))
      .getResult();
}

/// Whether dimension `d` of `tensor` may be empty, where no index is in
/// bounds and clamping cannot help.
bool mayBeEmpty(Value tensor, int64_t d) {
  auto type = cast<RankedTensorType>(tensor.getType());
  return type.getDimSize(d) == 0;
}

/// Clamps the indices of an element access to `tensor`.
void clampIndices(Operation *op, Value tensor, MutableOperandRange indices) {
  OpBuilder b(op);
  for (auto [d, index] : llvm::enumerate(indices)) {
    if (mayBeEmpty(tensor, d))
      continue;
    index.set(clampTo(b, op->getLoc(), index.get(),
                      dimLess(b, op->getLoc(), tensor, d, 1)));
  }
}

/// Clamps the run-time offsets of a slice of `tensor` whose size and stride
/// along that dimension are constants.
void clampOffsets(OffsetSizeAndStrideOpInterface slice, Value tensor) {
  OpBuilder b(slice);
  Location loc = slice.getLoc();
  SmallVector<OpFoldResult> mixed = slice.getMixedOffsets();
  unsigned dynamicIndex = 0;
  for (auto [d, offset] : llvm::enumerate(mixed)) {
    auto value = dyn_cast<Value>(offset);
    if (!value)
      continue;
    OpOperand &operand = slice->getOpOperand(
        slice.getOffsetSizeAndStrideStartOperandIndex() + dynamicIndex++);
    std::optional<int64_t> size = getConstantIntValue(slice.getMixedSizes()[d]);
    std::optional<int64_t> stride =
        getConstantIntValue(slice.getMixedStrides()[d]);
    if (!size || !stride || *size < 1 || *stride < 1 || mayBeEmpty(tensor, d))
      continue;
    // The last offset at which the slice's last element is in bounds.
    int64_t span = (*size - 1) * *stride + 1;
    auto type = cast<RankedTensorType>(tensor.getType());
    if (!type.isDynamicDim(d) && type.getDimSize(d) < span)
      continue; // never fits: the verifier's or the VM's error to report
    operand.set(clampTo(b, loc, value, dimLess(b, loc, tensor, d, span)));
  }
}

struct AnybitClampTensorIndicesPass
    : anybit::impl::AnybitClampTensorIndicesBase<AnybitClampTensorIndicesPass> {
  void runOnOperation() override {
    getOperation().walk([&](Operation *op) {
      if (auto extract = dyn_cast<tensor::ExtractOp>(op))
        clampIndices(op, extract.getTensor(), extract.getIndicesMutable());
      else if (auto insert = dyn_cast<tensor::InsertOp>(op))
        clampIndices(op, insert.getDest(), insert.getIndicesMutable());
      else if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op))
        clampOffsets(slice, slice.getSource());
      else if (auto slice = dyn_cast<tensor::InsertSliceOp>(op))
        clampOffsets(slice, slice.getDest());
    });
  }
};

} // namespace
