//===- FloatFormat.h - Parametric small float formats -----------*- C++ -*-===//
//
// A binary floating-point format of at most 19 bits described by its field
// widths, bias and special-value policy, with exact conversions to and from
// double. It models the OCP MX formats (e2m1, e2m3, e3m2, e4m3fn, e5m2,
// e8m0), f16/bf16 and any other combination in range.
//
// Bit layout, in the low width() bits of a uint64_t:
//   [sign (MSB, only if isSigned)][exponent field E][mantissa field M (LSBs)]
// Value: with hasZero and E == 0, the subnormal (-1)^s * M * 2^(1-bias-man);
// otherwise the normal (-1)^s * (2^man + M) * 2^(E-bias-man). The
// nonFinite policy then reserves patterns (see NonFinite).
//
// Conversion rules of encode*() (the project's semantics):
//  1. Round to nearest, ties to even, over the representable finite values
//     (subnormals included). "Even" is the even bit pattern, which is the
//     even mantissa, or the even exponent field when manBits == 0.
//  2. Overflow (the exact magnitude is >= maxFinite + half an ulp of the top
//     binade): IEEE formats give +-inf, or +-maxFinite when `saturate` is
//     set; formats without infinities always saturate to +-maxFinite.
//  3. Infinite input: as overflow.
//  4. NaN input: the canonical NaN (sign 0; NanOnly: exponent and mantissa
//     all ones; IEEE: exponent all ones, mantissa MSB set); +0 for formats
//     without NaN.
//  5. Unsigned formats: every negative input, -0 included, gives pattern 0
//     (+0, or the smallest value when the format has no zero).
//  6. Formats without zero (e8m0): magnitudes below the smallest value
//     2^-bias give the smallest value (pattern 0, plus the sign bit if the
//     format is signed).
//  7. Signed formats keep the sign of zero: -0.0 and negative values that
//     underflow encode as -0.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_SUPPORT_FLOATFORMAT_H
#define ANYBIT_SUPPORT_FLOATFORMAT_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace anybit {

/// Which patterns of a format are not finite numbers.
enum class NonFinite {
  /// Every pattern is a finite number (e2m1, e2m3, e3m2 in OCP MX).
  None,
  /// Only the pattern with exponent and mantissa all ones is NaN (of either
  /// sign); no infinities ("FN": e4m3fn, e8m0fnu).
  NanOnly,
  /// The all-ones exponent is reserved as in IEEE 754: mantissa 0 is +-inf,
  /// anything else NaN (e5m2, f16). Needs manBits >= 1.
  IEEE,
};

struct FloatFormat {
  unsigned expBits = 0, manBits = 0;
  int bias = 0;
  bool isSigned = true;
  NonFinite nonFinite = NonFinite::None;
  /// False: exponent field 0 is an ordinary binade and there is no zero and
  /// no subnormal (e8m0). Only valid with manBits == 0.
  bool hasZero = true;

  /// 2^(expBits-1) - 1; defined for expBits in 1..31.
  static int defaultBias(unsigned expBits);
  /// A signed format with the default bias and every pattern finite.
  static FloatFormat get(unsigned expBits, unsigned manBits);

  /// Storage width in bits: sign (if any) + exponent + mantissa.
  unsigned width() const { return (isSigned ? 1 : 0) + expBits + manBits; }

  /// An empty string when the format is valid, else why it is not. Valid
  /// formats have expBits in 1..8, manBits in 0..10, bias in -512..512 (so
  /// every value is a normal double), and at least one positive finite value.
  std::string validate() const;

  /// Every field that tells formats apart, as a tuple: for comparisons and
  /// for the keys of per-format caches.
  std::tuple<unsigned, unsigned, int, bool, NonFinite, bool> fields() const {
    return {expBits, manBits, bias, isSigned, nonFinite, hasZero};
  }
  bool operator==(const FloatFormat &other) const {
    return fields() == other.fields();
  }
  bool operator!=(const FloatFormat &other) const { return !(*this == other); }

  bool hasNaN() const { return nonFinite != NonFinite::None; }
  bool hasInf() const { return nonFinite == NonFinite::IEEE; }

  /// The exact value of a pattern: a quiet NaN for NaN patterns, +-inf, and
  /// -0.0 for the negative zero pattern. `bits` must fit in width() bits.
  double decode(uint64_t bits) const;
  /// decode() of every pattern, indexed by pattern; built once per format
  /// (at most 2^19 entries) and kept for the life of the process, so the
  /// reference stays valid. Thread-safe.
  const std::vector<double> &decodeTable() const;
  bool isNaN(uint64_t bits) const;
  bool isInf(uint64_t bits) const;

  /// Rounds the exact value (-1)^neg * mant * 2^exp2 into the format
  /// following the rules above.
  uint64_t encodeExact(bool neg, uint64_t mant, int exp2,
                       bool saturate = false) const;
  /// Converts a double exactly (no intermediate rounding), NaN and inf
  /// included.
  uint64_t encode(double v, bool saturate = false) const;
  /// Converts an integer exactly, without rounding through double first.
  uint64_t encodeInt(int64_t v, bool saturate = false) const;
  uint64_t encodeUInt(uint64_t v, bool saturate = false) const;

  /// The canonical NaN of rule 4; the format must have NaNs.
  uint64_t nanBits() const;
  /// +-inf; the format must be IEEE.
  uint64_t infBits(bool negative) const;
  /// +-maxFinite; `negative` needs a signed format.
  uint64_t maxFiniteBits(bool negative) const;
  double maxFinite() const;
  /// The smallest positive value: the smallest subnormal, or the smallest
  /// normal when the format has no subnormals (manBits == 0 or no zero).
  double minPositive() const;

  /// Canonical text: "e<E>m<M>" followed, in this order and only when they
  /// differ from get(E, M), by ", unsigned", ", fn" or ", ieee", ", nozero"
  /// and ", bias = <N>". Examples: "e3m2", "e4m3, fn",
  /// "e8m0, unsigned, fn, nozero", "e3m2, bias = 5".
  std::string str() const;
  /// Parses str()'s syntax; options may come in any order, spaces around
  /// commas and '=' are optional. Returns std::nullopt for malformed text or
  /// an invalid format, with the reason in *error when given.
  static std::optional<FloatFormat> parse(llvm::StringRef text,
                                          std::string *error = nullptr);

  /// The exponent and mantissa bits (every bit but the sign).
  uint64_t magMask() const { return (uint64_t(1) << (expBits + manBits)) - 1; }

private:
  uint64_t signBit() const {
    return isSigned ? uint64_t(1) << (expBits + manBits) : 0;
  }
  uint64_t maxFiniteMag() const;
  /// The result of rules 2 and 3 for a value too large in magnitude.
  uint64_t overflowBits(bool neg, bool saturate) const;
};

} // namespace anybit

#endif // ANYBIT_SUPPORT_FLOATFORMAT_H
