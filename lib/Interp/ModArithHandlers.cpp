//===- ModArithHandlers.cpp - modarith ops on the reference VM ------------===//
//
// Every residue is held as its canonical value in [0, Q) (the element's bit
// pattern). Products and sums are formed exactly in unsigned __int128 and
// reduced once, so every op is exact for every modulus up to 2^64 - 1.
//
//===----------------------------------------------------------------------===//

#include "Handlers.h"
#include "ModArith/ModArithDialect.h"
#include <array>

using namespace mlir;

namespace anybit::detail {
namespace {

using U128 = unsigned __int128;
using modarith::ModIntType;

uint64_t modulusOf(Type type) {
  return modarith::getModIntElementType(type).getModulus();
}

/// Applies `f` element-wise to the operands; the result has `resultType`.
template <typename F>
RtValue elementwise(Type resultType, ArrayRef<RtValue> operands, F f) {
  size_t n = operands.front().getElements().size();
  std::vector<uint64_t> out(n);
  std::array<uint64_t, 3> args{};
  for (size_t i = 0; i < n; ++i) {
    for (auto [k, v] : llvm::enumerate(operands))
      args[k] = v.getElements()[i];
    out[i] = f(args);
  }
  return makeValue(resultType, std::move(out));
}

LogicalResult constantHandler(Operation *op, ArrayRef<RtValue>,
                              SmallVectorImpl<RtValue> &results) {
  auto constant = cast<modarith::ConstantOp>(op);
  std::vector<uint64_t> elements;
  Attribute value = constant.getValue();
  if (auto intAttr = dyn_cast<IntegerAttr>(value)) {
    elements.push_back(intAttr.getValue().getZExtValue());
  } else {
    auto dense = cast<DenseIntElementsAttr>(value);
    for (const APInt &v : dense.getValues<APInt>())
      elements.push_back(v.getZExtValue());
  }
  results.push_back(makeValue(constant.getType(), std::move(elements)));
  return success();
}

/// encapsulate (iW) and reduce (iN, N > W): the unsigned input mod Q.
LogicalResult reduceHandler(Operation *op, ArrayRef<RtValue> operands,
                            SmallVectorImpl<RtValue> &results) {
  Type resultType = op->getResult(0).getType();
  uint64_t q = modulusOf(resultType);
  ElementCodec in(getElementTypeOrSelf(op->getOperand(0).getType()));
  uint64_t mask = in.getMask();
  results.push_back(elementwise(resultType, operands, [&](auto a) {
    return (a[0] & mask) % q;
  }));
  return success();
}

LogicalResult extractHandler(Operation *op, ArrayRef<RtValue> operands,
                             SmallVectorImpl<RtValue> &results) {
  results.push_back(makeValue(
      op->getResult(0).getType(),
      std::vector<uint64_t>(operands[0].getElements().begin(),
                            operands[0].getElements().end())));
  return success();
}

enum class Arith { Add, Sub, Neg, Mul, Mac };

template <Arith kind>
LogicalResult arithHandler(Operation *op, ArrayRef<RtValue> operands,
                           SmallVectorImpl<RtValue> &results) {
  Type resultType = op->getResult(0).getType();
  U128 q = modulusOf(resultType);
  results.push_back(elementwise(resultType, operands, [&](auto a) {
    U128 x = a[0], y = a[1], z = a[2];
    U128 r = 0;
    switch (kind) {
    case Arith::Add:
      r = (x + y) % q;
      break;
    case Arith::Sub:
      r = (x + q - y) % q;
      break;
    case Arith::Neg:
      r = (q - x) % q;
      break;
    case Arith::Mul:
      r = (x * y) % q;
      break;
    case Arith::Mac:
      // x, y, z < 2^64: x*y + z <= (2^64 - 1)^2 + 2^64 - 1 < 2^128.
      r = (x * y + z) % q;
      break;
    }
    return static_cast<uint64_t>(r);
  }));
  return success();
}

} // namespace

void addModArithHandlers(HandlerMap &map) {
  using namespace anybit::modarith;
  map[TypeID::get<ConstantOp>()] = constantHandler;
  map[TypeID::get<EncapsulateOp>()] = reduceHandler;
  map[TypeID::get<ReduceOp>()] = reduceHandler;
  map[TypeID::get<ExtractOp>()] = extractHandler;
  map[TypeID::get<AddOp>()] = arithHandler<Arith::Add>;
  map[TypeID::get<SubOp>()] = arithHandler<Arith::Sub>;
  map[TypeID::get<NegOp>()] = arithHandler<Arith::Neg>;
  map[TypeID::get<MulOp>()] = arithHandler<Arith::Mul>;
  map[TypeID::get<MacOp>()] = arithHandler<Arith::Mac>;
}

} // namespace anybit::detail
