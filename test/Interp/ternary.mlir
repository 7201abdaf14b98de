// anybit.ternarize and anybit.bitlinear on the reference VM, with vectors
// checked by hand (and with NumPy in float64).

// RUN: anybit-run %s --entry ternarize | FileCheck %s --match-full-lines --check-prefix=TERN
// RUN: anybit-run %s --entry zeros | FileCheck %s --match-full-lines --check-prefix=ZEROS
// RUN: anybit-run %s --entry bitlinear | FileCheck %s --match-full-lines --check-prefix=BL
// RUN: anybit-run %s --entry base3 | FileCheck %s --match-full-lines --check-prefix=BASE3
// RUN: anybit-run %s --entry trit_values --input 'dense<[-1, 0, 1, 0]>' | FileCheck %s --match-full-lines --check-prefix=VALUES
// RUN: not anybit-run %s --entry trit_values --input 'dense<[-1, 2, 1, 0]>' 2>&1 | FileCheck %s --check-prefix=NOT-TRIT

// mean |W| = 3 / 4 = 0.75, s = 4 / 3: W * s = [0.67, -2, 1.33, 0] rounds to
// [1, -2, 1, 0] and clamps to [1, -1, 1, 0]; the scale is the mean.
// TERN: result0: tensor<4x!anybit.trit> = [1, -1, 1, 0]
// TERN-NEXT: result1: tensor<f32> = 0.75
func.func @ternarize() -> (tensor<4x!anybit.trit>, tensor<f32>) {
  %w = arith.constant dense<[0.5, -1.5, 1.0, 0.0]> : tensor<4xf32>
  %t, %m = anybit.ternarize %w : tensor<4xf32> -> tensor<4x!anybit.trit>, tensor<f32>
  return %t, %m : tensor<4x!anybit.trit>, tensor<f32>
}

// A zero tensor: the mean is floored at 1e-5 (the f32 nearest to it), and
// packed trits are codes 1 (0b01): bytes 0x55.
// ZEROS: result0: tensor<2x4x!anybit.trit, #anybit.packed<>> = bytes[55 55]
// ZEROS-NEXT: result1: tensor<f32> = 1e-05
func.func @zeros() -> (tensor<2x4x!anybit.trit, #anybit.packed<>>, tensor<f32>) {
  %w = arith.constant dense<0.0> : tensor<2x4xf32>
  %t, %m = anybit.ternarize %w : tensor<2x4xf32> -> tensor<2x4x!anybit.trit, #anybit.packed<>>, tensor<f32>
  return %t, %m : tensor<2x4x!anybit.trit, #anybit.packed<>>, tensor<f32>
}

// x = [3, 4], epsilon 0: r = sqrt(12.5), n = x / r, s = 127 / (4 / r), so
// n * s = 127 x / 4 = [95.25, 127] and q = [95, 127]. With W below,
// a = [95 - 127, 127, -95 - 127] = [-32, 127, -222] and
// y = a / s * 0.5 = a * 2 / (127 sqrt(12.5)):
// [-0.1425349, 0.5656854 (= 2 / sqrt(12.5)), -0.9888359].
// With the norm weight g = [2, 1]: n * s = 127 [6, 4] / 6 = [127, 84.67],
// q = [127, 85], a = [42, 85, -212], s = 127 / (6 / r):
// y = a * 3 / (127 sqrt(12.5)) = [0.2806156, 0.5679125, -1.4164407].
// BL: result0: tensor<1x3xf32> = {{\[\[}}-0.14253491, 0.56568545, -0.98883593]]
// BL-NEXT: result1: tensor<1x3xf32> = {{\[\[}}0.2806156, 0.5679125, -1.4164407]]
func.func @bitlinear() -> (tensor<1x3xf32>, tensor<1x3xf32>) {
  %x = arith.constant dense<[[3.0, 4.0]]> : tensor<1x2xf32>
  %w0 = arith.constant dense<[[1, -1], [0, 1], [-1, -1]]> : tensor<3x2xi8>
  %w = anybit.cast %w0 : tensor<3x2xi8> to tensor<3x2x!anybit.trit>
  %m = arith.constant dense<0.5> : tensor<f32>
  %g = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %y = anybit.bitlinear %x, %w, %m {epsilon = 0.0 : f64}
         : tensor<1x2xf32>, tensor<3x2x!anybit.trit>, tensor<f32> -> tensor<1x3xf32>
  %z = anybit.bitlinear %x, %w, %m norm(%g) {epsilon = 0.0 : f64}
         : tensor<1x2xf32>, tensor<3x2x!anybit.trit>, tensor<f32>, tensor<2xf32> -> tensor<1x3xf32>
  return %y, %z : tensor<1x3xf32>, tensor<1x3xf32>
}

// Base-3 packing: codes [2, 0, 1, 2, 1] are v = 2*81 + 9 + 2*3 + 1 = 178,
// byte ceil(178 * 256 / 243) = 188 = 0xbc; codes [1, 1] and three zero pads
// are v = 81 + 27 = 108, byte ceil(108 * 256 / 243) = 114 = 0x72. The same
// trits in 2-bit codes: 0b10_01_00_10 = 0x92, then 0b01_01_01 = 0x15.
// BASE3: result0: tensor<7x!anybit.trit, #anybit.packed<base3 = true>> = bytes[bc 72]
// BASE3-NEXT: result1: tensor<7x!anybit.trit, #anybit.packed<>> = bytes[92 15]
// BASE3-NEXT: result2: tensor<7x!anybit.trit> = [1, -1, 0, 1, 0, 0, 0]
func.func @base3() -> (tensor<7x!anybit.trit, #anybit.packed<base3 = true>>,
                       tensor<7x!anybit.trit, #anybit.packed<>>, tensor<7x!anybit.trit>) {
  %v = arith.constant dense<[1, -1, 0, 1, 0, 0, 0]> : tensor<7xi8>
  %t = anybit.cast %v : tensor<7xi8> to tensor<7x!anybit.trit>
  %p = anybit.pack %t : tensor<7x!anybit.trit> -> tensor<7x!anybit.trit, #anybit.packed<base3 = true>>
  %q = anybit.pack %t : tensor<7x!anybit.trit> -> tensor<7x!anybit.trit, #anybit.packed<>>
  %u = anybit.unpack %p : tensor<7x!anybit.trit, #anybit.packed<base3 = true>> -> tensor<7x!anybit.trit>
  return %p, %q, %u : tensor<7x!anybit.trit, #anybit.packed<base3 = true>>, tensor<7x!anybit.trit, #anybit.packed<>>, tensor<7x!anybit.trit>
}

// Trits in and out as their values; anything else is rejected.
// VALUES: result0: tensor<4x!anybit.trit> = [-1, 0, 1, 0]
// NOT-TRIT: error: element 1 of the value for 'tensor<4x!anybit.trit>' is 2, not a trit (-1, 0 or +1)
func.func @trit_values(%t: tensor<4x!anybit.trit>) -> tensor<4x!anybit.trit> {
  return %t : tensor<4x!anybit.trit>
}
