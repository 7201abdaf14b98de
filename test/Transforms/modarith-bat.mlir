// RUN: anybit-opt %s --modarith-bat --split-input-file --verify-diagnostics | FileCheck %s

// The CROSS paper's published check, T = 123456789, x = 987654321,
// Q = 1073692673 (30 bits, so 4 bytes per residue, and 4 balanced digits reach
// 127 * (256^4 - 1) / 255 > Q).
// Offline, T' = T * 256^i mod Q for i = 0..3 in digits of [-128, 127]:
// T = 0x075BCD15 gives digits 21, -51 (0xCD - 256, carry 1), 92, 7 down
// column 0. Online: the 4 bytes of x, one i8 x u8 -> i32 product over them, the digits recombined with shifts of 8j in i64 from an offset
// that is a multiple of Q, and one modarith.reduce.
// CHECK-LABEL: func.func @published(
// CHECK-SAME: %[[X:.*]]: tensor<1x!modarith.int<1073692673 : i32>>
// CHECK-NOT: modarith.constant
// CHECK: %[[W:.*]] = modarith.extract %[[X]] : tensor<1x!modarith.int<1073692673 : i32>> -> tensor<1xi32>
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%[[W]] : tensor<1xi32>) outs(%{{.*}} : tensor<1x4xi8>)
// CHECK: arith.shrui
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: %[[XB:.*]] = tensor.collapse_shape %[[B]] {{\[\[}}0, 1]] : tensor<1x4xi8> into tensor<4xi8>
// CHECK: %[[T:.*]] = arith.constant dense<{{\[\[}}21, -29, -111, 116], [-51, -43, 35, -112], [92, -29, 40, -116], [7, 28, 35, 41]]> : tensor<4x4xi8>
// CHECK: %[[S:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%[[T]], %[[XB]] : tensor<4x4xi8>, tensor<4xi8>) outs(%{{.*}} : tensor<4xi32>)
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: %[[PER:.*]] = tensor.expand_shape %[[S]] {{\[\[}}0, 1]] output_shape [4, 1]
// CHECK: %[[OFF:.*]] = arith.constant dense<{{[0-9]+}}> : tensor<1xi64>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[PER]] : tensor<4x1xi32>) outs(%[[OFF]] : tensor<1xi64>)
// CHECK: arith.shli
// CHECK: %[[R:.*]] = modarith.reduce %[[Y]] : tensor<1xi64> -> tensor<1x!modarith.int<1073692673 : i32>>
// CHECK: return %[[R]]
!q = !modarith.int<1073692673 : i32>
func.func @published(%x: tensor<1x!q>) -> tensor<1x!q> {
  %t = modarith.constant dense<[[123456789]]> : tensor<1x1x!q>
  %y = modarith.matmul %t, %x : tensor<1x1x!q>, tensor<1x!q> -> tensor<1x!q>
  return %y : tensor<1x!q>
}

// -----

// A non-constant lhs is left to --modarith-matmul-direct; a matrix rhs
// gives [D * M, N] sums. Q = 97 needs 1 byte per residue and 1 digit
// (96 <= 127).
// CHECK-LABEL: func.func @matrix(
// CHECK: modarith.matmul %{{.*}}, %{{.*}} : tensor<2x3x!modarith.int<97 : i8>>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x3x1xi8>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2]] : tensor<4x3x1xi8> into tensor<4x3xi8>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} outs(%{{.*}} : tensor<2x4xi32>)
// CHECK: modarith.reduce %{{.*}} : tensor<2x4xi64> -> tensor<2x4x!modarith.int<97 : i8>>
!p = !modarith.int<97 : i8>
func.func @matrix(%a: tensor<2x3x!p>, %x: tensor<3x4x!p>) -> (tensor<2x4x!p>, tensor<2x4x!p>) {
  %direct = modarith.matmul %a, %x : tensor<2x3x!p>, tensor<3x4x!p> -> tensor<2x4x!p>
  %t = modarith.constant dense<[[1, 2, 3], [96, 50, 0]]> : tensor<2x3x!p>
  %bat = modarith.matmul %t, %x : tensor<2x3x!p>, tensor<3x4x!p> -> tensor<2x4x!p>
  return %direct, %bat : tensor<2x4x!p>, tensor<2x4x!p>
}

// -----

!big = !modarith.int<4611686018427387847 : i64>
func.func @too_wide(%x: tensor<2x!big>) -> tensor<2x!big> {
  %t = modarith.constant dense<3> : tensor<2x2x!big>
  // expected-error @+1 {{'modarith.matmul' op BAT needs a modulus of at most 32 bits (its recombination is exact in int64), got 62 bits (4611686018427387847)}}
  %y = modarith.matmul %t, %x : tensor<2x2x!big>, tensor<2x!big> -> tensor<2x!big>
  return %y : tensor<2x!big>
}

// -----

// 16449 residues of 4 bytes: 65796 products, 3 more than an int32
// accumulator of u8 x s8 products (at most 32640 each) can hold.
func.func @too_long(%x: tensor<16449x!modarith.int<1073692673 : i32>>) -> tensor<1x!modarith.int<1073692673 : i32>> {
  %t = modarith.constant dense<5> : tensor<1x16449x!modarith.int<1073692673 : i32>>
  // expected-error @+1 {{'modarith.matmul' op BAT contraction too long: K * 4 bytes = 65796 products of up to 255 * 128 would overflow an int32 accumulator (at most 65793)}}
  %y = modarith.matmul %t, %x : tensor<1x16449x!modarith.int<1073692673 : i32>>, tensor<16449x!modarith.int<1073692673 : i32>> -> tensor<1x!modarith.int<1073692673 : i32>>
  return %y : tensor<1x!modarith.int<1073692673 : i32>>
}

// -----

// A transposed rhs (MAT's second product) is read through: the bytes are
// laid out [N, K, B], so the byte split reads x^T[n, k] in order, and the
// transpose is gone.
// CHECK-DAG: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @transposed(
// CHECK-SAME: %[[Y:.*]]: tensor<3x2x!modarith.int<97 : i8>>
// CHECK-NOT: linalg.transpose
// CHECK: %[[W:.*]] = modarith.extract %[[Y]] : tensor<3x2x!modarith.int<97 : i8>> -> tensor<3x2xi8>
// CHECK: linalg.generic {indexing_maps = [#[[NK]], {{.*}}} ins(%[[W]] : tensor<3x2xi8>) outs(%{{.*}} : tensor<3x2x1xi8>)
// CHECK-NOT: linalg.transpose
// CHECK: return
!p = !modarith.int<97 : i8>
func.func @transposed(%y: tensor<3x2x!p>) -> tensor<2x3x!p> {
  %init = tensor.empty() : tensor<2x3x!p>
  %yt = linalg.transpose ins(%y : tensor<3x2x!p>) outs(%init : tensor<2x3x!p>) permutation = [1, 0]
  %t = modarith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2x!p>
  %z = modarith.matmul %t, %yt : tensor<2x2x!p>, tensor<2x3x!p> -> tensor<2x3x!p>
  return %z : tensor<2x3x!p>
}
