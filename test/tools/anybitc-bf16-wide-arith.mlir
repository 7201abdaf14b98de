// bf16 values widened to f64, reduced by a constant that fits in f16 and
// rounded to f32: LLVM 22's InstCombine computed the remainder in half,
// where 1e30 is infinity (NaN came out), and called __truncdfhf2, which the
// JIT does not find ("Symbols not found"). The CPU target's optimizer
// widens bf16 through its bits first.
// RUN: anybitc %s -O3 --run=f --inputs 'dense<[1.0e30, -70144.0, 2.75, 0.0]>' --check | FileCheck %s
// RUN: anybitc %s -O0 --run=f --inputs 'dense<[1.0e30, -70144.0, 2.75, 0.0]>' --check | FileCheck %s
// RUN: anybitc %s -O3 --emit=llvm -o - | FileCheck %s --check-prefix=IR

// CHECK: result0: tensor<4xf32> = [
// CHECK-NOT: nan
// CHECK: check: 1 results match the reference VM
// IR-NOT: half

func.func @f(%x: tensor<4xbf16>) -> tensor<4xf32> {
  %d = arith.extf %x : tensor<4xbf16> to tensor<4xf64>
  %c = arith.constant dense<1.5> : tensor<4xf64>
  %r = arith.remf %d, %c : tensor<4xf64>
  %f = arith.truncf %r : tensor<4xf64> to tensor<4xf32>
  return %f : tensor<4xf32>
}
