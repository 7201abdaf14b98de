// Moduli a chosen method cannot handle are reported at the op, with why;
// `auto` falls back to the remainder instead.
// RUN: not anybit-opt %s --convert-modarith-to-arith=reduction=barrett --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=BARRETT
// RUN: not anybit-opt %s --convert-modarith-to-arith=reduction=shoup --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=SHOUP
// RUN: not anybit-opt %s --convert-modarith-to-arith=reduction=montgomery --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=MONT
// RUN: anybit-opt %s --convert-modarith-to-arith | FileCheck %s --check-prefix=AUTO
// RUN: not anybit-opt %s --convert-modarith-to-arith=reduction=fast 2>&1 | FileCheck %s --check-prefix=OPTION

// OPTION: for the --reduction option: Cannot find option named 'fast'!

!full = !modarith.int<4294967291 : i32>
!even = !modarith.int<1000000 : i32>

// Q = 2^32 - 5: products of two residues need 64 bits; Barrett's q1 and mu
// would need 34.
// BARRETT: convert-modarith-to-arith-invalid.mlir:[[# @LINE + 5]]:8: error: 'modarith.mul' op cannot use Barrett reduction for '!modarith.int<4294967291 : i32>': Barrett reduction of values below 2^64 modulo a 32-bit modulus needs multiplies of 34 bits, more than the 32-bit words at hand
// SHOUP: convert-modarith-to-arith-invalid.mlir:[[# @LINE + 4]]:8: error: 'modarith.mul' op cannot use Barrett reduction for '!modarith.int<4294967291 : i32>'
// AUTO-LABEL: func.func @full_word
// AUTO: arith.remui %{{.*}}, %{{.*}} : i64
func.func @full_word(%a: !full, %b: !full) -> !full {
  %p = modarith.mul %a, %b : !full
  return %p : !full
}

// BARRETT: convert-modarith-to-arith-invalid.mlir:[[# @LINE + 4]]:8: error: 'modarith.mac' op cannot use Barrett reduction
// SHOUP: convert-modarith-to-arith-invalid.mlir:[[# @LINE + 3]]:8: error: 'modarith.mac' op cannot use Shoup multiplication for '!modarith.int<4294967291 : i32>': Shoup multiplication needs 2Q <= 2^32, got Q = 4294967291
func.func @by_constant(%a: !full, %b: !full) -> !full {
  %c = modarith.constant 3 : !full
  %p = modarith.mac %a, %c, %b : !full
  return %p : !full
}

// Montgomery needs an odd Q: reported at the product, and at the borders of
// a function that only adds (its residues would still change form).
// MONT: convert-modarith-to-arith-invalid.mlir:[[# @LINE + 2]]:8: error: 'modarith.mul' op cannot use Montgomery reduction for '!modarith.int<1000000 : i32>': Montgomery reduction needs an odd modulus, got 1000000
func.func @even(%a: !even, %b: !even) -> !even {
  %p = modarith.mul %a, %b : !even
  return %p : !even
}
