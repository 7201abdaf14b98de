//===- ModArithDialect.h - The modarith dialect -----------------*- C++ -*-===//

#ifndef ANYBIT_DIALECT_MODARITH_MODARITHDIALECT_H
#define ANYBIT_DIALECT_MODARITH_MODARITHDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ModArith/ModArithDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "ModArith/ModArithTypes.h.inc"

#define GET_OP_CLASSES
#include "ModArith/ModArithOps.h.inc"

namespace anybit::modarith {

/// The !modarith.int element type of a scalar or tensor type, or null.
ModIntType getModIntElementType(mlir::Type type);

} // namespace anybit::modarith

#endif // ANYBIT_DIALECT_MODARITH_MODARITHDIALECT_H
