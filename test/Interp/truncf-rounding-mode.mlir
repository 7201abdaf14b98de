// arith.truncf may carry an explicit rounding mode. The reference VM must
// honour it (or report that it cannot), not silently round to nearest
// even. In bf16, 1 + 2^-8 lies halfway between 1 and 1.0078125, and 1.005
// lies between them, nearer 1.0078125.

// RUN: anybit-run %s --entry upward > %t.upward 2>&1 || true
// RUN: FileCheck %s --check-prefix=UPWARD < %t.upward
// RUN: anybit-run %s --entry downward > %t.downward 2>&1 || true
// RUN: FileCheck %s --check-prefix=DOWNWARD < %t.downward
// RUN: anybit-run %s --entry toward_zero > %t.toward_zero 2>&1 || true
// RUN: FileCheck %s --check-prefix=TOWARD-ZERO < %t.toward_zero
// RUN: anybit-run %s --entry nearest_away > %t.nearest_away 2>&1 || true
// RUN: FileCheck %s --check-prefix=NEAREST-AWAY < %t.nearest_away
// RUN: anybit-run %s --entry nearest_even | FileCheck %s --check-prefix=NEAREST-EVEN

// UPWARD-NOT: result0: bf16 = 1{{$}}
// UPWARD: {{truncf-rounding-mode.mlir:[0-9]+:[0-9]+: error:|result0: bf16 = 1.0078125$}}
func.func @upward() -> bf16 {
  %x = arith.constant 1.00390625 : f32
  %0 = arith.truncf %x upward : f32 to bf16
  return %0 : bf16
}

// DOWNWARD-NOT: result0: bf16 = 1.0078125
// DOWNWARD: {{truncf-rounding-mode.mlir:[0-9]+:[0-9]+: error:|result0: bf16 = 1$}}
func.func @downward() -> bf16 {
  %x = arith.constant 1.005 : f32
  %0 = arith.truncf %x downward : f32 to bf16
  return %0 : bf16
}

// TOWARD-ZERO-NOT: result0: bf16 = -1.0078125
// TOWARD-ZERO: {{truncf-rounding-mode.mlir:[0-9]+:[0-9]+: error:|result0: bf16 = -1$}}
func.func @toward_zero() -> bf16 {
  %x = arith.constant -1.005 : f32
  %0 = arith.truncf %x toward_zero : f32 to bf16
  return %0 : bf16
}

// NEAREST-AWAY-NOT: result0: bf16 = 1{{$}}
// NEAREST-AWAY: {{truncf-rounding-mode.mlir:[0-9]+:[0-9]+: error:|result0: bf16 = 1.0078125$}}
func.func @nearest_away() -> bf16 {
  %x = arith.constant 1.00390625 : f32
  %0 = arith.truncf %x to_nearest_away : f32 to bf16
  return %0 : bf16
}

// NEAREST-EVEN: result0: bf16 = 1{{$}}
func.func @nearest_even() -> bf16 {
  %x = arith.constant 1.00390625 : f32
  %0 = arith.truncf %x to_nearest_even : f32 to bf16
  return %0 : bf16
}
