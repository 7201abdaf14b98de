// modarith on the reference VM (test/tools/anybitc-modarith.test runs these
// entries compiled, too). Every entry takes an argument, so that
// test/examples/check_compiled.py, which compiles every argument-free
// function of these files, leaves them out. Constants are still covered.
// Expected values were computed independently
// with Python's arbitrary-precision integers, e.g.
//   python3 -c 'q=4611686018427387847; print(4611686018427387000*3999999999999999999 % q)'
// RUN: anybit-run %s --entry published --input 123456789 --input 987654321 | FileCheck %s --match-full-lines --check-prefix=PUB
// RUN: anybit-run %s --entry f65537 --input 65536 | FileCheck %s --match-full-lines --check-prefix=F4
// RUN: anybit-run %s --entry prime62 --input 4611686018427387000 | FileCheck %s --match-full-lines --check-prefix=P62
// RUN: anybit-run %s --entry near64 --input 18446744073709551556 | FileCheck %s --match-full-lines --check-prefix=N64
// RUN: anybit-run %s --entry tensors --input 'dense<[1, 2, 3, 65536]>' | FileCheck %s --match-full-lines --check-prefix=TENSOR
// RUN: anybit-run %s --entry args --input 65536 --input 'dense<[1, 2, 3, 65536]>' | FileCheck %s --match-full-lines --check-prefix=ARGS
// RUN: anybit-run %s --entry args62 --input 4611686018427387000 --input 3999999999999999999 | FileCheck %s --match-full-lines --check-prefix=ARGS62
// RUN: not anybit-run %s --entry args --input 65537 --input 'dense<[1, 2, 3, 4]>' 2>&1 | FileCheck %s --check-prefix=BAD-SCALAR
// RUN: not anybit-run %s --entry args --input 1 --input 'dense<[1, -2, 3, 4]>' 2>&1 | FileCheck %s --check-prefix=BAD-NEG
// RUN: not anybit-run %s --entry args --input 18446744073709551615 --input 'dense<[1, 2, 3, 4]>' 2>&1 | FileCheck %s --check-prefix=BAD-BIG

// The published BAT check of the CROSS paper: 123456789 * 987654321 mod
// 1073692673 = 397671139.
// PUB: result0: !modarith.int<1073692673 : i32> = 397671139
// PUB-NEXT: result1: i32 = 397671139
func.func @published(%t: !modarith.int<1073692673 : i32>,
                      %x: !modarith.int<1073692673 : i32>)
    -> (!modarith.int<1073692673 : i32>, i32) {
  %p = modarith.mul %t, %x : !modarith.int<1073692673 : i32>
  %e = modarith.extract %p : !modarith.int<1073692673 : i32> -> i32
  return %p, %e : !modarith.int<1073692673 : i32>, i32
}

// Q = 65537 = 2^16 + 1: 65536 = -1, so 65536^2 = 1; 2^32 - 1 = 0 and
// 1234567890123 mod 65537 = 37872; 3 - 65536 = 4.
// F4: result0: !modarith.int<65537 : i32> = 1
// F4-NEXT: result1: !modarith.int<65537 : i32> = 12346
// F4-NEXT: result2: !modarith.int<65537 : i32> = 65535
// F4-NEXT: result3: !modarith.int<65537 : i32> = 4
// F4-NEXT: result4: !modarith.int<65537 : i32> = 1
// F4-NEXT: result5: !modarith.int<65537 : i32> = 0
// F4-NEXT: result6: !modarith.int<65537 : i32> = 0
// F4-NEXT: result7: !modarith.int<65537 : i32> = 37872
// F4-NEXT: result8: !modarith.int<65537 : i32> = 0
func.func @f65537(%a: !modarith.int<65537 : i32>) -> (!modarith.int<65537 : i32>, !modarith.int<65537 : i32>,
                        !modarith.int<65537 : i32>, !modarith.int<65537 : i32>,
                        !modarith.int<65537 : i32>, !modarith.int<65537 : i32>,
                        !modarith.int<65537 : i32>, !modarith.int<65537 : i32>,
                        !modarith.int<65537 : i32>) {
  %c = modarith.constant 12345 : !modarith.int<65537 : i32>
  %three = modarith.constant 3 : !modarith.int<65537 : i32>
  %zero = modarith.constant 0 : !modarith.int<65537 : i32>
  %mul = modarith.mul %a, %a : !modarith.int<65537 : i32>
  %mac = modarith.mac %a, %a, %c : !modarith.int<65537 : i32>
  %add = modarith.add %a, %a : !modarith.int<65537 : i32>
  %sub = modarith.sub %three, %a : !modarith.int<65537 : i32>
  %neg = modarith.neg %a : !modarith.int<65537 : i32>
  %negz = modarith.neg %zero : !modarith.int<65537 : i32>
  %m1 = arith.constant -1 : i32
  %enc = modarith.encapsulate %m1 : i32 -> !modarith.int<65537 : i32>
  %w = arith.constant 1234567890123 : i64
  %red = modarith.reduce %w : i64 -> !modarith.int<65537 : i32>
  %m1w = arith.constant -1 : i64
  %redmax = modarith.reduce %m1w : i64 -> !modarith.int<65537 : i32>
  return %mul, %mac, %add, %sub, %neg, %negz, %enc, %red, %redmax
    : !modarith.int<65537 : i32>, !modarith.int<65537 : i32>,
      !modarith.int<65537 : i32>, !modarith.int<65537 : i32>,
      !modarith.int<65537 : i32>, !modarith.int<65537 : i32>,
      !modarith.int<65537 : i32>, !modarith.int<65537 : i32>,
      !modarith.int<65537 : i32>
}

// A 62-bit prime, Q = 4611686018427387847: the product a*b needs 124 bits.
// P62: result0: !modarith.int<4611686018427387847 : i64> = 1589223544130068392
// P62-NEXT: result1: !modarith.int<4611686018427387847 : i64> = 2823791434253525181
// P62-NEXT: result2: !modarith.int<4611686018427387847 : i64> = 3999999999999999152
// P62-NEXT: result3: !modarith.int<4611686018427387847 : i64> = 611686018427387001
// P62-NEXT: result4: !modarith.int<4611686018427387847 : i64> = 4000000000000000846
// P62-NEXT: result5: !modarith.int<4611686018427387847 : i64> = 847
// P62-NEXT: result6: i64 = 1589223544130068392
!q62 = !modarith.int<4611686018427387847 : i64>
func.func @prime62(%a: !q62) -> (!q62, !q62, !q62, !q62, !q62, !q62, i64) {
  %b = modarith.constant 3999999999999999999 : !q62
  %c = modarith.constant 1234567890123456789 : !q62
  %mul = modarith.mul %a, %b : !q62
  %mac = modarith.mac %a, %b, %c : !q62
  %add = modarith.add %a, %b : !q62
  %sub = modarith.sub %a, %b : !q62
  %subr = modarith.sub %b, %a : !q62
  %neg = modarith.neg %a : !q62
  %e = modarith.extract %mul : !q62 -> i64
  return %mul, %mac, %add, %sub, %subr, %neg, %e
    : !q62, !q62, !q62, !q62, !q62, !q62, i64
}

// Q = 2^64 - 59, the largest 64-bit prime: sums overflow 64 bits. Q - 3 =
// 2^64 - 62 extracted to i64 prints as the signed -62.
// (Q-1)(Q-2) = 2, (Q-1) + (Q-2) = Q - 3, (Q-1)(Q-1) + (Q-1) = 0.
// N64: result0: !modarith.int<18446744073709551557 : i64> = 2
// N64-NEXT: result1: !modarith.int<18446744073709551557 : i64> = 18446744073709551554
// N64-NEXT: result2: !modarith.int<18446744073709551557 : i64> = 0
// N64-NEXT: result3: i64 = -62
!q64 = !modarith.int<18446744073709551557 : i64>
func.func @near64(%a: !q64) -> (!q64, !q64, !q64, i64) {
  %b = modarith.constant 18446744073709551555 : !q64
  %mul = modarith.mul %a, %b : !q64
  %add = modarith.add %a, %b : !q64
  %mac = modarith.mac %a, %a, %a : !q64
  %e = modarith.extract %add : !q64 -> i64
  return %mul, %add, %mac, %e : !q64, !q64, !q64, i64
}

// TENSOR: result0: tensor<4x!modarith.int<65537 : i32>> = [65536, 65533, 0, 1]
// TENSOR-NEXT: result1: tensor<4x!modarith.int<65537 : i32>> = [0, 0, 3, 65535]
// TENSOR-NEXT: result2: tensor<4x!modarith.int<65537 : i32>> = [2, 4, 3, 0]
// TENSOR-NEXT: result3: tensor<2x2x!modarith.int<65537 : i32>> = {{\[\[}}65536, 65535], [65534, 1]]
// TENSOR-NEXT: result4: tensor<2xi32> = [65536, 65533]
!t4 = tensor<4x!modarith.int<65537 : i32>>
func.func @tensors(%x: !t4) -> (!t4, !t4, !t4, tensor<2x2x!modarith.int<65537 : i32>>, tensor<2xi32>) {
  %y = modarith.constant dense<[65536, 65535, 0, 65536]> : !t4
  %mul = modarith.mul %x, %y : !t4
  %add = modarith.add %x, %y : !t4
  %sub = modarith.sub %x, %y : !t4
  %m = modarith.constant dense<[[1, 2], [3, 65536]]> : tensor<2x2x!modarith.int<65537 : i32>>
  %neg = modarith.neg %m : tensor<2x2x!modarith.int<65537 : i32>>
  %slice = tensor.extract_slice %mul[0] [2] [1] : !t4 to tensor<2x!modarith.int<65537 : i32>>
  %e = modarith.extract %slice : tensor<2x!modarith.int<65537 : i32>> -> tensor<2xi32>
  return %mul, %add, %sub, %neg, %e : !t4, !t4, !t4, tensor<2x2x!modarith.int<65537 : i32>>, tensor<2xi32>
}

// Residues given on the command line must be in [0, Q).
// ARGS: result0: tensor<4x!modarith.int<65537 : i32>> = [65536, 65535, 65534, 1]
// BAD-SCALAR: error: value 65537 is not a residue of '!modarith.int<65537 : i32>': it must be in [0, 65537)
// BAD-NEG: error: value -2 is not a residue of '!modarith.int<65537 : i32>': it must be in [0, 65537)
// BAD-BIG: error: value 18446744073709551615 is not a residue of '!modarith.int<65537 : i32>': it must be in [0, 65537)
func.func @args(%s: !modarith.int<65537 : i32>, %t: !t4) -> !t4 {
  %b = tensor.from_elements %s, %s, %s, %s : !t4
  %m = modarith.mul %t, %b : !t4
  return %m : !t4
}

// ARGS62: result0: !modarith.int<4611686018427387847 : i64> = 1589223544130068392
func.func @args62(%a: !q62, %b: !q62) -> !q62 {
  %m = modarith.mul %a, %b : !q62
  return %m : !q62
}
