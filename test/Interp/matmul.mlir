// anybit.matmul on the reference VM. Integer accumulators take exact
// products and wrapping sums; f32/f64 accumulators round each operand to
// the accumulator type and add the products in ascending k with fused
// multiply-add; block-scaled operands are dequantized first; the result is
// converted with anybit.cast rules. Expected values checked with NumPy.

// RUN: anybit-run %s --entry int_acc --input 'dense<[[1, -2, 3, 127], [-128, 5, 0, -1]]>' --input 'dense<[[1, -4, 3], [2, 3, -1], [-3, 0, 1], [3, -4, 2]]>' | FileCheck %s --match-full-lines --check-prefix=INT
// RUN: anybit-run %s --entry i32_wrap | FileCheck %s --match-full-lines --check-prefix=WRAP
// RUN: anybit-run %s --entry packed_int | FileCheck %s --match-full-lines --check-prefix=PACKED-INT
// RUN: anybit-run %s --entry group_scaled --input 'dense<[[1.0, 0.5, -1.0, 2.0, 0.25, -0.5, 1.5, 1.0]]>' --input 'dense<[[1, -8], [2, 7], [3, -1], [-4, 0], [5, 2], [6, -3], [7, 4], [-1, -5]]>' --input 'dense<[[0.5, 0.25], [0.125, 2.0]]>' | FileCheck %s --match-full-lines --check-prefix=GROUP
// RUN: anybit-run %s --entry e3m2 --input 'dense<[[1.0, 0.5, -2.0], [0.375, 3.0, 1.0]]>' --input 'dense<[[1.5, -0.25], [2.5, 4.0], [0.0625, 28.0]]>' | FileCheck %s --match-full-lines --check-prefix=E3M2
// RUN: anybit-run %s --entry mx | FileCheck %s --match-full-lines --check-prefix=MX
// RUN: anybit-run %s --entry accumulators | FileCheck %s --match-full-lines --check-prefix=ACC
// RUN: anybit-run %s --entry fma_order | FileCheck %s --match-full-lines --check-prefix=FMA
// RUN: anybit-run %s --entry transposed | FileCheck %s --match-full-lines --check-prefix=TRANSPOSED

// A (i8) x B (i3) = [[369, -518, 262], [-121, 531, -391]] exactly.
// Accumulated in i8 the sums wrap mod 256; an i32 sum converted to an i4
// result wraps mod 16; an f32 accumulator gives the exact sums too.
// INT: result0: tensor<2x3xi32> = {{\[\[}}369, -518, 262], [-121, 531, -391]]
// INT-NEXT: result1: tensor<2x3xi8> = {{\[\[}}113, -6, 6], [-121, 19, 121]]
// INT-NEXT: result2: tensor<2x3xi4> = {{\[\[}}1, -6, 6], [7, 3, -7]]
// INT-NEXT: result3: tensor<2x3xf32> = {{\[\[}}369, -518, 262], [-121, 531, -391]]
// INT-NEXT: result4: tensor<2x3xi16> = {{\[\[}}369, -518, 262], [-121, 531, -391]]
func.func @int_acc(%a: tensor<2x4xi8>, %b: tensor<4x3xi3>)
    -> (tensor<2x3xi32>, tensor<2x3xi8>, tensor<2x3xi4>, tensor<2x3xf32>, tensor<2x3xi16>) {
  %0 = anybit.matmul %a, %b {accumulator = i32}
         : tensor<2x4xi8>, tensor<4x3xi3> -> tensor<2x3xi32>
  %1 = anybit.matmul %a, %b {accumulator = i8}
         : tensor<2x4xi8>, tensor<4x3xi3> -> tensor<2x3xi8>
  %2 = anybit.matmul %a, %b {accumulator = i32}
         : tensor<2x4xi8>, tensor<4x3xi3> -> tensor<2x3xi4>
  %3 = anybit.matmul %a, %b {accumulator = f32}
         : tensor<2x4xi8>, tensor<4x3xi3> -> tensor<2x3xf32>
  // A 16-bit signed accumulator holds the sums exactly.
  %4 = anybit.matmul %a, %b {accumulator = si16}
         : tensor<2x4xi8>, tensor<4x3xi3> -> tensor<2x3xi16>
  return %0, %1, %2, %3, %4
      : tensor<2x3xi32>, tensor<2x3xi8>, tensor<2x3xi4>, tensor<2x3xf32>, tensor<2x3xi16>
}

// The i32 accumulator wraps: 2^30 * 3 + 2^30 * 3 = 6 * 2^30 = 2^31 mod 2^32,
// which is -2^31; an i64 accumulator keeps 6442450944. An unsigned ui32
// accumulator reads the same bits as 2147483648.
// WRAP: result0: tensor<1x1xi32> = {{\[\[}}-2147483648]]
// WRAP-NEXT: result1: tensor<1x1xi64> = {{\[\[}}6442450944]]
// WRAP-NEXT: result2: tensor<1x1xi64> = {{\[\[}}2147483648]]
// WRAP-NEXT: result3: tensor<1x1xi64> = {{\[\[}}-2147483648]]
func.func @i32_wrap() -> (tensor<1x1xi32>, tensor<1x1xi64>, tensor<1x1xi64>, tensor<1x1xi64>) {
  %a = arith.constant dense<[[1073741824, 1073741824]]> : tensor<1x2xi32>
  %b = arith.constant dense<[[3], [3]]> : tensor<2x1xi3>
  %0 = anybit.matmul %a, %b {accumulator = i32}
         : tensor<1x2xi32>, tensor<2x1xi3> -> tensor<1x1xi32>
  %1 = anybit.matmul %a, %b {accumulator = i64}
         : tensor<1x2xi32>, tensor<2x1xi3> -> tensor<1x1xi64>
  %2 = anybit.matmul %a, %b {accumulator = ui32}
         : tensor<1x2xi32>, tensor<2x1xi3> -> tensor<1x1xi64>
  %3 = anybit.matmul %a, %b {accumulator = si32}
         : tensor<1x2xi32>, tensor<2x1xi3> -> tensor<1x1xi64>
  return %0, %1, %2, %3 : tensor<1x1xi32>, tensor<1x1xi64>, tensor<1x1xi64>, tensor<1x1xi64>
}

// Unscaled packed operands with an integer accumulator; ui4 operands read
// as unsigned (15, not -1). [[1, 2], [3, 4]] x [[15, 0], [1, 15]] =
// [[17, 30], [49, 60]].
// PACKED-INT: result0: tensor<2x2xi32> = {{\[\[}}17, 30], [49, 60]]
func.func @packed_int() -> tensor<2x2xi32> {
  %a = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi5>
  %b0 = arith.constant dense<[[15, 0], [1, 15]]> : tensor<2x2xi4>
  %b = anybit.cast %b0 : tensor<2x2xi4> to tensor<2x2xui4>
  %pa = anybit.pack %a : tensor<2x2xi5> -> tensor<2x2xi5, #anybit.packed<word = 32, straddle = false>>
  %pb = anybit.pack %b : tensor<2x2xui4> -> tensor<2x2xui4, #anybit.packed<>>
  %0 = anybit.matmul %pa, %pb {accumulator = i32}
         : tensor<2x2xi5, #anybit.packed<word = 32, straddle = false>>,
           tensor<2x2xui4, #anybit.packed<>> -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// f32 activations times i4 weights with one f16 scale per group of 4
// along K: W = codes * scale, rows 0-3 scaled by [0.5, 0.25] and rows 4-7
// by [0.125, 2]; x . W = [-3.53125, 5.125].
// GROUP: result0: tensor<1x2xf32> = {{\[\[}}-3.53125, 5.125]]
// GROUP-NEXT: result1: tensor<1x2xf64> = {{\[\[}}-3.53125, 5.125]]
// GROUP-NEXT: result2: tensor<1x2xi8> = {{\[\[}}-4, 5]]
func.func @group_scaled(%x: tensor<1x8xf32>, %w: tensor<8x2xi4>, %s: tensor<2x2xf16>)
    -> (tensor<1x2xf32>, tensor<1x2xf64>, tensor<1x2xi8>) {
  %p = anybit.pack %w scales(%s) : tensor<8x2xi4>, tensor<2x2xf16>
         -> tensor<8x2xi4, #anybit.packed<block = [4, 1], scale = f16>>
  %0 = anybit.matmul %x, %p {accumulator = f32}
         : tensor<1x8xf32>, tensor<8x2xi4, #anybit.packed<block = [4, 1], scale = f16>>
         -> tensor<1x2xf32>
  %1 = anybit.matmul %x, %p {accumulator = f64}
         : tensor<1x8xf32>, tensor<8x2xi4, #anybit.packed<block = [4, 1], scale = f16>>
         -> tensor<1x2xf64>
  // -3.53125 and 5.125 round to the nearest integers -4 and 5.
  %2 = anybit.matmul %x, %p {accumulator = f32}
         : tensor<1x8xf32>, tensor<8x2xi4, #anybit.packed<block = [4, 1], scale = f16>>
         -> tensor<1x2xi8>
  return %0, %1, %2 : tensor<1x2xf32>, tensor<1x2xf64>, tensor<1x2xi8>
}

// f32 x e3m2: [[1, 0.5, -2], [0.375, 3, 1]] x [[1.5, -0.25], [2.5, 4],
// [0.0625, 28]] = [[2.625, -54.25], [8.125, 39.90625]]. As an e3m2 result:
// 2.625 -> 2.5, -54.25 -> -28 (saturated), 8.125 -> 8, 39.90625 -> 28.
// E3M2: result0: tensor<2x2xf32> = {{\[\[}}2.625, -54.25], [8.125, 39.90625]]
// E3M2-NEXT: result1: tensor<2x2x!anybit.float<e3m2>> = {{\[\[}}2.5, -28], [8, 28]]
func.func @e3m2(%a: tensor<2x3xf32>, %b: tensor<3x2x!anybit.float<e3m2>>)
    -> (tensor<2x2xf32>, tensor<2x2x!anybit.float<e3m2>>) {
  %0 = anybit.matmul %a, %b {accumulator = f32}
         : tensor<2x3xf32>, tensor<3x2x!anybit.float<e3m2>> -> tensor<2x2xf32>
  %1 = anybit.matmul %a, %b {accumulator = f32}
         : tensor<2x3xf32>, tensor<3x2x!anybit.float<e3m2>> -> tensor<2x2x!anybit.float<e3m2>>
  return %0, %1 : tensor<2x2xf32>, tensor<2x2x!anybit.float<e3m2>>
}

// An MX operand: e2m1 codes [1, -0.5, 6, 3] with e8m0 scales 2 (rows 0-1)
// and 0.25 (rows 2-3) are [2, -1, 1.5, 0.75]; their sum is 3.25.
// MX: result0: tensor<1x1xf32> = {{\[\[}}3.25]]
func.func @mx() -> tensor<1x1xf32> {
  %a = arith.constant dense<1.0> : tensor<1x4xf32>
  %c = arith.constant dense<[[1.0], [-0.5], [6.0], [3.0]]> : tensor<4x1xf32>
  %codes = anybit.cast %c : tensor<4x1xf32> to tensor<4x1xf4E2M1FN>
  %s = arith.constant dense<[[2.0], [0.25]]> : tensor<2x1xf32>
  %scales = anybit.cast %s : tensor<2x1xf32> to tensor<2x1xf8E8M0FNU>
  %p = anybit.pack %codes scales(%scales) : tensor<4x1xf4E2M1FN>, tensor<2x1xf8E8M0FNU>
         -> tensor<4x1xf4E2M1FN, #anybit.packed<block = [2, 1], scale = f8E8M0FNU>>
  %0 = anybit.matmul %a, %p {accumulator = f32}
         : tensor<1x4xf32>, tensor<4x1xf4E2M1FN, #anybit.packed<block = [2, 1], scale = f8E8M0FNU>>
         -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// The accumulator type decides the rounding: 1e8 + 1 - 1e8 is 0 in f32
// (the ulp of 1e8 is 8) and 1 in f64. Operands are first rounded to the
// accumulator type: 16777217 as an i32 operand becomes 16777216 in f32.
// ACC: result0: tensor<1x1xf32> = {{\[\[}}0]]
// ACC-NEXT: result1: tensor<1x1xf32> = {{\[\[}}1]]
// ACC-NEXT: result2: tensor<1x1xf64> = {{\[\[}}16777216]]
// ACC-NEXT: result3: tensor<1x1xf64> = {{\[\[}}16777217]]
func.func @accumulators() -> (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf64>, tensor<1x1xf64>) {
  %a = arith.constant dense<[[1.0e8, 1.0, -1.0e8]]> : tensor<1x3xf32>
  %b = arith.constant dense<1.0> : tensor<3x1xf32>
  %0 = anybit.matmul %a, %b {accumulator = f32}
         : tensor<1x3xf32>, tensor<3x1xf32> -> tensor<1x1xf32>
  %1 = anybit.matmul %a, %b {accumulator = f64}
         : tensor<1x3xf32>, tensor<3x1xf32> -> tensor<1x1xf32>
  %i = arith.constant dense<16777217> : tensor<1x1xi32>
  %one = arith.constant dense<1> : tensor<1x1xi32>
  %2 = anybit.matmul %i, %one {accumulator = f32}
         : tensor<1x1xi32>, tensor<1x1xi32> -> tensor<1x1xf64>
  %3 = anybit.matmul %i, %one {accumulator = f64}
         : tensor<1x1xi32>, tensor<1x1xi32> -> tensor<1x1xf64>
  return %0, %1, %2, %3 : tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf64>, tensor<1x1xf64>
}

// Fused multiply-add in ascending k: with a = 1 + 2^-12, [-1, a] . [1, a]
// computes fma(a, a, -1) = 2^-11 + 2^-24 exactly (0x3A000400), whereas
// [a, -1] . [a, 1] rounds a * a = 1 + 2^-11 + 2^-24 to 1 + 2^-11 first
// (a tie, to even) and gives 2^-11 (0x3A000000).
// FMA: result0: tensor<1x1xi32> = {{\[\[}}973079552]]
// FMA-NEXT: result1: tensor<1x1xi32> = {{\[\[}}973078528]]
func.func @fma_order() -> (tensor<1x1xi32>, tensor<1x1xi32>) {
  %a0 = arith.constant dense<[[-1.0, 1.000244140625]]> : tensor<1x2xf32>
  %b0 = arith.constant dense<[[1.0], [1.000244140625]]> : tensor<2x1xf32>
  %c0 = anybit.matmul %a0, %b0 {accumulator = f32}
          : tensor<1x2xf32>, tensor<2x1xf32> -> tensor<1x1xf32>
  %a1 = arith.constant dense<[[1.000244140625, -1.0]]> : tensor<1x2xf32>
  %b1 = arith.constant dense<[[1.000244140625], [1.0]]> : tensor<2x1xf32>
  %c1 = anybit.matmul %a1, %b1 {accumulator = f32}
          : tensor<1x2xf32>, tensor<2x1xf32> -> tensor<1x1xf32>
  %0 = arith.bitcast %c0 : tensor<1x1xf32> to tensor<1x1xi32>
  %1 = arith.bitcast %c1 : tensor<1x1xf32> to tensor<1x1xi32>
  return %0, %1 : tensor<1x1xi32>, tensor<1x1xi32>
}

// transpose_rhs: B is stored N x K (rows 2 x 4 of i4, one f16 scale per
// row and group of 2 along K). Dequantized B^T rows: [1*0.5, -2*0.5,
// 3*2, 7*2] = [0.5, -1, 6, 14] and [-8*0.25, 0*0.25, 5*1, -1*1] = [-2, 0,
// 5, -1]; x = [1, 2, 0.5, -1]: y = [0.5 - 2 + 3 - 14, -2 + 0 + 2.5 + 1]
// = [-12.5, 1.5]. The same weights stored K x N give the same result.
// TRANSPOSED: result0: tensor<1x2xf32> = {{\[\[}}-12.5, 1.5]]
// TRANSPOSED-NEXT: result1: tensor<1x2xf32> = {{\[\[}}-12.5, 1.5]]
func.func @transposed() -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %x = arith.constant dense<[[1.0, 2.0, 0.5, -1.0]]> : tensor<1x4xf32>
  %w = arith.constant dense<[[1, -2, 3, 7], [-8, 0, 5, -1]]> : tensor<2x4xi4>
  %s = arith.constant dense<[[0.5, 2.0], [0.25, 1.0]]> : tensor<2x2xf16>
  %p = anybit.pack %w scales(%s) : tensor<2x4xi4>, tensor<2x2xf16>
         -> tensor<2x4xi4, #anybit.packed<block = [1, 2], scale = f16>>
  %y = anybit.matmul %x, %p {accumulator = f32, transpose_rhs}
         : tensor<1x4xf32>, tensor<2x4xi4, #anybit.packed<block = [1, 2], scale = f16>>
         -> tensor<1x2xf32>
  %wt = arith.constant dense<[[1, -8], [-2, 0], [3, 5], [7, -1]]> : tensor<4x2xi4>
  %st = arith.constant dense<[[0.5, 0.25], [2.0, 1.0]]> : tensor<2x2xf16>
  %pt = anybit.pack %wt scales(%st) : tensor<4x2xi4>, tensor<2x2xf16>
          -> tensor<4x2xi4, #anybit.packed<block = [2, 1], scale = f16>>
  %z = anybit.matmul %x, %pt {accumulator = f32}
         : tensor<1x4xf32>, tensor<4x2xi4, #anybit.packed<block = [2, 1], scale = f16>>
         -> tensor<1x2xf32>
  return %y, %z : tensor<1x2xf32>, tensor<1x2xf32>
}
