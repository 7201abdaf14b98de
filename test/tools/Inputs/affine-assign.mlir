// An affine.parallel reduction with no identity to start from: upstream's
// affine lowering (and the VM, which builds the same identity) aborted on
// it ("Failed to infer result type(s)").
func.func @f() -> f32 {
  %r = affine.parallel (%i) = (0) to (3) reduce ("assign") -> (f32) {
    %c = arith.constant 1.0 : f32
    affine.yield %c : f32
  }
  return %r : f32
}
