// f32 activations times 3-bit weights tiled [32, 16] in bit planes [2, 1]
// (their low two bits, then their high bits) with f16 scales per 32.
func.func @gemv(%x: tensor<2x64xf32>, %w: tensor<32x64xi3, #anybit.packed<block = [1, 32], scale = f16, tile = [32, 16], bit_planes = [2, 1]>>) -> tensor<2x32xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<2x64xf32>, tensor<32x64xi3, #anybit.packed<block = [1, 32], scale = f16, tile = [32, 16], bit_planes = [2, 1]>> -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}
