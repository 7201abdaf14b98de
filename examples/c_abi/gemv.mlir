// A GEMV with int4 weights and per-row f16 scales, compiled into a shared
// library with a C interface (see main.cpp):
//
//   anybitc gemv.mlir --emit=so -o libgemv.so
//   anybitc gemv.mlir --emit=header -o gemv.h

!weights = tensor<8x32xi4, #anybit.packed<block = [8, 1], scale = f16>>

// y[j] = sum_k x[k] * w[k, j]: x is 1x8, w is 8x32 (K x N).
func.func @gemv_i4(%x: tensor<1x8xf32>, %w: !weights) -> tensor<1x32xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32}
         : tensor<1x8xf32>, !weights -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}

// Packs int4 codes and their scales into the layout gemv_i4 reads.
func.func @pack_i4(%codes: tensor<8x32xi4>, %scales: tensor<1x32xf16>) -> !weights {
  %p = anybit.pack %codes scales(%scales)
         : tensor<8x32xi4>, tensor<1x32xf16> -> !weights
  return %p : !weights
}
