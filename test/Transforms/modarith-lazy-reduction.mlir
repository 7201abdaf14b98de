// RUN: anybit-opt %s --modarith-lazy-reduction | FileCheck %s

// a*b + c*d + e modulo a 30-bit Q: three reductions (two products, two
// additions) become one. 2 (Q-1)^2 + (Q-1) < 2^61 fits the 2W = 64 bits.
!q = !modarith.int<1073692673 : i32>
// CHECK-LABEL: func.func @dot(
// CHECK-SAME: %[[A:[^:]*]]: !modarith.int<1073692673 : i32>, %[[B:[^:]*]]: {{.*}}, %[[C:[^:]*]]: {{.*}}, %[[D:[^:]*]]: {{.*}}, %[[E:[^:]*]]: !modarith.int<1073692673 : i32>)
// CHECK-NOT: modarith.mul
// CHECK-NOT: modarith.add
// CHECK: %[[AW:.*]] = modarith.extract %[[A]] : !modarith.int<1073692673 : i32> -> i32
// CHECK: %[[AX:.*]] = arith.extui %[[AW]] : i32 to i64
// CHECK: %[[BX:.*]] = arith.extui %{{.*}} : i32 to i64
// CHECK: %[[AB:.*]] = arith.muli %[[AX]], %[[BX]] : i64
// CHECK: %[[CD:.*]] = arith.muli %{{.*}}, %{{.*}} : i64
// CHECK: %[[S:.*]] = arith.addi %[[AB]], %[[CD]] : i64
// CHECK: %[[EX:.*]] = arith.extui %{{.*}} : i32 to i64
// CHECK: %[[T:.*]] = arith.addi %[[S]], %[[EX]] : i64
// CHECK: %[[R:.*]] = modarith.reduce %[[T]] : i64 -> !modarith.int<1073692673 : i32>
// CHECK: return %[[R]]
func.func @dot(%a: !q, %b: !q, %c: !q, %d: !q, %e: !q) -> !q {
  %p = modarith.mul %a, %b : !q
  %r = modarith.mul %c, %d : !q
  %s = modarith.add %p, %r : !q
  %t = modarith.add %s, %e : !q
  return %t : !q
}

// A product used twice stays a residue (it is reduced once for both uses);
// a mac's accumulator joins the tree.
// CHECK-LABEL: func.func @shared(
// CHECK: %[[P:.*]] = modarith.mul
// CHECK: arith.muli {{.*}} : i64
// CHECK: modarith.extract %[[P]]
// CHECK: modarith.reduce {{.*}} : i64 -> !modarith.int<1073692673 : i32>
// CHECK: return %[[P]],
func.func @shared(%a: !q, %b: !q, %c: !q) -> (!q, !q) {
  %p = modarith.mul %a, %b : !q
  %m = modarith.mac %b, %c, %a : !q
  %s = modarith.add %p, %m : !q
  return %p, %s : !q, !q
}

// Two products of 62-bit residues need 126 bits, so i128; tensors work
// element-wise.
!big = tensor<4x!modarith.int<4611686018427387847 : i64>>
// CHECK-LABEL: func.func @wide(
// CHECK: arith.muli {{.*}} : tensor<4xi128>
// CHECK: modarith.reduce {{.*}} : tensor<4xi128> -> tensor<4x!modarith.int<4611686018427387847 : i64>>
func.func @wide(%a: !big, %b: !big) -> !big {
  %p = modarith.mul %a, %b : !big
  %r = modarith.mul %b, %b : !big
  %s = modarith.add %p, %r : !big
  return %s : !big
}

// A single product, or a sum without products, is left alone.
// CHECK-LABEL: func.func @nothing_to_save(
// CHECK: modarith.mul
// CHECK: modarith.add
// CHECK-NOT: modarith.reduce
func.func @nothing_to_save(%a: !q, %b: !q) -> (!q, !q) {
  %p = modarith.mul %a, %b : !q
  %s = modarith.add %a, %b : !q
  return %p, %s : !q, !q
}
