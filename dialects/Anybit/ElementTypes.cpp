//===- ElementTypes.cpp - Queries over any-width element types ------------===//

#include "Anybit/AnybitDialect.h"

#include <cmath>
#include <limits>

using namespace mlir;
using ::anybit::FloatFormat;
using ::anybit::NonFinite;

namespace anybit {

static FloatFormat makeFormat(unsigned e, unsigned m, NonFinite nonFinite,
                              bool isSigned = true, bool hasZero = true) {
  FloatFormat f = FloatFormat::get(e, m);
  f.nonFinite = nonFinite;
  f.isSigned = isSigned;
  f.hasZero = hasZero;
  return f;
}

std::optional<FloatFormat> getFloatFormat(Type type) {
  if (auto t = dyn_cast<mlir::FloatType>(type)) {
    if (isa<Float4E2M1FNType>(t))
      return makeFormat(2, 1, NonFinite::None);
    if (isa<Float6E2M3FNType>(t))
      return makeFormat(2, 3, NonFinite::None);
    if (isa<Float6E3M2FNType>(t))
      return makeFormat(3, 2, NonFinite::None);
    if (isa<Float8E4M3FNType>(t))
      return makeFormat(4, 3, NonFinite::NanOnly);
    if (isa<Float8E5M2Type>(t))
      return makeFormat(5, 2, NonFinite::IEEE);
    if (isa<Float8E4M3Type>(t))
      return makeFormat(4, 3, NonFinite::IEEE);
    if (isa<Float8E3M4Type>(t))
      return makeFormat(3, 4, NonFinite::IEEE);
    if (isa<Float8E8M0FNUType>(t))
      return makeFormat(8, 0, NonFinite::NanOnly, /*isSigned=*/false,
                        /*hasZero=*/false);
    if (t.isF16())
      return makeFormat(5, 10, NonFinite::IEEE);
    if (t.isBF16())
      return makeFormat(8, 7, NonFinite::IEEE);
    return std::nullopt;
  }
  if (auto t = dyn_cast<anybit::FloatFormatType>(type))
    return t.getFormat();
  return std::nullopt;
}

bool isE8M0(Type type) {
  std::optional<FloatFormat> f = getFloatFormat(type);
  return f && f->expBits == 8 && f->manBits == 0 && !f->isSigned &&
         !f->hasZero && f->bias == 127 && f->nonFinite == NonFinite::NanOnly;
}

bool isKernelScaleType(Type type) {
  return type && (type.isF16() || type.isBF16() || type.isF32() ||
                  isE8M0(type));
}

bool isAnyFloat(Type type) {
  return isa<anybit::FloatFormatType>(type) || type.isF32() || type.isF64() ||
         getFloatFormat(type).has_value();
}

bool isNumericElementType(Type type) {
  if (!type)
    return false;
  if (isa<anybit::TritType>(type))
    return true;
  if (auto i = dyn_cast<IntegerType>(type))
    return i.getWidth() >= 1 && i.getWidth() <= 64;
  return type.isIndex() || isAnyFloat(type);
}

unsigned getElementBitWidth(Type type) {
  if (type.isIndex())
    return 64;
  if (auto f = dyn_cast<anybit::FloatFormatType>(type))
    return f.getWidth();
  if (isa<anybit::TritType>(type))
    return anybit::TritType::kWidth;
  return type.getIntOrFloatBitWidth();
}

bool isUnsignedInteger(Type type) {
  auto i = dyn_cast<IntegerType>(type);
  return i && i.isUnsigned();
}

bool isTwosComplementInteger(Type type) {
  auto i = dyn_cast<IntegerType>(type);
  return i && !i.isUnsigned() && !i.isSignlessInteger(1);
}

PackedEncodingAttr getPackedEncoding(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor ? dyn_cast_or_null<PackedEncodingAttr>(tensor.getEncoding())
                : PackedEncodingAttr();
}

std::pair<double, double> getCodeRange(Type codeType) {
  if (isa<anybit::TritType>(codeType))
    return {-1.0, 1.0};
  if (auto intType = dyn_cast<IntegerType>(codeType)) {
    unsigned w = intType.getWidth();
    if (intType.isUnsigned() || w == 1) // signless i1 is a boolean
      return {0.0, std::ldexp(1.0, w) - 1};
    return {-std::ldexp(1.0, w - 1), std::ldexp(1.0, w - 1) - 1};
  }
  if (auto format = getFloatFormat(codeType)) {
    double max = format->maxFinite();
    return {format->isSigned ? -max : 0.0, max};
  }
  double max = codeType.isF32() ? double(std::numeric_limits<float>::max())
                                : std::numeric_limits<double>::max();
  return {-max, max};
}

FailureOr<SmallVector<int64_t>> parseBracketedShape(AsmParser &parser) {
  SmallVector<int64_t> shape;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        return parser.parseInteger(shape.emplace_back());
      }))
    return failure();
  return shape;
}

} // namespace anybit
