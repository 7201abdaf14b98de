// RUN: anybit-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{the modulus of !modarith.int must be at least 2, got 1}}
func.func private @f(!modarith.int<1 : i32>)

// -----

// expected-error @+1 {{the modulus of !modarith.int must be at least 2, got 0}}
func.func private @f(!modarith.int<0 : i8>)

// -----

// expected-error @+1 {{the modulus 65537 does not fit in i16 (it needs 17 bits)}}
func.func private @f(!modarith.int<65537 : i16>)

// -----

// expected-error @+1 {{the modulus 4 does not fit in i2 (it needs 3 bits)}}
func.func private @f(!modarith.int<4 : i2>)

// -----

// expected-error @+1 {{the storage width of !modarith.int must be in 2..64, got i1}}
func.func private @f(!modarith.int<1 : i1>)

// -----

// expected-error @+1 {{the storage width of !modarith.int must be in 2..64, got i65}}
func.func private @f(!modarith.int<3 : i65>)

// -----

// expected-error @+1 {{expected a signless integer storage type iW, got 'ui32'}}
func.func private @f(!modarith.int<3 : ui32>)

// -----

func.func @f(%a: !modarith.int<17 : i8>, %b: !modarith.int<19 : i8>) {
  // expected-error @+1 {{'modarith.add' op operands must have the same modarith type, got '!modarith.int<17 : i8>' and '!modarith.int<19 : i8>'}}
  %0 = "modarith.add"(%a, %b) : (!modarith.int<17 : i8>, !modarith.int<19 : i8>) -> !modarith.int<17 : i8>
  return
}

// -----

func.func @f(%a: !modarith.int<17 : i8>, %b: !modarith.int<17 : i16>) {
  // expected-error @+1 {{'modarith.mul' op operands must have the same modarith type, got '!modarith.int<17 : i8>' and '!modarith.int<17 : i16>'}}
  %0 = "modarith.mul"(%a, %b) : (!modarith.int<17 : i8>, !modarith.int<17 : i16>) -> !modarith.int<17 : i8>
  return
}

// -----

func.func @f(%a: !modarith.int<17 : i8>, %b: tensor<2x!modarith.int<17 : i8>>) {
  // expected-error @+1 {{'modarith.mac' op operands must have the same modarith type, got '!modarith.int<17 : i8>' and 'tensor<2x!modarith.int<17 : i8>>'}}
  %0 = "modarith.mac"(%a, %a, %b) : (!modarith.int<17 : i8>, !modarith.int<17 : i8>, tensor<2x!modarith.int<17 : i8>>) -> !modarith.int<17 : i8>
  return
}

// -----

func.func @f(%a: !modarith.int<17 : i8>) {
  // expected-error @+1 {{'modarith.sub' op result type '!modarith.int<19 : i8>' must equal the operand type '!modarith.int<17 : i8>'}}
  %0 = "modarith.sub"(%a, %a) : (!modarith.int<17 : i8>, !modarith.int<17 : i8>) -> !modarith.int<19 : i8>
  return
}

// -----

func.func @f(%a: !modarith.int<17 : i8>) {
  // expected-error @+1 {{'modarith.neg' op result type '!modarith.int<13 : i8>' must equal the operand type '!modarith.int<17 : i8>'}}
  %0 = "modarith.neg"(%a) : (!modarith.int<17 : i8>) -> !modarith.int<13 : i8>
  return
}

// -----

func.func @f(%a: i8) {
  // expected-error @+1 {{'modarith.add' op operand #0 must be !modarith.int, a statically shaped tensor of it, or an RNS tensor, but got 'i8'}}
  %0 = "modarith.add"(%a, %a) : (i8, i8) -> i8
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'modarith.constant' op value 17 is out of range: a residue modulo 17 must be in [0, 17)}}
  %0 = modarith.constant 17 : !modarith.int<17 : i8>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'modarith.constant' op value 65537 is out of range: a residue modulo 65537 must be in [0, 65537)}}
  %0 = modarith.constant dense<[1, 65537]> : tensor<2x!modarith.int<65537 : i32>>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{a residue constant must be non-negative}}
  %0 = modarith.constant -1 : !modarith.int<17 : i8>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{value 256 does not fit in the storage type i8}}
  %0 = modarith.constant 256 : !modarith.int<17 : i8>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{expected 3 values for 'tensor<3x!modarith.int<17 : i8>>', got 2}}
  %0 = modarith.constant dense<[1, 2]> : tensor<3x!modarith.int<17 : i8>>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'modarith.constant' op value must have the storage type 'i8' of '!modarith.int<17 : i8>', got 'i16'}}
  %0 = "modarith.constant"() {value = 3 : i16} : () -> !modarith.int<17 : i8>
  return
}

// -----

func.func @f(%x: i16) {
  // expected-error @+1 {{'modarith.encapsulate' op the plain integer type must be i8 (the storage width of '!modarith.int<17 : i8>'), got 'i16'}}
  %0 = modarith.encapsulate %x : i16 -> !modarith.int<17 : i8>
  return
}

// -----

func.func @f(%x: tensor<3xi8>) {
  // expected-error @+1 {{'modarith.encapsulate' op the plain integer type 'tensor<3xi8>' and the residue type 'tensor<2x!modarith.int<17 : i8>>' must both be scalars or tensors of the same shape}}
  %0 = modarith.encapsulate %x : tensor<3xi8> -> tensor<2x!modarith.int<17 : i8>>
  return
}

// -----

func.func @f(%a: !modarith.int<17 : i8>) {
  // expected-error @+1 {{'modarith.extract' op the plain integer type must be i8 (the storage width of '!modarith.int<17 : i8>'), got 'i32'}}
  %0 = modarith.extract %a : !modarith.int<17 : i8> -> i32
  return
}

// -----

func.func @f(%a: !modarith.int<17 : i8>) {
  // expected-error @+1 {{'modarith.extract' op result #0 must be signless integer or statically shaped tensor of signless integers, but got '!modarith.int<17 : i8>'}}
  %0 = modarith.extract %a : !modarith.int<17 : i8> -> !modarith.int<17 : i8>
  return
}

// -----

func.func @f(%x: i8) {
  // expected-error @+1 {{'modarith.reduce' op takes an integer wider than the storage width i8 of '!modarith.int<17 : i8>', got 'i8' (use modarith.encapsulate for i8)}}
  %0 = modarith.reduce %x : i8 -> !modarith.int<17 : i8>
  return
}

// -----

func.func @f(%x: i64) {
  // expected-error @+1 {{'modarith.reduce' op result #0 must be !modarith.int, a statically shaped tensor of it, or an RNS tensor, but got 'i8'}}
  %0 = modarith.reduce %x : i64 -> i8
  return
}

// -----

func.func @f(%x: tensor<4x!modarith.int<97 : i32>>) {
  // expected-error @+1 {{'modarith.ntt' op root 3 does not have order 2N = 8 modulo 97: 3^4 mod Q = 81, not Q - 1 = 96}}
  %a = modarith.ntt %x {root = 3 : ui64} : tensor<4x!modarith.int<97 : i32>>
  return
}

// -----

func.func @f(%x: tensor<6x!modarith.int<97 : i32>>) {
  // expected-error @+1 {{'modarith.ntt' op the transform length N = 6 (the last dimension) must be a power of two of at least 2}}
  %a = modarith.ntt %x : tensor<6x!modarith.int<97 : i32>>
  return
}

// -----

func.func @f(%x: tensor<64x!modarith.int<97 : i32>>) {
  // expected-error @+1 {{'modarith.intt' op modulus 97 is not NTT-friendly for a negacyclic transform of length 64: Q - 1 = 96 is not a multiple of 2N = 128}}
  %a = modarith.intt %x : tensor<64x!modarith.int<97 : i32>>
  return
}

// -----

// A cyclic transform of length 32 only needs 32 | Q - 1.
func.func @f(%x: tensor<32x!modarith.int<97 : i32>>, %y: tensor<64x!modarith.int<97 : i32>>) {
  %a = modarith.ntt %x {cyclic} : tensor<32x!modarith.int<97 : i32>>
  // expected-error @+1 {{'modarith.ntt' op modulus 97 is not NTT-friendly for a cyclic transform of length 64: Q - 1 = 96 is not a multiple of N = 64}}
  %b = modarith.ntt %y {cyclic} : tensor<64x!modarith.int<97 : i32>>
  return
}

// -----

func.func @f(%x: tensor<16x!modarith.int<97 : i32>>) {
  // expected-error @+1 {{'modarith.intt' op root 200 must be a residue, below Q = 97}}
  %a = modarith.intt %x {root = 200 : ui64} : tensor<16x!modarith.int<97 : i32>>
  return
}

// -----

// 10^9 + 1 = 7 * 11 * 13 * 19 * 52579 has no element of order 8.
func.func @f(%x: tensor<4x!modarith.int<1000000001 : i64>>) {
  // expected-error @+1 {{'modarith.ntt' op found no root of order 2N = 8 modulo 1000000001 (is it prime?); give one with `root`}}
  %a = modarith.ntt %x : tensor<4x!modarith.int<1000000001 : i64>>
  return
}

// -----

func.func @f(%x: tensor<4x!modarith.int<17 : i32>>) {
  // expected-error @+1 {{'modarith.ntt' op result #0 must be statically shaped tensor of !modarith.int, of rank at least 1, but got 'tensor<4xi32>'}}
  %a = "modarith.ntt"(%x) : (tensor<4x!modarith.int<17 : i32>>) -> tensor<4xi32>
  return
}

// -----

func.func @shoup_companion_type(%a: !modarith.int<17 : i32>, %wp: i16) {
  // expected-error @+1 {{'modarith.mul_shoup' op w_shoup must have the storage type 'i32' of '!modarith.int<17 : i32>', got 'i16'}}
  %p = modarith.mul_shoup %a, %a, %wp : !modarith.int<17 : i32>, i16
  return
}
