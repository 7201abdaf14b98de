// RUN: anybit-opt %s --split-input-file --anybit-fold-constant-float-compares | FileCheck %s

// cmpf false and true do not depend on their operands.
// CHECK-LABEL: func.func @scalars
// CHECK-DAG: %[[F:.*]] = arith.constant false
// CHECK-DAG: %[[T:.*]] = arith.constant true
// CHECK-NOT: arith.cmpf
// CHECK: return %[[F]], %[[T]] : i1, i1
func.func @scalars(%a: i32) -> (i1, i1) {
  %x = arith.sitofp %a : i32 to f32
  %k = arith.constant 2.5 : f32
  %f = arith.cmpf false, %x, %k : f32
  %t = arith.cmpf true, %x, %k : f32
  return %f, %t : i1, i1
}

// -----

// On tensors, a splat: a constant where the shape is static, else sized
// like the compared tensor.
// CHECK-LABEL: func.func @tensors
// CHECK-SAME: (%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<?x2xf32>)
// CHECK-DAG: %[[S:.*]] = arith.constant dense<true> : tensor<4xi1>
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[N:.*]] = tensor.dim %[[B]], %[[C0]] : tensor<?x2xf32>
// CHECK-DAG: %[[F:.*]] = arith.constant false
// CHECK: %[[D:.*]] = tensor.splat %[[F]][%[[N]]] : tensor<?x2xi1>
// CHECK: return %[[S]], %[[D]]
func.func @tensors(%a: tensor<4xf32>, %b: tensor<?x2xf32>) -> (tensor<4xi1>, tensor<?x2xi1>) {
  %t = arith.cmpf true, %a, %a : tensor<4xf32>
  %f = arith.cmpf false, %b, %b : tensor<?x2xf32>
  return %t, %f : tensor<4xi1>, tensor<?x2xi1>
}

// -----

// Other predicates stay.
// CHECK-LABEL: func.func @others
// CHECK: arith.cmpf olt
func.func @others(%a: f32, %b: f32) -> i1 {
  %c = arith.cmpf olt, %a, %b : f32
  return %c : i1
}
