// RUN: anybit-opt %s --anybit-cpu-calling-convention | FileCheck %s

// Public functions: inputs read-only, scalar results as 0-d tensors.
// CHECK-LABEL: func.func @entry
// CHECK-SAME: (%{{.*}}: tensor<4xf32> {bufferization.writable = false}, %{{.*}}: i32)
// CHECK-SAME: -> (tensor<4xf32>, tensor<i32>)
// CHECK: %[[W:.*]] = tensor.from_elements %{{.*}} : tensor<i32>
// CHECK: return %{{.*}}, %[[W]]
func.func @entry(%x: tensor<4xf32>, %n: i32) -> (tensor<4xf32>, i32) {
  return %x, %n : tensor<4xf32>, i32
}

// Calls see the scalar again (and the caller, public too, wraps its own).
// CHECK-LABEL: func.func @caller
// CHECK: %[[R:.*]]:2 = call @entry
// CHECK: %[[S:.*]] = tensor.extract %[[R]]#1[] : tensor<i32>
// CHECK: %[[W:.*]] = tensor.from_elements %[[S]] : tensor<i32>
// CHECK: return %[[W]]
func.func @caller(%x: tensor<4xf32>) -> i32 {
  %c = arith.constant 7 : i32
  %r:2 = func.call @entry(%x, %c) : (tensor<4xf32>, i32) -> (tensor<4xf32>, i32)
  return %r#1 : i32
}

// Private functions keep their signature, but for tensors without elements
// (below): one the inliner leaves takes bare pointers too.
// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%{{.*}}: tensor<4xf32>) -> i32
func.func private @helper(%x: tensor<4xf32>) -> i32 {
  %c = arith.constant 1 : i32
  return %c : i32
}

// Tensors without elements and of a rank other than 1 travel as
// tensor<0xE> (widened): the body gets an empty tensor of the original
// type, the return an empty tensor<0xE>, and calls convert both ways.
// CHECK-LABEL: func.func @empty(
// CHECK-SAME: %{{.*}}: tensor<0xi8> {bufferization.writable = false}
// CHECK-SAME: -> tensor<0xi8>
// CHECK: %[[NONE:.*]] = tensor.empty() : tensor<2x0xi3>
// CHECK: arith.addi %[[NONE]], %[[NONE]] : tensor<2x0xi3>
// CHECK: %[[OUT:.*]] = tensor.empty() : tensor<0xi8>
// CHECK: return %[[OUT]] : tensor<0xi8>
func.func @empty(%a: tensor<2x0xi3>) -> tensor<2x0xi3> {
  %s = arith.addi %a, %a : tensor<2x0xi3>
  return %s : tensor<2x0xi3>
}

// CHECK-LABEL: func.func @calls_empty(
// CHECK: %[[ARG:.*]] = tensor.empty() : tensor<0xi8>
// CHECK: %[[R:.*]] = call @empty(%[[ARG]]) : (tensor<0xi8>) -> tensor<0xi8>
// CHECK: %[[BACK:.*]] = tensor.empty() : tensor<2x0xi3>
// CHECK: arith.addi %[[BACK]], %[[BACK]]
func.func @calls_empty(%a: tensor<2x0xi3>) -> tensor<2x0xi3> {
  %r = func.call @empty(%a) : (tensor<2x0xi3>) -> tensor<2x0xi3>
  %s = arith.addi %r, %r : tensor<2x0xi3>
  return %s : tensor<2x0xi3>
}

// A private function: only its tensors without elements change (no
// widening of i3, no 0-d scalar results, no read-only marks).
// CHECK-LABEL: func.func private @empty_helper(
// CHECK-SAME: %{{[^:]*}}: tensor<0xi8>, %{{[^:]*}}: tensor<3xi3>, %{{[^:]*}}: i3)
// CHECK-SAME: -> (tensor<0xi8>, i3)
// CHECK-NOT: bufferization.writable
// CHECK: tensor.empty() : tensor<2x0xi3>
// CHECK: %[[OUT:.*]] = tensor.empty() : tensor<0xi8>
// CHECK: return %[[OUT]], %{{.*}} : tensor<0xi8>, i3
func.func private @empty_helper(%a: tensor<2x0xi3>, %b: tensor<3xi3>, %c: i3)
    -> (tensor<2x0xi3>, i3) {
  %s = arith.addi %a, %a : tensor<2x0xi3>
  return %s, %c : tensor<2x0xi3>, i3
}

// CHECK-LABEL: func.func @calls_empty_helper(
// CHECK: %[[ARG:.*]] = tensor.empty() : tensor<0xi8>
// CHECK: %[[R:.*]]:2 = call @empty_helper(%[[ARG]], %{{.*}}, %{{.*}}) : (tensor<0xi8>, tensor<3xi3>, i3) -> (tensor<0xi8>, i3)
// CHECK: tensor.empty() : tensor<2x0xi3>
func.func @calls_empty_helper(%a: tensor<2x0xi3>, %b: tensor<3xi3>, %c: i3)
    -> tensor<2x0xi3> {
  %r:2 = func.call @empty_helper(%a, %b, %c)
      : (tensor<2x0xi3>, tensor<3xi3>, i3) -> (tensor<2x0xi3>, i3)
  return %r#0 : tensor<2x0xi3>
}

// -----

// f16 and bf16 scalars travel as their bits (the C header's uint16_t), also
// into calls inside the module.
// CHECK-LABEL: func.func @half_bits(
// CHECK-SAME: %[[A:[^:]*]]: i16, %[[B:[^:]*]]: i16) -> tensor<bf16>
// CHECK: %[[AF:.*]] = arith.bitcast %[[A]] : i16 to f16
// CHECK: %[[BF:.*]] = arith.bitcast %[[B]] : i16 to bf16
// CHECK: arith.extf %[[AF]] : f16 to f32
// CHECK-LABEL: func.func @calls_half_bits(
// CHECK: %[[H:.*]] = arith.bitcast %{{.*}} : f16 to i16
// CHECK: %[[G:.*]] = arith.bitcast %{{.*}} : bf16 to i16
// CHECK: call @half_bits(%[[H]], %[[G]]) : (i16, i16) -> tensor<bf16>
func.func @half_bits(%a: f16, %b: bf16) -> bf16 {
  %x = arith.extf %a : f16 to f32
  %y = arith.extf %b : bf16 to f32
  %s = arith.addf %x, %y : f32
  %r = arith.truncf %s : f32 to bf16
  return %r : bf16
}
func.func @calls_half_bits(%a: f16, %b: bf16) -> bf16 {
  %r = call @half_bits(%a, %b) : (f16, bf16) -> bf16
  return %r : bf16
}
