// RUN: anybit-opt %s --convert-anybit-to-standard=x86-int8-dot-bits=256 --split-input-file | FileCheck %s
// RUN: anybit-opt %s --convert-anybit-to-standard --split-input-file | FileCheck %s --check-prefix=PORTABLE
// RUN: anybit-opt %s --convert-anybit-to-standard="ternary=generic x86-int8-dot-bits=512" --split-input-file | FileCheck %s --check-prefix=GENERIC
// RUN: not anybit-opt %s --convert-anybit-to-standard=x86-int8-dot-bits=128 --split-input-file 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not anybit-opt %s --convert-anybit-to-standard=x86-byte-bits=64 --split-input-file 2>&1 | FileCheck %s --check-prefix=BYTEBITS
// RUN: anybit-opt %s --convert-anybit-to-standard=x86-byte-bits=256 --split-input-file | FileCheck %s --check-prefix=MADD

// int8 activations times packed trits into i32, with no multiplication by
// weights: sum_k a_k t_k = sum_k a_k c_k - sum_k a_k for the codes
// c = t + 1. The activations are permuted once into A' (2 x 384: K = 260
// padded to blocks of 4 V = 128 with V = 32 bytes of codes per load),
// plane j of each block holding a[4 i + j]; each row's sum is a reduction.
// An scf.forall runs over tiles of 4 rows of W (N = 8); each loads 32
// bytes of a row of W per block, splits them into the 4 planes
// (c >> 2j) & 3 and takes vpdpbusd with both rows of A' (8 accumulators).
// K / 4 = 65 bytes per row: 2 whole blocks, then one whose read may run
// past the row (in_bounds = false), where A' is zero.
// CHECK-LABEL: func.func @gemv(
// CHECK-SAME: %[[A:[^:]*]]: tensor<2x260xi8>, %[[W:[^:]*]]: tensor<520xi8>)
// CHECK: %[[AP:.*]] = tensor.generate
// CHECK:   arith.cmpi ult
// CHECK:   tensor.extract %[[A]]
// CHECK:   arith.select
// CHECK: } : tensor<2x384xi8>
// CHECK: %[[SUMS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[A]] : tensor<2x260xi8>) outs(%{{.*}} : tensor<2xi32>)
// CHECK:   arith.extsi
// CHECK:   arith.addi
// CHECK: scf.forall (%{{.*}}) in (2)
// CHECK:   tensor.extract_slice %{{.*}} [2, 4] [1, 1] : tensor<2x8xi32> to tensor<2x4xi32>
// CHECK:   scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// CHECK:     %[[CODES:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<520xi8>, vector<32xi8>
// CHECK:     %[[P0:.*]] = arith.andi %[[CODES]], %{{.*}} : vector<32xi8>
// CHECK:     %[[A0:.*]] = vector.transfer_read %[[AP]][%{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2x384xi8>, vector<32xi8>
// CHECK:     anybit.x86_vpdpbusd %{{.*}}, %[[P0]], %[[A0]] : vector<32xi8> -> vector<8xi32>
// CHECK:     anybit.x86_vpdpbusd
// CHECK:     arith.shrui %[[CODES]], %{{.*}} : vector<32xi8>
// CHECK-NOT: arith.muli %{{.*}} : vector
// CHECK:     scf.yield
// CHECK:   vector.transfer_read %[[W]][%{{.*}}], %{{.*}} : tensor<520xi8>, vector<32xi8>
// CHECK:   %[[SUM:.*]] = vector.reduction <add>, %{{.*}} : vector<8xi32> into i32
// CHECK:   %[[ROWSUM:.*]] = tensor.extract %[[SUMS]]
// CHECK:   %[[OFFSET:.*]] = arith.muli %[[ROWSUM]], %c1_i32 : i32
// CHECK:   %[[C:.*]] = arith.subi %[[SUM]], %[[OFFSET]] : i32
// CHECK:   tensor.insert %[[C]]
// CHECK: scf.forall.in_parallel
// CHECK:   tensor.parallel_insert_slice
// Without vpdpbusd, the same kernel on portable vectors: the products of
// codes and activations widened to i32, summed four by four with strided
// shuffles.
// PORTABLE-LABEL: func.func @gemv(
// PORTABLE: scf.forall
// PORTABLE: arith.extui %{{.*}} : vector<32xi8> to vector<32xi32>
// PORTABLE: arith.extsi %{{.*}} : vector<32xi8> to vector<32xi32>
// PORTABLE: arith.muli %{{.*}} : vector<32xi32>
// PORTABLE: vector.shuffle %{{.*}}, %{{.*}} [0, 4, 8, 12, 16, 20, 24, 28] : vector<32xi32>, vector<32xi32>
// PORTABLE: arith.addi %{{.*}} : vector<8xi32>
// PORTABLE: vector.shuffle %{{.*}}, %{{.*}} [1, 5, 9, 13, 17, 21, 25, 29] : vector<32xi32>, vector<32xi32>
// PORTABLE-NOT: anybit.x86_vpdpbusd
// With AVX2's byte instructions but no vpdpbusd, vpmaddubsw adds pairs of
// code x activation products in 16 bits (exact: codes below 128); the
// four planes' pair sums of a row of A add up in 16 bits (4 planes * 3 *
// 2 * 128 < 2^15), and one vpmaddwd by ones adds pairs of pairs into each
// 32-bit lane. Two rows of A: two chains. A tile of several rows of W
// widens every block: a run of blocks (as a GEMV's tile of one row takes)
// would keep 16-bit sums of every row of W and of A live across it.
// MADD-LABEL: func.func @gemv(
// MADD: scf.forall
// MADD: %[[P0:.*]] = anybit.x86_vpmaddubsw %{{.*}}, %{{.*}} : vector<32xi8> -> vector<16xi16>
// MADD: anybit.x86_vpmaddubsw
// MADD: %[[P1:.*]] = anybit.x86_vpmaddubsw %{{.*}}, %{{.*}} : vector<32xi8> -> vector<16xi16>
// MADD: %[[S1:.*]] = arith.addi %[[P0]], %[[P1]] : vector<16xi16>
// MADD: anybit.x86_vpmaddubsw
// MADD: %[[P2:.*]] = anybit.x86_vpmaddubsw %{{.*}}, %{{.*}} : vector<32xi8> -> vector<16xi16>
// MADD: %[[S2:.*]] = arith.addi %[[S1]], %[[P2]] : vector<16xi16>
// MADD: anybit.x86_vpmaddubsw
// MADD: %[[P3:.*]] = anybit.x86_vpmaddubsw %{{.*}}, %{{.*}} : vector<32xi8> -> vector<16xi16>
// MADD: %[[S3:.*]] = arith.addi %[[S2]], %[[P3]] : vector<16xi16>
// MADD: %[[ONES:.*]] = arith.constant dense<1> : vector<16xi16>
// MADD: %[[QUADS:.*]] = anybit.x86_vpmaddwd %[[S3]], %[[ONES]] : vector<16xi16> -> vector<8xi32>
// MADD: arith.addi %{{.*}}, %[[QUADS]] : vector<8xi32>
// MADD-NOT: anybit.x86_vpdpbusd
// ternary=generic: the contraction multiplies each decoded trit.
// GENERIC-LABEL: func.func @gemv(
// GENERIC-NOT: anybit.x86_vpdpbusd
// GENERIC: linalg.generic
// GENERIC: arith.muli %{{.*}} : i32
// BITS: error: convert-anybit-to-standard: x86-int8-dot-bits must be 0, 256 or 512, got 128
// BYTEBITS: error: convert-anybit-to-standard: x86-byte-bits must be 0, 256 or 512, got 64
func.func @gemv(%x: tensor<2x260xi8>, %w: tensor<8x260x!anybit.trit, #anybit.packed<>>) -> tensor<2x8xi32> {
  %y = anybit.matmul %x, %w {accumulator = i32, transpose_rhs} : tensor<2x260xi8>, tensor<8x260x!anybit.trit, #anybit.packed<>> -> tensor<2x8xi32>
  return %y : tensor<2x8xi32>
}

// -----

// Rows of W that do not start on a byte (K = 6) take the generic
// contraction.
// CHECK-LABEL: func.func @odd_k
// CHECK-NOT: anybit.x86_vpdpbusd
// CHECK: linalg.generic
// CHECK: arith.muli %{{.*}} : i32
func.func @odd_k(%x: tensor<1x6xi8>, %w: tensor<3x6x!anybit.trit, #anybit.packed<>>) -> tensor<1x3xi32> {
  %y = anybit.matmul %x, %w {accumulator = i32, transpose_rhs} : tensor<1x6xi8>, tensor<3x6x!anybit.trit, #anybit.packed<>> -> tensor<1x3xi32>
  return %y : tensor<1x3xi32>
}

// -----

// Base-3 trits (K = 320, 64 bytes a row): planes are the base-3 digits,
// ((x * 3^j) mod 256) * 3 >> 8 with the last product in 16 bits, five
// planes per load, against A' in blocks of 5 V = 160.
// CHECK-LABEL: func.func @base3(
// CHECK: } : tensor<1x320xi8>
// CHECK: scf.forall
// CHECK:   scf.for
// CHECK:     %[[B:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<256xi8>, vector<32xi8>
// CHECK:     %[[W0:.*]] = arith.extui %[[B]] : vector<32xi8> to vector<32xi16>
// CHECK:     %[[T0:.*]] = arith.muli %[[W0]], %{{.*}} : vector<32xi16>
// CHECK:     arith.shrui %[[T0]], %{{.*}} : vector<32xi16>
// CHECK:     arith.trunci %{{.*}} : vector<32xi16> to vector<32xi8>
// CHECK:     anybit.x86_vpdpbusd
// CHECK:     %[[P1:.*]] = arith.muli %[[B]], %{{.*}} : vector<32xi8>
// CHECK:     arith.extui %[[P1]] : vector<32xi8> to vector<32xi16>
// CHECK-COUNT-3: anybit.x86_vpdpbusd
// CHECK:     scf.yield
func.func @base3(%x: tensor<1x320xi8>, %w: tensor<4x320x!anybit.trit, #anybit.packed<base3 = true>>) -> tensor<1x4xi32> {
  %y = anybit.matmul %x, %w {accumulator = i32, transpose_rhs} : tensor<1x320xi8>, tensor<4x320x!anybit.trit, #anybit.packed<base3 = true>> -> tensor<1x4xi32>
  return %y : tensor<1x4xi32>
}

// -----

// int8 weights are codes w + 128 (one plane, w ^ 0x80) in the same kernel,
// minus 128 times each row's sum; activations keep their order.
// CHECK-LABEL: func.func @int8(
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<4x128xi8> into tensor<512xi8>
// CHECK: scf.forall
// CHECK:   %[[B:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<512xi8>, vector<32xi8>
// CHECK:   %[[C:.*]] = arith.xori %[[B]], %{{.*}} : vector<32xi8>
// CHECK:   anybit.x86_vpdpbusd %{{.*}}, %[[C]], %{{.*}} : vector<32xi8> -> vector<8xi32>
// CHECK:   %[[S:.*]] = arith.muli %{{.*}}, %c128_i32 : i32
// CHECK:   arith.subi %{{.*}}, %[[S]] : i32
// Codes of 128 and more could saturate vpmaddubsw's 16-bit pair sums:
// c = l + 128 h, the low seven bits and the top one, two exact products,
// the second's pairs widened times 128.
// MADD-LABEL: func.func @int8(
// MADD: %[[C:.*]] = arith.xori %{{.*}}, %{{.*}} : vector<32xi8>
// MADD: %[[LOW:.*]] = arith.andi %[[C]], %{{.*}} : vector<32xi8>
// MADD: %[[HIGH:.*]] = arith.shrui %[[C]], %{{.*}} : vector<32xi8>
// MADD: %[[HP:.*]] = anybit.x86_vpmaddubsw %[[HIGH]], %[[A:.*]] : vector<32xi8> -> vector<16xi16>
// MADD: %[[H128:.*]] = anybit.x86_vpmaddwd %[[HP]], %{{.*}} : vector<16xi16> -> vector<8xi32>
// MADD: %[[LP:.*]] = anybit.x86_vpmaddubsw %[[LOW]], %[[A]] : vector<32xi8> -> vector<16xi16>
// MADD: %[[LQ:.*]] = anybit.x86_vpmaddwd %[[LP]], %{{.*}} : vector<16xi16> -> vector<8xi32>
// MADD: %[[SUM:.*]] = arith.addi %{{.*}}, %[[LQ]] : vector<8xi32>
// MADD: arith.addi %[[SUM]], %[[H128]] : vector<8xi32>
// MADD-NOT: arith.extui %{{.*}} : vector<32xi8> to vector<32xi32>
// GENERIC-LABEL: func.func @int8(
// GENERIC: anybit.x86_vpdpbusd
func.func @int8(%x: tensor<1x128xi8>, %w: tensor<4x128xi8>) -> tensor<1x4xi32> {
  %y = anybit.matmul %x, %w {accumulator = i32, transpose_rhs} : tensor<1x128xi8>, tensor<4x128xi8> -> tensor<1x4xi32>
  return %y : tensor<1x4xi32>
}

// -----

// N = 6: tiles of 4 rows of W for outputs 0..3, then one tile of the last
// 2, each an scf.forall, inserted into the result side by side.
// CHECK-LABEL: func.func @tail(
// CHECK: %[[MAIN:.*]] = scf.forall (%{{.*}}) in (1)
// CHECK:   tensor.extract_slice %{{.*}} [1, 4] [1, 1] : tensor<1x4xi32> to tensor<1x4xi32>
// CHECK: %[[PART:.*]] = tensor.insert_slice %[[MAIN]] into %{{.*}}[0, 0] [1, 4] [1, 1] : tensor<1x4xi32> into tensor<1x6xi32>
// CHECK: %[[REST:.*]] = scf.forall (%{{.*}}) in (1)
// CHECK:   tensor.extract_slice %{{.*}} [1, 2] [1, 1] : tensor<1x2xi32> to tensor<1x2xi32>
// CHECK: tensor.insert_slice %[[REST]] into %[[PART]][0, 4] [1, 2] [1, 1] : tensor<1x2xi32> into tensor<1x6xi32>
// With vpmaddubsw (no vpdpbusd), one row of W a tile: the streams of 4
// interleaved rows bounded it, not the activations' loads.
// MADD-LABEL: func.func @tail(
// MADD: scf.forall (%{{.*}}) in (6)
// MADD:   tensor.extract_slice %{{.*}} [1, 1] [1, 1] : tensor<1x6xi32> to tensor<1x1xi32>
func.func @tail(%x: tensor<1x64xi8>, %w: tensor<6x64x!anybit.trit, #anybit.packed<>>) -> tensor<1x6xi32> {
  %y = anybit.matmul %x, %w {accumulator = i32, transpose_rhs} : tensor<1x64xi8>, tensor<6x64x!anybit.trit, #anybit.packed<>> -> tensor<1x6xi32>
  return %y : tensor<1x6xi32>
}

// -----

// A GEMV's tile is one row of W: the 16-bit pair sums of its blocks add up
// over the scf.for of the blocks (10 of 128 codes here; 10 * 4 planes * 3
// * 2 * 128 < 2^15), one block an iteration, and one vpmaddwd widens them
// after it.
// MADD-LABEL: func.func @gemv_row(
// MADD: scf.forall (%{{.*}}) in (8)
// MADD: %[[SUM:.*]] = scf.for %{{.*}} = %{{.*}} to %c10 step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (vector<16xi16>) {
// MADD:   %[[P0:.*]] = anybit.x86_vpmaddubsw
// MADD:   %[[S0:.*]] = arith.addi %[[ACC]], %[[P0]] : vector<16xi16>
// MADD-COUNT-3: anybit.x86_vpmaddubsw
// MADD-NOT: anybit.x86_vpmaddwd
// MADD:   scf.yield %{{.*}} : vector<16xi16>
// MADD: %[[ONES:.*]] = arith.constant dense<1> : vector<16xi16>
// MADD: anybit.x86_vpmaddwd %[[SUM]], %[[ONES]] : vector<16xi16> -> vector<8xi32>
func.func @gemv_row(%a: tensor<1x1280xi8>, %w: tensor<8x1280x!anybit.trit, #anybit.packed<>>) -> tensor<1x8xi32> {
  %c = anybit.matmul %a, %w {accumulator = i32, transpose_rhs} : tensor<1x1280xi8>, tensor<8x1280x!anybit.trit, #anybit.packed<>> -> tensor<1x8xi32>
  return %c : tensor<1x8xi32>
}
