// Buffers of integers wider than 64 bits (here the i96 products of a
// Barrett reduction modulo 2^47 + 1) take the target's size per element:
// LLVM's default layout, which the translation folded sizes with before
// the module had the target's, gives an i96 12 bytes, x86-64 code strides
// 16, and the kernel wrote past its buffers (heap corruption).
// RUN: anybitc %s -O0 --emit=llvm -o - | FileCheck %s
// RUN: anybitc %s -O0 --run=f --inputs 'dense<123456789012>' --check | FileCheck %s --check-prefix=JIT
// RUN: anybitc %s -O3 --run=f --inputs 'dense<123456789012>' --check | FileCheck %s --check-prefix=JIT

// 153 elements of 16 bytes, and 64 bytes to align the buffer.
// CHECK: call ptr @malloc(i64 2512)
// JIT: check: 1 results match the reference VM

func.func @f(%x: tensor<17x9xi64>) -> tensor<17x9xi48> {
  %m = modarith.reduce %x : tensor<17x9xi64>
      -> tensor<17x9x!modarith.int<140737488355329 : i48>>
  %v = modarith.extract %m : tensor<17x9x!modarith.int<140737488355329 : i48>>
      -> tensor<17x9xi48>
  return %v : tensor<17x9xi48>
}
