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
func.func @wide_table_a8(%x: tensor<1x128xi8>, %w: tensor<4x128x!anybit.float<e4m0>, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<1x4xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x128xi8>, tensor<4x128x!anybit.float<e4m0>, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
func.func @batch_e3m2(%x: tensor<3x64xf32>, %w: tensor<3x64x!anybit.float<e3m2>, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<3x3xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<3x64xf32>, tensor<3x64x!anybit.float<e3m2>, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}
func.func @batch_e2m1_huge(%x: tensor<2x32xf32>, %w: tensor<1x32xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<2x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<2x32xf32>, tensor<1x32xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

func.func @gemv_e2m1_huge(%x: tensor<1x128xf32>, %w: tensor<1x128xf4E2M1FN, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x128xf32>, tensor<1x128xf4E2M1FN, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
