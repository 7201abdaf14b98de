// modarith.mul_shoup on the VM and compiled, Q = 7681 in i16: companions
// floor(w * 2^16 / 7681) = 42, 65527, 10528 for w = 5, 7680, 1234 (python3:
// [(w << 16) // 7681 for w in (5, 7680, 1234)]); products 25, 7680^2 = 1
// and 1234^2 = 1522756 = 1918 (mod 7681).
// RUN: anybit-run %s --entry f --input 'dense<[5, 7680, 1234]>' --input 'dense<[5, 7680, 1234]>' --input 'dense<[42, 65527, 10528]>' | FileCheck %s --match-full-lines
// RUN: anybitc %s --run=f --inputs 'dense<[5, 7680, 1234]>' 'dense<[5, 7680, 1234]>' 'dense<[42, 65527, 10528]>' --check | FileCheck %s --match-full-lines
// RUN: anybitc %s --modarith-reduction=montgomery --run=f --inputs 'dense<[5, 7680, 1234]>' 'dense<[5, 7680, 1234]>' 'dense<[42, 65527, 10528]>' --check | FileCheck %s --match-full-lines
// CHECK: result0: tensor<3x!modarith.int<7681 : i16>> = [25, 1, 1918]
// A wrong companion is an error on the VM.
// RUN: not anybit-run %s --entry f --input 'dense<[5, 7680, 1234]>' --input 'dense<[5, 7680, 1234]>' --input 'dense<[42, 65527, 10527]>' 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: 'modarith.mul_shoup' op w_shoup 10527 (element 2) is not the Shoup companion floor(w * 2^16 / Q) = 10528 of w = 1234

!t = tensor<3x!modarith.int<7681 : i16>>
func.func @f(%a: !t, %w: !t, %wp: tensor<3xi16>) -> !t {
  %p = modarith.mul_shoup %a, %w, %wp : !t, tensor<3xi16>
  return %p : !t
}
