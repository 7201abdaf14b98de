//===- JitTest.cpp - What the CPU JIT shows a debugger, and its errors ----===//
//
// With CPUCompileOptions::registerWithDebugger (anybitc --run), the JIT
// registers each module it links with GDB's JIT interface (the
// `__jit_debug_descriptor` list that debuggers read), so that a debugger
// names JIT-compiled kernels in backtraces; by default it registers none.
// Errors from LLVM's code generation are diagnostics.
//
//===----------------------------------------------------------------------===//

#include "Anybit/AnybitDialect.h"
#include "anybit/Target/CPU.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringRef.h"
#include "gtest/gtest.h"

// GDB's JIT interface (gdb/jit.h), which LLVM's ORC runtime defines.
extern "C" {
struct jit_code_entry {
  jit_code_entry *next_entry;
  jit_code_entry *prev_entry;
  const char *symfile_addr;
  uint64_t symfile_size;
};
struct jit_descriptor {
  uint32_t version;
  uint32_t action_flag;
  jit_code_entry *relevant_entry;
  jit_code_entry *first_entry;
};
extern jit_descriptor __jit_debug_descriptor;
}

namespace {

/// Whether an object file registered in front of `before` (the list's
/// head before a compile: registration inserts at the head) mentions
/// `name` (its symbol table). Older entries may point at freed code.
bool registeredSince(jit_code_entry *before, llvm::StringRef name) {
  for (jit_code_entry *e = __jit_debug_descriptor.first_entry; e != before;
       e = e->next_entry)
    if (llvm::StringRef(e->symfile_addr, e->symfile_size).contains(name))
      return true;
  return false;
}

class JitTest : public ::testing::Test {
protected:
  JitTest() : context(registry()) {}
  static mlir::DialectRegistry registry() {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    registry.insert<anybit::AnybitDialect>();
    return registry;
  }
  mlir::OwningOpRef<mlir::ModuleOp> kernel() {
    return mlir::parseSourceString<mlir::ModuleOp>(R"mlir(
      func.func @anybit_kernel_a_debugger_names(%a: i32) -> i32 {
        %b = arith.addi %a, %a : i32
        return %b : i32
      })mlir",
                                                   &context);
  }
  mlir::MLIRContext context;
};

TEST_F(JitTest, RegistersKernelsWithTheDebuggerWhenAsked) {
  mlir::OwningOpRef<mlir::ModuleOp> module = kernel();
  ASSERT_TRUE(module);
  anybit::CPUCompileOptions options;
  options.registerWithDebugger = true;
  jit_code_entry *before = __jit_debug_descriptor.first_entry;
  auto exe = anybit::CPUExecutable::compile(*module, options);
  ASSERT_TRUE(mlir::succeeded(exe));
  EXPECT_TRUE(registeredSince(before, "anybit_kernel_a_debugger_names"));
  int32_t input = 21, output = 0;
  (*exe)->invoke("anybit_kernel_a_debugger_names", {&input}, {&output});
  EXPECT_EQ(output, 42);
}

// LLVM 22 never unregisters an object, so by default nothing is
// registered: an executable freed before the process ends would leave an
// entry pointing at freed memory.
TEST_F(JitTest, RegistersNothingByDefault) {
  mlir::OwningOpRef<mlir::ModuleOp> module = kernel();
  ASSERT_TRUE(module);
  jit_code_entry *before = __jit_debug_descriptor.first_entry;
  auto exe = anybit::CPUExecutable::compile(*module, {});
  ASSERT_TRUE(mlir::succeeded(exe));
  EXPECT_EQ(__jit_debug_descriptor.first_entry, before);
}

// Code LLVM cannot generate (an f32 in a register without SSE2) is a diagnostic
// at the function, from the JIT and from object emission alike, not
// LLVM's default handler, which printed it without a location and exited
// the process (a library's caller, Python's interpreter).
TEST_F(JitTest, CodeLLVMCannotGenerateIsADiagnostic) {
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(R"mlir(
        func.func @to_e3m2(%a: tensor<8xi8>) -> tensor<8x!anybit.float<e3m2>> {
          %f = anybit.cast %a : tensor<8xi8> to tensor<8x!anybit.float<e3m2>>
          return %f : tensor<8x!anybit.float<e3m2>>
        })mlir",
                                              &context);
  ASSERT_TRUE(module);
  anybit::CPUCompileOptions options;
  options.features = "-sse2";
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler capture(&context, [&](mlir::Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return mlir::success();
  });
  EXPECT_TRUE(mlir::failed(anybit::CPUExecutable::compile(*module, options)));
  EXPECT_NE(diagnostics.find("LLVM cannot generate code for 'to_e3m2': SSE2 "
                             "register return with SSE2 disabled"),
            std::string::npos)
      << diagnostics;
  diagnostics.clear();
  ASSERT_TRUE(mlir::succeeded(anybit::lowerToLLVMDialect(*module, options)));
  EXPECT_TRUE(mlir::failed(
      anybit::emitForCPU(*module, options, anybit::CPUEmitKind::Object)));
  EXPECT_NE(diagnostics.find("LLVM cannot generate code for 'to_e3m2'"),
            std::string::npos)
      << diagnostics;
}

} // namespace
