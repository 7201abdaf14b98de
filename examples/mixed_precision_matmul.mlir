// A low-precision GEMM as an LLM layer runs it: f32 activations times int3
// weights with one f16 scale per group of 32 along K.
//
//   anybit-run mixed_precision_matmul.mlir --entry main \
//     --input x.npy --input w.npy --input s.npy
//
// @main takes the int3 codes and their scales as they come from a
// quantizer; @quantize_and_matmul quantizes f32 weights itself.

!packed = tensor<64x16xi3, #anybit.packed<block = [32, 1], scale = f16>>

func.func @main(%x: tensor<2x64xf32>, %w: tensor<64x16xi3>,
                %s: tensor<2x16xf16>) -> tensor<2x16xf32> {
  %p = anybit.pack %w scales(%s)
         : tensor<64x16xi3>, tensor<2x16xf16> -> !packed
  %y = anybit.matmul %x, %p {accumulator = f32}
         : tensor<2x64xf32>, !packed -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

func.func @quantize_and_matmul(%x: tensor<2x64xf32>, %w: tensor<64x16xf32>)
    -> (tensor<2x16xf32>, !packed) {
  %q = anybit.quantize %w : tensor<64x16xf32> -> !packed
  %y = anybit.matmul %x, %q {accumulator = f32}
         : tensor<2x64xf32>, !packed -> tensor<2x16xf32>
  return %y, %q : tensor<2x16xf32>, !packed
}
