// 2-bit weights laid out for the f32 lookup-table GEMV (T-MAC): a batch of
// four tokens' f32 activations times int2 weights stored N x K, one f16
// scale per group of 32 along K, tiled [64, 16] (64 rows' 32-bit words of
// 16 codes side by side, the layout anybit.gemv_encoding returns on
// AVX-512 hosts). No weight is multiplied: sums of two activations'
// products are looked up for 16 rows at once.
//
//   anybitc lookup_gemv.mlir --run=main --check \
//     --inputs lx.npy lw.npy ls.npy
//
// @int3 does the same with 3-bit weights in two bit planes (their low two
// bits, then their high bits, each plane tiled [64, 16]), each plane looked
// up in its own tables:
//
//   anybitc lookup_gemv.mlir --run=int3 --check \
//     --inputs lx.npy lw3.npy ls.npy
//
// On hosts without AVX-512 the tiles (and each bit plane) are copied
// row-major first and the row-major kernels run; the results agree with
// the reference VM either way.

!tiled = tensor<128x256xi2, #anybit.packed<block = [1, 32], scale = f16, tile = [64, 16]>>

func.func @main(%x: tensor<4x256xf32>, %w: tensor<128x256xi2>,
                %s: tensor<128x8xf16>) -> tensor<4x128xf32> {
  %p = anybit.pack %w scales(%s)
         : tensor<128x256xi2>, tensor<128x8xf16> -> !tiled
  %y = anybit.matmul %x, %p {accumulator = f32, transpose_rhs}
         : tensor<4x256xf32>, !tiled -> tensor<4x128xf32>
  return %y : tensor<4x128xf32>
}

!planes = tensor<128x256xi3, #anybit.packed<block = [1, 32], scale = f16, tile = [64, 16], bit_planes = [2, 1]>>

func.func @int3(%x: tensor<4x256xf32>, %w: tensor<128x256xi3>,
                %s: tensor<128x8xf16>) -> tensor<4x128xf32> {
  %p = anybit.pack %w scales(%s)
         : tensor<128x256xi3>, tensor<128x8xf16> -> !planes
  %y = anybit.matmul %x, %p {accumulator = f32, transpose_rhs}
         : tensor<4x256xf32>, !planes -> tensor<4x128xf32>
  return %y : tensor<4x128xf32>
}
