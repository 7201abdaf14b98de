// RUN: anybit-opt %s --convert-anybit-to-standard="x86-int8-dot-bits=256 x86-multishift=true" --split-input-file | FileCheck %s
// RUN: anybit-opt %s --convert-anybit-to-standard=x86-int8-dot-bits=256 --split-input-file | FileCheck %s --check-prefix=SHIFTS
// RUN: anybit-opt %s --convert-anybit-to-standard --split-input-file | FileCheck %s --check-prefix=PORTABLE
// RUN: anybit-opt %s --convert-anybit-to-standard="x86-int8-dot-bits=512 x86-multishift=true" --split-input-file | FileCheck %s --check-prefix=ZMM
// RUN: anybit-opt %s --convert-anybit-to-standard=x86-byte-bits=256 --split-input-file | FileCheck %s --check-prefix=MADD

func.func @gemv_i3(%a: tensor<1x128xi8>, %w: tensor<4x128xi3, #anybit.packed<>>) -> tensor<1x4xi32> {
  %c = anybit.matmul %a, %w {accumulator = i32, transpose_rhs} : tensor<1x128xi8>, tensor<4x128xi3, #anybit.packed<>> -> tensor<1x4xi32>
  return %c : tensor<1x4xi32>
}

// int8 activations times packed integers into i32 take the code-dot kernel
// (no product of decoded weights as numbers): sum_k a_k w_k =
// sum_k a_k c_k - 4 sum_k a_k with the codes c = w + 4 (the sign bit
// flipped). Fields of 3 bits straddle bytes: a block is 2 V = 64 codes out
// of 24 bytes in two planes, the even codes and the odd ones (16 codes fill
// 6 bytes), against activations permuted to match. With vpmultishiftqb, a
// shuffle moves each 6-byte group into its own qword (the same shuffle for
// both planes) and one multishift a plane picks codes 0, 2, 4, ... (bits
// 0, 6, ... 42) or 1, 3, 5, ... (bits 3, 9, ... 45) of every qword; then
// mask, flip, vpdpbusd. K * 3 / 8 = 48 bytes a row: block 0 reads 32 bytes
// inside the row, block 1 may read past it.
// CHECK-LABEL: func.func @gemv_i3(
// CHECK-SAME: %{{[^:]*}}: tensor<1x128xi8>, %[[W:[^:]*]]: tensor<192xi8>)
// CHECK: %[[AP:.*]] = tensor.generate
// CHECK: scf.forall
// CHECK:   %[[B:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<192xi8>, vector<32xi8>
// CHECK:   %[[G:.*]] = vector.shuffle %[[B]], %[[B]] [0, 1, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11, 11, 11, 12, 13, 14, 15, 16, 17, 17, 17, 18, 19, 20, 21, 22, 23, 23, 23]
// CHECK:   %[[EVEN:.*]] = arith.constant dense<[0, 6, 12, 18, 24, 30, 36, 42, 0, 6, 12, 18, 24, 30, 36, 42, 0, 6, 12, 18, 24, 30, 36, 42, 0, 6, 12, 18, 24, 30, 36, 42]> : vector<32xi8>
// CHECK:   %[[F:.*]] = anybit.x86_vpmultishiftqb %[[EVEN]], %[[G]] : vector<32xi8>
// CHECK:   %[[M:.*]] = arith.andi %[[F]], %{{.*}} : vector<32xi8>
// CHECK:   %[[C:.*]] = arith.xori %[[M]], %{{.*}} : vector<32xi8>
// CHECK:   %[[A0:.*]] = vector.transfer_read %[[AP]]
// CHECK:   anybit.x86_vpdpbusd %{{.*}}, %[[C]], %[[A0]] : vector<32xi8> -> vector<8xi32>
// CHECK:   arith.constant dense<[3, 9, 15, 21, 27, 33, 39, 45, 3, 9,
// CHECK:   anybit.x86_vpmultishiftqb
// CHECK:   anybit.x86_vpdpbusd
// CHECK:   vector.transfer_read %[[W]][%{{.*}}], %{{.*}} : tensor<192xi8>, vector<32xi8>
// CHECK:   vector.reduction <add>
// CHECK:   arith.muli %{{.*}}, %c4_i32 : i32
// CHECK:   arith.subi
// Without VBMI, each 128-bit lane reads the 12 bytes of its 32 codes (two
// reads of 16, 12 bytes apart), their sign bits flipped once per load.
// Each even code and the odd one after it make a 6-bit field: vpshufb
// picks each pair's 16-bit window (a pair starting a byte is the high
// byte of its window, the low one 0x80, zero), a multiply puts the pair's
// top bit at bit 15 and a shift by 16 - 6 brings it down, and vpackuswb
// makes 32 bytes of two vectors of windows, pairs 0, 1, 2, ... at bits 0,
// 6, 12, .... Plane 0 (codes 0, 2, 4, ...) is each pair's low 3 bits,
// plane 1 its high 3. The portable code takes each field out of the
// 16-bit word of its two bytes.
// SHIFTS-LABEL: func.func @gemv_i3(
// SHIFTS: %[[LO:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<192xi8>, vector<16xi8>
// SHIFTS: %[[HI:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<192xi8>, vector<16xi8>
// SHIFTS: %[[BOTH:.*]] = vector.shuffle %[[LO]], %[[HI]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
// SHIFTS: %[[SIGNS:.*]] = arith.constant dense<[36, 73, -110, 36, 73, -110, 36, 73, -110, 36, 73, -110, 0, 0, 0, 0, 36,
// SHIFTS: %[[W:.*]] = arith.xori %[[BOTH]], %[[SIGNS]] : vector<32xi8>
// SHIFTS: %[[PICK:.*]] = arith.constant dense<[-128, 0, 0, 1, 1, 2, 2, 3, 2, 3, 3, 4, 4, 5, 5, 6, -128,
// SHIFTS: %[[WIN:.*]] = anybit.x86_vpshufb %[[W]], %[[PICK]] : vector<32xi8>
// SHIFTS: %[[WORDS:.*]] = vector.bitcast %[[WIN]] : vector<32xi8> to vector<16xi16>
// SHIFTS: %[[TOP:.*]] = arith.constant dense<[4, 16, 64, 256, 4, 16, 64, 256,
// SHIFTS: %[[UP:.*]] = arith.muli %[[WORDS]], %[[TOP]] : vector<16xi16>
// SHIFTS: anybit.x86_vpshufb %[[W]], %{{.*}} : vector<32xi8>
// SHIFTS: %[[UP2:.*]] = arith.muli %{{.*}}, %{{.*}} : vector<16xi16>
// SHIFTS: %[[DOWN:.*]] = arith.constant dense<10> : vector<16xi16>
// SHIFTS: %[[FIRST:.*]] = arith.shrui %[[UP]], %[[DOWN]] : vector<16xi16>
// SHIFTS: %[[SECOND:.*]] = arith.shrui %[[UP2]], %{{.*}} : vector<16xi16>
// SHIFTS: %[[PAIRS:.*]] = anybit.x86_vpackuswb %[[FIRST]], %[[SECOND]] : vector<16xi16> -> vector<32xi8>
// SHIFTS: %[[SEVEN:.*]] = arith.constant dense<7> : vector<32xi8>
// SHIFTS: %[[EVEN:.*]] = arith.andi %[[PAIRS]], %[[SEVEN]] : vector<32xi8>
// SHIFTS-NOT: anybit.x86_vpmultishiftqb
// SHIFTS: anybit.x86_vpdpbusd %{{.*}}, %[[EVEN]], %{{.*}}
// SHIFTS: %[[PAIRS2:.*]] = anybit.x86_vpackuswb
// SHIFTS: %[[THREE:.*]] = arith.constant dense<3> : vector<32xi8>
// SHIFTS: %[[HIGH:.*]] = arith.shrui %[[PAIRS2]], %[[THREE]] : vector<32xi8>
// SHIFTS: %[[ODD:.*]] = arith.andi %[[HIGH]], %{{.*}} : vector<32xi8>
// SHIFTS: anybit.x86_vpdpbusd %{{.*}}, %[[ODD]], %{{.*}}
// AVX2 alone takes the same fields into vpmaddubsw and vpmaddwd. (Each
// plane decodes the pairs again; LLVM keeps one.)
// MADD-LABEL: func.func @gemv_i3(
// MADD: %[[PAIRS:.*]] = anybit.x86_vpackuswb
// MADD: %[[EVEN:.*]] = arith.andi %[[PAIRS]], %{{.*}} : vector<32xi8>
// MADD: anybit.x86_vpmaddubsw %[[EVEN]], %{{.*}} : vector<32xi8> -> vector<16xi16>
// MADD: anybit.x86_vpmaddwd

// -----

func.func @gemv_ui4(%a: tensor<1x64xi8>, %w: tensor<4x64xui4, #anybit.packed<>>) -> tensor<1x4xi32> {
  %c = anybit.matmul %a, %w {accumulator = i32, transpose_rhs} : tensor<1x64xi8>, tensor<4x64xui4, #anybit.packed<>> -> tensor<1x4xi32>
  return %c : tensor<1x4xi32>
}

// Unsigned 4-bit weights are their own codes (no offset): two nibble
// planes a byte, the top one without a mask, against activations permuted
// to the planes' order.
// CHECK-LABEL: func.func @gemv_ui4(
// CHECK: %[[B:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<128xi8>, vector<32xi8>
// CHECK: %[[LOW:.*]] = arith.andi %[[B]], %{{.*}} : vector<32xi8>
// CHECK: anybit.x86_vpdpbusd %{{.*}}, %[[LOW]], %{{.*}}
// CHECK: %[[HIGH:.*]] = arith.shrui %[[B]], %{{.*}} : vector<32xi8>
// CHECK-NOT: arith.andi %[[HIGH]]
// CHECK: anybit.x86_vpdpbusd %{{.*}}, %[[HIGH]], %{{.*}}
// CHECK: vector.reduction <add>
// CHECK-NOT: arith.subi
// CHECK: tensor.insert

// -----

func.func @gemv_i4(%a: tensor<1x64xi8>, %w: tensor<4x64xi4, #anybit.packed<>>) -> tensor<1x4xi32> {
  %c = anybit.matmul %a, %w {accumulator = i32, transpose_rhs} : tensor<1x64xi8>, tensor<4x64xi4, #anybit.packed<>> -> tensor<1x4xi32>
  return %c : tensor<1x4xi32>
}

// Signed 4-bit weights: the sign bit of both nibbles flipped once per load
// (xor 0x88), then the same planes, and 8 times each row sum subtracted.
// CHECK-LABEL: func.func @gemv_i4(
// CHECK: %[[B:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<128xi8>, vector<32xi8>
// CHECK: %[[FLIP:.*]] = arith.constant dense<-120> : vector<32xi8>
// CHECK: %[[X:.*]] = arith.xori %[[B]], %[[FLIP]] : vector<32xi8>
// CHECK: arith.andi %[[X]], %{{.*}} : vector<32xi8>
// CHECK: arith.shrui %[[X]], %{{.*}} : vector<32xi8>
// CHECK: arith.muli %{{.*}}, %c8_i32 : i32

// -----

func.func @gemv_scaled(%a: tensor<1x128xi8, #anybit.packed<block = [1, 128], scale = f32>>, %w: tensor<4x128xi4, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<1x4xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<1x128xi8, #anybit.packed<block = [1, 128], scale = f32>>, tensor<4x128xi4, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<1x4xf32>
  return %c : tensor<1x4xf32>
}

// Int8 activations with one f32 scale per row (as anybit.quantize makes
// them) times i4 weights with an f16 scale per 32 codes, into f32: A's
// codes are the first 128 bytes of its storage. Per block of 64 codes
// (V = 32 bytes, two nibble planes) and row of A, the offsets 8 sum_k a_k
// of each lane come from vpdpbusd with 8s, once per product before the
// tiles (a tensor of parts x rows of A x units x lanes, in i16: a lane's
// sum is at most 8 * 128 * 8 activations, which halves what every row of
// W reads besides A'), and seed every row's exact int32 sums. A GEMV takes one row of W a tile (one
// sequential stream). The block holds two groups: lanes 0-3 (codes 0-31)
// take the first scale, lanes 4-7 the second; each lane sum is converted
// and scaled once (vector.fma), and the lanes are reduced in any order.
// The row's blocks alternate between two FMA chains (a GEMV has no other
// independent sums), added before the reduction. A's row scale
// multiplies each output once at the end.
// CHECK-LABEL: func.func @gemv_scaled(
// CHECK-SAME: %[[A:[^:]*]]: tensor<132xi8>, %[[W:[^:]*]]: tensor<288xi8>)
// CHECK: %[[CODES:.*]] = tensor.extract_slice %[[A]][0] [128] [1] : tensor<132xi8> to tensor<128xi8>
// CHECK: tensor.expand_shape %[[CODES]] {{.*}} into tensor<1x128xi8>
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<1x1x2x8xi16>
// CHECK: %[[OFFSETS:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[EMPTY]])
// CHECK:   scf.for
// CHECK:     %[[EIGHTS:.*]] = arith.constant dense<8> : vector<32xi8>
// CHECK:     %[[O0:.*]] = anybit.x86_vpdpbusd %{{.*}}, %[[EIGHTS]], %{{.*}}
// CHECK:     %[[O1:.*]] = anybit.x86_vpdpbusd %[[O0]], %[[EIGHTS]], %{{.*}}
// CHECK:   %[[NEG:.*]] = arith.subi %{{.*}}, %{{.*}} : vector<8xi32>
// CHECK:   %[[NARROW:.*]] = arith.trunci %[[NEG]] : vector<8xi32> to vector<8xi16>
// CHECK:   vector.transfer_write %[[NARROW]]
// CHECK: scf.forall (%{{.*}}) in (4)
// CHECK:   %[[CHAINS:.*]]:2 = scf.for {{.*}} iter_args(%[[C0:.*]] = %{{.*}}, %[[C1:.*]] = %{{.*}}) -> (vector<8xf32>, vector<8xf32>) {
// CHECK:     %[[SEED16:.*]] = vector.transfer_read %[[OFFSETS]]{{.*}} : tensor<1x1x2x8xi16>, vector<8xi16>
// CHECK:     %[[SEED:.*]] = arith.extsi %[[SEED16]] : vector<8xi16> to vector<8xi32>
// CHECK:     arith.xori
// CHECK:     %[[P0:.*]] = anybit.x86_vpdpbusd %[[SEED]], %{{.*}}, %{{.*}}
// CHECK:     %[[P1:.*]] = anybit.x86_vpdpbusd %[[P0]], %{{.*}}, %{{.*}}
// CHECK:     %[[RAW:.*]] = vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<288xi8>, vector<4xi8>
// CHECK:     %[[HALF:.*]] = vector.bitcast %[[RAW]] : vector<4xi8> to vector<2xf16>
// CHECK:     %[[S:.*]] = arith.extf %[[HALF]] : vector<2xf16> to vector<2xf32>
// CHECK:     %[[LANES:.*]] = vector.shuffle %[[S]], %{{.*}} [0, 0, 0, 0, 1, 1, 1, 1]
// CHECK:     %[[F:.*]] = arith.sitofp %[[P1]] : vector<8xi32> to vector<8xf32>
// CHECK:     vector.fma %[[F]], %[[LANES]], %[[C0]] : vector<8xf32>
// CHECK:     vector.fma %{{.*}}, %{{.*}}, %[[C1]] : vector<8xf32>
// CHECK:   %[[BOTH:.*]] = arith.addf %[[CHAINS]]#0, %[[CHAINS]]#1 : vector<8xf32>
// CHECK:   %[[SUM:.*]] = vector.reduction <add>, %[[BOTH]] fastmath<reassoc> : vector<8xf32> into f32
// CHECK:   vector.transfer_read %[[A]]
// CHECK:   %[[ROW:.*]] = vector.extract
// CHECK:   arith.mulf %[[SUM]], %[[ROW]] : f32

// -----

func.func @gemv_e2m1(%a: tensor<1x128xi8, #anybit.packed<block = [1, 128], scale = f32>>, %w: tensor<4x128xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<1x4xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<1x128xi8, #anybit.packed<block = [1, 128], scale = f32>>, tensor<4x128xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<1x4xf32>
  return %c : tensor<1x4xf32>
}

// e2m1 weights are halves -12..12 of a half: their codes are 2 w + 12,
// looked up per nibble plane in a 16-byte table (vpshufb; every 128-bit
// lane holds the same table), offset 12 per lane seeded as for integers,
// and the sums halved once at the end (exact).
// CHECK-LABEL: func.func @gemv_e2m1(
// CHECK: scf.for
// CHECK:   %[[TWELVES:.*]] = arith.constant dense<12> : vector<32xi8>
// CHECK:   anybit.x86_vpdpbusd %{{.*}}, %[[TWELVES]], %{{.*}}
// CHECK:   %[[B:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<288xi8>, vector<32xi8>
// CHECK:   %[[NIBBLE:.*]] = arith.andi %[[B]], %{{.*}} : vector<32xi8>
// CHECK:   %[[TABLE:.*]] = arith.constant dense<[12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0, 12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0]> : vector<32xi8>
// CHECK:   %[[CODES:.*]] = anybit.x86_vpshufb %[[TABLE]], %[[NIBBLE]] : vector<32xi8>
// CHECK:   anybit.x86_vpdpbusd %{{.*}}, %[[CODES]], %{{.*}}
// CHECK: vector.reduction <add>
// CHECK: arith.mulf %{{.*}}, %cst{{.*}} : f32
// Portable code (no vpdpbusd, so no vpshufb either): a select per bit
// pattern.
// PORTABLE-LABEL: func.func @gemv_e2m1(
// PORTABLE: %[[IS1:.*]] = arith.cmpi eq, %[[F:.*]], %{{.*}} : vector<32xi8>
// PORTABLE: arith.select %[[IS1]], %{{.*}}, %{{.*}} : vector<32xi1>, vector<32xi8>
// PORTABLE: arith.cmpi eq, %[[F]], %{{.*}} : vector<32xi8>
// PORTABLE-NOT: anybit.x86_vpshufb

// -----

func.func @gemv_scaled_i8(%a: tensor<1x128xi8, #anybit.packed<block = [1, 128], scale = f32>>, %w: tensor<4x128xi8, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<1x4xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<1x128xi8, #anybit.packed<block = [1, 128], scale = f32>>, tensor<4x128xi8, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<1x4xf32>
  return %c : tensor<1x4xf32>
}

// 8-bit codes take the offset 128: a lane's offset sum, up to 128 * 128 *
// 4 a block, does not fit i16 as it is, but divided by 4 it does, exactly
// (128 divides it): stored shifted right by 2, shifted back when read.
// CHECK-LABEL: func.func @gemv_scaled_i8(
// CHECK: tensor.empty() : tensor<1x1x4x8xi16>
// CHECK:   %[[TWO:.*]] = arith.constant dense<2> : vector<8xi32>
// CHECK:   %[[QUARTER:.*]] = arith.shrsi %{{.*}}, %[[TWO]] : vector<8xi32>
// CHECK:   arith.trunci %[[QUARTER]] : vector<8xi32> to vector<8xi16>
// CHECK: scf.forall
// CHECK:   %[[S16:.*]] = vector.transfer_read %{{.*}} : tensor<1x1x4x8xi16>, vector<8xi16>
// CHECK:   %[[S32:.*]] = arith.extsi %[[S16]] : vector<8xi16> to vector<8xi32>
// CHECK:   %[[SEED:.*]] = arith.shli %[[S32]], %{{.*}} : vector<8xi32>
// CHECK:   anybit.x86_vpdpbusd %[[SEED]]

// -----

func.func @gemv_e3m2(%a: tensor<1x256xi8>, %w: tensor<8x256x!anybit.float<e3m2>, #anybit.packed<block = [1, 64], scale = f16>>) -> tensor<1x8xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<1x256xi8>, tensor<8x256x!anybit.float<e3m2>, #anybit.packed<block = [1, 64], scale = f16>> -> tensor<1x8xf32>
  return %c : tensor<1x8xf32>
}

// e3m2's values are -448..448 sixteenths, more than a byte: with 512-bit
// VBMI each 6-bit field (one vpmultishiftqb per 64) is looked up twice with
// vpermb (64-entry tables), k mod 128 and floor(k / 128) + 4, as two byte
// products; the high part's offset 4 is seeded per lane, and the parts
// are joined exactly in int32 (128 high + low) before the scale. Groups
// of whole blocks (G = 64, one block): the row's 4 scales are read and
// converted once into a buffer on the stack, before its blocks, and a
// block's is a broadcast load of the element its index picks.
// ZMM-LABEL: func.func @gemv_e3m2(
// ZMM: %[[FOURS:.*]] = arith.constant dense<4> : vector<64xi8>
// ZMM: anybit.x86_vpdpbusd %{{.*}}, %[[FOURS]], %{{.*}}
// ZMM: %[[CONVERTED:.*]] = arith.extf %{{.*}} : vector<4xf16> to vector<4xf32>
// ZMM: %[[ROWSCALES:.*]] = memref.alloca() : memref<4xf32>
// ZMM: vector.transfer_write %[[CONVERTED]], %[[ROWSCALES]]
// ZMM: scf.for %[[U:[^ ]*]] = {{.*}} -> (vector<16xf32>, vector<16xf32>) {
// ZMM: %[[UNIT:.*]] = arith.muli %[[U]], %{{.*}} : index
// ZMM: %[[F:.*]] = anybit.x86_vpmultishiftqb
// ZMM: %[[FIELD:.*]] = arith.andi %[[F]], %{{.*}} : vector<64xi8>
// ZMM: %[[LOW:.*]] = anybit.x86_vpermb %{{.*}}, %[[FIELD]] : vector<64xi8>
// ZMM: %[[HIGH:.*]] = anybit.x86_vpermb %{{.*}}, %[[FIELD]] : vector<64xi8>
// ZMM: anybit.x86_vpdpbusd %{{.*}}, %[[LOW]], %{{.*}}
// ZMM: anybit.x86_vpdpbusd %{{.*}}, %[[HIGH]], %{{.*}}
// ZMM: %[[S:.*]] = memref.load %[[ROWSCALES]][%[[UNIT]]] : memref<4xf32>
// ZMM: %[[LANES:.*]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// ZMM: %[[SEVEN:.*]] = arith.constant dense<7> : vector<16xi32>
// ZMM: %[[SHIFTED:.*]] = arith.shli %{{.*}}, %[[SEVEN]] : vector<16xi32>
// ZMM: %[[K:.*]] = arith.addi %{{.*}}, %[[SHIFTED]] : vector<16xi32>
// ZMM: %[[KF:.*]] = arith.sitofp %[[K]] : vector<16xi32> to vector<16xf32>
// ZMM: vector.fma %[[KF]], %[[LANES]], %{{.*}} : vector<16xf32>
// A 256-bit vpermb holds only 32 entries, and without VBMI there is none:
// patterns 16 q .. 16 q + 15 by vpshufb q, then bits 4 and 5 of the field
// pick among the four results.
// CHECK-LABEL: func.func @gemv_e3m2(
// CHECK: %[[F:.*]] = anybit.x86_vpmultishiftqb
// CHECK: %[[FIELD:.*]] = arith.andi %[[F]], %{{.*}} : vector<32xi8>
// CHECK: %[[Q0:.*]] = anybit.x86_vpshufb %{{.*}}, %[[FIELD]] : vector<32xi8>
// CHECK: %[[Q1:.*]] = anybit.x86_vpshufb %{{.*}}, %[[FIELD]] : vector<32xi8>
// CHECK: %[[Q2:.*]] = anybit.x86_vpshufb %{{.*}}, %[[FIELD]] : vector<32xi8>
// CHECK: %[[Q3:.*]] = anybit.x86_vpshufb %{{.*}}, %[[FIELD]] : vector<32xi8>
// CHECK: %[[SIXTEEN:.*]] = arith.constant dense<16> : vector<32xi8>
// CHECK: %[[B4:.*]] = arith.andi %[[FIELD]], %[[SIXTEEN]] : vector<32xi8>
// CHECK: %[[IS4:.*]] = arith.cmpi ne, %[[B4]], %{{.*}} : vector<32xi8>
// CHECK: %[[LOW2:.*]] = arith.select %[[IS4]], %[[Q1]], %[[Q0]] : vector<32xi1>, vector<32xi8>
// CHECK: %[[HIGH2:.*]] = arith.select %[[IS4]], %[[Q3]], %[[Q2]] : vector<32xi1>, vector<32xi8>
// CHECK: %[[THIRTYTWO:.*]] = arith.constant dense<32> : vector<32xi8>
// CHECK: %[[B5:.*]] = arith.andi %[[FIELD]], %[[THIRTYTWO]] : vector<32xi8>
// CHECK: %[[IS5:.*]] = arith.cmpi ne, %[[B5]], %{{.*}} : vector<32xi8>
// CHECK: %[[LOW:.*]] = arith.select %[[IS5]], %[[HIGH2]], %[[LOW2]] : vector<32xi1>, vector<32xi8>
// CHECK: anybit.x86_vpdpbusd %{{.*}}, %[[LOW]], %{{.*}}
// Without vpermb, e3m2 is sign-magnitude on 256 bits: activations without
// -128 take the sign of each weight (vpsignb) and meet the codes of its
// magnitude, 32 patterns for 64 (see MADD); an A holding -128, whose
// negation wraps, takes the offset codes.
// SHIFTS-LABEL: func.func @gemv_e3m2(
// SHIFTS: scf.if
// SHIFTS: %[[FIELD:.*]] = anybit.x86_vpackuswb
// SHIFTS-COUNT-4: anybit.x86_vpshufb %{{.*}}, %[[FIELD]] : vector<32xi8>
// SHIFTS: anybit.x86_vpdpbusd
// SHIFTS: } else {
// SHIFTS: anybit.x86_vpackuswb
// SHIFTS-COUNT-2: anybit.x86_vpshufb %cst
// SHIFTS-NOT: anybit.x86_vpshufb
// SHIFTS: anybit.x86_vpsignb
// SHIFTS-COUNT-2: anybit.x86_vpdpbusd
// (vpdpbusd sums each part on its own, joined as low + 8 high.)
// SHIFTS: %[[EIGHTH:.*]] = arith.constant dense<3> : vector<8xi32>
// SHIFTS: %[[UPPER:.*]] = arith.shli %{{.*}}, %[[EIGHTH]] : vector<8xi32>
// SHIFTS: arith.addi %{{.*}}, %[[UPPER]] : vector<8xi32>
// On AVX2 alone: whether any activation is -128, then the offset codes,
// both parts below 128 (k mod 128, and floor(k / 128) + 4 up to 7): one
// vpmaddubsw each, with no split of either, widened by vpmaddwd and
// joined as 128 high + low.
// MADD-LABEL: func.func @gemv_e3m2(
// MADD: %[[MIN:.*]] = arith.constant -128 : i8
// MADD: arith.cmpi eq, %{{.*}}, %[[MIN]] : i8
// MADD: %[[HAS:.*]] = tensor.extract
// MADD: scf.if %[[HAS]] -> (tensor<1x8xf32>) {
// MADD: %[[FIELD:.*]] = anybit.x86_vpackuswb
// MADD-COUNT-4: anybit.x86_vpshufb %{{.*}}, %[[FIELD]] : vector<32xi8>
// MADD-COUNT-2: arith.select %{{.*}} : vector<32xi1>, vector<32xi8>
// MADD: %[[LOW:.*]] = arith.select %{{.*}} : vector<32xi1>, vector<32xi8>
// MADD-COUNT-4: anybit.x86_vpshufb %{{.*}}, %[[FIELD]] : vector<32xi8>
// MADD-COUNT-2: arith.select %{{.*}} : vector<32xi1>, vector<32xi8>
// MADD: %[[HIGH:.*]] = arith.select %{{.*}} : vector<32xi1>, vector<32xi8>
// MADD-NOT: arith.shrui
// MADD: %[[LP:.*]] = anybit.x86_vpmaddubsw %[[LOW]], %{{.*}} : vector<32xi8> -> vector<16xi16>
// MADD: %[[HP:.*]] = anybit.x86_vpmaddubsw %[[HIGH]], %{{.*}} : vector<32xi8> -> vector<16xi16>
// MADD: anybit.x86_vpmaddwd %[[LP]]
// MADD: anybit.x86_vpmaddwd %[[HP]]
// MADD: %[[SEVEN:.*]] = arith.constant dense<7> : vector<8xi32>
// MADD: arith.shli %{{.*}}, %[[SEVEN]] : vector<8xi32>
// Else the magnitudes' sixteenths, 0..448: the lower half of the patterns
// (exponent below 4) as they are, the upper half's in units of 8, each table
// zero in the other half, so that both are bytes. One vpshufb each, whose
// index (field & 31) + 112 has bit 7 (zero) set for the upper half, and
// that xor 128 for the lower. The sign, shifted to bit 7, negates the
// activations; both products go into one accumulator, the upper half's
// pair sums widened times 8, once for the group's two blocks: their pair
// sums add up in 16 bits over the scf.for of the blocks (2 * 56 * 2 * 128
// < 2^15).
// MADD: } else {
// MADD: %[[BLOCKS:.*]]:2 = scf.for {{.*}} -> (vector<16xi16>, vector<16xi16>)
// MADD: %[[MFIELD:.*]] = anybit.x86_vpackuswb
// MADD: %[[MASK:.*]] = arith.constant dense<31> : vector<32xi8>
// MADD: %[[LOW5:.*]] = arith.andi %[[MFIELD]], %[[MASK]] : vector<32xi8>
// MADD: %[[BIAS:.*]] = arith.constant dense<112> : vector<32xi8>
// MADD: %[[INDEX:.*]] = arith.addi %[[LOW5]], %[[BIAS]] : vector<32xi8>
// MADD: %[[LOWTABLE:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28]> : vector<32xi8>
// MADD: %[[LOWS:.*]] = anybit.x86_vpshufb %[[LOWTABLE]], %[[INDEX]]
// MADD: %[[FLIP:.*]] = arith.constant dense<-128> : vector<32xi8>
// MADD: %[[UPPER:.*]] = arith.xori %{{.*}}, %[[FLIP]] : vector<32xi8>
// MADD: %[[HIGHTABLE:.*]] = arith.constant dense<[4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56]> : vector<32xi8>
// MADD: %[[HIGHS:.*]] = anybit.x86_vpshufb %[[HIGHTABLE]], %[[UPPER]]
// MADD: %[[WORDS:.*]] = vector.bitcast %[[MFIELD]] : vector<32xi8> to vector<16xi16>
// MADD: %[[TWO:.*]] = arith.constant dense<2> : vector<16xi16>
// MADD: %[[UP:.*]] = arith.shli %[[WORDS]], %[[TWO]]
// MADD: %[[SIGNS:.*]] = vector.bitcast %[[UP]] : vector<16xi16> to vector<32xi8>
// MADD: %[[ACT:.*]] = vector.transfer_read
// MADD: %[[SIGNED:.*]] = anybit.x86_vpsignb %[[ACT]], %[[SIGNS]]
// MADD: %[[LP2:.*]] = anybit.x86_vpmaddubsw %[[LOWS]], %[[SIGNED]]
// MADD: %[[LS:.*]] = arith.addi %{{.*}}, %[[LP2]] : vector<16xi16>
// MADD: %[[HP2:.*]] = anybit.x86_vpmaddubsw %[[HIGHS]], %[[SIGNED]]
// MADD: %[[HS:.*]] = arith.addi %{{.*}}, %[[HP2]] : vector<16xi16>
// MADD-NOT: anybit.x86_vpmaddwd
// MADD: scf.yield %[[LS]], %[[HS]]
// MADD: %[[ONES:.*]] = arith.constant dense<1> : vector<16xi16>
// MADD: anybit.x86_vpmaddwd %[[BLOCKS]]#0, %[[ONES]]
// MADD: %[[EIGHTS:.*]] = arith.constant dense<8> : vector<16xi16>
// MADD: anybit.x86_vpmaddwd %[[BLOCKS]]#1, %[[EIGHTS]]
// MADD-NOT: arith.shli %{{.*}} : vector<8xi32>
// MADD: arith.sitofp

// -----

func.func @gemv_e2m3(%a: tensor<1x256xi8>, %w: tensor<8x256x!anybit.float<e2m3>, #anybit.packed<block = [1, 64], scale = f16>>) -> tensor<1x8xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<1x256xi8>, tensor<8x256x!anybit.float<e2m3>, #anybit.packed<block = [1, 64], scale = f16>> -> tensor<1x8xf32>
  return %c : tensor<1x8xf32>
}

// e2m3's magnitudes are 0..60 eighths: one table of the 32, two vpshufb
// and a select on bit 4 (bit 5, the sign, is no part of the index), and
// one product with the signed activations, where the offset codes of all
// 64 patterns took four vpshufb and three selects.
// MADD-LABEL: func.func @gemv_e2m3(
// MADD: scf.if
// MADD-COUNT-4: anybit.x86_vpshufb %cst
// MADD: } else {
// MADD: %[[FIELD:.*]] = anybit.x86_vpackuswb
// MADD: %[[LOWTABLE:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : vector<32xi8>
// MADD: %[[LOWQ:.*]] = anybit.x86_vpshufb %[[LOWTABLE]], %[[FIELD]]
// MADD: %[[UPPERTABLE:.*]] = arith.constant dense<[16, 18, 20, 22, 24, 26, 28, 30, 32, 36, 40, 44, 48, 52, 56, 60, 16, 18, 20, 22, 24, 26, 28, 30, 32, 36, 40, 44, 48, 52, 56, 60]> : vector<32xi8>
// MADD: %[[UPPERQ:.*]] = anybit.x86_vpshufb %[[UPPERTABLE]], %[[FIELD]]
// MADD: %[[CODES:.*]] = arith.select %{{.*}}, %[[UPPERQ]], %[[LOWQ]]
// MADD-NOT: anybit.x86_vpshufb
// MADD: %[[SIGNED:.*]] = anybit.x86_vpsignb
// MADD: %[[PAIRS:.*]] = anybit.x86_vpmaddubsw %[[CODES]], %[[SIGNED]]
// MADD: %[[SUM:.*]] = arith.addi %{{.*}}, %[[PAIRS]] : vector<16xi16>
// MADD: scf.yield %[[SUM]] : vector<16xi16>
// MADD: anybit.x86_vpmaddwd
// MADD-NOT: anybit.x86_vpmaddubsw
// MADD: arith.sitofp

// -----

func.func @gemv_e2m2(%a: tensor<1x256xi8>, %w: tensor<8x256x!anybit.float<e2m2>, #anybit.packed<block = [1, 64], scale = f16>>) -> tensor<1x8xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<1x256xi8>, tensor<8x256x!anybit.float<e2m2>, #anybit.packed<block = [1, 64], scale = f16>> -> tensor<1x8xf32>
  return %c : tensor<1x8xf32>
}

// e2m2's 16 magnitudes (0..28 quarters) are one vpshufb of the 5-bit field
// whose sign, bit 4, the lookup ignores; the field shifted up by 3 signs
// the activations.
// MADD-LABEL: func.func @gemv_e2m2(
// MADD: } else {
// MADD: %[[FIELD:.*]] = anybit.x86_vpackuswb
// MADD: %[[TABLE:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 0,
// MADD: %[[CODES:.*]] = anybit.x86_vpshufb %[[TABLE]], %[[FIELD]] : vector<32xi8>
// MADD: %[[THREE:.*]] = arith.constant dense<3> : vector<16xi16>
// MADD: arith.shli %{{.*}}, %[[THREE]] : vector<16xi16>
// MADD: %[[SIGNED:.*]] = anybit.x86_vpsignb
// MADD: anybit.x86_vpmaddubsw %[[CODES]], %[[SIGNED]]

// -----

func.func @batch_pairs(%a: tensor<3x128xi8, #anybit.packed<block = [1, 128], scale = f32>>, %w: tensor<4x128xi4, #anybit.packed<block = [1, 32], scale = f16>>) -> tensor<3x4xf32> {
  %c = anybit.matmul %a, %w {accumulator = f32, transpose_rhs} : tensor<3x128xi8, #anybit.packed<block = [1, 128], scale = f32>>, tensor<4x128xi4, #anybit.packed<block = [1, 32], scale = f16>> -> tensor<3x4xf32>
  return %c : tensor<3x4xf32>
}

// A scaled small batch with 512-bit vpdpbusd takes two rows of W a tile,
// t and t + N / 2 (each row one sequential stream), whose products share
// each row of A's offset sums and A' loads; the tile's outputs are columns
// t and t + 2. With 256 bits (16 registers), one row a tile.
// ZMM-LABEL: func.func @batch_pairs(
// ZMM: scf.forall (%[[T:.*]]) in (2) shared_outs(%[[Y:.*]] = %{{.*}}) -> (tensor<3x4xf32>)
// ZMM: tensor.extract_slice %[[Y]][0, %[[T]]] [3, 2] [1, 2] : tensor<3x4xf32> to tensor<3x2xf32>
// ZMM: %[[SEED:.*]] = arith.extsi %{{.*}} : vector<16xi16> to vector<16xi32>
// ZMM: anybit.x86_vpdpbusd %[[SEED]],
// ZMM: %[[SECOND:.*]] = arith.addi %[[T]], %{{.*}} : index
// ZMM: arith.muli %[[SECOND]],
// ZMM: anybit.x86_vpdpbusd %[[SEED]],
// The tile's 6 outputs are summed together: 4 folded into one vector (the
// lower halves of two vectors' lanes against their upper halves, then
// quarters), each reduced within its 4 lanes, then 2 more.
// ZMM: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23] : vector<16xf32>, vector<16xf32>
// ZMM: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27] : vector<16xf32>, vector<16xf32>
// ZMM: vector.extract %{{.*}}[12] : f32 from vector<16xf32>
// ZMM: vector.extract %{{.*}}[8] : f32 from vector<16xf32>
// ZMM-NOT: vector.reduction
// ZMM: tensor.parallel_insert_slice %{{.*}} into %[[Y]][0, %[[T]]] [3, 2] [1, 2] : tensor<3x2xf32> into tensor<3x4xf32>
// CHECK-LABEL: func.func @batch_pairs(
// CHECK: scf.forall (%{{.*}}) in (4)
