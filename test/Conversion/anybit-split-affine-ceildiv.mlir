// RUN: anybit-opt %s --anybit-split-affine-ceildiv --mlir-print-local-scope | FileCheck %s
// RUN: anybit-opt %s --anybit-split-affine-ceildiv --lower-affine | FileCheck %s --check-prefix=LOWERED

// Each ceildiv by a constant above 1, nested ones too, in the maps of
// affine.apply/min/max, loop bounds and integer sets, becomes a floordiv
// plus the ceildiv of the remainder; ceildiv by symbols and by 1 stay.
// CHECK-LABEL: func.func @maps
// CHECK: affine.apply affine_map<(d0) -> (d0 floordiv 16 + (d0 mod 16) ceildiv 16)>
// CHECK: affine.max affine_map<(d0)[s0] -> (0, ((d0 floordiv 16 + (d0 mod 16) ceildiv 16) floordiv 2 + ((d0 floordiv 16 + (d0 mod 16) ceildiv 16) mod 2) ceildiv 2) * 2, d0 ceildiv s0)>
// CHECK: affine.for %{{.*}} = 0 to affine_map<(d0) -> (d0 floordiv 4 + (d0 mod 4) ceildiv 4)>
// CHECK: affine.if affine_set<(d0) : (d0 floordiv 3 + (d0 mod 3) ceildiv 3 - 2 >= 0)>
// CHECK-NOT: {{[(]}}d0 ceildiv
func.func @maps(%i: index, %s: index) -> (index, index) {
  %a = affine.apply affine_map<(d0) -> (d0 ceildiv 16)>(%i)
  %m = affine.max affine_map<(d0)[s0] -> (0, ((d0 ceildiv 16) ceildiv 2) * 2, d0 ceildiv s0)>(%i)[%s]
  affine.for %k = 0 to affine_map<(d0) -> (d0 ceildiv 4)>(%i) {
  }
  affine.if affine_set<(d0) : (d0 ceildiv 3 - 2 >= 0)>(%i) {
  }
  return %a, %m : index, index
}

// The lowering negates no dividend: the most negative index divides
// exactly (-2^63 ceildiv 16 = -2^59, where the old lowering gave 2^59).
// LOWERED-LABEL: func.func @lowered
// LOWERED-NOT: arith.subi %c0{{[_0-9]*}}, %arg0
// LOWERED: return
func.func @lowered(%i: index) -> index {
  %a = affine.apply affine_map<(d0) -> (d0 ceildiv 16)>(%i)
  return %a : index
}
