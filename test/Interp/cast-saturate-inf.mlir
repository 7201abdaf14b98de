// With `saturate`, a cast clamps into the target's finite range for every
// float type, infinite inputs included; without it, f32 and f16 overflow to
// infinity. The compiled code agrees with the VM.
// RUN: anybit-run %s --entry main | FileCheck %s
// RUN: anybitc %s --run=main --check | FileCheck %s --check-prefix=JIT

// CHECK: result0: tensor<3xf32> = [3.4028235e+38, -3.4028235e+38, 3.4028235e+38]
// CHECK-NEXT: result1: tensor<3xf16> = [65504, -65504, 65504]
// CHECK-NEXT: result2: tensor<3xf32> = [inf, -inf, inf]
// JIT: check: 3 results match the reference VM
func.func @main() -> (tensor<3xf32>, tensor<3xf16>, tensor<3xf32>) {
  %x = arith.constant dense<[0x7FF0000000000000, 0xFFF0000000000000, 1.0e300]> : tensor<3xf64>
  %a = anybit.cast %x saturate : tensor<3xf64> to tensor<3xf32>
  %b = anybit.cast %x saturate : tensor<3xf64> to tensor<3xf16>
  %c = anybit.cast %x : tensor<3xf64> to tensor<3xf32>
  return %a, %b, %c : tensor<3xf32>, tensor<3xf16>, tensor<3xf32>
}
