// RUN: anybit-opt %s --split-input-file --anybit-expand-rank-reducing-slices | FileCheck %s

// A rank-reducing extract_slice is the full-rank slice, collapsed.
// CHECK-LABEL: func.func @extract
// CHECK-SAME: (%[[T:.*]]: tensor<2x3x1xi16>, %[[I:.*]]: index)
// CHECK: %[[S:.*]] = tensor.extract_slice %[[T]][%[[I]], 0, 0] [1, 3, 1] [1, 1, 1] : tensor<2x3x1xi16> to tensor<1x3x1xi16>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[S]] {{\[}}[0], [1, 2]] : tensor<1x3x1xi16> into tensor<1x3xi16>
// CHECK: return %[[C]]
func.func @extract(%t: tensor<2x3x1xi16>, %i: index) -> tensor<1x3xi16> {
  %c = tensor.extract_slice %t[%i, 0, 0] [1, 3, 1] [1, 1, 1] : tensor<2x3x1xi16> to tensor<1x3xi16>
  return %c : tensor<1x3xi16>
}

// -----

// A lower-rank source of insert_slice is expanded to the slice's rank.
// CHECK-LABEL: func.func @insert
// CHECK-SAME: (%[[T:.*]]: tensor<6x1x1xf32>, %[[S:.*]]: tensor<2x1xf32>)
// CHECK: %[[E:.*]] = tensor.expand_shape %[[S]] {{\[}}[0], [1, 2]] output_shape [2, 1, 1] : tensor<2x1xf32> into tensor<2x1x1xf32>
// CHECK: %[[U:.*]] = tensor.insert_slice %[[E]] into %[[T]][0, 0, 0] [2, 1, 1] [2, 1, 1] : tensor<2x1x1xf32> into tensor<6x1x1xf32>
// CHECK: return %[[U]]
func.func @insert(%t: tensor<6x1x1xf32>, %s: tensor<2x1xf32>) -> tensor<6x1x1xf32> {
  %u = tensor.insert_slice %s into %t[0, 0, 0] [2, 1, 1] [2, 1, 1] : tensor<2x1xf32> into tensor<6x1x1xf32>
  return %u : tensor<6x1x1xf32>
}

// -----

// Full-rank slices stay as they are.
// CHECK-LABEL: func.func @full
// CHECK-NOT: collapse_shape
// CHECK-NOT: expand_shape
func.func @full(%t: tensor<4x4xi8>, %s: tensor<2x2xi8>) -> (tensor<2x2xi8>, tensor<4x4xi8>) {
  %e = tensor.extract_slice %t[1, 1] [2, 2] [1, 1] : tensor<4x4xi8> to tensor<2x2xi8>
  %u = tensor.insert_slice %s into %t[0, 0] [2, 2] [1, 1] : tensor<2x2xi8> into tensor<4x4xi8>
  return %e, %u : tensor<2x2xi8>, tensor<4x4xi8>
}
