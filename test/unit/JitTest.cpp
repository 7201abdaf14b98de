//===- JitTest.cpp - What the CPU JIT shows a debugger --------------------===//
//
// The JIT registers each module it links with GDB's JIT interface (the
// `__jit_debug_descriptor` list that debuggers read), so that a debugger
// names JIT-compiled kernels in backtraces.
//
//===----------------------------------------------------------------------===//

#include "Anybit/AnybitDialect.h"
#include "anybit/Target/CPU.h"

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

/// Whether a registered object file mentions `name` (its symbol table).
bool debuggerSees(llvm::StringRef name) {
  for (jit_code_entry *e = __jit_debug_descriptor.first_entry; e;
       e = e->next_entry)
    if (llvm::StringRef(e->symfile_addr, e->symfile_size).contains(name))
      return true;
  return false;
}

TEST(JitTest, RegistersKernelsWithTheDebugger) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  registry.insert<anybit::AnybitDialect>();
  mlir::MLIRContext context(registry);
  const char *source = R"mlir(
    func.func @anybit_kernel_a_debugger_names(%a: i32) -> i32 {
      %b = arith.addi %a, %a : i32
      return %b : i32
    })mlir";
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  ASSERT_TRUE(module);
  EXPECT_FALSE(debuggerSees("anybit_kernel_a_debugger_names"));
  auto exe = anybit::CPUExecutable::compile(*module, {});
  ASSERT_TRUE(mlir::succeeded(exe));
  EXPECT_TRUE(debuggerSees("anybit_kernel_a_debugger_names"));
  int32_t input = 21, output = 0;
  (*exe)->invoke("anybit_kernel_a_debugger_names", {&input}, {&output});
  EXPECT_EQ(output, 42);
}

} // namespace
