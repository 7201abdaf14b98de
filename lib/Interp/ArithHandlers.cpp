//===- ArithHandlers.cpp - arith ops in the reference VM ------------------===//
//
// Element-wise on scalars and tensors alike. Integers wrap at their width;
// floats are computed in double precision and rounded once to their type,
// which is correctly rounded for +, -, *, / of every format up to f32 (and
// native for f64). Undefined behaviour (division by zero, signed division
// overflow, over-wide shifts, out-of-range float to integer) is reported.
//
//===----------------------------------------------------------------------===//

#include "Handlers.h"

#include "anybit/Support/BitPacking.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include <cmath>

using namespace mlir;

namespace anybit::detail {
namespace {

/// Per-element function: writes the result bits, or returns a message
/// describing undefined behaviour.
template <typename F>
LogicalResult mapElements(Operation *op, ArrayRef<RtValue> operands,
                          SmallVectorImpl<RtValue> &results, F &&f) {
  int64_t n = operands.front().getNumElements();
  std::vector<uint64_t> out(n);
  SmallVector<uint64_t, 3> in(operands.size());
  for (int64_t i = 0; i < n; ++i) {
    for (auto [k, v] : llvm::enumerate(operands))
      in[k] = v.getElements()[i];
    if (const char *ub = f(ArrayRef<uint64_t>(in), out[i]))
      return op->emitError() << ub;
  }
  results.push_back(makeValue(op->getResult(0).getType(), std::move(out)));
  return success();
}

Type elementTypeOf(Value v) { return getElementTypeOrSelf(v.getType()); }

//===----------------------------------------------------------------------===//
// Integer arithmetic
//===----------------------------------------------------------------------===//

enum class IntOp {
  Add, Sub, Mul, DivS, DivU, RemS, RemU, CeilDivS, CeilDivU, FloorDivS,
  And, Or, Xor, Shl, ShrS, ShrU, MaxS, MaxU, MinS, MinU
};

const char *intBinary(IntOp kind, unsigned w, uint64_t mask, uint64_t a,
                      uint64_t b, uint64_t &r) {
  Int128 sa = signExtend(a, w), sb = signExtend(b, w);
  Int128 smin = -(Int128(1) << (w - 1));
  auto wrap = [&](Int128 v) { return static_cast<uint64_t>(v) & mask; };
  switch (kind) {
  case IntOp::Add: r = (a + b) & mask; return nullptr;
  case IntOp::Sub: r = (a - b) & mask; return nullptr;
  case IntOp::Mul: r = (a * b) & mask; return nullptr;
  case IntOp::And: r = a & b; return nullptr;
  case IntOp::Or: r = a | b; return nullptr;
  case IntOp::Xor: r = a ^ b; return nullptr;
  case IntOp::MaxS: r = sa >= sb ? a : b; return nullptr;
  case IntOp::MinS: r = sa <= sb ? a : b; return nullptr;
  case IntOp::MaxU: r = a >= b ? a : b; return nullptr;
  case IntOp::MinU: r = a <= b ? a : b; return nullptr;
  case IntOp::Shl:
  case IntOp::ShrS:
  case IntOp::ShrU:
    if (b >= w)
      return "shift amount is not smaller than the bit width (poison)";
    r = kind == IntOp::Shl    ? (a << b) & mask
        : kind == IntOp::ShrU ? a >> b
                              : wrap(sa >> b);
    return nullptr;
  case IntOp::DivU:
  case IntOp::RemU:
  case IntOp::CeilDivU:
    if (b == 0)
      return "division by zero";
    r = kind == IntOp::DivU   ? a / b
        : kind == IntOp::RemU ? a % b
                              : a / b + (a % b != 0);
    return nullptr;
  case IntOp::DivS:
  case IntOp::RemS:
  case IntOp::CeilDivS:
  case IntOp::FloorDivS: {
    if (sb == 0)
      return "division by zero";
    if (kind != IntOp::RemS && sa == smin && sb == -1)
      return "signed division overflow";
    Int128 q = sa / sb, rem = sa % sb;
    if (kind == IntOp::RemS) {
      r = wrap(rem);
    } else if (kind == IntOp::DivS) {
      r = wrap(q);
    } else {
      bool inexact = rem != 0, positive = (sa < 0) == (sb < 0);
      if (kind == IntOp::CeilDivS && inexact && positive)
        ++q;
      if (kind == IntOp::FloorDivS && inexact && !positive)
        --q;
      r = wrap(q);
    }
    return nullptr;
  }
  }
  return nullptr;
}

template <IntOp kind>
LogicalResult intBinaryHandler(Operation *op, ArrayRef<RtValue> operands,
                               SmallVectorImpl<RtValue> &results) {
  ElementCodec codec(elementTypeOf(op->getResult(0)));
  unsigned w = codec.getWidth();
  uint64_t mask = codec.getMask();
  return mapElements(op, operands, results,
                     [&](ArrayRef<uint64_t> in, uint64_t &r) {
                       return intBinary(kind, w, mask, in[0], in[1], r);
                     });
}

LogicalResult cmpiHandler(Operation *op, ArrayRef<RtValue> operands,
                          SmallVectorImpl<RtValue> &results) {
  auto cmp = cast<arith::CmpIOp>(op);
  unsigned w = ElementCodec(elementTypeOf(cmp.getLhs())).getWidth();
  arith::CmpIPredicate pred = cmp.getPredicate();
  return mapElements(op, operands, results,
                     [&](ArrayRef<uint64_t> in, uint64_t &r) -> const char * {
                       uint64_t a = in[0], b = in[1];
                       int64_t sa = signExtend(a, w), sb = signExtend(b, w);
                       using P = arith::CmpIPredicate;
                       switch (pred) {
                       case P::eq: r = a == b; break;
                       case P::ne: r = a != b; break;
                       case P::slt: r = sa < sb; break;
                       case P::sle: r = sa <= sb; break;
                       case P::sgt: r = sa > sb; break;
                       case P::sge: r = sa >= sb; break;
                       case P::ult: r = a < b; break;
                       case P::ule: r = a <= b; break;
                       case P::ugt: r = a > b; break;
                       case P::uge: r = a >= b; break;
                       }
                       return nullptr;
                     });
}

//===----------------------------------------------------------------------===//
// Float arithmetic
//===----------------------------------------------------------------------===//

enum class FloatOp { Add, Sub, Mul, Div, Rem, Maximum, Minimum, MaxNum, MinNum };

double floatBinary(FloatOp kind, double a, double b) {
  switch (kind) {
  case FloatOp::Add: return a + b;
  case FloatOp::Sub: return a - b;
  case FloatOp::Mul: return a * b;
  case FloatOp::Div: return a / b;
  case FloatOp::Rem: return std::fmod(a, b);
  case FloatOp::Maximum:
  case FloatOp::Minimum: {
    if (std::isnan(a) || std::isnan(b))
      return std::nan("");
    if (a == b) // -0 < +0 for maximumf/minimumf
      return (kind == FloatOp::Maximum) != std::signbit(a) ? a : b;
    return (kind == FloatOp::Maximum) == (a > b) ? a : b;
  }
  case FloatOp::MaxNum:
  case FloatOp::MinNum:
    // A NaN loses to a number. arith leaves the sign of a zero open; the VM
    // orders -0 < +0, as for maximumf/minimumf.
    if (std::isnan(a))
      return b;
    if (std::isnan(b))
      return a;
    return floatBinary(
        kind == FloatOp::MaxNum ? FloatOp::Maximum : FloatOp::Minimum, a, b);
  }
  return 0;
}

template <FloatOp kind>
LogicalResult floatBinaryHandler(Operation *op, ArrayRef<RtValue> operands,
                                 SmallVectorImpl<RtValue> &results) {
  ElementCodec codec(elementTypeOf(op->getResult(0)));
  return mapElements(op, operands, results,
                     [&](ArrayRef<uint64_t> in, uint64_t &r) {
                       r = codec.fromDouble(floatBinary(
                           kind, codec.toDouble(in[0]), codec.toDouble(in[1])));
                       return nullptr;
                     });
}

LogicalResult negfHandler(Operation *op, ArrayRef<RtValue> operands,
                          SmallVectorImpl<RtValue> &results) {
  ElementCodec codec(elementTypeOf(op->getResult(0)));
  return mapElements(op, operands, results,
                     [&](ArrayRef<uint64_t> in, uint64_t &r) {
                       r = codec.fromDouble(-codec.toDouble(in[0]));
                       return nullptr;
                     });
}

LogicalResult cmpfHandler(Operation *op, ArrayRef<RtValue> operands,
                          SmallVectorImpl<RtValue> &results) {
  auto cmp = cast<arith::CmpFOp>(op);
  ElementCodec codec(elementTypeOf(cmp.getLhs()));
  arith::CmpFPredicate pred = cmp.getPredicate();
  return mapElements(
      op, operands, results, [&](ArrayRef<uint64_t> in, uint64_t &r) {
        double a = codec.toDouble(in[0]), b = codec.toDouble(in[1]);
        bool unordered = std::isnan(a) || std::isnan(b);
        using P = arith::CmpFPredicate;
        switch (pred) {
        case P::AlwaysFalse: r = 0; break;
        case P::AlwaysTrue: r = 1; break;
        case P::OEQ: r = !unordered && a == b; break;
        case P::OGT: r = !unordered && a > b; break;
        case P::OGE: r = !unordered && a >= b; break;
        case P::OLT: r = !unordered && a < b; break;
        case P::OLE: r = !unordered && a <= b; break;
        case P::ONE: r = !unordered && a != b; break;
        case P::ORD: r = !unordered; break;
        case P::UEQ: r = unordered || a == b; break;
        case P::UGT: r = unordered || a > b; break;
        case P::UGE: r = unordered || a >= b; break;
        case P::ULT: r = unordered || a < b; break;
        case P::ULE: r = unordered || a <= b; break;
        case P::UNE: r = unordered || a != b; break;
        case P::UNO: r = unordered; break;
        }
        return nullptr;
      });
}

//===----------------------------------------------------------------------===//
// Conversions, select, constants
//===----------------------------------------------------------------------===//

enum class Conv { ExtS, ExtU, Trunc, FloatToFloat, SIToFP, UIToFP, FPToSI, FPToUI, Bitcast };

template <Conv kind>
LogicalResult convHandler(Operation *op, ArrayRef<RtValue> operands,
                          SmallVectorImpl<RtValue> &results) {
  if (auto truncf = dyn_cast<arith::TruncFOp>(op))
    if (auto mode = truncf.getRoundingmode();
        mode && *mode != arith::RoundingMode::to_nearest_even)
      return op->emitError("the reference VM rounds to nearest even only, not ")
             << arith::stringifyRoundingMode(*mode);
  ElementCodec src(elementTypeOf(op->getOperand(0)));
  ElementCodec dst(elementTypeOf(op->getResult(0)));
  return mapElements(
      op, operands, results,
      [&](ArrayRef<uint64_t> in, uint64_t &r) -> const char * {
        uint64_t a = in[0];
        switch (kind) {
        case Conv::ExtS:
          r = static_cast<uint64_t>(signExtend(a, src.getWidth())) &
              dst.getMask();
          return nullptr;
        case Conv::ExtU:
        case Conv::Trunc:
        case Conv::Bitcast:
          r = a & dst.getMask();
          return nullptr;
        case Conv::FloatToFloat:
          r = dst.fromDouble(src.toDouble(a));
          return nullptr;
        case Conv::SIToFP:
          r = dst.fromInt(signExtend(a, src.getWidth()));
          return nullptr;
        case Conv::UIToFP:
          r = dst.fromInt(Int128(a & src.getMask()));
          return nullptr;
        case Conv::FPToSI:
        case Conv::FPToUI: {
          double t = std::trunc(src.toDouble(a));
          // The bounds are powers of two, exact in double: [lo, hi).
          unsigned w = dst.getWidth();
          double lo = kind == Conv::FPToSI ? -std::ldexp(1.0, w - 1) : 0.0;
          double hi = std::ldexp(1.0, kind == Conv::FPToSI ? w - 1 : w);
          if (std::isnan(t) || t < lo || t >= hi)
            return "float to integer conversion out of range (poison)";
          r = static_cast<uint64_t>(static_cast<Int128>(t)) & dst.getMask();
          return nullptr;
        }
        }
        return nullptr;
      });
}

LogicalResult indexCastHandler(Operation *op, ArrayRef<RtValue> operands,
                               SmallVectorImpl<RtValue> &results) {
  ElementCodec src(elementTypeOf(op->getOperand(0)));
  ElementCodec dst(elementTypeOf(op->getResult(0)));
  bool zeroExtend = isa<arith::IndexCastUIOp>(op);
  return mapElements(op, operands, results,
                     [&](ArrayRef<uint64_t> in, uint64_t &r) {
                       uint64_t a = in[0] & src.getMask();
                       r = (zeroExtend ? a
                                       : static_cast<uint64_t>(
                                             signExtend(a, src.getWidth()))) &
                           dst.getMask();
                       return nullptr;
                     });
}

LogicalResult selectHandler(Operation *op, ArrayRef<RtValue> operands,
                            SmallVectorImpl<RtValue> &results) {
  // A scalar condition picks a whole operand.
  if (!operands[0].isTensor()) {
    results.push_back(operands[0].getScalarBits() & 1 ? operands[1]
                                                      : operands[2]);
    return success();
  }
  return mapElements(op, operands, results,
                     [&](ArrayRef<uint64_t> in, uint64_t &r) {
                       r = in[0] & 1 ? in[1] : in[2];
                       return nullptr;
                     });
}

LogicalResult constantHandler(Operation *op, ArrayRef<RtValue>,
                              SmallVectorImpl<RtValue> &results) {
  Attribute value = cast<arith::ConstantOp>(op).getValue();
  Type type = op->getResult(0).getType();
  auto bitsOf = [](Attribute attr) -> uint64_t {
    if (auto i = dyn_cast<IntegerAttr>(attr))
      return i.getValue().getZExtValue();
    return cast<FloatAttr>(attr).getValue().bitcastToAPInt().getZExtValue();
  };
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    std::vector<uint64_t> elements;
    elements.reserve(dense.getNumElements());
    if (dense.getElementType().isIntOrIndex()) {
      for (const APInt &v : dense.getValues<APInt>())
        elements.push_back(v.getZExtValue());
    } else if (isa<FloatType>(dense.getElementType())) {
      for (const APFloat &v : dense.getValues<APFloat>())
        elements.push_back(v.bitcastToAPInt().getZExtValue());
    } else {
      return op->emitError("the reference VM cannot hold constants of ")
             << dense.getElementType();
    }
    results.push_back(makeValue(type, std::move(elements)));
    return success();
  }
  if (isa<IntegerAttr, FloatAttr>(value)) {
    results.push_back(RtValue::scalar(type, bitsOf(value)));
    return success();
  }
  return op->emitError("the reference VM cannot materialize constant ")
         << value;
}

} // namespace

void addArithHandlers(HandlerMap &map) {
  using namespace arith;
#define ADD(OP, HANDLER) map[TypeID::get<OP>()] = HANDLER
  ADD(AddIOp, intBinaryHandler<IntOp::Add>);
  ADD(SubIOp, intBinaryHandler<IntOp::Sub>);
  ADD(MulIOp, intBinaryHandler<IntOp::Mul>);
  ADD(DivSIOp, intBinaryHandler<IntOp::DivS>);
  ADD(DivUIOp, intBinaryHandler<IntOp::DivU>);
  ADD(RemSIOp, intBinaryHandler<IntOp::RemS>);
  ADD(RemUIOp, intBinaryHandler<IntOp::RemU>);
  ADD(CeilDivSIOp, intBinaryHandler<IntOp::CeilDivS>);
  ADD(CeilDivUIOp, intBinaryHandler<IntOp::CeilDivU>);
  ADD(FloorDivSIOp, intBinaryHandler<IntOp::FloorDivS>);
  ADD(AndIOp, intBinaryHandler<IntOp::And>);
  ADD(OrIOp, intBinaryHandler<IntOp::Or>);
  ADD(XOrIOp, intBinaryHandler<IntOp::Xor>);
  ADD(ShLIOp, intBinaryHandler<IntOp::Shl>);
  ADD(ShRSIOp, intBinaryHandler<IntOp::ShrS>);
  ADD(ShRUIOp, intBinaryHandler<IntOp::ShrU>);
  ADD(MaxSIOp, intBinaryHandler<IntOp::MaxS>);
  ADD(MaxUIOp, intBinaryHandler<IntOp::MaxU>);
  ADD(MinSIOp, intBinaryHandler<IntOp::MinS>);
  ADD(MinUIOp, intBinaryHandler<IntOp::MinU>);
  ADD(AddFOp, floatBinaryHandler<FloatOp::Add>);
  ADD(SubFOp, floatBinaryHandler<FloatOp::Sub>);
  ADD(MulFOp, floatBinaryHandler<FloatOp::Mul>);
  ADD(DivFOp, floatBinaryHandler<FloatOp::Div>);
  ADD(RemFOp, floatBinaryHandler<FloatOp::Rem>);
  ADD(MaximumFOp, floatBinaryHandler<FloatOp::Maximum>);
  ADD(MinimumFOp, floatBinaryHandler<FloatOp::Minimum>);
  ADD(MaxNumFOp, floatBinaryHandler<FloatOp::MaxNum>);
  ADD(MinNumFOp, floatBinaryHandler<FloatOp::MinNum>);
  ADD(ExtSIOp, convHandler<Conv::ExtS>);
  ADD(ExtUIOp, convHandler<Conv::ExtU>);
  ADD(TruncIOp, convHandler<Conv::Trunc>);
  ADD(ExtFOp, convHandler<Conv::FloatToFloat>);
  ADD(TruncFOp, convHandler<Conv::FloatToFloat>);
  ADD(SIToFPOp, convHandler<Conv::SIToFP>);
  ADD(UIToFPOp, convHandler<Conv::UIToFP>);
  ADD(FPToSIOp, convHandler<Conv::FPToSI>);
  ADD(FPToUIOp, convHandler<Conv::FPToUI>);
  ADD(BitcastOp, convHandler<Conv::Bitcast>);
  ADD(NegFOp, negfHandler);
  ADD(CmpIOp, cmpiHandler);
  ADD(CmpFOp, cmpfHandler);
  ADD(SelectOp, selectHandler);
  ADD(IndexCastOp, indexCastHandler);
  ADD(IndexCastUIOp, indexCastHandler);
  ADD(ConstantOp, constantHandler);
#undef ADD
}

} // namespace anybit::detail
