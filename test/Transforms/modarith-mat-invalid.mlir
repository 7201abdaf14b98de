// RUN: anybit-opt %s --modarith-mat=rows=3 --verify-diagnostics

// R must be a power of two that divides N.
!p = !modarith.int<7681 : i16>
func.func @rows_not_dividing(%x: tensor<2x8x!p>) -> tensor<2x8x!p> {
  // expected-error @+1 {{'modarith.intt' op MAT needs rows=R, a power of two dividing the length 8, got 3}}
  %y = modarith.intt %x {cyclic} : tensor<2x8x!p>
  return %y : tensor<2x8x!p>
}
