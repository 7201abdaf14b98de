// Asymmetric anybit.quantize / anybit.dequantize (encodings with a
// `zero_point`) on the reference VM: s = (max - min) / (qmax - qmin) with
// min <= 0 <= max, z = clamp(rne(qmin - min / s)), q = clamp(rne(x / s) + z),
// and back x = (q - z) * s. Expected values computed by hand and checked
// with NumPy.

// RUN: anybit-run %s --entry ui4 --input 'dense<[[-1.0, 0.375, 2.75, 0.3, 1.0, 3.0, 2.0, 7.5], [-3.75, -1.0, -2.0, -0.6, 0.0, 0.0, 0.0, 0.0]]>' | FileCheck %s --match-full-lines --check-prefix=UI4
// RUN: anybit-run %s --entry f16_scale --input 'dense<[-0.5, 1.0, 0.25, 0.875]>' | FileCheck %s --match-full-lines --check-prefix=F16-SCALE
// RUN: anybit-run %s --entry i8 --input 'dense<[-1.0, 3.0, 0.0, 1.0]>' | FileCheck %s --match-full-lines --check-prefix=I8

// ui4 codes in [0, 15], groups of 4, f32 scales, ui4 zero points:
//   [-1, 0.375, 2.75, 0.3]    s = 3.75 / 15 = 0.25, z = 4,
//                             codes 0 6 15 5 (1.5 ties to 2; 1.2 -> 1)
//   [1, 3, 2, 7.5]            min clamps to 0: s = 0.5, z = 0, codes 2 6 4 15
//   [-3.75, -1, -2, -0.6]     max clamps to 0: s = 0.25, z = 15,
//                             codes 0 11 7 13 (-2.4 -> -2)
//   [0, 0, 0, 0]              s = 1, z = 0, codes 0
// Bytes: 16 data nibbles, then 4 f32 scales (0.25 = 0x3E800000,
// 0.5 = 0x3F000000, 1 = 0x3F800000), then the zero points 4 0 15 0 as
// nibbles (0x04, 0x0F).
// UI4: result0: tensor<2x8xui4> = {{\[\[}}0, 6, 15, 5, 2, 6, 4, 15], [0, 11, 7, 13, 0, 0, 0, 0]]
// UI4-NEXT: result1: tensor<2x2xf32> = {{\[\[}}0.25, 0.5], [0.25, 1]]
// UI4-NEXT: result2: tensor<2x2xui4> = {{\[\[}}4, 0], [15, 0]]
// UI4-NEXT: result3: tensor<2x8xf64> = {{\[\[}}-1, 0.5, 2.75, 0.25, 1, 3, 2, 7.5], [-3.75, -1, -2, -0.5, 0, 0, 0, 0]]
// UI4-NEXT: result4: tensor<2x8xui4, #anybit.packed<block = [1, 4], scale = f32, zero_point = ui4>> = bytes[60 5f 62 f4 b0 d7 00 00 00 00 80 3e 00 00 00 3f 00 00 80 3e 00 00 80 3f 04 0f]
func.func @ui4(%x: tensor<2x8xf32>)
    -> (tensor<2x8xui4>, tensor<2x2xf32>, tensor<2x2xui4>, tensor<2x8xf64>,
        tensor<2x8xui4, #anybit.packed<block = [1, 4], scale = f32, zero_point = ui4>>) {
  %q = anybit.quantize %x
         : tensor<2x8xf32>
         -> tensor<2x8xui4, #anybit.packed<block = [1, 4], scale = f32, zero_point = ui4>>
  %c:3 = anybit.unpack %q
           : tensor<2x8xui4, #anybit.packed<block = [1, 4], scale = f32, zero_point = ui4>>
           -> tensor<2x8xui4>, tensor<2x2xf32>, tensor<2x2xui4>
  %d = anybit.dequantize %q
         : tensor<2x8xui4, #anybit.packed<block = [1, 4], scale = f32, zero_point = ui4>>
         -> tensor<2x8xf64>
  return %c#0, %c#1, %c#2, %d, %q
      : tensor<2x8xui4>, tensor<2x2xf32>, tensor<2x2xui4>, tensor<2x8xf64>,
        tensor<2x8xui4, #anybit.packed<block = [1, 4], scale = f32, zero_point = ui4>>
}

// The scale is rounded to its type before it is used: s = 1.5 / 15 = 0.1
// is 0.0999755859375 in f16, so z = rne(0.5 / s) = rne(5.0012) = 5 and the
// codes are rne(x / s) + 5 = rne(-5.0012, 10.0024, 2.5006, 8.7521) + 5 =
// 0 15 8 14; dequantized: (q - 5) * s.
// F16-SCALE: result0: tensor<4xui4> = [0, 15, 8, 14]
// F16-SCALE-NEXT: result1: tensor<1xf16> = [0.0999755859375]
// F16-SCALE-NEXT: result2: tensor<1xui4> = [5]
// F16-SCALE-NEXT: result3: tensor<4xf64> = [-0.4998779296875, 0.999755859375, 0.2999267578125, 0.8997802734375]
func.func @f16_scale(%x: tensor<4xf32>)
    -> (tensor<4xui4>, tensor<1xf16>, tensor<1xui4>, tensor<4xf64>) {
  %q = anybit.quantize %x
         : tensor<4xf32> -> tensor<4xui4, #anybit.packed<block = [4], scale = f16, zero_point = ui4>>
  %c:3 = anybit.unpack %q
           : tensor<4xui4, #anybit.packed<block = [4], scale = f16, zero_point = ui4>>
           -> tensor<4xui4>, tensor<1xf16>, tensor<1xui4>
  %d = anybit.dequantize %q
         : tensor<4xui4, #anybit.packed<block = [4], scale = f16, zero_point = ui4>>
         -> tensor<4xf64>
  return %c#0, %c#1, %c#2, %d : tensor<4xui4>, tensor<1xf16>, tensor<1xui4>, tensor<4xf64>
}

// Signed codes: i8 in [-128, 127], blocks of 2, bf16 scales, i8 zero points.
//   [-1, 3]  s = 4 / 255 = 128.502 * 2^-13, 129 * 2^-13 = 0.0157470703125 in
//            bf16; z = rne(-128 + 1 / s) = rne(-64.496) = -64;
//            codes rne(-63.504) - 64 = -128, rne(190.512) - 64 = 127
//   [0, 1]   s = 1 / 255 = 128.502 * 2^-15, 129 * 2^-15 = 0.003936767578125;
//            z = -128; codes -128 and rne(254.016) - 128 = 126
// I8: result0: tensor<4xi8> = [-128, 127, -128, 126]
// I8-NEXT: result1: tensor<2xbf16> = [0.0157470703125, 0.003936767578125]
// I8-NEXT: result2: tensor<2xi8> = [-64, -128]
func.func @i8(%x: tensor<4xf32>) -> (tensor<4xi8>, tensor<2xbf16>, tensor<2xi8>) {
  %q = anybit.quantize %x
         : tensor<4xf32> -> tensor<4xi8, #anybit.packed<block = [2], scale = bf16, zero_point = i8>>
  %c:3 = anybit.unpack %q
           : tensor<4xi8, #anybit.packed<block = [2], scale = bf16, zero_point = i8>>
           -> tensor<4xi8>, tensor<2xbf16>, tensor<2xi8>
  return %c#0, %c#1, %c#2 : tensor<4xi8>, tensor<2xbf16>, tensor<2xi8>
}
