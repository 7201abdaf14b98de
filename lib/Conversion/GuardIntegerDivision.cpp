//===- GuardIntegerDivision.cpp - Integer division that never traps -------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Index/IR/IndexOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITGUARDINTEGERDIVISION
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// The bits of the integer (or index) elements of `type`.
unsigned widthOf(Operation *op, Type type) {
  Type element = getElementTypeOrSelf(type);
  if (element.isIndex())
    return DataLayout::closest(op).getTypeSizeInBits(element);
  return element.getIntOrFloatBitWidth();
}

/// A constant of `type` (an integer or index, or a vector or static tensor
/// of them) whose elements are all `value` (upstream's
/// createScalarOrSplatConstant crashed on this pass's index cases).
Value splat(OpBuilder &b, Location loc, Type type, const APInt &value) {
  Type element = getElementTypeOrSelf(type);
  if (auto shaped = dyn_cast<ShapedType>(type))
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(shaped, value));
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(element, value));
}

/// Whether the divisor is a constant none of whose elements is 0, nor -1
/// for a signed division.
bool isHarmlessConstant(Value divisor, bool isSigned) {
  auto harmless = [&](const APInt &d) {
    return !d.isZero() && !(isSigned && d.isAllOnes());
  };
  APInt value;
  if (matchPattern(divisor, m_ConstantInt(&value)))
    return harmless(value);
  DenseIntElementsAttr elements;
  if (matchPattern(divisor, m_Constant(&elements)))
    return llvm::all_of(elements.getValues<APInt>(), harmless);
  return false;
}

struct AnybitGuardIntegerDivisionPass
    : anybit::impl::AnybitGuardIntegerDivisionBase<
          AnybitGuardIntegerDivisionPass> {
  void runOnOperation() override {
    SmallVector<std::pair<Operation *, bool>> divisions; // op, signed
    getOperation().walk([&](Operation *op) {
      bool isSigned = isa<arith::DivSIOp, arith::RemSIOp, arith::CeilDivSIOp,
                          arith::FloorDivSIOp, index::DivSOp, index::RemSOp,
                          index::CeilDivSOp, index::FloorDivSOp>(op);
      if (!isSigned &&
          !isa<arith::DivUIOp, arith::RemUIOp, arith::CeilDivUIOp,
               index::DivUOp, index::RemUOp, index::CeilDivUOp>(op))
        return;
      // Dynamic tensors take no constants (the CPU pipeline runs this pass
      // on loops over scalars and vectors).
      auto shaped = dyn_cast<ShapedType>(op->getResult(0).getType());
      if (shaped && !shaped.hasStaticShape())
        return;
      if (!isHarmlessConstant(op->getOperand(1), isSigned))
        divisions.push_back({op, isSigned});
    });
    for (auto [op, isSigned] : divisions) {
      OpBuilder b(op);
      Location loc = op->getLoc();
      Value x = op->getOperand(0), d = op->getOperand(1);
      Type type = d.getType();
      unsigned width = widthOf(op, type);
      if (isSigned && width == 1) {
        // The only i1 divisor that is not 0 is -1, and -1 / -1 overflows,
        // so no divisor is safe: dividing by 1, as at other widths, gives
        // x itself, and the remainder 0 (x / -1 is x too: -0 = 0).
        Value result =
            isa<arith::RemSIOp>(op) ? splat(b, loc, type, APInt(1, 0)) : x;
        op->getResult(0).replaceAllUsesWith(result);
        op->erase();
        continue;
      }
      auto equals = [&](Value v, const APInt &c) {
        return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, v,
                                     splat(b, loc, type, c));
      };
      Value bad = equals(d, APInt::getZero(width));
      if (isSigned) {
        Value overflow = arith::AndIOp::create(
            b, loc, equals(x, APInt::getSignedMinValue(width)),
            equals(d, APInt::getAllOnes(width)));
        bad = arith::OrIOp::create(b, loc, bad, overflow);
      }
      Value one = splat(b, loc, type, APInt(width, 1));
      op->setOperand(1, arith::SelectOp::create(b, loc, bad, one, d));
    }
  }
};

} // namespace
