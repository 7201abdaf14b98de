// RUN: anybit-opt %s --split-input-file --allow-unregistered-dialect --anybit-guard-loop-steps | FileCheck %s

// A run-time step: the loop counts its trips, 0 where the step is not
// positive, and the body sees lb + k * step.
// CHECK-LABEL: func.func @runtime_step
// CHECK-SAME: (%[[LB:.*]]: index, %[[UB:.*]]: index, %[[S:.*]]: index)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: %[[POS:.*]] = arith.cmpi sgt, %[[S]], %[[ZERO]] : index
// CHECK: %[[NONEMPTY:.*]] = arith.cmpi slt, %[[LB]], %[[UB]] : index
// CHECK: %[[DIV:.*]] = arith.select %[[POS]], %[[S]], %[[ONE]] : index
// CHECK: %[[SPAN:.*]] = arith.subi %[[UB]], %[[LB]] : index
// CHECK: %[[SPANLESS:.*]] = arith.subi %[[SPAN]], %[[ONE]] : index
// CHECK: %[[Q:.*]] = arith.divui %[[SPANLESS]], %[[DIV]] : index
// CHECK: %[[TRIPS:.*]] = arith.addi %[[Q]], %[[ONE]] : index
// CHECK: %[[RUNS:.*]] = arith.andi %[[POS]], %[[NONEMPTY]] : i1
// CHECK: %[[N:.*]] = arith.select %[[RUNS]], %[[TRIPS]], %[[ZERO]] : index
// CHECK: scf.for unsigned %[[K:.*]] = %[[ZERO]] to %[[N]] step %[[ONE]]
// CHECK-NEXT: %[[SCALED:.*]] = arith.muli %[[K]], %[[S]] : index
// CHECK-NEXT: %[[IV:.*]] = arith.addi %[[LB]], %[[SCALED]] : index
// CHECK-NEXT: arith.addi %{{.*}}, %[[IV]] : index
func.func @runtime_step(%lb: index, %ub: index, %s: index) -> index {
  %r = scf.for %i = %lb to %ub step %s iter_args(%a = %lb) -> index {
    %b = arith.addi %a, %i : index
    scf.yield %b : index
  }
  return %r : index
}

// -----

// An unsigned loop over i7: a step is bad only when 0, and bounds compare
// unsigned.
// CHECK-LABEL: func.func @unsigned_narrow
// CHECK: arith.cmpi ne, %{{.*}}, %{{.*}} : i7
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : i7
// CHECK: scf.for unsigned %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} : i7
func.func @unsigned_narrow(%lb: i7, %ub: i7, %s: i7) {
  scf.for unsigned %i = %lb to %ub step %s : i7 {
    "test.use"(%i) : (i7) -> ()
  }
  return
}

// -----

// Steps of 1 never wrap, nor do constant steps whose last step stays at
// most the top of the type (119 + 8 = 127 over i8): these loops are left as
// they are. (The verifier rejects parallel loops of constant steps that are
// not positive.)
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: arith.divui
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1 {
// CHECK: scf.for %{{.*}} = %{{.*}} to %c100 step %c16 {
// CHECK: scf.for %{{.*}} = %{{.*}} to %c120_i8 step %c8_i8 : i8 {
func.func @left_alone(%lb: index, %ub: index, %lb8: i8) {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c100 = arith.constant 100 : index
  %c7 = arith.constant 8 : i8
  %c120 = arith.constant 120 : i8
  scf.for %i = %lb to %ub step %c1 {
    "test.use"(%i) : (index) -> ()
  }
  scf.for %i = %lb to %c100 step %c16 {
    "test.use"(%i) : (index) -> ()
  }
  scf.for %i = %lb8 to %c120 step %c7 : i8 {
    "test.use"(%i) : (i8) -> ()
  }
  return
}

// -----

// Constant steps whose last step may wrap: a run-time upper bound, or a
// constant one within step - 1 of the top (121 + 8 - 1 > 127 over i8).
// CHECK-LABEL: func.func @may_wrap
// CHECK: arith.divui
// CHECK: scf.for unsigned
// CHECK: arith.divui
// CHECK: scf.for unsigned {{.*}} : i8
func.func @may_wrap(%lb: index, %ub: index, %lb8: i8) {
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : i8
  %c121 = arith.constant 121 : i8
  scf.for %i = %lb to %ub step %c2 {
    "test.use"(%i) : (index) -> ()
  }
  scf.for %i = %lb8 to %c121 step %c8 : i8 {
    "test.use"(%i) : (i8) -> ()
  }
  return
}

// -----

// Parallel loops count the trips of the dimensions that need it, at most
// the largest signed index.
// CHECK-LABEL: func.func @parallel
// CHECK-SAME: (%[[LB:.*]]: index, %[[UB:.*]]: index, %[[S:.*]]: index)
// CHECK: %[[STEP1:.*]] = arith.constant 1 : index
// CHECK: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: %[[ALL:.*]] = arith.constant -1 : index
// CHECK: %[[MAX:.*]] = arith.shrui %[[ALL]], %[[ONE]] : index
// CHECK: %[[TRIPS:.*]] = arith.select %{{.*}}, %{{.*}}, %[[ZERO]] : index
// CHECK: %[[N:.*]] = arith.minui %[[TRIPS]], %[[MAX]] : index
// CHECK: scf.parallel (%[[I:.*]], %[[K:.*]]) = (%[[LB]], %[[ZERO]]) to (%[[UB]], %[[N]]) step (%[[STEP1]], %[[ONE]])
// CHECK-NEXT: %[[SCALED:.*]] = arith.muli %[[K]], %[[S]] : index
// CHECK-NEXT: %[[J:.*]] = arith.addi %[[LB]], %[[SCALED]] : index
// CHECK-NEXT: "test.use"(%[[I]], %[[J]])
func.func @parallel(%lb: index, %ub: index, %s: index) {
  %c1 = arith.constant 1 : index
  scf.parallel (%i, %j) = (%lb, %lb) to (%ub, %ub) step (%c1, %s) {
    "test.use"(%i, %j) : (index, index) -> ()
  }
  return
}

// -----

// scf.forall: a run-time step becomes a count from 0 by 1.
// CHECK-LABEL: func.func @forall
// CHECK-SAME: (%[[UB:.*]]: index, %[[S:.*]]: index
// CHECK: %[[N:.*]] = arith.minui
// CHECK: scf.forall (%[[K:.*]]) in (%[[N]]) shared_outs
// CHECK-NEXT: %[[SCALED:.*]] = arith.muli %[[K]], %[[S]] : index
// CHECK-NEXT: %[[I:.*]] = arith.addi %{{.*}}, %[[SCALED]] : index
// CHECK: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[I]]]
func.func @forall(%ub: index, %s: index, %t: tensor<16xf32>,
                  %x: tensor<1xf32>) -> tensor<16xf32> {
  %r = scf.forall (%i) = (0) to (%ub) step (%s) shared_outs(%o = %t)
      -> tensor<16xf32> {
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %x into %o[%i] [1] [1]
          : tensor<1xf32> into tensor<16xf32>
    }
  }
  return %r : tensor<16xf32>
}

// -----

// Constant steps that are not positive run no iterations too (the VM
// reports them only if it reaches the loop): the trip count folds to 0.
// CHECK-LABEL: func.func @constant_bad_steps
// CHECK: %[[POS:.*]] = arith.cmpi sgt, %c0, %c0{{.*}} : index
// CHECK: scf.for unsigned
// CHECK: %[[NEG:.*]] = arith.cmpi sgt, %c-3_i16, %c0{{.*}} : i16
// CHECK: scf.for unsigned
func.func @constant_bad_steps(%lb: index, %ub: index, %lb16: i16, %ub16: i16) {
  %c0 = arith.constant 0 : index
  scf.for %i = %lb to %ub step %c0 {
    "test.use"(%i) : (index) -> ()
  }
  %c = arith.constant -3 : i16
  scf.for %i = %lb16 to %ub16 step %c : i16 {
    "test.use"(%i) : (i16) -> ()
  }
  return
}

// -----

// A loop over signless i1 compares unsigned, as the VM reads i1 (0 and 1);
// a step of true (1) needs no trip count.
// CHECK-LABEL: func.func @boolean
// CHECK-NOT: arith.divui
// CHECK: scf.for unsigned %{{.*}} = %{{.*}} to %{{.*}} step %true : i1
func.func @boolean(%lb: i1, %ub: i1) {
  %t = arith.constant true
  scf.for %i = %lb to %ub step %t : i1 {
    "test.use"(%i) : (i1) -> ()
  }
  return
}
