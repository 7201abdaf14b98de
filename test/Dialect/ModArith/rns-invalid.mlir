// RUN: anybit-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{#modarith.rns needs at least two moduli, got 1}}
func.func private @f(tensor<1x4xi32, #modarith.rns<[97]>>)

// -----

// expected-error @+1 {{RNS moduli must be pairwise coprime: 12 and 18 share the factor 6}}
func.func private @f(tensor<3x4xi32, #modarith.rns<[12, 5, 18]>>)

// -----

// expected-error @+1 {{RNS modulus 1 must be at least 2}}
func.func private @f(tensor<2x4xi32, #modarith.rns<[1, 5]>>)

// -----

// expected-error @+1 {{the leading dimension of an RNS tensor is its limb, of size 2 (one per modulus), got 3}}
func.func private @f(tensor<3x4xi32, #modarith.rns<[3, 5]>>)

// -----

// expected-error @+1 {{RNS modulus 65537 does not fit in i16}}
func.func private @f(tensor<2x4xi16, #modarith.rns<[65537, 3]>>)

// -----

// expected-error @+1 {{an RNS tensor holds signless iW words (W in 2..64), got 'f32'}}
func.func private @f(tensor<2x4xf32, #modarith.rns<[3, 5]>>)

// -----

func.func @width(%a: tensor<2x4xi16>) {
  // expected-error @+1 {{the plain integer type must be i32 (the storage width of 'tensor<2x4xi32, #modarith.rns<[3, 5]>>'), got 'i16'}}
  %x = modarith.encapsulate %a : tensor<2x4xi16> -> tensor<2x4xi32, #modarith.rns<[3, 5]>>
  return
}

// -----

func.func @mixed(%a: tensor<2x4xi32, #modarith.rns<[3, 5]>>, %b: tensor<2x4xi32, #modarith.rns<[3, 7]>>) {
  // expected-error @+1 {{operands must have the same modarith type}}
  %x = "modarith.add"(%a, %b) : (tensor<2x4xi32, #modarith.rns<[3, 5]>>, tensor<2x4xi32, #modarith.rns<[3, 7]>>) -> tensor<2x4xi32, #modarith.rns<[3, 5]>>
  return
}

// -----

func.func @ntt(%a: tensor<2x4xi32, #modarith.rns<[17, 97]>>) {
  // expected-error @+1 {{'modarith.ntt' op operand #0 must be statically shaped tensor of !modarith.int, of rank at least 1}}
  %x = "modarith.ntt"(%a) : (tensor<2x4xi32, #modarith.rns<[17, 97]>>) -> tensor<2x4xi32, #modarith.rns<[17, 97]>>
  return
}

// -----

func.func @plain(%a: tensor<2x4xi32>) {
  // expected-error @+1 {{'modarith.add' op operand #0 must be !modarith.int, a statically shaped tensor of it, or an RNS tensor}}
  %x = "modarith.add"(%a, %a) : (tensor<2x4xi32>, tensor<2x4xi32>) -> tensor<2x4xi32>
  return
}
