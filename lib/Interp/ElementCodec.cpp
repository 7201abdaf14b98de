//===- ElementCodec.cpp - Exact values of element bit patterns ------------===//

#include "anybit/Interp/ElementCodec.h"

#include "Anybit/AnybitDialect.h"
#include "ModArith/ModArithDialect.h"
#include "anybit/Support/BitPacking.h"
#include "llvm/ADT/bit.h"
#include <cmath>
#include <limits>

using namespace mlir;

namespace anybit {

ElementCodec::ElementCodec(Type type) {
  // A residue travels as an unsigned integer of its storage width.
  if (auto residue = dyn_cast<modarith::ModIntType>(type)) {
    kind = Kind::UnsignedInt;
    width = residue.getWidth();
    mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
    modulus = residue.getModulus();
    return;
  }
  width = anybit::getElementBitWidth(type);
  mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
  if (type.isF32()) {
    kind = Kind::F32;
  } else if (type.isF64()) {
    kind = Kind::F64;
  } else if (isa<anybit::TritType>(type)) {
    kind = Kind::Trit;
  } else if (auto f = anybit::getFloatFormat(type)) {
    kind = Kind::SmallFloat;
    format = *f;
    // Small floats decode and encode through tables: the VM's hot loops
    // convert elements one at a time.
    table = &format.decodeTable();
    encoders = {FloatEncoder::get(format, false),
                FloatEncoder::get(format, true)};
  } else {
    kind = anybit::isUnsignedInteger(type) ||
                   (type.isInteger(1) && type.isSignlessInteger())
               ? Kind::UnsignedInt
               : Kind::SignedInt;
  }
}

Int128 ElementCodec::minInt() const {
  if (kind == Kind::UnsignedInt)
    return 0;
  if (kind == Kind::Trit)
    return -1;
  return -(Int128(1) << (width - 1));
}

Int128 ElementCodec::maxInt() const {
  if (kind == Kind::UnsignedInt)
    return (Int128(1) << width) - 1;
  if (kind == Kind::Trit)
    return 1;
  return (Int128(1) << (width - 1)) - 1;
}

Int128 ElementCodec::toIntSlow(uint64_t bits) const {
  if (kind == Kind::UnsignedInt)
    return Int128(bits & mask);
  if (kind == Kind::Trit)
    return Int128(bits & mask) - 1;
  return Int128(signExtend(bits & mask, width));
}

double ElementCodec::toDoubleSlow(uint64_t bits) const {
  switch (kind) {
  case Kind::F32:
    return llvm::bit_cast<float>(static_cast<uint32_t>(bits));
  case Kind::F64:
    return llvm::bit_cast<double>(bits);
  case Kind::SmallFloat:
    return format.decode(bits);
  case Kind::UnsignedInt:
    return static_cast<double>(bits & mask);
  case Kind::Trit:
    return static_cast<double>(toInt(bits));
  case Kind::SignedInt:
    return static_cast<double>(signExtend(bits & mask, width));
  }
  return 0;
}

uint64_t ElementCodec::fromIntSlow(Int128 value, bool saturate) const {
  switch (kind) {
  case Kind::F32: {
    // int64 and uint64 convert with one correctly rounded step.
    float f = value < 0 ? static_cast<float>(static_cast<int64_t>(value))
                        : static_cast<float>(static_cast<uint64_t>(value));
    return llvm::bit_cast<uint32_t>(f);
  }
  case Kind::F64: {
    double d = value < 0 ? static_cast<double>(static_cast<int64_t>(value))
                         : static_cast<double>(static_cast<uint64_t>(value));
    return llvm::bit_cast<uint64_t>(d);
  }
  case Kind::SmallFloat:
    return value < 0 ? format.encodeInt(static_cast<int64_t>(value), saturate)
                     : format.encodeUInt(static_cast<uint64_t>(value), saturate);
  case Kind::Trit:
    return static_cast<uint64_t>(std::min<Int128>(std::max<Int128>(value, -1), 1) + 1);
  case Kind::SignedInt:
  case Kind::UnsignedInt:
    if (saturate)
      value = std::min(std::max(value, minInt()), maxInt());
    return static_cast<uint64_t>(value) & mask;
  }
  return 0;
}

uint64_t ElementCodec::fromDouble(double value, bool saturate) const {
  switch (kind) {
  case Kind::F32: {
    // Saturation clamps into the finite range, infinities included, as
    // FloatFormat does for the small formats.
    float f = static_cast<float>(value);
    if (saturate && std::isinf(f))
      f = std::copysign(std::numeric_limits<float>::max(), f);
    return llvm::bit_cast<uint32_t>(f);
  }
  case Kind::F64:
    if (saturate && std::isinf(value))
      value = std::copysign(std::numeric_limits<double>::max(), value);
    return llvm::bit_cast<uint64_t>(value);
  case Kind::SmallFloat:
    if (const FloatEncoder *encoder = encoders[saturate])
      return encoder->encode(value);
    return format.encode(value, saturate);
  case Kind::SignedInt:
  case Kind::UnsignedInt:
  case Kind::Trit: {
    if (std::isnan(value))
      return fromInt(0);
    double r = std::nearbyint(value); // the default mode is nearest-even
    if (saturate || std::isinf(r) || kind == Kind::Trit) {
      if (r <= static_cast<double>(minInt()))
        return fromInt(minInt(), true);
      if (r >= static_cast<double>(maxInt()))
        return fromInt(maxInt(), true);
      return fromInt(static_cast<Int128>(r), true);
    }
    if (std::fabs(r) < 9223372036854775808.0)
      return static_cast<uint64_t>(static_cast<int64_t>(r)) & mask;
    // |r| >= 2^63 is a multiple of 2^11, so reducing it modulo 2^64 is
    // exact in double precision.
    double m = std::fmod(r, 18446744073709551616.0);
    if (m < 0)
      m += 18446744073709551616.0;
    return static_cast<uint64_t>(m) & mask;
  }
  }
  return 0;
}

} // namespace anybit
