// Integers wider than a double's 53-bit significand must reach a float
// result with a single rounding, as anybit.cast does. v = 2^53 + 2^29 + 1
// is just above the midpoint between the f32 values 2^53 (0x5A000000) and
// 2^53 + 2^30 (0x5A000001), so it rounds to 0x5A000001; going through
// double first lands exactly on the midpoint (2^53 + 2^29), which then
// ties to even, 0x5A000000.

// RUN: anybit-run %s --entry cast | FileCheck %s --match-full-lines --check-prefix=CAST
// RUN: anybit-run %s --entry matmul_int_acc | FileCheck %s --match-full-lines --check-prefix=MATMUL
// RUN: anybit-run %s --entry matmul_f64_acc | FileCheck %s --match-full-lines --check-prefix=MATMUL-F64
// RUN: anybit-run %s --entry dequantize | FileCheck %s --match-full-lines --check-prefix=DEQUANTIZE

// CAST: result0: i32 = 1509949441
func.func @cast() -> i32 {
  %v = arith.constant 9007199791611905 : i64
  %f = anybit.cast %v : i64 to f32
  %0 = arith.bitcast %f : f32 to i32
  return %0 : i32
}

// An integer accumulator holds the exact sum; "the result is converted to
// the result element type with anybit.cast rules".
// MATMUL: result0: tensor<1x1xi32> = {{\[\[}}1509949441]]
func.func @matmul_int_acc() -> tensor<1x1xi32> {
  %a = arith.constant dense<9007199791611905> : tensor<1x1xi64>
  %b = arith.constant dense<1> : tensor<1x1xi8>
  %m = anybit.matmul %a, %b {accumulator = i64}
         : tensor<1x1xi64>, tensor<1x1xi8> -> tensor<1x1xf32>
  %0 = arith.bitcast %m : tensor<1x1xf32> to tensor<1x1xi32>
  return %0 : tensor<1x1xi32>
}

// With an f64 accumulator the operand is rounded to f64 first, by
// definition, so here the tie to even is the specified result.
// MATMUL-F64: result0: tensor<1x1xi32> = {{\[\[}}1509949440]]
func.func @matmul_f64_acc() -> tensor<1x1xi32> {
  %a = arith.constant dense<9007199791611905> : tensor<1x1xi64>
  %b = arith.constant dense<1> : tensor<1x1xi8>
  %m = anybit.matmul %a, %b {accumulator = f64}
         : tensor<1x1xi64>, tensor<1x1xi8> -> tensor<1x1xf32>
  %0 = arith.bitcast %m : tensor<1x1xf32> to tensor<1x1xi32>
  return %0 : tensor<1x1xi32>
}

// dequantize computes (q - z) * s in double precision: exact, and so
// rounded once, while the product fits 53 bits. A 54-bit code is rounded to
// double first (docs/semantics.md states the limit): 2^53 + 2^29 + 1 ties
// to 2^53 + 2^29 in double, then to 0x5A000000 in f32.
// DEQUANTIZE: result0: tensor<1xi32> = [1509949440]
func.func @dequantize() -> tensor<1xi32> {
  %q = arith.constant dense<9007199791611905> : tensor<1xi64>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %p = anybit.pack %q scales(%s) : tensor<1xi64>, tensor<1xf32>
         -> tensor<1xi64, #anybit.packed<block = [1], scale = f32>>
  %d = anybit.dequantize %p
         : tensor<1xi64, #anybit.packed<block = [1], scale = f32>> -> tensor<1xf32>
  %0 = arith.bitcast %d : tensor<1xf32> to tensor<1xi32>
  return %0 : tensor<1xi32>
}
