//===- PrefetchStreams.cpp - Prefetch the packed bytes loops read ---------===//

#include "anybit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITPREFETCHSTREAMS
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// How much `value` grows when the induction variable of `loop` grows by
/// one: its coefficient, if `value` is a linear function of it through
/// index arithmetic (values defined outside the loop count as constants).
std::optional<int64_t> coefficient(Value value, scf::ForOp loop,
                                   int depth = 0) {
  if (value == loop.getInductionVar())
    return 1;
  Operation *def = value.getDefiningOp();
  if (!def)
    return loop->isAncestor(value.getParentBlock()->getParentOp())
               ? std::nullopt
               : std::optional<int64_t>(0);
  if (!loop->isAncestor(def) || matchPattern(value, m_Constant()))
    return 0;
  if (depth > 16)
    return std::nullopt;
  auto of = [&](Value v) { return coefficient(v, loop, depth + 1); };
  if (isa<arith::AddIOp, arith::SubIOp>(def)) {
    std::optional<int64_t> x = of(def->getOperand(0)), y = of(def->getOperand(1));
    if (!x || !y)
      return std::nullopt;
    return isa<arith::AddIOp>(def) ? *x + *y : *x - *y;
  }
  if (auto mul = dyn_cast<arith::MulIOp>(def)) {
    APInt c;
    if (matchPattern(mul.getRhs(), m_ConstantInt(&c)))
      if (std::optional<int64_t> x = of(mul.getLhs()))
        return *x * c.getSExtValue();
    if (matchPattern(mul.getLhs(), m_ConstantInt(&c)))
      if (std::optional<int64_t> x = of(mul.getRhs()))
        return *x * c.getSExtValue();
  }
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp>(def))
    return of(def->getOperand(0));
  // Anything else is constant in the loop only if all it reads is.
  for (Value operand : def->getOperands())
    if (of(operand) != std::optional<int64_t>(0))
      return std::nullopt;
  return 0;
}

/// The rank-1 i8 buffer `op` reads and the index it reads at, if `op` is a
/// vector read of one.
std::optional<std::pair<Value, Value>> byteRead(Operation *op) {
  Value base, index;
  if (auto read = dyn_cast<vector::TransferReadOp>(op)) {
    base = read.getBase();
    if (read.getIndices().size() == 1)
      index = read.getIndices()[0];
  } else if (auto load = dyn_cast<vector::LoadOp>(op)) {
    base = load.getBase();
    if (load.getIndices().size() == 1)
      index = load.getIndices()[0];
  }
  auto type = base ? dyn_cast<MemRefType>(base.getType()) : MemRefType();
  if (!index || !type || type.getRank() != 1 ||
      !type.getElementType().isInteger(8))
    return std::nullopt;
  return std::make_pair(base, index);
}

struct AnybitPrefetchStreamsPass
    : anybit::impl::AnybitPrefetchStreamsBase<AnybitPrefetchStreamsPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation().walk([&](scf::ForOp loop) {
      std::optional<int64_t> step = getConstantIntValue(loop.getStep());
      if (!step || *step <= 0)
        return;
      // The first read of each buffer in the loop's own body.
      llvm::SmallPtrSet<Value, 4> prefetched;
      for (Operation &op : *loop.getBody()) {
        std::optional<std::pair<Value, Value>> read = byteRead(&op);
        if (!read || prefetched.contains(read->first))
          continue;
        std::optional<int64_t> perIndex = coefficient(read->second, loop);
        if (!perIndex || *perIndex * *step <= 0 ||
            *perIndex * *step > distance)
          continue;
        prefetched.insert(read->first);
        prefetch(&op, read->first, read->second);
      }
    });
  }

  /// memref.prefetch of byte `index` + distance of `buffer` (at most its
  /// last byte), before `read`.
  void prefetch(Operation *read, Value buffer, Value index) {
    OpBuilder b(read);
    Location loc = read->getLoc();
    Value ahead = arith::AddIOp::create(
        b, loc, index, arith::ConstantIndexOp::create(b, loc, distance));
    auto type = cast<MemRefType>(buffer.getType());
    Value last =
        type.isDynamicDim(0)
            ? arith::SubIOp::create(
                  b, loc, memref::DimOp::create(b, loc, buffer, 0),
                  arith::ConstantIndexOp::create(b, loc, 1))
                  .getResult()
            : arith::ConstantIndexOp::create(b, loc, type.getDimSize(0) - 1)
                  .getResult();
    Value at = arith::MinUIOp::create(b, loc, ahead, last);
    memref::PrefetchOp::create(b, loc, buffer, ValueRange{at},
                               /*isWrite=*/false, /*localityHint=*/3,
                               /*isDataCache=*/true);
  }
};

} // namespace
