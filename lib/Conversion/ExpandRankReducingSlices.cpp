//===- ExpandRankReducingSlices.cpp - Full-rank slices and reshapes -------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITEXPANDRANKREDUCINGSLICES
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// The slice's type at full rank (its sizes), and how its dimensions
/// group into those of `reduced`; none where the grouping is not found.
std::optional<std::pair<RankedTensorType, SmallVector<ReassociationIndices>>>
fullRank(OffsetSizeAndStrideOpInterface slice, RankedTensorType reduced) {
  auto full =
      RankedTensorType::get(slice.getStaticSizes(), reduced.getElementType());
  if (full.getRank() == reduced.getRank())
    return std::nullopt;
  auto groups = getReassociationIndicesForReshape(full, reduced);
  if (!groups)
    return std::nullopt;
  return std::make_pair(full, *groups);
}

void expand(tensor::ExtractSliceOp op, RewriterBase &rewriter) {
  auto shape = fullRank(op, op.getResultType());
  if (!shape)
    return;
  rewriter.setInsertionPoint(op);
  auto slice = tensor::ExtractSliceOp::create(
      rewriter, op.getLoc(), shape->first, op.getSource(), op.getMixedOffsets(),
      op.getMixedSizes(), op.getMixedStrides());
  rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, op.getResultType(),
                                                       slice, shape->second);
}

void expand(tensor::InsertSliceOp op, RewriterBase &rewriter) {
  auto shape = fullRank(op, op.getSourceType());
  if (!shape)
    return;
  rewriter.setInsertionPoint(op);
  Value source = tensor::ExpandShapeOp::create(
      rewriter, op.getLoc(), shape->first, op.getSource(), shape->second);
  rewriter.modifyOpInPlace(op, [&] { op.getSourceMutable().assign(source); });
}

struct AnybitExpandRankReducingSlicesPass
    : anybit::impl::AnybitExpandRankReducingSlicesBase<
          AnybitExpandRankReducingSlicesPass> {
  void runOnOperation() override {
    SmallVector<Operation *> slices;
    getOperation().walk([&](Operation *op) {
      if (isa<tensor::ExtractSliceOp, tensor::InsertSliceOp>(op))
        slices.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : slices) {
      if (auto extract = dyn_cast<tensor::ExtractSliceOp>(op))
        expand(extract, rewriter);
      else
        expand(cast<tensor::InsertSliceOp>(op), rewriter);
    }
  }
};

} // namespace
