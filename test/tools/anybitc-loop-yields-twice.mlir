// A loop yielding one tensor in two positions: one-shot bufferization gave
// both results one buffer, and the write in place into the first changed
// the second (reduced from a fuzzer kernel at -O0; the same at -O3).
// RUN: anybitc %s -O0 --run=f --inputs 'dense<[1, 2, 3, 4]>' 'dense<1>' --check | FileCheck %s
// RUN: anybitc %s -O3 --run=f --inputs 'dense<[1, 2, 3, 4]>' 'dense<1>' --check | FileCheck %s
// RUN: anybitc %s -O3 --print-pipeline --emit=mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=PIPE

// CHECK: result0: tensor<4xi8> = [7, 3, 4, 5]
// CHECK: result1: i8 = 2
// CHECK: check: 2 results match the reference VM
// PIPE: func.func(anybit-distinct-loop-yields),one-shot-bufferize

func.func @f(%t: tensor<4xi8>, %u: tensor<4xi8>) -> (tensor<4xi8>, i8) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c7 = arith.constant 7 : i8
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %t, %b = %u) -> (tensor<4xi8>, tensor<4xi8>) {
    %n = arith.addi %t, %u : tensor<4xi8>
    scf.yield %n, %n : tensor<4xi8>, tensor<4xi8>
  }
  %x = tensor.insert %c7 into %r#0[%c0] : tensor<4xi8>
  %y = tensor.extract %r#1[%c0] : tensor<4xi8>
  return %x, %y : tensor<4xi8>, i8
}
