//===- AnybitOps.cpp - anybit operations ----------------------------------===//

#include "Anybit/AnybitDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace anybit;

#define GET_OP_CLASSES
#include "Anybit/AnybitOps.cpp.inc"

/// Rejects encodings on tensors that must be logical (unpacked) values.
static LogicalResult verifyLogical(Operation *op, Type type, StringRef what) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (tensor && tensor.getEncoding())
    return op->emitOpError() << what << " must be a logical tensor without an "
                             << "encoding, got " << type;
  return success();
}

static LogicalResult verifySameShape(Operation *op, RankedTensorType a,
                                     RankedTensorType b, StringRef what) {
  if (a.getShape() != b.getShape())
    return op->emitOpError() << what << " shapes differ: " << a << " vs " << b;
  return success();
}

/// Checks an optional block-data tensor (scales or zero points) against the
/// encoding of the packed tensor it belongs to.
static LogicalResult verifyBlockData(Operation *op, Value data,
                                     Type expectedElement,
                                     RankedTensorType packed, StringRef what) {
  if (!expectedElement) {
    if (data)
      return op->emitOpError() << "the encoding of " << packed
                               << " has no " << what;
    return success();
  }
  if (!data)
    return op->emitOpError() << "the encoding of " << packed << " needs "
                             << what;
  auto enc = cast<PackedEncodingAttr>(packed.getEncoding());
  auto type = cast<RankedTensorType>(data.getType());
  SmallVector<int64_t> grid = enc.getBlockGridShape(packed.getShape());
  if (type.getEncoding() || type.getShape() != ArrayRef<int64_t>(grid) ||
      type.getElementType() != expectedElement)
    return op->emitOpError()
           << what << " must be an unencoded tensor of shape ["
           << ArrayRef<int64_t>(grid) << "] (the block grid) and element type "
           << expectedElement << ", got " << type;
  return success();
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

LogicalResult CastOp::verify() {
  Type in = getInput().getType(), out = getResult().getType();
  if (isa<RankedTensorType>(in) != isa<RankedTensorType>(out))
    return emitOpError("input and result must both be scalars or both be "
                       "tensors");
  if (failed(verifyLogical(*this, in, "input")) ||
      failed(verifyLogical(*this, out, "result")))
    return failure();
  if (auto inTensor = dyn_cast<RankedTensorType>(in))
    return verifySameShape(*this, inTensor, cast<RankedTensorType>(out),
                           "input and result");
  return success();
}

//===----------------------------------------------------------------------===//
// PackOp / UnpackOp
//===----------------------------------------------------------------------===//

/// Shared checks of pack and unpack: `logical` is the unpacked side.
static LogicalResult verifyPacking(Operation *op, RankedTensorType logical,
                                   RankedTensorType packed, Value scales,
                                   Value zeroPoints) {
  if (failed(verifyLogical(op, logical, "the unpacked tensor")))
    return failure();
  auto enc = getPackedEncoding(packed);
  if (!enc)
    return op->emitOpError() << "the packed tensor needs an #anybit.packed "
                             << "encoding, got " << packed;
  if (failed(verifySameShape(op, logical, packed, "packed and unpacked")))
    return failure();
  if (logical.getElementType() != packed.getElementType())
    return op->emitOpError() << "packed and unpacked element types differ: "
                             << logical.getElementType() << " vs "
                             << packed.getElementType();
  if (failed(verifyBlockData(op, scales, enc.getScale(), packed, "scales")))
    return failure();
  return verifyBlockData(op, zeroPoints, enc.getZeroPoint(), packed,
                         "zero points");
}

LogicalResult PackOp::verify() {
  return verifyPacking(*this, getInput().getType(), getResult().getType(),
                       getScales(), getZeroPoints());
}

LogicalResult UnpackOp::verify() {
  return verifyPacking(*this, getResult().getType(), getInput().getType(),
                       getScales(), getZeroPoints());
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

/// Shared checks: `floats` is the float side, `codes` the block-scaled side.
static LogicalResult verifyQuantization(Operation *op, RankedTensorType floats,
                                        RankedTensorType codes) {
  if (failed(verifyLogical(op, floats, "the float tensor")))
    return failure();
  if (!isAnyFloat(floats.getElementType()))
    return op->emitOpError() << "expected a float tensor, got " << floats;
  auto enc = getPackedEncoding(codes);
  if (!enc || !enc.hasBlocks())
    return op->emitOpError() << "the quantized tensor needs an #anybit.packed "
                             << "encoding with a block shape and a scale, got "
                             << codes;
  if (codes.getElementType().isIndex())
    return op->emitOpError("index is not a code type");
  return verifySameShape(op, floats, codes, "float and quantized");
}

LogicalResult QuantizeOp::verify() {
  auto codes = getResult().getType();
  if (failed(verifyQuantization(*this, getInput().getType(), codes)))
    return failure();
  auto enc = getPackedEncoding(codes);
  if (enc.getZeroPoint() && !isa<IntegerType>(codes.getElementType()))
    return emitOpError("asymmetric quantization (a zero_point) needs integer "
                       "codes, got ")
           << codes.getElementType();
  if (auto zp = enc.getZeroPoint(); zp && !isa<IntegerType>(zp))
    return emitOpError("zero points computed by quantize must be integers, "
                       "got ")
           << zp;
  return success();
}

LogicalResult DequantizeOp::verify() {
  return verifyQuantization(*this, getResult().getType(),
                            getInput().getType());
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  auto lhs = getLhs().getType(), rhs = getRhs().getType();
  auto result = getResult().getType();
  if (lhs.getRank() != 2 || rhs.getRank() != 2 || result.getRank() != 2)
    return emitOpError("operands and result must be 2-D, got ")
           << lhs << ", " << rhs << " -> " << result;
  int64_t rhsK = rhs.getDimSize(getTransposeRhs() ? 1 : 0);
  int64_t rhsN = rhs.getDimSize(getTransposeRhs() ? 0 : 1);
  if (lhs.getDimSize(1) != rhsK)
    return emitOpError("contraction sizes differ: lhs has K = ")
           << lhs.getDimSize(1) << ", rhs has K = " << rhsK;
  if (result.getDimSize(0) != lhs.getDimSize(0) ||
      result.getDimSize(1) != rhsN)
    return emitOpError("result must be ")
           << lhs.getDimSize(0) << "x" << rhsN << ", got " << result;
  if (failed(verifyLogical(*this, result, "result")))
    return failure();
  for (RankedTensorType operand : {lhs, rhs})
    if (operand.getEncoding() && !getPackedEncoding(operand))
      return emitOpError("operand encoding must be #anybit.packed, got ")
             << operand;
  Type acc = getAccumulator();
  if (auto intAcc = dyn_cast<IntegerType>(acc)) {
    if (intAcc.getWidth() > 64)
      return emitOpError("integer accumulator wider than 64 bits: ") << acc;
    for (RankedTensorType operand : {lhs, rhs}) {
      auto enc = getPackedEncoding(operand);
      if (!isa<IntegerType, TritType>(operand.getElementType()) ||
          (enc && enc.hasBlocks()))
        return emitOpError("an integer accumulator needs unscaled integer "
                           "or trit operands, got ")
               << operand;
    }
    return success();
  }
  if (!acc.isF32() && !acc.isF64())
    return emitOpError("accumulator must be f32, f64 or an integer type, got ")
           << acc;
  return success();
}
