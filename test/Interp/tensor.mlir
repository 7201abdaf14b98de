// tensor dialect ops on the reference VM.

// RUN: anybit-run %s --entry empty_insert_extract --input 2 | FileCheck %s --match-full-lines --check-prefix=INSERT
// RUN: anybit-run %s --entry from_elements_splat | FileCheck %s --match-full-lines --check-prefix=ELEMENTS
// RUN: anybit-run %s --entry slices --input 'dense<[[0, 1, 2, 3, 4], [10, 11, 12, 13, 14], [20, 21, 22, 23, 24], [30, 31, 32, 33, 34]]>' | FileCheck %s --match-full-lines --check-prefix=SLICE
// RUN: anybit-run %s --entry dynamic_slice --input 1 --input 2 | FileCheck %s --match-full-lines --check-prefix=DYNSLICE
// RUN: anybit-run %s --entry insert_slices | FileCheck %s --match-full-lines --check-prefix=INSERT-SLICE
// RUN: anybit-run %s --entry reshapes --input 'dense<[1, 2, 3, 4, 5, 6]>' | FileCheck %s --match-full-lines --check-prefix=RESHAPE
// RUN: anybit-run %s --entry generate | FileCheck %s --match-full-lines --check-prefix=GENERATE
// RUN: anybit-run %s --entry dims | FileCheck %s --match-full-lines --check-prefix=DIM
// RUN: anybit-run %s --entry small_floats --input 'dense<[0.5, -1.5, 3.0, 100.0]>' | FileCheck %s --match-full-lines --check-prefix=SMALLF
// RUN: anybit-run %s --entry zero_d --input 'dense<7>' | FileCheck %s --match-full-lines --check-prefix=ZERO-D
// RUN: anybit-run %s --entry empty_tensor | FileCheck %s --match-full-lines --check-prefix=EMPTY-TENSOR

// tensor.empty holds zeros on the VM.
// INSERT: result0: tensor<2x3xi5> = {{\[\[}}0, 0, 0], [0, 0, -7]]
// INSERT-NEXT: result1: i5 = -7
// INSERT-NEXT: result2: i5 = 0
// INSERT-NEXT: result3: tensor<2x3xi5> = {{\[\[}}0, 0, 0], [0, 0, 0]]
func.func @empty_insert_extract(%j: index) -> (tensor<2x3xi5>, i5, i5, tensor<2x3xi5>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = arith.constant -7 : i5
  %e = tensor.empty() : tensor<2x3xi5>
  %t = tensor.insert %v into %e[%c1, %j] : tensor<2x3xi5>
  %a = tensor.extract %t[%c1, %j] : tensor<2x3xi5>
  %b = tensor.extract %t[%c0, %j] : tensor<2x3xi5>
  // Inserting leaves the operand unchanged.
  return %t, %a, %b, %e : tensor<2x3xi5>, i5, i5, tensor<2x3xi5>
}

// ELEMENTS: result0: tensor<2x2xui6> = {{\[\[}}63, 0], [1, 32]]
// ELEMENTS-NEXT: result1: tensor<3xbf16> = [1.5, 1.5, 1.5]
// ELEMENTS-NEXT: result2: tensor<2x2x!anybit.float<e3m2>> = {{\[\[}}0.25, 0.25], [0.25, 0.25]]
// ELEMENTS-NEXT: result3: tensor<i1> = 1
func.func @from_elements_splat() -> (tensor<2x2xui6>, tensor<3xbf16>,
                                     tensor<2x2x!anybit.float<e3m2>>, tensor<i1>) {
  %a = arith.constant -1 : i6
  %b = arith.constant 0 : i6
  %c = arith.constant 1 : i6
  %d = arith.constant 32 : i6
  %t = tensor.from_elements %a, %b, %c, %d : tensor<2x2xi6>
  %u = anybit.cast %t : tensor<2x2xi6> to tensor<2x2xui6>
  %h = arith.constant 1.5 : bf16
  %s = tensor.splat %h : tensor<3xbf16>
  %q = arith.constant 0.25 : f32
  %e = anybit.cast %q : f32 to !anybit.float<e3m2>
  %se = tensor.splat %e : tensor<2x2x!anybit.float<e3m2>>
  %true = arith.constant true
  %z = tensor.from_elements %true : tensor<i1>
  return %u, %s, %se, %z : tensor<2x2xui6>, tensor<3xbf16>,
                           tensor<2x2x!anybit.float<e3m2>>, tensor<i1>
}

// Static slices of a 4x5 tensor t[i][j] = 10 * i + j: a plain box, a
// strided one, a rank-reducing row and column, and an empty slice.
// SLICE: result0: tensor<2x3xi16> = {{\[\[}}11, 12, 13], [21, 22, 23]]
// SLICE-NEXT: result1: tensor<2x3xi16> = {{\[\[}}0, 2, 4], [20, 22, 24]]
// SLICE-NEXT: result2: tensor<5xi16> = [30, 31, 32, 33, 34]
// SLICE-NEXT: result3: tensor<4xi16> = [3, 13, 23, 33]
// SLICE-NEXT: result4: tensor<2x2xi16> = {{\[\[}}14, 12], [34, 32]]
// SLICE-NEXT: result5: tensor<0x3xi16> = {{.*}}
func.func @slices(%t: tensor<4x5xi16>) -> (tensor<2x3xi16>, tensor<2x3xi16>,
                                           tensor<5xi16>, tensor<4xi16>,
                                           tensor<2x2xi16>, tensor<0x3xi16>) {
  %0 = tensor.extract_slice %t[1, 1] [2, 3] [1, 1] : tensor<4x5xi16> to tensor<2x3xi16>
  %1 = tensor.extract_slice %t[0, 0] [2, 3] [2, 2] : tensor<4x5xi16> to tensor<2x3xi16>
  %2 = tensor.extract_slice %t[3, 0] [1, 5] [1, 1] : tensor<4x5xi16> to tensor<5xi16>
  %3 = tensor.extract_slice %t[0, 3] [4, 1] [1, 1] : tensor<4x5xi16> to tensor<4xi16>
  // Rows 1 and 3, columns 2 and 4, each row then reversed by hand.
  %s = tensor.extract_slice %t[1, 2] [2, 2] [2, 2] : tensor<4x5xi16> to tensor<2x2xi16>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = tensor.extract %s[%c0, %c0] : tensor<2x2xi16>
  %b = tensor.extract %s[%c0, %c1] : tensor<2x2xi16>
  %c = tensor.extract %s[%c1, %c0] : tensor<2x2xi16>
  %d = tensor.extract %s[%c1, %c1] : tensor<2x2xi16>
  %4 = tensor.from_elements %b, %a, %d, %c : tensor<2x2xi16>
  %5 = tensor.extract_slice %t[2, 0] [0, 3] [1, 1] : tensor<4x5xi16> to tensor<0x3xi16>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xi16>, tensor<2x3xi16>,
                                  tensor<5xi16>, tensor<4xi16>,
                                  tensor<2x2xi16>, tensor<0x3xi16>
}

// Dynamic offsets and strides: row %o of a 3x6 tensor, every %s-th column
// from 1: columns 1, 3, 5.
// DYNSLICE: result0: tensor<1x3xi8> = {{\[\[}}7, 9, 11]]
func.func @dynamic_slice(%o: index, %s: index) -> tensor<1x3xi8> {
  %t = arith.constant dense<[[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11],
                             [12, 13, 14, 15, 16, 17]]> : tensor<3x6xi8>
  %c1 = arith.constant 1 : index
  %r = tensor.extract_slice %t[%o, %c1] [1, 3] [1, %s] : tensor<3x6xi8> to tensor<1x3xi8>
  return %r : tensor<1x3xi8>
}

// INSERT-SLICE: result0: tensor<3x4xi4> = {{\[\[}}0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0]]
// INSERT-SLICE-NEXT: result1: tensor<3x4xi4> = {{\[\[}}5, 0, 6, 0], [0, 0, 0, 0], [7, 0, -8, 0]]
// INSERT-SLICE-NEXT: result2: tensor<3x4xi4> = {{\[\[}}0, 0, 0, 0], [0, 0, 0, 0], [-1, -2, -3, -4]]
func.func @insert_slices() -> (tensor<3x4xi4>, tensor<3x4xi4>, tensor<3x4xi4>) {
  %z = arith.constant dense<0> : tensor<3x4xi4>
  %a = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi4>
  %0 = tensor.insert_slice %a into %z[1, 1] [2, 2] [1, 1] : tensor<2x2xi4> into tensor<3x4xi4>
  %b = arith.constant dense<[[5, 6], [7, 8]]> : tensor<2x2xi4>
  %1 = tensor.insert_slice %b into %z[0, 0] [2, 2] [2, 2] : tensor<2x2xi4> into tensor<3x4xi4>
  %row = arith.constant dense<[-1, -2, -3, -4]> : tensor<4xi4>
  %2 = tensor.insert_slice %row into %z[2, 0] [1, 4] [1, 1] : tensor<4xi4> into tensor<3x4xi4>
  return %0, %1, %2 : tensor<3x4xi4>, tensor<3x4xi4>, tensor<3x4xi4>
}

// RESHAPE: result0: tensor<2x3xi7> = {{\[\[}}1, 2, 3], [4, 5, 6]]
// RESHAPE-NEXT: result1: tensor<6xi7> = [1, 2, 3, 4, 5, 6]
// RESHAPE-NEXT: result2: tensor<3x1x2xi7> = {{\[\[\[}}1, 2]], {{\[\[}}3, 4]], {{\[\[}}5, 6]]]
// RESHAPE-NEXT: result3: tensor<3x2xi7> = {{\[\[}}1, 2], [3, 4], [5, 6]]
// RESHAPE-NEXT: result4: tensor<2x3xi7> = {{\[\[}}1, 2, 3], [4, 5, 6]]
func.func @reshapes(%v: tensor<6xi7>) -> (tensor<2x3xi7>, tensor<6xi7>,
                                          tensor<3x1x2xi7>, tensor<3x2xi7>,
                                          tensor<2x3xi7>) {
  %0 = tensor.expand_shape %v [[0, 1]] output_shape [2, 3] : tensor<6xi7> into tensor<2x3xi7>
  %1 = tensor.collapse_shape %0 [[0, 1]] : tensor<2x3xi7> into tensor<6xi7>
  %2 = tensor.expand_shape %v [[0, 1, 2]] output_shape [3, 1, 2] : tensor<6xi7> into tensor<3x1x2xi7>
  %3 = tensor.collapse_shape %2 [[0, 1], [2]] : tensor<3x1x2xi7> into tensor<3x2xi7>
  %shape = arith.constant dense<[2, 3]> : tensor<2xindex>
  %4 = tensor.reshape %v(%shape) : (tensor<6xi7>, tensor<2xindex>) -> tensor<2x3xi7>
  return %0, %1, %2, %3, %4 : tensor<2x3xi7>, tensor<6xi7>, tensor<3x1x2xi7>,
                              tensor<3x2xi7>, tensor<2x3xi7>
}

// tensor.generate runs its body once per element, in row-major order.
// GENERATE: result0: tensor<2x3xindex> = {{\[\[}}0, 1, 2], [10, 11, 12]]
// GENERATE-NEXT: result1: tensor<4xf16> = [0, 0.5, 1, 1.5]
func.func @generate() -> (tensor<2x3xindex>, tensor<4xf16>) {
  %c10 = arith.constant 10 : index
  %0 = tensor.generate {
  ^bb0(%i: index, %j: index):
    %a = arith.muli %i, %c10 : index
    %b = arith.addi %a, %j : index
    tensor.yield %b : index
  } : tensor<2x3xindex>
  %half = arith.constant 0.5 : f16
  %1 = tensor.generate {
  ^bb0(%i: index):
    %n = arith.index_cast %i : index to i32
    %f = arith.sitofp %n : i32 to f16
    %h = arith.mulf %f, %half : f16
    tensor.yield %h : f16
  } : tensor<4xf16>
  return %0, %1 : tensor<2x3xindex>, tensor<4xf16>
}

// DIM: result0: index = 3
// DIM-NEXT: result1: index = 7
// DIM-NEXT: result2: tensor<3x7xi2> = {{\[\[}}1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]]
func.func @dims() -> (index, index, tensor<3x7xi2>) {
  %t = arith.constant dense<1> : tensor<3x7xi2>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %0 = tensor.dim %t, %c0 : tensor<3x7xi2>
  %1 = tensor.dim %t, %c1 : tensor<3x7xi2>
  // tensor.cast to the same static type and to a static shape.
  %u = tensor.cast %t : tensor<3x7xi2> to tensor<3x7xi2>
  return %0, %1, %u : index, index, tensor<3x7xi2>
}

// Tensor ops carry any element type: e2m1 (values 0, 0.5, 1, 1.5, 2, 3, 4,
// 6) given as a literal rounds to 0.5, -1.5, 3 and saturates 100 to 6.
// SMALLF: result0: tensor<2x2xf4E2M1FN> = {{\[\[}}0.5, -1.5], [3, 6]]
// SMALLF-NEXT: result1: f4E2M1FN = 6
// SMALLF-NEXT: result2: tensor<2xf4E2M1FN> = [-1.5, 3]
func.func @small_floats(%v: tensor<4xf4E2M1FN>) -> (tensor<2x2xf4E2M1FN>, f4E2M1FN,
                                                    tensor<2xf4E2M1FN>) {
  %0 = tensor.expand_shape %v [[0, 1]] output_shape [2, 2] : tensor<4xf4E2M1FN> into tensor<2x2xf4E2M1FN>
  %c3 = arith.constant 3 : index
  %1 = tensor.extract %v[%c3] : tensor<4xf4E2M1FN>
  %2 = tensor.extract_slice %v[1] [2] [1] : tensor<4xf4E2M1FN> to tensor<2xf4E2M1FN>
  return %0, %1, %2 : tensor<2x2xf4E2M1FN>, f4E2M1FN, tensor<2xf4E2M1FN>
}

// 0-d tensors print as their single value.
// ZERO-D: result0: tensor<i33> = 7
// ZERO-D-NEXT: result1: i33 = 7
func.func @zero_d(%t: tensor<i33>) -> (tensor<i33>, i33) {
  %0 = tensor.extract %t[] : tensor<i33>
  return %t, %0 : tensor<i33>, i33
}

// EMPTY-TENSOR: result0: tensor<0xf32> = []{{$}}
func.func @empty_tensor() -> tensor<0xf32> {
  %0 = tensor.empty() : tensor<0xf32>
  return %0 : tensor<0xf32>
}
