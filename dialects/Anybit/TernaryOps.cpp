//===- TernaryOps.cpp - anybit.ternarize and anybit.bitlinear --------------===//

#include "Anybit/AnybitDialect.h"

#include <cmath>

using namespace mlir;
using namespace anybit;

/// A tensor of floats without an encoding.
static bool isLogicalFloatTensor(RankedTensorType type) {
  return !type.getEncoding() && isAnyFloat(type.getElementType());
}

/// Trits, logical or with an unscaled #anybit.packed encoding.
static LogicalResult verifyTrits(Operation *op, RankedTensorType type,
                                 StringRef what) {
  if (!isa<TritType>(type.getElementType()))
    return op->emitOpError() << what << " must be a tensor of !anybit.trit, got "
                             << type;
  auto enc = getPackedEncoding(type);
  if ((type.getEncoding() && !enc) || (enc && enc.hasBlocks()))
    return op->emitOpError() << what << " may only carry an unscaled "
                             << "#anybit.packed encoding, got " << type;
  return success();
}

/// A 0-d float tensor.
static LogicalResult verifyScalarScale(Operation *op, RankedTensorType type,
                                       StringRef what) {
  if (type.getRank() != 0 || !isLogicalFloatTensor(type))
    return op->emitOpError() << what << " must be a 0-d float tensor, got "
                             << type;
  return success();
}

LogicalResult TernarizeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getResult().getType();
  if (!isLogicalFloatTensor(in))
    return emitOpError("expected a float tensor without an encoding, got ")
           << in;
  if (in.getShape() != out.getShape())
    return emitOpError("input and trit shapes differ: ")
           << in << " vs " << out;
  if (failed(verifyTrits(*this, out, "the result")))
    return failure();
  return verifyScalarScale(*this, getScale().getType(), "the scale");
}

LogicalResult BitLinearOp::verify() {
  RankedTensorType x = getInput().getType(), w = getWeights().getType(),
                   y = getResult().getType();
  if (x.getRank() != 2 || !isLogicalFloatTensor(x))
    return emitOpError("the input must be a 2-D float tensor (tokens x "
                       "features) without an encoding, got ")
           << x;
  if (y.getRank() != 2 || !isLogicalFloatTensor(y))
    return emitOpError("the result must be a 2-D float tensor without an "
                       "encoding, got ")
           << y;
  if (w.getRank() != 2)
    return emitOpError("the weights must be 2-D (outputs x features), got ")
           << w;
  if (failed(verifyTrits(*this, w, "the weights")))
    return failure();
  int64_t k = x.getDimSize(1);
  // |sum_k q_k t_k| <= 128 K: exact in int32 below 2^24 features.
  if (k >= (int64_t(1) << 24))
    return emitOpError("at most 2^24 - 1 features keep the int32 sums "
                       "exact, got K = ")
           << k;
  if (w.getDimSize(1) != k)
    return emitOpError("contraction sizes differ: the input has K = ")
           << k << ", the weights have K = " << w.getDimSize(1);
  if (y.getDimSize(0) != x.getDimSize(0) || y.getDimSize(1) != w.getDimSize(0))
    return emitOpError("the result must be ")
           << x.getDimSize(0) << "x" << w.getDimSize(0) << ", got " << y;
  if (failed(verifyScalarScale(*this, getWeightScale().getType(),
                               "the weight scale")))
    return failure();
  if (Value g = getNormWeight()) {
    auto type = cast<RankedTensorType>(g.getType());
    if (type.getRank() != 1 || type.getDimSize(0) != k ||
        !isLogicalFloatTensor(type))
      return emitOpError("the norm weight must be a float tensor of shape [")
             << k << "], got " << type;
  }
  double eps = getEpsilon().convertToDouble();
  if (!(eps >= 0) || !std::isfinite(eps))
    return emitOpError("epsilon must be finite and non-negative, got ") << eps;
  return success();
}
