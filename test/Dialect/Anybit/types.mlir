// RUN: anybit-opt %s | anybit-opt | FileCheck %s
// RUN: anybit-opt %s -mlir-print-op-generic | anybit-opt | FileCheck %s

// Round trip of every spelling of !anybit.float, of builtin integers of
// assorted widths and signedness, and of the builtin small floats that
// Anybit models. Non-canonical spellings print in canonical form: options in
// the order unsigned, fn|ieee, nozero, bias; a bias equal to the default
// 2^(E-1) - 1 is dropped.

// CHECK-LABEL: func.func @float_default
// CHECK-SAME: !anybit.float<e3m2>
// CHECK-SAME: !anybit.float<e2m1>
// CHECK-SAME: !anybit.float<e2m3>
// CHECK-SAME: !anybit.float<e1m0>
// CHECK-SAME: !anybit.float<e8m10>
// CHECK-SAME: !anybit.float<e5m0>
func.func @float_default(%a: !anybit.float<e3m2>, %b: !anybit.float<e2m1>,
                         %c: !anybit.float<e2m3>, %d: !anybit.float<e1m0>,
                         %e: !anybit.float<e8m10>, %f: !anybit.float<e5m0>) {
  return
}

// CHECK-LABEL: func.func @float_fn
// CHECK-SAME: !anybit.float<e4m3, fn>
// CHECK-SAME: !anybit.float<e3m2, fn>
// CHECK-SAME: !anybit.float<e5m0, fn>
func.func @float_fn(%a: !anybit.float<e4m3, fn>, %b: !anybit.float<e3m2, fn>,
                    %c: !anybit.float<e5m0, fn>) {
  return
}

// CHECK-LABEL: func.func @float_ieee
// CHECK-SAME: !anybit.float<e5m2, ieee>
// CHECK-SAME: !anybit.float<e5m10, ieee>
// CHECK-SAME: !anybit.float<e8m7, ieee>
// CHECK-SAME: !anybit.float<e2m1, ieee>
func.func @float_ieee(%a: !anybit.float<e5m2, ieee>,
                      %b: !anybit.float<e5m10, ieee>,
                      %c: !anybit.float<e8m7, ieee>,
                      %d: !anybit.float<e2m1, ieee>) {
  return
}

// CHECK-LABEL: func.func @float_unsigned
// CHECK-SAME: !anybit.float<e5m2, unsigned>
// CHECK-SAME: !anybit.float<e4m3, unsigned, fn>
// CHECK-SAME: !anybit.float<e4m4, unsigned, ieee>
func.func @float_unsigned(%a: !anybit.float<e5m2, unsigned>,
                          %b: !anybit.float<e4m3, unsigned, fn>,
                          %c: !anybit.float<e4m4, unsigned, ieee>) {
  return
}

// CHECK-LABEL: func.func @float_nozero
// CHECK-SAME: !anybit.float<e8m0, unsigned, fn, nozero>
// CHECK-SAME: !anybit.float<e4m0, nozero>
// CHECK-SAME: !anybit.float<e3m0, unsigned, nozero>
func.func @float_nozero(%a: !anybit.float<e8m0, unsigned, fn, nozero>,
                        %b: !anybit.float<e4m0, nozero>,
                        %c: !anybit.float<e3m0, unsigned, nozero>) {
  return
}

// CHECK-LABEL: func.func @float_bias
// CHECK-SAME: !anybit.float<e3m3, bias = 2>
// CHECK-SAME: !anybit.float<e2m1, bias = -1>
// CHECK-SAME: !anybit.float<e4m3, fn, bias = 8>
// CHECK-SAME: !anybit.float<e8m0, unsigned, fn, nozero, bias = 100>
// CHECK-SAME: !anybit.float<e5m2, bias = 0>
// CHECK-SAME: !anybit.float<e3m2, bias = 512>
// CHECK-SAME: !anybit.float<e3m2, bias = -512>
func.func @float_bias(%a: !anybit.float<e3m3, bias = 2>,
                      %b: !anybit.float<e2m1, bias = -1>,
                      %c: !anybit.float<e4m3, fn, bias = 8>,
                      %d: !anybit.float<e8m0, unsigned, fn, nozero, bias = 100>,
                      %e: !anybit.float<e5m2, bias = 0>,
                      %f: !anybit.float<e3m2, bias = 512>,
                      %g: !anybit.float<e3m2, bias = -512>) {
  return
}

// Options in any order and without spaces, and a default bias spelled out,
// print canonically.
// CHECK-LABEL: func.func @float_canonical
// CHECK-SAME: !anybit.float<e3m2>
// CHECK-SAME: !anybit.float<e4m3, fn>
// CHECK-SAME: !anybit.float<e8m0, unsigned, fn, nozero>
// CHECK-SAME: !anybit.float<e4m3, unsigned, fn, bias = 6>
// CHECK-SAME: !anybit.float<e5m2, ieee>
func.func @float_canonical(%a: !anybit.float<e3m2, bias = 3>,
                           %b: !anybit.float<e4m3,fn,bias=7>,
                           %c: !anybit.float<e8m0, nozero, fn, unsigned>,
                           %d: !anybit.float<e4m3, bias = 6, fn, unsigned>,
                           %e: !anybit.float<e5m2 , ieee , bias = 15>) {
  return
}

// Tensors and other containers of !anybit.float.
// CHECK-LABEL: func.func @float_in_tensors
// CHECK-SAME: tensor<8x!anybit.float<e3m2>>
// CHECK-SAME: tensor<2x3x!anybit.float<e2m1>>
// CHECK-SAME: tensor<!anybit.float<e4m3, fn>>
// CHECK-SAME: tensor<?x4x!anybit.float<e8m0, unsigned, fn, nozero>>
// CHECK-SAME: tensor<1x2x3x!anybit.float<e3m3, bias = 2>>
// CHECK-SAME: -> tensor<16x!anybit.float<e5m2, ieee>>
func.func @float_in_tensors(%a: tensor<8x!anybit.float<e3m2>>,
                            %b: tensor<2x3x!anybit.float<e2m1>>,
                            %c: tensor<!anybit.float<e4m3, fn>>,
                            %d: tensor<?x4x!anybit.float<e8m0, unsigned, fn, nozero>>,
                            %e: tensor<1x2x3x!anybit.float<e3m3, bias = 2>>,
                            %f: tensor<16x!anybit.float<e5m2, ieee>>)
    -> tensor<16x!anybit.float<e5m2, ieee>> {
  return %f : tensor<16x!anybit.float<e5m2, ieee>>
}

// Builtin integers of every signedness at assorted widths in 1..64.
// CHECK-LABEL: func.func @builtin_integers
// CHECK-SAME: tensor<4xi1>
// CHECK-SAME: tensor<4xsi1>
// CHECK-SAME: tensor<4xui1>
// CHECK-SAME: tensor<4xi2>
// CHECK-SAME: tensor<4xsi3>
// CHECK-SAME: tensor<4xui3>
// CHECK-SAME: tensor<4xi5>
// CHECK-SAME: tensor<4xui6>
// CHECK-SAME: tensor<4xsi7>
// CHECK-SAME: tensor<4xi12>
// CHECK-SAME: tensor<4xui13>
// CHECK-SAME: tensor<4xi24>
// CHECK-SAME: tensor<4xsi31>
// CHECK-SAME: tensor<4xi33>
// CHECK-SAME: tensor<4xui48>
// CHECK-SAME: tensor<4xsi63>
// CHECK-SAME: tensor<4xi64>
// CHECK-SAME: tensor<4xui64>
// CHECK-SAME: tensor<4xsi64>
func.func @builtin_integers(%a0: tensor<4xi1>, %a1: tensor<4xsi1>,
                            %a2: tensor<4xui1>, %a3: tensor<4xi2>,
                            %a4: tensor<4xsi3>, %a5: tensor<4xui3>,
                            %a6: tensor<4xi5>, %a7: tensor<4xui6>,
                            %a8: tensor<4xsi7>, %a9: tensor<4xi12>,
                            %a10: tensor<4xui13>, %a11: tensor<4xi24>,
                            %a12: tensor<4xsi31>, %a13: tensor<4xi33>,
                            %a14: tensor<4xui48>, %a15: tensor<4xsi63>,
                            %a16: tensor<4xi64>, %a17: tensor<4xui64>,
                            %a18: tensor<4xsi64>) {
  return
}

// The builtin small floats Anybit models.
// CHECK-LABEL: func.func @builtin_small_floats
// CHECK-SAME: tensor<32xf4E2M1FN>
// CHECK-SAME: tensor<32xf6E2M3FN>
// CHECK-SAME: tensor<32xf6E3M2FN>
// CHECK-SAME: tensor<32xf8E4M3FN>
// CHECK-SAME: tensor<32xf8E5M2>
// CHECK-SAME: tensor<1xf8E8M0FNU>
// CHECK-SAME: tensor<2x2xf8E4M3>
// CHECK-SAME: tensor<2x2xf8E3M4>
// CHECK-SAME: tensor<3xf16>
// CHECK-SAME: tensor<3xbf16>
func.func @builtin_small_floats(%a: tensor<32xf4E2M1FN>,
                                %b: tensor<32xf6E2M3FN>,
                                %c: tensor<32xf6E3M2FN>,
                                %d: tensor<32xf8E4M3FN>,
                                %e: tensor<32xf8E5M2>,
                                %f: tensor<1xf8E8M0FNU>,
                                %g: tensor<2x2xf8E4M3>,
                                %h: tensor<2x2xf8E3M4>,
                                %i: tensor<3xf16>,
                                %j: tensor<3xbf16>) {
  return
}

// !anybit.float as the element of a packed tensor, and as a scalar operand
// of anybit.cast.
// CHECK-LABEL: func.func @float_uses
// CHECK: anybit.cast %{{.*}} : !anybit.float<e3m2> to !anybit.float<e2m1, bias = 2>
// CHECK: anybit.cast %{{.*}} : tensor<4x!anybit.float<e2m3>> to tensor<4xf6E2M3FN>
// CHECK: return %{{.*}} : tensor<64x!anybit.float<e3m2>, #anybit.packed<>>
func.func @float_uses(%a: !anybit.float<e3m2>, %b: tensor<4x!anybit.float<e2m3>>,
                      %c: tensor<64x!anybit.float<e3m2>, #anybit.packed<>>)
    -> tensor<64x!anybit.float<e3m2>, #anybit.packed<>> {
  %0 = anybit.cast %a : !anybit.float<e3m2> to !anybit.float<e2m1, bias = 2>
  %1 = anybit.cast %b : tensor<4x!anybit.float<e2m3>> to tensor<4xf6E2M3FN>
  return %c : tensor<64x!anybit.float<e3m2>, #anybit.packed<>>
}
