//===- Layout.cpp - Tilus-style register layout algebra -------------------===//

#include "anybit/Layout/Layout.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cassert>

using namespace anybit;
using llvm::ArrayRef;
using llvm::MutableArrayRef;
using llvm::SmallVector;
using llvm::SmallVectorImpl;
using llvm::StringRef;
using llvm::Twine;
using Kind = Layout::Kind;

namespace anybit::detail {
struct LayoutNode {
  Kind kind;
  // Primitive extents (Replicated: the thread count) or Permute permutation.
  SmallVector<int64_t, 4> params;
  // Compose factors, or the single Reshape / Permute operand.
  SmallVector<Layout, 2> operands;
  SmallVector<int64_t, 4> shape;
  int64_t numThreads = 1;
  int64_t numLocals = 1;
  int64_t numElements = 1;
  int64_t numReplicas = 1;
  llvm::hash_code hash;

  static const LayoutNode &of(const Layout &layout) { return *layout.node; }

  static Layout wrap(LayoutNode node) {
    SmallVector<size_t, 4> operandHashes;
    for (const Layout &operand : node.operands)
      operandHashes.push_back(of(operand).hash);
    node.hash = llvm::hash_combine(
        static_cast<uint8_t>(node.kind),
        llvm::hash_combine_range(node.params.begin(), node.params.end()),
        llvm::hash_combine_range(node.shape.begin(), node.shape.end()),
        llvm::hash_combine_range(operandHashes.begin(), operandHashes.end()));
    return Layout(std::make_shared<const LayoutNode>(std::move(node)));
  }
};
} // namespace anybit::detail

using detail::LayoutNode;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static std::nullopt_t fail(std::string *error, const Twine &message) {
  if (error)
    *error = message.str();
  return std::nullopt;
}

static std::string formatList(ArrayRef<int64_t> values) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << '[';
  llvm::interleaveComma(values, os);
  os << ']';
  return result;
}

static bool checkedProduct(ArrayRef<int64_t> values, int64_t &product) {
  product = 1;
  for (int64_t value : values)
    if (llvm::MulOverflow(product, value, product))
      return false;
  return true;
}

static StringRef kindName(Kind kind) {
  switch (kind) {
  case Kind::Local:
    return "local";
  case Kind::ColumnLocal:
    return "column_local";
  case Kind::Spatial:
    return "spatial";
  case Kind::ColumnSpatial:
    return "column_spatial";
  case Kind::Replicated:
    return "replicated";
  case Kind::Compose:
    return "compose";
  case Kind::Reshape:
    return "reshape";
  case Kind::Permute:
    return "permute";
  }
  llvm_unreachable("unknown layout kind");
}

static bool isColumnMajor(Kind kind) {
  return kind == Kind::ColumnLocal || kind == Kind::ColumnSpatial;
}

static bool enumeratesLocals(Kind kind) {
  return kind == Kind::Local || kind == Kind::ColumnLocal;
}

/// `values` left-padded with ones to `rank`, the numpy broadcasting rule.
static SmallVector<int64_t, 4> padLeading(ArrayRef<int64_t> values,
                                          size_t rank) {
  SmallVector<int64_t, 4> result(rank - values.size(), 1);
  result.append(values.begin(), values.end());
  return result;
}

static void delinearize(int64_t index, ArrayRef<int64_t> shape,
                        bool columnMajor, MutableArrayRef<int64_t> coords) {
  size_t rank = shape.size();
  for (size_t k = 0; k < rank; ++k) {
    size_t d = columnMajor ? k : rank - 1 - k;
    coords[d] = index % shape[d];
    index /= shape[d];
  }
}

static int64_t linearize(ArrayRef<int64_t> coords, ArrayRef<int64_t> shape) {
  int64_t index = 0;
  for (auto [coord, extent] : llvm::zip_equal(coords, shape))
    index = index * extent + coord;
  return index;
}

static void evaluate(const LayoutNode &node, int64_t thread, int64_t local,
                     MutableArrayRef<int64_t> coords) {
  switch (node.kind) {
  case Kind::Local:
  case Kind::ColumnLocal:
    delinearize(local, node.shape, isColumnMajor(node.kind), coords);
    return;
  case Kind::Spatial:
  case Kind::ColumnSpatial:
    delinearize(thread, node.shape, isColumnMajor(node.kind), coords);
    return;
  case Kind::Replicated:
    coords[0] = 0;
    return;
  case Kind::Compose: {
    // Split (thread, local) into per-factor digits, last factor fastest, then
    // accumulate coords = coords * factorShape + factorCoords.
    size_t numFactors = node.operands.size();
    SmallVector<int64_t, 8> threads(numFactors), locals(numFactors);
    for (size_t k = numFactors; k-- > 0;) {
      const LayoutNode &factor = LayoutNode::of(node.operands[k]);
      threads[k] = thread % factor.numThreads;
      thread /= factor.numThreads;
      locals[k] = local % factor.numLocals;
      local /= factor.numLocals;
    }
    std::fill(coords.begin(), coords.end(), 0);
    size_t rank = coords.size();
    SmallVector<int64_t, 8> sub(rank);
    for (size_t k = 0; k < numFactors; ++k) {
      const LayoutNode &factor = LayoutNode::of(node.operands[k]);
      size_t pad = rank - factor.shape.size();
      evaluate(factor, threads[k], locals[k],
               MutableArrayRef<int64_t>(sub).drop_front(pad));
      // Padded leading dimensions have extent 1 and coordinate 0.
      for (size_t d = pad; d < rank; ++d)
        coords[d] = coords[d] * factor.shape[d - pad] + sub[d];
    }
    return;
  }
  case Kind::Reshape: {
    const LayoutNode &inner = LayoutNode::of(node.operands[0]);
    SmallVector<int64_t, 8> innerCoords(inner.shape.size());
    evaluate(inner, thread, local, innerCoords);
    delinearize(linearize(innerCoords, inner.shape), node.shape,
                /*columnMajor=*/false, coords);
    return;
  }
  case Kind::Permute: {
    const LayoutNode &inner = LayoutNode::of(node.operands[0]);
    SmallVector<int64_t, 8> innerCoords(inner.shape.size());
    evaluate(inner, thread, local, innerCoords);
    for (auto [d, source] : llvm::enumerate(node.params))
      coords[d] = innerCoords[source];
    return;
  }
  }
  llvm_unreachable("unknown layout kind");
}

//===----------------------------------------------------------------------===//
// Checked factories
//===----------------------------------------------------------------------===//

std::optional<Layout> Layout::getPrimitive(Kind kind, ArrayRef<int64_t> extents,
                                           std::string *error) {
  assert(kind <= Kind::Replicated && "not a primitive layout kind");
  LayoutNode node;
  node.kind = kind;
  node.params.assign(extents.begin(), extents.end());
  if (kind == Kind::Replicated) {
    if (extents.size() != 1)
      return fail(error, "replicated expects exactly one thread count, got " +
                             Twine(extents.size()) + " values");
    if (extents[0] <= 0)
      return fail(error, "replicated thread count must be positive, got " +
                             Twine(extents[0]));
    node.shape = {1};
    node.numThreads = extents[0];
    node.numReplicas = extents[0];
    return LayoutNode::wrap(std::move(node));
  }

  StringRef name = kindName(kind);
  if (extents.empty())
    return fail(error, name + " expects at least one extent");
  for (int64_t extent : extents)
    if (extent <= 0)
      return fail(error, name + " extents must be positive, got " +
                             Twine(extent));
  if (!checkedProduct(extents, node.numElements))
    return fail(error, "the number of elements of " + name + formatList(extents) +
                           " overflows int64_t");
  node.shape.assign(extents.begin(), extents.end());
  (enumeratesLocals(kind) ? node.numLocals : node.numThreads) =
      node.numElements;
  return LayoutNode::wrap(std::move(node));
}

std::optional<Layout> Layout::tryCompose(const Layout &lhs, const Layout &rhs,
                                         std::string *error) {
  const LayoutNode &a = LayoutNode::of(lhs);
  const LayoutNode &b = LayoutNode::of(rhs);
  size_t rank = std::max(a.shape.size(), b.shape.size());
  SmallVector<int64_t, 4> aShape = padLeading(a.shape, rank);
  SmallVector<int64_t, 4> bShape = padLeading(b.shape, rank);

  LayoutNode node;
  node.kind = Kind::Compose;
  node.shape.resize(rank);
  bool overflow = false;
  for (size_t d = 0; d < rank; ++d)
    overflow |= llvm::MulOverflow(aShape[d], bShape[d], node.shape[d]);
  overflow |= !checkedProduct(node.shape, node.numElements);
  overflow |= llvm::MulOverflow(a.numThreads, b.numThreads, node.numThreads);
  overflow |= llvm::MulOverflow(a.numLocals, b.numLocals, node.numLocals);
  if (overflow)
    return fail(error, "composing " + lhs.str() + " with " + rhs.str() +
                           " overflows int64_t");
  // Replicas never exceed the thread count, so this cannot overflow.
  node.numReplicas = a.numReplicas * b.numReplicas;

  // Flatten so that the tree (and so ==, hash and the printed form) does not
  // depend on how a chain of compositions was associated.
  for (const Layout *operand : {&lhs, &rhs}) {
    if (operand->getKind() == Kind::Compose)
      llvm::append_range(node.operands, operand->getFactors());
    else
      node.operands.push_back(*operand);
  }
  return LayoutNode::wrap(std::move(node));
}

std::optional<Layout> Layout::tryReshape(const Layout &layout,
                                         ArrayRef<int64_t> shape,
                                         std::string *error) {
  if (shape.empty())
    return fail(error, "reshape expects at least one extent");
  for (int64_t extent : shape)
    if (extent <= 0)
      return fail(error, "reshape extents must be positive, got " +
                             Twine(extent));
  int64_t numElements;
  if (!checkedProduct(shape, numElements))
    return fail(error, "the number of elements of reshape shape " +
                           formatList(shape) + " overflows int64_t");
  const LayoutNode &inner = LayoutNode::of(layout);
  if (numElements != inner.numElements)
    return fail(error, "reshape to " + formatList(shape) +
                           " changes the number of elements from " +
                           Twine(inner.numElements) + " to " +
                           Twine(numElements));

  LayoutNode node;
  node.kind = Kind::Reshape;
  node.operands.push_back(layout);
  node.shape.assign(shape.begin(), shape.end());
  node.numThreads = inner.numThreads;
  node.numLocals = inner.numLocals;
  node.numElements = numElements;
  node.numReplicas = inner.numReplicas;
  return LayoutNode::wrap(std::move(node));
}

std::optional<Layout> Layout::tryPermute(const Layout &layout,
                                         ArrayRef<int64_t> perm,
                                         std::string *error) {
  const LayoutNode &inner = LayoutNode::of(layout);
  int64_t rank = inner.shape.size();
  if (static_cast<int64_t>(perm.size()) != rank)
    return fail(error, "permutation " + formatList(perm) + " has " +
                           Twine(perm.size()) +
                           " entries but the layout has rank " + Twine(rank));
  SmallVector<bool, 8> seen(rank, false);
  for (int64_t source : perm) {
    if (source < 0 || source >= rank || seen[source])
      return fail(error, formatList(perm) + " is not a permutation of [0, " +
                             Twine(rank) + ")");
    seen[source] = true;
  }

  LayoutNode node;
  node.kind = Kind::Permute;
  node.params.assign(perm.begin(), perm.end());
  node.operands.push_back(layout);
  for (int64_t source : perm)
    node.shape.push_back(inner.shape[source]);
  node.numThreads = inner.numThreads;
  node.numLocals = inner.numLocals;
  node.numElements = inner.numElements;
  node.numReplicas = inner.numReplicas;
  return LayoutNode::wrap(std::move(node));
}

//===----------------------------------------------------------------------===//
// Infallible builders
//===----------------------------------------------------------------------===//

/// Unwraps a checked factory result whose preconditions the caller promised.
static Layout expectValid(std::optional<Layout> layout,
                          const std::string &error) {
  if (!layout)
    llvm::reportFatalUsageError(Twine("invalid layout: ") + error);
  return std::move(*layout);
}

Layout Layout::local(ArrayRef<int64_t> extents) {
  std::string error;
  return expectValid(getPrimitive(Kind::Local, extents, &error), error);
}

Layout Layout::columnLocal(ArrayRef<int64_t> extents) {
  std::string error;
  return expectValid(getPrimitive(Kind::ColumnLocal, extents, &error), error);
}

Layout Layout::spatial(ArrayRef<int64_t> extents) {
  std::string error;
  return expectValid(getPrimitive(Kind::Spatial, extents, &error), error);
}

Layout Layout::columnSpatial(ArrayRef<int64_t> extents) {
  std::string error;
  return expectValid(getPrimitive(Kind::ColumnSpatial, extents, &error),
                     error);
}

Layout Layout::replicated(int64_t numThreads) {
  std::string error;
  return expectValid(getPrimitive(Kind::Replicated, {numThreads}, &error),
                     error);
}

Layout Layout::compose(const Layout &lhs, const Layout &rhs) {
  std::string error;
  return expectValid(tryCompose(lhs, rhs, &error), error);
}

Layout Layout::reshape(const Layout &layout, ArrayRef<int64_t> shape) {
  std::string error;
  return expectValid(tryReshape(layout, shape, &error), error);
}

Layout Layout::permute(const Layout &layout, ArrayRef<int64_t> perm) {
  std::string error;
  return expectValid(tryPermute(layout, perm, &error), error);
}

//===----------------------------------------------------------------------===//
// Queries and structure
//===----------------------------------------------------------------------===//

ArrayRef<int64_t> Layout::shape() const { return node->shape; }
int64_t Layout::numThreads() const { return node->numThreads; }
int64_t Layout::numLocals() const { return node->numLocals; }
int64_t Layout::numElements() const { return node->numElements; }
int64_t Layout::numReplicas() const { return node->numReplicas; }
Kind Layout::getKind() const { return node->kind; }

ArrayRef<int64_t> Layout::getExtents() const {
  assert(isPrimitive() && "only primitives have extents");
  return node->params;
}

ArrayRef<Layout> Layout::getFactors() const {
  assert(getKind() == Kind::Compose && "only compositions have factors");
  return node->operands;
}

const Layout &Layout::getOperand() const {
  assert((getKind() == Kind::Reshape || getKind() == Kind::Permute) &&
         "only reshape and permute have an operand");
  return node->operands[0];
}

ArrayRef<int64_t> Layout::getPermutation() const {
  assert(getKind() == Kind::Permute && "only permute has a permutation");
  return node->params;
}

SmallVector<int64_t> Layout::map(int64_t thread, int64_t local) const {
  SmallVector<int64_t> coords(rank());
  map(thread, local, coords);
  return coords;
}

void Layout::map(int64_t thread, int64_t local,
                 MutableArrayRef<int64_t> coords) const {
  assert(thread >= 0 && thread < numThreads() && "thread out of range");
  assert(local >= 0 && local < numLocals() && "local out of range");
  assert(static_cast<int64_t>(coords.size()) == rank() && "wrong rank");
  evaluate(*node, thread, local, coords);
}

bool Layout::isInjective() const {
  SmallVector<int64_t> coords(rank());
  std::vector<int64_t> indices(numLocals());
  for (int64_t thread = 0; thread < numThreads(); ++thread) {
    for (int64_t local = 0; local < numLocals(); ++local) {
      evaluate(*node, thread, local, coords);
      indices[local] = linearize(coords, shape());
    }
    llvm::sort(indices);
    if (std::adjacent_find(indices.begin(), indices.end()) != indices.end())
      return false;
  }
  return true;
}

bool anybit::equivalent(const Layout &lhs, const Layout &rhs) {
  if (lhs.shape() != rhs.shape() || lhs.numThreads() != rhs.numThreads() ||
      lhs.numLocals() != rhs.numLocals())
    return false;
  SmallVector<int64_t> a(lhs.rank()), b(rhs.rank());
  for (int64_t thread = 0; thread < lhs.numThreads(); ++thread) {
    for (int64_t local = 0; local < lhs.numLocals(); ++local) {
      lhs.map(thread, local, a);
      rhs.map(thread, local, b);
      if (a != b)
        return false;
    }
  }
  return true;
}

bool anybit::operator==(const Layout &lhs, const Layout &rhs) {
  const LayoutNode &a = LayoutNode::of(lhs);
  const LayoutNode &b = LayoutNode::of(rhs);
  if (&a == &b)
    return true;
  return a.hash == b.hash && a.kind == b.kind && a.params == b.params &&
         a.shape == b.shape && a.operands == b.operands;
}

llvm::hash_code anybit::hash_value(const Layout &layout) {
  return LayoutNode::of(layout).hash;
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

void Layout::print(llvm::raw_ostream &os) const {
  switch (getKind()) {
  case Kind::Local:
  case Kind::ColumnLocal:
  case Kind::Spatial:
  case Kind::ColumnSpatial:
  case Kind::Replicated:
    os << kindName(getKind()) << '(';
    llvm::interleaveComma(getExtents(), os);
    os << ')';
    return;
  case Kind::Compose:
    llvm::interleave(
        getFactors(), os, [&](const Layout &factor) { factor.print(os); },
        ".");
    return;
  case Kind::Reshape:
  case Kind::Permute:
    os << kindName(getKind()) << '(';
    getOperand().print(os);
    os << ", "
       << formatList(getKind() == Kind::Reshape ? shape() : getPermutation())
       << ')';
    return;
  }
  llvm_unreachable("unknown layout kind");
}

std::string Layout::str() const {
  std::string result;
  llvm::raw_string_ostream os(result);
  print(os);
  return result;
}

llvm::raw_ostream &anybit::operator<<(llvm::raw_ostream &os,
                                      const Layout &layout) {
  layout.print(os);
  return os;
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {
/// Recursive-descent parser for
///   layout := term ('.' term)*
///   term   := primitive '(' int (',' int)* ')'
///           | ('reshape' | 'permute') '(' layout ',' '[' int (',' int)* ']' ')'
///           | '(' layout ')'
class Parser {
public:
  explicit Parser(StringRef text) : text(text) {}

  std::optional<Layout> parseAll() {
    std::optional<Layout> layout = parseLayout();
    if (!layout)
      return std::nullopt;
    skipSpace();
    if (pos != text.size())
      return fail(pos, "expected '.' or end of input, found " + describe());
    return layout;
  }

  std::string message;
  size_t errorOffset = 0;

private:
  std::nullopt_t fail(size_t at, const Twine &msg) {
    errorOffset = at;
    message = msg.str();
    return std::nullopt;
  }

  void skipSpace() {
    while (pos < text.size() && llvm::isSpace(text[pos]))
      ++pos;
  }

  std::string describe() const {
    if (pos >= text.size())
      return "end of input";
    return "'" + std::string(1, text[pos]) + "'";
  }

  bool consume(char c) {
    skipSpace();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }

  bool expect(char c) {
    if (consume(c))
      return true;
    fail(pos, "expected '" + Twine(c) + "', found " + describe());
    return false;
  }

  bool parseInteger(int64_t &value) {
    skipSpace();
    size_t start = pos;
    if (pos < text.size() && text[pos] == '-')
      ++pos;
    size_t digits = pos;
    while (pos < text.size() && llvm::isDigit(text[pos]))
      ++pos;
    if (pos == digits) {
      pos = start;
      fail(start, "expected an integer, found " + describe());
      return false;
    }
    if (text.slice(start, pos).getAsInteger(10, value)) {
      fail(start, "integer '" + text.slice(start, pos) + "' is too large");
      return false;
    }
    return true;
  }

  /// Parses `int (',' int)* close`; the opening bracket is already consumed.
  bool parseIntList(char close, int64_t minValue, StringRef what,
                    SmallVectorImpl<int64_t> &values) {
    while (true) {
      skipSpace();
      size_t at = pos;
      int64_t value;
      if (!parseInteger(value))
        return false;
      if (value < minValue) {
        fail(at, what + " must be " +
                     (minValue > 0 ? "positive" : "non-negative") + ", got " +
                     Twine(value));
        return false;
      }
      values.push_back(value);
      if (consume(close))
        return true;
      if (!consume(',')) {
        fail(pos, "expected ',' or '" + Twine(close) + "', found " +
                      describe());
        return false;
      }
    }
  }

  std::optional<Layout> parseLayout() {
    std::optional<Layout> layout = parseTerm();
    if (!layout)
      return std::nullopt;
    while (true) {
      skipSpace();
      size_t dot = pos;
      if (!consume('.'))
        return layout;
      std::optional<Layout> rhs = parseTerm();
      if (!rhs)
        return std::nullopt;
      std::string error;
      layout = Layout::tryCompose(*layout, *rhs, &error);
      if (!layout)
        return fail(dot, error);
    }
  }

  std::optional<Layout> parseTerm() {
    skipSpace();
    size_t start = pos;
    if (consume('(')) {
      std::optional<Layout> layout = parseLayout();
      if (!layout || !expect(')'))
        return std::nullopt;
      return layout;
    }

    auto isNameChar = [&](bool first) {
      return pos < text.size() &&
             (llvm::isAlpha(text[pos]) || text[pos] == '_' ||
              (!first && llvm::isDigit(text[pos])));
    };
    if (isNameChar(/*first=*/true))
      while (isNameChar(/*first=*/pos == start))
        ++pos;
    StringRef name = text.slice(start, pos);
    if (name.empty())
      return fail(start, "expected a layout, found " + describe());

    if (name == "reshape" || name == "permute")
      return parseTransform(name == "reshape");

    std::optional<Kind> kind = llvm::StringSwitch<std::optional<Kind>>(name)
                                   .Case("local", Kind::Local)
                                   .Case("column_local", Kind::ColumnLocal)
                                   .Case("spatial", Kind::Spatial)
                                   .Case("column_spatial", Kind::ColumnSpatial)
                                   .Case("replicated", Kind::Replicated)
                                   .Default(std::nullopt);
    if (!kind)
      return fail(start, "unknown layout '" + name +
                             "'; expected local, column_local, spatial, "
                             "column_spatial, replicated, reshape or permute");
    SmallVector<int64_t, 4> extents;
    if (!expect('(') ||
        !parseIntList(')', 1,
                      *kind == Kind::Replicated ? "thread count" : "extent",
                      extents))
      return std::nullopt;
    std::string error;
    std::optional<Layout> layout = Layout::getPrimitive(*kind, extents, &error);
    if (!layout)
      return fail(start, error);
    return layout;
  }

  /// Parses the rest of `reshape(layout, [shape])` or
  /// `permute(layout, [perm])` after the keyword.
  std::optional<Layout> parseTransform(bool isReshape) {
    if (!expect('('))
      return std::nullopt;
    std::optional<Layout> inner = parseLayout();
    if (!inner || !expect(','))
      return std::nullopt;
    skipSpace();
    size_t listStart = pos;
    SmallVector<int64_t, 4> values;
    if (!expect('[') ||
        !parseIntList(']', isReshape ? 1 : 0,
                      isReshape ? "reshape extent" : "permutation entry",
                      values) ||
        !expect(')'))
      return std::nullopt;
    std::string error;
    std::optional<Layout> layout =
        isReshape ? Layout::tryReshape(*inner, values, &error)
                  : Layout::tryPermute(*inner, values, &error);
    if (!layout)
      return fail(listStart, error);
    return layout;
  }

  StringRef text;
  size_t pos = 0;
};
} // namespace

std::optional<Layout> Layout::parse(StringRef text, std::string *error,
                                    size_t *errorOffset) {
  Parser parser(text);
  std::optional<Layout> layout = parser.parseAll();
  if (!layout) {
    if (error)
      *error = "at offset " + std::to_string(parser.errorOffset) + ": " +
               parser.message;
    if (errorOffset)
      *errorOffset = parser.errorOffset;
  }
  return layout;
}

//===----------------------------------------------------------------------===//
// Division
//===----------------------------------------------------------------------===//

static ArrayRef<Layout> factorsOf(const Layout &layout) {
  if (layout.getKind() == Kind::Compose)
    return layout.getFactors();
  return ArrayRef<Layout>(layout);
}

/// One thread, one local, one element: composing with it only adds rank.
static bool isIdentity(const Layout &layout) {
  return layout.numThreads() == 1 && layout.numLocals() == 1 &&
         layout.numElements() == 1;
}

static size_t countNonUnit(ArrayRef<int64_t> extents) {
  return llvm::count_if(extents, [](int64_t e) { return e != 1; });
}

/// A column-major primitive with at most one non-unit extent enumerates in
/// the same order as its row-major counterpart.
static Kind canonicalKind(const Layout &primitive) {
  Kind kind = primitive.getKind();
  if (kind == Kind::ColumnLocal && countNonUnit(primitive.getExtents()) <= 1)
    return Kind::Local;
  if (kind == Kind::ColumnSpatial && countNonUnit(primitive.getExtents()) <= 1)
    return Kind::Spatial;
  return kind;
}

/// Equal as composition factors, where rank padding is implicit.
static bool sameFactor(const Layout &a, const Layout &b) {
  if (!a.isPrimitive() || !b.isPrimitive())
    return a == b;
  auto dropLeadingOnes = [](ArrayRef<int64_t> extents) {
    return extents.drop_while([](int64_t e) { return e == 1; });
  };
  return canonicalKind(a) == canonicalKind(b) &&
         dropLeadingOnes(a.getExtents()) == dropLeadingOnes(b.getExtents());
}

/// Returns q with compose(q, b) equivalent to a (up to rank padding) when
/// both are primitives and the split is an identity of the algebra.
static std::optional<Layout> splitTrailing(const Layout &a, const Layout &b) {
  if (!a.isPrimitive() || !b.isPrimitive())
    return std::nullopt;
  Kind aKind = a.getKind(), bKind = b.getKind();
  if (aKind == Kind::Replicated || bKind == Kind::Replicated) {
    if (aKind != bKind || a.numThreads() % b.numThreads() != 0)
      return std::nullopt;
    return Layout::replicated(a.numThreads() / b.numThreads());
  }
  if (enumeratesLocals(aKind) != enumeratesLocals(bKind))
    return std::nullopt;
  // b must enumerate in a's order, which any single-dimension b does.
  bool columnMajor = isColumnMajor(canonicalKind(a));
  if (isColumnMajor(canonicalKind(b)) != columnMajor &&
      countNonUnit(b.getExtents()) > 1)
    return std::nullopt;

  size_t rank = std::max(a.rank(), b.rank());
  SmallVector<int64_t, 4> aExtents = padLeading(a.getExtents(), rank);
  SmallVector<int64_t, 4> bExtents = padLeading(b.getExtents(), rank);
  SmallVector<int64_t, 4> qExtents(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (aExtents[d] % bExtents[d] != 0)
      return std::nullopt;
    qExtents[d] = aExtents[d] / bExtents[d];
  }
  // q must take the slowest-varying dimensions of a's enumeration and b the
  // fastest, sharing at most one dimension; otherwise q.b interleaves them.
  auto firstNonUnit = [&](ArrayRef<int64_t> extents) -> int64_t {
    auto it = llvm::find_if(extents, [](int64_t e) { return e != 1; });
    return it == extents.end() ? rank : it - extents.begin();
  };
  auto lastNonUnit = [&](ArrayRef<int64_t> extents) -> int64_t {
    for (size_t d = rank; d-- > 0;)
      if (extents[d] != 1)
        return d;
    return -1;
  };
  bool ordered = columnMajor
                     ? lastNonUnit(bExtents) <= firstNonUnit(qExtents)
                     : lastNonUnit(qExtents) <= firstNonUnit(bExtents);
  if (!ordered)
    return std::nullopt;
  return Layout::getPrimitive(aKind, qExtents);
}

std::optional<Layout> Layout::divide(const Layout &f, const Layout &g) {
  if (g.rank() > f.rank())
    return std::nullopt;

  // Peel g's factors off the end of f: f = X.a and g = Y.b reduce to X/Y when
  // a and b match, to X.q/Y when a = q.b, and to X/Y.q when b = q.a.
  SmallVector<Layout> fFactors(factorsOf(f));
  SmallVector<Layout> gFactors(factorsOf(g));
  while (!gFactors.empty()) {
    const Layout &b = gFactors.back();
    // Match before dropping identities so that unit factors keep their rank.
    if (!fFactors.empty() && sameFactor(fFactors.back(), b)) {
      fFactors.pop_back();
      gFactors.pop_back();
      continue;
    }
    if (isIdentity(b)) {
      gFactors.pop_back();
      continue;
    }
    if (fFactors.empty())
      return std::nullopt;
    const Layout &a = fFactors.back();
    if (isIdentity(a)) {
      fFactors.pop_back();
    } else if (std::optional<Layout> q = splitTrailing(a, b)) {
      fFactors.back() = *q;
      gFactors.pop_back();
    } else if (std::optional<Layout> q = splitTrailing(b, a)) {
      fFactors.pop_back();
      gFactors.back() = *q;
    } else {
      return std::nullopt;
    }
  }

  SmallVector<int64_t, 4> ones(f.rank(), 1);
  std::optional<Layout> h;
  for (const Layout &factor : fFactors)
    h = h ? compose(*h, factor) : factor;
  // Restore leading unit dimensions of f that neither h nor g carries.
  if (!h)
    h = local(ones);
  else if (std::max(h->rank(), g.rank()) < f.rank())
    h = compose(local(ones), *h);

  std::optional<Layout> product = tryCompose(*h, g);
  if (!product || !equivalent(*product, f))
    return std::nullopt;
  return h;
}
