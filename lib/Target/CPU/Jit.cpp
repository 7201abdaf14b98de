//===- Jit.cpp - An LLVM module linked into this process ------------------===//

#include "Jit.h"

#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/Debugging/DebuggerSupport.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

// libgcc's helpers (linked into this library) that LLVM calls: 128-bit
// division and remainder (a product of two 64-bit residues reduced by
// arith.remui), and on x86 the f16 conversions of CPUs without F16C (and
// f64 to f16 on every CPU). The JIT resolves other symbols from the
// process, which need not have loaded libgcc_s.
extern "C" {
unsigned __int128 __udivti3(unsigned __int128, unsigned __int128);
unsigned __int128 __umodti3(unsigned __int128, unsigned __int128);
__int128 __divti3(__int128, __int128);
__int128 __modti3(__int128, __int128);
#if defined(__x86_64__)
float __extendhfsf2(_Float16);
double __extendhfdf2(_Float16);
_Float16 __truncsfhf2(float);
_Float16 __truncdfhf2(double);
#endif
}

namespace anybit {

static constexpr llvm::StringLiteral kPackedPrefix = "_mlir_";

/// Adds `_mlir_NAME(ptr args)` for each function definition NAME: it loads
/// argument i through args[i], calls NAME and stores its result, if any,
/// through args[#arguments].
static void addPackedWrappers(llvm::Module &module) {
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *type =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false);
  llvm::SmallVector<llvm::Function *> definitions;
  for (llvm::Function &fn : module)
    if (!fn.isDeclaration() && fn.hasExternalLinkage())
      definitions.push_back(&fn);
  for (llvm::Function *fn : definitions) {
    auto *wrapper =
        llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage,
                               kPackedPrefix + fn->getName(), module);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", wrapper));
    llvm::Value *packed = wrapper->getArg(0);
    auto slot = [&](unsigned i) {
      return b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, packed, i));
    };
    llvm::SmallVector<llvm::Value *> args;
    for (llvm::Argument &arg : fn->args())
      args.push_back(b.CreateLoad(arg.getType(), slot(arg.getArgNo())));
    llvm::CallInst *call = b.CreateCall(fn, args);
    if (!fn->getReturnType()->isVoidTy())
      b.CreateStore(call, slot(fn->arg_size()));
    b.CreateRetVoid();
  }
}

/// The helpers above, by name.
static llvm::orc::SymbolMap
getRuntimeHelpers(llvm::orc::MangleAndInterner &intern) {
  llvm::orc::SymbolMap symbols;
  auto add = [&](llvm::StringRef name, void *address) {
    symbols[intern(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                             llvm::JITSymbolFlags::Exported};
  };
  add("__udivti3", reinterpret_cast<void *>(&__udivti3));
  add("__umodti3", reinterpret_cast<void *>(&__umodti3));
  add("__divti3", reinterpret_cast<void *>(&__divti3));
  add("__modti3", reinterpret_cast<void *>(&__modti3));
#if defined(__x86_64__)
  add("__extendhfsf2", reinterpret_cast<void *>(&__extendhfsf2));
  add("__extendhfdf2", reinterpret_cast<void *>(&__extendhfdf2));
  add("__truncsfhf2", reinterpret_cast<void *>(&__truncsfhf2));
  add("__truncdfhf2", reinterpret_cast<void *>(&__truncdfhf2));
#endif
  return symbols;
}

CPUJit::CPUJit(std::unique_ptr<llvm::orc::LLJIT> jit) : jit(std::move(jit)) {
  this->jit->getExecutionSession().setErrorReporter([this](llvm::Error err) {
    linkErrors += (linkErrors.empty() ? "" : "; ") + toString(std::move(err));
  });
}

CPUJit::~CPUJit() {
  // As MLIR's engine did: the module's global destructors, if any.
  llvm::consumeError(jit->deinitialize(jit->getMainJITDylib()));
}

llvm::Expected<std::unique_ptr<CPUJit>>
CPUJit::create(std::unique_ptr<llvm::Module> module,
               std::unique_ptr<llvm::LLVMContext> context,
               std::unique_ptr<llvm::TargetMachine> tm,
               llvm::ArrayRef<llvm::StringRef> libraries,
               bool registerWithDebugger) {
  // One owner from here on, which frees the module before its context on
  // every return.
  llvm::orc::ThreadSafeModule owned(std::move(module), std::move(context));
  owned.withModuleDo([](llvm::Module &m) { addPackedWrappers(m); });
  llvm::DataLayout layout = tm->createDataLayout();
  // The builder links with JITLink on x86-64 and AArch64 ELF; `tm` already
  // compiles for it (small code model, PIC), and this machine builder only
  // names the target.
  llvm::orc::JITTargetMachineBuilder target(tm->getTargetTriple());
  // The builder copies its compile function, which runs once.
  auto compiler =
      std::make_shared<std::unique_ptr<llvm::TargetMachine>>(std::move(tm));
  auto jit =
      llvm::orc::LLJITBuilder()
          .setJITTargetMachineBuilder(std::move(target))
          .setDataLayout(layout)
          .setCompileFunctionCreator(
              [compiler](llvm::orc::JITTargetMachineBuilder)
                  -> llvm::Expected<
                      std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
                return std::make_unique<llvm::orc::TMOwningSimpleCompiler>(
                    std::move(*compiler));
              })
          .create();
  if (!jit)
    return jit.takeError();
  // Each linked object registered with GDB's JIT interface, so that a
  // debugger names the kernels in backtraces. LLVM 22's ELF plugin never
  // unregisters one, so this is for executables that live as long as the
  // process. Only debugging needs it: without the interface the code runs.
  if (registerWithDebugger)
    llvm::consumeError(llvm::orc::enableDebuggerSupport(**jit));
  llvm::orc::JITDylib &main = (*jit)->getMainJITDylib();
  llvm::orc::MangleAndInterner intern((*jit)->getExecutionSession(), layout);
  if (llvm::Error err =
          main.define(llvm::orc::absoluteSymbols(getRuntimeHelpers(intern))))
    return std::move(err);
  for (llvm::StringRef path : libraries) {
    auto library = llvm::orc::DynamicLibrarySearchGenerator::Load(
        path.str().c_str(), layout.getGlobalPrefix());
    if (!library)
      return library.takeError();
    main.addGenerator(std::move(*library));
  }
  if (llvm::Error err = (*jit)->addIRModule(std::move(owned)))
    return std::move(err);
  if (llvm::Error err = (*jit)->initialize(main))
    return std::move(err);
  return std::unique_ptr<CPUJit>(new CPUJit(std::move(*jit)));
}

llvm::Expected<void (*)(void **)> CPUJit::lookupPacked(llvm::StringRef name) {
  linkErrors.clear();
  auto address = jit->lookup((kPackedPrefix + name).str());
  if (!address && !linkErrors.empty()) {
    llvm::consumeError(address.takeError());
    return llvm::createStringError(linkErrors);
  }
  if (!address)
    return address.takeError();
  return address->toPtr<void (*)(void **)>();
}

} // namespace anybit
