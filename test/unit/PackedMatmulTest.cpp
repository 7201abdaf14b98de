//===- PackedMatmulTest.cpp - Vectorized packed matmuls against the VM ----===//
//
// anybit.matmul with f32 accumulation and packed weights takes the vector
// code path (VectorMatmulCodegen) when the contiguous dimension of B is a
// multiple of 16 (N of a K x N B, K of an N x K B with transpose_rhs). It
// reorders the float sum (each group's products are scaled once), so results
// are compared with the reference VM within a tolerance relative to the largest
// output. Shapes, element types (integers and floats of 1..8 bits, random
// formats), encodings, group sizes, scale types and row counts are random;
// values are finite, so that both sides compute numbers. A third of the N x K
// cases take int8 activations (plain, or packed with a scale per row), which
// integer weights and small floats of 2 or 4 bits multiply in the code-dot
// kernel (CodeDotMatmulCodegen): exact int32 sums per block, scaled once.
// A second test draws its scaled GEMVs (groups inside blocks and of whole
// ones, many groups a row), a third f32-activation GEMVs for the code-FMA
// kernel (CodeFmaMatmulCodegen): whole blocks of codes, groups of whole reads
// or of whole lanes inside one, and a fourth its batches of 2 to 4 rows. An
// output that cancels (much smaller than its terms) is allowed what two orders
// of its sum can differ by.
//
//===----------------------------------------------------------------------===//

#include "Anybit/AnybitDialect.h"
#include "Anybit/ElementTypes.h"
#include "BitPlaneSplit.h"
#include "CodeCvtMatmulCodegen.h"
#include "CodeDotMatmulCodegen.h"
#include "CodeFmaMatmulCodegen.h"
#include "FloatLookupTableMatmulCodegen.h"
#include "RowMajorRepack.h"
#include "anybit/Interp/ElementCodec.h"
#include "anybit/Interp/Interpreter.h"
#include "anybit/Support/BitPacking.h"
#include "anybit/Target/CPU.h"

#include "Sweep.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/TargetParser/Host.h"
#include "gtest/gtest.h"
#include <cmath>
#include <iostream>
#include <numeric>
#include <optional>
#include <random>

using namespace mlir;

namespace {

class PackedMatmulTest : public ::testing::Test {
protected:
  PackedMatmulTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    anybit::registerInterpreterDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// A function @`name``index` returning anybit.matmul of its arguments
  /// (types `lhs`, `rhs`) into `res`, accumulated in f32.
  static std::string matmulFunction(llvm::StringRef name, int index,
                                    const std::string &lhs,
                                    const std::string &rhs,
                                    const std::string &res, bool transposed,
                                    llvm::StringRef accumulator = "f32") {
    return llvm::formatv(
        "func.func @{0}{1}(%a: {2}, %b: {3}) -> {4} {{\n"
        "  %c = anybit.matmul %a, %b {{accumulator = {6}{5}} : {2}, {3} -> "
        "{4}\n"
        "  return %c : {4}\n}\n",
        name, index, lhs, rhs, res, transposed ? ", transpose_rhs" : "",
        accumulator);
  }

  /// An element type of 1..8 bits: an integer, a trit or a small float.
  std::string weightType() {
    static const char *floats[] = {"f4E2M1FN", "f6E2M3FN", "f6E3M2FN",
                                   "f8E4M3FN", "f8E5M2"};
    switch (rng() % 7) {
    case 0:
    case 1: {
      const char *prefix[] = {"i", "ui", "si"};
      return prefix[rng() % 3] + std::to_string(1 + rng() % 8);
    }
    case 2:
      return "!anybit.trit"; // codes t + 1, the vector kernel's offset 1
    case 3:
    case 4:
      return floats[rng() % std::size(floats)];
    default:
      return randomFormat(5, 4, 2, 1, 8, /*mostlyFinite=*/false);
    }
  }

  /// A random valid !anybit.float of [minWidth, maxWidth] bits: expBits in
  /// [1, expSpan], manBits below manSpan, the default bias +- biasSpread,
  /// unsigned a quarter of the time, sometimes without zero (all values
  /// positive when unsigned), NaN/inf policies uniform or, `mostlyFinite`,
  /// none two times out of three.
  std::string randomFormat(unsigned expSpan, unsigned manSpan, int biasSpread,
                           unsigned minWidth, unsigned maxWidth,
                           bool mostlyFinite) {
    while (true) {
      anybit::FloatFormat f;
      f.expBits = 1 + rng() % expSpan;
      f.manBits = rng() % manSpan;
      f.bias = anybit::FloatFormat::defaultBias(f.expBits) +
               int(rng() % (2 * biasSpread + 1)) - biasSpread;
      f.isSigned = rng() % 4 != 0;
      f.nonFinite = mostlyFinite && rng() % 3
                        ? anybit::NonFinite::None
                        : static_cast<anybit::NonFinite>(rng() % 3);
      f.hasZero = !(f.manBits == 0 && rng() % 3 == 0);
      if (f.validate().empty() && f.width() >= minWidth &&
          f.width() <= maxWidth)
        return "!anybit.float<" + f.str() + ">";
    }
  }

  /// A float of 2..6 bits (e2m1, the FP6 formats, or a random format),
  /// which the code-dot kernel decodes by a table when its values are
  /// multiples of one power of two within 16 bits (two byte tables past
  /// 255 steps, as e3m2).
  std::string tableFloat() {
    static const char *named[] = {"f4E2M1FN", "f6E3M2FN", "f6E2M3FN"};
    if (rng() % 2)
      return named[rng() % std::size(named)];
    return randomFormat(4, 3, 1, 2, 6, /*mostlyFinite=*/true);
  }

  /// Whether i8 values may be -128. The code-dot kernel negates int8
  /// activations by the signs of sign-magnitude weights, and takes its
  /// offset codes where one is -128; a random K of 64 or more holds one
  /// more often than not, so every second run draws none.
  bool int8Minimum = true;

  bool excluded(Type type, uint64_t code) const {
    return !int8Minimum && type.isSignlessInteger(8) && code == 0x80;
  }

  /// Extreme inputs instead of random ones (the third run of
  /// compareWithTheVM's code-dot kernels): every activation the int8 of
  /// one sign farthest from zero (-128 where int8Minimum allows it), every
  /// weight the code of its format's largest value (the largest code of
  /// offset codes, the largest magnitude of sign-magnitude ones), so that
  /// every product is as large as it gets, with one sign: partial sums a
  /// kernel keeps in 16 bits (vpmaddubsw's pairs) overflow if they are
  /// longer than the bound says.
  struct Extremes {
    bool negativeActivations;
  };
  std::optional<Extremes> extremes;

  /// The finite code of `type`'s largest (or smallest) value, for types of
  /// at most 8 bits.
  std::optional<uint64_t> extremeCode(Type type, bool smallest) const {
    anybit::ElementCodec codec(type);
    if (codec.getWidth() > 8)
      return std::nullopt;
    std::optional<uint64_t> best;
    for (uint64_t c = 0; c <= codec.getMask(); ++c) {
      double v = codec.toDouble(c);
      if (std::isfinite(v) && !excluded(type, c) &&
          (!best || (smallest ? v < codec.toDouble(*best)
                              : v > codec.toDouble(*best))))
        best = c;
    }
    return best;
  }

  /// Random finite codes of `type` (or all one extreme code: see
  /// Extremes; `activations` tells A from W).
  std::vector<uint64_t> finiteCodes(Type type, int64_t count,
                                    bool activations) {
    anybit::ElementCodec codec(type);
    if (extremes)
      if (std::optional<uint64_t> c = extremeCode(
              type, activations && extremes->negativeActivations))
        return std::vector<uint64_t>(count, *c);
    std::vector<uint64_t> codes(count);
    for (uint64_t &c : codes)
      do
        c = rng() & codec.getMask();
      while ((codec.isFloat() && !std::isfinite(codec.toDouble(c))) ||
             excluded(type, c));
    return codes;
  }

  /// A packed tensor of `type` holding `codes` (its elements' fields, row
  /// major) and, for block encodings, `scales` (their fields, one a block).
  static anybit::RtValue packed(RankedTensorType type, ArrayRef<uint64_t> codes,
                                ArrayRef<uint64_t> scales) {
    auto enc = cast<anybit::PackedEncodingAttr>(type.getEncoding());
    anybit::PackedPlanes planes;
    planes.data.assign(enc.getDataBytes(type.getShape(), type.getElementType()),
                       0);
    anybit::packBits(codes.data(), codes.size(),
                     enc.getBitLayout(type.getElementType()),
                     planes.data.data());
    if (enc.hasBlocks()) {
      planes.scales.assign(enc.getScaleBytes(type.getShape()), 0);
      anybit::packBits(scales.data(), scales.size(), enc.getScaleLayout(),
                       planes.scales.data());
    }
    return anybit::RtValue::packedTensor(type, std::move(planes));
  }

  anybit::RtValue randomPacked(RankedTensorType type,
                               bool activations = false) {
    auto enc = cast<anybit::PackedEncodingAttr>(type.getEncoding());
    std::vector<uint64_t> codes =
        finiteCodes(type.getElementType(), type.getNumElements(), activations);
    std::vector<uint64_t> scales;
    if (enc.hasBlocks()) {
      // Scales in [1/8, 4): products stay far from f32's limits.
      anybit::ElementCodec codec(enc.getScale());
      int64_t blocks = 1;
      for (int64_t d : enc.getBlockGridShape(type.getShape()))
        blocks *= d;
      scales.resize(blocks);
      for (uint64_t &s : scales)
        s = codec.fromDouble(
            std::ldexp(1.0 + double(rng() % 8) / 8, int(rng() % 5) - 3));
    }
    return packed(type, codes, scales);
  }

  /// Float activations are multiples of 1/1000 in [-2, 2], times this.
  double activationScale = 1.0;
  /// Whether codeDotKernel draws scaled small batches only (2..4 rows of A,
  /// an even N: the kernel's two rows of W a tile, N / 2 apart).
  bool smallBatches = false;

  anybit::RtValue randomActivations(RankedTensorType type) {
    anybit::ElementCodec codec(type.getElementType());
    std::vector<uint64_t> values(type.getNumElements());
    if (extremes && codec.isInteger() && codec.getWidth() == 8) {
      int64_t x = !extremes->negativeActivations ? 127
                  : int8Minimum                  ? -128
                                                 : -127;
      values.assign(values.size(), codec.fromInt(x));
      return anybit::RtValue::tensor(type, std::move(values));
    }
    for (uint64_t &v : values)
      do
        v = codec.isInteger()
                ? codec.fromInt(int64_t(rng() % 256) - 128)
                : codec.fromDouble(activationScale *
                                   double(int64_t(rng() % 4001) - 2000) / 1000);
      while (excluded(type.getElementType(), v));
    return anybit::RtValue::tensor(type, std::move(values));
  }

  /// A random kernel: returns its source. Half of them store B as N x K
  /// (transpose_rhs), with groups along its rows.
  std::string randomKernel(int index) {
    bool transposed = rng() % 2;
    int64_t m = 1 + rng() % 9;
    static const int64_t ns[] = {16, 32, 48, 64, 80, 128, 144};
    int64_t n = transposed ? 1 + rng() % 24 : ns[rng() % std::size(ns)];
    static const int64_t groups[] = {1, 2, 3, 8, 16, 32};
    static const int64_t rowGroups[] = {16, 32, 48, 64, 8};
    int64_t group = transposed ? rowGroups[rng() % std::size(rowGroups)]
                               : groups[rng() % std::size(groups)];
    int64_t k = group * (1 + rng() % 4);
    // int8 activations, plain or packed with one scale per row (as
    // anybit.quantize makes them), times integer weights take the code-dot
    // kernel (powers of two for G; other groups and scale types fall back).
    bool int8 = transposed && rng() % 3 == 0;
    std::string element = weightType();
    if (int8 && rng() % 3 == 0)
      element = tableFloat();
    else if (int8 && rng() % 3 != 0)
      element = std::string(rng() % 2 ? "i" : "ui") +
                std::to_string(1 + rng() % 8);
    std::vector<std::string> fields;
    if (rng() % 4 == 0)
      fields.push_back("word = " + std::to_string(8 << (rng() % 4)));
    if (rng() % 4 == 0)
      fields.push_back("straddle = false");
    if (rng() % 4 != 0) {
      static const char *scales[] = {"f32", "f16", "bf16", "f8E8M0FNU",
                                     "f8E4M3FN"};
      fields.push_back(transposed ? llvm::formatv("block = [1, {0}]", group)
                                  : llvm::formatv("block = [{0}, 1]", group));
      fields.push_back(std::string("scale = ") +
                       scales[rng() % std::size(scales)]);
    }
    std::string enc = "#anybit.packed<" + llvm::join(fields, ", ") + ">";
    std::string lhsElem = rng() % 4 ? "f32" : "f16";
    std::string out = rng() % 4 ? "f32" : "f16";
    std::string lhs = llvm::formatv("tensor<{0}x{1}x{2}>", m, k, lhsElem);
    static const char *rowScales[] = {"f32", "f16", "bf16"};
    if (int8)
      lhs = rng() % 3 == 0
                ? llvm::formatv("tensor<{0}x{1}xi8>", m, k).str()
                : llvm::formatv("tensor<{0}x{1}xi8, #anybit.packed<block = "
                                "[1, {1}], scale = {2}>>",
                                m, k, rowScales[rng() % 3])
                      .str();
    std::string rhs = llvm::formatv("tensor<{0}x{1}x{2}, {3}>",
                                    transposed ? n : k, transposed ? k : n,
                                    element, enc);
    std::string res = llvm::formatv("tensor<{0}x{1}x{2}>", m, n, out);
    return matmulFunction("mm", index, lhs, rhs, res, transposed);
  }

  /// Appends [1, group] scales of a random type the kernels read.
  void addGroupScales(std::vector<std::string> &encoding, int64_t group) {
    static const char *scales[] = {"f32", "f16", "bf16", "f8E8M0FNU"};
    encoding.push_back(llvm::formatv("block = [1, {0}]", group));
    encoding.push_back(std::string("scale = ") +
                       scales[rng() % std::size(scales)]);
  }

  /// A matmul of m x k activations (f32, or int8 into i32 with `intAcc`)
  /// and `element` weights packed with the `encoding` fields, N x K with
  /// `transposed`, else K x N.
  static std::string weightsMatmul(llvm::StringRef name, int index, int64_t m,
                                   int64_t n, int64_t k,
                                   const std::string &element,
                                   const std::vector<std::string> &encoding,
                                   bool transposed, bool intAcc) {
    std::string shape = transposed ? llvm::formatv("{0}x{1}", n, k).str()
                                   : llvm::formatv("{0}x{1}", k, n).str();
    std::string rhs = llvm::formatv("tensor<{0}x{1}, #anybit.packed<{2}>>",
                                    shape, element, llvm::join(encoding, ", "));
    std::string lhs =
        llvm::formatv("tensor<{0}x{1}x{2}>", m, k, intAcc ? "i8" : "f32");
    std::string res =
        llvm::formatv("tensor<{0}x{1}x{2}>", m, n, intAcc ? "i32" : "f32");
    return matmulFunction(name, index, lhs, rhs, res, transposed,
                          intAcc ? "i32" : "f32");
  }

  /// A matmul whose weights are tiled for a kernel that is not the one to
  /// run them (RowMajorRepack): 1..8-bit weights (integers, trits, small
  /// floats) tiled [R, C] with rows of whole bytes (C bits a multiple of
  /// 8; R of 1..80 rows), N x K (mostly) or K x N, f32 activations (a
  /// batch one time in three) unscaled or with [1, G] scales, or int8
  /// activations times integers into i32. K is now and then a multiple of
  /// 128, which the row-major kernels take whole.
  std::string tiledKernel(int index) {
    bool intAcc = rng() % 4 == 0;
    std::string element =
        intAcc ? (rng() % 2 ? "i" : "ui") + std::to_string(1 + rng() % 8)
               : weightType();
    int64_t bits = anybit::getElementBitWidth(parseType(element, &context));
    // Half the time tile rows of one 32-bit word, which move 16 rows by 16
    // tiles at a time (over 16 to 40 tiles, a tail of single tiles).
    bool words = 32 % bits == 0 && rng() % 2;
    int64_t cols =
        words ? 32 / bits : 8 / std::gcd(bits, int64_t(8)) * (1 + rng() % 4);
    static const int64_t tileRows[] = {1, 2, 3, 16, 32, 64, 80};
    int64_t rows = tileRows[rng() % std::size(tileRows)];
    int64_t k = words && rng() % 2 ? cols * (16 + rng() % 25)
                : rng() % 3        ? cols * (1 + rng() % 6)
                            : std::lcm(cols, int64_t(128)) * (1 + rng() % 2);
    int64_t m = rng() % 3 ? 1 : 2 + rng() % 3;
    // N x K tiled [R, C], or K x N tiled [1 or K, C].
    bool transposed = rng() % 4 != 0;
    int64_t n = transposed ? rows * (1 + rng() % 3) : cols * (1 + rng() % 3);
    if (!transposed)
      rows = rng() % 2 ? 1 : k;
    std::vector<std::string> encoding;
    if (!intAcc && transposed && rng() % 2)
      addGroupScales(encoding, cols * (rng() % 2 ? 1 : k / cols));
    encoding.push_back(llvm::formatv("tile = [{0}, {1}]", rows, cols));
    return weightsMatmul("tiled", index, m, n, k, element, encoding, transposed,
                         intAcc);
  }

  /// A matmul of integers in bit planes that no kernel reads as they are
  /// (BitPlaneSplit): 2..12-bit integers of any signedness in 2 to 4
  /// planes, row-major or tiled [R, C] (plane rows of whole bytes or not,
  /// R of 1..64), N x K (mostly) or K x N, f32 activations (a batch one
  /// time in three) unscaled or with [1, G] scales, or int8 activations
  /// into i32.
  std::string bitPlaneKernel(int index) {
    static const char *signs[] = {"i", "ui", "si"};
    int64_t bits = 2 + rng() % (rng() % 4 ? 7 : 11);
    std::string element = signs[rng() % 3] + std::to_string(bits);
    std::vector<std::string> widths;
    for (int64_t left = bits; left > 0;) {
      int64_t most = left == bits ? left - 1 : left;
      int64_t width = 1 + rng() % std::min<int64_t>(most, 4);
      widths.push_back(std::to_string(width));
      left -= width;
    }
    bool intAcc = rng() % 3 == 0, transposed = rng() % 4 != 0;
    static const int64_t cols[] = {4, 8, 16, 32};
    int64_t c = cols[rng() % std::size(cols)];
    static const int64_t tileRows[] = {1, 2, 16, 32, 64};
    int64_t r = tileRows[rng() % std::size(tileRows)];
    int64_t k = c * (1 + rng() % 8), m = rng() % 3 ? 1 : 2 + rng() % 3;
    int64_t n = transposed ? r * (1 + rng() % 3) : c * (1 + rng() % 3);
    std::vector<std::string> encoding;
    if (!intAcc && transposed && rng() % 2)
      addGroupScales(encoding, c);
    if (rng() % 4)
      encoding.push_back(transposed
                             ? llvm::formatv("tile = [{0}, {1}]", r, c).str()
                             : llvm::formatv("tile = [{0}, {1}]", c, n).str());
    encoding.push_back("bit_planes = [" + llvm::join(widths, ", ") + "]");
    return weightsMatmul("planes", index, m, n, k, element, encoding,
                         transposed, intAcc);
  }

  /// A kernel for the code-FMA kernel (CodeFmaMatmulCodegen): f32
  /// activations times N x K weights of integers of 1..8 bits, trits or
  /// floats of up to 6 bits, K whole blocks (and, for windows, rows of at
  /// least one read of 64 or 128 bytes), groups of whole reads (16 lanes'
  /// codes) or of whole lanes inside one. Some it declines (words that
  /// 3, 5, 6 or 7 bits do not fill, f8E4M3FN scales, groups of three reads
  /// that K does not hold whole, batches of codes without tables or of
  /// planes, and of 5 rows) take the vector kernel instead.
  /// `forced`, where given, is the weights' element type, and
  /// `forcedGroup`, where not 0, their group (a GEMV then). `pairedLong`:
  /// a GEMV of an even N and K over 4096 (two rows a tile for every
  /// format, 6-bit mantissas included; past 8192, panels of K), or with
  /// `batch` (the rows of A, where not 0) that many rows' panels.
  std::string codeFmaKernel(int index, const char *forced = nullptr,
                            int64_t forcedGroup = 0, bool pairedLong = false,
                            int64_t batch = 0) {
    // GEMVs, and now and then a batch.
    int64_t m = rng() % 6 ? 1 : 2 + rng() % 4, n = 1 + rng() % 20;
    if (forcedGroup || pairedLong)
      m = 1;
    if (batch)
      m = batch;
    if (pairedLong)
      n = 2 + 2 * (rng() % 8);
    std::string element;
    unsigned bits;
    switch (forced ? 4 : rng() % 4) {
    case 4:
      element = forced;
      bits = 0; // from the parsed type below
      break;
    case 0:
    case 1: {
      const char *prefix[] = {"i", "ui", "si"};
      bits = 1 + rng() % 8;
      element = prefix[rng() % 3] + std::to_string(bits);
      break;
    }
    case 2:
      element = "!anybit.trit";
      bits = 2;
      break;
    default: {
      static const char *named[] = {"f4E2M1FN", "f6E2M3FN", "f6E3M2FN"};
      element = rng() % 2 ? named[rng() % std::size(named)]
                          : randomFormat(4, 4, 1, 2, 6, /*mostlyFinite=*/true);
      bits = 0; // from the parsed type below
      break;
    }
    }
    if (!bits)
      bits = anybit::getElementBitWidth(parseType(element, &context));
    // The kernel's geometry: lanes of C codes (a word's 32 / bits for 1, 2
    // and 4 bits; a byte's 8 / bits where groups split words, and for 8
    // bits; 8 of 3, 5, 6 or 7 bits in a window), reads of 16 lanes, blocks
    // of 4 reads of bytes (up to 8 of whole bytes where N is odd: one row
    // a tile, with long chains), of 1 read of words or windows.
    bool windows = 8 % bits != 0;
    bool planes = bits == 8 || (!windows && rng() % 5 == 0);
    int64_t lane = windows ? 8 : planes ? 8 / bits : 32 / bits;
    int64_t read = 16 * lane;
    int64_t block = read * (!planes ? 1 : bits == 8 && n % 2 ? 8 : 4);
    int64_t windowBytes = 16 * bits <= 64 ? 64 : 128;
    int64_t minBlocks =
        windows ? (windowBytes * 8 / bits + block - 1) / block : 1;
    int64_t k = block * (minBlocks + rng() % 6);
    // Now and then a row of 16 to 80 blocks in groups of one read: scaled
    // tables load a block's scale from those of the row (or, for words, of
    // its panel of K) converted on the stack (up to 64), or read it alone
    // past 64 (windows' long rows).
    bool longRow = rng() % 6 == 0;
    if (longRow)
      k = block * (16 + rng() % 65);
    // Past 4096, up to 20480 (1 to 3 panels of K), whole runs of 16 blocks
    // (that most groups divide).
    if (pairedLong) {
      int64_t run = 16 * block;
      k = run * (4096 / run + 1 + rng() % (4 * 4096 / run));
    }
    std::vector<std::string> encoding;
    if (rng() % 5 == 0)
      encoding.push_back("word = " + std::to_string(8 << (rng() % 4)));
    if (rng() % 5 == 0)
      encoding.push_back("straddle = false");
    // Planes of codes under 8 bits: groups of one or two lanes, which
    // words would split, or of three reads of planes, which words' reads
    // would.
    if (planes && bits < 8) {
      int64_t group = lane << (rng() % 2);
      if (rng() % 3 == 0 && k % (3 * read) == 0)
        group = 3 * read;
      encoding.push_back(llvm::formatv("block = [1, {0}]", group));
      encoding.push_back("scale = f16");
    } else if (forcedGroup || rng() % 4 != 0) {
      // A group of 1/2 to 1/16 of a read (whole lanes, down to one), of 1
      // or 2 reads (several groups a row: the tables scaled per read), of
      // 1, 2, 3 or 4 reads or of 2 or 4 blocks that divides K, or a whole
      // row.
      int64_t group;
      switch (rng() % 4) {
      case 0:
        group = read >> (1 + rng() % 4);
        break;
      case 1:
        group = read << (rng() % 2);
        break;
      default: {
        int64_t shift = int64_t(rng() % 9) - 4;
        group = shift < 0 ? read >> -shift : read << shift;
        if (rng() % 3 == 0)
          group = 3 * read;
        if (rng() % 5 == 0)
          group = k;
      }
      }
      if (group % lane != 0)
        group = read;
      if (k % group != 0)
        group = k;
      if (longRow)
        group = read;
      if (forcedGroup && k % forcedGroup == 0)
        group = forcedGroup;
      static const char *scales[] = {"f32", "f16", "bf16", "f8E8M0FNU",
                                     "f8E4M3FN"};
      encoding.push_back(llvm::formatv("block = [1, {0}]", group));
      encoding.push_back(std::string("scale = ") +
                         scales[rng() % std::size(scales)]);
    }
    std::string rhs =
        llvm::formatv("tensor<{0}x{1}x{2}, #anybit.packed<{3}>>", n, k,
                      element, llvm::join(encoding, ", "));
    std::string lhs = llvm::formatv("tensor<{0}x{1}xf32>", m, k);
    std::string res = llvm::formatv("tensor<{0}x{1}xf32>", m, n);
    return matmulFunction("fma", index, lhs, rhs, res, /*transposed=*/true);
  }

  /// A GEMV for the f32 lookup-table kernel (FloatLookupTableMatmulCodegen):
  /// N x K weights of 1 or 2 bits (integers of either signedness, trits,
  /// 1- and 2-bit floats) tiled [16 R, 32 / bits], or integers of 2..8 bits
  /// in bit planes of 1 and 2 bits tiled [16 R, 32 / the widest plane's
  /// bits], R = 1..4, unscaled or
  /// with [1, G] scales of every type the kernel reads, G a multiple of
  /// the tile's columns; rows of up to 40 groups, so that scales come in
  /// whole blocks of 16 groups and a tail. One time in three a batch: of
  /// 2 to 5 rows (passes of 2 rows and 1), or of 9 or 17 (blocks of 8 rows
  /// and a tail); now and then a tile of 5 sub-tiles, which other code
  /// takes.
  std::string floatLookupKernel(int index) {
    static const char *elements[] = {"i1", "ui1", "si1", "i2", "ui2",
                                     "si2", "!anybit.trit"};
    std::string element =
        rng() % 8 ? elements[rng() % std::size(elements)]
                  : randomFormat(1, 2, 1, 1, 2, /*mostlyFinite=*/true);
    int64_t widest = anybit::getElementBitWidth(parseType(element, &context));
    // One time in three, integers of 2..8 bits in bit planes of 1 and 2
    // bits, tile rows of one word in the widest.
    std::string planes;
    if (rng() % 3 == 0) {
      static const char *signs[] = {"i", "ui", "si"};
      int64_t bits = 2 + rng() % 7;
      element = signs[rng() % 3] + std::to_string(bits);
      std::vector<std::string> widths;
      widest = 1;
      for (int64_t left = bits; left > 0;) {
        int64_t width = left == 1 || (left == bits && bits == 2)
                            ? 1
                            : 1 + int64_t(rng() % 2);
        widths.push_back(std::to_string(width));
        widest = std::max(widest, width);
        left -= width;
      }
      planes = "bit_planes = [" + llvm::join(widths, ", ") + "]";
    }
    int64_t cols = 32 / widest, subTiles = 1 + rng() % (rng() % 10 ? 4 : 5);
    int64_t rows = 16 * subTiles;
    // 1 to 4 tiles: on 2 threads, 2 and 4 split into parts of whole tiles.
    static const int64_t batches[] = {2, 3, 4, 5, 9, 17};
    int64_t n = rows * (1 + rng() % 4);
    int64_t m = rng() % 3 ? 1 : batches[rng() % std::size(batches)];
    int64_t group = cols << (rng() % 3); // 1, 2 or 4 words
    int64_t groups = 1 + rng() % 40;
    int64_t k = group * groups;
    std::vector<std::string> encoding;
    if (rng() % 5) {
      static const char *scales[] = {"f32", "f16", "bf16", "f8E8M0FNU"};
      encoding.push_back(llvm::formatv("block = [1, {0}]", group));
      encoding.push_back(std::string("scale = ") +
                         scales[rng() % std::size(scales)]);
    }
    encoding.push_back(llvm::formatv("tile = [{0}, {1}]", rows, cols));
    if (!planes.empty())
      encoding.push_back(planes);
    std::string rhs =
        llvm::formatv("tensor<{0}x{1}x{2}, #anybit.packed<{3}>>", n, k,
                      element, llvm::join(encoding, ", "));
    return matmulFunction("lut", index,
                          llvm::formatv("tensor<{0}x{1}xf32>", m, k), rhs,
                          llvm::formatv("tensor<{0}x{1}xf32>", m, n),
                          /*transposed=*/true);
  }

  /// A GEMV (now and then a batch) for the code-dot kernel's scaled path:
  /// int8 activations, plain or packed with one scale per row, times N x K
  /// integers of 1..8 bits or table floats with [1, G] scales, G a power
  /// of two from 32 to 256, so that groups both split the kernel's blocks
  /// (64..512 codes) and hold whole ones (whose scales a row reads once).
  /// K holds 2..12 groups (an odd or an even number of units for the two
  /// FMA chains to share), and one time in eight over 64 (too many scales
  /// to read at once), and one in eight of the rest past K = 16384. One time
  /// in four the unscaled path instead: plain
  /// int8 A times integers of 1..7 bits or trits into i32, K up to 960,
  /// whose 16-bit sums run over up to 15 blocks (2-bit codes: 10).
  std::string codeDotKernel(int index) {
    int64_t m = rng() % 6 ? 1 : 2 + rng() % 4, n = 1 + rng() % 12;
    if (smallBatches)
      m = 2 + rng() % 3, n = 2 * (1 + rng() % 8);
    if (!smallBatches && rng() % 4 == 0) {
      std::string element = rng() % 4 == 0
                                ? std::string("!anybit.trit")
                                : std::string(rng() % 2 ? "i" : "ui") +
                                      std::to_string(1 + rng() % 7);
      int64_t k = 40 * (1 + rng() % 24); // rows fill bytes at any width
      std::string lhs = llvm::formatv("tensor<{0}x{1}xi8>", m, k);
      std::string rhs = llvm::formatv(
          "tensor<{0}x{1}x{2}, #anybit.packed<>>", n, k, element);
      std::string res = llvm::formatv("tensor<{0}x{1}xi32>", m, n);
      return matmulFunction("dot", index, lhs, rhs, res, /*transposed=*/true,
                            "i32");
    }
    std::string element =
        rng() % 3 == 0 ? tableFloat()
                       : std::string(rng() % 2 ? "i" : "ui") +
                             std::to_string(1 + rng() % 8);
    int64_t group = int64_t(32) << (rng() % 4);
    int64_t k = group * (2 + rng() % 11);
    if (!smallBatches && rng() % 8 == 0) {
      group = 64;
      k = group * (65 + rng() % 3);
      n = 1 + rng() % 3;
    } else if (!smallBatches && rng() % 8 == 0) {
      // Long rows: A' and its lanes' offset sums past a third of L1.
      group = 32 << (rng() % 2);
      k = 16384 + group * (rng() % 64);
      m = 1;
      n = 1 + rng() % 2;
    }
    static const char *scales[] = {"f32", "f16", "bf16", "f8E8M0FNU"};
    static const char *rowScales[] = {"f32", "f16", "bf16"};
    std::string lhs =
        rng() % 3 == 0
            ? llvm::formatv("tensor<{0}x{1}xi8>", m, k).str()
            : llvm::formatv("tensor<{0}x{1}xi8, #anybit.packed<block = "
                            "[1, {1}], scale = {2}>>",
                            m, k, rowScales[rng() % 3])
                  .str();
    std::string rhs = llvm::formatv(
        "tensor<{0}x{1}x{2}, #anybit.packed<block = [1, {3}], scale = {4}>>",
        n, k, element, group, scales[rng() % std::size(scales)]);
    std::string res = llvm::formatv("tensor<{0}x{1}xf32>", m, n);
    return matmulFunction("dot", index, lhs, rhs, res, /*transposed=*/true);
  }

  /// A random f32 GEMV for the code-cvt kernel (f32 activations times
  /// codes on AVX2): integers of 1..8 bits (ui8's values leave int8),
  /// trits (2-bit or base 3), small floats (unsigned random formats too);
  /// grouped, K whole groups of 32 to 128 (a block of 32 P codes may end
  /// past K), or unscaled integers and trits of any K whose rows fill bytes.
  std::string codeCvtKernel(int index) {
    int64_t n = 1 + rng() % 12;
    // Half GEMVs, half small batches (chunks of 4 rows of A and a rest),
    // whose scales the kernel takes as f16 only: half of theirs are.
    int64_t m = rng() % 2 ? 1 : 2 + rng() % 8;
    static const char *prefix[] = {"i", "ui", "si"};
    int kind = rng() % 4;
    std::string element = kind == 0   ? tableFloat()
                          : kind == 1 ? std::string("!anybit.trit")
                                      : prefix[rng() % 3] +
                                            std::to_string(1 + rng() % 8);
    // Each module's first kernel ui8 (values past int8, of a K that
    // the code-FMA kernel's blocks do not tile); its second a sign-magnitude
    // float that f16 holds (f16s from the fields' windows with f16 scales,
    // else two byte tables).
    if (index == 0) {
      kind = 2;
      element = "ui8";
    }
    static const char *halfFloats[] = {"f6E3M2FN", "f6E2M3FN",
                                       "!anybit.float<e2m2>",
                                       "!anybit.float<e3m1>"};
    if (index == 1) {
      kind = 0;
      element = halfFloats[rng() % std::size(halfFloats)];
    }
    std::string encoding;
    int64_t k;
    if (index != 0 && (kind == 0 || rng() % 3 != 0)) {
      static const char *scales[] = {"f32", "f16", "bf16", "f8E8M0FNU"};
      int64_t group = int64_t(32) << (rng() % 3);
      k = group * (1 + rng() % 8);
      bool f16 = index == 1 ? rng() % 3 != 0 : m > 1 && rng() % 3 == 0;
      const char *scale = f16 ? "f16" : scales[rng() % std::size(scales)];
      encoding =
          llvm::formatv("block = [1, {0}], scale = {1}", group, scale);
      if (kind == 1) // trits take no scales
        encoding.clear();
    } else {
      k = 40 * (1 + rng() % 12);
      if (kind == 1 && rng() % 2)
        encoding = "base3 = true";
    }
    std::string lhs = llvm::formatv("tensor<{0}x{1}xf32>", m, k).str();
    std::string rhs = llvm::formatv("tensor<{0}x{1}x{2}, #anybit.packed<{3}>>",
                                    n, k, element, encoding);
    std::string res = llvm::formatv("tensor<{0}x{1}xf32>", m, n).str();
    return matmulFunction("cvt", index, lhs, rhs, res, /*transposed=*/true);
  }

  /// Adds `source`'s functions to `functions`, and those `takes` accepts
  /// (A's and W's types, and the result's element type) to `taken`.
  void countTaken(const std::string &source, int &functions, int &taken,
                  llvm::function_ref<bool(RankedTensorType, RankedTensorType,
                                          Type)>
                      takes) {
    OwningOpRef<ModuleOp> parsed =
        parseSourceString<ModuleOp>(source, &context);
    for (auto fn : parsed->getOps<func::FuncOp>()) {
      ++functions;
      taken += takes(
          cast<RankedTensorType>(fn.getArgumentTypes()[0]),
          cast<RankedTensorType>(fn.getArgumentTypes()[1]),
          cast<RankedTensorType>(fn.getResultTypes()[0]).getElementType());
    }
  }

  /// Compiles `source` with `options` and compares every function with the
  /// VM on random inputs, twice, and with `extremeRun` a third time on
  /// extreme ones; returns the number of comparisons.
  int compareWithTheVM(const std::string &source,
                       const anybit::CPUCompileOptions &options,
                       bool extremeRun = false) {
    OwningOpRef<ModuleOp> parsed =
        parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(parsed) << source;
    if (!parsed)
      return 0;
    auto exe = anybit::CPUExecutable::compile(*parsed, options);
    EXPECT_TRUE(succeeded(exe)) << source;
    if (failed(exe))
      return 0;
    int cases = 0;
    for (auto fn : parsed->getOps<func::FuncOp>()) {
      auto lhsType = cast<RankedTensorType>(fn.getArgumentTypes()[0]);
      auto rhsType = cast<RankedTensorType>(fn.getArgumentTypes()[1]);
      for (int run = 0; run < (extremeRun ? 3 : 2); ++run) {
        int8Minimum = run == 0 || (run == 2 && rng() % 2);
        extremes.reset();
        if (run == 2)
          extremes = Extremes{bool(rng() % 2)};
        SmallVector<anybit::RtValue> args = {
            lhsType.getEncoding() ? randomPacked(lhsType, /*activations=*/true)
                                  : randomActivations(lhsType),
            randomPacked(rhsType)};
        auto want = anybit::interpret(*parsed, fn.getSymName(), args);
        EXPECT_TRUE(succeeded(want));
        auto got = (*exe)->run(fn.getSymName(), args, fn.getLoc());
        EXPECT_TRUE(succeeded(got));
        if (failed(want) || failed(got))
          return cases;
        std::string what;
        llvm::raw_string_ostream os(what);
        fn.print(os);
        expectClose((*got)[0], (*want)[0], termBounds(fn, args),
                    lhsType.getDimSize(1), what);
        ++cases;
      }
    }
    extremes.reset();
    return cases;
  }

  /// |x| of every element of `value`, scaled (and less its zero point)
  /// when it is packed in blocks.
  static std::vector<double> magnitudes(const anybit::RtValue &value) {
    anybit::ElementCodec codec(value.getElementType());
    std::vector<double> out;
    if (!value.isPacked()) {
      for (uint64_t e : value.getElements())
        out.push_back(std::fabs(codec.toDouble(e)));
      return out;
    }
    auto type = cast<RankedTensorType>(value.getType());
    auto enc = cast<anybit::PackedEncodingAttr>(type.getEncoding());
    anybit::PackedPlanesRef planes = value.getPlanes();
    for (uint64_t code : enc.unpackData(type.getShape(), type.getElementType(),
                                        planes.data))
      out.push_back(codec.toDouble(code));
    if (enc.hasBlocks()) {
      SmallVector<int64_t> grid = enc.getBlockGridShape(type.getShape());
      std::vector<uint64_t> scales(grid[0] * grid[1]), zeros(scales.size());
      anybit::unpackBits(planes.scales.data(), scales.size(),
                         enc.getScaleLayout(), scales.data());
      if (enc.getZeroPoint())
        anybit::unpackBits(planes.zeroPoints.data(), zeros.size(),
                           enc.getZeroPointLayout(), zeros.data());
      anybit::ElementCodec scale(enc.getScale());
      std::optional<anybit::ElementCodec> zeroPoint;
      if (enc.getZeroPoint())
        zeroPoint.emplace(enc.getZeroPoint());
      int64_t cols = type.getDimSize(1);
      ArrayRef<int64_t> block = enc.getBlock();
      for (size_t i = 0; i < out.size(); ++i) {
        int64_t at = int64_t(i / cols) / block[0] * grid[1] +
                     int64_t(i % cols) / block[1];
        double zero = zeroPoint ? zeroPoint->toDouble(zeros[at]) : 0.0;
        out[i] = (out[i] - zero) * scale.toDouble(scales[at]);
      }
    }
    for (double &x : out)
      x = std::fabs(x);
    return out;
  }

  /// For each output of matmul `fn` on `args`, sum_k |A[m, k] B(k, n)|:
  /// the scale of the rounding errors any order of the f32 sum makes.
  static std::vector<double>
  termBounds(func::FuncOp fn, ArrayRef<anybit::RtValue> args) {
    bool transposed = false;
    fn.walk([&](anybit::MatmulOp op) { transposed = op.getTransposeRhs(); });
    std::vector<double> a = magnitudes(args[0]), w = magnitudes(args[1]);
    ArrayRef<int64_t> aShape = args[0].getShape(), wShape = args[1].getShape();
    int64_t m = aShape[0], k = aShape[1], n = transposed ? wShape[0] : wShape[1];
    std::vector<double> bounds(m * n, 0.0);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        for (int64_t x = 0; x < k; ++x)
          bounds[i * n + j] +=
              a[i * k + x] * w[transposed ? j * k + x : x * n + j];
    return bounds;
  }

  /// Largest |difference| allowed: 1e-4 of the largest finite |output|
  /// (reordered f32 sums of at most 256 terms), one ulp more for f16
  /// outputs; an f16 output may overflow on one side only at the edge of
  /// its range. An f32 output that cancels (much smaller than its terms)
  /// may be off by what two orders of its K-term sum can differ by in the
  /// worst case, 2 K 2^-24 of the sum of its terms' magnitudes (`bounds`).
  static void expectClose(const anybit::RtValue &got,
                          const anybit::RtValue &want,
                          ArrayRef<double> bounds, int64_t k,
                          const std::string &what) {
    anybit::ElementCodec codec(want.getElementType());
    bool isF16 = want.getElementType().isF16();
    double largest = 0;
    for (uint64_t w : want.getElements())
      if (std::isfinite(codec.toDouble(w)))
        largest = std::max(largest, std::fabs(codec.toDouble(w)));
    double relative = std::max(1e-4, isF16 ? 2e-3 : 0.0) * largest;
    for (size_t i = 0; i < want.getElements().size(); ++i) {
      double g = codec.toDouble(got.getElements()[i]);
      double w = codec.toDouble(want.getElements()[i]);
      if (g == w)
        continue;
      double cancelled =
          isF16 ? 0.0 : 2.0 * double(k) * std::ldexp(bounds[i], -24);
      if (std::isfinite(g) && std::isfinite(w))
        ASSERT_LE(std::fabs(g - w), std::max(relative, cancelled))
            << what << " element " << i << ": compiled " << g << ", VM " << w;
      else
        ASSERT_TRUE(isF16 && std::min(std::fabs(g), std::fabs(w)) > 65000)
            << what << " element " << i << ": compiled " << g << ", VM " << w;
    }
  }

  MLIRContext context;
  std::mt19937_64 rng{anybit::test::sweepSeed(0xa11b17)};
};

TEST_F(PackedMatmulTest, MatchesTheReferenceVM) {
  int cases = 0;
  for (int module = 0; module < 8 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 10; ++f)
      source += randomKernel(f);
    // Every other module runs its column tiles on 2 OpenMP threads; every
    // fourth compiles the code-dot kernel without vpdpbusd: with
    // vpmaddubsw (AVX2 and up), or, every eighth, as portable vector code
    // (no AVX2, so no vpmaddubsw, vpshufb or vpmultishiftqb either).
    anybit::CPUCompileOptions options;
    options.threads = module % 2 ? 2 : 1;
    if (module % 4 == 3)
      options.features = module % 8 == 7 ? "-avx2" : "-avx512vnni,-avxvnni";
    cases += compareWithTheVM(source, options);
  }
  EXPECT_EQ(cases, 160 * anybit::test::sweepScale());
}

TEST_F(PackedMatmulTest, CodeFmaKernelMatchesTheReferenceVM) {
  // The table lookups (vpermps, vpermi2ps) need AVX-512 BW on the host;
  // without it only the conversions are exercised here.
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (!features.lookup("avx512bw"))
    std::cout << "[   NOTE   ] no AVX-512 BW on this host: the code-FMA "
                 "kernel's tables are not exercised\n";
  else if (!features.lookup("avx512vbmi") || !features.lookup("avx512vnni"))
    std::cout << "[   NOTE   ] no AVX-512 VBMI and VNNI on this host: the "
                 "code-FMA kernel's vpmultishiftqb lookups are not "
                 "exercised\n";
  int cases = 0, functions = 0, taken = 0;
  for (int module = 0; module < 8 * anybit::test::sweepScale(); ++module) {
    std::string source;
    // Each module's first kernel one of the 6-bit kinds with a path of
    // their own (mantissas for integers, signed or not; sign-magnitude
    // lookups), the others drawn.
    static const char *sixBits[] = {"i6", "ui6", "f6E3M2FN", "si6",
                                    "f6E2M3FN"};
    // The second, whole bytes in groups of two reads (one chain a group).
    static const char *bytes[] = {"i8", "ui8", "si8"};
    // Every other module's, a GEMV of two rows a tile past K = 4096 (where
    // 6-bit integers' mantissas take two rows too).
    source += codeFmaKernel(0, sixBits[module % std::size(sixBits)], 0,
                            /*pairedLong=*/module / 2 % 2);
    source += codeFmaKernel(1, bytes[module % std::size(bytes)], 32);
    // And the third of modules 0, 1, 4 and 5 (tables on modules 0 and 4),
    // of any format.
    for (int f = 2; f < 12; ++f)
      source += codeFmaKernel(f, nullptr, 0, f == 2 && module / 2 % 2 == 0);
    // vpermps tables, half the modules: on the host (AVX-512 with VBMI,
    // 6-bit sign-magnitude codes spread by vpmultishiftqb) and without VBMI
    // (by shifts); shifts and conversions without AVX-512 BW, and portable
    // vector code without AVX2 (small floats then take the vector kernel);
    // 6-bit integers as mantissas where the kernel takes them (on AVX2
    // hosts the code-cvt kernel takes 3- and 5- to 7-bit integers in groups
    // of whole blocks, which countTaken still counts here); each on 1 and
    // 2 threads.
    anybit::CPUCompileOptions options;
    options.threads = module / 4 % 2 ? 2 : 1;
    static const char *features[] = {"", "-avx512bw", "-avx512vbmi", "-avx2"};
    options.features = features[module % 4];
    // Every third module's activations are tiny (2^-110..2^-99), which A'
    // must keep exactly where it is scaled (byte tables: by 2^-exponent).
    activationScale = module % 3 == 2 ? std::ldexp(1.0, -100) : 1.0;
    cases += compareWithTheVM(source, options);
    activationScale = 1.0;
    // The draws must reach the kernel: a narrowed canLowerCodeFmaMatmul
    // would hand them to the vector kernel and still match the VM.
    countTaken(source, functions, taken,
               [&](RankedTensorType lhs, RankedTensorType rhs, Type) {
                 return anybit::codegen::canLowerCodeFmaMatmul(
                     lhs, rhs, /*transposed=*/true,
                     Float32Type::get(&context), /*tables=*/true,
                     /*byteShuffles=*/true);
               });
  }
  EXPECT_EQ(cases, 192 * anybit::test::sweepScale());
  // 55-85% of the drawn kernels are the kernel's (batches of codes
  // without tables, of planes or of 5 rows, f8E4M3FN scales, words that
  // fields do not fill and groups of three quarters that K does not hold
  // whole are not); a third is the floor.
  std::cout << "[   INFO   ] " << taken << " of " << functions
            << " kernels are the code-FMA kernel's\n";
  EXPECT_GE(taken * 3, functions);
}

TEST_F(PackedMatmulTest, CodeFmaKernelBatchesMatchTheReferenceVM) {
  // Batches of 2 to 4 rows of A whose codes go through tables (or are
  // 6-bit integers' mantissas): each value meets every row's activations,
  // each (row of W, row of A) its own chains. Long rows of two rows a tile:
  // scaled tables take panels of K sized for the batch. The tables need AVX-512
  // BW on the host.
  if (!llvm::sys::getHostCPUFeatures().lookup("avx512bw"))
    std::cout << "[   NOTE   ] no AVX-512 BW on this host: the code-FMA "
                 "kernel's batches are not exercised (other kernels take "
                 "them)\n";
  static const char *tabled[] = {
      "i1",           "ui2",      "i3",       "si4",      "ui5", "i4",  "i2",
      "!anybit.trit", "f4E2M1FN", "f6E3M2FN", "f6E2M3FN", "i6",  "ui6", "si6"};
  int cases = 0, functions = 0, taken = 0;
  for (int module = 0; module < 4 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 8; ++f)
      source += codeFmaKernel(f, tabled[rng() % std::size(tabled)], 0,
                              /*pairedLong=*/f < 2, /*batch=*/2 + rng() % 3);
    // Sign-magnitude 6-bit codes spread by vpmultishiftqb and by shifts;
    // on 1 and 2 threads.
    anybit::CPUCompileOptions options;
    options.threads = module % 2 ? 2 : 1;
    options.features = module / 2 % 2 ? "-avx512vbmi" : "";
    cases += compareWithTheVM(source, options);
    countTaken(source, functions, taken,
               [&](RankedTensorType lhs, RankedTensorType rhs, Type) {
                 return anybit::codegen::canLowerCodeFmaMatmul(
                     lhs, rhs, /*transposed=*/true, Float32Type::get(&context),
                     /*tables=*/true,
                     /*byteShuffles=*/true);
               });
  }
  EXPECT_EQ(cases, 64 * anybit::test::sweepScale());
  // Planes, f8E4M3FN scales and groups the kernel declines take the vector
  // kernel; half is the floor.
  std::cout << "[   INFO   ] " << taken << " of " << functions
            << " batches are the code-FMA kernel's\n";
  EXPECT_GE(taken * 2, functions);
}

TEST_F(PackedMatmulTest, FloatLookupTableKernelMatchesTheReferenceVM) {
  // The lookups are vpermps: AVX-512 BW (the pipeline's x86-byte-bits
  // 512) on the host; elsewhere the same kernels take other code.
  if (!llvm::sys::getHostCPUFeatures().lookup("avx512bw"))
    std::cout << "[   NOTE   ] no AVX-512 BW on this host: the f32 "
                 "lookup-table kernel is not exercised\n";
  int cases = 0, functions = 0, taken = 0;
  for (int module = 0; module < 4 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 10; ++f)
      source += floatLookupKernel(f);
    // On 1 and 2 threads; every fourth module without AVX-512 (the
    // generic contraction reads the tiles).
    anybit::CPUCompileOptions options;
    options.threads = module % 2 ? 2 : 1;
    if (module % 4 == 3)
      options.features = "-avx512f";
    // Every third module's activations are tiny (2^-110..2^-99): the
    // tables' sums of products must not lose them.
    activationScale = module % 3 == 2 ? std::ldexp(1.0, -100) : 1.0;
    cases += compareWithTheVM(source, options);
    activationScale = 1.0;
    countTaken(source, functions, taken,
               [&](RankedTensorType lhs, RankedTensorType rhs, Type) {
                 return anybit::codegen::canLowerFloatLookupTableMatmul(
                     lhs, rhs, /*transposed=*/true,
                     Float32Type::get(&context));
               });
  }
  EXPECT_EQ(cases, 80 * anybit::test::sweepScale());
  // Tiles of 80 rows (1 in 50) are not the kernel's.
  std::cout << "[   INFO   ] " << taken << " of " << functions
            << " kernels are the f32 lookup-table kernel's\n";
  EXPECT_GE(taken * 10, functions * 9);
}

TEST_F(PackedMatmulTest, TiledWeightsMovedRowMajorMatchTheReferenceVM) {
  // With AVX-512 and without (where no weights take the f32 lookup-table
  // kernel), on 1 and 2 threads.
  int cases = 0, functions = 0, taken = 0;
  for (int module = 0; module < 6 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 10; ++f)
      source += tiledKernel(f);
    anybit::CPUCompileOptions options;
    options.threads = module % 2 ? 2 : 1;
    if (module % 3 == 2)
      options.features = "-avx512f";
    cases += compareWithTheVM(source, options);
    countTaken(source, functions, taken,
               [&](RankedTensorType lhs, RankedTensorType rhs, Type) {
                 return anybit::codegen::getRowMajorTwin(rhs).has_value() &&
                        !anybit::codegen::canLowerFloatLookupTableMatmul(
                            lhs, rhs, /*transposed=*/true,
                            Float32Type::get(&context));
               });
  }
  EXPECT_EQ(cases, 120 * anybit::test::sweepScale());
  // 1- and 2-bit weights tiled [16 R, 32 / bits] with f32 activations
  // are the lookup-table kernel's (on AVX-512 hosts).
  std::cout << "[   INFO   ] " << taken << " of " << functions
            << " kernels move their weights row-major\n";
  EXPECT_GE(taken * 10, functions * 8);
}

TEST_F(PackedMatmulTest, BitPlanesSplitIntoPlaneProductsMatchTheReferenceVM) {
  // With AVX-512 and without, on 1 and 2 threads.
  int cases = 0, functions = 0, taken = 0;
  for (int module = 0; module < 4 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 10; ++f)
      source += bitPlaneKernel(f);
    anybit::CPUCompileOptions options;
    options.threads = module % 2 ? 2 : 1;
    if (module % 4 >= 2)
      options.features = "-avx512f";
    cases += compareWithTheVM(source, options);
    countTaken(
        source, functions, taken,
        [&](RankedTensorType lhs, RankedTensorType rhs, Type acc) {
          return anybit::codegen::getBitPlaneOperands(rhs) &&
                 !(module % 4 < 2 &&
                   anybit::codegen::canLowerFloatLookupTableMatmul(
                       lhs, rhs, rhs.getDimSize(1) == lhs.getDimSize(1), acc));
        });
  }
  EXPECT_EQ(cases, 80 * anybit::test::sweepScale());
  // Planes of 1 and 2 bits tiled for the f32 lookup-table kernel are its
  // on AVX-512 hosts.
  std::cout << "[   INFO   ] " << taken << " of " << functions
            << " kernels split their weights' bit planes\n";
  EXPECT_GE(taken * 10, functions * 7);
}

TEST_F(PackedMatmulTest, CodeCvtKernelMatchesTheReferenceVM) {
  // AVX2 alone (the kernel is for targets without 512-bit vpermps
  // tables), on 1 and 2 threads.
  int cases = 0, functions = 0, taken = 0;
  for (int module = 0; module < 4 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 8; ++f)
      source += codeCvtKernel(f);
    anybit::CPUCompileOptions options;
    options.threads = module % 2 ? 2 : 1;
    options.features = "-avx512f,-avxvnni";
    // Every third module's activations tiny (2^-110..2^-99): GEMVs of f16s
    // (the value times 2^-12 for e3m2, 2^-14 for e2m3) may leave f32's
    // normals there, which the tolerance covers (see README).
    activationScale = module % 3 == 2 ? std::ldexp(1.0, -100) : 1.0;
    cases += compareWithTheVM(source, options);
    activationScale = 1.0;
    countTaken(source, functions, taken,
               [&](RankedTensorType lhs, RankedTensorType rhs, Type) {
                 return anybit::codegen::canLowerCodeCvtMatmul(
                     lhs, rhs, /*transposed=*/true,
                     Float32Type::get(&context), /*tableEntries=*/64);
               });
  }
  EXPECT_EQ(cases, 64 * anybit::test::sweepScale());
  // Floats that are no multiples of one power of two within 16 bits are
  // not the kernel's (nor integers the code-FMA kernel takes first, which
  // this count does not tell apart); a half is the floor.
  std::cout << "[   INFO   ] " << taken << " of " << functions
            << " kernels are the code-cvt kernel's\n";
  EXPECT_GE(taken * 2, functions);
}

TEST_F(PackedMatmulTest, CodeDotKernelMatchesTheReferenceVM) {
  int cases = 0, functions = 0, taken = 0;
  for (int module = 0; module < 8 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 6; ++f)
      source += codeDotKernel(f);
    // vpdpbusd and vpmultishiftqb on the host (AVX-512 VNNI and VBMI);
    // byte shuffles and multiplies for the fields and vpshufbs for 32- and
    // 64-entry tables without VBMI; vpmaddubsw (codes of 128 and up in two
    // products) without VNNI, and on 256-bit AVX2 alone.
    anybit::CPUCompileOptions options;
    options.threads = module / 4 % 2 ? 2 : 1;
    static const char *features[] = {"", "-avx512vbmi",
                                     "-avx512vnni,-avxvnni",
                                     "-avx512f,-avxvnni"};
    options.features = features[module % 4];
    // Every set keeps x86 byte shuffles: tables of up to 64 entries.
    int64_t tableEntries = 64;
    cases += compareWithTheVM(source, options, /*extremeRun=*/true);
    // As for the code-FMA kernel: the draws must reach the kernel.
    countTaken(source, functions, taken,
               [&](RankedTensorType lhs, RankedTensorType rhs, Type result) {
                 return anybit::codegen::canLowerCodeDotMatmul(
                     lhs, rhs, /*transposed=*/true, result, tableEntries);
               });
  }
  EXPECT_EQ(cases, 144 * anybit::test::sweepScale());
  // Table floats whose values are no multiples of one power of two within
  // 16 bits are not the kernel's; a half is the floor.
  std::cout << "[   INFO   ] " << taken << " of " << functions
            << " kernels are the code-dot kernel's\n";
  EXPECT_GE(taken * 2, functions);
}

TEST_F(PackedMatmulTest, CodeDotKernelRowPairsMatchTheReferenceVM) {
  // Scaled batches of 2..4 rows: on hosts with 512-bit vpdpbusd, two rows
  // of W a tile, N / 2 apart, sharing each load of A' and of its offset
  // sums (one row for two-part codes: table floats beyond a byte); with
  // VBMI and without, on 1 and 2 threads.
  smallBatches = true;
  int cases = 0;
  for (int module = 0; module < 4 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 6; ++f)
      source += codeDotKernel(f);
    anybit::CPUCompileOptions options;
    options.threads = module / 2 % 2 ? 2 : 1;
    options.features = module % 2 ? "-avx512vbmi" : "";
    cases += compareWithTheVM(source, options, /*extremeRun=*/true);
  }
  smallBatches = false;
  EXPECT_EQ(cases, 72 * anybit::test::sweepScale());
}

// The code-dot kernel sums each group exactly: every lane of a block starts
// from its own offset sum (-offset times its activations), so its int32 sum
// is that of its weights times activations, small and exact in f32, and
// with power-of-two scales nothing after it rounds while the partial sums
// stay below 2^23. Activations of a large mean and weights near zero make
// the offset sums far larger than the result: a kernel that left sums of
// offset codes in the lanes (one lane taking a group's whole offset sum,
// 1.1-1.2x faster at K = 14336) rounded them away, 4e-7 to 1e-6 of the
// sum of |terms|, which the differential tests' tolerance allows.
TEST_F(PackedMatmulTest, CodeDotKernelSumsEachGroupExactly) {
  const int64_t k = 8192, n = 4;
  struct Case {
    const char *element;
    int64_t group;
  };
  static const Case cases[] = {{"i8", 128}, {"i4", 128}, {"i5", 32}};
  static const char *features[] = {"", "-avx512vnni,-avxvnni",
                                   "-avx512f,-avxvnni"};
  for (const Case &c : cases)
    for (const char *feature : features) {
      std::string rhs = llvm::formatv(
          "tensor<{0}x{1}x{2}, #anybit.packed<block = [1, {3}], scale = f16>>",
          n, k, c.element, c.group);
      std::string source = matmulFunction(
          "dot", 0, llvm::formatv("tensor<1x{0}xi8>", k).str(), rhs,
          llvm::formatv("tensor<1x{0}xf32>", n).str(), /*transposed=*/true);
      OwningOpRef<ModuleOp> parsed =
          parseSourceString<ModuleOp>(source, &context);
      ASSERT_TRUE(parsed) << source;
      auto fn = *parsed->getOps<func::FuncOp>().begin();
      auto lhsType = cast<RankedTensorType>(fn.getArgumentTypes()[0]);
      auto rhsType = cast<RankedTensorType>(fn.getArgumentTypes()[1]);
      ASSERT_TRUE(anybit::codegen::canLowerCodeDotMatmul(
          lhsType, rhsType, /*transposed=*/true, Float32Type::get(&context),
          /*tableEntries=*/64));
      // Activations 96..127; weights -4..4; scales 1/2 or 1. Each lane's
      // sum over K stays below 2^19, each output below 2^23.
      std::vector<int64_t> a(k), q(n * k);
      std::vector<double> scales(n * k / c.group);
      anybit::ElementCodec i8(lhsType.getElementType());
      std::vector<uint64_t> activations(k);
      for (int64_t i = 0; i < k; ++i)
        activations[i] = i8.fromInt(a[i] = 96 + int64_t(rng() % 32));
      auto enc = cast<anybit::PackedEncodingAttr>(rhsType.getEncoding());
      anybit::ElementCodec codes(rhsType.getElementType());
      std::vector<uint64_t> fields(n * k);
      for (int64_t i = 0; i < n * k; ++i)
        fields[i] = codes.fromInt(q[i] = int64_t(rng() % 9) - 4);
      anybit::ElementCodec f16(enc.getScale());
      std::vector<uint64_t> scaleFields(scales.size());
      for (size_t i = 0; i < scales.size(); ++i)
        scaleFields[i] = f16.fromDouble(scales[i] = rng() % 2 ? 1.0 : 0.5);
      SmallVector<anybit::RtValue> args = {
          anybit::RtValue::tensor(lhsType, std::move(activations)),
          packed(rhsType, fields, scaleFields)};
      anybit::CPUCompileOptions options;
      options.features = feature;
      auto exe = anybit::CPUExecutable::compile(*parsed, options);
      ASSERT_TRUE(succeeded(exe)) << source;
      auto got = (*exe)->run(fn.getSymName(), args, fn.getLoc());
      ASSERT_TRUE(succeeded(got));
      anybit::ElementCodec f32((*got)[0].getElementType());
      for (int64_t row = 0; row < n; ++row) {
        double want = 0;
        for (int64_t g = 0; g < k / c.group; ++g) {
          int64_t sum = 0;
          for (int64_t i = g * c.group; i < (g + 1) * c.group; ++i)
            sum += q[row * k + i] * a[i];
          want += scales[row * (k / c.group) + g] * double(sum);
        }
        EXPECT_EQ(f32.toDouble((*got)[0].getElements()[row]), want)
            << c.element << " G = " << c.group << " features '" << feature
            << "' row " << row;
      }
    }
}

} // namespace
