//===- FormatVariants.h - Float formats the unit tests sweep ----*- C++ -*-===//

#ifndef ANYBIT_TEST_UNIT_FORMATVARIANTS_H
#define ANYBIT_TEST_UNIT_FORMATVARIANTS_H

#include "anybit/Support/FloatFormat.h"

#include <gtest/gtest.h>

#include <vector>

namespace anybit::test {

/// Every signed (e, m) format of at most `maxWidth` bits, then the
/// special-value, unsigned, no-zero and custom-bias variants of at most
/// that width.
inline std::vector<FloatFormat> formatVariants(unsigned maxWidth) {
  std::vector<FloatFormat> formats;
  for (unsigned e = 1; e <= 8; ++e)
    for (unsigned m = 0; m <= 10; ++m)
      if (1 + e + m <= maxWidth)
        formats.push_back(FloatFormat::get(e, m));
  const char *const variants[] = {"e4m3, fn",
                                  "e5m2, ieee",
                                  "e8m0, unsigned, fn, nozero",
                                  "e4m3, ieee",
                                  "e3m4, ieee",
                                  "e5m10, ieee",
                                  "e8m7, ieee",
                                  "e2m1, unsigned",
                                  "e4m3, unsigned, fn",
                                  "e5m2, unsigned, ieee",
                                  "e8m0, unsigned",
                                  "e8m0, nozero",
                                  "e8m0, unsigned, nozero, bias = 0",
                                  "e1m0",
                                  "e1m1, ieee",
                                  "e1m1, fn",
                                  "e1m0, fn, nozero",
                                  "e3m2, bias = 5",
                                  "e2m3, bias = 0",
                                  "e4m3, fn, bias = -3",
                                  "e5m2, ieee, bias = 20",
                                  "e3m3, unsigned, bias = 1",
                                  "e7m0, bias = -60",
                                  "e4m4, unsigned, fn, bias = 200",
                                  "e6m9, bias = -100",
                                  "e8m10, ieee",
                                  "e8m10, unsigned, fn, bias = 512",
                                  "e8m10, bias = -512"};
  for (const char *text : variants) {
    std::string error;
    std::optional<FloatFormat> format = FloatFormat::parse(text, &error);
    EXPECT_TRUE(format) << "cannot parse '" << text << "': " << error;
    if (format && format->width() <= maxWidth)
      formats.push_back(*format);
  }
  return formats;
}

} // namespace anybit::test

#endif // ANYBIT_TEST_UNIT_FORMATVARIANTS_H
