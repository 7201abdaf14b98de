// RUN: anybit-opt %s --split-input-file --verify-diagnostics --anybit-clamp-tensor-indices | FileCheck %s

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

// -----

// A constant index out of bounds clamps too.
// CHECK-LABEL: func.func @constant_out_of_bounds
// CHECK: arith.minui %{{.*}}, %{{.*}} : index
func.func @constant_out_of_bounds(%t: tensor<4xi32>) -> i32 {
  %c9 = arith.constant 9 : index
  %e = tensor.extract %t[%c9] : tensor<4xi32>
  return %e : i32
}

// -----

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

// -----

// Run-time sizes and empty dimensions are left alone.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: arith.minui
// CHECK: return
func.func @left_alone(%t: tensor<16xf32>, %e: tensor<0xf32>, %o: index, %n: index) -> (tensor<?xf32>, f32) {
  %s = tensor.extract_slice %t[%o] [%n] [1] : tensor<16xf32> to tensor<?xf32>
  %x = tensor.extract %e[%o] : tensor<0xf32>
  return %s, %x : tensor<?xf32>, f32
}

// -----

// A run-time stride shrinks to the longest that fits from the offset (from
// 0 where the offset is run-time: (16 - 1) / (4 - 1) = 5), then the offset
// to where that span fits; a stride of 0 spans one element.
// CHECK-LABEL: func.func @strides
// CHECK: %[[C5:.*]] = arith.constant 5 : index
// CHECK: %[[ST:.*]] = arith.minui %{{.*}}, %[[C5]] : index
// CHECK: %[[SPAN:.*]] = arith.addi
// CHECK: %[[LAST:.*]] = arith.subi %{{.*}}, %[[SPAN]] : index
// CHECK: %[[O:.*]] = arith.minui %{{.*}}, %[[LAST]] : index
// CHECK: tensor.extract_slice %{{.*}}[%[[O]]] [4] [%[[ST]]]
// CHECK: %[[C15:.*]] = arith.constant 15 : index
// CHECK: %[[Z:.*]] = arith.minui %{{.*}}, %[[C15]] : index
// CHECK: tensor.extract_slice %{{.*}}[%[[Z]]] [4] [0]
func.func @strides(%t: tensor<16xi32>, %o: index, %st: index) -> (tensor<4xi32>, tensor<4xi32>) {
  %a = tensor.extract_slice %t[%o] [4] [%st] : tensor<16xi32> to tensor<4xi32>
  %b = tensor.extract_slice %t[%o] [4] [0] : tensor<16xi32> to tensor<4xi32>
  return %a, %b : tensor<4xi32>, tensor<4xi32>
}

// -----

// parallel_insert_slice's clamp goes before the in_parallel terminator.
// CHECK-LABEL: func.func @parallel
// CHECK: scf.forall
// CHECK: %[[O:.*]] = arith.minui %{{.*}}, %{{.*}} : index
// CHECK-NEXT: scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[O]]] [1] [1]
func.func @parallel(%t: tensor<16xi32>, %o: index) -> tensor<16xi32> {
  %c = arith.constant dense<7> : tensor<1xi32>
  %r = scf.forall (%i) in (1) shared_outs(%out = %t) -> tensor<16xi32> {
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %c into %out[%o] [1] [1] : tensor<1xi32> into tensor<16xi32>
    }
  }
  return %r : tensor<16xi32>
}

// -----

// A pad's run-time low padding stays within the room around its source
// (8 - 4), and tensor.dim's run-time dimension below the rank.
// CHECK-LABEL: func.func @pad_and_dim
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[L:.*]] = arith.minui %{{.*}}, %[[C4]] : index
// CHECK: tensor.pad %{{.*}} low[%[[L]]]
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[D:.*]] = arith.minui %{{.*}}, %[[C1]] : index
// CHECK: tensor.dim %{{.*}}, %[[D]]
func.func @pad_and_dim(%t: tensor<4xi32>, %l: index, %m: tensor<2x3xi32>, %d: index) -> (tensor<8xi32>, index) {
  %c0 = arith.constant 0 : i32
  %c0i = arith.constant 0 : index
  %p = tensor.pad %t low[%l] high[%c0i] {
  ^bb0(%i: index):
    tensor.yield %c0 : i32
  } : tensor<4xi32> to tensor<8xi32>
  %n = tensor.dim %m, %d : tensor<2x3xi32>
  return %p, %n : tensor<8xi32>, index
}

// -----

// A constant operand among the low padding keeps its place: only the
// run-time one after it is clamped, to its own dimension's room (3 - 2).
// The constant had been taken for a static entry, misaligning the two.
// CHECK-LABEL: func.func @pad_constant_operand
// CHECK-SAME: (%{{.*}}: tensor<3x2xi32>, %[[N:.*]]: index)
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[L:.*]] = arith.minui %[[N]], %[[C1]] : index
// CHECK: tensor.pad %{{.*}} low[%[[C2]], %[[L]]] high[0, 0]
func.func @pad_constant_operand(%a: tensor<3x2xi32>, %n: index) -> tensor<5x3xi32> {
  %c2 = arith.constant 2 : index
  %c7 = arith.constant 7 : i32
  %p = tensor.pad %a low[%c2, %n] high[0, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %c7 : i32
  } : tensor<3x2xi32> to tensor<5x3xi32>
  return %p : tensor<5x3xi32>
}

// -----

// A slice that fits at no offset is an error, not code that reads past
// the tensor.
func.func @never_fits(%t: tensor<16xi32>, %o: index) -> tensor<4xi32> {
  // expected-error @+1 {{slice of 4 elements 8 apart never fits in dimension 0 of size 16}}
  %s = tensor.extract_slice %t[%o] [4] [8] : tensor<16xi32> to tensor<4xi32>
  return %s : tensor<4xi32>
}
