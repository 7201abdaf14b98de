//===- CodeMatmulSupport.cpp - Shared pieces of the code kernels ----------===//

#include "CodeMatmulSupport.h"

#include "Anybit/ElementTypes.h"
#include "anybit/Support/BitPacking.h"
#include "anybit/Support/FloatFormat.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace anybit::codegen {

bool isAtBitIndex(PackedEncodingAttr enc, Type element) {
  BitLayout layout = enc.getBitLayout(element);
  unsigned bits = getElementBitWidth(element);
  return !layout.base3 && !layout.hasBitPlanes() &&
         (layout.straddle || layout.wordBits % bits == 0);
}

std::optional<std::pair<int64_t, Type>>
getGroupScales(PackedEncodingAttr enc) {
  if (!enc || !enc.hasBlocks())
    return std::pair<int64_t, Type>{0, Type()};
  Type scale = enc.getScale();
  if (enc.getZeroPoint() || enc.getBlock()[0] != 1 ||
      !isKernelScaleType(scale))
    return std::nullopt;
  return std::pair<int64_t, Type>{enc.getBlock()[1], scale};
}

Value readFloatsAsF32(OpBuilder &b, Location loc, Value source, Value at,
                      int64_t count, Type type) {
  int64_t bytesPer = getElementBitWidth(type) / 8;
  auto raw = VectorType::get({count * bytesPer}, b.getI8Type());
  Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
  Value read = vector::TransferReadOp::create(b, loc, raw, source, at, pad,
                                              ArrayRef<bool>{true});
  if (isE8M0(type)) {
    // The exponent into an f32's exponent field; 0 is the subnormal
    // 2^-127 and 255 NaN.
    auto words = VectorType::get({count}, b.getI32Type());
    auto splat = [&](int64_t v) {
      return arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(words, b.getI32IntegerAttr(v)));
    };
    Value e = arith::ExtUIOp::create(b, loc, words, read);
    Value bits = arith::ShLIOp::create(b, loc, e, splat(23));
    auto special = [&](int64_t code, int64_t value) {
      Value is = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, e,
                                       splat(code));
      bits = arith::SelectOp::create(b, loc, is, splat(value), bits);
    };
    special(0, 0x00400000);
    special(255, 0x7FC00000);
    return arith::BitcastOp::create(
        b, loc, VectorType::get({count}, b.getF32Type()), bits);
  }
  Value values =
      vector::BitCastOp::create(b, loc, VectorType::get({count}, type), read);
  if (type.isF32())
    return values;
  return arith::ExtFOp::create(b, loc,
                               VectorType::get({count}, b.getF32Type()), values);
}

/// The byte at which the scale of group `g` of row `row` is stored.
static Value scaleByte(OpBuilder &b, Location loc, int64_t scaleBase,
                       int64_t groupsPerRow, Value row, Value g, Type type) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value group = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, row, c(groupsPerRow)), g);
  return arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, group, c(getElementBitWidth(type) / 8)),
      c(scaleBase));
}

Value readGroupScales(OpBuilder &b, Location loc, Value bytes,
                      int64_t scaleBase, int64_t groupsPerRow, Value row,
                      Value g, int64_t count, Type type) {
  Value at = scaleByte(b, loc, scaleBase, groupsPerRow, row, g, type);
  return readFloatsAsF32(b, loc, bytes, at, count, type);
}

Value splatElement(OpBuilder &b, Location loc, Value vector,
                   OpFoldResult index, int64_t lanes) {
  auto type = cast<VectorType>(vector.getType());
  return vector::BroadcastOp::create(
      b, loc, VectorType::get({lanes}, type.getElementType()),
      vector::ExtractOp::create(b, loc, vector, ArrayRef<OpFoldResult>{index}));
}

Value storeOnStack(OpBuilder &b, Location loc, Value values) {
  auto type = cast<VectorType>(values.getType());
  Value buffer = memref::AllocaOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()));
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  vector::TransferWriteOp::create(b, loc, values, buffer, ValueRange{zero},
                                  ArrayRef<bool>{true});
  return buffer;
}

Value broadcastLoad(OpBuilder &b, Location loc, Value buffer, Value index,
                    int64_t lanes) {
  auto type = cast<MemRefType>(buffer.getType());
  return vector::BroadcastOp::create(
      b, loc, VectorType::get({lanes}, type.getElementType()),
      memref::LoadOp::create(b, loc, buffer, index));
}

Value readGroupScaleSplat(OpBuilder &b, Location loc, Value bytes,
                          int64_t scaleBase, int64_t groupsPerRow, Value row,
                          Value g, Type type, int64_t lanes) {
  Value at = scaleByte(b, loc, scaleBase, groupsPerRow, row, g, type);
  auto f32 = VectorType::get({lanes}, b.getF32Type());
  if (isE8M0(type))
    return splatElement(b, loc, readFloatsAsF32(b, loc, bytes, at, 1, type),
                        b.getIndexAttr(0), lanes);
  int64_t bytesPer = getElementBitWidth(type) / 8;
  Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
  Value raw = vector::TransferReadOp::create(
      b, loc, VectorType::get({bytesPer}, b.getI8Type()), bytes, at, pad,
      ArrayRef<bool>{true});
  Value one = vector::ExtractOp::create(
      b, loc,
      vector::BitCastOp::create(b, loc, VectorType::get({1}, type), raw),
      ArrayRef<int64_t>{0});
  Value splat = vector::BroadcastOp::create(
      b, loc, VectorType::get({lanes}, type), one);
  if (type.isF32())
    return splat;
  return arith::ExtFOp::create(b, loc, f32, splat);
}

Value buildPlanarActivations(OpBuilder &b, Location loc, Value lhs,
                             int64_t paddedK, int64_t vectorBytes,
                             int64_t codesPerByte, double factor,
                             ArrayRef<int64_t> laneOrder) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
  Type element = lhsType.getElementType();
  auto type = RankedTensorType::get({m, paddedK}, element);
  return tensor::GenerateOp::create(
      b, loc, type, ValueRange{},
      [&](OpBuilder &nb, Location l, ValueRange indices) {
        auto c = [&](int64_t v) {
          return arith::ConstantIndexOp::create(nb, l, v);
        };
        Value col = indices[1];
        Value blockSize = c(codesPerByte * vectorBytes), v = c(vectorBytes);
        Value inBlock = arith::RemUIOp::create(nb, l, col, blockSize);
        Value blockStart = arith::SubIOp::create(nb, l, col, inBlock);
        Value plane = arith::DivUIOp::create(nb, l, inBlock, v);
        Value lane = arith::RemUIOp::create(nb, l, inBlock, v);
        assert((laneOrder.empty() || int64_t(laneOrder.size()) == vectorBytes) &&
               "a lane order permutes a plane's V entries");
        if (!laneOrder.empty()) {
          auto orderType = RankedTensorType::get(
              {int64_t(laneOrder.size())}, nb.getIndexType());
          Value order = arith::ConstantOp::create(
              nb, l,
              DenseElementsAttr::get(
                  orderType,
                  llvm::to_vector(llvm::map_range(laneOrder, [&](int64_t i) {
                    return Attribute(nb.getIndexAttr(i));
                  }))));
          lane = tensor::ExtractOp::create(nb, l, order, ValueRange{lane});
        }
        Value source = arith::AddIOp::create(
            nb, l, blockStart,
            arith::AddIOp::create(nb, l,
                                  arith::MulIOp::create(nb, l, lane,
                                                        c(codesPerByte)),
                                  plane));
        Value inside = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                             source, c(k));
        Value clamped = arith::MinUIOp::create(nb, l, source, c(k - 1));
        Value a = tensor::ExtractOp::create(nb, l, lhs,
                                            ValueRange{indices[0], clamped});
        if (factor != 1.0)
          a = arith::MulFOp::create(
              nb, l, a,
              arith::ConstantOp::create(nb, l, nb.getFloatAttr(element,
                                                               factor)));
        Value zero =
            arith::ConstantOp::create(nb, l, nb.getZeroAttr(element));
        tensor::YieldOp::create(
            nb, l, arith::SelectOp::create(nb, l, inside, a, zero).getResult());
      });
}

Value buildTreeSum(OpBuilder &b, Location loc, ArrayRef<Value> values) {
  if (values.size() == 1)
    return values[0];
  size_t half = values.size() / 2;
  return arith::AddFOp::create(b, loc,
                               buildTreeSum(b, loc, values.take_front(half)),
                               buildTreeSum(b, loc, values.drop_front(half)));
}

SmallVector<Value> buildLaneSums(OpBuilder &b, Location loc,
                                 ArrayRef<Value> vectors) {
  int64_t lanes = cast<VectorType>(vectors.front().getType()).getNumElements();
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddFOp::create(b, loc, x, y);
  };
  // The largest power of two of the vectors, at most one per lane, fold
  // into one; the rest go the same way after them.
  int64_t p = 1;
  while (2 * p <= int64_t(vectors.size()) && 2 * p <= lanes)
    p *= 2;
  SmallVector<Value> sums;
  if (p == 1) {
    sums.push_back(vector::ReductionOp::create(
        b, loc, vector::CombiningKind::ADD, vectors.front(),
        arith::FastMathFlags::reassoc));
  } else {
    // Each folded vector holds `count` vectors' partial sums, `width`
    // lanes each, in order.
    SmallVector<Value> folded(vectors.take_front(p));
    int64_t width = lanes, count = 1;
    while (folded.size() > 1) {
      SmallVector<Value> next;
      SmallVector<int64_t> low, high; // each segment's halves, both vectors
      for (int64_t from : {int64_t(0), lanes})
        for (int64_t s = 0; s < count; ++s)
          for (int64_t l = 0; l < width / 2; ++l) {
            low.push_back(from + s * width + l);
            high.push_back(from + s * width + width / 2 + l);
          }
      for (size_t i = 0; i < folded.size(); i += 2)
        next.push_back(add(
            vector::ShuffleOp::create(b, loc, folded[i], folded[i + 1], low),
            vector::ShuffleOp::create(b, loc, folded[i], folded[i + 1], high)));
      folded = std::move(next);
      width /= 2;
      count *= 2;
    }
    // Each segment reduced: its lanes added across (lane l of every
    // segment at once), then its first lane.
    Value sum = folded.front();
    for (int64_t w = width / 2; w >= 1; w /= 2) {
      SmallVector<int64_t> shifted;
      for (int64_t l = 0; l < lanes; ++l)
        shifted.push_back(l % width + w < width ? l + w : l);
      sum = add(sum, vector::ShuffleOp::create(b, loc, sum, sum, shifted));
    }
    for (int64_t s = 0; s < count; ++s)
      sums.push_back(
          vector::ExtractOp::create(b, loc, sum, ArrayRef<int64_t>{s * width}));
  }
  if (int64_t(vectors.size()) > p)
    sums.append(buildLaneSums(b, loc, vectors.drop_front(p)));
  return sums;
}

} // namespace anybit::codegen
