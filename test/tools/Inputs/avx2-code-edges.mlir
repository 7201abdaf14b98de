// Kernels at the edges of the AVX2 code kernels (anybitc-avx2-code-edges.test).
func.func @ui8(%x: tensor<1x64xf32>, %w: tensor<3x64xui8, #anybit.packed<>>) -> tensor<1x3xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x64xf32>, tensor<3x64xui8, #anybit.packed<>> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
func.func @tail(%x: tensor<1x96xf32>, %w: tensor<6x96xi4, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>>) -> tensor<1x6xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x96xf32>, tensor<6x96xi4, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>> -> tensor<1x6xf32>
  return %y : tensor<1x6xf32>
}
func.func @tail_a8(%x: tensor<1x96xi8>, %w: tensor<6x96xi4, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>>) -> tensor<1x6xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x96xi8>, tensor<6x96xi4, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>> -> tensor<1x6xf32>
  return %y : tensor<1x6xf32>
}
func.func @logical_i8(%x: tensor<1x100xf32>, %w: tensor<5x100xi8>) -> tensor<1x5xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x100xf32>, tensor<5x100xi8> -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}
