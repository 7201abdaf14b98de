// RUN: anybit-opt %s --anybit-clamp-tensor-indices | FileCheck %s

// Run-time indices clamp to the last element (unsigned: negatives too);
// constant indices in bounds stay.
// CHECK-LABEL: func.func @elements
// CHECK-SAME: (%[[T:.*]]: tensor<4x?xi32>, %[[I:.*]]: index, %[[J:.*]]: index, %[[V:.*]]: i32)
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[I2:.*]] = arith.minui %[[I]], %[[C3]] : index
// CHECK: %[[D:.*]] = tensor.dim %[[T]], %{{.*}} : tensor<4x?xi32>
// CHECK: %[[LAST:.*]] = arith.subi %[[D]], %{{.*}} : index
// CHECK: %[[J2:.*]] = arith.minui %[[J]], %[[LAST]] : index
// CHECK: tensor.extract %[[T]][%[[I2]], %[[J2]]] : tensor<4x?xi32>
// CHECK: %[[K:.*]] = arith.minui %{{.*}}, %{{.*}} : index
// CHECK: tensor.insert %[[V]] into %[[T]][%{{.*}}, %[[K]]] : tensor<4x?xi32>
func.func @elements(%t: tensor<4x?xi32>, %i: index, %j: index, %v: i32) -> (i32, tensor<4x?xi32>) {
  %c2 = arith.constant 2 : index
  %e = tensor.extract %t[%i, %j] : tensor<4x?xi32>
  %r = tensor.insert %v into %t[%c2, %j] : tensor<4x?xi32>
  return %e, %r : i32, tensor<4x?xi32>
}

// A constant index out of bounds clamps too.
// CHECK-LABEL: func.func @constant_out_of_bounds
// CHECK: arith.minui %{{.*}}, %{{.*}} : index
func.func @constant_out_of_bounds(%t: tensor<4xi32>) -> i32 {
  %c9 = arith.constant 9 : index
  %e = tensor.extract %t[%c9] : tensor<4xi32>
  return %e : i32
}

// Slice offsets clamp to the last offset where the slice fits: 16 - ((4 -
// 1) * 2 + 1) = 9.
// CHECK-LABEL: func.func @slices
// CHECK: %[[C9:.*]] = arith.constant 9 : index
// CHECK: %[[O:.*]] = arith.minui %{{.*}}, %[[C9]] : index
// CHECK: tensor.extract_slice %{{.*}}[%[[O]]] [4] [2] : tensor<16xf32> to tensor<4xf32>
// CHECK: %[[C12:.*]] = arith.constant 12 : index
// CHECK: %[[P:.*]] = arith.minui %{{.*}}, %[[C12]] : index
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%[[P]]] [4] [1] : tensor<4xf32> into tensor<16xf32>
func.func @slices(%t: tensor<16xf32>, %o: index) -> (tensor<4xf32>, tensor<16xf32>) {
  %s = tensor.extract_slice %t[%o] [4] [2] : tensor<16xf32> to tensor<4xf32>
  %r = tensor.insert_slice %s into %t[%o] [4] [1] : tensor<4xf32> into tensor<16xf32>
  return %s, %r : tensor<4xf32>, tensor<16xf32>
}

// Run-time sizes and empty dimensions are left alone.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: arith.minui
// CHECK: return
func.func @left_alone(%t: tensor<16xf32>, %e: tensor<0xf32>, %o: index, %n: index) -> (tensor<?xf32>, f32) {
  %s = tensor.extract_slice %t[%o] [%n] [1] : tensor<16xf32> to tensor<?xf32>
  %x = tensor.extract %e[%o] : tensor<0xf32>
  return %s, %x : tensor<?xf32>, f32
}
