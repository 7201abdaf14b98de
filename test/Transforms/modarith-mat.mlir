// RUN: anybit-opt %s --modarith-mat --split-input-file | FileCheck %s
// RUN: anybit-opt %s --modarith-mat=rows=4 --split-input-file | FileCheck %s --check-prefix=ROWS

// Q = 17, N = 4, psi = 2 (2^4 = -1), omega = psi^2 = 4; R = C = 2. The row
// x read as X[r, c] = x[2r + c] (no data movement), then
//   T1[a, r] = omega^(2ra) psi^(2r):       [[1, 4], [1, 4^2 * 4 = 13]]
//   T2[a, c] = omega^(ca) psi^c:           [[1, 2], [1, 4 * 2 = 8]]
//   T3[b, c] = omega^(2cb):                [[1, 1], [1, 16]]
// and Z = T3 . (T1 X .* T2)^T holds X_k at [k / 2, k % 2]: natural order.
// T2's product is Shoup's, with companions floor(c * 2^8 / 17).
// CHECK-LABEL: func.func @ntt4(
// CHECK: %[[X:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [2, 2]
// CHECK: %[[T1:.*]] = modarith.constant dense<{{\[\[}}1, 4], [1, 13]]> : tensor<2x2x!modarith.int<17 : i8>>
// CHECK: %[[Y:.*]] = modarith.matmul %[[T1]], %[[X]]
// CHECK: %[[T2:.*]] = modarith.constant dense<{{\[\[}}1, 2], [1, 8]]>
// CHECK: %[[T2P:.*]] = arith.constant dense<{{\[\[}}15, 30], [15, 120]]> : tensor<2x2xi8>
// CHECK: %[[Y2:.*]] = modarith.mul_shoup %[[Y]], %[[T2]], %[[T2P]]
// CHECK: %[[YT:.*]] = linalg.transpose ins(%[[Y2]] : {{.*}}) outs({{.*}}) permutation = [1, 0]
// CHECK: %[[T3:.*]] = modarith.constant dense<{{\[\[}}1, 1], [1, 16]]>
// CHECK: %[[Z:.*]] = modarith.matmul %[[T3]], %[[YT]]
// CHECK: tensor.collapse_shape %[[Z]] {{\[\[}}0, 1]] : tensor<2x2x!modarith.int<17 : i8>> into tensor<4x!modarith.int<17 : i8>>
// CHECK-NOT: modarith.ntt
!q = !modarith.int<17 : i8>
func.func @ntt4(%x: tensor<4x!q>) -> tensor<4x!q> {
  %y = modarith.ntt %x {root = 2 : ui64} : tensor<4x!q>
  return %y : tensor<4x!q>
}

// -----

// A batch goes row by row; the cyclic inverse folds N^-1 = 8^-1 = 6721
// (mod 7681) into T3. N = 8: R = 2, C = 4, or R = 4, C = 2 with rows=4.
// CHECK-LABEL: func.func @intt_batch(
// CHECK: scf.forall (%{{.*}}) in (6)
// CHECK: tensor.expand_shape %{{.*}} output_shape [2, 4]
// CHECK: modarith.matmul %{{.*}} : tensor<2x2x!modarith.int<7681 : i16>>, tensor<2x4x!modarith.int<7681 : i16>> -> tensor<2x4x!modarith.int<7681 : i16>>
// CHECK: modarith.constant dense<{{\[\[}}6721, 6721, 6721, 6721], [6721, 1383, 960, 6298],
// CHECK: modarith.matmul %{{.*}} : tensor<4x4x!modarith.int<7681 : i16>>, tensor<4x2x!modarith.int<7681 : i16>> -> tensor<4x2x!modarith.int<7681 : i16>>
// CHECK: tensor.parallel_insert_slice
// ROWS-LABEL: func.func @intt_batch(
// ROWS: tensor.expand_shape %{{.*}} output_shape [4, 2]
// ROWS: modarith.matmul %{{.*}} : tensor<4x4x!modarith.int<7681 : i16>>, tensor<4x2x!modarith.int<7681 : i16>>
// ROWS: modarith.matmul %{{.*}} : tensor<2x2x!modarith.int<7681 : i16>>, tensor<2x4x!modarith.int<7681 : i16>>
!p = !modarith.int<7681 : i16>
func.func @intt_batch(%x: tensor<2x3x8x!p>) -> tensor<2x3x8x!p> {
  %y = modarith.intt %x {cyclic} : tensor<2x3x8x!p>
  return %y : tensor<2x3x8x!p>
}
