// arith.fptosi / arith.fptoui at the 64-bit edges: 2^63 does not fit i64
// signed and 2^64 does not fit i64 unsigned, so both are poison and must
// be reported like any other out-of-range conversion (see errors.mlir),
// not wrapped to INT64_MIN or 0. -2^63 and 2^64 - 2048 do fit.

// RUN: not anybit-run %s --entry fptosi_2p63 2>&1 | FileCheck %s --check-prefix=SI-2P63
// RUN: not anybit-run %s --entry fptosi_2p63_f32 2>&1 | FileCheck %s --check-prefix=SI-2P63-F32
// RUN: not anybit-run %s --entry fptoui_2p64 2>&1 | FileCheck %s --check-prefix=UI-2P64
// RUN: anybit-run %s --entry in_range | FileCheck %s --match-full-lines --check-prefix=IN-RANGE

func.func @fptosi_2p63() -> i64 {
  %x = arith.constant 9223372036854775808.0 : f64
  // SI-2P63: errors-fp-to-int.mlir:[[@LINE+1]]:8: error: float to integer conversion out of range (poison)
  %0 = arith.fptosi %x : f64 to i64
  return %0 : i64
}

func.func @fptosi_2p63_f32() -> i64 {
  %x = arith.constant 9223372036854775808.0 : f32
  // SI-2P63-F32: errors-fp-to-int.mlir:[[@LINE+1]]:8: error: float to integer conversion out of range (poison)
  %0 = arith.fptosi %x : f32 to i64
  return %0 : i64
}

func.func @fptoui_2p64() -> i64 {
  %x = arith.constant 18446744073709551616.0 : f64
  // UI-2P64: errors-fp-to-int.mlir:[[@LINE+1]]:8: error: float to integer conversion out of range (poison)
  %0 = arith.fptoui %x : f64 to i64
  return %0 : i64
}

// IN-RANGE: result0: i64 = -9223372036854775808
// IN-RANGE-NEXT: result1: i64 = 9223372036854774784
// IN-RANGE-NEXT: result2: i64 = -2048
func.func @in_range() -> (i64, i64, i64) {
  %a = arith.constant -9223372036854775808.0 : f64
  %0 = arith.fptosi %a : f64 to i64
  // The largest double below 2^63.
  %b = arith.constant 9223372036854774784.0 : f64
  %1 = arith.fptosi %b : f64 to i64
  // The largest double below 2^64, printed as a signed i64.
  %c = arith.constant 18446744073709549568.0 : f64
  %2 = arith.fptoui %c : f64 to i64
  return %0, %1, %2 : i64, i64, i64
}
