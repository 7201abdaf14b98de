//===- AnybitToStandard.cpp - Lower anybit to upstream dialects -----------===//

#include "anybit/Conversion/Passes.h"

#include "Anybit/AnybitDialect.h"
#include "ElementCodegen.h"
#include "PackedCodegen.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Transforms/DialectConversion.h"

namespace anybit {
#define GEN_PASS_DEF_CONVERTANYBITTOSTANDARD
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;
using namespace anybit;
using namespace anybit::codegen;

namespace {

PackedEncodingAttr packedEncodingOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor ? dyn_cast_or_null<PackedEncodingAttr>(tensor.getEncoding())
                : PackedEncodingAttr();
}

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
      if (auto enc = packedEncodingOf(t))
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

/// Row-major index of the block holding element `indices`.
Value blockIndex(OpBuilder &b, Location loc, ValueRange indices,
                 PackedEncodingAttr enc, ArrayRef<int64_t> shape) {
  SmallVector<Value> blockIndices;
  for (auto [index, size] : llvm::zip(indices, enc.getBlock()))
    blockIndices.push_back(arith::DivUIOp::create(
        b, loc, index, arith::ConstantIndexOp::create(b, loc, size)));
  return linearize(b, loc, blockIndices, enc.getBlockGridShape(shape));
}

BitLayout denseLayout(Type elementType) {
  BitLayout layout;
  layout.bits = getElementBitWidth(elementType);
  return layout;
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
    Value linear = linearize(b, loc, indices, type.getShape());
    Value bits = buildReadField(b, loc, bytes, numBytes(), 0,
                                enc.getBitLayout(type.getElementType()),
                                linear);
    return buildFromBits(b, loc, bits, getStorageType(type.getElementType()));
  }

  /// The storage-form scale (or zero point) of block `block`.
  Value blockValue(OpBuilder &b, Location loc, Value block,
                   bool zeroPoint) const {
    Type t = zeroPoint ? enc.getZeroPoint() : enc.getScale();
    int64_t base =
        dataBytes() + (zeroPoint ? enc.getScaleBytes(type.getShape()) : 0);
    Value bits =
        buildReadField(b, loc, bytes, numBytes(), base, denseLayout(t), block);
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

/// An element-wise linalg.generic over `inputs` producing `resultType`.
Value buildElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  AffineMap id = b.getMultiDimIdentityMap(resultType.getRank());
  SmallVector<AffineMap> maps(inputs.size() + 1, id);
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
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
    PackedView view{adaptor.getInput(), type, packedEncodingOf(type)};
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

struct PackLowering : OpConversionPattern<PackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    PackedEncodingAttr enc = packedEncodingOf(type);
    Type i8 = rewriter.getI8Type();
    int64_t total = enc.getTotalBytes(type.getShape(), type.getElementType());
    Value result = tensor::EmptyOp::create(rewriter, loc,
                                           ArrayRef<int64_t>{total}, i8);
    // One plane at a time: the bytes of `source` (logical, storage form)
    // laid out by `layout`, inserted at byte `offset` of the result.
    int64_t offset = 0;
    auto addPlane = [&](Value source, const BitLayout &layout) {
      auto sourceType = cast<RankedTensorType>(source.getType());
      int64_t count = sourceType.getNumElements();
      int64_t bytes = layout.storageBytes(count);
      Value plane = buildGenerate(
          rewriter, loc, RankedTensorType::get({bytes}, i8),
          [&](OpBuilder &b, Location l, ValueRange indices) {
            return buildPackedByte(
                b, l, count, layout, indices[0], [&](OpBuilder &eb, Value i) {
                  Value e = tensor::ExtractOp::create(
                      eb, l, source,
                      delinearize(eb, l, i, sourceType.getShape()));
                  return buildBitsOf(eb, l, e);
                });
          });
      result = tensor::InsertSliceOp::create(
          rewriter, loc, plane, result,
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(offset)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(bytes)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1)});
      offset += bytes;
    };
    addPlane(adaptor.getInput(), enc.getBitLayout(type.getElementType()));
    if (adaptor.getScales())
      addPlane(adaptor.getScales(), denseLayout(enc.getScale()));
    if (adaptor.getZeroPoints())
      addPlane(adaptor.getZeroPoints(), denseLayout(enc.getZeroPoint()));
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    PackedView view{adaptor.getInput(), type, packedEncodingOf(type)};
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
  using OpConversionPattern::OpConversionPattern;

  /// The operand's values in the accumulator type, as the VM rounds them.
  Value toAccumulator(OpBuilder &b, Location loc, Value original,
                      Value converted, Type acc) const {
    auto type = cast<RankedTensorType>(original.getType());
    auto accType = RankedTensorType::get(type.getShape(), acc);
    Type element = type.getElementType();
    if (PackedEncodingAttr enc = packedEncodingOf(type)) {
      PackedView view{converted, type, enc};
      return buildGenerate(b, loc, accType,
                           [&](OpBuilder &nb, Location l, ValueRange indices) {
                             if (isa<IntegerType>(acc))
                               return buildCast(nb, l,
                                                view.element(nb, l, indices),
                                                element, acc, false);
                             return buildCast(nb, l,
                                              view.dequantized(nb, l, indices),
                                              nb.getF64Type(), acc, false);
                           });
    }
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

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type acc = op.getAccumulator();
    if (!acc.isSignlessInteger() && !acc.isF32() && !acc.isF64())
      acc = getStorageType(acc); // siN / uiN accumulate like iN
    Value lhs = toAccumulator(rewriter, loc, op.getLhs(), adaptor.getLhs(), acc);
    Value rhs = toAccumulator(rewriter, loc, op.getRhs(), adaptor.getRhs(), acc);
    auto resultType = op.getType();
    int64_t m = resultType.getDimSize(0), n = resultType.getDimSize(1);
    Value init = tensor::EmptyOp::create(rewriter, loc, ArrayRef<int64_t>{m, n},
                                         acc);
    Value zero = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getZeroAttr(acc));
    init = linalg::FillOp::create(rewriter, loc, zero, init).getResult(0);
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr i, j, k;
    bindDims(ctx, i, j, k);
    SmallVector<AffineMap> maps = {
        AffineMap::get(3, 0, {i, k}, ctx), AffineMap::get(3, 0, {k, j}, ctx),
        AffineMap::get(3, 0, {i, j}, ctx)};
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::parallel,
        utils::IteratorType::reduction};
    // Ascending k per output, one fused multiply-add per step: the VM's
    // order and rounding.
    auto product = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
        ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value r;
          if (isa<IntegerType>(acc))
            r = arith::AddIOp::create(
                b, l, args[2], arith::MulIOp::create(b, l, args[0], args[1]));
          else
            r = math::FmaOp::create(b, l, args[0], args[1], args[2]);
          linalg::YieldOp::create(b, l, r);
        });
    Type out = resultType.getElementType();
    Type accOriginal = op.getAccumulator();
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc,
                cast<RankedTensorType>(getTypeConverter()->convertType(resultType)),
                product.getResult(0),
                [&](OpBuilder &b, Location l, ValueRange args) {
                  return buildCast(b, l, args[0], accOriginal, out, false);
                }));
    return success();
  }
};

/// Ops of the tensor dialect are indifferent to element types: convert
/// their operand and result types in place.
struct TensorOpTypeConversion : ConversionPattern {
  TensorOpTypeConversion(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<tensor::TensorDialect>(op->getDialect()))
      return failure();
    for (Type t : op->getResultTypes())
      if (packedEncodingOf(t))
        return rewriter.notifyMatchFailure(
            op, "packed tensors only flow through anybit ops and calls");
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs(), op->getSuccessors());
    for (Region &region : op->getRegions()) {
      Region *newRegion = state.addRegion();
      rewriter.inlineRegionBefore(region, *newRegion, newRegion->begin());
      if (failed(rewriter.convertRegionTypes(newRegion, *getTypeConverter())))
        return failure();
    }
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

struct ConvertAnybitToStandardPass
    : anybit::impl::ConvertAnybitToStandardBase<ConvertAnybitToStandardPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    StorageTypeConverter converter;
    ConversionTarget target(*ctx);
    target.addIllegalDialect<AnybitDialect>();
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    RewritePatternSet patterns(ctx);
    patterns.add<CastLowering, PackLowering, UnpackLowering,
                 DequantizeLowering, MatmulLowering, TensorOpTypeConversion>(
        converter, ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyFullConversion(getOperation(), target,
                                   std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
