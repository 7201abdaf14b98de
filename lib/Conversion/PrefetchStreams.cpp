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

/// An index as sum c_i v_i + constant over the loop's induction variable
/// and values the loop does not change.
struct LinearForm {
  llvm::SmallDenseMap<Value, int64_t, 4> terms;
  int64_t constant = 0;

  void add(const LinearForm &other, int64_t scale) {
    constant += scale * other.constant;
    for (auto [value, c] : other.terms)
      if ((terms[value] += scale * c) == 0)
        terms.erase(value);
  }
  int64_t of(Value value) const { return terms.lookup(value); }
  bool sameTerms(const LinearForm &other) const {
    return terms.size() == other.terms.size() &&
           llvm::all_of(terms, [&](auto term) {
             return other.of(term.first) == term.second;
           });
  }
};

/// `value` as a linear form for `loop`, if index arithmetic (add, sub,
/// multiplication by a constant, casts) makes it one.
std::optional<LinearForm> linearize(Value value, scf::ForOp loop,
                                    int depth = 0) {
  LinearForm form;
  APInt c;
  if (matchPattern(value, m_ConstantInt(&c))) {
    form.constant = c.getSExtValue();
    return form;
  }
  auto leaf = [&] {
    form.terms[value] = 1;
    return form;
  };
  Operation *def = value.getDefiningOp();
  if (value == loop.getInductionVar() ||
      (!def && !loop->isAncestor(value.getParentBlock()->getParentOp())) ||
      (def && !loop->isAncestor(def)))
    return leaf(); // the variable, or a value from outside the loop
  if (!def || depth > 16)
    return std::nullopt;
  auto of = [&](Value v) { return linearize(v, loop, depth + 1); };
  if (isa<arith::AddIOp, arith::SubIOp>(def)) {
    std::optional<LinearForm> x = of(def->getOperand(0)),
                              y = of(def->getOperand(1));
    if (!x || !y)
      return std::nullopt;
    x->add(*y, isa<arith::AddIOp>(def) ? 1 : -1);
    return x;
  }
  if (auto mul = dyn_cast<arith::MulIOp>(def)) {
    for (auto [factor, other] : {std::pair(mul.getRhs(), mul.getLhs()),
                                 std::pair(mul.getLhs(), mul.getRhs())})
      if (matchPattern(factor, m_ConstantInt(&c)))
        if (std::optional<LinearForm> x = of(other)) {
          form.add(*x, c.getSExtValue());
          return form;
        }
  }
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp>(def))
    return of(def->getOperand(0));
  // Anything else is a constant of the loop if all it reads is.
  for (Value operand : def->getOperands()) {
    std::optional<LinearForm> x = of(operand);
    if (!x || x->of(loop.getInductionVar()) != 0)
      return std::nullopt;
  }
  return leaf();
}

/// Bytes of a cache line.
constexpr int64_t kLineBytes = 64;
/// The stride from which a stream prefetches each line an iteration reads.
constexpr int64_t kLinesFrom = 2 * kLineBytes;

/// Prefetches an iteration for a stream whose reads span `span` bytes an
/// iteration, `stride` apart: one, or, from two lines an iteration, one
/// for each whole line of the span (up to the stride). With one an
/// iteration, a stream of two lines an iteration leaves every other line
/// to the hardware prefetcher, which falls behind: on Zen 5 (W flushed
/// from the cache, 4096 x 14336) int8-activation GEMVs of 128 bytes an
/// iteration ran 1.2-1.6x faster with both lines prefetched (i4 and e2m1
/// at G = 32: 40 to 63 G weights/s), 1.05-1.2x at 4096 x 4096; 16 rows'
/// words of an f32 lookup-table tile (four lines) had read at 24% of the
/// bandwidth with one prefetch, 58% with four. Below two lines one an
/// iteration stays: the f32 kernels' 80 and 96 bytes of 5- and 6-bit
/// codes, which compute longer than they wait, measured 0-5% slower with
/// a second prefetch, and the int8 ones 2-5% faster.
int64_t linesToPrefetch(int64_t span, int64_t stride) {
  if (stride < kLinesFrom)
    return 1;
  return std::max<int64_t>(1, std::min(span, stride) / kLineBytes);
}

/// Bytes `op` (a vector read of bytes) reads.
int64_t bytesRead(Operation *op) {
  return cast<VectorType>(op->getResult(0).getType()).getNumElements();
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

/// Streams of one buffer and stride that are all prefetched. Two are the
/// bit planes of a tile (`bit_planes = [2, 2]`: 4-bit weights read at
/// 2x the speed with both prefetched); four rows side by side, the ternary
/// add/sub kernel's, ran 25% slower prefetched than left to the hardware.
constexpr int64_t kMaxPrefetchedTwins = 2;

/// Bytes an iteration below which a stream is not prefetched: one
/// prefetch an iteration would be several a cache line (a row's group
/// scales, 2 bytes a group, took a prefetch and its clamp every 2 bytes),
/// and so thin a stream the hardware prefetcher keeps up with.
constexpr int64_t kMinStride = 16;

struct AnybitPrefetchStreamsPass
    : anybit::impl::AnybitPrefetchStreamsBase<AnybitPrefetchStreamsPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation().walk([&](scf::ForOp loop) {
      std::optional<int64_t> step = getConstantIntValue(loop.getStep());
      if (!step || *step <= 0)
        return;
      if (distance == 0)
        return;
      // A kernel's own distance, for its widest streams (a row's codes; a
      // row's group scales, a narrower stream, keep the pass's).
      auto own =
          loop->getAttrOfType<IntegerAttr>(anybit::kPrefetchDistanceAttrName);
      if (own && own.getInt() <= 0)
        own = nullptr;
      int64_t longest =
          own ? std::max<int64_t>(distance, own.getInt()) : int64_t(distance);
      // The streams of the loop's own body: reads of one buffer whose
      // indices differ by a constant of less than the stride (the bytes one
      // iteration moves on) are one, whose first read prefetches; rows read
      // side by side are a stride or more apart, however long they are. A
      // buffer read as several streams of one stride (those rows) is left
      // to the hardware prefetcher; streams of different strides (a row's
      // codes and its group scales) each prefetch (linesToPrefetch), and so
      // do two of one stride (kMaxPrefetchedTwins).
      struct Stream {
        Value buffer;
        int64_t anchor; // the first read's constant: reads within a
                        // stride of it are the stream's, in any order
        LinearForm form; // of the lowest read
        Operation *first;
        Value index;
        int64_t stride;
        int64_t end; // past the last byte read, from the lowest read
      };
      SmallVector<Stream> streams;
      for (Operation &op : *loop.getBody()) {
        std::optional<std::pair<Value, Value>> read = byteRead(&op);
        if (!read)
          continue;
        Value buffer = read->first, index = read->second;
        std::optional<LinearForm> form = linearize(index, loop);
        if (!form)
          continue;
        int64_t stride = form->of(loop.getInductionVar()) * *step;
        if (stride < kMinStride || stride > longest)
          continue;
        auto known = llvm::find_if(streams, [&](const Stream &stream) {
          return stream.buffer == buffer && stream.stride == stride &&
                 stream.form.sameTerms(*form) &&
                 std::abs(stream.anchor - form->constant) < stride;
        });
        if (known == streams.end()) {
          streams.push_back({buffer, form->constant, *form, &op, index, stride,
                             bytesRead(&op)});
          continue;
        }
        int64_t shift = form->constant - known->form.constant;
        known->end = std::max(known->end, shift + bytesRead(&op));
        if (shift < 0) { // a lower read: the stream starts there
          known->end -= shift;
          known->form = *form;
          known->first = &op;
          known->index = index;
        }
      }
      int64_t widest = 0;
      for (const Stream &stream : streams)
        widest = std::max(widest, stream.stride);
      for (const Stream &stream : streams) {
        if (llvm::count_if(streams, [&](const Stream &other) {
              return other.buffer == stream.buffer &&
                     other.stride == stream.stride;
            }) > kMaxPrefetchedTwins)
          continue;
        bool kernels = own && stream.stride == widest;
        if (!kernels && stream.stride > int64_t(distance))
          continue;
        int64_t ahead = kernels ? own.getInt() : int64_t(distance);
        int64_t lines = kernels ? llvm::divideCeil(stream.stride, kLineBytes)
                                : linesToPrefetch(stream.end, stream.stride);
        for (int64_t line = 0; line < lines; ++line)
          prefetch(stream.first, stream.buffer, stream.index,
                   ahead + line * kLineBytes);
      }
    });
  }

  /// memref.prefetch of byte `index` + `offset` of `buffer` (at most its
  /// last byte), before `read` (the stream's lowest read, whose index it
  /// adds to).
  void prefetch(Operation *read, Value buffer, Value index, int64_t offset) {
    OpBuilder b(read);
    Location loc = read->getLoc();
    Value ahead = arith::AddIOp::create(
        b, loc, index, arith::ConstantIndexOp::create(b, loc, offset));
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
