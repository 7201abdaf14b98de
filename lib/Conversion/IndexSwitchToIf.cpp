//===- IndexSwitchToIf.cpp - scf.index_switch as a chain of scf.if --------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITINDEXSWITCHTOIF
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// `switch` as `if (arg == c0) {case 0} else if (arg == c1) {case 1} ...
/// else {default}`, the regions moved as they are.
void lowerToIfs(scf::IndexSwitchOp op, RewriterBase &rewriter) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  if (op.getNumCases() == 0) {
    auto exe = scf::ExecuteRegionOp::create(rewriter, loc, op.getResultTypes());
    rewriter.inlineRegionBefore(op.getDefaultRegion(), exe.getRegion(),
                                exe.getRegion().end());
    rewriter.replaceOp(op, exe.getResults());
    return;
  }
  SmallVector<Value> results;
  for (auto [i, value] : llvm::enumerate(op.getCases())) {
    Value equal = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, op.getArg(),
        arith::ConstantIndexOp::create(rewriter, loc, value));
    auto ifOp = scf::IfOp::create(rewriter, loc, op.getResultTypes(), equal,
                                  /*addThenBlock=*/false,
                                  /*addElseBlock=*/false);
    rewriter.inlineRegionBefore(op.getCaseRegions()[i], ifOp.getThenRegion(),
                                ifOp.getThenRegion().end());
    if (i == 0)
      results = ifOp.getResults();
    else // the end of the previous case's else block
      scf::YieldOp::create(rewriter, loc, ifOp.getResults());
    if (i + 1 == op.getNumCases()) {
      rewriter.inlineRegionBefore(op.getDefaultRegion(), ifOp.getElseRegion(),
                                  ifOp.getElseRegion().end());
    } else {
      rewriter.setInsertionPointToStart(
          rewriter.createBlock(&ifOp.getElseRegion()));
    }
  }
  rewriter.replaceOp(op, results);
}

struct AnybitIndexSwitchToIfPass
    : anybit::impl::AnybitIndexSwitchToIfBase<AnybitIndexSwitchToIfPass> {
  void runOnOperation() override {
    SmallVector<scf::IndexSwitchOp> switches;
    getOperation().walk([&](scf::IndexSwitchOp op) { switches.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (scf::IndexSwitchOp op : switches)
      lowerToIfs(op, rewriter);
  }
};

} // namespace
