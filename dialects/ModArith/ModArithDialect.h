//===- ModArithDialect.h - The modarith dialect -----------------*- C++ -*-===//

#ifndef ANYBIT_DIALECT_MODARITH_MODARITHDIALECT_H
#define ANYBIT_DIALECT_MODARITH_MODARITHDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/TensorEncoding.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include <optional>

#include "ModArith/ModArithDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "ModArith/ModArithTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ModArith/ModArithAttrs.h.inc"

#define GET_OP_CLASSES
#include "ModArith/ModArithOps.h.inc"

namespace anybit::modarith {

/// The !modarith.int element type of a scalar or tensor type, or null.
ModIntType getModIntElementType(mlir::Type type);

/// The #modarith.rns encoding of an RNS tensor type, or null.
RnsAttr getRnsEncoding(mlir::Type type);

/// How the values of a residue type (!modarith.int, a tensor of it, or an
/// RNS tensor) are held: W-bit words, the word at each position a residue
/// modulo that position's modulus (the limb's, in an RNS tensor).
class ResidueLayout {
public:
  /// The layout of `type`, or std::nullopt when it holds no residues.
  static std::optional<ResidueLayout> get(mlir::Type type);

  unsigned getWidth() const { return width; }
  /// `iW`, or the tensor of `iW` of the same shape (no encoding).
  mlir::Type getStorageType() const;
  /// One modulus, or an RNS tensor's, one per limb.
  llvm::ArrayRef<uint64_t> getModuli() const { return moduli; }
  bool isRns() const { return rns; }
  /// The modulus of the word at row-major position `index`.
  uint64_t getModulusAt(int64_t index) const {
    return moduli[rns ? index / limbSize : 0];
  }

private:
  mlir::Type type;
  unsigned width = 0;
  llvm::SmallVector<uint64_t, 1> moduli;
  bool rns = false;
  int64_t limbSize = 1; // words per limb of an RNS tensor
};

} // namespace anybit::modarith

#endif // ANYBIT_DIALECT_MODARITH_MODARITHDIALECT_H
