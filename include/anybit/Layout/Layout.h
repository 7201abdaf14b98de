//===- Layout.h - Tilus-style register layout algebra -----------*- C++ -*-===//
//
// A register layout maps (thread t, local index i) to a logical coordinate in
// a tile of shape `shape()`. Layouts are built from primitives (local,
// column_local, spatial, column_spatial, replicated) combined by the
// Kronecker-style composition `f.g`, plus reshape and permute. A Layout is an
// immutable, cheaply copyable handle to a shared expression tree.
//
// Text form (print and parse round-trip exactly):
//   local(2, 1).spatial(8, 4).local(1, 2)
//   reshape(local(2, 4).spatial(4, 8), [8, 32])
//   permute(spatial(4, 8), [1, 0])
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LAYOUT_LAYOUT_H
#define ANYBIT_LAYOUT_LAYOUT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace anybit {

namespace detail {
struct LayoutNode;
} // namespace detail

class Layout {
public:
  enum class Kind : uint8_t {
    Local,         // 1 thread, locals enumerate the tile row-major.
    ColumnLocal,   // 1 thread, locals enumerate the tile column-major.
    Spatial,       // One element per thread, threads row-major.
    ColumnSpatial, // One element per thread, threads column-major.
    Replicated,    // k threads, one local, all at coordinate 0; shape [1].
    Compose,       // Kronecker composition of two or more factors.
    Reshape,       // Row-major relinearization into a new shape.
    Permute,       // Coordinate (and shape) permutation.
  };

  //===--------------------------------------------------------------------===//
  // Infallible builders for layouts the caller knows to be valid; violating
  // a precondition is a fatal error. Use the checked factories below for
  // anything derived from user input.
  //===--------------------------------------------------------------------===//

  /// Requires a non-empty list of positive extents whose product fits in
  /// int64_t.
  static Layout local(llvm::ArrayRef<int64_t> extents);
  static Layout columnLocal(llvm::ArrayRef<int64_t> extents);
  static Layout spatial(llvm::ArrayRef<int64_t> extents);
  static Layout columnSpatial(llvm::ArrayRef<int64_t> extents);
  /// Requires numThreads > 0.
  static Layout replicated(int64_t numThreads);
  /// `lhs.rhs`. Requires the combined shape, thread and local counts to fit in
  /// int64_t. The lower-rank operand is padded with leading unit extents.
  /// Nested compositions are flattened, so the result does not depend on how
  /// a chain was associated.
  static Layout compose(const Layout &lhs, const Layout &rhs);
  Layout compose(const Layout &rhs) const { return compose(*this, rhs); }
  /// Requires a non-empty `shape` of positive extents with the same number of
  /// elements as `layout`.
  static Layout reshape(const Layout &layout, llvm::ArrayRef<int64_t> shape);
  /// Result dimension k is dimension perm[k] of `layout` (numpy transpose).
  /// Requires `perm` to be a permutation of [0, rank).
  static Layout permute(const Layout &layout, llvm::ArrayRef<int64_t> perm);

  //===--------------------------------------------------------------------===//
  // Checked factories: return std::nullopt and set *error (when non-null)
  // instead of asserting.
  //===--------------------------------------------------------------------===//

  /// `kind` must be a primitive kind (Local ... Replicated); for Replicated,
  /// `extents` is the single thread count.
  static std::optional<Layout> getPrimitive(Kind kind,
                                            llvm::ArrayRef<int64_t> extents,
                                            std::string *error = nullptr);
  static std::optional<Layout> tryCompose(const Layout &lhs, const Layout &rhs,
                                          std::string *error = nullptr);
  static std::optional<Layout> tryReshape(const Layout &layout,
                                          llvm::ArrayRef<int64_t> shape,
                                          std::string *error = nullptr);
  static std::optional<Layout> tryPermute(const Layout &layout,
                                          llvm::ArrayRef<int64_t> perm,
                                          std::string *error = nullptr);

  /// Parses the text form (whitespace allowed between tokens; parentheses may
  /// group compositions). The whole of `text` must be consumed. On failure
  /// *error reads "at offset N: ..." and *errorOffset is N, so an attribute
  /// parser for `#anybit.layout<...>` can point at the offending character.
  static std::optional<Layout> parse(llvm::StringRef text,
                                     std::string *error = nullptr,
                                     size_t *errorOffset = nullptr);

  /// Returns h with compose(h, g) equivalent to f. h is found structurally
  /// (peeling g's factors off the end of f, splitting primitives where that
  /// is an identity) and then verified by enumeration; std::nullopt when no
  /// such h is found.
  static std::optional<Layout> divide(const Layout &f, const Layout &g);

  //===--------------------------------------------------------------------===//
  // Queries.
  //===--------------------------------------------------------------------===//

  llvm::ArrayRef<int64_t> shape() const;
  int64_t rank() const { return static_cast<int64_t>(shape().size()); }
  int64_t numThreads() const;
  int64_t numLocals() const;
  /// Product of shape().
  int64_t numElements() const;

  /// Coordinates of local `local` of thread `thread`; requires
  /// 0 <= thread < numThreads() and 0 <= local < numLocals().
  llvm::SmallVector<int64_t> map(int64_t thread, int64_t local) const;
  /// Same, writing into `coords` (of size rank()) to avoid allocation.
  void map(int64_t thread, int64_t local,
           llvm::MutableArrayRef<int64_t> coords) const;

  /// True when each thread's locals map to distinct coordinates (checked by
  /// enumeration). Every layout of this algebra satisfies it; consumers use
  /// it to validate layouts before relying on it.
  bool isInjective() const;
  /// How many (thread, local) pairs hold each element. Every primitive
  /// except replicated covers each element once and composition multiplies
  /// the counts, so this is numThreads * numLocals / numElements.
  int64_t numReplicas() const;

  //===--------------------------------------------------------------------===//
  // Structure.
  //===--------------------------------------------------------------------===//

  Kind getKind() const;
  bool isPrimitive() const { return getKind() <= Kind::Replicated; }
  /// Primitive extents; for Replicated, the single thread count.
  llvm::ArrayRef<int64_t> getExtents() const;
  /// Compose: the flattened factors, outermost first (at least two, none of
  /// them a composition).
  llvm::ArrayRef<Layout> getFactors() const;
  /// Reshape / Permute: the layout being transformed.
  const Layout &getOperand() const;
  /// Permute: the permutation.
  llvm::ArrayRef<int64_t> getPermutation() const;

  void print(llvm::raw_ostream &os) const;
  std::string str() const;

private:
  explicit Layout(std::shared_ptr<const detail::LayoutNode> node)
      : node(std::move(node)) {}

  std::shared_ptr<const detail::LayoutNode> node;

  friend struct detail::LayoutNode;
};

/// Structural equality: same expression tree (compositions flattened), so
/// layouts can key MLIR attribute storage. See equivalent() for semantics.
bool operator==(const Layout &lhs, const Layout &rhs);
inline bool operator!=(const Layout &lhs, const Layout &rhs) {
  return !(lhs == rhs);
}
/// Consistent with operator==.
llvm::hash_code hash_value(const Layout &layout);

/// Same shape, thread count, local count and map (checked by enumeration).
bool equivalent(const Layout &lhs, const Layout &rhs);

llvm::raw_ostream &operator<<(llvm::raw_ostream &os, const Layout &layout);

} // namespace anybit

#endif // ANYBIT_LAYOUT_LAYOUT_H
