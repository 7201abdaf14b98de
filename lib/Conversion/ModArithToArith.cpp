//===- ModArithToArith.cpp - Lower modarith to arith ----------------------===//

#include "anybit/Conversion/Passes.h"

#include "ModArith/ModArithDialect.h"
#include "ModArith/NumberTheory.h"
#include "ModularReduction.h"
#include "RetypeOp.h"
#include "mlir/Transforms/DialectConversion.h"

namespace anybit {
#define GEN_PASS_DEF_CONVERTMODARITHTOARITH
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;
using namespace anybit;
using namespace anybit::codegen;
using llvm::APInt;
using modarith::ModIntType;

namespace {

/// Residues become their storage words.
class ResidueTypeConverter : public TypeConverter {
public:
  ResidueTypeConverter() {
    addConversion([](Type t) { return t; });
    addConversion([](ModIntType t) -> Type { return t.getStorageType(); });
    addConversion([](RankedTensorType t) -> Type {
      if (auto residue = dyn_cast<ModIntType>(t.getElementType()))
        return t.clone(residue.getStorageType());
      if (modarith::getRnsEncoding(t)) // its words, limb-major
        return RankedTensorType::get(t.getShape(), t.getElementType());
      return t;
    });
  }
};

/// Builds the arith code of residues of one type: scalar code, or
/// element-wise code on tensors of that type's shape.
class ResidueCodegen {
public:
  ResidueCodegen(OpBuilder &b, Location loc, Type residueType,
                 ModularReduction method)
      : e{b, loc, {}, dyn_cast<RankedTensorType>(residueType)},
        type(modarith::getModIntElementType(residueType)), method(method),
        w(type.getWidth()), q(type.getModulus()) {}

  Value modulus(unsigned width) { return e.word(width, APInt(64, q)); }
  APInt maxResidue(unsigned width) { return APInt(width, q - 1); }

  /// x mod Q for an unsigned x <= xMax, as a W-bit word; Barrett may use
  /// multiplies of each of `mulWidths` bits in turn. Reports at `op` why
  /// an explicitly chosen method cannot.
  FailureOr<Value> reduce(Operation *op, Value x, const APInt &xMax,
                          ArrayRef<unsigned> mulWidths) {
    unsigned xWidth = getElementTypeOrSelf(x.getType()).getIntOrFloatBitWidth();
    auto remainder = [&] { return e.resize(e.remu(x, modulus(xWidth)), w); };
    if (xMax.ult(q))
      return e.resize(x, w);
    APInt wideMax = xMax.zext(xMax.getBitWidth() + 1);
    if (wideMax.ult(APInt(wideMax.getBitWidth(), q).shl(1)))
      return e.resize(emitSubtractIfAtLeast(e, x, modulus(xWidth)), w);
    if (method == ModularReduction::Remainder)
      return remainder();
    std::string why;
    for (unsigned mulWidth : mulWidths) {
      auto plan = planBarrett(q, xMax, mulWidth);
      if (plan)
        return emitBarrett(e, x, *plan, materializeBarrett(e, *plan, xWidth),
                           w);
      why = llvm::toString(plan.takeError());
    }
    if (method == ModularReduction::Auto)
      return remainder();
    return op->emitOpError() << "cannot use Barrett reduction for " << type
                             << ": " << why;
  }

  FailureOr<MontgomeryPlan> montgomery(Operation *op) {
    auto plan = planMontgomery(q, w);
    if (!plan)
      return op->emitOpError() << "cannot use Montgomery reduction for "
                               << type << ": "
                               << llvm::toString(plan.takeError());
    return *plan;
  }
  Value redc(const MontgomeryPlan &plan, Value t) {
    return emitRedc(e, t, modulus(w), e.word(w, plan.inverse), w);
  }
  /// a * 2^W mod Q, for any W-bit a.
  Value toMontgomery(const MontgomeryPlan &plan, Value a) {
    return redc(plan, e.mul(e.resize(a, 2 * w), e.word(2 * w, plan.rSquared)));
  }
  Value fromMontgomery(const MontgomeryPlan &plan, Value a) {
    return redc(plan, e.resize(a, 2 * w));
  }

  /// a * b mod Q; `constant` is b's value when it is a modarith.constant.
  FailureOr<Value> multiply(Operation *op, Value a, Value b,
                            Attribute constant) {
    if (method == ModularReduction::Montgomery) {
      auto plan = montgomery(op);
      if (failed(plan))
        return failure();
      return redc(*plan, e.mul(e.resize(a, 2 * w), e.resize(b, 2 * w)));
    }
    if (method == ModularReduction::Shoup && constant) {
      if (llvm::Error err = checkShoup(q, w))
        return op->emitOpError() << "cannot use Shoup multiplication for "
                                 << type << ": "
                                 << llvm::toString(std::move(err));
      return emitShoupMul(e, a, b, shoupCompanions(constant), modulus(w), w);
    }
    APInt xMax = maxResidue(2 * w) * maxResidue(2 * w);
    return reduce(op, e.mul(e.resize(a, 2 * w), e.resize(b, 2 * w)), xMax, {w});
  }

  /// a * b + c mod Q with one reduction where the method allows.
  FailureOr<Value> multiplyAdd(Operation *op, Value a, Value b, Value c,
                               Attribute constant) {
    if (method == ModularReduction::Montgomery ||
        (method == ModularReduction::Shoup && constant)) {
      FailureOr<Value> product = multiply(op, a, b, constant);
      if (failed(product))
        return failure();
      return emitModAdd(e, *product, c, q);
    }
    APInt xMax = maxResidue(2 * w) * maxResidue(2 * w) + maxResidue(2 * w);
    Value x = e.add(e.mul(e.resize(a, 2 * w), e.resize(b, 2 * w)),
                    e.resize(c, 2 * w));
    return reduce(op, x, xMax, {w});
  }

  Emitter e;
  ModIntType type;
  ModularReduction method;
  unsigned w;
  uint64_t q;

private:
  /// floor(c * 2^W / Q) for each value of a constant.
  Value shoupCompanions(Attribute constant) {
    if (auto scalar = dyn_cast<IntegerAttr>(constant))
      return e.word(w, shoupCompanion(scalar.getValue(), q, w));
    auto dense = cast<DenseIntElementsAttr>(constant);
    return arith::ConstantOp::create(
        e.b, e.loc,
        dense.mapValues(dense.getElementType(), [&](const APInt &c) {
          return shoupCompanion(c, q, w);
        }));
  }
};

/// The value attribute of a modarith.constant defining `v`, if any.
Attribute constantValue(Value v) {
  if (auto c = v.getDefiningOp<modarith::ConstantOp>())
    return c.getValue();
  return {};
}

/// A modarith op lowered by one ResidueCodegen call. An op the method
/// cannot lower is reported, replaced by a zero and counted in `errors`, so
/// that the diagnostic is the only one and the pass then fails.
template <typename Op>
struct ResiduePattern : OpConversionPattern<Op> {
  ResiduePattern(const TypeConverter &converter, MLIRContext *ctx,
                 ModularReduction method, unsigned &errors)
      : OpConversionPattern<Op>(converter, ctx), method(method),
        errors(errors) {}

  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const final {
    Type residueType = isa<modarith::ExtractOp>(op)
                           ? op->getOperand(0).getType()
                           : op->getResult(0).getType();
    FailureOr<Value> result;
    if (auto rns = modarith::getRnsEncoding(residueType)) {
      result = lowerLimbs(op, adaptor, rewriter, rns,
                          cast<RankedTensorType>(residueType));
    } else {
      ResidueCodegen gen(rewriter, op.getLoc(), residueType, method);
      result = lower(op, adaptor, gen);
    }
    if (failed(result)) {
      ++errors;
      Type type = this->getTypeConverter()->convertType(op->getResultTypes()[0]);
      result = arith::ConstantOp::create(rewriter, op.getLoc(),
                                         rewriter.getZeroAttr(type))
                   .getResult();
    }
    rewriter.replaceOp(op, *result);
    return success();
  }

  virtual FailureOr<Value> lower(Op op, typename Op::Adaptor adaptor,
                                 ResidueCodegen &gen) const = 0;

  /// An RNS tensor op, limb by limb: slice l of every operand (all of the
  /// tensor's shape, limb first) is lowered as a tensor of residues modulo
  /// q_l and inserted into slice l of the result. Limbs stay in canonical
  /// form (Montgomery applies to !modarith.int values only), so the
  /// per-limb code reduces as `auto` does then.
  FailureOr<Value> lowerLimbs(Op op, typename Op::Adaptor adaptor,
                              ConversionPatternRewriter &rewriter,
                              modarith::RnsAttr rns,
                              RankedTensorType rnsType) const {
    Location loc = op.getLoc();
    ArrayRef<int64_t> shape = rnsType.getShape();
    auto limbShape = shape.drop_front();
    ModularReduction limbMethod =
        method == ModularReduction::Montgomery ? ModularReduction::Auto
                                               : method;
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op->getResultTypes()[0]));
    Value result = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           resultType.getElementType());
    SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(1)};
    for (int64_t d : limbShape)
      sizes.push_back(rewriter.getIndexAttr(d));
    SmallVector<OpFoldResult> strides(shape.size(), rewriter.getIndexAttr(1));
    for (auto [l, q] : llvm::enumerate(rns.getModuli())) {
      SmallVector<OpFoldResult> offsets(shape.size(), rewriter.getIndexAttr(0));
      offsets[0] = rewriter.getIndexAttr(l);
      auto slice = [&](Value v) -> Value {
        auto type = cast<RankedTensorType>(v.getType());
        return tensor::ExtractSliceOp::create(
            rewriter, loc,
            RankedTensorType::get(limbShape, type.getElementType()), v,
            offsets, sizes, strides);
      };
      SmallVector<Value> limbOperands =
          llvm::map_to_vector(adaptor.getOperands(), slice);
      auto limbType = RankedTensorType::get(
          limbShape, ModIntType::get(op.getContext(), q,
                                     rnsType.getElementTypeBitWidth()));
      ResidueCodegen gen(rewriter, loc, limbType, limbMethod);
      FailureOr<Value> limb =
          lower(op, typename Op::Adaptor(limbOperands, op), gen);
      if (failed(limb))
        return failure();
      result = tensor::InsertSliceOp::create(rewriter, loc, *limb, result,
                                             offsets, sizes, strides);
    }
    return result;
  }

  ModularReduction method;
  unsigned &errors;
};

struct ConstantLowering : ResiduePattern<modarith::ConstantOp> {
  using ResiduePattern::ResiduePattern;
  FailureOr<Value> lower(modarith::ConstantOp op, OpAdaptor,
                         ResidueCodegen &gen) const override {
    auto value = cast<TypedAttr>(op.getValue());
    if (gen.method == ModularReduction::Montgomery) {
      // c * 2^W mod Q, folded here.
      unsigned w = gen.w;
      auto toMontgomery = [&](const APInt &c) {
        return c.zext(2 * w + 1)
            .shl(w)
            .urem(APInt(2 * w + 1, gen.q))
            .trunc(w);
      };
      if (auto scalar = dyn_cast<IntegerAttr>(value))
        value = IntegerAttr::get(scalar.getType(),
                                 toMontgomery(scalar.getValue()));
      else
        value = cast<DenseIntElementsAttr>(value).mapValues(
            getElementTypeOrSelf(value.getType()), toMontgomery);
    }
    return Value(arith::ConstantOp::create(gen.e.b, op.getLoc(), value));
  }
};

struct EncapsulateLowering : ResiduePattern<modarith::EncapsulateOp> {
  using ResiduePattern::ResiduePattern;
  FailureOr<Value> lower(modarith::EncapsulateOp op, OpAdaptor adaptor,
                         ResidueCodegen &gen) const override {
    if (gen.method == ModularReduction::Montgomery) {
      // REDC(x * R^2) = x * R mod Q for every W-bit x, reduced or not.
      auto plan = gen.montgomery(op);
      if (failed(plan))
        return failure();
      return gen.toMontgomery(*plan, adaptor.getInput());
    }
    return gen.reduce(op, adaptor.getInput(), APInt::getMaxValue(gen.w),
                      {gen.w});
  }
};

struct ReduceLowering : ResiduePattern<modarith::ReduceOp> {
  using ResiduePattern::ResiduePattern;
  FailureOr<Value> lower(modarith::ReduceOp op, OpAdaptor adaptor,
                         ResidueCodegen &gen) const override {
    Value x = adaptor.getInput();
    unsigned width = getElementTypeOrSelf(x.getType()).getIntOrFloatBitWidth();
    FailureOr<Value> r =
        gen.reduce(op, x, APInt::getMaxValue(width), {gen.w, width});
    if (failed(r) || gen.method != ModularReduction::Montgomery)
      return r;
    auto plan = gen.montgomery(op);
    if (failed(plan))
      return failure();
    return gen.toMontgomery(*plan, *r);
  }
};

struct ExtractLowering : ResiduePattern<modarith::ExtractOp> {
  using ResiduePattern::ResiduePattern;
  FailureOr<Value> lower(modarith::ExtractOp op, OpAdaptor adaptor,
                         ResidueCodegen &gen) const override {
    if (gen.method != ModularReduction::Montgomery)
      return adaptor.getInput();
    auto plan = gen.montgomery(op);
    if (failed(plan))
      return failure();
    return gen.fromMontgomery(*plan, adaptor.getInput());
  }
};

struct AddLowering : ResiduePattern<modarith::AddOp> {
  using ResiduePattern::ResiduePattern;
  FailureOr<Value> lower(modarith::AddOp, OpAdaptor adaptor,
                         ResidueCodegen &gen) const override {
    return emitModAdd(gen.e, adaptor.getLhs(), adaptor.getRhs(), gen.q);
  }
};

struct SubLowering : ResiduePattern<modarith::SubOp> {
  using ResiduePattern::ResiduePattern;
  FailureOr<Value> lower(modarith::SubOp, OpAdaptor adaptor,
                         ResidueCodegen &gen) const override {
    return emitModSub(gen.e, adaptor.getLhs(), adaptor.getRhs(), gen.q);
  }
};

struct NegLowering : ResiduePattern<modarith::NegOp> {
  using ResiduePattern::ResiduePattern;
  FailureOr<Value> lower(modarith::NegOp, OpAdaptor adaptor,
                         ResidueCodegen &gen) const override {
    return emitModNeg(gen.e, adaptor.getInput(), gen.q);
  }
};

/// The factors of a product, a constant one (if any) last, with its value.
template <typename Op, typename Adaptor>
std::tuple<Value, Value, Attribute> constantLast(Op op, Adaptor adaptor) {
  Value a = adaptor.getLhs(), b = adaptor.getRhs();
  Attribute constant = constantValue(op.getRhs());
  if (!constant && (constant = constantValue(op.getLhs())))
    std::swap(a, b);
  return {a, b, constant};
}

struct MulLowering : ResiduePattern<modarith::MulOp> {
  using ResiduePattern::ResiduePattern;
  FailureOr<Value> lower(modarith::MulOp op, OpAdaptor adaptor,
                         ResidueCodegen &gen) const override {
    auto [a, b, constant] = constantLast(op, adaptor);
    return gen.multiply(op, a, b, constant);
  }
};

struct MulShoupLowering : ResiduePattern<modarith::MulShoupOp> {
  using ResiduePattern::ResiduePattern;
  FailureOr<Value> lower(modarith::MulShoupOp op, OpAdaptor adaptor,
                         ResidueCodegen &gen) const override {
    // Under Montgomery w is in Montgomery form too, and its companion
    // (of the canonical w) does not apply.
    if (gen.method == ModularReduction::Montgomery ||
        !modarith::shoupFits(gen.q, gen.w))
      return gen.multiply(op, adaptor.getLhs(), adaptor.getW(), {});
    return emitShoupMul(gen.e, adaptor.getLhs(), adaptor.getW(),
                        adaptor.getWShoup(), gen.modulus(gen.w), gen.w);
  }
};

struct MacLowering : ResiduePattern<modarith::MacOp> {
  using ResiduePattern::ResiduePattern;
  FailureOr<Value> lower(modarith::MacOp op, OpAdaptor adaptor,
                         ResidueCodegen &gen) const override {
    auto [a, b, constant] = constantLast(op, adaptor);
    return gen.multiplyAdd(op, a, b, adaptor.getAcc(), constant);
  }
};

/// Selecting between residues selects between their words, in any form.
struct SelectLowering : OpConversionPattern<arith::SelectOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(arith::SelectOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, adaptor.getCondition(),
                                                 adaptor.getTrueValue(),
                                                 adaptor.getFalseValue());
    return success();
  }
};

/// In Montgomery form, residues cross function borders in canonical form:
/// each function converts its residue arguments on entry and its residue
/// results before returning; each call converts around itself.
class MontgomeryBorders {
public:
  explicit MontgomeryBorders(ModuleOp module) {
    for (auto func : module.getOps<func::FuncOp>())
      signatures[func.getSymNameAttr()] = func.getFunctionType();
  }

  LogicalResult apply(ModuleOp module) {
    WalkResult result = module.walk([&](Operation *op) {
      if (auto func = dyn_cast<func::FuncOp>(op))
        return WalkResult(convertEntry(func));
      if (auto ret = dyn_cast<func::ReturnOp>(op))
        return WalkResult(convertOperands(
            ret, signatures.lookup(
                     ret->getParentOfType<func::FuncOp>().getSymNameAttr())
                     .getResults()));
      if (auto call = dyn_cast<func::CallOp>(op)) {
        FunctionType callee =
            signatures.lookup(call.getCalleeAttr().getAttr());
        if (!callee)
          return WalkResult::advance();
        if (failed(convertOperands(call, callee.getInputs())))
          return WalkResult::interrupt();
        OpBuilder b(call->getContext());
        b.setInsertionPointAfter(call);
        return WalkResult(
            convertValues(b, call->getResults(), callee.getResults(), true));
      }
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }

private:
  LogicalResult convertEntry(func::FuncOp func) {
    if (func.isExternal())
      return success();
    OpBuilder b = OpBuilder::atBlockBegin(&func.front());
    return convertValues(b, func.getArguments(),
                         signatures.lookup(func.getSymNameAttr()).getInputs(),
                         /*toMontgomery=*/true);
  }

  LogicalResult convertOperands(Operation *op, TypeRange originalTypes) {
    OpBuilder b(op);
    for (auto [operand, original] : llvm::zip(op->getOpOperands(),
                                              originalTypes)) {
      if (!modarith::getModIntElementType(original))
        continue;
      FailureOr<Value> v = convert(b, op, operand.get(), original, false);
      if (failed(v))
        return failure();
      operand.set(*v);
    }
    return success();
  }

  /// Replaces each residue among `values` by its conversion, built at `b`.
  LogicalResult convertValues(OpBuilder &b, ValueRange values,
                              TypeRange originalTypes, bool toMontgomery) {
    for (auto [value, original] : llvm::zip(values, originalTypes)) {
      if (!modarith::getModIntElementType(original))
        continue;
      SmallPtrSet<Operation *, 8> users(value.user_begin(), value.user_end());
      Operation *anchor = value.getParentBlock()->getParentOp();
      FailureOr<Value> v = convert(b, anchor, value, original, toMontgomery);
      if (failed(v))
        return failure();
      value.replaceUsesWithIf(*v, [&](OpOperand &use) {
        return users.contains(use.getOwner());
      });
    }
    return success();
  }

  FailureOr<Value> convert(OpBuilder &b, Operation *anchor, Value v,
                           Type original, bool toMontgomery) {
    ResidueCodegen gen(b, v.getLoc(), original, ModularReduction::Montgomery);
    auto plan = gen.montgomery(anchor);
    if (failed(plan))
      return failure();
    return toMontgomery ? gen.toMontgomery(*plan, v)
                        : gen.fromMontgomery(*plan, v);
  }

  DenseMap<StringAttr, FunctionType> signatures;
};

struct ConvertModArithToArithPass
    : anybit::impl::ConvertModArithToArithBase<ConvertModArithToArithPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    // The calling convention extends results by the original types.
    for (auto func : module.getOps<func::FuncOp>())
      if (!func->hasAttr(kTensorSignatureAttrName))
        func->setAttr(kTensorSignatureAttrName,
                      TypeAttr::get(func.getFunctionType()));
    MontgomeryBorders borders(module);

    ResidueTypeConverter converter;
    ConversionTarget target(*ctx);
    target.addIllegalDialect<modarith::ModArithDialect>();
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    unsigned errors = 0;
    RewritePatternSet patterns(ctx);
    patterns.add<ConstantLowering, EncapsulateLowering, ReduceLowering,
                 ExtractLowering, AddLowering, SubLowering, NegLowering,
                 MulLowering, MulShoupLowering, MacLowering>(
        converter, ctx, reduction, errors);
    // Residues pass unchanged through tensor and linalg ops and selects.
    patterns.add<RetypeTensorOps, SelectLowering>(converter, ctx);
    populateStructuralTypeConversions(converter, patterns, target);
    if (failed(applyFullConversion(module, target, std::move(patterns))) ||
        errors)
      return signalPassFailure();
    if (reduction == ModularReduction::Montgomery &&
        failed(borders.apply(module)))
      signalPassFailure();
  }
};

} // namespace
