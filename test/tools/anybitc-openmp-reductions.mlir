// Parallel loops with reductions on OpenMP threads (--num-threads=2):
// integer reductions of widths without atomics (i1, i5, i17) and of index
// ran into invalid atomics; a loop with a reduction OpenMP cannot combine
// (a difference, a bf16 sum, a float maximum) after one it can was left
// half rewritten. Every result matches the reference VM.
// RUN: anybitc %s --num-threads=2 --run=widths --inputs 'dense<[3, -7, 12, -16, 15, 1, 0, -1, 9, -9, 4, 5]>' --check | FileCheck %s --check-prefix=WIDTHS
// RUN: anybitc %s --num-threads=2 --run=mixed --inputs 'dense<[3, -7, 12, -16, 15, 1, 0, -1, 9, -9, 4, 5]>' --check | FileCheck %s --check-prefix=MIXED
// RUN: anybitc %s --num-threads=2 --run=floats --inputs 'dense<[1.5, -2.0, 0.25, 3.0, -0.5, 8.0, 1.0, -1.0, 2.0, 0.5, -4.0, 6.0]>' --check | FileCheck %s --check-prefix=FLOATS
// Upstream starts a float compare-and-select maximum from the largest
// finite value: a maximum of -infs came out -3.4e38.
// RUN: anybitc %s --num-threads=2 --run=select_max --inputs 'dense<0xFF800000>' --check | FileCheck %s --check-prefix=SELECT
// RUN: anybitc %s --num-threads=2 --emit=llvm -o - | FileCheck %s --check-prefix=OMP

// WIDTHS: result0: i17 = 16
// WIDTHS: result1: i5 = 15
// WIDTHS: result2: i5 = -16
// WIDTHS: result3: i1 = 0
// WIDTHS: result4: index = -1
// WIDTHS: check: 5 results match the reference VM
// MIXED: result0: i32 = 16
// MIXED: result1: i32 = -16
// MIXED: check: 2 results match the reference VM
// FLOATS: result0: bf16 = 14.75
// FLOATS: result1: f32 = 8
// FLOATS: check: 2 results match the reference VM
// SELECT: result0: f32 = -inf
// SELECT: check: 1 results match the reference VM
// The widened reductions are OpenMP's: one parallel region per loop that
// keeps running in parallel (widths), none for those that run sequentially.
// OMP-LABEL: define {{.*}} @widths(
// OMP: call void {{.*}}@__kmpc_fork_call
// OMP-LABEL: define {{.*}} @mixed(
// OMP-NOT: __kmpc_fork_call
// OMP-LABEL: define {{.*}} @floats(

func.func @widths(%t: tensor<12xi32>) -> (i17, i5, i5, i1, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c12 = arith.constant 12 : index
  %z17 = arith.constant 0 : i17
  %lo = arith.constant -16 : i5
  %hi = arith.constant 15 : i5
  %f = arith.constant false
  %zi = arith.constant 0 : index
  %r:5 = scf.parallel (%i) = (%c0) to (%c12) step (%c1)
      init (%z17, %lo, %hi, %f, %zi) -> (i17, i5, i5, i1, index) {
    %x = tensor.extract %t[%i] : tensor<12xi32>
    %x17 = arith.trunci %x : i32 to i17
    %x5 = arith.trunci %x : i32 to i5
    %x1 = arith.trunci %x : i32 to i1
    %xi = arith.index_cast %x : i32 to index
    scf.reduce(%x17, %x5, %x5, %x1, %xi : i17, i5, i5, i1, index) {
    ^bb0(%a: i17, %b: i17):
      %s = arith.addi %b, %a : i17
      scf.reduce.return %s : i17
    }, {
    ^bb0(%a: i5, %b: i5):
      %s = arith.maxsi %a, %b : i5
      scf.reduce.return %s : i5
    }, {
    ^bb0(%a: i5, %b: i5):
      %s = arith.minsi %a, %b : i5
      scf.reduce.return %s : i5
    }, {
    ^bb0(%a: i1, %b: i1):
      %s = arith.xori %a, %b : i1
      scf.reduce.return %s : i1
    }, {
    ^bb0(%a: index, %b: index):
      %s = arith.maxui %a, %b : index
      scf.reduce.return %s : index
    }
  }
  return %r#0, %r#1, %r#2, %r#3, %r#4 : i17, i5, i5, i1, index
}

func.func @mixed(%t: tensor<12xi32>) -> (i32, i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0 : i32
  %r:2 = scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c4) step (%c1, %c1)
      init (%z, %z) -> (i32, i32) {
    %k = affine.apply affine_map<(d0, d1) -> (d0 * 4 + d1)>(%i, %j)
    %x = tensor.extract %t[%k] : tensor<12xi32>
    scf.reduce(%x, %x : i32, i32) {
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      scf.reduce.return %s : i32
    }, {
    ^bb0(%a: i32, %b: i32):
      %s = arith.subi %a, %b : i32
      scf.reduce.return %s : i32
    }
  }
  return %r#0, %r#1 : i32, i32
}

func.func @floats(%t: tensor<12xf32>) -> (bf16, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c12 = arith.constant 12 : index
  %zb = arith.constant 0.0 : bf16
  %ninf = arith.constant 0xFF800000 : f32
  %r:2 = scf.parallel (%i) = (%c0) to (%c12) step (%c1)
      init (%zb, %ninf) -> (bf16, f32) {
    %x = tensor.extract %t[%i] : tensor<12xf32>
    %xb = arith.truncf %x : f32 to bf16
    scf.reduce(%xb, %x : bf16, f32) {
    ^bb0(%a: bf16, %b: bf16):
      %s = arith.addf %a, %b : bf16
      scf.reduce.return %s : bf16
    }, {
    ^bb0(%a: f32, %b: f32):
      %s = arith.maximumf %a, %b : f32
      scf.reduce.return %s : f32
    }
  }
  return %r#0, %r#1 : bf16, f32
}

func.func @select_max(%t: tensor<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %init = arith.constant 0xFF800000 : f32
  %r = scf.parallel (%i) = (%c0) to (%c8) step (%c1) init (%init) -> f32 {
    %x = tensor.extract %t[%i] : tensor<8xf32>
    scf.reduce(%x : f32) {
    ^bb0(%a: f32, %b: f32):
      %gt = arith.cmpf ogt, %a, %b : f32
      %m = arith.select %gt, %a, %b : f32
      scf.reduce.return %m : f32
    }
  }
  return %r : f32
}
