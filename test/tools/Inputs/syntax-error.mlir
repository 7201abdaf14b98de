func.func @f(%x: tensor<4xi3>) -> tensor<4xi3> {
  %y = arith.addi %x, %x : tensor<4xi3
  return %y : tensor<4xi3>
}
