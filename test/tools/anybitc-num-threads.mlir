// Parallel loops (the column tiles of a vectorized packed matmul) run on
// OpenMP threads with --num-threads=N and sequentially by default.
// RUN: anybitc %s --run=main --num-threads=2 --check | FileCheck %s --check-prefix=JIT
// RUN: anybitc %s --emit=llvm --num-threads=2 -o - | FileCheck %s --check-prefix=OMP
// RUN: anybitc %s --emit=llvm -o - | FileCheck %s --check-prefix=SEQ

// JIT: result0: tensor<2x32xf32> = {{\[\[}}12, 12,
// JIT: check: 1 results match the reference VM
// OMP: call void {{.*}}@__kmpc_fork_call
// SEQ-NOT: __kmpc

func.func @main() -> tensor<2x32xf32> {
  %x = arith.constant dense<0.25> : tensor<2x32xf32>
  %w = arith.constant dense<3> : tensor<32x32xi5>
  %s = arith.constant dense<0.5> : tensor<32x2xf16>
  %p = anybit.pack %w scales(%s) : tensor<32x32xi5>, tensor<32x2xf16>
         -> tensor<32x32xi5, #anybit.packed<block = [1, 16], scale = f16>>
  %y = anybit.matmul %x, %p {accumulator = f32, transpose_rhs}
         : tensor<2x32xf32>, tensor<32x32xi5, #anybit.packed<block = [1, 16], scale = f16>>
         -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}
