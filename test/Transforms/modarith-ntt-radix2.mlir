// RUN: anybit-opt %s --modarith-ntt-radix2 | FileCheck %s

// Q = 17, N = 8, psi = 3 (order 16), omega = psi^2 = 9. Forward: twist by
// 3^j = [1, 3, 9, 10, 13, 5, 15, 11], then three Stockham stages for
// m = 4, 2, 1: each row read as [N/2m, 2, m], written as [2, N/2m, m], the
// first half u + v, the second (u - v) * w^j with twiddles 9^j = [1, 9, 13,
// 15] and 13^j = [1, 13] (m = 1 needs none). No bit reversal. Q fits
// Shoup's product (2Q <= 2^32): each constant multiplier comes with its
// companions floor(c * 2^32 / 17) (252645135 for c = 1, 757935405 for 3)
// and the products are modarith.mul_shoup.
!t = tensor<8x!modarith.int<17 : i32>>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[TW:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %[[X0:.*]]: tensor<8x!modarith.int<17 : i32>>
// CHECK: %[[X:.*]] = tensor.expand_shape %[[X0]] {{\[\[}}0, 1]] output_shape [1, 8]
// CHECK: %[[TWIST:.*]] = modarith.constant dense<[1, 3, 9, 10, 13, 5, 15, 11]> : tensor<8x!modarith.int<17 : i32>>
// CHECK: %[[TWISTP:.*]] = arith.constant dense<[252645135, 757935405, {{.*}}]> : tensor<8xi32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[COL]], #[[COL]], #[[ID2]]]{{.*}} ins(%[[X]], %[[TWIST]], %[[TWISTP]] :
// CHECK: modarith.mul_shoup
// The stages ping-pong between the twist's result and one spare buffer.
// CHECK: %[[SPARE:.*]] = tensor.empty() : tensor<1x8x!modarith.int<17 : i32>>
// CHECK: %[[IN:.*]] = tensor.expand_shape %[[Y]] {{\[\[}}0], [1, 2, 3]] output_shape [1, 1, 2, 4]
// CHECK: %[[U:.*]] = tensor.extract_slice %[[IN]][0, 0, 0, 0] [1, 1, 1, 4] [1, 1, 1, 1]
// CHECK: %[[V:.*]] = tensor.extract_slice %[[IN]][0, 0, 1, 0] [1, 1, 1, 4] [1, 1, 1, 1]
// CHECK: %[[DEST:.*]] = tensor.expand_shape %[[SPARE]] {{\[\[}}0], [1, 2, 3]] output_shape [1, 2, 1, 4]
// CHECK: %[[LO:.*]] = tensor.extract_slice %[[DEST]][0, 0, 0, 0] [1, 1, 1, 4] [1, 1, 1, 1]
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[ID3]], #[[ID3]]]{{.*}} ins(%[[U]], %[[V]] : {{.*}}) outs(%[[LO]] :
// CHECK: modarith.add
// CHECK: %[[R1:.*]] = tensor.insert_slice %[[SUM]] into %[[DEST]][0, 0, 0, 0] [1, 1, 1, 4] [1, 1, 1, 1]
// CHECK: %[[W:.*]] = modarith.constant dense<[1, 9, 13, 15]> : tensor<4x!modarith.int<17 : i32>>
// CHECK: %[[WP:.*]] = arith.constant dense<[252645135, {{.*}}]> : tensor<4xi32>
// CHECK: %[[HI:.*]] = tensor.extract_slice %[[R1]][0, 1, 0, 0] [1, 1, 1, 4] [1, 1, 1, 1]
// CHECK: %[[DIFF:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[ID3]], #[[TW]], #[[TW]], #[[ID3]]]{{.*}} ins(%[[U]], %[[V]], %[[W]], %[[WP]] : {{.*}}) outs(%[[HI]] :
// CHECK: modarith.sub
// CHECK: modarith.mul_shoup
// CHECK: %[[R2:.*]] = tensor.insert_slice %[[DIFF]] into %[[R1]][0, 1, 0, 0] [1, 1, 1, 4] [1, 1, 1, 1]
// CHECK: tensor.collapse_shape %[[R2]] {{\[\[}}0], [1, 2, 3]] : tensor<1x2x1x4x!modarith.int<17 : i32>> into tensor<1x8x!modarith.int<17 : i32>>
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 2, 2, 2]
// CHECK: modarith.constant dense<[1, 13]>
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 4, 2, 1]
// The last stage (m = 1) has no twiddles, and nothing follows it.
// CHECK-NOT: modarith.mul
// CHECK: %[[ROW:.*]] = tensor.collapse_shape %{{.*}} : tensor<1x2x4x1x!modarith.int<17 : i32>> into tensor<1x8x!modarith.int<17 : i32>>
// CHECK-NEXT: %[[OUT:.*]] = tensor.collapse_shape %[[ROW]] {{\[\[}}0, 1]] : tensor<1x8x!modarith.int<17 : i32>> into tensor<8x!modarith.int<17 : i32>>
// CHECK-NEXT: return %[[OUT]]
func.func @forward(%x: !t) -> !t {
  %y = modarith.ntt %x {root = 3 : ui64} : !t
  return %y : !t
}

// Inverse: omega^-1 = 2, stages with twiddles [1, 2, 4, 8] and [1, 4],
// then one product by N^-1 psi^-j = 15 * 6^j.
// CHECK-LABEL: func.func @inverse(
// CHECK-NOT: modarith.intt
// CHECK: modarith.constant dense<[1, 2, 4, 8]>
// CHECK: modarith.constant dense<[1, 4]>
// CHECK: %[[POST:.*]] = modarith.constant dense<[15, 5, 13, 10, 9, 3, 1, 6]>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[POST]], %{{.*}} :
// CHECK: modarith.mul_shoup
// A rank-1 row goes through [1, N] and back.
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[R]] {{\[\[}}0, 1]] : tensor<1x8x!modarith.int<17 : i32>> into tensor<8x!modarith.int<17 : i32>>
// CHECK: return %[[FLAT]]
func.func @inverse(%x: tensor<8x!modarith.int<17 : i32>>) -> tensor<8x!modarith.int<17 : i32>> {
  %y = modarith.intt %x {root = 3 : ui64} : tensor<8x!modarith.int<17 : i32>>
  return %y : tensor<8x!modarith.int<17 : i32>>
}

// A batch (rank 3 flattened to [6, 4] rows) is transformed row by row in
// an scf.forall; a cyclic transform needs no twist.
// CHECK-LABEL: func.func @cyclic_batch(
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x3x4x!modarith.int<17 : i32>> into tensor<6x4x!modarith.int<17 : i32>>
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<6x4x!modarith.int<17 : i32>>
// CHECK: %[[ALL:.*]] = scf.forall (%[[R:.*]]) in (6) shared_outs(%[[O:.*]] = %[[INIT]])
// CHECK: %[[ROW:.*]] = tensor.extract_slice %[[ROWS]][%[[R]], 0] [1, 4] [1, 1] : tensor<6x4x!modarith.int<17 : i32>> to tensor<1x4x!modarith.int<17 : i32>>
// CHECK-NOT: dense<[1, 4, 16, 13]>
// CHECK: modarith.add
// CHECK: scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice %{{.*}} into %[[O]][%[[R]], 0] [1, 4] [1, 1]
// CHECK: tensor.expand_shape %[[ALL]] {{\[\[}}0, 1], [2]] output_shape [2, 3, 4]
func.func @cyclic_batch(%x: tensor<2x3x4x!modarith.int<17 : i32>>) -> tensor<2x3x4x!modarith.int<17 : i32>> {
  %y = modarith.ntt %x {cyclic, root = 4 : ui64} : tensor<2x3x4x!modarith.int<17 : i32>>
  return %y : tensor<2x3x4x!modarith.int<17 : i32>>
}

// A modulus that leaves no room for Shoup's correction (2Q > 2^W: 65537 in
// an i17 word) multiplies with modarith.mul and no companions.
// CHECK-LABEL: func.func @no_shoup(
// CHECK-NOT: = arith.constant
// CHECK-NOT: mul_shoup
// CHECK: modarith.mul
// CHECK-NOT: mul_shoup
// CHECK: return
func.func @no_shoup(%x: tensor<4x!modarith.int<65537 : i17>>) -> tensor<4x!modarith.int<65537 : i17>> {
  %y = modarith.ntt %x : tensor<4x!modarith.int<65537 : i17>>
  return %y : tensor<4x!modarith.int<65537 : i17>>
}
