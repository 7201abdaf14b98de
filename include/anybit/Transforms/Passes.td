//===- Passes.td - Rewrites within Anybit's dialects -------*- tablegen -*-===//

#ifndef ANYBIT_TRANSFORMS_PASSES_TD
#define ANYBIT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ModArithNttRadix2 : Pass<"modarith-ntt-radix2"> {
  let summary = "Lowers modarith.ntt/intt to radix-2 butterflies";
  let description = [{
    Rewrites every `modarith.ntt` and `modarith.intt` into log2(N) stages
    of the Stockham (self-sorting) Gentleman-Sande transform, for
    m = N/2, ..., 1: each row, read as [N/2m, 2, m], has its halves
    u = x[a, 0, j] and v = x[a, 1, j] turned into u + v and
    (u - v) * w_2m^j, written as the two contiguous halves of the row
    [2, N/2m, m]. Rows go in and come out in natural order with no bit
    reversal. Each half is a `linalg.generic` of scalar modarith ops (the
    m twiddles a constant indexed by j) writing in place into its half of
    the stage's result; the stages ping-pong between two row buffers.
    Batches go row by row in an `scf.forall` (a row's buffers stay in the
    cache; the rows run on OpenMP threads with --num-threads). Negacyclic
    transforms multiply by psi^j before (forward) or by N^-1 psi^-j after
    (inverse) a cyclic transform with omega = psi^2; the inverse uses
    omega^-1 and folds N^-1 into that last product. Products by twiddles
    and factors are `modarith.mul_shoup` with the constants' Shoup
    companions where 2Q <= 2^W, else `modarith.mul`; the reductions are
    then `convert-modarith-to-arith`'s.
  }];
  let dependentDialects = ["::anybit::modarith::ModArithDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect"];
}

def ModArithMat : Pass<"modarith-mat"> {
  let summary = "Lowers modarith.ntt/intt to three dense modular matmuls (MAT)";
  let description = [{
    MAT (the CROSS paper): a transform of length N = R * C is the 3-step
    form on each row x read as the R x C matrix X (x_j at [j / C, j % C],
    the row as it lies in memory):
      Y  = T1 . X      T1[a, r] = omega^(C r a) * pre^(C r)          (R x R)
      Y' = Y .* T2     T2[a, c] = omega^(c a) * pre^c * ratio^a      (R x C)
      Z  = T3 . Y'^T   T3[b, c] = omega^(R c b) * post * ratio^(R b) (C x C)
    where the transform is X_k = post * ratio^k * sum_j omega^(jk) pre^j x_j
    (the negacyclic twist pre = psi, the inverse's N^-1 and psi^-k folded
    into the constants). Z is C x R with X_k at [k / R, k % R]: the row in
    natural order again, so neither bit reversal nor a transpose is ever
    materialized; the second product reads Y' through a `linalg.transpose`
    that `--modarith-bat` and `--modarith-matmul-direct` fold into their
    indexing. Both products have a constant lhs, so `--modarith-bat` turns
    them into int8 matmuls; the product by T2 is a `modarith.mul_shoup`
    with T2's Shoup companions where 2Q <= 2^W. Batches go row by row in an
    `scf.forall`.
  }];
  let options = [
    Option<"rows", "rows", "int64_t", /*default=*/"0",
           "R, a power of two dividing N (0: 2^floor(log2(N) / 2))">
  ];
  let dependentDialects = ["::anybit::modarith::ModArithDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect"];
}

def ModArithMatmulDirect : Pass<"modarith-matmul-direct"> {
  let summary = "Lowers modarith.matmul to a contraction of modarith.mac";
  let description = [{
    Rewrites every `modarith.matmul` into a `linalg.generic` contraction
    (reduction over k) whose body is one scalar `modarith.mac` per term,
    accumulating into zeros: every step reduces with the method
    `convert-modarith-to-arith` is given (the direct baseline BAT is
    measured against).
  }];
  let dependentDialects = ["::anybit::modarith::ModArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def ModArithBat : Pass<"modarith-bat"> {
  let summary = "Rewrites modular matmuls with a constant lhs as int8 matmuls";
  let description = [{
    BAT (the CROSS paper): a `modarith.matmul` whose lhs T is a
    `modarith.constant` (M x K, Q of at most 32 bits) becomes
    - offline: T'[m, (k, i)] = T[m, k] * 2^(8i) mod Q for each byte i of
      an input residue, written in D balanced base-256 digits in
      [-128, 127], an int8 constant of shape [D * M, K * B] (B bytes per
      residue; D the fewest digits that reach Q - 1: 4 for a 30-bit Q);
    - online: the bytes of x (unsigned, [(N,) K * B]: each column's bytes
      contiguous like T's rows, and read straight from x^T when x is a
      `linalg.transpose`), one int8 x uint8 -> int32 matrix product over
      (k, i), the D partial sums recombined
      with shifts in int64 (plus a multiple of Q that makes them
      non-negative) and one `modarith.reduce`.
    The pass proves that nothing overflows: K * B products of at most
    128 * 255 fit an int32 accumulator (K * B <= 65793), and the
    recombined sum, bounded digit by digit from T's actual digits, stays
    below 2^62. A constant it cannot handle (a modulus over 32 bits, too
    long a contraction) is a diagnostic; products with a non-constant lhs
    are left to `--modarith-matmul-direct`.
  }];
  let dependentDialects = ["::anybit::modarith::ModArithDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def ModArithLazyReduction : Pass<"modarith-lazy-reduction"> {
  let summary = "Sums products in wide integers and reduces once";
  let description = [{
    Finds trees of `modarith.add`, `modarith.mul` and `modarith.mac`
    whose inner results have no other use, such as a*b + c*d + e, and
    computes them on plain integers instead: the residues' words are
    extracted and widened, the products and sums taken exactly, and one
    `modarith.reduce` replaces the tree's reductions. The bound
    P * (Q - 1)^2 + S * (Q - 1) of P products and S other terms gives the
    width (2W bits, or 64 or 128 when more are needed; larger trees are
    left alone) and lets the reduction's Barrett constants use it. Not for
    Montgomery form, where extracting a residue costs a REDC.
  }];
  let dependentDialects = ["::anybit::modarith::ModArithDialect",
                           "mlir::arith::ArithDialect"];
}

def AnybitLowerTernary : Pass<"anybit-lower-ternary"> {
  let summary = "Expands anybit.ternarize and anybit.bitlinear into their steps";
  let description = [{
    Rewrites each op into the steps of its definition, in the reference
    VM's order of operations: element-wise f64 code and row reductions as
    `linalg.generic` ops (sums in ascending order), `anybit.cast` for the
    roundings into trits and int8, `anybit.pack` for packed trits. A
    `bitlinear` becomes RMSNorm and absmax int8 quantization of each row,
    one `anybit.matmul` of the int8 rows by the trits into i32 (which
    `convert-anybit-to-standard` computes without multiplying by weights),
    and the rescale `a / s * m`.
  }];
  let dependentDialects = ["::anybit::AnybitDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::math::MathDialect",
                           "mlir::tensor::TensorDialect"];
}

#endif // ANYBIT_TRANSFORMS_PASSES_TD
