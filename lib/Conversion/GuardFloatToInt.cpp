//===- GuardFloatToInt.cpp - fptosi/fptoui defined for every input -------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITGUARDFLOATTOINT
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// The float of `semantics` nearest `bound` toward zero; strictly inside
/// it where `strictly` (the float below an exact bound).
APFloat inside(const llvm::fltSemantics &semantics, const APInt &bound,
               bool strictly) {
  APFloat f(semantics);
  APFloat::opStatus status =
      f.convertFromAPInt(bound, /*IsSigned=*/true, APFloat::rmTowardZero);
  if (strictly && status == APFloat::opOK)
    (void)f.next(/*nextDown=*/!bound.isNegative());
  return f;
}

/// Clamps `op`'s operand into the range of its integer result type (below
/// 2^N, or 2^(N-1) signed; from -2^(N-1), or 0), and NaN to 0: the
/// conversion is then defined for every input.
void guard(Operation *op, bool isSigned) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  Value x = op->getOperand(0);
  Type type = x.getType();
  const llvm::fltSemantics &semantics =
      cast<FloatType>(getElementTypeOrSelf(type)).getFloatSemantics();
  unsigned bits =
      getElementTypeOrSelf(op->getResult(0).getType()).getIntOrFloatBitWidth();
  unsigned width = bits + 2; // room for +-2^N as signed integers
  APInt top = APInt::getOneBitSet(width, isSigned ? bits - 1 : bits);
  APInt bottom = isSigned ? -top : APInt::getZero(width);
  Value hi = createScalarOrSplatConstant(
      b, loc, type, inside(semantics, top, /*strictly=*/true));
  Value lo = createScalarOrSplatConstant(b, loc, type,
                                         inside(semantics, bottom, false));
  Value clamped = arith::MaximumFOp::create(
      b, loc, arith::MinimumFOp::create(b, loc, x, hi), lo);
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  Value zero =
      createScalarOrSplatConstant(b, loc, type, APFloat::getZero(semantics));
  op->setOperand(0, arith::SelectOp::create(b, loc, isNaN, zero, clamped));
}

struct AnybitGuardFloatToIntPass
    : anybit::impl::AnybitGuardFloatToIntBase<AnybitGuardFloatToIntPass> {
  void runOnOperation() override {
    SmallVector<std::pair<Operation *, bool>> conversions; // op, signed
    getOperation().walk([&](Operation *op) {
      if (!isa<arith::FPToSIOp, arith::FPToUIOp>(op))
        return;
      auto shaped = dyn_cast<ShapedType>(op->getOperand(0).getType());
      if (shaped && !shaped.hasStaticShape())
        return;
      conversions.push_back({op, isa<arith::FPToSIOp>(op)});
    });
    for (auto [op, isSigned] : conversions)
      guard(op, isSigned);
  }
};

} // namespace
