// The reference VM keeps packed tensors as bytes, which have no element
// grid: ops other than the anybit ops (and tensor.dim and whole-value
// forwarding) cannot work on them element by element. Such IR must be
// reported as an error at the op, never crash the VM.

// Element-wise arith on packed operands: an error at the op.
// RUN: not anybit-run %s --entry addi_packed 2>&1 | FileCheck %s --check-prefix=ADDI
// RUN: not anybit-run %s --entry select_packed 2>&1 | FileCheck %s --check-prefix=SELECT
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.zeros(4, dtype=np.uint8))"
// RUN: not anybit-run %s --entry mulf_packed_arg --input %t.npy 2>&1 | FileCheck %s --check-prefix=MULF

// Ops that make a value of a packed type from logical data: either an error
// at the op or a correctly packed value, but no crash.
// RUN: anybit-run %s --entry constant_packed > %t.constant 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONSTANT < %t.constant
// RUN: anybit-run %s --entry empty_packed > %t.empty 2>&1 || true
// RUN: FileCheck %s --check-prefix=EMPTY < %t.empty
// RUN: anybit-run %s --entry from_elements_packed > %t.elements 2>&1 || true
// RUN: FileCheck %s --check-prefix=ELEMENTS < %t.elements

func.func @addi_packed() -> tensor<4xi3, #anybit.packed<>> {
  %x = arith.constant dense<[1, 2, 3, -1]> : tensor<4xi3>
  %p = anybit.pack %x : tensor<4xi3> -> tensor<4xi3, #anybit.packed<>>
  // ADDI: errors-packed-values.mlir:[[@LINE+1]]:8: error:
  %0 = arith.addi %p, %p : tensor<4xi3, #anybit.packed<>>
  return %0 : tensor<4xi3, #anybit.packed<>>
}

func.func @select_packed() -> tensor<4xi3, #anybit.packed<>> {
  %x = arith.constant dense<[1, 2, 3, -1]> : tensor<4xi3>
  %p = anybit.pack %x : tensor<4xi3> -> tensor<4xi3, #anybit.packed<>>
  %b = arith.constant dense<[true, false, true, false]> : tensor<4xi1>
  %c = anybit.pack %b : tensor<4xi1> -> tensor<4xi1, #anybit.packed<>>
  // SELECT: errors-packed-values.mlir:[[@LINE+1]]:8: error:
  %0 = arith.select %c, %p, %p : tensor<4xi1, #anybit.packed<>>, tensor<4xi3, #anybit.packed<>>
  return %0 : tensor<4xi3, #anybit.packed<>>
}

func.func @mulf_packed_arg(%p: tensor<4xf8E4M3FN, #anybit.packed<>>)
    -> tensor<4xf8E4M3FN, #anybit.packed<>> {
  // MULF: errors-packed-values.mlir:[[@LINE+1]]:8: error:
  %0 = arith.mulf %p, %p : tensor<4xf8E4M3FN, #anybit.packed<>>
  return %0 : tensor<4xf8E4M3FN, #anybit.packed<>>
}

// CONSTANT-NOT: Stack dump
// CONSTANT: {{errors-packed-values.mlir:[0-9]+:[0-9]+: error:|result0: tensor<4xi3> = \[1, 2, 3, -1\]}}
// CONSTANT-NOT: Stack dump
func.func @constant_packed() -> tensor<4xi3> {
  %p = arith.constant dense<[1, 2, 3, -1]> : tensor<4xi3, #anybit.packed<>>
  %u = anybit.unpack %p : tensor<4xi3, #anybit.packed<>> -> tensor<4xi3>
  return %u : tensor<4xi3>
}

// EMPTY-NOT: Stack dump
// EMPTY: {{errors-packed-values.mlir:[0-9]+:[0-9]+: error:|result0: tensor<4xi3> = \[0, 0, 0, 0\]}}
// EMPTY-NOT: Stack dump
func.func @empty_packed() -> tensor<4xi3> {
  %p = tensor.empty() : tensor<4xi3, #anybit.packed<>>
  %u = anybit.unpack %p : tensor<4xi3, #anybit.packed<>> -> tensor<4xi3>
  return %u : tensor<4xi3>
}

// ELEMENTS-NOT: Stack dump
// ELEMENTS: {{errors-packed-values.mlir:[0-9]+:[0-9]+: error:|result0: tensor<2xi5> = \[-7, 9\]}}
// ELEMENTS-NOT: Stack dump
func.func @from_elements_packed() -> tensor<2xi5> {
  %a = arith.constant -7 : i5
  %b = arith.constant 9 : i5
  %p = tensor.from_elements %a, %b : tensor<2xi5, #anybit.packed<>>
  %u = anybit.unpack %p : tensor<2xi5, #anybit.packed<>> -> tensor<2xi5>
  return %u : tensor<2xi5>
}
