// RNS tensors (#modarith.rns) round trip through every op that takes them,
// in the custom and the generic form.
// RUN: anybit-opt %s | anybit-opt | FileCheck %s
// RUN: anybit-opt %s --mlir-print-op-generic | anybit-opt | FileCheck %s

!r = tensor<3x4xi32, #modarith.rns<[1073479681, 1073184769, 1072496641]>>
// CHECK-LABEL: func.func @limbwise(
// CHECK-SAME: %{{.*}}: tensor<3x4xi32>, %{{.*}}: tensor<3x4xi64>
// CHECK-SAME: -> (tensor<3x4xi32>, tensor<3x4xi32, #modarith.rns<[1073479681, 1073184769, 1072496641]>>)
// CHECK: modarith.encapsulate %{{.*}} : tensor<3x4xi32> -> tensor<3x4xi32, #modarith.rns<[1073479681, 1073184769, 1072496641]>>
// CHECK: modarith.reduce %{{.*}} : tensor<3x4xi64> -> tensor<3x4xi32, #modarith.rns<[1073479681, 1073184769, 1072496641]>>
// CHECK: modarith.add
// CHECK: modarith.sub
// CHECK: modarith.neg
// CHECK: modarith.mul
// CHECK: modarith.mac
// CHECK: modarith.extract %{{.*}} : tensor<3x4xi32, #modarith.rns<[1073479681, 1073184769, 1072496641]>> -> tensor<3x4xi32>
func.func @limbwise(%a: tensor<3x4xi32>, %b: tensor<3x4xi64>) -> (tensor<3x4xi32>, !r) {
  %x = modarith.encapsulate %a : tensor<3x4xi32> -> !r
  %y = modarith.reduce %b : tensor<3x4xi64> -> !r
  %s = modarith.add %x, %y : !r
  %d = modarith.sub %s, %x : !r
  %n = modarith.neg %d : !r
  %m = modarith.mul %n, %y : !r
  %c = modarith.mac %m, %x, %s : !r
  %e = modarith.extract %c : !r -> tensor<3x4xi32>
  return %e, %c : tensor<3x4xi32>, !r
}
