//===- AnybitDialect.h - The anybit dialect ---------------------*- C++ -*-===//

#ifndef ANYBIT_DIALECT_ANYBIT_ANYBITDIALECT_H
#define ANYBIT_DIALECT_ANYBIT_ANYBITDIALECT_H

#include "anybit/Layout/Layout.h"
#include "anybit/Support/BitPacking.h"
#include "anybit/Support/FloatFormat.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/TensorEncoding.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "Anybit/AnybitDialect.h.inc"
#include "Anybit/AnybitEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "Anybit/AnybitTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Anybit/AnybitAttrs.h.inc"

#include "Anybit/ElementTypes.h"

#define GET_OP_CLASSES
#include "Anybit/AnybitOps.h.inc"

#endif // ANYBIT_DIALECT_ANYBIT_ANYBITDIALECT_H
