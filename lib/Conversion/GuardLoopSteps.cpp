//===- GuardLoopSteps.cpp - Loops that end whatever their steps -----------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITGUARDLOOPSTEPS
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// The integer `v` is, where it is a constant.
std::optional<APInt> constantOf(OpFoldResult v) {
  if (auto attr = dyn_cast_if_present<IntegerAttr>(dyn_cast<Attribute>(v)))
    return attr.getValue();
  APInt value;
  if (matchPattern(cast<Value>(v), m_ConstantInt(&value)))
    return value;
  return std::nullopt;
}

/// Whether a loop dimension must count its trips: its step is not the
/// constant 1, and it may not be positive or the step after its last
/// iteration may wrap past the top of the type.
bool needsTripCount(OpFoldResult ub, OpFoldResult step, bool isUnsigned) {
  std::optional<APInt> s = constantOf(step);
  if (!s || (isUnsigned ? s->isZero() : s->isNonPositive()))
    return true;
  if (s->isOne())
    return false;
  std::optional<APInt> u = constantOf(ub);
  if (!u)
    return true;
  // The last induction value is below ub, so the one after it is at most
  // ub - 1 + step.
  bool overflow;
  APInt stepLess = *s - 1;
  (void)(isUnsigned ? u->uadd_ov(stepLess, overflow)
                    : u->sadd_ov(stepLess, overflow));
  return overflow;
}

Value constant(OpBuilder &b, Location loc, Type type, int64_t value) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, value));
}

/// The constants 0 and 1 of a loop's induction type: its new bounds and
/// step, and the trip count's constants.
struct ZeroOne {
  ZeroOne(OpBuilder &b, Location loc, Type type)
      : zero(constant(b, loc, type, 0)), one(constant(b, loc, type, 1)) {}
  Value zero, one;
};

/// The number of iterations from `lb` to `ub` by `step`, an unsigned
/// integer of their type: (ub - lb - 1) / step + 1 where lb < ub, exact
/// since ub - lb fits unsigned; 0 where the step is not positive.
Value tripCount(OpBuilder &b, Location loc, const ZeroOne &c, Value lb,
                Value ub, Value step, bool isUnsigned) {
  using arith::CmpIPredicate;
  Value positive = arith::CmpIOp::create(
      b, loc, isUnsigned ? CmpIPredicate::ne : CmpIPredicate::sgt, step,
      c.zero);
  Value nonEmpty = arith::CmpIOp::create(
      b, loc, isUnsigned ? CmpIPredicate::ult : CmpIPredicate::slt, lb, ub);
  Value divisor = arith::SelectOp::create(b, loc, positive, step, c.one);
  Value spanLess = arith::SubIOp::create(
      b, loc, arith::SubIOp::create(b, loc, ub, lb), c.one);
  Value trips = arith::AddIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, spanLess, divisor), c.one);
  Value runs = arith::AndIOp::create(b, loc, positive, nonEmpty);
  return arith::SelectOp::create(b, loc, runs, trips, c.zero);
}

/// Makes the body see `lb + iv * step` where it saw `iv`, which now counts
/// iterations from 0 by 1.
void rebaseInductionVar(Value iv, Value lb, Value step) {
  auto b = OpBuilder::atBlockBegin(cast<BlockArgument>(iv).getOwner());
  Location loc = iv.getLoc();
  auto scaled = arith::MulIOp::create(b, loc, iv, step);
  Value moved = arith::AddIOp::create(b, loc, lb, scaled);
  iv.replaceAllUsesExcept(moved, scaled);
}

void guardFor(scf::ForOp loop) {
  // The VM reads a signless i1 as a boolean, 0 or 1, as unsigned loops do
  // (signed, 0 to 1 would be 0 to -1).
  if (loop.getInductionVar().getType().isInteger(1))
    loop.setUnsignedCmp(true);
  bool isUnsigned = loop.getUnsignedCmp();
  if (!needsTripCount(loop.getUpperBound(), loop.getStep(), isUnsigned))
    return;
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  Value lb = loop.getLowerBound(), step = loop.getStep();
  ZeroOne c(b, loc, lb.getType());
  Value trips =
      tripCount(b, loc, c, lb, loop.getUpperBound(), step, isUnsigned);
  rebaseInductionVar(loop.getInductionVar(), lb, step);
  loop.setLowerBound(c.zero);
  loop.setUpperBound(trips);
  loop.setStep(c.one);
  loop.setUnsignedCmp(true);
}

/// Counts the trips of each dimension of a parallel loop (index bounds,
/// signed) that needs it, replacing `lbs`, `ubs` and `steps` there; whether
/// any did.
bool guardDims(Operation *loop, ValueRange ivs,
               MutableArrayRef<OpFoldResult> lbs,
               MutableArrayRef<OpFoldResult> ubs,
               MutableArrayRef<OpFoldResult> steps) {
  OpBuilder b(loop);
  Location loc = loop->getLoc();
  // Built for the first dimension that needs them.
  std::optional<ZeroOne> c;
  Value largest;
  for (auto [iv, lbBound, ubBound, stepBound] :
       llvm::zip_equal(ivs, lbs, ubs, steps)) {
    if (!needsTripCount(ubBound, stepBound, false))
      continue;
    if (!c) {
      c.emplace(b, loc, b.getIndexType());
      // Bounds compare signed: more trips than the largest signed index
      // (at the data layout's width: all ones shifted right) would run
      // none.
      Value allOnes = constant(b, loc, b.getIndexType(), -1);
      largest = arith::ShRUIOp::create(b, loc, allOnes, c->one);
    }
    Value lb = getValueOrCreateConstantIndexOp(b, loc, lbBound);
    Value ub = getValueOrCreateConstantIndexOp(b, loc, ubBound);
    Value step = getValueOrCreateConstantIndexOp(b, loc, stepBound);
    Value trips = arith::MinUIOp::create(
        b, loc, tripCount(b, loc, *c, lb, ub, step, false), largest);
    rebaseInductionVar(iv, lb, step);
    lbBound = c->zero;
    ubBound = trips;
    stepBound = c->one;
  }
  return c.has_value();
}

void guardParallel(scf::ParallelOp loop) {
  SmallVector<OpFoldResult> lbs(loop.getLowerBound()),
      ubs(loop.getUpperBound()), steps(loop.getStep());
  if (!guardDims(loop, loop.getInductionVars(), lbs, ubs, steps))
    return;
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  loop.getLowerBoundMutable().assign(
      getValueOrCreateConstantIndexOp(b, loc, lbs));
  loop.getUpperBoundMutable().assign(
      getValueOrCreateConstantIndexOp(b, loc, ubs));
  loop.getStepMutable().assign(getValueOrCreateConstantIndexOp(b, loc, steps));
}

void guardForall(scf::ForallOp loop) {
  SmallVector<OpFoldResult> lbs = loop.getMixedLowerBound(),
                            ubs = loop.getMixedUpperBound(),
                            steps = loop.getMixedStep();
  if (!guardDims(loop, loop.getInductionVars(), lbs, ubs, steps))
    return;
  auto set = [](ArrayRef<OpFoldResult> bounds, MutableOperandRange dynamic,
                auto setStatic) {
    SmallVector<Value> values;
    SmallVector<int64_t> constants;
    // Constants (the new 0 and 1) become static bounds.
    auto folded = llvm::map_to_vector(bounds, [](OpFoldResult r) {
      auto v = dyn_cast<Value>(r);
      return v ? getAsOpFoldResult(v) : r;
    });
    dispatchIndexOpFoldResults(folded, values, constants);
    dynamic.assign(values);
    setStatic(constants);
  };
  set(lbs, loop.getDynamicLowerBoundMutable(),
      [&](ArrayRef<int64_t> c) { loop.setStaticLowerBound(c); });
  set(ubs, loop.getDynamicUpperBoundMutable(),
      [&](ArrayRef<int64_t> c) { loop.setStaticUpperBound(c); });
  set(steps, loop.getDynamicStepMutable(),
      [&](ArrayRef<int64_t> c) { loop.setStaticStep(c); });
}

struct AnybitGuardLoopStepsPass
    : anybit::impl::AnybitGuardLoopStepsBase<AnybitGuardLoopStepsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> loops;
    getOperation().walk([&](Operation *op) {
      if (isa<scf::ForOp, scf::ParallelOp, scf::ForallOp>(op))
        loops.push_back(op);
    });
    for (Operation *op : loops)
      TypeSwitch<Operation *>(op)
          .Case([](scf::ForOp loop) { guardFor(loop); })
          .Case([](scf::ParallelOp loop) { guardParallel(loop); })
          .Case([](scf::ForallOp loop) { guardForall(loop); });
  }
};

} // namespace
