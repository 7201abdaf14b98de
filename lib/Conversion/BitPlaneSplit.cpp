//===- BitPlaneSplit.cpp - A matmul of bit planes as one per plane --------===//

#include "BitPlaneSplit.h"

#include "Anybit/ElementTypes.h"
#include "RowMajorRepack.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace anybit::codegen {

std::optional<SmallVector<BitPlaneOperand>>
getBitPlaneOperands(RankedTensorType type) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  auto integer = dyn_cast<IntegerType>(type.getElementType());
  if (!enc || !enc.hasBitPlanes() || !integer || enc.getZeroPoint())
    return std::nullopt;
  MLIRContext *ctx = type.getContext();
  auto fields = PackedEncodingAttr::get(
      ctx, enc.getWord(), enc.getStraddle(), enc.getBlock(), enc.getScale(),
      Type(), /*base3=*/false, enc.getTile(), ArrayRef<int64_t>{});
  BitLayout layout = enc.getBitLayout(integer);
  SmallVector<BitPlaneOperand> planes;
  for (unsigned p = 0; p < layout.bitPlanes.size(); ++p) {
    bool top = p + 1 == layout.bitPlanes.size();
    auto signedness = top && isTwosComplementInteger(integer)
                          ? IntegerType::Signed
                          : IntegerType::Unsigned;
    auto element = IntegerType::get(ctx, layout.bitPlanes[p], signedness);
    planes.push_back({RankedTensorType::get(type.getShape(), element, fields),
                      layout.planeShift(p)});
  }
  return planes;
}

Value buildBitPlaneStorage(OpBuilder &b, Location loc, Value bytes,
                           RankedTensorType type, unsigned plane,
                           RankedTensorType planeType, bool rowMajor) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  BitLayout layout = enc.getBitLayout(type.getElementType());
  uint64_t count = type.getNumElements();
  int64_t start = layout.planeStart(plane, count);
  int64_t size = layout.plane(plane).storageBytes(count);
  int64_t dataEnd = enc.getDataBytes(type.getShape(), type.getElementType());
  int64_t total = cast<RankedTensorType>(bytes.getType()).getDimSize(0);
  if (rowMajor)
    return buildRowMajorStorage(b, loc, bytes, planeType, start, dataEnd);
  OpFoldResult one = b.getIndexAttr(1);
  // Upstream's verifier rejects a slice that starts at the end, even an
  // empty one (a tensor without elements has empty planes).
  auto slice = [&](Value from, int64_t at, int64_t n) -> Value {
    if (n == 0)
      return tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{0},
                                     b.getI8Type());
    return tensor::ExtractSliceOp::create(
        b, loc, from, ArrayRef<OpFoldResult>{b.getIndexAttr(at)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(n)}, ArrayRef<OpFoldResult>{one});
  };
  // The scales follow the last plane, and nothing follows unscaled data.
  if (start + size == dataEnd || total == dataEnd)
    return slice(bytes, start, size + total - dataEnd);
  Value out = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{size + total - dataEnd}, b.getI8Type());
  auto insert = [&](Value part, Value into, int64_t at, int64_t n) -> Value {
    if (n == 0)
      return into;
    return tensor::InsertSliceOp::create(
        b, loc, part, into, ArrayRef<OpFoldResult>{b.getIndexAttr(at)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(n)}, ArrayRef<OpFoldResult>{one});
  };
  out = insert(slice(bytes, start, size), out, 0, size);
  return insert(slice(bytes, dataEnd, total - dataEnd), out, size,
                total - dataEnd);
}

} // namespace anybit::codegen
