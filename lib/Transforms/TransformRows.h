//===- TransformRows.h - What the NTT lowerings share -----------*- C++ -*-===//
//
// Both NTT lowerings (radix-2 butterflies, MAT's matrix products) see a
// modarith.ntt/intt as a cyclic transform between two diagonal scalings,
// and both transform a batch row by row.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_TRANSFORMS_TRANSFORMROWS_H
#define ANYBIT_LIB_TRANSFORMS_TRANSFORMROWS_H

#include "ModArith/ModArithDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SmallVector.h"

namespace anybit::modarith {

/// A transform of length N modulo Q as
///   X_k = post * postRatio^k * sum_j omega^(jk) * preRatio^j * x_j,
/// omega of order N: the negacyclic ntt twists by psi^j before a cyclic
/// transform with psi^2; the inverses use omega^-1 and fold N^-1 (and
/// psi^-k) into the scaling after.
struct CyclicForm {
  uint64_t q;
  int64_t n;
  uint64_t omega;
  uint64_t preRatio = 1;
  uint64_t post = 1, postRatio = 1;

  /// The form of an ntt (or, with `inverse`, an intt) with `root` (psi,
  /// or omega when `cyclic`), whose roots the verifier has checked.
  static CyclicForm get(uint64_t q, int64_t n, uint64_t root, bool cyclic,
                        bool inverse);

  bool hasPre() const { return preRatio != 1; }
  bool hasPost() const { return post != 1 || postRatio != 1; }
  /// preRatio^j, resp. post * postRatio^k, for j, k < N.
  llvm::SmallVector<uint64_t> preFactors() const;
  llvm::SmallVector<uint64_t> postFactors() const;
};

/// scale * ratio^j for j < count, modulo q.
llvm::SmallVector<uint64_t> geometric(uint64_t scale, uint64_t ratio,
                                      int64_t count, uint64_t q);

/// A constant tensor of residues of type `residue` and shape `shape`.
mlir::Value residueConstant(mlir::OpBuilder &b, mlir::Location loc,
                            ModIntType residue, llvm::ArrayRef<int64_t> shape,
                            llvm::ArrayRef<uint64_t> values);

/// The Shoup companions floor(c * 2^W / Q) of constant multipliers c, as a
/// plain iW constant of `shape` for modarith.mul_shoup; null when Shoup's
/// product does not fit the word (2Q > 2^W).
mlir::Value shoupCompanions(mlir::OpBuilder &b, mlir::Location loc,
                            ModIntType residue, llvm::ArrayRef<int64_t> shape,
                            llvm::ArrayRef<uint64_t> values);

/// Replaces the ntt or intt `op` (rows: the last dimension of its input,
/// of length N) by `transformRow` applied to each row as a [1, N] tensor:
/// directly for a single row, else in an scf.forall over the rows (a row
/// and its temporaries stay in the cache; the rows run on OpenMP threads
/// with --num-threads).
void replaceRowByRow(
    mlir::PatternRewriter &rewriter, mlir::Operation *op,
    llvm::function_ref<mlir::Value(mlir::Value row)> transformRow);

} // namespace anybit::modarith

#endif // ANYBIT_LIB_TRANSFORMS_TRANSFORMROWS_H
