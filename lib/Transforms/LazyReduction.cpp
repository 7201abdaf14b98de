//===- LazyReduction.cpp - Sums of products reduced once ------------------===//

#include "anybit/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/APInt.h"

namespace anybit {
#define GEN_PASS_DEF_MODARITHLAZYREDUCTION
#include "anybit/Transforms/Passes.h.inc"
} // namespace anybit

using namespace mlir;
using namespace anybit::modarith;

namespace {

/// A tree's leaves: products a * b and plain residues.
struct SumOfProducts {
  SmallVector<std::pair<Value, Value>> products;
  SmallVector<Value> terms;
  /// The reducing ops the tree replaces, parents before children.
  SmallVector<Operation *> ops;
};

/// Whether `v` is an inner node of the tree: produced by an add, mul or
/// mac that nothing else uses.
Operation *innerNode(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !def->hasOneUse() || !isa<AddOp, MulOp, MacOp>(def))
    return nullptr;
  return def;
}

void collect(Operation *op, SumOfProducts &sum) {
  sum.ops.push_back(op);
  auto visit = [&](Value v) {
    if (Operation *inner = innerNode(v))
      collect(inner, sum);
    else
      sum.terms.push_back(v);
  };
  if (auto mul = dyn_cast<MulOp>(op)) {
    sum.products.push_back({mul.getLhs(), mul.getRhs()});
  } else if (auto mac = dyn_cast<MacOp>(op)) {
    sum.products.push_back({mac.getLhs(), mac.getRhs()});
    visit(mac.getAcc());
  } else {
    auto add = cast<AddOp>(op);
    visit(add.getLhs());
    visit(add.getRhs());
  }
}

struct LazySum : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    // Only the root of a tree: an add that is not itself an inner node of
    // an enclosing one.
    if (op->hasOneUse() && isa<AddOp, MacOp>(*op->user_begin()))
      return rewriter.notifyMatchFailure(op, "not the root of its tree");
    ModIntType residue = getModIntElementType(op.getType());
    if (!residue) // an RNS tensor: limbs have their own moduli
      return rewriter.notifyMatchFailure(op, "RNS sums are reduced per op");
    SumOfProducts sum;
    collect(op, sum);
    if (sum.ops.size() < 2 || sum.products.empty())
      return rewriter.notifyMatchFailure(op, "nothing to save");
    unsigned w = residue.getWidth();
    // The exact bound of the sum, and a width that holds it.
    APInt q1(256, residue.getModulus() - 1);
    APInt bound = q1 * q1 * sum.products.size() + q1 * sum.terms.size();
    unsigned needed = bound.getActiveBits();
    unsigned width = needed <= 2 * w ? 2 * w : needed <= 64 ? 64 : 128;
    if (needed > 128)
      return rewriter.notifyMatchFailure(op, "the sum needs over 128 bits");

    Location loc = op.getLoc();
    Type shaped = op.getType();
    auto like = [&](unsigned bits) -> Type {
      Type element = rewriter.getIntegerType(bits);
      if (auto tensor = dyn_cast<RankedTensorType>(shaped))
        return tensor.clone(element);
      return element;
    };
    auto wide = [&](Value r) -> Value {
      Value word = ExtractOp::create(rewriter, loc, like(w), r);
      return arith::ExtUIOp::create(rewriter, loc, like(width), word);
    };
    Value total;
    auto accumulate = [&](Value v) {
      total = total ? Value(arith::AddIOp::create(rewriter, loc, total, v)) : v;
    };
    for (auto [a, b] : sum.products)
      accumulate(arith::MulIOp::create(rewriter, loc, wide(a), wide(b)));
    for (Value t : sum.terms)
      accumulate(wide(t));
    rewriter.replaceOpWithNewOp<ReduceOp>(op, shaped, total);
    for (Operation *inner : ArrayRef<Operation *>(sum.ops).drop_front())
      rewriter.eraseOp(inner);
    return success();
  }
};

struct ModArithLazyReductionPass
    : anybit::impl::ModArithLazyReductionBase<ModArithLazyReductionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LazySum>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
