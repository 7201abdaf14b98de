//===- CPUCallingConvention.cpp - Public functions take whole buffers -----===//

#include "anybit/Conversion/Passes.h"

#include "Anybit/AnybitDialect.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

namespace anybit {
#define GEN_PASS_DEF_ANYBITCPUCALLINGCONVENTION
#include "anybit/Conversion/Passes.h.inc"
} // namespace anybit

using namespace mlir;

namespace {

/// The integer width a buffer element of `width` bits is stored in, or 0
/// when it is already a whole machine width.
unsigned storageWidth(unsigned width) {
  if (width == 8 || width == 16 || width == 32 || width == 64)
    return 0;
  return width < 8 ? 8 : width < 16 ? 16 : width < 32 ? 32 : 64;
}

/// A tensor of narrow signless integers, widened; null if none is needed.
RankedTensorType widenedType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || tensor.getEncoding())
    return {};
  auto element = dyn_cast<IntegerType>(tensor.getElementType());
  if (!element || !element.isSignless() || !storageWidth(element.getWidth()))
    return {};
  return RankedTensorType::get(
      tensor.getShape(),
      IntegerType::get(type.getContext(), storageWidth(element.getWidth())));
}

/// A tensor without elements and of a rank other than 1 (tensor<2x0xf32>)
/// as it travels: tensor<0xE>, in the storage element `E` (widened), since
/// upstream's bare pointers take no memref with a stride of 0. Null for
/// other types.
RankedTensorType emptyTravelType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || tensor.getEncoding() || tensor.getRank() == 1 ||
      tensor.getNumElements() != 0)
    return {};
  RankedTensorType wide = widenedType(type);
  return RankedTensorType::get(
      {0}, (wide ? wide : tensor).getElementType());
}

/// i16 for an f16 or bf16 scalar, which travels as its bits: passed as a
/// float, it goes through a conversion (vcvtneps2bf16 flushes bf16
/// subnormals) and in an XMM register where the C header says uint16_t.
/// Null for other types.
Type bitsTravelType(Type type) {
  if (type.isF16() || type.isBF16())
    return IntegerType::get(type.getContext(), 16);
  return {};
}

/// A tensor of `type`, which has no elements (nothing to read or copy).
Value emptyTensor(OpBuilder &b, Location loc, Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return tensor::EmptyOp::create(b, loc, tensor.getShape(),
                                 tensor.getElementType());
}

/// Whether a result whose tensor-level type was `original` sign-extends.
bool isSignedElement(Type original) {
  Type element = getElementTypeOrSelf(original);
  auto intType = dyn_cast<IntegerType>(element);
  return intType && !intType.isUnsigned() && intType.getWidth() > 1;
}

struct AnybitCPUCallingConventionPass
    : anybit::impl::AnybitCPUCallingConventionBase<
          AnybitCPUCallingConventionPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTableCollection symbols;
    SymbolUserMap users(symbols, module);
    for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (!func.isExternal())
        convert(func, users, /*boundary=*/func.isPublic());
  }

  /// Gives `func` the calling convention of a public function (`boundary`)
  /// or, for a private one, only its tensors without elements as
  /// tensor<0xE>: a private function the inliner leaves (a recursive one)
  /// takes bare pointers too.
  void convert(func::FuncOp func, SymbolUserMap &users, bool boundary) {
    MLIRContext *ctx = func.getContext();
    FunctionType type = func.getFunctionType();
    FunctionType original = type;
    if (auto attr = func->getAttrOfType<TypeAttr>(anybit::kTensorSignatureAttrName))
      original = cast<FunctionType>(attr.getValue());
    Block &entry = func.getBody().front();
    OpBuilder b(ctx);

    // Arguments: narrow integers arrive widened and are truncated once;
    // tensors without elements arrive as tensor<0xE>; f16 and bf16 scalars
    // as their bits.
    SmallVector<Type> inputs(type.getInputs());
    b.setInsertionPointToStart(&entry);
    for (auto [i, t] : llvm::enumerate(inputs)) {
      Type bits = boundary ? bitsTravelType(t) : Type();
      if (bits) {
        BlockArgument arg = entry.getArgument(i);
        arg.setType(bits);
        auto value = arith::BitcastOp::create(b, func.getLoc(), t, arg);
        arg.replaceAllUsesExcept(value, value);
        t = bits;
        continue;
      }
      if (RankedTensorType empty = emptyTravelType(t)) {
        BlockArgument arg = entry.getArgument(i);
        arg.replaceAllUsesWith(emptyTensor(b, func.getLoc(), t));
        arg.setType(empty);
        t = empty;
        continue;
      }
      RankedTensorType wide = boundary ? widenedType(t) : nullptr;
      if (!wide)
        continue;
      BlockArgument arg = entry.getArgument(i);
      arg.setType(wide);
      auto narrow = arith::TruncIOp::create(b, func.getLoc(), t, arg);
      arg.replaceAllUsesExcept(narrow, narrow);
      t = wide;
    }
    // The caller owns the inputs: bufferization must not write them.
    for (auto [i, t] : llvm::enumerate(inputs))
      if (boundary && isa<TensorType>(t))
        func.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                        BoolAttr::get(ctx, false));

    // Results: scalars as 0-d tensors, narrow integers widened, tensors
    // without elements as tensor<0xE>.
    SmallVector<Type> results(type.getResults());
    SmallVector<bool> wrapped(results.size()), widened(results.size()),
        emptied(results.size());
    SmallVector<Type> narrowResults(results.size());
    for (auto [i, t] : llvm::enumerate(results)) {
      if (RankedTensorType empty = emptyTravelType(t)) {
        narrowResults[i] = t;
        t = empty;
        emptied[i] = true;
        continue;
      }
      if (boundary && !isa<ShapedType>(t)) {
        t = RankedTensorType::get({}, t);
        wrapped[i] = true;
      }
      narrowResults[i] = t;
      if (RankedTensorType wide = boundary ? widenedType(t) : nullptr) {
        t = wide;
        widened[i] = true;
      }
    }
    func.walk([&](func::ReturnOp ret) {
      b.setInsertionPoint(ret);
      for (unsigned i = 0; i < results.size(); ++i) {
        Value v = ret.getOperand(i);
        if (emptied[i]) {
          ret.setOperand(i, emptyTensor(b, ret.getLoc(), results[i]));
          continue;
        }
        if (wrapped[i])
          v = tensor::FromElementsOp::create(b, ret.getLoc(), narrowResults[i],
                                             ValueRange{v});
        if (widened[i])
          v = isSignedElement(original.getResult(i))
                  ? Value(arith::ExtSIOp::create(b, ret.getLoc(), results[i], v))
                  : Value(arith::ExtUIOp::create(b, ret.getLoc(), results[i], v));
        ret.setOperand(i, v);
      }
    });
    auto newType = FunctionType::get(ctx, inputs, results);
    if (newType == type)
      return;
    func.setType(newType);

    // Calls inside the module see the old signature again.
    for (Operation *user : users.getUsers(func)) {
      auto call = dyn_cast<func::CallOp>(user);
      if (!call)
        continue;
      b.setInsertionPoint(call);
      SmallVector<Value> operands;
      for (auto [operand, t] : llvm::zip(call.getOperands(), inputs))
        operands.push_back(
            operand.getType() == t ? operand
            : emptyTravelType(operand.getType())
                ? emptyTensor(b, call.getLoc(), t)
            : bitsTravelType(operand.getType())
                ? Value(arith::BitcastOp::create(b, call.getLoc(), t, operand))
                : Value(arith::ExtUIOp::create(b, call.getLoc(), t, operand)));
      auto newCall = func::CallOp::create(b, call.getLoc(), func, operands);
      b.setInsertionPointAfter(newCall);
      SmallVector<Value> replacements;
      for (unsigned i = 0; i < results.size(); ++i) {
        Value v = newCall.getResult(i);
        if (emptied[i])
          v = emptyTensor(b, call.getLoc(), narrowResults[i]);
        if (widened[i])
          v = arith::TruncIOp::create(b, call.getLoc(), narrowResults[i], v);
        if (wrapped[i])
          v = tensor::ExtractOp::create(b, call.getLoc(), v, ValueRange{});
        replacements.push_back(v);
      }
      call.replaceAllUsesWith(replacements);
      call.erase();
    }
  }
};

} // namespace
