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
                           %c: !anybit.float<nozero_is_not_first_e8m0_hack_placeholder>) {
  return
}
