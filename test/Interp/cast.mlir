// anybit.cast on the reference VM: integer narrowing wraps (or clamps with
// saturate), float results round to nearest even, float to integer rounds
// to nearest even and then wraps or clamps, NaN becomes 0.

// RUN: anybit-run %s --entry int_to_int --input 'dense<[100, -100, 3, -4, 4, -5, 32767, -32768]>' | FileCheck %s --match-full-lines --check-prefix=INT
// RUN: anybit-run %s --entry signedness | FileCheck %s --match-full-lines --check-prefix=SIGN
// RUN: anybit-run %s --entry float_to_int --input 'dense<[2.5, -2.5, 3.5, 0.5, -0.5, 1.5, 2.4999, -3.7, 300.0, -300.0]>' | FileCheck %s --match-full-lines --check-prefix=F2I
// RUN: anybit-run %s --entry float_specials_to_int | FileCheck %s --match-full-lines --check-prefix=F2I-SPECIAL
// RUN: anybit-run %s --entry to_e3m2 --input 'dense<[0.0, -0.0, 0.0625, 0.03125, 0.09375, 1.0, 1.125, 1.375, 2.5, 3.0, -3.25, 27.9, 28.0, 30.0, 1.0e6, -1.0e6]>' | FileCheck %s --match-full-lines --check-prefix=E3M2
// RUN: anybit-run %s --entry e3m2_specials | FileCheck %s --match-full-lines --check-prefix=E3M2-SPECIAL
// RUN: anybit-run %s --entry to_fp8 --input 'dense<[500.0, -500.0, 60000.0, 70000.0, 0.3, 3.0]>' | FileCheck %s --match-full-lines --check-prefix=FP8
// RUN: anybit-run %s --entry to_f16 --input 'dense<[65519.0, 65520.0, -1.0e9, 1.0e-8, 3.0e-8]>' | FileCheck %s --match-full-lines --check-prefix=F16
// RUN: anybit-run %s --entry to_e8m0 --input 'dense<[0.3, 3.0, 6.0, 0.0, -1.0, 1.0e-40, 1.0e39]>' | FileCheck %s --match-full-lines --check-prefix=E8M0
// RUN: anybit-run %s --entry int_to_float | FileCheck %s --match-full-lines --check-prefix=I2F
// RUN: anybit-run %s --entry custom_formats --input 'dense<[-1.0, 0.1, 1.0e6, 0.0078125]>' | FileCheck %s --match-full-lines --check-prefix=CUSTOM
// RUN: anybit-run %s --entry scalars --input 2.5 --input -9 | FileCheck %s --match-full-lines --check-prefix=SCALAR

// i16 to i3: 100 = 4 mod 8 -> -4; -100 = 4 mod 8 -> -4; 4 -> -4; -5 -> 3;
// 32767 = 7 mod 8 -> -1; -32768 = 0 mod 8. Saturating clamps to [-4, 3].
// INT: result0: tensor<8xi3> = [-4, -4, 3, -4, -4, 3, -1, 0]
// INT-NEXT: result1: tensor<8xi3> = [3, -4, 3, -4, 3, -4, 3, -4]
// ui3 wraps to 0..7 and clamps negative values to 0.
// INT-NEXT: result2: tensor<8xui3> = [4, 4, 3, 4, 4, 3, 7, 0]
// INT-NEXT: result3: tensor<8xui3> = [7, 0, 3, 0, 4, 0, 7, 0]
// Widening is exact.
// INT-NEXT: result4: tensor<8xi33> = [100, -100, 3, -4, 4, -5, 32767, -32768]
func.func @int_to_int(%x: tensor<8xi16>)
    -> (tensor<8xi3>, tensor<8xi3>, tensor<8xui3>, tensor<8xui3>, tensor<8xi33>) {
  %0 = anybit.cast %x : tensor<8xi16> to tensor<8xi3>
  %1 = anybit.cast %x saturate : tensor<8xi16> to tensor<8xi3>
  %2 = anybit.cast %x : tensor<8xi16> to tensor<8xui3>
  %3 = anybit.cast %x saturate : tensor<8xi16> to tensor<8xui3>
  %4 = anybit.cast %x : tensor<8xi16> to tensor<8xi33>
  return %0, %1, %2, %3, %4
      : tensor<8xi3>, tensor<8xi3>, tensor<8xui3>, tensor<8xui3>, tensor<8xi33>
}

// Signless reads as two's complement except i1, which is 0/1; si1 is -1/0;
// uiN reads as unsigned.
// SIGN: result0: tensor<2xi8> = [0, 1]
// SIGN-NEXT: result1: tensor<2xi8> = [0, -1]
// SIGN-NEXT: result2: tensor<3xi4> = [-1, -8, 7]
// SIGN-NEXT: result3: tensor<3xi4> = [7, 7, 7]
// SIGN-NEXT: result4: ui64 = 18446744073709551615
// SIGN-NEXT: result5: i64 = 9223372036854775807
// SIGN-NEXT: result6: si5 = -16
// SIGN-NEXT: result7: ui6 = 24
// SIGN-NEXT: result8: i1 = 1
// SIGN-NEXT: result9: i1 = 0
func.func @signedness() -> (tensor<2xi8>, tensor<2xi8>, tensor<3xi4>, tensor<3xi4>,
                            ui64, i64, si5, ui6, i1, i1) {
  %b = arith.constant dense<[false, true]> : tensor<2xi1>
  %0 = anybit.cast %b : tensor<2xi1> to tensor<2xi8>
  %sb = anybit.cast %b : tensor<2xi1> to tensor<2xsi1>
  %1 = anybit.cast %sb : tensor<2xsi1> to tensor<2xi8>
  %u = arith.constant dense<[-1, 8, 7]> : tensor<3xi8>
  %u8 = anybit.cast %u : tensor<3xi8> to tensor<3xui8>
  // ui8 255, 8, 7 to i4: wraps to -1, -8, 7; clamps to 7, 7, 7.
  %2 = anybit.cast %u8 : tensor<3xui8> to tensor<3xi4>
  %3 = anybit.cast %u8 saturate : tensor<3xui8> to tensor<3xi4>
  %m1 = arith.constant -1 : i64
  %4 = anybit.cast %m1 : i64 to ui64
  %5 = anybit.cast %4 saturate : ui64 to i64
  %idx = arith.constant -1000 : index
  // -1000 clamps to -16 in si5 and wraps to -1000 + 16 * 64 = 24 in ui6.
  %6 = anybit.cast %idx saturate : index to si5
  %7 = anybit.cast %idx : index to ui6
  // i1 wraps to the low bit (3 -> 1) or clamps to [0, 1] (-1 -> 0).
  %three = arith.constant 3 : i8
  %8 = anybit.cast %three : i8 to i1
  %m1b = arith.constant -1 : i8
  %9 = anybit.cast %m1b saturate : i8 to i1
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9
      : tensor<2xi8>, tensor<2xi8>, tensor<3xi4>, tensor<3xi4>, ui64, i64, si5,
        ui6, i1, i1
}

// Ties go to even: 2.5 -> 2, -2.5 -> -2, 3.5 -> 4, +-0.5 -> 0, 1.5 -> 2;
// -3.7 -> -4. Out of range: 300 wraps to 44 in i8 and clamps to 127;
// -300 wraps to -44 and clamps to -128. In ui4, -2 wraps to 14 and -4 to
// 12; 300 wraps to 12 (300 = 18 * 16 + 12).
// F2I: result0: tensor<10xi8> = [2, -2, 4, 0, 0, 2, 2, -4, 44, -44]
// F2I-NEXT: result1: tensor<10xi8> = [2, -2, 4, 0, 0, 2, 2, -4, 127, -128]
// F2I-NEXT: result2: tensor<10xui4> = [2, 14, 4, 0, 0, 2, 2, 12, 12, 4]
// F2I-NEXT: result3: tensor<10xui4> = [2, 0, 4, 0, 0, 2, 2, 0, 15, 0]
func.func @float_to_int(%x: tensor<10xf32>)
    -> (tensor<10xi8>, tensor<10xi8>, tensor<10xui4>, tensor<10xui4>) {
  %0 = anybit.cast %x : tensor<10xf32> to tensor<10xi8>
  %1 = anybit.cast %x saturate : tensor<10xf32> to tensor<10xi8>
  %2 = anybit.cast %x : tensor<10xf32> to tensor<10xui4>
  %3 = anybit.cast %x saturate : tensor<10xf32> to tensor<10xui4>
  return %0, %1, %2, %3
      : tensor<10xi8>, tensor<10xi8>, tensor<10xui4>, tensor<10xui4>
}

// NaN becomes 0 with or without saturate; infinities clamp.
// F2I-SPECIAL: result0: tensor<3xi8> = [0, 127, -128]
// F2I-SPECIAL-NEXT: result1: tensor<3xi8> = [0, 127, -128]
// F2I-SPECIAL-NEXT: result2: tensor<2xi32> = [0, 0]
func.func @float_specials_to_int() -> (tensor<3xi8>, tensor<3xi8>, tensor<2xi32>) {
  %x = arith.constant dense<[0x7FC00000, 0x7F800000, 0xFF800000]> : tensor<3xf32>
  %0 = anybit.cast %x : tensor<3xf32> to tensor<3xi8>
  %1 = anybit.cast %x saturate : tensor<3xf32> to tensor<3xi8>
  %n = arith.constant dense<[0x7E00, 0xFE00]> : tensor<2xf16>
  %2 = anybit.cast %n saturate : tensor<2xf16> to tensor<2xi32>
  return %0, %1, %2 : tensor<3xi8>, tensor<3xi8>, tensor<2xi32>
}

// e3m2 (bias 3, no infinities or NaN): the smallest subnormal is 0.0625 and
// half of it ties to 0; 0.09375 ties to 0.125; 1.125 ties to 1 and 1.375 to
// 1.5; -3.25 ties to -3; the largest value is 28, and 30 (28 plus half an
// ulp) and beyond saturate to it. The cast back to f32 is exact, and the
// builtin f6E3M2FN is the same format. The bit patterns (sign, 3 exponent
// bits, 2 mantissa bits) show in a packing with one element per byte.
// E3M2: result0: tensor<16x!anybit.float<e3m2>> = [0, -0, 0.0625, 0, 0.125, 1, 1, 1.5, 2.5, 3, -3, 28, 28, 28, 28, -28]
// E3M2-NEXT: result1: tensor<16xf32> = [0, -0, 0.0625, 0, 0.125, 1, 1, 1.5, 2.5, 3, -3, 28, 28, 28, 28, -28]
// E3M2-NEXT: result2: tensor<16xf6E3M2FN> = [0, -0, 0.0625, 0, 0.125, 1, 1, 1.5, 2.5, 3, -3, 28, 28, 28, 28, -28]
// E3M2-NEXT: result3: tensor<16x!anybit.float<e3m2>, #anybit.packed<straddle = false>> = bytes[00 20 01 00 02 0c 0c 0e 11 12 32 1f 1f 1f 1f 3f]
func.func @to_e3m2(%x: tensor<16xf32>)
    -> (tensor<16x!anybit.float<e3m2>>, tensor<16xf32>, tensor<16xf6E3M2FN>,
        tensor<16x!anybit.float<e3m2>, #anybit.packed<straddle = false>>) {
  %e = anybit.cast %x : tensor<16xf32> to tensor<16x!anybit.float<e3m2>>
  %back = anybit.cast %e : tensor<16x!anybit.float<e3m2>> to tensor<16xf32>
  %b = anybit.cast %x : tensor<16xf32> to tensor<16xf6E3M2FN>
  %p = anybit.pack %e : tensor<16x!anybit.float<e3m2>>
         -> tensor<16x!anybit.float<e3m2>, #anybit.packed<straddle = false>>
  return %e, %back, %b, %p
      : tensor<16x!anybit.float<e3m2>>, tensor<16xf32>, tensor<16xf6E3M2FN>,
        tensor<16x!anybit.float<e3m2>, #anybit.packed<straddle = false>>
}

// NaN has no e3m2 pattern and becomes +0; infinities saturate; saturate
// changes nothing for a format without infinities.
// E3M2-SPECIAL: result0: tensor<4x!anybit.float<e3m2>> = [0, 28, -28, 28]
// E3M2-SPECIAL-NEXT: result1: tensor<4x!anybit.float<e3m2>> = [0, 28, -28, 28]
func.func @e3m2_specials() -> (tensor<4x!anybit.float<e3m2>>, tensor<4x!anybit.float<e3m2>>) {
  %x = arith.constant dense<[0x7FC00000, 0x7F800000, 0xFF800000, 0x7F7FFFFF]> : tensor<4xf32>
  %0 = anybit.cast %x : tensor<4xf32> to tensor<4x!anybit.float<e3m2>>
  %1 = anybit.cast %x saturate : tensor<4xf32> to tensor<4x!anybit.float<e3m2>>
  return %0, %1 : tensor<4x!anybit.float<e3m2>>, tensor<4x!anybit.float<e3m2>>
}

// f8E4M3FN has no infinities: 500 saturates to 448 either way, as does
// 60000. In f8E5M2 500 rounds to 512. f8E5M2 (largest 57344, top ulp 8192) keeps 60000 < 61440 finite,
// overflows 70000 to inf, or to 57344 with saturate. 0.3 is between 0.28125
// and 0.3125 in e4m3 (nearer 0.3125) and between 0.25 and 0.3125 in e5m2
// (nearer 0.3125). 3 is exact in both.
// FP8: result0: tensor<6xf8E4M3FN> = [448, -448, 448, 448, 0.3125, 3]
// FP8-NEXT: result1: tensor<6xf8E4M3FN> = [448, -448, 448, 448, 0.3125, 3]
// FP8-NEXT: result2: tensor<6xf8E5M2> = [512, -512, 57344, inf, 0.3125, 3]
// FP8-NEXT: result3: tensor<6xf8E5M2> = [512, -512, 57344, 57344, 0.3125, 3]
func.func @to_fp8(%x: tensor<6xf32>)
    -> (tensor<6xf8E4M3FN>, tensor<6xf8E4M3FN>, tensor<6xf8E5M2>, tensor<6xf8E5M2>) {
  %0 = anybit.cast %x : tensor<6xf32> to tensor<6xf8E4M3FN>
  %1 = anybit.cast %x saturate : tensor<6xf32> to tensor<6xf8E4M3FN>
  %2 = anybit.cast %x : tensor<6xf32> to tensor<6xf8E5M2>
  %3 = anybit.cast %x saturate : tensor<6xf32> to tensor<6xf8E5M2>
  return %0, %1, %2, %3
      : tensor<6xf8E4M3FN>, tensor<6xf8E4M3FN>, tensor<6xf8E5M2>, tensor<6xf8E5M2>
}

// f16: 65519 rounds down to 65504, 65520 (half an ulp above) overflows.
// Subnormals: 1e-8 is below half of 2^-24 (5.96e-8) and flushes to 0;
// 3e-8 is just above half and rounds up to 2^-24.
// F16: result0: tensor<5xf16> = [65504, inf, -inf, 0, 5.9604644775390625e-08]
// F16-NEXT: result1: tensor<5xf16> = [65504, 65504, -65504, 0, 5.9604644775390625e-08]
func.func @to_f16(%x: tensor<5xf32>) -> (tensor<5xf16>, tensor<5xf16>) {
  %0 = anybit.cast %x : tensor<5xf32> to tensor<5xf16>
  %1 = anybit.cast %x saturate : tensor<5xf32> to tensor<5xf16>
  return %0, %1 : tensor<5xf16>, tensor<5xf16>
}

// f8E8M0FNU: powers of two 2^-127..2^127, no zero, no sign. 0.3 rounds to
// 0.25; 3 and 6 are ties between powers of two and go to the even exponent
// field (2 = field 128, 8 = field 130); 0, negative numbers and values
// below 2^-127 give the smallest value, 2^-127; 1e39 (inf as an f32 input)
// saturates to 2^127.
// E8M0: result0: tensor<7xf8E8M0FNU> = [0.25, 2, 8, 5.877471754111438e-39, 5.877471754111438e-39, 5.877471754111438e-39, 1.7014118346046923e+38]
func.func @to_e8m0(%x: tensor<7xf32>) -> tensor<7xf8E8M0FNU> {
  %0 = anybit.cast %x : tensor<7xf32> to tensor<7xf8E8M0FNU>
  return %0 : tensor<7xf8E8M0FNU>
}

// Integers to floats round once: 2^53 + 1 ties to 2^53 in f64; 2^63 - 1
// rounds to 2^63 (0x5F000000 in f32) and 2^64 - 1 to 2^64 (0x5F800000);
// 100000 overflows f16 (or saturates); 29 rounds to 28 in e3m2 and 31
// saturates; -7 in e2m1 is -6; 5 ties to 4 in e2m1 (even mantissa).
// I2F: result0: f64 = 9007199254740992
// I2F-NEXT: result1: i32 = 1593835520
// I2F-NEXT: result2: i32 = 1602224128
// I2F-NEXT: result3: tensor<2xf16> = [inf, 65504]
// I2F-NEXT: result4: tensor<4x!anybit.float<e3m2>> = [28, 28, -28, 24]
// I2F-NEXT: result5: tensor<3xf4E2M1FN> = [-6, 4, 6]
func.func @int_to_float() -> (f64, i32, i32, tensor<2xf16>,
                              tensor<4x!anybit.float<e3m2>>, tensor<3xf4E2M1FN>) {
  %a = arith.constant 9007199254740993 : i64
  %0 = anybit.cast %a : i64 to f64
  %b = arith.constant 9223372036854775807 : i64
  %bf = anybit.cast %b : i64 to f32
  %1 = arith.bitcast %bf : f32 to i32
  %m1 = arith.constant -1 : i64
  %u = anybit.cast %m1 : i64 to ui64
  %uf = anybit.cast %u : ui64 to f32
  %2 = arith.bitcast %uf : f32 to i32
  %c = arith.constant dense<100000> : tensor<2xi33>
  %c0 = anybit.cast %c : tensor<2xi33> to tensor<2xf16>
  %c1 = anybit.cast %c saturate : tensor<2xi33> to tensor<2xf16>
  %h0 = tensor.extract_slice %c0[0] [1] [1] : tensor<2xf16> to tensor<1xf16>
  %h1 = tensor.extract_slice %c1[1] [1] [1] : tensor<2xf16> to tensor<1xf16>
  %e = tensor.empty() : tensor<2xf16>
  %e0 = tensor.insert_slice %h0 into %e[0] [1] [1] : tensor<1xf16> into tensor<2xf16>
  %3 = tensor.insert_slice %h1 into %e0[1] [1] [1] : tensor<1xf16> into tensor<2xf16>
  %d = arith.constant dense<[29, 31, -100, 25]> : tensor<4xi8>
  %4 = anybit.cast %d : tensor<4xi8> to tensor<4x!anybit.float<e3m2>>
  %f = arith.constant dense<[-7, 5, 7]> : tensor<3xsi4>
  %5 = anybit.cast %f : tensor<3xsi4> to tensor<3xf4E2M1FN>
  return %0, %1, %2, %3, %4, %5 : f64, i32, i32, tensor<2xf16>,
                                  tensor<4x!anybit.float<e3m2>>, tensor<3xf4E2M1FN>
}

// Formats with options: unsigned e5m2 (no sign: -1 gives 0, largest value
// 2^16 * 1.75 = 114688, every pattern finite, 0.1 rounds to 0.09375); e4m3
// fn with bias 8 (half
// the range of f8E4M3FN: largest 224, smallest subnormal 2^-10); e3m2 with
// bias 1 (largest 112, smallest subnormal 0.25, so 0.1 rounds to 0).
// CUSTOM: result0: tensor<4x!anybit.float<e5m2, unsigned>> = [0, 0.09375, 114688, 0.0078125]
// CUSTOM-NEXT: result1: tensor<4x!anybit.float<e4m3, fn, bias = 8>> = [-1, 0.1015625, 224, 0.0078125]
// CUSTOM-NEXT: result2: tensor<4x!anybit.float<e3m2, bias = 1>> = [-1, 0, 112, 0]
func.func @custom_formats(%x: tensor<4xf64>)
    -> (tensor<4x!anybit.float<e5m2, unsigned>>,
        tensor<4x!anybit.float<e4m3, fn, bias = 8>>,
        tensor<4x!anybit.float<e3m2, bias = 1>>) {
  %0 = anybit.cast %x : tensor<4xf64> to tensor<4x!anybit.float<e5m2, unsigned>>
  %1 = anybit.cast %x : tensor<4xf64> to tensor<4x!anybit.float<e4m3, fn, bias = 8>>
  %2 = anybit.cast %x : tensor<4xf64> to tensor<4x!anybit.float<e3m2, bias = 1>>
  return %0, %1, %2 : tensor<4x!anybit.float<e5m2, unsigned>>,
                      tensor<4x!anybit.float<e4m3, fn, bias = 8>>,
                      tensor<4x!anybit.float<e3m2, bias = 1>>
}

// Scalars: 2.5 -> i5 2 (tie to even); -9 -> i3 wraps to -1 and clamps to
// -4; -9 -> bf16 exactly; 2.5 -> e2m1 (values 0, 0.5, 1, 1.5, 2, 3, 4, 6)
// ties to 2, the even mantissa.
// SCALAR: result0: i5 = 2
// SCALAR-NEXT: result1: i3 = -1
// SCALAR-NEXT: result2: i3 = -4
// SCALAR-NEXT: result3: bf16 = -9
// SCALAR-NEXT: result4: f4E2M1FN = 2
func.func @scalars(%f: f32, %i: i8) -> (i5, i3, i3, bf16, f4E2M1FN) {
  %0 = anybit.cast %f : f32 to i5
  %1 = anybit.cast %i : i8 to i3
  %2 = anybit.cast %i saturate : i8 to i3
  %3 = anybit.cast %i : i8 to bf16
  %4 = anybit.cast %f : f32 to f4E2M1FN
  return %0, %1, %2, %3, %4 : i5, i3, i3, bf16, f4E2M1FN
}
