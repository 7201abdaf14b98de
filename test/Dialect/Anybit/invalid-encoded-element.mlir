// A packed tensor whose element type does not parse: one diagnostic, no
// crash (the parser still asks the encoding to verify).
// RUN: not anybit-opt %s 2>&1 | FileCheck %s
// CHECK: invalid-encoded-element.mlir:[[@LINE+1]]:39: error: unknown  type `flf16oat` in dialect `anybit`
func.func private @f(tensor<8x!anybit.flf16oat<e3m2>, #anybit.packed<>>)
