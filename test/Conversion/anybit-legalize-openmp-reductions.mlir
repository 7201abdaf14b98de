// RUN: anybit-opt %s --anybit-legalize-openmp-reductions --split-input-file | FileCheck %s

// An i17 sum (its operands swapped) is carried in i32 in upstream's form,
// and truncated back after the loop.

// CHECK-LABEL: func.func @odd_width_sum(
// CHECK-SAME: %[[INIT:[^:]*]]: i17
// CHECK: %[[WIDE_INIT:.*]] = arith.extui %[[INIT]] : i17 to i32
// CHECK: %[[WIDE:.*]] = scf.parallel (%{{.*}}) = {{.*}} init (%[[WIDE_INIT]]) -> i32 {
// CHECK: %[[X:.*]] = memref.load
// CHECK: %[[WIDE_X:.*]] = arith.extui %[[X]] : i17 to i32
// CHECK: scf.reduce(%[[WIDE_X]] : i32) {
// CHECK: ^bb0(%[[A:.*]]: i32, %[[B:.*]]: i32):
// CHECK-NEXT: %[[S:.*]] = arith.addi %[[A]], %[[B]] : i32
// CHECK-NEXT: scf.reduce.return %[[S]] : i32
// CHECK: %[[NARROW:.*]] = arith.trunci %[[WIDE]] : i32 to i17
// CHECK: return %[[NARROW]] : i17
func.func @odd_width_sum(%init: i17, %m: memref<8xi17>) -> i17 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %r = scf.parallel (%i) = (%c0) to (%c8) step (%c1) init (%init) -> i17 {
    %x = memref.load %m[%i] : memref<8xi17>
    scf.reduce(%x : i17) {
    ^bb0(%a: i17, %b: i17):
      %s = arith.addi %b, %a overflow<nsw> : i17
      scf.reduce.return %s : i17
    }
  }
  return %r : i17
}

// -----

// Signed min/max extend by sign, unsigned ones and index values by zero;
// each becomes a compare and select. An f32 product keeps its type and
// its fast-math flags.

// CHECK-LABEL: func.func @min_max(
// CHECK-SAME: %[[S:[^:]*]]: i5, %[[U:[^:]*]]: index, %[[F:[^:]*]]: f32
// CHECK-DAG: %[[S_INIT:.*]] = arith.extsi %[[S]] : i5 to i8
// CHECK-DAG: %[[U_INIT:.*]] = arith.index_castui %[[U]] : index to i64
// CHECK: %[[R:.*]]:3 = scf.parallel {{.*}} init (%[[S_INIT]], %[[U_INIT]], %[[F]]) -> (i8, i64, f32) {
// CHECK-DAG: %[[SX:.*]] = arith.extsi %{{.*}} : i5 to i8
// CHECK-DAG: %[[UX:.*]] = arith.index_castui %{{.*}} : index to i64
// CHECK: scf.reduce(%[[SX]], %[[UX]], %{{.*}} : i8, i64, f32) {
// CHECK: ^bb0(%[[A:.*]]: i8, %[[B:.*]]: i8):
// CHECK-NEXT: %[[GT:.*]] = arith.cmpi sgt, %[[A]], %[[B]] : i8
// CHECK-NEXT: %[[MAX:.*]] = arith.select %[[GT]], %[[A]], %[[B]] : i8
// CHECK-NEXT: scf.reduce.return %[[MAX]] : i8
// CHECK: ^bb0(%[[C:.*]]: i64, %[[D:.*]]: i64):
// CHECK-NEXT: %[[LT:.*]] = arith.cmpi ult, %[[C]], %[[D]] : i64
// CHECK-NEXT: %[[MIN:.*]] = arith.select %[[LT]], %[[C]], %[[D]] : i64
// CHECK-NEXT: scf.reduce.return %[[MIN]] : i64
// CHECK: ^bb0(%[[E:.*]]: f32, %[[G:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[E]], %[[G]] fastmath<contract> : f32
// CHECK-NEXT: scf.reduce.return %[[P]] : f32
// CHECK-DAG: %[[S_OUT:.*]] = arith.trunci %[[R]]#0 : i8 to i5
// CHECK-DAG: %[[U_OUT:.*]] = arith.index_cast %[[R]]#1 : i64 to index
// CHECK: return %[[S_OUT]], %[[U_OUT]], %[[R]]#2 : i5, index, f32
func.func @min_max(%s: i5, %u: index, %f: f32, %ms: memref<8xi5>,
                   %mu: memref<8xindex>, %mf: memref<8xf32>) -> (i5, index, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %r:3 = scf.parallel (%i) = (%c0) to (%c8) step (%c1) init (%s, %u, %f) -> (i5, index, f32) {
    %x = memref.load %ms[%i] : memref<8xi5>
    %y = memref.load %mu[%i] : memref<8xindex>
    %z = memref.load %mf[%i] : memref<8xf32>
    scf.reduce(%x, %y, %z : i5, index, f32) {
    ^bb0(%a: i5, %b: i5):
      %t = arith.maxsi %a, %b : i5
      scf.reduce.return %t : i5
    }, {
    ^bb0(%a: index, %b: index):
      %t = arith.minui %b, %a : index
      scf.reduce.return %t : index
    }, {
    ^bb0(%a: f32, %b: f32):
      %t = arith.mulf %a, %b fastmath<contract> : f32
      scf.reduce.return %t : f32
    }
  }
  return %r#0, %r#1, %r#2 : i5, index, f32
}

// -----

// A loop with one reduction OpenMP cannot combine (a difference) runs
// sequentially: a nest of scf.for, each iteration's values folded into the
// accumulators (first block argument) in row-major order.

// CHECK-LABEL: func.func @sequential(
// CHECK-SAME: %[[INIT:[^:]*]]: i32, %[[M:[^:]*]]: memref<2x3xi32>
// CHECK-NOT: scf.parallel
// CHECK: %[[R:.*]]:2 = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[S0:.*]] = %[[INIT]], %[[D0:.*]] = %[[INIT]]) -> (i32, i32) {
// CHECK-NEXT: %[[IN:.*]]:2 = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[S:.*]] = %[[S0]], %[[D:.*]] = %[[D0]]) -> (i32, i32) {
// CHECK-NEXT: %[[X:.*]] = memref.load %[[M]][%[[I]], %[[J]]] : memref<2x3xi32>
// CHECK-NEXT: %[[SUM:.*]] = arith.addi %[[S]], %[[X]] : i32
// CHECK-NEXT: %[[DIFF:.*]] = arith.subi %[[D]], %[[X]] : i32
// CHECK-NEXT: scf.yield %[[SUM]], %[[DIFF]] : i32, i32
// CHECK: scf.yield %[[IN]]#0, %[[IN]]#1 : i32, i32
// CHECK: return %[[R]]#0, %[[R]]#1 : i32, i32
func.func @sequential(%init: i32, %m: memref<2x3xi32>) -> (i32, i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %r:2 = scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c3) step (%c1, %c1) init (%init, %init) -> (i32, i32) {
    %x = memref.load %m[%i, %j] : memref<2x3xi32>
    scf.reduce(%x, %x : i32, i32) {
    ^bb0(%a: i32, %b: i32):
      %t = arith.addi %a, %b : i32
      scf.reduce.return %t : i32
    }, {
    ^bb0(%a: i32, %b: i32):
      %t = arith.subi %a, %b : i32
      scf.reduce.return %t : i32
    }
  }
  return %r#0, %r#1 : i32, i32
}

// -----

// Float min/max (upstream would start them from the largest finite value)
// run sequentially; a loop without reductions stays parallel.

// CHECK-LABEL: func.func @float_max(
// CHECK-NOT: scf.parallel
// CHECK: scf.for
// CHECK: arith.maximumf
// CHECK-LABEL: func.func @no_reduction(
// CHECK: scf.parallel
func.func @float_max(%init: f32, %m: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %r = scf.parallel (%i) = (%c0) to (%c8) step (%c1) init (%init) -> f32 {
    %x = memref.load %m[%i] : memref<8xf32>
    scf.reduce(%x : f32) {
    ^bb0(%a: f32, %b: f32):
      %t = arith.maximumf %a, %b : f32
      scf.reduce.return %t : f32
    }
  }
  return %r : f32
}

func.func @no_reduction(%m: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.store %one, %m[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
