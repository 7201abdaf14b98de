//===- AnybitAttrs.cpp - anybit attributes --------------------------------===//

#include "Anybit/AnybitDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace anybit;

#include "Anybit/AnybitEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Anybit/AnybitAttrs.cpp.inc"

void AnybitDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Anybit/AnybitAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// PackedEncodingAttr
//===----------------------------------------------------------------------===//

LogicalResult
PackedEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           unsigned word, bool straddle,
                           ArrayRef<int64_t> block, Type scale,
                           Type zeroPoint, bool base3) {
  if (base3 && (word != 8 || !straddle || !block.empty()))
    return emitError() << "base3 packing has no word size, straddle option "
                          "or blocks";
  if (word != 8 && word != 16 && word != 32 && word != 64)
    return emitError() << "container word must be 8, 16, 32 or 64 bits, got "
                       << word;
  for (int64_t b : block)
    if (b <= 0)
      return emitError() << "block sizes must be positive, got [" << block
                         << "]";
  if (!block.empty() && !scale)
    return emitError() << "a block encoding needs a scale type";
  if (block.empty() && (scale || zeroPoint))
    return emitError() << "scale and zero_point need a block shape";
  if (scale && !isAnyFloat(scale))
    return emitError() << "scale type must be a float type, got " << scale;
  if (zeroPoint && !isNumericElementType(zeroPoint))
    return emitError() << "zero_point type must be an integer or float type, "
                          "got "
                       << zeroPoint;
  return success();
}

LogicalResult PackedEncodingAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type elementType,
    function_ref<InFlightDiagnostic()> emitError) const {
  // The parser verifies encodings even after an element type failed to
  // parse (and was reported); there is nothing more to say.
  if (!elementType)
    return failure();
  if (!isNumericElementType(elementType))
    return emitError() << "#anybit.packed cannot hold elements of type "
                       << elementType;
  if (ShapedType::isDynamicShape(shape))
    return emitError() << "#anybit.packed needs a static shape";
  if (getBase3() && !isa<TritType>(elementType))
    return emitError() << "base3 packing holds !anybit.trit elements, not "
                       << elementType;
  unsigned bits = getElementBitWidth(elementType);
  if (!getStraddle() && bits > getWord())
    return emitError() << bits << "-bit elements do not fit a " << getWord()
                       << "-bit word without straddling";
  if (!hasBlocks())
    return success();
  ArrayRef<int64_t> block = getBlock();
  if (block.size() != shape.size())
    return emitError() << "block rank " << block.size()
                       << " does not match tensor rank " << shape.size();
  for (auto [dim, size, b] : llvm::enumerate(shape, block))
    if (size % b != 0)
      return emitError() << "block size " << b << " does not divide dimension "
                         << dim << " of size " << size;
  return success();
}

::anybit::BitLayout PackedEncodingAttr::getBitLayout(Type elementType) const {
  ::anybit::BitLayout layout;
  layout.bits = getElementBitWidth(elementType);
  layout.wordBits = getWord();
  layout.straddle = getStraddle();
  layout.base3 = getBase3();
  return layout;
}

uint64_t PackedEncodingAttr::getDataBytes(ArrayRef<int64_t> shape,
                                          Type elementType) const {
  return getBitLayout(elementType)
      .storageBytes(static_cast<uint64_t>(ShapedType::getNumElements(shape)));
}

SmallVector<int64_t>
PackedEncodingAttr::getBlockGridShape(ArrayRef<int64_t> shape) const {
  SmallVector<int64_t> grid;
  for (auto [size, b] : llvm::zip(shape, getBlock()))
    grid.push_back(size / b);
  return grid;
}

static ::anybit::BitLayout denseLayout(Type type) {
  ::anybit::BitLayout layout;
  layout.bits = getElementBitWidth(type);
  return layout;
}

::anybit::BitLayout PackedEncodingAttr::getScaleLayout() const {
  return denseLayout(getScale());
}

::anybit::BitLayout PackedEncodingAttr::getZeroPointLayout() const {
  return denseLayout(getZeroPoint());
}

static uint64_t planeBytes(ArrayRef<int64_t> grid, Type type) {
  if (!type)
    return 0;
  return denseLayout(type).storageBytes(
      static_cast<uint64_t>(ShapedType::getNumElements(grid)));
}

uint64_t PackedEncodingAttr::getScaleBytes(ArrayRef<int64_t> shape) const {
  return hasBlocks() ? planeBytes(getBlockGridShape(shape), getScale()) : 0;
}

uint64_t PackedEncodingAttr::getZeroPointBytes(ArrayRef<int64_t> shape) const {
  return hasBlocks() ? planeBytes(getBlockGridShape(shape), getZeroPoint())
                     : 0;
}

uint64_t PackedEncodingAttr::getTotalBytes(ArrayRef<int64_t> shape,
                                           Type elementType) const {
  return getDataBytes(shape, elementType) + getScaleBytes(shape) +
         getZeroPointBytes(shape);
}

//===----------------------------------------------------------------------===//
// LayoutAttr
//===----------------------------------------------------------------------===//

Attribute LayoutAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  std::string text;
  if (parser.parseLess() || parser.parseString(&text) || parser.parseGreater())
    return {};
  std::string error;
  std::optional<::anybit::Layout> layout =
      ::anybit::Layout::parse(text, &error);
  if (!layout) {
    parser.emitError(loc, "invalid layout: ") << error;
    return {};
  }
  return LayoutAttr::get(parser.getContext(), *layout);
}

void LayoutAttr::print(AsmPrinter &printer) const {
  printer << "<\"" << getLayout().str() << "\">";
}
