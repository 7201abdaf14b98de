//===- CPU.cpp - Compiling and running kernels on the host CPU ------------===//

#include "anybit/Target/CPU.h"

#include "CodegenWorkarounds.h"
#include "Jit.h"
#include "Optimizer.h"

#include "Anybit/AnybitDialect.h"
#include "Anybit/ElementTypes.h"
#include "ModArith/ModArithDialect.h"
#include "anybit/Interp/Interpreter.h"
#include "anybit/Pipelines/Pipelines.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

namespace anybit {

static void initializeNativeTarget() {
  static bool done = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
    return true;
  }();
  (void)done;
}

static void registerTranslations(MLIRContext *ctx) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  ctx->appendDialectRegistry(registry);
}

LogicalResult checkSupportedTypes(ModuleOp module) {
  auto check = [](Operation *op, Type type) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    Type element = tensor ? tensor.getElementType() : type;
    bool numeric = isNumericElementType(element) ||
                   isa<modarith::ModIntType>(element);
    if (isa<FunctionType>(type))
      return success();
    if (!numeric || (tensor && !tensor.hasStaticShape()))
      return op->emitError("the CPU backend compiles numbers and statically "
                           "shaped tensors of numbers, not ")
             << type;
    if (tensor && !anybit::countElements(tensor.getShape()))
      return op->emitError("the CPU backend compiles tensors of at most 2^56 "
                           "elements, not ")
             << type;
    return success();
  };
  // Constants are written out element by element into the object file
  // (splats too): past this, LLVM runs out of memory first.
  constexpr uint64_t kMaxConstantBytes = uint64_t(1) << 30;
  auto checkConstant = [](Operation *op, ElementsAttr value) -> LogicalResult {
    auto type = dyn_cast<RankedTensorType>(value.getShapedType());
    if (!type)
      return success();
    Type element = type.getElementType();
    unsigned bits = element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 64;
    std::optional<uint64_t> count = anybit::countElements(type.getShape());
    uint64_t bytes = count ? *count * std::max(1u, bits / 8) : UINT64_MAX;
    if (bytes <= kMaxConstantBytes)
      return success();
    return op->emitError("a constant of ")
           << bytes << " bytes is larger than the CPU backend embeds (2^30); "
           << "build it at run time instead (e.g. linalg.fill)";
  };
  WalkResult result = module.walk([&](Operation *op) {
    if (auto fn = dyn_cast<func::FuncOp>(op))
      for (Type t : fn.getFunctionType().getInputs())
        if (failed(check(op, t)))
          return WalkResult::interrupt();
    for (Type t : op->getResultTypes())
      if (failed(check(op, t)))
        return WalkResult::interrupt();
    for (NamedAttribute attr : op->getAttrs())
      if (auto value = dyn_cast<ElementsAttr>(attr.getValue()))
        if (failed(checkConstant(op, value)))
          return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

LogicalResult checkLowerableOps(ModuleOp module) {
  WalkResult result = module.walk([](affine::AffineParallelOp op) {
    return failed(checkParallelReductions(op)) ? WalkResult::interrupt()
                                               : WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

llvm::StringRef openMPRuntimePath() {
#ifdef ANYBIT_OPENMP_RUNTIME
  return ANYBIT_OPENMP_RUNTIME;
#else
  return "";
#endif
}

bool usesOpenMP(const CPUCompileOptions &options) {
  return options.threads != 1 && !openMPRuntimePath().empty();
}

static FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CPUCompileOptions &options, Location loc);

/// The width of the target's vpdpbusd: 512 with AVX-512 VNNI (and BW),
/// 256 with AVX-VNNI, else 0.
static unsigned x86Int8DotBits(const llvm::TargetMachine &tm) {
  if (!tm.getTargetTriple().isX86())
    return 0;
  const llvm::MCSubtargetInfo *info = tm.getMCSubtargetInfo();
  // Byte shuffles (vpshufb) at 512 bits need AVX-512 BW as well.
  if (info->checkFeatures("+avx512vnni,+avx512bw"))
    return 512;
  return info->checkFeatures("+avxvnni") ? 256 : 0;
}

/// Whether vpmultishiftqb exists at the vpdpbusd width `dotBits`.
static bool x86Multishift(const llvm::TargetMachine &tm, unsigned dotBits) {
  const llvm::MCSubtargetInfo *info = tm.getMCSubtargetInfo();
  return dotBits && tm.getTargetTriple().isX86() &&
         info->checkFeatures(dotBits == 512 ? "+avx512vbmi"
                                            : "+avx512vbmi,+avx512vl");
}

/// The width of the target's byte instructions (vpshufb, vpmaddubsw): 512
/// with AVX-512 BW, 256 with AVX2, else 0.
static unsigned x86ByteBits(const llvm::TargetMachine &tm) {
  if (!tm.getTargetTriple().isX86())
    return 0;
  const llvm::MCSubtargetInfo *info = tm.getMCSubtargetInfo();
  if (info->checkFeatures("+avx512bw"))
    return 512;
  return info->checkFeatures("+avx2") ? 256 : 0;
}

FailureOr<std::string> getPreferredTritEncoding(const CPUCompileOptions &options,
                                               int64_t batch,
                                               ArrayRef<int64_t> shape,
                                               Location loc) {
  // The smallest batch at which lookups beat AVX2's add/sub (measured).
  constexpr int64_t kLookupTableBatch = 8;
  const std::string rowMajor = "#anybit.packed<>";
  auto tm = createTargetMachine(options, loc);
  if (failed(tm))
    return failure();
  if (x86Int8DotBits(**tm) || !x86ByteBits(**tm) || batch < kLookupTableBatch)
    return rowMajor;
  for (int64_t rows : {64, 32})
    if (shape.empty() ||
        (shape.size() == 2 && shape[0] % rows == 0 && shape[1] % 4 == 0))
      return "#anybit.packed<tile = [" + std::to_string(rows) + ", 4]>";
  return rowMajor;
}

FailureOr<std::string> getPreferredGemvEncoding(
    const CPUCompileOptions &options, Type element, ArrayRef<int64_t> shape,
    int64_t group, Type scale, Location loc) {
  if (!shape.empty() && shape.size() != 2)
    return emitError(loc) << "GEMV weights are N x K, not rank "
                          << shape.size();
  if (group < 0 || (group && !shape.empty() && shape[1] % group != 0))
    return emitError(loc) << "a group of " << group
                          << " does not divide K";
  // The scales the GEMV kernels read: an encoding with others would leave
  // the tiles to the generic contraction.
  if (group && !isKernelScaleType(scale))
    return emitError(loc) << "GEMV scales are f16, bf16, f32 or e8m0, not "
                          << scale;
  auto tm = createTargetMachine(options, loc);
  if (failed(tm))
    return failure();
  std::string scales;
  if (group) {
    llvm::raw_string_ostream os(scales);
    os << "block = [1, " << group << "], scale = " << scale;
  }
  auto encoding = [&](StringRef tile) {
    std::string parts = scales;
    if (!tile.empty())
      parts += (parts.empty() ? "" : ", ") + tile.str();
    return "#anybit.packed<" + parts + ">";
  };
  int64_t bits = getElementBitWidth(element);
  bool codes = isa<TritType>(element) ||
               (isa<IntegerType>(element) && (bits == 1 || bits == 2));
  // 3-bit integers as a plane of their low 2 bits and one of their high
  // bits, each looked up: 1.4-1.6x the row-major kernel. Wider integers in
  // planes of 2 bits make as many lookups as the code-FMA kernel (4-bit:
  // as fast), so they stay row-major.
  bool planes = isa<IntegerType>(element) && bits == 3;
  int64_t columns = codes ? 32 / bits : planes ? 16 : 0;
  if (x86ByteBits(**tm) < 512 || !columns || group % columns != 0 ||
      (!shape.empty() && shape[1] % columns != 0))
    return encoding("");
  // Not 16 rows: a table read per lookup bound those at 40 G weights/s,
  // below the row-major kernel's 50.
  for (int64_t rows : {64, 32})
    if (shape.empty() || shape[0] % rows == 0)
      return encoding("tile = [" + std::to_string(rows) + ", " +
                      std::to_string(columns) + "]" +
                      (planes ? ", bit_planes = [2, 1]" : ""));
  return encoding("");
}

/// The CPU pipeline on a module whose types are supported, for the
/// features of `tm`.
static LogicalResult runCPUPipeline(ModuleOp module,
                                    const CPUCompileOptions &options,
                                    const llvm::TargetMachine &tm) {
  PassManager pm(module.getContext());
  if (options.timePasses)
    pm.enableTiming();
  CPUPipelineOptions pipeline;
  pipeline.optLevel = options.optLevel;
  pipeline.openMP = usesOpenMP(options);
  pipeline.threads = options.threads;
  pipeline.reduction = options.reduction;
  pipeline.bat = options.bat;
  pipeline.ntt = options.ntt;
  pipeline.lazyReduction = options.lazyReduction;
  pipeline.x86Int8DotBits = x86Int8DotBits(tm);
  pipeline.x86Multishift = x86Multishift(tm, pipeline.x86Int8DotBits);
  pipeline.x86ByteBits = x86ByteBits(tm);
  pipeline.ternary = options.ternary;
  buildCPUPipeline(pm, pipeline);
  if (options.printPipeline) {
    pm.printAsTextualPipeline(llvm::errs());
    llvm::errs() << "\n";
  }
  return pm.run(module);
}

LogicalResult lowerToLLVMDialect(ModuleOp module,
                                 const CPUCompileOptions &options) {
  if (failed(checkSupportedTypes(module)) ||
      failed(checkLowerableOps(module)) ||
      failed(checkFunctionNames(module, /*forCHeader=*/false)))
    return failure();
  auto tm = createTargetMachine(options, module.getLoc());
  if (failed(tm))
    return failure();
  return runCPUPipeline(module, options, **tm);
}

/// The CPU `options` names, if any, is one `target` knows, and each of
/// its features (comma-separated) is +NAME or -NAME of one it knows. LLVM
/// itself only warns on stderr about an unknown CPU or feature, and
/// clears a feature given without a sign.
static LogicalResult checkCPUAndFeatures(const llvm::Target &target,
                                         const llvm::Triple &triple,
                                         const CPUCompileOptions &options,
                                         Location loc) {
  if (options.cpu.empty() && options.features.empty())
    return success();
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target.createMCSubtargetInfo(triple, "", ""));
  if (!info)
    return emitError(loc) << "no CPU descriptions for " << triple.str();
  if (!options.cpu.empty() && !info->isCPUStringValid(options.cpu))
    return emitError(loc) << "unknown CPU '" << options.cpu << "'";
  if (options.features.empty())
    return success();
  for (StringRef feature : llvm::split(options.features, ',')) {
    if (feature.empty())
      return emitError(loc) << "an empty CPU feature in '" << options.features
                            << "' (features are separated by one comma)";
    if (!feature.starts_with("+") && !feature.starts_with("-"))
      return emitError(loc)
             << "CPU feature '" << feature
             << "' needs a sign: +NAME enables it, -NAME disables it";
    StringRef name = feature.drop_front();
    if (!llvm::any_of(info->getAllProcessorFeatures(),
                      [&](const llvm::SubtargetFeatureKV &known) {
                        return name == known.Key;
                      }))
      return emitError(loc) << "unknown CPU feature '" << name << "' for "
                            << triple.getArchName();
  }
  return success();
}

/// Position-independent code with the small code model, as a shared
/// library needs and JITLink places (Jit.h).
static FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CPUCompileOptions &options, Location loc) {
  initializeNativeTarget();
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return emitError(loc) << "cannot describe the host CPU: "
                          << llvm::toString(builder.takeError());
  if (!options.cpu.empty()) {
    builder->setCPU(options.cpu);
    builder->getFeatures() = llvm::SubtargetFeatures();
  }
  if (!options.features.empty())
    builder->addFeatures(llvm::SubtargetFeatures(options.features).getFeatures());
  builder->setRelocationModel(llvm::Reloc::PIC_);
  builder->setCodeModel(llvm::CodeModel::Small);
  builder->setCodeGenOptLevel(options.optLevel == 0
                                  ? llvm::CodeGenOptLevel::None
                                  : llvm::CodeGenOptLevel::Aggressive);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(
      builder->getTargetTriple(), error);
  if (!target)
    return emitError(loc) << "no LLVM target: " << error;
  if (failed(checkCPUAndFeatures(*target, builder->getTargetTriple(), options,
                                 loc)))
    return failure();
  auto tm = builder->createTargetMachine();
  if (!tm)
    return emitError(loc) << "cannot create a target machine: "
                          << llvm::toString(tm.takeError());
  // LLVM's x86 backend stops the process on 32-bit CPUs in 64-bit mode.
  if ((*tm)->getTargetTriple().getArch() == llvm::Triple::x86_64 &&
      !(*tm)->getMCSubtargetInfo()->checkFeatures("+64bit"))
    return emitError(loc) << "CPU '" << (*tm)->getTargetCPU()
                          << "' cannot run x86-64 code";
  return std::move(*tm);
}

/// Whether LLVM may select instructions of x86 feature `name` for plain
/// IR, as Anybit emits (arithmetic, vectors, bit manipulation), where the
/// system and crypto extensions take intrinsics it never calls. Virtual
/// machines often hide the latter (mwaitx, rdpru, pku on a Zen 3 guest).
static bool isX86CodegenFeature(StringRef name) {
  static const StringRef kNames[] = {
      "ssse3", "fma",  "fma4",  "f16c", "bmi",  "bmi2", "lzcnt",
      "popcnt", "movbe", "cmov", "cx16", "xop",  "gfni", "tbm",
      "adx",   "sahf", "prfchw", "egpr", "ndd",  "ppx",  "push2pop2",
      "ccmp",  "nf",   "cf",    "zu",   "evex512"};
  return name.starts_with("sse") || name.starts_with("avx") ||
         llvm::is_contained(kNames, name);
}

/// JIT code runs on this host: an instruction set that --mcpu or --mattr
/// enables and the host lacks would stop the process (SIGILL) at its first
/// use, so it is reported instead.
static LogicalResult checkRunsOnHost(const llvm::TargetMachine &tm,
                                     const CPUCompileOptions &options,
                                     Location loc) {
  if (options.cpu.empty() && options.features.empty())
    return success(); // the host's own CPU and features
  const llvm::MCSubtargetInfo *info = tm.getMCSubtargetInfo();
  bool x86 = tm.getTargetTriple().isX86();
  SmallVector<std::string> missing;
  // The host's map names every feature its detection knows, present or not.
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    if (!feature.getValue() &&
        (!x86 || isX86CodegenFeature(feature.getKey())) &&
        info->checkFeatures(("+" + feature.getKey()).str()))
      missing.push_back(feature.getKey().str());
  if (missing.empty())
    return success();
  llvm::sort(missing);
  return emitError(loc) << "this host lacks " << llvm::join(missing, ", ")
                        << ", which the target CPU and features enable; the "
                        << "JIT runs code here (emit an object or a shared "
                        << "library to run it elsewhere)";
}

namespace {

/// The errors LLVM reported through an LLVMContext's diagnostics (code
/// generation it cannot do, e.g. an f32 return with SSE2 disabled; not its
/// fatal errors, which still end the process), each once, with the
/// function it was generating where it says.
struct LLVMErrors {
  llvm::SmallVector<std::pair<std::string, std::string>> errors;

  /// An error diagnostic at the location of the function it names (else
  /// the module's), for the first error; failure.
  LogicalResult report(ModuleOp module) const {
    auto [function, message] = errors.front();
    Location loc = module.getLoc();
    if (Operation *func = SymbolTable::lookupSymbolIn(module, function))
      loc = func->getLoc(); // a func.func or, lowered, an llvm.func
    InFlightDiagnostic diag = emitError(loc) << "LLVM cannot generate code";
    if (!function.empty())
      diag << " for '" << function << "'";
    return diag << ": " << message;
  }
};

/// Collects LLVMErrors: LLVM's default handler prints them without a
/// location and exits the process. Shared, so that the JIT, which owns
/// the context and generates code as it links, may report after the
/// capture's scope. (The JIT runs a module's constructors as it links it,
/// before the errors are checked; Anybit's modules have none.)
struct LLVMErrorCapture : llvm::DiagnosticHandler {
  std::shared_ptr<LLVMErrors> errors = std::make_shared<LLVMErrors>();

  bool handleDiagnostics(const llvm::DiagnosticInfo &info) override {
    if (info.getSeverity() != llvm::DS_Error)
      return false; // warnings and remarks as LLVM prints them
    std::string function, message;
    llvm::raw_string_ostream os(message);
    if (auto *unsupported =
            llvm::dyn_cast<llvm::DiagnosticInfoUnsupported>(&info)) {
      function = unsupported->getFunction().getName().str();
      os << unsupported->getMessage();
    } else {
      llvm::DiagnosticPrinterRawOStream printer(os);
      info.print(printer);
    }
    std::pair<std::string, std::string> error = {function, message};
    if (!llvm::is_contained(errors->errors, error))
      errors->errors.push_back(std::move(error));
    return true;
  }

  /// Installs a capture on `context`; its errors, as they come.
  static std::shared_ptr<LLVMErrors> install(llvm::LLVMContext &context) {
    auto handler = std::make_unique<LLVMErrorCapture>();
    std::shared_ptr<LLVMErrors> errors = handler->errors;
    context.setDiagnosticHandler(std::move(handler));
    return errors;
  }
};

} // namespace

/// `module`, lowered to the LLVM dialect, as LLVM IR in `context` for `tm`,
/// optimized at the options' level.
static FailureOr<std::unique_ptr<llvm::Module>>
translateAndOptimize(ModuleOp module, const CPUCompileOptions &options,
                     llvm::TargetMachine &tm, llvm::LLVMContext &context) {
  Location loc = module.getLoc();
  registerTranslations(module.getContext());
  // The target's layout, for the translation to give the LLVM module: it
  // folds constants that depend on it (a buffer's byte size,
  // `ptrtoint (getelementptr null, n)`), and with LLVM's default layout an
  // i96 takes 12 bytes where x86-64 code strides 16, so buffers of i96 came
  // out short when the layout was set after translation.
  module->setAttr(
      LLVM::LLVMDialect::getDataLayoutAttrName(),
      StringAttr::get(module.getContext(),
                      tm.createDataLayout().getStringRepresentation()));
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return emitError(loc) << "cannot translate the module to LLVM IR";
  llvmModule->setTargetTriple(tm.getTargetTriple());
  addBFloatRuntime(*llvmModule);
  if (llvm::Error err = optimizeModule(*llvmModule, options.optLevel, tm))
    return emitError(loc) << "LLVM optimization failed: "
                          << llvm::toString(std::move(err));
  prepareForCodegen(*llvmModule);
  return llvmModule;
}

FailureOr<std::string> emitForCPU(ModuleOp module,
                                  const CPUCompileOptions &options,
                                  CPUEmitKind kind) {
  Location loc = module.getLoc();
  auto tm = createTargetMachine(options, loc);
  if (failed(tm))
    return failure();
  llvm::LLVMContext llvmContext;
  std::shared_ptr<LLVMErrors> llvmErrors =
      LLVMErrorCapture::install(llvmContext);
  FailureOr<std::unique_ptr<llvm::Module>> llvmModule =
      translateAndOptimize(module, options, **tm, llvmContext);
  if (failed(llvmModule))
    return failure();
  if (!llvmErrors->errors.empty())
    return llvmErrors->report(module);
  std::string out;
  llvm::raw_string_ostream os(out);
  if (kind == CPUEmitKind::LLVMIR) {
    (*llvmModule)->print(os, nullptr);
    return out;
  }
  llvm::SmallString<0> buffer;
  llvm::raw_svector_ostream bufferStream(buffer);
  llvm::legacy::PassManager codegen;
  auto fileType = kind == CPUEmitKind::Assembly
                      ? llvm::CodeGenFileType::AssemblyFile
                      : llvm::CodeGenFileType::ObjectFile;
  if ((*tm)->addPassesToEmitFile(codegen, bufferStream, nullptr, fileType))
    return emitError(loc) << "the target cannot emit this file type";
  codegen.run(**llvmModule);
  if (!llvmErrors->errors.empty())
    return llvmErrors->report(module);
  return std::string(buffer.str());
}

unsigned getCPUStorageBytes(Type elementType) {
  auto residue = dyn_cast<modarith::ModIntType>(elementType);
  unsigned bits =
      residue ? residue.getWidth() : getElementBitWidth(elementType);
  return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
}

CPUExecutable::~CPUExecutable() = default;

FailureOr<std::unique_ptr<CPUExecutable>>
CPUExecutable::compile(ModuleOp module, const CPUCompileOptions &options) {
  std::unique_ptr<CPUExecutable> exe(new CPUExecutable());
  OwningOpRef<ModuleOp> clone = module.clone();
  // Each entry's location, for what linking it reports.
  llvm::StringMap<Location> entryLocs;
  for (auto func : clone->getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal()) {
      exe->signatures[func.getSymName()] = func.getFunctionType();
      entryLocs.try_emplace(func.getSymName(), func.getLoc());
    }
  // One target machine picks the pipeline's instructions and then runs
  // the JIT.
  if (failed(checkSupportedTypes(*clone)) ||
      failed(checkLowerableOps(*clone)) ||
      failed(checkFunctionNames(*clone, /*forCHeader=*/false)))
    return failure();
  auto tm = createTargetMachine(options, module.getLoc());
  if (failed(tm) || failed(checkRunsOnHost(**tm, options, module.getLoc())) ||
      failed(runCPUPipeline(*clone, options, **tm)))
    return failure();
  auto llvmContext = std::make_unique<llvm::LLVMContext>();
  std::shared_ptr<LLVMErrors> llvmErrors =
      LLVMErrorCapture::install(*llvmContext);
  FailureOr<std::unique_ptr<llvm::Module>> llvmModule =
      translateAndOptimize(*clone, options, **tm, *llvmContext);
  if (failed(llvmModule))
    return failure();
  SmallVector<StringRef, 1> libraries;
  if (usesOpenMP(options))
    libraries.push_back(openMPRuntimePath());
  auto jit =
      CPUJit::create(std::move(*llvmModule), std::move(llvmContext),
                     std::move(*tm), libraries, options.registerWithDebugger);
  if (!jit)
    return emitError(module.getLoc())
           << "JIT compilation failed: " << llvm::toString(jit.takeError());
  exe->jit = std::move(*jit);
  // Each entry looked up once, here: later calls read `entries`.
  for (const auto &signature : exe->signatures) {
    StringRef name = signature.getKey();
    auto fn = exe->jit->lookupPacked(name);
    if (!fn && !llvmErrors->errors.empty()) { // the cause, where LLVM said
      llvm::consumeError(fn.takeError());
      return llvmErrors->report(module);
    }
    if (!fn)
      return emitError(entryLocs.at(name))
             << "cannot link '" << name
             << "': " << llvm::toString(fn.takeError());
    exe->entries[name] = *fn;
  }
  // The JIT generated the code as it linked the entries.
  if (!llvmErrors->errors.empty())
    return llvmErrors->report(module);
  return exe;
}

} // namespace anybit
