// RUN: anybit-opt %s --split-input-file --anybit-drop-empty-inserts | FileCheck %s

// Operands of no elements leave a concat; the others stay in order.
// CHECK-LABEL: func.func @concat_drops_empty_operands
// CHECK-SAME: (%[[A:.*]]: tensor<3xi32>, %[[E:.*]]: tensor<0xi32>, %[[B:.*]]: tensor<2xi32>)
// CHECK: %[[C:.*]] = tensor.concat dim(0) %[[A]], %[[B]] : (tensor<3xi32>, tensor<2xi32>) -> tensor<5xi32>
// CHECK: return %[[C]]
func.func @concat_drops_empty_operands(%a: tensor<3xi32>, %e: tensor<0xi32>, %b: tensor<2xi32>) -> tensor<5xi32> {
  %c = tensor.concat dim(0) %a, %e, %b, %e : (tensor<3xi32>, tensor<0xi32>, tensor<2xi32>, tensor<0xi32>) -> tensor<5xi32>
  return %c : tensor<5xi32>
}

// -----

// One operand left is the result, cast to its type.
// CHECK-LABEL: func.func @concat_of_one
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[E:.*]]: tensor<2x0xf32>)
// CHECK: %[[C:.*]] = tensor.cast %[[A]] : tensor<?x4xf32> to tensor<2x4xf32>
// CHECK: return %[[C]]
func.func @concat_of_one(%a: tensor<?x4xf32>, %e: tensor<2x0xf32>) -> tensor<2x4xf32> {
  %c = tensor.concat dim(1) %e, %a : (tensor<2x0xf32>, tensor<?x4xf32>) -> tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}

// -----

// None left: the result has no elements either, and its run-time sizes
// are the operands'.
// CHECK-LABEL: func.func @concat_of_none
// CHECK-SAME: (%[[E:.*]]: tensor<?x0xi8>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[N:.*]] = tensor.dim %[[E]], %[[C0]] : tensor<?x0xi8>
// CHECK: %[[R:.*]] = tensor.empty(%[[N]]) : tensor<?x0xi8>
// CHECK-NOT: tensor.concat
// CHECK: return %[[R]]
func.func @concat_of_none(%e: tensor<?x0xi8>) -> tensor<?x0xi8> {
  %c = tensor.concat dim(1) %e, %e : (tensor<?x0xi8>, tensor<?x0xi8>) -> tensor<?x0xi8>
  return %c : tensor<?x0xi8>
}

// -----

// A pad of a source without elements is all padding: its body generates
// the result.
// CHECK-LABEL: func.func @pad_of_nothing
// CHECK-SAME: (%[[S:.*]]: tensor<0x2xi32>, %[[N:.*]]: index)
// CHECK: %[[G:.*]] = tensor.generate %{{.*}} {
// CHECK: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
// CHECK:   %[[V:.*]] = arith.index_cast %[[J]] : index to i32
// CHECK:   tensor.yield %[[V]] : i32
// CHECK: } : tensor<2x?xi32>
// CHECK-NOT: tensor.pad
// CHECK: return %[[G]]
func.func @pad_of_nothing(%s: tensor<0x2xi32>, %n: index) -> tensor<2x?xi32> {
  %p = tensor.pad %s low[2, %n] high[0, 0] {
  ^bb0(%i: index, %j: index):
    %v = arith.index_cast %j : index to i32
    tensor.yield %v : i32
  } : tensor<0x2xi32> to tensor<2x?xi32>
  return %p : tensor<2x?xi32>
}

// -----

// Sources and operands with elements, or of sizes known only at run time
// (whose slices are not checked statically), stay.
// CHECK-LABEL: func.func @kept
// CHECK: tensor.concat
// CHECK: tensor.pad
func.func @kept(%a: tensor<?xi32>, %b: tensor<2xi32>) -> (tensor<?xi32>, tensor<?xi32>) {
  %c = tensor.concat dim(0) %a, %b : (tensor<?xi32>, tensor<2xi32>) -> tensor<?xi32>
  %z = arith.constant 0 : i32
  %p = tensor.pad %a low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %z : i32
  } : tensor<?xi32> to tensor<?xi32>
  return %c, %p : tensor<?xi32>, tensor<?xi32>
}
