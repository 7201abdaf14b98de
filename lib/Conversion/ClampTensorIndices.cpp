//===- ClampTensorIndices.cpp - Run-time tensor indices kept in bounds ----===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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

/// Whether dimension `d` of `tensor` is empty, where no index is in bounds
/// and clamping cannot help.
bool isEmptyDim(Value tensor, int64_t d) {
  return cast<RankedTensorType>(tensor.getType()).getDimSize(d) == 0;
}

/// Index arithmetic on OpFoldResults, folded where both are constants.
OpFoldResult subtract(OpBuilder &b, Location loc, OpFoldResult x,
                      OpFoldResult y) {
  std::optional<int64_t> cx = getConstantIntValue(x),
                         cy = getConstantIntValue(y);
  if (cx && cy)
    return b.getIndexAttr(*cx - *cy);
  return arith::SubIOp::create(b, loc,
                               getValueOrCreateConstantIndexOp(b, loc, x),
                               getValueOrCreateConstantIndexOp(b, loc, y))
      .getResult();
}

/// Clamps the indices of an element access to `tensor`.
void clampIndices(Operation *op, Value tensor, MutableOperandRange indices) {
  OpBuilder b(op);
  for (auto [d, index] : llvm::enumerate(indices)) {
    if (isEmptyDim(tensor, d))
      continue;
    Location loc = op->getLoc();
    index.set(clampTo(b, loc, index.get(),
                      subtract(b, loc, tensor::getMixedSize(b, loc, tensor, d),
                               b.getIndexAttr(1))));
  }
}

/// Keeps a run-time dimension index of tensor.dim below the rank.
void clampDimIndex(tensor::DimOp dim) {
  auto type = dyn_cast<RankedTensorType>(dim.getSource().getType());
  if (!type || type.getRank() == 0)
    return;
  OpBuilder b(dim);
  dim.getIndexMutable().assign(clampTo(b, dim.getLoc(), dim.getIndex(),
                                       b.getIndexAttr(type.getRank() - 1)));
}

/// Keeps a slice of `tensor` in bounds along each dimension whose size is
/// a constant: a run-time stride is clamped so that the slice fits from
/// its offset (from 0 where the offset is run-time too), then a run-time
/// offset to the last one at which it fits. A slice whose constant size
/// and stride can never fit its constant dimension is an error.
LogicalResult clampSlice(OffsetSizeAndStrideOpInterface slice, Value tensor) {
  OpBuilder b(slice);
  // The ops of scf.forall.in_parallel must all be parallel_insert_slices.
  if (auto inParallel = dyn_cast<scf::InParallelOp>(slice->getParentOp()))
    b.setInsertionPoint(inParallel);
  Location loc = slice.getLoc();
  auto type = cast<RankedTensorType>(tensor.getType());
  // Where the run-time offsets and strides are among the operands (an
  // empty range has no first operand to ask).
  auto firstOperand = [](OperandRange range) {
    return range.empty() ? 0u : range.getBeginOperandIndex();
  };
  unsigned offsetOperand = firstOperand(slice.getOffsets()),
           strideOperand = firstOperand(slice.getStrides());
  SmallVector<OpFoldResult> offsets = slice.getMixedOffsets(),
                            sizes = slice.getMixedSizes(),
                            strides = slice.getMixedStrides();
  for (int64_t d = 0, e = offsets.size(); d < e; ++d) {
    auto offset = dyn_cast<Value>(offsets[d]);
    auto stride = dyn_cast<Value>(strides[d]);
    OpOperand *offsetUse =
        offset ? &slice->getOpOperand(offsetOperand++) : nullptr;
    OpOperand *strideUse =
        stride ? &slice->getOpOperand(strideOperand++) : nullptr;
    std::optional<int64_t> size = getConstantIntValue(sizes[d]);
    if (!size || *size < 1 || (!offset && !stride) || isEmptyDim(tensor, d))
      continue;
    OpFoldResult dim = tensor::getMixedSize(b, loc, tensor, d);
    OpFoldResult step = strides[d];
    if (stride && *size > 1) {
      // The longest stride that fits from the (constant) offset, or from 0.
      OpFoldResult room = subtract(b, loc, dim, b.getIndexAttr(1));
      if (!offset)
        room = subtract(b, loc, room, offsets[d]);
      std::optional<int64_t> constantRoom = getConstantIntValue(room);
      Value longest =
          constantRoom
              ? arith::ConstantIndexOp::create(
                    b, loc, std::max<int64_t>(0, *constantRoom) / (*size - 1))
                    .getResult()
              : arith::DivUIOp::create(
                    b, loc, getValueOrCreateConstantIndexOp(b, loc, room),
                    arith::ConstantIndexOp::create(b, loc, *size - 1))
                    .getResult();
      step = arith::MinUIOp::create(b, loc, stride, longest).getResult();
      strideUse->set(cast<Value>(step));
    }
    if (!offset)
      continue;
    std::optional<int64_t> constantStep = getConstantIntValue(step);
    if (constantStep && *constantStep < 0)
      continue;
    OpFoldResult span =
        constantStep
            ? OpFoldResult(b.getIndexAttr((*size - 1) * *constantStep + 1))
            : OpFoldResult(
                  arith::AddIOp::create(
                      b, loc,
                      arith::MulIOp::create(
                          b, loc, cast<Value>(step),
                          arith::ConstantIndexOp::create(b, loc, *size - 1)),
                      arith::ConstantIndexOp::create(b, loc, 1))
                      .getResult());
    std::optional<int64_t> constantSpan = getConstantIntValue(span);
    if (constantSpan && !type.isDynamicDim(d) &&
        *constantSpan > type.getDimSize(d))
      return slice->emitOpError()
             << "slice of " << *size << " elements " << *constantStep
             << " apart never fits in dimension " << d << " of size "
             << type.getDimSize(d);
    offsetUse->set(clampTo(b, loc, offset, subtract(b, loc, dim, span)));
  }
  return success();
}

/// Keeps a pad's run-time low padding within the room its constant
/// result leaves around its constant source: the source is written there.
void clampPad(tensor::PadOp pad) {
  OpBuilder b(pad);
  RankedTensorType source = pad.getSourceType(), result = pad.getResultType();
  // The operands, in the order of the dynamic entries of the static low
  // padding (getMixedLowPad folds constant operands to attributes, which
  // would misalign the two).
  unsigned dynamic = 0;
  for (auto [d, low] : llvm::enumerate(pad.getStaticLow())) {
    if (!ShapedType::isDynamic(low))
      continue;
    OpOperand &use = pad.getLowMutable()[dynamic++];
    if (source.isDynamicDim(d) || result.isDynamicDim(d) ||
        result.getDimSize(d) < source.getDimSize(d))
      continue;
    use.set(
        clampTo(b, pad.getLoc(), use.get(),
                b.getIndexAttr(result.getDimSize(d) - source.getDimSize(d))));
  }
}

struct AnybitClampTensorIndicesPass
    : anybit::impl::AnybitClampTensorIndicesBase<AnybitClampTensorIndicesPass> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([&](Operation *op) {
      LogicalResult clamped = success();
      if (auto extract = dyn_cast<tensor::ExtractOp>(op))
        clampIndices(op, extract.getTensor(), extract.getIndicesMutable());
      else if (auto insert = dyn_cast<tensor::InsertOp>(op))
        clampIndices(op, insert.getDest(), insert.getIndicesMutable());
      else if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op))
        clamped = clampSlice(slice, slice.getSource());
      else if (auto slice = dyn_cast<tensor::InsertSliceOp>(op))
        clamped = clampSlice(slice, slice.getDest());
      else if (auto slice = dyn_cast<tensor::ParallelInsertSliceOp>(op))
        clamped = clampSlice(slice, slice.getDest());
      else if (auto pad = dyn_cast<tensor::PadOp>(op))
        clampPad(pad);
      else if (auto dim = dyn_cast<tensor::DimOp>(op))
        clampDimIndex(dim);
      return failed(clamped) ? WalkResult::interrupt() : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
