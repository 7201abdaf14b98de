//===- CodeTables.h - Code values by f32 table lookups ----------*- C++ -*-===//
//
// A code of at most 6 bits (an integer, a trit or a small float) becomes its
// f32 value by one x86 permute of a constant table, indexed by the low bits
// of an i32 lane: vpermps reads four (16 entries), vpermi2ps five (32).
// Bits above the code need no mask when the table repeats with the code's
// period. 6-bit floats whose top bit is a sign look up the 32 magnitudes
// and xor the sign in (the index at the bottom of a lane and the sign at
// its top by one vpmultishiftqb where the caller allows it, AVX-512 VBMI
// with the 512-bit code-dot instructions: two shifts competed with the
// conversions' units); other 6-bit codes take two lookups and a select.
// The f32 kernels use them where AVX-512 is on (`x86-byte-bits` >= 512).
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_CODETABLES_H
#define ANYBIT_LIB_CONVERSION_CODETABLES_H

#include "VectorMatmulCodegen.h"
#include "anybit/Support/FloatFormat.h"

#include <optional>

namespace anybit::codegen {

/// The value of every pattern of the low four, five or six bits of a lane.
struct CodeTable {
  /// 16, 32 or 64 entries, the pattern taken modulo 2^bits; for
  /// `signMagnitude`, the 32 magnitudes.
  llvm::SmallVector<float, 64> entries;
  bool signMagnitude = false;
};

/// A small float's values as integers: value * 2^exponent, pattern by
/// pattern.
struct IntegerSteps {
  int exponent = 0;
  llvm::SmallVector<int64_t, 64> steps;
};

/// The least exponent in [0, 24] that makes every value of `format` an
/// integer of magnitude below `limit`, and those integers; nothing where
/// none does (NaNs, infinities, too wide a range).
std::optional<IntegerSteps> getIntegerSteps(const FloatFormat &format,
                                            int64_t limit);

/// The value of code `pattern` of `element` (an integer of 1..8 bits,
/// signless ones signed from 2 bits on; a trit, stored as t + 1, the
/// invalid 3 reading as 2; a small float), if `element` is one of those.
std::optional<float> getCodeValue(mlir::Type element, int64_t pattern);

/// The table of `element`'s codes: integers and trits of up to 5 bits,
/// floats of up to 6; nothing otherwise.
std::optional<CodeTable> getCodeTable(mlir::Type element);

/// `table`'s entries as constant vectors of 16 lanes, in order.
llvm::SmallVector<mlir::Value, 4> getTableParts(Lanes &v,
                                                const CodeTable &table);

/// The values of the codes `shift` bits into each i32 lane of `x` (the bits
/// above them ignored) by `table`, whose entries are `parts` (as
/// getTableParts makes them, or those times a scale). With `multishift`
/// (512-bit vpmultishiftqb, AVX-512 VBMI), a sign-magnitude code's index
/// and sign come from one instruction instead of two shifts.
mlir::Value lookUpCodes(Lanes &v, const CodeTable &table,
                        llvm::ArrayRef<mlir::Value> parts, mlir::Value x,
                        int32_t shift, bool multishift = false);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_CODETABLES_H
