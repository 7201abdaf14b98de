// RUN: anybit-opt %s --split-input-file --anybit-guard-float-to-int | FileCheck %s

// fptosi to i8 from f32: the operand clamps to [-128, the float below
// 128] and NaN becomes 0, so the conversion is never poison.
// CHECK-LABEL: func.func @signed
// CHECK-SAME: (%[[X:.*]]: f32)
// CHECK: %[[HI:.*]] = arith.constant 127.999992 : f32
// CHECK: %[[LO:.*]] = arith.constant -1.280000e+02 : f32
// CHECK: %[[MIN:.*]] = arith.minimumf %[[X]], %[[HI]] : f32
// CHECK: %[[MAX:.*]] = arith.maximumf %[[MIN]], %[[LO]] : f32
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[SAFE:.*]] = arith.select %[[NAN]], %[[ZERO]], %[[MAX]] : f32
// CHECK: arith.fptosi %[[SAFE]] : f32 to i8
func.func @signed(%x: f32) -> i8 {
  %r = arith.fptosi %x : f32 to i8
  return %r : i8
}

// -----

// fptoui to i32 from f16 on a tensor: 2^32 is past f16's range, so the
// top is its largest finite value; the bottom is 0.
// CHECK-LABEL: func.func @unsigned_tensor
// CHECK: arith.constant dense<6.550400e+04> : tensor<4xf16>
// CHECK: arith.constant dense<0.000000e+00> : tensor<4xf16>
// CHECK: arith.minimumf %{{.*}} : tensor<4xf16>
// CHECK: arith.maximumf %{{.*}} : tensor<4xf16>
// CHECK: arith.cmpf uno, %{{.*}} : tensor<4xf16>
// CHECK: arith.select %{{.*}} : tensor<4xi1>, tensor<4xf16>
// CHECK: arith.fptoui %{{.*}} : tensor<4xf16> to tensor<4xi32>
func.func @unsigned_tensor(%x: tensor<4xf16>) -> tensor<4xi32> {
  %r = arith.fptoui %x : tensor<4xf16> to tensor<4xi32>
  return %r : tensor<4xi32>
}
