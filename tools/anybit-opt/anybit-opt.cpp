//===- anybit-opt.cpp - Anybit's optimizer driver -------------------------===//
//
// mlir-opt with every upstream dialect, extension and pass, plus Anybit's.
//
//===----------------------------------------------------------------------===//

#include "Anybit/AnybitDialect.h"
#include "ModArith/ModArithDialect.h"
#include "anybit/Conversion/Passes.h"
#include "anybit/Pipelines/Pipelines.h"
#include "anybit/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  anybit::registerAnybitConversionPasses();
  anybit::registerAnybitTransformsPasses();
  anybit::registerAnybitPipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<anybit::AnybitDialect, anybit::modarith::ModArithDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Anybit optimizer driver\n", registry));
}
