// Undefined behaviour and unsupported IR are reported by the reference VM
// as errors at the offending op, and anybit-run exits with status 1.

// RUN: not anybit-run %s --entry divsi_zero 2>&1 | FileCheck %s --check-prefix=DIVSI-ZERO
// RUN: not anybit-run %s --entry divui_zero 2>&1 | FileCheck %s --check-prefix=DIVUI-ZERO
// RUN: not anybit-run %s --entry remsi_zero 2>&1 | FileCheck %s --check-prefix=REMSI-ZERO
// RUN: not anybit-run %s --entry ceildiv_zero --input 'dense<[1, 2, 3]>' --input 'dense<[1, 0, 1]>' 2>&1 | FileCheck %s --check-prefix=CEILDIV-ZERO
// RUN: not anybit-run %s --entry div_overflow 2>&1 | FileCheck %s --check-prefix=DIV-OVERFLOW
// RUN: not anybit-run %s --entry floordiv_overflow 2>&1 | FileCheck %s --check-prefix=FLOORDIV-OVERFLOW
// RUN: not anybit-run %s --entry shift --input 7 2>&1 | FileCheck %s --check-prefix=SHIFT-WIDE
// RUN: not anybit-run %s --entry shift --input -1 2>&1 | FileCheck %s --check-prefix=SHIFT-WIDE
// RUN: not anybit-run %s --entry shrsi_wide 2>&1 | FileCheck %s --check-prefix=SHRSI-WIDE
// RUN: not anybit-run %s --entry fptosi_range --input 128.0 2>&1 | FileCheck %s --check-prefix=FPTOSI
// RUN: not anybit-run %s --entry fptosi_range --input -129.0 2>&1 | FileCheck %s --check-prefix=FPTOSI
// RUN: not anybit-run %s --entry fptoui_negative 2>&1 | FileCheck %s --check-prefix=FPTOUI
// RUN: not anybit-run %s --entry fptosi_nan 2>&1 | FileCheck %s --check-prefix=FPTOSI-NAN
// RUN: not anybit-run %s --entry extract_oob --input 3 2>&1 | FileCheck %s --check-prefix=EXTRACT-OOB
// RUN: not anybit-run %s --entry extract_oob --input -1 2>&1 | FileCheck %s --check-prefix=EXTRACT-NEG
// RUN: not anybit-run %s --entry insert_oob 2>&1 | FileCheck %s --check-prefix=INSERT-OOB
// RUN: not anybit-run %s --entry slice_oob --input 2 2>&1 | FileCheck %s --check-prefix=SLICE-OOB
// RUN: not anybit-run %s --entry insert_slice_oob --input 3 2>&1 | FileCheck %s --check-prefix=INSERT-SLICE-OOB
// RUN: not anybit-run %s --entry dim_oob 2>&1 | FileCheck %s --check-prefix=DIM-OOB
// RUN: not anybit-run %s --entry for_step --input 0 2>&1 | FileCheck %s --check-prefix=FOR-STEP
// RUN: not anybit-run %s --entry for_step --input -2 2>&1 | FileCheck %s --check-prefix=FOR-NEG-STEP
// RUN: not anybit-run %s --entry error_in_loop 2>&1 | FileCheck %s --check-prefix=IN-LOOP
// RUN: %python -c "import numpy as np; np.save('%t.inf.npy', np.array([1.0, np.inf, 2.0, 3.0], dtype=np.float32))"
// RUN: not anybit-run %s --entry quantize_inf --input %t.inf.npy 2>&1 | FileCheck %s --check-prefix=QUANTIZE-INF
// RUN: not anybit-run %s --entry quantize_scale 2>&1 | FileCheck %s --check-prefix=QUANTIZE-SCALE
// RUN: not anybit-run %s --entry recurse --input 0 2>&1 | FileCheck %s --check-prefix=RECURSE
// RUN: not anybit-run %s --entry call_external 2>&1 | FileCheck %s --check-prefix=EXTERNAL
// RUN: not anybit-run %s --entry two_blocks 2>&1 | FileCheck %s --check-prefix=BLOCKS
// RUN: not anybit-run %s --entry no_handler 2>&1 | FileCheck %s --check-prefix=NO-HANDLER
// RUN: not anybit-run %s --entry affine_parallel 2>&1 | FileCheck %s --check-prefix=AFFINE-PARALLEL
// RUN: not anybit-run %s --entry affine_mod --input 0 2>&1 | FileCheck %s --check-prefix=AFFINE-MOD
// RUN: not anybit-run %s --entry pad_sizes --input 2 2>&1 | FileCheck %s --check-prefix=PAD-SIZES
// RUN: not anybit-run %s --entry forall_step --input 0 2>&1 | FileCheck %s --check-prefix=FORALL-STEP
// RUN: not anybit-run %s --entry slice_packed 2>&1 | FileCheck %s --check-prefix=SLICE-PACKED
// RUN: not anybit-run %s --entry dynamic_empty --input 3 2>&1 | FileCheck %s --check-prefix=DYNAMIC

func.func @divsi_zero() -> i5 {
  %a = arith.constant 7 : i5
  %z = arith.constant 0 : i5
  // DIVSI-ZERO: errors.mlir:[[@LINE+1]]:8: error: division by zero
  %0 = arith.divsi %a, %z : i5
  return %0 : i5
}

func.func @divui_zero() -> i33 {
  %a = arith.constant 7 : i33
  %z = arith.constant 0 : i33
  // DIVUI-ZERO: errors.mlir:[[@LINE+1]]:8: error: division by zero
  %0 = arith.divui %a, %z : i33
  return %0 : i33
}

func.func @remsi_zero() -> i64 {
  %a = arith.constant 7 : i64
  %z = arith.constant 0 : i64
  // REMSI-ZERO: errors.mlir:[[@LINE+1]]:8: error: division by zero
  %0 = arith.remsi %a, %z : i64
  return %0 : i64
}

// A zero anywhere in a tensor divisor is reported.
func.func @ceildiv_zero(%a: tensor<3xi7>, %b: tensor<3xi7>) -> tensor<3xi7> {
  // CEILDIV-ZERO: errors.mlir:[[@LINE+1]]:8: error: division by zero
  %0 = arith.ceildivsi %a, %b : tensor<3xi7>
  return %0 : tensor<3xi7>
}

// INT_MIN / -1 overflows (INT_MIN rem -1 does not: see arith-int.mlir).
func.func @div_overflow() -> i5 {
  %a = arith.constant -16 : i5
  %b = arith.constant -1 : i5
  // DIV-OVERFLOW: errors.mlir:[[@LINE+1]]:8: error: signed division overflow
  %0 = arith.divsi %a, %b : i5
  return %0 : i5
}

func.func @floordiv_overflow() -> i64 {
  %a = arith.constant -9223372036854775808 : i64
  %b = arith.constant -1 : i64
  // FLOORDIV-OVERFLOW: errors.mlir:[[@LINE+1]]:8: error: signed division overflow
  %0 = arith.floordivsi %a, %b : i64
  return %0 : i64
}

// Shifting an i7 by 7 or more (-1 is 127 unsigned) is poison.
func.func @shift(%n: i7) -> i7 {
  %a = arith.constant 1 : i7
  // SHIFT-WIDE: errors.mlir:[[@LINE+1]]:8: error: shift amount is not smaller than the bit width (poison)
  %0 = arith.shli %a, %n : i7
  return %0 : i7
}

func.func @shrsi_wide() -> i3 {
  %a = arith.constant -1 : i3
  %n = arith.constant 3 : i3
  // SHRSI-WIDE: errors.mlir:[[@LINE+1]]:8: error: shift amount is not smaller than the bit width (poison)
  %0 = arith.shrsi %a, %n : i3
  return %0 : i3
}

func.func @fptosi_range(%x: f32) -> i8 {
  // FPTOSI: errors.mlir:[[@LINE+1]]:8: error: float to integer conversion out of range (poison)
  %0 = arith.fptosi %x : f32 to i8
  return %0 : i8
}

func.func @fptoui_negative() -> i8 {
  %x = arith.constant -1.0 : bf16
  // FPTOUI: errors.mlir:[[@LINE+1]]:8: error: float to integer conversion out of range (poison)
  %0 = arith.fptoui %x : bf16 to i8
  return %0 : i8
}

func.func @fptosi_nan() -> i32 {
  %x = arith.constant 0x7E00 : f16
  // FPTOSI-NAN: errors.mlir:[[@LINE+1]]:8: error: float to integer conversion out of range (poison)
  %0 = arith.fptosi %x : f16 to i32
  return %0 : i32
}

func.func @extract_oob(%i: index) -> i8 {
  %t = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %c1 = arith.constant 1 : index
  // EXTRACT-OOB: errors.mlir:[[@LINE+2]]:8: error: index 3 is out of bounds for dimension 1 of size 3
  // EXTRACT-NEG: errors.mlir:[[@LINE+1]]:8: error: index -1 is out of bounds for dimension 1 of size 3
  %0 = tensor.extract %t[%c1, %i] : tensor<2x3xi8>
  return %0 : i8
}

func.func @insert_oob() -> tensor<2x3xi8> {
  %t = arith.constant dense<0> : tensor<2x3xi8>
  %c2 = arith.constant 2 : index
  %c0 = arith.constant 0 : index
  %v = arith.constant 1 : i8
  // INSERT-OOB: errors.mlir:[[@LINE+1]]:8: error: index 2 is out of bounds for dimension 0 of size 2
  %0 = tensor.insert %v into %t[%c2, %c0] : tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// Columns 2, 3, 4 of a 4-column tensor.
func.func @slice_oob(%o: index) -> tensor<2x3xi8> {
  %t = arith.constant dense<0> : tensor<2x4xi8>
  // SLICE-OOB: errors.mlir:[[@LINE+1]]:8: error: slice [offset 2, size 3, stride 1] is out of bounds for dimension 1 of size 4
  %0 = tensor.extract_slice %t[0, %o] [2, 3] [1, 1] : tensor<2x4xi8> to tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// Rows 3, 5 of a 5-row tensor with stride 2: row 5 is outside.
func.func @insert_slice_oob(%o: index) -> tensor<5x2xi8> {
  %t = arith.constant dense<0> : tensor<5x2xi8>
  %s = arith.constant dense<1> : tensor<2x2xi8>
  // INSERT-SLICE-OOB: errors.mlir:[[@LINE+1]]:8: error: slice [offset 3, size 2, stride 2] is out of bounds for dimension 0 of size 5
  %0 = tensor.insert_slice %s into %t[%o, 0] [2, 2] [2, 1] : tensor<2x2xi8> into tensor<5x2xi8>
  return %0 : tensor<5x2xi8>
}

func.func @dim_oob() -> index {
  %t = arith.constant dense<0> : tensor<2x4xi8>
  %c2 = arith.constant 2 : index
  // DIM-OOB: errors.mlir:[[@LINE+1]]:8: error: dimension 2 is out of range for rank 2
  %0 = tensor.dim %t, %c2 : tensor<2x4xi8>
  return %0 : index
}

func.func @for_step(%step: index) -> index {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  // FOR-STEP: errors.mlir:[[@LINE+2]]:8: error: scf.for step must be positive, got 0
  // FOR-NEG-STEP: errors.mlir:[[@LINE+1]]:8: error: scf.for step must be positive, got -2
  %r = scf.for %i = %c0 to %c4 step %step iter_args(%a = %c0) -> index {
    scf.yield %i : index
  }
  return %r : index
}

// An error deep inside nested regions is reported at the op that failed,
// on the iteration that failed (here i = 3, where 12 / (3 - 3) divides by
// zero), and stops the run.
func.func @error_in_loop() -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %three = arith.constant 3 : i32
  %twelve = arith.constant 12 : i32
  %z = arith.constant 0 : i32
  %r = scf.for %i = %c0 to %c5 step %c1 iter_args(%a = %z) -> i32 {
    %ii = arith.index_cast %i : index to i32
    %d = arith.subi %ii, %three : i32
    %t = arith.constant true
    %q = scf.if %t -> i32 {
      // IN-LOOP: errors.mlir:[[@LINE+1]]:12: error: division by zero
      %x = arith.divsi %twelve, %d : i32
      scf.yield %x : i32
    } else {
      scf.yield %z : i32
    }
    %s = arith.addi %a, %q : i32
    scf.yield %s : i32
  }
  return %r : i32
}

func.func @quantize_inf(%x: tensor<4xf32>) -> tensor<4xi4, #anybit.packed<block = [4], scale = f32>> {
  // QUANTIZE-INF: errors.mlir:[[@LINE+1]]:8: error: cannot quantize the non-finite value {{INF|inf}} at element 1
  %0 = anybit.quantize %x : tensor<4xf32> -> tensor<4xi4, #anybit.packed<block = [4], scale = f32>>
  return %0 : tensor<4xi4, #anybit.packed<block = [4], scale = f32>>
}

// absmax / 7 = 1e-10 / 7 is far below the smallest f16 and rounds to 0.
func.func @quantize_scale() -> tensor<2xi4, #anybit.packed<block = [2], scale = f16>> {
  %x = arith.constant dense<[1.0e-10, -1.0e-10]> : tensor<2xf32>
  // QUANTIZE-SCALE: errors.mlir:[[@LINE+1]]:8: error: block 0 needs scale {{.*}}, which 'f16' cannot represent
  %0 = anybit.quantize %x : tensor<2xf32> -> tensor<2xi4, #anybit.packed<block = [2], scale = f16>>
  return %0 : tensor<2xi4, #anybit.packed<block = [2], scale = f16>>
}

// Unbounded recursion hits the call depth limit instead of the stack.
// RECURSE: errors.mlir:[[@LINE+1]]:1: error: call depth exceeds 256
func.func @recurse(%n: i32) -> i32 {
  %c1 = arith.constant 1 : i32
  %m = arith.addi %n, %c1 : i32
  %r = func.call @recurse(%m) : (i32) -> i32
  return %r : i32
}

// EXTERNAL: errors.mlir:[[@LINE+1]]:1: error: the reference VM cannot call external function 'external'
func.func private @external(i32) -> i32

func.func @call_external() -> i32 {
  %c1 = arith.constant 1 : i32
  %r = func.call @external(%c1) : (i32) -> i32
  return %r : i32
}

// Unstructured control flow (here an unreachable second block) is not run.
// BLOCKS: error: the reference VM runs structured control flow only; this region has 2 blocks
func.func @two_blocks() -> i32 {
  %c1 = arith.constant 1 : i32
  return %c1 : i32
^bb1:
  %c2 = arith.constant 2 : i32
  return %c2 : i32
}

// An op of a dialect the VM runs but that it has no handler for.
func.func @no_handler() -> i8 {
  %a = arith.constant 100 : i8
  // NO-HANDLER: errors.mlir:[[@LINE+1]]:12: error: the reference VM cannot execute 'arith.addui_extended'
  %s, %o = arith.addui_extended %a, %a : i8, i1
  return %s : i8
}

// A parallel loop of more points than the VM runs is an error before any.
func.func @affine_parallel() -> i8 {
  %z = arith.constant 0 : i8
  // AFFINE-PARALLEL: errors.mlir:[[@LINE+1]]:8: error: the reference VM runs parallel loops of at most 2^32 iterations
  %0 = affine.parallel (%i, %j) = (0, 0) to (100000, 100000) reduce ("addi") -> i8 {
    affine.yield %z : i8
  }
  return %0 : i8
}

// Affine divisors must be positive (semi-affine maps take symbols).
func.func @affine_mod(%d: index) -> index {
  %c7 = arith.constant 7 : index
  // AFFINE-MOD: errors.mlir:[[@LINE+1]]:8: error: affine expression d0 mod s0 divides by 0: divisors must be positive
  %0 = affine.apply affine_map<(d0)[s0] -> (d0 mod s0)>(%c7)[%d]
  return %0 : index
}

// A pad whose run-time padding does not make its result's size.
func.func @pad_sizes(%l: index) -> tensor<4xi8> {
  %t = arith.constant dense<1> : tensor<2xi8>
  %z = arith.constant 0 : i8
  // PAD-SIZES: errors.mlir:[[@LINE+1]]:8: error: padding 2 low and 1 high of dimension 0 (size 2) does not make the result's 4
  %0 = tensor.pad %t low[%l] high[1] {
  ^bb0(%i: index):
    tensor.yield %z : i8
  } : tensor<2xi8> to tensor<4xi8>
  return %0 : tensor<4xi8>
}

// Parallel loops' steps must be positive too.
func.func @forall_step(%s: index) -> tensor<4xi8> {
  %t = arith.constant dense<1> : tensor<4xi8>
  // FORALL-STEP: errors.mlir:[[@LINE+1]]:8: error: scf.forall step must be positive, got 0
  %0 = scf.forall (%i) = (0) to (4) step (%s) shared_outs(%o = %t) -> tensor<4xi8> {
  }
  return %0 : tensor<4xi8>
}

// Tensor ops take logical tensors; packed ones must be unpacked first.
func.func @slice_packed() -> tensor<2xi3, #anybit.packed<>> {
  %x = arith.constant dense<[1, 2, 3, -1]> : tensor<4xi3>
  %p = anybit.pack %x : tensor<4xi3> -> tensor<4xi3, #anybit.packed<>>
  // SLICE-PACKED: errors.mlir:[[@LINE+1]]:8: error: the reference VM runs 'tensor.extract_slice' on logical tensors only; use anybit.pack/unpack for packed ones
  %0 = tensor.extract_slice %p[0] [2] [1] : tensor<4xi3, #anybit.packed<>> to tensor<2xi3, #anybit.packed<>>
  return %0 : tensor<2xi3, #anybit.packed<>>
}

func.func @dynamic_empty(%n: index) -> index {
  // DYNAMIC: errors.mlir:[[@LINE+1]]:8: error: the reference VM holds numbers and statically shaped tensors of numbers, not 'tensor<?xf32>'
  %0 = tensor.empty(%n) : tensor<?xf32>
  %c0 = arith.constant 0 : index
  %1 = tensor.dim %0, %c0 : tensor<?xf32>
  return %1 : index
}
