// RUN: anybit-opt %s | anybit-opt | FileCheck %s

// The trit type and the ternary ops print and parse back unchanged.

// CHECK-LABEL: func.func @ops
// CHECK-SAME: (%[[W:.*]]: tensor<8x16xf32>, %[[X:.*]]: tensor<2x16xbf16>, %[[G:.*]]: tensor<16xf32>)
// CHECK: %[[T:.*]], %[[M:.*]] = anybit.ternarize %[[W]] : tensor<8x16xf32> -> tensor<8x16x!anybit.trit, #anybit.packed<>>, tensor<f32>
// CHECK: anybit.bitlinear %[[X]], %[[T]], %[[M]] : tensor<2x16xbf16>, tensor<8x16x!anybit.trit, #anybit.packed<>>, tensor<f32> -> tensor<2x8xf32>
// CHECK: anybit.bitlinear %[[X]], %[[T]], %[[M]] norm(%[[G]]) {epsilon = 1.000000e-05 : f64} : tensor<2x16xbf16>, tensor<8x16x!anybit.trit, #anybit.packed<>>, tensor<f32>, tensor<16xf32> -> tensor<2x8xf16>
func.func @ops(%w: tensor<8x16xf32>, %x: tensor<2x16xbf16>, %g: tensor<16xf32>)
    -> (tensor<2x8xf32>, tensor<2x8xf16>) {
  %t, %m = anybit.ternarize %w : tensor<8x16xf32> -> tensor<8x16x!anybit.trit, #anybit.packed<>>, tensor<f32>
  %y = anybit.bitlinear %x, %t, %m : tensor<2x16xbf16>, tensor<8x16x!anybit.trit, #anybit.packed<>>, tensor<f32> -> tensor<2x8xf32>
  %z = anybit.bitlinear %x, %t, %m norm(%g) {epsilon = 1.0e-5 : f64} : tensor<2x16xbf16>, tensor<8x16x!anybit.trit, #anybit.packed<>>, tensor<f32>, tensor<16xf32> -> tensor<2x8xf16>
  return %y, %z : tensor<2x8xf32>, tensor<2x8xf16>
}

// Trits are numbers to the other anybit ops: cast, pack and matmul.
// CHECK-LABEL: func.func @trits
// CHECK: anybit.cast %{{.*}} : tensor<4x!anybit.trit> to tensor<4xi8>
// CHECK: anybit.pack %{{.*}} : tensor<4x!anybit.trit> -> tensor<4x!anybit.trit, #anybit.packed<word = 32>>
// CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = i32, transpose_rhs} : tensor<1x4xi8>, tensor<2x4x!anybit.trit, #anybit.packed<>> -> tensor<1x2xi32>
func.func @trits(%t: tensor<4x!anybit.trit>, %a: tensor<1x4xi8>, %w: tensor<2x4x!anybit.trit, #anybit.packed<>>)
    -> (tensor<4xi8>, tensor<4x!anybit.trit, #anybit.packed<word = 32>>, tensor<1x2xi32>) {
  %i = anybit.cast %t : tensor<4x!anybit.trit> to tensor<4xi8>
  %p = anybit.pack %t : tensor<4x!anybit.trit> -> tensor<4x!anybit.trit, #anybit.packed<word = 32>>
  %c = anybit.matmul %a, %w {accumulator = i32, transpose_rhs} : tensor<1x4xi8>, tensor<2x4x!anybit.trit, #anybit.packed<>> -> tensor<1x2xi32>
  return %i, %p, %c : tensor<4xi8>, tensor<4x!anybit.trit, #anybit.packed<word = 32>>, tensor<1x2xi32>
}

// The base-3 packing prints only when set.
// CHECK-LABEL: func.func @base3
// CHECK-SAME: tensor<3x10x!anybit.trit, #anybit.packed<base3 = true>>
// CHECK: anybit.unpack %{{.*}} : tensor<3x10x!anybit.trit, #anybit.packed<base3 = true>> -> tensor<3x10x!anybit.trit>
func.func @base3(%p: tensor<3x10x!anybit.trit, #anybit.packed<base3 = true>>) -> tensor<3x10x!anybit.trit> {
  %t = anybit.unpack %p : tensor<3x10x!anybit.trit, #anybit.packed<base3 = true>> -> tensor<3x10x!anybit.trit>
  return %t : tensor<3x10x!anybit.trit>
}
