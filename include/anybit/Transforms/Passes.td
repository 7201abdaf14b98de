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
    omega^-1 and folds N^-1 into that last product. The reductions are then `convert-modarith-to-arith`'s.
  }];
  let dependentDialects = ["::anybit::modarith::ModArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect"];
}

#endif // ANYBIT_TRANSFORMS_PASSES_TD
