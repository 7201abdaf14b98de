// The arith code of each reduction method. Constants were checked by hand
// (python3): for Q = 1073692673 (30 bits), mu = 2^61 // Q = 2147581954
// (printed as the i32 -2147385342), Q^-1 mod 2^32 = 1342226433,
// 2^64 mod Q = 196588 and floor(123456789 * 2^32 / Q) = 493849762.
// RUN: anybit-opt %s --convert-modarith-to-arith=reduction=barrett --split-input-file | FileCheck %s --check-prefix=BARRETT
// RUN: anybit-opt %s --convert-modarith-to-arith=reduction=montgomery --split-input-file | FileCheck %s --check-prefix=MONT
// RUN: anybit-opt %s --convert-modarith-to-arith=reduction=shoup --split-input-file | FileCheck %s --check-prefix=SHOUP
// RUN: anybit-opt %s --convert-modarith-to-arith=reduction=remainder --split-input-file | FileCheck %s --check-prefix=REM
// RUN: anybit-opt %s --convert-modarith-to-arith --split-input-file | FileCheck %s --check-prefix=AUTO

!q30 = !modarith.int<1073692673 : i32>

// Barrett on a 30-bit modulus in i32: q1 = x >> 28 and mu fit in 32 bits,
// so the quotient is one 32 x 32 -> 64-bit product, the remainder is
// computed in 32 bits and one conditional subtraction finishes.
// BARRETT-LABEL: func.func @mul(
// BARRETT-SAME: %[[A:[^:]*]]: i32, %[[B:[^:]*]]: i32) -> i32
// BARRETT-SAME: anybit.signature = (!modarith.int<1073692673 : i32>, !modarith.int<1073692673 : i32>) -> !modarith.int<1073692673 : i32>
// BARRETT: %[[AW:.*]] = arith.extui %[[A]] : i32 to i64
// BARRETT: %[[BW:.*]] = arith.extui %[[B]] : i32 to i64
// BARRETT: %[[X:.*]] = arith.muli %[[AW]], %[[BW]] : i64
// BARRETT-DAG: %[[Q:.*]] = arith.constant 1073692673 : i32
// BARRETT-DAG: %[[MU:.*]] = arith.constant -2147385342 : i32
// BARRETT-DAG: %[[S1:.*]] = arith.constant 28 : i64
// BARRETT-DAG: %[[S2:.*]] = arith.constant 33 : i64
// BARRETT: %[[Q1:.*]] = arith.shrui %[[X]], %[[S1]] : i64
// BARRETT: %[[Q1N:.*]] = arith.trunci %[[Q1]] : i64 to i32
// BARRETT: %[[Q1W:.*]] = arith.extui %[[Q1N]] : i32 to i64
// BARRETT: %[[MUW:.*]] = arith.extui %[[MU]] : i32 to i64
// BARRETT: %[[P:.*]] = arith.muli %[[Q1W]], %[[MUW]] : i64
// BARRETT: %[[QUO:.*]] = arith.shrui %[[P]], %[[S2]] : i64
// BARRETT: %[[XN:.*]] = arith.trunci %[[X]] : i64 to i32
// BARRETT: %[[QUON:.*]] = arith.trunci %[[QUO]] : i64 to i32
// BARRETT: %[[QQ:.*]] = arith.muli %[[QUON]], %[[Q]] : i32
// BARRETT: %[[R:.*]] = arith.subi %[[XN]], %[[QQ]] : i32
// BARRETT: %[[RQ:.*]] = arith.subi %[[R]], %[[Q]] : i32
// BARRETT: %[[OUT:.*]] = arith.minui %[[R]], %[[RQ]] : i32
// BARRETT-NOT: arith.minui
// BARRETT: return %[[OUT]] : i32

// Montgomery: the arguments enter Montgomery form (REDC of a * (2^64 mod Q)),
// the product is one REDC (m = lo * Q^-1, u = hi - hi(m * Q), plus Q when
// negative), and the result leaves it (REDC of the zero-extended value).
// MONT-LABEL: func.func @mul(
// MONT: arith.constant 196588 : i64
// MONT: %[[AM:.*]] = arith.select
// MONT: arith.constant 196588 : i64
// MONT: %[[BM:.*]] = arith.select
// MONT: %[[AMW:.*]] = arith.extui %[[AM]] : i32 to i64
// MONT: %[[BMW:.*]] = arith.extui %[[BM]] : i32 to i64
// MONT: %[[PROD:.*]] = arith.muli %[[AMW]], %[[BMW]] : i64
// MONT: arith.constant 1342226433 : i32
// MONT: %[[LO:.*]] = arith.trunci %[[PROD]] : i64 to i32
// MONT: %[[HI64:.*]] = arith.shrui %[[PROD]], %{{.*}} : i64
// MONT: %[[HI:.*]] = arith.trunci %[[HI64]] : i64 to i32
// MONT: %[[M:.*]] = arith.muli %[[LO]], %{{.*}} : i32
// MONT: %[[MW:.*]] = arith.extui %[[M]] : i32 to i64
// MONT: %[[MQ:.*]] = arith.muli %[[MW]], %{{.*}} : i64
// MONT: %[[MQHI64:.*]] = arith.shrui %[[MQ]], %{{.*}} : i64
// MONT: %[[MQHI:.*]] = arith.trunci %[[MQHI64]] : i64 to i32
// MONT: %[[U:.*]] = arith.subi %[[HI]], %[[MQHI]] : i32
// MONT: %[[NEG:.*]] = arith.cmpi ult, %[[HI]], %[[MQHI]] : i32
// MONT: %[[UQ:.*]] = arith.addi %[[U]], %{{.*}} : i32
// MONT: %[[P:.*]] = arith.select %[[NEG]], %[[UQ]], %[[U]] : i32
// MONT: %[[PW:.*]] = arith.extui %[[P]] : i32 to i64
// MONT-NOT: arith.constant 196588
// MONT: return

// Products with a constant: Shoup multiplies by the companion
// floor(c * 2^32 / Q) and subtracts at most once; the others are Barrett.
// SHOUP-LABEL: func.func @mul(
// SHOUP: arith.constant -2147385342 : i32
// SHOUP-LABEL: func.func @by_constant(
// SHOUP-SAME: %[[A:[^:]*]]: i32
// SHOUP-DAG: %[[C:.*]] = arith.constant 123456789 : i32
// SHOUP-DAG: %[[CS:.*]] = arith.constant 493849762 : i32
// SHOUP-DAG: %[[Q:.*]] = arith.constant 1073692673 : i32
// SHOUP: %[[AW:.*]] = arith.extui %[[A]] : i32 to i64
// SHOUP: %[[CSW:.*]] = arith.extui %[[CS]] : i32 to i64
// SHOUP: %[[P:.*]] = arith.muli %[[AW]], %[[CSW]] : i64
// SHOUP: %[[HI:.*]] = arith.shrui %[[P]], %{{.*}} : i64
// SHOUP: %[[QUO:.*]] = arith.trunci %[[HI]] : i64 to i32
// SHOUP: %[[AC:.*]] = arith.muli %[[A]], %[[C]] : i32
// SHOUP: %[[QQ:.*]] = arith.muli %[[QUO]], %[[Q]] : i32
// SHOUP: %[[R:.*]] = arith.subi %[[AC]], %[[QQ]] : i32
// SHOUP: %[[RQ:.*]] = arith.subi %[[R]], %[[Q]] : i32
// SHOUP: %[[OUT:.*]] = arith.minui %[[R]], %[[RQ]] : i32
// SHOUP: return %[[OUT]] : i32

// REM-LABEL: func.func @mul(
// REM: %[[X:.*]] = arith.muli %{{.*}}, %{{.*}} : i64
// REM: %[[Q:.*]] = arith.constant 1073692673 : i64
// REM: %[[R:.*]] = arith.remui %[[X]], %[[Q]] : i64
// REM: %[[OUT:.*]] = arith.trunci %[[R]] : i64 to i32
// REM: return %[[OUT]] : i32
func.func @mul(%a: !q30, %b: !q30) -> !q30 {
  %p = modarith.mul %a, %b : !q30
  return %p : !q30
}

// Montgomery folds the constant into Montgomery form:
// 123456789 * 2^32 mod Q = 201978718.
// MONT-LABEL: func.func @by_constant(
// MONT: arith.constant 201978718 : i32
func.func @by_constant(%a: !q30) -> !q30 {
  %c = modarith.constant 123456789 : !q30
  %p = modarith.mul %c, %a : !q30
  return %p : !q30
}

// -----

// Q = 2^31 - 1 in i32: the one-subtraction constants would need 33-bit
// multiplies, so Barrett takes q1 = x >> 30, mu = 2^62 // Q, two
// subtractions, and computes the remainder in 64 bits (3Q > 2^32).
!q31 = !modarith.int<2147483647 : i32>
// BARRETT-LABEL: func.func @two_subtractions(
// BARRETT-DAG: %[[Q:.*]] = arith.constant 2147483647 : i64
// BARRETT-DAG: arith.constant -2147483647 : i32
// BARRETT-DAG: arith.constant 30 : i64
// BARRETT-DAG: arith.constant 32 : i64
// BARRETT: %[[R:.*]] = arith.subi %{{.*}}, %{{.*}} : i64
// BARRETT: %[[R1Q:.*]] = arith.subi %[[R]], %[[Q]] : i64
// BARRETT: %[[R1:.*]] = arith.minui %[[R]], %[[R1Q]] : i64
// BARRETT: %[[R2Q:.*]] = arith.subi %[[R1]], %[[Q]] : i64
// BARRETT: %[[R2:.*]] = arith.minui %[[R1]], %[[R2Q]] : i64
// BARRETT: arith.trunci %[[R2]] : i64 to i32
func.func @two_subtractions(%a: !q31, %b: !q31) -> !q31 {
  %p = modarith.mul %a, %b : !q31
  return %p : !q31
}

// -----

// Additions, subtractions and negations are the same in every method: a
// wrapping op and min(r, r - Q) (r - Q wraps above r when r < Q).
!q = !modarith.int<97 : i8>
// AUTO-LABEL: func.func @ring(
// AUTO-SAME: %[[A:[^:]*]]: i8, %[[B:[^:]*]]: i8, %[[X:[^:]*]]: i8, %[[W:[^:]*]]: i64
// AUTO: %[[Q:.*]] = arith.constant 97 : i8
// AUTO: %[[S:.*]] = arith.addi %[[A]], %[[B]] : i8
// AUTO: %[[SQ:.*]] = arith.subi %[[S]], %[[Q]] : i8
// AUTO: %[[SUM:.*]] = arith.minui %[[S]], %[[SQ]] : i8
// AUTO: %[[D:.*]] = arith.subi %[[A]], %[[B]] : i8
// AUTO: %[[DQ:.*]] = arith.addi %[[D]], %{{.*}} : i8
// AUTO: %[[DIFF:.*]] = arith.minui %[[D]], %[[DQ]] : i8
// AUTO: %[[N:.*]] = arith.subi %[[Q2:.*]], %[[A]] : i8
// AUTO: %[[NQ:.*]] = arith.subi %[[N]], %[[Q2]] : i8
// AUTO: %[[NEG:.*]] = arith.minui %[[N]], %[[NQ]] : i8
// encapsulate: Barrett of an i8 (mu = 2^9 // 97 = 5, q1 = x >> 5).
// AUTO: arith.shrui %[[X]], %{{.*}} : i8
// AUTO: %[[ENC:.*]] = arith.minui %{{.*}}, %{{.*}} : i8
// reduce of an i64: Barrett with 64-bit words (mu = 2^65 // 97).
// AUTO: arith.constant 380345238633186631 : i64
// AUTO: arith.shrui %[[W]], %{{.*}} : i64
// AUTO: arith.muli %{{.*}}, %{{.*}} : i128
// AUTO: %[[RED64:.*]] = arith.minui %{{.*}}, %{{.*}} : i64
// AUTO: %[[RED:.*]] = arith.trunci %[[RED64]] : i64 to i8
// extract is the identity on the word.
// AUTO: return %[[SUM]], %[[DIFF]], %[[NEG]], %[[ENC]], %[[RED]], %[[SUM]]
func.func @ring(%a: !q, %b: !q, %x: i8, %w: i64) -> (!q, !q, !q, !q, !q, i8) {
  %s = modarith.add %a, %b : !q
  %d = modarith.sub %a, %b : !q
  %n = modarith.neg %a : !q
  %e = modarith.encapsulate %x : i8 -> !q
  %r = modarith.reduce %w : i64 -> !q
  %o = modarith.extract %s : !q -> i8
  return %s, %d, %n, %e, %r, %o : !q, !q, !q, !q, !q, i8
}

// Q = 2^32 - 5 leaves no spare bit: a + b is selected against Q - b.
!big = !modarith.int<4294967291 : i32>
// AUTO-LABEL: func.func @full_word(
// AUTO-SAME: %[[A:[^:]*]]: i32, %[[B:[^:]*]]: i32
// AUTO: %[[Q:.*]] = arith.constant -5 : i32
// AUTO: %[[QB:.*]] = arith.subi %[[Q]], %[[B]] : i32
// AUTO: %[[GE:.*]] = arith.cmpi uge, %[[A]], %[[QB]] : i32
// AUTO: %[[HI:.*]] = arith.subi %[[A]], %[[QB]] : i32
// AUTO: %[[LO:.*]] = arith.addi %[[A]], %[[B]] : i32
// AUTO: arith.select %[[GE]], %[[HI]], %[[LO]] : i32
func.func @full_word(%a: !big, %b: !big) -> !big {
  %s = modarith.add %a, %b : !big
  return %s : !big
}

// Element-wise on tensors: splat constants; mac is one reduction of
// a * b + c (here with two subtractions, since 8-bit words leave no room).
!qt = tensor<4x!modarith.int<97 : i8>>
// AUTO-LABEL: func.func @tensor_mac(
// AUTO-SAME: tensor<4xi8>
// AUTO: %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : tensor<4xi16>
// AUTO: %[[X:.*]] = arith.addi %[[P]], %{{.*}} : tensor<4xi16>
// AUTO: arith.constant dense<97> : tensor<4xi16>
// AUTO-COUNT-2: arith.minui
// AUTO: arith.trunci %{{.*}} : tensor<4xi16> to tensor<4xi8>
func.func @tensor_mac(%a: !qt, %b: !qt, %c: !qt) -> !qt {
  %m = modarith.mac %a, %b, %c : !qt
  return %m : !qt
}

// Montgomery converts at calls: canonical arguments out, the result back in.
// MONT-LABEL: func.func @caller(
// MONT: arith.constant 19 : i8
// MONT: %[[R:.*]] = call @callee(%{{.*}}, %{{.*}}) : (i8, i8) -> i8
// MONT: arith.extui %[[R]] : i8 to i16
// MONT: arith.constant 61 : i16
func.func @caller(%a: !q) -> !q {
  %c = modarith.constant 5 : !q
  %r = func.call @callee(%a, %c) : (!q, !q) -> !q
  return %r : !q
}
func.func private @callee(!q, !q) -> !q

// -----

// An RNS tensor becomes its words; each op works limb by limb on slices of
// the limb dimension, with the limb's modulus, and inserts each limb's
// result into the plain result. Limbs stay canonical under Montgomery too.
!r = tensor<2x4xi32, #modarith.rns<[1073479681, 998244353]>>
// AUTO-LABEL: func.func @rns_add(
// AUTO-SAME: %[[X:.*]]: tensor<2x4xi32>, %[[Y:.*]]: tensor<2x4xi32>) -> tensor<2x4xi32>
// AUTO: %[[X0:.*]] = tensor.extract_slice %[[X]][0, 0] [1, 4] [1, 1] : tensor<2x4xi32> to tensor<4xi32>
// AUTO: %[[Y0:.*]] = tensor.extract_slice %[[Y]][0, 0] [1, 4] [1, 1] : tensor<2x4xi32> to tensor<4xi32>
// AUTO: %[[Q0:.*]] = arith.constant dense<1073479681> : tensor<4xi32>
// AUTO: %[[S0:.*]] = arith.addi %[[X0]], %[[Y0]] : tensor<4xi32>
// AUTO: arith.subi %[[S0]], %[[Q0]]
// AUTO: arith.minui
// AUTO: %[[R0:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [1, 4] [1, 1] : tensor<4xi32> into tensor<2x4xi32>
// AUTO: tensor.extract_slice %[[X]][1, 0] [1, 4] [1, 1]
// AUTO: arith.constant dense<998244353> : tensor<4xi32>
// AUTO: %[[R1:.*]] = tensor.insert_slice %{{.*}} into %[[R0]][1, 0] [1, 4] [1, 1]
// AUTO: return %[[R1]] : tensor<2x4xi32>
// MONT-LABEL: func.func @rns_add(
// MONT-NOT: arith.muli
// MONT: return
func.func @rns_add(%x: !r, %y: !r) -> !r {
  %s = modarith.add %x, %y : !r
  return %s : !r
}

// -----

// mul_shoup with the companion c': q = hi(a * c'), r = a * w - q * Q in
// W bits, one correction; under Montgomery the companion is unused (w is in
// Montgomery form) and the product is a REDC.
!s = !modarith.int<7681 : i16>
// AUTO-LABEL: func.func @mul_shoup(
// AUTO-SAME: %[[A:.*]]: i16, %[[W:.*]]: i16, %[[WP:.*]]: i16) -> i16
// AUTO: %[[A32:.*]] = arith.extui %[[A]] : i16 to i32
// AUTO: %[[WP32:.*]] = arith.extui %[[WP]] : i16 to i32
// AUTO: %[[HI:.*]] = arith.muli %[[A32]], %[[WP32]] : i32
// AUTO: arith.shrui %[[HI]]
// AUTO: %[[AW:.*]] = arith.muli %[[A]], %[[W]] : i16
// AUTO: arith.subi %[[AW]]
// AUTO: arith.minui
// MONT-LABEL: func.func @mul_shoup(
// MONT-SAME: %{{.*}}: i16, %{{.*}}: i16, %[[WP:.*]]: i16) -> i16
// MONT-NOT: %[[WP]]
// MONT: return
func.func @mul_shoup(%a: !s, %w: !s, %wp: i16) -> !s {
  %p = modarith.mul_shoup %a, %w, %wp : !s, i16
  return %p : !s
}

// -----

// Residues pass through linalg ops (their regions retyped) and selects as
// their words; the modarith op after them still lowers (a failure there
// once undid the linalg op's rewrite and crashed).
!p = !modarith.int<97 : i8>
// AUTO-LABEL: func.func @pass_through(
// AUTO-SAME: %[[Y:[^:]*]]: tensor<2xi8>, %[[B:[^:]*]]: i1) -> tensor<2xi8>
// AUTO: %[[INIT:.*]] = tensor.empty() : tensor<2xi8>
// AUTO: %[[C:.*]] = linalg.copy ins(%[[Y]] : tensor<2xi8>) outs(%[[INIT]] : tensor<2xi8>) -> tensor<2xi8>
// AUTO: %[[S:.*]] = arith.select %[[B]], %[[C]], %[[Y]] : tensor<2xi8>
// AUTO: %[[G:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<2xi8>) outs(%[[INIT]] : tensor<2xi8>)
// AUTO-NEXT: ^bb0(%[[IN:.*]]: i8, %{{.*}}: i8):
// AUTO-NEXT: linalg.yield %[[IN]] : i8
// AUTO: %[[SUM:.*]] = arith.addi %[[G]], %[[Y]] : tensor<2xi8>
// AUTO: arith.minui %[[SUM]]
func.func @pass_through(%y: tensor<2x!p>, %b: i1) -> tensor<2x!p> {
  %init = tensor.empty() : tensor<2x!p>
  %c = linalg.copy ins(%y : tensor<2x!p>) outs(%init : tensor<2x!p>) -> tensor<2x!p>
  %s = arith.select %b, %c, %y : tensor<2x!p>
  %g = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%s : tensor<2x!p>) outs(%init : tensor<2x!p>) {
  ^bb0(%in: !p, %out: !p):
    linalg.yield %in : !p
  } -> tensor<2x!p>
  %sum = modarith.add %g, %y : tensor<2x!p>
  return %sum : tensor<2x!p>
}
