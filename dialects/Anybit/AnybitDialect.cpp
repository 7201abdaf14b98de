//===- AnybitDialect.cpp - The anybit dialect -----------------------------===//

#include "Anybit/AnybitDialect.h"
#include "Anybit/X86Ops.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace anybit;

#include "Anybit/AnybitDialect.cpp.inc"

void AnybitDialect::initialize() {
  registerTypes();
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "Anybit/AnybitOps.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "Anybit/AnybitX86Ops.cpp.inc"
      >();
}
