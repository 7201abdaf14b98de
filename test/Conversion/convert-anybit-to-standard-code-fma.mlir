// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=512" --split-input-file | FileCheck %s
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=256" --split-input-file | FileCheck %s --check-prefix=CONVERT
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=512 vectorize=false" --split-input-file | FileCheck %s --check-prefix=SCALAR
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=512 x86-int8-dot-bits=512 x86-multishift=true" --split-input-file | FileCheck %s --check-prefix=MULTISHIFT

func.func @gemv_i4(%x: tensor<1x256xf32>, %w: tensor<2x256xi4, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<2x256xi4, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// f32 activations times i4 codes (the code-FMA kernel), in words: a block
// of 128 codes is one read of 64 bytes as 16 i32 lanes, lane i holding
// codes 8 i .. 8 i + 7 (the activations permuted once to match:
// tensor.generate, x[8 i + j] for code j of lane i). A tile takes two rows
// of W, t and t + N / 2 (each row one sequential stream across the tiles),
// both rows' code j against each load of activations. Code j is looked up after
// a shift by 4 j in a 16-entry table (anybit.x86_vpermps reads the low four
// bits of a lane) of the values -8..7 times the block's group scale, so
// every value is the weight the VM dequantizes, and each value vector is
// one FMA with 16 activations, in four chains a row carried through it.
// Each row's two scales are read and converted at once into a buffer on
// the stack; a block's is a broadcast load, and its table made one block
// ahead. The chains are added and the lanes reduced in any order; the
// tiles' outputs (2 x N / 2) are y row-major.
// CHECK-LABEL: func.func @gemv_i4(
// CHECK: %[[XP:.*]] = tensor.generate
// CHECK: scf.forall (%[[T:.*]]) in (1) shared_outs(%{{.*}}) -> (tensor<2x1xf32>)
// CHECK:   %[[TWO:.*]] = arith.extf %{{.*}} : vector<2xf16> to vector<2xf32>
// CHECK:   %[[BUF:.*]] = memref.alloca() : memref<2xf32>
// CHECK:   vector.transfer_write %[[TWO]], %[[BUF]][%{{.*}}] {in_bounds = [true]} : vector<2xf32>, memref<2xf32>
// CHECK:   %[[BUF1:.*]] = memref.alloca() : memref<2xf32>
// CHECK:   %[[FIRST:.*]] = memref.load %[[BUF]][%{{.*}}] : memref<2xf32>
// CHECK:   %[[FIRSTV:.*]] = vector.broadcast %[[FIRST]] : f32 to vector<16xf32>
// CHECK:   %[[TABLE:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, -8.000000e+00, -7.000000e+00, -6.000000e+00, -5.000000e+00, -4.000000e+00, -3.000000e+00, -2.000000e+00, -1.000000e+00]> : vector<16xf32>
// CHECK:   %[[SCALED:.*]] = arith.mulf %[[TABLE]], %[[FIRSTV]] : vector<16xf32>
// CHECK:   memref.load %[[BUF1]]
// CHECK:   %[[SCALED1:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK:   scf.for %[[KB:.*]] = {{.*}} iter_args(%[[C0:[^ ]*]] = %{{.*}}, %[[C1:[^ ]*]] = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %[[T0:[^ ]*]] = %[[SCALED]], %[[D0:[^ ]*]] = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %[[T1:[^ ]*]] = %[[SCALED1]]) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:     arith.minui %{{.*}}, %{{.*}} : index
// CHECK:     %[[RAW:.*]] = vector.transfer_read %{{.*}} : tensor<{{.*}}xi8>, vector<64xi8>
// CHECK:     %[[LANES:.*]] = vector.bitcast %[[RAW]] : vector<64xi8> to vector<16xi32>
// CHECK:     %[[RAW1:.*]] = vector.transfer_read %{{.*}} : tensor<{{.*}}xi8>, vector<64xi8>
// CHECK:     %[[LANES1:.*]] = vector.bitcast %[[RAW1]] : vector<64xi8> to vector<16xi32>
// CHECK:     %[[V0:.*]] = anybit.x86_vpermps %[[T0]], %[[LANES]] : vector<16xf32>
// CHECK:     %[[W0:.*]] = anybit.x86_vpermps %[[T1]], %[[LANES1]] : vector<16xf32>
// CHECK:     %[[X0:.*]] = vector.transfer_read %[[XP]]
// CHECK:     vector.fma %[[X0]], %[[V0]], %[[C0]] : vector<16xf32>
// CHECK:     vector.fma %[[X0]], %[[W0]], %[[D0]] : vector<16xf32>
// CHECK:     %[[CODE1:.*]] = arith.shrui %[[LANES]], %{{.*}} : vector<16xi32>
// CHECK:     %[[V1:.*]] = anybit.x86_vpermps %[[T0]], %[[CODE1]] : vector<16xf32>
// CHECK:     %[[X1:.*]] = vector.transfer_read %[[XP]]
// CHECK:     vector.fma %[[X1]], %[[V1]], %[[C1]] : vector<16xf32>
// CHECK:     %[[S:.*]] = memref.load %[[BUF]][%{{.*}}] : memref<2xf32>
// CHECK:     %[[SV:.*]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK:     %[[NEXTTABLE:.*]] = arith.mulf %{{.*}}, %[[SV]] : vector<16xf32>
// CHECK:     memref.load %[[BUF1]][%{{.*}}] : memref<2xf32>
// CHECK:     %[[NEXTTABLE1:.*]] = arith.mulf
// CHECK:     scf.yield {{.*}}, %[[NEXTTABLE]], {{.*}}, %[[NEXTTABLE1]] :
// CHECK:   %[[Y0:.*]] = vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
// CHECK:   %[[IN0:.*]] = tensor.insert %[[Y0]] into %{{.*}}[%c0{{.*}}, %c0{{.*}}] : tensor<2x1xf32>
// CHECK:   %[[Y1:.*]] = vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
// CHECK:   tensor.insert %[[Y1]] into %[[IN0]][%c1{{.*}}, %c0{{.*}}] : tensor<2x1xf32>
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x1xf32> into tensor<2xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [1, 2] : tensor<2xf32> into tensor<1x2xf32>
// Without AVX-512 BW there is no vpermps: the nibbles are sign-extended
// (shifted to the top of the lane and back) and converted, and each
// group's sums scaled once.
// CONVERT-LABEL: func.func @gemv_i4(
// CONVERT-NOT: anybit.x86_vpermps
// CONVERT: vector.bitcast %{{.*}} : vector<64xi8> to vector<16xi32>
// CONVERT: arith.shli %{{.*}} : vector<16xi32>
// CONVERT: arith.shrsi %{{.*}} : vector<16xi32>
// CONVERT: arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CONVERT: vector.fma
// SCALAR-LABEL: func.func @gemv_i4(
// SCALAR-NOT: vector.fma
// SCALAR: linalg.generic

// -----

func.func @gemv_i4_g4(%x: tensor<1x128xf32>, %w: tensor<2x128xi4, #anybit.packed<block = [1, 4], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x128xf32>, tensor<2x128xi4, #anybit.packed<block = [1, 4], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// Groups of 4 codes would split a word's 8: planes instead. A block is 64
// bytes, read 16 at a time and zero-extended to 16 i32 lanes (two codes
// each); the low nibbles index the table, the high ones after a shift by
// 4, and each read's sums are scaled by its lanes' own scales.
// CHECK-LABEL: func.func @gemv_i4_g4(
// CHECK: %[[RAW:.*]] = vector.transfer_read %{{.*}} : tensor<{{.*}}xi8>, vector<16xi8>
// CHECK: %[[LANES:.*]] = arith.extui %[[RAW]] : vector<16xi8> to vector<16xi32>
// CHECK: anybit.x86_vpermps %{{.*}}, %[[LANES]] : vector<16xf32>
// CHECK: %[[HIGHBITS:.*]] = arith.shrui %[[LANES]], %{{.*}} : vector<16xi32>
// CHECK: anybit.x86_vpermps %{{.*}}, %[[HIGHBITS]] : vector<16xf32>

// -----

func.func @gemv_i3(%x: tensor<1x256xf32>, %w: tensor<1x256xi3, #anybit.packed<>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<1x256xi3, #anybit.packed<>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// 3-bit codes straddle bytes: a block of 128 codes is 48 bytes, lane i
// holding the 8 codes of bytes 3 i .. 3 i + 2 (the activations permuted so
// that code j of the 16 lanes meets x[8 i + j]). The block is read as a
// whole vector of 64 bytes (the row's last as the 64 bytes up to the
// row's end, 96 bytes here, where it starts at byte 16); one byte shuffle
// gives each lane its 4 bytes (the 4th of lane 15 past the read: a zero),
// and code j is (x >> 3 j) through the table (period 8: the bits above
// the code are ignored). Unscaled, the sums run through the row in eight
// chains, one a code of the lane.
// CHECK-LABEL: func.func @gemv_i3(
// CHECK: tensor.generate
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:   %[[TABLE:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, -4.000000e+00, -3.000000e+00, -2.000000e+00, -1.000000e+00, 0.000000e+00,
// CHECK:   %[[W:.*]] = vector.transfer_read %{{.*}} : tensor<96xi8>, vector<64xi8>
// CHECK:   %[[SPREAD:.*]] = vector.shuffle %[[W]], %{{.*}} [0, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9,
// CHECK-SAME: 45, 46, 47, 48] : vector<64xi8>, vector<64xi8>
// CHECK:   %[[LANES:.*]] = vector.bitcast %[[SPREAD]] : vector<64xi8> to vector<16xi32>
// CHECK:   anybit.x86_vpermps %[[TABLE]], %[[LANES]] : vector<16xf32>
// CHECK:   arith.shrui %[[LANES]], %{{.*}} : vector<16xi32>
// CHECK:   scf.yield
// CHECK: %[[LAST:.*]] = vector.transfer_read %{{.*}} : tensor<96xi8>, vector<64xi8>
// CHECK: vector.shuffle %[[LAST]], %{{.*}} [16, 17, 18, 19, 19, 20,
// CHECK-SAME: 61, 62, 63, 64] : vector<64xi8>, vector<64xi8>

// -----

func.func @gemv_e3m2(%x: tensor<1x256xf32>, %w: tensor<1x256xf6E3M2FN, #anybit.packed<block = [1, 64], scale = f32>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<1x256xf6E3M2FN, #anybit.packed<block = [1, 64], scale = f32>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// 6-bit codes: a block is 96 bytes, read as two vectors (128 bytes); lane
// i's first window (its bytes 6 i ..) holds codes 0-3, the second (from
// byte 3 of its codes, the next 24-bit period) codes 4-7, at the same
// shifts. e3m2's bit 5 is a sign: one 32-entry lookup (vpermi2ps, the
// lane's low five bits) gives the magnitude, and bit 5, shifted to bit
// 31, is xor-ed into it. With vpmultishiftqb, one of them puts the code's
// low bits at the bottom of the lane and its sign at the top (byte 0 from
// bit 6 of each qword's dwords for code 1, byte 3 from bit 4). Groups of 64
// codes are half a block: lanes 0-7 take the first scale, 8-15 the second.
// Without tables, floats take the vector kernel.
// CHECK-LABEL: func.func @gemv_e3m2(
// CHECK: %[[W:.*]] = vector.transfer_read %{{.*}} : tensor<208xi8>, vector<128xi8>
// CHECK: %[[FIRST:.*]] = vector.shuffle %[[W]], %{{.*}} [0, 1, 2, 3, 6, 7, 8, 9,
// CHECK: %[[X:.*]] = vector.bitcast %[[FIRST]] : vector<64xi8> to vector<16xi32>
// CHECK: %[[UP:.*]] = arith.shli %[[X]], %{{.*}} : vector<16xi32>
// CHECK: %[[MAG:.*]] = anybit.x86_vpermi2ps %{{.*}}, %[[X]], %{{.*}} : vector<16xf32>
// CHECK: %[[MAGBITS:.*]] = vector.bitcast %[[MAG]] : vector<16xf32> to vector<16xi32>
// CHECK: %[[SIGN:.*]] = arith.andi %[[UP]], %{{.*}} : vector<16xi32>
// CHECK: %[[BITS:.*]] = arith.xori %[[MAGBITS]], %[[SIGN]] : vector<16xi32>
// CHECK: vector.bitcast %[[BITS]] : vector<16xi32> to vector<16xf32>
// CHECK: vector.shuffle %[[W]], %{{.*}} [3, 4, 5, 6, 9, 10, 11, 12,
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1] : vector<2xf32>, vector<2xf32>
// CHECK-NOT: arith.select
// MULTISHIFT-LABEL: func.func @gemv_e3m2(
// MULTISHIFT: %[[X:.*]] = vector.bitcast %{{.*}} : vector<64xi8> to vector<16xi32>
// MULTISHIFT: arith.constant dense<[6, 6, 6, 4, 38, 38, 38, 36, 6,
// MULTISHIFT: %[[XB:.*]] = vector.bitcast %[[X]] : vector<16xi32> to vector<64xi8>
// MULTISHIFT: %[[SPREAD:.*]] = anybit.x86_vpmultishiftqb %{{.*}}, %[[XB]] : vector<64xi8>
// MULTISHIFT: %[[LANES:.*]] = vector.bitcast %[[SPREAD]] : vector<64xi8> to vector<16xi32>
// MULTISHIFT: anybit.x86_vpermi2ps %{{.*}}, %[[LANES]], %{{.*}} : vector<16xf32>
// MULTISHIFT-NOT: arith.shli
// MULTISHIFT: %[[SIGN:.*]] = arith.andi %[[LANES]], %{{.*}} : vector<16xi32>
// MULTISHIFT: arith.xori %{{.*}}, %[[SIGN]] : vector<16xi32>
// CONVERT-LABEL: func.func @gemv_e3m2(
// CONVERT-NOT: anybit.x86_vpermi2ps
// CONVERT: vector.fma

// -----

func.func @gemv_ue3m3(%x: tensor<1x256xf32>, %w: tensor<1x256x!anybit.float<e3m3, unsigned>, #anybit.packed<>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<1x256x!anybit.float<e3m3, unsigned>, #anybit.packed<>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// An unsigned 6-bit float has no sign bit: a 64-entry table, two 32-entry
// lookups and bit 5 selecting between them (with vpmultishiftqb too).
// MULTISHIFT-LABEL: func.func @gemv_ue3m3(
// MULTISHIFT-NOT: anybit.x86_vpmultishiftqb
// MULTISHIFT: arith.select
// MULTISHIFT-NOT: anybit.x86_vpmultishiftqb
// MULTISHIFT: return
// CHECK-LABEL: func.func @gemv_ue3m3(
// CHECK: %[[LOW:.*]] = anybit.x86_vpermi2ps %{{.*}}, %[[I:.*]], %{{.*}} : vector<16xf32>
// CHECK: %[[HIGH:.*]] = anybit.x86_vpermi2ps %{{.*}}, %[[I]], %{{.*}} : vector<16xf32>
// CHECK: %[[BIT5:.*]] = arith.andi %[[I]], %{{.*}} : vector<16xi32>
// CHECK: %[[UPPER:.*]] = arith.cmpi ne, %[[BIT5]], %{{.*}} : vector<16xi32>
// CHECK: arith.select %[[UPPER]], %[[HIGH]], %[[LOW]] : vector<16xi1>, vector<16xf32>

// -----

func.func @gemv_i2_g32(%x: tensor<1x256xf32>, %w: tensor<1x256xi2, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<1x256xi2, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// A read of 2-bit codes (words: 64 bytes, 256 codes) spans eight groups
// of 32: lane i holds codes 16 i .. 16 i + 15, so lanes 2 g and 2 g + 1
// take scale g. The block's eight scales are read and converted once and
// spread over the lanes by one shuffle; the read's sums (four chains
// added as a tree) are scaled once.
// CHECK-LABEL: func.func @gemv_i2_g32(
// CHECK: %[[RAW:.*]] = vector.transfer_read %{{.*}} : tensor<{{.*}}xi8>, vector<64xi8>
// CHECK: vector.bitcast %[[RAW]] : vector<64xi8> to vector<16xi32>
// CHECK: %[[EIGHT:.*]] = arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
// CHECK: %[[LANES:.*]] = vector.shuffle %[[EIGHT]], %[[EIGHT]] [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7] : vector<8xf32>, vector<8xf32>
// CHECK: vector.fma %{{.*}}, %[[LANES]], %{{.*}} : vector<16xf32>

// -----

func.func @gemv_i5(%x: tensor<1x256xf32>, %w: tensor<1x256xi5, #anybit.packed<>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<1x256xi5, #anybit.packed<>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// 5-bit codes: blocks of 80 bytes in a 160-byte row, read 128 bytes at a
// time. The first block is read from its first byte (an scf.for over the
// blocks whose read stays in the row); the last as the 128 bytes up to the
// row's end, where it starts at byte 48. Lane i's first window holds codes
// 0-5, the second (from byte 3 of its codes) codes 6 and 7. One 32-entry
// table (vpermi2ps) gives the values. On AVX2, 5- to 7-bit integers take
// the code-cvt kernel instead, their values straight from the fields'
// 16-bit windows (convert-anybit-to-standard-code-cvt.mlir).
// CHECK-LABEL: func.func @gemv_i5(
// CHECK: scf.for
// CHECK:   %[[FIRST:.*]] = vector.transfer_read %{{.*}} : tensor<160xi8>, vector<128xi8>
// CHECK:   vector.shuffle %[[FIRST]], %{{.*}} [0, 1, 2, 3, 5, 6, 7, 8,
// CHECK:   anybit.x86_vpermi2ps
// CHECK:   vector.shuffle %[[FIRST]], %{{.*}} [3, 4, 5, 6, 8, 9, 10, 11,
// CHECK: scf.yield
// CHECK: %[[ROWSTART:.*]] = arith.muli %{{.*}}, %c160{{.*}} : index
// CHECK: %[[END:.*]] = arith.addi %[[ROWSTART]], %c32{{.*}} : index
// CHECK: %[[LAST:.*]] = vector.transfer_read %{{.*}}[%[[END]]], %{{.*}} : tensor<160xi8>, vector<128xi8>
// CHECK: vector.shuffle %[[LAST]], %{{.*}} [48, 49, 50, 51, 53, 54, 55, 56,
// CHECK-NOT: anybit.x86_vpermps
// CONVERT-LABEL: func.func @gemv_i5(
// CONVERT: anybit.x86_vpshufb
// CONVERT-NOT: anybit.x86_vpackuswb
// CONVERT: arith.sitofp %{{.*}} : vector<32xi32> to vector<32xf32>

// -----

func.func @gemv_i6(%x: tensor<1x256xf32>, %w: tensor<1x256xi6, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<1x256xi6, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// 6-bit integers by their mantissas: windows keep each code below bit 23,
// four a lane (bytes 0, 2, 3 and 5 of its codes: codes 0-2 at bits 0, 6,
// 12, code 3 at bit 2, and the same for codes 4-7). Code 1 (bits 6-11,
// mask 4032) keeps its bits, its sign bit flipped (2048), under the
// exponent of 2^17 (144 << 23): the f32 2^17 + 32 + v; subtracting
// 131104 = 2^17 + 32 leaves v. No shift and no conversion. Each group's
// sum takes its scale from the row's, converted once into a buffer on the
// stack.
// CHECK-LABEL: func.func @gemv_i6(
// CHECK: %[[BUF:.*]] = memref.alloca() : memref<2xf32>
// CHECK: vector.transfer_write %{{.*}}, %[[BUF]]
// CHECK: %[[W:.*]] = vector.transfer_read %{{.*}} : tensor<{{.*}}xi8>, vector<128xi8>
// CHECK: vector.shuffle %[[W]], %{{.*}} [0, 1, 2, 3, 6, 7, 8, 9,
// CHECK-NOT: arith.sitofp
// CHECK: %[[CODE:.*]] = arith.andi %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK: %[[F:.*]] = arith.xori %[[CODE]], %{{.*}} : vector<16xi32>
// CHECK: %[[FV:.*]] = vector.bitcast %[[F]] : vector<16xi32> to vector<16xf32>
// CHECK: arith.subf %[[FV]], %{{.*}} : vector<16xf32>
// CHECK: arith.constant dense<4032> : vector<16xi32>
// CHECK: arith.constant dense<1207961600> : vector<16xi32>
// CHECK: arith.constant dense<1.311040e+05> : vector<16xf32>
// CHECK: vector.shuffle %[[W]], %{{.*}} [2, 3, 4, 5, 8, 9, 10, 11,
// CHECK: vector.shuffle %[[W]], %{{.*}} [3, 4, 5, 6, 9, 10, 11, 12,
// CHECK: vector.shuffle %[[W]], %{{.*}} [5, 6, 7, 8, 11, 12, 13, 14,
// CHECK-NOT: arith.sitofp
// CHECK: %[[S:.*]] = memref.load %[[BUF]][%{{.*}}] : memref<2xf32>
// CHECK: vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK-NOT: arith.sitofp
// CHECK: return
// CONVERT-LABEL: func.func @gemv_i6(
// CONVERT: anybit.x86_vpshufb
// CONVERT: arith.sitofp %{{.*}} : vector<32xi32> to vector<32xf32>

// -----

func.func @gemv_ui6(%x: tensor<1x256xf32>, %w: tensor<1x256xui6, #anybit.packed<>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<1x256xui6, #anybit.packed<>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// Unsigned 6-bit integers keep their top bit and subtract no offset:
// code 1 (bits 6-11) is the f32 2^17 + u under the bare exponent
// (144 << 23), and 2^17 = 131072 is subtracted.
// CHECK-LABEL: func.func @gemv_ui6(
// CHECK-NOT: arith.sitofp
// CHECK: arith.constant dense<4032> : vector<16xi32>
// CHECK: arith.constant dense<1207959552> : vector<16xi32>
// CHECK: arith.constant dense<1.310720e+05> : vector<16xf32>
// CHECK-NOT: arith.sitofp
// CHECK: return

// -----

func.func @gemv_i8_g32(%x: tensor<1x256xf32>, %w: tensor<1x256xi8, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<1x1xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<1x256xi8, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// Whole bytes in groups of two reads (a block of 4 reads holds 2 groups):
// a group's two reads go to one FMA chain, whose sum then takes one FMA
// with the group's scale, into two running sums in turn.
// CHECK-LABEL: func.func @gemv_i8_g32(
// CHECK: scf.for {{.*}} iter_args(%[[S0:.*]] = %{{.*}}, %[[S1:.*]] = %{{.*}}) -> (vector<16xf32>, vector<16xf32>)
// CHECK: %[[A:.*]] = vector.fma %{{.*}}, %{{.*}}, %[[ZERO:.*]] : vector<16xf32>
// CHECK: %[[G0:.*]] = vector.fma %{{.*}}, %{{.*}}, %[[A]] : vector<16xf32>
// CHECK: %[[B:.*]] = vector.fma %{{.*}}, %{{.*}}, %[[ZERO]] : vector<16xf32>
// CHECK: %[[G1:.*]] = vector.fma %{{.*}}, %{{.*}}, %[[B]] : vector<16xf32>
// CHECK: %[[SCALES:.*]] = arith.extf %{{.*}} : vector<2xf16> to vector<2xf32>
// CHECK: %[[SC0:.*]] = vector.shuffle %[[SCALES]], %[[SCALES]] [0, 0,
// CHECK: %[[N0:.*]] = vector.fma %[[G0]], %[[SC0]], %[[S0]] : vector<16xf32>
// CHECK: %[[SC1:.*]] = vector.shuffle %[[SCALES]], %[[SCALES]] [1, 1,
// CHECK: %[[N1:.*]] = vector.fma %[[G1]], %[[SC1]], %[[S1]] : vector<16xf32>
// CHECK: scf.yield %[[N0]], %[[N1]]
// CHECK-NOT: arith.mulf

// -----

func.func @gemv_e2m1(%x: tensor<1x256xf32>, %w: tensor<2x256xf4E2M1FN, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<2x256xf4E2M1FN, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// Without f32 tables (AVX2) 4-bit floats take byte tables: e2m1's values
// times 2 (-12..12) are int8, so the activations are halved once (A') and
// each word of 8 codes is masked into its even and its odd nibbles, each
// looked up by a vpshufb per 32 bytes. Code j is then byte j / 2 of one of
// the two, sign-extended by two shifts (one for the top byte) and
// converted, one FMA a code as for integers.
// With AVX-512 they look up f32 tables, as integers do.
// CHECK-LABEL: func.func @gemv_e2m1(
// CHECK-NOT: anybit.x86_vpshufb
// CHECK: anybit.x86_vpermps
// CONVERT-LABEL: func.func @gemv_e2m1(
// CONVERT: tensor.generate
// CONVERT:   %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CONVERT:   arith.mulf %{{.*}}, %[[HALF]] : f32
// CONVERT: scf.forall
// CONVERT:   %[[LANES:.*]] = vector.bitcast %{{.*}} : vector<64xi8> to vector<16xi32>
// CONVERT:   %[[TABLE:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12, 0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12]> : vector<32xi8>
// CONVERT:   %[[NIBBLES:.*]] = arith.constant dense<252645135> : vector<16xi32>
// CONVERT:   arith.andi %[[LANES]], %[[NIBBLES]] : vector<16xi32>
// CONVERT:   anybit.x86_vpshufb %[[TABLE]], %{{.*}} : vector<32xi8>
// CONVERT:   anybit.x86_vpshufb %[[TABLE]], %{{.*}} : vector<32xi8>
// CONVERT:   %[[EVEN:.*]] = vector.bitcast %{{.*}} : vector<64xi8> to vector<16xi32>
// CONVERT:   %[[HIGH:.*]] = arith.shrui %[[LANES]], %{{.*}} : vector<16xi32>
// CONVERT:   arith.andi %[[HIGH]], %[[NIBBLES]] : vector<16xi32>
// CONVERT:   %[[ODD:.*]] = vector.bitcast %{{.*}} : vector<64xi8> to vector<16xi32>
// CONVERT:   %[[TOP0:.*]] = arith.shli %[[EVEN]], %{{.*}} : vector<16xi32>
// CONVERT:   %[[K0:.*]] = arith.shrsi %[[TOP0]], %{{.*}} : vector<16xi32>
// CONVERT:   %[[V0:.*]] = arith.sitofp %[[K0]] : vector<16xi32> to vector<16xf32>
// CONVERT:   vector.fma %{{.*}}, %[[V0]], %{{.*}} : vector<16xf32>
// CONVERT:   arith.shli %[[ODD]], %{{.*}} : vector<16xi32>
// CONVERT:   %[[K7:.*]] = arith.shrsi %[[ODD]], %{{.*}} : vector<16xi32>
// CONVERT:   arith.sitofp %[[K7]] : vector<16xi32> to vector<16xf32>
// CONVERT:   vector.reduction <add>

// -----

// On AVX2, 6-bit integers in groups smaller than a block of 32 stay with
// the code-FMA kernel, as f32 mantissas: no conversion.
// CONVERT-LABEL: func.func @gemv_i6_g16(
// CONVERT-NOT: arith.sitofp
// CONVERT: arith.subf %{{.*}}, %{{.*}} : vector<16xf32>
// CONVERT-NOT: arith.sitofp
// CONVERT: return
func.func @gemv_i6_g16(%x: tensor<1x256xf32>, %w: tensor<2x256xi6, #anybit.packed<block = [1, 16], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<2x256xi6, #anybit.packed<block = [1, 16], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @gemv_i6_rows(%x: tensor<1x256xf32>, %w: tensor<2x256xi6, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<2x256xi6, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

func.func @gemv_i6_long_rows(%x: tensor<1x8192xf32>, %w: tensor<2x8192xi6, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x8192xf32>, tensor<2x8192xi6, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

func.func @gemv_i4_odd_rows(%x: tensor<1x256xf32>, %w: tensor<3x256xi4, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x3xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<3x256xi4, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// A tile's rows: 6-bit integers' mantissas keep eight constant vectors
// live, so they take one row a tile while the activations fit in L1 (K
// up to 4096), and two beyond; an odd N takes one row a tile.
// CHECK-LABEL: func.func @gemv_i6_rows(
// CHECK: scf.forall (%{{.*}}) in (2) shared_outs(%{{.*}}) -> (tensor<1x2xf32>)
// CHECK-NOT: tensor.collapse_shape
// CHECK-LABEL: func.func @gemv_i6_long_rows(
// CHECK: scf.forall (%{{.*}}) in (1) shared_outs(%{{.*}}) -> (tensor<2x1xf32>)
// CHECK: tensor.collapse_shape
// CHECK-LABEL: func.func @gemv_i4_odd_rows(
// CHECK: scf.forall (%{{.*}}) in (3) shared_outs(%{{.*}}) -> (tensor<1x3xf32>)
// CHECK-NOT: tensor.collapse_shape
// CHECK: return

// -----

func.func @gemv_i4_four_rows(%x: tensor<1x256xf32>, %w: tensor<4x256xi4, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x4xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<4x256xi4, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// Tile t of N = 4 takes rows t and t + 2, far apart: row t's bytes from
// t * 128, row t + 2's from (t + 2) * 128, each block's reads and scales
// its own row's; the tile's two outputs go to (0, t) and (1, t) of a 2 x 2
// tensor, which is y row-major.
// CHECK-LABEL: func.func @gemv_i4_four_rows(
// CHECK: scf.forall (%[[I:.*]]) in (2) shared_outs(%{{.*}}) -> (tensor<2x2xf32>)
// CHECK:   %[[T:.*]] = arith.muli %[[I]], %c1{{.*}} : index
// CHECK:   %[[FAR:.*]] = arith.addi %[[T]], %c2{{.*}} : index
// CHECK:   scf.for
// CHECK:     arith.muli %[[T]], %c128{{.*}} : index
// CHECK:     arith.muli %[[FAR]], %c128{{.*}} : index
// CHECK:   %[[Y0:.*]] = tensor.insert %{{.*}} into %{{.*}}[%c0{{.*}}, %c0{{.*}}] : tensor<2x1xf32>
// CHECK:   %[[Y1:.*]] = tensor.insert %{{.*}} into %[[Y0]][%c1{{.*}}, %c0{{.*}}] : tensor<2x1xf32>
// CHECK:   tensor.parallel_insert_slice %[[Y1]] into %{{.*}}[0, %[[T]]] [2, 1] [1, 1] : tensor<2x1xf32> into tensor<2x2xf32>
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x2xf32> into tensor<4xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>

// -----

func.func @gemv_i4_panels(%x: tensor<1x10240xf32>, %w: tensor<2x10240xi4, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x10240xf32>, tensor<2x10240xi4, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// K = 10240: A' (40 KiB) would outgrow L1, so K is split into two panels of
// 40 groups (20 KiB of A' each), each one pass over the tiles adding its
// sums to the last's (to zeros first). Panels of one size are one scf.for
// over their first blocks (each panel unrolled had been the kernel's code
// again). Each pass converts its own 40 scales a row, from group
// first block * 128 / 128, and its loop over blocks carries
// anybit.prefetch_distance = 5120 (a row's bytes): the next tile's row.
// CHECK-LABEL: func.func @gemv_i4_panels(
// CHECK: %[[ZEROS:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x1xf32>) -> tensor<2x1xf32>
// CHECK: scf.for %[[P:.*]] = %{{.*}} to %c80{{.*}} step %c40{{.*}} iter_args(%[[Y:.*]] = %[[ZEROS]]) -> (tensor<2x1xf32>)
// CHECK:   scf.forall (%{{.*}}) in (1) shared_outs(%{{.*}} = %[[Y]]) -> (tensor<2x1xf32>)
// CHECK:     %[[CODE:.*]] = arith.muli %[[P]], %c128{{.*}} : index
// CHECK:     %[[GROUP:.*]] = arith.divui %[[CODE]], %c128{{.*}} : index
// CHECK:     arith.addi %{{.*}}, %[[GROUP]] : index
// CHECK:     vector.transfer_read %{{.*}} : tensor<10560xi8>, vector<80xi8>
// CHECK:     memref.alloca() : memref<40xf32>
// CHECK:     scf.for %{{.*}} = %{{.*}} to %c40{{.*}} step
// CHECK:     } {anybit.prefetch_distance = 5120 : i64}
// CHECK:     %[[OLD:.*]] = tensor.extract %{{.*}}[%c0{{.*}}, %c0{{.*}}] : tensor<2x1xf32>
// CHECK:     %[[NEW:.*]] = arith.addf %[[OLD]], %{{.*}} : f32
// CHECK:     tensor.insert %[[NEW]] into %{{.*}}[%c0{{.*}}, %c0{{.*}}] : tensor<2x1xf32>
// CHECK-NOT: scf.forall (
// CHECK: tensor.collapse_shape

// -----

func.func @batch_i4(%x: tensor<4x256xf32>, %w: tensor<2x256xi4, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<4x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<4x256xf32>, tensor<2x256xi4, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// Four rows of A: each value looked up (one vpermps a row of W) meets every
// row's activations, a load of A' each serving both rows of W, and each
// (row of W, row of A) is one chain (eight in flight): a row of W carries
// four chains, one a row of A, and its table. Output i of row r of W goes
// to (2 i + r, 0) of the tile (8 x 1), and the tiles' (8 x N / 2) are y
// row-major.
// CHECK-LABEL: func.func @batch_i4(
// CHECK: %[[XP:.*]] = tensor.generate
// CHECK: scf.forall (%{{.*}}) in (1) shared_outs(%{{.*}}) -> (tensor<8x1xf32>)
// CHECK:   scf.for {{.*}} iter_args(%[[A0:[^ ]*]] = %{{.*}}, %[[A1:[^ ]*]] = %{{.*}}, %[[A2:[^ ]*]] = %{{.*}}, %[[A3:[^ ]*]] = %{{.*}}, %[[T0:[^ ]*]] = %{{.*}}, %[[B0:[^ ]*]] = %{{.*}}, %[[B1:[^ ]*]] = %{{.*}}, %[[B2:[^ ]*]] = %{{.*}}, %[[B3:[^ ]*]] = %{{.*}}, %[[T1:[^ ]*]] = %{{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:     %[[V:.*]] = anybit.x86_vpermps %[[T0]], %{{.*}} : vector<16xf32>
// CHECK:     %[[W:.*]] = anybit.x86_vpermps %[[T1]], %{{.*}} : vector<16xf32>
// CHECK:     %[[X0:.*]] = vector.transfer_read %[[XP]][%c0{{.*}}, %[[COL:.*]]], %{{.*}} : tensor<4x256xf32>, vector<16xf32>
// CHECK:     vector.fma %[[X0]], %[[V]], %[[A0]]
// CHECK:     vector.fma %[[X0]], %[[W]], %[[B0]]
// CHECK:     %[[X1:.*]] = vector.transfer_read %[[XP]][%c1{{.*}}, %[[COL]]]
// CHECK:     vector.fma %[[X1]], %[[V]], %[[A1]]
// CHECK:     vector.fma %[[X1]], %[[W]], %[[B1]]
// CHECK:     %[[X2:.*]] = vector.transfer_read %[[XP]][%c2{{.*}}, %[[COL]]]
// CHECK:     vector.fma %[[X2]], %[[V]], %[[A2]]
// CHECK:     vector.fma %[[X2]], %[[W]], %[[B2]]
// CHECK:     %[[X3:.*]] = vector.transfer_read %[[XP]][%c3{{.*}}, %[[COL]]]
// CHECK:     vector.fma %[[X3]], %[[V]], %[[A3]]
// CHECK:     vector.fma %[[X3]], %[[W]], %[[B3]]
// CHECK:   tensor.insert %{{.*}}[%c0{{.*}}, %c0{{.*}}] : tensor<8x1xf32>
// CHECK:   tensor.insert %{{.*}}[%c2{{.*}}, %c0{{.*}}] : tensor<8x1xf32>
// CHECK:   tensor.insert %{{.*}}[%c4{{.*}}, %c0{{.*}}] : tensor<8x1xf32>
// CHECK:   tensor.insert %{{.*}}[%c6{{.*}}, %c0{{.*}}] : tensor<8x1xf32>
// CHECK:   tensor.insert %{{.*}}[%c1{{.*}}, %c0{{.*}}] : tensor<8x1xf32>
// CHECK:   tensor.insert %{{.*}}[%c3{{.*}}, %c0{{.*}}] : tensor<8x1xf32>
// CHECK:   tensor.insert %{{.*}}[%c5{{.*}}, %c0{{.*}}] : tensor<8x1xf32>
// CHECK:   tensor.insert %{{.*}}[%c7{{.*}}, %c0{{.*}}] : tensor<8x1xf32>
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<8x1xf32> into tensor<8xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [4, 2] : tensor<8xf32> into tensor<4x2xf32>

// Batches of codes without tables (AVX2) keep their kernels: no vpermps.
// CONVERT-LABEL: func.func @batch_i4(
// CONVERT-NOT: anybit.x86_vpermps
// CONVERT: return

// -----

func.func @batch_i6(%x: tensor<2x256xf32>, %w: tensor<2x256xi6, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<2x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<2x256xf32>, tensor<2x256xi6, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// Batches of 6-bit integers take the code-FMA kernel on AVX-512, values
// made from their mantissas (vpternlogd as xor of the masked code, an
// exact subtraction), two rows of W a tile even at K = 256 (GEMVs there
// take one): the tile is 2 rows of A x 2 rows of W. Without AVX-512 the
// batch is the code-cvt kernel's (byte shuffles, one column a tile).
// CHECK-LABEL: func.func @batch_i6(
// CHECK: scf.forall (%{{.*}}) in (1) shared_outs(%{{.*}}) -> (tensor<4x1xf32>)
// CHECK:   arith.xori %{{.*}} : vector<16xi32>
// CHECK:   arith.subf %{{.*}} : vector<16xf32>
// CHECK: tensor.expand_shape %{{.*}} output_shape [2, 2] : tensor<4xf32> into tensor<2x2xf32>
// CONVERT-LABEL: func.func @batch_i6(
// CONVERT: scf.forall (%{{.*}}) in (2) shared_outs(%{{.*}}) -> (tensor<2x2xf32>)
// CONVERT: anybit.x86_vpshufb
