//===- Value.cpp - Runtime values of the reference VM ---------------------===//

#include "anybit/Interp/Value.h"

#include "Anybit/AnybitDialect.h"
#include "ModArith/ModArithDialect.h"

using namespace mlir;

namespace anybit {

/// Numbers, and residues (!modarith.int), which the VM holds as their
/// value in [0, Q).
static bool isRuntimeElementType(Type type) {
  return isNumericElementType(type) || isa<modarith::ModIntType>(type);
}

bool isRuntimeType(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return tensor.hasStaticShape() &&
           isRuntimeElementType(tensor.getElementType());
  return isRuntimeElementType(type);
}

RtValue RtValue::scalar(Type type, uint64_t bits) {
  RtValue v;
  v.type = type;
  v.scalarBits = bits;
  return v;
}

RtValue RtValue::tensor(RankedTensorType type, std::vector<uint64_t> elements) {
  RtValue v;
  v.type = type;
  v.elements =
      std::make_shared<const std::vector<uint64_t>>(std::move(elements));
  return v;
}

RtValue RtValue::packedTensor(RankedTensorType type, PackedPlanes planes) {
  PackedStorage storage;
  storage.dataBytes = planes.data.size();
  storage.scaleBytes = planes.scales.size();
  storage.bytes = std::move(planes.data);
  storage.bytes.insert(storage.bytes.end(), planes.scales.begin(),
                       planes.scales.end());
  storage.bytes.insert(storage.bytes.end(), planes.zeroPoints.begin(),
                       planes.zeroPoints.end());
  RtValue v;
  v.type = type;
  v.packed = std::make_shared<const PackedStorage>(std::move(storage));
  return v;
}

RtValue RtValue::packedTensor(RankedTensorType type,
                              std::vector<uint8_t> bytes) {
  auto enc = cast<PackedEncodingAttr>(type.getEncoding());
  PackedStorage storage;
  storage.dataBytes = enc.getDataBytes(type.getShape(), type.getElementType());
  storage.scaleBytes = enc.getScaleBytes(type.getShape());
  storage.bytes = std::move(bytes);
  RtValue v;
  v.type = type;
  v.packed = std::make_shared<const PackedStorage>(std::move(storage));
  return v;
}

PackedPlanesRef RtValue::getPlanes() const {
  ArrayRef<uint8_t> bytes = packed->bytes;
  return {bytes, bytes.take_front(packed->dataBytes),
          bytes.slice(packed->dataBytes, packed->scaleBytes),
          bytes.drop_front(packed->dataBytes + packed->scaleBytes)};
}

Type RtValue::getElementType() const {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return tensor.getElementType();
  return type;
}

ArrayRef<int64_t> RtValue::getShape() const {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return tensor.getShape();
  return {};
}

int64_t RtValue::getNumElements() const {
  return ShapedType::getNumElements(getShape());
}

} // namespace anybit
