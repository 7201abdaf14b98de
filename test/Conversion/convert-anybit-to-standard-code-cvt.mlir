// RUN: anybit-opt %s --convert-anybit-to-standard=x86-byte-bits=256 --split-input-file | FileCheck %s
// RUN: anybit-opt %s --convert-anybit-to-standard=x86-byte-bits=512 --split-input-file | FileCheck %s --check-prefix=TABLES

// f32 activations times small floats on AVX2 (no 512-bit vpermps tables),
// in rows the code-FMA kernel does not take (K not whole blocks of 128):
// each nibble plane of 32 bytes becomes its e2m1 codes (halves plus 12) by
// one vpshufb, its signed values by subtracting 12, then 32 f32 lanes (the
// sign extension and conversion LLVM splits into four of 8) multiplied with
// the permuted activations. A row's five scales are converted once into a
// stack buffer, and halved there (the codes count halves): each group's
// sum (one block of 64), folded to 8 lanes, is scaled by a broadcast
// load, and the row's sum is the value's, with no sum twice it.
// CHECK-LABEL: func.func @gemv_e2m1(
// CHECK: scf.forall
// CHECK:   %[[HALF:.*]] = arith.constant dense<5.000000e-01> : vector<5xf32>
// CHECK:   %[[HALVED:.*]] = arith.mulf %{{.*}}, %[[HALF]] : vector<5xf32>
// CHECK:   %[[SCALES:.*]] = memref.alloca() : memref<5xf32>
// CHECK:   vector.transfer_write %[[HALVED]], %[[SCALES]]
// CHECK:   scf.for %[[G:[^ ]*]] = {{.*}} -> (vector<8xf32>) {
// CHECK:       %[[W:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<340xi8>, vector<32xi8>
// CHECK:       %[[A0:.*]] = vector.transfer_read %{{.*}} : tensor<1x320xf32>, vector<32xf32>
// CHECK:       %[[LOW:.*]] = arith.andi %[[W]], %{{.*}} : vector<32xi8>
// CHECK:       %[[CODES:.*]] = anybit.x86_vpshufb %{{.*}}, %[[LOW]] : vector<32xi8>
// CHECK:       %[[TWELVE:.*]] = arith.constant dense<12> : vector<32xi8>
// CHECK:       %[[K:.*]] = arith.subi %[[CODES]], %[[TWELVE]] : vector<32xi8>
// CHECK:       %[[K32:.*]] = arith.extsi %[[K]] : vector<32xi8> to vector<32xi32>
// CHECK:       %[[V:.*]] = arith.sitofp %[[K32]] : vector<32xi32> to vector<32xf32>
// CHECK:       %[[P0:.*]] = vector.fma %[[V]], %[[A0]], %{{.*}} : vector<32xf32>
// CHECK:       %[[HIGH:.*]] = arith.shrui %[[W]], %{{.*}} : vector<32xi8>
// CHECK:       anybit.x86_vpshufb %{{.*}}, %[[HIGH]] : vector<32xi8>
// CHECK:       vector.fma %{{.*}}, %{{.*}}, %[[P0]] : vector<32xf32>
// CHECK:     %[[S:.*]] = memref.load %[[SCALES]][%[[G]]] : memref<5xf32>
// CHECK:     %[[SS:.*]] = vector.broadcast %[[S]] : f32 to vector<8xf32>
// CHECK:     vector.fma %{{.*}}, %[[SS]], %{{.*}} : vector<8xf32>
// CHECK:   vector.reduction <add>
// CHECK-NOT: arith.mulf
// CHECK:   tensor.insert
// With AVX-512 BW the vector kernel takes it (the code-FMA kernel's f32
// tables want whole blocks of 128).
// TABLES-LABEL: func.func @gemv_e2m1(
// TABLES-NOT: anybit.x86_vpshufb
// TABLES: tensor.insert
func.func @gemv_e2m1(%x: tensor<1x320xf32>, %w: tensor<2x320xf4E2M1FN, #anybit.packed<block = [1, 64], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x320xf32>, tensor<2x320xf4E2M1FN, #anybit.packed<block = [1, 64], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// e3m2 is sign-magnitude, and its magnitude m as the f16 bits m << 8 is
// the value times 2^-12 (f16's exponent field holds e3m2's, its two
// mantissa bits end at bit 9). Each 6-bit field's 16-bit window, times
// the multiplier that puts the field's sign at bit 15, is the f16 after
// an arithmetic shift by 2 (the magnitude to bit 8, copies of the sign
// above it) and a mask (0x9F00 = -24832), and arith.extf (vcvtph2ps)
// makes the f32s, exact. The two vectors of windows hold codes 0-7 and
// 16-23, then 8-15 and 24-31: a shuffle of 8-lane chunks of the f32s puts
// them in order. The row's f16 scales take the 2^12 once, exactly, into
// the stack buffer. Each group's 32-lane sum is folded to 8 lanes before
// its scale, so the row's sum takes one register.
// CHECK-LABEL: func.func @gemv_e3m2(
// CHECK: %[[TWELVE:.*]] = arith.constant dense<4.096000e+03> : vector<2xf32>
// CHECK: %[[SCALED:.*]] = arith.mulf %{{.*}}, %[[TWELVE]] : vector<2xf32>
// CHECK: %[[SCALES:.*]] = memref.alloca() : memref<2xf32>
// CHECK: vector.transfer_write %[[SCALED]], %[[SCALES]]
// CHECK: scf.for %[[G:[^ ]*]] = {{.*}} -> (vector<8xf32>) {
// CHECK:   scf.for {{.*}} -> (vector<32xf32>) {
// CHECK:     %[[WIN0:.*]] = anybit.x86_vpshufb
// CHECK:     %[[WORDS0:.*]] = vector.bitcast %[[WIN0]] : vector<32xi8> to vector<16xi16>
// CHECK:     %[[TOP0:.*]] = arith.muli %[[WORDS0]], %{{.*}} : vector<16xi16>
// CHECK:     %[[TOP1:.*]] = arith.muli %{{.*}}, %{{.*}} : vector<16xi16>
// CHECK:     %[[TWO:.*]] = arith.constant dense<2> : vector<16xi16>
// CHECK:     %[[DOWN0:.*]] = arith.shrsi %[[TOP0]], %[[TWO]] : vector<16xi16>
// CHECK:     %[[KEEP:.*]] = arith.constant dense<-24832> : vector<16xi16>
// CHECK:     %[[H0:.*]] = arith.andi %[[DOWN0]], %[[KEEP]] : vector<16xi16>
// CHECK:     %[[DOWN1:.*]] = arith.shrsi %[[TOP1]], %{{.*}} : vector<16xi16>
// CHECK:     %[[H1:.*]] = arith.andi %[[DOWN1]], %{{.*}} : vector<16xi16>
// CHECK:     %[[BOTH:.*]] = vector.shuffle %[[H0]], %[[H1]] [0, 1,
// CHECK:     %[[HALVES:.*]] = vector.bitcast %[[BOTH]] : vector<32xi16> to vector<32xf16>
// CHECK:     %[[WIDE:.*]] = arith.extf %[[HALVES]] : vector<32xf16> to vector<32xf32>
// CHECK:     %[[V:.*]] = vector.shuffle %[[WIDE]], %[[WIDE]] [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, 8, 9, 10, 11, 12, 13, 14, 15, 24,
// CHECK-NOT: anybit.x86_vpackuswb
// CHECK:     vector.fma %[[V]], %{{.*}}, %{{.*}} : vector<32xf32>
// CHECK:   vector.extract_strided_slice %{{.*}} {offsets = [24], sizes = [8], strides = [1]} : vector<32xf32> to vector<8xf32>
// CHECK-COUNT-2: arith.addf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:   %[[FOLDED:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:   %[[S:.*]] = memref.load %[[SCALES]][%[[G]]] : memref<2xf32>
// CHECK:   %[[SS:.*]] = vector.broadcast %[[S]] : f32 to vector<8xf32>
// CHECK:   vector.fma %[[FOLDED]], %[[SS]], %{{.*}} : vector<8xf32>
// CHECK-NOT: arith.sitofp
// CHECK: vector.reduction <add>
// CHECK-NOT: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: tensor.insert
// TABLES-LABEL: func.func @gemv_e3m2(
// TABLES: anybit.x86_vpermi2ps
func.func @gemv_e3m2(%x: tensor<1x256xf32>, %w: tensor<2x256x!anybit.float<e3m2>, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<2x256x!anybit.float<e3m2>, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Scales other than f16 times 2^12 could leave f32's range (e8m0 reaches
// 2^127): e3m2's values then come from two 32-entry byte tables, the top
// two bytes of each f32 (two vpshufbs and a select on bit 4 each), with the
// sign or-ed into bit 7 of the top one; the two bytes, interleaved and
// shifted up by 16, are the f32 value itself: no conversion, and no
// scaling by a power of two at the end.
// CHECK-LABEL: func.func @gemv_e3m2_e8m0(
// CHECK: %[[FIELD:.*]] = anybit.x86_vpackuswb
// CHECK: %[[MAG:.*]] = arith.andi %[[FIELD]], %{{.*}} : vector<32xi8>
// CHECK-COUNT-2: anybit.x86_vpshufb %{{.*}}, %[[MAG]] : vector<32xi8>
// CHECK: %[[LOW:.*]] = arith.select
// CHECK-COUNT-2: anybit.x86_vpshufb %{{.*}}, %[[MAG]] : vector<32xi8>
// CHECK: %[[HIGH:.*]] = arith.select
// CHECK: %[[W16:.*]] = vector.bitcast %[[FIELD]] : vector<32xi8> to vector<16xi16>
// CHECK: %[[UP:.*]] = arith.shli %[[W16]], %{{.*}} : vector<16xi16>
// CHECK: %[[UPB:.*]] = vector.bitcast %[[UP]] : vector<16xi16> to vector<32xi8>
// CHECK: %[[SIGN:.*]] = arith.andi %[[UPB]], %{{.*}} : vector<32xi8>
// CHECK: %[[TOP:.*]] = arith.ori %[[HIGH]], %[[SIGN]] : vector<32xi8>
// CHECK: %[[PAIRS:.*]] = vector.shuffle %[[LOW]], %[[TOP]] [0, 32, 1, 33,
// CHECK: %[[HALVES:.*]] = vector.bitcast %[[PAIRS]] : vector<64xi8> to vector<32xi16>
// CHECK: %[[WIDE:.*]] = arith.extui %[[HALVES]] : vector<32xi16> to vector<32xi32>
// CHECK: %[[BITS:.*]] = arith.shli %[[WIDE]], %{{.*}} : vector<32xi32>
// CHECK: %[[V:.*]] = vector.bitcast %[[BITS]] : vector<32xi32> to vector<32xf32>
// CHECK: vector.fma %[[V]], %{{.*}}, %{{.*}} : vector<32xf32>
// CHECK-NOT: arith.sitofp
// CHECK: vector.reduction <add>
// CHECK-NOT: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: tensor.insert
func.func @gemv_e3m2_e8m0(%x: tensor<1x256xf32>, %w: tensor<2x256x!anybit.float<e3m2>, #anybit.packed<block = [1, 128], scale = f8E8M0FNU>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<2x256x!anybit.float<e3m2>, #anybit.packed<block = [1, 128], scale = f8E8M0FNU>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A small batch (3 rows of A, one row of W a tile): each plane's values are
// decoded once and multiplied by their lanes' scales, halved (the codes
// count halves): the VM's dequantized weights. Then they are FMA'd 8 lanes
// at a time into two sums per row of A that take alternate slices, and
// the two are added once at the end.
// CHECK-LABEL: func.func @batch_e2m1(
// CHECK: scf.forall (%{{.*}}) in (8)
// CHECK: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// CHECK: %[[LANES:.*]] = vector.shuffle
// CHECK: %[[HALF:.*]] = arith.constant dense<5.000000e-01> : vector<32xf32>
// CHECK: %[[SCALES:.*]] = arith.mulf %[[LANES]], %[[HALF]] : vector<32xf32>
// CHECK: anybit.x86_vpshufb
// CHECK: %[[F:.*]] = arith.sitofp %{{.*}} : vector<32xi32> to vector<32xf32>
// CHECK: %[[V:.*]] = arith.mulf %[[F]], %[[SCALES]] : vector<32xf32>
// CHECK: %[[V0:.*]] = vector.extract_strided_slice %[[V]] {offsets = [0], sizes = [8], strides = [1]}
// CHECK-COUNT-3: vector.fma %[[V0]], %{{.*}} : vector<8xf32>
// CHECK: %[[V1:.*]] = vector.extract_strided_slice %[[V]] {offsets = [8], sizes = [8], strides = [1]}
// CHECK-COUNT-3: vector.fma %[[V1]], %{{.*}} : vector<8xf32>
// CHECK: arith.addf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK: vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<8xf32> into f32
// With f32 scales the batch is the vector kernel's (a table's k = value *
// 2^exponent times a wide scale could overflow where the VM's product
// does not).
// CHECK-LABEL: func.func @batch_f32_scales(
// CHECK-NOT: anybit.x86_vpshufb
// CHECK: vector.fma %{{.*}} : vector<16xf32>
// At 512 bits the batch is the code-FMA kernel's: e2m1 codes looked up
// by vpermps, each value one FMA a row of A.
// TABLES-LABEL: func.func @batch_e2m1(
// TABLES: scf.forall (%{{.*}}) in (4) shared_outs(%{{.*}}) -> (tensor<6x4xf32>)
// TABLES: anybit.x86_vpermps
// TABLES-NOT: anybit.x86_vpshufb
func.func @batch_e2m1(%a: tensor<3x128xf32>, %w: tensor<8x128xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<3x8xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<3x128xf32>, tensor<8x128xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<3x8xf32>
  return %c : tensor<3x8xf32>
}
func.func @batch_f32_scales(%a: tensor<3x128xf32>, %w: tensor<8x128xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f32>>) -> tensor<3x8xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<3x128xf32>, tensor<8x128xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f32>> -> tensor<3x8xf32>
  return %c : tensor<3x8xf32>
}

// -----

// 5- to 7-bit integers take their values straight from the fields' 16-bit
// windows: each window times its multiplier has its field's sign at bit
// 15; two windows are an i32 lane, whose high field an arithmetic shift by
// 32 - 6 sign-extends and whose low one a shift left by 16 first, then a
// conversion, with no flip of the sign bits (no offset) and no pack. The
// values come out as the windows hold them, even codes then odd of each
// half (0, 2, 4, 6, 16, ..., 1, 3, ...), and A' is permuted into that
// order once.
// CHECK-LABEL: func.func @gemv_i6(
// CHECK: tensor.generate
// CHECK:   %[[ORDER:.*]] = arith.constant dense<[0, 2, 4, 6, 16, 18, 20, 22, 1, 3, 5, 7, 17, 19, 21, 23, 8, 10, 12, 14, 24, 26, 28, 30, 9, 11, 13, 15, 25, 27, 29, 31]> : tensor<32xindex>
// CHECK:   tensor.extract %[[ORDER]]
// CHECK: scf.forall
// CHECK-NOT: arith.xori
// CHECK:       %[[WIN0:.*]] = anybit.x86_vpshufb
// CHECK:       %[[WORDS0:.*]] = vector.bitcast %[[WIN0]] : vector<32xi8> to vector<16xi16>
// CHECK:       %[[TOP0:.*]] = arith.muli %[[WORDS0]], %{{.*}} : vector<16xi16>
// CHECK:       %[[TOP1:.*]] = arith.muli %{{.*}}, %{{.*}} : vector<16xi16>
// CHECK:       %[[DOWN:.*]] = arith.constant dense<26> : vector<8xi32>
// CHECK:       %[[PAIRS0:.*]] = vector.bitcast %[[TOP0]] : vector<16xi16> to vector<8xi32>
// CHECK:       %[[SIXTEEN:.*]] = arith.constant dense<16> : vector<8xi32>
// CHECK:       %[[LOW0:.*]] = arith.shli %[[PAIRS0]], %[[SIXTEEN]] : vector<8xi32>
// CHECK:       %[[EVEN0:.*]] = arith.shrsi %[[LOW0]], %[[DOWN]] : vector<8xi32>
// CHECK:       %[[ODD0:.*]] = arith.shrsi %[[PAIRS0]], %[[DOWN]] : vector<8xi32>
// CHECK:       %[[PAIRS1:.*]] = vector.bitcast %[[TOP1]] : vector<16xi16> to vector<8xi32>
// CHECK:       %[[EVEN1:.*]] = arith.shrsi %{{.*}}, %[[DOWN]] : vector<8xi32>
// CHECK:       %[[ODD1:.*]] = arith.shrsi %[[PAIRS1]], %[[DOWN]] : vector<8xi32>
// CHECK:       %[[HALF0:.*]] = vector.shuffle %[[EVEN0]], %[[ODD0]]
// CHECK:       %[[HALF1:.*]] = vector.shuffle %[[EVEN1]], %[[ODD1]]
// CHECK:       %[[ALL:.*]] = vector.shuffle %[[HALF0]], %[[HALF1]]
// CHECK-NOT: anybit.x86_vpackuswb
// CHECK:       %[[V:.*]] = arith.sitofp %[[ALL]] : vector<32xi32> to vector<32xf32>
// CHECK:       vector.fma %[[V]], %{{.*}}, %{{.*}} : vector<32xf32>
// TABLES-LABEL: func.func @gemv_i6(
// TABLES-NOT: anybit.x86_vpshufb
func.func @gemv_i6(%x: tensor<1x256xf32>, %w: tensor<2x256xi6, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<2x256xi6, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// e2m3's three mantissa bits end where f16's begin with the magnitude at
// bit 7: an arithmetic shift by 16 - 6 - 7 = 3 and the mask 0x8F80
// (-28800) make each f16, the value times 2^-14 (taken by the scales).
// CHECK-LABEL: func.func @gemv_e2m3(
// CHECK: %[[POWER:.*]] = arith.constant dense<1.638400e+04> : vector<2xf32>
// CHECK: arith.mulf %{{.*}}, %[[POWER]] : vector<2xf32>
// CHECK: %[[THREE:.*]] = arith.constant dense<3> : vector<16xi16>
// CHECK: %[[DOWN:.*]] = arith.shrsi %{{.*}}, %[[THREE]] : vector<16xi16>
// CHECK: %[[KEEP:.*]] = arith.constant dense<-28800> : vector<16xi16>
// CHECK: arith.andi %[[DOWN]], %[[KEEP]] : vector<16xi16>
// CHECK: arith.extf %{{.*}} : vector<32xf16> to vector<32xf32>
func.func @gemv_e2m3(%x: tensor<1x256xf32>, %w: tensor<2x256xf6E2M3FN, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<2x256xf6E2M3FN, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// 3-bit integers, two planes (even and odd codes): both come from the
// windows of the 6-bit pairs, the odd code on top. Plane 0 (even codes)
// lies 3 bits below the top of each word: shifts left by 16 + 3 and by 3,
// then right by 29; plane 1 by 16 and 0. A' holds each pair's activations
// in the windows' order, even codes then odd.
// CHECK-LABEL: func.func @gemv_i3(
// CHECK: tensor.generate
// CHECK:   arith.constant dense<[0, 2, 4, 6, 16, 18, 20, 22, 1, 3, 5, 7, 17,
// CHECK: scf.forall
// CHECK:       %[[DOWN:.*]] = arith.constant dense<29> : vector<8xi32>
// CHECK:       %[[LOW0:.*]] = arith.constant dense<19> : vector<8xi32>
// CHECK:       %[[UP0:.*]] = arith.shli %{{.*}}, %[[LOW0]] : vector<8xi32>
// CHECK:       arith.shrsi %[[UP0]], %[[DOWN]] : vector<8xi32>
// CHECK:       %[[HIGH0:.*]] = arith.constant dense<3> : vector<8xi32>
// CHECK:       %[[UP1:.*]] = arith.shli %{{.*}}, %[[HIGH0]] : vector<8xi32>
// CHECK:       arith.shrsi %[[UP1]], %[[DOWN]] : vector<8xi32>
// CHECK:       arith.sitofp %{{.*}} : vector<32xi32> to vector<32xf32>
// CHECK:       %[[PAIRS:.*]] = vector.bitcast %{{.*}} : vector<16xi16> to vector<8xi32>
// CHECK:       %[[LOW1:.*]] = arith.constant dense<16> : vector<8xi32>
// CHECK:       %[[UP2:.*]] = arith.shli %[[PAIRS]], %[[LOW1]] : vector<8xi32>
// CHECK:       arith.shrsi %[[UP2]], %{{.*}} : vector<8xi32>
// CHECK:       arith.shrsi %[[PAIRS]], %{{.*}} : vector<8xi32>
func.func @gemv_i3(%x: tensor<1x256xf32>, %w: tensor<2x256xi3, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<2x256xi3, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
