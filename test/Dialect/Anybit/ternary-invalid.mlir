// RUN: anybit-opt %s --split-input-file --verify-diagnostics

func.func @ternarize_ints(%w: tensor<4xi8>) {
  // expected-error @+1 {{'anybit.ternarize' op expected a float tensor without an encoding, got 'tensor<4xi8>'}}
  %t, %m = anybit.ternarize %w : tensor<4xi8> -> tensor<4x!anybit.trit>, tensor<f32>
  return
}

// -----

func.func @ternarize_shape(%w: tensor<4xf32>) {
  // expected-error @+1 {{'anybit.ternarize' op input and trit shapes differ: 'tensor<4xf32>' vs 'tensor<5x!anybit.trit>'}}
  %t, %m = anybit.ternarize %w : tensor<4xf32> -> tensor<5x!anybit.trit>, tensor<f32>
  return
}

// -----

func.func @ternarize_to_i2(%w: tensor<4xf32>) {
  // expected-error @+1 {{'anybit.ternarize' op the result must be a tensor of !anybit.trit, got 'tensor<4xi2>'}}
  %t, %m = anybit.ternarize %w : tensor<4xf32> -> tensor<4xi2>, tensor<f32>
  return
}

// -----

func.func @ternarize_scaled(%w: tensor<64xf32>) {
  // expected-error @+1 {{'anybit.ternarize' op the result may only carry an unscaled #anybit.packed encoding, got 'tensor<64x!anybit.trit, #anybit.packed<block = [32], scale = f16>>'}}
  %t, %m = anybit.ternarize %w : tensor<64xf32> -> tensor<64x!anybit.trit, #anybit.packed<block = [32], scale = f16>>, tensor<f32>
  return
}

// -----

func.func @ternarize_scale_shape(%w: tensor<4xf32>) {
  // expected-error @+1 {{'anybit.ternarize' op the scale must be a 0-d float tensor, got 'tensor<1xf32>'}}
  %t, %m = anybit.ternarize %w : tensor<4xf32> -> tensor<4x!anybit.trit>, tensor<1xf32>
  return
}

// -----

func.func @bitlinear_k(%x: tensor<1x16xf32>, %w: tensor<8x12x!anybit.trit>, %m: tensor<f32>) {
  // expected-error @+1 {{'anybit.bitlinear' op contraction sizes differ: the input has K = 16, the weights have K = 12}}
  %y = anybit.bitlinear %x, %w, %m : tensor<1x16xf32>, tensor<8x12x!anybit.trit>, tensor<f32> -> tensor<1x8xf32>
  return
}

// -----

func.func @bitlinear_result(%x: tensor<2x16xf32>, %w: tensor<8x16x!anybit.trit>, %m: tensor<f32>) {
  // expected-error @+1 {{'anybit.bitlinear' op the result must be 2x8, got 'tensor<2x16xf32>'}}
  %y = anybit.bitlinear %x, %w, %m : tensor<2x16xf32>, tensor<8x16x!anybit.trit>, tensor<f32> -> tensor<2x16xf32>
  return
}

// -----

func.func @bitlinear_weights(%x: tensor<1x16xf32>, %w: tensor<8x16xi2>, %m: tensor<f32>) {
  // expected-error @+1 {{'anybit.bitlinear' op the weights must be a tensor of !anybit.trit, got 'tensor<8x16xi2>'}}
  %y = anybit.bitlinear %x, %w, %m : tensor<1x16xf32>, tensor<8x16xi2>, tensor<f32> -> tensor<1x8xf32>
  return
}

// -----

func.func @bitlinear_int_input(%x: tensor<1x16xi8>, %w: tensor<8x16x!anybit.trit>, %m: tensor<f32>) {
  // expected-error @+1 {{'anybit.bitlinear' op the input must be a 2-D float tensor (tokens x features) without an encoding, got 'tensor<1x16xi8>'}}
  %y = anybit.bitlinear %x, %w, %m : tensor<1x16xi8>, tensor<8x16x!anybit.trit>, tensor<f32> -> tensor<1x8xf32>
  return
}

// -----

func.func @bitlinear_norm(%x: tensor<1x16xf32>, %w: tensor<8x16x!anybit.trit>, %m: tensor<f32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{'anybit.bitlinear' op the norm weight must be a float tensor of shape [16], got 'tensor<8xf32>'}}
  %y = anybit.bitlinear %x, %w, %m norm(%g) : tensor<1x16xf32>, tensor<8x16x!anybit.trit>, tensor<f32>, tensor<8xf32> -> tensor<1x8xf32>
  return
}

// -----

func.func @bitlinear_epsilon(%x: tensor<1x16xf32>, %w: tensor<8x16x!anybit.trit>, %m: tensor<f32>) {
  // expected-error @+1 {{'anybit.bitlinear' op epsilon must be finite and non-negative, got -1.000000e+00}}
  %y = anybit.bitlinear %x, %w, %m {epsilon = -1.0 : f64} : tensor<1x16xf32>, tensor<8x16x!anybit.trit>, tensor<f32> -> tensor<1x8xf32>
  return
}

// -----

func.func @bitlinear_scale(%x: tensor<1x16xf32>, %w: tensor<8x16x!anybit.trit>, %m: tensor<8xf32>) {
  // expected-error @+1 {{'anybit.bitlinear' op the weight scale must be a 0-d float tensor, got 'tensor<8xf32>'}}
  %y = anybit.bitlinear %x, %w, %m : tensor<1x16xf32>, tensor<8x16x!anybit.trit>, tensor<8xf32> -> tensor<1x8xf32>
  return
}

// -----

// expected-error @+1 {{unknown  type `trits` in dialect `anybit`}}
func.func @bad_type(%t: tensor<4x!anybit.trits>) {
  return
}

// -----

// expected-error @+1 {{base3 packing holds !anybit.trit elements, not 'i2'}}
func.func @base3_ints(%t: tensor<10xi2, #anybit.packed<base3 = true>>) {
  return
}

// -----

// expected-error @+1 {{base3 packing has no word size, straddle option or blocks}}
func.func @base3_word(%t: tensor<10x!anybit.trit, #anybit.packed<word = 32, base3 = true>>) {
  return
}

// -----

func.func @bitlinear_long_rows(%x: tensor<1x16777216xf32>, %w: tensor<1x16777216x!anybit.trit>, %m: tensor<f32>) {
  // expected-error @+1 {{'anybit.bitlinear' op at most 2^24 - 1 features keep the int32 sums exact, got K = 16777216}}
  %y = anybit.bitlinear %x, %w, %m : tensor<1x16777216xf32>, tensor<1x16777216x!anybit.trit>, tensor<f32> -> tensor<1x1xf32>
  return
}
