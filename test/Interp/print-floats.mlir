// anybit-run prints floats as the shortest text that reads back to the same
// value (ValueIO.h: "floats shortest round-trip"): f32 as the shortest f32
// text, f64 as the shortest f64 text, never with spurious trailing digits.

// RUN: anybit-run %s --entry f32_values | FileCheck %s --match-full-lines --check-prefix=F32
// RUN: anybit-run %s --entry f64_values | FileCheck %s --match-full-lines --check-prefix=F64

// F32: result0: f32 = 0.1{{$}}
// F32-NEXT: result1: f32 = 0.3{{$}}
// F32-NEXT: result2: f32 = 0.7{{$}}
// F32-NEXT: result3: tensor<3xf32> = [0.2, -1.1, 123.4]{{$}}
func.func @f32_values() -> (f32, f32, f32, tensor<3xf32>) {
  %a = arith.constant 0.1 : f32
  %b = arith.constant 0.2 : f32
  // In f32, 0.1 + 0.2 is the f32 nearest to 0.3.
  %c = arith.addf %a, %b : f32
  %d = arith.constant 0.7 : f32
  %t = arith.constant dense<[0.2, -1.1, 123.4]> : tensor<3xf32>
  return %a, %c, %d, %t : f32, f32, f32, tensor<3xf32>
}

// F64: result0: f64 = 0.1{{$}}
// F64-NEXT: result1: f64 = 0.30000000000000004{{$}}
// F64-NEXT: result2: f64 = 0.3{{$}}
func.func @f64_values() -> (f64, f64, f64) {
  %a = arith.constant 0.1 : f64
  %b = arith.constant 0.2 : f64
  %c = arith.addf %a, %b : f64
  %d = arith.constant 0.3 : f64
  return %a, %c, %d : f64, f64, f64
}
