// RUN: anybit-opt %s --anybit-x86-int8-dot | FileCheck %s
// RUN: anybit-opt %s --anybit-x86-int8-dot=vector-bits=256 | FileCheck %s --check-prefix=YMM
// RUN: not anybit-opt %s --anybit-x86-int8-dot=vector-bits=128 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: anybit-x86-int8-dot: vector-bits must be 256 or 512, got 128

#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#nk = affine_map<(d0, d1, d2) -> (d1, d2)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>

// BAT's contraction: L = 136 = 2 * 64 + 8 bytes: two vpdpbusd per output,
// a horizontal sum, and a scalar loop over the last 8 terms.
// CHECK-LABEL: func.func @matrix(
// CHECK-SAME: %[[S:.*]]: tensor<4x136xi8>, %[[U:.*]]: tensor<3x136xi8>, %[[OUT:.*]]: tensor<4x3xi32>
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[R:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[OUT]])
// CHECK: scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: %[[ACC:.*]] = scf.for %[[L:.*]] = %c0{{.*}} to %c128{{.*}} step %c64
// CHECK: %[[UB:.*]] = vector.transfer_read %[[U]][%[[C]], %[[L]]], %{{.*}} {in_bounds = [true]} : tensor<3x136xi8>, vector<64xi8>
// CHECK: %[[SB:.*]] = vector.transfer_read %[[S]][%[[R]], %[[L]]], %{{.*}} {in_bounds = [true]} : tensor<4x136xi8>, vector<64xi8>
// CHECK: anybit.x86_vpdpbusd %{{.*}}, %[[UB]], %[[SB]] : vector<64xi8> -> vector<16xi32>
// CHECK: %[[SUM:.*]] = vector.reduction <add>, %[[ACC]] : vector<16xi32> into i32
// CHECK: scf.for %{{.*}} = %c128{{.*}} to %c136{{.*}} step %c1{{.*}} iter_args(%{{.*}} = %[[SUM]])
// CHECK: arith.extsi
// CHECK: arith.extui
// CHECK: tensor.insert
// YMM-LABEL: func.func @matrix(
// YMM: scf.for %{{.*}} = %c0{{.*}} to %c128{{.*}} step %c32
// YMM: anybit.x86_vpdpbusd %{{.*}}, %{{.*}}, %{{.*}} : vector<32xi8> -> vector<8xi32>
func.func @matrix(%s: tensor<4x136xi8>, %u: tensor<3x136xi8>, %out: tensor<4x3xi32>) -> tensor<4x3xi32> {
  %r = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%s, %u : tensor<4x136xi8>, tensor<3x136xi8>) outs(%out : tensor<4x3xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extsi %a : i8 to i32
    %b32 = arith.extui %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %t = arith.addi %acc, %p : i32
    linalg.yield %t : i32
  } -> tensor<4x3xi32>
  return %r : tensor<4x3xi32>
}

// Matrix-vector, the signed operand second: u is read at [l] alone, and
// L = 64 leaves no scalar tail.
// CHECK-LABEL: func.func @vector(
// CHECK-SAME: %[[U:.*]]: tensor<64xi8>, %[[S:.*]]: tensor<5x64xi8>
// CHECK: vector.transfer_read %[[U]][%{{.*}}]
// CHECK: vector.transfer_read %[[S]][%{{.*}}, %{{.*}}]
// CHECK: anybit.x86_vpdpbusd
// CHECK-NOT: arith.extsi
// CHECK: return
func.func @vector(%u: tensor<64xi8>, %s: tensor<5x64xi8>, %out: tensor<5xi32>) -> tensor<5xi32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%u, %s : tensor<64xi8>, tensor<5x64xi8>) outs(%out : tensor<5xi32>) {
  ^bb0(%b: i8, %a: i8, %acc: i32):
    %b32 = arith.extui %b : i8 to i32
    %a32 = arith.extsi %a : i8 to i32
    %p = arith.muli %b32, %a32 : i32
    %t = arith.addi %p, %acc : i32
    linalg.yield %t : i32
  } -> tensor<5xi32>
  return %r : tensor<5xi32>
}

// Both operands signed (no vpdpbusd form) or a strided operand: left alone.
// CHECK-LABEL: func.func @not_a_match(
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-NOT: anybit.x86_vpdpbusd
func.func @not_a_match(%s: tensor<4x8xi8>, %u: tensor<3x8xi8>, %v: tensor<8x3xi8>, %out: tensor<4x3xi32>) -> (tensor<4x3xi32>, tensor<4x3xi32>) {
  %both = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%s, %u : tensor<4x8xi8>, tensor<3x8xi8>) outs(%out : tensor<4x3xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extsi %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %t = arith.addi %acc, %p : i32
    linalg.yield %t : i32
  } -> tensor<4x3xi32>
  %strided = linalg.generic {indexing_maps = [#mk, affine_map<(d0, d1, d2) -> (d2, d1)>, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%s, %v : tensor<4x8xi8>, tensor<8x3xi8>) outs(%out : tensor<4x3xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extsi %a : i8 to i32
    %b32 = arith.extui %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %t = arith.addi %acc, %p : i32
    linalg.yield %t : i32
  } -> tensor<4x3xi32>
  return %both, %strided : tensor<4x3xi32>, tensor<4x3xi32>
}
