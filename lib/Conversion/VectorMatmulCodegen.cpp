//===- VectorMatmulCodegen.cpp - Vector code for packed-weight matmuls ----===//

#include "VectorMatmulCodegen.h"

#include "CodeTables.h"
#include "ElementCodegen.h"
#include "Emitter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace anybit::codegen {
namespace {

/// `count` bytes of `bytes` (a 1-D i8 tensor) from byte `offset` on.
Value readBytes(Lanes &v, Value bytes, Value offset, int64_t count) {
  Value pad = arith::ConstantIntOp::create(v.b, v.loc, 0, 8);
  return vector::TransferReadOp::create(
      v.b, v.loc, VectorType::get({count}, v.b.getI8Type()), bytes,
      ValueRange{offset}, pad, ArrayRef<bool>{true});
}

/// Where field i of w < 8 bits starts in its lane (gatherFieldBytes).
int32_t fieldShift(int64_t i, unsigned w) { return int32_t(i * w % 8); }

/// The 16 fields of w < 8 bits packed LSB-first in `raw` (2w bytes), each
/// in an i32 lane with the one or two bytes it lies in, its first bit at
/// fieldShift(i, w). One shuffle gathers each lane's low byte, one its
/// high byte (a zero past the end) where a field straddles two.
Value gatherFieldBytes(Lanes &v, Value raw, unsigned w) {
  int64_t numBytes = 2 * w;
  SmallVector<int64_t> loIndex, hiIndex;
  bool needHigh = false;
  for (int64_t i = 0; i < kLanes; ++i) {
    loIndex.push_back(i * w / 8);
    hiIndex.push_back(i * w / 8 + 1); // numBytes picks the zero vector
    needHigh |= fieldShift(i, w) + w > 8;
  }
  Value zeros = arith::ConstantOp::create(
      v.b, v.loc,
      DenseElementsAttr::get(VectorType::get({numBytes}, v.b.getI8Type()),
                             v.b.getI8IntegerAttr(0)));
  Value lo = vector::ShuffleOp::create(v.b, v.loc, raw, zeros, loIndex);
  Value x = v.zext(v.i32v(), lo);
  if (!needHigh)
    return x;
  Value hi = vector::ShuffleOp::create(v.b, v.loc, raw, zeros, hiIndex);
  return v.or_(x, v.shl(v.zext(v.i32v(), hi), v.i32c(8)));
}

/// The 16 fields of w <= 8 bits packed LSB-first in `raw` (2w bytes), as
/// i32 lanes, sign-extended or zero-extended: whole bytes extended, narrower
/// fields gathered and moved into place by per-lane shifts.
Value unpackFields(Lanes &v, Value raw, unsigned w, bool signExtend) {
  if (w == 8)
    return signExtend ? v.sext(v.i32v(), raw) : v.zext(v.i32v(), raw);
  Value x = gatherFieldBytes(v, raw, w);
  SmallVector<int32_t> shift, up;
  for (int64_t i = 0; i < kLanes; ++i) {
    shift.push_back(fieldShift(i, w));
    up.push_back(32 - int32_t(w) - shift.back());
  }
  if (signExtend)
    return v.shrs(v.shl(x, v.perLane(up)), v.i32c(32 - w));
  return v.and_(v.shr(x, v.perLane(shift)), v.i32c((1 << w) - 1));
}

/// The 16 integer fields of w < 8 bits in `raw` (as unpackFields reads
/// them) as f32 by their mantissas (getMantissaField), with per-lane
/// constants since each field's shift differs: no per-lane shifts and no
/// conversion, which share two units on Zen 5. Batched GEMVs of 3-, 5-
/// and 6-bit weights in L2 ran 8-12% faster.
Value mantissaFields(Lanes &v, Value raw, unsigned w, bool isSigned,
                     int64_t offset) {
  SmallVector<int32_t> masks, aboves;
  SmallVector<float> bases;
  for (int64_t i = 0; i < kLanes; ++i) {
    MantissaField field =
        getMantissaField(w, fieldShift(i, w), isSigned, offset);
    masks.push_back(int32_t(field.mask));
    aboves.push_back(int32_t(field.above));
    bases.push_back(field.base);
  }
  Value mask = v.perLane(masks), bits = v.perLane(aboves);
  Value base = arith::ConstantOp::create(
      v.b, v.loc, DenseElementsAttr::get(v.f32v(), ArrayRef<float>(bases)));
  Value x = gatherFieldBytes(v, raw, w);
  Value f = v.xor_(v.and_(x, mask), bits);
  return arith::SubFOp::create(
      v.b, v.loc, vector::BitCastOp::create(v.b, v.loc, v.f32v(), f), base);
}

/// The exact value of the float codes `code` (zero-extended i32 lanes) of
/// format `f` as f32, valid when every value of the format is an f32 and the
/// format has a zero: normal codes by moving the exponent and mantissa
/// fields into an f32 and adding 127 - bias to its exponent (integer ops),
/// subnormal ones as mantissa * 2^(1 - bias - m), picked by a compare. For
/// formats whose subnormals are f32 normals (bias + m <= 126: every small
/// float) no f32 subnormal is an operand: Zen 5 takes a microcode assist
/// for each (moving the fields to the bottom of an f32 and multiplying by
/// 2^(127 - bias) ran e2m1 weights at a third of the speed).
Value decodeFloatByRebias(Lanes &v, Value code, const FloatFormat &f) {
  OpBuilder &b = v.b;
  int m = int(f.manBits), e = int(f.expBits);
  Value mag = v.and_(code, v.i32c(int64_t(f.magMask())));
  Value normal = v.add(v.shl(mag, v.i32c(23 - m)),
                       v.i32c(int64_t(127 - f.bias) << 23));
  Value subnormal = arith::MulFOp::create(
      b, v.loc, arith::SIToFPOp::create(b, v.loc, v.f32v(), mag),
      v.f32c(std::ldexp(1.0f, 1 - f.bias - m)));
  Value isSubnormal =
      v.cmpi(arith::CmpIPredicate::ult, mag, v.i32c(int64_t(1) << m));
  Value value = v.sel(isSubnormal, subnormal,
                      arith::BitcastOp::create(b, v.loc, v.f32v(), normal));
  Value negative;
  if (f.isSigned) { // the sign bit to bit 31
    Value sign = v.and_(code, v.i32c(int64_t(1) << (e + m)));
    negative = v.cmpi(arith::CmpIPredicate::ne, sign, v.i32c(0));
    Value bits = arith::BitcastOp::create(b, v.loc, v.i32v(), value);
    value = arith::BitcastOp::create(
        b, v.loc, v.f32v(), v.or_(bits, v.shl(sign, v.i32c(31 - (e + m)))));
  }
  if (f.nonFinite == NonFinite::NanOnly) {
    value = v.sel(v.eq(mag, v.i32c(int64_t(f.magMask()))), v.f32c(NAN), value);
  } else if (f.nonFinite == NonFinite::IEEE) {
    int64_t inf = ((int64_t(1) << e) - 1) << m;
    Value special = v.sel(v.eq(mag, v.i32c(inf)), v.f32c(INFINITY), v.f32c(NAN));
    Value top = v.cmpi(arith::CmpIPredicate::uge, mag, v.i32c(inf));
    if (negative)
      special =
          v.sel(negative, arith::NegFOp::create(b, v.loc, special), special);
    value = v.sel(top, special, value);
  }
  return value;
}

/// The float codes `code` (zero-extended i32 lanes) of format `f` as f32:
/// exactly, or rounded once where a value is not an f32.
Value decodeFloat(Lanes &v, Value code, const FloatFormat &f) {
  int e = int(f.expBits);
  // Exponent fields below 255: the moved pattern is never an f32 inf/NaN.
  if (f.hasZero && e <= 7 && f.manBits <= 23 && f.bias >= 0 &&
      f.bias <= 127 && ((1 << e) - 1) - f.bias <= 127)
    return decodeFloatByRebias(v, code, f);
  // Any other format: the scalar lowering's exact decoder, on f64 lanes.
  return arith::TruncFOp::create(v.b, v.loc, v.f32v(),
                                 buildFormatToF64(v.b, v.loc, code, f));
}

/// 16 consecutive elements of type `type` (at most 8 bits wide) as f32;
/// floats of up to 6 bits by a table lookup when `tables` (four to six
/// instructions fewer than decoding them).
Value decodeElements(Lanes &v, Value raw, Type type, bool tables) {
  unsigned w = getElementBitWidth(type);
  if (std::optional<FloatFormat> f = getFloatFormat(type)) {
    Value code = unpackFields(v, raw, w, false);
    if (std::optional<CodeTable> table =
            tables ? getCodeTable(type) : std::nullopt)
      return lookUpCodes(v, *table, getTableParts(v, *table), code, 0);
    return decodeFloat(v, code, *f);
  }
  // Integers and trits (the code is the trit plus one) below 8 bits by
  // their mantissas; whole bytes extended and converted.
  if (w < 8)
    return mantissaFields(v, raw, w, isTwosComplementInteger(type),
                          isa<TritType>(type) ? 1 : 0);
  Value x = unpackFields(v, raw, w, isTwosComplementInteger(type));
  return arith::SIToFPOp::create(v.b, v.loc, v.f32v(), x);
}

/// 16 scales of type `type` (f32 or a float of 8 or 16 bits) as f32, from
/// `lanes`: a vector of 16 integers of the type's width.
Value decodeScaleLanes(Lanes &v, Value lanes, Type type) {
  OpBuilder &b = v.b;
  if (type.isF32())
    return arith::BitcastOp::create(b, v.loc, v.f32v(), lanes);
  if (type.isF16()) { // vcvtph2ps (F16C) or LLVM's exact expansion
    Value halves = arith::BitcastOp::create(b, v.loc, v.vec(type), lanes);
    return arith::ExtFOp::create(b, v.loc, v.f32v(), halves);
  }
  Value code = v.zext(v.i32v(), lanes);
  if (type.isBF16()) // bf16 is the top half of an f32
    return arith::BitcastOp::create(b, v.loc, v.f32v(), v.shl(code, v.i32c(16)));
  return decodeFloat(v, code, *getFloatFormat(type));
}

/// The integer type of a scale's bits.
Type scaleBitsType(OpBuilder &b, Type scale) {
  return b.getIntegerType(getElementBitWidth(scale));
}

bool isSupportedScale(Type t) {
  if (t.isF32() || t.isBF16())
    return true;
  unsigned w = getElementBitWidth(t);
  return getFloatFormat(t).has_value() && (w == 8 || w == 16);
}

/// What both kernels share: the operands, the shapes and index arithmetic.
struct KernelEmitter : IndexMath {
  Lanes v;
  Value lhs, bytes;
  RankedTensorType rhsType;
  PackedEncodingAttr enc;
  int64_t m, k, n, group;
  unsigned width;
  bool tables;
  bool scaleWeights; // see scalesWeights

  /// The 16 weights from element `linear` (row-major, a multiple of 16) on.
  Value weights(Value linear) {
    Value step = arith::DivUIOp::create(v.b, v.loc, linear, idx(kLanes));
    Value raw = readBytes(v, bytes, mul(step, 2 * width), 2 * width);
    return decodeElements(v, raw, rhsType.getElementType(), tables);
  }

  /// `count` scales (16, or 1 broadcast to 16 lanes) from scale `element`.
  Value scales(Value element, int64_t count) {
    Type t = enc.getScale();
    int64_t bytesPer = getElementBitWidth(t) / 8;
    int64_t base = enc.getDataBytes(rhsType.getShape(), rhsType.getElementType());
    Value raw = readBytes(v, bytes, add(mul(element, bytesPer), base),
                          count * bytesPer);
    Value lanes = raw;
    Type bits = scaleBitsType(v.b, t);
    if (bytesPer != 1)
      lanes = vector::BitCastOp::create(
          v.b, v.loc, VectorType::get({count}, bits), raw);
    if (count != kLanes)
      lanes = vector::BroadcastOp::create(v.b, v.loc, v.vec(bits), lanes);
    return decodeScaleLanes(v, lanes, t);
  }

  /// Whether each group's scale multiplies its weights before the FMAs,
  /// which then add to the running sums (set with 16 registers of 8 lanes,
  /// AVX2): a group's sums kept apart until scaled took twice the
  /// accumulators, all 16 registers, and LLVM spilled them every step. The
  /// products are the reference's: the VM dequantizes each weight, code
  /// times scale rounded once to f32, as the f32 multiply does. (With
  /// AVX-512's 32 registers the group sums stay apart: one FMA a group
  /// instead of a multiply per weight vector.)
  bool scalesWeights() const { return scaleWeights && enc.hasBlocks(); }

  /// Sums over the groups of K: `contract(k0, count, g, acc)` adds a
  /// group's products to `acc`, zeroed accumulators (g null) or, where
  /// scalesWeights, the running sums with the weights of group g scaled;
  /// `scale(g, partial, acc)` adds the scaled group sums to the running
  /// ones.
  SmallVector<Value> overGroups(
      int64_t numAcc,
      function_ref<SmallVector<Value>(Value, int64_t, Value, ValueRange)>
          contract,
      function_ref<SmallVector<Value>(Value, ValueRange, ValueRange)> scale) {
    SmallVector<Value> zeros(numAcc, v.f32c(0));
    if (!enc.hasBlocks())
      return contract(idx(0), k, Value(), zeros);
    return buildLoop(v.b, v.loc, k / group, 1, zeros,
                     [&](Value g, ValueRange sums) {
                       if (scalesWeights())
                         return contract(mul(g, group), group, g, sums);
                       // Each group's products are summed first, then
                       // scaled once.
                       SmallVector<Value> partial =
                           contract(mul(g, group), group, Value(), zeros);
                       return scale(g, partial, sums);
                     });
  }
};

/// B stored K x N: tiles of 16 * numVectors output columns, accumulated in
/// registers along K (an axpy per row of B).
struct ColumnTileKernel : KernelEmitter {
  int64_t numVectors;

  /// Rows [row0, row0 + rows) of the output at columns [col0, col0 + 16 *
  /// numVectors), written into `tile` at columns from 0.
  Value rowBlock(Value tile, Value row0, int64_t rows, Value col0) {
    auto contract = [&](Value k0, int64_t count, Value g, ValueRange acc) {
      SmallVector<Value> s;
      if (g)
        for (int64_t j = 0; j < numVectors; ++j)
          s.push_back(scales(add(mul(g, n), add(col0, j * kLanes)), kLanes));
      return buildLoop(b, loc, count, 1, acc, [&](Value kk, ValueRange sums) {
        Value kIndex = add(k0, kk);
        SmallVector<Value> q;
        for (int64_t j = 0; j < numVectors; ++j) {
          q.push_back(weights(add(mul(kIndex, n), add(col0, j * kLanes))));
          if (g)
            q.back() = arith::MulFOp::create(v.b, v.loc, q.back(), s[j]);
        }
        SmallVector<Value> next(sums.begin(), sums.end());
        for (int64_t r = 0; r < rows; ++r) {
          Value x = tensor::ExtractOp::create(v.b, v.loc, lhs,
                                              ValueRange{add(row0, r), kIndex});
          Value xs = vector::BroadcastOp::create(v.b, v.loc, v.f32v(), x);
          for (int64_t j = 0; j < numVectors; ++j)
            next[r * numVectors + j] = vector::FMAOp::create(
                v.b, v.loc, xs, q[j], next[r * numVectors + j]);
        }
        return next;
      });
    };
    auto scale = [&](Value g, ValueRange partial, ValueRange sums) {
      SmallVector<Value> next(sums.begin(), sums.end());
      for (int64_t j = 0; j < numVectors; ++j) {
        Value s = scales(add(mul(g, n), add(col0, j * kLanes)), kLanes);
        for (int64_t r = 0; r < rows; ++r)
          next[r * numVectors + j] = vector::FMAOp::create(
              v.b, v.loc, partial[r * numVectors + j], s,
              next[r * numVectors + j]);
      }
      return next;
    };
    SmallVector<Value> acc = overGroups(rows * numVectors, contract, scale);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < numVectors; ++j)
        tile = vector::TransferWriteOp::create(
                   v.b, v.loc, acc[r * numVectors + j], tile,
                   ValueRange{add(row0, r), idx(j * kLanes)},
                   ArrayRef<bool>{true})
                   .getResult();
    return tile;
  }
};

/// B stored N x K (transpose_rhs): each output is a dot product along a
/// contiguous row of B; numRows rows of B are streamed side by side, and
/// each accumulator is reduced across its lanes once at the end.
struct RowDotKernel : KernelEmitter {
  int64_t numRows;

  /// Rows [row0, row0 + rows) of the output at columns [col0, col0 +
  /// numRows), written into `tile` at columns from 0.
  Value rowBlock(Value tile, Value row0, int64_t rows, Value col0) {
    auto contract = [&](Value k0, int64_t count, Value g, ValueRange acc) {
      SmallVector<Value> s;
      if (g)
        for (int64_t c = 0; c < numRows; ++c)
          s.push_back(scales(add(mul(add(col0, c), k / group), g), 1));
      return buildLoop(b, loc, count, kLanes, acc,
                       [&](Value kk, ValueRange sums) {
        Value kIndex = add(k0, kk);
        SmallVector<Value> x;
        for (int64_t r = 0; r < rows; ++r)
          x.push_back(vector::TransferReadOp::create(
              v.b, v.loc, v.f32v(), lhs, ValueRange{add(row0, r), kIndex},
              arith::ConstantFloatOp::create(v.b, v.loc, v.b.getF32Type(),
                                             APFloat(0.0f)),
              ArrayRef<bool>{true}));
        SmallVector<Value> next(sums.begin(), sums.end());
        for (int64_t c = 0; c < numRows; ++c) {
          Value q = weights(add(mul(add(col0, c), k), kIndex));
          if (g)
            q = arith::MulFOp::create(v.b, v.loc, q, s[c]);
          for (int64_t r = 0; r < rows; ++r)
            next[r * numRows + c] = vector::FMAOp::create(
                v.b, v.loc, x[r], q, next[r * numRows + c]);
        }
        return next;
      });
    };
    auto scale = [&](Value g, ValueRange partial, ValueRange sums) {
      SmallVector<Value> next(sums.begin(), sums.end());
      for (int64_t c = 0; c < numRows; ++c) {
        Value s = scales(add(mul(add(col0, c), k / group), g), 1);
        for (int64_t r = 0; r < rows; ++r)
          next[r * numRows + c] = vector::FMAOp::create(
              v.b, v.loc, partial[r * numRows + c], s, next[r * numRows + c]);
      }
      return next;
    };
    SmallVector<Value> acc = overGroups(rows * numRows, contract, scale);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < numRows; ++c) {
        // The lanes hold interleaved partial sums: any order of adding them
        // is as good as another.
        Value sum = vector::ReductionOp::create(
            v.b, v.loc, vector::CombiningKind::ADD, acc[r * numRows + c],
            arith::FastMathFlags::reassoc);
        tile = tensor::InsertOp::create(v.b, v.loc, sum, tile,
                                        ValueRange{add(row0, r), idx(c)});
      }
    return tile;
  }
};

} // namespace

MantissaField getMantissaField(unsigned bits, int32_t shift, bool isSigned,
                               int64_t offset) {
  MantissaField field;
  field.mask = ((uint32_t(1) << bits) - 1) << shift;
  field.above = uint32_t(127 + 23 - shift) << 23;
  if (isSigned) {
    field.above |= uint32_t(1) << (shift + bits - 1);
    offset = int64_t(1) << (bits - 1);
  }
  field.base = float(int64_t(1) << (23 - shift)) + float(offset);
  return field;
}

SmallVector<Value>
buildLoop(OpBuilder &b, Location loc, int64_t count, int64_t step,
          ValueRange init,
          function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  auto idx = [&](int64_t x) { return arith::ConstantIndexOp::create(b, loc, x); };
  auto loop = scf::ForOp::create(b, loc, idx(0), idx(count), idx(step), init);
  OpBuilder::InsertionGuard guard(b);
  if (init.empty()) {
    // A loop without results comes with its (empty) yield.
    b.setInsertionPoint(loop.getBody()->getTerminator());
    body(loop.getInductionVar(), {});
    return {};
  }
  b.setInsertionPointToStart(loop.getBody());
  scf::YieldOp::create(b, loc,
                       body(loop.getInductionVar(), loop.getRegionIterArgs()));
  return SmallVector<Value>(loop.getResults());
}

Value buildColumnTiles(OpBuilder &b, Location loc, int64_t m, int64_t n,
                       int64_t tileCols, Type element,
                       function_ref<Value(Value, Value)> body,
                       bool interleaved) {
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m, n},
                                       element);
  return buildColumnTiles(b, loc, init, tileCols, body, interleaved);
}

Value buildColumnTiles(OpBuilder &b, Location loc, Value init, int64_t tileCols,
                       function_ref<Value(Value, Value)> body,
                       bool interleaved) {
  auto type = cast<RankedTensorType>(init.getType());
  int64_t m = type.getDimSize(0), n = type.getDimSize(1);
  if (m == 0 || n == 0) // nothing to compute, and no tile to slice
    return init;
  auto forall = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(n / tileCols)},
      ValueRange{init}, std::nullopt);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(forall.getBody());
  Value col0 = forall.getInductionVar(0);
  if (!interleaved)
    col0 = arith::MulIOp::create(
        b, loc, col0, arith::ConstantIndexOp::create(b, loc, tileCols));
  Value out = forall.getRegionIterArgs()[0];
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), col0};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(m),
                                     b.getIndexAttr(tileCols)};
  SmallVector<OpFoldResult> strides = {
      b.getIndexAttr(1), b.getIndexAttr(interleaved ? n / tileCols : 1)};
  Value tile =
      tensor::ExtractSliceOp::create(b, loc, out, offsets, sizes, strides);
  tile = body(tile, col0);
  b.setInsertionPointToStart(forall.getTerminator().getBody());
  tensor::ParallelInsertSliceOp::create(b, loc, tile, out, offsets, sizes,
                                        strides);
  return forall.getResult(0);
}

SmallVector<Value> transpose16(OpBuilder &b, Location loc,
                               SmallVector<Value> m) {
  for (int64_t d = kLanes / 2; d >= 1; d /= 2)
    for (int64_t i = 0; i < kLanes; ++i) {
      if (i & d)
        continue;
      SmallVector<int64_t> first, second;
      for (int64_t e = 0; e < kLanes; ++e) {
        first.push_back(e & d ? kLanes + e - d : e);
        second.push_back(e & d ? kLanes + e : e + d);
      }
      Value top = vector::ShuffleOp::create(b, loc, m[i], m[i + d], first);
      m[i + d] = vector::ShuffleOp::create(b, loc, m[i], m[i + d], second);
      m[i] = top;
    }
  return m;
}

Value buildRowChunks(OpBuilder &b, Location loc, int64_t m, int64_t chunk,
                     Value tile,
                     function_ref<Value(Value, Value, int64_t)> rowBlock) {
  int64_t whole = m / chunk * chunk;
  if (whole > 0)
    tile = buildLoop(b, loc, whole, chunk, ValueRange{tile},
                     [&](Value row0, ValueRange args) {
                       return SmallVector<Value>{
                           rowBlock(args[0], row0, chunk)};
                     })[0];
  if (whole < m)
    tile = rowBlock(tile, arith::ConstantIndexOp::create(b, loc, whole),
                    m - whole);
  return tile;
}

bool canVectorizePackedMatmul(RankedTensorType lhsType,
                              RankedTensorType rhsType, bool transposed) {
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  if (!enc || !lhsType.hasStaticShape() || !rhsType.hasStaticShape() ||
      enc.getZeroPoint() || enc.isTiled())
    return false;
  // 16-element steps along the contiguous dimension of B.
  int64_t contiguous = rhsType.getDimSize(1);
  if (contiguous % kLanes != 0)
    return false;
  Type element = rhsType.getElementType();
  if (getElementBitWidth(element) > 8 ||
      (!getFloatFormat(element) && !isa<IntegerType, TritType>(element)))
    return false;
  // Elements must sit at bit i * w: dense, or exactly filling their words.
  BitLayout layout = enc.getBitLayout(element);
  if (layout.base3 || layout.hasBitPlanes() ||
      (!layout.straddle && layout.wordBits % layout.bits != 0))
    return false;
  if (!enc.hasBlocks())
    return true;
  if (!isSupportedScale(enc.getScale()))
    return false;
  ArrayRef<int64_t> block = enc.getBlock();
  // Groups along K: [G, 1] of a K x N tensor, or [1, G] of an N x K one
  // with whole 16-element steps per group.
  return transposed ? block[0] == 1 && block[1] % kLanes == 0
                    : block[1] == 1;
}

Value buildVectorizedPackedMatmul(OpBuilder &b, Location loc, Value lhs,
                                  Value rhsBytes, RankedTensorType rhsType,
                                  bool transposed, bool tables,
                                  bool halfWidthRegisters) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  PackedEncodingAttr enc = getPackedEncoding(rhsType);
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1),
          n = rhsType.getDimSize(transposed ? 0 : 1);
  // Rows of A per pass and output columns per tile: 8 accumulators, a
  // quarter of AVX-512's registers, enough independent FMA chains to hide
  // their latency, and (K x N) a tile row of B that covers most of a cache
  // line. With 16 registers of 8 lanes (AVX2), 4: 8 of them took every
  // register, and LLVM spilled and reloaded them every step (batch-4 GEMVs
  // ran 3x slower).
  int64_t accumulators = halfWidthRegisters ? 4 : 8;
  // (An empty batch, M = 0, still takes the tiles of one row of A.)
  int64_t rowsPerPass = std::clamp<int64_t>(m, 1, 4);
  int64_t perTile = std::max<int64_t>(1, accumulators / rowsPerPass);
  int64_t columnsPer = transposed ? 1 : kLanes;
  while (n % (perTile * columnsPer) != 0)
    --perTile;
  int64_t tileCols = perTile * columnsPer;
  KernelEmitter base{{b, loc},
                     Lanes(b, loc),
                     lhs,
                     rhsBytes,
                     rhsType,
                     enc,
                     m,
                     k,
                     n,
                     enc.hasBlocks() ? enc.getBlock()[transposed ? 1 : 0] : k,
                     getElementBitWidth(rhsType.getElementType()),
                     tables,
                     /*scaleWeights=*/halfWidthRegisters};
  ColumnTileKernel columns{base, perTile};
  RowDotKernel rows{base, perTile};
  auto rowBlock = [&](Value tile, Value row0, int64_t count, Value col0) {
    return transposed ? rows.rowBlock(tile, row0, count, col0)
                      : columns.rowBlock(tile, row0, count, col0);
  };

  // Column tiles of the output are independent: an scf.forall.
  return buildColumnTiles(
      b, loc, m, n, tileCols, b.getF32Type(), [&](Value tile, Value col0) {
        return buildRowChunks(b, loc, m, rowsPerPass, tile,
                              [&](Value t, Value row0, int64_t count) {
                                return rowBlock(t, row0, count, col0);
                              });
      });
}

} // namespace anybit::codegen
