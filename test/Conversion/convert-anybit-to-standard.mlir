// RUN: anybit-opt %s --convert-anybit-to-standard --split-input-file | FileCheck %s

// Small floats become their bit patterns; a cast is element-wise code that
// rounds through f64.
// CHECK-LABEL: func.func @cast_to_e3m2
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>) -> tensor<8xi6>
// CHECK: linalg.generic
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: math.roundeven
// CHECK: arith.trunci %{{.*}} : i64 to i6
// CHECK-NOT: anybit.
func.func @cast_to_e3m2(%x: tensor<8xf32>) -> tensor<8x!anybit.float<e3m2>> {
  %0 = anybit.cast %x : tensor<8xf32> to tensor<8x!anybit.float<e3m2>>
  return %0 : tensor<8x!anybit.float<e3m2>>
}

// -----

// Signed and unsigned integers become signless; saturation clamps in 65
// bits before truncating.
// CHECK-LABEL: func.func @saturate
// CHECK-SAME: (%{{.*}}: tensor<4xi16>) -> tensor<4xi3>
// CHECK: arith.extui %{{.*}} : i16 to i65
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.trunci %{{.*}} : i65 to i64
// CHECK: arith.trunci %{{.*}} : i64 to i3
func.func @saturate(%x: tensor<4xui16>) -> tensor<4xsi3> {
  %0 = anybit.cast %x saturate : tensor<4xui16> to tensor<4xsi3>
  return %0 : tensor<4xsi3>
}

// -----

// A packed tensor is its bytes: 12 elements of 3 bits take 5 bytes, the
// scales 3 x f16 = 6 more. Pack assembles each byte from the elements that
// overlap it; unpack reads a field with shifts and masks.
// CHECK-LABEL: func.func @pack_unpack
// CHECK-SAME: -> (tensor<11xi8>, tensor<4x3xi3>)
// CHECK: tensor.generate
// CHECK: arith.shli
// CHECK: arith.trunci %{{.*}} : i64 to i8
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0] [5] [1] : tensor<5xi8> into tensor<11xi8>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[5] [6] [1] : tensor<6xi8> into tensor<11xi8>
// CHECK: tensor.generate
// CHECK: tensor.extract %{{.*}} : tensor<11xi8>
// CHECK: arith.shrui
// CHECK: arith.trunci %{{.*}} : i64 to i3
!packed = tensor<4x3xi3, #anybit.packed<block = [4, 1], scale = f16>>
func.func @pack_unpack(%w: tensor<4x3xi3>, %s: tensor<1x3xf16>) -> (!packed, tensor<4x3xi3>) {
  %p = anybit.pack %w scales(%s) : tensor<4x3xi3>, tensor<1x3xf16> -> !packed
  %u, %us = anybit.unpack %p : !packed -> tensor<4x3xi3>, tensor<1x3xf16>
  return %p, %u : !packed, tensor<4x3xi3>
}

// -----

// matmul reads its packed weights in place inside the contraction (loops
// i, k, j with j innermost), dequantizing each one exactly and rounding it
// once into the accumulator type, then one fused multiply-add per step.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<2x64xf32>, %[[W:.*]]: tensor<36xi8>) -> tensor<2x3xf32>
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[C:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%[[A]] : tensor<2x64xf32>) outs(%[[INIT]] :
// CHECK: linalg.index 1
// CHECK: linalg.index 2
// CHECK: tensor.extract %[[W]]
// CHECK: arith.mulf %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: math.fma
// CHECK: return %[[C]]
func.func @matmul(%a: tensor<2x64xf32>, %w: tensor<64x3xi1, #anybit.packed<block = [32, 1], scale = f16>>) -> tensor<2x3xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32} : tensor<2x64xf32>, tensor<64x3xi1, #anybit.packed<block = [32, 1], scale = f16>> -> tensor<2x3xf32>
  return %c : tensor<2x3xf32>
}

// -----

// quantize computes block statistics with one reduction over the input
// viewed as [grid_0, block_0, grid_1, block_1], then the scales and the
// codes, each a linalg.generic (a tensor.generate would be inlined into
// every use: the block's statistics into each scale, its scale into each
// code), the codes over the same view with the block's scale an input
// indexed by the grid dimensions (invariant in the loop over a block),
// then packs both planes. Symmetric scales take max |x| alone, of an f32
// input as the integers of its bits (which order as the values), and the
// codes convert to i32 (cvttpd2dq; the clamp keeps them in range).
// CHECK-DAG: #[[ALL:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[GRID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2)>
// CHECK-LABEL: func.func @quantize
// CHECK-SAME: -> tensor<8xi8>
// CHECK: %[[VIEW:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2, 3]] output_shape [2, 1, 1, 8] : tensor<2x8xf32> into tensor<2x1x1x8xf32>
// CHECK: %[[ABSMAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel", "reduction"]} ins(%[[VIEW]] : tensor<2x1x1x8xf32>) outs(%{{.*}} : tensor<2x1xi32>)
// CHECK: %[[BITS:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: %[[MAGNITUDE:.*]] = arith.andi %[[BITS]], %{{.*}} : i32
// CHECK: arith.maxsi %{{.*}}, %[[MAGNITUDE]] : i32
// CHECK: %[[SCALES:.*]] = linalg.generic {{.*}} ins(%[[ABSMAX]] : tensor<2x1xi32>) outs(%{{.*}} : tensor<2x1xf16>)
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK: arith.divf
// CHECK: %[[CODES:.*]] = linalg.generic {indexing_maps = [#[[ALL]], #[[GRID]], #[[ALL]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[VIEW]], %[[SCALES]] : tensor<2x1x1x8xf32>, tensor<2x1xf16>) outs(%{{.*}} : tensor<2x1x1x8xi2>)
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.fptosi %{{.*}} : f64 to i32
// CHECK: tensor.collapse_shape %[[CODES]] {{\[\[}}0, 1], [2, 3]] : tensor<2x1x1x8xi2> into tensor<2x8xi2>
// CHECK: tensor.generate
// CHECK: tensor.insert_slice
// CHECK: tensor.generate
// CHECK: tensor.insert_slice
func.func @quantize(%x: tensor<2x8xf32>) -> tensor<2x8xi2, #anybit.packed<block = [1, 8], scale = f16>> {
  %q = anybit.quantize %x : tensor<2x8xf32> -> tensor<2x8xi2, #anybit.packed<block = [1, 8], scale = f16>>
  return %q : tensor<2x8xi2, #anybit.packed<block = [1, 8], scale = f16>>
}

// -----

// Bytes in order (8-bit codes, row-major, no padding) are the data plane
// themselves: no per-byte packing.
// CHECK-LABEL: func.func @quantize_i8
// CHECK-SAME: -> tensor<24xi8>
// CHECK: %[[CODES:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1x1x8xi8>)
// CHECK: %[[MATRIX:.*]] = tensor.collapse_shape %[[CODES]] {{\[\[}}0, 1], [2, 3]] : tensor<2x1x1x8xi8> into tensor<2x8xi8>
// CHECK: %[[BYTES:.*]] = tensor.collapse_shape %[[MATRIX]] {{\[\[}}0, 1]] : tensor<2x8xi8> into tensor<16xi8>
// CHECK: tensor.insert_slice %[[BYTES]] into %{{.*}}[0] [16] [1] : tensor<16xi8> into tensor<24xi8>
// CHECK: tensor.generate
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[16] [8] [1] : tensor<8xi8> into tensor<24xi8>
func.func @quantize_i8(%x: tensor<2x8xf32>) -> tensor<2x8xi8, #anybit.packed<block = [1, 8], scale = f32>> {
  %q = anybit.quantize %x : tensor<2x8xf32> -> tensor<2x8xi8, #anybit.packed<block = [1, 8], scale = f32>>
  return %q : tensor<2x8xi8, #anybit.packed<block = [1, 8], scale = f32>>
}

// -----

// With a zero point, min and max: two reductions, in f32 for an f32 input.
// CHECK-LABEL: func.func @quantize_zero_point
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1xf32>)
// CHECK: arith.minimumf %{{.*}} : f32
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1xf32>)
// CHECK: arith.maximumf %{{.*}} : f32
// CHECK: arith.extf %{{.*}} : f32 to f64
func.func @quantize_zero_point(%x: tensor<2x8xf32>) -> tensor<2x8xui4, #anybit.packed<block = [1, 8], scale = f32, zero_point = ui4>> {
  %q = anybit.quantize %x : tensor<2x8xf32> -> tensor<2x8xui4, #anybit.packed<block = [1, 8], scale = f32, zero_point = ui4>>
  return %q : tensor<2x8xui4, #anybit.packed<block = [1, 8], scale = f32, zero_point = ui4>>
}

// -----

// Types change through control flow and tensor ops too.
// CHECK-LABEL: func.func @through_scf
// CHECK: scf.for {{.*}} -> (tensor<4xi5>)
// CHECK: tensor.extract %{{.*}} : tensor<4xi5>
func.func @through_scf(%x: tensor<4x!anybit.float<e2m2>>, %n: index) -> !anybit.float<e2m2> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%t = %x) -> (tensor<4x!anybit.float<e2m2>>) {
    scf.yield %t : tensor<4x!anybit.float<e2m2>>
  }
  %e = tensor.extract %r[%c0] : tensor<4x!anybit.float<e2m2>>
  return %e : !anybit.float<e2m2>
}

// -----

// bf16 results round like the small floats' (in f64, subnormals kept), not
// by LLVM, whose x86 instruction for it flushes subnormals.
// CHECK-LABEL: func.func @bf16_add(
// CHECK-NOT: arith.addf {{.*}} : bf16
// CHECK: %[[S:.*]] = arith.addf %{{.*}}, %{{.*}} : f64
// CHECK: %[[R:.*]] = arith.bitcast %{{.*}} : i16 to bf16
// CHECK: return %[[R]] : bf16
func.func @bf16_add(%a: bf16, %b: bf16) -> bf16 {
  %s = arith.addf %a, %b : bf16
  return %s : bf16
}

// -----

// minnumf orders -0 < +0, as the VM does: minimumf with NaNs passed over.
// CHECK-LABEL: func.func @minnum(
// CHECK-SAME: %[[A:[^:]*]]: f32, %[[B:[^:]*]]: f32)
// CHECK: %[[M:.*]] = arith.minimumf %[[A]], %[[B]] : f32
// CHECK: %[[AN:.*]] = arith.cmpf uno, %[[A]], %[[A]] : f32
// CHECK: %[[M1:.*]] = arith.select %[[AN]], %[[B]], %[[M]] : f32
// CHECK: %[[BN:.*]] = arith.cmpf uno, %[[B]], %[[B]] : f32
// CHECK: %[[M2:.*]] = arith.select %[[BN]], %[[A]], %[[M1]] : f32
// CHECK: return %[[M2]] : f32
func.func @minnum(%a: f32, %b: f32) -> f32 {
  %m = arith.minnumf %a, %b : f32
  return %m : f32
}

// -----

// A matmul whose result has no elements computes nothing: its result is a
// tensor.empty, in the result's storage type.
// CHECK-LABEL: func.func @empty_product(
// CHECK: %[[E:.*]] = tensor.empty() : tensor<0x5xi6>
// CHECK-NOT: linalg
// CHECK: return %[[E]]
func.func @empty_product(%a: tensor<0x4xi8>,
                         %w: tensor<5x4xi3, #anybit.packed<bit_planes = [1, 2]>>)
    -> tensor<0x5x!anybit.float<e3m2>> {
  %c = anybit.matmul %a, %w {accumulator = i32, transpose_rhs}
      : tensor<0x4xi8>, tensor<5x4xi3, #anybit.packed<bit_planes = [1, 2]>>
      -> tensor<0x5x!anybit.float<e3m2>>
  return %c : tensor<0x5x!anybit.float<e3m2>>
}
