//===- Jit.h - An LLVM module linked into this process ----------*- C++ -*-===//
//
// CPUExecutable's JIT: ORC's LLJIT with JITLink, which places a module's
// code and data in one allocation, so its code takes the small code model
// and position-independent references, as a shared library's does. MLIR's
// ExecutionEngine links with RuntimeDyld and the large code model, whose
// absolute (movabs) constants took registers: a 6-bit GEMV spilled and ran
// up to 1.86x slower than the same kernel from `anybitc --emit=so`.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_TARGET_CPU_JIT_H
#define ANYBIT_LIB_TARGET_CPU_JIT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
namespace orc {
class LLJIT;
} // namespace orc
} // namespace llvm

namespace anybit {

/// A module's functions, compiled and linked into this process.
class CPUJit {
public:
  /// Compiles `module` (optimized LLVM IR, which `context` owns) with `tm`,
  /// whose code model must be small and position independent, after adding
  /// a packed wrapper `_mlir_NAME(void **)` for each function definition
  /// NAME: its pointers address the arguments in order, then the result, if
  /// any. Undefined symbols resolve to this process's, the runtime helpers'
  /// and those of the shared libraries at `libraries`. With
  /// `registerWithDebugger`, linked objects are registered with GDB's JIT
  /// interface (CPUCompileOptions::registerWithDebugger).
  static llvm::Expected<std::unique_ptr<CPUJit>>
  create(std::unique_ptr<llvm::Module> module,
         std::unique_ptr<llvm::LLVMContext> context,
         std::unique_ptr<llvm::TargetMachine> tm,
         llvm::ArrayRef<llvm::StringRef> libraries, bool registerWithDebugger);
  /// Runs the module's destructors, then frees its code.
  ~CPUJit();

  /// The packed wrapper of function `name`, compiling and linking the
  /// module the first time. A symbol no library defines fails here. Not
  /// thread-safe (CPUExecutable looks every entry up once).
  llvm::Expected<void (*)(void **)> lookupPacked(llvm::StringRef name);

private:
  explicit CPUJit(std::unique_ptr<llvm::orc::LLJIT> jit);
  /// What failed while linking (the session reports it apart from the
  /// lookup's own error, which only names the symbols not materialized).
  /// Declared first: the session may still report while `jit` is freed.
  std::string linkErrors;
  std::unique_ptr<llvm::orc::LLJIT> jit;
};

} // namespace anybit

#endif // ANYBIT_LIB_TARGET_CPU_JIT_H
