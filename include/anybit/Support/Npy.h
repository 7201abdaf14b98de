//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// Supports .npy format versions 1.0, 2.0 and 3.0 holding C-order arrays of
// little-endian booleans, integers and IEEE floats.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_SUPPORT_NPY_H
#define ANYBIT_SUPPORT_NPY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace anybit {

struct NpyArray {
  /// NumPy type code without byte order: "b1", "i1", "u1", "i2", "u2", "i4",
  /// "u4", "i8", "u8", "f2", "f4" or "f8".
  std::string dtype;
  /// Dimensions; empty for a scalar.
  std::vector<int64_t> shape;
  /// Elements in C order, each little-endian.
  std::vector<uint8_t> data;

  /// Bytes per element, or 0 if dtype is not one of the supported codes.
  size_t elementSize() const;
  /// Product of the dimensions (1 for a scalar).
  int64_t numElements() const;
};

/// Reads and parses the .npy file at \p path.
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);

/// Parses the contents of a .npy file; \p nameForErrors prefixes messages.
llvm::Expected<NpyArray> parseNpy(llvm::ArrayRef<uint8_t> bytes,
                                  llvm::StringRef nameForErrors);

/// Writes \p array to \p path after checking that its dtype is supported and
/// its data size matches its shape.
llvm::Error writeNpy(llvm::StringRef path, const NpyArray &array);

/// Encodes \p array as a version 1.0 .npy file (2.0 if the header would not
/// fit) whose data starts at a multiple of 64 bytes. The dtype must be
/// supported and the data size must match the shape.
std::vector<uint8_t> serializeNpy(const NpyArray &array);

} // namespace anybit

#endif // ANYBIT_SUPPORT_NPY_H
