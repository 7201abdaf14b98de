//===- Emitter.h - arith builders for scalars and vectors -------*- C++ -*-===//
//
// Small helpers that keep code builders readable. The same helpers build
// scalar code or, with a `shape`, element-wise code on vectors of that shape
// (constants are splatted), so one decoder serves the scalar lowering and
// the vector kernels; with `tensorLike`, element-wise code on tensors.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_EMITTER_H
#define ANYBIT_LIB_CONVERSION_EMITTER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include <limits>

namespace anybit::codegen {

struct Emitter {
  mlir::OpBuilder &b;
  mlir::Location loc;
  /// Empty for scalar code, else the shape of the vectors built.
  llvm::SmallVector<int64_t, 1> shape = {};
  /// Non-null for element-wise code on tensors of this shape.
  mlir::RankedTensorType tensorLike = {};

  /// The shape of `v`'s type: empty for a scalar.
  static llvm::SmallVector<int64_t, 1> shapeOf(mlir::Value v) {
    if (auto vector = llvm::dyn_cast<mlir::VectorType>(v.getType()))
      return llvm::SmallVector<int64_t, 1>(vector.getShape());
    return {};
  }

  /// `element`, or a vector of it in `shape`.
  mlir::Type shaped(mlir::Type element) {
    if (tensorLike)
      return tensorLike.clone(element);
    if (shape.empty())
      return element;
    return mlir::VectorType::get(shape, element);
  }
  mlir::Type i64() { return shaped(b.getI64Type()); }
  mlir::Type f64() { return shaped(b.getF64Type()); }

  mlir::Value intc(mlir::Type element, int64_t v) {
    return constant(b.getIntegerAttr(element, v));
  }
  mlir::Value intc(mlir::Type element, const llvm::APInt &v) {
    return constant(b.getIntegerAttr(element, v));
  }
  /// `v` as a `width`-bit integer constant (truncated or zero-extended).
  mlir::Value word(unsigned width, const llvm::APInt &v) {
    return intc(b.getIntegerType(width), v.zextOrTrunc(width));
  }
  mlir::Value floatc(mlir::Type element, double v) {
    return constant(b.getFloatAttr(element, v));
  }
  mlir::Value boolc(bool v) { return constant(b.getBoolAttr(v)); }
  mlir::Value i32c(int64_t v) { return intc(b.getI32Type(), v); }
  mlir::Value i64c(int64_t v) { return intc(b.getI64Type(), v); }
  mlir::Value f64c(double v) { return floatc(b.getF64Type(), v); }

  mlir::Value and_(mlir::Value x, mlir::Value y) {
    return mlir::arith::AndIOp::create(b, loc, x, y);
  }
  mlir::Value or_(mlir::Value x, mlir::Value y) {
    return mlir::arith::OrIOp::create(b, loc, x, y);
  }
  mlir::Value xor_(mlir::Value x, mlir::Value y) {
    return mlir::arith::XOrIOp::create(b, loc, x, y);
  }
  mlir::Value shl(mlir::Value x, mlir::Value y) {
    return mlir::arith::ShLIOp::create(b, loc, x, y);
  }
  mlir::Value shr(mlir::Value x, mlir::Value y) {
    return mlir::arith::ShRUIOp::create(b, loc, x, y);
  }
  mlir::Value shrs(mlir::Value x, mlir::Value y) {
    return mlir::arith::ShRSIOp::create(b, loc, x, y);
  }
  mlir::Value add(mlir::Value x, mlir::Value y) {
    return mlir::arith::AddIOp::create(b, loc, x, y);
  }
  mlir::Value sub(mlir::Value x, mlir::Value y) {
    return mlir::arith::SubIOp::create(b, loc, x, y);
  }
  mlir::Value mul(mlir::Value x, mlir::Value y) {
    return mlir::arith::MulIOp::create(b, loc, x, y);
  }
  mlir::Value minu(mlir::Value x, mlir::Value y) {
    return mlir::arith::MinUIOp::create(b, loc, x, y);
  }
  mlir::Value remu(mlir::Value x, mlir::Value y) {
    return mlir::arith::RemUIOp::create(b, loc, x, y);
  }
  mlir::Value sel(mlir::Value c, mlir::Value x, mlir::Value y) {
    return mlir::arith::SelectOp::create(b, loc, c, x, y);
  }
  mlir::Value cmpi(mlir::arith::CmpIPredicate p, mlir::Value x,
                   mlir::Value y) {
    return mlir::arith::CmpIOp::create(b, loc, p, x, y);
  }
  mlir::Value cmpf(mlir::arith::CmpFPredicate p, mlir::Value x,
                   mlir::Value y) {
    return mlir::arith::CmpFOp::create(b, loc, p, x, y);
  }
  mlir::Value zext(mlir::Type t, mlir::Value x) {
    return x.getType() == t ? x : mlir::arith::ExtUIOp::create(b, loc, t, x);
  }
  mlir::Value sext(mlir::Type t, mlir::Value x) {
    return x.getType() == t ? x : mlir::arith::ExtSIOp::create(b, loc, t, x);
  }
  mlir::Value trunc(mlir::Type t, mlir::Value x) {
    return x.getType() == t ? x : mlir::arith::TruncIOp::create(b, loc, t, x);
  }
  /// The integer `x` as `width` bits, truncated or zero-extended.
  mlir::Value resize(mlir::Value x, unsigned width) {
    mlir::Type t = shaped(b.getIntegerType(width));
    unsigned from =
        mlir::getElementTypeOrSelf(x.getType()).getIntOrFloatBitWidth();
    return from > width ? trunc(t, x) : zext(t, x);
  }
  /// 2^e as f64 for an i64 `e` in the normal range [-1022, 1023].
  mlir::Value pow2(mlir::Value e) {
    mlir::Value bits = shl(add(e, i64c(1023)), i64c(52));
    return mlir::arith::BitcastOp::create(b, loc, f64(), bits);
  }
  mlir::Value isInf(mlir::Value x) {
    mlir::Value abs = mlir::math::AbsFOp::create(b, loc, x);
    return cmpf(mlir::arith::CmpFPredicate::OEQ, abs,
                f64c(std::numeric_limits<double>::infinity()));
  }

private:
  mlir::Value constant(mlir::TypedAttr scalar) {
    if (shape.empty() && !tensorLike)
      return mlir::arith::ConstantOp::create(b, loc, scalar);
    auto type = llvm::cast<mlir::ShapedType>(shaped(scalar.getType()));
    return mlir::arith::ConstantOp::create(
        b, loc, mlir::DenseElementsAttr::get(type, scalar));
  }
};

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_EMITTER_H
