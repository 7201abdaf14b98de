// RUN: anybit-opt %s --convert-vector-to-llvm="enable-x86vector" | FileCheck %s

// Each anybit x86 op becomes its LLVM intrinsic with the operands in the
// intrinsic's order (X86IntrinsicOpInterface): the table or data first and
// the indices second for the permutes, the accumulator first for
// vpdpbusd, the control (bit offsets) first for vpmultishiftqb.

// CHECK-LABEL: func.func @zmm(
// CHECK-SAME: %[[ACC:[^:]*]]: vector<16xi32>, %[[U:[^:]*]]: vector<64xi8>, %[[S:[^:]*]]: vector<64xi8>, %[[W:[^:]*]]: vector<32xi16>, %[[T:[^:]*]]: vector<16xf32>, %[[I:[^:]*]]: vector<16xi32>, %[[H:[^:]*]]: vector<16xf32>)
func.func @zmm(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi8>,
               %w: vector<32xi16>, %t: vector<16xf32>, %i: vector<16xi32>,
               %h: vector<16xf32>)
    -> (vector<16xi32>, vector<64xi8>, vector<64xi8>, vector<64xi8>,
        vector<32xi16>, vector<16xi32>, vector<16xf32>, vector<16xf32>,
        vector<64xi8>) {
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[ACC]], %[[U]], %[[S]])
  %0 = anybit.x86_vpdpbusd %acc, %u, %s : vector<64xi8> -> vector<16xi32>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.pmultishift.qb.512"(%[[U]], %[[S]])
  %1 = anybit.x86_vpmultishiftqb %u, %s : vector<64xi8>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.pshuf.b.512"(%[[U]], %[[S]])
  %2 = anybit.x86_vpshufb %u, %s : vector<64xi8>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.permvar.qi.512"(%[[U]], %[[S]])
  %3 = anybit.x86_vpermb %u, %s : vector<64xi8>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.pmaddubs.w.512"(%[[U]], %[[S]])
  %4 = anybit.x86_vpmaddubsw %u, %s : vector<64xi8> -> vector<32xi16>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"(%[[W]], %[[W]])
  %5 = anybit.x86_vpmaddwd %w, %w : vector<32xi16> -> vector<16xi32>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.packuswb.512"(%[[W]], %[[W]])
  %p = anybit.x86_vpackuswb %w, %w : vector<32xi16> -> vector<64xi8>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[T]], %[[I]])
  %6 = anybit.x86_vpermps %t, %i : vector<16xf32>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.ps.512"(%[[T]], %[[I]], %[[H]])
  %7 = anybit.x86_vpermi2ps %t, %i, %h : vector<16xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %p
      : vector<16xi32>, vector<64xi8>, vector<64xi8>, vector<64xi8>,
        vector<32xi16>, vector<16xi32>, vector<16xf32>, vector<16xf32>,
        vector<64xi8>
}

// CHECK-LABEL: func.func @ymm(
// CHECK-SAME: %{{[^:]*}}: vector<8xi32>, %[[YU:[^:]*]]: vector<32xi8>, %[[YS:[^:]*]]: vector<32xi8>
func.func @ymm(%acc: vector<8xi32>, %u: vector<32xi8>, %s: vector<32xi8>,
               %w: vector<16xi16>)
    -> (vector<8xi32>, vector<32xi8>, vector<16xi16>, vector<8xi32>,
        vector<32xi8>, vector<32xi8>) {
  // CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
  %0 = anybit.x86_vpdpbusd %acc, %u, %s : vector<32xi8> -> vector<8xi32>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"
  %1 = anybit.x86_vpshufb %u, %s : vector<32xi8>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
  %2 = anybit.x86_vpmaddubsw %u, %s : vector<32xi8> -> vector<16xi16>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
  %3 = anybit.x86_vpmaddwd %w, %w : vector<16xi16> -> vector<8xi32>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx2.packuswb"(%[[YW:[^)]*]], %[[YW]])
  %4 = anybit.x86_vpackuswb %w, %w : vector<16xi16> -> vector<32xi8>
  // CHECK: llvm.call_intrinsic "llvm.x86.avx2.psign.b"(%[[YU]], %[[YS]])
  %5 = anybit.x86_vpsignb %u, %s : vector<32xi8>
  return %0, %1, %2, %3, %4, %5
      : vector<8xi32>, vector<32xi8>, vector<16xi16>, vector<8xi32>, vector<32xi8>,
        vector<32xi8>
}

// The FMA with embedded rounding takes its rounding immediate last: 8,
// round to nearest even with exceptions suppressed ({rn-sae}).
// CHECK-LABEL: func.func @fma_rn(
// CHECK-SAME: %[[A:[^:]*]]: vector<16xf32>, %[[B:[^:]*]]: vector<16xf32>, %[[C:[^:]*]]: vector<16xf32>)
// CHECK: %[[RN:.*]] = llvm.mlir.constant(8 : i32) : i32
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vfmadd.ps.512"(%[[A]], %[[B]], %[[C]], %[[RN]])
func.func @fma_rn(%a: vector<16xf32>, %b: vector<16xf32>, %c: vector<16xf32>) -> vector<16xf32> {
  %0 = anybit.x86_vfmaddps_rn %a, %b, %c : vector<16xf32>
  return %0 : vector<16xf32>
}
