//===- ModArithHandlers.cpp - modarith ops on the reference VM ------------===//
//
// Every residue is held as its canonical value in [0, Q) (the element's bit
// pattern). Products and sums are formed exactly in unsigned __int128 and
// reduced once, so every op is exact for every modulus up to 2^64 - 1.
//
//===----------------------------------------------------------------------===//

#include "Handlers.h"
#include "ModArith/ModArithDialect.h"
#include "ModArith/NumberTheory.h"
#include <array>

using namespace mlir;

namespace anybit::detail {
namespace {

using U128 = unsigned __int128;
using modarith::ModIntType;

uint64_t modulusOf(Type type) {
  return modarith::getModIntElementType(type).getModulus();
}

/// Applies `f(args, q)` element-wise to the operands, q the modulus of the
/// element's position in `residueType` (the limb's in an RNS tensor); the
/// result has `resultType`.
template <typename F>
RtValue elementwise(Type resultType, Type residueType,
                    ArrayRef<RtValue> operands, F f) {
  modarith::ResidueLayout layout = *modarith::ResidueLayout::get(residueType);
  size_t n = operands.front().getElements().size();
  std::vector<uint64_t> out(n);
  std::array<uint64_t, 3> args{};
  for (size_t i = 0; i < n; ++i) {
    for (auto [k, v] : llvm::enumerate(operands))
      args[k] = v.getElements()[i];
    out[i] = f(args, layout.getModulusAt(i));
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

/// encapsulate (iW) and reduce (iN, N > W): the unsigned input mod Q (the
/// limb's modulus, in an RNS tensor).
LogicalResult reduceHandler(Operation *op, ArrayRef<RtValue> operands,
                            SmallVectorImpl<RtValue> &results) {
  Type resultType = op->getResult(0).getType();
  ElementCodec in(getElementTypeOrSelf(op->getOperand(0).getType()));
  uint64_t mask = in.getMask();
  results.push_back(elementwise(resultType, resultType, operands,
                                [&](auto a, uint64_t q) {
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
  results.push_back(elementwise(resultType, resultType, operands,
                                [&](auto a, uint64_t modulus) {
    U128 q = modulus, x = a[0], y = a[1], z = a[2];
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

/// lhs * w mod Q, once w_shoup is checked to be w's Shoup companion.
LogicalResult mulShoupHandler(Operation *op, ArrayRef<RtValue> operands,
                              SmallVectorImpl<RtValue> &results) {
  auto mul = cast<modarith::MulShoupOp>(op);
  modarith::ModIntType residue =
      modarith::getModIntElementType(mul.getType());
  uint64_t q = residue.getModulus();
  unsigned w = residue.getWidth();
  ArrayRef<uint64_t> a = operands[0].getElements(),
                     c = operands[1].getElements(),
                     companion = operands[2].getElements();
  std::vector<uint64_t> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t want = modarith::shoupCompanion(c[i], q, w);
    if (companion[i] != want)
      return op->emitOpError()
             << "w_shoup " << companion[i] << " (element " << i
             << ") is not the Shoup companion floor(w * 2^" << w
             << " / Q) = " << want << " of w = " << c[i];
    out[i] = modarith::mulMod(a[i], c[i], q);
  }
  results.push_back(makeValue(mul.getType(), std::move(out)));
  return success();
}

/// ntt and intt by their definition, O(N^2) per row: each output is the
/// sum of the row weighted by powers of the root, reduced term by term.
template <typename Op>
LogicalResult transformHandler(Operation *op, ArrayRef<RtValue> operands,
                               SmallVectorImpl<RtValue> &results) {
  auto transform = cast<Op>(op);
  constexpr bool inverse = std::is_same_v<Op, modarith::InttOp>;
  Type type = transform.getType();
  uint64_t q = modulusOf(type);
  uint64_t n = transform.getLength();
  bool cyclic = transform.getCyclic();
  uint64_t root = transform.getResolvedRoot();
  if (inverse)
    root = *modarith::inverseMod(root, q);
  // powers[e] = root^e for the exponents taken mod the root's order.
  uint64_t order = cyclic ? n : 2 * n;
  std::vector<uint64_t> powers(order);
  for (uint64_t e = 0, p = 1; e < order; ++e, p = modarith::mulMod(p, root, q))
    powers[e] = p;
  uint64_t scale = inverse ? *modarith::inverseMod(n % q, q) : 1;
  ArrayRef<uint64_t> in = operands[0].getElements();
  std::vector<uint64_t> out(in.size());
  for (size_t row = 0; row < in.size(); row += n) {
    for (uint64_t k = 0; k < n; ++k) {
      U128 sum = 0;
      for (uint64_t j = 0; j < n; ++j) {
        // Output k, input j. Forward: psi^((2k+1)j), or omega^(kj);
        // inverse: psi^-((2j+1)k), or omega^-(kj).
        uint64_t e = cyclic    ? (k * j) % order
                     : inverse ? ((2 * j + 1) * k) % order
                               : ((2 * k + 1) * j) % order;
        sum = (sum + U128(in[row + j]) * powers[e]) % q;
      }
      out[row + k] = static_cast<uint64_t>(sum * scale % q);
    }
  }
  results.push_back(makeValue(type, std::move(out)));
  return success();
}

/// The exact sum of products per output; terms are reduced before they
/// are added, so any modulus below 2^64 works.
LogicalResult matmulHandler(Operation *op, ArrayRef<RtValue> operands,
                            SmallVectorImpl<RtValue> &results) {
  auto matmul = cast<modarith::MatmulOp>(op);
  auto lhsType = cast<RankedTensorType>(matmul.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(matmul.getRhs().getType());
  uint64_t q = modulusOf(lhsType);
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
  int64_t n = rhsType.getRank() == 2 ? rhsType.getDimSize(1) : 1;
  ArrayRef<uint64_t> a = operands[0].getElements(), b = operands[1].getElements();
  std::vector<uint64_t> out(m * n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      U128 sum = 0;
      for (int64_t l = 0; l < k; ++l)
        sum = (sum + U128(a[i * k + l]) * b[l * n + j] % q) % q;
      out[i * n + j] = static_cast<uint64_t>(sum);
    }
  results.push_back(makeValue(matmul.getType(), std::move(out)));
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
  map[TypeID::get<MulShoupOp>()] = mulShoupHandler;
  map[TypeID::get<NttOp>()] = transformHandler<NttOp>;
  map[TypeID::get<InttOp>()] = transformHandler<InttOp>;
  map[TypeID::get<MatmulOp>()] = matmulHandler;
}

} // namespace anybit::detail
