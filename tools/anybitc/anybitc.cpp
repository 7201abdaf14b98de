//===- anybitc.cpp - The Anybit compiler driver ---------------------------===//
//
//   anybitc kernel.mlir --target=cpu [-O0..3] [--emit=mlir|llvm|asm|obj]
//           [-o OUT] [--mcpu=CPU] [--mattr=+avx2,...]
//   anybitc kernel.mlir --run=ENTRY --inputs a.npy 'dense<[1, 2]>' ...
//           [--outputs DIR] [--check]
//
// --run JIT-compiles the module and calls ENTRY; --check also runs the
// reference VM on the same inputs and fails on any difference (integers and
// packed bytes bit for bit, floats to a relative 1e-5 of the magnitude of
// the result). Reads '-' as stdin. Every error is a diagnostic with a
// location and exit status 1.
//
//===----------------------------------------------------------------------===//

#include "Anybit/AnybitDialect.h"
#include "anybit/Interp/ElementCodec.h"
#include "anybit/Interp/Interpreter.h"
#include "anybit/Interp/ParseModule.h"
#include "anybit/Interp/ValueIO.h"
#include "anybit/Support/Npy.h"
#include "anybit/Target/CPU.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Pass.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include <cmath>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::init("-"));
static cl::opt<std::string> target("target", cl::desc("Target (cpu)"),
                                   cl::init("cpu"));
static cl::opt<unsigned> optLevel("O", cl::desc("Optimization level 0..3"),
                                  cl::Prefix, cl::init(3));
enum class Emit { MLIR, LLVM, Asm, Obj, SO, Header };
static cl::opt<Emit> emit(
    "emit", cl::desc("What to produce"), cl::init(Emit::Obj),
    cl::values(clEnumValN(Emit::MLIR, "mlir", "LLVM-dialect MLIR"),
               clEnumValN(Emit::LLVM, "llvm", "LLVM IR"),
               clEnumValN(Emit::Asm, "asm", "assembly"),
               clEnumValN(Emit::Obj, "obj", "an object file"),
               clEnumValN(Emit::SO, "so", "a shared library (needs -o)"),
               clEnumValN(Emit::Header, "header",
                          "a C header declaring each entry")));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("file"), cl::init("-"));
static cl::opt<std::string> mcpu("mcpu", cl::desc("Target CPU (default: host)"));
static cl::opt<unsigned>
    numThreads("num-threads",
            cl::desc("Threads for parallel loops: 1 runs them sequentially, "
                     "N > 1 on N OpenMP threads, 0 lets the OpenMP runtime "
                     "decide (all cores, or OMP_NUM_THREADS)"),
            cl::init(1));
static cl::opt<anybit::ModularReduction> modArithReduction(
    "modarith-reduction",
    cl::desc("How modarith products are reduced modulo Q"),
    cl::init(anybit::ModularReduction::Auto),
    cl::values(
        clEnumValN(anybit::ModularReduction::Auto, "auto",
                   "Barrett where the modulus allows it, else remainder"),
        clEnumValN(anybit::ModularReduction::Barrett, "barrett",
                   "Barrett reduction (products need Q < 2^(W-1))"),
        clEnumValN(anybit::ModularReduction::Montgomery, "montgomery",
                   "Montgomery form inside functions (Q odd)"),
        clEnumValN(anybit::ModularReduction::Shoup, "shoup",
                   "Shoup for products with constants (2Q <= 2^W), else "
                   "Barrett"),
        clEnumValN(anybit::ModularReduction::Remainder, "remainder",
                   "arith.remui on the double-width product")));
static cl::opt<bool> modArithBat(
    "modarith-bat",
    cl::desc("Rewrite modular matmuls with a constant lhs as int8 matmuls "
             "(BAT)"));
static cl::opt<anybit::NttLowering> modArithNtt(
    "modarith-ntt", cl::desc("How modarith.ntt/intt are lowered"),
    cl::init(anybit::NttLowering::Radix2),
    cl::values(clEnumValN(anybit::NttLowering::Radix2, "radix2",
                          "Stockham radix-2 butterflies (default)"),
               clEnumValN(anybit::NttLowering::Mat, "mat",
                          "three modular matmuls (MAT; int8 matmuls with "
                          "--modarith-bat)")));
static cl::opt<anybit::TernaryLowering> ternaryLowering(
    "ternary", cl::desc("How int8 x trit matmuls (anybit.bitlinear) lower"),
    cl::init(anybit::TernaryLowering::Auto),
    cl::values(clEnumValN(anybit::TernaryLowering::Auto, "auto",
                          "the kernel that reads the weights' layout: "
                          "addsub for row-major codes, lut for "
                          "tile = [R, 4] (default)"),
               clEnumValN(anybit::TernaryLowering::AddSub, "addsub",
                          "no multiplications by weights: byte dot products "
                          "of the trits' codes minus row sums"),
               clEnumValN(anybit::TernaryLowering::LookupTable, "lut",
                          "no multiplications by weights: lookups in tables "
                          "of partial sums of activations (T-MAC)"),
               clEnumValN(anybit::TernaryLowering::Generic, "generic",
                          "the generic contraction")));
static cl::opt<bool> modArithLazy(
    "modarith-lazy-reduction",
    cl::desc("Reduce sums of residue products once, in wide integers "
             "(default on; not under Montgomery)"),
    cl::init(true));
static cl::opt<std::string> mattr("mattr",
                                  cl::desc("Target features, e.g. +avx2,-avx512f"));
static cl::opt<std::string> runEntry("run",
                                     cl::desc("JIT-compile and call ENTRY"),
                                     cl::value_desc("ENTRY"));
static cl::list<std::string>
    inputs("inputs", cl::desc("Arguments of --run: .npy paths or MLIR "
                              "literals (several may follow one --inputs)"));
static cl::opt<std::string>
    outputDir("outputs", cl::desc("Write each result to DIR/result<i>.npy"),
              cl::value_desc("DIR"));
static cl::opt<bool> check("check",
                           cl::desc("Also run the reference VM and compare"));
static cl::opt<bool> printPipeline("print-pipeline",
                                   cl::desc("Print the pass pipeline"));

/// Whether `arg` is an option, where it follows --inputs: `--x`, or `-x`
/// with a letter (-O0, -o), not a negative number or `-` (stdin).
static bool isOption(StringRef arg) {
  return arg.starts_with("--") ||
         (arg.size() >= 2 && arg[0] == '-' && llvm::isAlpha(arg[1]));
}

/// `--inputs a b c` takes every following argument up to the next option.
static SmallVector<const char *> expandInputs(int argc, char **argv,
                                              std::vector<std::string> &store) {
  SmallVector<const char *> out;
  store.reserve(argc);
  for (int i = 0; i < argc; ++i) {
    StringRef arg(argv[i]);
    if (arg != "--inputs" && arg != "-inputs") {
      out.push_back(argv[i]);
      continue;
    }
    while (i + 1 < argc && !isOption(argv[i + 1])) {
      store.push_back(std::string("--inputs=") + argv[++i]);
      out.push_back(store.back().c_str());
    }
  }
  return out;
}

static FailureOr<SmallVector<anybit::RtValue>>
readArguments(MLIRContext &context, func::FuncOp fn) {
  ArrayRef<Type> argTypes = fn.getFunctionType().getInputs();
  if (inputs.size() != argTypes.size())
    return fn.emitError("'") << fn.getSymName() << "' takes "
                             << argTypes.size() << " arguments, got "
                             << inputs.size() << " --inputs";
  return anybit::valuesFromInputs(inputs, argTypes, &context);
}

/// Compares a compiled result with the VM's: bit-exact except for floats
/// whose reduction order may differ.
static bool sameResult(const anybit::RtValue &got,
                       const anybit::RtValue &want, std::string &why) {
  if (got.isPacked()) {
    if (got.getPlanes().bytes == want.getPlanes().bytes)
      return true;
    why = "packed bytes differ";
    return false;
  }
  anybit::ElementCodec codec(got.getElementType());
  ArrayRef<uint64_t> a = got.getElements(), b = want.getElements();
  double scale = 0;
  if (codec.isFloat())
    for (uint64_t bits : b)
      if (std::isfinite(codec.toDouble(bits)))
        scale = std::max(scale, std::fabs(codec.toDouble(bits)));
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i])
      continue;
    if (codec.isFloat()) {
      double x = codec.toDouble(a[i]), y = codec.toDouble(b[i]);
      if ((std::isnan(x) && std::isnan(y)) ||
          std::fabs(x - y) <= 1e-5 * scale)
        continue;
      // 17 digits and the bits: a subnormal must not print as 0.000000.
      why = llvm::formatv("element {0}: compiled {1} (bits {2:x}), reference "
                          "VM {3} (bits {4:x})",
                          i, llvm::format("%.17g", x), a[i],
                          llvm::format("%.17g", y), b[i]);
      return false;
    }
    why = "element " + std::to_string(i) + ": compiled " +
          std::to_string(static_cast<long long>(codec.toInt(a[i]))) +
          ", reference VM " +
          std::to_string(static_cast<long long>(codec.toInt(b[i])));
    return false;
  }
  return true;
}

static LogicalResult runEntryPoint(MLIRContext &context, ModuleOp module,
                                   const anybit::CPUCompileOptions &options) {
  auto fn = module.lookupSymbol<func::FuncOp>(runEntry);
  if (!fn)
    return emitError(module.getLoc(), "no function named '") << runEntry << "'";
  auto args = readArguments(context, fn);
  if (failed(args))
    return failure();
  auto exe = anybit::CPUExecutable::compile(module, options);
  if (failed(exe))
    return failure();
  auto results = (*exe)->run(runEntry, *args, fn.getLoc());
  if (failed(results))
    return failure();
  if (failed(anybit::writeResults(*results, outputDir, /*quiet=*/false,
                                  fn.getLoc())))
    return failure();
  if (!check)
    return success();
  auto reference = anybit::interpret(module, runEntry, *args);
  if (failed(reference))
    return failure();
  bool ok = true;
  for (auto [i, got, want] : llvm::enumerate(*results, *reference)) {
    std::string why;
    if (!sameResult(got, want, why)) {
      emitError(fn.getLoc()) << "result " << i
                             << " differs from the reference VM: " << why;
      ok = false;
    }
  }
  if (ok)
    llvm::outs() << "check: " << results->size()
                 << " results match the reference VM\n";
  return success(ok);
}

/// Links an object file into a shared library with the system C compiler.
static LogicalResult linkSharedLibrary(Location loc, StringRef object,
                                       StringRef output, bool openMP) {
  auto cc = llvm::sys::findProgramByName("clang-22");
  if (!cc)
    cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return emitError(loc) << "--emit=so needs a C compiler to link (clang-22 "
                             "or cc on PATH)";
  std::string error;
  SmallVector<StringRef> args = {*cc, "-shared", "-o", output, object, "-lm"};
  // The OpenMP runtime by path, found again at load time through the rpath.
  std::string rpath;
  if (openMP) {
    StringRef runtime = anybit::openMPRuntimePath();
    rpath = ("-Wl,-rpath," + llvm::sys::path::parent_path(runtime)).str();
    args.append({runtime, rpath});
  }
  int rc = llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0, &error);
  if (rc != 0)
    return emitError(loc) << "linking '" << output << "' with " << *cc
                          << " failed" << (error.empty() ? "" : ": ") << error;
  return success();
}

/// Flushes `os` (the file `path`) and reports a write error, such as a full
/// disk or a closed pipe, here rather than leaving it to the stream's
/// destructor, which stops the process.
static LogicalResult checkWritten(llvm::raw_fd_ostream &os, StringRef path,
                                  Location loc) {
  os.flush();
  std::error_code ec = os.error();
  if (!ec)
    return success();
  os.clear_error();
  return emitError(loc) << "cannot write '" << path << "': " << ec.message();
}

static LogicalResult compileToFile(ModuleOp module,
                                   const anybit::CPUCompileOptions &options) {
  std::string text;
  if (emit == Emit::Header) {
    std::string guard = "ANYBIT_" +
                        llvm::sys::path::stem(outputFile == "-" ? inputFile
                                                                : outputFile)
                            .upper() +
                        "_H";
    for (char &c : guard)
      if (!llvm::isAlnum(c))
        c = '_';
    auto header = anybit::emitCHeader(module, guard);
    if (failed(header))
      return failure();
    text = std::move(*header);
  } else if (failed(anybit::lowerToLLVMDialect(module, options))) {
    return failure();
  }
  if (emit == Emit::SO) {
    if (outputFile == "-")
      return emitError(module.getLoc()) << "--emit=so needs -o FILE";
    auto object = anybit::emitForCPU(module, options, anybit::CPUEmitKind::Object);
    if (failed(object))
      return failure();
    SmallString<128> objectPath;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile("anybitc", "o",
                                                                objectPath))
      return emitError(module.getLoc()) << "cannot create a temporary file: "
                                        << ec.message();
    llvm::FileRemover remover(objectPath);
    {
      std::error_code ec;
      llvm::raw_fd_ostream os(objectPath, ec);
      if (ec)
        return emitError(module.getLoc()) << ec.message();
      os << *object;
      if (failed(checkWritten(os, objectPath, module.getLoc())))
        return failure();
    }
    return linkSharedLibrary(module.getLoc(), objectPath, outputFile,
                             anybit::usesOpenMP(options));
  }
  if (emit == Emit::Header) {
  } else if (emit == Emit::MLIR) {
    llvm::raw_string_ostream os(text);
    module.print(os);
  } else {
    auto kind = emit == Emit::LLVM  ? anybit::CPUEmitKind::LLVMIR
                : emit == Emit::Asm ? anybit::CPUEmitKind::Assembly
                                    : anybit::CPUEmitKind::Object;
    auto emitted = anybit::emitForCPU(module, options, kind);
    if (failed(emitted))
      return failure();
    text = std::move(*emitted);
  }
  std::string error;
  auto out = openOutputFile(outputFile, &error);
  if (!out)
    return emitError(module.getLoc()) << error;
  out->os() << text;
  if (failed(checkWritten(out->os(), outputFile, module.getLoc())))
    return failure();
  out->keep();
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  std::vector<std::string> store;
  SmallVector<const char *> args = expandInputs(argc, argv, store);
  cl::ParseCommandLineOptions(int(args.size()), args.data(),
                              "Anybit compiler driver\n");
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  anybit::registerInterpreterDialects(registry);
  MLIRContext context(registry);
  // Diagnostics show the source line; the generic dump of the op is noise.
  context.printOpOnDiagnostic(false);

  std::string error;
  auto file = openInputFile(inputFile, &error);
  if (!file) {
    llvm::errs() << "anybitc: " << error << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  if (target != "cpu") {
    llvm::errs() << "anybitc: unknown target '" << target
                 << "' (supported: cpu)\n";
    return 1;
  }
  if (optLevel > 3) {
    llvm::errs() << "anybitc: -O" << optLevel << " is not 0..3\n";
    return 1;
  }
  if (runEntry.getNumOccurrences() && runEntry.empty()) {
    llvm::errs() << "anybitc: --run needs an entry: --run=ENTRY\n";
    return 1;
  }
  if (runEntry.empty() &&
      (inputs.getNumOccurrences() || outputDir.getNumOccurrences() || check)) {
    llvm::errs() << "anybitc: --inputs, --outputs and --check apply to "
                    "--run=ENTRY, which is missing\n";
    return 1;
  }
  // As LLVM's tools do for bitcode: an object file would garble a terminal.
  if (runEntry.empty() && emit == Emit::Obj && outputFile == "-" &&
      llvm::sys::Process::StandardOutIsDisplayed()) {
    llvm::errs() << "anybitc: not writing an object file to a terminal; use "
                    "-o FILE, or redirect standard output\n";
    return 1;
  }
  if (!runEntry.empty() &&
      (emit.getNumOccurrences() || outputFile.getNumOccurrences())) {
    llvm::errs() << "anybitc: --run runs the entry in the JIT and writes no "
                    "file; --emit and -o do not apply to it\n";
    return 1;
  }
  OwningOpRef<ModuleOp> module = anybit::parseModule(sourceMgr, &context);
  if (!module)
    return 1;
  anybit::CPUCompileOptions options;
  options.optLevel = optLevel;
  options.cpu = mcpu;
  options.features = mattr;
  options.threads = numThreads;
  options.reduction = modArithReduction;
  options.bat = modArithBat;
  options.ntt = modArithNtt;
  options.ternary = ternaryLowering;
  options.lazyReduction = modArithLazy;
  options.printPipeline = printPipeline;
  // One executable for the process's life: a debugger may see it.
  options.registerWithDebugger = !runEntry.empty();
  // LLVM owns --time-passes; it times the MLIR passes here too.
  options.timePasses = llvm::TimePassesIsEnabled;
  LogicalResult result = runEntry.empty()
                             ? compileToFile(*module, options)
                             : runEntryPoint(context, *module, options);
  return failed(result) ? 1 : 0;
}
