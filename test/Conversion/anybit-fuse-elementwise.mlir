// RUN: anybit-opt %s --anybit-fuse-elementwise | FileCheck %s

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#nk = affine_map<(d0, d1, d2) -> (d1, d2)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>

// An element-wise producer of a contraction operand read at (n, k) in the
// (m, n, k) loops is not fused: fused, it would run once per m.
// CHECK-LABEL: func.func @contraction_keeps_its_producer(
// CHECK: %[[BYTES:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: arith.trunci
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%{{.*}}, %[[BYTES]] :
// CHECK-NOT: arith.trunci
// CHECK: return
func.func @contraction_keeps_its_producer(%t: tensor<8x16xi8>, %words: tensor<4x16xi32>) -> tensor<8x4xi32> {
  %e = tensor.empty() : tensor<4x16xi8>
  %bytes = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%words : tensor<4x16xi32>) outs(%e : tensor<4x16xi8>) {
  ^bb0(%w: i32, %o: i8):
    %b = arith.trunci %w : i32 to i8
    linalg.yield %b : i8
  } -> tensor<4x16xi8>
  %zero = arith.constant dense<0> : tensor<8x4xi32>
  %sum = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%t, %bytes : tensor<8x16xi8>, tensor<4x16xi8>) outs(%zero : tensor<8x4xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extsi %a : i8 to i32
    %b32 = arith.extui %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<8x4xi32>
  return %sum : tensor<8x4xi32>
}

// Element-wise chains still fuse into one op, and so does a producer of an
// operand a reduction reads at every loop.
// CHECK-LABEL: func.func @elementwise_chain_fuses(
// CHECK: linalg.generic
// CHECK: arith.addi
// CHECK: arith.muli
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @elementwise_chain_fuses(%a: tensor<4x16xi32>, %b: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %e = tensor.empty() : tensor<4x16xi32>
  %s = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x16xi32>, tensor<4x16xi32>) outs(%e : tensor<4x16xi32>) {
  ^bb0(%x: i32, %y: i32, %o: i32):
    %r = arith.addi %x, %y : i32
    linalg.yield %r : i32
  } -> tensor<4x16xi32>
  %p = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%s, %b : tensor<4x16xi32>, tensor<4x16xi32>) outs(%e : tensor<4x16xi32>) {
  ^bb0(%x: i32, %y: i32, %o: i32):
    %r = arith.muli %x, %y : i32
    linalg.yield %r : i32
  } -> tensor<4x16xi32>
  return %p : tensor<4x16xi32>
}

// CHECK-LABEL: func.func @full_reduction_fuses(
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @full_reduction_fuses(%a: tensor<4x16xi32>) -> tensor<4xi32> {
  %e = tensor.empty() : tensor<4x16xi32>
  %sq = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x16xi32>) outs(%e : tensor<4x16xi32>) {
  ^bb0(%x: i32, %o: i32):
    %r = arith.muli %x, %x : i32
    linalg.yield %r : i32
  } -> tensor<4x16xi32>
  %zero = arith.constant dense<0> : tensor<4xi32>
  %sum = linalg.generic {indexing_maps = [#id2, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%sq : tensor<4x16xi32>) outs(%zero : tensor<4xi32>) {
  ^bb0(%x: i32, %acc: i32):
    %r = arith.addi %acc, %x : i32
    linalg.yield %r : i32
  } -> tensor<4xi32>
  return %sum : tensor<4xi32>
}
