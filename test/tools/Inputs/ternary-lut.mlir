// int8 x trit with the trits tiled [32, 4]: the lookup-table kernel's layout.
func.func @lut(%a: tensor<2x8xi8>, %w: tensor<64x8x!anybit.trit, #anybit.packed<tile = [32, 4]>>) -> tensor<2x64xi32> {
  %c = anybit.matmul %a, %w {accumulator = i32, transpose_rhs} : tensor<2x8xi8>, tensor<64x8x!anybit.trit, #anybit.packed<tile = [32, 4]>> -> tensor<2x64xi32>
  return %c : tensor<2x64xi32>
}
