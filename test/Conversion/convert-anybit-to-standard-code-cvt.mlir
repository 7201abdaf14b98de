// RUN: anybit-opt %s --convert-anybit-to-standard=x86-byte-bits=256 | FileCheck %s
// RUN: anybit-opt %s --convert-anybit-to-standard=x86-byte-bits=512 | FileCheck %s --check-prefix=TABLES

// f32 activations times small floats on AVX2 (no 512-bit vpermps tables):
// each nibble plane of 32 bytes becomes its e2m1 codes (halves plus 12) by
// one vpshufb, its signed values by subtracting 12, then 32 f32 lanes (the
// sign extension and conversion LLVM splits into four of 8) multiplied with
// the permuted activations. A row's two scales are converted once into a
// stack buffer; each group's sum (two blocks of 64) is scaled by a
// broadcast load, and the row's sum halved once.
// CHECK-LABEL: func.func @gemv_e2m1(
// CHECK: scf.forall
// CHECK:   %[[SCALES:.*]] = memref.alloca() : memref<2xf32>
// CHECK:   scf.for %[[G:[^ ]*]] = {{.*}} -> (vector<32xf32>) {
// CHECK:     scf.for {{.*}} -> (vector<32xf32>) {
// CHECK:       %[[W:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<264xi8>, vector<32xi8>
// CHECK:       %[[A0:.*]] = vector.transfer_read %{{.*}} : tensor<1x256xf32>, vector<32xf32>
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
// CHECK:     %[[S:.*]] = memref.load %[[SCALES]][%[[G]]] : memref<2xf32>
// CHECK:     %[[SS:.*]] = vector.broadcast %[[S]] : f32 to vector<32xf32>
// CHECK:     vector.fma %{{.*}}, %[[SS]], %{{.*}} : vector<32xf32>
// CHECK:   vector.reduction <add>
// CHECK:   arith.mulf %{{.*}}, %{{.*}} : f32
// With AVX-512 BW the code-FMA kernel looks the values up in f32 tables.
// TABLES-LABEL: func.func @gemv_e2m1(
// TABLES-NOT: arith.sitofp
// TABLES: anybit.x86_vpermps
func.func @gemv_e2m1(%x: tensor<1x256xf32>, %w: tensor<2x256xf4E2M1FN, #anybit.packed<block = [1, 128], scale = f16>>) -> tensor<1x2xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<2x256xf4E2M1FN, #anybit.packed<block = [1, 128], scale = f16>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
