//===- LLVMIRTestSupport.h - Tests of rewrites of LLVM IR -------*- C++ -*-===//
//
// What the tests of the CPU target's LLVM IR rewrites share: parsing IR for
// x86-64, target machines, assembly, and a straight-line evaluator built on
// LLVM's constant folder.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_TEST_UNIT_LLVMIRTESTSUPPORT_H
#define ANYBIT_TEST_UNIT_LLVMIRTESTSUPPORT_H

#include "llvm/Analysis/ConstantFolding.h"
#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"
#include "gtest/gtest.h"

namespace anybit::llvmtest {

constexpr const char *kTriple = "x86_64-unknown-linux-gnu";

inline std::unique_ptr<llvm::Module> parse(llvm::LLVMContext &context,
                                           llvm::StringRef ir) {
  llvm::SMDiagnostic error;
  std::unique_ptr<llvm::Module> module =
      llvm::parseAssemblyString(ir, error, context);
  if (!module)
    ADD_FAILURE() << error.getMessage().str();
  else
    module->setTargetTriple(llvm::Triple(kTriple));
  return module;
}

/// An x86-64 target machine for `cpu` with `features`, at -O0 or -O3; null
/// (and a test failure) without an x86 backend.
inline std::unique_ptr<llvm::TargetMachine>
createTargetMachine(llvm::StringRef cpu, llvm::StringRef features,
                    bool optimize) {
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(llvm::Triple(kTriple), error);
  if (!target) {
    ADD_FAILURE() << error;
    return nullptr;
  }
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      llvm::Triple(kTriple), cpu, features, llvm::TargetOptions(), std::nullopt,
      std::nullopt,
      optimize ? llvm::CodeGenOptLevel::Aggressive
               : llvm::CodeGenOptLevel::None));
}

/// x86 assembly for `module` on `cpu` with `features`, at -O0 or -O3.
inline std::string assemble(llvm::Module &module, llvm::StringRef cpu,
                            llvm::StringRef features, bool optimize) {
  std::unique_ptr<llvm::TargetMachine> tm =
      createTargetMachine(cpu, features, optimize);
  if (!tm)
    return "";
  module.setDataLayout(tm->createDataLayout());
  llvm::SmallString<0> text;
  llvm::raw_svector_ostream os(text);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr,
                              llvm::CodeGenFileType::AssemblyFile)) {
    ADD_FAILURE() << "no assembly printer";
    return "";
  }
  pm.run(module);
  return text.str().str();
}

/// What straight-line `function` returns, each instruction folded by LLVM
/// from `values` (its arguments and any instruction given a value).
inline llvm::Constant *
evaluate(llvm::Function &function,
         llvm::DenseMap<llvm::Value *, llvm::Constant *> values) {
  for (llvm::Instruction &inst : llvm::instructions(function)) {
    if (auto *ret = llvm::dyn_cast<llvm::ReturnInst>(&inst))
      return values.lookup(ret->getReturnValue());
    if (values.count(&inst))
      continue;
    llvm::SmallVector<llvm::Constant *> operands;
    for (llvm::Value *operand : inst.operands())
      operands.push_back(llvm::isa<llvm::Constant>(operand)
                             ? llvm::cast<llvm::Constant>(operand)
                             : values.lookup(operand));
    values[&inst] = llvm::ConstantFoldInstOperands(&inst, operands,
                                                   function.getDataLayout());
  }
  return nullptr;
}

/// Tests that need LLVM's x86 backend: skipped where it is not built in.
class X86Test : public testing::Test {
protected:
  static void SetUpTestSuite() {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  }

  void SetUp() override {
    std::string error;
    if (!llvm::TargetRegistry::lookupTarget(llvm::Triple(kTriple), error))
      GTEST_SKIP() << "no x86 backend: " << error;
  }

  llvm::LLVMContext context;
};

} // namespace anybit::llvmtest

#endif // ANYBIT_TEST_UNIT_LLVMIRTESTSUPPORT_H
