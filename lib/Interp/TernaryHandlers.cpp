//===- TernaryHandlers.cpp - ternarize and bitlinear in the reference VM --===//
//
// The defining semantics of the MatMul-free LM formulas; the op
// descriptions in AnybitOps.td state the same steps in prose. Everything is
// in double precision, sums in ascending order.
//
//===----------------------------------------------------------------------===//

#include "Handlers.h"

#include "Anybit/AnybitDialect.h"
#include <algorithm>
#include <cmath>

using namespace mlir;

namespace anybit::detail {
namespace {

/// max(v, floor), with NaN (an empty mean) giving the floor.
double floored(double v) {
  return v > kTernaryScaleFloor ? v : kTernaryScaleFloor;
}

LogicalResult ternarizeHandler(Operation *op, ArrayRef<RtValue> operands,
                               SmallVectorImpl<RtValue> &results) {
  auto ternarize = cast<anybit::TernarizeOp>(op);
  std::vector<double> w = exactValues(operands[0]);
  double sum = 0;
  for (auto [i, v] : llvm::enumerate(w)) {
    if (!std::isfinite(v))
      return op->emitError("cannot ternarize the non-finite value ")
             << v << " at element " << i;
    sum += std::fabs(v);
  }
  double mean = floored(sum / static_cast<double>(w.size()));
  double s = 1.0 / mean;
  auto type = ternarize.getResult().getType();
  ElementCodec trit(type.getElementType());
  std::vector<uint64_t> codes(w.size());
  for (size_t i = 0; i < w.size(); ++i)
    codes[i] = trit.fromDouble(w[i] * s); // rounds to even, clamps
  results.push_back(makeTensor(type, std::move(codes)));
  auto scaleType = ternarize.getScale().getType();
  ElementCodec scale(scaleType.getElementType());
  results.push_back(RtValue::tensor(scaleType, {scale.fromDouble(mean)}));
  return success();
}

LogicalResult bitLinearHandler(Operation *op, ArrayRef<RtValue> operands,
                               SmallVectorImpl<RtValue> &results) {
  auto layer = cast<anybit::BitLinearOp>(op);
  auto resultType = layer.getResult().getType();
  int64_t rows = resultType.getDimSize(0), outputs = resultType.getDimSize(1);
  int64_t k = layer.getInput().getType().getDimSize(1);
  std::vector<double> x = exactValues(operands[0]);
  std::vector<int64_t> w = integerValues(operands[1]);
  double m = exactValues(operands[2]).front();
  std::vector<double> g(k, 1.0);
  if (layer.getNormWeight())
    g = exactValues(operands[3]);
  double epsilon = layer.getEpsilon().convertToDouble();
  ElementCodec out(resultType.getElementType());

  std::vector<uint64_t> y(rows * outputs);
  std::vector<double> normed(k);
  std::vector<int64_t> q(k);
  for (int64_t b = 0; b < rows; ++b) {
    const double *row = x.data() + b * k;
    double squares = 0;
    for (int64_t i = 0; i < k; ++i)
      squares += row[i] * row[i];
    double r = std::sqrt(squares / static_cast<double>(k) + epsilon);
    double absmax = 0; // a NaN never replaces it
    for (int64_t i = 0; i < k; ++i) {
      normed[i] = row[i] / r * g[i];
      if (absmax < std::fabs(normed[i]))
        absmax = std::fabs(normed[i]);
    }
    double s = 127.0 / floored(absmax);
    for (int64_t i = 0; i < k; ++i) {
      double v = std::nearbyint(normed[i] * s);
      q[i] = std::isnan(v) ? 0
                           : static_cast<int64_t>(std::clamp(v, -128.0, 127.0));
    }
    for (int64_t j = 0; j < outputs; ++j) {
      const int64_t *t = w.data() + j * k;
      int64_t a = 0;
      for (int64_t i = 0; i < k; ++i)
        a += q[i] * t[i];
      y[b * outputs + j] = out.fromDouble(static_cast<double>(a) / s * m);
    }
  }
  results.push_back(RtValue::tensor(resultType, std::move(y)));
  return success();
}

} // namespace

void addTernaryHandlers(HandlerMap &map) {
  map[TypeID::get<anybit::TernarizeOp>()] = ternarizeHandler;
  map[TypeID::get<anybit::BitLinearOp>()] = bitLinearHandler;
}

} // namespace anybit::detail
