// RNS tensors on the reference VM, checked by the Chinese remainder theorem
// by hand: moduli 3, 5, 7 (P = 105), x = 52 = (1, 2, 3) and y = 23 =
// (2, 3, 2) in each column of the limbs.
//   x * x = 2704 = 79 mod 105 = (1, 4, 2);  y * y = 529 = 4 = (1, 4, 4)
//   x + x = 104 = (2, 4, 6);                 y + y = 46 = (1, 1, 4)
//   -x = 53 = (2, 3, 4);                     -y = 82 = (1, 2, 5)
//   x * x^2 + x = 140660 = 65 = (2, 0, 2);   y * y^2 + y = 12190 = 10 = (1, 0, 3)
//   reduce(1000) = 55 = (1, 0, 6);           reduce(30000) = 75 = (0, 0, 5)
// RUN: anybit-run %s --entry crt --input 'dense<[[52, 23], [52, 23], [52, 23]]>' --input 'dense<[[1000, 30000], [1000, 30000], [1000, 30000]]>' | FileCheck %s --match-full-lines
// RUN: anybitc %s --run=crt --inputs 'dense<[[52, 23], [52, 23], [52, 23]]>' 'dense<[[1000, 30000], [1000, 30000], [1000, 30000]]>' --check | FileCheck %s --match-full-lines --check-prefixes=CHECK,COMPILED
// CHECK: result0: tensor<3x2xi8, #modarith.rns<[3, 5, 7]>> = {{\[\[}}1, 2], [2, 3], [3, 2]]
// CHECK-NEXT: result1: tensor<3x2xi8, #modarith.rns<[3, 5, 7]>> = {{\[\[}}1, 1], [4, 4], [2, 4]]
// CHECK-NEXT: result2: tensor<3x2xi8, #modarith.rns<[3, 5, 7]>> = {{\[\[}}2, 1], [4, 1], [6, 4]]
// CHECK-NEXT: result3: tensor<3x2xi8, #modarith.rns<[3, 5, 7]>> = {{\[\[}}2, 1], [3, 2], [4, 5]]
// CHECK-NEXT: result4: tensor<3x2xi8> = {{\[\[}}2, 1], [0, 0], [2, 3]]
// CHECK-NEXT: result5: tensor<3x2xi8, #modarith.rns<[3, 5, 7]>> = {{\[\[}}1, 0], [0, 0], [6, 5]]
// COMPILED-NEXT: check: 6 results match the reference VM
//
// Residues out of range are refused at the border.
// RUN: not anybit-run %s --entry square --input 'dense<[[1, 2], [5, 0], [0, 0]]>' 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: value 5 is not a residue of 'tensor<3x2xi8, #modarith.rns<[3, 5, 7]>>': it must be in [0, 5)

!r = tensor<3x2xi8, #modarith.rns<[3, 5, 7]>>

func.func @crt(%a: tensor<3x2xi8>, %big: tensor<3x2xi16>) -> (!r, !r, !r, !r, tensor<3x2xi8>, !r) {
  %x = modarith.encapsulate %a : tensor<3x2xi8> -> !r
  %sq = modarith.mul %x, %x : !r
  %dbl = modarith.add %x, %x : !r
  %neg = modarith.neg %x : !r
  %xy = modarith.mac %x, %sq, %x : !r
  %e = modarith.extract %xy : !r -> tensor<3x2xi8>
  %r = modarith.reduce %big : tensor<3x2xi16> -> !r
  return %x, %sq, %dbl, %neg, %e, %r : !r, !r, !r, !r, tensor<3x2xi8>, !r
}

func.func @square(%x: !r) -> !r {
  %sq = modarith.mul %x, %x : !r
  return %sq : !r
}
