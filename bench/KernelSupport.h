//===- KernelSupport.h - What benchmarks of compiled kernels share -------===//

#ifndef ANYBIT_BENCH_KERNELSUPPORT_H
#define ANYBIT_BENCH_KERNELSUPPORT_H

#include "anybit/Interp/Interpreter.h"
#include "anybit/Target/CPU.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"

#include <cstdio>
#include <memory>
#include <string>

/// A context with every dialect a kernel may use, loaded.
inline std::unique_ptr<mlir::MLIRContext> makeKernelContext() {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  anybit::registerInterpreterDialects(registry);
  auto context = std::make_unique<mlir::MLIRContext>(registry);
  context->loadAllAvailableDialects();
  return context;
}

/// A kernel compiled for the host and its packed entry (null `fn` when it
/// does not compile).
struct CompiledKernel {
  std::unique_ptr<anybit::CPUExecutable> exe;
  void (*fn)(void **) = nullptr;
};
inline CompiledKernel compileKernel(mlir::ModuleOp module,
                                    const anybit::CPUCompileOptions &options,
                                    llvm::StringRef entry = "k") {
  CompiledKernel kernel;
  auto exe = anybit::CPUExecutable::compile(module, options);
  if (mlir::failed(exe))
    return kernel;
  kernel.exe = std::move(*exe);
  auto fn = kernel.exe->lookupPacked(entry, module.getLoc());
  if (mlir::succeeded(fn))
    kernel.fn = *fn;
  return kernel;
}

/// The benchmarks take no arguments: prints `what` for --help (exit status
/// 0) or any other argument (1); returns -1 when there are none, and makes
/// stdout line-buffered so that progress shows as it happens.
inline int handleArguments(int argc, char **argv, const char *what) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc == 1)
    return -1;
  std::printf("usage: %s\n  %s\n", argv[0], what);
  return std::string(argv[1]) == "--help" ? 0 : 1;
}

#endif // ANYBIT_BENCH_KERNELSUPPORT_H
