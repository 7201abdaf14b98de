//===- Value.h - Runtime values of the reference VM -------------*- C++ -*-===//
//
// The reference VM keeps every value exactly: logical scalars and tensors hold
// one element per uint64 (the element's bit pattern, zero-extended), packed
// tensors hold their bytes exactly as their #anybit.packed encoding lays
// them out.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_INTERP_VALUE_H
#define ANYBIT_INTERP_VALUE_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include <cstdint>
#include <memory>
#include <vector>

namespace anybit {

/// Whether the VM can hold a value of `type`: a number or a residue
/// (!modarith.int), or a statically shaped tensor of them.
bool isRuntimeType(mlir::Type type);

/// The three byte planes of a packed tensor, each laid out as the
/// `#anybit.packed` encoding says: what a packed value is built from.
struct PackedPlanes {
  std::vector<uint8_t> data, scales, zeroPoints;
};

/// The planes of a packed value where it keeps them: back to back in
/// `bytes` (data, scales, zero points), the form in which a packed tensor
/// travels (a compiled kernel's buffer, a .npy file, PackedArray.tobytes),
/// so that it is passed to compiled code without a copy.
struct PackedPlanesRef {
  llvm::ArrayRef<uint8_t> bytes, data, scales, zeroPoints;
};

/// A runtime value: a scalar (integer, index or float) or a statically
/// shaped tensor. Copies share storage; ops never mutate an operand's
/// storage in place.
class RtValue {
public:
  RtValue() = default;

  static RtValue scalar(mlir::Type type, uint64_t bits);
  static RtValue tensor(mlir::RankedTensorType type,
                        std::vector<uint64_t> elements);
  static RtValue packedTensor(mlir::RankedTensorType type, PackedPlanes planes);
  /// A packed tensor from its planes back to back: `bytes` holds exactly
  /// the data, scale and zero-point bytes of the encoding of `type`.
  static RtValue packedTensor(mlir::RankedTensorType type,
                              std::vector<uint8_t> bytes);

  mlir::Type getType() const { return type; }
  mlir::Type getElementType() const;
  bool isTensor() const { return llvm::isa<mlir::RankedTensorType>(type); }
  bool isPacked() const { return packed != nullptr; }
  llvm::ArrayRef<int64_t> getShape() const;
  int64_t getNumElements() const;

  /// Element bit patterns of a logical value (a scalar has one). A
  /// tensor's are shared by its copies; a scalar's live in the RtValue
  /// itself, valid while it is.
  llvm::ArrayRef<uint64_t> getElements() const {
    return elements ? llvm::ArrayRef<uint64_t>(*elements)
                    : llvm::ArrayRef<uint64_t>(scalarBits);
  }
  uint64_t getScalarBits() const {
    return elements ? (*elements)[0] : scalarBits;
  }
  PackedPlanesRef getPlanes() const;

private:
  struct PackedStorage {
    std::vector<uint8_t> bytes;
    size_t dataBytes = 0, scaleBytes = 0;
  };

  mlir::Type type;
  /// A scalar's bits, inline: the VM makes one for every op result and
  /// block argument, which allocating took a third of its time.
  uint64_t scalarBits = 0;
  std::shared_ptr<const std::vector<uint64_t>> elements;
  std::shared_ptr<const PackedStorage> packed;
};

} // namespace anybit

#endif // ANYBIT_INTERP_VALUE_H
