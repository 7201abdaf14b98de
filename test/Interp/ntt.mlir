// modarith.ntt / intt on the reference VM, checked by hand (and with
// Python's integers): Q = 17, N = 4, psi = 2 has order 8 (2^4 = 16 = -1).
//   X_k = sum_j x_j 2^((2k+1) j) mod 17 for x = [1, 2, 3, 4]:
//   k = 0: 1 + 2*2 + 3*4 + 4*8 = 49 = 15;  k = 1: 1 + 2*8 + 3*13 + 4*2 = 64 = 13
//   k = 2: 1 + 2*15 + 3*4 + 4*9 = 79 = 11; k = 3: 1 + 2*9 + 3*13 + 4*15 = 118 = 16
// Without a root, psi = 3^((17-1)/8) = 9 (2^2 = 4 has order 4 only), and
// the cyclic omega = 3^((17-1)/4) = 13 (2^4 = 16 has order 2).
// RUN: anybit-run %s --entry transforms --input 'dense<[[1, 2, 3, 4], [16, 0, 0, 1]]>' | FileCheck %s
// CHECK: result0: tensor<2x4x!modarith.int<17 : i32>> = {{\[\[}}15, 13, 11, 16], [7, 1, 8, 14]]
// CHECK-NEXT: result1: tensor<2x4x!modarith.int<17 : i32>> = {{\[\[}}16, 11, 13, 15], {{.*}}]
// CHECK-NEXT: result2: tensor<2x4x!modarith.int<17 : i32>> = {{\[\[}}10, 6, 15, 7], {{.*}}]
// CHECK-NEXT: result3: tensor<2x4x!modarith.int<17 : i32>> = {{\[\[}}1, 2, 3, 4], [16, 0, 0, 1]]
// CHECK-NEXT: result4: tensor<2x4x!modarith.int<17 : i32>> = {{\[\[}}1, 2, 3, 4], [16, 0, 0, 1]]
!t = tensor<2x4x!modarith.int<17 : i32>>
func.func @transforms(%x: !t) -> (!t, !t, !t, !t, !t) {
  %a = modarith.ntt %x {root = 2 : ui64} : !t
  %b = modarith.ntt %x : !t
  %c = modarith.ntt %x {cyclic} : !t
  %ia = modarith.intt %a {root = 2 : ui64} : !t
  %ic = modarith.intt %c {cyclic} : !t
  return %a, %b, %c, %ia, %ic : !t, !t, !t, !t, !t
}

// Negacyclic convolution: (1 + 2X + 3X^2 + 4X^3)(5 + 6X + 7X^2 + 8X^3)
// mod (X^4 + 1, 17) = 12 + 15X + 2X^2 + 9X^3 (schoolbook, by hand:
// X^0: 5 - (16 + 21 + 24) = -56 = 12, ...).
// RUN: anybit-run %s --entry polymul --input 'dense<[1, 2, 3, 4]>' --input 'dense<[5, 6, 7, 8]>' | FileCheck %s --check-prefix=MUL
// MUL: result0: tensor<4x!modarith.int<17 : i32>> = [12, 15, 2, 9]
!v = tensor<4x!modarith.int<17 : i32>>
func.func @polymul(%a: !v, %b: !v) -> !v {
  %fa = modarith.ntt %a : !v
  %fb = modarith.ntt %b : !v
  %p = modarith.mul %fa, %fb : !v
  %c = modarith.intt %p : !v
  return %c : !v
}
