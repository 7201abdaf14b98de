// An op on residues that no pattern lowers is reported at the op, and the
// rewrites already made (a linalg op with a region among them) are undone
// cleanly: undoing them once crashed.
// RUN: not anybit-opt %s --convert-modarith-to-arith --allow-unregistered-dialect --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s

!p = !modarith.int<97 : i8>

// CHECK: convert-modarith-to-arith-illegal.mlir:[[# @LINE + 7]]:8: error: failed to legalize operation 'test.opaque'
// CHECK-NOT: error
func.func @f(%y: tensor<2x!p>) -> tensor<2x!p> {
  %init = tensor.empty() : tensor<2x!p>
  %c = linalg.copy ins(%y : tensor<2x!p>) outs(%init : tensor<2x!p>) -> tensor<2x!p>
  %t = linalg.transpose ins(%y : tensor<2x!p>) outs(%init : tensor<2x!p>) permutation = [0]
  %s = modarith.add %c, %t : tensor<2x!p>
  %o = "test.opaque"(%s) : (tensor<2x!p>) -> tensor<2x!p>
  return %o : tensor<2x!p>
}
