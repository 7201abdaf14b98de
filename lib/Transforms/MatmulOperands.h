//===- MatmulOperands.h - How the matmul lowerings read operands -*- C++ -*-===//

#ifndef ANYBIT_LIB_TRANSFORMS_MATMULOPERANDS_H
#define ANYBIT_LIB_TRANSFORMS_MATMULOPERANDS_H

#include "ModArith/ModArithDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace anybit::modarith {

/// The rhs of a modarith.matmul, seen through a linalg.transpose of a
/// matrix: the contraction reads `source` ([N, K]) with its indices
/// swapped, and the transpose (MAT's second product) is never
/// materialized.
struct MatmulRhs {
  mlir::Value source;
  bool transposed = false;

  static MatmulRhs of(MatmulOp op) {
    auto transpose = op.getRhs().getDefiningOp<mlir::linalg::TransposeOp>();
    if (transpose && transpose.getPermutation().size() == 2 &&
        transpose.getPermutation()[0] == 1)
      return {transpose.getInput(), true};
    return {op.getRhs(), false};
  }

  /// Erases the transpose once the matmul that read through it is gone.
  void eraseTransposeIfDead(mlir::PatternRewriter &rewriter,
                            mlir::Value rhs) const {
    if (!transposed || !rhs.use_empty())
      return;
    rewriter.eraseOp(rhs.getDefiningOp());
  }
};

} // namespace anybit::modarith

#endif // ANYBIT_LIB_TRANSFORMS_MATMULOPERANDS_H
