//===- CodegenWorkarounds.cpp - IR LLVM's backends mishandle --------------===//

#include "CodegenWorkarounds.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Analysis/ConstantFolding.h"
#include "llvm/Analysis/SimplifyQuery.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/AttributeMask.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PatternMatch.h"
#include "llvm/IR/ValueHandle.h"
#include "llvm/Transforms/Utils/Local.h"

using namespace llvm;

namespace anybit {

void addBFloatRuntime(Module &module) {
  LLVMContext &ctx = module.getContext();
  Type *f32 = Type::getFloatTy(ctx), *i32 = Type::getInt32Ty(ctx),
       *i16 = Type::getInt16Ty(ctx), *bf16 = Type::getBFloatTy(ctx);
  auto *fn = cast<Function>(
      module
          .getOrInsertFunction("__truncsfbf2",
                               FunctionType::get(bf16, {f32}, false))
          .getCallee());
  if (!fn->isDeclaration())
    return;
  fn->setLinkage(GlobalValue::WeakAnyLinkage);
  fn->setVisibility(GlobalValue::HiddenVisibility);
  IRBuilder<> b(BasicBlock::Create(ctx, "entry", fn));
  Value *x = fn->getArg(0);
  Value *bits = b.CreateBitCast(x, i32);
  Value *lsb = b.CreateAnd(b.CreateLShr(bits, 16), 1);
  Value *rounded =
      b.CreateLShr(b.CreateAdd(b.CreateAdd(bits, b.getInt32(0x7FFF)), lsb), 16);
  Value *quiet = b.CreateOr(b.CreateLShr(bits, 16), 0x40);
  Value *isNan = b.CreateFCmpUNO(x, x);
  Value *high = b.CreateSelect(isNan, quiet, rounded);
  b.CreateRet(b.CreateBitCast(b.CreateTrunc(high, i16), bf16));
}

namespace {

/// The i16 type (or vector of it) of a bfloat type's bits; null for any
/// other type.
Type *bitsTypeOf(Type *type) {
  if (!type->getScalarType()->isBFloatTy())
    return nullptr;
  Type *i16 = Type::getInt16Ty(type->getContext());
  if (auto *vector = dyn_cast<VectorType>(type))
    return VectorType::get(i16, vector->getElementCount());
  return i16;
}

} // namespace

Value *extendBFloat(IRBuilderBase &b, Value *value, Type *type) {
  Value *bits = value;
  if (Type *bitsType = bitsTypeOf(value->getType()))
    bits = b.CreateBitCast(value, bitsType);
  Type *i32 = b.getInt32Ty(), *f32 = b.getFloatTy();
  if (auto *vector = dyn_cast<VectorType>(bits->getType())) {
    i32 = VectorType::get(i32, vector->getElementCount());
    f32 = VectorType::get(f32, vector->getElementCount());
  }
  Value *wide = b.CreateBitCast(b.CreateShl(b.CreateZExt(bits, i32), 16), f32);
  return wide->getType() == type ? wide : b.CreateFPExt(wide, type);
}

namespace {

/// Rewrites one function's bfloat moves to i16 ones. Replaced
/// instructions stay until the end, so that no address in the cache is
/// reused by a new instruction.
class BFloatMoveRewriter {
public:
  explicit BFloatMoveRewriter(Function &function) : function(function) {}

  void run() {
    SmallVector<Instruction *> worklist;
    for (Instruction &inst : instructions(function))
      worklist.push_back(&inst);
    for (Instruction *inst : worklist)
      rewrite(inst);
    foldCastPairs();
    for (Instruction *inst : replaced)
      inst->dropAllReferences();
    for (Instruction *inst : replaced)
      inst->eraseFromParent();
    deleteDeadCasts();
  }

private:
  void rewrite(Instruction *inst) {
    IRBuilder<> b(inst);
    if (auto *load = dyn_cast<LoadInst>(inst)) {
      if (Type *bits = bitsTypeOf(load->getType())) {
        LoadInst *moved =
            b.CreateAlignedLoad(bits, load->getPointerOperand(),
                                load->getAlign(), load->isVolatile());
        moved->copyMetadata(*load);
        moved->setAtomic(load->getOrdering(), load->getSyncScopeID());
        replaceWithBits(load, moved);
      }
    } else if (auto *store = dyn_cast<StoreInst>(inst)) {
      if (bitsTypeOf(store->getValueOperand()->getType())) {
        StoreInst *moved = b.CreateAlignedStore(
            toBits(store->getValueOperand()), store->getPointerOperand(),
            store->getAlign(), store->isVolatile());
        moved->copyMetadata(*store);
        moved->setAtomic(store->getOrdering(), store->getSyncScopeID());
        replaced.push_back(store);
      }
    } else if (auto *phi = dyn_cast<PHINode>(inst)) {
      if (Type *bits = bitsTypeOf(phi->getType())) {
        PHINode *moved = b.CreatePHI(bits, phi->getNumIncomingValues());
        for (auto [value, block] :
             llvm::zip(phi->incoming_values(), phi->blocks()))
          moved->addIncoming(toBits(value), block);
        replaceWithBits(phi, moved);
      }
    } else if (auto *select = dyn_cast<SelectInst>(inst)) {
      if (bitsTypeOf(select->getType()))
        replaceWithBits(select,
                        b.CreateSelect(select->getCondition(),
                                       toBits(select->getTrueValue()),
                                       toBits(select->getFalseValue())));
    } else if (auto *insert = dyn_cast<InsertElementInst>(inst)) {
      if (bitsTypeOf(insert->getType()))
        replaceWithBits(insert,
                        b.CreateInsertElement(toBits(insert->getOperand(0)),
                                              toBits(insert->getOperand(1)),
                                              insert->getOperand(2)));
    } else if (auto *extract = dyn_cast<ExtractElementInst>(inst)) {
      if (bitsTypeOf(extract->getType()))
        replaceWithBits(
            extract, b.CreateExtractElement(toBits(extract->getVectorOperand()),
                                            extract->getIndexOperand()));
    } else if (auto *shuffle = dyn_cast<ShuffleVectorInst>(inst)) {
      if (bitsTypeOf(shuffle->getType()))
        replaceWithBits(shuffle,
                        b.CreateShuffleVector(toBits(shuffle->getOperand(0)),
                                              toBits(shuffle->getOperand(1)),
                                              shuffle->getShuffleMask()));
    } else if (auto *freeze = dyn_cast<FreezeInst>(inst)) {
      if (bitsTypeOf(freeze->getType()))
        replaceWithBits(freeze, b.CreateFreeze(toBits(freeze->getOperand(0))));
    } else if (auto *call = dyn_cast<IntrinsicInst>(inst)) {
      if (movesData(call->getIntrinsicID()))
        retypeIntrinsic(call, b);
    } else if (auto *ext = dyn_cast<FPExtInst>(inst)) {
      if (bitsTypeOf(ext->getSrcTy()))
        widenBits(ext, b);
    }
  }

  /// Intrinsics that only move their data operands (masked and strided
  /// loads and stores, vector rearrangements): they take bits as well.
  static bool movesData(Intrinsic::ID id) {
    switch (id) {
    case Intrinsic::masked_load:
    case Intrinsic::masked_store:
    case Intrinsic::masked_gather:
    case Intrinsic::masked_scatter:
    case Intrinsic::masked_expandload:
    case Intrinsic::masked_compressstore:
    case Intrinsic::vector_reverse:
    case Intrinsic::vector_insert:
    case Intrinsic::vector_extract:
      return true;
    default:
      return false;
    }
  }

  /// The same intrinsic on bits where it moves bfloat data.
  void retypeIntrinsic(IntrinsicInst *call, IRBuilder<> &b) {
    SmallVector<Type *> overloads;
    if (!Intrinsic::getIntrinsicSignature(call->getCalledFunction(), overloads))
      return;
    bool moves = false;
    for (Type *&type : overloads)
      if (Type *bits = bitsTypeOf(type)) {
        type = bits;
        moves = true;
      }
    if (!moves)
      return;
    Function *onBits = Intrinsic::getOrInsertDeclaration(
        function.getParent(), call->getIntrinsicID(), overloads);
    // The same attributes, less those bits cannot have (nofpclass).
    LLVMContext &ctx = call->getContext();
    AttributeList attributes = call->getAttributes();
    SmallVector<Value *> args;
    for (auto [i, arg] : llvm::enumerate(call->args())) {
      Type *bits = bitsTypeOf(arg->getType());
      args.push_back(bits ? toBits(arg) : arg);
      if (bits)
        attributes = attributes.removeParamAttributes(
            ctx, i,
            AttributeFuncs::typeIncompatible(bits,
                                             attributes.getParamAttrs(i)));
    }
    if (Type *bits = bitsTypeOf(call->getType()))
      attributes = attributes.removeRetAttributes(
          ctx,
          AttributeFuncs::typeIncompatible(bits, attributes.getRetAttrs()));
    CallInst *moved = b.CreateCall(onBits, args);
    moved->setAttributes(attributes);
    moved->copyMetadata(*call);
    if (call->getType()->isVoidTy())
      replaced.push_back(call);
    else
      replaceWithBits(call, moved);
  }

  void widenBits(FPExtInst *ext, IRBuilder<> &b) {
    ext->replaceAllUsesWith(
        extendBFloat(b, toBits(ext->getOperand(0)), ext->getType()));
    replaced.push_back(ext);
  }

  /// Replaces `old`'s uses by `bits` cast back to bfloat where `bits` is
  /// defined; the users are rewritten in turn or keep bfloat operands.
  void replaceWithBits(Instruction *old, Value *bits) {
    auto *def = cast<Instruction>(bits);
    IRBuilder<> b(def->getParent(), *def->getInsertionPointAfterDef());
    old->replaceAllUsesWith(b.CreateBitCast(bits, old->getType()));
    replaced.push_back(old);
  }

  /// `value`'s bits, defined in `value`'s own block, so that no bfloat
  /// value crosses a block on its way to memory.
  Value *toBits(Value *value) {
    Type *bits = bitsTypeOf(value->getType());
    if (auto *constant = dyn_cast<Constant>(value)) {
      if (Constant *folded = ConstantFoldCastOperand(
              Instruction::BitCast, constant, bits, function.getDataLayout()))
        return folded;
      return ConstantExpr::getBitCast(constant, bits);
    }
    if (auto *cast = dyn_cast<BitCastInst>(value))
      if (cast->getSrcTy() == bits)
        return cast->getOperand(0);
    Value *&cached = bitsOf[value];
    if (cached)
      return cached;
    BasicBlock::iterator where =
        isa<Argument>(value)
            ? function.getEntryBlock().getFirstInsertionPt()
            : *cast<Instruction>(value)->getInsertionPointAfterDef();
    IRBuilder<> b(where->getParent(), where);
    cached = b.CreateBitCast(value, bits);
    return cached;
  }

  /// Bits cast to bfloat and back (a user rewritten before its operand)
  /// are the bits.
  void foldCastPairs() {
    for (Instruction &inst : instructions(function))
      if (auto *outer = dyn_cast<BitCastInst>(&inst))
        if (auto *inner = dyn_cast<BitCastInst>(outer->getOperand(0)))
          if (inner->getSrcTy() == outer->getDestTy() &&
              bitsTypeOf(inner->getDestTy()))
            outer->replaceAllUsesWith(inner->getOperand(0));
  }

  void deleteDeadCasts() {
    SmallVector<WeakTrackingVH> dead;
    for (Instruction &inst : instructions(function))
      if (isa<BitCastInst>(inst) && inst.use_empty())
        dead.push_back(&inst);
    for (WeakTrackingVH &handle : dead)
      if (auto *inst = dyn_cast_or_null<Instruction>(handle))
        RecursivelyDeleteTriviallyDeadInstructions(inst);
  }

  Function &function;
  DenseMap<Value *, Value *> bitsOf;
  SmallVector<Instruction *> replaced;
};

} // namespace

void keepBFloatMovesAsBits(Function &function) {
  BFloatMoveRewriter(function).run();
}

void extractMaskBitsFromIntegers(Function &function) {
  if (!function.getDataLayout().isLittleEndian())
    return; // the bit numbering below is little-endian's
  SmallVector<ExtractElementInst *> extracts;
  for (Instruction &inst : instructions(function))
    if (auto *extract = dyn_cast<ExtractElementInst>(&inst))
      if (extract->getType()->isIntegerTy(1))
        extracts.push_back(extract);
  for (ExtractElementInst *extract : extracts) {
    auto *mask = dyn_cast<BitCastInst>(extract->getVectorOperand());
    if (!mask || isa<ScalableVectorType>(mask->getSrcTy()))
      continue;
    auto *wordType = dyn_cast<IntegerType>(mask->getSrcTy()->getScalarType());
    if (!wordType || wordType->getBitWidth() == 1)
      continue;
    // Element i of the mask is bit i % W of the word i / W.
    IRBuilder<> b(extract);
    Value *index = extract->getIndexOperand(), *word = mask->getOperand(0);
    Value *bit = index;
    if (word->getType()->isVectorTy()) {
      auto *width = ConstantInt::get(index->getType(), wordType->getBitWidth());
      word = b.CreateExtractElement(word, b.CreateUDiv(index, width));
      bit = b.CreateURem(index, width);
    }
    bit = b.CreateZExtOrTrunc(bit, wordType);
    if (!match(bit, PatternMatch::m_Zero()))
      word = b.CreateLShr(word, bit);
    extract->replaceAllUsesWith(b.CreateTrunc(word, b.getInt1Ty()));
    extract->eraseFromParent();
    if (mask->use_empty())
      mask->eraseFromParent();
  }
}

void quietNaNsBeforeScalarMinMax(Function &function) {
  SmallVector<IntrinsicInst *> calls;
  for (Instruction &inst : instructions(function))
    if (auto *call = dyn_cast<IntrinsicInst>(&inst);
        call &&
        (call->getIntrinsicID() == Intrinsic::maximum ||
         call->getIntrinsicID() == Intrinsic::minimum) &&
        (call->getType()->isHalfTy() || call->getType()->isFloatTy() ||
         call->getType()->isDoubleTy()))
      calls.push_back(call);
  SimplifyQuery query(function.getDataLayout());
  for (IntrinsicInst *call : calls) {
    IRBuilder<> b(call);
    for (Use &operand : call->args())
      if (!isKnownNeverNaN(operand.get(), query.getWithInstruction(call)))
        operand.set(
            b.CreateUnaryIntrinsic(Intrinsic::canonicalize, operand.get()));
  }
}

void prepareForCodegen(Module &module) {
  for (Function &function : module) {
    if (function.isDeclaration())
      continue;
    keepBFloatMovesAsBits(function);
    extractMaskBitsFromIntegers(function);
    quietNaNsBeforeScalarMinMax(function);
  }
}

} // namespace anybit
