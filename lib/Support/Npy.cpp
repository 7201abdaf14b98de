//===- Npy.cpp - Reading and writing NumPy .npy files ---------------------===//
//
// The format: the magic "\x93NUMPY", a major and minor version byte, the
// header length (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), then
// a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// and finally the raw element bytes.
//
//===----------------------------------------------------------------------===//

#include "anybit/Support/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>
#include <limits>
#include <optional>

using namespace anybit;
using llvm::StringRef;

static const char kMagic[] = "\x93NUMPY";
static const size_t kMagicLen = 6;

/// Bytes per element of a dtype code without byte order, or 0 if unsupported.
static size_t dtypeSize(StringRef dtype) {
  return llvm::StringSwitch<size_t>(dtype)
      .Cases({"b1", "i1", "u1"}, 1)
      .Cases({"i2", "u2", "f2"}, 2)
      .Cases({"i4", "u4", "f4"}, 4)
      .Cases({"i8", "u8", "f8"}, 8)
      .Default(0);
}

/// Product of the dimensions, or nullopt if one is negative or the product
/// does not fit in int64_t.
static std::optional<uint64_t> countElements(llvm::ArrayRef<int64_t> shape) {
  const uint64_t limit = std::numeric_limits<int64_t>::max();
  uint64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    if (dim != 0 && count > limit / uint64_t(dim))
      return std::nullopt;
    count *= uint64_t(dim);
  }
  return count;
}

/// Formats a shape the way Python prints a tuple: (), (3,) or (2, 3).
static std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

size_t NpyArray::elementSize() const { return dtypeSize(dtype); }

int64_t NpyArray::numElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

namespace {
/// The fields of a .npy header dict.
struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

/// Parses the restricted Python literal syntax that .npy headers use. Each
/// method returns false after storing a message in `error`.
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : text(text) {}

  bool parse(NpyHeader &header) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    if (!expect('{'))
      return false;
    while (!tryConsume('}')) {
      std::string key;
      if (!parseString(key) || !expect(':'))
        return false;
      bool *seen;
      bool ok;
      if (key == "descr") {
        seen = &haveDescr;
        ok = parseDescr(header.descr);
      } else if (key == "fortran_order") {
        seen = &haveOrder;
        ok = parseBool(header.fortranOrder);
      } else if (key == "shape") {
        seen = &haveShape;
        ok = parseShape(header.shape);
      } else {
        return fail("unexpected key '" + key + "'");
      }
      if (!ok)
        return false;
      if (*seen)
        return fail("duplicate key '" + key + "'");
      *seen = true;
      // Entries are separated by commas, and a trailing comma is allowed.
      if (!tryConsume(',') && !peek('}'))
        return fail("expected ',' or '}'");
    }
    skipSpace();
    if (pos != text.size())
      return fail("unexpected text after the dict");
    if (!haveDescr || !haveOrder || !haveShape)
      return fail("missing key '" +
                  std::string(!haveDescr   ? "descr"
                              : !haveOrder ? "fortran_order"
                                           : "shape") +
                  "'");
    return true;
  }

  std::string error;

private:
  StringRef text;
  size_t pos = 0;

  bool fail(const llvm::Twine &message) {
    error = ("malformed header: " + message + " at offset " + llvm::Twine(pos))
                .str();
    return false;
  }

  void skipSpace() {
    while (pos < text.size() && llvm::isSpace(text[pos]))
      ++pos;
  }

  bool peek(char c) {
    skipSpace();
    return pos < text.size() && text[pos] == c;
  }

  bool tryConsume(char c) {
    if (!peek(c))
      return false;
    ++pos;
    return true;
  }

  bool expect(char c) {
    return tryConsume(c) || fail("expected '" + llvm::Twine(c) + "'");
  }

  bool parseString(std::string &out) {
    skipSpace();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return fail("expected a string");
    char quote = text[pos];
    size_t end = text.find(quote, pos + 1);
    if (end == StringRef::npos)
      return fail("unterminated string");
    out = text.slice(pos + 1, end).str();
    pos = end + 1;
    return true;
  }

  bool parseDescr(std::string &out) {
    // A list here describes a structured dtype.
    if (peek('['))
      return fail("structured dtypes are not supported");
    return parseString(out);
  }

  bool parseBool(bool &out) {
    skipSpace();
    StringRef rest = text.drop_front(pos);
    if (rest.starts_with("True")) {
      out = true;
      pos += 4;
    } else if (rest.starts_with("False")) {
      out = false;
      pos += 5;
    } else {
      return fail("expected True or False");
    }
    return true;
  }

  bool parseDim(int64_t &out) {
    skipSpace();
    size_t start = pos;
    uint64_t value = 0;
    while (pos < text.size() && llvm::isDigit(text[pos])) {
      value = value * 10 + (text[pos] - '0');
      if (value > uint64_t(std::numeric_limits<int64_t>::max()))
        return fail("dimension too large");
      ++pos;
    }
    if (pos == start)
      return fail("expected a non-negative integer");
    // Python 2 era writers appended 'L' to long integers.
    if (pos < text.size() && text[pos] == 'L')
      ++pos;
    out = int64_t(value);
    return true;
  }

  bool parseShape(std::vector<int64_t> &out) {
    if (!expect('('))
      return false;
    bool trailingComma = false;
    while (!tryConsume(')')) {
      int64_t dim;
      if (!parseDim(dim))
        return false;
      out.push_back(dim);
      trailingComma = tryConsume(',');
      if (!trailingComma && !peek(')'))
        return fail("expected ',' or ')'");
    }
    // Without the comma, "(3)" is the integer 3 rather than a tuple.
    if (out.size() == 1 && !trailingComma)
      return fail("shape is not a tuple");
    return true;
  }
};
} // namespace

static llvm::Error makeError(StringRef name, const llvm::Twine &message) {
  return llvm::createStringError(name + ": " + message);
}

llvm::Expected<NpyArray> anybit::parseNpy(llvm::ArrayRef<uint8_t> bytes,
                                          StringRef nameForErrors) {
  StringRef name = nameForErrors;
  // A proper prefix of the magic is a truncated file, not a foreign one.
  StringRef magic(kMagic, kMagicLen);
  if (!magic.starts_with(llvm::toStringRef(bytes).take_front(kMagicLen)))
    return makeError(name, "not a .npy file (bad magic)");
  if (bytes.size() < kMagicLen + 2)
    return makeError(name, "file is too short to be a .npy file (" +
                               llvm::Twine(bytes.size()) + " bytes)");
  unsigned major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0)
    return makeError(name, "unsupported .npy format version " +
                               llvm::Twine(major) + "." + llvm::Twine(minor));
  // Version 1.0 stores the header length in 2 bytes, later versions in 4.
  size_t lenBytes = major == 1 ? 2 : 4;
  size_t prefix = kMagicLen + 2 + lenBytes;
  if (bytes.size() < prefix)
    return makeError(name, "truncated before the header length");
  uint64_t headerLen = 0;
  for (size_t i = 0; i < lenBytes; ++i)
    headerLen |= uint64_t(bytes[kMagicLen + 2 + i]) << (8 * i);
  if (headerLen > bytes.size() - prefix)
    return makeError(name, "header is truncated: it needs " +
                               llvm::Twine(headerLen) + " bytes but only " +
                               llvm::Twine(bytes.size() - prefix) + " follow");

  StringRef text(reinterpret_cast<const char *>(bytes.data()) + prefix,
                 headerLen);
  HeaderParser parser(text);
  NpyHeader header;
  if (!parser.parse(header))
    return makeError(name, parser.error);

  StringRef descr = header.descr;
  char order = '|';
  if (!descr.empty() && StringRef("<>|=").contains(descr.front())) {
    order = descr.front();
    descr = descr.drop_front();
  }
  size_t elemSize = dtypeSize(descr);
  if (elemSize == 0)
    return makeError(name, "unsupported dtype '" + header.descr + "'");
  // Byte order only matters for multi-byte elements.
  if (order == '>' && elemSize > 1)
    return makeError(name, "big-endian dtype '" + header.descr +
                               "' is not supported");
  if (header.fortranOrder)
    return makeError(name, "fortran_order arrays are not supported");

  std::optional<uint64_t> count = countElements(header.shape);
  if (!count ||
      *count > uint64_t(std::numeric_limits<int64_t>::max()) / elemSize)
    return makeError(name,
                     "shape " + formatShape(header.shape) + " is too large");
  uint64_t expected = *count * elemSize;
  uint64_t actual = bytes.size() - prefix - headerLen;
  if (actual != expected)
    return makeError(name, "data has " + llvm::Twine(actual) +
                               " bytes, expected " + llvm::Twine(expected) +
                               " for shape " + formatShape(header.shape) +
                               " of '" + header.descr + "'");

  NpyArray array;
  array.dtype = descr.str();
  array.shape = std::move(header.shape);
  array.data.assign(bytes.end() - actual, bytes.end());
  return array;
}

llvm::Expected<NpyArray> anybit::readNpy(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path, "cannot read: " + buffer.getError().message());
  return parseNpy(llvm::arrayRefFromStringRef((*buffer)->getBuffer()), path);
}

std::vector<uint8_t> anybit::serializeNpy(const NpyArray &array) {
  size_t elemSize = array.elementSize();
  assert(elemSize != 0 && "unsupported dtype");
  assert(countElements(array.shape) &&
         array.data.size() == *countElements(array.shape) * elemSize &&
         "data size does not match the shape");

  std::string dict = "{'descr': '";
  dict += elemSize == 1 ? '|' : '<';
  dict += array.dtype +
          "', 'fortran_order': False, 'shape': " + formatShape(array.shape) +
          ", }";
  // Pad with spaces and end with '\n' so that the data is 64-byte aligned;
  // fall back to version 2.0 only if the header outgrows a 2-byte length.
  unsigned major = 1;
  size_t prefix = kMagicLen + 4;
  size_t headerLen = llvm::alignTo(prefix + dict.size() + 1, 64) - prefix;
  if (headerLen > 0xffff) {
    major = 2;
    prefix = kMagicLen + 6;
    headerLen = llvm::alignTo(prefix + dict.size() + 1, 64) - prefix;
  }

  std::vector<uint8_t> out(kMagic, kMagic + kMagicLen);
  out.push_back(major);
  out.push_back(0);
  for (size_t i = 0; i < prefix - kMagicLen - 2; ++i)
    out.push_back(uint8_t(headerLen >> (8 * i)));
  out.insert(out.end(), dict.begin(), dict.end());
  out.resize(prefix + headerLen - 1, ' ');
  out.push_back('\n');
  out.insert(out.end(), array.data.begin(), array.data.end());
  return out;
}

llvm::Error anybit::writeNpy(StringRef path, const NpyArray &array) {
  size_t elemSize = array.elementSize();
  if (elemSize == 0)
    return makeError(path,
                     "cannot write unsupported dtype '" + array.dtype + "'");
  std::optional<uint64_t> count = countElements(array.shape);
  if (!count || array.data.size() / elemSize != *count ||
      array.data.size() % elemSize != 0)
    return makeError(
        path, "cannot write: data has " + llvm::Twine(array.data.size()) +
                  " bytes, which does not match shape " +
                  formatShape(array.shape) + " of '" + array.dtype + "'");

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError(path, "cannot open for writing: " + ec.message());
  std::vector<uint8_t> bytes = serializeNpy(array);
  os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  os.close();
  if (os.has_error()) {
    std::error_code writeError = os.error();
    // raw_fd_ostream aborts on destruction if an error is left pending.
    os.clear_error();
    return makeError(path, "cannot write: " + writeError.message());
  }
  return llvm::Error::success();
}
