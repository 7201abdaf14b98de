// RUN: anybit-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the anybit types, attributes and op verifiers.
// Cases that spell `zero_point` are in invalid-zero-point.mlir.

//===----------------------------------------------------------------------===//
// !anybit.float: parser
//===----------------------------------------------------------------------===//

// expected-error @+1 {{expected a format name like 'e3m2', got 'm11'}}
func.func private @f(!anybit.float<m11>)

// -----

// expected-error @+1 {{expected a format name like 'e3m2', got 'e3'}}
func.func private @f(!anybit.float<e3>)

// -----

// expected-error @+1 {{expected a format name like 'e3m2', got 'e3m2x'}}
func.func private @f(!anybit.float<e3m2x>)

// -----

// expected-error @+1 {{expected a format name like 'e3m2', got 'f3m2'}}
func.func private @f(!anybit.float<f3m2>)

// -----

// expected-error @+1 {{expected a format name like 'e3m2', got 'em2'}}
func.func private @f(!anybit.float<em2>)

// -----

// expected-error @+1 {{unknown float option 'signed'; expected unsigned, fn, ieee, nozero or bias = N}}
func.func private @f(!anybit.float<e3m2, signed>)

// -----

// expected-error @+1 {{unknown float option 'fnuz'; expected unsigned, fn, ieee, nozero or bias = N}}
func.func private @f(!anybit.float<e4m3, fn, fnuz>)

// -----

// expected-error @+1 {{expected '='}}
func.func private @f(!anybit.float<e3m2, bias 3>)

// -----

// expected-error @+1 {{expected integer value}}
func.func private @f(!anybit.float<e3m2, bias = x>)

// -----

//===----------------------------------------------------------------------===//
// !anybit.float: verifier
//===----------------------------------------------------------------------===//

// expected-error @+1 {{invalid float format: exponent width must be in 1..8}}
func.func private @f(!anybit.float<e0m2>)

// -----

// expected-error @+1 {{invalid float format: exponent width must be in 1..8}}
func.func private @f(!anybit.float<e9m1>)

// -----

// expected-error @+1 {{invalid float format: exponent width must be in 1..8}}
func.func private @f(!anybit.float<e40m1, bias = 3>)

// -----

// expected-error @+1 {{invalid float format: mantissa width must be in 0..10}}
func.func private @f(!anybit.float<e3m11>)

// -----

// expected-error @+1 {{invalid float format: bias must be in -512..512}}
func.func private @f(!anybit.float<e3m2, bias = 513>)

// -----

// expected-error @+1 {{invalid float format: bias must be in -512..512}}
func.func private @f(!anybit.float<e3m2, bias = -513>)

// -----

// expected-error @+1 {{invalid float format: IEEE infinities and NaNs need at least one mantissa bit}}
func.func private @f(!anybit.float<e5m0, ieee>)

// -----

// expected-error @+1 {{invalid float format: a format without zero must have no mantissa bits}}
func.func private @f(!anybit.float<e4m3, nozero>)

// -----

// expected-error @+1 {{invalid float format: format has no positive finite value}}
func.func private @f(!anybit.float<e1m0, fn>)

// -----

//===----------------------------------------------------------------------===//
// #anybit.packed: attribute verifier
//===----------------------------------------------------------------------===//

// expected-error @+1 {{container word must be 8, 16, 32 or 64 bits, got 12}}
func.func private @f() attributes {a = #anybit.packed<word = 12>}

// -----

// expected-error @+1 {{container word must be 8, 16, 32 or 64 bits, got 128}}
func.func private @f(tensor<4xi3, #anybit.packed<word = 128>>)

// -----

// expected-error @+1 {{block sizes must be positive, got [4, 0]}}
func.func private @f() attributes {a = #anybit.packed<block = [4, 0], scale = f32>}

// -----

// expected-error @+1 {{block sizes must be positive, got [-1]}}
func.func private @f() attributes {a = #anybit.packed<block = [-1], scale = f32>}

// -----

// expected-error @+1 {{a block encoding needs a scale type}}
func.func private @f() attributes {a = #anybit.packed<block = [1, 32]>}

// -----

// expected-error @+1 {{scale and zero_point need a block shape}}
func.func private @f() attributes {a = #anybit.packed<scale = f16>}

// -----

// An empty block list is no block shape.
// expected-error @+1 {{scale and zero_point need a block shape}}
func.func private @f() attributes {a = #anybit.packed<block = [], scale = f16>}

// -----

// expected-error @+1 {{scale type must be a float type, got 'i8'}}
func.func private @f() attributes {a = #anybit.packed<block = [32], scale = i8>}

// -----

// expected-error @+1 {{scale type must be a float type, got 'f8E4M3FNUZ'}}
func.func private @f() attributes {a = #anybit.packed<block = [32], scale = f8E4M3FNUZ>}

// -----

//===----------------------------------------------------------------------===//
// #anybit.packed: tensor encoding verifier
//===----------------------------------------------------------------------===//

// expected-error @+1 {{#anybit.packed cannot hold elements of type 'i128'}}
func.func private @f(tensor<4xi128, #anybit.packed<>>)

// -----

// expected-error @+1 {{#anybit.packed cannot hold elements of type 'complex<f32>'}}
func.func private @f(tensor<4xcomplex<f32>, #anybit.packed<>>)

// -----

// expected-error @+1 {{#anybit.packed cannot hold elements of type 'f8E5M2FNUZ'}}
func.func private @f(tensor<4xf8E5M2FNUZ, #anybit.packed<>>)

// -----

// expected-error @+1 {{#anybit.packed needs a static shape}}
func.func private @f(tensor<?x4xi3, #anybit.packed<>>)

// -----

// expected-error @+1 {{16-bit elements do not fit a 8-bit word without straddling}}
func.func private @f(tensor<4xi16, #anybit.packed<straddle = false>>)

// -----

// expected-error @+1 {{64-bit elements do not fit a 32-bit word without straddling}}
func.func private @f(tensor<4xindex, #anybit.packed<word = 32, straddle = false>>)

// -----

// expected-error @+1 {{block rank 1 does not match tensor rank 2}}
func.func private @f(tensor<4x32xi4, #anybit.packed<block = [32], scale = f16>>)

// -----

// expected-error @+1 {{block size 3 does not divide dimension 1 of size 32}}
func.func private @f(tensor<4x32xi4, #anybit.packed<block = [1, 3], scale = f16>>)

// -----

// expected-error @+1 {{tile sizes must be positive, got [0, 4]}}
func.func private @f(tensor<4x32xi4, #anybit.packed<tile = [0, 4]>>)

// -----

// expected-error @+1 {{tile rank 1 does not match tensor rank 2}}
func.func private @f(tensor<64x32x!anybit.trit, #anybit.packed<tile = [64]>>)

// -----

// expected-error @+1 {{tile size 64 does not divide dimension 0 of size 96}}
func.func private @f(tensor<96x32x!anybit.trit, #anybit.packed<tile = [64, 4]>>)

// -----

// expected-error @+1 {{bit_planes needs at least two planes, got [3]}}
func.func private @f(tensor<4x32xi3, #anybit.packed<bit_planes = [3]>>)

// -----

// expected-error @+1 {{bit plane widths must be 1 to 64, got [2, 0, 1]}}
func.func private @f(tensor<4x32xi3, #anybit.packed<bit_planes = [2, 0, 1]>>)

// -----

// expected-error @+1 {{bit planes [2, 2] hold 4 bits, not the 3 of 'i3'}}
func.func private @f(tensor<4x32xi3, #anybit.packed<bit_planes = [2, 2]>>)

// -----

// expected-error @+1 {{base3 packing has no bit planes}}
func.func private @f(tensor<5x!anybit.trit, #anybit.packed<base3 = true, bit_planes = [1, 1]>>)

// -----

//===----------------------------------------------------------------------===//
// #anybit.layout
//===----------------------------------------------------------------------===//

// expected-error @+1 {{invalid layout: at offset 0: unknown layout 'lokal'}}
func.func private @f() attributes {a = #anybit.layout<"lokal(2, 1)">}

// -----

// expected-error @+1 {{invalid layout: at offset 6: extent must be positive, got 0}}
func.func private @f() attributes {a = #anybit.layout<"local(0, 1)">}

// -----

// expected-error @+1 {{invalid layout: at offset 12: expected '.' or end of input, found 's'}}
func.func private @f() attributes {a = #anybit.layout<"local(2, 1) spatial(2)">}

// -----

// expected-error @+1 {{invalid layout:}}
func.func private @f() attributes {a = #anybit.layout<"reshape(local(2, 4), [3, 3])">}

// -----

// expected-error @+1 {{invalid layout:}}
func.func private @f() attributes {a = #anybit.layout<"permute(local(2, 4), [0, 0])">}

// -----

// expected-error @+1 {{invalid layout: at offset 0: expected a layout}}
func.func private @f() attributes {a = #anybit.layout<"">}

// -----

//===----------------------------------------------------------------------===//
// #anybit.tier
//===----------------------------------------------------------------------===//

// expected-error @+2 {{expected ::anybit::MemoryTier to be one of: register, shared, global, host, bram, uram, dram}}
// expected-error @+1 {{failed to parse Anybit_MemoryTierAttr parameter 'value'}}
func.func private @f() attributes {a = #anybit.tier<sram>}

// -----

//===----------------------------------------------------------------------===//
// anybit.cast
//===----------------------------------------------------------------------===//

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'anybit.cast' op input and result must both be scalars or both be tensors}}
  %0 = anybit.cast %x : tensor<4xf32> to f32
  return
}

// -----

func.func @f(%x: f32) {
  // expected-error @+1 {{'anybit.cast' op input and result must both be scalars or both be tensors}}
  %0 = anybit.cast %x : f32 to tensor<1xi8>
  return
}

// -----

func.func @f(%x: tensor<4xi3, #anybit.packed<>>) {
  // expected-error @+1 {{'anybit.cast' op input must be a logical tensor without an encoding, got 'tensor<4xi3, #anybit.packed<>>'}}
  %0 = anybit.cast %x : tensor<4xi3, #anybit.packed<>> to tensor<4xi8>
  return
}

// -----

func.func @f(%x: tensor<4xi8>) {
  // expected-error @+1 {{'anybit.cast' op result must be a logical tensor without an encoding, got 'tensor<4xi3, #anybit.packed<>>'}}
  %0 = anybit.cast %x : tensor<4xi8> to tensor<4xi3, #anybit.packed<>>
  return
}

// -----

func.func @f(%x: tensor<4xi8>) {
  // expected-error @+1 {{'anybit.cast' op input and result shapes differ: 'tensor<4xi8>' vs 'tensor<2x2xi3>'}}
  %0 = anybit.cast %x : tensor<4xi8> to tensor<2x2xi3>
  return
}

// -----

func.func @f(%x: tensor<?xf32>) {
  // expected-error @+1 {{'anybit.cast' op operand #0 must be integer of width 1..64, index, builtin float, !anybit.float or !anybit.trit or statically shaped tensor of numbers, but got 'tensor<?xf32>'}}
  %0 = anybit.cast %x : tensor<?xf32> to tensor<4xf16>
  return
}

// -----

func.func @f(%x: i128) {
  // expected-error @+1 {{'anybit.cast' op operand #0 must be integer of width 1..64, index, builtin float, !anybit.float or !anybit.trit or statically shaped tensor of numbers, but got 'i128'}}
  %0 = anybit.cast %x : i128 to i64
  return
}

// -----

func.func @f(%x: f32) {
  // expected-error @+1 {{'anybit.cast' op result #0 must be integer of width 1..64, index, builtin float, !anybit.float or !anybit.trit or statically shaped tensor of numbers, but got 'f80'}}
  %0 = anybit.cast %x : f32 to f80
  return
}

// -----

//===----------------------------------------------------------------------===//
// anybit.pack / anybit.unpack
//===----------------------------------------------------------------------===//

func.func @f(%x: tensor<4xi3>) {
  // expected-error @+1 {{'anybit.pack' op the packed tensor needs an #anybit.packed encoding, got 'tensor<4xi3>'}}
  %0 = anybit.pack %x : tensor<4xi3> -> tensor<4xi3>
  return
}

// -----

func.func @f(%x: tensor<4xi3>) {
  // expected-error @+1 {{'anybit.pack' op the packed tensor needs an #anybit.packed encoding, got 'tensor<4xi3, "other">'}}
  %0 = anybit.pack %x : tensor<4xi3> -> tensor<4xi3, "other">
  return
}

// -----

func.func @f(%x: tensor<4xi3, #anybit.packed<>>) {
  // expected-error @+1 {{'anybit.pack' op the unpacked tensor must be a logical tensor without an encoding, got 'tensor<4xi3, #anybit.packed<>>'}}
  %0 = anybit.pack %x : tensor<4xi3, #anybit.packed<>> -> tensor<4xi3, #anybit.packed<word = 16>>
  return
}

// -----

func.func @f(%x: tensor<4xi3>) {
  // expected-error @+1 {{'anybit.pack' op packed and unpacked shapes differ: 'tensor<4xi3>' vs 'tensor<2x2xi3, #anybit.packed<>>'}}
  %0 = anybit.pack %x : tensor<4xi3> -> tensor<2x2xi3, #anybit.packed<>>
  return
}

// -----

func.func @f(%x: tensor<4xi3>) {
  // expected-error @+1 {{'anybit.pack' op packed and unpacked element types differ: 'i3' vs 'ui3'}}
  %0 = anybit.pack %x : tensor<4xi3> -> tensor<4xui3, #anybit.packed<>>
  return
}

// -----

func.func @f(%x: tensor<4xi3>, %s: tensor<1xf16>) {
  // expected-error @+1 {{'anybit.pack' op the encoding of 'tensor<4xi3, #anybit.packed<>>' has no scales}}
  %0 = anybit.pack %x scales(%s) : tensor<4xi3>, tensor<1xf16> -> tensor<4xi3, #anybit.packed<>>
  return
}

// -----

func.func @f(%x: tensor<64x32xi3>) {
  // expected-error @+1 {{'anybit.pack' op the encoding of 'tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>' needs scales}}
  %0 = anybit.pack %x : tensor<64x32xi3> -> tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
  return
}

// -----

func.func @f(%x: tensor<64x32xi3>, %s: tensor<32x2xf16>) {
  // expected-error @+1 {{'anybit.pack' op scales must be an unencoded tensor of shape [2, 32] (the block grid) and element type 'f16', got 'tensor<32x2xf16>'}}
  %0 = anybit.pack %x scales(%s) : tensor<64x32xi3>, tensor<32x2xf16> -> tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
  return
}

// -----

func.func @f(%x: tensor<64x32xi3>, %s: tensor<2x32xf32>) {
  // expected-error @+1 {{'anybit.pack' op scales must be an unencoded tensor of shape [2, 32] (the block grid) and element type 'f16', got 'tensor<2x32xf32>'}}
  %0 = anybit.pack %x scales(%s) : tensor<64x32xi3>, tensor<2x32xf32> -> tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
  return
}

// -----

func.func @f(%x: tensor<64x32xi3>, %s: tensor<2x32xf16, #anybit.packed<>>) {
  // expected-error @+1 {{'anybit.pack' op scales must be an unencoded tensor of shape [2, 32] (the block grid) and element type 'f16', got 'tensor<2x32xf16, #anybit.packed<>>'}}
  %0 = anybit.pack %x scales(%s) : tensor<64x32xi3>, tensor<2x32xf16, #anybit.packed<>> -> tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
  return
}

// -----

func.func @f(%x: tensor<64x32xi3>, %s: tensor<2x32xf16>, %z: tensor<2x32xi8>) {
  // expected-error @+1 {{'anybit.pack' op the encoding of 'tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>' has no zero points}}
  %0 = anybit.pack %x scales(%s) zero_points(%z) : tensor<64x32xi3>, tensor<2x32xf16>, tensor<2x32xi8> -> tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>
  return
}

// -----

func.func @f(%x: tensor<?xi3>) {
  // expected-error @+1 {{'anybit.pack' op operand #0 must be statically shaped tensor of numbers, but got 'tensor<?xi3>'}}
  %0 = anybit.pack %x : tensor<?xi3> -> tensor<4xi3, #anybit.packed<>>
  return
}

// -----

func.func @f(%x: tensor<4xi3>) {
  // expected-error @+1 {{'anybit.unpack' op the packed tensor needs an #anybit.packed encoding, got 'tensor<4xi3>'}}
  %0 = anybit.unpack %x : tensor<4xi3> -> tensor<4xi3>
  return
}

// -----

func.func @f(%x: tensor<4xi3, #anybit.packed<>>) {
  // expected-error @+1 {{'anybit.unpack' op the unpacked tensor must be a logical tensor without an encoding, got 'tensor<4xi3, #anybit.packed<word = 16>>'}}
  %0 = anybit.unpack %x : tensor<4xi3, #anybit.packed<>> -> tensor<4xi3, #anybit.packed<word = 16>>
  return
}

// -----

func.func @f(%x: tensor<4xi3, #anybit.packed<>>) {
  // expected-error @+1 {{'anybit.unpack' op packed and unpacked shapes differ: 'tensor<1x4xi3>' vs 'tensor<4xi3, #anybit.packed<>>'}}
  %0 = anybit.unpack %x : tensor<4xi3, #anybit.packed<>> -> tensor<1x4xi3>
  return
}

// -----

func.func @f(%x: tensor<4xi3, #anybit.packed<>>) {
  // expected-error @+1 {{'anybit.unpack' op packed and unpacked element types differ: 'i4' vs 'i3'}}
  %0 = anybit.unpack %x : tensor<4xi3, #anybit.packed<>> -> tensor<4xi4>
  return
}

// -----

func.func @f(%x: tensor<4xi3, #anybit.packed<>>) {
  // expected-error @+1 {{'anybit.unpack' op the encoding of 'tensor<4xi3, #anybit.packed<>>' has no scales}}
  %0:2 = anybit.unpack %x : tensor<4xi3, #anybit.packed<>> -> tensor<4xi3>, tensor<1xf32>
  return
}

// -----

func.func @f(%x: tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>) {
  // expected-error @+1 {{'anybit.unpack' op the encoding of 'tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>' needs scales}}
  %0 = anybit.unpack %x : tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>> -> tensor<64x32xi3>
  return
}

// -----

func.func @f(%x: tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>) {
  // expected-error @+1 {{'anybit.unpack' op scales must be an unencoded tensor of shape [2, 32] (the block grid) and element type 'f16', got 'tensor<2x32xbf16>'}}
  %0:2 = anybit.unpack %x : tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>> -> tensor<64x32xi3>, tensor<2x32xbf16>
  return
}

// -----

func.func @f(%x: tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>) {
  // expected-error @+1 {{'anybit.unpack' op the encoding of 'tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>>' has no zero points}}
  %0:3 = anybit.unpack %x : tensor<64x32xi3, #anybit.packed<block = [32, 1], scale = f16>> -> tensor<64x32xi3>, tensor<2x32xf16>, tensor<2x32xi8>
  return
}

// -----

//===----------------------------------------------------------------------===//
// anybit.quantize / anybit.dequantize
//===----------------------------------------------------------------------===//

func.func @f(%x: tensor<4x64xf32, #anybit.packed<>>) {
  // expected-error @+1 {{'anybit.quantize' op the float tensor must be a logical tensor without an encoding, got 'tensor<4x64xf32, #anybit.packed<>>'}}
  %0 = anybit.quantize %x : tensor<4x64xf32, #anybit.packed<>> -> tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>
  return
}

// -----

func.func @f(%x: tensor<4x64xi32>) {
  // expected-error @+1 {{'anybit.quantize' op expected a float tensor, got 'tensor<4x64xi32>'}}
  %0 = anybit.quantize %x : tensor<4x64xi32> -> tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'anybit.quantize' op the quantized tensor needs an #anybit.packed encoding with a block shape and a scale, got 'tensor<4x64xi4>'}}
  %0 = anybit.quantize %x : tensor<4x64xf32> -> tensor<4x64xi4>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'anybit.quantize' op the quantized tensor needs an #anybit.packed encoding with a block shape and a scale, got 'tensor<4x64xi4, #anybit.packed<>>'}}
  %0 = anybit.quantize %x : tensor<4x64xf32> -> tensor<4x64xi4, #anybit.packed<>>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'anybit.quantize' op index is not a code type}}
  %0 = anybit.quantize %x : tensor<4x64xf32> -> tensor<4x64xindex, #anybit.packed<block = [1, 32], scale = f32>>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'anybit.quantize' op float and quantized shapes differ: 'tensor<4x64xf32>' vs 'tensor<4x32xi4, #anybit.packed<block = [1, 32], scale = f16>>'}}
  %0 = anybit.quantize %x : tensor<4x64xf32> -> tensor<4x32xi4, #anybit.packed<block = [1, 32], scale = f16>>
  return
}

// -----

func.func @f(%x: tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>) {
  // expected-error @+1 {{'anybit.dequantize' op the float tensor must be a logical tensor without an encoding, got 'tensor<4x64xf32, #anybit.packed<>>'}}
  %0 = anybit.dequantize %x : tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<4x64xf32, #anybit.packed<>>
  return
}

// -----

func.func @f(%x: tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>) {
  // expected-error @+1 {{'anybit.dequantize' op expected a float tensor, got 'tensor<4x64xi8>'}}
  %0 = anybit.dequantize %x : tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<4x64xi8>
  return
}

// -----

func.func @f(%x: tensor<4x64xi4, #anybit.packed<word = 32>>) {
  // expected-error @+1 {{'anybit.dequantize' op the quantized tensor needs an #anybit.packed encoding with a block shape and a scale, got 'tensor<4x64xi4, #anybit.packed<word = 32>>'}}
  %0 = anybit.dequantize %x : tensor<4x64xi4, #anybit.packed<word = 32>> -> tensor<4x64xf32>
  return
}

// -----

func.func @f(%x: tensor<4x64xindex, #anybit.packed<block = [1, 32], scale = f32>>) {
  // expected-error @+1 {{'anybit.dequantize' op index is not a code type}}
  %0 = anybit.dequantize %x : tensor<4x64xindex, #anybit.packed<block = [1, 32], scale = f32>> -> tensor<4x64xf32>
  return
}

// -----

func.func @f(%x: tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>) {
  // expected-error @+1 {{'anybit.dequantize' op float and quantized shapes differ: 'tensor<64x4xf32>' vs 'tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>'}}
  %0 = anybit.dequantize %x : tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<64x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// anybit.matmul
//===----------------------------------------------------------------------===//

func.func @f(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op operands and result must be 2-D, got 'tensor<2x3x4xf32>', 'tensor<4x5xf32>' -> 'tensor<2x5xf32>'}}
  %0 = anybit.matmul %a, %b {accumulator = f32} : tensor<2x3x4xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op operands and result must be 2-D, got 'tensor<2x4xf32>', 'tensor<4x5xf32>' -> 'tensor<10xf32>'}}
  %0 = anybit.matmul %a, %b {accumulator = f32} : tensor<2x4xf32>, tensor<4x5xf32> -> tensor<10xf32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op contraction sizes differ: lhs has K = 4, rhs has K = 3}}
  %0 = anybit.matmul %a, %b {accumulator = f32} : tensor<2x4xf32>, tensor<3x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op result must be 2x5, got 'tensor<5x2xf32>'}}
  %0 = anybit.matmul %a, %b {accumulator = f32} : tensor<2x4xf32>, tensor<4x5xf32> -> tensor<5x2xf32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op result must be a logical tensor without an encoding, got 'tensor<2x5xf32, #anybit.packed<>>'}}
  %0 = anybit.matmul %a, %b {accumulator = f32} : tensor<2x4xf32>, tensor<4x5xf32> -> tensor<2x5xf32, #anybit.packed<>>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32, "other">, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op operand encoding must be #anybit.packed, got 'tensor<2x4xf32, "other">'}}
  %0 = anybit.matmul %a, %b {accumulator = f32} : tensor<2x4xf32, "other">, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%a: tensor<2x4xi8>, %b: tensor<4x5xi8>) {
  // expected-error @+1 {{'anybit.matmul' op integer accumulator wider than 64 bits: 'i128'}}
  %0 = anybit.matmul %a, %b {accumulator = i128} : tensor<2x4xi8>, tensor<4x5xi8> -> tensor<2x5xi32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x5xi8>) {
  // expected-error @+1 {{'anybit.matmul' op an integer accumulator needs unscaled integer or trit operands, got 'tensor<2x4xf32>'}}
  %0 = anybit.matmul %a, %b {accumulator = i32} : tensor<2x4xf32>, tensor<4x5xi8> -> tensor<2x5xi32>
  return
}

// -----

func.func @f(%a: tensor<2x4xi8>, %b: tensor<4x5xindex>) {
  // expected-error @+1 {{'anybit.matmul' op an integer accumulator needs unscaled integer or trit operands, got 'tensor<4x5xindex>'}}
  %0 = anybit.matmul %a, %b {accumulator = i64} : tensor<2x4xi8>, tensor<4x5xindex> -> tensor<2x5xi64>
  return
}

// -----

func.func @f(%a: tensor<2x64xi8>, %b: tensor<64x5xi3, #anybit.packed<block = [32, 1], scale = f16>>) {
  // expected-error @+1 {{'anybit.matmul' op an integer accumulator needs unscaled integer or trit operands, got 'tensor<64x5xi3, #anybit.packed<block = [32, 1], scale = f16>>'}}
  %0 = anybit.matmul %a, %b {accumulator = i32} : tensor<2x64xi8>, tensor<64x5xi3, #anybit.packed<block = [32, 1], scale = f16>> -> tensor<2x5xi32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op accumulator must be f32, f64 or an integer type, got 'f16'}}
  %0 = anybit.matmul %a, %b {accumulator = f16} : tensor<2x4xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op accumulator must be f32, f64 or an integer type, got 'index'}}
  %0 = anybit.matmul %a, %b {accumulator = index} : tensor<2x4xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op accumulator must be f32, f64 or an integer type, got 'tensor<4xf32>'}}
  %0 = anybit.matmul %a, %b {accumulator = tensor<4xf32>} : tensor<2x4xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op requires attribute 'accumulator'}}
  %0 = anybit.matmul %a, %b : tensor<2x4xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'anybit.matmul' op contraction sizes differ: lhs has K = 4, rhs has K = 5}}
  %0 = anybit.matmul %a, %b {accumulator = f32, transpose_rhs} : tensor<2x4xf32>, tensor<4x5xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @f(%a: tensor<2x4xf32>, %b: tensor<5x4xf32>) {
  // expected-error @+1 {{'anybit.matmul' op result must be 2x5, got 'tensor<2x4xf32>'}}
  %0 = anybit.matmul %a, %b {accumulator = f32, transpose_rhs} : tensor<2x4xf32>, tensor<5x4xf32> -> tensor<2x4xf32>
  return
}
