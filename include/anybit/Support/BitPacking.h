//===- BitPacking.h - Packing n-bit fields into byte buffers ----*- C++ -*-===//
//
// Element i of an n-bit type (1 <= n <= 64) is stored LSB-first: bit b of a
// buffer is bit (b % 8) of byte (b / 8). The dense layout places element i at
// bits [i*n, (i+1)*n), so odd widths straddle bytes. The word layout instead
// fills little-endian container words of wordBits bits with wordBits / n
// elements each and never lets an element straddle two words.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_SUPPORT_BITPACKING_H
#define ANYBIT_SUPPORT_BITPACKING_H

#include <cstdint>

namespace anybit {

struct BitLayout {
  /// Element width, 1..64.
  unsigned bits;
  /// Container word width: 8, 16, 32 or 64. Without straddling, bits must not
  /// exceed it.
  unsigned wordBits = 8;
  /// True for the dense layout; false keeps each element inside one word.
  bool straddle = true;

  /// First bit of element \p i.
  uint64_t bitOffset(uint64_t i) const;
  /// Bytes needed for \p count elements, rounded up to a whole word.
  uint64_t storageBytes(uint64_t count) const;
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
/// elements, so \p in may stop at the last byte of the last element.
void unpackBits(const uint8_t *in, uint64_t count, const BitLayout &layout,
                uint64_t *values);

/// Interprets the low n bits of \p v as a two's complement number.
int64_t signExtend(uint64_t v, unsigned n);

/// Returns the low n bits of \p v.
uint64_t truncateBits(uint64_t v, unsigned n);

} // namespace anybit

#endif // ANYBIT_SUPPORT_BITPACKING_H
