// maximumf/minimumf of a signaling NaN and a number that cannot be NaN (a
// converted integer) is NaN. With AVX-512 DQ, LLVM's x86 backend tested the
// maybe-NaN operand for quiet NaNs only (vfpclass) and returned the number;
// the CPU target quiets such operands first (llvm.canonicalize).
// RUN: anybitc %s -O3 --run=max64 --inputs '0x7FF0000000000001' '0' --check | FileCheck %s --check-prefix=MAX64
// RUN: anybitc %s -O0 --run=max64 --inputs '0x7FF0000000000001' '0' --check | FileCheck %s --check-prefix=MAX64
// RUN: anybitc %s -O3 --run=min32 --inputs '0xFF800001' '-3' --check | FileCheck %s --check-prefix=MIN32
// RUN: anybitc %s -O3 --run=max64 --inputs '2.5' '3' --check | FileCheck %s --check-prefix=NUMBER
// RUN: anybitc %s -O3 --emit=llvm -o - | FileCheck %s --check-prefix=IR

// MAX64: result0: f64 = nan
// MAX64: check: 1 results match the reference VM
// MIN32: result0: f32 = nan
// MIN32: check: 1 results match the reference VM
// NUMBER: result0: f64 = 3
// NUMBER: check: 1 results match the reference VM
// IR-LABEL: define {{.*}}@max64(
// IR: call double @llvm.maximum.f64(
// IR-LABEL: define {{.*}}@min32(
// IR: call float @llvm.minimum.f32(

func.func @max64(%a: f64, %k: i64) -> f64 {
  %b = arith.sitofp %k : i64 to f64
  %m = arith.maximumf %a, %b : f64
  return %m : f64
}

func.func @min32(%a: f32, %k: i32) -> f32 {
  %b = arith.sitofp %k : i32 to f32
  %m = arith.minimumf %b, %a : f32
  return %m : f32
}
