func.func @main(%t: tensor<i8>) -> tensor<i8> {
  %o = tensor.empty() : tensor<i8>
  %r = linalg.transpose ins(%t : tensor<i8>) outs(%o : tensor<i8>) permutation = []
  return %r : tensor<i8>
}
