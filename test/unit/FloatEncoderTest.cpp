//===- FloatEncoderTest.cpp - FloatEncoder against FloatFormat::encode ----===//
//
// The table must give encode()'s result for every double. Its steps lie
// between neighbouring values of the format, so the inputs are every value,
// every midpoint between neighbours, the doubles next to each, the edges of
// the double range and the non-finite doubles, with both signs, plus random
// doubles over the whole range and near the format's.
//
//===----------------------------------------------------------------------===//

#include "anybit/Support/FloatEncoder.h"

#include "FormatVariants.h"

#include "llvm/ADT/bit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace anybit;

namespace {

/// Every format of up to 8 bits the unit tests sweep.
std::vector<FloatFormat> tabledFormats() {
  return anybit::test::formatVariants(FloatEncoder::kMaxWidth);
}

/// The inputs whose results the steps decide, both signs.
std::vector<double> edgeInputs(const FloatFormat &format) {
  std::vector<double> values;
  const std::vector<double> &table = format.decodeTable();
  for (double v : table)
    if (std::isfinite(v))
      values.push_back(std::fabs(v));
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  for (size_t i = 0, e = values.size(); i + 1 < e; ++i)
    values.push_back(values[i] + (values[i + 1] - values[i]) / 2);
  if (!values.empty()) // halfway to the next binade, past the largest
    values.push_back(values.back() * 1.5);
  const double special[] = {0.0,
                            std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::min(),
                            std::numeric_limits<double>::max(),
                            std::numeric_limits<double>::infinity(),
                            1.0};
  values.insert(values.end(), std::begin(special), std::end(special));
  std::vector<double> inputs;
  const double inf = std::numeric_limits<double>::infinity();
  for (double v : values)
    for (double sign : {1.0, -1.0}) {
      double x = sign * v;
      inputs.push_back(x);
      double below = x, above = x;
      for (int i = 0; i < 2; ++i) {
        below = std::nextafter(below, -inf);
        above = std::nextafter(above, inf);
        inputs.push_back(below);
        inputs.push_back(above);
      }
    }
  return inputs;
}

TEST(FloatEncoderTest, MatchesEncodeAtEveryStep) {
  for (const FloatFormat &format : tabledFormats())
    for (bool saturate : {false, true}) {
      const FloatEncoder *encoder = FloatEncoder::get(format, saturate);
      ASSERT_NE(encoder, nullptr) << format.str();
      for (double x : edgeInputs(format))
        ASSERT_EQ(encoder->encode(x), format.encode(x, saturate))
            << format.str() << (saturate ? ", saturating" : "") << ": " << x
            << " (bits 0x" << std::hex << llvm::bit_cast<uint64_t>(x) << ")";
    }
}

TEST(FloatEncoderTest, MatchesEncodeOnRandomDoubles) {
  std::mt19937_64 rng(7);
  for (const FloatFormat &format : tabledFormats())
    for (bool saturate : {false, true}) {
      const FloatEncoder *encoder = FloatEncoder::get(format, saturate);
      ASSERT_NE(encoder, nullptr) << format.str();
      // Largest finite value's binade, to place half the inputs near it.
      int top = std::ilogb(format.maxFinite());
      for (int i = 0; i < 20000; ++i) {
        uint64_t bits = rng();
        if (i % 2) { // near the format's range: exponents top - 40 .. top + 1
          int exp = top - 40 + int(rng() % 42);
          bits = (bits & (uint64_t(0x800fffffffffffff))) | uint64_t(exp + 1023)
                                                               << 52;
        }
        double x = llvm::bit_cast<double>(bits);
        ASSERT_EQ(encoder->encode(x), format.encode(x, saturate))
            << format.str() << (saturate ? ", saturating" : "") << ": " << x
            << " (bits 0x" << std::hex << bits << ")";
      }
    }
}

TEST(FloatEncoderTest, NaNsKeepTheFormatsRule) {
  for (const FloatFormat &format : tabledFormats()) {
    const FloatEncoder *encoder = FloatEncoder::get(format, false);
    ASSERT_NE(encoder, nullptr);
    for (uint64_t bits :
         {uint64_t(0x7ff8000000000000), uint64_t(0xfff8000000000000),
          uint64_t(0x7ff0000000000001), uint64_t(0xffffffffffffffff)})
      EXPECT_EQ(encoder->encode(llvm::bit_cast<double>(bits)),
                format.encode(llvm::bit_cast<double>(bits)))
          << format.str();
  }
}

TEST(FloatEncoderTest, SharedAndOnlyForNarrowFormats) {
  FloatFormat e2m1 = FloatFormat::get(2, 1);
  EXPECT_EQ(FloatEncoder::get(e2m1, false), FloatEncoder::get(e2m1, false));
  EXPECT_NE(FloatEncoder::get(e2m1, false), FloatEncoder::get(e2m1, true));
  // Wider formats keep FloatFormat::encode.
  EXPECT_EQ(FloatEncoder::get(FloatFormat::get(5, 3), false), nullptr);
  EXPECT_EQ(FloatEncoder::get(FloatFormat::get(5, 10), true), nullptr);
}

} // namespace
