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

LogicalResult PackedEncodingAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, unsigned word, bool straddle,
    ArrayRef<int64_t> block, Type scale, Type zeroPoint, bool base3,
    ArrayRef<int64_t> tile, ArrayRef<int64_t> bitPlanes) {
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
  for (int64_t t : tile)
    if (t <= 0)
      return emitError() << "tile sizes must be positive, got [" << tile
                         << "]";
  if (bitPlanes.size() == 1)
    return emitError() << "bit_planes needs at least two planes, got ["
                       << bitPlanes << "]";
  for (int64_t w : bitPlanes)
    if (w <= 0 || w > 64)
      return emitError() << "bit plane widths must be 1 to 64, got ["
                         << bitPlanes << "]";
  if (base3 && !bitPlanes.empty())
    return emitError() << "base3 packing has no bit planes";
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
  // Its byte sizes would overflow past that.
  if (!countElements(shape))
    return emitError() << "#anybit.packed holds at most 2^56 elements";
  if (getBase3() && !isa<TritType>(elementType))
    return emitError() << "base3 packing holds !anybit.trit elements, not "
                       << elementType;
  unsigned bits = getElementBitWidth(elementType);
  if (!getStraddle() && bits > getWord())
    return emitError() << bits << "-bit elements do not fit a " << getWord()
                       << "-bit word without straddling";
  if (hasBitPlanes()) {
    int64_t sum = 0;
    for (int64_t w : getBitPlanes())
      sum += w;
    if (sum != bits)
      return emitError() << "bit planes [" << getBitPlanes() << "] hold " << sum
                         << " bits, not the " << bits << " of " << elementType;
  }
  if (ArrayRef<int64_t> tile = getTile(); !tile.empty()) {
    if (tile.size() != shape.size())
      return emitError() << "tile rank " << tile.size()
                         << " does not match tensor rank " << shape.size();
    for (auto [dim, size, t] : llvm::enumerate(shape, tile))
      if (size % t != 0)
        return emitError() << "tile size " << t
                           << " does not divide dimension " << dim
                           << " of size " << size;
  }
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
  for (int64_t w : getBitPlanes())
    layout.bitPlanes.push_back(unsigned(w));
  return layout;
}

uint64_t PackedEncodingAttr::getStoragePosition(ArrayRef<int64_t> shape,
                                                uint64_t linear) const {
  ArrayRef<int64_t> tile = getTile();
  if (tile.empty())
    return linear;
  // Row-major over the tile grid, then row-major inside the tile.
  uint64_t tileIndex = 0, inTile = 0, tileSize = 1;
  SmallVector<uint64_t> index(shape.size());
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    index[d] = linear % uint64_t(shape[d]);
    linear /= uint64_t(shape[d]);
  }
  for (auto [i, size, t] : llvm::zip(index, shape, tile)) {
    tileIndex = tileIndex * uint64_t(size / t) + i / uint64_t(t);
    inTile = inTile * uint64_t(t) + i % uint64_t(t);
    tileSize *= uint64_t(t);
  }
  return tileIndex * tileSize + inTile;
}

std::vector<uint8_t>
PackedEncodingAttr::packData(ArrayRef<int64_t> shape, Type elementType,
                             ArrayRef<uint64_t> values) const {
  ::anybit::BitLayout layout = getBitLayout(elementType);
  // Row-major values are already in storage order without tiles.
  std::vector<uint64_t> reordered;
  if (isTiled()) {
    reordered.resize(values.size());
    for (auto [i, v] : llvm::enumerate(values))
      reordered[getStoragePosition(shape, i)] = v;
    values = reordered;
  }
  std::vector<uint8_t> bytes(layout.storageBytes(values.size()));
  if (!values.empty())
    ::anybit::packBits(values.data(), values.size(), layout, bytes.data());
  return bytes;
}

std::vector<uint64_t>
PackedEncodingAttr::unpackData(ArrayRef<int64_t> shape, Type elementType,
                               ArrayRef<uint8_t> data) const {
  uint64_t count = uint64_t(ShapedType::getNumElements(shape));
  std::vector<uint64_t> stored(count);
  if (count)
    ::anybit::unpackBits(data.data(), count, getBitLayout(elementType),
                         stored.data());
  if (!isTiled())
    return stored;
  std::vector<uint64_t> values(count);
  for (uint64_t i = 0; i < count; ++i)
    values[i] = stored[getStoragePosition(shape, i)];
  return values;
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
