// RUN: anybit-opt %s --anybit-widen-loop-indices | FileCheck %s

// The i5 loop from -16 to 15 runs 31 times: over i64, with the index
// truncated for the body.
// CHECK-LABEL: func.func @signed
// CHECK: %[[LB:.*]] = arith.extsi %{{.*}} : i5 to i64
// CHECK: %[[UB:.*]] = arith.extsi %{{.*}} : i5 to i64
// CHECK: %[[ST:.*]] = arith.extsi %{{.*}} : i5 to i64
// CHECK: scf.for %[[I:.*]] = %[[LB]] to %[[UB]] step %[[ST]] iter_args(%[[S:.*]] = %{{.*}}) -> (i5) : i64 {
// CHECK:   %[[N:.*]] = arith.trunci %[[I]] : i64 to i5
// CHECK:   arith.addi %[[S]], %[[N]] : i5
func.func @signed(%z: i5) -> i5 {
  %lb = arith.constant -16 : i5
  %ub = arith.constant 15 : i5
  %step = arith.constant 1 : i5
  %r = scf.for %i = %lb to %ub step %step iter_args(%s = %z) -> (i5) : i5 {
    %s2 = arith.addi %s, %i : i5
    scf.yield %s2 : i5
  }
  return %r : i5
}

// unsignedCmp zero-extends.
// CHECK-LABEL: func.func @unsigned
// CHECK: arith.extui %{{.*}} : i4 to i64
// CHECK: scf.for unsigned
func.func @unsigned(%lb: i4, %ub: i4, %step: i4, %m: memref<1xi4>) {
  %c0 = arith.constant 0 : index
  scf.for unsigned %i = %lb to %ub step %step : i4 {
    memref.store %i, %m[%c0] : memref<1xi4>
  }
  return
}

// index and i64 loops stay.
// CHECK-LABEL: func.func @index
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NOT: arith.ext
func.func @index(%n: index, %m: memref<1xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    memref.store %i, %m[%c0] : memref<1xindex>
  }
  return
}
