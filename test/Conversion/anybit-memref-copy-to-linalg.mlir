// RUN: anybit-opt %s --anybit-memref-copy-to-linalg | FileCheck %s

// A strided copy becomes linalg.copy (and later loops), not a call into
// MLIR's runtime library.
// CHECK-LABEL: func.func @strided
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.*}} : memref<1x3xi8, strided<[5, 1], offset: ?>>) outs(%{{.*}} : memref<1x3xi8>)
func.func @strided(%m: memref<4x5xi8>, %o: index, %out: memref<1x3xi8>) {
  %s = memref.subview %m[%o, 1] [1, 3] [1, 1] : memref<4x5xi8> to memref<1x3xi8, strided<[5, 1], offset: ?>>
  memref.copy %s, %out : memref<1x3xi8, strided<[5, 1], offset: ?>> to memref<1x3xi8>
  return
}
