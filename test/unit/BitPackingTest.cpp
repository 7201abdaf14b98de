//===- BitPackingTest.cpp - Tests for dense and word bit packing ----------===//

#include "anybit/Support/BitPacking.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <random>
#include <vector>

using namespace anybit;

namespace {

uint64_t lowBits(uint64_t v, unsigned n) {
  return n == 64 ? v : v & ((uint64_t(1) << n) - 1);
}

/// Where element i starts, derived from the layout rules independently of
/// BitLayout::bitOffset.
uint64_t refOffset(uint64_t i, unsigned n, unsigned wordBits, bool straddle) {
  if (straddle)
    return i * n;
  uint64_t per = wordBits / n;
  return (i / per) * wordBits + (i % per) * n;
}

uint64_t refStorageBytes(uint64_t count, unsigned n, unsigned wordBits,
                         bool straddle) {
  uint64_t totalBits =
      count == 0 ? 0 : refOffset(count - 1, n, wordBits, straddle) + n;
  uint64_t words = (totalBits + wordBits - 1) / wordBits;
  return words * (wordBits / 8);
}

bool getBit(const std::vector<uint8_t> &buf, uint64_t b) {
  return (buf[b / 8] >> (b % 8)) & 1;
}

void setBit(std::vector<uint8_t> &buf, uint64_t b, bool v) {
  if (v)
    buf[b / 8] |= uint8_t(1 << (b % 8));
  else
    buf[b / 8] &= uint8_t(~(1 << (b % 8)));
}

/// The reference packer: one bit at a time.
std::vector<uint8_t> refPack(const std::vector<uint64_t> &values, unsigned n,
                             unsigned wordBits, bool straddle) {
  std::vector<uint8_t> out(
      refStorageBytes(values.size(), n, wordBits, straddle), 0);
  for (uint64_t i = 0; i < values.size(); ++i)
    for (unsigned j = 0; j < n; ++j)
      setBit(out, refOffset(i, n, wordBits, straddle) + j,
             (values[i] >> j) & 1);
  return out;
}

/// Marks which bits of a packed buffer belong to some element.
std::vector<bool> usedBits(uint64_t count, unsigned n, unsigned wordBits,
                           bool straddle) {
  std::vector<bool> used(refStorageBytes(count, n, wordBits, straddle) * 8);
  for (uint64_t i = 0; i < count; ++i)
    for (unsigned j = 0; j < n; ++j)
      used[refOffset(i, n, wordBits, straddle) + j] = true;
  return used;
}

std::vector<uint64_t> randomValues(std::mt19937_64 &rng, uint64_t count) {
  std::vector<uint64_t> values(count);
  for (uint64_t &v : values)
    v = rng();
  return values;
}

/// Packs and unpacks one random array and checks everything against the
/// reference packer.
void checkLayout(std::mt19937_64 &rng, const BitLayout &layout,
                 uint64_t count) {
  SCOPED_TRACE("bits=" + std::to_string(layout.bits) +
               " wordBits=" + std::to_string(layout.wordBits) +
               " straddle=" + std::to_string(layout.straddle) +
               " count=" + std::to_string(count));
  unsigned n = layout.bits;
  // Untruncated values also check that high bits are ignored.
  std::vector<uint64_t> values = randomValues(rng, count);
  std::vector<uint8_t> expected =
      refPack(values, n, layout.wordBits, layout.straddle);
  ASSERT_EQ(layout.storageBytes(count), expected.size());
  for (uint64_t i = 0; i < count; ++i)
    ASSERT_EQ(layout.bitOffset(i),
              refOffset(i, n, layout.wordBits, layout.straddle));

  // Poison the output and a guard area after it.
  const size_t guard = 16;
  std::vector<uint8_t> packed(expected.size() + guard, 0xA5);
  packBits(values.data(), count, layout, packed.data());
  ASSERT_EQ(std::vector<uint8_t>(packed.begin(), packed.end() - guard),
            expected);
  for (size_t i = expected.size(); i < packed.size(); ++i)
    ASSERT_EQ(packed[i], 0xA5) << "wrote past the end at byte " << i;

  std::vector<bool> used = usedBits(count, n, layout.wordBits, layout.straddle);
  for (uint64_t b = 0; b < used.size(); ++b) {
    if (!used[b]) {
      ASSERT_FALSE(getBit(packed, b)) << "padding bit " << b << " is set";
    }
  }

  // Unpack from an exactly sized copy whose padding bits are all set, so
  // stray reads show up under sanitizers and padding must be ignored.
  std::vector<uint8_t> noisy = expected;
  for (uint64_t b = 0; b < used.size(); ++b) {
    if (!used[b])
      setBit(noisy, b, true);
  }
  uint64_t lastByte =
      count == 0 ? 0 : (layout.bitOffset(count - 1) + n + 7) / 8;
  noisy.resize(lastByte);
  noisy.shrink_to_fit();
  std::vector<uint64_t> unpacked(count, ~uint64_t(0));
  unpackBits(noisy.data(), count, layout, unpacked.data());
  for (uint64_t i = 0; i < count; ++i)
    ASSERT_EQ(unpacked[i], lowBits(values[i], n)) << "element " << i;
}

std::vector<uint64_t> testLengths(std::mt19937_64 &rng) {
  std::vector<uint64_t> lengths = {0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 300};
  for (int i = 0; i < 12; ++i)
    lengths.push_back(rng() % 301);
  return lengths;
}

TEST(BitPackingTest, DenseRoundTripMatchesReference) {
  std::mt19937_64 rng(1);
  for (unsigned n = 1; n <= 64; ++n)
    for (uint64_t count : testLengths(rng))
      checkLayout(rng, BitLayout{n}, count);
}

TEST(BitPackingTest, DenseStorageBytes) {
  for (unsigned n = 1; n <= 64; ++n)
    for (uint64_t count = 0; count <= 100; ++count)
      EXPECT_EQ(BitLayout{n}.storageBytes(count), (count * n + 7) / 8);
  // Dense data in wider words is padded to a whole word.
  EXPECT_EQ((BitLayout{3, 32}.storageBytes(11)), 8u);
  EXPECT_EQ((BitLayout{3, 32}.storageBytes(10)), 4u);
  EXPECT_EQ((BitLayout{3, 32}.storageBytes(0)), 0u);
}

TEST(BitPackingTest, DenseInWiderWordsMatchesReference) {
  std::mt19937_64 rng(2);
  for (unsigned wordBits : {16u, 32u, 64u})
    for (unsigned n : {1u, 3u, 5u, 13u, 31u, 33u, 63u})
      for (uint64_t count : testLengths(rng))
        checkLayout(rng, BitLayout{n, wordBits, true}, count);
}

TEST(BitPackingTest, WordLayoutsMatchReference) {
  std::mt19937_64 rng(3);
  for (unsigned wordBits : {8u, 16u, 32u, 64u})
    for (unsigned n = 1; n <= wordBits; ++n)
      for (uint64_t count : testLengths(rng))
        checkLayout(rng, BitLayout{n, wordBits, false}, count);
}

TEST(BitPackingTest, WordLayoutKnownValues) {
  // Three 5-bit elements per 16-bit word; the top bit of each word is unused.
  BitLayout layout{5, 16, false};
  EXPECT_EQ(layout.bitOffset(2), 10u);
  EXPECT_EQ(layout.bitOffset(3), 16u);
  EXPECT_EQ(layout.storageBytes(4), 4u);
  uint64_t values[4] = {0x1f, 0x1f, 0x1f, 0x1};
  uint8_t out[4];
  packBits(values, 4, layout, out);
  EXPECT_EQ(out[0], 0xff);
  EXPECT_EQ(out[1], 0x7f);
  EXPECT_EQ(out[2], 0x01);
  EXPECT_EQ(out[3], 0x00);
  // Seven 9-bit elements per 64-bit word.
  BitLayout nine{9, 64, false};
  EXPECT_EQ(nine.bitOffset(7), 64u);
  EXPECT_EQ(nine.storageBytes(8), 16u);
}

TEST(BitPackingTest, DenseKnownValues) {
  // 3-bit elements 1..5 straddle byte boundaries: 001 010 011 100 101.
  uint64_t values[5] = {1, 2, 3, 4, 5};
  uint8_t out[2];
  packBits(values, 5, BitLayout{3}, out);
  EXPECT_EQ(out[0], 0xd1); // 11 010 001
  EXPECT_EQ(out[1], 0x58); // 0 101 100 0: padding bit 15 is zero
  uint64_t back[5];
  unpackBits(out, 5, BitLayout{3}, back);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(back[i], values[i]);
}

TEST(BitPackingTest, ReadWriteBitsLeaveNeighboursUntouched) {
  std::mt19937_64 rng(4);
  for (unsigned n = 1; n <= 64; ++n) {
    for (uint64_t offset = 0; offset < 80; ++offset) {
      SCOPED_TRACE("n=" + std::to_string(n) +
                   " offset=" + std::to_string(offset));
      std::vector<uint8_t> original(24);
      for (uint8_t &b : original)
        b = uint8_t(rng());
      uint64_t value = rng();
      std::vector<uint8_t> buf = original;
      writeBits(buf.data(), offset, n, value);
      for (uint64_t b = 0; b < buf.size() * 8; ++b) {
        bool inField = b >= offset && b < offset + n;
        bool want = inField ? (value >> (b - offset)) & 1 : getBit(original, b);
        ASSERT_EQ(getBit(buf, b), want) << "bit " << b;
      }
      ASSERT_EQ(readBits(buf.data(), offset, n), lowBits(value, n));
    }
  }
}

TEST(BitPackingTest, ReadWriteBitsStayInsideTheField) {
  // Each field lives in an exactly sized heap block, so touching a byte past
  // it is caught by AddressSanitizer; the 9-byte case is n = 64, shift > 0.
  std::mt19937_64 rng(5);
  for (unsigned n = 1; n <= 64; ++n) {
    for (unsigned shift = 0; shift < 8; ++shift) {
      size_t nbytes = (shift + n + 7) / 8;
      std::vector<uint8_t> buf(nbytes, 0xff);
      buf.shrink_to_fit();
      uint64_t value = rng();
      writeBits(buf.data(), shift, n, value);
      EXPECT_EQ(readBits(buf.data(), shift, n), lowBits(value, n));
      // Bits below the field keep their value.
      EXPECT_EQ(buf[0] & ((1u << shift) - 1), (1u << shift) - 1);
    }
  }
  uint8_t nine[9] = {};
  writeBits(nine, 4, 64, ~uint64_t(0));
  EXPECT_EQ(nine[0], 0xf0);
  EXPECT_EQ(nine[8], 0x0f);
  EXPECT_EQ(readBits(nine, 4, 64), ~uint64_t(0));
  EXPECT_EQ(readBits(nine, 0, 64), ~uint64_t(0) << 4);
}

TEST(BitPackingTest, SignExtendAndTruncate) {
  EXPECT_EQ(signExtend(0x1, 1), -1);
  EXPECT_EQ(signExtend(0x0, 1), 0);
  EXPECT_EQ(signExtend(0x7f, 8), 127);
  EXPECT_EQ(signExtend(0x80, 8), -128);
  EXPECT_EQ(signExtend(0x5, 3), -3);
  EXPECT_EQ(signExtend(0x3, 3), 3);
  // Bits above the field are ignored.
  EXPECT_EQ(signExtend(0xff05, 4), 5);
  EXPECT_EQ(signExtend(0xfff0000000000000, 52), 0);
  EXPECT_EQ(signExtend(~uint64_t(0), 64), -1);
  EXPECT_EQ(signExtend(uint64_t(1) << 63, 64), INT64_MIN);
  EXPECT_EQ(signExtend(uint64_t(1) << 62, 63), -(int64_t(1) << 62));

  EXPECT_EQ(truncateBits(~uint64_t(0), 1), 1u);
  EXPECT_EQ(truncateBits(0x1234, 8), 0x34u);
  EXPECT_EQ(truncateBits(~uint64_t(0), 64), ~uint64_t(0));

  std::mt19937_64 rng(6);
  for (unsigned n = 1; n <= 64; ++n) {
    for (int i = 0; i < 100; ++i) {
      // Any int64 that fits in n bits survives truncation and extension.
      int64_t x = signExtend(rng(), n);
      EXPECT_EQ(signExtend(truncateBits(uint64_t(x), n), n), x);
      EXPECT_EQ(truncateBits(uint64_t(x), n), lowBits(uint64_t(x), n));
    }
  }
}

} // namespace

// The base-3 packing: every one of the 243 digit combinations decodes back
// (the fixed-point byte keeps each digit recoverable with two products),
// bytes are the ceilings llama.cpp's TQ1_0 stores, and a partial last byte
// pads with zero codes.
TEST(BitPackingTest, Base3RoundTripsEveryByte) {
  for (unsigned v = 0; v < 243; ++v) {
    uint64_t codes[kBase3Digits];
    for (unsigned n = 0, rest = v; n < kBase3Digits; ++n, rest /= 3)
      codes[kBase3Digits - 1 - n] = rest % 3;
    uint8_t byte = packBase3Byte(codes);
    EXPECT_EQ(byte, (v * 256 + 242) / 243) << v;
    for (unsigned n = 0; n < kBase3Digits; ++n)
      EXPECT_EQ(base3Digit(byte, n), codes[n]) << "v = " << v << ", digit " << n;
  }
}

TEST(BitPackingTest, Base3KnownValues) {
  BitLayout layout{2, 8, true, /*base3=*/true};
  // Codes 2,0,1,2,1 -> v = 2*81 + 0*27 + 1*9 + 2*3 + 1 = 178, byte
  // ceil(178 * 256 / 243) = 188; then codes 1,1 (and three zero pads) ->
  // v = 81 + 27 = 108, byte ceil(108 * 256 / 243) = 114.
  std::vector<uint64_t> codes = {2, 0, 1, 2, 1, 1, 1};
  EXPECT_EQ(layout.storageBytes(codes.size()), 2u);
  std::vector<uint8_t> bytes(2);
  packBits(codes.data(), codes.size(), layout, bytes.data());
  EXPECT_EQ(bytes, (std::vector<uint8_t>{188, 114}));
  std::vector<uint64_t> back(codes.size());
  unpackBits(bytes.data(), back.size(), layout, back.data());
  EXPECT_EQ(back, codes);
}

TEST(BitPackingTest, BitPlanesKnownValues) {
  // 3-bit values in planes [2, 1]: the low two bits of all five densely
  // (10 bits: 2 bytes), then their high bits (1 byte).
  BitLayout layout{3};
  layout.bitPlanes = {2, 1};
  std::vector<uint64_t> values = {0b101, 0b011, 0b110, 0b001, 0b111};
  ASSERT_EQ(layout.storageBytes(values.size()), 3u);
  EXPECT_EQ(layout.planeStart(1, values.size()), 2u);
  EXPECT_EQ(layout.planeShift(1), 2u);
  std::vector<uint8_t> bytes(3, 0xff);
  packBits(values.data(), values.size(), layout, bytes.data());
  // Low bits 01 11 10 01 | 11: byte 0 = 0b01'10'11'01, byte 1 = 0b11;
  // high bits 1 0 1 0 1: byte 2 = 0b10101.
  EXPECT_EQ(bytes, (std::vector<uint8_t>{0b01101101, 0b11, 0b10101}));
  std::vector<uint64_t> back(values.size());
  unpackBits(bytes.data(), back.size(), layout, back.data());
  EXPECT_EQ(back, values);
}

TEST(BitPackingTest, BitPlanesRoundTripInEveryWordLayout) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    unsigned bits = 2 + unsigned(rng() % 63);
    BitLayout layout{bits, 8u << (rng() % 4), rng() % 2 == 0};
    if (!layout.straddle && bits > layout.wordBits)
      layout.straddle = true;
    for (unsigned left = bits; left;) {
      unsigned width = layout.bitPlanes.empty()
                           ? 1 + unsigned(rng() % (left - 1))
                           : 1 + unsigned(rng() % left);
      layout.bitPlanes.push_back(width);
      left -= width;
    }
    uint64_t count = rng() % 50;
    std::vector<uint64_t> values(count);
    for (uint64_t &v : values)
      v = truncateBits(rng(), bits);
    uint64_t expected = 0;
    for (unsigned p = 0; p < layout.bitPlanes.size(); ++p) {
      EXPECT_EQ(layout.planeStart(p, count), expected);
      expected += layout.plane(p).storageBytes(count);
    }
    ASSERT_EQ(layout.storageBytes(count), expected);
    std::vector<uint8_t> bytes(expected);
    packBits(values.data(), count, layout, bytes.data());
    // Plane p alone unpacks to the values' bits of that plane.
    for (unsigned p = 0; p < layout.bitPlanes.size(); ++p) {
      std::vector<uint64_t> fields(count);
      unpackBits(bytes.data() + layout.planeStart(p, count), count,
                 layout.plane(p), fields.data());
      for (uint64_t i = 0; i < count; ++i)
        ASSERT_EQ(fields[i], truncateBits(values[i] >> layout.planeShift(p),
                                          layout.bitPlanes[p]));
    }
    std::vector<uint64_t> back(count);
    unpackBits(bytes.data(), count, layout, back.data());
    ASSERT_EQ(back, values) << "bits " << bits;
  }
}
