//===- RowMajorRepack.cpp - Tiled weights moved row-major
//------------------===//

#include "RowMajorRepack.h"

#include "Anybit/ElementTypes.h"
#include "CodeMatmulSupport.h"
#include "VectorMatmulCodegen.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace anybit::codegen {

std::optional<RankedTensorType> getRowMajorTwin(RankedTensorType type) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  Type element = type.getElementType();
  if (!enc || !enc.isTiled() || type.getRank() != 2 || !type.hasStaticShape() ||
      !isAtBitIndex(enc, element) ||
      enc.getTile()[1] * getElementBitWidth(element) % 8 != 0)
    return std::nullopt;
  auto rowMajor = PackedEncodingAttr::get(
      type.getContext(), enc.getWord(), enc.getStraddle(), enc.getBlock(),
      enc.getScale(), enc.getZeroPoint(), enc.getBase3(), ArrayRef<int64_t>{});
  return RankedTensorType::get(type.getShape(), element, rowMajor);
}

Value buildRowMajorStorage(OpBuilder &b, Location loc, Value bytes,
                           RankedTensorType type) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  ArrayRef<int64_t> tile = enc.getTile();
  int64_t bits = getElementBitWidth(type.getElementType());
  int64_t rows = type.getDimSize(0), k = type.getDimSize(1);
  int64_t segment = tile[1] * bits / 8, rowBytes = k * bits / 8;
  int64_t tilesPerRow = k / tile[1];
  // Bytes past the elements (a last word's padding, scales, zero points)
  // are where they were.
  int64_t moved = rows * rowBytes;
  int64_t total = cast<RankedTensorType>(bytes.getType()).getDimSize(0);
  IndexMath m{b, loc};
  Value out =
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{total}, b.getI8Type());
  if (total > moved) {
    OpFoldResult at = b.getIndexAttr(moved),
                 size = b.getIndexAttr(total - moved), one = b.getIndexAttr(1);
    Value rest = tensor::ExtractSliceOp::create(
        b, loc, bytes, ArrayRef<OpFoldResult>{at}, ArrayRef<OpFoldResult>{size},
        ArrayRef<OpFoldResult>{one});
    out = tensor::InsertSliceOp::create(
        b, loc, rest, out, ArrayRef<OpFoldResult>{at},
        ArrayRef<OpFoldResult>{size}, ArrayRef<OpFoldResult>{one});
  }
  if (moved == 0)
    return out;
  auto segmentType = VectorType::get({segment}, b.getI8Type());
  Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
  // Row by row, each row's tiles in order: the writes are sequential, the
  // reads stride through one row of tiles (64 KiB for tiles of 64 rows of
  // 4 bytes at K = 4096, in L2). Tile by tile instead, each tile's rows
  // wrote 4 bytes to as many lines, a power of two apart, which shared a
  // few sets of L1: 7x slower (4-bit 4096 x 4096, tiles [64, 8]).
  return buildLoop(
      b, loc, rows, 1, ValueRange{out}, [&](Value row, ValueRange rowArgs) {
        Value rowTile = arith::DivUIOp::create(b, loc, row, m.idx(tile[0]));
        Value inTile = arith::RemUIOp::create(b, loc, row, m.idx(tile[0]));
        Value from = m.mul(m.add(m.mul(rowTile, tilesPerRow * tile[0]), inTile),
                           segment);
        Value to = m.mul(row, rowBytes);
        return buildLoop(
            b, loc, tilesPerRow, 1, rowArgs, [&](Value c, ValueRange args) {
              Value bytesOfRow = vector::TransferReadOp::create(
                  b, loc, segmentType, bytes,
                  ValueRange{m.add(from, m.mul(c, tile[0] * segment))}, pad,
                  ArrayRef<bool>{true});
              return SmallVector<Value>{
                  vector::TransferWriteOp::create(
                      b, loc, bytesOfRow, args[0],
                      ValueRange{m.add(to, m.mul(c, segment))},
                      ArrayRef<bool>{true})
                      .getResult()};
            });
      })[0];
}

} // namespace anybit::codegen
