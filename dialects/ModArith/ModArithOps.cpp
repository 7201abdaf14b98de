//===- ModArithOps.cpp - modarith operations ------------------------------===//

#include "ModArith/ModArithDialect.h"
#include "ModArith/NumberTheory.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace anybit::modarith;

//===----------------------------------------------------------------------===//
// `: T` for ops whose operands and result all have the same type T. The
// verifiers (not the parser) report mismatches, which only the generic form
// can spell.
//===----------------------------------------------------------------------===//

static ParseResult parseSameTypes(OpAsmParser &parser, Type &result,
                                  Type &a) {
  if (parser.parseType(result))
    return failure();
  a = result;
  return success();
}
static ParseResult parseSameTypes(OpAsmParser &parser, Type &result, Type &a,
                                  Type &b) {
  if (parseSameTypes(parser, result, a))
    return failure();
  b = result;
  return success();
}
static ParseResult parseSameTypes(OpAsmParser &parser, Type &result, Type &a,
                                  Type &b, Type &c) {
  if (parseSameTypes(parser, result, a, b))
    return failure();
  c = result;
  return success();
}
static void printSameTypes(OpAsmPrinter &printer, Operation *, Type result,
                           Type, Type = {}, Type = {}) {
  printer << result;
}

#define GET_OP_CLASSES
#include "ModArith/ModArithOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Verifier helpers
//===----------------------------------------------------------------------===//

/// Operands and result of an arithmetic op must all have the result's type.
static LogicalResult verifySameModIntTypes(Operation *op) {
  Type first = op->getOperand(0).getType();
  for (Value v : op->getOperands().drop_front())
    if (v.getType() != first)
      return op->emitOpError()
             << "operands must have the same modarith type, got " << first
             << " and " << v.getType();
  if (op->getResult(0).getType() != first)
    return op->emitOpError() << "result type " << op->getResult(0).getType()
                             << " must equal the operand type " << first;
  return success();
}

enum class PlainWidth { Same, Wider };

/// Checks a conversion between plain integers and residues: same shape (or
/// both scalars), and the plain width equal to, or wider than, W.
static LogicalResult verifyConversion(Operation *op, Type plain, Type residue,
                                      PlainWidth rule) {
  auto plainTensor = dyn_cast<RankedTensorType>(plain);
  auto residueTensor = dyn_cast<RankedTensorType>(residue);
  if (bool(plainTensor) != bool(residueTensor) ||
      (plainTensor && plainTensor.getShape() != residueTensor.getShape()))
    return op->emitOpError() << "the plain integer type " << plain
                             << " and the residue type " << residue
                             << " must both be scalars or tensors of the "
                                "same shape";
  // The element type, or the RNS tensor type, whose storage width rules.
  Type modType = getModIntElementType(residue);
  if (!modType)
    modType = residue;
  unsigned plainWidth = getElementTypeOrSelf(plain).getIntOrFloatBitWidth();
  unsigned w = ResidueLayout::get(residue)->getWidth();
  if (rule == PlainWidth::Same && plainWidth != w)
    return op->emitOpError() << "the plain integer type must be i" << w
                             << " (the storage width of " << modType
                             << "), got " << getElementTypeOrSelf(plain);
  if (rule == PlainWidth::Wider && plainWidth <= w)
    return op->emitOpError() << "takes an integer wider than the storage "
                                "width i"
                             << w << " of " << modType << ", got "
                             << getElementTypeOrSelf(plain)
                             << " (use modarith.encapsulate for i" << w << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

/// The plain storage type (`iW` or `tensor<...xiW>`) of a residue type.
static Type getStorageTypeOf(Type residue) {
  ModIntType modType = getModIntElementType(residue);
  if (auto tensor = dyn_cast<RankedTensorType>(residue))
    return RankedTensorType::get(tensor.getShape(), modType.getStorageType());
  return modType.getStorageType();
}

LogicalResult ConstantOp::verify() {
  Type type = getType();
  ModIntType modType = getModIntElementType(type);
  Type storage = getStorageTypeOf(type);
  Attribute value = getValue();
  auto checkRange = [&](const APInt &v) -> LogicalResult {
    if (v.getZExtValue() >= modType.getModulus())
      return emitOpError() << "value " << v.getZExtValue()
                           << " is out of range: a residue modulo "
                           << modType.getModulus() << " must be in [0, "
                           << modType.getModulus() << ")";
    return success();
  };
  if (auto intAttr = dyn_cast<IntegerAttr>(value)) {
    if (intAttr.getType() != storage)
      return emitOpError() << "value must have the storage type " << storage
                           << " of " << type << ", got " << intAttr.getType();
    return checkRange(intAttr.getValue());
  }
  if (auto dense = dyn_cast<DenseIntElementsAttr>(value)) {
    if (dense.getType() != storage)
      return emitOpError() << "value must have the storage type " << storage
                           << " of " << type << ", got " << dense.getType();
    // A splat holds one value, however many elements it stands for.
    if (dense.isSplat())
      return checkRange(dense.getSplatValue<APInt>());
    for (const APInt &v : dense.getValues<APInt>())
      if (failed(checkRange(v)))
        return failure();
    return success();
  }
  return emitOpError() << "value must be an integer or a dense integer "
                          "tensor attribute, got "
                       << value;
}

// Syntax: N `:` !modarith.int<...>
//      or `dense<` (N | nested [...] lists of N) `>` `:` tensor<...>.
ParseResult ConstantOp::parse(OpAsmParser &parser, OperationState &result) {
  SmallVector<std::pair<SMLoc, APInt>> values;
  auto parseValue = [&]() -> ParseResult {
    SMLoc loc = parser.getCurrentLocation();
    if (succeeded(parser.parseOptionalMinus()))
      return parser.emitError(loc, "a residue constant must be non-negative");
    APInt v;
    OptionalParseResult r = parser.parseOptionalInteger(v);
    if (!r.has_value())
      return parser.emitError(loc, "expected an unsigned integer");
    if (failed(*r))
      return failure();
    if (v.getActiveBits() > 64)
      return parser.emitError(loc, "integer does not fit in 64 bits");
    values.push_back({loc, v.zextOrTrunc(64)});
    return success();
  };
  std::function<ParseResult()> parseNested = [&]() -> ParseResult {
    if (succeeded(parser.parseOptionalLSquare())) {
      if (succeeded(parser.parseOptionalRSquare()))
        return success();
      if (parser.parseCommaSeparatedList(parseNested) || parser.parseRSquare())
        return failure();
      return success();
    }
    return parseValue();
  };
  bool isDense = succeeded(parser.parseOptionalKeyword("dense"));
  bool isSplat = false;
  if (isDense) {
    if (parser.parseLess())
      return failure();
    isSplat = failed(parser.parseOptionalLSquare());
    if (isSplat) {
      if (parseValue())
        return failure();
    } else if (failed(parser.parseOptionalRSquare()) &&
               (parser.parseCommaSeparatedList(parseNested) ||
                parser.parseRSquare())) {
      return failure();
    }
    if (parser.parseGreater())
      return failure();
  } else if (parseValue()) {
    return failure();
  }
  if (parser.parseOptionalAttrDict(result.attributes) || parser.parseColon())
    return failure();
  SMLoc typeLoc = parser.getCurrentLocation();
  Type type;
  if (parser.parseType(type))
    return failure();
  ModIntType modType = getModIntElementType(type);
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!modType || (tensor && !tensor.hasStaticShape()))
    return parser.emitError(typeLoc, "expected !modarith.int or a statically "
                                     "shaped tensor of it, got ")
           << type;
  if (bool(tensor) != isDense)
    return parser.emitError(typeLoc, isDense
                                         ? "a dense<...> constant needs a "
                                           "tensor type"
                                         : "a tensor constant takes a "
                                           "dense<...> literal");
  unsigned w = modType.getWidth();
  SmallVector<APInt> bits;
  for (auto &[loc, v] : values) {
    if (v.getActiveBits() > w)
      return parser.emitError(loc, "value ")
             << v.getZExtValue() << " does not fit in the storage type i" << w;
    bits.push_back(v.trunc(w));
  }
  Type storage = getStorageTypeOf(type);
  Attribute attr;
  if (!tensor) {
    attr = IntegerAttr::get(storage, bits.front());
  } else {
    if (!isSplat && static_cast<int64_t>(bits.size()) != tensor.getNumElements())
      return parser.emitError(typeLoc, "expected ")
             << tensor.getNumElements() << " values for " << type << ", got "
             << bits.size();
    attr = DenseElementsAttr::get(cast<ShapedType>(storage), bits);
  }
  result.addAttribute("value", attr);
  result.addTypes(type);
  return success();
}

void ConstantOp::print(OpAsmPrinter &printer) {
  printer << ' ';
  Attribute value = getValue();
  if (auto intAttr = dyn_cast<IntegerAttr>(value)) {
    printer << intAttr.getValue().getZExtValue();
  } else if (auto dense = dyn_cast<DenseIntElementsAttr>(value)) {
    RankedTensorType type = cast<RankedTensorType>(dense.getType());
    printer << "dense<";
    if (dense.isSplat() && (type.getRank() == 0 || type.getNumElements() > 1)) {
      printer << dense.getSplatValue<APInt>().getZExtValue();
    } else {
      ArrayRef<int64_t> shape = type.getShape();
      SmallVector<int64_t> strides(shape.size(), 1);
      for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
        strides[i] = strides[i + 1] * shape[i + 1];
      int64_t n = type.getNumElements();
      if (n == 0)
        printer << std::string(shape.size(), '[')
                << std::string(shape.size(), ']');
      int64_t i = 0;
      for (const APInt &v : dense.getValues<APInt>()) {
        // Open a bracket for each dimension this element starts.
        unsigned open = 0;
        for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
          if (i % (strides[d] * shape[d]) != 0)
            break;
          ++open;
        }
        printer << std::string(open, '[') << v.getZExtValue();
        unsigned closed = 0;
        for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
          if ((i + 1) % (strides[d] * shape[d]) != 0)
            break;
          ++closed;
        }
        printer << std::string(closed, ']');
        if (++i < n)
          printer << ", ";
      }
    }
    printer << ">";
  } else {
    printer.printAttribute(value);
  }
  printer.printOptionalAttrDict((*this)->getAttrs(), {"value"});
  printer << " : " << getType();
}

//===----------------------------------------------------------------------===//
// Conversions and arithmetic
//===----------------------------------------------------------------------===//

LogicalResult EncapsulateOp::verify() {
  return verifyConversion(*this, getInput().getType(), getType(),
                          PlainWidth::Same);
}

LogicalResult ExtractOp::verify() {
  return verifyConversion(*this, getType(), getInput().getType(),
                          PlainWidth::Same);
}

LogicalResult ReduceOp::verify() {
  return verifyConversion(*this, getInput().getType(), getType(),
                          PlainWidth::Wider);
}

LogicalResult AddOp::verify() { return verifySameModIntTypes(*this); }
LogicalResult SubOp::verify() { return verifySameModIntTypes(*this); }
LogicalResult MulOp::verify() { return verifySameModIntTypes(*this); }
LogicalResult NegOp::verify() { return verifySameModIntTypes(*this); }

LogicalResult MulShoupOp::verify() {
  Type type = getType();
  if (getLhs().getType() != type || getW().getType() != type)
    return emitOpError() << "lhs, w and the result must have the same type, "
                            "got "
                         << getLhs().getType() << ", " << getW().getType()
                         << " and " << type;
  Type storage = getStorageTypeOf(type);
  if (getWShoup().getType() != storage)
    return emitOpError() << "w_shoup must have the storage type " << storage
                         << " of " << type << ", got "
                         << getWShoup().getType();
  return success();
}
LogicalResult MacOp::verify() { return verifySameModIntTypes(*this); }

//===----------------------------------------------------------------------===//
// ntt / intt
//===----------------------------------------------------------------------===//

/// The root of a transform of length `n` modulo `q`: `given` once checked,
/// else x^((q - 1) / order) for the smallest base x >= 2 that has the order
/// (2n, or n when cyclic). Problems are reported through `emitError`.
static FailureOr<uint64_t>
resolveRoot(uint64_t q, int64_t n, bool cyclic, std::optional<uint64_t> given,
            function_ref<InFlightDiagnostic()> emitError) {
  const char *kind = cyclic ? "cyclic" : "negacyclic";
  const char *orderName = cyclic ? "N" : "2N";
  if (n < 2 || !llvm::isPowerOf2_64(n))
    return emitError() << "the transform length N = " << n
                       << " (the last dimension) must be a power of two of "
                          "at least 2";
  uint64_t order = cyclic ? n : 2 * n;
  if ((q - 1) % order != 0)
    return emitError() << "modulus " << q << " is not NTT-friendly for a "
                       << kind << " transform of length " << n << ": Q - 1 = "
                       << q - 1 << " is not a multiple of " << orderName
                       << " = " << order;
  if (given) {
    if (*given >= q)
      return emitError() << "root " << *given << " must be a residue, below Q = "
                         << q;
    if (!hasPowerOfTwoOrder(*given, order, q))
      return emitError() << "root " << *given << " does not have order "
                         << orderName << " = " << order << " modulo " << q
                         << ": " << *given << "^" << order / 2 << " mod Q = "
                         << powMod(*given, order / 2, q)
                         << ", not Q - 1 = " << q - 1;
    return *given;
  }
  if (std::optional<uint64_t> found = findRootOfOrder(order, q))
    return *found;
  return emitError() << "found no root of order " << orderName << " = "
                     << order << " modulo " << q
                     << " (is it prime?); give one with `root`";
}

/// resolveRoot for a transform op's modulus, length and attributes.
template <typename Op>
static FailureOr<uint64_t>
resolveRoot(Op op, function_ref<InFlightDiagnostic()> emitError) {
  std::optional<uint64_t> root;
  if (auto attr = op.getRootAttr())
    root = attr.getValue().getZExtValue();
  uint64_t q = getModIntElementType(op.getInput().getType()).getModulus();
  return resolveRoot(q, op.getLength(), op.getCyclic(), root, emitError);
}

template <typename Op> static LogicalResult verifyTransform(Op op) {
  return resolveRoot(op, [&] { return op.emitOpError(); });
}

template <typename Op> static uint64_t resolvedRoot(Op op) {
  // Verified ops always resolve; a detached diagnostic is dropped.
  FailureOr<uint64_t> r = resolveRoot(op, [&] {
    return mlir::emitError(UnknownLoc::get(op.getContext()));
  });
  return succeeded(r) ? *r : 0;
}

LogicalResult NttOp::verify() { return verifyTransform(*this); }
LogicalResult InttOp::verify() { return verifyTransform(*this); }
uint64_t NttOp::getResolvedRoot() { return resolvedRoot(*this); }
uint64_t InttOp::getResolvedRoot() { return resolvedRoot(*this); }

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  auto lhs = cast<RankedTensorType>(getLhs().getType());
  auto rhs = cast<RankedTensorType>(getRhs().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (lhs.getElementType() != rhs.getElementType() ||
      lhs.getElementType() != result.getElementType())
    return emitOpError() << "operands and result must have the same element "
                            "type, got "
                         << lhs.getElementType() << ", "
                         << rhs.getElementType() << " and "
                         << result.getElementType();
  if (lhs.getRank() != 2)
    return emitOpError() << "lhs must be a matrix [M, K], got " << lhs;
  if (rhs.getRank() > 2)
    return emitOpError() << "rhs must be a vector [K] or a matrix [K, N], got "
                         << rhs;
  if (rhs.getDimSize(0) != lhs.getDimSize(1))
    return emitOpError() << "contraction sizes differ: lhs has K = "
                         << lhs.getDimSize(1) << ", rhs has "
                         << rhs.getDimSize(0);
  SmallVector<int64_t> expected = {lhs.getDimSize(0)};
  if (rhs.getRank() == 2)
    expected.push_back(rhs.getDimSize(1));
  if (result.getShape() != ArrayRef<int64_t>(expected)) {
    std::string shape;
    for (int64_t d : expected)
      shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    return emitOpError() << "result must have shape [" << shape << "], got "
                         << result;
  }
  return success();
}
