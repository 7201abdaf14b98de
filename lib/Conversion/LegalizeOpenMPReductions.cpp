//===- LegalizeOpenMPReductions.cpp - Reductions OpenMP combines exactly --===//

#include "anybit/Conversion/Passes.h"

#include "Emitter.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/TypeSwitch.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITLEGALIZEOPENMPREDUCTIONS
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// A reduction region OpenMP can combine: `op` of the region's two
/// arguments, carried in `type` (the region's, or a wider integer).
struct Combiner {
  Operation *op;
  Type type;
  bool signExtend;
};

/// The type upstream's lowering can combine values of `type` in (one with
/// atomics), or null.
Type combinedType(Type type) {
  if (type.isIndex())
    return IntegerType::get(type.getContext(), 64);
  if (auto integer = dyn_cast<IntegerType>(type)) {
    if (integer.getWidth() > 64)
      return {};
    return IntegerType::get(
        type.getContext(),
        std::max<uint64_t>(8, llvm::PowerOf2Ceil(integer.getWidth())));
  }
  if (type.isF16() || type.isF32() || type.isF64())
    return type;
  return {};
}

std::optional<Combiner> matchCombiner(Block &block) {
  if (block.getNumArguments() != 2 || !llvm::hasNItems(block, 2))
    return std::nullopt;
  Operation &op = block.front();
  Value lhs = block.getArgument(0), rhs = block.getArgument(1);
  auto yield = dyn_cast<scf::ReduceReturnOp>(block.back());
  if (!yield || op.getNumResults() != 1 ||
      yield.getResult() != op.getResult(0) || op.getNumOperands() != 2)
    return std::nullopt;
  if (!(op.getOperand(0) == lhs && op.getOperand(1) == rhs) &&
      !(op.getOperand(0) == rhs && op.getOperand(1) == lhs))
    return std::nullopt;
  Type type = combinedType(lhs.getType());
  if (!type)
    return std::nullopt;
  if (isa<FloatType>(type))
    return isa<arith::AddFOp, arith::MulFOp>(op)
               ? std::optional(Combiner{&op, type, false})
               : std::nullopt;
  if (isa<arith::AddIOp, arith::MulIOp, arith::AndIOp, arith::OrIOp,
          arith::XOrIOp, arith::MaxUIOp, arith::MinUIOp>(op))
    return Combiner{&op, type, false};
  if (isa<arith::MaxSIOp, arith::MinSIOp>(op))
    return Combiner{&op, type, true};
  return std::nullopt;
}

/// The compare a min/max combiner selects its first operand by, if it is
/// one.
std::optional<arith::CmpIPredicate> minMaxPredicate(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<arith::CmpIPredicate>>(op)
      .Case([](arith::MaxSIOp) { return arith::CmpIPredicate::sgt; })
      .Case([](arith::MinSIOp) { return arith::CmpIPredicate::slt; })
      .Case([](arith::MaxUIOp) { return arith::CmpIPredicate::ugt; })
      .Case([](arith::MinUIOp) { return arith::CmpIPredicate::ult; })
      .Default([](Operation *) { return std::nullopt; });
}

/// `value` in `type` (the same, or a wider integer where `value` is an
/// integer or an index).
Value extend(RewriterBase &rewriter, Location loc, Value value, Type type,
             bool signExtend) {
  if (value.getType().isIndex())
    return signExtend ? arith::IndexCastOp::create(rewriter, loc, type, value)
                            .getResult()
                      : arith::IndexCastUIOp::create(rewriter, loc, type, value)
                            .getResult();
  anybit::codegen::Emitter e{rewriter, loc};
  return signExtend ? e.sext(type, value) : e.zext(type, value);
}

Value truncate(RewriterBase &rewriter, Location loc, Value value, Type type) {
  if (type.isIndex())
    return arith::IndexCastOp::create(rewriter, loc, type, value);
  return anybit::codegen::Emitter{rewriter, loc}.trunc(type, value);
}

/// Replaces `region` by upstream's form of `combiner` in its type:
/// `op %a, %b`, or a compare and select for min/max.
void rewriteRegion(RewriterBase &rewriter, Region &region,
                   const Combiner &combiner) {
  Block &old = region.front();
  Location loc = combiner.op->getLoc();
  Block *block = rewriter.createBlock(
      &region, region.begin(), {combiner.type, combiner.type}, {loc, loc});
  Value lhs = block->getArgument(0), rhs = block->getArgument(1);
  Value result;
  if (auto predicate = minMaxPredicate(combiner.op)) {
    Value pick = arith::CmpIOp::create(rewriter, loc, *predicate, lhs, rhs);
    result = arith::SelectOp::create(rewriter, loc, pick, lhs, rhs);
  } else {
    OperationState state(loc, combiner.op->getName());
    state.addOperands({lhs, rhs});
    state.addTypes(combiner.type);
    // Flags hold of the narrow op, not of wide partial sums (nsw); a float
    // keeps its type and its fast-math flags.
    if (combiner.type == old.getArgument(0).getType())
      state.addAttributes(combiner.op->getAttrs());
    result = rewriter.create(state)->getResult(0);
  }
  scf::ReduceReturnOp::create(rewriter, loc, result);
  rewriter.eraseBlock(&old);
}

/// Gives each reduction of `loop` its combiner's form and type; values
/// carried wider are truncated back after the loop.
void legalize(RewriterBase &rewriter, scf::ParallelOp loop,
              ArrayRef<Combiner> combiners) {
  auto reduce = cast<scf::ReduceOp>(loop.getBody()->getTerminator());
  Location loc = loop.getLoc();
  for (unsigned i = 0; i < combiners.size(); ++i) {
    const Combiner &combiner = combiners[i];
    OpResult result = loop->getResult(i);
    Type narrow = result.getType();
    rewriter.setInsertionPoint(loop);
    Value init = extend(rewriter, loc, loop.getInitVals()[i], combiner.type,
                        combiner.signExtend);
    rewriter.setInsertionPoint(reduce);
    Value value = extend(rewriter, loc, reduce.getOperands()[i], combiner.type,
                         combiner.signExtend);
    rewriter.modifyOpInPlace(loop, [&] {
      loop.getInitValsMutable()[i].set(init);
      result.setType(combiner.type);
    });
    rewriter.modifyOpInPlace(
        reduce, [&] { reduce.getOperandsMutable()[i].set(value); });
    rewriteRegion(rewriter, reduce.getReductions()[i], combiner);
    if (narrow == combiner.type)
      continue;
    rewriter.setInsertionPointAfter(loop);
    Value back = truncate(rewriter, loc, result, narrow);
    rewriter.replaceAllUsesExcept(result, back, back.getDefiningOp());
  }
}

/// Replaces `loop` by a nest of scf.for that folds each iteration's values
/// into the accumulators in row-major order, as the reference VM does.
void serialize(RewriterBase &rewriter, scf::ParallelOp loop) {
  auto reduce = cast<scf::ReduceOp>(loop.getBody()->getTerminator());
  rewriter.setInsertionPoint(loop);
  scf::LoopNest nest = scf::buildLoopNest(
      rewriter, loop.getLoc(), loop.getLowerBound(), loop.getUpperBound(),
      loop.getStep(), loop.getInitVals(),
      [&](OpBuilder &builder, Location, ValueRange ivs, ValueRange accs) {
        IRMapping map;
        map.map(loop.getInductionVars(), ivs);
        for (Operation &op : loop.getBody()->without_terminator())
          builder.clone(op, map);
        scf::ValueVector folded;
        for (auto [region, acc, value] : llvm::zip_equal(
                 reduce.getReductions(), accs, reduce.getOperands())) {
          Block &combiner = region.front();
          map.map(combiner.getArgument(0), acc);
          map.map(combiner.getArgument(1), map.lookupOrDefault(value));
          for (Operation &op : combiner.without_terminator())
            builder.clone(op, map);
          folded.push_back(
              map.lookupOrDefault(combiner.getTerminator()->getOperand(0)));
        }
        return folded;
      });
  rewriter.replaceOp(loop, nest.results);
}

struct AnybitLegalizeOpenMPReductionsPass
    : anybit::impl::AnybitLegalizeOpenMPReductionsBase<
          AnybitLegalizeOpenMPReductionsPass> {
  void runOnOperation() override {
    // Inner loops first: serializing an outer loop clones them as they are.
    SmallVector<scf::ParallelOp> loops;
    getOperation().walk<WalkOrder::PostOrder>([&](scf::ParallelOp loop) {
      if (loop.getNumReductions())
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ParallelOp loop : loops) {
      auto reduce = cast<scf::ReduceOp>(loop.getBody()->getTerminator());
      SmallVector<Combiner> combiners;
      for (Region &region : reduce.getReductions())
        if (auto combiner = matchCombiner(region.front()))
          combiners.push_back(*combiner);
      if (combiners.size() == loop.getNumReductions())
        legalize(rewriter, loop, combiners);
      else
        serialize(rewriter, loop);
    }
  }
};

} // namespace
