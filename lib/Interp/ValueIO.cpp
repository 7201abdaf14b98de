//===- ValueIO.cpp - Moving VM values in and out --------------------------===//

#include "anybit/Interp/ValueIO.h"

#include "Anybit/AnybitDialect.h"
#include "Handlers.h"
#include "ModArith/ModArithDialect.h"
#include "anybit/Interp/ElementCodec.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

using namespace mlir;
using anybit::PackedEncodingAttr;

namespace anybit {

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + (shape.size() == 1 ? ",)" : ")");
}

/// Plain integers from numpy integers of type T (little-endian), each
/// wrapped to `mask`: the general conversion's rule, in a loop of its own
/// per dtype (pack's and .npy inputs' time is spent here).
template <typename T>
static void wrapIntegers(const uint8_t *data, uint64_t mask,
                         MutableArrayRef<uint64_t> out) {
  using namespace llvm::support;
  for (auto [i, bits] : llvm::enumerate(out))
    bits =
        static_cast<uint64_t>(static_cast<int64_t>(
            endian::read<T, llvm::endianness::little>(data + i * sizeof(T)))) &
        mask;
}

/// The integer elements `bits` as numpy integers of type T: ElementCodec's
/// toInt, with the codec's fields in locals (stores through `out` could
/// alias them, which reloaded them for every element).
template <typename T>
static void writeIntegers(const ElementCodec &codec, ArrayRef<uint64_t> bits,
                          uint8_t *out) {
  using namespace llvm::support;
  auto write = [&](size_t i, Int128 value) {
    endian::write<T, llvm::endianness::little>(out + i * sizeof(T),
                                               static_cast<T>(value));
  };
  unsigned width = codec.getWidth();
  uint64_t mask = codec.getMask();
  switch (codec.getKind()) {
  case ElementCodec::Kind::SignedInt:
    for (auto [i, b] : llvm::enumerate(bits))
      write(i, llvm::SignExtend64(b, width));
    break;
  case ElementCodec::Kind::UnsignedInt:
    for (auto [i, b] : llvm::enumerate(bits))
      write(i, b & mask);
    break;
  default:
    for (auto [i, b] : llvm::enumerate(bits))
      write(i, codec.toInt(b));
  }
}

/// The first element (row-major) of packed trits whose 2-bit code is 3, if
/// any.
static std::optional<uint64_t> findNonTritCode(const uint8_t *data,
                                               RankedTensorType type) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  // Base-3 digits are at most 2 whatever the byte.
  if (enc.getBase3())
    return std::nullopt;
  uint64_t count = type.getNumElements();
  // Tiles store elements out of row-major order, bit planes their bits
  // apart: read them back whole, in row-major order.
  if (enc.isTiled() || enc.hasBitPlanes()) {
    std::vector<uint64_t> codes = enc.unpackData(
        type.getShape(), type.getElementType(),
        ArrayRef<uint8_t>(data, enc.getDataBytes(type.getShape(),
                                                 type.getElementType())));
    auto bad = llvm::find(codes, 3);
    return bad == codes.end() ? std::nullopt
                              : std::optional<uint64_t>(bad - codes.begin());
  }
  // 2-bit codes sit at bit 2i in every word size: a byte's codes 3 are its
  // bit pairs with both bits set.
  for (uint64_t byte = 0; byte < (count + 3) / 4; ++byte) {
    unsigned threes = data[byte] & (data[byte] >> 1) & 0x55;
    uint64_t inByte = std::min<uint64_t>(4, count - 4 * byte);
    threes &= (1u << (2 * inByte)) - 1;
    if (threes)
      return 4 * byte + llvm::countr_zero(threes) / 2;
  }
  return std::nullopt;
}

LogicalResult checkPackedTrits(const uint8_t *data, RankedTensorType type,
                               Location loc) {
  if (!isa<TritType>(type.getElementType()))
    return success();
  std::optional<uint64_t> bad = findNonTritCode(data, type);
  if (!bad)
    return success();
  return emitError(loc) << "element " << *bad << " of the packed " << type
                        << " has code 3, which is not a trit (codes are 0, 1 "
                           "and 2 for -1, 0 and +1)";
}

static FailureOr<RtValue> packedFromNpy(const NpyArray &array,
                                        RankedTensorType type, Location loc) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  uint64_t total = enc.getTotalBytes(type.getShape(), type.getElementType());
  if (array.dtype != "u1" || array.shape.size() != 1 ||
      static_cast<uint64_t>(array.shape[0]) != total)
    return emitError(loc) << "a packed " << type << " travels as a 1-D uint8 "
                          << "array of " << total << " bytes, got dtype '"
                          << array.dtype << "' shape "
                          << shapeString(array.shape);
  const uint8_t *p = array.data.data();
  if (failed(checkPackedTrits(p, type, loc)))
    return failure();
  return RtValue::packedTensor(type, std::vector<uint8_t>(p, p + total));
}

static LogicalResult checkArgumentType(Type type, Location loc) {
  if (isRuntimeType(type))
    return success();
  return emitError(loc) << "the reference VM cannot take an argument of type "
                        << type;
}

namespace {
/// How the elements of values of one type are read and written: their
/// codec (an RNS tensor's words are unsigned residues) and the modulus
/// each must be below, if any (the limb's, in an RNS tensor).
struct ElementRules {
  explicit ElementRules(Type type)
      : rns(modarith::ResidueLayout::get(type)),
        codec(rns && rns->isRns()
                  ? ElementCodec(IntegerType::get(type.getContext(),
                                                  rns->getWidth(),
                                                  IntegerType::Unsigned))
                  : ElementCodec(getElementTypeOrSelf(type))) {
    if (rns && !rns->isRns())
      rns.reset(); // a !modarith.int's modulus is the codec's
  }

  /// The modulus element `index` must be below, or 0 for none.
  uint64_t modulusAt(size_t index) const {
    return rns ? rns->getModulusAt(index) : codec.getModulus();
  }

  std::optional<modarith::ResidueLayout> rns;
  ElementCodec codec;
};
} // namespace

/// Trits are not wrapped like integers: -1, 0 and +1 are the only values.
static LogicalResult checkTrit(const ElementCodec &codec, Int128 value,
                               size_t index, Type type, Location loc) {
  if (codec.getKind() != ElementCodec::Kind::Trit || (value >= -1 && value <= 1))
    return success();
  return emitError(loc) << "element " << index << " of the value for " << type
                        << " is " << static_cast<int64_t>(value)
                        << ", not a trit (-1, 0 or +1)";
}

FailureOr<RtValue> valueFromNpy(const NpyArray &array, Type type,
                                Location loc) {
  if (failed(checkArgumentType(type, loc)))
    return failure();
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (getPackedEncoding(type))
    return packedFromNpy(array, tensor, loc);
  ArrayRef<int64_t> shape = tensor ? tensor.getShape() : ArrayRef<int64_t>();
  if (ArrayRef<int64_t>(array.shape) != shape)
    return emitError(loc) << "expected an array of shape " << shapeString(shape)
                          << " for " << type << ", got shape "
                          << shapeString(array.shape);
  ElementRules rules(type);
  const ElementCodec &codec = rules.codec;
  char kind = array.dtype[0];
  size_t size = array.elementSize();
  if (codec.isInteger() && kind == 'f')
    return emitError(loc) << "expected integer data for " << type
                          << ", got float dtype '" << array.dtype << "'";
  std::optional<ElementCodec> half;
  if (array.dtype == "f2")
    half.emplace(Float16Type::get(type.getContext()));
  // An array of the element's own float type is taken bit for bit (NaN
  // payloads too), as compiled calls read such arrays in place.
  Type element = getElementTypeOrSelf(type);
  bool sameFloat = (element.isF16() && array.dtype == "f2") ||
                   (element.isF32() && array.dtype == "f4") ||
                   (element.isF64() && array.dtype == "f8");
  std::vector<uint64_t> elements(array.numElements());
  // (Decided once, not per element: pack's and .npy inputs' cost is this
  // loop.)
  const uint8_t *data = array.data.data();
  auto rawAt = [&](size_t i) -> uint64_t {
    switch (size) {
    case 1:
      return data[i];
    case 2:
      return llvm::support::endian::read16le(data + 2 * i);
    case 4:
      return llvm::support::endian::read32le(data + 4 * i);
    default:
      return llvm::support::endian::read64le(data + 8 * i);
    }
  };
  bool trits = codec.getKind() == ElementCodec::Kind::Trit;
  bool residues = rules.rns || codec.getModulus();
  if (!trits && !residues && codec.isInteger() && kind != 'f') {
    bool isSigned = kind == 'i';
    uint64_t mask = codec.getMask();
    switch (size) {
    case 1:
      isSigned ? wrapIntegers<int8_t>(data, mask, elements)
               : wrapIntegers<uint8_t>(data, mask, elements);
      break;
    case 2:
      isSigned ? wrapIntegers<int16_t>(data, mask, elements)
               : wrapIntegers<uint16_t>(data, mask, elements);
      break;
    case 4:
      isSigned ? wrapIntegers<int32_t>(data, mask, elements)
               : wrapIntegers<uint32_t>(data, mask, elements);
      break;
    default:
      isSigned ? wrapIntegers<int64_t>(data, mask, elements)
               : wrapIntegers<uint64_t>(data, mask, elements);
    }
    return detail::makeValue(type, std::move(elements));
  }
  for (size_t i = 0; i < elements.size(); ++i) {
    uint64_t raw = rawAt(i);
    if (sameFloat) {
      elements[i] = raw;
      continue;
    }
    if (kind == 'f') {
      double v = size == 2   ? half->toDouble(raw)
                 : size == 4 ? llvm::bit_cast<float>(static_cast<uint32_t>(raw))
                             : llvm::bit_cast<double>(raw);
      elements[i] = codec.fromDouble(v);
      continue;
    }
    Int128 v =
        kind == 'i' ? Int128(llvm::SignExtend64(raw, 8 * size)) : Int128(raw);
    if (trits && failed(checkTrit(codec, v, i, type, loc)))
      return failure();
    if (uint64_t q = residues ? rules.modulusAt(i) : 0;
        q && (v < 0 || v >= Int128(q)))
      return emitError(loc) << "element " << i << " of the array for " << type
                            << " is " << (v < 0 ? "negative" : "too large")
                            << ": a residue modulo " << q
                            << " must be in [0, " << q << ")";
    elements[i] = codec.fromInt(v);
  }
  return detail::makeValue(type, std::move(elements));
}

FailureOr<RtValue> valueFromLiteral(StringRef text, Type type, Location loc) {
  if (failed(checkArgumentType(type, loc)))
    return failure();
  MLIRContext *ctx = type.getContext();
  if (getPackedEncoding(type))
    return emitError(loc) << "a packed " << type
                          << " cannot be given as a literal; pass a .npy file";
  Type elementType = getElementTypeOrSelf(type);
  ElementRules rules(type);
  const ElementCodec &codec = rules.codec;
  // Literals are read as i64 or f64 and converted with the VM's rules, so
  // every element type, !anybit.float included, takes the same syntax.
  // Residues are read as i65 so that every value up to 2^64 - 1 and every
  // negative one are told apart, then checked against [0, Q).
  bool residues = rules.rns || codec.getModulus();
  // A hex literal of a float is its bit pattern, as in MLIR (`0x3C00` is
  // f16's 1.0), whatever the format: read as an integer, then checked to
  // fit the element's width.
  bool floatBits = codec.isFloat() && text.contains_insensitive("0x");
  Type wide = codec.isInteger() || floatBits
                  ? Type(IntegerType::get(ctx, residues || floatBits ? 65 : 64))
                  : Type(Float64Type::get(ctx));
  auto tensor = dyn_cast<RankedTensorType>(type);
  Type parseType =
      tensor ? Type(RankedTensorType::get(tensor.getShape(), wide)) : wide;
  // MLIR's parser takes a complex "(re, im)" for any element type and
  // builds a malformed splat; no Anybit element is complex, and no other
  // attribute with parentheses (a location, a map) is a literal.
  if (text.contains('('))
    return emitError(loc) << "cannot read '" << text << "' as a literal of "
                          << type
                          << ": expected numbers (e.g. dense<[1, 2]> or 3), "
                             "not complex ones or another attribute";
  size_t numRead = 0;
  Attribute attr = parseAttribute(text, ctx, parseType, &numRead);
  if (!attr || numRead != text.size())
    return emitError(loc) << "cannot read '" << text << "' as a literal of "
                          << type;
  std::vector<uint64_t> elements;
  std::optional<APInt> badResidue, badBits;
  bool badTrit = false;
  uint64_t badModulus = 0;
  auto convert = [&](Attribute a) -> uint64_t {
    uint64_t modulus = rules.modulusAt(elements.size());
    if (auto i = dyn_cast<IntegerAttr>(a); i && modulus) {
      const APInt &v = i.getValue();
      if (v.isNegative() || v.uge(modulus)) {
        if (!badResidue) {
          badResidue = v;
          badModulus = modulus;
        }
        return 0;
      }
      return v.getZExtValue();
    }
    if (auto i = dyn_cast<IntegerAttr>(a); i && floatBits) {
      const APInt &v = i.getValue();
      if (v.isNegative() || v.ugt(codec.getMask())) {
        if (!badBits)
          badBits = v;
        return 0;
      }
      return v.getZExtValue();
    }
    if (auto i = dyn_cast<IntegerAttr>(a)) {
      if (!badTrit && failed(checkTrit(codec, i.getValue().getSExtValue(),
                                       elements.size(), type, loc)))
        badTrit = true; // one diagnostic, for the first
      return codec.fromInt(i.getValue().getSExtValue());
    }
    return codec.fromDouble(cast<FloatAttr>(a).getValueAsDouble());
  };
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    for (Attribute a : dense.getValues<Attribute>())
      elements.push_back(convert(a));
  } else if (isa<IntegerAttr, FloatAttr>(attr) && !tensor) {
    elements.push_back(convert(attr));
  } else {
    return emitError(loc) << "expected a " << (tensor ? "dense<...>" : "number")
                          << " literal for " << type << ", got '" << text
                          << "'";
  }
  if (badTrit)
    return failure();
  if (badBits)
    return emitError(loc)
           << "bit pattern " << (badBits->isNegative() ? "-0x" : "0x")
           << llvm::toString(badBits->abs(), 16, /*Signed=*/false)
           << " does not fit in the " << llvm::popcount(codec.getMask())
           << " bits of " << elementType;
  if (badResidue)
    return emitError(loc) << "value "
                          << llvm::toString(*badResidue, 10, /*Signed=*/true)
                          << " is not a residue of "
                          << (modarith::getRnsEncoding(type) ? type : elementType)
                          << ": it must be in [0, " << badModulus << ")";
  return detail::makeValue(type, std::move(elements));
}

FailureOr<SmallVector<RtValue>> valuesFromInputs(ArrayRef<std::string> inputs,
                                                 ArrayRef<Type> types,
                                                 MLIRContext *context) {
  SmallVector<RtValue> values;
  for (auto [i, text, type] : llvm::enumerate(inputs, types)) {
    Location loc = FileLineColLoc::get(
        context, "argument " + std::to_string(i) + " ('" + text + "')", 1, 1);
    FailureOr<RtValue> value;
    if (StringRef(text).ends_with(".npy")) {
      auto array = readNpy(text);
      if (!array)
        return emitError(loc) << llvm::toString(array.takeError());
      value = valueFromNpy(*array, type, loc);
    } else {
      value = valueFromLiteral(text, type, loc);
    }
    if (failed(value))
      return failure();
    values.push_back(*value);
  }
  return values;
}

/// Whether every value of a float element type is exact in float32.
static bool fitsFloat32(Type elementType) {
  if (elementType.isF32())
    return true;
  auto format = anybit::getFloatFormat(elementType);
  return format && format->maxFinite() <= std::numeric_limits<float>::max() &&
         format->minPositive() >= std::ldexp(1.0, -149) &&
         format->manBits <= 23;
}

LogicalResult writeResults(ArrayRef<RtValue> results, StringRef outputDir,
                           bool quiet, Location loc) {
  if (!outputDir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return emitError(loc) << "cannot create '" << outputDir
                            << "': " << ec.message();
  for (auto [i, value] : llvm::enumerate(results)) {
    if (!quiet) {
      llvm::outs() << "result" << i << ": ";
      printValue(llvm::outs(), value);
    }
    if (outputDir.empty())
      continue;
    SmallString<128> path(outputDir);
    llvm::sys::path::append(path, "result" + std::to_string(i) + ".npy");
    if (llvm::Error err = writeNpy(path, valueToNpy(value)))
      return emitError(loc) << llvm::toString(std::move(err));
  }
  return success();
}

std::string getTravelDtype(Type type) {
  Type elementType = getElementTypeOrSelf(type);
  ElementCodec codec = ElementRules(type).codec;
  if (codec.isFloat()) {
    if (elementType.isF16())
      return "f2";
    return fitsFloat32(elementType) ? "f4" : "f8";
  }
  if (elementType.isSignlessInteger(1))
    return "b1";
  unsigned w = codec.getWidth();
  unsigned bytes = w <= 8 ? 1 : w <= 16 ? 2 : w <= 32 ? 4 : 8;
  char kind = codec.getKind() == ElementCodec::Kind::UnsignedInt ? 'u' : 'i';
  return std::string(1, kind) + std::to_string(bytes);
}

NpyArray valueToNpy(const RtValue &value) {
  NpyArray array;
  if (value.isPacked()) {
    array.dtype = "u1";
    array.data = value.getPlanes().bytes.vec();
    array.shape = {static_cast<int64_t>(array.data.size())};
    return array;
  }
  array.dtype = getTravelDtype(value.getType());
  array.shape.assign(value.getShape().begin(), value.getShape().end());
  array.data.resize(array.elementSize() * value.getNumElements());
  writeTravelElements(value.getType(), value.getElements(), array.data.data());
  return array;
}

void writeTravelElements(Type type, ArrayRef<uint64_t> bits, uint8_t *out) {
  Type elementType = getElementTypeOrSelf(type);
  ElementCodec codec = ElementRules(type).codec;
  NpyArray travel;
  travel.dtype = getTravelDtype(type);
  size_t size = travel.elementSize();
  if (codec.isInteger()) {
    switch (size) {
    case 1:
      return writeIntegers<uint8_t>(codec, bits, out);
    case 2:
      return writeIntegers<uint16_t>(codec, bits, out);
    case 4:
      return writeIntegers<uint32_t>(codec, bits, out);
    default:
      return writeIntegers<uint64_t>(codec, bits, out);
    }
  }
  bool nativeBits = elementType.isF16() || elementType.isF32() ||
                    elementType.isF64();
  for (auto [i, b] : llvm::enumerate(bits)) {
    uint64_t raw;
    if (nativeBits)
      raw = b;
    else if (size == 8)
      raw = llvm::bit_cast<uint64_t>(codec.toDouble(b));
    else
      raw = llvm::bit_cast<uint32_t>(static_cast<float>(codec.toDouble(b)));
    switch (size) {
    case 2:
      llvm::support::endian::write16le(out + 2 * i, uint16_t(raw));
      break;
    case 4:
      llvm::support::endian::write32le(out + 4 * i, uint32_t(raw));
      break;
    default:
      llvm::support::endian::write64le(out + 8 * i, raw);
    }
  }
}

static void printElement(raw_ostream &os, const ElementCodec &codec,
                         uint64_t bits) {
  if (codec.isInteger()) {
    Int128 v = codec.toInt(bits);
    if (v < 0)
      os << static_cast<int64_t>(v);
    else
      os << static_cast<uint64_t>(v);
    return;
  }
  double v = codec.toDouble(bits);
  if (std::isnan(v)) {
    os << "nan";
    return;
  }
  if (std::isinf(v)) {
    os << (v < 0 ? "-inf" : "inf");
    return;
  }
  // The shortest text that reads back to the same value (of the element's
  // precision: f32 for f32, double otherwise, which every small float fits).
  bool single = codec.getKind() == ElementCodec::Kind::F32;
  char text[40];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof(text), "%.*g", digits, v);
    if (single ? std::strtof(text, nullptr) == static_cast<float>(v)
               : std::strtod(text, nullptr) == v)
      break;
  }
  // Integers print as integers (16777220, not 1.677722e+07).
  if (std::strchr(text, 'e') && v == std::trunc(v) && std::fabs(v) < 1e17)
    std::snprintf(text, sizeof(text), "%.0f", v);
  os << text;
}

void printValue(raw_ostream &os, const RtValue &value) {
  os << value.getType() << " = ";
  if (value.isPacked()) {
    NpyArray bytes = valueToNpy(value);
    os << "bytes[";
    for (auto [i, b] : llvm::enumerate(bytes.data))
      os << (i ? " " : "") << llvm::format_hex_no_prefix(b, 2);
    os << "]\n";
    return;
  }
  ElementCodec codec = ElementRules(value.getType()).codec;
  ArrayRef<int64_t> shape = value.getShape();
  ArrayRef<uint64_t> elements = value.getElements();
  SmallVector<int64_t> strides = detail::rowMajorStrides(shape);
  int64_t e = value.getNumElements();
  if (e == 0 && !shape.empty())
    os << std::string(shape.size(), '[') << std::string(shape.size(), ']');
  for (int64_t i = 0; i < e; ++i) {
    // Open a bracket for every dimension the first element starts.
    if (i == 0)
      os << std::string(shape.size(), '[');
    printElement(os, codec, elements[i]);
    // Close the dimensions this element ends, then separate.
    unsigned closed = 0;
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if ((i + 1) % (strides[d] * shape[d]) != 0)
        break;
      ++closed;
    }
    os << std::string(closed, ']');
    if (i + 1 < e)
      os << ", " << std::string(closed, '[');
  }
  os << "\n";
}

} // namespace anybit
