//===- X86Ops.h - x86 instructions codegen needs ----------------*- C++ -*-===//

#ifndef ANYBIT_DIALECT_ANYBIT_X86OPS_H
#define ANYBIT_DIALECT_ANYBIT_X86OPS_H

#include "Anybit/AnybitDialect.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"

#define GET_OP_CLASSES
#include "Anybit/AnybitX86Ops.h.inc"

#endif // ANYBIT_DIALECT_ANYBIT_X86OPS_H
