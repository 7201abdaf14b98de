// anybit.quantize with f32 or f64 codes. The verifier accepts these code
// types; the op description says float codes use s = absmax / maxFinite.
// The VM must then either compute that or reject the op, deterministically
// (it must not read a float format that f32/f64 do not have).

// f64 codes with an f32 scale: s = 4 / DBL_MAX = 2.2e-308 cannot be an f32.
// RUN: not anybit-run %s --entry f64_codes --input 'dense<[1.0, -2.0, 0.5, 4.0]>' 2>&1 | FileCheck %s --check-prefix=F64-CODES
// F64-CODES: {{error: 'anybit.quantize' op|error: block 0 needs scale 2\.22[0-9]*e-308, which 'f32' cannot represent}}

// f32 codes with an f64 scale: s = 4 / FLT_MAX = 1.1754944e-38, codes
// x / s in f32, and dequantizing gives back the input exactly.
// RUN: anybit-run %s --entry f32_codes --input 'dense<[1.0, -2.0, 0.5, 4.0]>' > %t 2>&1 || true
// RUN: FileCheck %s --check-prefix=F32-CODES < %t
// F32-CODES: {{error: 'anybit.quantize' op|result0: tensor<4xf32> = \[1, -2, 0.5, 4\]}}

func.func @f64_codes(%x: tensor<4xf32>) -> tensor<4xf64> {
  %q = anybit.quantize %x
         : tensor<4xf32> -> tensor<4xf64, #anybit.packed<block = [4], scale = f32>>
  %u:2 = anybit.unpack %q : tensor<4xf64, #anybit.packed<block = [4], scale = f32>>
           -> tensor<4xf64>, tensor<1xf32>
  return %u#0 : tensor<4xf64>
}

func.func @f32_codes(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = anybit.quantize %x
         : tensor<4xf32> -> tensor<4xf32, #anybit.packed<block = [4], scale = f64>>
  %d = anybit.dequantize %q
         : tensor<4xf32, #anybit.packed<block = [4], scale = f64>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}
