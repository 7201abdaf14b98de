// linalg structured ops on the reference VM: the body runs once per point
// of the iteration space, the last loop fastest, and reductions accumulate
// in that order. Expected values were computed by hand.

// RUN: anybit-run %s --entry matmul --input 'dense<[[1, 2, 3], [-4, 5, 6]]>' --input 'dense<[[7, 8], [9, 10], [11, -12]]>' | FileCheck %s --match-full-lines --check-prefix=MATMUL
// RUN: anybit-run %s --entry wrapping_sum --input 'dense<[[3, 3, 3], [-4, -4, 1]]>' | FileCheck %s --match-full-lines --check-prefix=SUM
// RUN: anybit-run %s --entry index | FileCheck %s --match-full-lines --check-prefix=INDEX
// RUN: anybit-run %s --entry moves --input 'dense<[[1, 2, 3], [4, 5, 6]]>' --input 'dense<[10, 20]>' | FileCheck %s --match-full-lines --check-prefix=MOVES
// RUN: anybit-run %s --entry map_reduce --input 'dense<[[1.5, -2.0], [0.25, 8.0]]>' | FileCheck %s --match-full-lines --check-prefix=MAPRED
// RUN: anybit-run %s --entry empty_space --input 'dense<[[1, 2, 3], [4, 5, 6]]>' | FileCheck %s --match-full-lines --check-prefix=EMPTY
// RUN: not anybit-run %s --entry out_of_bounds --input 'dense<[1, 2, 3]>' 2>&1 | FileCheck %s --check-prefix=BOUNDS
// RUN: not anybit-run %s --entry too_many_points --input 0 2>&1 | FileCheck %s --check-prefix=POINTS

// i8 x i8 -> i32: the body sign-extends both factors.
// MATMUL: result0: tensor<2x2xi32> = {{\[\[}}58, -8], [83, -54]]
func.func @matmul(%a: tensor<2x3xi8>, %b: tensor<3x2xi8>) -> tensor<2x2xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x2xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<2x2xi32>) -> tensor<2x2xi32>
  %c = linalg.matmul ins(%a, %b : tensor<2x3xi8>, tensor<3x2xi8>)
                     outs(%init : tensor<2x2xi32>) -> tensor<2x2xi32>
  return %c : tensor<2x2xi32>
}

// Row sums in i3 wrap modulo 8: 3 + 3 + 3 = 9 = 1, -4 - 4 + 1 = -7 = 1.
// SUM: result0: tensor<2xi3> = [1, 1]
func.func @wrapping_sum(%a: tensor<2x3xi3>) -> tensor<2xi3> {
  %zero = arith.constant 0 : i3
  %e = tensor.empty() : tensor<2xi3>
  %init = linalg.fill ins(%zero : i3) outs(%e : tensor<2xi3>) -> tensor<2xi3>
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<2x3xi3>) outs(%init : tensor<2xi3>) {
  ^bb0(%x: i3, %acc: i3):
    %y = arith.addi %acc, %x : i3
    linalg.yield %y : i3
  } -> tensor<2xi3>
  return %s : tensor<2xi3>
}

// 10 i + j, of each point.
// INDEX: result0: tensor<2x3xi7> = {{\[\[}}0, 1, 2], [10, 11, 12]]
func.func @index() -> tensor<2x3xi7> {
  %e = tensor.empty() : tensor<2x3xi7>
  %ten = arith.constant 10 : index
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<2x3xi7>) {
  ^bb0(%out: i7):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %ti = arith.muli %i, %ten : index
    %v = arith.addi %ti, %j : index
    %w = arith.index_cast %v : index to i7
    linalg.yield %w : i7
  } -> tensor<2x3xi7>
  return %r : tensor<2x3xi7>
}

// MOVES: result0: tensor<3x2xui5> = {{\[\[}}1, 4], [2, 5], [3, 6]]
// MOVES-NEXT: result1: tensor<2x3xui5> = {{\[\[}}1, 2, 3], [4, 5, 6]]
// MOVES-NEXT: result2: tensor<2x3xui5> = {{\[\[}}10, 10, 10], [20, 20, 20]]
func.func @moves(%a: tensor<2x3xui5>, %v: tensor<2xui5>)
    -> (tensor<3x2xui5>, tensor<2x3xui5>, tensor<2x3xui5>) {
  %e32 = tensor.empty() : tensor<3x2xui5>
  %e23 = tensor.empty() : tensor<2x3xui5>
  %t = linalg.transpose ins(%a : tensor<2x3xui5>) outs(%e32 : tensor<3x2xui5>) permutation = [1, 0]
  %c = linalg.copy ins(%a : tensor<2x3xui5>) outs(%e23 : tensor<2x3xui5>) -> tensor<2x3xui5>
  %b = linalg.broadcast ins(%v : tensor<2xui5>) outs(%e23 : tensor<2x3xui5>) dimensions = [1]
  return %t, %c, %b : tensor<3x2xui5>, tensor<2x3xui5>, tensor<2x3xui5>
}

// linalg.map's payload doubles its second input; linalg.reduce adds along
// dimension 0 in e3m2 (products 3.0, -4.0, 0.5, 16.0; sums 3.5, 12.0).
// MAPRED: result0: tensor<2x2xf6E3M2FN> = {{\[\[}}3, -4], [0.5, 16]]
// MAPRED-NEXT: result1: tensor<2xf6E3M2FN> = [3.5, 12]
func.func @map_reduce(%a: tensor<2x2xf6E3M2FN>)
    -> (tensor<2x2xf6E3M2FN>, tensor<2xf6E3M2FN>) {
  %e = tensor.empty() : tensor<2x2xf6E3M2FN>
  %m = linalg.map ins(%a, %a : tensor<2x2xf6E3M2FN>, tensor<2x2xf6E3M2FN>)
                  outs(%e : tensor<2x2xf6E3M2FN>)
    (%x: f6E3M2FN, %y: f6E3M2FN, %out: f6E3M2FN) {
      %two = arith.constant 2.0 : f6E3M2FN
      %p = arith.mulf %y, %two : f6E3M2FN
      linalg.yield %p : f6E3M2FN
    }
  %z = arith.constant 0.0 : f6E3M2FN
  %r0 = tensor.empty() : tensor<2xf6E3M2FN>
  %r1 = linalg.fill ins(%z : f6E3M2FN) outs(%r0 : tensor<2xf6E3M2FN>) -> tensor<2xf6E3M2FN>
  %r = linalg.reduce ins(%m : tensor<2x2xf6E3M2FN>)
                     outs(%r1 : tensor<2xf6E3M2FN>) dimensions = [0]
    (%x: f6E3M2FN, %acc: f6E3M2FN) {
      %s = arith.addf %x, %acc : f6E3M2FN
      linalg.yield %s : f6E3M2FN
    }
  return %m, %r : tensor<2x2xf6E3M2FN>, tensor<2xf6E3M2FN>
}

// A loop of size 0: the body never runs and the init comes back.
// EMPTY: result0: tensor<2xi32> = [7, 7]
func.func @empty_space(%a: tensor<2x3xi32>) -> tensor<2xi32> {
  %seven = arith.constant dense<7> : tensor<2xi32>
  %none = tensor.extract_slice %a[0, 0] [2, 0] [1, 1] : tensor<2x3xi32> to tensor<2x0xi32>
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%none : tensor<2x0xi32>) outs(%seven : tensor<2xi32>) {
  ^bb0(%x: i32, %acc: i32):
    %y = arith.addi %acc, %x : i32
    linalg.yield %y : i32
  } -> tensor<2xi32>
  return %s : tensor<2xi32>
}

// An image outside the operand (the verifier checks the map at the last
// point only) is an error at the op, not a wild read.
// BOUNDS: linalg.mlir:[[# @LINE + 3]]:8: error: indexing map #0 takes iteration point (1) out of operand #0's bounds
func.func @out_of_bounds(%a: tensor<3xi8>) -> tensor<3xi8> {
  %e = tensor.empty() : tensor<3xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i mod 2 + 2)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%a : tensor<3xi8>) outs(%e : tensor<3xi8>) {
  ^bb0(%x: i8, %out: i8):
    linalg.yield %x : i8
  } -> tensor<3xi8>
  return %r : tensor<3xi8>
}

// An iteration space the VM would take hours over is reported up front (an
// argument keeps the compiled-examples check, which runs argument-free
// functions, away from it).
// POINTS: linalg.mlir:[[# @LINE + 4]]:8: error: the reference VM runs linalg ops of at most 2^32 iteration points, not 4900000000
func.func @too_many_points(%unused: i8) -> tensor<i32> {
  %a = tensor.empty() : tensor<70000xi8>
  %z = arith.constant dense<0> : tensor<i32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> ()>],
                       iterator_types = ["reduction", "reduction"]}
      ins(%a, %a : tensor<70000xi8>, tensor<70000xi8>) outs(%z : tensor<i32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    linalg.yield %acc : i32
  } -> tensor<i32>
  return %r : tensor<i32>
}
