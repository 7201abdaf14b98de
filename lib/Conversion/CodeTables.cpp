//===- CodeTables.cpp - Code values by f32 table lookups ------------------===//

#include "CodeTables.h"

#include "Anybit/ElementTypes.h"
#include "Anybit/X86Ops.h"
#include "anybit/Support/FloatFormat.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/bit.h"

#include <cmath>

using namespace mlir;

namespace anybit::codegen {

std::optional<IntegerSteps> getIntegerSteps(const FloatFormat &format,
                                            int64_t limit) {
  const std::vector<double> &values = format.decodeTable();
  for (int exponent = 0; exponent <= 24; ++exponent) {
    IntegerSteps integers{exponent, {}};
    for (double v : values) {
      double scaled = std::ldexp(v, exponent);
      if (!std::isfinite(scaled) || scaled != std::trunc(scaled) ||
          std::fabs(scaled) >= double(limit))
        break;
      integers.steps.push_back(int64_t(scaled));
    }
    if (integers.steps.size() == values.size())
      return integers;
  }
  return std::nullopt;
}

std::optional<float> getCodeValue(Type element, int64_t pattern) {
  unsigned bits = getElementBitWidth(element);
  if (isa<TritType>(element))
    return float(pattern - 1);
  if (isa<IntegerType>(element))
    return float(isTwosComplementInteger(element) &&
                         pattern >= (int64_t(1) << (bits - 1))
                     ? pattern - (int64_t(1) << bits)
                     : pattern);
  if (std::optional<FloatFormat> small = getFloatFormat(element))
    return float(small->decode(pattern));
  return std::nullopt;
}

std::optional<CodeTable> getCodeTable(Type element) {
  unsigned bits = getElementBitWidth(element);
  bool isFloat = getFloatFormat(element).has_value();
  if (bits == 0 || bits > 6 || (bits == 6 && !isFloat) ||
      !getCodeValue(element, 0))
    return std::nullopt;
  auto value = [&](int64_t pattern) {
    return *getCodeValue(element, pattern % (int64_t(1) << bits));
  };
  CodeTable table;
  if (bits == 6) {
    // Patterns 32..63 the negated 0..31 (NaNs of either sign alike).
    table.signMagnitude = true;
    for (int64_t p = 0; p < 32; ++p) {
      float positive = value(p), negative = value(p + 32);
      if (!(std::isnan(positive) && std::isnan(negative)) &&
          llvm::bit_cast<uint32_t>(-positive) !=
              llvm::bit_cast<uint32_t>(negative))
        table.signMagnitude = false;
    }
  }
  int64_t entries = table.signMagnitude
                        ? 32
                        : std::max<int64_t>(16, int64_t(1) << bits);
  for (int64_t i = 0; i < entries; ++i)
    table.entries.push_back(value(i));
  return table;
}

SmallVector<Value, 4> getTableParts(Lanes &v, const CodeTable &table) {
  SmallVector<Value, 4> parts;
  for (size_t i = 0; i < table.entries.size(); i += kLanes)
    parts.push_back(arith::ConstantOp::create(
        v.b, v.loc,
        DenseElementsAttr::get(
            v.f32v(), ArrayRef<float>(table.entries).slice(i, kLanes))));
  return parts;
}

/// Each i32 lane of `x` with byte 0 holding bits [shift, shift + 8) of it
/// and byte 3 bits [shift - 2, shift + 6), so that the 6-bit code at
/// `shift` has its low five bits at the bottom of the lane and its sign
/// at the top: one vpmultishiftqb, which picks each byte of a result qword
/// from any bit offset of the same qword (rotating).
static Value spreadSignMagnitude(Lanes &v, Value x, int32_t shift) {
  OpBuilder &b = v.b;
  auto bytes = VectorType::get({4 * kLanes}, b.getI8Type());
  SmallVector<int8_t> control;
  for (int64_t byte = 0; byte < 4 * kLanes; ++byte) {
    int64_t lane = byte / 4 % 2, inLane = byte % 4;
    int64_t from = 32 * lane + shift - (inLane == 3 ? 2 : 0);
    control.push_back(int8_t((from + 64) % 64));
  }
  Value controlBytes = arith::ConstantOp::create(
      b, v.loc, DenseElementsAttr::get(bytes, ArrayRef<int8_t>(control)));
  Value data = vector::BitCastOp::create(b, v.loc, bytes, x);
  Value spread =
      X86VpmultishiftqbOp::create(b, v.loc, bytes, controlBytes, data);
  return vector::BitCastOp::create(b, v.loc, v.i32v(), spread);
}

Value lookUpCodes(Lanes &v, const CodeTable &table, ArrayRef<Value> parts,
                  Value x, int32_t shift, bool multishift) {
  OpBuilder &b = v.b;
  Location loc = v.loc;
  VectorType f32 = v.f32v();
  if (table.signMagnitude) {
    // The code's bit 5 at bit 31, xor-ed into the magnitude (positive).
    Value index, sign;
    if (multishift) {
      index = sign = spreadSignMagnitude(v, x, shift);
    } else {
      index = shift ? v.shr(x, v.i32c(shift)) : x;
      sign = v.shl(x, v.i32c(26 - shift));
    }
    Value magnitude =
        X86Vpermi2psOp::create(b, loc, f32, parts[0], index, parts[1]);
    Value bits = vector::BitCastOp::create(b, loc, v.i32v(), magnitude);
    return vector::BitCastOp::create(
        b, loc, f32, v.xor_(bits, v.and_(sign, v.i32c(int64_t(1) << 31))));
  }
  Value index = shift ? v.shr(x, v.i32c(shift)) : x;
  if (table.entries.size() == 16)
    return X86VpermpsOp::create(b, loc, f32, parts[0], index);
  Value low = X86Vpermi2psOp::create(b, loc, f32, parts[0], index, parts[1]);
  if (table.entries.size() == 32)
    return low;
  // Bit 5 picks the upper 32 entries.
  Value high = X86Vpermi2psOp::create(b, loc, f32, parts[2], index, parts[3]);
  Value upper =
      v.cmpi(arith::CmpIPredicate::ne, v.and_(index, v.i32c(32)), v.i32c(0));
  return v.sel(upper, high, low);
}

} // namespace anybit::codegen
