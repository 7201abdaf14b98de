//===- anybit-run.cpp - Run IR on the reference VM ------------------------===//
//
//   anybit-run kernel.mlir --entry main --input a.npy --input 'dense<[1, 2]>'
//              [--outputs DIR] [--quiet]
//
// Each --input is one argument of the entry, in order: a path ending in
// `.npy`, or an MLIR literal (`3`, `-0.5`, `dense<[[1, 2], [3, 4]]>`).
// Results are printed; --outputs also writes DIR/result<i>.npy. Every error
// is a diagnostic with a location and exit status 1.
//
//===----------------------------------------------------------------------===//

#include "Anybit/AnybitDialect.h"
#include "anybit/Interp/Interpreter.h"
#include "anybit/Interp/ParseModule.h"
#include "anybit/Interp/ValueIO.h"
#include "anybit/Support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::init("-"));
static cl::opt<std::string> entry("entry", cl::desc("Function to run"),
                                  cl::init("main"));
static cl::list<std::string>
    inputs("input",
           cl::desc("An argument: a .npy path or an MLIR literal (repeat, in "
                    "order)"));
static cl::opt<std::string>
    outputDir("outputs", cl::desc("Write each result to DIR/result<i>.npy"),
              cl::value_desc("DIR"));
static cl::opt<bool> quiet("quiet", cl::desc("Do not print the results"));

static LogicalResult run(MLIRContext &context, llvm::SourceMgr &sourceMgr) {
  OwningOpRef<ModuleOp> module = anybit::parseModule(sourceMgr, &context);
  if (!module)
    return failure();
  auto fn = module->lookupSymbol<func::FuncOp>(entry);
  if (!fn)
    return emitError(module->getLoc(), "no function named '") << entry << "'";
  ArrayRef<Type> argTypes = fn.getFunctionType().getInputs();
  if (inputs.size() != argTypes.size())
    return fn.emitError("'") << entry << "' takes " << argTypes.size()
                               << " arguments, got " << inputs.size()
                               << " --input";

  auto args = anybit::valuesFromInputs(inputs, argTypes, &context);
  if (failed(args))
    return failure();

  auto results = anybit::interpret(*module, entry, *args);
  if (failed(results))
    return failure();
  return anybit::writeResults(*results, outputDir, quiet, module->getLoc());
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "Anybit reference VM: runs a function exactly\n");
  // Every upstream dialect parses, so an op the VM cannot run is reported
  // as such rather than as a parse error.
  DialectRegistry registry;
  registerAllDialects(registry);
  anybit::registerInterpreterDialects(registry);
  MLIRContext context(registry);
  // Diagnostics show the source line; the generic dump of the op is noise.
  context.printOpOnDiagnostic(false);

  std::string error;
  auto file = openInputFile(inputFile, &error);
  if (!file) {
    llvm::errs() << "anybit-run: " << error << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  return failed(run(context, sourceMgr)) ? 1 : 0;
}
