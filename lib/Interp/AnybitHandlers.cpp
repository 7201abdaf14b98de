//===- AnybitHandlers.cpp - anybit ops in the reference VM ----------------===//
//
// The defining semantics of the anybit ops; the op descriptions in
// AnybitOps.td state the same rules in prose.
//
//===----------------------------------------------------------------------===//

#include "Handlers.h"

#include "Anybit/AnybitDialect.h"
#include "anybit/Support/BitPacking.h"
#include <cmath>

using namespace mlir;
using anybit::PackedEncodingAttr;

namespace anybit::detail {
namespace {

std::vector<uint8_t> packPlane(ArrayRef<uint64_t> values,
                               const BitLayout &layout) {
  std::vector<uint8_t> bytes(layout.storageBytes(values.size()));
  packBits(values.data(), values.size(), layout, bytes.data());
  return bytes;
}

std::vector<uint64_t> unpackPlane(ArrayRef<uint8_t> bytes, uint64_t count,
                                  const BitLayout &layout) {
  std::vector<uint64_t> values(count);
  unpackBits(bytes.data(), count, layout, values.data());
  return values;
}

/// Block index of every element, row-major over the block grid.
std::vector<uint32_t> blockIndices(ArrayRef<int64_t> shape,
                                   ArrayRef<int64_t> block) {
  int64_t n = ShapedType::getNumElements(shape);
  std::vector<uint32_t> result(n);
  SmallVector<int64_t> strides = rowMajorStrides(shape);
  SmallVector<int64_t> grid;
  for (auto [size, b] : llvm::zip(shape, block))
    grid.push_back(size / b);
  SmallVector<int64_t> gridStrides = rowMajorStrides(grid);
  for (int64_t i = 0; i < n; ++i) {
    int64_t blockLinear = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      blockLinear += (i / strides[d] % shape[d]) / block[d] * gridStrides[d];
    result[i] = static_cast<uint32_t>(blockLinear);
  }
  return result;
}

/// A block-scaled tensor decoded to doubles: its code values, and per block
/// its scale and zero point.
struct ScaledCodes {
  std::vector<uint64_t> codes;
  std::vector<uint32_t> blockOf;
  std::vector<double> scales, zeroPoints;
};

ScaledCodes readScaled(const RtValue &packed) {
  auto type = cast<RankedTensorType>(packed.getType());
  PackedEncodingAttr enc = getPackedEncoding(type);
  ScaledCodes r;
  PackedPlanesRef planes = packed.getPlanes();
  r.codes = enc.unpackData(type.getShape(), type.getElementType(),
                           planes.data);
  r.blockOf = blockIndices(type.getShape(), enc.getBlock());
  int64_t blocks =
      ShapedType::getNumElements(enc.getBlockGridShape(type.getShape()));
  ElementCodec scaleCodec(enc.getScale());
  for (uint64_t bits :
       unpackPlane(planes.scales, blocks, enc.getScaleLayout()))
    r.scales.push_back(scaleCodec.toDouble(bits));
  r.zeroPoints.assign(blocks, 0.0);
  if (Type zp = enc.getZeroPoint()) {
    ElementCodec zpCodec(zp);
    std::vector<uint64_t> bits =
        unpackPlane(planes.zeroPoints, blocks, enc.getZeroPointLayout());
    for (int64_t b = 0; b < blocks; ++b)
      r.zeroPoints[b] = zpCodec.toDouble(bits[b]);
  }
  return r;
}

//===----------------------------------------------------------------------===//
// cast, pack, unpack
//===----------------------------------------------------------------------===//

LogicalResult castHandler(Operation *op, ArrayRef<RtValue> operands,
                          SmallVectorImpl<RtValue> &results) {
  auto castOp = cast<anybit::CastOp>(op);
  ElementCodec src(getElementTypeOrSelf(castOp.getInput().getType()));
  ElementCodec dst(getElementTypeOrSelf(castOp.getType()));
  bool saturate = castOp.getSaturate();
  ArrayRef<uint64_t> in = operands[0].getElements();
  std::vector<uint64_t> out(in.size());
  for (size_t i = 0; i < in.size(); ++i)
    out[i] = src.isInteger() ? dst.fromInt(src.toInt(in[i]), saturate)
                             : dst.fromDouble(src.toDouble(in[i]), saturate);
  results.push_back(makeValue(castOp.getType(), std::move(out)));
  return success();
}

LogicalResult packHandler(Operation *op, ArrayRef<RtValue> operands,
                          SmallVectorImpl<RtValue> &results) {
  auto pack = cast<anybit::PackOp>(op);
  auto type = pack.getType();
  PackedEncodingAttr enc = getPackedEncoding(type);
  PackedPlanes planes;
  planes.data = enc.packData(type.getShape(), type.getElementType(),
                             operands[0].getElements());
  size_t next = 1;
  if (pack.getScales())
    planes.scales = packPlane(operands[next++].getElements(),
                              enc.getScaleLayout());
  if (pack.getZeroPoints())
    planes.zeroPoints = packPlane(operands[next].getElements(),
                                  enc.getZeroPointLayout());
  results.push_back(RtValue::packedTensor(type, std::move(planes)));
  return success();
}

LogicalResult unpackHandler(Operation *op, ArrayRef<RtValue> operands,
                            SmallVectorImpl<RtValue> &results) {
  auto unpack = cast<anybit::UnpackOp>(op);
  auto type = cast<RankedTensorType>(unpack.getInput().getType());
  PackedEncodingAttr enc = getPackedEncoding(type);
  PackedPlanesRef planes = operands[0].getPlanes();
  results.push_back(RtValue::tensor(
      unpack.getResult().getType(),
      enc.unpackData(type.getShape(), type.getElementType(), planes.data)));
  int64_t blocks =
      enc.hasBlocks()
          ? ShapedType::getNumElements(enc.getBlockGridShape(type.getShape()))
          : 0;
  if (Value scales = unpack.getScales())
    results.push_back(RtValue::tensor(
        cast<RankedTensorType>(scales.getType()),
        unpackPlane(planes.scales, blocks, enc.getScaleLayout())));
  if (Value zps = unpack.getZeroPoints())
    results.push_back(RtValue::tensor(
        cast<RankedTensorType>(zps.getType()),
        unpackPlane(planes.zeroPoints, blocks, enc.getZeroPointLayout())));
  return success();
}

//===----------------------------------------------------------------------===//
// quantize, dequantize
//===----------------------------------------------------------------------===//

/// floor(log2(x)) for finite x > 0, exactly.
int floorLog2(double x) { return std::ilogb(x); }

LogicalResult quantizeHandler(Operation *op, ArrayRef<RtValue> operands,
                              SmallVectorImpl<RtValue> &results) {
  auto quantize = cast<anybit::QuantizeOp>(op);
  auto type = quantize.getType();
  PackedEncodingAttr enc = getPackedEncoding(type);
  ElementCodec in(getElementTypeOrSelf(quantize.getInput().getType()));
  ElementCodec code(type.getElementType());
  ElementCodec scaleCodec(enc.getScale());
  Type zpType = enc.getZeroPoint();
  std::optional<ElementCodec> zpCodec;
  if (zpType)
    zpCodec.emplace(zpType);

  std::pair<double, double> range = getCodeRange(type.getElementType());
  double qmin = range.first, qmax = range.second;
  auto scaleFormat = anybit::getFloatFormat(enc.getScale());
  bool powerOfTwoScale = scaleFormat && scaleFormat->manBits == 0;

  int64_t n = type.getNumElements();
  std::vector<uint32_t> blockOf = blockIndices(type.getShape(), enc.getBlock());
  size_t blocks =
      ShapedType::getNumElements(enc.getBlockGridShape(type.getShape()));
  std::vector<double> lo(blocks, 0.0), hi(blocks, 0.0);
  ArrayRef<uint64_t> x = operands[0].getElements();
  for (int64_t i = 0; i < n; ++i) {
    double v = in.toDouble(x[i]);
    if (!std::isfinite(v))
      return op->emitError("cannot quantize the non-finite value ")
             << v << " at element " << i;
    lo[blockOf[i]] = std::min(lo[blockOf[i]], v);
    hi[blockOf[i]] = std::max(hi[blockOf[i]], v);
  }

  std::vector<uint64_t> scaleBits(blocks), zpBits(blocks, 0);
  std::vector<double> scales(blocks), zps(blocks, 0.0);
  for (size_t b = 0; b < blocks; ++b) {
    double absmax = std::max(-lo[b], hi[b]);
    double s;
    if (zpType)
      s = (hi[b] - lo[b]) / (qmax - qmin);
    else if (powerOfTwoScale)
      s = absmax == 0 ? 1.0 : std::ldexp(1.0, floorLog2(absmax) - floorLog2(qmax));
    else
      s = absmax / qmax;
    if (s == 0)
      s = 1.0;
    scaleBits[b] = scaleCodec.fromDouble(s, /*saturate=*/true);
    scales[b] = scaleCodec.toDouble(scaleBits[b]);
    if (!(scales[b] > 0) || !std::isfinite(scales[b]))
      return op->emitError("block ")
             << b << " needs scale " << s << ", which " << enc.getScale()
             << " cannot represent";
    if (zpType) {
      zpBits[b] = zpCodec->fromDouble(qmin - lo[b] / scales[b], true);
      zps[b] = zpCodec->toDouble(zpBits[b]);
    }
  }

  std::vector<uint64_t> codes(n);
  for (int64_t i = 0; i < n; ++i) {
    double q = in.toDouble(x[i]) / scales[blockOf[i]];
    if (zpType)
      q = std::nearbyint(q) + zps[blockOf[i]];
    codes[i] = code.fromDouble(q, /*saturate=*/true);
  }

  PackedPlanes planes;
  planes.data = enc.packData(type.getShape(), type.getElementType(), codes);
  planes.scales = packPlane(scaleBits, enc.getScaleLayout());
  if (zpType)
    planes.zeroPoints = packPlane(zpBits, enc.getZeroPointLayout());
  results.push_back(RtValue::packedTensor(type, std::move(planes)));
  return success();
}

/// The exact real value of every element of a logical or block-scaled
/// tensor, rounded once into `target`'s type by `round`.
template <typename T, typename Round>
std::vector<T> decodeOperand(const RtValue &value, Round &&round) {
  auto type = cast<RankedTensorType>(value.getType());
  ElementCodec codec(type.getElementType());
  PackedEncodingAttr enc = getPackedEncoding(type);
  std::vector<T> out(type.getNumElements());
  if (enc && enc.hasBlocks()) {
    ScaledCodes sc = readScaled(value);
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = round((codec.toDouble(sc.codes[i]) - sc.zeroPoints[sc.blockOf[i]]) *
                     sc.scales[sc.blockOf[i]]);
    return out;
  }
  std::vector<uint64_t> unpacked;
  ArrayRef<uint64_t> bits;
  if (enc) {
    unpacked = enc.unpackData(type.getShape(), type.getElementType(),
                              value.getPlanes().data);
    bits = unpacked;
  } else {
    bits = value.getElements();
  }
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = round(codec.toDouble(bits[i]));
  return out;
}

LogicalResult dequantizeHandler(Operation *op, ArrayRef<RtValue> operands,
                                SmallVectorImpl<RtValue> &results) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  ElementCodec out(type.getElementType());
  results.push_back(RtValue::tensor(
      type, decodeOperand<uint64_t>(operands[0], [&](double v) {
        return out.fromDouble(v);
      })));
  return success();
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

/// Integer operand values, exact and sign- or zero-extended.
std::vector<uint64_t> integerOperand(const RtValue &value) {
  auto type = cast<RankedTensorType>(value.getType());
  ElementCodec codec(type.getElementType());
  PackedEncodingAttr enc = getPackedEncoding(type);
  std::vector<uint64_t> bits =
      enc ? enc.unpackData(type.getShape(), type.getElementType(),
                           value.getPlanes().data)
          : std::vector<uint64_t>(value.getElements().begin(),
                                  value.getElements().end());
  for (uint64_t &b : bits)
    b = static_cast<uint64_t>(codec.toInt(b));
  return bits;
}

/// C[m, :] accumulates A[m, k] * B[k, :] in ascending k, so every output
/// sees its products in the order the op defines.
template <typename T, typename Fma>
std::vector<T> multiply(const std::vector<T> &a, const std::vector<T> &b,
                        int64_t m, int64_t k, int64_t n, Fma &&fma) {
  std::vector<T> c(m * n, T(0));
  for (int64_t i = 0; i < m; ++i) {
    T *row = c.data() + i * n;
    for (int64_t kk = 0; kk < k; ++kk) {
      T av = a[i * k + kk];
      const T *brow = b.data() + kk * n;
      for (int64_t j = 0; j < n; ++j)
        row[j] = fma(av, brow[j], row[j]);
    }
  }
  return c;
}

LogicalResult matmulHandler(Operation *op, ArrayRef<RtValue> operands,
                            SmallVectorImpl<RtValue> &results) {
  auto matmul = cast<anybit::MatmulOp>(op);
  auto resultType = matmul.getType();
  int64_t m = resultType.getDimSize(0), n = resultType.getDimSize(1);
  int64_t k = matmul.getLhs().getType().getDimSize(1);
  Type accType = matmul.getAccumulator();
  ElementCodec acc(accType), out(resultType.getElementType());
  std::vector<uint64_t> c(m * n);
  // B as K x N, whichever way it is stored.
  auto rhs = [&](auto values) {
    if (!matmul.getTransposeRhs())
      return values;
    decltype(values) t(values.size());
    for (int64_t j = 0; j < n; ++j)
      for (int64_t kk = 0; kk < k; ++kk)
        t[kk * n + j] = values[j * k + kk];
    return t;
  };

  if (acc.isInteger()) {
    uint64_t mask = acc.getMask();
    std::vector<uint64_t> prod = multiply<uint64_t>(
        integerOperand(operands[0]), rhs(integerOperand(operands[1])), m, k, n,
        [mask](uint64_t x, uint64_t y, uint64_t s) { return (s + x * y) & mask; });
    // One rounding, as anybit.cast does, even above 2^53.
    for (size_t i = 0; i < c.size(); ++i)
      c[i] = out.fromInt(acc.toInt(prod[i]));
  } else if (accType.isF32()) {
    auto toF32 = [](double v) { return static_cast<float>(v); };
    std::vector<float> prod = multiply<float>(
        decodeOperand<float>(operands[0], toF32),
        rhs(decodeOperand<float>(operands[1], toF32)), m, k, n,
        [](float x, float y, float s) { return std::fmaf(x, y, s); });
    for (size_t i = 0; i < c.size(); ++i)
      c[i] = out.fromDouble(prod[i]);
  } else {
    auto toF64 = [](double v) { return v; };
    std::vector<double> prod = multiply<double>(
        decodeOperand<double>(operands[0], toF64),
        rhs(decodeOperand<double>(operands[1], toF64)), m, k, n,
        [](double x, double y, double s) { return std::fma(x, y, s); });
    for (size_t i = 0; i < c.size(); ++i)
      c[i] = out.fromDouble(prod[i]);
  }
  results.push_back(RtValue::tensor(resultType, std::move(c)));
  return success();
}

} // namespace

std::vector<double> exactValues(const RtValue &value) {
  return decodeOperand<double>(value, [](double v) { return v; });
}

std::vector<int64_t> integerValues(const RtValue &value) {
  std::vector<uint64_t> bits = integerOperand(value);
  return std::vector<int64_t>(bits.begin(), bits.end());
}

RtValue makeTensor(RankedTensorType type, std::vector<uint64_t> bits) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  if (!enc)
    return RtValue::tensor(type, std::move(bits));
  PackedPlanes planes;
  planes.data = enc.packData(type.getShape(), type.getElementType(), bits);
  return RtValue::packedTensor(type, std::move(planes));
}

void addAnybitHandlers(HandlerMap &map) {
  using namespace anybit;
  map[TypeID::get<CastOp>()] = castHandler;
  map[TypeID::get<PackOp>()] = packHandler;
  map[TypeID::get<UnpackOp>()] = unpackHandler;
  map[TypeID::get<QuantizeOp>()] = quantizeHandler;
  map[TypeID::get<DequantizeOp>()] = dequantizeHandler;
  map[TypeID::get<MatmulOp>()] = matmulHandler;
}

} // namespace anybit::detail
