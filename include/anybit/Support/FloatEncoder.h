//===- FloatEncoder.h - FloatFormat::encode by table ------------*- C++ -*-===//
//
// FloatFormat::encode of a double takes its fields apart and rounds them
// (about 10 ns an element on random data). For a format of a few bits the
// result is a step function of the double's magnitude bits, with one step
// per pattern: a table of where the steps are answers in one lookup, without
// a branch on the value. The steps are found once per format by bisection
// over encode() itself, so the table gives exactly encode()'s results.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_SUPPORT_FLOATENCODER_H
#define ANYBIT_SUPPORT_FLOATENCODER_H

#include "anybit/Support/FloatFormat.h"
#include "llvm/ADT/bit.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace anybit {

class FloatEncoder {
public:
  /// The widest format encoded by table: 2^(width - 1) steps a sign, found
  /// by 64 encodes each (e4m3: 0.3 ms, once).
  static constexpr unsigned kMaxWidth = 8;

  /// The shared encoder of `format` with `saturate`, or null where the
  /// format is wider than kMaxWidth. Built on first use and kept for the
  /// life of the process; thread-safe.
  static const FloatEncoder *get(const FloatFormat &format, bool saturate);

  /// format.encode(value, saturate), bit for bit.
  uint64_t encode(double value) const {
    uint64_t bits = llvm::bit_cast<uint64_t>(value);
    uint64_t magnitude = bits & ~(uint64_t(1) << 63);
    if (magnitude > kInfinity)
      return nan;
    const Side &side = sides[bits >> 63];
    // Magnitudes below the first cell take its code below its step, those
    // past the last cell the last cell's last code: no branch on the value.
    uint64_t cell = std::min<uint64_t>(
        (magnitude - side.first) >> side.cellShift, side.cells.size() - 1);
    const Cell &c = side.cells[magnitude >= side.first ? cell : 0];
    return side.codes[c.below + (magnitude >= c.step)];
  }

private:
  FloatEncoder() = default;
  /// Finds the steps and lays out the cells; false where some cell of at
  /// most 2^16 would hold two steps (no format of kMaxWidth bits does).
  bool build(const FloatFormat &format, bool saturate);

  static constexpr uint64_t kInfinity = uint64_t(0x7ff) << 52; // its bits

  /// A run of magnitudes holding at most one step: codes[below] below it,
  /// codes[below + 1] from it (step is past infinity where there is none).
  /// A side without steps has one cell.
  struct Cell {
    uint64_t step;
    uint32_t below;
  };
  /// The results for one sign, as a step function of the magnitude (a
  /// double's bits without its sign): its codes, in order from 0 to
  /// infinity, each taking over at a step. The binades from the first
  /// step's to the last one's are cut into 2^k cells each, k the least for
  /// which no cell holds two steps: a format with m mantissa bits puts its
  /// steps at or just above the midpoints between its values, 2^(m + 1) a
  /// binade.
  struct Side {
    std::vector<uint64_t> codes;
    uint64_t first = 0; // the first cell's first magnitude
    unsigned cellShift = 52;
    std::vector<Cell> cells;
  };
  std::array<Side, 2> sides; // positive, negative
  uint64_t nan = 0;
};

} // namespace anybit

#endif // ANYBIT_SUPPORT_FLOATENCODER_H
