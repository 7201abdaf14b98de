// RUN: anybit-opt %s --anybit-distinct-loop-yields | FileCheck %s

// The second position of a tensor an scf.for yields twice gets a copy;
// scalars and distinct tensors stay.
// CHECK-LABEL: func.func @for_twice(
// CHECK: scf.for
// CHECK: %[[N:.*]] = arith.addi
// CHECK: %[[COPY:.*]] = bufferization.alloc_tensor() copy(%[[N]]) : tensor<4xi8>
// CHECK: scf.yield %[[N]], %[[COPY]], %{{.*}}, %{{.*}} : tensor<4xi8>, tensor<4xi8>, i8, i8
func.func @for_twice(%t: tensor<4xi8>, %s: i8) -> (tensor<4xi8>, tensor<4xi8>, i8, i8) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r:4 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %t, %b = %t, %x = %s, %y = %s)
      -> (tensor<4xi8>, tensor<4xi8>, i8, i8) {
    %n = arith.addi %a, %b : tensor<4xi8>
    %z = arith.addi %x, %y : i8
    scf.yield %n, %n, %z, %z : tensor<4xi8>, tensor<4xi8>, i8, i8
  }
  return %r#0, %r#1, %r#2, %r#3 : tensor<4xi8>, tensor<4xi8>, i8, i8
}

// scf.while: in its condition (which makes the results) and its yield
// (which makes the next iteration's arguments).
// CHECK-LABEL: func.func @while_twice(
// CHECK: scf.while
// CHECK: %[[C:.*]] = bufferization.alloc_tensor() copy(%[[A:.*]]) : tensor<4xi8>
// CHECK: scf.condition(%{{.*}}) %[[A]], %[[C]] : tensor<4xi8>, tensor<4xi8>
// CHECK: } do {
// CHECK: %[[N:.*]] = arith.addi
// CHECK: %[[D:.*]] = bufferization.alloc_tensor() copy(%[[N]]) : tensor<4xi8>
// CHECK: scf.yield %[[N]], %[[D]] : tensor<4xi8>, tensor<4xi8>
func.func @while_twice(%t: tensor<4xi8>, %c: i1) -> (tensor<4xi8>, tensor<4xi8>) {
  %r:2 = scf.while (%a = %t, %b = %t) : (tensor<4xi8>, tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>) {
    scf.condition(%c) %a, %a : tensor<4xi8>, tensor<4xi8>
  } do {
  ^bb0(%a: tensor<4xi8>, %b: tensor<4xi8>):
    %n = arith.addi %a, %b : tensor<4xi8>
    scf.yield %n, %n : tensor<4xi8>, tensor<4xi8>
  }
  return %r#0, %r#1 : tensor<4xi8>, tensor<4xi8>
}

// CHECK-LABEL: func.func @distinct(
// CHECK-NOT: alloc_tensor
func.func @distinct(%t: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %t, %b = %t) -> (tensor<4xi8>, tensor<4xi8>) {
    %n = arith.addi %a, %b : tensor<4xi8>
    scf.yield %n, %a : tensor<4xi8>, tensor<4xi8>
  }
  return %r#0, %r#1 : tensor<4xi8>, tensor<4xi8>
}
