// RUN: anybit-opt %s --split-input-file --anybit-index-switch-to-if | FileCheck %s

// Cases become a chain of scf.if on arg == case, the default last; the
// regions move as they are.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[S:.*]]: index, %[[X:.*]]: i32)
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[E2:.*]] = arith.cmpi eq, %[[S]], %[[C2]] : index
// CHECK: %[[R:.*]] = scf.if %[[E2]] -> (i32) {
// CHECK:   %[[A:.*]] = arith.addi %[[X]], %[[X]] : i32
// CHECK:   scf.yield %[[A]] : i32
// CHECK: } else {
// CHECK:   %[[C5:.*]] = arith.constant 5 : index
// CHECK:   %[[E5:.*]] = arith.cmpi eq, %[[S]], %[[C5]] : index
// CHECK:   %[[IN:.*]] = scf.if %[[E5]] -> (i32) {
// CHECK:     %[[M:.*]] = arith.muli %[[X]], %[[X]] : i32
// CHECK:     scf.yield %[[M]] : i32
// CHECK:   } else {
// CHECK:     scf.yield %[[X]] : i32
// CHECK:   }
// CHECK:   scf.yield %[[IN]] : i32
// CHECK: }
// CHECK: return %[[R]] : i32
func.func @chain(%s: index, %x: i32) -> i32 {
  %r = scf.index_switch %s -> i32
  case 2 {
    %a = arith.addi %x, %x : i32
    scf.yield %a : i32
  }
  case 5 {
    %m = arith.muli %x, %x : i32
    scf.yield %m : i32
  }
  default {
    scf.yield %x : i32
  }
  return %r : i32
}

// -----

// A switch of only a default runs it in an scf.execute_region.
// CHECK-LABEL: func.func @default_only
// CHECK: %[[R:.*]] = scf.execute_region -> tensor<4xi32> {
// CHECK:   scf.yield %{{.*}} : tensor<4xi32>
// CHECK: }
// CHECK: return %[[R]]
func.func @default_only(%s: index, %t: tensor<4xi32>) -> tensor<4xi32> {
  %r = scf.index_switch %s -> tensor<4xi32>
  default {
    scf.yield %t : tensor<4xi32>
  }
  return %r : tensor<4xi32>
}
