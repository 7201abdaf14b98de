//===- VectorMatmulCodegen.h - Vector code for packed-weight matmuls -*- C++ -*-===//
//
// The fast path of anybit.matmul with an f32 accumulator and packed
// right-hand-side weights (a K x N tensor of narrow integers or small floats,
// optionally with group-wise scales along K): the weights are read in place,
// 16 elements at a time, unpacked with byte shuffles and per-lane shifts,
// converted to f32 in vector registers and contracted with fused
// multiply-adds into register tiles of the output. Column tiles of the output
// are independent (an scf.forall), so later passes may run them on threads.
//
// Each output still sums its products in exact arithmetic order per group,
// but the group's sum is scaled once (sum_k x_k * q_k) * s instead of
// sum_k x_k * (q_k * s): a reordering of the float reduction, which the
// semantics allow for compiled code (docs/semantics.md).
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_VECTORMATMULCODEGEN_H
#define ANYBIT_LIB_CONVERSION_VECTORMATMULCODEGEN_H

#include "Anybit/AnybitDialect.h"
#include "Emitter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace anybit::codegen {

/// Lanes of the f32 kernels' vectors (one zmm of f32). The vector kernel
/// unpacks 16 elements of w bits per step, exactly 2w bytes, so every step
/// starts on a byte and reads whole bytes.
constexpr int64_t kLanes = 16;

/// Builders for 16-lane vectors: Emitter with the shape set, and the few
/// vector types and constants the f32 kernels need besides.
struct Lanes : Emitter {
  explicit Lanes(mlir::OpBuilder &b, mlir::Location loc)
      : Emitter{b, loc, {kLanes}} {}

  mlir::VectorType vec(mlir::Type element) {
    return mlir::VectorType::get({kLanes}, element);
  }
  mlir::VectorType i32v() { return vec(b.getI32Type()); }
  mlir::VectorType f32v() { return vec(b.getF32Type()); }
  mlir::Value f32c(float v) { return floatc(b.getF32Type(), v); }
  /// A constant with one value per lane.
  mlir::Value perLane(llvm::ArrayRef<int32_t> values) {
    return mlir::arith::ConstantOp::create(
        b, loc, mlir::DenseElementsAttr::get(i32v(), values));
  }
  mlir::Value eq(mlir::Value x, mlir::Value y) {
    return cmpi(mlir::arith::CmpIPredicate::eq, x, y);
  }
};

/// Index arithmetic the matmul kernels' builders share (their first
/// members: a kernel struct derives from it).
struct IndexMath {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Value idx(int64_t v) {
    return mlir::arith::ConstantIndexOp::create(b, loc, v);
  }
  mlir::Value mul(mlir::Value x, int64_t c) {
    return mlir::arith::MulIOp::create(b, loc, x, idx(c));
  }
  mlir::Value add(mlir::Value x, mlir::Value y) {
    return mlir::arith::AddIOp::create(b, loc, x, y);
  }
  /// x + c; x itself for c = 0.
  mlir::Value add(mlir::Value x, int64_t c) { return c ? add(x, idx(c)) : x; }
};

/// The constants that make an integer field of `bits` bits at bit `shift`
/// (shift + bits <= 23) of an i32 lane x an f32 without a shift or a
/// conversion: (x & mask) ^ above keeps the field's bits (its sign bit
/// flipped for a two's-complement field) under the exponent of
/// 2^(23 - shift), the f32 2^(23 - shift) + u, and subtracting `base`
/// (2^(23 - shift) plus the field's offset: 2^(bits - 1) when signed,
/// else `offset`) leaves its value, exactly (both in one binade).
struct MantissaField {
  uint32_t mask, above;
  float base;
};
MantissaField getMantissaField(unsigned bits, int32_t shift, bool isSigned,
                               int64_t offset);

/// Whether buildVectorizedPackedMatmul handles these operands: static shapes,
/// the contiguous dimension of B a multiple of 16, weights of at most 8 bits
/// at bit i * w, no zero point, and groups along K ([G, 1] blocks of a K x N
/// B, [1, G] with G a multiple of 16 of an N x K one) with f32 or 8/16-bit
/// float scales.
bool canVectorizePackedMatmul(mlir::RankedTensorType lhsType,
                              mlir::RankedTensorType rhsType, bool transposed);

/// Emits C = A · B (or A · B^T when `transposed`) in f32, where `lhs` is the
/// M x K f32 tensor A and `rhsBytes` the 1-D i8 storage of the packed
/// K x N (N x K) tensor of type `rhsType`. Returns the M x N f32 result.
/// `tables`: floats of up to 6 bits decode by x86 table lookups
/// (CodeTables.h). `halfWidthRegisters`: the target's vector registers
/// hold 8 f32 lanes, 16 of them (AVX2), and the tiles are half as wide.
mlir::Value buildVectorizedPackedMatmul(mlir::OpBuilder &b, mlir::Location loc,
                                        mlir::Value lhs, mlir::Value rhsBytes,
                                        mlir::RankedTensorType rhsType,
                                        bool transposed, bool tables,
                                        bool halfWidthRegisters);

/// The 16 x 16 matrix `m` (16 vectors of 16 elements) transposed: vector i
/// of the result holds element i of each. Each of four steps swaps the
/// off-diagonal blocks of d x d (d = 8, 4, 2, 1) with one two-source
/// shuffle a vector: 64 shuffles.
llvm::SmallVector<mlir::Value> transpose16(mlir::OpBuilder &b,
                                           mlir::Location loc,
                                           llvm::SmallVector<mlir::Value> m);

/// An scf.for from 0 to `count` with `init` as iteration arguments, whose
/// body `body(iv, args)` is built with `b` and returns the yielded values
/// (none without `init`: a loop of side effects).
llvm::SmallVector<mlir::Value>
buildLoop(mlir::OpBuilder &b, mlir::Location loc, int64_t count, int64_t step,
          mlir::ValueRange init,
          llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value,
                                                            mlir::ValueRange)>
              body);

/// An M x N tensor of `element` computed by an scf.forall over its column
/// tiles of width `tileCols` (which divides N): `body(tile, col0)` returns
/// the M x tileCols tile whose first column is `col0`, given its initial
/// value. An empty M x N tensor has no tiles (`body` is not called).
/// `interleaved` tiles are strided instead: tile t holds the columns
/// t + j N / tileCols (col0 = t).
mlir::Value
buildColumnTiles(mlir::OpBuilder &b, mlir::Location loc, int64_t m, int64_t n,
                 int64_t tileCols, mlir::Type element,
                 llvm::function_ref<mlir::Value(mlir::Value, mlir::Value)> body,
                 bool interleaved = false);

/// The same over the tiles of `init` (M x N), each tile's initial value
/// the init's.
mlir::Value
buildColumnTiles(mlir::OpBuilder &b, mlir::Location loc, mlir::Value init,
                 int64_t tileCols,
                 llvm::function_ref<mlir::Value(mlir::Value, mlir::Value)> body,
                 bool interleaved = false);

/// `tile` with its rows [0, m) computed by `rowBlock(tile, row0, count)` in
/// chunks of `chunk` rows: an scf.for over the whole chunks, then one call
/// for the last m mod chunk rows.
mlir::Value buildRowChunks(
    mlir::OpBuilder &b, mlir::Location loc, int64_t m, int64_t chunk,
    mlir::Value tile,
    llvm::function_ref<mlir::Value(mlir::Value, mlir::Value, int64_t)>
        rowBlock);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_VECTORMATMULCODEGEN_H
