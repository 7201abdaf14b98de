//===- RetypeOp.h - Type conversion shared by the lowerings -----*- C++ -*-===//
//
// Ops that are indifferent to their element types (the tensor dialect's)
// survive a type conversion unchanged but for their operand, result and
// region argument types; functions, calls and control flow follow.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_RETYPEOP_H
#define ANYBIT_LIB_CONVERSION_RETYPEOP_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace anybit::codegen {

/// Replaces `op` by a copy with `operands` (already converted) and its
/// result and region types converted by `converter`. Every type is
/// converted before the IR changes, so that a failure leaves nothing to undo.
/// The regions move into the new op only once it exists: a region of a
/// bare OperationState is not one the rewriter can move them back from.
inline mlir::LogicalResult
retypeOp(mlir::Operation *op, mlir::ValueRange operands,
         const mlir::TypeConverter &converter,
         mlir::ConversionPatternRewriter &rewriter) {
  llvm::SmallVector<mlir::Type> resultTypes, argumentTypes;
  if (mlir::failed(converter.convertTypes(op->getResultTypes(), resultTypes)))
    return mlir::failure();
  for (mlir::Region &region : op->getRegions())
    if (mlir::failed(converter.convertTypes(region.getArgumentTypes(),
                                            argumentTypes)))
      return mlir::failure();
  mlir::OperationState state(op->getLoc(), op->getName(), operands,
                             resultTypes, op->getAttrs(), op->getSuccessors());
  for (unsigned i = 0, e = op->getNumRegions(); i < e; ++i)
    state.addRegion();
  mlir::Operation *retyped = rewriter.create(state);
  for (auto [from, to] : llvm::zip(op->getRegions(), retyped->getRegions())) {
    rewriter.inlineRegionBefore(from, to, to.end());
    if (mlir::failed(rewriter.convertRegionTypes(&to, converter)))
      return mlir::failure();
  }
  rewriter.replaceOp(op, retyped->getResults());
  return mlir::success();
}

/// Converts the types of every tensor- or linalg-dialect op and scf.forall
/// whose types the converter changes (their regions included; scf's other
/// loops have upstream patterns); `accepts` may refuse some.
struct RetypeTensorOps : mlir::ConversionPattern {
  RetypeTensorOps(const mlir::TypeConverter &converter,
                  mlir::MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), 1, ctx) {}
  mlir::LogicalResult
  matchAndRewrite(mlir::Operation *op, llvm::ArrayRef<mlir::Value> operands,
                  mlir::ConversionPatternRewriter &rewriter) const override {
    if (!(llvm::isa_and_present<mlir::tensor::TensorDialect,
                                mlir::linalg::LinalgDialect>(
              op->getDialect()) ||
          llvm::isa<mlir::scf::ForallOp>(op)) ||
        mlir::failed(accepts(op, rewriter)))
      return mlir::failure();
    return retypeOp(op, operands, *getTypeConverter(), rewriter);
  }
  virtual mlir::LogicalResult
  accepts(mlir::Operation *, mlir::ConversionPatternRewriter &) const {
    return mlir::success();
  }
};

/// Function signatures, calls, returns and scf's structured control flow
/// follow the converter.
inline void populateStructuralTypeConversions(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
    mlir::ConversionTarget &target) {
  mlir::populateFunctionOpInterfaceTypeConversionPattern<mlir::func::FuncOp>(
      patterns, converter);
  mlir::populateCallOpTypeConversionPattern(patterns, converter);
  mlir::populateReturnOpTypeConversionPattern(patterns, converter);
  mlir::scf::populateSCFStructuralTypeConversionsAndLegality(converter,
                                                             patterns, target);
}

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_RETYPEOP_H
