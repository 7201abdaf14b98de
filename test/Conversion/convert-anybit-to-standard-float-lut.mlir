// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=512" --split-input-file | FileCheck %s
// Known threads dividing the tiles: one part of the tiles a thread.
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=512 threads=2" --split-input-file | FileCheck %s --check-prefix=PARTS
// Without AVX-512 (no vpermps) tiled weights are moved row-major for the
// row-major kernels.
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=256" --split-input-file | FileCheck %s --check-prefix=AVX2

func.func @gemv_i2(%x: tensor<1x256xf32>, %w: tensor<128x256xi2, #anybit.packed<block = [1, 32], scale = f16, tile = [64, 16]>>) -> tensor<1x128xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<128x256xi2, #anybit.packed<block = [1, 32], scale = f16, tile = [64, 16]>> -> tensor<1x128xf32>
  return %y : tensor<1x128xf32>
}

// f32 activations times 2-bit codes tiled [64, 16] (the lookup-table GEMV).
// First the tables: one a pair of columns, the 16 sums v(e & 3) x0 +
// v(e >> 2) x1, a multiplication and an FMA by constant vectors of the
// codes' values (-2..1, the first code in the low bits).
// CHECK-LABEL: func.func @gemv_i2(
// CHECK-DAG: %[[V0:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, -2.000000e+00, -1.000000e+00, 0.000000e+00, 1.000000e+00, -2.000000e+00, -1.000000e+00, 0.000000e+00, 1.000000e+00, -2.000000e+00, -1.000000e+00, 0.000000e+00, 1.000000e+00, -2.000000e+00, -1.000000e+00]> : vector<16xf32>
// CHECK-DAG: %[[V1:.*]] = arith.constant dense<[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, -2.000000e+00, -2.000000e+00, -2.000000e+00, -2.000000e+00, -1.000000e+00, -1.000000e+00, -1.000000e+00, -1.000000e+00]> : vector<16xf32>
// CHECK: %[[TABLES:.*]] = scf.for %[[P:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[T:.*]] = %{{.*}}) -> (tensor<2048xf32>) {
// CHECK:   %[[X:.*]] = vector.transfer_read %{{.*}} : tensor<1x256xf32>, vector<2xf32>
// CHECK:   %[[MUL:.*]] = arith.mulf %[[V0]], %{{.*}} : vector<16xf32>
// CHECK:   %[[SUM:.*]] = vector.fma %[[V1]], %{{.*}}, %[[MUL]] : vector<16xf32>
// CHECK:   vector.transfer_write %[[SUM]], %[[T]]
// Tiles of 64 rows (four sub-tiles of 16) on the threads. The scales of the
// tile's 64 rows are read 16 groups at a time (here all 8), each row's
// padded to 16 lanes, and transposed by shuffles into a buffer on the
// stack, group by group.
// CHECK: scf.forall (%{{.*}}) in (2)
// CHECK:   %[[COLUMNS:.*]] = memref.alloca() : memref<16x64xf32>
// CHECK:   arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
// CHECK:   vector.shuffle
// CHECK:   vector.transfer_write %{{.*}}, %[[COLUMNS]]
// Each group: a group's worth of the next tile's scales prefetched (a
// tile's scales are one run, which its groups walk), then its first word of 16 rows of each sub-tile
// (64 bytes each), looked up eight times, the lookups alternating between
// two sums a sub-tile.
// CHECK:   scf.for %[[G:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(
// CHECK:     memref.prefetch %{{.*}}, read, locality<3>, data : memref<{{.*}}xi8, strided<[?], offset: ?>>
// CHECK:     %[[W0:.*]] = vector.transfer_read %{{.*}} : tensor<{{.*}}xi8>, vector<64xi8>
// CHECK:     %[[L0:.*]] = vector.bitcast %[[W0]] : vector<64xi8> to vector<16xi32>
// CHECK-COUNT-3: vector.bitcast %{{.*}} : vector<64xi8> to vector<16xi32>
// CHECK:     %[[TAB0:.*]] = vector.transfer_read %[[TABLES]]
// CHECK:     anybit.x86_vpermps %[[TAB0]], %[[L0]] : vector<16xf32>
// CHECK-COUNT-3: anybit.x86_vpermps %[[TAB0]], %{{.*}} : vector<16xf32>
// CHECK:     %[[TAB1:.*]] = vector.transfer_read %[[TABLES]]
// CHECK:     %[[SHIFTED:.*]] = arith.shrui %[[L0]], %{{.*}} : vector<16xi32>
// CHECK:     anybit.x86_vpermps %[[TAB1]], %[[SHIFTED]] : vector<16xf32>
// The group's second word (G = 32 is two words of 16 codes) in a loop, its
// lookups added to the sums by FMAs by 1.0 (on Zen 5 an FMA leaves the
// pipes of the permutes and shifts to them); then each sub-tile's two sums
// added, times its 16 scales, into its output.
// CHECK:     scf.for
// CHECK:       %[[ONES:.*]] = arith.constant dense<1.000000e+00> : vector<16xf32>
// CHECK:       %[[LOOKED:.*]] = anybit.x86_vpermps
// CHECK:       anybit.x86_vfmaddps_rn %[[LOOKED]], %[[ONES]], %{{.*}} : vector<16xf32>
// CHECK:     arith.addf
// CHECK:     %[[SCALE:.*]] = vector.load %[[COLUMNS]][%{{.*}}] : memref<16x64xf32>, vector<16xf32>
// CHECK:     vector.fma %{{.*}}, %[[SCALE]], %{{.*}} : vector<16xf32>
// CHECK: scf.forall.in_parallel
// On 2 threads the two tiles are two parts: each builds its own tables (a
// table read from the other core's cache cost 26 µs a call at K = 4096),
// then runs its tiles (here one) in a loop.
// PARTS-LABEL: func.func @gemv_i2(
// PARTS: scf.forall (%{{.*}}) in (2) shared_outs(
// PARTS:   scf.for {{.*}} -> (tensor<2048xf32>) {
// PARTS:     vector.fma
// PARTS:   scf.for {{.*}} -> (tensor<1x64xf32>) {
// PARTS:     anybit.x86_vpermps
// Without vpermps: the scales (2048 bytes from byte 8192) copied as they
// are, then, for each 16 rows (8 groups) and 16 tiles (one block), the 16
// tiles' words of the 16 rows read, transposed by shuffles and written as
// 16 words of each row; the code-FMA kernel reads the copy.
// AVX2-LABEL: func.func @gemv_i2(
// AVX2: tensor.extract_slice %{{.*}}[8192] [2048] [1] : tensor<10240xi8> to tensor<2048xi8>
// AVX2: tensor.insert_slice
// AVX2: %[[ROW_MAJOR:.*]] = scf.for %{{.*}} = %c0 to %c8 step %c1 iter_args({{.*}}) -> (tensor<10240xi8>) {
// AVX2:   scf.for {{.*}} -> (tensor<10240xi8>) {
// AVX2-COUNT-16: vector.transfer_read %{{.*}} : tensor<10240xi8>, vector<64xi8>
// AVX2-COUNT-64: vector.shuffle
// AVX2-COUNT-16: vector.transfer_write %{{.*}} : vector<64xi8>, tensor<10240xi8>
// AVX2-NOT: anybit.x86_vpermps
// AVX2-NOT: linalg.generic
// AVX2: scf.forall
// AVX2: vector.transfer_read %[[ROW_MAJOR]][%{{.*}}], %{{.*}} : tensor<10240xi8>, vector<64xi8>

// -----

func.func @gemv_i1_unscaled(%x: tensor<1x64xf32>, %w: tensor<16x64xi1, #anybit.packed<tile = [16, 32]>>) -> tensor<1x16xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x64xf32>, tensor<16x64xi1, #anybit.packed<tile = [16, 32]>> -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// 1-bit codes: a table sums four activations (16 tables for K = 64), a
// word of a row holds 32 codes, and an unscaled tile of one sub-tile sums
// all its words, without scales or prefetches.
// CHECK-LABEL: func.func @gemv_i1_unscaled(
// CHECK: scf.for {{.*}} -> (tensor<256xf32>) {
// CHECK:   vector.transfer_read %{{.*}} : tensor<1x64xf32>, vector<4xf32>
// CHECK:   arith.mulf
// CHECK-COUNT-3: vector.fma
// CHECK: scf.forall (%{{.*}}) in (1)
// CHECK-NOT: memref.prefetch
// CHECK-NOT: memref.alloca
// CHECK:   anybit.x86_vpermps
// CHECK: scf.forall.in_parallel

// -----

// Not the kernel's: tiles of 80 rows (more than four sub-tiles), tiles that
// are not a row's word ([16, 8] of 2 bits), and 3-bit codes.
// CHECK-LABEL: func.func @declined(
// CHECK-NOT: anybit.x86_vpermps
// CHECK: return
func.func @declined(%x: tensor<1x64xf32>,
                    %a: tensor<80x64xi2, #anybit.packed<tile = [80, 16]>>,
                    %b: tensor<16x64xi2, #anybit.packed<tile = [16, 8]>>,
                    %c: tensor<16x64xi3, #anybit.packed<tile = [16, 16]>>)
    -> (tensor<1x80xf32>, tensor<1x16xf32>, tensor<1x16xf32>) {
  %ya = anybit.matmul %x, %a {accumulator = f32, transpose_rhs} : tensor<1x64xf32>, tensor<80x64xi2, #anybit.packed<tile = [80, 16]>> -> tensor<1x80xf32>
  %yb = anybit.matmul %x, %b {accumulator = f32, transpose_rhs} : tensor<1x64xf32>, tensor<16x64xi2, #anybit.packed<tile = [16, 8]>> -> tensor<1x16xf32>
  %yc = anybit.matmul %x, %c {accumulator = f32, transpose_rhs} : tensor<1x64xf32>, tensor<16x64xi3, #anybit.packed<tile = [16, 16]>> -> tensor<1x16xf32>
  return %ya, %yb, %yc : tensor<1x80xf32>, tensor<1x16xf32>, tensor<1x16xf32>
}

// -----

func.func @batch_of_3(%x: tensor<3x64xf32>, %w: tensor<64x64xi2, #anybit.packed<tile = [64, 16]>>) -> tensor<3x64xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<3x64xf32>, tensor<64x64xi2, #anybit.packed<tile = [64, 16]>> -> tensor<3x64xf32>
  return %y : tensor<3x64xf32>
}

// A batch: tables for each row of x (3 x 512 f32s), built row by row.
// CHECK-LABEL: func.func @batch_of_3(
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}}) -> (tensor<1536xf32>) {
// CHECK:   scf.for {{.*}} -> (tensor<1536xf32>) {
// CHECK:     vector.transfer_read %{{.*}}[%[[ROW]], %{{.*}}]{{.*}} : tensor<3x64xf32>, vector<2xf32>
// Each tile in passes of two rows of x (a loop of one here) and one: a
// pass shifts each sub-tile's word once and looks it up in each row's
// table, one sum a row and sub-tile (8 independent sums).
// CHECK: scf.forall
// CHECK:   scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}}) -> (tensor<3x64xf32>) {
// CHECK-COUNT-4: vector.bitcast %{{.*}} : vector<64xi8> to vector<16xi32>
// CHECK:     %[[T0:.*]] = vector.transfer_read %{{.*}} : tensor<1536xf32>, vector<16xf32>
// CHECK:     %[[T1:.*]] = vector.transfer_read %{{.*}} : tensor<1536xf32>, vector<16xf32>
// CHECK:     anybit.x86_vpermps %[[T0]], %[[W:.*]] : vector<16xf32>
// CHECK:     anybit.x86_vpermps %[[T1]], %[[W]] : vector<16xf32>
// CHECK-NOT: arith.addf
// CHECK:     vector.transfer_write {{.*}} : vector<16xf32>, tensor<3x64xf32>
// CHECK:   scf.yield
// The last row: one row's 4 sums alone would be 4 chains, so two a sub-tile.
// CHECK:   anybit.x86_vpermps
// CHECK:   arith.addf
// CHECK: scf.forall.in_parallel

// -----

func.func @batch_of_9(%x: tensor<9x64xf32>, %w: tensor<16x64xi2, #anybit.packed<tile = [16, 16]>>) -> tensor<9x16xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<9x64xf32>, tensor<16x64xi2, #anybit.packed<tile = [16, 16]>> -> tensor<9x16xf32>
  return %y : tensor<9x16xf32>
}

// More than 8 rows of x: a block of 8 (tables of 8 rows, 8 x 512 f32s, in
// L2 at K = 4096), then a block of the last row, each over all of W.
// CHECK-LABEL: func.func @batch_of_9(
// CHECK: scf.for %[[FIRST:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[Y:.*]] = %{{.*}}) -> (tensor<9x16xf32>) {
// CHECK:   tensor.extract_slice %{{.*}}[%[[FIRST]], 0] [8, 64] [1, 1] : tensor<9x64xf32> to tensor<8x64xf32>
// CHECK:   -> (tensor<4096xf32>)
// CHECK:   anybit.x86_vpermps
// CHECK:   tensor.insert_slice %{{.*}} into %[[Y]][%[[FIRST]], 0] [8, 16] [1, 1] : tensor<8x16xf32> into tensor<9x16xf32>
// CHECK: tensor.extract_slice %{{.*}}[%{{.*}}, 0] [1, 64] [1, 1] : tensor<9x64xf32> to tensor<1x64xf32>
// CHECK: -> (tensor<512xf32>)
// CHECK: anybit.x86_vpermps
// CHECK: tensor.insert_slice %{{.*}}[%{{.*}}, 0] [1, 16] [1, 1] : tensor<1x16xf32> into tensor<9x16xf32>

// -----

func.func @row_major_tiles(%x: tensor<1x256xf32>, %w: tensor<128x256xi2, #anybit.packed<tile = [1, 16]>>) -> tensor<1x128xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<128x256xi2, #anybit.packed<tile = [1, 16]>> -> tensor<1x128xf32>
  return %y : tensor<1x128xf32>
}

// Tiles of one row store the elements row-major already: no copy, the
// code-FMA kernel reads the argument's bytes.
// CHECK-LABEL: func.func @row_major_tiles(
// CHECK-SAME: %[[X:.*]]: tensor<1x256xf32>, %[[W:.*]]: tensor<8192xi8>)
// CHECK-NOT: tensor<8192xi8>, vector<4xi8>
// CHECK-NOT: vector<64xi8>, tensor<8192xi8>
// CHECK: scf.forall
// CHECK: vector.transfer_read %[[W]]

// -----

func.func @gemv_i3_planes(%x: tensor<1x32xf32>, %w: tensor<16x32xi3, #anybit.packed<tile = [16, 16], bit_planes = [2, 1]>>) -> tensor<1x16xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x32xf32>, tensor<16x32xi3, #anybit.packed<tile = [16, 16], bit_planes = [2, 1]>> -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// 3-bit integers in bit planes [2, 1]: each plane has its tables, the low
// plane's over pairs of columns (the two bits' values 0..3), the high
// plane's over fours (the sign bit's value, -4): 16 + 8 tables of 16 f32s.
// CHECK-LABEL: func.func @gemv_i3_planes(
// CHECK-SAME: %{{.*}}: tensor<1x32xf32>, %[[W:.*]]: tensor<192xi8>)
// CHECK: %[[LOW:.*]] = scf.for {{.*}} -> (tensor<384xf32>) {
// CHECK:   vector.transfer_read %{{.*}} : tensor<1x32xf32>, vector<2xf32>
// CHECK: arith.constant dense<[0.000000e+00, -4.000000e+00, 0.000000e+00, -4.000000e+00, 0.000000e+00, -4.000000e+00, 0.000000e+00, -4.000000e+00, 0.000000e+00, -4.000000e+00, 0.000000e+00, -4.000000e+00, 0.000000e+00, -4.000000e+00, 0.000000e+00, -4.000000e+00]> : vector<16xf32>
// CHECK: %[[TABLES:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[LOW]]) -> (tensor<384xf32>) {
// CHECK:   vector.transfer_read %{{.*}} : tensor<1x32xf32>, vector<4xf32>
// A column tile: the low plane's word of 16 rows (64 bytes, eight
// lookups), then from byte 128 the high plane's 16 bits of each row (32
// bytes, zero-extended, four lookups), all into the same sums.
// CHECK: scf.forall
// CHECK:   vector.transfer_read %[[W]][%{{.*}}], %{{.*}} : tensor<192xi8>, vector<64xi8>
// CHECK-COUNT-8: anybit.x86_vpermps %{{.*}} : vector<16xf32>
// CHECK:   %[[HIGH:.*]] = arith.addi %{{.*}}, %c128 : index
// CHECK:   %[[BYTES:.*]] = vector.transfer_read %[[W]][%[[HIGH]]], %{{.*}} : tensor<192xi8>, vector<32xi8>
// CHECK:   %[[HALVES:.*]] = vector.bitcast %[[BYTES]] : vector<32xi8> to vector<16xi16>
// CHECK:   %[[ROWS:.*]] = arith.extui %[[HALVES]] : vector<16xi16> to vector<16xi32>
// CHECK:   anybit.x86_vpermps %{{.*}}, %[[ROWS]] : vector<16xf32>
// CHECK-COUNT-3: anybit.x86_vpermps %{{.*}} : vector<16xf32>
// The second column tile in a loop, the same way.
// CHECK:   scf.for
// CHECK:     vector<64xi8>
// CHECK:     vector<32xi8>
// CHECK: scf.forall.in_parallel

// Without AVX-512 no kernel reads bit planes: one product per plane, each
// plane moved row-major straight from the argument (the low plane's 128
// bytes, then the high plane's 64 from byte 128) for a row-major kernel,
// and the high plane's product (of its fields as si1, -1 or 0) times 4
// added to the low plane's.
// AVX2-LABEL: func.func @gemv_i3_planes(
// AVX2-SAME: %{{.*}}: tensor<1x32xf32>, %[[W:.*]]: tensor<192xi8>)
// AVX2-NOT: anybit.x86_vpermps
// AVX2: tensor.empty() : tensor<128xi8>
// AVX2: vector.transfer_read %[[W]][%{{.*}}], %{{.*}} : tensor<192xi8>, vector<4xi8>
// AVX2: %[[LOW:.*]] = scf.forall
// AVX2: tensor.empty() : tensor<64xi8>
// AVX2: arith.constant 128 : index
// AVX2: vector.transfer_read %[[W]][%{{.*}}], %{{.*}} : tensor<192xi8>, vector<2xi8>
// AVX2: %[[HIGH:.*]] = scf.forall
// AVX2: linalg.generic {{.*}} ins(%[[LOW]], %[[HIGH]] : tensor<1x16xf32>, tensor<1x16xf32>)
// AVX2:   %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// AVX2:   math.fma %{{.*}}, %[[FOUR]], %{{.*}} : f32
