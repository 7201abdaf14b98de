// anybit.quantize / anybit.dequantize on the reference VM. Expected codes,
// scales and bytes were computed by hand and checked with NumPy (scale =
// absmax / qmax rounded to the scale type, code = clamp(rne(x / scale))).
// Asymmetric quantization (zero points) is in quantize-asymmetric.mlir.

// RUN: anybit-run %s --entry symmetric_i4 --input 'dense<[[1.0, -2.0, 3.5, 7.0, 0.25, -0.5, 0.625, -1.75], [0.0, 0.0, 0.0, 0.0, 0.1, -0.3, 0.2, 0.7]]>' | FileCheck %s --match-full-lines --check-prefix=SYM
// RUN: anybit-run %s --entry mx_e2m1 --input 'dense<[[1.0, -2.0, 3.0, 6.0, 0.5, 0.25, -4.0, 5.0], [10.0, -20.0, 30.0, 0.7, 100.0, -3.0, 1.0, 0.0]]>' | FileCheck %s --match-full-lines --check-prefix=MX
// RUN: anybit-run %s --entry float_codes --input 'dense<[14.0, -7.0, 3.5, 1.75, 1.0, 2.0, -0.5, 0.0]>' | FileCheck %s --match-full-lines --check-prefix=FCODE
// RUN: anybit-run %s --entry per_tensor --input 'dense<[[0.3, -100.0], [50.0, 1.0]]>' | FileCheck %s --match-full-lines --check-prefix=TENSOR
// RUN: anybit-run %s --entry dequantize_given --input 'dense<[[1, -8], [7, 0]]>' --input 'dense<[[0.5], [-2.0]]>' | FileCheck %s --match-full-lines --check-prefix=DEQ

// Groups of 4 along each row, i4 codes in [-8, 7], f16 scales:
//   [1, -2, 3.5, 7]          absmax 7    scale 1     codes 1 -2 4 7 (3.5 ties to 4)
//   [0.25, -0.5, 0.625, -1.75] absmax 1.75 scale 0.25 codes 1 -2 2 -7 (2.5 ties to 2)
//   [0, 0, 0, 0]             all zero    scale 1     codes 0
//   [0.1, -0.3, 0.2, 0.7]    absmax 0.7  scale f16(0.1) = 0.0999755859375
//                            codes 1 -3 2 7 (0.7 / s = 7.0017 rounds to 7)
// Bytes: 16 nibbles of data, then the scales 0x3C00 0x3400 0x3C00 0x2E66.
// SYM: result0: tensor<2x8xi4, #anybit.packed<block = [1, 4], scale = f16>> = bytes[e1 74 e1 92 00 00 d1 72 00 3c 00 34 00 3c 66 2e]
// SYM-NEXT: result1: tensor<2x8xi4> = {{\[\[}}1, -2, 4, 7, 1, -2, 2, -7], [0, 0, 0, 0, 1, -3, 2, 7]]
// SYM-NEXT: result2: tensor<2x2xf16> = {{\[\[}}1, 0.25], [1, 0.0999755859375]]
// SYM-NEXT: result3: tensor<2x8xf64> = {{\[\[}}1, -2, 4, 7, 0.25, -0.5, 0.5, -1.75], [0, 0, 0, 0, 0.0999755859375, -0.2999267578125, 0.199951171875, 0.6998291015625]]
func.func @symmetric_i4(%x: tensor<2x8xf32>)
    -> (tensor<2x8xi4, #anybit.packed<block = [1, 4], scale = f16>>,
        tensor<2x8xi4>, tensor<2x2xf16>, tensor<2x8xf64>) {
  %q = anybit.quantize %x
         : tensor<2x8xf32> -> tensor<2x8xi4, #anybit.packed<block = [1, 4], scale = f16>>
  %c:2 = anybit.unpack %q : tensor<2x8xi4, #anybit.packed<block = [1, 4], scale = f16>>
           -> tensor<2x8xi4>, tensor<2x2xf16>
  %d = anybit.dequantize %q
         : tensor<2x8xi4, #anybit.packed<block = [1, 4], scale = f16>> -> tensor<2x8xf64>
  return %q, %c#0, %c#1, %d
      : tensor<2x8xi4, #anybit.packed<block = [1, 4], scale = f16>>,
        tensor<2x8xi4>, tensor<2x2xf16>, tensor<2x8xf64>
}

// OCP MX format: e2m1 codes (largest 6 = 1.5 * 2^2, so emax = 2) with one e8m0
// scale 2^(floor(log2(absmax)) - 2) per row of 8:
//   row 0: absmax 6   -> scale 2^0 = 1:  codes 1 -2 3 6 0.5 0 -4 4
//          (0.25 ties to 0, 5 ties to 4: the even patterns)
//   row 1: absmax 100 -> scale 2^(6-2) = 16: x / 16 = 0.625 -1.25 1.875
//          0.04375 6.25 -0.1875 0.0625 0 -> codes 0.5 -1 2 0 6 -0 0 0
//          (6.25 saturates to 6; -0.1875 underflows to -0)
// Bytes: e2m1 patterns (sign, 2 exponent bits, 1 mantissa bit; 0.5 = 0x1,
// 1 = 0x2, 2 = 0x4, 3 = 0x5, 4 = 0x6, 6 = 0x7), two per byte, low nibble
// first; then the e8m0 scales 2^0 = 0x7F and 2^4 = 0x83.
// MX: result0: tensor<2x8xf4E2M1FN> = {{\[\[}}1, -2, 3, 6, 0.5, 0, -4, 4], [0.5, -1, 2, 0, 6, -0, 0, 0]]
// MX-NEXT: result1: tensor<2x1xf8E8M0FNU> = {{\[\[}}1], [16]]
// MX-NEXT: result2: tensor<2x8xf32> = {{\[\[}}1, -2, 3, 6, 0.5, 0, -4, 4], [8, -16, 32, 0, 96, -0, 0, 0]]
// MX-NEXT: result3: tensor<2x8xf4E2M1FN, #anybit.packed<block = [1, 8], scale = f8E8M0FNU>> = bytes[c2 75 01 6e a1 04 87 00 7f 83]
func.func @mx_e2m1(%x: tensor<2x8xf32>)
    -> (tensor<2x8xf4E2M1FN>, tensor<2x1xf8E8M0FNU>, tensor<2x8xf32>,
        tensor<2x8xf4E2M1FN, #anybit.packed<block = [1, 8], scale = f8E8M0FNU>>) {
  %q = anybit.quantize %x
         : tensor<2x8xf32>
         -> tensor<2x8xf4E2M1FN, #anybit.packed<block = [1, 8], scale = f8E8M0FNU>>
  %c:2 = anybit.unpack %q
           : tensor<2x8xf4E2M1FN, #anybit.packed<block = [1, 8], scale = f8E8M0FNU>>
           -> tensor<2x8xf4E2M1FN>, tensor<2x1xf8E8M0FNU>
  %d = anybit.dequantize %q
         : tensor<2x8xf4E2M1FN, #anybit.packed<block = [1, 8], scale = f8E8M0FNU>>
         -> tensor<2x8xf32>
  return %c#0, %c#1, %d, %q
      : tensor<2x8xf4E2M1FN>, tensor<2x1xf8E8M0FNU>, tensor<2x8xf32>,
        tensor<2x8xf4E2M1FN, #anybit.packed<block = [1, 8], scale = f8E8M0FNU>>
}

// Float codes with a non-power-of-two scale: e3m2 (largest 28), blocks of
// 4 with f32 scales absmax / 28:
//   [14, -7, 3.5, 1.75] -> scale 0.5: codes 28 -14 7 3.5
//   [1, 2, -0.5, 0]     -> scale 2/28, 0x3D924925 in f32 (0.071428575):
//       x / s = 13.9999994 27.9999987 -6.9999997 0 -> codes 14 28 -7 0
// The f32 scales are shown as their bits (0.5 = 0x3F000000).
// FCODE: result0: tensor<8x!anybit.float<e3m2>> = [28, -14, 7, 3.5, 14, 28, -7, 0]
// FCODE-NEXT: result1: tensor<2xi32> = [1056964608, 1032997157]
// FCODE-NEXT: result2: tensor<8xbf16> = [14, -7, 3.5, 1.75, 1, 2, -0.5, 0]
func.func @float_codes(%x: tensor<8xf32>)
    -> (tensor<8x!anybit.float<e3m2>>, tensor<2xi32>, tensor<8xbf16>) {
  %q = anybit.quantize %x
         : tensor<8xf32> -> tensor<8x!anybit.float<e3m2>, #anybit.packed<block = [4], scale = f32>>
  %c:2 = anybit.unpack %q
           : tensor<8x!anybit.float<e3m2>, #anybit.packed<block = [4], scale = f32>>
           -> tensor<8x!anybit.float<e3m2>>, tensor<2xf32>
  %bits = arith.bitcast %c#1 : tensor<2xf32> to tensor<2xi32>
  %d = anybit.dequantize %q
         : tensor<8x!anybit.float<e3m2>, #anybit.packed<block = [4], scale = f32>>
         -> tensor<8xbf16>
  return %c#0, %bits, %d : tensor<8x!anybit.float<e3m2>>, tensor<2xi32>, tensor<8xbf16>
}

// Per-tensor scaling (the block is the whole shape), i8 codes, bf16 scale:
// absmax 100 -> 100 / 127 = 0.787401... = 201.57 * 2^-8, 202 * 2^-8 =
// 0.7890625 in bf16; codes 0.3 / s = 0.38 -> 0, -126.73 -> -127,
// 63.37 -> 63, 1.27 -> 1. With an e8m0 scale instead: 2^(floor(log2 100) -
// floor(log2 127)) = 2^0 = 1, codes 0 -100 50 1.
// TENSOR: result0: tensor<2x2xi8> = {{\[\[}}0, -127], [63, 1]]
// TENSOR-NEXT: result1: tensor<1x1xbf16> = {{\[\[}}0.7890625]]
// TENSOR-NEXT: result2: tensor<2x2xi8> = {{\[\[}}0, -100], [50, 1]]
// TENSOR-NEXT: result3: tensor<1x1xf8E8M0FNU> = {{\[\[}}1]]
func.func @per_tensor(%x: tensor<2x2xf32>)
    -> (tensor<2x2xi8>, tensor<1x1xbf16>, tensor<2x2xi8>, tensor<1x1xf8E8M0FNU>) {
  %q = anybit.quantize %x
         : tensor<2x2xf32> -> tensor<2x2xi8, #anybit.packed<block = [2, 2], scale = bf16>>
  %c:2 = anybit.unpack %q : tensor<2x2xi8, #anybit.packed<block = [2, 2], scale = bf16>>
           -> tensor<2x2xi8>, tensor<1x1xbf16>
  %r = anybit.quantize %x
         : tensor<2x2xf32> -> tensor<2x2xi8, #anybit.packed<block = [2, 2], scale = f8E8M0FNU>>
  %e:2 = anybit.unpack %r : tensor<2x2xi8, #anybit.packed<block = [2, 2], scale = f8E8M0FNU>>
           -> tensor<2x2xi8>, tensor<1x1xf8E8M0FNU>
  return %c#0, %c#1, %e#0, %e#1
      : tensor<2x2xi8>, tensor<1x1xbf16>, tensor<2x2xi8>, tensor<1x1xf8E8M0FNU>
}

// Dequantizing codes packed with given per-row scales: (code) * scale,
// rounded once to the result type.
// DEQ: result0: tensor<2x2xf32> = {{\[\[}}0.5, -4], [-14, -0]]
// DEQ-NEXT: result1: tensor<2x2xf16> = {{\[\[}}0.5, -4], [-14, -0]]
func.func @dequantize_given(%c: tensor<2x2xi4>, %s: tensor<2x1xf32>)
    -> (tensor<2x2xf32>, tensor<2x2xf16>) {
  %p = anybit.pack %c scales(%s) : tensor<2x2xi4>, tensor<2x1xf32>
         -> tensor<2x2xi4, #anybit.packed<block = [1, 2], scale = f32>>
  %0 = anybit.dequantize %p
         : tensor<2x2xi4, #anybit.packed<block = [1, 2], scale = f32>> -> tensor<2x2xf32>
  %1 = anybit.dequantize %p
         : tensor<2x2xi4, #anybit.packed<block = [1, 2], scale = f32>> -> tensor<2x2xf16>
  return %0, %1 : tensor<2x2xf32>, tensor<2x2xf16>
}
