// RUN: anybit-opt %s --anybit-hoist-sequential-allocas | FileCheck %s

// A row's buffer of scales (static shape) leaves the loop nest, one level
// at a time; a buffer sized by the iteration, and one inside a sequential
// scf.for of the body (a buffer per inner iteration), stay.

// CHECK-LABEL: func.func @nest(
// CHECK-SAME: %[[OUT:[^:]*]]: memref<8x64xf32>
// CHECK: %[[OUTER:.*]] = memref.alloca() : memref<16xf32>
// CHECK-NEXT: %[[INNER:.*]] = memref.alloca() : memref<32xf32>
// CHECK-NEXT: scf.parallel (%[[I:.*]]) =
// CHECK-NOT: memref.alloca() : memref<16xf32>
// CHECK: scf.parallel (%[[J:.*]]) =
// CHECK-NEXT: memref.store %{{.*}}, %[[INNER]][%{{.*}}] : memref<32xf32>
// CHECK: memref.alloca(%[[J]]) : memref<?xf32>
// CHECK: scf.for
// CHECK-NEXT: memref.alloca() : memref<4xf32>
func.func @nest(%out: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %rowScales = memref.alloca() : memref<16xf32>
    memref.store %one, %rowScales[%c0] : memref<16xf32>
    scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
      %scales = memref.alloca() : memref<32xf32>
      memref.store %one, %scales[%c0] : memref<32xf32>
      %sized = memref.alloca(%j) : memref<?xf32>
      scf.for %t = %c0 to %c8 step %c1 {
        %perStep = memref.alloca() : memref<4xf32>
        memref.store %one, %perStep[%c0] : memref<4xf32>
      }
      %v = memref.load %scales[%c0] : memref<32xf32>
      %w = memref.load %rowScales[%c0] : memref<16xf32>
      %s = arith.addf %v, %w : f32
      memref.store %s, %out[%i, %j] : memref<8x64xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}
