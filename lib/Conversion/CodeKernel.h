//===- CodeKernel.h - Decoding packed codes for byte-code kernels --------===//
//
// What the code-dot kernel (int8 activations, CodeDotMatmulCodegen.cpp) and
// the code-cvt kernel (f32 activations, CodeCvtMatmulCodegen.cpp) share:
// how W's stored bits become unsigned byte codes (CodeFormat), and the
// kernel base that loads W's blocks, decodes their planes and fields, looks
// up table codes, reads the group scales and walks a row's blocks and
// units (CodeKernel).
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_LIB_CONVERSION_CODEKERNEL_H
#define ANYBIT_LIB_CONVERSION_CODEKERNEL_H

#include "CodeMatmulSupport.h"
#include "VectorMatmulCodegen.h"

#include "Anybit/AnybitDialect.h"
#include "Anybit/X86Ops.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>
#include <cmath>
#include <optional>

namespace anybit::codegen {

/// Rows of A and rows of W accumulated together: 4 x 4 accumulators (half
/// of AVX-512's registers) are enough independent dot-product chains to
/// hide their latency, and each row of A' loaded serves four rows of W.
constexpr int64_t kRowsOfA = 4, kRowsOfW = 4;

/// The most groups whose scales a row reads at once (four AVX-512 vectors
/// of f32).
constexpr int64_t kMaxRowScales = 64;

/// How the stored bits of W become unsigned byte codes c = w + offset.
enum class Decoding {
  Planes, // widths 1, 2, 4, 8: plane j of a byte x is (x >> bits j) & mask
  Base3,  // five base-3 digit planes a byte
  Fields, // widths 3, 5, 6, 7: plane j holds codes P i + j of P V codes
          // in P V bits / 8 bytes (P = 2 for 3 bits, see fieldPlanes)
};

struct CodeFormat {
  Decoding decoding = Decoding::Planes;
  unsigned bits = 8;
  int64_t planes = 1; // P: planes (codes) per loaded vector of V bytes
  uint8_t flip = 0;   // xor of each field that makes it the code
  int64_t offset = 0; // c - w (times 2^exponent for table codes)
  int64_t group = 0;  // G of the [1, G] scales, 0 when unscaled
  mlir::Type scale;   // f16, bf16, f32 or e8m0
  // Small floats: the code of each bit pattern, value * 2^exponent +
  // offset (one table lookup per plane); empty for integers and trits.
  llvm::SmallVector<int64_t, 64> table;
  int exponent = 0;
  // Floats whose value * 2^exponent = k spans more than a byte: `table`
  // holds k mod 2^highShift (offset 0) and `high` floor(k / 2^highShift) +
  // highOffset, two byte products summed as 2^highShift high + low.
  llvm::SmallVector<int64_t, 64> high;
  int64_t highOffset = 0;
  int64_t highShift = 8;
  // Sign-magnitude floats (getSignMagnitudeFormat): the pattern's sign bit.
  // `table` and `high` hold the codes of the magnitudes, looked up by the
  // pattern whatever its sign (vpshufb ignores that bit), and each plane's
  // activations take the sign instead (vpsignb): no offsets.
  uint8_t signBit = 0;

  /// The largest code a field can hold.
  int64_t maxCode() const {
    if (decoding == Decoding::Base3)
      return 2;
    if (table.empty())
      return (int64_t(1) << bits) - 1;
    int64_t top = *llvm::max_element(table);
    return high.empty() ? top : std::max(top, *llvm::max_element(high));
  }

  /// Byte products per plane: 2 for split tables, else 1.
  int64_t parts() const { return high.empty() ? 1 : 2; }
  /// The offset of part `part`'s codes.
  int64_t partOffset(int64_t part) const { return part ? highOffset : offset; }
};

/// Whether [1, G] groups suit P planes (CodeKernel.cpp).
bool groupsFit(int64_t group, int64_t planes);

/// The codes of a packed W's elements (CodeKernel.cpp), if it has any.
std::optional<CodeFormat> getCodeFormat(mlir::RankedTensorType rhsType);

/// W's storage as 1-D bytes and the bytes of each of its rows of K codes.
std::pair<mlir::Value, int64_t> weightBytes(mlir::OpBuilder &b,
                                            mlir::Location loc, mlir::Value rhs,
                                            const CodeFormat &format,
                                            int64_t k);

/// A' (planes' order) of the activations `lhs` (CodeKernel.cpp).
mlir::Value planeOrdered(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value lhs, const CodeFormat &format,
                         int64_t vectorBytes,
                         llvm::ArrayRef<int64_t> laneOrder = {});

/// The bytes of W's codes (its scales follow them), 0 for logical int8.
int64_t dataBytes(mlir::RankedTensorType rhsType);

/// Whether every row of K codes starts on a byte (CodeKernel.cpp).
bool rowsStartOnBytes(const CodeFormat &format, int64_t k);

/// The bytes of a 1-D storage tensor.
int64_t storageBytes(mlir::Value bytes);

/// A kernel over W's byte codes, block by block: a block is P planes of V
/// bytes of codes (P V codes of a row of W), met by A' (the activations
/// permuted into the planes' order) in one contiguous load per plane. The
/// code-dot kernel (CodeDotKernel) multiplies the codes with int8 A', the
/// code-cvt kernel (CodeCvtKernel) converts their values for f32 A'.
struct CodeKernel : IndexMath {
  mlir::Value planar; // A', M x Kp
  mlir::Value bytes;  // W's storage
  int64_t rowBytes;
  int64_t vectorBytes; // V: bytes of W per load
  CodeFormat format;
  unsigned dotBits;
  bool multishift; // x86 vpmultishiftqb for Decoding::Fields
  bool byteMadd;   // x86 vpmaddubsw + vpmaddwd when dotBits is 0
  int64_t k;
  int64_t scaleBase; // byte offset of the scales in `bytes`
  // Bytes of W's storage after its last row (its scales): reads of a
  // row's last blocks that stay within them read in bounds.
  int64_t bytesAfterRows = 0;

  mlir::VectorType byteVector() {
    return mlir::VectorType::get({vectorBytes}, b.getI8Type());
  }
  mlir::VectorType laneVector() {
    return mlir::VectorType::get({vectorBytes / 4}, b.getI32Type());
  }
  mlir::Value splat(mlir::VectorType type, int64_t v) {
    return mlir::arith::ConstantOp::create(
        b, loc,
        mlir::DenseElementsAttr::get(
            type, b.getIntegerAttr(type.getElementType(), v)));
  }
  mlir::Value read(mlir::Value source, mlir::ValueRange at, bool inBounds) {
    mlir::Value pad = mlir::arith::ConstantIntOp::create(b, loc, 0, 8);
    return mlir::vector::TransferReadOp::create(
        b, loc, byteVector(), source, at, pad, llvm::ArrayRef<bool>{inBounds});
  }

  /// Whether x86 byte shuffles (vpshufb) are available: with vpdpbusd or
  /// vpmaddubsw.
  bool byteShuffles() const { return dotBits || byteMadd; }

  mlir::Value bitwise(mlir::Value x, int64_t v, bool isAnd) {
    mlir::Value c = splat(byteVector(), int8_t(v));
    return isAnd ? mlir::arith::AndIOp::create(b, loc, x, c).getResult()
                 : mlir::arith::XOrIOp::create(b, loc, x, c).getResult();
  }
  mlir::Value constant(mlir::VectorType type, llvm::ArrayRef<int64_t> values) {
    llvm::SmallVector<mlir::Attribute> attrs;
    for (int64_t v : values)
      attrs.push_back(b.getIntegerAttr(type.getElementType(), v));
    return mlir::arith::ConstantOp::create(
        b, loc, mlir::DenseElementsAttr::get(type, attrs));
  }

  /// Bytes of W read per block.
  int64_t blockBytes() const {
    return format.decoding == Decoding::Fields ? blockCodes() * format.bits / 8
                                               : vectorBytes;
  }

  /// The loaded bytes `w` with the sign bit of every field flipped, once
  /// per load, for planes and shuffled fields (other fields flip their
  /// codes).
  mlir::Value prepare(mlir::Value w) {
    if (shuffledFields() && format.flip) {
      // Each lane's 16 P fields start at its first byte, the same bits
      // in every lane.
      llvm::SmallVector<int64_t> pattern(vectorBytes, 0);
      for (int64_t field = 0; field < 16 * format.planes; ++field) {
        int64_t sign = field * format.bits + format.bits - 1;
        for (int64_t lane = 0; lane < vectorBytes / 16; ++lane)
          pattern[16 * lane + sign / 8] |= int64_t(1) << (sign % 8);
      }
      for (int64_t &p : pattern)
        p = int8_t(p);
      return mlir::arith::XOrIOp::create(b, loc, w,
                                         constant(byteVector(), pattern));
    }
    if (format.decoding != Decoding::Planes || !format.flip)
      return w;
    int64_t pattern = 0;
    for (unsigned i = 0; i < 8; i += format.bits)
      pattern |= int64_t(format.flip) << i;
    return bitwise(w, pattern, /*isAnd=*/false);
  }

  /// Plane j of the prepared bytes `w`: the codes of elements P i + j.
  mlir::Value plane(mlir::Value w, int64_t j, int64_t part = 0) {
    return codesOf(planeField(w, j), part);
  }

  /// The codes (part `part`) of the fields `field`: themselves, or their
  /// table's.
  mlir::Value codesOf(mlir::Value field, int64_t part) {
    return format.table.empty() ? field : lookUp(field, part);
  }

  /// Plane j's fields before any table: codes of integers and trits, bit
  /// patterns of floats.
  mlir::Value planeField(mlir::Value w, int64_t j) {
    switch (format.decoding) {
    case Decoding::Planes: {
      unsigned bits = format.bits;
      mlir::Value shifted = j ? mlir::arith::ShRUIOp::create(
                                    b, loc, w, splat(byteVector(), bits * j))
                                    .getResult()
                              : w;
      // The top field needs no mask.
      return bits * (j + 1) == 8 ? shifted
                                 : bitwise(shifted, (1 << bits) - 1, true);
    }
    case Decoding::Base3: {
      // ((w * 3^j) mod 256) * 3 >> 8, the product in 16 bits.
      mlir::Value low = j ? mlir::arith::MulIOp::create(
                                b, loc, w, splat(byteVector(), base3Power(j)))
                                .getResult()
                          : w;
      auto words = mlir::VectorType::get({vectorBytes}, b.getI16Type());
      mlir::Value wide = mlir::arith::ExtUIOp::create(b, loc, words, low);
      mlir::Value digit = mlir::arith::ShRUIOp::create(
          b, loc, mlir::arith::MulIOp::create(b, loc, wide, splat(words, 3)),
          splat(words, 8));
      return mlir::arith::TruncIOp::create(b, loc, byteVector(), digit);
    }
    case Decoding::Fields:
      return fields(w, j);
    }
    llvm_unreachable("covered switch");
  }

  /// The table codes (part `part`) of the bit patterns `field` (small
  /// floats): for up to 16 patterns one vpshufb with the table in every
  /// 128-bit lane, for up to 64 (fields, with VBMI) one vpermb, else one
  /// vpshufb per 16 patterns and a select per bit above the fourth; a
  /// select per pattern in portable code.
  mlir::Value lookUp(mlir::Value field, int64_t part) {
    return lookUpBytes(field, part ? format.high : format.table);
  }

  /// The bytes `codes[field]` for each byte of `field` (lookUp's ways).
  mlir::Value lookUpBytes(mlir::Value field, llvm::ArrayRef<int64_t> codes) {
    bool byteTable = multishift && int64_t(codes.size()) <= vectorBytes;
    if (byteTable && codes.size() > 16) {
      llvm::SmallVector<int64_t> table;
      for (int64_t i = 0; i < vectorBytes; ++i)
        table.push_back(size_t(i) < codes.size() ? int8_t(codes[i]) : 0);
      return X86VpermbOp::create(b, loc, byteVector(),
                                 constant(byteVector(), table), field);
    }
    if (byteShuffles()) {
      // Patterns 16 q .. 16 q + 15 by vpshufb q (the field's low four bits;
      // its bit 7 is clear), then bits 4 and 5 pick among the results.
      llvm::SmallVector<llvm::SmallVector<int64_t>, 4> tables;
      llvm::SmallVector<bool, 4> zero;
      for (size_t first = 0; first < codes.size(); first += 16) {
        llvm::SmallVector<int64_t> &table = tables.emplace_back();
        for (int64_t i = 0; i < vectorBytes; ++i) {
          size_t pattern = first + i % 16;
          table.push_back(pattern < codes.size() ? int8_t(codes[pattern]) : 0);
        }
        zero.push_back(llvm::all_of(table, [](int64_t c) { return c == 0; }));
      }
      if (tables.size() == 2 && (zero[0] || zero[1])) {
        // One sixteen of two is zero: the other's vpshufb zeroes the
        // patterns of the zero one by bit 7 of its index, (field & 31) +
        // 112 for the first (16..31 reach 128), that xor 128 for the
        // second: three instructions for four of a select.
        mlir::Value index = mlir::arith::AddIOp::create(
            b, loc, bitwise(field, 31, true), splat(byteVector(), 112));
        if (zero[0])
          index = bitwise(index, int8_t(0x80), /*isAnd=*/false);
        return X86VpshufbOp::create(b, loc, byteVector(),
                                    constant(byteVector(), tables[!zero[1]]),
                                    index);
      }
      llvm::SmallVector<mlir::Value, 4> sixteens;
      for (llvm::ArrayRef<int64_t> table : tables)
        sixteens.push_back(X86VpshufbOp::create(
            b, loc, byteVector(), constant(byteVector(), table), field));
      for (int64_t bit = 16; sixteens.size() > 1; bit *= 2) {
        mlir::Value isSet = mlir::arith::CmpIOp::create(
            b, loc, mlir::arith::CmpIPredicate::ne, bitwise(field, bit, true),
            splat(byteVector(), 0));
        llvm::SmallVector<mlir::Value, 4> picked;
        for (size_t i = 0; i < sixteens.size(); i += 2)
          picked.push_back(i + 1 < sixteens.size()
                               ? mlir::arith::SelectOp::create(b, loc, isSet,
                                                               sixteens[i + 1],
                                                               sixteens[i])
                                     .getResult()
                               : sixteens[i]);
        sixteens = std::move(picked);
      }
      return sixteens[0];
    }
    mlir::Value result = splat(byteVector(), int8_t(codes[0]));
    for (size_t pattern = 1; pattern < codes.size(); ++pattern) {
      mlir::Value is = mlir::arith::CmpIOp::create(
          b, loc, mlir::arith::CmpIPredicate::eq, field,
          splat(byteVector(), int8_t(pattern)));
      result = mlir::arith::SelectOp::create(
          b, loc, is, splat(byteVector(), int8_t(codes[pattern])), result);
    }
    return result;
  }

  /// `field` shifted up in 16-bit lanes so that its bit `bit` is bit 7; the
  /// bits above that cross into the next byte.
  mlir::Value shiftedToBit7(mlir::Value field, int64_t bit) {
    auto words = mlir::VectorType::get({vectorBytes / 2}, b.getI16Type());
    return mlir::vector::BitCastOp::create(
        b, loc, byteVector(),
        mlir::arith::ShLIOp::create(
            b, loc, mlir::vector::BitCastOp::create(b, loc, words, field),
            splat(words, 7 - llvm::Log2_64(bit))));
  }

  /// Whether fields come out of byte shuffles and multiplies
  /// (shuffledFieldCodes): x86 without vpmultishiftqb.
  bool shuffledFields() const {
    return format.decoding == Decoding::Fields && !multishift && byteShuffles();
  }

  /// The first byte of the block that 128-bit lane `lane` of a shuffled
  /// fields' load holds: its 16 P codes (of every plane) lie in 2 P bits
  /// bytes from there, no more than 16 (P bits <= 8).
  int64_t laneFirstByte(int64_t lane) const {
    return 2 * format.planes * format.bits * lane;
  }

  /// W's bytes for a block from byte `offset`: V of them, or for shuffled
  /// fields each 128-bit lane's 16 (laneFirstByte).
  mlir::Value loadBlock(mlir::Value offset, bool inBounds) {
    if (!shuffledFields())
      return read(bytes, offset, inBounds);
    mlir::Value pad = mlir::arith::ConstantIntOp::create(b, loc, 0, 8);
    llvm::SmallVector<mlir::Value, 4> lanes;
    for (int64_t lane = 0; lane < vectorBytes / 16; ++lane)
      lanes.push_back(mlir::vector::TransferReadOp::create(
          b, loc, mlir::VectorType::get({16}, b.getI8Type()), bytes,
          mlir::ValueRange{add(offset, laneFirstByte(lane))}, pad,
          llvm::ArrayRef<bool>{inBounds}));
    // Concatenated two by two (vinserti128).
    while (lanes.size() > 1) {
      llvm::SmallVector<mlir::Value, 4> joined;
      for (size_t i = 0; i < lanes.size(); i += 2) {
        int64_t size =
            mlir::cast<mlir::VectorType>(lanes[i].getType()).getNumElements();
        llvm::SmallVector<int64_t> all;
        for (int64_t e = 0; e < 2 * size; ++e)
          all.push_back(e);
        joined.push_back(mlir::vector::ShuffleOp::create(b, loc, lanes[i],
                                                         lanes[i + 1], all));
      }
      lanes = std::move(joined);
    }
    return lanes[0];
  }

  /// Plane j's fields (codes P i + j, before any flip) out of `w`
  /// (loadBlock), byte i holding code i: the 16-bit window of two bytes that
  /// holds each code is picked by a vpshufb in its 128-bit lane, multiplied
  /// so that the code's top bit is bit 15 (the bits above it overflow) and
  /// shifted down by 16 - bits; one vpackuswb makes 32 bytes of two
  /// vectors of words. AVX2 has no variable 16-bit shift, and this is two
  /// shuffles, two multiplies, two shifts and a pack per 32 codes where
  /// the portable code's byte shuffles cross lanes.
  mlir::Value shuffledFieldCodes(mlir::Value w, int64_t j) {
    // 3-bit codes in two planes: each even code and the odd one after it
    // as one 6-bit field, split by a mask and a shift (a 6-bit field costs
    // what a 3-bit one did: 10 instead of 14 per 64 codes).
    if (format.bits == 3 && format.planes == 2) {
      mlir::Value pairs = shuffledWindows(w, 0, /*bits=*/6, /*planes=*/1);
      if (j)
        pairs =
            mlir::arith::ShRUIOp::create(b, loc, pairs, splat(byteVector(), 3));
      return bitwise(pairs, 7, /*isAnd=*/true);
    }
    return shuffledWindows(w, j, format.bits, format.planes);
  }

  /// shuffledFieldCodes of fields of `bits` bits in `planes` planes.
  mlir::Value shuffledWindows(mlir::Value w, int64_t j, int64_t bits,
                              int64_t planes) {
    auto words = mlir::VectorType::get({vectorBytes / 2}, b.getI16Type());
    std::array<mlir::Value, 2> halves = topAlignedFields(w, j, bits, planes);
    for (mlir::Value &half : halves)
      half =
          mlir::arith::ShRUIOp::create(b, loc, half, splat(words, 16 - bits));
    return X86VpackuswbOp::create(b, loc, byteVector(), halves[0], halves[1]);
  }

  /// The 16-bit windows of plane j's fields (shuffledFieldCodes), each
  /// multiplied so that its field's top bit is bit 15, the bits above it
  /// gone. Half h holds, in 128-bit lane L, the codes 16 L + 8 h + i of
  /// the block for i < 8 (vpackuswb's order: its byte i of lane L is word
  /// 8 L + i of its first operand for i < 8, word 8 L + i - 8 of its second
  /// otherwise).
  std::array<mlir::Value, 2> topAlignedFields(mlir::Value w, int64_t j,
                                              int64_t bits, int64_t planes) {
    auto words = mlir::VectorType::get({vectorBytes / 2}, b.getI16Type());
    std::array<mlir::Value, 2> halves;
    for (int64_t half = 0; half < 2; ++half) {
      llvm::SmallVector<int64_t> control, multiplier;
      for (int64_t word = 0; word < vectorBytes / 2; ++word) {
        int64_t lane = word / 8;
        int64_t i = 16 * lane + 8 * half + word % 8;
        int64_t bit = (planes * i + j) * bits;
        int64_t first = bit / 8 - laneFirstByte(lane), shift = bit % 8;
        // A field starting a byte is the high byte of its window (shift
        // 8): LLVM turns the multiply and shift into a vpmulhuw by
        // 2^(16 - shift) and a mask, and a shift of 0 took a blend more.
        if (shift == 0) {
          first -= 1;
          shift = 8;
        }
        // Bytes the field does not need may lie outside the lane: 0x80
        // reads as zero.
        auto byteAt = [](int64_t at, bool needed) -> int64_t {
          return needed || (at >= 0 && at < 16) ? at : int8_t(0x80);
        };
        control.push_back(byteAt(first, shift < 8));
        control.push_back(byteAt(first + 1, shift + bits > 8));
        multiplier.push_back(int64_t(1) << (16 - bits - shift));
      }
      mlir::Value window = mlir::vector::BitCastOp::create(
          b, loc, words,
          X86VpshufbOp::create(b, loc, byteVector(), w,
                               constant(byteVector(), control)));
      halves[half] = mlir::arith::MulIOp::create(b, loc, window,
                                                 constant(words, multiplier));
    }
    return halves;
  }

  /// Plane j of the P V codes of a block, codes P i + j, from `w`: its
  /// first P V bits / 8 bytes (loadBlock), or for shuffled fields each
  /// 128-bit lane's own bytes. Eight fields end on a byte boundary, so the
  /// 8 P codes of qword g of the result (P bits <= 8 bytes) are bytes
  /// [g P bits, (g + 1) P bits).
  mlir::Value fields(mlir::Value w, int64_t j) {
    int64_t bits = format.bits, planes = format.planes;
    mlir::Value codes;
    if (shuffledFields()) {
      codes = shuffledFieldCodes(w, j);
    } else if (multishift) {
      // Group g's bytes into qword g (the same shuffle for every plane),
      // then code P i + j of each group from its bit (P i + j) bits, all in
      // one vpmultishiftqb.
      int64_t groupBytes = planes * bits;
      llvm::SmallVector<int64_t> spread, control;
      for (int64_t g = 0; g < vectorBytes / 8; ++g)
        for (int64_t i = 0; i < 8; ++i) {
          spread.push_back(g * groupBytes + std::min(i, groupBytes - 1));
          control.push_back((planes * i + j) * bits);
        }
      mlir::Value grouped =
          mlir::vector::ShuffleOp::create(b, loc, w, w, spread);
      codes = X86VpmultishiftqbOp::create(
          b, loc, byteVector(), constant(byteVector(), control), grouped);
      codes = bitwise(codes, (1 << bits) - 1, /*isAnd=*/true);
    } else {
      // Each field out of the 16-bit word of its first two bytes.
      llvm::SmallVector<int64_t> first, second, shift;
      for (int64_t i = 0; i < vectorBytes; ++i) {
        int64_t bit = (planes * i + j) * bits;
        first.push_back(bit / 8);
        second.push_back(bit / 8 + 1); // < V: the fields end at P V bits / 8
        shift.push_back(bit % 8);
      }
      auto words = mlir::VectorType::get({vectorBytes}, b.getI16Type());
      auto widen = [&](llvm::ArrayRef<int64_t> at) {
        return mlir::arith::ExtUIOp::create(
            b, loc, words, mlir::vector::ShuffleOp::create(b, loc, w, w, at));
      };
      mlir::Value word = mlir::arith::OrIOp::create(
          b, loc, widen(first),
          mlir::arith::ShLIOp::create(b, loc, widen(second), splat(words, 8)));
      codes = mlir::arith::TruncIOp::create(
          b, loc, byteVector(),
          mlir::arith::ShRUIOp::create(b, loc, word, constant(words, shift)));
      codes = bitwise(codes, (1 << bits) - 1, /*isAnd=*/true);
    }
    // Shuffled fields were flipped as they were loaded (prepare).
    return format.flip && !shuffledFields()
               ? bitwise(codes, format.flip, /*isAnd=*/false)
               : codes;
  }

  int64_t blockCodes() const { return format.planes * vectorBytes; }

  /// Block `kb` of row `row` of W as loaded and prepared for its planes
  /// (loadBlock, prepare).
  mlir::Value preparedBlock(mlir::Value row, mlir::Value kb, bool inBounds) {
    mlir::Value offset = add(mul(row, rowBytes), mul(kb, blockBytes()));
    return prepare(loadBlock(offset, inBounds));
  }

  /// The blocks of a row of W, and how many of them (from the first) read
  /// inside the storage for every row: all where the last row's reads past
  /// its end stay within the bytes after it (its scales), else those
  /// whose read ends inside the row. (Bytes read past a row meet zeros of
  /// A'; the others take masked reads, a load and a branch per byte on
  /// AVX2.)
  std::pair<int64_t, int64_t> blockCounts() const {
    int64_t step = blockBytes();
    int64_t blocks = (rowBytes + step - 1) / step;
    int64_t extent = shuffledFields() ? laneFirstByte(vectorBytes / 16 - 1) + 16
                                      : vectorBytes;
    if ((blocks - 1) * step + extent - rowBytes <= bytesAfterRows)
      return {blocks, blocks};
    int64_t inRow = rowBytes < extent
                        ? 0
                        : std::min(blocks, (rowBytes - extent) / step + 1);
    return {blocks, inRow};
  }
  mlir::VectorType floatLanes() {
    return mlir::VectorType::get({vectorBytes / 4}, b.getF32Type());
  }

  mlir::Value readFloats(mlir::Value source, mlir::Value at, int64_t count,
                         mlir::Type type) {
    return readFloatsAsF32(b, loc, source, at, count, type);
  }

  /// The scales of groups [g0, g0 + count) of row `row` of W, as f32.
  mlir::Value readScales(mlir::Value row, mlir::Value g0, int64_t count) {
    return readGroupScales(b, loc, bytes, scaleBase, k / format.group, row, g0,
                           count, format.scale);
  }

  /// The scale of each i32 lane of unit `unit` of row `row` of W. `first`
  /// is the unit's first code when it is one of the last units of the row
  /// (whose scales may stop at K), else 0 (the unit is whole). Lane l holds
  /// codes [4 P l, 4 P (l+1)) of its block (four bytes of each of the P
  /// planes). A unit is one group, or one block of several; groups at or
  /// past K (the last block of a row) get scale 0, whatever follows in
  /// memory. `rowScales`, when set, holds all of the row's scales (groups
  /// of whole blocks; see rowBlockScaled).
  mlir::Value laneScales(mlir::Value row, mlir::Value unit, int64_t first,
                         mlir::Value rowScales) {
    return scalesOfLanes(row, unit, first, rowScales, 4,
                         floatLanes().getNumElements());
  }

  /// laneScales for lanes of `bytesPerLane` bytes of each plane, `lanes`
  /// of them.
  mlir::Value scalesOfLanes(mlir::Value row, mlir::Value unit, int64_t first,
                            mlir::Value rowScales, int64_t bytesPerLane,
                            int64_t lanes) {
    int64_t group = format.group;
    if (group >= blockCodes())
      return rowScales ? broadcastLoad(b, loc, rowScales, unit, lanes)
                       : splatElement(b, loc, readScales(row, unit, 1),
                                      b.getIndexAttr(0), lanes);
    int64_t perBlock = blockCodes() / group;
    int64_t valid = std::min(perBlock, (k - first) / group);
    mlir::Value scales = readScales(row, mul(unit, perBlock), valid);
    mlir::Value zeros = mlir::arith::ConstantOp::create(
        b, loc,
        mlir::DenseElementsAttr::get(
            mlir::VectorType::get({valid}, b.getF32Type()),
            b.getF32FloatAttr(0)));
    llvm::SmallVector<int64_t> pick;
    for (int64_t l = 0; l < lanes; ++l) {
      int64_t g = bytesPerLane * format.planes * l / group;
      pick.push_back(g < valid ? g : valid);
    }
    return mlir::vector::ShuffleOp::create(b, loc, scales, zeros, pick);
  }

  /// `body(kb, count, inBounds, values)` over blocks [kb0, kb0 + blocks)
  /// of a row in runs of `run` blocks [kb, kb + count), carrying `values`:
  /// the first `inRow` read inside the row, the rest may read past it (no
  /// run holds both). Several whole runs are an scf.for, one a single body,
  /// the rest a shorter run (the body is large).
  llvm::SmallVector<mlir::Value> overBlockRuns(
      mlir::Value kb0, int64_t blocks, int64_t inRow, int64_t run,
      llvm::SmallVector<mlir::Value> values,
      llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value, int64_t,
                                                        bool, mlir::ValueRange)>
          body) {
    auto over = [&](int64_t first, int64_t count, bool inBounds) {
      mlir::Value start = add(kb0, first);
      int64_t runs = count / run;
      if (runs == 1)
        values = body(start, run, inBounds, values);
      else if (runs > 1)
        values = buildLoop(
            b, loc, runs, 1, values, [&](mlir::Value i, mlir::ValueRange args) {
              return body(add(start, mul(i, run)), run, inBounds, args);
            });
      if (count % run)
        values = body(add(start, runs * run), count % run, inBounds, values);
    };
    over(0, inRow, /*inBounds=*/true);
    over(inRow, blocks - inRow, /*inBounds=*/false);
    return values;
  }

  /// overBlockRuns one block at a time: `body(kb, inBounds, values)`.
  llvm::SmallVector<mlir::Value> overBlocks(
      mlir::Value kb0, int64_t blocks, int64_t inRow,
      llvm::SmallVector<mlir::Value> values,
      llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value, bool,
                                                        mlir::ValueRange)>
          body) {
    return overBlockRuns(
        kb0, blocks, inRow, 1, std::move(values),
        [&](mlir::Value kb, int64_t, bool inBounds, mlir::ValueRange args) {
          return body(kb, inBounds, args);
        });
  }

  /// A unit of scaled sums is a group's worth of blocks, or one block
  /// holding several groups (K is a multiple of G, so units are whole).
  struct Units {
    int64_t blocks; // per unit
    int64_t count;  // in a row
    int64_t inRow;  // the first ones, whole and read in bounds
  };
  Units units() const {
    auto [blocks, inRow] = blockCounts();
    int64_t perUnit = std::max<int64_t>(1, format.group / blockCodes());
    // A block ending past K is no whole unit even where it reads in
    // bounds: its scales stop at K (the per-unit path, `first`).
    int64_t whole = std::min(inRow, k / blockCodes());
    return {perUnit, (blocks + perUnit - 1) / perUnit, whole / perUnit};
  }

  /// `unitInto(chain, u, inRowBlocks, first, values)` for the units of a
  /// row, carrying `values`: the whole ones an scf.for over steps of
  /// `chains` units (unit c of a step into chain c), the rest of them one
  /// by one into chain 0, then the last ones one by one (`inRowBlocks` of
  /// their blocks read in bounds, `first` their first code: their reads
  /// may leave the row, and the last block's scales stop at K).
  llvm::SmallVector<mlir::Value>
  overUnits(llvm::SmallVector<mlir::Value> values, int64_t chains,
            llvm::function_ref<void(int64_t, mlir::Value, int64_t, int64_t,
                                    llvm::SmallVector<mlir::Value> &)>
                unitInto) {
    int64_t inRow = blockCounts().second;
    Units units = this->units();
    int64_t perUnit = units.blocks;
    if (units.inRow >= chains)
      values =
          buildLoop(b, loc, units.inRow / chains, 1, values,
                    [&](mlir::Value i, mlir::ValueRange args) {
                      llvm::SmallVector<mlir::Value> next(args);
                      for (int64_t c = 0; c < chains; ++c)
                        unitInto(c, chains == 1 ? i : add(mul(i, chains), c),
                                 perUnit, 0, next);
                      return next;
                    });
    for (int64_t u = units.inRow / chains * chains; u < units.inRow; ++u)
      unitInto(0, idx(u), perUnit, 0, values);
    for (int64_t u = units.inRow; u < units.count; ++u)
      unitInto(0, idx(u), std::clamp<int64_t>(inRow - u * perUnit, 0, perUnit),
               u * perUnit * blockCodes(), values);
    return values;
  }

  /// A sum of table codes (value * 2^exponent) as the sum of the values.
  mlir::Value tableSumAsValue(mlir::Value sum) {
    if (!format.exponent)
      return sum;
    return mlir::arith::MulFOp::create(
        b, loc, sum,
        mlir::arith::ConstantOp::create(
            b, loc, b.getF32FloatAttr(std::ldexp(1.0f, -format.exponent))));
  }

  /// f32 `scales` times 2^-exponent.
  mlir::Value timesExponent(mlir::Value scales) {
    mlir::Value factor = mlir::arith::ConstantOp::create(
        b, loc,
        mlir::DenseElementsAttr::get(
            mlir::cast<mlir::VectorType>(scales.getType()),
            b.getF32FloatAttr(std::ldexp(1.0f, -format.exponent))));
    return mlir::arith::MulFOp::create(b, loc, scales, factor);
  }

  /// Row n0's scales converted once into a buffer on the stack, at the top
  /// of its tile (rows of A share it), for tiles of one row of W with at
  /// most 64 groups of whole blocks; null otherwise. A unit's scale is then
  /// one broadcast load folded into the FMA, where a vector indexed by the
  /// loop's variable was stored to the stack by LLVM every unit. Tiles of
  /// several rows of W read theirs: four rows' scales would hold up to 16
  /// more registers among the tile's 32 sums.
  /// `withExponent`: the scales times 2^-exponent (valueScales), once here.
  mlir::Value rowScaleBuffer(mlir::Value n0, int64_t rowsW,
                             bool withExponent = false) {
    if (!format.group || rowsW != 1 || format.group < blockCodes() ||
        k / format.group > kMaxRowScales)
      return mlir::Value();
    mlir::Value scales = readScales(n0, idx(0), k / format.group);
    if (withExponent)
      scales = timesExponent(scales);
    return storeOnStack(b, loc, scales);
  }
};

} // namespace anybit::codegen

#endif // ANYBIT_LIB_CONVERSION_CODEKERNEL_H
