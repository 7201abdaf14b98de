//===- AnybitToStandard.cpp - Lower anybit to upstream dialects -----------===//

#include "anybit/Conversion/Passes.h"

#include "Anybit/AnybitDialect.h"
#include "Anybit/X86Ops.h"
#include "BitPlaneSplit.h"
#include "CodeCvtMatmulCodegen.h"
#include "CodeDotMatmulCodegen.h"
#include "CodeFmaMatmulCodegen.h"
#include "ElementCodegen.h"
#include "FloatLookupTableMatmulCodegen.h"
#include "LookupTableMatmulCodegen.h"
#include "PackedCodegen.h"
#include "RetypeOp.h"
#include "RowMajorRepack.h"
#include "VectorMatmulCodegen.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/TypeSwitch.h"

#include <numeric>

namespace anybit {
#define GEN_PASS_DEF_CONVERTANYBITTOSTANDARD
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;
using namespace anybit;
using namespace anybit::codegen;

namespace {

/// Storage types: small floats and signed/unsigned integers as signless
/// integers, packed tensors as their bytes.
class StorageTypeConverter : public TypeConverter {
public:
  StorageTypeConverter() {
    addConversion([](Type t) { return t; });
    addConversion([](Type t) -> std::optional<Type> {
      if (isNumericElementType(t))
        return getStorageType(t);
      return std::nullopt;
    });
    addConversion([](RankedTensorType t) -> Type {
      if (auto enc = getPackedEncoding(t))
        return RankedTensorType::get(
            {int64_t(enc.getTotalBytes(t.getShape(), t.getElementType()))},
            IntegerType::get(t.getContext(), 8));
      return RankedTensorType::get(t.getShape(),
                                   getStorageType(t.getElementType()),
                                   t.getEncoding());
    });
  }
};

/// Row-major indices of `linear` in `shape`.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<int64_t> shape) {
  SmallVector<Value> indices(shape.size());
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    Value size = arith::ConstantIndexOp::create(b, loc, shape[d]);
    indices[d] = arith::RemUIOp::create(b, loc, linear, size);
    linear = arith::DivUIOp::create(b, loc, linear, size);
  }
  return indices;
}

Value linearize(OpBuilder &b, Location loc, ValueRange indices,
                ArrayRef<int64_t> shape) {
  Value linear = arith::ConstantIndexOp::create(b, loc, 0);
  for (auto [index, size] : llvm::zip(indices, shape))
    linear = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, linear,
                              arith::ConstantIndexOp::create(b, loc, size)),
        index);
  return linear;
}

/// Elements stored tile by tile are the row-major elements of a tensor of
/// shape grid ++ tile (the grid of tiles, then one tile), element x at
/// (x / t ..., x mod t ...).
SmallVector<int64_t> tiledShape(ArrayRef<int64_t> shape,
                                ArrayRef<int64_t> tile) {
  SmallVector<int64_t> tiled;
  for (auto [size, t] : llvm::zip(shape, tile))
    tiled.push_back(size / t);
  llvm::append_range(tiled, tile);
  return tiled;
}

/// Position in storage order of the element at `indices` of a tensor of
/// `shape` packed with `enc`.
Value storagePosition(OpBuilder &b, Location loc, ValueRange indices,
                      ArrayRef<int64_t> shape, PackedEncodingAttr enc) {
  if (!enc.isTiled())
    return linearize(b, loc, indices, shape);
  SmallVector<Value> tiled(2 * indices.size());
  for (auto [d, index, t] : llvm::enumerate(indices, enc.getTile())) {
    Value extent = arith::ConstantIndexOp::create(b, loc, t);
    tiled[d] = arith::DivUIOp::create(b, loc, index, extent);
    tiled[indices.size() + d] = arith::RemUIOp::create(b, loc, index, extent);
  }
  return linearize(b, loc, tiled, tiledShape(shape, enc.getTile()));
}

/// The inverse of storagePosition: the indices of the element stored at
/// `position`.
SmallVector<Value> storedIndices(OpBuilder &b, Location loc, Value position,
                                 ArrayRef<int64_t> shape,
                                 PackedEncodingAttr enc) {
  if (!enc.isTiled())
    return delinearize(b, loc, position, shape);
  ArrayRef<int64_t> tile = enc.getTile();
  SmallVector<Value> tiled =
      delinearize(b, loc, position, tiledShape(shape, tile));
  SmallVector<Value> indices;
  for (auto [d, t] : llvm::enumerate(tile))
    indices.push_back(arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, tiled[d],
                              arith::ConstantIndexOp::create(b, loc, t)),
        tiled[tile.size() + d]));
  return indices;
}

/// Row-major index of the block holding element `indices`.
Value blockIndex(OpBuilder &b, Location loc, ValueRange indices,
                 PackedEncodingAttr enc, ArrayRef<int64_t> shape) {
  SmallVector<Value> blockIndices;
  for (auto [index, size] : llvm::zip(indices, enc.getBlock()))
    blockIndices.push_back(arith::DivUIOp::create(
        b, loc, index, arith::ConstantIndexOp::create(b, loc, size)));
  return linearize(b, loc, blockIndices, enc.getBlockGridShape(shape));
}

/// How to read the planes of one packed tensor value.
struct PackedView {
  Value bytes;
  RankedTensorType type; // the original, encoded tensor type
  PackedEncodingAttr enc;

  int64_t numBytes() const {
    return enc.getTotalBytes(type.getShape(), type.getElementType());
  }
  int64_t dataBytes() const {
    return enc.getDataBytes(type.getShape(), type.getElementType());
  }

  /// The storage-form element at logical `indices`.
  Value element(OpBuilder &b, Location loc, ValueRange indices) const {
    Value position = storagePosition(b, loc, indices, type.getShape(), enc);
    Value bits =
        buildReadElementBits(b, loc, bytes, numBytes(), type.getNumElements(),
                             enc.getBitLayout(type.getElementType()), position);
    return buildFromBits(b, loc, bits, getStorageType(type.getElementType()));
  }

  /// The storage-form scale (or zero point) of block `block`.
  Value blockValue(OpBuilder &b, Location loc, Value block,
                   bool zeroPoint) const {
    Type t = zeroPoint ? enc.getZeroPoint() : enc.getScale();
    int64_t base =
        dataBytes() + (zeroPoint ? enc.getScaleBytes(type.getShape()) : 0);
    Value bits =
        buildReadField(b, loc, bytes, numBytes(), base,
                       zeroPoint ? enc.getZeroPointLayout() : enc.getScaleLayout(),
                       block);
    return buildFromBits(b, loc, bits, getStorageType(t));
  }

  /// The exact value of element `indices` after block scaling, as f64.
  Value dequantized(OpBuilder &b, Location loc, ValueRange indices) const {
    Type elementType = type.getElementType();
    Value code = element(b, loc, indices);
    Value value = elementToF64(b, loc, code, elementType);
    if (!enc.hasBlocks())
      return value;
    Value block = blockIndex(b, loc, indices, enc, type.getShape());
    if (Type zp = enc.getZeroPoint())
      value = arith::SubFOp::create(
          b, loc, value, elementToF64(b, loc, blockValue(b, loc, block, true), zp));
    Value scale =
        elementToF64(b, loc, blockValue(b, loc, block, false), enc.getScale());
    return arith::MulFOp::create(b, loc, value, scale);
  }

  static Value elementToF64(OpBuilder &b, Location loc, Value v, Type type) {
    return buildCast(b, loc, v, type, b.getF64Type(), /*saturate=*/false);
  }
};

/// A linalg.generic of `type` whose elements are `body(args)`, `args` the
/// elements of `inputs` (`inputMaps` from the result's indices). Unlike a
/// tensor.generate, which the canonicalizer folds into every tensor.extract
/// of it, computed once per element.
Value buildMaterialized(
    OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
    ArrayRef<AffineMap> inputMaps,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = type.getRank();
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc,
                                       body(nb, nloc, args.drop_back()));
             })
      .getResult(0);
}

/// An element-wise linalg.generic over `inputs` producing `resultType`.
Value buildElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> maps(inputs.size(),
                              b.getMultiDimIdentityMap(resultType.getRank()));
  return buildMaterialized(b, loc, resultType, inputs, maps, body);
}

/// tensor.generate of `type` whose element at `indices` is `body(indices)`.
Value buildGenerate(OpBuilder &b, Location loc, RankedTensorType type,
                    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto gen = tensor::GenerateOp::create(
      b, loc, type, ValueRange{},
      [&](OpBuilder &nb, Location nloc, ValueRange indices) {
        tensor::YieldOp::create(nb, nloc, body(nb, nloc, indices));
      });
  return gen.getResult();
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

struct CastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type from = getElementTypeOrSelf(op.getInput().getType());
    Type to = getElementTypeOrSelf(op.getType());
    std::string why;
    if (!isCastSupported(from, to, why))
      return rewriter.notifyMatchFailure(op, why);
    bool saturate = op.getSaturate();
    Location loc = op.getLoc();
    auto resultType = dyn_cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    if (!resultType) {
      rewriter.replaceOp(op, buildCast(rewriter, loc, adaptor.getInput(),
                                       from, to, saturate));
      return success();
    }
    rewriter.replaceOp(
        op, buildElementwise(rewriter, loc, resultType, adaptor.getInput(),
                             [&](OpBuilder &b, Location l, ValueRange args) {
                               return buildCast(b, l, args[0], from, to,
                                                saturate);
                             }));
    return success();
  }
};

struct UnpackLowering : OpConversionPattern<UnpackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnpackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getInput().getType());
    PackedView view{adaptor.getInput(), type, getPackedEncoding(type)};
    auto convert = [&](Value v) {
      return cast<RankedTensorType>(getTypeConverter()->convertType(v.getType()));
    };
    SmallVector<Value> results;
    results.push_back(buildGenerate(
        rewriter, loc, convert(op.getResult()),
        [&](OpBuilder &b, Location l, ValueRange indices) {
          return view.element(b, l, indices);
        }));
    ArrayRef<int64_t> grid;
    SmallVector<int64_t> gridShape;
    if (view.enc.hasBlocks())
      gridShape = view.enc.getBlockGridShape(type.getShape());
    grid = gridShape;
    for (auto [value, isZero] : {std::pair{op.getScales(), false},
                                 std::pair{op.getZeroPoints(), true}}) {
      if (!value)
        continue;
      results.push_back(buildGenerate(
          rewriter, loc, convert(value),
          [&, isZero = isZero](OpBuilder &b, Location l, ValueRange indices) {
            return view.blockValue(b, l, linearize(b, l, indices, grid), isZero);
          }));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// The plane of `source`'s bytes laid out by `layout` in `order` (null:
/// row-major) where it is the source itself, flattened: bytes row-major,
/// byte i element i, no padding. Null otherwise.
Value buildBytesInOrder(OpBuilder &b, Location loc, Value source,
                        const BitLayout &layout, PackedEncodingAttr order) {
  auto type = cast<RankedTensorType>(source.getType());
  if (layout.bits != 8 || layout.base3 || layout.hasBitPlanes() ||
      (order && order.isTiled()) || type.getRank() == 0 ||
      !type.getElementType().isSignlessInteger(8) ||
      layout.storageBytes(type.getNumElements()) !=
          uint64_t(type.getNumElements()))
    return {}; // (words of 16 bits and more pad the last one)
  if (type.getRank() == 1)
    return source;
  ReassociationIndices all(type.getRank());
  std::iota(all.begin(), all.end(), 0);
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({type.getNumElements()}, b.getI8Type()),
      source, ArrayRef<ReassociationIndices>{all});
}

/// The bytes of a packed tensor of type `type` from its logical planes (in
/// storage form): data, then scales and zero points when given.
Value buildPackedTensor(OpBuilder &b, Location loc, RankedTensorType type,
                        Value values, Value scales, Value zeroPoints) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  Type i8 = b.getI8Type();
  int64_t total = enc.getTotalBytes(type.getShape(), type.getElementType());
  Value result = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{total}, i8);
  int64_t offset = 0;
  // Element planes are placed by the encoding's storage order, the scale
  // and zero-point planes row-major. A bit plane holds the `layout.bits`
  // element bits from `bitPlaneShift`.
  auto addPlane = [&](Value source, const BitLayout &layout,
                      PackedEncodingAttr order,
                      std::optional<unsigned> bitPlaneShift = std::nullopt) {
    auto sourceType = cast<RankedTensorType>(source.getType());
    int64_t count = sourceType.getNumElements();
    int64_t bytes = layout.storageBytes(count);
    // An empty plane adds nothing (and insert_slice's verifier takes any
    // offset into an empty tensor as out of bounds).
    if (bytes == 0)
      return;
    Value plane = bitPlaneShift
                      ? Value()
                      : buildBytesInOrder(b, loc, source, layout, order);
    if (!plane)
      plane = buildGenerate(
          b, loc, RankedTensorType::get({bytes}, i8),
          [&](OpBuilder &nb, Location l, ValueRange indices) {
            return buildPackedByte(
                nb, l, count, layout, indices[0], [&](OpBuilder &eb, Value i) {
                  Value e = tensor::ExtractOp::create(
                      eb, l, source,
                      order ? storedIndices(eb, l, i, sourceType.getShape(),
                                            order)
                            : delinearize(eb, l, i, sourceType.getShape()));
                  Value bits = buildBitsOf(eb, l, e);
                  if (!bitPlaneShift)
                    return bits;
                  auto i64 = [&](int64_t c) {
                    return arith::ConstantIntOp::create(eb, l, c, 64);
                  };
                  Value field =
                      arith::ShRUIOp::create(eb, l, bits, i64(*bitPlaneShift));
                  return arith::AndIOp::create(
                             eb, l, field, i64((int64_t(1) << layout.bits) - 1))
                      .getResult();
                });
          });
    result = tensor::InsertSliceOp::create(
        b, loc, plane, result, ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(bytes)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    offset += bytes;
  };
  BitLayout layout = enc.getBitLayout(type.getElementType());
  if (!layout.hasBitPlanes())
    addPlane(values, layout, enc);
  for (unsigned p = 0; p < layout.bitPlanes.size(); ++p)
    addPlane(values, layout.plane(p), enc, layout.planeShift(p));
  if (scales)
    addPlane(scales, enc.getScaleLayout(), {});
  if (zeroPoints)
    addPlane(zeroPoints, enc.getZeroPointLayout(), {});
  return result;
}

struct PackLowering : OpConversionPattern<PackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildPackedTensor(rewriter, op.getLoc(),
                                             op.getType(), adaptor.getInput(),
                                             adaptor.getScales(),
                                             adaptor.getZeroPoints()));
    return success();
  }
};

/// anybit.quantize: per-block statistics, scales (and zero points), codes,
/// then packing; the formulas of QuantizeOp's description, in f64.
struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    PackedEncodingAttr enc = getPackedEncoding(type);
    Type inElement = op.getInput().getType().getElementType();
    Type codeType = type.getElementType();
    Type scaleType = enc.getScale(), zpType = enc.getZeroPoint();
    ArrayRef<int64_t> shape = type.getShape(), block = enc.getBlock();
    SmallVector<int64_t> grid = enc.getBlockGridShape(shape);
    Value input = adaptor.getInput();
    Type f64 = rewriter.getF64Type();

    std::pair<double, double> range = getCodeRange(codeType);
    double qmin = range.first, qmax = range.second;
    auto scaleFormat = getFloatFormat(scaleType);
    bool powerOfTwo = scaleFormat && scaleFormat->manBits == 0;
    auto f64c = [&](OpBuilder &b, Location l, double v) -> Value {
      return arith::ConstantFloatOp::create(b, l, b.getF64Type(), APFloat(v));
    };
    // The input viewed as [grid_0, block_0, grid_1, block_1, ...]: the
    // blocks' reductions, and the codes, whose block indices are outer
    // loops (a block's scale is invariant in the loop over its elements,
    // which vectorizes).
    SmallVector<int64_t> split;
    SmallVector<ReassociationIndices> pairs;
    SmallVector<AffineExpr> gridDims;
    for (auto [d, size] : llvm::enumerate(block)) {
      split.append({grid[d], size});
      pairs.push_back({int64_t(2 * d), int64_t(2 * d + 1)});
      gridDims.push_back(rewriter.getAffineDimExpr(2 * d));
    }
    // (In storage form: an emulated float's bits.)
    Type stored = cast<RankedTensorType>(input.getType()).getElementType();
    Value view = input;
    if (!shape.empty())
      view = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(split, stored), input, pairs);

    enum class Extreme { Min, Max, AbsMax };
    // min(min x, 0), max(max x, 0) or max(max |x|, 0) of each block: one
    // reduction over the input viewed as [grid_0, block_0, grid_1, block_1,
    // ...]. A linalg.generic, not a tensor.generate, which the canonicalizer
    // would inline into every code's computation (a whole block's loop per
    // element). An f32 input reduces in f32, where its min and max are exact
    // and twice as many take one instruction as in f64, and its |x| as the
    // integers of its bits, which order as the values do: one vpmaxsd, where
    // maximumf takes five instructions to order signed zeros (|x| has none)
    // and NaN (the VM rejects non-finite inputs).
    auto blockExtreme = [&](Extreme extreme) -> Value {
      Type reduced = !inElement.isF32()           ? f64
                     : extreme == Extreme::AbsMax ? rewriter.getI32Type()
                                                  : inElement;
      MLIRContext *ctx = rewriter.getContext();
      SmallVector<utils::IteratorType> iterators;
      for (size_t d = 0; d < block.size(); ++d)
        iterators.append(
            {utils::IteratorType::parallel, utils::IteratorType::reduction});
      Value zero = arith::ConstantOp::create(
          rewriter, loc,
          isa<IntegerType>(reduced)
              ? TypedAttr(rewriter.getIntegerAttr(reduced, 0))
              : TypedAttr(rewriter.getFloatAttr(reduced, 0.0)));
      Value init = linalg::FillOp::create(
                       rewriter, loc, zero,
                       tensor::EmptyOp::create(rewriter, loc, grid, reduced)
                           .getResult())
                       .getResult(0);
      unsigned loops = split.size();
      SmallVector<AffineMap> maps = {
          AffineMap::getMultiDimIdentityMap(loops, ctx),
          AffineMap::get(loops, 0, gridDims, ctx)};
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{init.getType()}, ValueRange{view},
                 ValueRange{init}, maps, iterators,
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   Value v = args[0];
                   if (isa<IntegerType>(reduced)) {
                     Value bits = arith::BitcastOp::create(b, l, reduced, v);
                     Value magnitude = arith::AndIOp::create(
                         b, l, bits,
                         arith::ConstantIntOp::create(b, l, reduced,
                                                      0x7fffffff));
                     linalg::YieldOp::create(
                         b, l, arith::MaxSIOp::create(b, l, args[1], magnitude)
                                   .getResult());
                     return;
                   }
                   if (reduced != inElement)
                     v = buildCast(b, l, v, inElement, f64, false);
                   if (extreme == Extreme::AbsMax)
                     v = math::AbsFOp::create(b, l, v);
                   Value r =
                       extreme == Extreme::Min
                           ? Value(arith::MinimumFOp::create(b, l, args[1], v))
                           : Value(arith::MaximumFOp::create(b, l, args[1], v));
                   linalg::YieldOp::create(b, l, r);
                 })
          .getResult(0);
    };
    // Symmetric scales take absmax alone: one reduction, not two.
    Value lo, hi, absMax;
    if (zpType) {
      lo = blockExtreme(Extreme::Min);
      hi = blockExtreme(Extreme::Max);
    } else {
      absMax = blockExtreme(Extreme::AbsMax);
    }
    // A block's extreme (as blockExtreme holds it) as f64.
    auto extremeValue = [&](OpBuilder &b, Location l, Value v) -> Value {
      if (v.getType().isInteger(32))
        v = arith::BitcastOp::create(b, l, b.getF32Type(), v);
      return v.getType() == f64 ? v : arith::ExtFOp::create(b, l, f64, v);
    };

    // The scale as its type holds it, once per block.
    AffineMap blockMap = rewriter.getMultiDimIdentityMap(grid.size());
    SmallVector<Value> extremes =
        zpType ? SmallVector<Value>{lo, hi} : SmallVector<Value>{absMax};
    Value scales = buildMaterialized(
        rewriter, loc, RankedTensorType::get(grid, getStorageType(scaleType)),
        extremes, SmallVector<AffineMap>(extremes.size(), blockMap),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value s;
          if (zpType) {
            Value l0 = extremeValue(b, l, args[0]),
                  h0 = extremeValue(b, l, args[1]);
            s = arith::DivFOp::create(b, l, arith::SubFOp::create(b, l, h0, l0),
                                      f64c(b, l, qmax - qmin));
          } else if (powerOfTwo) {
            Value absmax = extremeValue(b, l, args[0]);
            // 2^(floor(log2 absmax) - floor(log2 qmax)) as ldexp computes
            // it: subnormal or zero below 2^-1022, infinite above 2^1023.
            auto i64c = [&](int64_t v) -> Value {
              return arith::ConstantIntOp::create(b, l, v, 64);
            };
            // floor(log2 absmax), subnormal absmax included (ilogb).
            Value bits = arith::BitcastOp::create(b, l, b.getI64Type(), absmax);
            Value field = arith::ShRUIOp::create(b, l, bits, i64c(52));
            Value subExp = arith::SubIOp::create(
                b, l, i64c(63 - 1074),
                math::CountLeadingZerosOp::create(b, l, bits));
            Value exp = arith::SelectOp::create(
                b, l,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, field,
                                      i64c(0)),
                subExp, arith::SubIOp::create(b, l, field, i64c(1023)));
            Value n = arith::SubIOp::create(b, l, exp, i64c(std::ilogb(qmax)));
            n = arith::MaxSIOp::create(b, l, n, i64c(-1075));
            n = arith::MinSIOp::create(b, l, n, i64c(1024));
            Value normalBits = arith::ShLIOp::create(
                b, l, arith::AddIOp::create(b, l, n, i64c(1023)), i64c(52));
            Value subnormalBits = arith::ShLIOp::create(
                b, l, i64c(1),
                arith::MaxSIOp::create(
                    b, l, arith::AddIOp::create(b, l, n, i64c(1074)),
                    i64c(0)));
            Value isNormal = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::sge, n, i64c(-1022));
            Value isZero = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::slt, n, i64c(-1074));
            Value powBits = arith::SelectOp::create(
                b, l, isNormal, normalBits,
                arith::SelectOp::create(b, l, isZero, i64c(0), subnormalBits));
            Value pow = arith::BitcastOp::create(b, l, b.getF64Type(), powBits);
            Value none = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OEQ, absmax, f64c(b, l, 0.0));
            s = arith::SelectOp::create(b, l, none, f64c(b, l, 1.0), pow);
          } else {
            s = arith::DivFOp::create(b, l, extremeValue(b, l, args[0]),
                                      f64c(b, l, qmax));
          }
          Value isZero = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                               s, f64c(b, l, 0.0));
          s = arith::SelectOp::create(b, l, isZero, f64c(b, l, 1.0), s);
          return buildCast(b, l, s, b.getF64Type(), scaleType, true);
        });
    Value zeroPoints;
    if (zpType)
      zeroPoints = buildMaterialized(
          rewriter, loc, RankedTensorType::get(grid, getStorageType(zpType)),
          ValueRange{lo, scales}, {blockMap, blockMap},
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value l0 = extremeValue(b, l, args[0]);
            Value scale = buildCast(b, l, args[1], scaleType, f64, false);
            Value z = arith::SubFOp::create(
                b, l, f64c(b, l, qmin), arith::DivFOp::create(b, l, l0, scale));
            return buildCast(b, l, z, b.getF64Type(), zpType, true);
          });

    AffineMap all = rewriter.getMultiDimIdentityMap(split.size());
    AffineMap perBlock =
        AffineMap::get(split.size(), 0, gridDims, rewriter.getContext());
    SmallVector<Value> operands = {view, scales};
    SmallVector<AffineMap> maps = {all, perBlock};
    if (zeroPoints) {
      operands.push_back(zeroPoints);
      maps.push_back(perBlock);
    }
    Type storage = getStorageType(codeType);
    Value codes = buildMaterialized(
        rewriter, loc, RankedTensorType::get(split, storage), operands, maps,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = buildCast(b, l, args[0], inElement, f64, false);
          Value scale = buildCast(b, l, args[1], scaleType, f64, false);
          Value q = arith::DivFOp::create(b, l, x, scale);
          if (zpType)
            q = arith::AddFOp::create(
                b, l, math::RoundEvenOp::create(b, l, q),
                buildCast(b, l, args[2], zpType, f64, false));
          return buildCast(b, l, q, f64, codeType, true);
        });
    if (!shape.empty())
      codes = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, storage), codes, pairs);
    rewriter.replaceOp(op, buildPackedTensor(rewriter, loc, type, codes,
                                             scales, zeroPoints));
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    PackedView view{adaptor.getInput(), type, getPackedEncoding(type)};
    Type out = op.getType().getElementType();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    rewriter.replaceOp(
        op, buildGenerate(rewriter, op.getLoc(), resultType,
                          [&](OpBuilder &b, Location l, ValueRange indices) {
                            return buildCast(b, l,
                                             view.dequantized(b, l, indices),
                                             b.getF64Type(), out, false);
                          }));
    return success();
  }
};

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  MatmulLowering(const TypeConverter &converter, MLIRContext *ctx,
                 bool vectorize, TernaryLowering ternary,
                 unsigned x86Int8DotBits, bool x86Multishift,
                 unsigned x86ByteBits, unsigned threads)
      : OpConversionPattern(converter, ctx), vectorize(vectorize),
        ternary(ternary), x86Int8DotBits(x86Int8DotBits),
        x86Multishift(x86Multishift), x86ByteBits(x86ByteBits),
        threads(threads) {}

  /// Whether packed weights may take the vector code path.
  bool vectorize;
  /// How int8 x trit products are computed, the vpdpbusd width, whether
  /// vpmultishiftqb of that width unpacks straddling fields, and the
  /// vpshufb width of table lookups.
  TernaryLowering ternary;
  unsigned x86Int8DotBits;
  bool x86Multishift;
  unsigned x86ByteBits;
  /// The OpenMP threads parallel loops will run on, 0 when not known.
  unsigned threads;

  /// Element `indices` of a packed operand in the accumulator type, as the
  /// VM rounds it: integers converted, block-scaled values dequantized
  /// exactly and rounded once.
  static Value packedInAccumulator(OpBuilder &b, Location l,
                                   const PackedView &view, ValueRange indices,
                                   Type acc) {
    if (isa<IntegerType>(acc))
      return buildCast(b, l, view.element(b, l, indices),
                       view.type.getElementType(), acc, false);
    return buildCast(b, l, view.dequantized(b, l, indices), b.getF64Type(),
                     acc, false);
  }

  /// The operand's values in the accumulator type, as a tensor.
  Value toAccumulator(OpBuilder &b, Location loc, Value original,
                      Value converted, Type acc) const {
    auto type = cast<RankedTensorType>(original.getType());
    auto accType = RankedTensorType::get(type.getShape(), acc);
    Type element = type.getElementType();
    if (PackedEncodingAttr enc = getPackedEncoding(type)) {
      PackedView view{converted, type, enc};
      return buildGenerate(b, loc, accType,
                           [&](OpBuilder &nb, Location l, ValueRange indices) {
                             return packedInAccumulator(nb, l, view, indices,
                                                        acc);
                           });
    }
    if (element == acc)
      return converted;
    return buildElementwise(
        b, loc, accType, converted,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          if (isa<IntegerType>(acc))
            return buildCast(nb, l, args[0], element, acc, false);
          // Exact value first, then one rounding, as the VM does.
          Value exact = buildCast(nb, l, args[0], element, nb.getF64Type(),
                                  false);
          return buildCast(nb, l, exact, nb.getF64Type(), acc, false);
        });
  }

  /// The contraction as a linalg.generic, in the accumulator type, with the
  /// VM's order of operations.
  Value buildContraction(OpBuilder &b, Location loc, MatmulOp op,
                         OpAdaptor adaptor, Value rhs, RankedTensorType rhsType,
                         Value lhs, Type acc) const {
    auto resultType = op.getType();
    // A packed right-hand side (the weights; `rhs`, of type `rhsType`) is
    // read in place inside the contraction rather than expanded into a
    // dequantized copy.
    std::optional<PackedView> rhsView;
    SmallVector<Value> inputs = {lhs};
    if (PackedEncodingAttr enc = getPackedEncoding(rhsType))
      rhsView = PackedView{rhs, rhsType, enc};
    else
      inputs.push_back(
          toAccumulator(b, loc, op.getRhs(), adaptor.getRhs(), acc));
    int64_t m = resultType.getDimSize(0), n = resultType.getDimSize(1);
    Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m, n},
                                         acc);
    Value zero = arith::ConstantOp::create(b, loc,
                                           b.getZeroAttr(acc));
    init = linalg::FillOp::create(b, loc, zero, init).getResult(0);
    MLIRContext *ctx = b.getContext();
    // Loops (i, k, j) with j innermost: every output still sees its
    // products in ascending k, and the inner loop runs along contiguous
    // rows of the weights and the output.
    AffineExpr i, k, j;
    bindDims(ctx, i, k, j);
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {i, k}, ctx)};
    bool transposed = op.getTransposeRhs();
    if (!rhsView)
      maps.push_back(AffineMap::get(3, 0, transposed ? SmallVector<AffineExpr>{j, k}
                                                     : SmallVector<AffineExpr>{k, j},
                                    ctx));
    maps.push_back(AffineMap::get(3, 0, {i, j}, ctx));
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::reduction,
        utils::IteratorType::parallel};
    // One fused multiply-add (or wrapping multiply-add) per step: the VM's
    // rounding.
    auto product = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType()}, inputs, ValueRange{init},
        maps, iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
          Value a = args[0], out = args.back();
          Value kIndex = linalg::IndexOp::create(nb, l, 1);
          Value jIndex = linalg::IndexOp::create(nb, l, 2);
          SmallVector<Value, 2> rhsIndices = {kIndex, jIndex};
          if (transposed)
            std::swap(rhsIndices[0], rhsIndices[1]);
          Value w = rhsView ? packedInAccumulator(nb, l, *rhsView, rhsIndices,
                                                  acc)
                            : args[1];
          Value r;
          if (isa<IntegerType>(acc))
            r = arith::AddIOp::create(nb, l, out,
                                      arith::MulIOp::create(nb, l, a, w));
          else
            r = math::FmaOp::create(nb, l, a, w, out);
          linalg::YieldOp::create(nb, l, r);
        });
    return product.getResult(0);
  }

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // A result without elements needs no product (and the kernels' slices
    // of it would start at its end, which upstream's verifiers reject).
    if (op.getType().getNumElements() == 0) {
      auto type = cast<RankedTensorType>(
          getTypeConverter()->convertType(op.getType()));
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, type.getShape(),
                                                   type.getElementType());
      return success();
    }
    Type acc = op.getAccumulator();
    if (!acc.isSignlessInteger() && !acc.isF32() && !acc.isF64())
      acc = getStorageType(acc); // siN / uiN accumulate like iN
    Value product;
    bool trits = isa<TritType>(op.getRhs().getType().getElementType());
    if (trits && (ternary == TernaryLowering::Auto ||
                  ternary == TernaryLowering::LookupTable) &&
        canLowerLookupTableMatmul(op.getLhs().getType(), op.getRhs().getType(),
                                  op.getTransposeRhs(), acc)) {
      product = buildLookupTableMatmul(rewriter, loc, adaptor.getLhs(),
                                       adaptor.getRhs(), op.getRhs().getType(),
                                       x86ByteBits);
      return finish(op, product, rewriter);
    }
    product = buildProduct(rewriter, op, adaptor, adaptor.getRhs(),
                           op.getRhs().getType(), acc);
    return finish(op, product, rewriter);
  }

  /// The sum over bit planes of 2^shift times each plane's product (in
  /// the accumulator type): exactly the product for integers, reordered
  /// for floats (compiled f32 GEMVs may reorder, docs/semantics.md).
  Value buildPlaneProducts(ConversionPatternRewriter &rewriter, MatmulOp op,
                           OpAdaptor adaptor, Value rhs,
                           RankedTensorType rhsType,
                           ArrayRef<BitPlaneOperand> planes, Type acc) const {
    Location loc = op.getLoc();
    SmallVector<Value> products;
    for (auto [p, plane] : llvm::enumerate(planes)) {
      // Planes no kernel reads tiled move row-major straight from `rhs`.
      RankedTensorType read = asRead(op, plane.type, acc);
      Value storage = buildBitPlaneStorage(rewriter, loc, rhs, rhsType, p,
                                           plane.type, read != plane.type);
      products.push_back(
          buildProduct(rewriter, op, adaptor, storage, read, acc));
    }
    auto type = cast<RankedTensorType>(products[0].getType());
    return buildElementwise(
        rewriter, loc, type, products,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value sum = args[0]; // the low plane's place is 1
          for (auto [plane, product] :
               llvm::zip(ArrayRef(planes).drop_front(), args.drop_front())) {
            if (isa<IntegerType>(acc)) {
              // Fields at or above the accumulator's width add 0 to a
              // wrapping sum (and a shift that far is poison).
              if (plane.shift >= acc.getIntOrFloatBitWidth())
                continue;
              Value shift = arith::ConstantOp::create(
                  b, l, b.getIntegerAttr(acc, plane.shift));
              sum = arith::AddIOp::create(
                  b, l, sum, arith::ShLIOp::create(b, l, product, shift));
              continue;
            }
            Value place = arith::ConstantOp::create(
                b, l, b.getFloatAttr(acc, std::ldexp(1.0, plane.shift)));
            sum = math::FmaOp::create(b, l, product, place, sum);
          }
          return sum;
        });
  }

  /// Whether the f32 lookup-table kernel takes A (`op`'s lhs, in the
  /// accumulator type, as toAccumulator makes it) times weights of
  /// `rhsType`: f32 activations and codes tiled (or in bit planes) for it.
  bool takesFloatLookups(MatmulOp op, RankedTensorType rhsType,
                         Type acc) const {
    // 512-bit byte shuffles (AVX-512 BW) imply AVX-512F's vpermps tables.
    return vectorize && x86ByteBits >= 512 &&
           canLowerFloatLookupTableMatmul(
               RankedTensorType::get(op.getLhs().getType().getShape(), acc),
               rhsType, op.getTransposeRhs(), acc);
  }

  /// The kernels a product may take, in the order they are tried.
  enum class Kernel {
    CodeDot,
    FloatLookups,
    CodeCvt,
    CodeFma,
    Vector,
    Generic
  };

  /// The kernel that takes A (`op`'s lhs) times weights of `rhsType` (not
  /// tiled for another kernel) into `acc`, where the f32 lookup-table
  /// kernel does or does not (`floatLookups`).
  Kernel chooseKernel(MatmulOp op, RankedTensorType rhsType, Type acc,
                      bool floatLookups) const {
    bool trits = isa<TritType>(rhsType.getElementType());
    // vpermps tables (AVX-512F, which AVX-512 BW implies).
    bool tables = x86ByteBits >= 512;
    // Into f32 the code-dot kernel reorders the sum: a vector kernel too.
    if ((!trits || ternary == TernaryLowering::Auto ||
         ternary == TernaryLowering::AddSub) &&
        (isa<IntegerType>(acc) || vectorize) &&
        canLowerCodeDotMatmul(op.getLhs().getType(), rhsType,
                              op.getTransposeRhs(), acc,
                              x86Int8DotBits || x86ByteBits >= 256 ? 64 : 16))
      return Kernel::CodeDot;
    // The f32 lookup-table kernel: sums of two or four activations looked
    // up per 16 rows.
    if (floatLookups)
      return Kernel::FloatLookups;
    // A in the accumulator type, as toAccumulator makes it.
    auto lhsType = RankedTensorType::get(op.getLhs().getType().getShape(), acc);
    // Without them but with AVX2's byte shuffles: 6-bit floats, whole
    // bytes in groups of at least 128 (1.25x faster than the code-FMA
    // kernel's extensions on Zen 3; at G = 32, 8% slower), decoded 32 at a
    // time as bytes, then converted, and integers of 3, 5, 6 or 7 bits,
    // converted straight from their fields' 16-bit windows (1.08-1.6x
    // faster than the code-FMA kernel's mantissas and extensions); 2- and
    // 4-bit integers and 4-bit floats (byte tables in i32 lanes: e2m1
    // 1.25-1.4x faster than decoded 32 at a time, whose extensions of 8
    // bytes each took the shuffle units) keep the code-FMA kernel, which
    // takes whole blocks of 128. Small batches (f16 scales or none) of
    // every code it takes too, which the code-FMA kernel does not: the
    // vector kernel decoded each weight as a number (batch 4 on Zen 3:
    // e2m1 2.5x, i3 1.5x slower; 2-, 4- and 8-bit integers the same).
    auto codeCvt = [&] {
      return vectorize && acc.isF32() && !tables && x86ByteBits >= 256 &&
             canLowerCodeCvtMatmul(lhsType, rhsType, op.getTransposeRhs(), acc,
                                   /*tableEntries=*/64);
    };
    PackedEncodingAttr rhsEnc = getPackedEncoding(rhsType);
    bool longByteGroups =
        getElementBitWidth(rhsType.getElementType()) == 8 &&
        (!rhsEnc || !rhsEnc.hasBlocks() || rhsEnc.getBlock().back() >= 128);
    if ((longByteGroups || codeCvtTakesWindowValues(rhsType)) && codeCvt())
      return Kernel::CodeCvt;
    if (vectorize && acc.isF32() &&
        canLowerCodeFmaMatmul(lhsType, rhsType, op.getTransposeRhs(), acc,
                              tables, x86ByteBits >= 256))
      return Kernel::CodeFma;
    if (codeCvt())
      return Kernel::CodeCvt;
    if (vectorize && acc.isF32() &&
        canVectorizePackedMatmul(lhsType, rhsType, op.getTransposeRhs()))
      return Kernel::Vector;
    return Kernel::Generic;
  }

  /// The weights `rhsType` as a kernel reads them: tiles are the
  /// lookup-table kernels' layout, and where neither runs, the other
  /// kernels take the weights moved row-major (RowMajorRepack.h).
  RankedTensorType asRead(MatmulOp op, RankedTensorType rhsType,
                          Type acc) const {
    if (takesFloatLookups(op, rhsType, acc))
      return rhsType;
    return getRowMajorTwin(rhsType).value_or(rhsType);
  }

  /// The bit planes whose products make the product with weights
  /// `rhsType` (BitPlaneSplit.h), if it is split: integers in bit planes the
  /// f32 lookup-table kernel does not take. Into integers the split is
  /// exact; into floats it reorders the sum, which only a vector kernel
  /// may, so every plane must take one.
  std::optional<SmallVector<BitPlaneOperand>>
  getPlanesToSplit(MatmulOp op, RankedTensorType rhsType, Type acc) const {
    std::optional<SmallVector<BitPlaneOperand>> planes =
        getBitPlaneOperands(rhsType);
    if (!planes || takesFloatLookups(op, rhsType, acc))
      return std::nullopt;
    if (isa<IntegerType>(acc) ||
        llvm::all_of(*planes, [&](const BitPlaneOperand &plane) {
          RankedTensorType read = asRead(op, plane.type, acc);
          return chooseKernel(op, read, acc,
                              takesFloatLookups(op, plane.type, acc)) !=
                 Kernel::Generic;
        }))
      return planes;
    return std::nullopt;
  }

  /// The product of A (`op`'s lhs) and the weights `rhs` (storage of type
  /// `rhsType`), in the accumulator type, by the fastest kernel that takes
  /// them.
  Value buildProduct(ConversionPatternRewriter &rewriter, MatmulOp op,
                     OpAdaptor adaptor, Value rhs, RankedTensorType rhsType,
                     Type acc) const {
    Location loc = op.getLoc();
    if (std::optional<SmallVector<BitPlaneOperand>> planes =
            getPlanesToSplit(op, rhsType, acc))
      return buildPlaneProducts(rewriter, op, adaptor, rhs, rhsType, *planes,
                                acc);
    bool floatLookups = takesFloatLookups(op, rhsType, acc);
    if (RankedTensorType read = asRead(op, rhsType, acc); read != rhsType) {
      rhs = buildRowMajorStorage(rewriter, loc, rhs, rhsType);
      rhsType = read;
    }
    Kernel kernel = chooseKernel(op, rhsType, acc, floatLookups);
    if (kernel == Kernel::CodeDot)
      return buildCodeDotMatmul(rewriter, loc, adaptor.getLhs(),
                                op.getLhs().getType(), rhs, rhsType,
                                x86Int8DotBits, x86Multishift, x86ByteBits);
    Value lhs =
        toAccumulator(rewriter, loc, op.getLhs(), adaptor.getLhs(), acc);
    bool tables = x86ByteBits >= 512;
    switch (kernel) {
    case Kernel::FloatLookups:
      return buildFloatLookupTableMatmul(rewriter, loc, lhs, rhs, rhsType,
                                         threads);
    case Kernel::CodeCvt:
      return buildCodeCvtMatmul(rewriter, loc, lhs, rhs, rhsType);
    case Kernel::CodeFma:
      return buildCodeFmaMatmul(rewriter, loc, lhs, rhs, rhsType, tables,
                                x86ByteBits >= 256,
                                x86Multishift && x86Int8DotBits >= 512);
    case Kernel::Vector:
      return buildVectorizedPackedMatmul(rewriter, loc, lhs, rhs, rhsType,
                                         op.getTransposeRhs(), tables,
                                         x86ByteBits == 256);
    case Kernel::CodeDot:
    case Kernel::Generic:
      break;
    }
    return buildContraction(rewriter, loc, op, adaptor, rhs, rhsType, lhs, acc);
  }

  /// Replaces `op` by `product` (in the accumulator type), converted to the
  /// result element type.
  LogicalResult finish(MatmulOp op, Value product,
                       ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    auto resultType = op.getType();
    Type out = resultType.getElementType();
    Type accOriginal = op.getAccumulator();
    if (out == accOriginal) {
      rewriter.replaceOp(op, product);
      return success();
    }
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc,
                cast<RankedTensorType>(getTypeConverter()->convertType(resultType)),
                product,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  return buildCast(b, l, args[0], accOriginal, out, false);
                }));
    return success();
  }
};

/// maxnumf/minnumf as the VM defines them: a NaN loses to a number and
/// -0 < +0. arith leaves the sign of a zero open and LLVM picks an operand
/// by position, so they become maximumf/minimumf (which order zeros) with
/// NaN operands passed over.
Value buildMinMaxNum(OpBuilder &b, Location l, bool isMax, Value x, Value y) {
  Value m = isMax ? Value(arith::MaximumFOp::create(b, l, x, y))
                  : Value(arith::MinimumFOp::create(b, l, x, y));
  auto isNan = [&](Value v) {
    return arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, v, v);
  };
  m = arith::SelectOp::create(b, l, isNan(x), y, m);
  return arith::SelectOp::create(b, l, isNan(y), x, m);
}

/// Whether `op` is arith whose rounding LLVM would do differently from the
/// VM, or by a routine the JIT may not find: any bf16 result (rounded by
/// vcvtneps2bf16 where the CPU has it, AVX-512 BF16 or AVX-NE-CONVERT, and
/// it flushes subnormals), and f16 results of conversions from f64 and
/// integers (libgcc's __truncdfhf2 and __float*hf). Such ops round like
/// the small floats' instead.
bool needsOwnRounding(Operation *op) {
  if (!isa<arith::ArithDialect>(op->getDialect()) ||
      isa<arith::ConstantOp, arith::SelectOp, arith::BitcastOp>(op) ||
      op->getNumResults() != 1)
    return false;
  Type result = getElementTypeOrSelf(op->getResult(0).getType());
  if (result.isBF16())
    return true;
  if (!result.isF16())
    return false;
  return isa<arith::SIToFPOp, arith::UIToFPOp>(op) ||
         (isa<arith::TruncFOp>(op) &&
          getElementTypeOrSelf(op->getOperand(0).getType()).isF64());
}

/// arith on small floats the CPU has no type for, and arith whose rounding
/// LLVM would do otherwise (needsOwnRounding): each value is decoded to
/// f64, computed there and rounded once back, as the reference VM does;
/// constants become their bit patterns, select and bitcast move bits.
struct EmulatedFloatArith : ConversionPattern {
  EmulatedFloatArith(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), 1, ctx) {}

  /// One element of the op's result, from its operands' storage values.
  static FailureOr<Value> emitScalar(OpBuilder &b, Location l, Operation *op,
                                     ValueRange args) {
    MLIRContext *ctx = op->getContext();
    Type f64 = b.getF64Type();
    Type out = getElementTypeOrSelf(op->getResult(0).getType());
    auto in = [&](unsigned i) {
      return getElementTypeOrSelf(op->getOperand(i).getType());
    };
    auto decode = [&](unsigned i) { return buildFloatToF64(b, l, args[i], in(i)); };
    auto encode = [&](Value v) { return buildCast(b, l, v, f64, out, false); };
    auto binary = [&](auto tag) -> Value {
      using OpT = decltype(tag);
      return encode(OpT::create(b, l, decode(0), decode(1)));
    };
    return TypeSwitch<Operation *, FailureOr<Value>>(op)
        .Case([&](arith::AddFOp) { return binary(arith::AddFOp()); })
        .Case([&](arith::SubFOp) { return binary(arith::SubFOp()); })
        .Case([&](arith::MulFOp) { return binary(arith::MulFOp()); })
        .Case([&](arith::DivFOp) { return binary(arith::DivFOp()); })
        .Case([&](arith::RemFOp) { return binary(arith::RemFOp()); })
        .Case([&](arith::MaximumFOp) { return binary(arith::MaximumFOp()); })
        .Case([&](arith::MinimumFOp) { return binary(arith::MinimumFOp()); })
        .Case<arith::MaxNumFOp, arith::MinNumFOp>([&](Operation *op) {
          return encode(buildMinMaxNum(b, l, isa<arith::MaxNumFOp>(op),
                                       decode(0), decode(1)));
        })
        .Case([&](arith::NegFOp) -> Value {
          return encode(arith::NegFOp::create(b, l, decode(0)));
        })
        .Case([&](arith::CmpFOp cmp) -> Value {
          return arith::CmpFOp::create(b, l, cmp.getPredicate(), decode(0),
                                       decode(1));
        })
        .Case<arith::ExtFOp, arith::TruncFOp>([&](Operation *) -> Value {
          return buildCast(b, l, args[0], in(0), out, false);
        })
        .Case([&](arith::SIToFPOp) -> Value {
          auto signedType = IntegerType::get(ctx, in(0).getIntOrFloatBitWidth(),
                                             IntegerType::Signed);
          return buildCast(b, l, args[0], signedType, out, false);
        })
        .Case([&](arith::UIToFPOp) -> Value {
          auto unsignedType = IntegerType::get(
              ctx, in(0).getIntOrFloatBitWidth(), IntegerType::Unsigned);
          return buildCast(b, l, args[0], unsignedType, out, false);
        })
        .Case([&](arith::FPToSIOp) -> Value {
          return arith::FPToSIOp::create(b, l, out, decode(0));
        })
        .Case([&](arith::FPToUIOp) -> Value {
          return arith::FPToUIOp::create(b, l, out, decode(0));
        })
        .Default([](Operation *) { return failure(); });
  }

  /// A constant in storage form: small floats as their bit patterns,
  /// signed and unsigned integers as signless ones.
  static Attribute bitsOf(Attribute value, Type storage) {
    auto bits = [](const APFloat &f) { return f.bitcastToAPInt(); };
    if (auto f = dyn_cast<FloatAttr>(value))
      return IntegerAttr::get(storage, bits(f.getValue()));
    if (auto i = dyn_cast<IntegerAttr>(value))
      return IntegerAttr::get(storage, i.getValue());
    auto dense = cast<DenseElementsAttr>(value);
    if (isa<IntegerType>(dense.getElementType()))
      return dense.bitcast(getElementTypeOrSelf(storage));
    return dense.mapValues(getElementTypeOrSelf(storage), bits);
  }

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<arith::ArithDialect>(op->getDialect()) ||
        (getTypeConverter()->isLegal(op) && !needsOwnRounding(op)) ||
        op->getNumResults() != 1)
      return failure();
    Type resultType = getTypeConverter()->convertType(op->getResult(0).getType());
    if (!resultType)
      return failure();
    Location loc = op->getLoc();
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      if (!isa<FloatAttr, IntegerAttr, DenseElementsAttr>(constant.getValue()))
        return failure();
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, cast<TypedAttr>(bitsOf(constant.getValue(), resultType)));
      return success();
    }
    if (isa<arith::BitcastOp>(op) && operands[0].getType() == resultType) {
      rewriter.replaceOp(op, operands[0]);
      return success();
    }
    if (isa<arith::SelectOp>(op)) {
      rewriter.replaceOpWithNewOp<arith::SelectOp>(op, operands[0], operands[1],
                                                   operands[2]);
      return success();
    }
    auto tensorType = dyn_cast<RankedTensorType>(resultType);
    if (!tensorType) {
      FailureOr<Value> r = emitScalar(rewriter, loc, op, operands);
      if (failed(r))
        return rewriter.notifyMatchFailure(op, "no emulation for this op");
      rewriter.replaceOp(op, *r);
      return success();
    }
    bool supported = true;
    Value r = buildElementwise(rewriter, loc, tensorType, operands,
                               [&](OpBuilder &b, Location l, ValueRange args) {
                                 FailureOr<Value> v = emitScalar(b, l, op, args);
                                 supported &= succeeded(v);
                                 return succeeded(v) ? *v : args[0];
                               });
    if (!supported)
      return rewriter.notifyMatchFailure(op, "no emulation for this op");
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// maxnumf/minnumf on the CPU's own floats, as the VM orders zeros.
template <typename Op>
struct OrderedZerosMinMaxNum : OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!this->getTypeConverter()->isLegal(op.getOperation()) ||
        needsOwnRounding(op))
      return failure(); // EmulatedFloatArith's
    rewriter.replaceOp(op, buildMinMaxNum(rewriter, op.getLoc(),
                                          std::is_same_v<Op, arith::MaxNumFOp>,
                                          adaptor.getLhs(), adaptor.getRhs()));
    return success();
  }
};

/// Ops of the tensor dialect are indifferent to element types: convert
/// their operand and result types in place.
struct TensorOpTypeConversion : RetypeTensorOps {
  using RetypeTensorOps::RetypeTensorOps;
  LogicalResult accepts(Operation *op,
                        ConversionPatternRewriter &rewriter) const override {
    for (Type t : op->getResultTypes())
      if (getPackedEncoding(t))
        return rewriter.notifyMatchFailure(
            op, "packed tensors only flow through anybit ops and calls");
    return success();
  }
};

struct ConvertAnybitToStandardPass
    : anybit::impl::ConvertAnybitToStandardBase<ConvertAnybitToStandardPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    for (auto [name, bits] : {std::pair{"x86-int8-dot-bits",
                                        unsigned(x86Int8DotBits)},
                              std::pair{"x86-byte-bits", unsigned(x86ByteBits)}})
      if (bits != 0 && bits != 256 && bits != 512) {
        getOperation()->emitError()
            << "convert-anybit-to-standard: " << name
            << " must be 0, 256 or 512, got " << bits;
        return signalPassFailure();
      }
    // Later passes need the signedness the storage types drop (to extend
    // results at the calling convention): keep the original signature,
    // unless an earlier lowering (modarith's) already did.
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func->hasAttr(kTensorSignatureAttrName))
        func->setAttr(kTensorSignatureAttrName,
                      TypeAttr::get(func.getFunctionType()));
    StorageTypeConverter converter;
    ConversionTarget target(*ctx);
    target.addIllegalDialect<AnybitDialect>();
    // The code-dot kernel's instructions.
    target.addLegalOp<X86VpdpbusdOp, X86VpmaddubswOp, X86VpmaddwdOp,
                      X86VpackuswbOp, X86VpmultishiftqbOp, X86VpshufbOp,
                      X86VpermbOp, X86VpermpsOp, X86Vpermi2psOp,
                      X86VpsignbOp, X86VfmaddpsRnOp>();
    target.markUnknownOpDynamicallyLegal([&](Operation *op) {
      return converter.isLegal(op) && !needsOwnRounding(op);
    });
    target.addIllegalOp<arith::MaxNumFOp, arith::MinNumFOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    RewritePatternSet patterns(ctx);
    patterns.add<CastLowering, PackLowering, UnpackLowering, QuantizeLowering,
                 DequantizeLowering, EmulatedFloatArith,
                 OrderedZerosMinMaxNum<arith::MaxNumFOp>,
                 OrderedZerosMinMaxNum<arith::MinNumFOp>,
                 TensorOpTypeConversion>(converter, ctx);
    patterns.add<MatmulLowering>(converter, ctx, vectorize, ternary,
                                 x86Int8DotBits, x86Multishift,
                                 x86ByteBits, threads);
    populateStructuralTypeConversions(converter, patterns, target);
    // A named linalg op's body must stay the one its name implies: those
    // whose body the conversion rewrites become linalg.generic first.
    SmallVector<linalg::LinalgOp> named;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::GenericOp>(op) &&
          llvm::any_of(op.getBlock()->getOperations(), [&](Operation &inner) {
            return !target.isLegal(&inner);
          }))
        named.push_back(op);
    });
    IRRewriter rewriter(ctx);
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      if (failed(linalg::generalizeNamedOp(rewriter, op))) {
        op->emitOpError("cannot be generalized, and its element types need "
                        "its body rewritten");
        return signalPassFailure();
      }
    }
    // Upstream folders round small floats by APFloat's rules (an f8E4M3FN
    // overflow folds to NaN), not Anybit's: never fold here.
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyFullConversion(getOperation(), target, std::move(patterns),
                                   config)))
      signalPassFailure();
  }
};

} // namespace
