//===- PackedCodegen.cpp - Shift-and-mask access to packed bytes ----------===//

#include "PackedCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace anybit::codegen {

static Value i64c(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, v, 64);
}

static Value toI64(OpBuilder &b, Location loc, Value index) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
}

static Value toIndex(OpBuilder &b, Location loc, Value i64) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), i64);
}

/// First bit of element `i` (i64) within its plane.
static Value bitOffset(OpBuilder &b, Location loc, const BitLayout &layout,
                       Value i) {
  int64_t n = layout.bits;
  if (layout.straddle || layout.wordBits % n == 0)
    return arith::MulIOp::create(b, loc, i, i64c(b, loc, n));
  int64_t per = layout.wordBits / n;
  Value word = arith::DivUIOp::create(b, loc, i, i64c(b, loc, per));
  Value slot = arith::RemUIOp::create(b, loc, i, i64c(b, loc, per));
  return arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, word, i64c(b, loc, layout.wordBits)),
      arith::MulIOp::create(b, loc, slot, i64c(b, loc, n)));
}

/// Base-3 digit `index % 5` of byte `index / 5` (BitLayout::base3):
/// ((byte * 3^digit) mod 256) * 3 >> 8, as an i64.
static Value buildReadBase3(OpBuilder &b, Location loc, Value bytes,
                            int64_t numBytes, int64_t baseByte, Value index) {
  Value i = toI64(b, loc, index);
  Value digits = i64c(b, loc, kBase3Digits);
  Value byteIndex = arith::AddIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, i, digits),
      i64c(b, loc, baseByte));
  byteIndex = arith::MinUIOp::create(b, loc, byteIndex,
                                     i64c(b, loc, numBytes - 1));
  Value digit = arith::RemUIOp::create(b, loc, i, digits);
  Value byte = arith::ExtUIOp::create(
      b, loc, b.getI64Type(),
      tensor::ExtractOp::create(b, loc, bytes,
                                ValueRange{toIndex(b, loc, byteIndex)}));
  Value power = i64c(b, loc, base3Power(kBase3Digits - 1));
  for (int64_t d = kBase3Digits - 2; d >= 0; --d) {
    Value isD = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, digit,
                                      i64c(b, loc, d));
    power = arith::SelectOp::create(b, loc, isD, i64c(b, loc, base3Power(d)),
                                    power);
  }
  Value low = arith::AndIOp::create(
      b, loc, arith::MulIOp::create(b, loc, byte, power), i64c(b, loc, 255));
  return arith::ShRUIOp::create(
      b, loc, arith::MulIOp::create(b, loc, low, i64c(b, loc, 3)),
      i64c(b, loc, 8));
}

/// Byte `byteIndex` of the base-3 packing of `count` codes:
/// ceil(256 v / 243) for v = the five codes as base-3 digits.
static Value buildBase3Byte(OpBuilder &b, Location loc, int64_t count,
                            Value byteIndex,
                            function_ref<Value(OpBuilder &, Value)> element) {
  Value first = arith::MulIOp::create(b, loc, toI64(b, loc, byteIndex),
                                      i64c(b, loc, kBase3Digits));
  Value zero = i64c(b, loc, 0), v = zero;
  for (int64_t d = 0; d < kBase3Digits; ++d) {
    Value e = arith::AddIOp::create(b, loc, first, i64c(b, loc, d));
    Value valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, e,
                                        i64c(b, loc, count));
    Value safe = arith::MinUIOp::create(b, loc, e, i64c(b, loc, count - 1));
    // Codes are 0..2; anything else is reduced as packBase3Byte does.
    Value code = arith::RemUIOp::create(
        b, loc, element(b, toIndex(b, loc, safe)), i64c(b, loc, 3));
    v = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, v, i64c(b, loc, 3)),
        arith::SelectOp::create(b, loc, valid, code, zero));
  }
  Value scaled = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, v, i64c(b, loc, 256)),
      i64c(b, loc, 242));
  return arith::TruncIOp::create(
      b, loc, b.getI8Type(),
      arith::DivUIOp::create(b, loc, scaled, i64c(b, loc, 243)));
}

Value buildReadField(OpBuilder &b, Location loc, Value bytes,
                     int64_t numBytes, int64_t baseByte,
                     const BitLayout &layout, Value index) {
  if (layout.base3)
    return buildReadBase3(b, loc, bytes, numBytes, baseByte, index);
  unsigned n = layout.bits;
  Value bit = arith::AddIOp::create(
      b, loc, bitOffset(b, loc, layout, toI64(b, loc, index)),
      i64c(b, loc, baseByte * 8));
  Value first = arith::ShRUIOp::create(b, loc, bit, i64c(b, loc, 3));
  Value shift = arith::AndIOp::create(b, loc, bit, i64c(b, loc, 7));
  // Bytes past the end of the buffer hold none of the field's bits; reading
  // the last byte in their place keeps every access in bounds.
  Value last = i64c(b, loc, numBytes - 1);
  auto byteAt = [&](int64_t k) -> Value {
    Value idx = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, first, i64c(b, loc, k)), last);
    Value byte = tensor::ExtractOp::create(b, loc, bytes,
                                           ValueRange{toIndex(b, loc, idx)});
    return arith::ExtUIOp::create(b, loc, b.getI64Type(), byte);
  };
  int64_t lowBytes = std::min<int64_t>(8, (n + 7 + 7) / 8);
  Value word = i64c(b, loc, 0);
  for (int64_t k = 0; k < lowBytes; ++k)
    word = arith::OrIOp::create(
        b, loc, word,
        arith::ShLIOp::create(b, loc, byteAt(k), i64c(b, loc, 8 * k)));
  Value field = arith::ShRUIOp::create(b, loc, word, shift);
  if (n + 7 > 64) {
    // Up to 7 high bits of a wide field sit in a ninth byte.
    Value zero = i64c(b, loc, 0);
    Value aligned = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          shift, zero);
    Value amount = arith::SelectOp::create(
        b, loc, aligned, zero,
        arith::SubIOp::create(b, loc, i64c(b, loc, 64), shift));
    Value high = arith::ShLIOp::create(b, loc, byteAt(8), amount);
    field = arith::OrIOp::create(
        b, loc, field, arith::SelectOp::create(b, loc, aligned, zero, high));
  }
  if (n < 64)
    field = arith::AndIOp::create(b, loc, field,
                                  i64c(b, loc, (int64_t(1) << n) - 1));
  return field;
}

Value buildReadElementBits(OpBuilder &b, Location loc, Value bytes,
                           int64_t numBytes, int64_t count,
                           const BitLayout &layout, Value index) {
  if (!layout.hasBitPlanes())
    return buildReadField(b, loc, bytes, numBytes, 0, layout, index);
  Value bits;
  for (unsigned p = 0; p < layout.bitPlanes.size(); ++p) {
    Value field = buildReadField(b, loc, bytes, numBytes,
                                 int64_t(layout.planeStart(p, count)),
                                 layout.plane(p), index);
    if (unsigned shift = layout.planeShift(p))
      field = arith::ShLIOp::create(b, loc, field, i64c(b, loc, shift));
    bits = bits ? arith::OrIOp::create(b, loc, bits, field).getResult() : field;
  }
  return bits;
}

Value buildPackedByte(OpBuilder &b, Location loc, int64_t count,
                      const BitLayout &layout, Value byteIndex,
                      function_ref<Value(OpBuilder &, Value)> element) {
  if (layout.base3)
    return buildBase3Byte(b, loc, count, byteIndex, element);
  int64_t n = layout.bits;
  Value bit0 = arith::MulIOp::create(b, loc, toI64(b, loc, byteIndex),
                                     i64c(b, loc, 8));
  bool dense = layout.straddle || layout.wordBits % n == 0;
  int64_t per = dense ? 0 : layout.wordBits / n;
  // The first element whose field may reach into this byte.
  Value firstElement;
  Value wordIndex, firstSlot;
  if (dense) {
    firstElement = arith::DivUIOp::create(b, loc, bit0, i64c(b, loc, n));
  } else {
    wordIndex = arith::DivUIOp::create(b, loc, bit0,
                                       i64c(b, loc, layout.wordBits));
    Value inWord = arith::RemUIOp::create(b, loc, bit0,
                                          i64c(b, loc, layout.wordBits));
    firstSlot = arith::DivUIOp::create(b, loc, inWord, i64c(b, loc, n));
    firstElement = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, wordIndex, i64c(b, loc, per)),
        firstSlot);
  }
  Value zero = i64c(b, loc, 0);
  Value result = zero;
  Value lastElement = i64c(b, loc, count - 1);
  int64_t candidates = (8 + n - 1) / n + 1;
  for (int64_t k = 0; k < candidates; ++k) {
    Value i = arith::AddIOp::create(b, loc, firstElement, i64c(b, loc, k));
    Value valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i,
                                        i64c(b, loc, count));
    if (!dense) {
      Value slot = arith::AddIOp::create(b, loc, firstSlot, i64c(b, loc, k));
      valid = arith::AndIOp::create(
          b, loc, valid,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, slot,
                                i64c(b, loc, per)));
    }
    Value start = arith::SubIOp::create(b, loc, bitOffset(b, loc, layout, i),
                                        bit0);
    valid = arith::AndIOp::create(
        b, loc, valid,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, start,
                              i64c(b, loc, 8)));
    Value safe = arith::MinUIOp::create(b, loc, i, lastElement);
    Value v = element(b, toIndex(b, loc, safe));
    // One of the two shift amounts is zero: the field starts before or in
    // this byte.
    Value right = arith::MaxSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, zero, start), zero);
    Value left = arith::MaxSIOp::create(b, loc, start, zero);
    Value part = arith::ShLIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, v, right), left);
    result = arith::OrIOp::create(
        b, loc, result, arith::SelectOp::create(b, loc, valid, part, zero));
  }
  return arith::TruncIOp::create(b, loc, b.getI8Type(), result);
}

Value buildBitsOf(OpBuilder &b, Location loc, Value value) {
  Type t = value.getType();
  if (isa<FloatType>(t))
    value = arith::BitcastOp::create(
        b, loc, b.getIntegerType(t.getIntOrFloatBitWidth()), value);
  else if (t.isIndex())
    value = arith::IndexCastOp::create(b, loc, b.getI64Type(), value);
  if (value.getType().getIntOrFloatBitWidth() == 64)
    return value;
  return arith::ExtUIOp::create(b, loc, b.getI64Type(), value);
}

Value buildFromBits(OpBuilder &b, Location loc, Value bits, Type type) {
  if (type.isIndex())
    return arith::IndexCastOp::create(b, loc, type, bits);
  unsigned w = type.getIntOrFloatBitWidth();
  Type intType = b.getIntegerType(w);
  Value v = w == 64 ? bits : arith::TruncIOp::create(b, loc, intType, bits);
  if (isa<FloatType>(type))
    v = arith::BitcastOp::create(b, loc, type, v);
  return v;
}

} // namespace anybit::codegen
