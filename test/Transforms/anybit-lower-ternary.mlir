// RUN: anybit-opt %s --anybit-lower-ternary | FileCheck %s

// bitlinear: the f64 steps of its definition. Sum of squares and absmax are
// row reductions (linalg.generic loops add in ascending k); the int8 codes
// are a saturating anybit.cast (round to nearest even, NaN to 0, clamp);
// the product is an anybit.matmul of i8 by the trits into i32; a / s * m
// is rounded once into the result type.
// CHECK-LABEL: func.func @layer(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x16xf32>, %[[W:[^:]*]]: tensor<8x16x!anybit.trit, #anybit.packed<>>, %[[M:[^:]*]]: tensor<f32>, %[[G:[^:]*]]: tensor<16xf32>)
// CHECK: %[[X64:.*]] = anybit.cast %[[X]] : tensor<2x16xf32> to tensor<2x16xf64>
// CHECK: %[[SQ:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X64]] : tensor<2x16xf64>)
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: %[[RMS:.*]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<2xf64>)
// CHECK:   arith.constant 1.600000e+01 : f64
// CHECK:   arith.divf
// CHECK:   arith.constant 9.9999999999999995E-7 : f64
// CHECK:   math.sqrt
// CHECK: %[[G64:.*]] = anybit.cast %[[G]] : tensor<16xf32> to tensor<16xf64>
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%[[X64]], %[[RMS]], %[[G64]] : tensor<2x16xf64>, tensor<2xf64>, tensor<16xf64>)
// CHECK:   arith.divf
// CHECK:   arith.mulf
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[N]] : tensor<2x16xf64>)
// CHECK:   math.absf
// CHECK:   arith.cmpf olt
// CHECK:   arith.select
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[MAX]] : tensor<2xf64>)
// CHECK:   arith.constant 1.270000e+02 : f64
// CHECK:   arith.cmpf ogt
// CHECK:   arith.select
// CHECK:   arith.divf
// CHECK: %[[NS:.*]] = linalg.generic {{.*}} ins(%[[N]], %[[S]] : tensor<2x16xf64>, tensor<2xf64>)
// CHECK: %[[Q:.*]] = anybit.cast %[[NS]] saturate : tensor<2x16xf64> to tensor<2x16xi8>
// CHECK: %[[A:.*]] = anybit.matmul %[[Q]], %[[W]] {accumulator = i32, transpose_rhs} : tensor<2x16xi8>, tensor<8x16x!anybit.trit, #anybit.packed<>> -> tensor<2x8xi32>
// CHECK: %[[M64:.*]] = anybit.cast %[[M]] : tensor<f32> to tensor<f64>
// CHECK: %[[MV:.*]] = tensor.extract %[[M64]][] : tensor<f64>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[S]] : tensor<2x8xi32>, tensor<2xf64>)
// CHECK:   arith.sitofp
// CHECK:   arith.divf
// CHECK:   arith.mulf %{{.*}}, %[[MV]] : f64
// CHECK: %[[R:.*]] = anybit.cast %[[Y]] : tensor<2x8xf64> to tensor<2x8xf32>
// CHECK: return %[[R]]
func.func @layer(%x: tensor<2x16xf32>, %w: tensor<8x16x!anybit.trit, #anybit.packed<>>, %m: tensor<f32>, %g: tensor<16xf32>) -> tensor<2x8xf32> {
  %y = anybit.bitlinear %x, %w, %m norm(%g) : tensor<2x16xf32>, tensor<8x16x!anybit.trit, #anybit.packed<>>, tensor<f32>, tensor<16xf32> -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// Without a norm weight, the normalization reads x and r only.
// CHECK-LABEL: func.func @no_norm
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4xf64>, tensor<1xf64>)
// CHECK-NEXT: ^bb0(%{{.*}}: f64, %{{.*}}: f64, %{{.*}}: f64):
// CHECK-NEXT:   arith.divf
// CHECK-NEXT:   linalg.yield
func.func @no_norm(%x: tensor<1x4xf64>, %w: tensor<2x4x!anybit.trit>, %m: tensor<f64>) -> tensor<1x2xf64> {
  %y = anybit.bitlinear %x, %w, %m : tensor<1x4xf64>, tensor<2x4x!anybit.trit>, tensor<f64> -> tensor<1x2xf64>
  return %y : tensor<1x2xf64>
}

// ternarize: the sum of |w| over every element into a 0-d tensor, the mean
// floored at 1e-5 (NaN-safe: a compare and a select), w * (1 / mean) cast to
// trits (round to nearest even, clamp to [-1, 1]) and packed.
// CHECK-LABEL: func.func @tern(
// CHECK: %[[W64:.*]] = anybit.cast %{{.*}} : tensor<8x16xf16> to tensor<8x16xf64>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[W64]] : tensor<8x16xf64>) outs(%{{.*}} : tensor<f64>)
// CHECK:   math.absf
// CHECK:   arith.addf
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<f64>)
// CHECK:   arith.constant 1.280000e+02 : f64
// CHECK:   arith.divf
// CHECK:   arith.cmpf ogt
// CHECK:   arith.select
// CHECK: %[[SCALED:.*]] = linalg.generic {{.*}} ins(%[[W64]], %[[MEAN]] : tensor<8x16xf64>, tensor<f64>)
// CHECK:   arith.divf
// CHECK:   arith.mulf
// CHECK: %[[T:.*]] = anybit.cast %[[SCALED]] : tensor<8x16xf64> to tensor<8x16x!anybit.trit>
// CHECK: %[[P:.*]] = anybit.pack %[[T]] : tensor<8x16x!anybit.trit> -> tensor<8x16x!anybit.trit, #anybit.packed<>>
// CHECK: %[[SCALE:.*]] = anybit.cast %[[MEAN]] : tensor<f64> to tensor<f32>
// CHECK: return %[[P]], %[[SCALE]]
func.func @tern(%w: tensor<8x16xf16>) -> (tensor<8x16x!anybit.trit, #anybit.packed<>>, tensor<f32>) {
  %t, %m = anybit.ternarize %w : tensor<8x16xf16> -> tensor<8x16x!anybit.trit, #anybit.packed<>>, tensor<f32>
  return %t, %m : tensor<8x16x!anybit.trit, #anybit.packed<>>, tensor<f32>
}
