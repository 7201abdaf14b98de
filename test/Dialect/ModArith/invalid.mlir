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
  // expected-error @+1 {{'modarith.add' op operand #0 must be !modarith.int or statically shaped tensor of !modarith.int, but got 'i8'}}
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
  // expected-error @+1 {{'modarith.reduce' op result #0 must be !modarith.int or statically shaped tensor of !modarith.int, but got 'i8'}}
  %0 = modarith.reduce %x : i64 -> i8
  return
}
