// RUN: anybit-opt %s | anybit-opt | FileCheck %s
// RUN: anybit-opt %s -mlir-print-op-generic | anybit-opt | FileCheck %s

// Round trip of every anybit op in each of its forms. Forms that use zero
// points are in zero-point.mlir.

!e3m2 = !anybit.float<e3m2>
!mx = tensor<4x64xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>>

//===----------------------------------------------------------------------===//
// anybit.cast
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @cast_tensors
func.func @cast_tensors(%f: tensor<8xf32>, %i: tensor<8xi16>,
                        %e: tensor<8x!e3m2>, %u: tensor<2x3xui6>,
                        %z: tensor<i5>) {
  // CHECK: anybit.cast %{{.*}} : tensor<8xf32> to tensor<8x!anybit.float<e3m2>>
  %0 = anybit.cast %f : tensor<8xf32> to tensor<8x!e3m2>
  // CHECK: anybit.cast %{{.*}} saturate : tensor<8xi16> to tensor<8xi3>
  %1 = anybit.cast %i saturate : tensor<8xi16> to tensor<8xi3>
  // CHECK: anybit.cast %{{.*}} : tensor<8xi16> to tensor<8xi3>
  %2 = anybit.cast %i : tensor<8xi16> to tensor<8xi3>
  // CHECK: anybit.cast %{{.*}} : tensor<8x!anybit.float<e3m2>> to tensor<8xf6E3M2FN>
  %3 = anybit.cast %e : tensor<8x!e3m2> to tensor<8xf6E3M2FN>
  // CHECK: anybit.cast %{{.*}} saturate : tensor<8x!anybit.float<e3m2>> to tensor<8xsi2>
  %4 = anybit.cast %e saturate : tensor<8x!e3m2> to tensor<8xsi2>
  // CHECK: anybit.cast %{{.*}} : tensor<2x3xui6> to tensor<2x3xindex>
  %5 = anybit.cast %u : tensor<2x3xui6> to tensor<2x3xindex>
  // CHECK: anybit.cast %{{.*}} saturate : tensor<2x3xui6> to tensor<2x3xf8E4M3FN>
  %6 = anybit.cast %u saturate : tensor<2x3xui6> to tensor<2x3xf8E4M3FN>
  // CHECK: anybit.cast %{{.*}} : tensor<i5> to tensor<f64>
  %7 = anybit.cast %z : tensor<i5> to tensor<f64>
  // CHECK: anybit.cast %{{.*}} : tensor<8xf32> to tensor<8xf32>
  %8 = anybit.cast %f : tensor<8xf32> to tensor<8xf32>
  return
}

// CHECK-LABEL: func.func @cast_scalars
func.func @cast_scalars(%f: f32, %i: i7, %b: i1, %x: index, %e: !e3m2,
                        %h: bf16) {
  // CHECK: anybit.cast %{{.*}} : f32 to bf16
  %0 = anybit.cast %f : f32 to bf16
  // CHECK: anybit.cast %{{.*}} saturate : i7 to ui3
  %1 = anybit.cast %i saturate : i7 to ui3
  // CHECK: anybit.cast %{{.*}} : i1 to !anybit.float<e2m1>
  %2 = anybit.cast %b : i1 to !anybit.float<e2m1>
  // CHECK: anybit.cast %{{.*}} saturate : index to si4
  %3 = anybit.cast %x saturate : index to si4
  // CHECK: anybit.cast %{{.*}} : !anybit.float<e3m2> to !anybit.float<e4m3, fn, bias = 8>
  %4 = anybit.cast %e : !e3m2 to !anybit.float<e4m3, fn, bias = 8>
  // CHECK: anybit.cast %{{.*}} saturate : bf16 to f8E5M2
  %5 = anybit.cast %h saturate : bf16 to f8E5M2
  // CHECK: anybit.cast %{{.*}} : f32 to i64
  %6 = anybit.cast %f : f32 to i64
  // CHECK: anybit.cast %{{.*}} {note = "kept"} : f32 to f16
  %7 = anybit.cast %f {note = "kept"} : f32 to f16
  return
}

//===----------------------------------------------------------------------===//
// anybit.pack / anybit.unpack
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @pack_plain
func.func @pack_plain(%w: tensor<64x32xi3>, %v: tensor<10xi5>,
                      %e: tensor<16x!e3m2>, %b: tensor<7xi1>) {
  // CHECK: %[[P:.*]] = anybit.pack %{{.*}} : tensor<64x32xi3> -> tensor<64x32xi3, #anybit.packed<>>
  %p = anybit.pack %w : tensor<64x32xi3> -> tensor<64x32xi3, #anybit.packed<>>
  // CHECK: anybit.unpack %[[P]] : tensor<64x32xi3, #anybit.packed<>> -> tensor<64x32xi3>
  %u = anybit.unpack %p : tensor<64x32xi3, #anybit.packed<>> -> tensor<64x32xi3>
  // CHECK: %[[Q:.*]] = anybit.pack %{{.*}} : tensor<10xi5> -> tensor<10xi5, #anybit.packed<word = 32, straddle = false>>
  %q = anybit.pack %v : tensor<10xi5>
         -> tensor<10xi5, #anybit.packed<word = 32, straddle = false>>
  // CHECK: anybit.unpack %[[Q]] : tensor<10xi5, #anybit.packed<word = 32, straddle = false>> -> tensor<10xi5>
  %uq = anybit.unpack %q
          : tensor<10xi5, #anybit.packed<word = 32, straddle = false>> -> tensor<10xi5>
  // CHECK: anybit.pack %{{.*}} : tensor<16x!anybit.float<e3m2>> -> tensor<16x!anybit.float<e3m2>, #anybit.packed<word = 16>>
  %r = anybit.pack %e : tensor<16x!e3m2> -> tensor<16x!e3m2, #anybit.packed<word = 16>>
  // CHECK: anybit.pack %{{.*}} : tensor<7xi1> -> tensor<7xi1, #anybit.packed<word = 64>>
  %s = anybit.pack %b : tensor<7xi1> -> tensor<7xi1, #anybit.packed<word = 64>>
  return
}

// CHECK-LABEL: func.func @pack_scales
func.func @pack_scales(%w: tensor<64x32xi3>, %s: tensor<2x32xf16>,
                       %c: tensor<4x64xf4E2M1FN>, %m: tensor<4x2xf8E8M0FNU>) {
  // CHECK: %[[P:.*]] = anybit.pack %{{.*}} scales(%{{.*}}) : tensor<64x32xi3>, tensor<2x32xf16> -> tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
  %p = anybit.pack %w scales(%s) : tensor<64x32xi3>, tensor<2x32xf16>
         -> tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
  // CHECK: anybit.unpack %[[P]] : tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>> -> tensor<64x32xi3>, tensor<2x32xf16>
  %u:2 = anybit.unpack %p
           : tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
           -> tensor<64x32xi3>, tensor<2x32xf16>
  // CHECK: %[[M:.*]] = anybit.pack %{{.*}} scales(%{{.*}}) : tensor<4x64xf4E2M1FN>, tensor<4x2xf8E8M0FNU> -> tensor<4x64xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>>
  %q = anybit.pack %c scales(%m) : tensor<4x64xf4E2M1FN>, tensor<4x2xf8E8M0FNU> -> !mx
  // CHECK: anybit.unpack %[[M]] : tensor<4x64xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>> -> tensor<4x64xf4E2M1FN>, tensor<4x2xf8E8M0FNU>
  %v:2 = anybit.unpack %q : !mx -> tensor<4x64xf4E2M1FN>, tensor<4x2xf8E8M0FNU>
  return
}

//===----------------------------------------------------------------------===//
// anybit.quantize / anybit.dequantize
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @quantize_symmetric
func.func @quantize_symmetric(%x: tensor<4x64xf32>, %h: tensor<64x32xbf16>) {
  // CHECK: %[[Q:.*]] = anybit.quantize %{{.*}} : tensor<4x64xf32> -> tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>
  %q = anybit.quantize %x
         : tensor<4x64xf32> -> tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>
  // CHECK: anybit.dequantize %[[Q]] : tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<4x64xf32>
  %d = anybit.dequantize %q
         : tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<4x64xf32>
  // Per-tensor and per-channel scales, other code and result types.
  // CHECK: anybit.quantize %{{.*}} : tensor<64x32xbf16> -> tensor<64x32xi8, #anybit.packed<block = [64, 32], scale = f32>>
  %t = anybit.quantize %h
         : tensor<64x32xbf16> -> tensor<64x32xi8, #anybit.packed<block = [64, 32], scale = f32>>
  // CHECK: %[[C:.*]] = anybit.quantize %{{.*}} : tensor<64x32xbf16> -> tensor<64x32xui3, #anybit.packed<word = 32, straddle = false, block = [64, 1], scale = bf16>>
  %c = anybit.quantize %h
         : tensor<64x32xbf16>
         -> tensor<64x32xui3, #anybit.packed<word = 32, straddle = false, block = [64, 1], scale = bf16>>
  // CHECK: anybit.dequantize %[[C]] : tensor<64x32xui3, #anybit.packed<word = 32, straddle = false, block = [64, 1], scale = bf16>> -> tensor<64x32xf16>
  %e = anybit.dequantize %c
         : tensor<64x32xui3, #anybit.packed<word = 32, straddle = false, block = [64, 1], scale = bf16>>
         -> tensor<64x32xf16>
  return
}

// OCP MX: e2m1 (or e4m3, e3m2) codes with one e8m0 scale per 32 elements.
// CHECK-LABEL: func.func @quantize_mx
func.func @quantize_mx(%x: tensor<4x64xf32>) {
  // CHECK: %[[Q:.*]] = anybit.quantize %{{.*}} : tensor<4x64xf32> -> tensor<4x64xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>>
  %q = anybit.quantize %x : tensor<4x64xf32> -> !mx
  // CHECK: anybit.dequantize %[[Q]] : tensor<4x64xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>> -> tensor<4x64xbf16>
  %d = anybit.dequantize %q : !mx -> tensor<4x64xbf16>
  // CHECK: anybit.quantize %{{.*}} : tensor<4x64xf32> -> tensor<4x64x!anybit.float<e2m1>, #anybit.packed<block = [1, 32], scale = !anybit.float<e8m0, unsigned, fn, nozero>>>
  %a = anybit.quantize %x
         : tensor<4x64xf32>
         -> tensor<4x64x!anybit.float<e2m1>, #anybit.packed<block = [1, 32], scale = !anybit.float<e8m0, unsigned, fn, nozero>>>
  // CHECK: anybit.quantize %{{.*}} : tensor<4x64xf32> -> tensor<4x64xf8E4M3FN, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>>
  %b = anybit.quantize %x
         : tensor<4x64xf32> -> tensor<4x64xf8E4M3FN, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>>
  // CHECK: anybit.quantize %{{.*}} : tensor<4x64xf32> -> tensor<4x64x!anybit.float<e3m2>, #anybit.packed<block = [4, 64], scale = f32>>
  %c = anybit.quantize %x
         : tensor<4x64xf32> -> tensor<4x64x!e3m2, #anybit.packed<block = [4, 64], scale = f32>>
  return
}

//===----------------------------------------------------------------------===//
// anybit.matmul
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @matmul_float
func.func @matmul_float(%a: tensor<2x64xf32>, %b: tensor<64x16xf32>,
                        %h: tensor<64x16xbf16>, %e: tensor<64x16x!e3m2>) {
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = f32} : tensor<2x64xf32>, tensor<64x16xf32> -> tensor<2x16xf32>
  %0 = anybit.matmul %a, %b {accumulator = f32}
         : tensor<2x64xf32>, tensor<64x16xf32> -> tensor<2x16xf32>
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = f64} : tensor<2x64xf32>, tensor<64x16xbf16> -> tensor<2x16xf16>
  %1 = anybit.matmul %a, %h {accumulator = f64}
         : tensor<2x64xf32>, tensor<64x16xbf16> -> tensor<2x16xf16>
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = f32} : tensor<2x64xf32>, tensor<64x16x!anybit.float<e3m2>> -> tensor<2x16x!anybit.float<e3m2>>
  %2 = anybit.matmul %a, %e {accumulator = f32}
         : tensor<2x64xf32>, tensor<64x16x!e3m2> -> tensor<2x16x!e3m2>
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = f32} : tensor<2x64xf32>, tensor<64x16xf32> -> tensor<2x16xi8>
  %3 = anybit.matmul %a, %b {accumulator = f32}
         : tensor<2x64xf32>, tensor<64x16xf32> -> tensor<2x16xi8>
  return
}

// CHECK-LABEL: func.func @matmul_integer
func.func @matmul_integer(%a: tensor<2x64xi8>, %b: tensor<64x16xi3>,
                          %u: tensor<64x16xui4>, %x: tensor<2x64xindex>) {
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = i32} : tensor<2x64xi8>, tensor<64x16xi3> -> tensor<2x16xi32>
  %0 = anybit.matmul %a, %b {accumulator = i32}
         : tensor<2x64xi8>, tensor<64x16xi3> -> tensor<2x16xi32>
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = i64} : tensor<2x64xi8>, tensor<64x16xui4> -> tensor<2x16xf32>
  %1 = anybit.matmul %a, %u {accumulator = i64}
         : tensor<2x64xi8>, tensor<64x16xui4> -> tensor<2x16xf32>
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = ui16} : tensor<2x64xi8>, tensor<64x16xi3> -> tensor<2x16xi16>
  %2 = anybit.matmul %a, %b {accumulator = ui16}
         : tensor<2x64xi8>, tensor<64x16xi3> -> tensor<2x16xi16>
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = si12} : tensor<2x64xi8>, tensor<64x16xi3> -> tensor<2x16xsi12>
  %3 = anybit.matmul %a, %b {accumulator = si12}
         : tensor<2x64xi8>, tensor<64x16xi3> -> tensor<2x16xsi12>
  // An index operand needs a float accumulator.
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = f64} : tensor<2x64xindex>, tensor<64x16xi3> -> tensor<2x16xi64>
  %4 = anybit.matmul %x, %b {accumulator = f64}
         : tensor<2x64xindex>, tensor<64x16xi3> -> tensor<2x16xi64>
  return
}

// CHECK-LABEL: func.func @matmul_packed
func.func @matmul_packed(
    %a: tensor<2x64xf32>,
    %w: tensor<64x16xi3, #anybit.packed<block = [32, 1], scale = f16>>,
    %p: tensor<2x64xi8, #anybit.packed<>>,
    %q: tensor<64x16xi3, #anybit.packed<word = 32, straddle = false>>,
    %m: tensor<64x16xf4E2M1FN, #anybit.packed<block = [32, 1], scale = f8E8M0FNU>>) {
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = f32} : tensor<2x64xf32>, tensor<64x16xi3, #anybit.packed<block = [32, 1], scale = f16>> -> tensor<2x16xf32>
  %0 = anybit.matmul %a, %w {accumulator = f32}
         : tensor<2x64xf32>, tensor<64x16xi3, #anybit.packed<block = [32, 1], scale = f16>>
         -> tensor<2x16xf32>
  // Unscaled packed integers may use an integer accumulator.
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = i32} : tensor<2x64xi8, #anybit.packed<>>, tensor<64x16xi3, #anybit.packed<word = 32, straddle = false>> -> tensor<2x16xi32>
  %1 = anybit.matmul %p, %q {accumulator = i32}
         : tensor<2x64xi8, #anybit.packed<>>,
           tensor<64x16xi3, #anybit.packed<word = 32, straddle = false>>
         -> tensor<2x16xi32>
  // CHECK: anybit.matmul %{{.*}}, %{{.*}} {accumulator = f64} : tensor<2x64xi8, #anybit.packed<>>, tensor<64x16xf4E2M1FN, #anybit.packed<block = [32, 1], scale = f8E8M0FNU>> -> tensor<2x16xbf16>
  %2 = anybit.matmul %p, %m {accumulator = f64}
         : tensor<2x64xi8, #anybit.packed<>>,
           tensor<64x16xf4E2M1FN, #anybit.packed<block = [32, 1], scale = f8E8M0FNU>>
         -> tensor<2x16xbf16>
  return
}
