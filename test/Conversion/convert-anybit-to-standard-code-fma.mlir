// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=512" --split-input-file | FileCheck %s
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=256" --split-input-file | FileCheck %s --check-prefix=CONVERT
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=512 vectorize=false" --split-input-file | FileCheck %s --check-prefix=SCALAR

func.func @gemv_i4(%x: tensor<1x128xf32>, %w: tensor<2x128xi4, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x128xf32>, tensor<2x128xi4, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// f32 activations times i4 codes (the code-FMA kernel). The activations
// are permuted once into the planes' order (tensor.generate: plane j of
// each block of 128 codes is x[2 i + j]); one row of W a tile. A block is
// 64 bytes, read 16 at a time and zero-extended to 16 i32 lanes (two codes
// each); the low nibbles index a 16-entry table of the values -8..7
// (anybit.x86_vpermps reads the low four bits of a lane), the high ones
// after a shift by 4, and each value vector is one FMA with 16
// activations. The group's sums are scaled once, the quarters added and
// the lanes reduced in any order.
// CHECK-LABEL: func.func @gemv_i4(
// CHECK: %[[XP:.*]] = tensor.generate
// CHECK: scf.forall (%[[ROW:.*]]) in (2)
// CHECK:   %[[RAW:.*]] = vector.transfer_read %{{.*}} : tensor<{{.*}}xi8>, vector<16xi8>
// CHECK:   %[[LANES:.*]] = arith.extui %[[RAW]] : vector<16xi8> to vector<16xi32>
// CHECK:   %[[TABLE:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, -8.000000e+00, -7.000000e+00, -6.000000e+00, -5.000000e+00, -4.000000e+00, -3.000000e+00, -2.000000e+00, -1.000000e+00]> : vector<16xf32>
// CHECK:   %[[LOW:.*]] = anybit.x86_vpermps %[[TABLE]], %[[LANES]] : vector<16xf32>
// CHECK:   %[[X0:.*]] = vector.transfer_read %[[XP]]
// CHECK:   vector.fma %[[X0]], %[[LOW]], %{{.*}} : vector<16xf32>
// CHECK:   %[[HIGHBITS:.*]] = arith.shrui %[[LANES]], %{{.*}} : vector<16xi32>
// CHECK:   %[[HIGH:.*]] = anybit.x86_vpermps %{{.*}}, %[[HIGHBITS]] : vector<16xf32>
// CHECK:   vector.fma %{{.*}}, %[[HIGH]], %{{.*}} : vector<16xf32>
// CHECK:   arith.extf %{{.*}} : vector<1xf16> to vector<1xf32>
// CHECK:   vector.fma
// CHECK:   vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
// Without AVX-512 BW there is no vpermps: the nibbles are sign-extended
// (shifted to the top of the lane and back) and converted.
// CONVERT-LABEL: func.func @gemv_i4(
// CONVERT-NOT: anybit.x86_vpermps
// CONVERT: arith.shli %{{.*}} : vector<16xi32>
// CONVERT: arith.shrsi %{{.*}} : vector<16xi32>
// CONVERT: arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CONVERT: vector.fma
// SCALAR-LABEL: func.func @gemv_i4(
// SCALAR-NOT: vector.fma
// SCALAR: linalg.generic

// -----

func.func @gemv_i3(%x: tensor<1x192xf32>, %w: tensor<1x192xi3, #anybit.packed<>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x192xf32>, tensor<1x192xi3, #anybit.packed<>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// 3-bit fields straddle bytes: a block of 64 codes is 24 bytes, read as a
// whole vector of 64 (the row's last blocks as the 64 bytes up to the
// row's end, 72 bytes here). One byte shuffle puts the two bytes each of
// 16 fields starts in into its lane, a per-lane shift aligns the field,
// and the table (period 8: the bit above the field is ignored) gives its
// value. The activations need no permutation.
// CHECK-LABEL: func.func @gemv_i3(
// CHECK-NOT: tensor.generate
// CHECK: %[[W:.*]] = vector.transfer_read %{{.*}} : tensor<72xi8>, vector<64xi8>
// CHECK: %[[SPREAD:.*]] = vector.shuffle %[[W]], %{{.*}} [0, 1, 64, 64, 0, 1, 64, 64, 0, 1, 64, 64, 1, 2, 64, 64,
// CHECK: %[[FIELDS:.*]] = vector.bitcast %[[SPREAD]] : vector<64xi8> to vector<16xi32>
// CHECK: %[[ALIGNED:.*]] = arith.shrui %[[FIELDS]], %{{.*}} : vector<16xi32>
// CHECK: %[[TABLE:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, -4.000000e+00, -3.000000e+00, -2.000000e+00, -1.000000e+00, 0.000000e+00,
// CHECK: anybit.x86_vpermps %[[TABLE]], %[[ALIGNED]] : vector<16xf32>

// -----

func.func @gemv_e3m2(%x: tensor<1x128xf32>, %w: tensor<1x128xf6E3M2FN, #anybit.packed<block = [1, 64], scale = f32>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x128xf32>, tensor<1x128xf6E3M2FN, #anybit.packed<block = [1, 64], scale = f32>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// 6-bit floats take a 64-entry table: two 32-entry lookups (vpermi2ps,
// the lane's low five bits) and bit 5 selecting between them. Without
// tables, floats take the vector kernel.
// CHECK-LABEL: func.func @gemv_e3m2(
// CHECK: %[[LOW:.*]] = anybit.x86_vpermi2ps %{{.*}}, %[[I:.*]], %{{.*}} : vector<16xf32>
// CHECK: %[[HIGH:.*]] = anybit.x86_vpermi2ps %{{.*}}, %[[I]], %{{.*}} : vector<16xf32>
// CHECK: %[[BIT5:.*]] = arith.andi %[[I]], %{{.*}} : vector<16xi32>
// CHECK: %[[UPPER:.*]] = arith.cmpi ne, %[[BIT5]], %{{.*}} : vector<16xi32>
// CHECK: arith.select %[[UPPER]], %[[HIGH]], %[[LOW]] : vector<16xi1>, vector<16xf32>
// CONVERT-LABEL: func.func @gemv_e3m2(
// CONVERT-NOT: anybit.x86_vpermi2ps
// CONVERT: vector.fma

// -----

func.func @gemv_i2_g32(%x: tensor<1x256xf32>, %w: tensor<1x256xi2, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<1x256xi2, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// A quarter of 2-bit codes (16 bytes, 64 codes) spans two groups of 32:
// lane i holds codes 4 i .. 4 i + 3, so lanes 0-7 take the first scale and
// lanes 8-15 the second. A block's eight scales are read and converted
// once, and each quarter picks its two by one shuffle. The four quarters'
// scaled sums are added as a tree.
// CHECK-LABEL: func.func @gemv_i2_g32(
// CHECK: %[[EIGHT:.*]] = arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
// CHECK: %[[LANES:.*]] = vector.shuffle %[[EIGHT]], %[[EIGHT]] [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1] : vector<8xf32>, vector<8xf32>
// CHECK: vector.shuffle %[[EIGHT]], %[[EIGHT]] [2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3]
// CHECK: %[[FIRST:.*]] = arith.mulf %{{.*}}, %[[LANES]] : vector<16xf32>
// CHECK: %[[PAIR01:.*]] = vector.fma %{{.*}}, %{{.*}}, %[[FIRST]] : vector<16xf32>
// CHECK: %[[PAIR23:.*]] = vector.fma
// CHECK: %[[BLOCK:.*]] = arith.addf %[[PAIR01]], %[[PAIR23]] : vector<16xf32>
// CHECK: arith.addf %{{.*}}, %[[BLOCK]] : vector<16xf32>

// -----

func.func @gemv_i5(%x: tensor<1x128xf32>, %w: tensor<1x128xi5, #anybit.packed<>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x128xf32>, tensor<1x128xi5, #anybit.packed<>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// 5-bit fields: blocks of 40 bytes in an 80-byte row. The first block is
// read as the 64 bytes from its first byte (an scf.for over the blocks
// whose read stays in the row); the last as the 64 bytes up to the row's
// end, where it starts at byte 24. One 32-entry table (vpermi2ps) gives
// the values. Without tables, the fields are shifted to the top of the
// lane, back down arithmetically, and converted.
// CHECK-LABEL: func.func @gemv_i5(
// CHECK: scf.for
// CHECK:   %[[FIRST:.*]] = vector.transfer_read %{{.*}} : tensor<80xi8>, vector<64xi8>
// CHECK:   vector.shuffle %[[FIRST]], %{{.*}} [0, 1, 64, 64, 0, 1, 64, 64, 1, 2, 64, 64,
// CHECK:   anybit.x86_vpermi2ps
// CHECK: scf.yield
// CHECK: %[[ROWSTART:.*]] = arith.muli %{{.*}}, %c80{{.*}} : index
// CHECK: %[[END:.*]] = arith.addi %[[ROWSTART]], %c16{{.*}} : index
// CHECK: %[[LAST:.*]] = vector.transfer_read %{{.*}}[%[[END]]], %{{.*}} : tensor<80xi8>, vector<64xi8>
// CHECK: vector.shuffle %[[LAST]], %{{.*}} [24, 25, 64, 64, 24, 25, 64, 64, 25, 26, 64, 64,
// CHECK-NOT: anybit.x86_vpermps
// CONVERT-LABEL: func.func @gemv_i5(
// CONVERT: vector.shuffle
// CONVERT: arith.shli %{{.*}} : vector<16xi32>
// CONVERT: arith.shrsi %{{.*}} : vector<16xi32>
// CONVERT: arith.sitofp
