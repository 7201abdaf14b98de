//===- BitPacking.h - Packing n-bit fields into byte buffers ----*- C++ -*-===//
//
// Element i of an n-bit type (1 <= n <= 64) is stored LSB-first: bit b of a
// buffer is bit (b % 8) of byte (b / 8). The dense layout places element i at
// bits [i*n, (i+1)*n), so odd widths straddle bytes. The word layout instead
// fills little-endian container words of wordBits bits with wordBits / n
// elements each and never lets an element straddle two words. The base-3
// layout holds trits, five 2-bit codes in each byte as base-3 digits. A
// layout of bit planes splits each element's bits: plane p holds a field of
// its own width of every element, in one of the layouts above, one plane
// after another.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_SUPPORT_BITPACKING_H
#define ANYBIT_SUPPORT_BITPACKING_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>
#include <optional>

namespace anybit {

/// The most elements a tensor may hold: every count of its bits or bytes
/// (64 bits an element, packed data, scales, zero points) then fits in an
/// int64, as lowered code and buffers compute them.
constexpr uint64_t kMaxTensorElements = uint64_t(1) << 56;

/// The number of elements of a static `shape`, or nullopt when a size is
/// negative (dynamic) or the count, or a size, exceeds kMaxTensorElements.
std::optional<uint64_t> countElements(llvm::ArrayRef<int64_t> shape);

struct BitLayout {
  /// Element width, 1..64.
  unsigned bits;
  /// Container word width: 8, 16, 32 or 64. Without straddling, bits must not
  /// exceed it.
  unsigned wordBits = 8;
  /// True for the dense layout; false keeps each element inside one word.
  bool straddle = true;
  /// Base-3 packing of 2-bit codes 0..2 (trits), five per byte instead of
  /// bit fields: see packBase3Byte. Elements have no bit offset then.
  bool base3 = false;
  /// Bit planes, low bits first; empty for one plane of `bits`. Plane p
  /// holds bits [o, o + bitPlanes[p]) of every element (o the widths of the
  /// planes before it) as fields of bitPlanes[p] bits in the layout
  /// plane(p), starting where plane p - 1 ends. Not with base3.
  llvm::SmallVector<unsigned, 4> bitPlanes = {};

  /// First bit of element \p i (not for base3 or bit planes).
  uint64_t bitOffset(uint64_t i) const;
  /// Bytes needed for \p count elements, rounded up to a whole word (a
  /// whole word a plane).
  uint64_t storageBytes(uint64_t count) const;

  bool hasBitPlanes() const { return !bitPlanes.empty(); }
  /// The layout of plane \p p's fields.
  BitLayout plane(unsigned p) const {
    return BitLayout{bitPlanes[p], wordBits, straddle};
  }
  /// The element bit that is bit 0 of plane \p p's fields.
  unsigned planeShift(unsigned p) const;
  /// First byte of plane \p p in storage of \p count elements.
  uint64_t planeStart(unsigned p, uint64_t count) const;
};

/// Returns the n-bit field at \p bitOffset, zero-extended. Reads only the
/// bytes the field covers (up to 9 for n = 64 at an unaligned offset).
uint64_t readBits(const uint8_t *buf, uint64_t bitOffset, unsigned n);

/// Writes the low n bits of \p value at \p bitOffset and leaves every other
/// bit untouched. Touches only the bytes the field covers.
void writeBits(uint8_t *buf, uint64_t bitOffset, unsigned n, uint64_t value);

/// Packs \p count values (truncated to layout.bits) into \p out, which must be
/// layout.storageBytes(count) bytes long. Padding bits are zero.
void packBits(const uint64_t *values, uint64_t count, const BitLayout &layout,
              uint8_t *out);

/// Unpacks \p count zero-extended fields. Reads only the bytes that hold
/// elements, so \p in may stop at the last byte of the last element (of the
/// last plane).
void unpackBits(const uint8_t *in, uint64_t count, const BitLayout &layout,
                uint64_t *values);

/// Codes per byte of the base-3 packing.
constexpr unsigned kBase3Digits = 5;

/// The byte holding the five base-3 codes (each 0, 1 or 2) of elements
/// 5b..5b+4, code n being digit n from the most significant: with
/// v = sum_n codes[n] * 3^(4 - n) < 243, the byte is ceil(256 v / 243), the
/// fixed-point form llama.cpp's TQ1_0 uses, so that digit n decodes with
/// two multiplications (base3Digit).
uint8_t packBase3Byte(const uint64_t codes[kBase3Digits]);

/// 3^n, the multiplier that brings digit n (0..4) of a base-3 byte to the
/// top.
constexpr unsigned base3Power(unsigned n) { return n ? 3 * base3Power(n - 1) : 1; }

/// Digit n (0..4) of a base-3 byte: ((byte * 3^n) mod 256) * 3 >> 8.
unsigned base3Digit(uint8_t byte, unsigned n);

/// Interprets the low n bits of \p v as a two's complement number.
int64_t signExtend(uint64_t v, unsigned n);

/// Returns the low n bits of \p v.
uint64_t truncateBits(uint64_t v, unsigned n);

} // namespace anybit

#endif // ANYBIT_SUPPORT_BITPACKING_H
