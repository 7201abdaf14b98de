//===- KeepUnwrittenInits.cpp - Inits a linalg op may not overwrite -------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITKEEPUNWRITTENINITS
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// Whether `op` may leave elements of an init that its payload does not
/// read unwritten: its iteration space may be empty, or the init's map is
/// not a projected permutation (the verifier ties those loops to the
/// init's sizes, so a projected permutation reaches every element).
bool mayLeaveInitUnwritten(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  bool maybeEmpty = llvm::any_of(ranges, [](int64_t r) { return r <= 0; });
  return llvm::any_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
    return !op.payloadUsesValueFromOperand(&init) &&
           (maybeEmpty ||
            !op.getMatchingIndexingMap(&init).isProjectedPermutation());
  });
}

/// Whether `op` runs no iteration: its results are its inits, whether or
/// not its payload reads them (folding may still make it stop reading them:
/// fusing a constant operand into `muli %c, %init` makes it `0`).
bool hasEmptyIterationSpace(linalg::LinalgOp op) {
  return llvm::is_contained(op.getStaticLoopRanges(), 0);
}

/// Whether a linalg.map's payload takes its init's element (an argument
/// after the inputs') and uses it.
bool readsInit(linalg::MapOp map) {
  Block *body = map.getBody();
  unsigned inputs = map.getNumDpsInputs();
  return body->getNumArguments() > inputs &&
         !body->getArgument(inputs).use_empty();
}

/// The indices of the image of the loop point `ivs` under `map`.
SmallVector<Value> imageOf(OpBuilder &b, Location loc, AffineMap map,
                           ValueRange ivs) {
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults())
    indices.push_back(affine::AffineApplyOp::create(
        b, loc, AffineMap::get(map.getNumDims(), 0, expr), ivs));
  return indices;
}

/// `op` as a loop nest over its iteration space that carries the inits and
/// inserts each yielded element: elements it does not write keep theirs.
void lowerToLoops(linalg::LinalgOp op, RewriterBase &rewriter) {
  Location loc = op.getLoc();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  unsigned numInputs = op.getNumDpsInputs();
  Block *body = op.getBlock();
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  };
  SmallVector<Value> lbs(ranges.size(), index(0)),
      steps(ranges.size(), index(1));
  SmallVector<Value> ubs = llvm::map_to_vector(ranges, index);
  // A tensor.empty init is zeros, as the VM reads it.
  SmallVector<Value> inits;
  for (Value init : op.getDpsInits()) {
    if (init.getDefiningOp<tensor::EmptyOp>()) {
      Value zero = arith::ConstantOp::create(
          rewriter, loc, rewriter.getZeroAttr(getElementTypeOrSelf(init)));
      init = linalg::FillOp::create(rewriter, loc, zero, init).result();
    }
    inits.push_back(init);
  }
  scf::LoopNest nest = scf::buildLoopNest(
      rewriter, loc, lbs, ubs, steps, inits,
      [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange carried) {
        IRMapping mapping;
        for (BlockArgument arg : body->getArguments()) {
          if (arg.use_empty())
            continue;
          unsigned i = arg.getArgNumber();
          Value v = i < numInputs ? op->getOperand(i) : carried[i - numInputs];
          if (isa<RankedTensorType>(v.getType()))
            v = tensor::ExtractOp::create(b, l, v, imageOf(b, l, maps[i], ivs));
          mapping.map(arg, v);
        }
        for (Operation &inner : body->without_terminator()) {
          if (auto idx = dyn_cast<linalg::IndexOp>(inner))
            mapping.map(idx.getResult(), ivs[idx.getDim()]);
          else
            b.clone(inner, mapping);
        }
        scf::ValueVector results;
        for (auto [j, yielded] :
             llvm::enumerate(body->getTerminator()->getOperands()))
          results.push_back(tensor::InsertOp::create(
              b, l, mapping.lookupOrDefault(yielded), carried[j],
              imageOf(b, l, maps[numInputs + j], ivs)));
        return results;
      });
  rewriter.replaceOp(op, nest.results);
}

struct AnybitKeepUnwrittenInitsPass
    : anybit::impl::AnybitKeepUnwrittenInitsBase<AnybitKeepUnwrittenInitsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    // Upstream's linalg.map says it does not read its init even where its
    // payload takes the init's element; the equivalent linalg.generic
    // does.
    SmallVector<linalg::MapOp> maps;
    getOperation().walk([&](linalg::MapOp map) {
      if (readsInit(map))
        maps.push_back(map);
    });
    for (linalg::MapOp map : maps) {
      rewriter.setInsertionPoint(map);
      if (failed(linalg::generalizeNamedOp(rewriter, map))) {
        map.emitOpError("cannot be generalized to read its init");
        return signalPassFailure();
      }
    }

    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() &&
          (mayLeaveInitUnwritten(op) || hasEmptyIterationSpace(op)))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      rewriter.setInsertionPoint(op);
      if (llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic)) {
        op->emitOpError("needs static loop ranges: its payload does not "
                        "read an init it may not write whole");
        return signalPassFailure();
      }
      lowerToLoops(op, rewriter);
    }
  }
};

} // namespace
