// Round trip of !modarith.int and every modarith op, in the custom and the
// generic form.
// RUN: anybit-opt %s | anybit-opt | FileCheck %s
// RUN: anybit-opt %s --mlir-print-op-generic | anybit-opt | FileCheck %s

// CHECK-LABEL: func.func private @types
// CHECK-SAME: !modarith.int<65537 : i32>
// CHECK-SAME: !modarith.int<2 : i2>
// CHECK-SAME: !modarith.int<3 : i2>
// CHECK-SAME: !modarith.int<4611686018427387847 : i64>
// CHECK-SAME: !modarith.int<18446744073709551615 : i64>
// CHECK-SAME: tensor<2x3x!modarith.int<17 : i8>>
func.func private @types(!modarith.int<65537 : i32>, !modarith.int<2 : i2>,
                         !modarith.int<3 : i2>,
                         !modarith.int<4611686018427387847 : i64>,
                         !modarith.int<18446744073709551615 : i64>,
                         tensor<2x3x!modarith.int<17 : i8>>)

// CHECK-LABEL: func.func @scalar
func.func @scalar(%x: i32, %w: i64) -> i32 {
  // CHECK: %[[C:.*]] = modarith.constant 65536 : !modarith.int<65537 : i32>
  %c = modarith.constant 65536 : !modarith.int<65537 : i32>
  // CHECK: %[[E:.*]] = modarith.encapsulate %{{.*}} : i32 -> !modarith.int<65537 : i32>
  %e = modarith.encapsulate %x : i32 -> !modarith.int<65537 : i32>
  // CHECK: %[[R:.*]] = modarith.reduce %{{.*}} : i64 -> !modarith.int<65537 : i32>
  %r = modarith.reduce %w : i64 -> !modarith.int<65537 : i32>
  // CHECK: %[[A:.*]] = modarith.add %[[C]], %[[E]] : !modarith.int<65537 : i32>
  %a = modarith.add %c, %e : !modarith.int<65537 : i32>
  // CHECK: %[[S:.*]] = modarith.sub %[[A]], %[[R]] : !modarith.int<65537 : i32>
  %s = modarith.sub %a, %r : !modarith.int<65537 : i32>
  // CHECK: %[[N:.*]] = modarith.neg %[[S]] : !modarith.int<65537 : i32>
  %n = modarith.neg %s : !modarith.int<65537 : i32>
  // CHECK: %[[M:.*]] = modarith.mul %[[N]], %[[C]] : !modarith.int<65537 : i32>
  %m = modarith.mul %n, %c : !modarith.int<65537 : i32>
  // CHECK: %[[MAC:.*]] = modarith.mac %[[M]], %[[N]], %[[A]] : !modarith.int<65537 : i32>
  %mac = modarith.mac %m, %n, %a : !modarith.int<65537 : i32>
  // CHECK: %[[WP:.*]] = arith.constant 1 : i32
  // CHECK: %[[SH:.*]] = modarith.mul_shoup %[[MAC]], %[[N]], %[[WP]] : !modarith.int<65537 : i32>, i32
  %wp = arith.constant 1 : i32
  %sh = modarith.mul_shoup %mac, %n, %wp : !modarith.int<65537 : i32>, i32
  // CHECK: modarith.extract %[[SH]] : !modarith.int<65537 : i32> -> i32
  %out = modarith.extract %sh : !modarith.int<65537 : i32> -> i32
  return %out : i32
}

// Constants print as unsigned decimals: 4000000000 is not -294967296.
// CHECK-LABEL: func.func @tensors
func.func @tensors(%x: tensor<2x2xi64>) -> tensor<2x2xi64> {
  // CHECK: modarith.constant dense<{{\[\[}}1, 4000000000], [0, 4294967290]]> : tensor<2x2x!modarith.int<4294967291 : i32>>
  %c = modarith.constant dense<[[1, 4000000000], [0, 4294967290]]> : tensor<2x2x!modarith.int<4294967291 : i32>>
  // CHECK: modarith.constant dense<7> : tensor<2x2x!modarith.int<4294967291 : i32>>
  %s = modarith.constant dense<7> : tensor<2x2x!modarith.int<4294967291 : i32>>
  // CHECK: modarith.constant dense<[5]> : tensor<1x!modarith.int<4294967291 : i32>>
  %one = modarith.constant dense<[5]> : tensor<1x!modarith.int<4294967291 : i32>>
  // CHECK: modarith.constant dense<3> : tensor<!modarith.int<4294967291 : i32>>
  %zero_d = modarith.constant dense<3> : tensor<!modarith.int<4294967291 : i32>>
  // CHECK: modarith.reduce %{{.*}} : tensor<2x2xi64> -> tensor<2x2x!modarith.int<4294967291 : i32>>
  %r = modarith.reduce %x : tensor<2x2xi64> -> tensor<2x2x!modarith.int<4294967291 : i32>>
  // CHECK: modarith.mul %{{.*}}, %{{.*}} : tensor<2x2x!modarith.int<4294967291 : i32>>
  %m = modarith.mul %c, %r : tensor<2x2x!modarith.int<4294967291 : i32>>
  // CHECK: modarith.mac %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x2x!modarith.int<4294967291 : i32>>
  %d = modarith.mac %m, %s, %c : tensor<2x2x!modarith.int<4294967291 : i32>>
  %e = modarith.extract %d : tensor<2x2x!modarith.int<4294967291 : i32>> -> tensor<2x2xi32>
  // CHECK: modarith.encapsulate %{{.*}} : tensor<2x2xi32> -> tensor<2x2x!modarith.int<4294967291 : i32>>
  %back = modarith.encapsulate %e : tensor<2x2xi32> -> tensor<2x2x!modarith.int<4294967291 : i32>>
  %n = modarith.neg %back : tensor<2x2x!modarith.int<4294967291 : i32>>
  %out = modarith.extract %n : tensor<2x2x!modarith.int<4294967291 : i32>> -> tensor<2x2xi32>
  %wide = arith.extui %out : tensor<2x2xi32> to tensor<2x2xi64>
  return %wide : tensor<2x2xi64>
}

// CHECK-LABEL: func.func @transforms
// CHECK: modarith.ntt %{{.*}} {root = 2 : ui64} : tensor<3x4x!modarith.int<17 : i32>>
// CHECK: modarith.intt %{{.*}} : tensor<3x4x!modarith.int<17 : i32>>
// CHECK: modarith.ntt %{{.*}} {cyclic, root = 4 : ui64} : tensor<3x4x!modarith.int<17 : i32>>
// CHECK: modarith.intt %{{.*}} {cyclic} : tensor<3x4x!modarith.int<17 : i32>>
func.func @transforms(%x: tensor<3x4x!modarith.int<17 : i32>>) -> tensor<3x4x!modarith.int<17 : i32>> {
  %a = modarith.ntt %x {root = 2 : ui64} : tensor<3x4x!modarith.int<17 : i32>>
  %b = modarith.intt %a : tensor<3x4x!modarith.int<17 : i32>>
  %c = modarith.ntt %b {cyclic, root = 4 : ui64} : tensor<3x4x!modarith.int<17 : i32>>
  %d = modarith.intt %c {cyclic} : tensor<3x4x!modarith.int<17 : i32>>
  return %d : tensor<3x4x!modarith.int<17 : i32>>
}
