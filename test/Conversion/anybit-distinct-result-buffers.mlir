// RUN: anybit-opt %s --pass-pipeline="builtin.module(func.func(anybit-distinct-result-buffers))" --split-input-file --allow-unregistered-dialect | FileCheck %s
// RUN: anybit-opt %s --pass-pipeline="builtin.module(func.func(anybit-distinct-result-buffers),buffer-results-to-out-params{hoist-static-allocs=true modify-public-functions=true})" --split-input-file --allow-unregistered-dialect | FileCheck %s --check-prefix=OUT

// A buffer returned three times: each later result is a copy of its own.
// CHECK-LABEL: func.func @twice(
// CHECK: %[[M:.*]] = memref.alloc() : memref<14xi32>
// CHECK: %[[COPY1:.*]] = memref.alloc() : memref<14xi32>
// CHECK: memref.copy %[[M]], %[[COPY1]] : memref<14xi32> to memref<14xi32>
// CHECK: %[[COPY2:.*]] = memref.alloc() : memref<14xi32>
// CHECK: memref.copy %[[M]], %[[COPY2]] : memref<14xi32> to memref<14xi32>
// CHECK: return %[[M]], %[[COPY1]], %[[COPY2]] : memref<14xi32>, memref<14xi32>, memref<14xi32>
// Out-params then: the first result's buffer is the caller's, copied to the
// second's (buffer-results-to-out-params once crashed here).
// OUT-LABEL: func.func @twice(
// OUT-SAME: %[[A:[^:]*]]: memref<14xi32>, %[[R0:[^:]*]]: memref<14xi32>, %[[R1:[^:]*]]: memref<14xi32>, %[[R2:[^:]*]]: memref<14xi32>)
// OUT: "test.fill"(%[[R0]])
// OUT: memref.copy %[[R0]], %[[R1]]
// OUT: memref.copy %[[R0]], %[[R2]]
func.func @twice(%a: memref<14xi32>) -> (memref<14xi32>, memref<14xi32>, memref<14xi32>) {
  %m = memref.alloc() : memref<14xi32>
  "test.fill"(%m) : (memref<14xi32>) -> ()
  return %m, %m, %m : memref<14xi32>, memref<14xi32>, memref<14xi32>
}

// -----

// Dynamic sizes come from the buffer; distinct results stay as they are.
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[A:[^:]*]]: memref<?x4xf32>, %[[B:[^:]*]]: memref<?x4xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[N:.*]] = memref.dim %[[A]], %[[C0]] : memref<?x4xf32>
// CHECK: %[[COPY:.*]] = memref.alloc(%[[N]]) : memref<?x4xf32>
// CHECK: memref.copy %[[A]], %[[COPY]]
// CHECK: return %[[A]], %[[B]], %[[COPY]]
func.func @dynamic(%a: memref<?x4xf32>, %b: memref<?x4xf32>) -> (memref<?x4xf32>, memref<?x4xf32>, memref<?x4xf32>) {
  return %a, %b, %a : memref<?x4xf32>, memref<?x4xf32>, memref<?x4xf32>
}
