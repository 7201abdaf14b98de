func.func private @nowhere(f32) -> f32
func.func @main(%a: f32) -> f32 {
  %r = func.call @nowhere(%a) : (f32) -> f32
  return %r : f32
}
