// modarith.matmul on the reference VM, checked by hand: modulo 17,
// [[1, 2], [3, 4]] * [[5, 6], [7, 8]] = [[19, 22], [43, 50]] = [[2, 5], [9, 16]],
// and the matrix-vector product with [5, 7] is [19, 43] = [2, 9].
// RUN: anybit-run %s --entry small --input 'dense<[[1, 2], [3, 4]]>' --input 'dense<[[5, 6], [7, 8]]>' | FileCheck %s
// CHECK: result0: tensor<2x2x!modarith.int<17 : i32>> = {{\[\[}}2, 5], [9, 16]]
// CHECK-NEXT: result1: tensor<2x!modarith.int<17 : i32>> = [2, 9]
!m = !modarith.int<17 : i32>
func.func @small(%a: tensor<2x2x!m>, %b: tensor<2x2x!m>) -> (tensor<2x2x!m>, tensor<2x!m>) {
  %p = modarith.matmul %a, %b : tensor<2x2x!m>, tensor<2x2x!m> -> tensor<2x2x!m>
  %col = tensor.extract_slice %b[0, 0] [2, 1] [1, 1] : tensor<2x2x!m> to tensor<2x!m>
  %y = modarith.matmul %a, %col : tensor<2x2x!m>, tensor<2x!m> -> tensor<2x!m>
  return %p, %y : tensor<2x2x!m>, tensor<2x!m>
}

// The published BAT check of the CROSS paper as a 1 x 1 matrix-vector
// product with a constant: 123456789 * 987654321 mod 1073692673 = 397671139.
// RUN: anybit-run %s --entry published --input 'dense<[987654321]>' | FileCheck %s --check-prefix=PUB
// PUB: result0: tensor<1x!modarith.int<1073692673 : i32>> = [397671139]
!q = !modarith.int<1073692673 : i32>
func.func @published(%x: tensor<1x!q>) -> tensor<1x!q> {
  %t = modarith.constant dense<[[123456789]]> : tensor<1x1x!q>
  %y = modarith.matmul %t, %x : tensor<1x1x!q>, tensor<1x!q> -> tensor<1x!q>
  return %y : tensor<1x!q>
}
