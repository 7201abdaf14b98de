//===- CodeDotMatmulCodegen.cpp - int8 products over unsigned codes -------===//

#include "CodeDotMatmulCodegen.h"

#include "CodeKernel.h"
#include "CodeMatmulSupport.h"
#include "CodeTables.h"

#include "Anybit/ElementTypes.h"
#include "Anybit/X86Ops.h"
#include "anybit/Support/BitPacking.h"
#include "anybit/Support/FloatFormat.h"
#include "VectorMatmulCodegen.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>
#include <cmath>
#include <numeric>

using namespace mlir;

namespace anybit::codegen {
namespace {

/// `general` (getTableFormat's codes of a 5- or 6-bit float, whose sign is
/// bit 4 or 5) as the codes of its magnitudes, where the format is
/// sign-magnitude: half the patterns, one vpshufb per 16 where the offset
/// codes of all patterns take one per 16 of twice as many (e3m2 on AVX2:
/// two vpshufb per 32 codes for eight and six selects). Magnitudes up to
/// 127 are one table; larger ones (e3m2's 448 sixteenths) split at the
/// magnitude's top bit, the lower half's as they are, the upper half's in
/// units of 2^s (the largest power that divides them all; e3m2: 8
/// sixteenths): two products, each table zero in the other half. Nothing
/// where the halves do not fit a byte or the format is not
/// sign-magnitude.
static std::optional<CodeFormat>
getSignMagnitudeFormat(const FloatFormat &f, const CodeFormat &general) {
  // Up to 16 patterns are one vpshufb either way, and it would read the
  // sign bit as part of the index.
  if (general.bits < 5 || !f.isSigned)
    return std::nullopt;
  std::optional<IntegerSteps> integers = getIntegerSteps(f, 32768);
  int64_t count = int64_t(1) << general.bits, half = count / 2;
  if (!integers || int64_t(integers->steps.size()) != count)
    return std::nullopt;
  ArrayRef<int64_t> steps = integers->steps;
  // Pattern 0 is +0: signsAtBit7 zeroes its activation.
  if (steps[0] != 0)
    return std::nullopt;
  for (int64_t p = 0; p < half; ++p)
    if (steps[p] < 0 || steps[p + half] != -steps[p])
      return std::nullopt;
  CodeFormat format = general;
  format.offset = format.highOffset = 0;
  format.table.clear();
  format.high.clear();
  format.signBit = uint8_t(half);
  ArrayRef<int64_t> magnitudes = steps.take_front(half);
  if (*llvm::max_element(magnitudes) <= 127) {
    format.table.append(magnitudes.begin(), magnitudes.end());
    return format;
  }
  int64_t quarter = half / 2;
  ArrayRef<int64_t> lower = magnitudes.take_front(quarter),
                    upper = magnitudes.drop_front(quarter);
  if (*llvm::max_element(lower) > 127 || llvm::is_contained(upper, 0))
    return std::nullopt;
  int64_t shift = 0;
  while (llvm::all_of(upper, [&](int64_t k) {
    return k % (int64_t(2) << shift) == 0;
  }))
    ++shift;
  if (*llvm::max_element(upper) >> shift > 127)
    return std::nullopt;
  format.highShift = shift;
  for (int64_t p = 0; p < half; ++p) {
    format.table.push_back(p < quarter ? magnitudes[p] : 0);
    format.high.push_back(p < quarter ? 0 : magnitudes[p] >> shift);
  }
  return format;
}

/// The code-dot kernel: W's codes times int8 A' by byte dot products
/// (vpdpbusd, or vpmaddubsw and vpmaddwd), exact int32 sums, then the
/// scales.
struct CodeDotKernel : CodeKernel {
  Value rowSums; // sum_k A[m, k], M (unscaled, with an offset)
  // A's storage and the byte offset of its row scales, when A is packed
  // with one scale per row.
  Value lhsBytes;
  int64_t lhsScaleBase;
  Type lhsScale;
  // Scaled GEMVs: the unit sums every row of W starts from
  // (buildOffsetSums); null: computed per tile.
  Value offsetSums;
  // How far apart a tile's rows of W are: 1 (adjacent), or N / rows
  // (interleaved tiles, each row one sequential stream).
  int64_t rowStride = 1;

  /// Row `r` of the tile whose first row of W is `n0`.
  Value rowOfW(Value n0, int64_t r) { return add(n0, r * rowStride); }

  /// acc + the byte dot products of `codes` (unsigned) and `activations`
  /// (signed), four bytes per i32 lane.
  Value dot(Value acc, Value codes, Value activations) {
    if (dotBits)
      return X86VpdpbusdOp::create(b, loc, laneVector(), acc, codes,
                                   activations);
    if (byteMadd && format.maxCode() < 128)
      return addPairSums(acc, pairSums(codes, activations));
    if (byteMadd) {
      // Codes up to 255 would saturate vpmaddubsw's pair sums: c = l + 128 h
      // with l < 128 and h in {0, 1}, two exact products, the second's
      // pairs widened times 128 (8-bit weights 4x faster than widening
      // every byte to i32).
      auto words = VectorType::get({vectorBytes / 2}, b.getI16Type());
      Value low = bitwise(codes, 127, /*isAnd=*/true);
      Value high = arith::ShRUIOp::create(b, loc, codes,
                                          splat(byteVector(), 7));
      Value highQuads = X86VpmaddwdOp::create(
          b, loc, laneVector(), pairSums(high, activations), splat(words, 128));
      return arith::AddIOp::create(
          b, loc, addPairSums(acc, pairSums(low, activations)), highQuads);
    }
    auto wide = VectorType::get({vectorBytes}, b.getI32Type());
    Value products = arith::MulIOp::create(
        b, loc, arith::ExtUIOp::create(b, loc, wide, codes),
        arith::ExtSIOp::create(b, loc, wide, activations));
    // Lane i sums products 4i..4i+3: four strided shuffles, added (1-D
    // vectors only, which every later lowering handles).
    for (int64_t j = 0; j < 4; ++j) {
      SmallVector<int64_t> lanes;
      for (int64_t i = 0; i < vectorBytes / 4; ++i)
        lanes.push_back(4 * i + j);
      acc = arith::AddIOp::create(
          b, loc, acc,
          vector::ShuffleOp::create(b, loc, products, products, lanes));
    }
    return acc;
  }

  /// vpmaddubsw: pairs of code x activation products in 16 bits (exact:
  /// codes below 128).
  Value pairSums(Value codes, Value activations) {
    auto words = VectorType::get({vectorBytes / 2}, b.getI16Type());
    return X86VpmaddubswOp::create(b, loc, words, codes, activations);
  }
  /// acc + `weight` times the 16-bit `pairs` added two by two into each
  /// 32-bit lane (vpmaddwd by `weight`s).
  Value addPairSums(Value acc, Value pairs, int64_t weight = 1) {
    auto words = cast<VectorType>(pairs.getType());
    Value quads = X86VpmaddwdOp::create(b, loc, laneVector(), pairs,
                                        splat(words, weight));
    return arith::AddIOp::create(b, loc, acc, quads);
  }

  /// Whether both parts of split sign-magnitude codes go into one
  /// accumulator, the high part's pair sums widened times 2^s by their
  /// vpmaddwd: half the registers of a sum per part (a GEMV of 4 rows of A
  /// spilled them), and no join. Offsets would each need their own sums.
  bool joinsParts() const {
    return format.parts() == 2 && format.signBit && byteMadd;
  }
  /// Sets of accumulators (one per part unless joinsParts), and the one
  /// part `part` adds to.
  int64_t accumulatorSets() const { return joinsParts() ? 1 : format.parts(); }
  int64_t accumulatorSet(int64_t part) const { return joinsParts() ? 0 : part; }
  /// What part `part`'s pair sums are worth in its accumulator.
  int64_t partWeight(int64_t part) const {
    return joinsParts() && part ? int64_t(1) << format.highShift : 1;
  }
  /// Whether the 16-bit pair sums of all planes of a block may be added
  /// before widening: each is at most 2 * 128 * maxCode in magnitude, so
  /// the P planes of B blocks stay in int16 while B * P * maxCode <= 127.
  bool combinesPlanes() const { return blocksPerWidening() > 0; }
  /// How many blocks' pair sums may be added so (0: not even one block's
  /// planes): vpmaddwd and its add once per run of blocks, not per block.
  int64_t blocksPerWidening() const {
    return byteMadd ? 127 / (format.planes * format.maxCode()) : 0;
  }

  /// Bytes negative where the sign-magnitude `field` has its sign set, zero
  /// only where it is +0 (whose magnitude is zero): the field up to bit 7,
  /// whole, since no field has bits above its sign.
  Value signsAtBit7(Value field) {
    return shiftedToBit7(field, format.signBit);
  }

  /// Blocks [kb0, kb0 + count) (P V codes of each row) of the tile's rows
  /// of W (rowOfW(n0, r), r < rowsW) against rows m0.. of A', added to
  /// `accs` (part, then row of W, then
  /// row of A), one row of W after the other. Reads of W stay inside the
  /// buffer when `inBounds`; the last blocks of a row may read past it
  /// (into the next row, or padding at the end), where A' is zero. Without
  /// vpdpbusd, a row's 16-bit pair sums of the blocks (at most
  /// blocksPerWidening) are added over an scf.for of the blocks, then
  /// widened once (one block an iteration: the prefetches of the stream
  /// stay one a block).
  SmallVector<Value> blockRun(Value kb0, int64_t count, bool inBounds,
                              Value n0, int64_t rowsW, Value m0, int64_t rowsA,
                              ValueRange accs) {
    int64_t inRow = inBounds ? count : 0;
    // Split parts that share an accumulator are widened by their weight.
    assert((combinesPlanes() || !joinsParts()) &&
           "joined parts take the pair sums");
    // The blocks add to the accumulators themselves (byte dot products),
    // or to 16-bit pair sums from zeros, widened after them.
    bool pairs = combinesPlanes();
    auto words = VectorType::get({vectorBytes / 2}, b.getI16Type());
    SmallVector<Value> next(accs);
    for (int64_t r = 0; r < rowsW; ++r) {
      auto at = [&](int64_t part, int64_t a) {
        return (accumulatorSet(part) * rowsW + r) * rowsA + a;
      };
      auto slot = [&](int64_t part, int64_t a) {
        return pairs ? part * rowsA + a : at(part, a);
      };
      SmallVector<Value> sums =
          pairs ? SmallVector<Value>(format.parts() * rowsA, splat(words, 0))
                : next;
      sums = overBlocks(
          kb0, count, inRow, std::move(sums),
          [&](Value kb, bool inBounds, ValueRange args) {
            SmallVector<Value> into(args);
            forBlock(kb, inBounds, rowOfW(n0, r), m0, rowsA,
                     [&](int64_t part, int64_t a, Value codes,
                         Value activations) {
                       Value &sum = into[slot(part, a)];
                       if (!pairs) {
                         sum = dot(sum, codes, activations);
                         return;
                       }
                       Value products = pairSums(codes, activations);
                       // (A run's first block starts from zeros.)
                       sum = matchPattern(sum, m_Zero())
                                 ? products
                                 : arith::AddIOp::create(b, loc, sum, products)
                                       .getResult();
                     });
            return into;
          });
      if (!pairs) {
        next = std::move(sums);
        continue;
      }
      for (int64_t part = 0; part < format.parts(); ++part)
        for (int64_t a = 0; a < rowsA; ++a)
          next[at(part, a)] = addPairSums(next[at(part, a)],
                                          sums[part * rowsA + a],
                                          partWeight(part));
    }
    return next;
  }

  /// `take(part, a, codes, activations)` for block `kb` of row `row` of W:
  /// each plane's codes of each part against row m0 + a of A' (negated
  /// where sign-magnitude codes are negative).
  void forBlock(Value kb, bool inBounds, Value row, Value m0, int64_t rowsA,
                function_ref<void(int64_t, int64_t, Value, Value)> take) {
    Value blockStart = mul(kb, blockCodes());
    Value w = preparedBlock(row, kb, inBounds);
    for (int64_t j = 0; j < format.planes; ++j) {
      Value field = planeField(w, j);
      SmallVector<Value, 2> codes;
      for (int64_t part = 0; part < format.parts(); ++part)
        codes.push_back(codesOf(field, part));
      Value signs = format.signBit ? signsAtBit7(field) : Value();
      for (int64_t a = 0; a < rowsA; ++a) {
        Value activations =
            read(planar, {add(m0, a), add(blockStart, j * vectorBytes)},
                 /*inBounds=*/true);
        if (signs)
          activations = X86VpsignbOp::create(b, loc, byteVector(),
                                             activations, signs);
        for (int64_t part = 0; part < format.parts(); ++part)
          take(part, a, codes[part], activations);
      }
    }
  }

  /// Blocks of the integer sums a run: as many as stay exact in 16 bits,
  /// in tiles of one row of W (GEMVs, small batches without vpdpbusd, which
  /// alone takes pair sums); tiles of several
  /// widen every block, whose 16-bit sums for every row of W and of A would
  /// otherwise stay live across the run (4 x 4 of them, on 16 registers).
  int64_t blocksPerRun(int64_t rowsW) const {
    return rowsW == 1 ? std::max<int64_t>(1, blocksPerWidening()) : 1;
  }

  /// -offset * (the i32 lane sums of unit `unit` of row `row` of A') for
  /// part `part`: the value every row of W's lane sums of that unit start
  /// from.
  Value negatedOffsetSums(int64_t part, Value row, Value unit) {
    Units u = units();
    Value offsets = splat(byteVector(), int8_t(format.partOffset(part)));
    SmallVector<Value> sum = buildLoop(
        b, loc, u.blocks, 1, ValueRange{splat(laneVector(), 0)},
        [&](Value i, ValueRange acc) -> SmallVector<Value> {
          Value kb = add(mul(unit, u.blocks), i);
          Value next = acc[0];
          for (int64_t j = 0; j < format.planes; ++j) {
            Value col = add(mul(kb, blockCodes()), j * vectorBytes);
            next = dot(next, offsets, read(planar, {row, col}, true));
          }
          return {next};
        });
    return arith::SubIOp::create(b, loc, splat(laneVector(), 0), sum[0]);
  }

  /// How buildOffsetSums stores the lane sums: i16 where they fit, each
  /// divided by 2^shift (exactly: 2^shift divides every offset) where that
  /// makes them fit (8-bit codes, offset 128; 6-bit ones in two-block
  /// units), which halves what a row of W reads besides A' (as many bytes
  /// as A' for 64-code units, half for 128); else i32. A lane's sum is at
  /// most 128 times its 4 bytes a block and plane, the unit's blocks and
  /// the offset.
  struct OffsetSumStorage {
    Type element;
    int64_t shift;
  };
  OffsetSumStorage offsetSumStorage() {
    int64_t offsets[] = {format.partOffset(0), format.partOffset(1)};
    int64_t bound =
        *llvm::max_element(offsets) * 128 * 4 * format.planes * units().blocks;
    int64_t divisor = 0; // the gcd of the nonzero offsets
    for (int64_t offset : offsets)
      divisor = std::gcd(divisor, offset);
    int64_t shift = 0;
    while (bound > INT16_MAX && divisor % (int64_t(2) << shift) == 0)
      bound >>= 1, ++shift;
    if (bound > INT16_MAX)
      return {b.getI32Type(), 0};
    return {b.getI16Type(), shift};
  }

  /// negatedOffsetSums of every row of A, unit and part with an offset,
  /// as a tensor<parts x M x units x lanes> (offsetSumStorage), computed
  /// before the tiles:
  /// a GEMV's (or a small batch's) tiles are one or two rows of W, which
  /// would each compute them again, as many dot products as their own for
  /// 2-bit codes. (Tiles of several rows of W, for more rows of A, compute
  /// them per tile: this tensor grows with M.)
  Value buildOffsetSums(int64_t m) {
    Units u = units();
    int64_t lanes = vectorBytes / 4;
    auto [element, shift] = offsetSumStorage();
    auto stored = VectorType::get({lanes}, element);
    Value sums = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{format.parts(), m, u.count, lanes}, element);
    return buildLoop(
        b, loc, m, 1, ValueRange{sums},
        [&](Value row, ValueRange rowArgs) {
          return buildLoop(
              b, loc, u.count, 1, rowArgs, [&](Value unit, ValueRange args) {
                Value t = args[0];
                for (int64_t part = 0; part < format.parts(); ++part)
                  if (format.partOffset(part)) { // others read as zeros
                    Value sum = negatedOffsetSums(part, row, unit);
                    if (shift)
                      sum = arith::ShRSIOp::create(b, loc, sum,
                                                   splat(laneVector(), shift));
                    if (element != b.getI32Type())
                      sum = arith::TruncIOp::create(b, loc, stored, sum);
                    t = vector::TransferWriteOp::create(
                            b, loc, sum, t,
                            ValueRange{idx(part), row, unit, idx(0)},
                            ArrayRef<bool>{true})
                            .getResult();
                  }
                return SmallVector<Value>{t};
              });
        })[0];
  }

  /// Unit `unit` of `blocks` blocks, the first `inRowBlocks` of which read
  /// inside the row (`first`: see laneScales): their products summed
  /// exactly per lane, offsets taken off per lane, then scaled and added to
  /// the f32 `accs`.
  SmallVector<Value> scaledUnit(Value unit, int64_t blocks,
                                int64_t inRowBlocks, int64_t first, Value n0,
                                int64_t rowsW, Value m0, int64_t rowsA,
                                ArrayRef<Value> rowScales, ValueRange accs) {
    int64_t perPart = rowsW * rowsA;
    Value kb0 = mul(unit, blocks);
    SmallVector<Value> partial(accumulatorSets() * perPart);
    OffsetSumStorage storage = offsetSumStorage();
    Type sumType = offsetSums ? storage.element : b.getI32Type();
    auto stored = VectorType::get({vectorBytes / 4}, sumType);
    Value pad = arith::ConstantIntOp::create(b, loc, 0,
                                             sumType.getIntOrFloatBitWidth());
    for (int64_t part = 0; part < accumulatorSets(); ++part)
      for (int64_t a = 0; a < rowsA; ++a) {
        Value start = splat(laneVector(), 0);
        if (format.partOffset(part) && offsetSums) {
          start = vector::TransferReadOp::create(
              b, loc, stored, offsetSums,
              ValueRange{idx(part), add(m0, a), unit, idx(0)}, pad,
              ArrayRef<bool>{true});
          if (stored != laneVector())
            start = arith::ExtSIOp::create(b, loc, laneVector(), start);
          if (storage.shift)
            start = arith::ShLIOp::create(b, loc, start,
                                          splat(laneVector(), storage.shift));
        } else if (format.partOffset(part))
          start = negatedOffsetSums(part, add(m0, a), unit);
        for (int64_t r = 0; r < rowsW; ++r)
          partial[part * perPart + r * rowsA + a] = start;
      }
    partial = overBlockRuns(
        kb0, blocks, inRowBlocks, blocksPerRun(rowsW), std::move(partial),
        [&](Value kb, int64_t count, bool inBounds, ValueRange args) {
          return blockRun(kb, count, inBounds, n0, rowsW, m0, rowsA, args);
        });
    SmallVector<Value> next(accs);
    for (int64_t r = 0; r < rowsW; ++r) {
      Value scales = laneScales(rowOfW(n0, r), unit, first, rowScales[r]);
      for (int64_t a = 0; a < rowsA; ++a) {
        Value sum = partial[r * rowsA + a];
        if (accumulatorSets() == 2) // 2^s high + low, exact in int32
          sum = arith::AddIOp::create(
              b, loc, sum,
              arith::ShLIOp::create(b, loc, partial[perPart + r * rowsA + a],
                                    splat(laneVector(), format.highShift)));
        Value sums = arith::SIToFPOp::create(b, loc, floatLanes(), sum);
        next[r * rowsA + a] =
            vector::FMAOp::create(b, loc, sums, scales, next[r * rowsA + a]);
      }
    }
    return next;
  }

  /// rowBlock with [1, G] scales into f32: each group's (or, for groups
  /// smaller than a block, each block's) int32 lane sums are scaled once.
  /// `rowScale`: rowScaleBuffer's, or null.
  Value rowBlockScaled(Value tile, Value m0, int64_t rowsA, Value n0,
                       int64_t rowsW, Value rowScale) {
    SmallVector<Value> rowScales(rowsW);
    rowScales[0] = rowScale;
    Units units = this->units();
    int64_t perUnit = units.blocks;
    // A single output's units alternate between two FMA chains: one
    // chain waits on the FMA's latency every unit.
    int64_t outputs = rowsW * rowsA;
    int64_t chains = outputs == 1 && units.inRow >= 2 ? 2 : 1;
    SmallVector<Value> accs(chains * outputs, splat(floatLanes(), 0));
    auto unitInto = [&](int64_t chain, Value u, int64_t inRowBlocks,
                        int64_t first, SmallVector<Value> &into) {
      SmallVector<Value> next = scaledUnit(
          u, perUnit, inRowBlocks, first, n0, rowsW, m0, rowsA, rowScales,
          ArrayRef<Value>(into).slice(chain * outputs, outputs));
      llvm::copy(next, into.begin() + chain * outputs);
    };
    accs = overUnits(std::move(accs), chains, unitInto);
    for (int64_t c = 1; c < chains; ++c)
      for (int64_t i = 0; i < outputs; ++i)
        accs[i] = arith::AddFOp::create(b, loc, accs[i],
                                        accs[c * outputs + i]);
    // The lanes hold partial sums in no order that matters: a tree, all
    // the tile's outputs folded together.
    SmallVector<Value> sums =
        buildLaneSums(b, loc, ArrayRef<Value>(accs).take_front(outputs));
    for (int64_t r = 0; r < rowsW; ++r)
      for (int64_t a = 0; a < rowsA; ++a) {
        Value sum = tableSumAsValue(sums[r * rowsA + a]);
        if (lhsBytes) { // times A's row scale, once
          int64_t bytesPer = lhsScale.getIntOrFloatBitWidth() / 8;
          Value at = add(mul(add(m0, a), bytesPer), lhsScaleBase);
          Value scale = vector::ExtractOp::create(
              b, loc, readFloats(lhsBytes, at, 1, lhsScale),
              ArrayRef<int64_t>{0});
          sum = arith::MulFOp::create(b, loc, sum, scale);
        }
        tile = tensor::InsertOp::create(b, loc, sum, tile,
                                        ValueRange{add(m0, a), idx(r)});
      }
    return tile;
  }

  /// Rows m0..m0+rowsA of the tile of outputs rowOfW(n0, r), r < rowsW,
  /// inserted into `tile` (M x rowsW).
  Value rowBlock(Value tile, Value m0, int64_t rowsA, Value n0,
                 int64_t rowsW) {
    // Blocks whose read ends inside the row, then the rest.
    auto [blocks, inRow] = blockCounts();
    SmallVector<Value> accs = overBlockRuns(
        idx(0), blocks, inRow, blocksPerRun(rowsW),
        SmallVector<Value>(rowsW * rowsA, splat(laneVector(), 0)),
        [&](Value kb, int64_t count, bool inBounds, ValueRange args) {
          return blockRun(kb, count, inBounds, n0, rowsW, m0, rowsA, args);
        });
    for (int64_t r = 0; r < rowsW; ++r)
      for (int64_t a = 0; a < rowsA; ++a) {
        Value row = add(m0, a);
        Value codeSum = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, accs[r * rowsA + a]);
        if (format.offset) {
          Value offsetSum = arith::MulIOp::create(
              b, loc, tensor::ExtractOp::create(b, loc, rowSums, row),
              arith::ConstantIntOp::create(b, loc, format.offset, 32));
          codeSum = arith::SubIOp::create(b, loc, codeSum, offsetSum);
        }
        tile = tensor::InsertOp::create(b, loc, codeSum, tile,
                                        ValueRange{row, idx(r)});
      }
    return tile;
  }
};

/// sum_k A[m, k] for each row, in i32.
Value buildRowSums(OpBuilder &b, Location loc, Value lhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  int64_t m = lhsType.getDimSize(0);
  Type i32 = b.getI32Type();
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m}, i32);
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);
  init = linalg::FillOp::create(b, loc, zero, init).getResult(0);
  MLIRContext *ctx = b.getContext();
  AffineExpr i, k;
  bindDims(ctx, i, k);
  SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {i, k}, ctx),
                                 AffineMap::get(2, 0, {i}, ctx)};
  SmallVector<utils::IteratorType> iterators = {utils::IteratorType::parallel,
                                                utils::IteratorType::reduction};
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{lhs},
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value wide = arith::ExtSIOp::create(nb, l, i32, args[0]);
               linalg::YieldOp::create(
                   nb, l,
                   arith::AddIOp::create(nb, l, args[1], wide).getResult());
             })
      .getResult(0);
}

/// Whether any element of the i8 tensor `lhs` is -128.
Value buildHasMinimum(OpBuilder &b, Location loc, Value lhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  Type i1 = b.getI1Type();
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, i1);
  Value no = arith::ConstantIntOp::create(b, loc, 0, 1);
  init = linalg::FillOp::create(b, loc, no, init).getResult(0);
  MLIRContext *ctx = b.getContext();
  int64_t rank = lhsType.getRank();
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, {}, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  auto body = [&](OpBuilder &nb, Location l, ValueRange args) {
    Value minimum = arith::ConstantIntOp::create(nb, l, -128, 8);
    Value is = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, args[0],
                                     minimum);
    linalg::YieldOp::create(
        nb, l, arith::OrIOp::create(nb, l, args[1], is).getResult());
  };
  Value any = linalg::GenericOp::create(b, loc, TypeRange{init.getType()},
                                        ValueRange{lhs}, ValueRange{init},
                                        maps, iterators, body)
                  .getResult(0);
  return tensor::ExtractOp::create(b, loc, any, ValueRange{});
}

} // namespace

/// Rows of W a tile of outputs accumulates together. A GEMV (one row of A)
/// streams W one row at a time: a single sequential read, which DRAM
/// serves at the full read bandwidth where the interleaved reads of 4 or 8
/// rows got 55-85% of it (Zen 5, weights flushed from the cache: 8-bit
/// weights 38 GB/s against 32, 3-bit 35 against 21). The exception is
/// an unscaled product of codes of 2 bits or less (trits): P >= 4 planes
/// make P loads of A' per load of W, which 4 rows of W share, and with
/// vpdpbusd that kernel is compute-bound one row at a time (127 G
/// weights/s against 152). With vpmaddubsw (`dotProducts` false) the four
/// streams are what bounds it: on Zen 3 one row a tile ran trits 3.1x
/// faster (28 -> 84% of the bandwidth). Scaled products of up to kRowsOfA
/// rows of A (small batches) take one row of W too, or two N / 2 apart
/// with 512-bit vpdpbusd (takesRowPairs): 4 x 4 tiles, with
/// their 16 f32 and 16 int32 sums,
/// spilled registers every block, and read 4 streams (batch 4 from DRAM:
/// 4-bit weights 33 -> 45 G weights/s, 3-bit 28 -> 43). Wider products
/// (more rows of A, or unscaled) are compute-bound and keep 4 x 4 tiles.
static int64_t rowsOfWPerTile(const CodeFormat &format, int64_t m,
                              bool dotProducts) {
  if (format.group && m <= kRowsOfA)
    return 1;
  if (m > 1 || (!format.group && format.planes >= 4 && dotProducts))
    return kRowsOfW;
  return 1;
}

/// Whether a scaled small batch takes two rows of W a tile, N / 2 apart,
/// rather than one: each load of A' (and of its offset sums) then serves
/// both rows, and each row is still one sequential stream. One row a tile
/// loads as many bytes of A' a block as the block has codes times the rows
/// of A, which bounds it on Zen 5 (4-bit weights at batch 4: 45 G
/// weights/s with the weights in cache; loading wider offset sums made it
/// slower, dropping them faster). With 32 vector registers only: the 8 f32
/// and 8 int32 sums of 2 x 4 outputs stay in registers.
static bool takesRowPairs(const CodeFormat &format, int64_t m, int64_t n,
                          unsigned dotBits) {
  return format.group && m >= 2 && m <= kRowsOfA && n % 2 == 0 &&
         dotBits >= 512 && format.parts() == 1;
}

/// Whether `type` (M x K) is packed with one symmetric f16, bf16 or f32
/// scale per row: [1, K] blocks, as anybit.quantize makes per token.
static bool isRowScaled(RankedTensorType type) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  if (!enc || !enc.hasBlocks() || enc.getZeroPoint() || enc.isTiled() ||
      enc.hasBitPlanes() || enc.getBlock()[0] != 1 ||
      enc.getBlock()[1] != type.getDimSize(1))
    return false;
  // Bytes fill every word size: the codes are M K bytes in order.
  Type scale = enc.getScale();
  return getElementBitWidth(type.getElementType()) == 8 &&
         (scale.isF16() || scale.isBF16() || scale.isF32());
}

bool canLowerCodeDotMatmul(RankedTensorType lhsType, RankedTensorType rhsType,
                           bool transposed, Type accumulator,
                           unsigned tableEntries) {
  std::optional<CodeFormat> format = getCodeFormat(rhsType);
  if (!transposed || !format || !lhsType.hasStaticShape() ||
      !rhsType.hasStaticShape())
    return false;
  // Tables of more than 16 entries need byte shuffles.
  if (format->table.size() > tableEntries)
    return false;
  // Rows of W start on a byte.
  int64_t k = rhsType.getDimSize(1);
  if (!lhsType.getElementType().isSignlessInteger(8) ||
      !rowsStartOnBytes(*format, k))
    return false;
  if (lhsType.getEncoding() && !isRowScaled(lhsType))
    return false;
  if (!format->group)
    return !lhsType.getEncoding() && accumulator.isSignlessInteger(32);
  return accumulator.isF32() && k % format->group == 0 &&
         groupsFit(format->group, format->planes);
}

Value buildCodeDotMatmul(OpBuilder &b, Location loc, Value lhs,
                         RankedTensorType lhsType, Value rhs,
                         RankedTensorType rhsType, unsigned dotBits,
                         bool multishift, unsigned byteBits) {
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1),
          n = rhsType.getDimSize(0);
  // Row-scaled A: its codes are the first M K bytes of its storage.
  Value lhsBytes;
  PackedEncodingAttr lhsEnc = getPackedEncoding(lhsType);
  if (lhsEnc) {
    lhsBytes = lhs;
    Value codes = tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({m * k}, b.getI8Type()), lhs,
        ValueRange{}, ValueRange{}, ValueRange{}, ArrayRef<int64_t>{0},
        ArrayRef<int64_t>{m * k}, ArrayRef<int64_t>{1});
    lhs = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({m, k}, b.getI8Type()), codes,
        SmallVector<ReassociationIndices>{{0, 1}});
  }
  int64_t vectorBytes = dotBits ? dotBits / 8 : 32;
  bool byteMadd = !dotBits && byteBits >= 8 * vectorBytes;
  multishift = multishift && dotBits != 0;
  CodeFormat general = *getCodeFormat(rhsType);
  Type resultElement =
      general.group ? Type(b.getF32Type()) : Type(b.getI32Type());
  // The kernel with `format`'s codes, from the builder's insertion point.
  auto kernelWith = [&](const CodeFormat &format) -> Value {
    auto [rhsBytes, rowBytes] = weightBytes(b, loc, rhs, format, k);
    CodeDotKernel kernel{
        {{b, loc},
         planeOrdered(b, loc, lhs, format, vectorBytes),
         rhsBytes,
         rowBytes,
         vectorBytes,
         format,
         dotBits,
         multishift,
         byteMadd,
         k,
         dataBytes(rhsType),
         storageBytes(rhsBytes) - n * rowBytes},
        format.offset && !format.group ? buildRowSums(b, loc, lhs) : Value(),
        lhsBytes,
        int64_t(lhsEnc ? lhsEnc.getDataBytes(lhsType.getShape(),
                                             lhsType.getElementType())
                       : 0),
        lhsEnc ? lhsEnc.getScale() : Type(),
        /*offsetSums=*/Value()};
    bool offsets = format.offset || format.highOffset;
    if (format.group && m <= kRowsOfA && offsets)
      kernel.offsetSums = kernel.buildOffsetSums(m);
    // Outputs [first, first + count) in tiles of `rowsW` rows of W,
    // adjacent or `interleaved` (count / rowsW apart).
    auto columns = [&](int64_t first, int64_t count, int64_t rowsW,
                       bool interleaved = false) {
      kernel.rowStride = interleaved ? count / rowsW : 1;
      return buildColumnTiles(
          b, loc, m, count, rowsW, resultElement,
          [&](Value tile, Value col0) {
            Value n0 = kernel.add(col0, first);
            Value rowScale = kernel.rowScaleBuffer(n0, rowsW);
            return buildRowChunks(
                b, loc, m, kRowsOfA, tile,
                [&](Value t, Value m0, int64_t rowsA) {
                  return format.group
                             ? kernel.rowBlockScaled(t, m0, rowsA, n0, rowsW,
                                                     rowScale)
                             : kernel.rowBlock(t, m0, rowsA, n0, rowsW);
                });
          },
          interleaved);
    };
    if (takesRowPairs(format, m, n, dotBits))
      return columns(0, n, 2, /*interleaved=*/true);
    // Whole tiles of rowsOfW rows, then the last N mod rowsOfW in one.
    int64_t rowsOfW = rowsOfWPerTile(format, m, dotBits);
    int64_t whole = n / rowsOfW * rowsOfW;
    if (whole == n || whole == 0)
      return columns(0, n, whole ? rowsOfW : n);
    Value result =
        tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m, n}, resultElement);
    auto insert = [&](Value part, int64_t first, int64_t count) {
      return tensor::InsertSliceOp::create(
                 b, loc, part, result,
                 ArrayRef<OpFoldResult>{b.getIndexAttr(0),
                                        b.getIndexAttr(first)},
                 ArrayRef<OpFoldResult>{b.getIndexAttr(m),
                                        b.getIndexAttr(count)},
                 ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)})
          .getResult();
    };
    result = insert(columns(0, whole, rowsOfW), 0, whole);
    return insert(columns(whole, n - whole, n - whole), whole, n - whole);
  };
  std::optional<FloatFormat> small = getFloatFormat(rhsType.getElementType());
  std::optional<CodeFormat> signMagnitude;
  // vpsignb is AVX2's (32 bytes); VBMI looks up 64 codes in one vpermb.
  if (small && vectorBytes == 32 && (byteMadd || dotBits) && !multishift)
    signMagnitude = getSignMagnitudeFormat(*small, general);
  if (!signMagnitude)
    return kernelWith(general);
  // Activations negated by the weights' signs are exact but for -128,
  // whose negation wraps: A holding one takes the offset codes (anybit's
  // symmetric int8 quantization makes none).
  auto resultType = RankedTensorType::get({m, n}, resultElement);
  auto choice = scf::IfOp::create(b, loc, TypeRange{resultType},
                                  buildHasMinimum(b, loc, lhs),
                                  /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(choice.thenBlock());
  scf::YieldOp::create(b, loc, kernelWith(general));
  b.setInsertionPointToStart(choice.elseBlock());
  scf::YieldOp::create(b, loc, kernelWith(*signMagnitude));
  return choice.getResult(0);
}

} // namespace anybit::codegen
