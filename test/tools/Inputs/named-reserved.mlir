func.func private @__kmpc_fork(%a: f32) -> f32 {
  return %a : f32
}
func.func @f(%a: f32) -> f32 {
  %r = call @__kmpc_fork(%a) : (f32) -> f32
  return %r : f32
}
