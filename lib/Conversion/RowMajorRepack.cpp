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

/// Whether tiles [1, K] or [R, K] of `type` (2-D) leave its elements in
/// row-major order.
static bool isRowMajorAlready(RankedTensorType type) {
  ArrayRef<int64_t> tile = getPackedEncoding(type).getTile();
  return tile[0] == 1 || tile[1] == type.getDimSize(1);
}

std::optional<RankedTensorType> getRowMajorTwin(RankedTensorType type) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  Type element = type.getElementType();
  if (!enc || !enc.isTiled() || type.getRank() != 2 || !type.hasStaticShape())
    return std::nullopt;
  if (!isRowMajorAlready(type) &&
      (!isAtBitIndex(enc, element) ||
       enc.getTile()[1] * getElementBitWidth(element) % 8 != 0))
    return std::nullopt;
  auto rowMajor = PackedEncodingAttr::get(
      type.getContext(), enc.getWord(), enc.getStraddle(), enc.getBlock(),
      enc.getScale(), enc.getZeroPoint(), enc.getBase3(), ArrayRef<int64_t>{},
      enc.getBitPlanes());
  return RankedTensorType::get(type.getShape(), element, rowMajor);
}

Value buildRowMajorStorage(OpBuilder &b, Location loc, Value bytes,
                           RankedTensorType type) {
  if (isRowMajorAlready(type))
    return bytes;
  PackedEncodingAttr enc = getPackedEncoding(type);
  return buildRowMajorStorage(
      b, loc, bytes, type, 0,
      enc.getDataBytes(type.getShape(), type.getElementType()));
}

Value buildRowMajorStorage(OpBuilder &b, Location loc, Value bytes,
                           RankedTensorType type, int64_t dataStart,
                           int64_t restStart) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  ArrayRef<int64_t> tile = enc.getTile();
  int64_t bits = getElementBitWidth(type.getElementType());
  int64_t rows = type.getDimSize(0), k = type.getDimSize(1);
  int64_t segment = tile[1] * bits / 8, rowBytes = k * bits / 8;
  int64_t tilesPerRow = k / tile[1];
  // Bytes past the elements (a last word's padding, then the scales and
  // zero points from `restStart`) keep their places after the data.
  int64_t moved = rows * rowBytes;
  int64_t dataBytes = enc.getDataBytes(type.getShape(), type.getElementType());
  int64_t total = cast<RankedTensorType>(bytes.getType()).getDimSize(0);
  IndexMath m{b, loc};
  Value out = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{dataBytes + total - restStart}, b.getI8Type());
  auto copy = [&](int64_t from, int64_t to, int64_t size) {
    if (size == 0)
      return;
    OpFoldResult one = b.getIndexAttr(1), n = b.getIndexAttr(size);
    Value part = tensor::ExtractSliceOp::create(
        b, loc, bytes, ArrayRef<OpFoldResult>{b.getIndexAttr(from)},
        ArrayRef<OpFoldResult>{n}, ArrayRef<OpFoldResult>{one});
    out = tensor::InsertSliceOp::create(
        b, loc, part, out, ArrayRef<OpFoldResult>{b.getIndexAttr(to)},
        ArrayRef<OpFoldResult>{n}, ArrayRef<OpFoldResult>{one});
  };
  // Elements already in row-major order (rows of any bits) move as they
  // are.
  if (isRowMajorAlready(type))
    moved = 0;
  if (restStart == dataStart + dataBytes) {
    copy(dataStart + moved, moved, total - dataStart - moved);
  } else {
    copy(dataStart + moved, moved, dataBytes - moved);
    copy(restStart, dataBytes, total - restStart);
  }
  if (moved == 0)
    return out;
  Value pad = arith::ConstantIntOp::create(b, loc, 0, 8);
  // The storage byte of row `row`'s bytes in column tile 0, and the bytes
  // between its segments in consecutive column tiles.
  auto tiledRowStart = [&](Value row) {
    Value rowTile = arith::DivUIOp::create(b, loc, row, m.idx(tile[0]));
    Value inTile = arith::RemUIOp::create(b, loc, row, m.idx(tile[0]));
    return m.add(
        m.mul(m.add(m.mul(rowTile, tilesPerRow * tile[0]), inTile), segment),
        dataStart);
  };
  int64_t tileStride = tile[0] * segment;

  // Tile rows of one 32-bit word (1- and 2-bit codes tiled [16 R, 32 /
  // bits], 4-bit [., 8]), 16 rows by 16 column tiles at a time: 16 reads
  // of 16 rows' words of one tile, transposed by shuffles, are 16 writes
  // of 16 words of one row, whole lines (4-bit 4096 x 4096 tiled [64, 8]:
  // 0.34 ms against 1.6 one word at a time).
  int64_t blocks =
      segment == 4 && tile[0] % kLanes == 0 ? tilesPerRow / kLanes : 0;
  if (blocks)
    out = buildLoop(
        b, loc, rows / kLanes, 1, ValueRange{out},
        [&](Value group, ValueRange groupArgs) {
          Value row0 = m.mul(group, kLanes);
          Value from = tiledRowStart(row0), to = m.mul(row0, rowBytes);
          return buildLoop(
              b, loc, blocks, 1, groupArgs, [&](Value j, ValueRange args) {
                auto bytesType = VectorType::get({64}, b.getI8Type());
                auto wordsType = VectorType::get({kLanes}, b.getI32Type());
                Value first = m.add(from, m.mul(j, kLanes * tileStride));
                SmallVector<Value> columns;
                for (int64_t i = 0; i < kLanes; ++i)
                  columns.push_back(vector::BitCastOp::create(
                      b, loc, wordsType,
                      vector::TransferReadOp::create(
                          b, loc, bytesType, bytes,
                          ValueRange{m.add(first, i * tileStride)}, pad,
                          ArrayRef<bool>{true})));
                SmallVector<Value> rowWords = transpose16(b, loc, columns);
                Value t = args[0];
                for (int64_t r = 0; r < kLanes; ++r)
                  t = vector::TransferWriteOp::create(
                          b, loc,
                          vector::BitCastOp::create(b, loc, bytesType,
                                                    rowWords[r]),
                          t,
                          ValueRange{m.add(m.add(to, r * rowBytes),
                                           m.mul(j, kLanes * 4))},
                          ArrayRef<bool>{true})
                          .getResult();
                return SmallVector<Value>{t};
              });
        })[0];
  int64_t firstColumn = blocks * kLanes;
  if (firstColumn == tilesPerRow)
    return out;

  // Otherwise a tile row at a time, row by row, each row's tiles in order:
  // the writes are sequential, the reads stride through one row of tiles
  // (in L2: 128 KiB for 4-bit codes tiled [64, 8] at K = 4096). Tile by
  // tile instead, each tile's rows wrote 4 bytes to as many lines, a power
  // of two apart, which shared a few sets of L1: 7x slower.
  auto segmentType = VectorType::get({segment}, b.getI8Type());
  return buildLoop(
      b, loc, rows, 1, ValueRange{out}, [&](Value row, ValueRange rowArgs) {
        Value from = tiledRowStart(row), to = m.mul(row, rowBytes);
        return buildLoop(b, loc, tilesPerRow - firstColumn, 1, rowArgs,
                         [&](Value i, ValueRange args) {
                           Value c = m.add(i, firstColumn);
                           Value bytesOfRow = vector::TransferReadOp::create(
                               b, loc, segmentType, bytes,
                               ValueRange{m.add(from, m.mul(c, tileStride))},
                               pad, ArrayRef<bool>{true});
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
