// Integer arith on the reference VM at odd widths: results wrap modulo 2^N
// and print as signed numbers (signless integers are two's complement).

// RUN: anybit-run %s --entry wrap | FileCheck %s --match-full-lines --check-prefix=WRAP
// RUN: anybit-run %s --entry divs --input 7 --input 2 | FileCheck %s --match-full-lines --check-prefix=DIV-PP
// RUN: anybit-run %s --entry divs --input -7 --input 2 | FileCheck %s --match-full-lines --check-prefix=DIV-NP
// RUN: anybit-run %s --entry divs --input 7 --input -2 | FileCheck %s --match-full-lines --check-prefix=DIV-PN
// RUN: anybit-run %s --entry divs --input -7 --input -2 | FileCheck %s --match-full-lines --check-prefix=DIV-NN
// RUN: anybit-run %s --entry divs --input -6 --input 2 | FileCheck %s --match-full-lines --check-prefix=DIV-EXACT
// RUN: anybit-run %s --entry divs --input -16 --input 3 | FileCheck %s --match-full-lines --check-prefix=DIV-MIN
// RUN: anybit-run %s --entry divs --input 0 --input -5 | FileCheck %s --match-full-lines --check-prefix=DIV-ZERO
// RUN: anybit-run %s --entry divu --input -7 --input 2 | FileCheck %s --match-full-lines --check-prefix=DIVU
// RUN: anybit-run %s --entry divu --input -1 --input -2 | FileCheck %s --match-full-lines --check-prefix=DIVU-BIG
// RUN: anybit-run %s --entry remsi_min | FileCheck %s --match-full-lines --check-prefix=REMSI-MIN
// RUN: anybit-run %s --entry shifts | FileCheck %s --match-full-lines --check-prefix=SHIFT
// RUN: anybit-run %s --entry compare --input -1 --input 1 | FileCheck %s --match-full-lines --check-prefix=CMP-A
// RUN: anybit-run %s --entry compare --input 2 --input 2 | FileCheck %s --match-full-lines --check-prefix=CMP-B
// RUN: anybit-run %s --entry compare --input -4 --input 3 | FileCheck %s --match-full-lines --check-prefix=CMP-C
// RUN: anybit-run %s --entry select | FileCheck %s --match-full-lines --check-prefix=SELECT
// RUN: anybit-run %s --entry ext_trunc | FileCheck %s --match-full-lines --check-prefix=EXT
// RUN: anybit-run %s --entry bitwise | FileCheck %s --match-full-lines --check-prefix=BITWISE
// RUN: anybit-run %s --entry index_ops --input 5 | FileCheck %s --match-full-lines --check-prefix=INDEX
// RUN: anybit-run %s --entry tensors --input 'dense<[1, -2, 3, -4]>' --input 'dense<[3, 3, -3, -3]>' | FileCheck %s --match-full-lines --check-prefix=TENSOR

// 3 + 1 = 4 wraps to -4 in i3; -4 - 1 = -5 wraps to 3; 3 * 3 = 9 = 1 mod 8.
// i5: 15 + 1 = -16; 7 * 5 = 35 = 3 mod 32. i7: 63 + 1 = -64;
// -64 * -64 = 4096 = 0 mod 128. i33: (2^32 - 1) + 1 = -2^32 and back.
// i64: INT64_MAX + 1 = INT64_MIN and back; (2^32 + 1)^2 = 2^33 + 1 mod 2^64.
// WRAP: result0: i3 = -4
// WRAP-NEXT: result1: i3 = 3
// WRAP-NEXT: result2: i3 = 1
// WRAP-NEXT: result3: i5 = -16
// WRAP-NEXT: result4: i5 = 3
// WRAP-NEXT: result5: i7 = -64
// WRAP-NEXT: result6: i7 = 0
// WRAP-NEXT: result7: i33 = -4294967296
// WRAP-NEXT: result8: i33 = 4294967295
// WRAP-NEXT: result9: i64 = -9223372036854775808
// WRAP-NEXT: result10: i64 = 9223372036854775807
// WRAP-NEXT: result11: i64 = 8589934593
// WRAP-NEXT: result12: i1 = 0
// WRAP-NOT: result
func.func @wrap() -> (i3, i3, i3, i5, i5, i7, i7, i33, i33, i64, i64, i64, i1) {
  %i3_3 = arith.constant 3 : i3
  %i3_1 = arith.constant 1 : i3
  %i3_m4 = arith.constant -4 : i3
  %0 = arith.addi %i3_3, %i3_1 : i3
  %1 = arith.subi %i3_m4, %i3_1 : i3
  %2 = arith.muli %i3_3, %i3_3 : i3
  %i5_15 = arith.constant 15 : i5
  %i5_1 = arith.constant 1 : i5
  %i5_7 = arith.constant 7 : i5
  %i5_5 = arith.constant 5 : i5
  %3 = arith.addi %i5_15, %i5_1 : i5
  %4 = arith.muli %i5_7, %i5_5 : i5
  %i7_63 = arith.constant 63 : i7
  %i7_1 = arith.constant 1 : i7
  %i7_m64 = arith.constant -64 : i7
  %5 = arith.addi %i7_63, %i7_1 : i7
  %6 = arith.muli %i7_m64, %i7_m64 : i7
  %a33 = arith.constant 4294967295 : i33
  %b33 = arith.constant 1 : i33
  %c33 = arith.constant -4294967296 : i33
  %7 = arith.addi %a33, %b33 : i33
  %8 = arith.subi %c33, %b33 : i33
  %max = arith.constant 9223372036854775807 : i64
  %min = arith.constant -9223372036854775808 : i64
  %one = arith.constant 1 : i64
  %big = arith.constant 4294967297 : i64
  %9 = arith.addi %max, %one : i64
  %10 = arith.subi %min, %one : i64
  %11 = arith.muli %big, %big : i64
  // i1: 1 + 1 = 0.
  %t = arith.constant true
  %12 = arith.addi %t, %t : i1
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12
      : i3, i3, i3, i5, i5, i7, i7, i33, i33, i64, i64, i64, i1
}

// divsi and remsi truncate toward zero (the remainder takes the sign of the
// dividend); ceildivsi rounds up and floordivsi down.
// DIV-PP: result0: i5 = 3
// DIV-PP-NEXT: result1: i5 = 1
// DIV-PP-NEXT: result2: i5 = 4
// DIV-PP-NEXT: result3: i5 = 3
// DIV-NP: result0: i5 = -3
// DIV-NP-NEXT: result1: i5 = -1
// DIV-NP-NEXT: result2: i5 = -3
// DIV-NP-NEXT: result3: i5 = -4
// DIV-PN: result0: i5 = -3
// DIV-PN-NEXT: result1: i5 = 1
// DIV-PN-NEXT: result2: i5 = -3
// DIV-PN-NEXT: result3: i5 = -4
// DIV-NN: result0: i5 = 3
// DIV-NN-NEXT: result1: i5 = -1
// DIV-NN-NEXT: result2: i5 = 4
// DIV-NN-NEXT: result3: i5 = 3
// DIV-EXACT: result0: i5 = -3
// DIV-EXACT-NEXT: result1: i5 = 0
// DIV-EXACT-NEXT: result2: i5 = -3
// DIV-EXACT-NEXT: result3: i5 = -3
// -16 / 3 = -5.33...
// DIV-MIN: result0: i5 = -5
// DIV-MIN-NEXT: result1: i5 = -1
// DIV-MIN-NEXT: result2: i5 = -5
// DIV-MIN-NEXT: result3: i5 = -6
// DIV-ZERO: result0: i5 = 0
// DIV-ZERO-NEXT: result1: i5 = 0
// DIV-ZERO-NEXT: result2: i5 = 0
// DIV-ZERO-NEXT: result3: i5 = 0
func.func @divs(%a: i5, %b: i5) -> (i5, i5, i5, i5) {
  %0 = arith.divsi %a, %b : i5
  %1 = arith.remsi %a, %b : i5
  %2 = arith.ceildivsi %a, %b : i5
  %3 = arith.floordivsi %a, %b : i5
  return %0, %1, %2, %3 : i5, i5, i5, i5
}

// Unsigned division reads the bits as unsigned: -7 is 25 in i5, -1 is 31
// and -2 is 30. The results print as signed i5.
// DIVU: result0: i5 = 12
// DIVU-NEXT: result1: i5 = 1
// DIVU-NEXT: result2: i5 = 13
// DIVU-BIG: result0: i5 = 1
// DIVU-BIG-NEXT: result1: i5 = 1
// DIVU-BIG-NEXT: result2: i5 = 2
func.func @divu(%a: i5, %b: i5) -> (i5, i5, i5) {
  %0 = arith.divui %a, %b : i5
  %1 = arith.remui %a, %b : i5
  %2 = arith.ceildivui %a, %b : i5
  return %0, %1, %2 : i5, i5, i5
}

// INT_MIN rem -1 is 0, not an overflow.
// REMSI-MIN: result0: i5 = 0
// REMSI-MIN-NEXT: result1: i64 = 0
func.func @remsi_min() -> (i5, i64) {
  %a = arith.constant -16 : i5
  %b = arith.constant -1 : i5
  %0 = arith.remsi %a, %b : i5
  %c = arith.constant -9223372036854775808 : i64
  %d = arith.constant -1 : i64
  %1 = arith.remsi %c, %d : i64
  return %0, %1 : i5, i64
}

// i7: 1 << 6 = 64 = -64; -64 >>s 3 = -8; -64 >>u 3 = 64 >> 3 = 8;
// 51 << 2 = 204 = 76 mod 128 = -52; -1 >>u 6 = 127 >> 6 = 1;
// -1 >>s 6 = -1; x << 0 = x.
// i33: 1 << 32 = -2^32; -2^32 >>u 32 = 1.
// i64: 1 << 63 = INT64_MIN; INT64_MIN >>s 63 = -1; INT64_MIN >>u 63 = 1.
// SHIFT: result0: i7 = -64
// SHIFT-NEXT: result1: i7 = -8
// SHIFT-NEXT: result2: i7 = 8
// SHIFT-NEXT: result3: i7 = -52
// SHIFT-NEXT: result4: i7 = 1
// SHIFT-NEXT: result5: i7 = -1
// SHIFT-NEXT: result6: i7 = 51
// SHIFT-NEXT: result7: i33 = -4294967296
// SHIFT-NEXT: result8: i33 = 1
// SHIFT-NEXT: result9: i64 = -9223372036854775808
// SHIFT-NEXT: result10: i64 = -1
// SHIFT-NEXT: result11: i64 = 1
func.func @shifts() -> (i7, i7, i7, i7, i7, i7, i7, i33, i33, i64, i64, i64) {
  %one = arith.constant 1 : i7
  %three = arith.constant 3 : i7
  %six = arith.constant 6 : i7
  %two = arith.constant 2 : i7
  %zero = arith.constant 0 : i7
  %x = arith.constant 51 : i7
  %m1 = arith.constant -1 : i7
  %0 = arith.shli %one, %six : i7
  %1 = arith.shrsi %0, %three : i7
  %2 = arith.shrui %0, %three : i7
  %3 = arith.shli %x, %two : i7
  %4 = arith.shrui %m1, %six : i7
  %5 = arith.shrsi %m1, %six : i7
  %6 = arith.shli %x, %zero : i7
  %one33 = arith.constant 1 : i33
  %n32 = arith.constant 32 : i33
  %7 = arith.shli %one33, %n32 : i33
  %8 = arith.shrui %7, %n32 : i33
  %one64 = arith.constant 1 : i64
  %n63 = arith.constant 63 : i64
  %9 = arith.shli %one64, %n63 : i64
  %10 = arith.shrsi %9, %n63 : i64
  %11 = arith.shrui %9, %n63 : i64
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11
      : i7, i7, i7, i7, i7, i7, i7, i33, i33, i64, i64, i64
}

// Every cmpi predicate on i3; -1 is 7 unsigned and -4 is 4.
// Order: eq ne slt sle sgt sge ult ule ugt uge.
// CMP-A: result0: tensor<10xi1> = [0, 1, 1, 1, 0, 0, 0, 0, 1, 1]
// CMP-B: result0: tensor<10xi1> = [1, 0, 0, 1, 0, 1, 0, 1, 0, 1]
// CMP-C: result0: tensor<10xi1> = [0, 1, 1, 1, 0, 0, 0, 0, 1, 1]
func.func @compare(%a: i3, %b: i3) -> tensor<10xi1> {
  %0 = arith.cmpi eq, %a, %b : i3
  %1 = arith.cmpi ne, %a, %b : i3
  %2 = arith.cmpi slt, %a, %b : i3
  %3 = arith.cmpi sle, %a, %b : i3
  %4 = arith.cmpi sgt, %a, %b : i3
  %5 = arith.cmpi sge, %a, %b : i3
  %6 = arith.cmpi ult, %a, %b : i3
  %7 = arith.cmpi ule, %a, %b : i3
  %8 = arith.cmpi ugt, %a, %b : i3
  %9 = arith.cmpi uge, %a, %b : i3
  %t = tensor.from_elements %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<10xi1>
  return %t : tensor<10xi1>
}

// A scalar condition picks a whole operand; a tensor one picks elements.
// SELECT: result0: i5 = -3
// SELECT-NEXT: result1: i5 = 9
// SELECT-NEXT: result2: tensor<4xi5> = [1, 2, 3, 4]
// SELECT-NEXT: result3: tensor<4xi5> = [1, -2, 3, -4]
func.func @select() -> (i5, i5, tensor<4xi5>, tensor<4xi5>) {
  %t = arith.constant true
  %f = arith.constant false
  %a = arith.constant -3 : i5
  %b = arith.constant 9 : i5
  %0 = arith.select %t, %a, %b : i5
  %1 = arith.select %f, %a, %b : i5
  %x = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi5>
  %y = arith.constant dense<[-1, -2, -3, -4]> : tensor<4xi5>
  %2 = arith.select %t, %x, %y : tensor<4xi5>
  %c = arith.constant dense<[true, false, true, false]> : tensor<4xi1>
  %3 = arith.select %c, %x, %y : tensor<4xi1>, tensor<4xi5>
  return %0, %1, %2, %3 : i5, i5, tensor<4xi5>, tensor<4xi5>
}

// extsi/extui/trunci between odd widths.
// EXT: result0: i8 = -3
// EXT-NEXT: result1: i8 = 5
// EXT-NEXT: result2: i3 = 0
// EXT-NEXT: result3: i3 = -3
// EXT-NEXT: result4: i64 = -4294967296
// EXT-NEXT: result5: i64 = 4294967296
// EXT-NEXT: result6: i33 = -1
// EXT-NEXT: result7: i7 = -1
// EXT-NEXT: result8: i64 = 1
// EXT-NEXT: result9: i3 = -1
func.func @ext_trunc() -> (i8, i8, i3, i3, i64, i64, i33, i7, i64, i3) {
  %a = arith.constant -3 : i3
  %0 = arith.extsi %a : i3 to i8
  %1 = arith.extui %a : i3 to i8
  %b = arith.constant 200 : i8
  %2 = arith.trunci %b : i8 to i3
  %c = arith.constant -3 : i8
  %3 = arith.trunci %c : i8 to i3
  %d = arith.constant -4294967296 : i33
  %4 = arith.extsi %d : i33 to i64
  %5 = arith.extui %d : i33 to i64
  %e = arith.constant 25769803775 : i64
  %6 = arith.trunci %e : i64 to i33
  %t = arith.constant true
  %7 = arith.extsi %t : i1 to i7
  %8 = arith.extui %t : i1 to i64
  %9 = arith.trunci %7 : i7 to i3
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9
      : i8, i8, i3, i3, i64, i64, i33, i7, i64, i3
}

// and/or/xor and signed/unsigned min/max on i5: a = -6 (0b11010 = 26),
// b = 11 (0b01011).
// BITWISE: result0: i5 = 10
// BITWISE-NEXT: result1: i5 = -5
// BITWISE-NEXT: result2: i5 = -15
// BITWISE-NEXT: result3: i5 = 11
// BITWISE-NEXT: result4: i5 = -6
// BITWISE-NEXT: result5: i5 = -6
// BITWISE-NEXT: result6: i5 = 11
func.func @bitwise() -> (i5, i5, i5, i5, i5, i5, i5) {
  %a = arith.constant -6 : i5
  %b = arith.constant 11 : i5
  %0 = arith.andi %a, %b : i5
  %1 = arith.ori %a, %b : i5
  %2 = arith.xori %a, %b : i5
  %3 = arith.maxsi %a, %b : i5
  %4 = arith.minsi %a, %b : i5
  %5 = arith.maxui %a, %b : i5
  %6 = arith.minui %a, %b : i5
  return %0, %1, %2, %3, %4, %5, %6 : i5, i5, i5, i5, i5, i5, i5
}

// index arithmetic and index_cast / index_castui.
// INDEX: result0: index = 35
// INDEX-NEXT: result1: index = -2
// INDEX-NEXT: result2: i3 = -3
// INDEX-NEXT: result3: index = -3
// INDEX-NEXT: result4: index = 5
func.func @index_ops(%n: index) -> (index, index, i3, index, index) {
  %c7 = arith.constant 7 : index
  %0 = arith.muli %n, %c7 : index
  %1 = arith.subi %n, %c7 : index
  %2 = arith.index_cast %n : index to i3
  %3 = arith.index_cast %2 : i3 to index
  %4 = arith.index_castui %2 : i3 to index
  return %0, %1, %2, %3, %4 : index, index, i3, index, index
}

// Element-wise on tensors of i3 given on the command line: [1, -2, 3, -4]
// and [3, 3, -3, -3]. Sums: 4 wraps to -4, -7 to 1; products: -6 wraps to
// 2, -9 to -1 and 12 to -4.
// TENSOR: result0: tensor<4xi3> = [-4, 1, 0, 1]
// TENSOR-NEXT: result1: tensor<4xi3> = [3, 2, -1, -4]
func.func @tensors(%a: tensor<4xi3>, %b: tensor<4xi3>) -> (tensor<4xi3>, tensor<4xi3>) {
  %0 = arith.addi %a, %b : tensor<4xi3>
  %1 = arith.muli %a, %b : tensor<4xi3>
  return %0, %1 : tensor<4xi3>, tensor<4xi3>
}
