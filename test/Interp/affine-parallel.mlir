// affine.parallel on the VM: each dimension from the largest of its lower
// bounds while below the smallest of its upper bounds, by its step; each
// yielded value is folded into an accumulator that starts at the
// reduction's identity, as upstream's lowering does.
// RUN: anybit-run %s --entry sums --input 'dense<[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]>' --input 1 | FileCheck %s --match-full-lines --check-prefix=SUMS
// RUN: anybit-run %s --entry sums --input 'dense<[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]>' --input 3 | FileCheck %s --match-full-lines --check-prefix=ROWS12
// RUN: anybit-run %s --entry float_folds --input 'dense<[0.5, -3.0, 2.0, 4.0]>' | FileCheck %s --match-full-lines --check-prefix=FLOATS

// Rows from max(0, n - 2) below min(3, n + 1), columns 0 and 2; n = 1:
// rows 0 and 1, elements 1, 3, 5, 7 (sum 16, product 105, or 7).
// SUMS: result0: i32 = 16
// SUMS-NEXT: result1: i32 = 105
// SUMS-NEXT: result2: i32 = 7
// n = 3: rows 1 and 2 (sum 5 + 7 + 9 + 11).
// ROWS12: result0: i32 = 32
// ROWS12-NEXT: result1: i32 = 3465
// ROWS12-NEXT: result2: i32 = 15
func.func @sums(%x: tensor<3x4xi32>, %n: index) -> (i32, i32, i32) {
  %r:3 = affine.parallel (%i, %j) = (max(0, symbol(%n) - 2), 0)
      to (min(3, symbol(%n) + 1), 4) step (1, 2)
      reduce ("addi", "muli", "ori") -> (i32, i32, i32) {
    %v = tensor.extract %x[%i, %j] : tensor<3x4xi32>
    affine.yield %v, %v, %v : i32, i32, i32
  }
  return %r#0, %r#1, %r#2 : i32, i32, i32
}

// An empty range leaves each accumulator at its identity.
// FLOATS: result0: f32 = -inf
// FLOATS-NEXT: result1: f32 = 1
// FLOATS-NEXT: result2: f32 = 4
// FLOATS-NEXT: result3: f32 = -12
func.func @float_folds(%x: tensor<4xf32>) -> (f32, f32, f32, f32) {
  %e:2 = affine.parallel (%i) = (2) to (1) reduce ("maximumf", "mulf") -> (f32, f32) {
    %v = tensor.extract %x[%i] : tensor<4xf32>
    affine.yield %v, %v : f32, f32
  }
  %r:2 = affine.parallel (%i) = (0) to (4) reduce ("maximumf", "mulf") -> (f32, f32) {
    %v = tensor.extract %x[%i] : tensor<4xf32>
    affine.yield %v, %v : f32, f32
  }
  return %e#0, %e#1, %r#0, %r#1 : f32, f32, f32, f32
}
