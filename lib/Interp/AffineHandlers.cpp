//===- AffineHandlers.cpp - affine maps and sets in the reference VM ------===//
//
// Affine expressions evaluated exactly on index values: floordiv rounds
// down, ceildiv up, mod is the non-negative remainder. A divisor that is
// not positive, or a value outside the 64-bit index, is undefined and
// reported. affine.apply/min/max are handlers; affine.for and affine.if
// (regions) are run by the interpreter with the same evaluation.
//
//===----------------------------------------------------------------------===//

#include "Handlers.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace anybit::detail {
namespace {

std::string printed(AffineExpr expr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  expr.print(os);
  return text;
}

Int128 floorDiv(Int128 a, Int128 b) {
  Int128 q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

FailureOr<Int128> evaluate(Operation *op, AffineExpr expr,
                           ArrayRef<int64_t> dims, ArrayRef<int64_t> symbols) {
  if (auto c = dyn_cast<AffineConstantExpr>(expr))
    return Int128(c.getValue());
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return Int128(dims[d.getPosition()]);
  if (auto s = dyn_cast<AffineSymbolExpr>(expr))
    return Int128(symbols[s.getPosition()]);
  auto binary = cast<AffineBinaryOpExpr>(expr);
  FailureOr<Int128> lhs = evaluate(op, binary.getLHS(), dims, symbols);
  FailureOr<Int128> rhs = evaluate(op, binary.getRHS(), dims, symbols);
  if (failed(lhs) || failed(rhs))
    return failure();
  Int128 a = *lhs, b = *rhs, result;
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    result = a + b;
    break;
  case AffineExprKind::Mul:
    result = a * b;
    break;
  default:
    if (b <= 0)
      return op->emitError("affine expression ")
             << printed(expr) << " divides by " << int64_t(b)
             << ": divisors must be positive";
    if (expr.getKind() == AffineExprKind::FloorDiv)
      result = floorDiv(a, b);
    else if (expr.getKind() == AffineExprKind::CeilDiv)
      result = -floorDiv(-a, b);
    else
      result = a - b * floorDiv(a, b);
  }
  if (result < INT64_MIN || result > INT64_MAX)
    return op->emitError("affine expression ")
           << printed(expr) << " overflows a 64-bit index";
  return result;
}

/// Index operand values, the map's dimensions first, then its symbols.
SmallVector<int64_t> indexValues(ArrayRef<RtValue> operands) {
  return llvm::map_to_vector(operands, [](const RtValue &v) {
    return static_cast<int64_t>(v.getScalarBits());
  });
}

template <typename Pick>
LogicalResult mapHandler(Operation *op, AffineMap map,
                         ArrayRef<RtValue> operands,
                         SmallVectorImpl<RtValue> &results, Pick pick) {
  FailureOr<SmallVector<int64_t>> values = evaluateAffineMap(op, map, operands);
  if (failed(values))
    return failure();
  results.push_back(
      RtValue::scalar(op->getResult(0).getType(), uint64_t(pick(*values))));
  return success();
}

LogicalResult applyHandler(Operation *op, ArrayRef<RtValue> operands,
                           SmallVectorImpl<RtValue> &results) {
  return mapHandler(op, cast<affine::AffineApplyOp>(op).getAffineMap(),
                    operands, results,
                    [](ArrayRef<int64_t> v) { return v.front(); });
}

LogicalResult minHandler(Operation *op, ArrayRef<RtValue> operands,
                         SmallVectorImpl<RtValue> &results) {
  return mapHandler(op, cast<affine::AffineMinOp>(op).getAffineMap(), operands,
                    results,
                    [](ArrayRef<int64_t> v) { return *llvm::min_element(v); });
}

LogicalResult maxHandler(Operation *op, ArrayRef<RtValue> operands,
                         SmallVectorImpl<RtValue> &results) {
  return mapHandler(op, cast<affine::AffineMaxOp>(op).getAffineMap(), operands,
                    results,
                    [](ArrayRef<int64_t> v) { return *llvm::max_element(v); });
}

} // namespace

FailureOr<SmallVector<int64_t>> evaluateAffineMap(Operation *op, AffineMap map,
                                                  ArrayRef<RtValue> operands) {
  SmallVector<int64_t> values = indexValues(operands);
  ArrayRef<int64_t> dims = ArrayRef(values).take_front(map.getNumDims());
  ArrayRef<int64_t> symbols = ArrayRef(values).drop_front(map.getNumDims());
  SmallVector<int64_t> results;
  for (AffineExpr expr : map.getResults()) {
    FailureOr<Int128> r = evaluate(op, expr, dims, symbols);
    if (failed(r))
      return failure();
    results.push_back(int64_t(*r));
  }
  return results;
}

FailureOr<bool> evaluateIntegerSet(Operation *op, IntegerSet set,
                                   ArrayRef<RtValue> operands) {
  SmallVector<int64_t> values = indexValues(operands);
  ArrayRef<int64_t> dims = ArrayRef(values).take_front(set.getNumDims());
  ArrayRef<int64_t> symbols = ArrayRef(values).drop_front(set.getNumDims());
  for (auto [i, constraint] : llvm::enumerate(set.getConstraints())) {
    FailureOr<Int128> r = evaluate(op, constraint, dims, symbols);
    if (failed(r))
      return failure();
    if (set.isEq(i) ? *r != 0 : *r < 0)
      return false;
  }
  return true;
}

void addAffineHandlers(HandlerMap &map) {
  map[TypeID::get<affine::AffineApplyOp>()] = applyHandler;
  map[TypeID::get<affine::AffineMinOp>()] = minHandler;
  map[TypeID::get<affine::AffineMaxOp>()] = maxHandler;
}

} // namespace anybit::detail
