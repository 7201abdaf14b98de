// anybit.pack / anybit.unpack on the reference VM. A packed tensor prints
// as its bytes: the data plane (element i of an n-bit type at bits
// [i*n, (i+1)*n), LSB first, rounded up to a whole container word), then
// the scale plane and the zero-point plane.
// Expected bytes were computed independently with Python.

// RUN: anybit-run %s --entry i3_dense --input 'dense<[1, 2, 3, -1, -4, 0, -3, 2]>' | FileCheck %s --match-full-lines --check-prefix=I3
// RUN: anybit-run %s --entry i3_words --input 'dense<[1, 2, 3, -1, -4, 0, -3, 2, 1, 1, 3, -2]>' | FileCheck %s --match-full-lines --check-prefix=I3-WORDS
// RUN: anybit-run %s --entry i3_planes --input 'dense<[1, 2, 3, -1, -4, 0, -3, 2]>' | FileCheck %s --match-full-lines --check-prefix=I3-PLANES
// RUN: anybit-run %s --entry i5 --input 'dense<[1, -1, 15, -16, 7, 10, 3, -3]>' | FileCheck %s --match-full-lines --check-prefix=I5
// RUN: anybit-run %s --entry other_widths | FileCheck %s --match-full-lines --check-prefix=WIDTHS
// RUN: anybit-run %s --entry floats | FileCheck %s --match-full-lines --check-prefix=FLOATS
// RUN: anybit-run %s --entry scales | FileCheck %s --match-full-lines --check-prefix=SCALES
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([0xd1, 0x4e, 0x54], dtype=np.uint8))"
// RUN: anybit-run %s --entry unpack_npy --input %t.npy | FileCheck %s --match-full-lines --check-prefix=UNPACK-NPY

// 1, 2, 3, 7, 4, 0, 5, 2 in 3-bit fields: 0x544ED1.
// I3: result0: tensor<8xi3, #anybit.packed<>> = bytes[d1 4e 54]
// I3-NEXT: result1: tensor<8xi3> = [1, 2, 3, -1, -4, 0, -3, 2]
// I3-NEXT: result2: tensor<2x4xi3, #anybit.packed<>> = bytes[d1 4e 54]
func.func @i3_dense(%x: tensor<8xi3>) -> (tensor<8xi3, #anybit.packed<>>, tensor<8xi3>,
                                          tensor<2x4xi3, #anybit.packed<>>) {
  %p = anybit.pack %x : tensor<8xi3> -> tensor<8xi3, #anybit.packed<>>
  %u = anybit.unpack %p : tensor<8xi3, #anybit.packed<>> -> tensor<8xi3>
  // Row-major: the same bytes for any shape with the same elements.
  %m = tensor.expand_shape %x [[0, 1]] output_shape [2, 4] : tensor<8xi3> into tensor<2x4xi3>
  %q = anybit.pack %m : tensor<2x4xi3> -> tensor<2x4xi3, #anybit.packed<>>
  return %p, %u, %q : tensor<8xi3, #anybit.packed<>>, tensor<8xi3>,
                      tensor<2x4xi3, #anybit.packed<>>
}

// Bit planes [2, 1]: the low two bits of the codes 1, 2, 3, 7, 4, 0, 5, 2
// (01 10 11 11 00 00 01 10: 0xf9 0x90), then their high bits (0 0 0 1 1 0
// 1 0: 0x58).
// I3-PLANES: result0: tensor<8xi3, #anybit.packed<bit_planes = [2, 1]>> = bytes[f9 90 58]
// I3-PLANES-NEXT: result1: tensor<8xi3> = [1, 2, 3, -1, -4, 0, -3, 2]
func.func @i3_planes(%x: tensor<8xi3>)
    -> (tensor<8xi3, #anybit.packed<bit_planes = [2, 1]>>, tensor<8xi3>) {
  %p = anybit.pack %x : tensor<8xi3> -> tensor<8xi3, #anybit.packed<bit_planes = [2, 1]>>
  %u = anybit.unpack %p : tensor<8xi3, #anybit.packed<bit_planes = [2, 1]>> -> tensor<8xi3>
  return %p, %u : tensor<8xi3, #anybit.packed<bit_planes = [2, 1]>>, tensor<8xi3>
}

// 12 elements of 3 bits: densely 36 bits, 5 bytes rounded up to 6 for
// 16-bit words; with 32-bit words and no straddling, 10 elements per word
// (bits 30 and 31 are padding), so 2 words.
// I3-WORDS: result0: tensor<12xi3, #anybit.packed<word = 16>> = bytes[d1 4e 54 c9 0c 00]
// I3-WORDS-NEXT: result1: tensor<12xi3, #anybit.packed<word = 32, straddle = false>> = bytes[d1 4e 54 09 33 00 00 00]
// I3-WORDS-NEXT: result2: tensor<12xi3> = [1, 2, 3, -1, -4, 0, -3, 2, 1, 1, 3, -2]
// I3-WORDS-NEXT: result3: tensor<12xi3> = [1, 2, 3, -1, -4, 0, -3, 2, 1, 1, 3, -2]
func.func @i3_words(%x: tensor<12xi3>)
    -> (tensor<12xi3, #anybit.packed<word = 16>>,
        tensor<12xi3, #anybit.packed<word = 32, straddle = false>>,
        tensor<12xi3>, tensor<12xi3>) {
  %a = anybit.pack %x : tensor<12xi3> -> tensor<12xi3, #anybit.packed<word = 16>>
  %b = anybit.pack %x : tensor<12xi3>
         -> tensor<12xi3, #anybit.packed<word = 32, straddle = false>>
  %ua = anybit.unpack %a : tensor<12xi3, #anybit.packed<word = 16>> -> tensor<12xi3>
  %ub = anybit.unpack %b : tensor<12xi3, #anybit.packed<word = 32, straddle = false>>
          -> tensor<12xi3>
  return %a, %b, %ua, %ub
      : tensor<12xi3, #anybit.packed<word = 16>>,
        tensor<12xi3, #anybit.packed<word = 32, straddle = false>>,
        tensor<12xi3>, tensor<12xi3>
}

// i5: densely 40 bits in 5 bytes; with 32-bit words 6 elements per word;
// with 8-bit words one element per byte.
// I5: result0: tensor<8xi5, #anybit.packed<>> = bytes[e1 3f 78 d4 e8]
// I5-NEXT: result1: tensor<8xi5, #anybit.packed<word = 32, straddle = false>> = bytes[e1 3f 78 14 a3 03 00 00]
// I5-NEXT: result2: tensor<8xi5, #anybit.packed<straddle = false>> = bytes[01 1f 0f 10 07 0a 03 1d]
// I5-NEXT: result3: tensor<8xi5> = [1, -1, 15, -16, 7, 10, 3, -3]
// I5-NEXT: result4: tensor<8xi5> = [1, -1, 15, -16, 7, 10, 3, -3]
func.func @i5(%x: tensor<8xi5>)
    -> (tensor<8xi5, #anybit.packed<>>,
        tensor<8xi5, #anybit.packed<word = 32, straddle = false>>,
        tensor<8xi5, #anybit.packed<straddle = false>>,
        tensor<8xi5>, tensor<8xi5>) {
  %a = anybit.pack %x : tensor<8xi5> -> tensor<8xi5, #anybit.packed<>>
  %b = anybit.pack %x : tensor<8xi5>
         -> tensor<8xi5, #anybit.packed<word = 32, straddle = false>>
  %c = anybit.pack %x : tensor<8xi5> -> tensor<8xi5, #anybit.packed<straddle = false>>
  %ub = anybit.unpack %b : tensor<8xi5, #anybit.packed<word = 32, straddle = false>>
          -> tensor<8xi5>
  %uc = anybit.unpack %c : tensor<8xi5, #anybit.packed<straddle = false>> -> tensor<8xi5>
  return %a, %b, %c, %ub, %uc
      : tensor<8xi5, #anybit.packed<>>,
        tensor<8xi5, #anybit.packed<word = 32, straddle = false>>,
        tensor<8xi5, #anybit.packed<straddle = false>>,
        tensor<8xi5>, tensor<8xi5>
}

// i1 (1, 0, 1, 1, 0, 0, 1 = 0x4D) in a byte and in a 64-bit word; i64
// little-endian; i33 straddling bytes (-1, 5, 2^32: 99 bits in 13 bytes);
// ui7 with two elements per 16-bit word.
// WIDTHS: result0: tensor<7xi1, #anybit.packed<>> = bytes[4d]
// WIDTHS-NEXT: result1: tensor<7xi1, #anybit.packed<word = 64>> = bytes[4d 00 00 00 00 00 00 00]
// WIDTHS-NEXT: result2: tensor<2xi64, #anybit.packed<>> = bytes[fe ff ff ff ff ff ff ff 00 00 00 00 00 01 00 00]
// WIDTHS-NEXT: result3: tensor<3xi33, #anybit.packed<>> = bytes[ff ff ff ff 0b 00 00 00 00 00 00 00 04]
// WIDTHS-NEXT: result4: tensor<3xi33> = [-1, 5, -4294967296]
// WIDTHS-NEXT: result5: tensor<3xui7, #anybit.packed<word = 16, straddle = false>> = bytes[ff 00 02 00]
func.func @other_widths()
    -> (tensor<7xi1, #anybit.packed<>>, tensor<7xi1, #anybit.packed<word = 64>>,
        tensor<2xi64, #anybit.packed<>>, tensor<3xi33, #anybit.packed<>>, tensor<3xi33>,
        tensor<3xui7, #anybit.packed<word = 16, straddle = false>>) {
  %b = arith.constant dense<[true, false, true, true, false, false, true]> : tensor<7xi1>
  %0 = anybit.pack %b : tensor<7xi1> -> tensor<7xi1, #anybit.packed<>>
  %1 = anybit.pack %b : tensor<7xi1> -> tensor<7xi1, #anybit.packed<word = 64>>
  %w = arith.constant dense<[-2, 1099511627776]> : tensor<2xi64>
  %2 = anybit.pack %w : tensor<2xi64> -> tensor<2xi64, #anybit.packed<>>
  // 2^32 is -2^32 in i33.
  %m = arith.constant dense<[-1, 5, 4294967296]> : tensor<3xi33>
  %3 = anybit.pack %m : tensor<3xi33> -> tensor<3xi33, #anybit.packed<>>
  %4 = anybit.unpack %3 : tensor<3xi33, #anybit.packed<>> -> tensor<3xi33>
  %s = arith.constant dense<[127, 1, 2]> : tensor<3xi7>
  %u = anybit.cast %s : tensor<3xi7> to tensor<3xui7>
  %5 = anybit.pack %u : tensor<3xui7> -> tensor<3xui7, #anybit.packed<word = 16, straddle = false>>
  return %0, %1, %2, %3, %4, %5
      : tensor<7xi1, #anybit.packed<>>, tensor<7xi1, #anybit.packed<word = 64>>,
        tensor<2xi64, #anybit.packed<>>, tensor<3xi33, #anybit.packed<>>, tensor<3xi33>,
        tensor<3xui7, #anybit.packed<word = 16, straddle = false>>
}

// Floats pack their bit patterns: e2m1 1.0 = 0x2, -0.5 = 0x9, 6 = 0x7,
// 0 = 0x0 (two per byte, low nibble first); f16 1.0 = 0x3C00, -2 = 0xC000.
// FLOATS: result0: tensor<4xf4E2M1FN, #anybit.packed<>> = bytes[92 07]
// FLOATS-NEXT: result1: tensor<2xf16, #anybit.packed<>> = bytes[00 3c 00 c0]
// FLOATS-NEXT: result2: tensor<4xf4E2M1FN> = [1, -0.5, 6, 0]
func.func @floats() -> (tensor<4xf4E2M1FN, #anybit.packed<>>, tensor<2xf16, #anybit.packed<>>,
                        tensor<4xf4E2M1FN>) {
  %x = arith.constant dense<[1.0, -0.5, 6.0, 0.0]> : tensor<4xf32>
  %e = anybit.cast %x : tensor<4xf32> to tensor<4xf4E2M1FN>
  %0 = anybit.pack %e : tensor<4xf4E2M1FN> -> tensor<4xf4E2M1FN, #anybit.packed<>>
  %h = arith.constant dense<[1.0, -2.0]> : tensor<2xf16>
  %1 = anybit.pack %h : tensor<2xf16> -> tensor<2xf16, #anybit.packed<>>
  %2 = anybit.unpack %0 : tensor<4xf4E2M1FN, #anybit.packed<>> -> tensor<4xf4E2M1FN>
  return %0, %1, %2 : tensor<4xf4E2M1FN, #anybit.packed<>>, tensor<2xf16, #anybit.packed<>>,
                      tensor<4xf4E2M1FN>
}

// With blocks, the scales follow the data: a 4x2 i3 tensor with [2, 1]
// blocks has a 2x2 grid of f16 scales (0.5 = 0x3800, 2 = 0x4000,
// -1 = 0xBC00, 0.25 = 0x3400); e8m0 scales take a byte each (2^-1 = 0x7E,
// 2^3 = 0x82).
// SCALES: result0: tensor<4x2xi3, #anybit.packed<block = [2, 1], scale = f16>> = bytes[d1 4e 54 00 38 00 40 00 bc 00 34]
// SCALES-NEXT: result1: tensor<4x2xi3> = {{\[\[}}1, 2], [3, -1], [-4, 0], [-3, 2]]
// SCALES-NEXT: result2: tensor<2x2xf16> = {{\[\[}}0.5, 2], [-1, 0.25]]
// SCALES-NEXT: result3: tensor<1x8xi3, #anybit.packed<word = 16, block = [1, 4], scale = f8E8M0FNU>> = bytes[d1 4e 54 00 7e 82]
func.func @scales()
    -> (tensor<4x2xi3, #anybit.packed<block = [2, 1], scale = f16>>,
        tensor<4x2xi3>, tensor<2x2xf16>,
        tensor<1x8xi3, #anybit.packed<word = 16, block = [1, 4], scale = f8E8M0FNU>>) {
  %x = arith.constant dense<[[1, 2], [3, -1], [-4, 0], [-3, 2]]> : tensor<4x2xi3>
  %s = arith.constant dense<[[0.5, 2.0], [-1.0, 0.25]]> : tensor<2x2xf16>
  %p = anybit.pack %x scales(%s) : tensor<4x2xi3>, tensor<2x2xf16>
         -> tensor<4x2xi3, #anybit.packed<block = [2, 1], scale = f16>>
  %u:2 = anybit.unpack %p : tensor<4x2xi3, #anybit.packed<block = [2, 1], scale = f16>>
           -> tensor<4x2xi3>, tensor<2x2xf16>
  %r = tensor.collapse_shape %x [[0, 1]] : tensor<4x2xi3> into tensor<8xi3>
  %r2 = tensor.expand_shape %r [[0, 1]] output_shape [1, 8] : tensor<8xi3> into tensor<1x8xi3>
  %f = arith.constant dense<[[0.5, 8.0]]> : tensor<1x2xf32>
  %e = anybit.cast %f : tensor<1x2xf32> to tensor<1x2xf8E8M0FNU>
  %q = anybit.pack %r2 scales(%e) : tensor<1x8xi3>, tensor<1x2xf8E8M0FNU>
         -> tensor<1x8xi3, #anybit.packed<word = 16, block = [1, 4], scale = f8E8M0FNU>>
  return %p, %u#0, %u#1, %q
      : tensor<4x2xi3, #anybit.packed<block = [2, 1], scale = f16>>,
        tensor<4x2xi3>, tensor<2x2xf16>,
        tensor<1x8xi3, #anybit.packed<word = 16, block = [1, 4], scale = f8E8M0FNU>>
}

// A packed argument travels as a 1-D uint8 array of its bytes.
// UNPACK-NPY: result0: tensor<8xi3> = [1, 2, 3, -1, -4, 0, -3, 2]
func.func @unpack_npy(%p: tensor<8xi3, #anybit.packed<>>) -> tensor<8xi3> {
  %u = anybit.unpack %p : tensor<8xi3, #anybit.packed<>> -> tensor<8xi3>
  return %u : tensor<8xi3>
}
