//===- Interpreter.cpp - Control flow and calls of the reference VM -------===//

#include "anybit/Interp/Interpreter.h"

#include "Anybit/AnybitDialect.h"
#include "Handlers.h"
#include "ModArith/ModArithDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace anybit {
namespace detail {

RtValue makeValue(Type type, std::vector<uint64_t> elements) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return RtValue::tensor(tensor, std::move(elements));
  return RtValue::scalar(type, elements.front());
}

SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

namespace {

/// Calls nested deeper than this are reported instead of overflowing the
/// native stack.
constexpr unsigned kMaxCallDepth = 256;

/// Tensors larger than this are reported instead of exhausting memory.
constexpr int64_t kMaxElements = int64_t(1) << 32;

/// Region runs between two questions to InterpretOptions::shouldStop: at
/// about a million a second, a few ms apart.
constexpr uint64_t kRunsPerPoll = 4096;

/// The VM holds scalars of numeric types and statically shaped tensors of
/// them; anything else (vectors, memrefs, i128, dynamic shapes) is reported
/// before an op touches it.
LogicalResult checkRuntimeType(Operation *op, Type type) {
  if (!isRuntimeType(type))
    return op->emitError("the reference VM holds numbers and statically "
                         "shaped tensors of numbers, not ")
           << type;
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return success();
  std::optional<uint64_t> count = countElements(tensor.getShape());
  if (!count || *count > uint64_t(kMaxElements))
    return op->emitError("tensor ")
           << type << " is larger than the reference VM's limit of 2^32 "
           << "elements";
  return success();
}

LogicalResult checkRuntimeTypes(Operation *op) {
  for (Type t : op->getOperandTypes())
    if (failed(checkRuntimeType(op, t)))
      return failure();
  for (Type t : op->getResultTypes())
    if (failed(checkRuntimeType(op, t)))
      return failure();
  return success();
}

class Machine {
public:
  Machine(ModuleOp module, const InterpretOptions &options)
      : symbols(module), options(options) {
    addArithHandlers(handlers);
    addTensorHandlers(handlers);
    addAnybitHandlers(handlers);
    addTernaryHandlers(handlers);
    addModArithHandlers(handlers);
    addAffineHandlers(handlers);
  }

  FailureOr<SmallVector<RtValue>> call(func::FuncOp func,
                                       ArrayRef<RtValue> args);

private:
  using Env = DenseMap<Value, RtValue>;

  FailureOr<SmallVector<RtValue>> runRegion(Region &region,
                                            ArrayRef<RtValue> args, Env &env);
  LogicalResult exec(Operation *op, Env &env);
  LogicalResult execFor(scf::ForOp op, Env &env);
  LogicalResult execWhile(scf::WhileOp op, Env &env);
  LogicalResult execGenerate(tensor::GenerateOp op, Env &env);
  LogicalResult execPad(tensor::PadOp op, Env &env);
  LogicalResult execAffineFor(affine::AffineForOp op, Env &env);
  LogicalResult execAffineIf(affine::AffineIfOp op, Env &env);
  LogicalResult execAffineParallel(affine::AffineParallelOp op, Env &env);
  SmallVector<RtValue> valuesOf(ValueRange values, Env &env);
  /// Runs `region` (of `op`, taking no arguments; none where it is empty)
  /// and binds what it yields to `op`'s results.
  LogicalResult runBranch(Operation *op, Region &region, Env &env);
  /// Runs the body of `op` (one induction variable, a positive step) for
  /// each value from `lb` below `ub`, carrying `carried`; binds the results.
  LogicalResult runCountedLoop(LoopLikeOpInterface op, Int128 lb, Int128 ub,
                               Int128 step, SmallVector<RtValue> carried,
                               Env &env);
  LogicalResult execIndexSwitch(scf::IndexSwitchOp op, Env &env);
  LogicalResult execParallel(scf::ParallelOp op, Env &env);
  LogicalResult execForall(scf::ForallOp op, Env &env);
  LogicalResult
  forEachPoint(Operation *op, ArrayRef<OpFoldResult> lbs,
               ArrayRef<OpFoldResult> ubs, ArrayRef<OpFoldResult> steps,
               Env &env,
               llvm::function_ref<LogicalResult(ArrayRef<RtValue>)> body);
  int64_t valueOf(OpFoldResult r, Env &env);
  LogicalResult execLinalg(linalg::LinalgOp op, Env &env);
  LogicalResult bindResults(Operation *op, ArrayRef<RtValue> values, Env &env);
  LogicalResult poll(Region &region);

  SymbolTable symbols;
  const InterpretOptions &options;
  HandlerMap handlers;
  unsigned depth = 0;
  /// Regions run so far; every loop, linalg point and call runs one.
  uint64_t regionRuns = 0;
  /// The iteration point of each linalg op being run, innermost last, for
  /// linalg.index.
  SmallVector<SmallVector<int64_t>> linalgPoints;
};

/// Only anybit ops read and write packed bytes; everything else works on
/// logical elements, and a packed value reaching it is an error. A select
/// with a scalar condition picks a whole value, packed or not.
LogicalResult checkLogicalOperands(Operation *op,
                                   ArrayRef<RtValue> operands) {
  if (isa<anybit::AnybitDialect>(op->getDialect()))
    return success();
  if (auto select = dyn_cast<arith::SelectOp>(op);
      select && !isa<ShapedType>(select.getCondition().getType()))
    return success();
  auto isPackedType = [](Type t) {
    return static_cast<bool>(getPackedEncoding(t));
  };
  if (llvm::any_of(operands, [](const RtValue &v) { return v.isPacked(); }) ||
      llvm::any_of(op->getResultTypes(), isPackedType))
    return op->emitError("the reference VM runs '")
           << op->getName()
           << "' on logical tensors only; use anybit.pack/unpack for packed "
              "ones";
  return success();
}

} // namespace

FailureOr<SmallVector<RtValue>> Machine::call(func::FuncOp func,
                                              ArrayRef<RtValue> args) {
  if (func.isExternal())
    return func.emitError("the reference VM cannot call external function '")
           << func.getSymName() << "'";
  if (depth >= kMaxCallDepth)
    return func.emitError("call depth exceeds ") << kMaxCallDepth;
  ++depth;
  Env env;
  auto results = runRegion(func.getBody(), args, env);
  --depth;
  return results;
}

LogicalResult Machine::poll(Region &region) {
  if (!options.shouldStop || ++regionRuns % kRunsPerPoll != 0 ||
      !options.shouldStop())
    return success();
  return region.getParentOp()->emitError("interrupted");
}

FailureOr<SmallVector<RtValue>>
Machine::runRegion(Region &region, ArrayRef<RtValue> args, Env &env) {
  if (failed(poll(region)))
    return failure();
  if (!region.hasOneBlock())
    return emitError(region.getLoc(),
                     "the reference VM runs structured control flow only; "
                     "this region has ")
           << llvm::range_size(region.getBlocks()) << " blocks";
  Block &block = region.front();
  for (auto [arg, value] : llvm::zip_equal(block.getArguments(), args))
    env[arg] = value;
  for (Operation &op : block.without_terminator())
    if (failed(exec(&op, env)))
      return failure();
  return valuesOf(block.getTerminator()->getOperands(), env);
}

LogicalResult Machine::bindResults(Operation *op, ArrayRef<RtValue> values,
                                   Env &env) {
  for (auto [result, value] : llvm::zip_equal(op->getResults(), values))
    env[result] = value;
  return success();
}

LogicalResult Machine::execFor(scf::ForOp op, Env &env) {
  ElementCodec codec(op.getInductionVar().getType());
  Int128 lb = codec.toInt(env.lookup(op.getLowerBound()).getScalarBits());
  Int128 ub = codec.toInt(env.lookup(op.getUpperBound()).getScalarBits());
  Int128 step = codec.toInt(env.lookup(op.getStep()).getScalarBits());
  if (op.getUnsignedCmp()) {
    lb = codec.fromInt(lb) & codec.getMask();
    ub = codec.fromInt(ub) & codec.getMask();
    step = codec.fromInt(step) & codec.getMask();
  }
  if (step <= 0)
    return op.emitError("scf.for step must be positive, got ")
           << static_cast<int64_t>(step);
  return runCountedLoop(op, lb, ub, step, valuesOf(op.getInitArgs(), env), env);
}

LogicalResult Machine::runCountedLoop(LoopLikeOpInterface op, Int128 lb,
                                      Int128 ub, Int128 step,
                                      SmallVector<RtValue> carried, Env &env) {
  Value iv = *op.getSingleInductionVar();
  ElementCodec codec(iv.getType());
  for (Int128 i = lb; i < ub; i += step) {
    SmallVector<RtValue> args{RtValue::scalar(iv.getType(), codec.fromInt(i))};
    args.append(carried);
    auto next = runRegion(*op.getLoopRegions().front(), args, env);
    if (failed(next))
      return failure();
    carried = std::move(*next);
  }
  return bindResults(op, carried, env);
}

LogicalResult Machine::execWhile(scf::WhileOp op, Env &env) {
  SmallVector<RtValue> carried = valuesOf(op.getInits(), env);
  while (true) {
    auto before = runRegion(op.getBefore(), carried, env);
    if (failed(before))
      return failure();
    // The terminator is scf.condition(%cond, %args...).
    bool proceed = before->front().getScalarBits() & 1;
    SmallVector<RtValue> forwarded(before->begin() + 1, before->end());
    if (!proceed)
      return bindResults(op, forwarded, env);
    auto after = runRegion(op.getAfter(), forwarded, env);
    if (failed(after))
      return failure();
    carried = std::move(*after);
  }
}

LogicalResult Machine::execGenerate(tensor::GenerateOp op, Env &env) {
  auto type = op.getType();
  if (!type.hasStaticShape())
    return op.emitError("the reference VM needs static tensor shapes");
  Type indexType = IndexType::get(op.getContext());
  std::vector<uint64_t> elements(type.getNumElements());
  SmallVector<int64_t> strides = rowMajorStrides(type.getShape());
  for (int64_t linear = 0, e = type.getNumElements(); linear < e; ++linear) {
    SmallVector<RtValue> indices;
    for (auto [dim, stride] : llvm::enumerate(strides))
      indices.push_back(RtValue::scalar(
          indexType, (linear / stride) % type.getDimSize(dim)));
    auto yielded = runRegion(op.getBody(), indices, env);
    if (failed(yielded))
      return failure();
    elements[linear] = yielded->front().getScalarBits();
  }
  return bindResults(op, {RtValue::tensor(type, std::move(elements))}, env);
}

/// The padded tensor: the source's elements where they land, the body's
/// value (given the element's indices) elsewhere.
LogicalResult Machine::execPad(tensor::PadOp op, Env &env) {
  RankedTensorType type = op.getResultType();
  const RtValue &source = env.lookup(op.getSource());
  ArrayRef<int64_t> sourceShape = source.getShape();
  SmallVector<int64_t> low;
  for (auto [d, l, h] :
       llvm::enumerate(op.getMixedLowPad(), op.getMixedHighPad())) {
    low.push_back(valueOf(l, env));
    int64_t high = valueOf(h, env);
    if (low.back() < 0 || high < 0 ||
        sourceShape[d] + low.back() + high != type.getDimSize(d))
      return op.emitError("padding ")
             << low.back() << " low and " << high << " high of dimension " << d
             << " (size " << sourceShape[d] << ") does not make the result's "
             << type.getDimSize(d);
  }
  Type indexType = IndexType::get(op.getContext());
  SmallVector<int64_t> strides = rowMajorStrides(type.getShape());
  SmallVector<int64_t> sourceStrides = rowMajorStrides(sourceShape);
  std::vector<uint64_t> elements(type.getNumElements());
  for (int64_t linear = 0, e = type.getNumElements(); linear < e; ++linear) {
    SmallVector<int64_t> index;
    int64_t from = 0; // the source element's position, if inside
    bool inside = true;
    for (auto [d, stride] : llvm::enumerate(strides)) {
      index.push_back(linear / stride % type.getDimSize(d));
      int64_t s = index.back() - low[d];
      inside = inside && s >= 0 && s < sourceShape[d];
      from += s * sourceStrides[d];
    }
    if (inside) {
      elements[linear] = source.getElements()[from];
      continue;
    }
    auto args = llvm::map_to_vector(
        index, [&](int64_t i) { return RtValue::scalar(indexType, i); });
    auto yielded = runRegion(op.getRegion(), args, env);
    if (failed(yielded))
      return failure();
    elements[linear] = yielded->front().getScalarBits();
  }
  return bindResults(op, {RtValue::tensor(type, std::move(elements))}, env);
}

SmallVector<RtValue> Machine::valuesOf(ValueRange values, Env &env) {
  return llvm::map_to_vector(values, [&](Value v) { return env.lookup(v); });
}

/// From the largest of the lower bound map's results while below the
/// smallest of the upper bound map's, by the (positive) step.
LogicalResult Machine::execAffineFor(affine::AffineForOp op, Env &env) {
  auto lbs = evaluateAffineMap(op, op.getLowerBoundMap(),
                               valuesOf(op.getLowerBoundOperands(), env));
  auto ubs = evaluateAffineMap(op, op.getUpperBoundMap(),
                               valuesOf(op.getUpperBoundOperands(), env));
  if (failed(lbs) || failed(ubs))
    return failure();
  return runCountedLoop(op, *llvm::max_element(*lbs), *llvm::min_element(*ubs),
                        op.getStepAsInt(), valuesOf(op.getInits(), env), env);
}

LogicalResult Machine::execAffineIf(affine::AffineIfOp op, Env &env) {
  FailureOr<bool> holds = evaluateIntegerSet(op, op.getIntegerSet(),
                                             valuesOf(op.getOperands(), env));
  if (failed(holds))
    return failure();
  return runBranch(op, *holds ? op.getThenRegion() : op.getElseRegion(), env);
}

/// Each dimension from the largest of its lower bounds while below the
/// smallest of its upper bounds; the iterations run one after another in
/// row-major order, and each yielded value is folded into its
/// accumulator, which starts at the reduction's identity, by the op
/// upstream's lowering folds it with (arith::getReductionOp), run here by
/// its handler.
LogicalResult Machine::execAffineParallel(affine::AffineParallelOp op,
                                          Env &env) {
  if (failed(checkParallelReductions(op)))
    return failure();
  Builder builder(op.getContext());
  SmallVector<OpFoldResult> lbs, ubs, steps;
  for (unsigned d = 0, e = op.getNumDims(); d < e; ++d) {
    auto lb = evaluateAffineMap(op, op.getLowerBoundMap(d),
                                valuesOf(op.getLowerBoundsOperands(), env));
    auto ub = evaluateAffineMap(op, op.getUpperBoundMap(d),
                                valuesOf(op.getUpperBoundsOperands(), env));
    if (failed(lb) || failed(ub))
      return failure();
    lbs.push_back(builder.getIndexAttr(*llvm::max_element(*lb)));
    ubs.push_back(builder.getIndexAttr(*llvm::min_element(*ub)));
    steps.push_back(builder.getIndexAttr(op.getSteps()[d]));
  }
  // Each reduction's identity and fold, built once in a block of their
  // own (the fold on two of its arguments) and run by their handlers.
  Block scratch;
  OpBuilder b(op.getContext());
  b.setInsertionPointToStart(&scratch);
  auto run = [&](Operation *built,
                 ArrayRef<RtValue> operands) -> FailureOr<RtValue> {
    OpHandler handler = handlers.lookup(built->getName().getTypeID());
    if (!handler)
      return op.emitError("the reference VM cannot execute '")
             << built->getName() << "'";
    SmallVector<RtValue> results;
    if (failed(handler(built, operands, results)))
      return failure();
    return results.front();
  };
  SmallVector<RtValue> acc;
  SmallVector<Value> folds;
  for (auto [kindAttr, type] :
       llvm::zip_equal(op.getReductions(), op.getResultTypes())) {
    auto kind = cast<arith::AtomicRMWKindAttr>(kindAttr).getValue();
    Value identity = arith::getIdentityValue(kind, type, b, op.getLoc());
    FailureOr<RtValue> start = run(identity.getDefiningOp(), {});
    if (failed(start))
      return failure();
    acc.push_back(*start);
    Value lhs = scratch.addArgument(type, op.getLoc());
    Value rhs = scratch.addArgument(type, op.getLoc());
    folds.push_back(arith::getReductionOp(kind, b, op.getLoc(), lhs, rhs));
  }
  auto iteration = [&](ArrayRef<RtValue> ivs) -> LogicalResult {
    auto values = runRegion(op.getRegion(), ivs, env);
    if (failed(values))
      return failure();
    for (auto [j, value] : llvm::enumerate(*values)) {
      Operation *fold = folds[j].getDefiningOp();
      if (!fold) { // `assign`: the value itself
        acc[j] = value;
        continue;
      }
      FailureOr<RtValue> folded = run(fold, {acc[j], value});
      if (failed(folded))
        return failure();
      acc[j] = *folded;
    }
    return success();
  };
  if (failed(forEachPoint(op, lbs, ubs, steps, env, iteration)))
    return failure();
  return bindResults(op, acc, env);
}

LogicalResult Machine::execIndexSwitch(scf::IndexSwitchOp op, Env &env) {
  auto arg = static_cast<int64_t>(env.lookup(op.getArg()).getScalarBits());
  Region *region = &op.getDefaultRegion();
  for (auto [value, caseRegion] :
       llvm::zip_equal(op.getCases(), op.getCaseRegions()))
    if (value == arg)
      region = &caseRegion;
  return runBranch(op, *region, env);
}

LogicalResult Machine::runBranch(Operation *op, Region &region, Env &env) {
  if (region.empty())
    return success();
  auto results = runRegion(region, {}, env);
  if (failed(results))
    return failure();
  return bindResults(op, *results, env);
}

/// An index operand's value, constant or not.
int64_t Machine::valueOf(OpFoldResult r, Env &env) {
  if (auto attr = dyn_cast<Attribute>(r))
    return cast<IntegerAttr>(attr).getInt();
  return static_cast<int64_t>(env.lookup(cast<Value>(r)).getScalarBits());
}

/// Calls `body` with the induction values of each point of a parallel
/// loop's iteration space, row-major (the last dimension fastest); steps
/// that are not positive are an error.
LogicalResult Machine::forEachPoint(
    Operation *op, ArrayRef<OpFoldResult> lbs, ArrayRef<OpFoldResult> ubs,
    ArrayRef<OpFoldResult> steps, Env &env,
    llvm::function_ref<LogicalResult(ArrayRef<RtValue>)> body) {
  SmallVector<int64_t> first, step;
  SmallVector<uint64_t> trips;
  Int128 count = 1;
  for (auto [lb, ub, s] : llvm::zip_equal(lbs, ubs, steps)) {
    first.push_back(valueOf(lb, env));
    step.push_back(valueOf(s, env));
    if (step.back() <= 0)
      return op->emitError()
             << op->getName() << " step must be positive, got " << step.back();
    Int128 span = Int128(valueOf(ub, env)) - first.back();
    trips.push_back(span <= 0 ? 0 : uint64_t((span - 1) / step.back() + 1));
    count *= trips.back();
    if (count > kMaxElements)
      return op->emitError("the reference VM runs parallel loops of at most "
                           "2^32 iterations");
  }
  Type indexType = IndexType::get(op->getContext());
  SmallVector<uint64_t> at(trips.size(), 0);
  for (Int128 n = 0; n < count; ++n) {
    SmallVector<RtValue> ivs;
    for (auto [d, k] : llvm::enumerate(at))
      ivs.push_back(
          RtValue::scalar(indexType, uint64_t(first[d] + Int128(k) * step[d])));
    if (failed(body(ivs)))
      return failure();
    for (int64_t d = int64_t(at.size()) - 1; d >= 0; --d) {
      if (++at[d] < trips[d])
        break;
      at[d] = 0;
    }
  }
  return success();
}

/// The iterations run one after another, in row-major order; each one's
/// values are folded into the accumulators (the inits first) by the
/// scf.reduce regions.
LogicalResult Machine::execParallel(scf::ParallelOp op, Env &env) {
  SmallVector<RtValue> acc = valuesOf(op.getInitVals(), env);
  auto reduce = cast<scf::ReduceOp>(op.getBody()->getTerminator());
  auto iteration = [&](ArrayRef<RtValue> ivs) -> LogicalResult {
    auto values = runRegion(op.getRegion(), ivs, env);
    if (failed(values))
      return failure();
    for (auto [j, value] : llvm::enumerate(*values)) {
      auto folded = runRegion(reduce.getReductions()[j], {acc[j], value}, env);
      if (failed(folded))
        return failure();
      acc[j] = folded->front();
    }
    return success();
  };
  if (failed(forEachPoint(op, getAsOpFoldResult(op.getLowerBound()),
                          getAsOpFoldResult(op.getUpperBound()),
                          getAsOpFoldResult(op.getStep()), env, iteration)))
    return failure();
  return bindResults(op, acc, env);
}

/// The iterations run one after another, in row-major order, each seeing
/// the shared outputs as the earlier ones left them; their
/// tensor.parallel_insert_slices write the outputs in turn.
LogicalResult Machine::execForall(scf::ForallOp op, Env &env) {
  SmallVector<RtValue> outs = valuesOf(op.getOutputs(), env);
  unsigned rank = op.getRank();
  auto iteration = [&](ArrayRef<RtValue> ivs) -> LogicalResult {
    SmallVector<RtValue> args(ivs);
    args.append(outs);
    if (failed(runRegion(op.getRegion(), args, env)))
      return failure();
    for (Operation &write : op.getTerminator().getYieldingOps()) {
      auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(write);
      if (!insert)
        return write.emitError("the reference VM cannot execute '")
               << write.getName() << "'";
      unsigned out =
          cast<BlockArgument>(insert.getDest()).getArgNumber() - rank;
      SmallVector<RtValue> operands = valuesOf(write.getOperands(), env);
      operands[1] = outs[out];
      SmallVector<RtValue> written;
      if (failed(checkLogicalOperands(&write, operands)) ||
          failed(handlers.lookup(write.getName().getTypeID())(&write, operands,
                                                              written)))
        return failure();
      outs[out] = written.front();
    }
    return success();
  };
  if (failed(forEachPoint(op, op.getMixedLowerBound(), op.getMixedUpperBound(),
                          op.getMixedStep(), env, iteration)))
    return failure();
  return bindResults(op, outs, env);
}

/// A structured op runs its body once per point of its iteration space, in
/// row-major order of its loops (a reduction accumulates in that order):
/// each operand's element at the point's image under its indexing map goes
/// in, and each yielded value is written to its init's element there.
LogicalResult Machine::execLinalg(linalg::LinalgOp op, Env &env) {
  if (!op.hasPureTensorSemantics())
    return op->emitError("the reference VM runs linalg ops on tensors only");
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  // At about a million points a second, 2^32 is an hour: more is
  // reported rather than run.
  std::optional<uint64_t> points = countElements(ranges);
  if (!points || *points > uint64_t(kMaxElements))
    return op->emitError("the reference VM runs linalg ops of at most 2^32 "
                         "iteration points, not ")
           << (points ? std::to_string(*points) : "more than 2^56");
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<RtValue> operands = valuesOf(op->getOperands(), env);
  if (failed(checkLogicalOperands(op, operands)))
    return failure();
  unsigned numInputs = op.getNumDpsInputs();
  // The inits' elements, updated point by point.
  SmallVector<std::vector<uint64_t>> inits;
  for (const RtValue &init : ArrayRef(operands).drop_front(numInputs))
    inits.emplace_back(init.getElements().begin(), init.getElements().end());

  SmallVector<SmallVector<int64_t>> strides;
  for (const RtValue &operand : operands)
    strides.push_back(rowMajorStrides(operand.getShape()));
  // The loop each result of a projected permutation (almost every map)
  // reads, which spares evaluating the map at every point.
  SmallVector<std::optional<SmallVector<unsigned>>> loopOfResult;
  for (AffineMap map : maps) {
    if (!map.isProjectedPermutation()) {
      loopOfResult.emplace_back();
      continue;
    }
    loopOfResult.emplace_back(SmallVector<unsigned>());
    for (unsigned r = 0; r < map.getNumResults(); ++r)
      loopOfResult.back()->push_back(map.getDimPosition(r));
  }
  // The linear position of `point`'s image in operand `i`; the verifier
  // bounds only the simplest maps, so each image is checked.
  auto positionIn = [&](unsigned i,
                        ArrayRef<int64_t> point) -> FailureOr<int64_t> {
    SmallVector<int64_t> index;
    if (loopOfResult[i])
      for (unsigned loop : *loopOfResult[i])
        index.push_back(point[loop]);
    else
      index = maps[i].compose(point);
    ArrayRef<int64_t> shape = operands[i].getShape();
    int64_t linear = 0;
    for (auto [d, x, stride] : llvm::enumerate(index, strides[i])) {
      if (x < 0 || x >= shape[d])
        return op->emitError("indexing map #")
               << i << " takes iteration point (" << point
               << ") out of operand #" << i << "'s bounds";
      linear += x * stride;
    }
    return linear;
  };
  // The payload's arguments: the elements of the inputs, then of the inits
  // (those of linalg.map and others may leave out the inits).
  unsigned numArgs = op.getBlock()->getNumArguments();
  SmallVector<int64_t> point(ranges.size(), 0);
  linalgPoints.push_back(point);
  llvm::scope_exit popPoint([&] { linalgPoints.pop_back(); });
  for (uint64_t n = 0; n < *points; ++n) {
    SmallVector<RtValue> args;
    for (unsigned i = 0; i < numArgs; ++i) {
      const RtValue &v = operands[i];
      if (!isa<RankedTensorType>(v.getType())) {
        args.push_back(v); // a scalar operand, e.g. linalg.fill's value
        continue;
      }
      FailureOr<int64_t> at = positionIn(i, point);
      if (failed(at))
        return failure();
      uint64_t bits = i < numInputs ? v.getElements()[*at]
                                    : inits[i - numInputs][*at];
      args.push_back(RtValue::scalar(v.getElementType(), bits));
    }
    linalgPoints.back() = point;
    auto yielded = runRegion(op->getRegion(0), args, env);
    if (failed(yielded))
      return failure();
    for (auto [j, value] : llvm::enumerate(*yielded)) {
      FailureOr<int64_t> at = positionIn(numInputs + j, point);
      if (failed(at))
        return failure();
      inits[j][*at] = value.getScalarBits();
    }
    // The next point, the last loop fastest.
    for (int64_t d = static_cast<int64_t>(point.size()) - 1; d >= 0; --d) {
      if (++point[d] < ranges[d])
        break;
      point[d] = 0;
    }
  }
  SmallVector<RtValue> results;
  for (auto [result, elements] : llvm::zip_equal(op->getResults(), inits))
    results.push_back(makeValue(result.getType(), std::move(elements)));
  return bindResults(op, results, env);
}

LogicalResult Machine::exec(Operation *op, Env &env) {
  if (failed(checkRuntimeTypes(op)))
    return failure();
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](scf::ForOp forOp) { return execFor(forOp, env); })
      .Case([&](scf::WhileOp whileOp) { return execWhile(whileOp, env); })
      .Case([&](tensor::GenerateOp gen) { return execGenerate(gen, env); })
      .Case([&](tensor::PadOp pad) { return execPad(pad, env); })
      .Case([&](affine::AffineForOp f) { return execAffineFor(f, env); })
      .Case([&](affine::AffineIfOp i) { return execAffineIf(i, env); })
      .Case([&](affine::AffineParallelOp p) {
        return execAffineParallel(p, env);
      })
      .Case([&](scf::IndexSwitchOp s) { return execIndexSwitch(s, env); })
      .Case([&](scf::ParallelOp p) { return execParallel(p, env); })
      .Case([&](scf::ForallOp f) { return execForall(f, env); })
      .Case(
          [&](linalg::LinalgOp linalgOp) { return execLinalg(linalgOp, env); })
      .Case([&](linalg::IndexOp index) -> LogicalResult {
        if (linalgPoints.empty())
          return index.emitError("linalg.index outside a linalg op");
        return bindResults(
            index,
            {RtValue::scalar(index.getType(),
                             linalgPoints.back()[index.getDim()])},
            env);
      })
      .Case([&](scf::IfOp ifOp) {
        bool cond = env.lookup(ifOp.getCondition()).getScalarBits() & 1;
        return runBranch(
            ifOp, cond ? ifOp.getThenRegion() : ifOp.getElseRegion(), env);
      })
      .Case([&](scf::ExecuteRegionOp exe) {
        return runBranch(exe, exe.getRegion(), env);
      })
      .Case([&](func::CallOp callOp) -> LogicalResult {
        auto callee = symbols.lookup<func::FuncOp>(callOp.getCallee());
        if (!callee)
          return callOp.emitError("unknown callee '")
                 << callOp.getCallee() << "'";
        auto results = call(callee, valuesOf(callOp.getOperands(), env));
        if (failed(results))
          return failure();
        return bindResults(callOp, *results, env);
      })
      .Default([&](Operation *op) -> LogicalResult {
        if (op->getNumRegions() != 0 || !handlers.count(op->getName().getTypeID()))
          return op->emitError("the reference VM cannot execute '")
                 << op->getName() << "'";
        SmallVector<RtValue> operands = valuesOf(op->getOperands(), env);
        if (failed(checkLogicalOperands(op, operands)))
          return failure();
        SmallVector<RtValue> results;
        if (failed(handlers.lookup(op->getName().getTypeID())(op, operands,
                                                               results)))
          return failure();
        return bindResults(op, results, env);
      });
}

} // namespace detail

FailureOr<SmallVector<RtValue>> interpret(ModuleOp module, StringRef entry,
                                          ArrayRef<RtValue> args,
                                          const InterpretOptions &options) {
  auto func = SymbolTable(module).lookup<func::FuncOp>(entry);
  if (!func)
    return emitError(module.getLoc(), "no function named '") << entry << "'";
  FunctionType type = func.getFunctionType();
  if (type.getNumInputs() != args.size())
    return func.emitError("'") << entry << "' takes " << type.getNumInputs()
                               << " arguments, got " << args.size();
  for (Type t : llvm::concat<const Type>(type.getInputs(), type.getResults()))
    if (failed(detail::checkRuntimeType(func, t)))
      return failure();
  for (auto [i, expected, arg] : llvm::enumerate(type.getInputs(), args))
    if (arg.getType() != expected)
      return func.emitError("argument ")
             << i << " of '" << entry << "' must be " << expected << ", got "
             << arg.getType();
  return detail::Machine(module, options).call(func, args);
}

LogicalResult checkParallelReductions(Operation *op) {
  auto parallel = dyn_cast<affine::AffineParallelOp>(op);
  if (!parallel)
    return success();
  for (Attribute kind : parallel.getReductions())
    if (cast<arith::AtomicRMWKindAttr>(kind).getValue() ==
        arith::AtomicRMWKind::assign)
      return parallel.emitOpError(
          "reduction 'assign' has no identity to start from: its result "
          "over the iterations is not defined");
  return success();
}

void registerInterpreterDialects(DialectRegistry &registry) {
  registry.insert<affine::AffineDialect, arith::ArithDialect, func::FuncDialect,
                  linalg::LinalgDialect, scf::SCFDialect, tensor::TensorDialect,
                  anybit::AnybitDialect, anybit::modarith::ModArithDialect>();
}

} // namespace anybit
