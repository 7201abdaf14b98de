// RUN: anybit-opt %s -split-input-file -verify-diagnostics

// Diagnostics about zero points, with the parameter spelled `zero_point` as
// documented.

// expected-error @+1 {{scale and zero_point need a block shape}}
func.func private @f() attributes {a = #anybit.packed<zero_point = ui4>}

// -----

// expected-error @+1 {{zero_point type must be an integer or float type, got 'i128'}}
func.func private @f() attributes {a = #anybit.packed<block = [32], scale = f32, zero_point = i128>}

// -----

// expected-error @+1 {{zero_point type must be an integer or float type, got 'complex<f32>'}}
func.func private @f() attributes {a = #anybit.packed<block = [32], scale = f32, zero_point = complex<f32>>}

// -----

func.func @f(%x: tensor<4x64xui4>, %s: tensor<4x1xf32>) {
  // expected-error @+1 {{'anybit.pack' op the encoding of 'tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>' needs zero points}}
  %0 = anybit.pack %x scales(%s) : tensor<4x64xui4>, tensor<4x1xf32> -> tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>
  return
}

// -----

func.func @f(%x: tensor<4x64xui4>, %s: tensor<4x1xf32>, %z: tensor<4x1xui8>) {
  // expected-error @+1 {{'anybit.pack' op zero points must be an unencoded tensor of shape [4, 1] (the block grid) and element type 'ui4', got 'tensor<4x1xui8>'}}
  %0 = anybit.pack %x scales(%s) zero_points(%z) : tensor<4x64xui4>, tensor<4x1xf32>, tensor<4x1xui8> -> tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>
  return
}

// -----

func.func @f(%x: tensor<4x64xui4>, %s: tensor<4x1xf32>, %z: tensor<1x4xui4>) {
  // expected-error @+1 {{'anybit.pack' op zero points must be an unencoded tensor of shape [4, 1] (the block grid) and element type 'ui4', got 'tensor<1x4xui4>'}}
  %0 = anybit.pack %x scales(%s) zero_points(%z) : tensor<4x64xui4>, tensor<4x1xf32>, tensor<1x4xui4> -> tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>
  return
}

// -----

func.func @f(%x: tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>) {
  // expected-error @+1 {{'anybit.unpack' op the encoding of 'tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>' needs zero points}}
  %0:2 = anybit.unpack %x : tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>> -> tensor<4x64xui4>, tensor<4x1xf32>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'anybit.quantize' op asymmetric quantization (a zero_point) needs integer codes, got 'f4E2M1FN'}}
  %0 = anybit.quantize %x : tensor<4x64xf32> -> tensor<4x64xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f32, zero_point = i8>>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'anybit.quantize' op zero points computed by quantize must be integers, got 'f16'}}
  %0 = anybit.quantize %x : tensor<4x64xf32> -> tensor<4x64xui4, #anybit.packed<block = [1, 32], scale = f32, zero_point = f16>>
  return
}
