// i3 addition wraps; e3m2 holds small integers exactly.
func.func @main(%a: tensor<8xi3>, %b: tensor<8xi3>)
    -> (tensor<8xi3>, tensor<8x!anybit.float<e3m2>>) {
  %s = arith.addi %a, %b : tensor<8xi3>
  %w = arith.extsi %a : tensor<8xi3> to tensor<8xi8>
  %f = anybit.cast %w : tensor<8xi8> to tensor<8x!anybit.float<e3m2>>
  return %s, %f : tensor<8xi3>, tensor<8x!anybit.float<e3m2>>
}
