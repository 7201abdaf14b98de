// RUN: anybit-opt %s --split-input-file --anybit-truncate-index-casts | FileCheck %s
// RUN: anybit-opt %s --split-input-file --anybit-truncate-index-casts --canonicalize | FileCheck %s --check-prefix=CANON

// Narrowing casts go through the index's width and a truncation; the cast
// back to index stays.
// CHECK-LABEL: func.func @round_trip
// CHECK: %[[W:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: %[[T:.*]] = arith.trunci %[[W]] : i64 to i3
// CHECK: %[[B:.*]] = arith.index_cast %[[T]] : i3 to index
// CHECK: %[[U:.*]] = arith.index_castui %{{.*}} : index to i64
// CHECK: %[[UT:.*]] = arith.trunci %[[U]] : i64 to i8
// CHECK: %[[UB:.*]] = arith.index_castui %[[UT]] : i8 to index
// CHECK: return %[[B]], %[[UB]]
// Canonicalization keeps the truncation (upstream 22 folds index_cast of
// index_cast to the original index, dropping it).
// CANON-LABEL: func.func @round_trip
// CANON: arith.trunci %{{.*}} : i64 to i3
// CANON: arith.trunci %{{.*}} : i64 to i8
// CANON-NOT: return %arg0
func.func @round_trip(%n: index) -> (index, index) {
  %0 = arith.index_cast %n : index to i3
  %1 = arith.index_cast %0 : i3 to index
  %2 = arith.index_castui %n : index to i8
  %3 = arith.index_castui %2 : i8 to index
  return %1, %3 : index, index
}

// Vectors and tensors of index keep their shapes.
// CHECK-LABEL: func.func @shaped
// CHECK: %[[V:.*]] = arith.index_cast %{{.*}} : vector<4xindex> to vector<4xi64>
// CHECK: arith.trunci %[[V]] : vector<4xi64> to vector<4xi5>
// CHECK: %[[T:.*]] = arith.index_castui %{{.*}} : tensor<2x3xindex> to tensor<2x3xi64>
// CHECK: arith.trunci %[[T]] : tensor<2x3xi64> to tensor<2x3xi32>
func.func @shaped(%v: vector<4xindex>, %t: tensor<2x3xindex>) -> (vector<4xi5>, tensor<2x3xi32>) {
  %0 = arith.index_cast %v : vector<4xindex> to vector<4xi5>
  %1 = arith.index_castui %t : tensor<2x3xindex> to tensor<2x3xi32>
  return %0, %1 : vector<4xi5>, tensor<2x3xi32>
}

// Casts to the index's width or wider, and casts to index, are left alone.
// CHECK-LABEL: func.func @not_narrowing
// CHECK-NEXT: arith.index_cast %{{.*}} : index to i64
// CHECK-NEXT: arith.index_castui %{{.*}} : index to i128
// CHECK-NEXT: arith.index_cast %{{.*}} : i3 to index
// CHECK-NEXT: return
func.func @not_narrowing(%n: index, %s: i3) -> (i64, i128, index) {
  %0 = arith.index_cast %n : index to i64
  %1 = arith.index_castui %n : index to i128
  %2 = arith.index_cast %s : i3 to index
  return %0, %1, %2 : i64, i128, index
}

// -----

// The data layout's index width decides what narrows.
// CHECK-LABEL: func.func @index32
// CHECK: %[[W:.*]] = arith.index_cast %{{.*}} : index to i32
// CHECK: arith.trunci %[[W]] : i32 to i16
// CHECK-NOT: trunci
module attributes {dlti.dl_spec = #dlti.dl_spec<index = 32 : i64>} {
  func.func @index32(%n: index) -> (i16, i32) {
    %0 = arith.index_cast %n : index to i16
    %1 = arith.index_cast %n : index to i32
    return %0, %1 : i16, i32
  }
}
