//===- BitPacking.cpp - Packing n-bit fields into byte buffers ------------===//

#include "anybit/Support/BitPacking.h"

#include "llvm/Support/Endian.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <vector>

using namespace anybit;
using namespace llvm::support::endian;

[[maybe_unused]] static bool isValid(const BitLayout &layout) {
  bool goodWord = layout.wordBits == 8 || layout.wordBits == 16 ||
                  layout.wordBits == 32 || layout.wordBits == 64;
  unsigned planeBits = 0;
  for (unsigned p = 0; p < layout.bitPlanes.size(); ++p) {
    if (layout.bitPlanes[p] < 1 || !isValid(layout.plane(p)))
      return false;
    planeBits += layout.bitPlanes[p];
  }
  return layout.bits >= 1 && layout.bits <= 64 && goodWord &&
         (layout.straddle || layout.bits <= layout.wordBits) &&
         (!layout.hasBitPlanes() ||
          (planeBits == layout.bits && !layout.base3));
}

/// A word layout whose words hold a whole number of elements has no gaps, so
/// it places every element exactly where the dense layout does.
static bool isDense(const BitLayout &layout) {
  return layout.straddle || layout.wordBits % layout.bits == 0;
}

static uint64_t ceilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/// Loads the first \p nbytes (at most 8) bytes at \p p as a little-endian
/// number, without touching the bytes after them.
static uint64_t loadLE(const uint8_t *p, unsigned nbytes) {
  if (nbytes == 8)
    return read64le(p);
  uint64_t v = 0;
  for (unsigned i = 0; i < nbytes; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

/// Stores the low \p nbytes (at most 8) bytes of \p v at \p p, little-endian.
static void storeLE(uint8_t *p, unsigned nbytes, uint64_t v) {
  if (nbytes == 8) {
    write64le(p, v);
    return;
  }
  for (unsigned i = 0; i < nbytes; ++i)
    p[i] = uint8_t(v >> (8 * i));
}

uint64_t anybit::truncateBits(uint64_t v, unsigned n) {
  return n >= 64 ? v : v & ((uint64_t(1) << n) - 1);
}

int64_t anybit::signExtend(uint64_t v, unsigned n) {
  assert(n >= 1 && n <= 64 && "width out of range");
  uint64_t sign = uint64_t(1) << (n - 1);
  return int64_t((truncateBits(v, n) ^ sign) - sign);
}

uint64_t BitLayout::bitOffset(uint64_t i) const {
  assert(isValid(*this) && !base3 && !hasBitPlanes() && "no bit offsets");
  if (straddle)
    return i * bits;
  uint64_t per = wordBits / bits;
  return (i / per) * wordBits + (i % per) * bits;
}

uint8_t anybit::packBase3Byte(const uint64_t codes[kBase3Digits]) {
  unsigned v = 0;
  for (unsigned n = 0; n < kBase3Digits; ++n)
    v = 3 * v + unsigned(codes[n] % 3);
  return uint8_t((v * 256 + 242) / 243);
}

unsigned anybit::base3Digit(uint8_t byte, unsigned n) {
  return (unsigned(uint8_t(byte * base3Power(n))) * 3) >> 8;
}

std::optional<uint64_t> anybit::countElements(llvm::ArrayRef<int64_t> shape) {
  uint64_t count = 1;
  for (int64_t size : shape)
    if (size < 0 || uint64_t(size) > kMaxTensorElements)
      return std::nullopt;
  for (int64_t size : shape) {
    if (size == 0)
      return 0;
    if (uint64_t(size) > kMaxTensorElements / count)
      return std::nullopt;
    count *= uint64_t(size);
  }
  return count;
}

unsigned BitLayout::planeShift(unsigned p) const {
  unsigned shift = 0;
  for (unsigned q = 0; q < p; ++q)
    shift += bitPlanes[q];
  return shift;
}

uint64_t BitLayout::planeStart(unsigned p, uint64_t count) const {
  uint64_t start = 0;
  for (unsigned q = 0; q < p; ++q)
    start += plane(q).storageBytes(count);
  return start;
}

uint64_t BitLayout::storageBytes(uint64_t count) const {
  assert(isValid(*this) && "invalid bit layout");
  if (hasBitPlanes())
    return planeStart(bitPlanes.size(), count);
  if (base3)
    return ceilDiv(count, kBase3Digits);
  uint64_t totalBits =
      straddle ? count * bits : ceilDiv(count, wordBits / bits) * wordBits;
  return ceilDiv(totalBits, wordBits) * (wordBits / 8);
}

uint64_t anybit::readBits(const uint8_t *buf, uint64_t bitOffset, unsigned n) {
  assert(n >= 1 && n <= 64 && "width out of range");
  const uint8_t *p = buf + bitOffset / 8;
  unsigned shift = bitOffset % 8;
  unsigned nbytes = (shift + n + 7) / 8;
  if (nbytes <= 8)
    return truncateBits(loadLE(p, nbytes) >> shift, n);
  // Nine bytes implies shift > 0, so both shifts below are in range.
  uint64_t v = (read64le(p) >> shift) | (uint64_t(p[8]) << (64 - shift));
  return truncateBits(v, n);
}

void anybit::writeBits(uint8_t *buf, uint64_t bitOffset, unsigned n,
                       uint64_t value) {
  assert(n >= 1 && n <= 64 && "width out of range");
  uint8_t *p = buf + bitOffset / 8;
  unsigned shift = bitOffset % 8;
  unsigned nbytes = (shift + n + 7) / 8;
  value = truncateBits(value, n);
  if (nbytes <= 8) {
    uint64_t mask = truncateBits(~uint64_t(0), n) << shift;
    uint64_t w = loadLE(p, nbytes);
    storeLE(p, nbytes, (w & ~mask) | (value << shift));
    return;
  }
  uint64_t low = truncateBits(read64le(p), shift) | (value << shift);
  write64le(p, low);
  uint8_t highMask = uint8_t(truncateBits(~uint64_t(0), shift + n - 64));
  p[8] = (p[8] & ~highMask) | uint8_t(value >> (64 - shift));
}

void anybit::packBits(const uint64_t *values, uint64_t count,
                      const BitLayout &layout, uint8_t *out) {
  assert(isValid(layout) && "invalid bit layout");
  unsigned n = layout.bits;
  uint64_t total = layout.storageBytes(count);
  if (layout.hasBitPlanes()) {
    std::vector<uint64_t> fields(count);
    for (unsigned p = 0; p < layout.bitPlanes.size(); ++p) {
      unsigned shift = layout.planeShift(p);
      for (uint64_t i = 0; i < count; ++i)
        fields[i] = values[i] >> shift;
      packBits(fields.data(), count, layout.plane(p),
               out + layout.planeStart(p, count));
    }
    return;
  }
  if (layout.base3) {
    for (uint64_t b = 0; b < total; ++b) {
      uint64_t codes[kBase3Digits] = {0, 0, 0, 0, 0};
      for (unsigned d = 0; d < kBase3Digits && kBase3Digits * b + d < count;
           ++d)
        codes[d] = values[kBase3Digits * b + d];
      out[b] = packBase3Byte(codes);
    }
    return;
  }

  if (!isDense(layout)) {
    uint64_t per = layout.wordBits / n;
    unsigned wordBytes = layout.wordBits / 8;
    for (uint64_t first = 0; first < count; first += per) {
      uint64_t word = 0;
      for (uint64_t k = 0; k < per && first + k < count; ++k)
        word |= truncateBits(values[first + k], n) << (k * n);
      storeLE(out + (first / per) * wordBytes, wordBytes, word);
    }
    return;
  }

  uint64_t dataBytes = ceilDiv(count * n, 8);
  switch (n) {
  case 8:
    for (uint64_t i = 0; i < count; ++i)
      out[i] = uint8_t(values[i]);
    break;
  case 16:
    for (uint64_t i = 0; i < count; ++i)
      write16le(out + 2 * i, uint16_t(values[i]));
    break;
  case 32:
    for (uint64_t i = 0; i < count; ++i)
      write32le(out + 4 * i, uint32_t(values[i]));
    break;
  case 64:
    for (uint64_t i = 0; i < count; ++i)
      write64le(out + 8 * i, values[i]);
    break;
  default: {
    // Collect bits in a 64-bit accumulator and flush it 8 bytes at a time.
    uint8_t *p = out;
    uint64_t acc = 0;
    unsigned accBits = 0;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t v = truncateBits(values[i], n);
      acc |= v << accBits;
      accBits += n;
      if (accBits >= 64) {
        write64le(p, acc);
        p += 8;
        accBits -= 64;
        // The top accBits bits of v did not fit; accBits < n here.
        acc = accBits ? v >> (n - accBits) : 0;
      }
    }
    storeLE(p, ceilDiv(accBits, 8), acc);
    break;
  }
  }
  std::memset(out + dataBytes, 0, total - dataBytes);
}

void anybit::unpackBits(const uint8_t *in, uint64_t count,
                        const BitLayout &layout, uint64_t *values) {
  assert(isValid(layout) && "invalid bit layout");
  unsigned n = layout.bits;
  if (layout.hasBitPlanes()) {
    std::vector<uint64_t> fields(count);
    std::fill_n(values, count, 0);
    for (unsigned p = 0; p < layout.bitPlanes.size(); ++p) {
      unsigned shift = layout.planeShift(p);
      unpackBits(in + layout.planeStart(p, count), count, layout.plane(p),
                 fields.data());
      for (uint64_t i = 0; i < count; ++i)
        values[i] |= fields[i] << shift;
    }
    return;
  }
  if (layout.base3) {
    for (uint64_t i = 0; i < count; ++i)
      values[i] = base3Digit(in[i / kBase3Digits], unsigned(i % kBase3Digits));
    return;
  }

  if (!isDense(layout)) {
    uint64_t per = layout.wordBits / n;
    unsigned wordBytes = layout.wordBits / 8;
    for (uint64_t first = 0; first < count; first += per) {
      uint64_t inWord = std::min(per, count - first);
      // A partly filled last word is read only up to its last element.
      uint64_t word =
          loadLE(in + (first / per) * wordBytes, ceilDiv(inWord * n, 8));
      for (uint64_t k = 0; k < inWord; ++k)
        values[first + k] = truncateBits(word >> (k * n), n);
    }
    return;
  }

  switch (n) {
  case 8:
    for (uint64_t i = 0; i < count; ++i)
      values[i] = in[i];
    return;
  case 16:
    for (uint64_t i = 0; i < count; ++i)
      values[i] = read16le(in + 2 * i);
    return;
  case 32:
    for (uint64_t i = 0; i < count; ++i)
      values[i] = read32le(in + 4 * i);
    return;
  case 64:
    for (uint64_t i = 0; i < count; ++i)
      values[i] = read64le(in + 8 * i);
    return;
  default:
    break;
  }

  uint64_t dataBytes = ceilDiv(count * n, 8);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t off = i * n;
    uint64_t byte = off / 8;
    unsigned shift = off % 8;
    // One unaligned 8-byte load covers the field unless it would run past the
    // data or the field reaches into a ninth byte.
    if (byte + 8 <= dataBytes && shift + n <= 64)
      values[i] = truncateBits(read64le(in + byte) >> shift, n);
    else
      values[i] = readBits(in, off, n);
  }
}
