//===- ElementCodec.h - Exact values of element bit patterns ----*- C++ -*-===//
//
// Reads and writes the bit patterns of every numeric element type Anybit
// handles, with the project's conversion rules: round to nearest even,
// integer narrowing that wraps or saturates, small floats as FloatFormat
// defines them. Shared by the reference VM and the tools that feed it.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_INTERP_ELEMENTCODEC_H
#define ANYBIT_INTERP_ELEMENTCODEC_H

#include "anybit/Support/FloatEncoder.h"
#include "anybit/Support/FloatFormat.h"
#include "mlir/IR/Types.h"
#include "llvm/Support/MathExtras.h"
#include <array>
#include <cstdint>
#include <vector>

namespace anybit {

/// Exact integer values, wide enough for both i64 and ui64.
using Int128 = __int128;

class ElementCodec {
public:
  /// Trit: the code `value + 1` in 2 bits (!anybit.trit). The integer
  /// kinds come first: isFloat() compares with F32.
  enum class Kind { SignedInt, UnsignedInt, Trit, F32, F64, SmallFloat };

  /// `type` must satisfy anybit::isNumericElementType or be a
  /// !modarith.int<Q : iW>, which is coded as an unsigned W-bit integer
  /// (its value in [0, Q)).
  explicit ElementCodec(mlir::Type type);

  Kind getKind() const { return kind; }
  unsigned getWidth() const { return width; }
  bool isFloat() const { return kind >= Kind::F32; }
  bool isInteger() const { return !isFloat(); }
  uint64_t getMask() const { return mask; }
  /// Q for a !modarith.int<Q : iW> element type (whose valid values are
  /// [0, Q)); 0 for every other type.
  uint64_t getModulus() const { return modulus; }

  /// The exact value of a pattern (integers up to 2^53 exactly).
  double toDouble(uint64_t bits) const {
    if (kind == Kind::SmallFloat)
      return (*table)[bits];
    return toDoubleSlow(bits);
  }
  /// The exact value of an integer pattern (signless read as signed).
  /// Inline for plain integers, the bulk of the VM's and of pack's work.
  Int128 toInt(uint64_t bits) const {
    if (kind == Kind::SignedInt)
      return llvm::SignExtend64(bits, width);
    if (kind == Kind::UnsignedInt)
      return bits & mask;
    return toIntSlow(bits);
  }

  /// Rounds to nearest even. Integers: NaN gives 0; out-of-range values wrap
  /// modulo 2^width unless `saturate`, which clamps; trits always clamp. Floats: see FloatFormat
  /// (f32/f64 overflow to infinity unless `saturate`).
  uint64_t fromDouble(double value, bool saturate = false) const;
  /// Exact integer to this type (one rounding for floats).
  uint64_t fromInt(Int128 value, bool saturate = false) const {
    if (!saturate && (kind == Kind::SignedInt || kind == Kind::UnsignedInt))
      return static_cast<uint64_t>(value) & mask;
    return fromIntSlow(value, saturate);
  }

  Int128 minInt() const;
  Int128 maxInt() const;

private:
  double toDoubleSlow(uint64_t bits) const;
  Int128 toIntSlow(uint64_t bits) const;
  uint64_t fromIntSlow(Int128 value, bool saturate) const;

  Kind kind;
  unsigned width;
  uint64_t mask;
  uint64_t modulus = 0;
  FloatFormat format;
  const std::vector<double> *table = nullptr; // FloatFormat's cached table
  // Small floats encode by table where one exists: [saturate].
  std::array<const FloatEncoder *, 2> encoders = {};
};

} // namespace anybit

#endif // ANYBIT_INTERP_ELEMENTCODEC_H
