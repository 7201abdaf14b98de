//===- ModArithDialect.cpp - The modarith dialect -------------------------===//

#include "ModArith/ModArithDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace anybit::modarith;

#include "ModArith/ModArithDialect.cpp.inc"

void ModArithDialect::initialize() {
  registerTypes();
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "ModArith/ModArithOps.cpp.inc"
      >();
}
