//===- X86Ops.cpp - x86 instructions codegen needs ------------------------===//

#include "Anybit/X86Ops.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#define GET_OP_CLASSES
#include "Anybit/AnybitX86Ops.cpp.inc"

namespace anybit {

llvm::SmallVector<mlir::Value> X86VfmaddpsRnOp::getIntrinsicOperands(
    llvm::ArrayRef<mlir::Value> operands, const mlir::LLVMTypeConverter &,
    mlir::RewriterBase &rewriter) {
  llvm::SmallVector<mlir::Value> all(operands);
  // _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC
  all.push_back(mlir::LLVM::ConstantOp::create(
      rewriter, getLoc(), rewriter.getI32Type(), int64_t(8)));
  return all;
}

} // namespace anybit
