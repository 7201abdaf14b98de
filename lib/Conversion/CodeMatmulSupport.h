//===- CodeMatmulSupport.h - Shared pieces of the code kernels -*- C++ -*-===//
//
// What the kernels that read packed weights as codes share (the int8
// code-dot kernel and the f32 code-FMA kernel): the group scales they
// accept, reading scales as f32, and the activations permuted into the
// weights' plane order.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_CODEMATMULSUPPORT_H
#define ANYBIT_LIB_CONVERSION_CODEMATMULSUPPORT_H

#include "Anybit/AnybitDialect.h"
#include "mlir/IR/Builders.h"

#include <optional>
#include <utility>

namespace anybit::codegen {

/// Whether `enc` puts element i of `element` at bit i * bits of its data:
/// dense, or words the elements fill exactly (not base 3, not in bit
/// planes).
bool isAtBitIndex(PackedEncodingAttr enc, mlir::Type element);

/// The [1, G] scales of `enc` these kernels read (f16, bf16, f32 or e8m0,
/// no zero point), as {G, scale type}; {0, null} when unscaled; nothing
/// otherwise.
std::optional<std::pair<int64_t, mlir::Type>>
getGroupScales(PackedEncodingAttr enc);

/// `count` floats of type `type` (f16, bf16, f32 or e8m0) at byte `at` of
/// the 1-D i8 tensor `source`, as a vector of f32.
mlir::Value readFloatsAsF32(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value source, mlir::Value at, int64_t count,
                            mlir::Type type);

/// The `count` [1, G] scales of type `type` of groups [g, g + count) of row
/// `row` of packed weights with `groupsPerRow` groups a row, whose scales
/// start at byte `scaleBase` of their storage `bytes`, as f32.
mlir::Value readGroupScales(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value bytes, int64_t scaleBase,
                            int64_t groupsPerRow, mlir::Value row,
                            mlir::Value g, int64_t count, mlir::Type type);

/// Element `index` of the 1-D vector `vector` in each of `lanes` lanes (a
/// dynamic index: LLVM reads it back from the stack).
mlir::Value splatElement(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value vector, mlir::OpFoldResult index,
                         int64_t lanes);

/// `values` (a 1-D vector) stored once into a buffer on the stack
/// (memref.alloca), for a loop to read element by element: a broadcast
/// load, where a vector indexed by a loop's variable is stored to the stack
/// by LLVM at every use. At the top of a parallel tile's body, so that
/// each thread has its own buffer (and anybit-hoist-sequential-allocas
/// reuses one where the tiles run one after another).
mlir::Value storeOnStack(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value values);

/// Element `index` of the 1-D `buffer` (storeOnStack) in each of `lanes`
/// lanes: one broadcast load, which no vector unit executes.
mlir::Value broadcastLoad(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value buffer, mlir::Value index,
                          int64_t lanes);

/// The scale of group `g` of row `row` (as readGroupScales) in each of
/// `lanes` f32 lanes. Halves are broadcast before they are converted: one
/// broadcast load and one conversion, where converting first took an
/// element insert, a conversion and a broadcast between registers.
mlir::Value readGroupScaleSplat(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value bytes, int64_t scaleBase,
                                int64_t groupsPerRow, mlir::Value row,
                                mlir::Value g, mlir::Type type, int64_t lanes);

/// A' (M x Kp, Kp a multiple of P V, A's element type): within each block
/// of P V columns, A'[m, P V kb + V j + i] = A[m, P V kb + P o(i) + j]
/// (times `factor`, a power of two, for float A), zero past K, where o is
/// `laneOrder` (a permutation of [0, V): the order a kernel's values come
/// out in) or the identity. Plane j of a block of V bytes of codes (P a
/// byte) then meets its activations in one contiguous load.
mlir::Value buildPlanarActivations(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::Value lhs, int64_t paddedK,
                                   int64_t vectorBytes, int64_t codesPerByte,
                                   double factor = 1.0,
                                   llvm::ArrayRef<int64_t> laneOrder = {});

/// The sum of each f32 vector's lanes (`vectors`, at least one, of one
/// power-of-two length), as scalars: vectors are folded
/// together in pairs, the lower halves of each vector's partial sums
/// against the upper halves (2 shuffles and an add), until one vector
/// holds a power of two of them, whose segments are then reduced together
/// (8 vectors of 16 lanes: about 30 instructions against 80 for one
/// reduction each). The sums are in a tree order, as a reassociating
/// reduction's.
llvm::SmallVector<mlir::Value>
buildLaneSums(mlir::OpBuilder &b, mlir::Location loc,
              llvm::ArrayRef<mlir::Value> vectors);

/// `values` (at least one) added as a balanced tree: halves first.
mlir::Value buildTreeSum(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::Value> values);

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_CODEMATMULSUPPORT_H
