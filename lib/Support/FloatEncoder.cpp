//===- FloatEncoder.cpp - FloatFormat::encode by table --------------------===//

#include "anybit/Support/FloatEncoder.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace anybit {

bool FloatEncoder::build(const FloatFormat &format, bool saturate) {
  nan = format.encode(std::numeric_limits<double>::quiet_NaN(), saturate);
  for (uint64_t sign : {uint64_t(0), uint64_t(1)}) {
    Side &side = sides[sign];
    // codes[i] from steps[i - 1] (0 for i = 0) up to steps[i].
    std::vector<uint64_t> steps;
    auto encode = [&](uint64_t magnitude) {
      return format.encode(llvm::bit_cast<double>(magnitude | sign << 63),
                           saturate);
    };
    // encode() never decreases the magnitude pattern as the magnitude
    // grows (rounding is monotone, and overflow gives the largest finite
    // pattern or infinity's, above it), and within one sign equal
    // magnitude patterns are equal codes: each step is the least magnitude
    // whose pattern exceeds the last one's.
    auto rank = [&](uint64_t code) { return code & format.magMask(); };
    side.codes.push_back(encode(0));
    uint64_t last = rank(encode(kInfinity));
    while (rank(side.codes.back()) < last) {
      uint64_t below = steps.empty() ? 0 : steps.back();
      uint64_t above = kInfinity; // rank(encode(above)) > the last rank
      uint64_t current = rank(side.codes.back());
      while (above - below > 1) {
        uint64_t mid = below + (above - below) / 2;
        (rank(encode(mid)) > current ? above : below) = mid;
      }
      steps.push_back(above);
      side.codes.push_back(encode(above));
    }
    if (steps.empty()) { // one code for every magnitude
      side.cells.assign(1, Cell{~uint64_t(0), 0});
      continue;
    }
    uint64_t firstBinade = steps.front() >> 52,
             binades = (steps.back() >> 52) - firstBinade + 1;
    side.first = firstBinade << 52;
    // The fewest cells a binade with at most one step in each.
    bool fits = false;
    for (unsigned k = 0; !fits && (binades << k) <= (uint64_t(1) << 16); ++k) {
      side.cellShift = 52 - k;
      auto cellOf = [&](uint64_t step) {
        return (step - side.first) >> side.cellShift;
      };
      fits = true;
      for (size_t i = 1; i < steps.size(); ++i)
        fits &= cellOf(steps[i]) != cellOf(steps[i - 1]);
      if (!fits)
        continue;
      side.cells.assign(binades << k, Cell{~uint64_t(0), 0});
      uint32_t passed = 0;
      for (uint64_t cell = 0; cell < side.cells.size(); ++cell) {
        side.cells[cell].below = passed;
        if (passed < steps.size() && cellOf(steps[passed]) == cell)
          side.cells[cell].step = steps[passed++];
      }
    }
    if (!fits)
      return false;
  }
  return true;
}

const FloatEncoder *FloatEncoder::get(const FloatFormat &format,
                                      bool saturate) {
  if (format.width() > kMaxWidth)
    return nullptr;
  using Key = std::pair<decltype(format.fields()), bool>;
  static std::mutex mutex;
  // Encoders are never freed, so the returned pointers stay valid; a
  // format whose table does not fit is remembered as null.
  static std::map<Key, std::unique_ptr<FloatEncoder>> encoders;
  std::lock_guard<std::mutex> lock(mutex);
  auto [entry, isNew] = encoders.try_emplace(Key(format.fields(), saturate));
  if (isNew) {
    std::unique_ptr<FloatEncoder> encoder(new FloatEncoder());
    if (encoder->build(format, saturate))
      entry->second = std::move(encoder);
  }
  return entry->second.get();
}

} // namespace anybit
