// RUN: anybit-opt %s --convert-anybit-to-standard --split-input-file | FileCheck %s
// RUN: anybit-opt %s --convert-anybit-to-standard=vectorize=false --split-input-file | FileCheck %s --check-prefix=SCALAR
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=512" --split-input-file | FileCheck %s --check-prefix=TABLES
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=256" --split-input-file | FileCheck %s --check-prefix=AVX2

// Packed K x N weights with an f32 accumulator: an scf.forall over column
// tiles; per row of B, 16 i3 weights (6 bytes) are gathered with two byte
// shuffles (each lane's low and high byte); each field, where it lies in
// its lane (bit 3 i mod 8, the per-lane masks 7, 56, 448, ...), is made
// the mantissa of a power of two with its sign bit flipped, and the power
// and the offset 4 subtracted (no shift, no conversion), then contracted
// with vector.fma. Each group of 32 rows is summed first and scaled once
// by its 16 f16 scales.
// CHECK-LABEL: func.func @columns
// CHECK: scf.forall
// CHECK: tensor.extract_slice
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<{{[0-9]+}}xi8>, vector<6xi8>
// CHECK: %[[MASK:.*]] = arith.constant dense<[7, 56, 448, 14, 112, 896, 28, 224, 7, 56, 448, 14, 112, 896, 28, 224]> : vector<16xi32>
// CHECK: %[[ABOVE:.*]] = arith.constant dense<[1258291204, 1233125408,
// CHECK: %[[BASE:.*]] = arith.constant dense<[0x4B000004, 1.048580e+06,
// CHECK: vector.shuffle %{{.*}} [0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5] : vector<6xi8>, vector<6xi8>
// CHECK: vector.shuffle %{{.*}} [1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6] : vector<6xi8>, vector<6xi8>
// CHECK-NOT: arith.shrsi
// CHECK: %[[FIELD:.*]] = arith.andi %{{.*}}, %[[MASK]] : vector<16xi32>
// CHECK: %[[F:.*]] = arith.xori %[[FIELD]], %[[ABOVE]] : vector<16xi32>
// CHECK: %[[FV:.*]] = vector.bitcast %[[F]] : vector<16xi32> to vector<16xf32>
// CHECK: arith.subf %[[FV]], %[[BASE]] : vector<16xf32>
// CHECK-NOT: arith.sitofp
// CHECK: vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK: vector.transfer_read %{{.*}} : tensor<{{[0-9]+}}xi8>, vector<32xi8>
// CHECK: vector.bitcast %{{.*}} : vector<32xi8> to vector<16xi16>
// CHECK: vector.fma
// CHECK: vector.transfer_write
// CHECK: scf.forall.in_parallel
// CHECK: tensor.parallel_insert_slice
// CHECK-NOT: linalg.generic
// With AVX2's 16 registers of 8 lanes, each group's 16 f16 scales are
// read first and multiply its weights (the VM's dequantized values,
// rounded once), and the products add to the running sums: no sums kept
// per group.
// AVX2-LABEL: func.func @columns
// AVX2: scf.for
// AVX2: vector.transfer_read %{{.*}} : tensor<{{[0-9]+}}xi8>, vector<32xi8>
// AVX2: vector.bitcast %{{.*}} : vector<32xi8> to vector<16xi16>
// AVX2: %[[SCALES:.*]] = arith.extf %{{.*}} : vector<16xf16> to vector<16xf32>
// AVX2: scf.for
// AVX2: %[[W:.*]] = arith.subf %{{.*}}, %{{.*}} : vector<16xf32>
// AVX2: %[[SCALED:.*]] = arith.mulf %[[W]], %[[SCALES]] : vector<16xf32>
// AVX2: %[[X:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX2: vector.fma %[[X]], %[[SCALED]], %{{.*}} : vector<16xf32>
// AVX2: scf.yield
// AVX2-NEXT: }
// AVX2-NEXT: scf.yield
// AVX2: vector.transfer_write
// The scalar path: one linalg.generic reading each weight in place.
// SCALAR-LABEL: func.func @columns
// SCALAR-NOT: vector.
// SCALAR: linalg.generic
// SCALAR-NOT: vector.
func.func @columns(%a: tensor<2x64xf32>, %w: tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>) -> tensor<2x32xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32} : tensor<2x64xf32>, tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>> -> tensor<2x32xf32>
  return %c : tensor<2x32xf32>
}

// -----

// Packed N x K weights (transpose_rhs): each output is a dot product along
// a row of B. 16 activations are read as a vector, 16 e2m1 weights (8
// bytes, no straddling: one shuffle) are decoded to f32 without an f32
// subnormal anywhere (an operand Zen 4 takes a microcode assist for): the
// normal codes' fields moved into an f32 whose exponent gets 127 - bias
// added, the subnormal ones converted and scaled, a compare picking, and
// the sign or-ed in. Each group's sum is scaled by one broadcast f16 scale
// (converted by arith.extf), and the lanes are added once per output.
// CHECK-LABEL: func.func @rows
// CHECK: scf.forall
// CHECK: vector.transfer_read %{{.*}} : tensor<3x64xf32>, vector<16xf32>
// CHECK: vector.transfer_read %{{.*}} : tensor<{{[0-9]+}}xi8>, vector<8xi8>
// CHECK-NOT: vector.shuffle %{{.*}} [1,
// CHECK: %[[NORMAL:.*]] = arith.addi %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK: %[[FLOAT:.*]] = arith.sitofp %[[MAG:.*]] : vector<16xi32> to vector<16xf32>
// CHECK: %[[SUB:.*]] = arith.mulf %[[FLOAT]], %{{.*}} : vector<16xf32>
// CHECK: %[[IS_SUB:.*]] = arith.cmpi ult, %[[MAG]], %{{.*}} : vector<16xi32>
// CHECK: %[[NORMALF:.*]] = arith.bitcast %[[NORMAL]] : vector<16xi32> to vector<16xf32>
// CHECK: arith.select %[[IS_SUB]], %[[SUB]], %[[NORMALF]] : vector<16xi1>, vector<16xf32>
// CHECK: arith.ori
// CHECK: vector.fma
// CHECK: vector.broadcast %{{.*}} : vector<1xi16> to vector<16xi16>
// CHECK: %[[HALVES:.*]] = arith.bitcast %{{.*}} : vector<16xi16> to vector<16xf16>
// CHECK: arith.extf %[[HALVES]] : vector<16xf16> to vector<16xf32>
// CHECK: vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
// CHECK: tensor.insert
// CHECK: tensor.parallel_insert_slice
// On AVX2 this batch (f16 scales) is the code-cvt kernel's
// (convert-anybit-to-standard-code-cvt.mlir).
// AVX2-LABEL: func.func @rows
// AVX2: anybit.x86_vpshufb
// With AVX-512 the codes index a 16-entry table of e2m1's values instead
// (anybit.x86_vpermps, the lane's low four bits).
// TABLES-LABEL: func.func @rows
// TABLES: %[[TABLE:.*]] = arith.constant dense<[0.000000e+00, 5.000000e-01, 1.000000e+00, 1.500000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 6.000000e+00, -0.000000e+00, -5.000000e-01, -1.000000e+00, -1.500000e+00, -2.000000e+00, -3.000000e+00, -4.000000e+00, -6.000000e+00]> : vector<16xf32>
// TABLES: %[[W:.*]] = anybit.x86_vpermps %[[TABLE]], %{{.*}} : vector<16xf32>
// TABLES: vector.fma %{{.*}}, %[[W]], %{{.*}} : vector<16xf32>
// TABLES-NOT: arith.sitofp
func.func @rows(%a: tensor<3x64xf32>, %w: tensor<8x64xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<3x8xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<3x64xf32>, tensor<8x64xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<3x8xf32>
  return %c : tensor<3x8xf32>
}

// -----

// f32 scales: each group's sums are kept apart and scaled once, as the FMA
// of the group's sum, its scale and the running sum; on AVX2 the f32
// scale multiplies the weights, as for f16.
// CHECK-LABEL: func.func @f32_scales
// CHECK: scf.forall (%{{.*}}) in (1)
// CHECK: scf.for %
// CHECK: scf.for %
// CHECK: %[[PARTIAL:[0-9]+]]:8 = scf.for %
// CHECK-NOT: arith.mulf
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK: vector.transfer_read %{{.*}} : tensor<{{[0-9]+}}xi8>, vector<4xi8>
// CHECK: %[[SCALE:.*]] = vector.broadcast %{{.*}} : vector<1xi32> to vector<16xi32>
// CHECK: %[[F:.*]] = arith.bitcast %[[SCALE]] : vector<16xi32> to vector<16xf32>
// CHECK: vector.fma %[[PARTIAL]]#0, %[[F]], %{{.*}} : vector<16xf32>
// CHECK: vector.fma %[[PARTIAL]]#4, %[[F]], %{{.*}} : vector<16xf32>
// AVX2's 16 registers of 8 lanes hold 4 sums of 16 lanes, not 8: tiles
// of 4 / 2 = 2 rows of W (2 tiles, where AVX-512 takes 1 of 4 rows).
// AVX2-LABEL: func.func @f32_scales
// AVX2: scf.forall (%{{.*}}) in (2)
// AVX2: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// AVX2: %[[S:.*]] = arith.bitcast %{{.*}} : vector<16xi32> to vector<16xf32>
// AVX2: scf.for
// AVX2: arith.mulf %{{.*}}, %[[S]] : vector<16xf32>
func.func @f32_scales(%a: tensor<2x64xf32>, %w: tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f32>>) -> tensor<2x4xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<2x64xf32>, tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f32>> -> tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}

// -----

// Shapes the vector kernels do not cover keep the scalar contraction: here
// N = 12 is not a multiple of 16, and a zero point is not handled.
// CHECK-LABEL: func.func @fallback
// TABLES-LABEL: func.func @fallback
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK: linalg.generic
func.func @fallback(%a: tensor<1x16xf32>, %w: tensor<16x12xi4, #anybit.packed<>>, %z: tensor<16x16xi4, #anybit.packed<block = [16, 1], scale = f16, zero_point = i4>>) -> (tensor<1x12xf32>, tensor<1x16xf32>) {
  %c = anybit.matmul %a, %w {accumulator = f32} : tensor<1x16xf32>, tensor<16x12xi4, #anybit.packed<>> -> tensor<1x12xf32>
  %d = anybit.matmul %a, %z {accumulator = f32} : tensor<1x16xf32>, tensor<16x16xi4, #anybit.packed<block = [16, 1], scale = f16, zero_point = i4>> -> tensor<1x16xf32>
  return %c, %d : tensor<1x12xf32>, tensor<1x16xf32>
}
