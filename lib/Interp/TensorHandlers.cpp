//===- TensorHandlers.cpp - tensor ops in the reference VM ----------------===//
//
// The common tensor ops on statically shaped, logical (unencoded) tensors;
// the interpreter checks both before an op runs.
//
//===----------------------------------------------------------------------===//

#include "Handlers.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace anybit::detail {
namespace {

int64_t toIndex(const RtValue &v) {
  return static_cast<int64_t>(ElementCodec(v.getType()).toInt(v.getScalarBits()));
}

/// Row-major linear index of `indices` in `shape`, or failure when out of
/// bounds.
FailureOr<int64_t> linearize(Operation *op, ArrayRef<int64_t> shape,
                             ArrayRef<int64_t> indices) {
  int64_t linear = 0;
  for (auto [dim, size, index] : llvm::enumerate(shape, indices)) {
    if (index < 0 || index >= size)
      return op->emitError("index ") << index << " is out of bounds for "
                                     << "dimension " << dim << " of size "
                                     << size;
    linear = linear * size + index;
  }
  return linear;
}

SmallVector<int64_t> indicesOf(ArrayRef<RtValue> values) {
  SmallVector<int64_t> indices;
  for (const RtValue &v : values)
    indices.push_back(toIndex(v));
  return indices;
}

/// Resolves mixed static/dynamic sizes: `dynamic` supplies the values of the
/// kDynamic entries in order.
SmallVector<int64_t> resolve(ArrayRef<int64_t> statics,
                             ArrayRef<RtValue> &dynamic) {
  SmallVector<int64_t> out;
  for (int64_t s : statics) {
    if (ShapedType::isDynamic(s)) {
      out.push_back(toIndex(dynamic.front()));
      dynamic = dynamic.drop_front();
    } else {
      out.push_back(s);
    }
  }
  return out;
}

/// Visits the linear indices of a strided box inside a tensor of `shape`:
/// fn(boxLinear, tensorLinear). Fails when the box leaves the tensor.
template <typename F>
LogicalResult forEachInBox(Operation *op, ArrayRef<int64_t> shape,
                           ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
                           ArrayRef<int64_t> strides, F &&fn) {
  for (auto [dim, size] : llvm::enumerate(shape))
    if (sizes[dim] < 0 || strides[dim] <= 0 || offsets[dim] < 0 ||
        (sizes[dim] > 0 &&
         offsets[dim] + (sizes[dim] - 1) * strides[dim] >= size))
      return op->emitError("slice [offset ")
             << offsets[dim] << ", size " << sizes[dim] << ", stride "
             << strides[dim] << "] is out of bounds for dimension " << dim
             << " of size " << size;
  int64_t count = ShapedType::getNumElements(sizes);
  SmallVector<int64_t> tensorStrides = rowMajorStrides(shape);
  SmallVector<int64_t> boxStrides = rowMajorStrides(sizes);
  for (int64_t i = 0; i < count; ++i) {
    int64_t linear = 0;
    for (size_t d = 0; d < sizes.size(); ++d)
      linear += (offsets[d] + (i / boxStrides[d]) % sizes[d] * strides[d]) *
                tensorStrides[d];
    fn(i, linear);
  }
  return success();
}

LogicalResult emptyHandler(Operation *op, ArrayRef<RtValue> operands,
                           SmallVectorImpl<RtValue> &results) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  // The contents of tensor.empty are unspecified; the VM makes them zero.
  results.push_back(
      RtValue::tensor(type, std::vector<uint64_t>(type.getNumElements(), 0)));
  return success();
}

LogicalResult extractHandler(Operation *op, ArrayRef<RtValue> operands,
                             SmallVectorImpl<RtValue> &results) {
  const RtValue &source = operands[0];
  auto linear = linearize(op, source.getShape(), indicesOf(operands.drop_front()));
  if (failed(linear))
    return failure();
  results.push_back(RtValue::scalar(source.getElementType(),
                                    source.getElements()[*linear]));
  return success();
}

LogicalResult insertHandler(Operation *op, ArrayRef<RtValue> operands,
                            SmallVectorImpl<RtValue> &results) {
  const RtValue &dest = operands[1];
  auto linear = linearize(op, dest.getShape(), indicesOf(operands.drop_front(2)));
  if (failed(linear))
    return failure();
  std::vector<uint64_t> elements(dest.getElements().begin(),
                                 dest.getElements().end());
  elements[*linear] = operands[0].getScalarBits();
  results.push_back(makeValue(dest.getType(), std::move(elements)));
  return success();
}

LogicalResult fromElementsHandler(Operation *op, ArrayRef<RtValue> operands,
                                  SmallVectorImpl<RtValue> &results) {
  std::vector<uint64_t> elements;
  for (const RtValue &v : operands)
    elements.push_back(v.getScalarBits());
  results.push_back(makeValue(op->getResult(0).getType(), std::move(elements)));
  return success();
}

LogicalResult splatHandler(Operation *op, ArrayRef<RtValue> operands,
                           SmallVectorImpl<RtValue> &results) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  results.push_back(RtValue::tensor(
      type, std::vector<uint64_t>(type.getNumElements(),
                                  operands[0].getScalarBits())));
  return success();
}

/// Ops whose result holds the operand's elements in the same row-major
/// order: reshapes, casts and same-width bitcasts.
LogicalResult reinterpretHandler(Operation *op, ArrayRef<RtValue> operands,
                                 SmallVectorImpl<RtValue> &results) {
  std::vector<uint64_t> elements(operands[0].getElements().begin(),
                                 operands[0].getElements().end());
  results.push_back(makeValue(op->getResult(0).getType(), std::move(elements)));
  return success();
}

LogicalResult dimHandler(Operation *op, ArrayRef<RtValue> operands,
                         SmallVectorImpl<RtValue> &results) {
  ArrayRef<int64_t> shape = operands[0].getShape();
  int64_t dim = toIndex(operands[1]);
  if (dim < 0 || dim >= static_cast<int64_t>(shape.size()))
    return op->emitError("dimension ") << dim << " is out of range for rank "
                                       << shape.size();
  results.push_back(RtValue::scalar(op->getResult(0).getType(), shape[dim]));
  return success();
}

LogicalResult extractSliceHandler(Operation *op, ArrayRef<RtValue> operands,
                                  SmallVectorImpl<RtValue> &results) {
  auto slice = cast<tensor::ExtractSliceOp>(op);
  ArrayRef<RtValue> dynamic = operands.drop_front();
  SmallVector<int64_t> offsets = resolve(slice.getStaticOffsets(), dynamic);
  SmallVector<int64_t> sizes = resolve(slice.getStaticSizes(), dynamic);
  SmallVector<int64_t> strides = resolve(slice.getStaticStrides(), dynamic);
  const RtValue &source = operands[0];
  // A rank-reducing slice drops unit dimensions: same elements, same order.
  std::vector<uint64_t> elements(ShapedType::getNumElements(sizes));
  if (failed(forEachInBox(op, source.getShape(), offsets, sizes, strides,
                          [&](int64_t i, int64_t linear) {
                            elements[i] = source.getElements()[linear];
                          })))
    return failure();
  results.push_back(makeValue(slice.getType(), std::move(elements)));
  return success();
}

/// tensor.insert_slice, and tensor.parallel_insert_slice (whose "result"
/// is its destination updated, for scf.forall to carry).
LogicalResult insertSliceHandler(Operation *op, ArrayRef<RtValue> operands,
                                 SmallVectorImpl<RtValue> &results) {
  auto slice = cast<OffsetSizeAndStrideOpInterface>(op);
  ArrayRef<RtValue> dynamic = operands.drop_front(2);
  SmallVector<int64_t> offsets = resolve(slice.getStaticOffsets(), dynamic);
  SmallVector<int64_t> sizes = resolve(slice.getStaticSizes(), dynamic);
  SmallVector<int64_t> strides = resolve(slice.getStaticStrides(), dynamic);
  const RtValue &source = operands[0], &dest = operands[1];
  std::vector<uint64_t> elements(dest.getElements().begin(),
                                 dest.getElements().end());
  if (failed(forEachInBox(op, dest.getShape(), offsets, sizes, strides,
                          [&](int64_t i, int64_t linear) {
                            elements[linear] = source.getElements()[i];
                          })))
    return failure();
  results.push_back(makeValue(dest.getType(), std::move(elements)));
  return success();
}

/// The inputs laid side by side along the concatenated dimension.
LogicalResult concatHandler(Operation *op, ArrayRef<RtValue> operands,
                            SmallVectorImpl<RtValue> &results) {
  auto concat = cast<tensor::ConcatOp>(op);
  RankedTensorType type = concat.getResultType();
  int64_t dim = concat.getDim();
  SmallVector<int64_t> strides = rowMajorStrides(type.getShape());
  std::vector<uint64_t> elements(type.getNumElements());
  int64_t offset = 0; // along `dim`, where the next input starts
  for (const RtValue &input : operands) {
    ArrayRef<int64_t> shape = input.getShape();
    SmallVector<int64_t> inputStrides = rowMajorStrides(shape);
    for (auto [i, bits] : llvm::enumerate(input.getElements())) {
      int64_t linear = 0;
      for (auto [d, size] : llvm::enumerate(shape)) {
        int64_t index = int64_t(i) / inputStrides[d] % size;
        linear += (index + (int64_t(d) == dim ? offset : 0)) * strides[d];
      }
      elements[linear] = bits;
    }
    offset += shape[dim];
  }
  results.push_back(makeValue(type, std::move(elements)));
  return success();
}

} // namespace

void addTensorHandlers(HandlerMap &map) {
  using namespace tensor;
  map[TypeID::get<EmptyOp>()] = emptyHandler;
  map[TypeID::get<ExtractOp>()] = extractHandler;
  map[TypeID::get<InsertOp>()] = insertHandler;
  map[TypeID::get<FromElementsOp>()] = fromElementsHandler;
  map[TypeID::get<SplatOp>()] = splatHandler;
  map[TypeID::get<DimOp>()] = dimHandler;
  map[TypeID::get<ExtractSliceOp>()] = extractSliceHandler;
  map[TypeID::get<InsertSliceOp>()] = insertSliceHandler;
  map[TypeID::get<ParallelInsertSliceOp>()] = insertSliceHandler;
  map[TypeID::get<ConcatOp>()] = concatHandler;
  map[TypeID::get<CollapseShapeOp>()] = reinterpretHandler;
  map[TypeID::get<ExpandShapeOp>()] = reinterpretHandler;
  map[TypeID::get<ReshapeOp>()] = reinterpretHandler;
  map[TypeID::get<CastOp>()] = reinterpretHandler;
  map[TypeID::get<BitcastOp>()] = reinterpretHandler;
}

} // namespace anybit::detail
