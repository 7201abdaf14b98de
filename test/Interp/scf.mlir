// Structured control flow and calls on the reference VM.

// RUN: anybit-run %s --entry sum_to --input 10 | FileCheck %s --match-full-lines --check-prefix=FOR
// RUN: anybit-run %s --entry sum_to --input 0 | FileCheck %s --match-full-lines --check-prefix=FOR-ZERO
// RUN: anybit-run %s --entry for_step | FileCheck %s --match-full-lines --check-prefix=STEP
// RUN: anybit-run %s --entry for_i5 | FileCheck %s --match-full-lines --check-prefix=FOR-I5
// RUN: anybit-run %s --entry for_unsigned | FileCheck %s --match-full-lines --check-prefix=FOR-UNSIGNED
// RUN: anybit-run %s --entry nested | FileCheck %s --match-full-lines --check-prefix=NESTED
// RUN: anybit-run %s --entry if_else --input 5 | FileCheck %s --match-full-lines --check-prefix=IF-POS
// RUN: anybit-run %s --entry if_else --input -5 | FileCheck %s --match-full-lines --check-prefix=IF-NEG
// RUN: anybit-run %s --entry if_no_else --input 1 | FileCheck %s --match-full-lines --check-prefix=IF-NOELSE
// RUN: anybit-run %s --entry collatz --input 27 | FileCheck %s --match-full-lines --check-prefix=WHILE
// RUN: anybit-run %s --entry collatz --input 1 | FileCheck %s --match-full-lines --check-prefix=WHILE-ONCE
// RUN: anybit-run %s --entry while_forward | FileCheck %s --match-full-lines --check-prefix=WHILE-FWD
// RUN: anybit-run %s --entry calls --input 6 | FileCheck %s --match-full-lines --check-prefix=CALL
// RUN: anybit-run %s --entry fib --input 20 | FileCheck %s --match-full-lines --check-prefix=FIB
// RUN: anybit-run %s --entry execute_region | FileCheck %s --match-full-lines --check-prefix=EXEC
// RUN: anybit-run %s --entry nothing | FileCheck %s --match-full-lines --check-prefix=NOTHING --allow-empty

// 0 + 1 + ... + 9 = 45, in i7 wrapping is not reached; the second result
// sums in i5: 45 = 13 mod 32.
// FOR: result0: i7 = 45
// FOR-NEXT: result1: i5 = 13
// FOR-ZERO: result0: i7 = 0
// FOR-ZERO-NEXT: result1: i5 = 0
func.func @sum_to(%n: index) -> (i7, i5) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z7 = arith.constant 0 : i7
  %z5 = arith.constant 0 : i5
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%a = %z7, %b = %z5) -> (i7, i5) {
    %x7 = arith.index_cast %i : index to i7
    %x5 = arith.index_cast %i : index to i5
    %a2 = arith.addi %a, %x7 : i7
    %b2 = arith.addi %b, %x5 : i5
    scf.yield %a2, %b2 : i7, i5
  }
  return %r#0, %r#1 : i7, i5
}

// Steps that do not divide the range: 3, 7, 11, 15 (from 3 below 17 by 4).
// STEP: result0: tensor<4xindex> = [3, 7, 11, 15]
// STEP-NEXT: result1: index = 4
func.func @for_step() -> (tensor<4xindex>, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c17 = arith.constant 17 : index
  %init = tensor.empty() : tensor<4xindex>
  %r:3 = scf.for %i = %c3 to %c17 step %c4 iter_args(%t = %init, %k = %c0, %n = %c0)
      -> (tensor<4xindex>, index, index) {
    %t2 = tensor.insert %i into %t[%k] : tensor<4xindex>
    %k2 = arith.addi %k, %c1 : index
    scf.yield %t2, %k2, %k2 : tensor<4xindex>, index, index
  }
  return %r#0, %r#2 : tensor<4xindex>, index
}

// An i5 induction variable from -16 to 15 (signed comparison): 31 trips
// whose sum, -31, wraps to 1.
// FOR-I5: result0: i5 = 1
// FOR-I5-NEXT: result1: i32 = 31
func.func @for_i5() -> (i5, i32) {
  %lb = arith.constant -16 : i5
  %ub = arith.constant 15 : i5
  %step = arith.constant 1 : i5
  %z = arith.constant 0 : i5
  %zc = arith.constant 0 : i32
  %one = arith.constant 1 : i32
  %r:2 = scf.for %i = %lb to %ub step %step iter_args(%s = %z, %c = %zc) -> (i5, i32) : i5 {
    %s2 = arith.addi %s, %i : i5
    %c2 = arith.addi %c, %one : i32
    scf.yield %s2, %c2 : i5, i32
  }
  return %r#0, %r#1 : i5, i32
}

// With unsigned comparison, -6 is 10 and -2 is 14 in i4, so the loop runs
// for 10 and 12: 2 trips, whose sum 22 wraps to 6.
// FOR-UNSIGNED: result0: i4 = 2
// FOR-UNSIGNED-NEXT: result1: i4 = 6
func.func @for_unsigned() -> (i4, i4) {
  %lb = arith.constant -6 : i4
  %ub = arith.constant -2 : i4
  %step = arith.constant 2 : i4
  %z = arith.constant 0 : i4
  %one = arith.constant 1 : i4
  %r:2 = scf.for unsigned %i = %lb to %ub step %step iter_args(%n = %z, %s = %z) -> (i4, i4) : i4 {
    %n2 = arith.addi %n, %one : i4
    %s2 = arith.addi %s, %i : i4
    scf.yield %n2, %s2 : i4, i4
  }
  return %r#0, %r#1 : i4, i4
}

// A 3x4 table t[i][j] = 10 * i + j built by nested loops.
// NESTED: result0: tensor<3x4xi32> = {{\[\[}}0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23]]
func.func @nested() -> tensor<3x4xi32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c10 = arith.constant 10 : i32
  %init = tensor.empty() : tensor<3x4xi32>
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%t = %init) -> tensor<3x4xi32> {
    %r2 = scf.for %j = %c0 to %c4 step %c1 iter_args(%u = %t) -> tensor<3x4xi32> {
      %ii = arith.index_cast %i : index to i32
      %jj = arith.index_cast %j : index to i32
      %a = arith.muli %ii, %c10 : i32
      %v = arith.addi %a, %jj : i32
      %u2 = tensor.insert %v into %u[%i, %j] : tensor<3x4xi32>
      scf.yield %u2 : tensor<3x4xi32>
    }
    scf.yield %r2 : tensor<3x4xi32>
  }
  return %r : tensor<3x4xi32>
}

// IF-POS: result0: i6 = 10
// IF-POS-NEXT: result1: f32 = 1
// IF-NEG: result0: i6 = 5
// IF-NEG-NEXT: result1: f32 = -1
func.func @if_else(%x: i6) -> (i6, f32) {
  %zero = arith.constant 0 : i6
  %pos = arith.cmpi sgt, %x, %zero : i6
  %r:2 = scf.if %pos -> (i6, f32) {
    %d = arith.addi %x, %x : i6
    %one = arith.constant 1.0 : f32
    scf.yield %d, %one : i6, f32
  } else {
    %n = arith.subi %zero, %x : i6
    %m = arith.constant -1.0 : f32
    scf.yield %n, %m : i6, f32
  }
  return %r#0, %r#1 : i6, f32
}

// An scf.if without results and without an else region.
// IF-NOELSE: result0: i1 = 1
func.func @if_no_else(%c: i1) -> i1 {
  scf.if %c {
    %unused = arith.constant 1 : i8
  }
  return %c : i1
}

// Collatz steps of 27: 111 steps, peak 9232.
// WHILE: result0: i32 = 111
// WHILE-NEXT: result1: i32 = 9232
// WHILE-ONCE: result0: i32 = 0
// WHILE-ONCE-NEXT: result1: i32 = 1
func.func @collatz(%n: i32) -> (i32, i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c3 = arith.constant 3 : i32
  %r:3 = scf.while (%x = %n, %steps = %c0, %peak = %n) : (i32, i32, i32) -> (i32, i32, i32) {
    %more = arith.cmpi ne, %x, %c1 : i32
    scf.condition(%more) %x, %steps, %peak : i32, i32, i32
  } do {
  ^bb0(%x: i32, %steps: i32, %peak: i32):
    %rem = arith.remui %x, %c2 : i32
    %odd = arith.cmpi eq, %rem, %c1 : i32
    %next = scf.if %odd -> i32 {
      %t = arith.muli %x, %c3 : i32
      %u = arith.addi %t, %c1 : i32
      scf.yield %u : i32
    } else {
      %h = arith.divui %x, %c2 : i32
      scf.yield %h : i32
    }
    %s = arith.addi %steps, %c1 : i32
    %p = arith.maxsi %peak, %next : i32
    scf.yield %next, %s, %p : i32, i32, i32
  }
  return %r#1, %r#2 : i32, i32
}

// The before region may forward values of other types than it receives.
// Doubling 3 (in i8) until it exceeds 50: 3, 6, 12, 24, 48, 96; the result
// is 96 and the forwarded f32 is its half.
// WHILE-FWD: result0: i8 = 96
// WHILE-FWD-NEXT: result1: f32 = 48
func.func @while_forward() -> (i8, f32) {
  %c3 = arith.constant 3 : i8
  %c50 = arith.constant 50 : i8
  %c2 = arith.constant 2 : i8
  %r:2 = scf.while (%x = %c3) : (i8) -> (i8, f32) {
    %f = arith.sitofp %x : i8 to f32
    %half = arith.constant 0.5 : f32
    %h = arith.mulf %f, %half : f32
    %small = arith.cmpi sle, %x, %c50 : i8
    scf.condition(%small) %x, %h : i8, f32
  } do {
  ^bb0(%x: i8, %h: f32):
    %d = arith.muli %x, %c2 : i8
    scf.yield %d : i8
  }
  return %r#0, %r#1 : i8, f32
}

func.func private @square(%x: i16) -> i16 {
  %0 = arith.muli %x, %x : i16
  return %0 : i16
}

func.func private @fact(%n: i64) -> i64 {
  %c1 = arith.constant 1 : i64
  %done = arith.cmpi sle, %n, %c1 : i64
  %r = scf.if %done -> i64 {
    scf.yield %c1 : i64
  } else {
    %m = arith.subi %n, %c1 : i64
    %f = func.call @fact(%m) : (i64) -> i64
    %p = arith.muli %n, %f : i64
    scf.yield %p : i64
  }
  return %r : i64
}

func.func private @divmod(%a: i16, %b: i16) -> (i16, i16) {
  %q = arith.divsi %a, %b : i16
  %r = arith.remsi %a, %b : i16
  return %q, %r : i16, i16
}

// 6^2 = 36; 6! = 720; 36 divmod 5 = 7, 1; 720^2 = 518400 = 59648 mod 65536,
// which is -5888 as an i16.
// CALL: result0: i16 = 36
// CALL-NEXT: result1: i64 = 720
// CALL-NEXT: result2: i16 = 7
// CALL-NEXT: result3: i16 = 1
// CALL-NEXT: result4: i16 = -5888
func.func @calls(%x: i16) -> (i16, i64, i16, i16, i16) {
  %sq = func.call @square(%x) : (i16) -> i16
  %wide = arith.extsi %x : i16 to i64
  %f = func.call @fact(%wide) : (i64) -> i64
  %five = arith.constant 5 : i16
  %qr:2 = func.call @divmod(%sq, %five) : (i16, i16) -> (i16, i16)
  %f16 = arith.trunci %f : i64 to i16
  %big = func.call @square(%f16) : (i16) -> i16
  return %sq, %f, %qr#0, %qr#1, %big : i16, i64, i16, i16, i16
}

// Doubly recursive: fib(20) = 6765.
// FIB: result0: i32 = 6765
func.func @fib(%n: i32) -> i32 {
  %c2 = arith.constant 2 : i32
  %c1 = arith.constant 1 : i32
  %small = arith.cmpi slt, %n, %c2 : i32
  %r = scf.if %small -> i32 {
    scf.yield %n : i32
  } else {
    %a = arith.subi %n, %c1 : i32
    %b = arith.subi %n, %c2 : i32
    %fa = func.call @fib(%a) : (i32) -> i32
    %fb = func.call @fib(%b) : (i32) -> i32
    %s = arith.addi %fa, %fb : i32
    scf.yield %s : i32
  }
  return %r : i32
}

// EXEC: result0: i8 = 42
func.func @execute_region() -> i8 {
  %r = scf.execute_region -> i8 {
    %c = arith.constant 42 : i8
    scf.yield %c : i8
  }
  return %r : i8
}

// A function without results prints nothing.
// NOTHING-NOT: result
func.func @nothing() {
  return
}
