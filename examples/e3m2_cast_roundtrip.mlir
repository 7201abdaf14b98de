// Rounds f32 values into the 6-bit float e3m2 (1 sign, 3 exponent, 2
// mantissa bits, no infinities or NaN: the OCP MX FP6 format) and back:
// round to nearest even, saturation at +-28, subnormals down to 0.0625.
//
//   anybit-run e3m2_cast_roundtrip.mlir --entry main --input x.npy

!e3m2 = !anybit.float<e3m2>

func.func @main(%x: tensor<16xf32>) -> (tensor<16xf32>, tensor<16x!e3m2>) {
  %e = anybit.cast %x : tensor<16xf32> to tensor<16x!e3m2>
  %back = anybit.cast %e : tensor<16x!e3m2> to tensor<16xf32>
  return %back, %e : tensor<16xf32>, tensor<16x!e3m2>
}

// The builtin f6E3M2FN is the same format, bit for bit.
func.func @builtin(%x: tensor<16xf32>) -> tensor<16xf32> {
  %e = anybit.cast %x : tensor<16xf32> to tensor<16xf6E3M2FN>
  %back = anybit.cast %e : tensor<16xf6E3M2FN> to tensor<16xf32>
  return %back : tensor<16xf32>
}
