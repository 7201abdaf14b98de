// A bitlinear layer into bf16 whose x86 code, without AVX-512 BF16, calls
// __truncsfbf2 (LLVM promotes a bfloat select through f32).
func.func @layer(%x: tensor<5x28xbf16>, %w: tensor<15x28x!anybit.trit, #anybit.packed<>>, %m: tensor<f32>, %g: tensor<28xf32>) -> tensor<5x15xbf16> {
  %y = anybit.bitlinear %x, %w, %m norm(%g) {epsilon = 1.0e-6 : f64} : tensor<5x28xbf16>, tensor<15x28x!anybit.trit, #anybit.packed<>>, tensor<f32>, tensor<28xf32> -> tensor<5x15xbf16>
  return %y : tensor<5x15xbf16>
}
