// RUN: anybit-opt %s --convert-anybit-to-standard=x86-byte-bits=512 --split-input-file | FileCheck %s
// RUN: anybit-opt %s --convert-anybit-to-standard=x86-byte-bits=256 --split-input-file | FileCheck %s --check-prefix=YMM
// RUN: anybit-opt %s --convert-anybit-to-standard --split-input-file | FileCheck %s --check-prefix=GATHER
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-byte-bits=512 ternary=addsub" --split-input-file | FileCheck %s --check-prefix=ADDSUB

// int8 x trit with the weights in tiles of 64 rows and 4 columns takes the
// lookup-table kernel (ternary=auto picks it from the layout). First the
// tables: per row of A and byte column j (activations 4j..4j+3), the 16
// sums (e % 4 - 1) a0 + (e / 4 - 1) a1 of pairs 2j and 2j + 1, their low
// bytes at 64 j and their high bytes at 64 j + 32.
// CHECK-LABEL: func.func @gemm
// CHECK-SAME: %[[A:.*]]: tensor<2x8xi8>, %[[W:.*]]: tensor<256xi8>
// CHECK-DAG: %[[E0:.*]] = arith.constant dense<[-1, 0, 1, 2, -1, 0, 1, 2,{{.*}}]> : vector<32xi16>
// CHECK-DAG: %[[E1:.*]] = arith.constant dense<[-1, -1, -1, -1, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,{{.*}}]> : vector<32xi16>
// CHECK: %[[TABLES:.*]] = scf.for {{.*}} -> (tensor<2x128xi8>)
// CHECK: scf.for
// CHECK: %[[ACT:.*]] = vector.transfer_read %[[A]]{{.*}} : tensor<2x8xi8>, vector<4xi8>
// CHECK: %[[WIDE:.*]] = arith.extsi %[[ACT]] : vector<4xi8> to vector<4xi16>
// CHECK: %[[X0:.*]] = vector.shuffle %[[WIDE]], %[[WIDE]] [0, 0, {{.*}}, 2, 2]
// CHECK: %[[X1:.*]] = vector.shuffle %[[WIDE]], %[[WIDE]] [1, 1, {{.*}}, 3, 3]
// CHECK: %[[P0:.*]] = arith.muli %[[E0]], %[[X0]]
// CHECK: %[[P1:.*]] = arith.muli %[[E1]], %[[X1]]
// CHECK: %[[SUMS:.*]] = arith.addi %[[P0]], %[[P1]] : vector<32xi16>
// CHECK: %[[LOW:.*]] = arith.trunci %[[SUMS]] : vector<32xi16> to vector<32xi8>
// CHECK: arith.shrsi %[[SUMS]]
// CHECK: vector.transfer_write %[[LOW]]
// Then an scf.forall over the tiles of 64 rows of W; each reads the 64
// rows' bytes of a column at once, splits their nibbles, looks each pair's
// low and high table bytes up with vpshufb (the 16 bytes repeated in every
// 128-bit lane), interleaves them into 16-bit sums (vpunpcklbw/hbw) and
// adds; 16-bit sums widen to 32 bits after each chunk of columns. Both
// rows of A keep their sums in registers at once (up to 4 fit AVX-512's).
// CHECK: scf.forall (%{{.*}}) in (2)
// CHECK: scf.for {{.*}} -> (vector<32xi16>, vector<32xi16>, vector<32xi16>, vector<32xi16>)
// CHECK: %[[BYTES:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<256xi8>, vector<64xi8>
// CHECK: %[[LO:.*]] = arith.andi %[[BYTES]]
// CHECK: %[[HI:.*]] = arith.shrui %[[BYTES]]
// CHECK: %[[T16:.*]] = vector.transfer_read %[[TABLES]]{{.*}} : tensor<2x128xi8>, vector<16xi8>
// CHECK: %[[T64:.*]] = vector.shuffle %[[T16]], %[[T16]] [0, 1, {{.*}}, 14, 15, 0, 1, {{.*}}, 15]
// CHECK: %[[L0:.*]] = anybit.x86_vpshufb %[[T64]], %[[LO]] : vector<64xi8>
// CHECK: %[[L1:.*]] = anybit.x86_vpshufb %{{.*}}, %[[LO]] : vector<64xi8>
// CHECK: %[[PAIRS:.*]] = vector.shuffle %[[L0]], %[[L1]] [0, 64, 1, 65, {{.*}}, 7, 71, 16, 80,
// CHECK: %[[WORDS:.*]] = vector.bitcast %[[PAIRS]] : vector<64xi8> to vector<32xi16>
// CHECK: arith.addi %{{.*}}, %[[WORDS]] : vector<32xi16>
// CHECK: anybit.x86_vpshufb %{{.*}}, %[[HI]] : vector<64xi8>
// CHECK: arith.extsi %{{.*}} : vector<32xi16> to vector<32xi32>
// Rows back in order: row 16 L + i is word 8 L + i of the first eight
// rows' sums or word 8 L + i - 8 of the last eight's.
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 32, 33, {{.*}}] : vector<32xi32>, vector<32xi32>
// CHECK: vector.transfer_write %{{.*}} : vector<64xi32>, tensor<2x64xi32>
// CHECK: tensor.parallel_insert_slice

// With AVX2 the 64 nibbles are looked up in two 32-byte halves.
// YMM-LABEL: func.func @gemm
// YMM: scf.forall
// YMM: %[[HALF:.*]] = vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [32], strides = [1]} : vector<64xi8> to vector<32xi8>
// YMM: anybit.x86_vpshufb %{{.*}}, %[[HALF]] : vector<32xi8>
// YMM: vector.extract_strided_slice %{{.*}} {offsets = [32], sizes = [32], strides = [1]}

// Portable code gathers the table bytes.
// GATHER-LABEL: func.func @gemm
// GATHER: scf.forall
// GATHER: vector.gather %{{.*}} : tensor<2x128xi8>, vector<64xi32>, vector<64xi1>, vector<64xi8> into vector<64xi8>
// GATHER-NOT: anybit.x86_vpshufb

// ternary=addsub does not read tiles: the generic contraction.
// ADDSUB-LABEL: func.func @gemm
// ADDSUB-NOT: anybit.x86_vpshufb
// ADDSUB: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]
func.func @gemm(%a: tensor<2x8xi8>, %w: tensor<128x8x!anybit.trit, #anybit.packed<tile = [64, 4]>>) -> tensor<2x128xi32> {
  %c = anybit.matmul %a, %w {accumulator = i32, transpose_rhs} : tensor<2x8xi8>, tensor<128x8x!anybit.trit, #anybit.packed<tile = [64, 4]>> -> tensor<2x128xi32>
  return %c : tensor<2x128xi32>
}

// -----

// Tiles the kernel does not take (16 rows), whose rows are whole bytes
// (4 trits): moved row-major first, tile by tile and row by row, one
// byte a tile row, to where the row-major kernels read them (here the
// add/sub kernel).
// CHECK-LABEL: func.func @small_tiles
// CHECK: scf.for {{.*}} -> (tensor<64xi8>) {
// CHECK:   scf.for {{.*}} -> (tensor<64xi8>) {
// CHECK:     vector.transfer_read %{{.*}} : tensor<64xi8>, vector<1xi8>
// CHECK:     vector.transfer_write %{{.*}} : vector<1xi8>, tensor<64xi8>
// CHECK-NOT: anybit.x86_vpshufb
// CHECK: anybit.x86_vpmaddubsw
func.func @small_tiles(%a: tensor<1x8xi8>, %w: tensor<32x8x!anybit.trit, #anybit.packed<tile = [16, 4]>>) -> tensor<1x32xi32> {
  %c = anybit.matmul %a, %w {accumulator = i32, transpose_rhs} : tensor<1x8xi8>, tensor<32x8x!anybit.trit, #anybit.packed<tile = [16, 4]>> -> tensor<1x32xi32>
  return %c : tensor<1x32xi32>
}

// -----

// Tiles whose rows are half bytes (2 trits) stay where they are and are
// read one element at a time: the element at (n, k) is at storage position
// ((n / 16) * 4 + k / 2) * 32 + (n mod 16) * 2 + k mod 2, the row-major
// position of (n / 16, k / 2, n mod 16, k mod 2) in a 2 x 4 x 16 x 2
// tensor (the grid of tiles, then one tile).
// CHECK-LABEL: func.func @half_byte_tiles
// CHECK-NOT: anybit.x86_vpshufb
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: %[[K:.*]] = linalg.index 1
// CHECK: %[[N:.*]] = linalg.index 2
// CHECK: %[[TILE_ROW:.*]] = arith.divui %[[N]], %c16
// CHECK: %[[IN_ROW:.*]] = arith.remui %[[N]], %c16
// CHECK: %[[TILE_COL:.*]] = arith.divui %[[K]], %c2
// CHECK: %[[IN_COL:.*]] = arith.remui %[[K]], %c2
// CHECK: %[[P0:.*]] = arith.addi %{{.*}}, %[[TILE_ROW]]
// CHECK: %[[P0X:.*]] = arith.muli %[[P0]], %c4
// CHECK: %[[TILE:.*]] = arith.addi %[[P0X]], %[[TILE_COL]]
// CHECK: %[[TILEX:.*]] = arith.muli %[[TILE]], %c16
// CHECK: %[[ROW:.*]] = arith.addi %[[TILEX]], %[[IN_ROW]]
// CHECK: %[[ROWX:.*]] = arith.muli %[[ROW]], %c2
// CHECK: arith.addi %[[ROWX]], %[[IN_COL]]
func.func @half_byte_tiles(%a: tensor<1x8xi8>, %w: tensor<32x8x!anybit.trit, #anybit.packed<tile = [16, 2]>>) -> tensor<1x32xi32> {
  %c = anybit.matmul %a, %w {accumulator = i32, transpose_rhs} : tensor<1x8xi8>, tensor<32x8x!anybit.trit, #anybit.packed<tile = [16, 2]>> -> tensor<1x32xi32>
  return %c : tensor<1x32xi32>
}
