//===- FloatFormat.cpp - Parametric small float formats -------------------===//

#include "anybit/Support/FloatFormat.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <utility>

using namespace anybit;

// Validation keeps every value a normal double: exponents stay within
// [1 - 512 - 10, 255 + 512].
static constexpr int kMaxAbsBias = 512;

static uint64_t lowMask(unsigned bits) { return (uint64_t(1) << bits) - 1; }

/// 2^k as a double, built from its bits; k must be in the normal range.
static double pow2(int k) {
  return llvm::bit_cast<double>(uint64_t(k + 1023) << 52);
}

int FloatFormat::defaultBias(unsigned expBits) {
  assert(expBits >= 1 && expBits <= 31 && "exponent width out of range");
  return (1 << (expBits - 1)) - 1;
}

FloatFormat FloatFormat::get(unsigned expBits, unsigned manBits) {
  FloatFormat format;
  format.expBits = expBits;
  format.manBits = manBits;
  format.bias = defaultBias(expBits);
  return format;
}

std::string FloatFormat::validate() const {
  if (expBits < 1 || expBits > 8)
    return "exponent width must be in 1..8";
  if (manBits > 10)
    return "mantissa width must be in 0..10";
  if (bias < -kMaxAbsBias || bias > kMaxAbsBias)
    return "bias must be in -512..512";
  if (nonFinite == NonFinite::IEEE && manBits == 0)
    return "IEEE infinities and NaNs need at least one mantissa bit";
  if (!hasZero && manBits != 0)
    return "a format without zero must have no mantissa bits";
  // e1m0 fn has only the patterns 0 and NaN.
  if (maxFiniteMag() == 0 && hasZero)
    return "format has no positive finite value";
  return "";
}

bool FloatFormat::isNaN(uint64_t bits) const {
  uint64_t mag = bits & magMask();
  switch (nonFinite) {
  case NonFinite::None:
    return false;
  case NonFinite::NanOnly:
    return mag == magMask();
  case NonFinite::IEEE:
    return (mag >> manBits) == lowMask(expBits) && (mag & lowMask(manBits));
  }
  llvm_unreachable("unknown NonFinite");
}

bool FloatFormat::isInf(uint64_t bits) const {
  return hasInf() && (bits & magMask()) == (lowMask(expBits) << manBits);
}

double FloatFormat::decode(uint64_t bits) const {
  assert(bits >> width() == 0 && "pattern wider than the format");
  if (isNaN(bits))
    return std::numeric_limits<double>::quiet_NaN();
  bool neg = bits & signBit();
  uint64_t exp = (bits >> manBits) & lowMask(expBits);
  uint64_t man = bits & lowMask(manBits);
  double mag;
  if (isInf(bits))
    mag = std::numeric_limits<double>::infinity();
  else if (exp == 0 && hasZero)
    mag = double(man) * pow2(1 - bias - int(manBits));
  else
    // The value is a normal double: place E and M straight into its fields.
    mag = llvm::bit_cast<double>(uint64_t(int(exp) - bias + 1023) << 52 |
                                 man << (52 - manBits));
  return neg ? -mag : mag;
}

const std::vector<double> &FloatFormat::decodeTable() const {
  static std::mutex mutex;
  // Tables are never freed or moved, so the returned references stay valid.
  static std::map<decltype(fields()), std::unique_ptr<std::vector<double>>>
      tables;
  assert(validate().empty() && "invalid format");
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<std::vector<double>> &table = tables[fields()];
  if (!table) {
    table = std::make_unique<std::vector<double>>(uint64_t(1) << width());
    for (uint64_t bits = 0, e = table->size(); bits != e; ++bits)
      (*table)[bits] = decode(bits);
  }
  return *table;
}

uint64_t FloatFormat::maxFiniteMag() const {
  switch (nonFinite) {
  case NonFinite::None:
    return magMask();
  case NonFinite::NanOnly:
    return magMask() - 1;
  case NonFinite::IEEE:
    return (lowMask(expBits) << manBits) - 1;
  }
  llvm_unreachable("unknown NonFinite");
}

uint64_t FloatFormat::nanBits() const {
  assert(hasNaN() && "format has no NaN");
  if (nonFinite == NonFinite::NanOnly)
    return magMask();
  return lowMask(expBits) << manBits | uint64_t(1) << (manBits - 1);
}

uint64_t FloatFormat::infBits(bool negative) const {
  assert(hasInf() && "format has no infinity");
  return (negative ? signBit() : 0) | lowMask(expBits) << manBits;
}

uint64_t FloatFormat::maxFiniteBits(bool negative) const {
  assert((isSigned || !negative) && "unsigned format has no negative values");
  return (negative ? signBit() : 0) | maxFiniteMag();
}

double FloatFormat::maxFinite() const { return decode(maxFiniteBits(false)); }

double FloatFormat::minPositive() const { return decode(hasZero ? 1 : 0); }

uint64_t FloatFormat::overflowBits(bool neg, bool saturate) const {
  return hasInf() && !saturate ? infBits(neg) : maxFiniteBits(neg);
}

uint64_t FloatFormat::encodeExact(bool neg, uint64_t mant, int exp2,
                                  bool saturate) const {
  if (neg && !isSigned)
    return 0;
  uint64_t sign = neg ? signBit() : 0;
  // Zero, or a format without zero whose smallest value is pattern 0.
  if (mant == 0)
    return sign;
  // The value lies in [2^top, 2^(top+1)); 64-bit math since exp2 is
  // arbitrary.
  int64_t top = int64_t(llvm::Log2_64(mant)) + exp2;
  int64_t minExp = (hasZero ? 1 : 0) - int64_t(bias);
  if (top < minExp && !hasZero)
    return sign;
  // Past the last binade; this also keeps the field arithmetic below in
  // range. Nearer overflows are caught after rounding.
  if (top + bias > int64_t(lowMask(expBits)))
    return overflowBits(neg, saturate);

  // Quantize to multiples of the ulp 2^q of the binade (or of the subnormal
  // range): n = trunc(value / 2^q) < 2^(manBits+1).
  int64_t q = std::max(top, minExp) - int64_t(manBits);
  int64_t shift = q - exp2;
  // Past 64 the value is below half the smallest subnormal.
  if (shift > 64)
    return sign;
  uint64_t n = shift <= 0 ? mant << -shift : shift == 64 ? 0 : mant >> shift;
  // The pattern is linear in n across binades: a subnormal n gives M = n,
  // and a carry out of the mantissa bumps the exponent field.
  uint64_t mag =
      (uint64_t(q + manBits + bias) << manBits) + n - (uint64_t(1) << manBits);
  if (shift > 0) {
    // Ties go to the even pattern, which also covers manBits == 0.
    uint64_t rest = shift == 64 ? mant : mant & lowMask(unsigned(shift));
    uint64_t half = uint64_t(1) << (shift - 1);
    if (rest > half || (rest == half && (mag & 1)))
      ++mag;
  }
  if (mag > maxFiniteMag())
    return overflowBits(neg, saturate);
  return sign | mag;
}

uint64_t FloatFormat::encode(double v, bool saturate) const {
  if (std::isnan(v))
    return hasNaN() ? nanBits() : 0;
  uint64_t bits = llvm::bit_cast<uint64_t>(v);
  bool neg = bits >> 63;
  uint64_t field = bits >> 52 & 0x7ff;
  uint64_t frac = bits & lowMask(52);
  if (field == 0x7ff)
    return neg && !isSigned ? 0 : overflowBits(neg, saturate);
  if (field == 0)
    return encodeExact(neg, frac, -1074, saturate);
  return encodeExact(neg, frac | uint64_t(1) << 52, int(field) - 1075,
                     saturate);
}

uint64_t FloatFormat::encodeInt(int64_t v, bool saturate) const {
  // 0 - uint64_t(v) is |v| also for INT64_MIN.
  return v < 0 ? encodeExact(true, 0 - uint64_t(v), 0, saturate)
               : encodeExact(false, uint64_t(v), 0, saturate);
}

uint64_t FloatFormat::encodeUInt(uint64_t v, bool saturate) const {
  return encodeExact(false, v, 0, saturate);
}

std::string FloatFormat::str() const {
  std::string text =
      "e" + std::to_string(expBits) + "m" + std::to_string(manBits);
  if (!isSigned)
    text += ", unsigned";
  if (nonFinite == NonFinite::NanOnly)
    text += ", fn";
  else if (nonFinite == NonFinite::IEEE)
    text += ", ieee";
  if (!hasZero)
    text += ", nozero";
  // Out-of-range widths have no default bias; spell the bias out.
  if (expBits < 1 || expBits > 31 || bias != defaultBias(expBits))
    text += ", bias = " + std::to_string(bias);
  return text;
}

std::optional<FloatFormat> FloatFormat::parse(llvm::StringRef text,
                                              std::string *error) {
  auto fail = [&](std::string why) -> std::optional<FloatFormat> {
    if (error)
      *error = std::move(why);
    return std::nullopt;
  };
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, ',');
  llvm::StringRef name = parts.front().trim();
  unsigned expBits, manBits;
  llvm::StringRef rest = name;
  if (!rest.consume_front("e") || rest.consumeInteger(10, expBits) ||
      !rest.consume_front("m") || rest.consumeInteger(10, manBits) ||
      !rest.empty())
    return fail("expected a format name like 'e3m2', got '" + name.str() + "'");
  FloatFormat format;
  format.expBits = expBits;
  format.manBits = manBits;
  std::optional<int> bias;
  bool seenSign = false, seenNonFinite = false, seenZero = false;
  for (llvm::StringRef part : llvm::drop_begin(parts)) {
    llvm::StringRef option = part.trim();
    auto repeated = [&] {
      return fail("repeated or conflicting option '" + option.str() + "'");
    };
    if (option == "unsigned") {
      if (std::exchange(seenSign, true))
        return repeated();
      format.isSigned = false;
    } else if (option == "fn" || option == "ieee") {
      if (std::exchange(seenNonFinite, true))
        return repeated();
      format.nonFinite = option == "fn" ? NonFinite::NanOnly : NonFinite::IEEE;
    } else if (option == "nozero") {
      if (std::exchange(seenZero, true))
        return repeated();
      format.hasZero = false;
    } else if (llvm::StringRef value = option; value.consume_front("bias")) {
      value = value.ltrim();
      int parsed;
      if (!value.consume_front("=") || value.trim().getAsInteger(10, parsed))
        return fail("expected 'bias = <integer>', got '" + option.str() + "'");
      if (bias)
        return repeated();
      bias = parsed;
    } else {
      return fail("unknown float format option '" + option.str() +
                  "'; expected unsigned, fn, ieee, nozero or bias = N");
    }
  }
  if (bias)
    format.bias = *bias;
  else if (expBits >= 1 && expBits <= 8)
    format.bias = defaultBias(expBits);
  std::string why = format.validate();
  if (!why.empty())
    return fail(why);
  return format;
}
