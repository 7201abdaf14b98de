//===- Handlers.h - Op handlers of the reference VM -------------*- C++ -*-===//
//
// Ops without regions are executed by handlers: functions from the op and
// its operand values to its result values. Each dialect's handlers live in
// their own file and register themselves in a table keyed by op TypeID.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_INTERP_HANDLERS_H
#define ANYBIT_LIB_INTERP_HANDLERS_H

#include "anybit/Interp/ElementCodec.h"
#include "anybit/Interp/Value.h"
#include "mlir/IR/IntegerSet.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"

namespace anybit::detail {

using OpHandler = mlir::LogicalResult (*)(mlir::Operation *op,
                                          llvm::ArrayRef<RtValue> operands,
                                          llvm::SmallVectorImpl<RtValue> &results);
using HandlerMap = llvm::DenseMap<mlir::TypeID, OpHandler>;

void addArithHandlers(HandlerMap &map);
void addTensorHandlers(HandlerMap &map);
void addAnybitHandlers(HandlerMap &map);
void addTernaryHandlers(HandlerMap &map);
void addModArithHandlers(HandlerMap &map);
void addAffineHandlers(HandlerMap &map);

/// The values of `map`'s results at the index values `operands` (its
/// dimensions, then its symbols); undefined expressions are errors at `op`.
mlir::FailureOr<llvm::SmallVector<int64_t>>
evaluateAffineMap(mlir::Operation *op, mlir::AffineMap map,
                  llvm::ArrayRef<RtValue> operands);

/// Whether the index values `operands` satisfy every constraint of `set`.
mlir::FailureOr<bool> evaluateIntegerSet(mlir::Operation *op,
                                         mlir::IntegerSet set,
                                         llvm::ArrayRef<RtValue> operands);

/// A scalar or tensor value of `type` (a tensor type or a scalar type).
RtValue makeValue(mlir::Type type, std::vector<uint64_t> elements);

/// The exact value of every element of a tensor, logical or packed (block
/// scales and zero points applied).
std::vector<double> exactValues(const RtValue &value);

/// The value of every element of an unscaled integer or trit tensor,
/// logical or packed.
std::vector<int64_t> integerValues(const RtValue &value);

/// A tensor of `type` holding the element bit patterns `bits`, packed into
/// its encoding when it has one (without blocks).
RtValue makeTensor(mlir::RankedTensorType type, std::vector<uint64_t> bits);

/// Row-major strides of `shape`.
llvm::SmallVector<int64_t> rowMajorStrides(llvm::ArrayRef<int64_t> shape);

} // namespace anybit::detail

#endif // ANYBIT_LIB_INTERP_HANDLERS_H
