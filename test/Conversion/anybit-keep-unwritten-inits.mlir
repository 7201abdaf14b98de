// RUN: anybit-opt %s --pass-pipeline="builtin.module(func.func(anybit-keep-unwritten-inits))" --split-input-file | FileCheck %s

// An output map that is not a projected permutation, and a payload that
// does not read the init: a loop nest carries the init, so that element 2,
// which no point writes, keeps its value.
// CHECK-LABEL: func.func @mod_map(
// CHECK-SAME: %[[A:[^:]*]]: tensor<5xi8>, %[[INIT:[^:]*]]: tensor<3xi8>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[R:.*]] = scf.for %[[I:.*]] = %[[C0]] to %[[C5]] step %[[C1]] iter_args(%[[ACC:.*]] = %[[INIT]]) -> (tensor<3xi8>) {
// CHECK:   %[[AI:.*]] = affine.apply #{{.*}}(%[[I]])
// CHECK:   %[[X:.*]] = tensor.extract %[[A]][%[[AI]]] : tensor<5xi8>
// CHECK:   %[[Y:.*]] = arith.addi %[[X]], %[[X]] : i8
// CHECK:   %[[OI:.*]] = affine.apply #{{.*}}(%[[I]])
// CHECK:   %[[N:.*]] = tensor.insert %[[Y]] into %[[ACC]][%[[OI]]] : tensor<3xi8>
// CHECK:   scf.yield %[[N]] : tensor<3xi8>
// CHECK: return %[[R]] : tensor<3xi8>
func.func @mod_map(%a: tensor<5xi8>, %init: tensor<3xi8>) -> tensor<3xi8> {
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i mod 2)>],
                       iterator_types = ["parallel"]}
      ins(%a : tensor<5xi8>) outs(%init : tensor<3xi8>) {
  ^bb0(%x: i8, %out: i8):
    %y = arith.addi %x, %x : i8
    linalg.yield %y : i8
  } -> tensor<3xi8>
  return %r : tensor<3xi8>
}

// -----

// An empty iteration space writes nothing: a loop of no iterations leaves
// the init, zeros for a tensor.empty (the VM's), and linalg.index becomes
// the induction variable.
// CHECK-LABEL: func.func @empty_space(
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4xi32>
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: %[[F:.*]] = linalg.fill ins(%[[Z]] : i32) outs(%[[E]] : tensor<4xi32>) -> tensor<4xi32>
// CHECK: scf.for %[[I:.*]] = {{.*}} iter_args(%{{.*}} = %[[F]])
// CHECK:   scf.for %[[J:.*]] = {{.*}} iter_args
// CHECK:     arith.index_cast %[[J]] : index to i32
// CHECK-NOT: linalg.generic
func.func @empty_space(%a: tensor<4x0xi32>) -> tensor<4xi32> {
  %e = tensor.empty() : tensor<4xi32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<4x0xi32>) outs(%e : tensor<4xi32>) {
  ^bb0(%x: i32, %acc: i32):
    %j = linalg.index 1 : index
    %jj = arith.index_cast %j : index to i32
    linalg.yield %jj : i32
  } -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

// An empty iteration space becomes loops even where the payload reads the
// init: folding after this pass (fusing the constant operand, which makes
// `muli %c, %acc` a 0) could make it stop reading it.
// CHECK-LABEL: func.func @empty_space_reading_init(
// CHECK-SAME: %[[A:[^:]*]]: tensor<4x0xi32>, %[[INIT:[^:]*]]: tensor<4xi32>
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %[[INIT]])
// CHECK-NOT: linalg.generic
func.func @empty_space_reading_init(%a: tensor<4x0xi32>, %init: tensor<4xi32>)
    -> tensor<4xi32> {
  %c = arith.constant dense<0> : tensor<4x0xi32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%a, %c : tensor<4x0xi32>, tensor<4x0xi32>) outs(%init : tensor<4xi32>) {
  ^bb0(%x: i32, %k: i32, %acc: i32):
    %m = arith.muli %k, %acc : i32
    linalg.yield %m : i32
  } -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

// Ops that write every element, or read their init, stay as they are.
// CHECK-LABEL: func.func @untouched(
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT: scf.for
func.func @untouched(%a: tensor<4x3xi8>, %init: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>) {
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<4x3xi8>) outs(%init : tensor<4xi8>) {
  ^bb0(%x: i8, %acc: i8):
    linalg.yield %x : i8
  } -> tensor<4xi8>
  %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ((i + j) mod 2)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x3xi8>) outs(%init : tensor<4xi8>) {
  ^bb0(%x: i8, %acc: i8):
    %y = arith.addi %acc, %x : i8
    linalg.yield %y : i8
  } -> tensor<4xi8>
  return %s, %t : tensor<4xi8>, tensor<4xi8>
}

// -----

// A linalg.map whose payload reads its init's element becomes the
// equivalent linalg.generic, which says it reads the init (upstream's map
// says it does not, and bufferization left the buffer unfilled).
// CHECK-LABEL: func.func @map_reads_init(
// CHECK-NOT: linalg.map
// CHECK: %[[F:.*]] = linalg.fill
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<3xi8>) outs(%[[F]] : tensor<3xi32>)
// CHECK: ^bb0(%[[IN:.*]]: i8, %[[OUT:.*]]: i32):
// CHECK: %[[X:.*]] = arith.extsi %[[IN]] : i8 to i32
// CHECK: %[[S:.*]] = arith.addi %[[X]], %[[OUT]] : i32
// CHECK: linalg.yield %[[S]] : i32
// CHECK: linalg.map { arith.extsi } ins(%{{.*}} : tensor<3xi8>)
func.func @map_reads_init(%a: tensor<3xi8>) -> (tensor<3xi32>, tensor<3xi32>, tensor<3xi32>) {
  %c4 = arith.constant 4 : i32
  %e = tensor.empty() : tensor<3xi32>
  %f = linalg.fill ins(%c4 : i32) outs(%e : tensor<3xi32>) -> tensor<3xi32>
  %m = linalg.map ins(%a : tensor<3xi8>) outs(%f : tensor<3xi32>)
    (%x: i8, %o: i32) {
      %w = arith.extsi %x : i8 to i32
      %s = arith.addi %w, %o : i32
      linalg.yield %s : i32
    }
  // A map that does not read its init stays a map.
  %n = linalg.map ins(%a : tensor<3xi8>) outs(%e : tensor<3xi32>)
    (%x: i8, %unread: i32) {
      %w = arith.extsi %x : i8 to i32
      linalg.yield %w : i32
    }
  return %f, %m, %n : tensor<3xi32>, tensor<3xi32>, tensor<3xi32>
}
