// RUN: anybit-opt %s --anybit-guard-integer-division | FileCheck %s

// A signed division divides by 1 where the divisor is 0 or the quotient
// would overflow (INT_MIN / -1).
// CHECK-LABEL: func.func @signed
// CHECK-SAME: (%[[X:.*]]: i32, %[[D:.*]]: i32)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[Z:.*]] = arith.cmpi eq, %[[D]], %[[ZERO]] : i32
// CHECK: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK: %[[XM:.*]] = arith.cmpi eq, %[[X]], %[[MIN]] : i32
// CHECK: %[[M1:.*]] = arith.constant -1 : i32
// CHECK: %[[DM:.*]] = arith.cmpi eq, %[[D]], %[[M1]] : i32
// CHECK: %[[OV:.*]] = arith.andi %[[XM]], %[[DM]] : i1
// CHECK: %[[BAD:.*]] = arith.ori %[[Z]], %[[OV]] : i1
// CHECK: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK: %[[SAFE:.*]] = arith.select %[[BAD]], %[[ONE]], %[[D]] : i32
// CHECK: arith.divsi %[[X]], %[[SAFE]] : i32
func.func @signed(%x: i32, %d: i32) -> i32 {
  %q = arith.divsi %x, %d : i32
  return %q : i32
}

// Unsigned ones only guard the zero divisor; every kind is guarded.
// CHECK-LABEL: func.func @kinds
// CHECK: %[[Z:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : i5
// CHECK-NOT: arith.andi
// CHECK: %[[SAFE:.*]] = arith.select %[[Z]], %{{.*}}, %{{.*}} : i5
// CHECK: arith.remui %{{.*}}, %[[SAFE]] : i5
// CHECK: arith.select
// CHECK: arith.divui
// CHECK: arith.select
// CHECK: arith.ceildivui
// CHECK: arith.andi
// CHECK: arith.select
// CHECK: arith.remsi
// CHECK: arith.andi
// CHECK: arith.select
// CHECK: arith.ceildivsi
// CHECK: arith.andi
// CHECK: arith.select
// CHECK: arith.floordivsi
func.func @kinds(%x: i5, %d: i5) -> (i5, i5, i5, i5, i5, i5) {
  %0 = arith.remui %x, %d : i5
  %1 = arith.divui %x, %d : i5
  %2 = arith.ceildivui %x, %d : i5
  %3 = arith.remsi %x, %d : i5
  %4 = arith.ceildivsi %x, %d : i5
  %5 = arith.floordivsi %x, %d : i5
  return %0, %1, %2, %3, %4, %5 : i5, i5, i5, i5, i5, i5
}

// Vectors and static tensors compare and select element by element; index
// takes the data layout's width (64 bits).
// CHECK-LABEL: func.func @shaped
// CHECK: arith.constant dense<0> : vector<8xi16>
// CHECK: arith.cmpi eq, %{{.*}}, %{{.*}} : vector<8xi16>
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<8xi1>, vector<8xi16>
// CHECK: arith.divui
// CHECK: arith.constant dense<-128> : tensor<2x3xi8>
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xi1>, tensor<2x3xi8>
// CHECK: arith.remsi
// CHECK: arith.constant -9223372036854775808 : index
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : index
// CHECK: arith.divsi
func.func @shaped(%v: vector<8xi16>, %w: vector<8xi16>, %t: tensor<2x3xi8>, %u: tensor<2x3xi8>, %i: index, %j: index) -> (vector<8xi16>, tensor<2x3xi8>, index) {
  %0 = arith.divui %v, %w : vector<8xi16>
  %1 = arith.remsi %t, %u : tensor<2x3xi8>
  %2 = arith.divsi %i, %j : index
  return %0, %1, %2 : vector<8xi16>, tensor<2x3xi8>, index
}

// Constant divisors that can neither be 0 nor overflow keep their division;
// a constant -1 (signed) or a constant holding 0 does not.
// CHECK-LABEL: func.func @constants
// CHECK-NOT: arith.select
// CHECK: arith.divsi %{{.*}}, %{{.*}} : i32
// CHECK-NOT: arith.select
// CHECK: arith.remui %{{.*}}, %{{.*}} : vector<4xi32>
// CHECK: arith.divui %{{.*}}, %{{.*}} : i32
// CHECK: arith.select
// CHECK: arith.divsi
// CHECK: arith.select
// CHECK: arith.remui
func.func @constants(%x: i32, %v: vector<4xi32>) -> (i32, vector<4xi32>, i32, i32, vector<4xi32>) {
  %c7 = arith.constant 7 : i32
  %cm1 = arith.constant -1 : i32
  %dense = arith.constant dense<[1, 2, 3, 4]> : vector<4xi32>
  %holes = arith.constant dense<[1, 0, 3, 4]> : vector<4xi32>
  %0 = arith.divsi %x, %c7 : i32
  %1 = arith.remui %v, %dense : vector<4xi32>
  %2 = arith.divui %x, %cm1 : i32
  %3 = arith.divsi %x, %cm1 : i32
  %4 = arith.remui %v, %holes : vector<4xi32>
  return %0, %1, %2, %3, %4 : i32, vector<4xi32>, i32, i32, vector<4xi32>
}

// Dynamic tensors are left to the scalar code element-wise-to-linalg makes.
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: arith.select
// CHECK: arith.divsi %{{.*}}, %{{.*}} : tensor<?xi32>
func.func @dynamic(%x: tensor<?xi32>, %d: tensor<?xi32>) -> tensor<?xi32> {
  %0 = arith.divsi %x, %d : tensor<?xi32>
  return %0 : tensor<?xi32>
}

// The index dialect's divisions too.
// CHECK-LABEL: func.func @index_ops
// CHECK: %[[Z:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : index
// CHECK: arith.select
// CHECK: index.divs
// CHECK: arith.select
// CHECK: index.remu
// CHECK: arith.select
// CHECK: index.floordivs
func.func @index_ops(%x: index, %d: index) -> (index, index, index) {
  %0 = index.divs %x, %d
  %1 = index.remu %x, %d
  %2 = index.floordivs %x, %d
  return %0, %1, %2 : index, index, index
}

// In i1 no divisor is safe (the only one that is not 0, -1, overflows
// -1 / -1, which LLVM may assume never happens): a signed quotient is the
// dividend, as dividing by 1 gives it, and a signed remainder is 0;
// unsigned i1 divisions divide by 1 where the divisor is 0.
// CHECK-LABEL: func.func @bits
// CHECK-SAME: (%[[X:[^:]*]]: i1, %[[D:[^:]*]]: i1, %[[V:[^:]*]]: tensor<4xi1>, %[[W:[^:]*]]: tensor<4xi1>)
// CHECK-NOT: arith.divsi
// CHECK-NOT: arith.ceildivsi
// CHECK-NOT: arith.floordivsi
// CHECK: %[[ZERO:.*]] = arith.constant dense<false> : tensor<4xi1>
// CHECK-NOT: arith.remsi
// CHECK: %[[U:.*]] = arith.divui %[[X]], %{{.*}} : i1
// CHECK: return %[[X]], %[[X]], %[[V]], %[[ZERO]], %[[U]]
func.func @bits(%x: i1, %d: i1, %v: tensor<4xi1>, %w: tensor<4xi1>)
    -> (i1, i1, tensor<4xi1>, tensor<4xi1>, i1) {
  %q = arith.divsi %x, %d : i1
  %c = arith.ceildivsi %x, %d : i1
  %f = arith.floordivsi %v, %w : tensor<4xi1>
  %r = arith.remsi %v, %w : tensor<4xi1>
  %u = arith.divui %x, %d : i1
  return %q, %c, %f, %r, %u : i1, i1, tensor<4xi1>, tensor<4xi1>, i1
}
