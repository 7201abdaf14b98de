// RUN: anybit-opt %s --pass-pipeline="builtin.module(func.func(anybit-prefetch-streams{distance=256}))" --split-input-file | FileCheck %s
// RUN: anybit-opt %s --pass-pipeline="builtin.module(func.func(anybit-prefetch-streams{distance=4096}))" --split-input-file | FileCheck %s --check-prefix=LINES
// A negative distance is an error of the option, not "none".
// RUN: not anybit-opt %s --pass-pipeline="builtin.module(func.func(anybit-prefetch-streams{distance=-1}))" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not anybit-opt %s --pass-pipeline="builtin.module(anybit-cpu-pipeline{prefetch-distance=-5})" 2>&1 | FileCheck %s --check-prefix=NEGATIVE-PIPELINE
// NEGATIVE: for the --distance option: '-1' value invalid for uint argument!
// NEGATIVE-PIPELINE: for the --prefetch-distance option: '-5' value invalid for uint argument!

// A loop reading 48 packed bytes an iteration (two reads of one buffer, from
// byte 48 i + 16): one prefetch, 256 bytes ahead of the first read, clamped
// to the buffer's last byte.
// CHECK-LABEL: func.func @stream
// CHECK: scf.for %[[I:.*]] =
// CHECK:   %[[AT:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK:   %[[DIST:.*]] = arith.constant 256 : index
// CHECK:   %[[AHEAD:.*]] = arith.addi %[[AT]], %[[DIST]] : index
// CHECK:   %[[LAST:.*]] = arith.constant 4095 : index
// CHECK:   %[[CLAMPED:.*]] = arith.minui %[[AHEAD]], %[[LAST]] : index
// CHECK:   memref.prefetch %{{.*}}[%[[CLAMPED]]], read, locality<3>, data : memref<4096xi8>
// CHECK:   vector.transfer_read %{{.*}}[%[[AT]]]
// CHECK-NOT: memref.prefetch
// CHECK:   vector.load
// CHECK: scf.yield
func.func @stream(%w: memref<4096xi8>, %n: index) -> vector<64xi8> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c48 = arith.constant 48 : index
  %pad = arith.constant 0 : i8
  %zero = arith.constant dense<0> : vector<64xi8>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> vector<64xi8> {
    %off = arith.muli %i, %c48 : index
    %at = arith.addi %off, %c16 : index
    %x = vector.transfer_read %w[%at], %pad {in_bounds = [true]} : memref<4096xi8>, vector<64xi8>
    %y = vector.load %w[%at] : memref<4096xi8>, vector<64xi8>
    %s = arith.addi %x, %y : vector<64xi8>
    %t = arith.addi %acc, %s : vector<64xi8>
    scf.yield %t : vector<64xi8>
  }
  return %r : vector<64xi8>
}

// -----

// Not streams of packed bytes: f32 activations (reused from the cache), an
// index read from memory, a step of more than the distance, a constant
// index.
// CHECK-LABEL: func.func @not_streams
// CHECK-NOT: memref.prefetch
func.func @not_streams(%a: memref<4096xf32>, %w: memref<65536xi8>, %idx: memref<64xindex>) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c512 = arith.constant 512 : index
  %pad = arith.constant 0.0 : f32
  %pad8 = arith.constant 0 : i8
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %r = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %zero) -> vector<16xf32> {
    %off = arith.muli %i, %c16 : index
    %x = vector.transfer_read %a[%off], %pad {in_bounds = [true]} : memref<4096xf32>, vector<16xf32>
    %j = memref.load %idx[%i] : memref<64xindex>
    %y = vector.load %w[%j] : memref<65536xi8>, vector<16xi8>
    %far = arith.muli %i, %c512 : index
    %z = vector.load %w[%far] : memref<65536xi8>, vector<16xi8>
    %c = vector.load %w[%c16] : memref<65536xi8>, vector<16xi8>
    %sum = arith.addi %y, %z : vector<16xi8>
    %sum2 = arith.addi %sum, %c : vector<16xi8>
    %f = arith.sitofp %sum2 : vector<16xi8> to vector<16xf32>
    %p = arith.addf %x, %f : vector<16xf32>
    %t = arith.addf %acc, %p : vector<16xf32>
    scf.yield %t : vector<16xf32>
  }
  return %r : vector<16xf32>
}

// -----

// A buffer of unknown size is clamped at its dim.
// CHECK-LABEL: func.func @dynamic
// CHECK: scf.for
// CHECK:   %[[DIM:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<?xi8>
// CHECK:   %[[LAST:.*]] = arith.subi %[[DIM]], %{{.*}} : index
// CHECK:   %[[AT:.*]] = arith.minui %{{.*}}, %[[LAST]] : index
// CHECK:   memref.prefetch %{{.*}}[%[[AT]]], read, locality<3>, data : memref<?xi8>
func.func @dynamic(%w: memref<?xi8>, %n: index) -> vector<16xi8> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant dense<0> : vector<16xi8>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> vector<16xi8> {
    %at = arith.muli %c16, %i : index
    %x = vector.load %w[%at] : memref<?xi8>, vector<16xi8>
    %t = arith.addi %acc, %x : vector<16xi8>
    scf.yield %t : vector<16xi8>
  }
  return %r : vector<16xi8>
}

// -----

// Four rows of one buffer read side by side (64 bytes apart, less than the
// distance but not less than the 16-byte stride) are four streams: left to
// the hardware prefetcher. Another buffer in the same loop is still
// prefetched.
// CHECK-LABEL: func.func @rows
// CHECK: scf.for
// CHECK-COUNT-1: memref.prefetch %{{.*}} : memref<1024xi8>
// CHECK-NOT: memref.prefetch
// CHECK: scf.yield
func.func @rows(%w: memref<65536xi8>, %v: memref<1024xi8>) -> vector<16xi8> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c192 = arith.constant 192 : index
  %zero = arith.constant dense<0> : vector<16xi8>
  %r = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %zero) -> vector<16xi8> {
    %at = arith.muli %i, %c16 : index
    %at1 = arith.addi %at, %c64 : index
    %at2 = arith.addi %at, %c128 : index
    %at3 = arith.addi %at, %c192 : index
    %x0 = vector.load %w[%at] : memref<65536xi8>, vector<16xi8>
    %x1 = vector.load %w[%at1] : memref<65536xi8>, vector<16xi8>
    %x2 = vector.load %w[%at2] : memref<65536xi8>, vector<16xi8>
    %x3 = vector.load %w[%at3] : memref<65536xi8>, vector<16xi8>
    %z = vector.load %v[%at] : memref<1024xi8>, vector<16xi8>
    %s0 = arith.addi %x0, %x1 : vector<16xi8>
    %s1 = arith.addi %x2, %x3 : vector<16xi8>
    %s = arith.addi %s0, %s1 : vector<16xi8>
    %s2 = arith.addi %s, %z : vector<16xi8>
    %t = arith.addi %acc, %s2 : vector<16xi8>
    scf.yield %t : vector<16xi8>
  }
  return %r : vector<16xi8>
}

// -----

// Two streams of one buffer and stride (the two bit planes of tiled
// weights, `bit_planes = [2, 2]`, here 2048 bytes apart) each prefetch.
// CHECK-LABEL: func.func @bit_planes
// CHECK: scf.for %[[I:[a-z0-9]+]] =
// CHECK:   %[[AT:.*]] = arith.muli %[[I]], %c16
// CHECK:   %[[HIGH:.*]] = arith.addi %[[AT]], %c2048
// CHECK:   arith.addi %[[AT]], %c256
// CHECK:   memref.prefetch %{{.*}}[%{{.*}}], read, locality<3>, data : memref<4096xi8>
// CHECK:   vector.load %{{.*}}[%[[AT]]]
// CHECK:   arith.addi %[[HIGH]], %c256
// CHECK:   memref.prefetch %{{.*}}[%{{.*}}], read, locality<3>, data : memref<4096xi8>
// CHECK:   vector.load %{{.*}}[%[[HIGH]]]
// CHECK-NOT: memref.prefetch
// CHECK: scf.yield
func.func @bit_planes(%w: memref<4096xi8>) -> vector<16xi8> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c128 = arith.constant 128 : index
  %c2048 = arith.constant 2048 : index
  %zero = arith.constant dense<0> : vector<16xi8>
  %r = scf.for %i = %c0 to %c128 step %c1 iter_args(%acc = %zero) -> vector<16xi8> {
    %at = arith.muli %i, %c16 : index
    %high = arith.addi %at, %c2048 : index
    %x = vector.load %w[%at] : memref<4096xi8>, vector<16xi8>
    %y = vector.load %w[%high] : memref<4096xi8>, vector<16xi8>
    %s = arith.addi %x, %y : vector<16xi8>
    %t = arith.addi %acc, %s : vector<16xi8>
    scf.yield %t : vector<16xi8>
  }
  return %r : vector<16xi8>
}

// -----

// Codes (48 bytes an iteration) and their scales (16 bytes an iteration,
// from byte 8192 of the same buffer) are two streams of different strides:
// each prefetches. A stream of 2 bytes an iteration (a scale a group) is
// too thin to prefetch every iteration.
// CHECK-LABEL: func.func @codes_and_scales
// CHECK: scf.for
// CHECK: memref.prefetch
// CHECK: vector.load
// CHECK: memref.prefetch
// CHECK: vector.load
// CHECK-NOT: memref.prefetch
// CHECK: vector.load
// CHECK: scf.yield
func.func @codes_and_scales(%w: memref<16384xi8>) -> vector<8xi8> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c48 = arith.constant 48 : index
  %c100 = arith.constant 100 : index
  %c8192 = arith.constant 8192 : index
  %c12288 = arith.constant 12288 : index
  %zero = arith.constant dense<0> : vector<8xi8>
  %r = scf.for %i = %c0 to %c100 step %c1 iter_args(%acc = %zero) -> vector<8xi8> {
    %at = arith.muli %i, %c48 : index
    %x = vector.load %w[%at] : memref<16384xi8>, vector<8xi8>
    %s16 = arith.muli %i, %c16 : index
    %sat = arith.addi %s16, %c8192 : index
    %y = vector.load %w[%sat] : memref<16384xi8>, vector<8xi8>
    %s2 = arith.muli %i, %c2 : index
    %tat = arith.addi %s2, %c12288 : index
    %z = vector.load %w[%tat] : memref<16384xi8>, vector<8xi8>
    %s = arith.addi %x, %y : vector<8xi8>
    %s3 = arith.addi %s, %z : vector<8xi8>
    %t = arith.addi %acc, %s3 : vector<8xi8>
    scf.yield %t : vector<8xi8>
  }
  return %r : vector<8xi8>
}

// -----

// A stream that moves several cache lines an iteration (16 rows' words of
// a lookup-table tile: four 64-byte reads, 256 bytes apart each iteration)
// prefetches each of them, the lowest read's index 4096, 4160, 4224 and
// 4288 bytes ahead, before that read (the reads here out of order). So
// does one of two lines (the int8-activation kernels' 128 bytes of 4-bit
// codes: 4096 and 4160 ahead). One of 80 bytes an iteration (128-byte reads
// of 5-bit codes), under two lines, takes one an iteration.
// LINES-LABEL: func.func @lines
// LINES: scf.for %[[I:[a-z0-9]+]] =
// LINES:   %[[LOW:.*]] = arith.muli %[[I]], %{{.*}} : index
// LINES:   vector.load
// LINES:   %[[D0:.*]] = arith.constant 4096 : index
// LINES:   arith.addi %[[LOW]], %[[D0]] : index
// LINES:   memref.prefetch
// LINES:   %[[D1:.*]] = arith.constant 4160 : index
// LINES:   arith.addi %[[LOW]], %[[D1]] : index
// LINES:   memref.prefetch
// LINES:   %[[D2:.*]] = arith.constant 4224 : index
// LINES:   arith.addi %[[LOW]], %[[D2]] : index
// LINES:   memref.prefetch
// LINES:   %[[D3:.*]] = arith.constant 4288 : index
// LINES:   arith.addi %[[LOW]], %[[D3]] : index
// LINES:   memref.prefetch
// LINES-NEXT: vector.load %{{.*}}[%[[LOW]]]
// LINES-NOT: memref.prefetch
// LINES: scf.yield
// LINES: scf.for %[[J:[a-z0-9]+]] =
// LINES:   %[[LOW2:.*]] = arith.muli %[[J]], %{{.*}} : index
// LINES:   %[[E0:.*]] = arith.constant 4096 : index
// LINES:   arith.addi %[[LOW2]], %[[E0]] : index
// LINES:   memref.prefetch
// LINES:   %[[E1:.*]] = arith.constant 4160 : index
// LINES:   arith.addi %[[LOW2]], %[[E1]] : index
// LINES:   memref.prefetch
// LINES-NEXT: vector.load %{{.*}}[%[[LOW2]]]
// LINES-NOT: memref.prefetch
// LINES: scf.yield
// LINES: scf.for
// LINES-COUNT-1: memref.prefetch
// LINES-NOT: memref.prefetch
// LINES: scf.yield
func.func @lines(%w: memref<1048576xi8>) -> (vector<64xi8>, vector<128xi8>, vector<128xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c80 = arith.constant 80 : index
  %c128 = arith.constant 128 : index
  %c192 = arith.constant 192 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant dense<0> : vector<64xi8>
  %zero128 = arith.constant dense<0> : vector<128xi8>
  %r = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %zero) -> vector<64xi8> {
    %at = arith.muli %i, %c256 : index
    %a1 = arith.addi %at, %c64 : index
    %a2 = arith.addi %at, %c128 : index
    %a3 = arith.addi %at, %c192 : index
    %y = vector.load %w[%a1] : memref<1048576xi8>, vector<64xi8>
    %x = vector.load %w[%at] : memref<1048576xi8>, vector<64xi8>
    %z = vector.load %w[%a2] : memref<1048576xi8>, vector<64xi8>
    %u = vector.load %w[%a3] : memref<1048576xi8>, vector<64xi8>
    %s = arith.addi %x, %y : vector<64xi8>
    %s2 = arith.addi %z, %u : vector<64xi8>
    %s3 = arith.addi %s, %s2 : vector<64xi8>
    %t = arith.addi %acc, %s3 : vector<64xi8>
    scf.yield %t : vector<64xi8>
  }
  %r1 = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %zero128) -> vector<128xi8> {
    %at = arith.muli %i, %c128 : index
    %x = vector.load %w[%at] : memref<1048576xi8>, vector<128xi8>
    %t = arith.addi %acc, %x : vector<128xi8>
    scf.yield %t : vector<128xi8>
  }
  %r2 = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %zero128) -> vector<128xi8> {
    %at = arith.muli %i, %c80 : index
    %x = vector.load %w[%at] : memref<1048576xi8>, vector<128xi8>
    %t = arith.addi %acc, %x : vector<128xi8>
    scf.yield %t : vector<128xi8>
  }
  return %r, %r1, %r2 : vector<64xi8>, vector<128xi8>, vector<128xi8>
}

// -----

// Reads of one stream in any order: 128, then 0 (the lowest, which the
// prefetches follow), then 320, within a stride (256) of the first. One
// stream, four lines an iteration from the lowest read.
// LINES-LABEL: func.func @lines_out_of_order
// LINES: scf.for %[[I:[a-z0-9]+]] =
// LINES:   %[[LOW:.*]] = arith.muli %[[I]], %{{.*}} : index
// LINES-COUNT-4: memref.prefetch
// LINES-NEXT: vector.load %{{.*}}[%[[LOW]]]
// LINES-NOT: memref.prefetch
// LINES: scf.yield
func.func @lines_out_of_order(%w: memref<1048576xi8>) -> vector<64xi8> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %c320 = arith.constant 320 : index
  %zero = arith.constant dense<0> : vector<64xi8>
  %r = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %zero) -> vector<64xi8> {
    %at = arith.muli %i, %c256 : index
    %a1 = arith.addi %at, %c128 : index
    %a2 = arith.addi %at, %c320 : index
    %y = vector.load %w[%a1] : memref<1048576xi8>, vector<64xi8>
    %x = vector.load %w[%at] : memref<1048576xi8>, vector<64xi8>
    %z = vector.load %w[%a2] : memref<1048576xi8>, vector<64xi8>
    %s = arith.addi %x, %y : vector<64xi8>
    %s2 = arith.addi %s, %z : vector<64xi8>
    %t = arith.addi %acc, %s2 : vector<64xi8>
    scf.yield %t : vector<64xi8>
  }
  return %r : vector<64xi8>
}

// -----

// A loop a kernel marks with anybit.prefetch_distance (the code-FMA
// kernel's panels of K: a run of each row, then the next row's) prefetches
// its widest stream (the codes, 80 bytes an iteration) that far ahead,
// whatever the pass's distance, and every line the stream moves on (two):
// the next row's run starts cold, with no sequential reads before it for
// the hardware prefetcher to follow. A narrower stream (group scales, 16
// bytes an iteration) keeps the pass's distance. An attribute that is not
// positive is ignored.
// CHECK-LABEL: func.func @panel_rows
// CHECK: scf.for
// CHECK:   %[[AT:.*]] = arith.muli %{{.*}}, %c80{{.*}} : index
// CHECK:   %[[ROW:.*]] = arith.constant 7168 : index
// CHECK:   arith.addi %[[AT]], %[[ROW]] : index
// CHECK:   memref.prefetch
// CHECK:   %[[ROW2:.*]] = arith.constant 7232 : index
// CHECK:   arith.addi %[[AT]], %[[ROW2]] : index
// CHECK:   memref.prefetch
// CHECK:   %[[S:.*]] = arith.addi %{{.*}}, %c60000{{.*}} : index
// CHECK:   %[[PASS:.*]] = arith.constant 256 : index
// CHECK:   arith.addi %[[S]], %[[PASS]] : index
// CHECK:   memref.prefetch
// CHECK-NOT: memref.prefetch
// CHECK: } {anybit.prefetch_distance = 7168 : i64}
// CHECK: scf.for
// CHECK:   arith.constant 256 : index
// CHECK:   memref.prefetch
// CHECK-NOT: memref.prefetch
// CHECK: } {anybit.prefetch_distance = 0 : i64}
// LINES-LABEL: func.func @panel_rows
// LINES: arith.constant 7168 : index
// LINES: arith.constant 7232 : index
// LINES: arith.constant 4096 : index
func.func @panel_rows(%w: memref<65536xi8>) -> vector<128xi8> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c44 = arith.constant 44 : index
  %c80 = arith.constant 80 : index
  %c60000 = arith.constant 60000 : index
  %pad = arith.constant 0 : i8
  %zero = arith.constant dense<0> : vector<128xi8>
  %r = scf.for %i = %c0 to %c44 step %c1 iter_args(%acc = %zero) -> vector<128xi8> {
    %at = arith.muli %i, %c80 : index
    %x = vector.transfer_read %w[%at], %pad {in_bounds = [true]} : memref<65536xi8>, vector<128xi8>
    %so = arith.muli %i, %c16 : index
    %sat = arith.addi %so, %c60000 : index
    %sc = vector.transfer_read %w[%sat], %pad {in_bounds = [true]} : memref<65536xi8>, vector<16xi8>
    %scw = vector.broadcast %sc : vector<16xi8> to vector<8x16xi8>
    %scf = vector.shape_cast %scw : vector<8x16xi8> to vector<128xi8>
    %t = arith.addi %acc, %x : vector<128xi8>
    %u = arith.addi %t, %scf : vector<128xi8>
    scf.yield %u : vector<128xi8>
  } {anybit.prefetch_distance = 7168 : i64}
  %r2 = scf.for %i = %c0 to %c44 step %c1 iter_args(%acc = %r) -> vector<128xi8> {
    %at = arith.muli %i, %c80 : index
    %x = vector.transfer_read %w[%at], %pad {in_bounds = [true]} : memref<65536xi8>, vector<128xi8>
    %t = arith.addi %acc, %x : vector<128xi8>
    scf.yield %t : vector<128xi8>
  } {anybit.prefetch_distance = 0 : i64}
  return %r2 : vector<128xi8>
}
