// RUN: anybit-opt %s | anybit-opt | FileCheck %s

// Round trip of #anybit.packed encodings with zero points and of the ops
// that use them. The parameter is spelled `zero_point`, as the attribute's
// documentation, its verifier's messages and the op descriptions spell it.

// CHECK-LABEL: func.func @zero_points()
// CHECK-SAME: a = #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>
// CHECK-SAME: b = #anybit.packed<block = [1, 32], scale = f16, zero_point = i8>
// CHECK-SAME: c = #anybit.packed<block = [4], scale = bf16, zero_point = f16>
// CHECK-SAME: d = #anybit.packed<word = 64, straddle = false, block = [2, 2], scale = f8E8M0FNU, zero_point = ui8>
// CHECK-SAME: e = #anybit.packed<block = [1, 32], scale = f32, zero_point = !anybit.float<e3m2>>
func.func @zero_points() attributes {
    a = #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>,
    b = #anybit.packed<block = [1, 32], scale = f16, zero_point = i8>,
    c = #anybit.packed<block = [4], scale = bf16, zero_point = f16>,
    d = #anybit.packed<zero_point = ui8, scale = f8E8M0FNU, block = [2, 2],
                       straddle = false, word = 64>,
    e = #anybit.packed<block = [1, 32], scale = f32,
                       zero_point = !anybit.float<e3m2>>} {
  return
}

// CHECK-LABEL: func.func @zero_point_tensors
// CHECK-SAME: tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>
// CHECK-SAME: tensor<2x64xi8, #anybit.packed<word = 32, block = [1, 32], scale = f16, zero_point = i8>>
func.func @zero_point_tensors(
    %a: tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>,
    %b: tensor<2x64xi8, #anybit.packed<word = 32, block = [1, 32], scale = f16, zero_point = i8>>) {
  return
}

// CHECK-LABEL: func.func @pack_zero_points
func.func @pack_zero_points(%w: tensor<4x64xui4>, %s: tensor<4x1xf32>,
                            %z: tensor<4x1xui4>) {
  // CHECK: %[[P:.*]] = anybit.pack %{{.*}} scales(%{{.*}}) zero_points(%{{.*}}) : tensor<4x64xui4>, tensor<4x1xf32>, tensor<4x1xui4> -> tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>
  %p = anybit.pack %w scales(%s) zero_points(%z)
         : tensor<4x64xui4>, tensor<4x1xf32>, tensor<4x1xui4>
         -> tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>
  // CHECK: anybit.unpack %[[P]] : tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>> -> tensor<4x64xui4>, tensor<4x1xf32>, tensor<4x1xui4>
  %u:3 = anybit.unpack %p
           : tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>
           -> tensor<4x64xui4>, tensor<4x1xf32>, tensor<4x1xui4>
  return
}

// CHECK-LABEL: func.func @quantize_asymmetric
func.func @quantize_asymmetric(%x: tensor<4x64xf32>) {
  // CHECK: %[[Q:.*]] = anybit.quantize %{{.*}} : tensor<4x64xf32> -> tensor<4x64xui4, #anybit.packed<block = [1, 32], scale = f16, zero_point = ui4>>
  %q = anybit.quantize %x
         : tensor<4x64xf32>
         -> tensor<4x64xui4, #anybit.packed<block = [1, 32], scale = f16, zero_point = ui4>>
  // CHECK: anybit.dequantize %[[Q]] : tensor<4x64xui4, #anybit.packed<block = [1, 32], scale = f16, zero_point = ui4>> -> tensor<4x64xf32>
  %d = anybit.dequantize %q
         : tensor<4x64xui4, #anybit.packed<block = [1, 32], scale = f16, zero_point = ui4>>
         -> tensor<4x64xf32>
  // CHECK: anybit.quantize %{{.*}} : tensor<4x64xf32> -> tensor<4x64xi8, #anybit.packed<block = [4, 64], scale = f32, zero_point = i8>>
  %r = anybit.quantize %x
         : tensor<4x64xf32>
         -> tensor<4x64xi8, #anybit.packed<block = [4, 64], scale = f32, zero_point = i8>>
  return
}

// A scaled operand with zero points needs a float accumulator.
// CHECK-LABEL: func.func @matmul_zero_points
func.func @matmul_zero_points(
    %a: tensor<2x64xf32>,
    %w: tensor<64x16xui4, #anybit.packed<block = [32, 1], scale = f16, zero_point = ui4>>) {
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = f32} : tensor<2x64xf32>, tensor<64x16xui4, #anybit.packed<block = [32, 1], scale = f16, zero_point = ui4>> -> tensor<2x16xf32>
  %0 = anybit.matmul %a, %w {accumulator = f32}
         : tensor<2x64xf32>,
           tensor<64x16xui4, #anybit.packed<block = [32, 1], scale = f16, zero_point = ui4>>
         -> tensor<2x16xf32>
  return
}
