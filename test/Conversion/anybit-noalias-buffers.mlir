// RUN: anybit-opt %s --anybit-noalias-buffers | FileCheck %s

// Buffer arguments of public functions are noalias; scalars and private
// functions are left alone.
// CHECK-LABEL: func.func @entry
// CHECK-SAME: (%{{.*}}: memref<4xf32> {llvm.noalias}, %{{.*}}: i32, %{{.*}}: memref<4xf32> {llvm.noalias})
func.func @entry(%x: memref<4xf32>, %n: i32, %y: memref<4xf32>) {
  return
}

// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%{{.*}}: memref<4xf32>)
func.func private @helper(%x: memref<4xf32>) {
  return
}
