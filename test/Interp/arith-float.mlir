// Float arith on the reference VM: computed exactly and rounded once to the
// type, ties to even. Values are chosen to print exactly; f32 results that
// are not short decimals are checked through their bits.

// RUN: anybit-run %s --entry f32_ops | FileCheck %s --match-full-lines --check-prefix=F32
// RUN: anybit-run %s --entry f16_ops | FileCheck %s --match-full-lines --check-prefix=F16
// RUN: anybit-run %s --entry bf16_ops | FileCheck %s --match-full-lines --check-prefix=BF16
// RUN: anybit-run %s --entry f8_ops | FileCheck %s --match-full-lines --check-prefix=F8
// RUN: anybit-run %s --entry specials | FileCheck %s --match-full-lines --check-prefix=SPECIAL
// RUN: anybit-run %s --entry cmpf --input 1.0 --input 2.0 | FileCheck %s --match-full-lines --check-prefix=CMPF-LT
// RUN: anybit-run %s --entry cmpf --input 2.0 --input 2.0 | FileCheck %s --match-full-lines --check-prefix=CMPF-EQ
// RUN: anybit-run %s --entry cmpf_nan --input 1.0 | FileCheck %s --match-full-lines --check-prefix=CMPF-NAN
// RUN: anybit-run %s --entry conversions | FileCheck %s --match-full-lines --check-prefix=CONV
// RUN: anybit-run %s --entry f64_ops | FileCheck %s --match-full-lines --check-prefix=F64

// 1/3 in f32 is 0x3EAAAAAB; 2^24 + 1 ties to 2^24 (even), 2^24 + 3 ties to
// 2^24 + 4; fmod keeps the sign of the dividend.
// F32: result0: f32 = 0.75
// F32-NEXT: result1: f32 = -0.25
// F32-NEXT: result2: f32 = 3.75
// F32-NEXT: result3: i32 = 1051372203
// F32-NEXT: result4: f32 = 16777216
// F32-NEXT: result5: f32 = 16777220
// F32-NEXT: result6: f32 = 1.5
// F32-NEXT: result7: f32 = -1.5
// F32-NEXT: result8: f32 = -0.5
// F32-NEXT: result9: f32 = inf
// F32-NEXT: result10: f32 = 0.25
// F32-NEXT: result11: f32 = 0.5
func.func @f32_ops() -> (f32, f32, f32, i32, f32, f32, f32, f32, f32, f32, f32, f32) {
  %half = arith.constant 0.5 : f32
  %quarter = arith.constant 0.25 : f32
  %0 = arith.addf %half, %quarter : f32
  %1 = arith.subf %quarter, %half : f32
  %a = arith.constant 1.5 : f32
  %b = arith.constant 2.5 : f32
  %2 = arith.mulf %a, %b : f32
  %one = arith.constant 1.0 : f32
  %three = arith.constant 3.0 : f32
  %third = arith.divf %one, %three : f32
  %3 = arith.bitcast %third : f32 to i32
  %big = arith.constant 16777216.0 : f32
  %4 = arith.addf %big, %one : f32
  %5 = arith.addf %big, %three : f32
  %x = arith.constant 7.5 : f32
  %nx = arith.constant -7.5 : f32
  %two = arith.constant 2.0 : f32
  %6 = arith.remf %x, %two : f32
  %7 = arith.remf %nx, %two : f32
  %8 = arith.negf %half : f32
  %huge = arith.constant 3.0e38 : f32
  %9 = arith.mulf %huge, %two : f32
  %10 = arith.minimumf %quarter, %half : f32
  %11 = arith.maxnumf %quarter, %half : f32
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11
      : f32, f32, f32, i32, f32, f32, f32, f32, f32, f32, f32, f32
}

// f16 has 10 mantissa bits: 1 + 2^-11 ties to 1, 1 + 3 * 2^-11 ties to
// 1 + 2^-9. 65504 is the largest finite value: 65504 + 15 rounds back to
// it, 65504 + 16 = 65520 ties away into infinity. 2^-24 is the smallest
// subnormal, and half of it ties to 0. 1/3 in f16 is 0x3555.
// F16: result0: f16 = 1
// F16-NEXT: result1: f16 = 1.001953125
// F16-NEXT: result2: f16 = 65504
// F16-NEXT: result3: f16 = inf
// F16-NEXT: result4: f16 = -inf
// F16-NEXT: result5: f16 = 5.9604644775390625e-08
// F16-NEXT: result6: f16 = 0
// F16-NEXT: result7: f16 = 0.333251953125
func.func @f16_ops() -> (f16, f16, f16, f16, f16, f16, f16, f16) {
  %one = arith.constant 1.0 : f16
  %e11 = arith.constant 0.00048828125 : f16
  %e11x3 = arith.constant 0.00146484375 : f16
  %0 = arith.addf %one, %e11 : f16
  %1 = arith.addf %one, %e11x3 : f16
  %max = arith.constant 65504.0 : f16
  %c15 = arith.constant 15.0 : f16
  %c16 = arith.constant 16.0 : f16
  %2 = arith.addf %max, %c15 : f16
  %3 = arith.addf %max, %c16 : f16
  %c300 = arith.constant -300.0 : f16
  %c400 = arith.constant 400.0 : f16
  %4 = arith.mulf %c300, %c400 : f16
  %tiny = arith.constant 5.9604644775390625E-8 : f16
  %half = arith.constant 0.5 : f16
  %two = arith.constant 2.0 : f16
  %5 = arith.divf %tiny, %one : f16
  %6 = arith.mulf %tiny, %half : f16
  %three = arith.constant 3.0 : f16
  %7 = arith.divf %one, %three : f16
  return %0, %1, %2, %3, %4, %5, %6, %7 : f16, f16, f16, f16, f16, f16, f16, f16
}

// bf16 has 7 mantissa bits: 1 + 2^-8 ties to 1, 1 + 3 * 2^-8 to 1 + 2^-6;
// 257 ties to 256 and 259 to 260 (the even neighbours); 3e38 * 2
// overflows. 1/3 is 0.333984375.
// BF16: result0: bf16 = 1
// BF16-NEXT: result1: bf16 = 1.015625
// BF16-NEXT: result2: bf16 = 256
// BF16-NEXT: result3: bf16 = 260
// BF16-NEXT: result4: bf16 = inf
// BF16-NEXT: result5: bf16 = 0.333984375
func.func @bf16_ops() -> (bf16, bf16, bf16, bf16, bf16, bf16) {
  %one = arith.constant 1.0 : bf16
  %a = arith.constant 0.00390625 : bf16
  %b = arith.constant 0.01171875 : bf16
  %0 = arith.addf %one, %a : bf16
  %1 = arith.addf %one, %b : bf16
  %c256 = arith.constant 256.0 : bf16
  %c3 = arith.constant 3.0 : bf16
  %2 = arith.addf %c256, %one : bf16
  %3 = arith.addf %c256, %c3 : bf16
  %huge = arith.constant 3.0e38 : bf16
  %two = arith.constant 2.0 : bf16
  %4 = arith.mulf %huge, %two : bf16
  %5 = arith.divf %one, %c3 : bf16
  return %0, %1, %2, %3, %4, %5 : bf16, bf16, bf16, bf16, bf16, bf16
}

// f8E4M3FN (3 mantissa bits, bias 7, largest 448, no infinities):
// 1 + 1/16 ties to 1; 1 + 3/16 ties to 1.25; 2^-9 is the smallest subnormal,
// 2^-10 ties to 0 and 0.75 * 2^-9 rounds up to 2^-9. Overflow saturates to
// 448 (the project's rule for formats without infinities); 0/0 is NaN.
// F8: result0: f8E4M3FN = 1
// F8-NEXT: result1: f8E4M3FN = 1.25
// F8-NEXT: result2: f8E4M3FN = 0
// F8-NEXT: result3: f8E4M3FN = 0.001953125
// F8-NEXT: result4: f8E4M3FN = 448
// F8-NEXT: result5: f8E4M3FN = -448
// F8-NEXT: result6: f8E4M3FN = nan
// F8-NEXT: result7: f8E4M3FN = 0.34375
// F8-NEXT: result8: f8E4M3FN = 416
func.func @f8_ops() -> (f8E4M3FN, f8E4M3FN, f8E4M3FN, f8E4M3FN, f8E4M3FN,
                        f8E4M3FN, f8E4M3FN, f8E4M3FN, f8E4M3FN) {
  %one = arith.constant 1.0 : f8E4M3FN
  %sixteenth = arith.constant 0.0625 : f8E4M3FN
  %three16 = arith.constant 0.1875 : f8E4M3FN
  %0 = arith.addf %one, %sixteenth : f8E4M3FN
  %1 = arith.addf %one, %three16 : f8E4M3FN
  %tiny = arith.constant 0.001953125 : f8E4M3FN
  %half = arith.constant 0.5 : f8E4M3FN
  %threeq = arith.constant 0.75 : f8E4M3FN
  %2 = arith.mulf %tiny, %half : f8E4M3FN
  %3 = arith.mulf %tiny, %threeq : f8E4M3FN
  %max = arith.constant 448.0 : f8E4M3FN
  %c32 = arith.constant 64.0 : f8E4M3FN
  %4 = arith.addf %max, %c32 : f8E4M3FN
  %nmax = arith.negf %max : f8E4M3FN
  %5 = arith.subf %nmax, %c32 : f8E4M3FN
  %zero = arith.constant 0.0 : f8E4M3FN
  %6 = arith.divf %zero, %zero : f8E4M3FN
  %three = arith.constant 3.0 : f8E4M3FN
  // 1/3 = 0.333: between 0.3125 and 0.34375, nearer 0.34375.
  %7 = arith.divf %one, %three : f8E4M3FN
  // 448 - 32 = 416 exactly.
  %c32b = arith.constant 32.0 : f8E4M3FN
  %8 = arith.subf %max, %c32b : f8E4M3FN
  return %0, %1, %2, %3, %4, %5, %6, %7, %8
      : f8E4M3FN, f8E4M3FN, f8E4M3FN, f8E4M3FN, f8E4M3FN, f8E4M3FN,
        f8E4M3FN, f8E4M3FN, f8E4M3FN
}

// Signed zeros, NaN and infinities.
// maximumf/minimumf order -0 < +0 and propagate NaN; maxnumf/minnumf
// ignore a NaN operand and order -0 < +0 too (arith leaves it open).
// SPECIAL: result0: f32 = 0
// SPECIAL-NEXT: result1: f32 = -0
// SPECIAL-NEXT: result2: f32 = 0
// SPECIAL-NEXT: result3: f32 = nan
// SPECIAL-NEXT: result4: f32 = -1
// SPECIAL-NEXT: result5: f32 = nan
// SPECIAL-NEXT: result6: f32 = -inf
// SPECIAL-NEXT: result7: f16 = nan
// SPECIAL-NEXT: result8: f32 = nan
// SPECIAL-NEXT: result9: f32 = -inf
// SPECIAL-NEXT: result10: f32 = -0
// SPECIAL-NEXT: result11: f32 = 0
// SPECIAL-NEXT: result12: f32 = -0
// SPECIAL-NEXT: result13: f32 = 0
// SPECIAL-NEXT: result14: f32 = -0
func.func @specials() -> (f32, f32, f32, f32, f32, f32, f32, f16, f32, f32, f32,
                          f32, f32, f32, f32) {
  %nz = arith.constant -0.0 : f32
  %pz = arith.constant 0.0 : f32
  %nan = arith.constant 0x7FC00000 : f32
  %m1 = arith.constant -1.0 : f32
  %inf = arith.constant 0x7F800000 : f32
  %0 = arith.maximumf %nz, %pz : f32
  %1 = arith.minimumf %pz, %nz : f32
  %2 = arith.maxnumf %nan, %pz : f32
  %3 = arith.maximumf %nan, %pz : f32
  %4 = arith.minnumf %m1, %nan : f32
  %5 = arith.minimumf %m1, %nan : f32
  %6 = arith.negf %inf : f32
  %hnan = arith.constant 0x7E00 : f16
  %7 = arith.addf %hnan, %hnan : f16
  %8 = arith.subf %inf, %inf : f32
  %9 = arith.divf %m1, %pz : f32
  %10 = arith.mulf %m1, %pz : f32
  %11 = arith.maxnumf %nz, %pz : f32
  %12 = arith.minnumf %pz, %nz : f32
  %13 = arith.maxnumf %pz, %nz : f32
  %14 = arith.minnumf %nz, %pz : f32
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14
      : f32, f32, f32, f32, f32, f32, f32, f16, f32, f32, f32, f32, f32, f32, f32
}

// Every cmpf predicate. Order: false oeq ogt oge olt ole one ord ueq ugt uge
// ult ule une uno true.
// CMPF-LT: result0: tensor<16xi1> = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 1]
// CMPF-EQ: result0: tensor<16xi1> = [0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1]
func.func @cmpf(%a: bf16, %b: bf16) -> tensor<16xi1> {
  %0 = arith.cmpf false, %a, %b : bf16
  %1 = arith.cmpf oeq, %a, %b : bf16
  %2 = arith.cmpf ogt, %a, %b : bf16
  %3 = arith.cmpf oge, %a, %b : bf16
  %4 = arith.cmpf olt, %a, %b : bf16
  %5 = arith.cmpf ole, %a, %b : bf16
  %6 = arith.cmpf one, %a, %b : bf16
  %7 = arith.cmpf ord, %a, %b : bf16
  %8 = arith.cmpf ueq, %a, %b : bf16
  %9 = arith.cmpf ugt, %a, %b : bf16
  %10 = arith.cmpf uge, %a, %b : bf16
  %11 = arith.cmpf ult, %a, %b : bf16
  %12 = arith.cmpf ule, %a, %b : bf16
  %13 = arith.cmpf une, %a, %b : bf16
  %14 = arith.cmpf uno, %a, %b : bf16
  %15 = arith.cmpf true, %a, %b : bf16
  %t = tensor.from_elements %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11,
                            %12, %13, %14, %15 : tensor<16xi1>
  return %t : tensor<16xi1>
}

// With a NaN operand only the unordered predicates (and true) hold.
// CMPF-NAN: result0: tensor<16xi1> = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
func.func @cmpf_nan(%a: f32) -> tensor<16xi1> {
  %b = arith.constant 0x7FC00000 : f32
  %0 = arith.cmpf false, %a, %b : f32
  %1 = arith.cmpf oeq, %a, %b : f32
  %2 = arith.cmpf ogt, %a, %b : f32
  %3 = arith.cmpf oge, %a, %b : f32
  %4 = arith.cmpf olt, %a, %b : f32
  %5 = arith.cmpf ole, %a, %b : f32
  %6 = arith.cmpf one, %a, %b : f32
  %7 = arith.cmpf ord, %a, %b : f32
  %8 = arith.cmpf ueq, %a, %b : f32
  %9 = arith.cmpf ugt, %a, %b : f32
  %10 = arith.cmpf uge, %a, %b : f32
  %11 = arith.cmpf ult, %a, %b : f32
  %12 = arith.cmpf ule, %a, %b : f32
  %13 = arith.cmpf une, %a, %b : f32
  %14 = arith.cmpf uno, %a, %b : f32
  %15 = arith.cmpf true, %a, %b : f32
  %t = tensor.from_elements %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11,
                            %12, %13, %14, %15 : tensor<16xi1>
  return %t : tensor<16xi1>
}

// extf is exact; truncf rounds once (0.1 in f32 is 0x3DCCCCCD, in f16
// 0.0999755859375, in bf16 0.10009765625, in f8E4M3FN 0.1015625).
// sitofp/uitofp read the bits as signed/unsigned; fptosi/fptoui truncate
// toward zero. 2^24 + 1 (an i33) rounds to 2^24 in f32.
// CONV: result0: f16 = 0.0999755859375
// CONV-NEXT: result1: bf16 = 0.10009765625
// CONV-NEXT: result2: f8E4M3FN = 0.1015625
// CONV-NEXT: result3: f64 = 0.0999755859375
// CONV-NEXT: result4: f32 = -1
// CONV-NEXT: result5: f32 = 7
// CONV-NEXT: result6: f32 = 16777216
// CONV-NEXT: result7: i3 = 3
// CONV-NEXT: result8: i3 = -4
// CONV-NEXT: result9: i3 = -2
// CONV-NEXT: result10: i3 = -1
// CONV-NEXT: result11: i32 = 1036831949
// CONV-NEXT: result12: f32 = 2.5
// CONV-NEXT: result13: f16 = 65504
// CONV-NEXT: result14: f16 = inf
func.func @conversions() -> (f16, bf16, f8E4M3FN, f64, f32, f32, f32, i3, i3,
                             i3, i3, i32, f32, f16, f16) {
  %tenth = arith.constant 0.1 : f32
  %0 = arith.truncf %tenth : f32 to f16
  %1 = arith.truncf %tenth : f32 to bf16
  %2 = arith.truncf %tenth : f32 to f8E4M3FN
  %3 = arith.extf %0 : f16 to f64
  %m1 = arith.constant -1 : i3
  %4 = arith.sitofp %m1 : i3 to f32
  %5 = arith.uitofp %m1 : i3 to f32
  %p = arith.constant 16777217 : i33
  %6 = arith.sitofp %p : i33 to f32
  %a = arith.constant 3.9 : f32
  %7 = arith.fptosi %a : f32 to i3
  %b = arith.constant -4.5 : f32
  %8 = arith.fptosi %b : f32 to i3
  %c = arith.constant 6.5 : f64
  // 6 is 0b110, printed as the signed i3 -2.
  %9 = arith.fptoui %c : f64 to i3
  %d = arith.constant 7.5 : bf16
  %10 = arith.fptoui %d : bf16 to i3
  %11 = arith.bitcast %tenth : f32 to i32
  %bits = arith.constant 1075838976 : i32
  %12 = arith.bitcast %bits : i32 to f32
  %e = arith.constant 65519.0 : f32
  %13 = arith.truncf %e : f32 to f16
  %f = arith.constant 65520.0 : f32
  %14 = arith.truncf %f : f32 to f16
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14
      : f16, bf16, f8E4M3FN, f64, f32, f32, f32, i3, i3, i3, i3, i32, f32,
        f16, f16
}

// f64 is native: 0.1 + 0.2 is 0x3FD3333333333334, not 0.3.
// F64: result0: i64 = 4599075939470750516
// F64-NEXT: result1: i64 = 4599075939470750515
// F64-NEXT: result2: f64 = 0.375
func.func @f64_ops() -> (i64, i64, f64) {
  %a = arith.constant 0.1 : f64
  %b = arith.constant 0.2 : f64
  %c = arith.addf %a, %b : f64
  %0 = arith.bitcast %c : f64 to i64
  %d = arith.constant 0.3 : f64
  %1 = arith.bitcast %d : f64 to i64
  %x = arith.constant 1.5 : f64
  %y = arith.constant 4.0 : f64
  %2 = arith.divf %x, %y : f64
  return %0, %1, %2 : i64, i64, f64
}
