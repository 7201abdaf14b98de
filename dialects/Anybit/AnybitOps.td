//===- AnybitOps.td - anybit operations --------------------*- tablegen -*-===//

#ifndef ANYBIT_OPS_TD
#define ANYBIT_OPS_TD

include "Anybit/AnybitDialect.td"
include "Anybit/AnybitTypes.td"
include "Anybit/AnybitAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"

def Anybit_NumericType : Type<
    CPred<"::anybit::isNumericElementType($_self)">,
    "integer of width 1..64, index, builtin float, !anybit.float or "
    "!anybit.trit">;

def Anybit_NumericTensor : Type<
    And<[CPred<"::llvm::isa<::mlir::RankedTensorType>($_self)">,
         CPred<"::llvm::cast<::mlir::RankedTensorType>($_self).hasStaticShape()">,
         CPred<"::anybit::isNumericElementType("
               "::llvm::cast<::mlir::RankedTensorType>($_self).getElementType())">]>,
    "statically shaped tensor of numbers", "::mlir::RankedTensorType">;

def Anybit_NumericOrTensor : AnyTypeOf<[Anybit_NumericType, Anybit_NumericTensor]>;

def Anybit_CastOp : Anybit_Op<"cast", [Pure]> {
  let summary = "Converts numbers between any two numeric element types";
  let description = [{
    Element-wise conversion between integers of any width and signedness and
    every float kind. Signless integers are read as two's complement (`i1`
    as 0/1), `uiN` as unsigned. Integer narrowing wraps modulo 2^N unless
    `saturate` is set, in which case it clamps. Float results round to
    nearest even; overflow saturates to the largest finite value, except
    that formats with infinities overflow to infinity unless `saturate` is
    set. Float to integer rounds to nearest even, then wraps or clamps like
    integer narrowing; NaN becomes 0.

    ```mlir
    %0 = anybit.cast %x : tensor<8xf32> to tensor<8x!anybit.float<e3m2>>
    %1 = anybit.cast %y saturate : tensor<8xi16> to tensor<8xi3>
    ```
  }];
  let arguments = (ins Anybit_NumericOrTensor:$input, UnitAttr:$saturate);
  let results = (outs Anybit_NumericOrTensor:$result);
  let assemblyFormat = [{
    $input (`saturate` $saturate^)? attr-dict `:` type($input) `to` type($result)
  }];
  let hasVerifier = 1;
}

def Anybit_PackOp : Anybit_Op<"pack", [Pure, AttrSizedOperandSegments]> {
  let summary = "Packs a logical tensor into its #anybit.packed encoding";
  let description = [{
    Stores the values of `input` in the bit layout of the result's
    `#anybit.packed` encoding. When the encoding has blocks, the block
    scales (and zero points) are given as tensors whose shape is the block
    grid (the input shape divided by the block shape).

    ```mlir
    %p = anybit.pack %w scales(%s) : tensor<64x32xi3>, tensor<2x32xf16>
           -> tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
    ```
  }];
  let arguments = (ins Anybit_NumericTensor:$input,
                       Optional<Anybit_NumericTensor>:$scales,
                       Optional<Anybit_NumericTensor>:$zeroPoints);
  let results = (outs Anybit_NumericTensor:$result);
  let assemblyFormat = [{
    $input (`scales` `(` $scales^ `)`)? (`zero_points` `(` $zeroPoints^ `)`)?
    attr-dict `:` type($input) (`,` type($scales)^)? (`,` type($zeroPoints)^)?
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Anybit_UnpackOp : Anybit_Op<"unpack", [Pure, AttrSizedResultSegments]> {
  let summary = "Reads a packed tensor back into a logical tensor";
  let description = [{
    The inverse of `anybit.pack`: returns the element values and, when the
    encoding has blocks, the scale (and zero point) tensors.

    ```mlir
    %w, %s = anybit.unpack %p : tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
               -> tensor<64x32xi3>, tensor<2x32xf16>
    ```
  }];
  let arguments = (ins Anybit_NumericTensor:$input);
  let results = (outs Anybit_NumericTensor:$result,
                      Optional<Anybit_NumericTensor>:$scales,
                      Optional<Anybit_NumericTensor>:$zeroPoints);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
    (`,` type($scales)^)? (`,` type($zeroPoints)^)?
  }];
  let hasVerifier = 1;
}

def Anybit_QuantizeOp : Anybit_Op<"quantize", [Pure]> {
  let summary = "Quantizes a float tensor into block-scaled codes";
  let description = [{
    Computes one scale per block of the result's `#anybit.packed` encoding
    and the codes of every element. Integer codes of range [qmin, qmax]:
    symmetric (no `zero_point` in the encoding) uses
    `s = absmax / qmax`, `q = clamp(rne(x / s), qmin, qmax)`; asymmetric uses
    `s = (max - min) / (qmax - qmin)`, `z = clamp(rne(qmin - min / s))`,
    `q = clamp(rne(x / s) + z)`, with min <= 0 <= max. Float codes use
    `s = absmax / maxFinite` and round `x / s` into the format. With an
    exponent-only scale (e8m0, OCP MX) the scale is the power of two
    `2^(floor(log2(absmax)) - emax)`, emax being the exponent of the code
    format's largest value. The scale is rounded to its type first and that
    rounded scale quantizes the codes, so `dequantize` sees what was used.
    A block of zeros gets scale 1. All arithmetic is in double precision.

    ```mlir
    %q = anybit.quantize %x : tensor<4x64xf32>
           -> tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>
    ```
  }];
  let arguments = (ins Anybit_NumericTensor:$input);
  let results = (outs Anybit_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Anybit_DequantizeOp : Anybit_Op<"dequantize", [Pure]> {
  let summary = "Turns block-scaled codes back into floats";
  let description = [{
    `x = (q - z) * s` for every element, with `q` the code's value, `z` its
    block's zero point (0 when absent) and `s` its block's scale, computed
    in double precision and rounded once to the result element type (exact
    while the product needs at most 53 significant bits).

    ```mlir
    %x = anybit.dequantize %q
           : tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<4x64xf32>
    ```
  }];
  let arguments = (ins Anybit_NumericTensor:$input);
  let results = (outs Anybit_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Anybit_MatmulOp : Anybit_Op<"matmul", [Pure]> {
  let summary = "Mixed-precision matrix multiplication";
  let description = [{
    `C[m, n] = sum_k A[m, k] * B[k, n]` for A of shape MxK and B of shape
    KxN, or, with `transpose_rhs`, `sum_k A[m, k] * B[n, k]` for B of shape
    NxK (weights stored one output row after another, as `x @ W.T` of a
    linear layer, with blocks `[1, G]` along K), with any numeric element
    types on either side; an operand with a
    block-scaled `#anybit.packed` encoding is dequantized first. The sum is
    kept in `accumulator`: an integer type (exact products, wrapping sums;
    both operands must be unscaled integers) or f32/f64, where each operand
    value is rounded to the accumulator type and the products are added in
    ascending k with fused multiply-add. The result is converted to the
    result element type with `anybit.cast` rules.

    ```mlir
    %c = anybit.matmul %a, %w {accumulator = f32}
           : tensor<1x64xf32>, tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
           -> tensor<1x32xf32>
    %d = anybit.matmul %a, %v {accumulator = f32, transpose_rhs}
           : tensor<1x64xf32>, tensor<32x64xi4, #anybit.packed<block = [1, 32], scale = f16>>
           -> tensor<1x32xf32>
    ```
  }];
  let arguments = (ins Anybit_NumericTensor:$lhs, Anybit_NumericTensor:$rhs,
                       TypeAttr:$accumulator, UnitAttr:$transpose_rhs);
  let results = (outs Anybit_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Anybit_TernarizeOp : Anybit_Op<"ternarize", [Pure]> {
  let summary = "Quantizes weights to trits by their absolute mean";
  let description = [{
    The weight quantization of BitNet b1.58 and MatMul-free LMs, over the
    whole tensor: `m = max(mean(|W|), 1e-5)`, `s = 1 / m`,
    `W~ = clamp(rne(W * s), -1, 1)`. Returns the trits `W~` and the scale
    `m` (rounded to the scale's type), so that `W ~= m * W~`. The mean is
    the sum of `|W|` in ascending row-major order divided by the element
    count; all arithmetic is in double precision. The trits may carry any
    unscaled `#anybit.packed` encoding.

    ```mlir
    %t, %m = anybit.ternarize %w : tensor<256x512xf32>
               -> tensor<256x512x!anybit.trit, #anybit.packed<>>, tensor<f32>
    ```
  }];
  let arguments = (ins Anybit_NumericTensor:$input);
  let results = (outs Anybit_NumericTensor:$result,
                      Anybit_NumericTensor:$scale);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result) `,` type($scale)
  }];
  let hasVerifier = 1;
}

def Anybit_BitLinearOp : Anybit_Op<"bitlinear", [Pure]> {
  let summary = "A BitLinear layer: RMSNorm, int8 activations, ternary matmul";
  let description = [{
    The dense layer of MatMul-free LMs, for input rows `x` (B x K), trit
    weights `W~` (N x K, one output row after another) and their scale
    `m` (a 0-d tensor, as `anybit.ternarize` returns it), with an optional
    RMSNorm weight `g` (K). For each row, in double precision:

    ```
    r    = sqrt(sum_k x_k^2 / K + epsilon)        (sum in ascending k)
    n_k  = x_k / r * g_k                          (g_k = 1 without a norm weight)
    s    = 127 / max(max_k |n_k|, 1e-5)            (NaNs do not take part in the max)
    q_k  = clamp(rne(n_k * s), -128, 127)         (absmax int8 per token; NaN gives 0)
    a_j  = sum_k q_k * W~[j, k]                   (exact, in int32)
    y_j  = a_j / s * m                            (rounded once to the result type)
    ```

    The trits may carry any unscaled `#anybit.packed` encoding (2-bit codes
    or base 3). `--anybit-lower-ternary` writes the op out as these steps
    around one int8 x trit `anybit.matmul`, whose product
    `convert-anybit-to-standard` computes without multiplying by weights
    (its `ternary` option). K is below 2^24, which keeps `a_j` exact in
    int32.

    ```mlir
    %y = anybit.bitlinear %x, %w, %m norm(%g) {epsilon = 1.0e-6 : f64}
           : tensor<1x512xf32>, tensor<256x512x!anybit.trit, #anybit.packed<>>,
             tensor<f32>, tensor<512xf32> -> tensor<1x256xf32>
    ```
  }];
  let arguments = (ins Anybit_NumericTensor:$input,
                       Anybit_NumericTensor:$weights,
                       Anybit_NumericTensor:$weightScale,
                       Optional<Anybit_NumericTensor>:$normWeight,
                       DefaultValuedAttr<F64Attr, "1.0e-6">:$epsilon);
  let results = (outs Anybit_NumericTensor:$result);
  let assemblyFormat = [{
    $input `,` $weights `,` $weightScale (`norm` `(` $normWeight^ `)`)?
    attr-dict `:` type($input) `,` type($weights) `,` type($weightScale)
    (`,` type($normWeight)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // ANYBIT_OPS_TD
