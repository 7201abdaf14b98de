//===- DifferentialTest.cpp - Compiled code against the reference VM ------===//
//
// Random kernels over random element types (integers of every width 1..64
// and signedness, every float kind, random !anybit.float formats) and random
// packed encodings (words, blocks, zero points, tiles), compiled for the CPU and run on random inputs (random
// bit patterns, NaNs and infinities included). Every result must equal the
// reference VM's bit for bit (NaNs compare equal to NaNs).
//
//===----------------------------------------------------------------------===//

#include "Anybit/AnybitDialect.h"
#include "anybit/Interp/ElementCodec.h"
#include "anybit/Interp/Interpreter.h"
#include "anybit/Interp/ValueIO.h"
#include "anybit/Target/CPU.h"

#include "Sweep.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"
#include "gtest/gtest.h"
#include <cmath>
#include <random>

using namespace mlir;

namespace {

class DifferentialTest : public ::testing::Test {
protected:
  DifferentialTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    anybit::registerInterpreterDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  std::string intType() {
    unsigned w = 1 + rng() % 64;
    const char *prefix[] = {"i", "i", "ui", "si"};
    return prefix[rng() % 4] + std::to_string(w);
  }

  std::string floatType() {
    static const char *builtin[] = {"f16",      "bf16",     "f32",
                                    "f64",      "f4E2M1FN", "f6E2M3FN",
                                    "f6E3M2FN", "f8E4M3FN", "f8E5M2",
                                    "f8E8M0FNU"};
    if (rng() % 2)
      return builtin[rng() % std::size(builtin)];
    // A random valid !anybit.float.
    while (true) {
      anybit::FloatFormat f;
      f.expBits = 1 + rng() % 8;
      f.manBits = rng() % 8;
      f.bias = anybit::FloatFormat::defaultBias(f.expBits) +
               (rng() % 4 == 0 ? int(rng() % 7) - 3 : 0);
      f.isSigned = rng() % 4 != 0;
      f.nonFinite = static_cast<anybit::NonFinite>(rng() % 3);
      f.hasZero = !(f.manBits == 0 && rng() % 3 == 0);
      if (f.validate().empty())
        return "!anybit.float<" + f.str() + ">";
    }
  }

  std::string numericType() { return rng() % 2 ? intType() : floatType(); }

  /// Random bit patterns, with extra weight on the edges of the range.
  anybit::RtValue randomValue(Type type) {
    auto tensor = cast<RankedTensorType>(type);
    anybit::ElementCodec codec(tensor.getElementType());
    std::vector<uint64_t> elements(tensor.getNumElements());
    for (uint64_t &e : elements) {
      switch (rng() % 4) {
      case 0:
        e = (rng() % 5) & codec.getMask();
        break;
      case 1:
        e = (codec.getMask() - rng() % 5) & codec.getMask();
        break;
      default:
        e = rng() & codec.getMask();
      }
      // Keep finite floats mostly, so values (not only NaNs) are compared.
      if (codec.isFloat() && !std::isfinite(codec.toDouble(e)) &&
          (finiteOnly || rng() % 2))
        e = codec.fromDouble(double(int64_t(rng() % 200) - 100) / 8);
    }
    return anybit::RtValue::tensor(tensor, std::move(elements));
  }

  anybit::RtValue randomPacked(RankedTensorType type) {
    auto enc = cast<anybit::PackedEncodingAttr>(type.getEncoding());
    anybit::PackedPlanes planes;
    auto fill = [&](std::vector<uint8_t> &plane, uint64_t n) {
      plane.resize(n);
      for (uint8_t &b : plane)
        b = rng();
    };
    fill(planes.data, enc.getDataBytes(type.getShape(), type.getElementType()));
    fill(planes.scales, enc.getScaleBytes(type.getShape()));
    fill(planes.zeroPoints, enc.getZeroPointBytes(type.getShape()));
    // Padding bits of the data plane are zero in a well-formed buffer.
    anybit::BitLayout layout = enc.getBitLayout(type.getElementType());
    std::vector<uint64_t> values(type.getNumElements());
    anybit::unpackBits(planes.data.data(), values.size(), layout, values.data());
    std::fill(planes.data.begin(), planes.data.end(), 0);
    anybit::packBits(values.data(), values.size(), layout, planes.data.data());
    return anybit::RtValue::packedTensor(type, std::move(planes));
  }

  static bool sameBits(const anybit::RtValue &a, const anybit::RtValue &b,
                       std::string &why) {
    if (a.isPacked()) {
      if (a.getPlanes().bytes == b.getPlanes().bytes)
        return true;
      why = "packed bytes differ";
      return false;
    }
    anybit::ElementCodec codec(a.getElementType());
    for (size_t i = 0; i < a.getElements().size(); ++i) {
      uint64_t x = a.getElements()[i], y = b.getElements()[i];
      if (x == y || (codec.isFloat() && std::isnan(codec.toDouble(x)) &&
                     std::isnan(codec.toDouble(y))))
        continue;
      why = llvm::formatv("element {0}: compiled {1:x} ({2}), VM {3:x} ({4})",
                          i, x, codec.toDouble(x), y, codec.toDouble(y));
      return false;
    }
    return true;
  }

  static std::string describe(ArrayRef<anybit::RtValue> args) {
    std::string text;
    llvm::raw_string_ostream os(text);
    for (const anybit::RtValue &arg : args)
      anybit::printValue(os, arg);
    return text;
  }

  static std::string describe(func::FuncOp fn) {
    std::string text;
    llvm::raw_string_ostream os(text);
    fn.print(os);
    return text;
  }

  /// Compiles `source` once and checks every function on `runs` random
  /// inputs each.
  void check(const std::string &source, int runs = 3) {
    anybit::test::dumpSweepSource(source);
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module) << source;
    auto exe = anybit::CPUExecutable::compile(*module, {});
    ASSERT_TRUE(succeeded(exe)) << source;
    for (auto fn : module->getOps<func::FuncOp>()) {
      for (int run = 0; run < runs; ++run) {
        SmallVector<anybit::RtValue> args;
        for (Type t : fn.getArgumentTypes()) {
          auto tensor = cast<RankedTensorType>(t);
          args.push_back(tensor.getEncoding() ? randomPacked(tensor)
                                              : randomValue(tensor));
        }
        FailureOr<SmallVector<anybit::RtValue>> want;
        {
          // The VM reports undefined behaviour (such as a scale its type
          // cannot hold); those inputs are not comparable.
          ScopedDiagnosticHandler quiet(&context,
                                        [](Diagnostic &) { return success(); });
          want = anybit::interpret(*module, fn.getSymName(), args);
        }
        if (failed(want))
          continue;
        auto got = (*exe)->run(fn.getSymName(), args, fn.getLoc());
        ASSERT_TRUE(succeeded(got));
        ++cases;
        for (auto [i, g, w] : llvm::enumerate(*got, *want)) {
          std::string why;
          EXPECT_TRUE(sameBits(g, w, why))
              << "@" << fn.getSymName().str() << " result " << i << ": "
              << why << "\ninputs: " << describe(args) << "\n"
              << describe(fn);
        }
      }
    }
  }

  MLIRContext context;
  std::mt19937_64 rng{anybit::test::sweepSeed(0x5eed)};
  int cases = 0;
  bool finiteOnly = false;
};

TEST_F(DifferentialTest, CastsBetweenRandomTypes) {
  for (int module = 0; module < 12 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 25; ++f) {
      std::string from = numericType(), to = numericType();
      int64_t n = 1 + rng() % 17;
      std::string sat = rng() % 2 ? " saturate" : "";
      source += llvm::formatv(
          "func.func @cast{0}(%x: tensor<{1}x{2}>) -> tensor<{1}x{3}> {{\n"
          "  %r = anybit.cast %x{4} : tensor<{1}x{2}> to tensor<{1}x{3}>\n"
          "  return %r : tensor<{1}x{3}>\n}\n",
          f, n, from, to, sat);
    }
    check(source);
  }
  EXPECT_GT(cases, 600);
}

/// Chains of random arith ops on one random element type: each op takes
/// random earlier values, comparisons feed selects, and widths change and
/// come back through ext/trunc. Division by zero and other undefined
/// behaviour the VM reports leave an input out.
TEST_F(DifferentialTest, ArithmeticAtRandomWidths) {
  static const char *intOps[] = {
      "addi",  "subi",  "muli",  "divsi", "divui", "remsi", "remui",
      "ceildivsi", "ceildivui", "floordivsi", "andi", "ori", "xori", "shli",
      "shrsi", "shrui", "maxsi", "maxui", "minsi", "minui"};
  static const char *floatOps[] = {"addf",     "subf",     "mulf",
                                   "divf",     "maximumf", "minimumf",
                                   "maxnumf",  "minnumf"};
  static const char *intPredicates[] = {"eq",  "ne",  "slt", "sle", "sgt",
                                        "sge", "ult", "ule", "ugt", "uge"};
  static const char *floatPredicates[] = {"oeq", "ogt", "oge", "olt", "ole",
                                          "one", "ord", "ueq", "ugt", "uge",
                                          "ult", "ule", "une", "uno"};
  static const char *floatTypes[] = {"f16",      "bf16",     "f32",
                                     "f64",      "f4E2M1FN", "f6E2M3FN",
                                     "f6E3M2FN", "f8E4M3FN", "f8E5M2"};
  for (int module = 0; module < 6 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 20; ++f) {
      bool isFloat = rng() % 3 == 0;
      unsigned width = 1 + rng() % 64;
      std::string elem = isFloat ? floatTypes[rng() % std::size(floatTypes)]
                                 : "i" + std::to_string(width);
      std::string t = llvm::formatv("tensor<{0}x{1}>", 1 + rng() % 17, elem);
      std::string body;
      std::vector<std::string> values = {"%a", "%b", "%c"};
      auto pick = [&] { return values[rng() % values.size()]; };
      for (int i = 0; i < 6; ++i) {
        std::string v = "%v" + std::to_string(i), x = pick(), y = pick();
        switch (rng() % 6) {
        case 0: { // a comparison choosing between two values
          std::string pred =
              isFloat ? floatPredicates[rng() % std::size(floatPredicates)]
                      : intPredicates[rng() % std::size(intPredicates)];
          std::string i1 = t.substr(0, t.find('x') + 1) + "i1>";
          body += llvm::formatv("  %p{0} = arith.cmp{1} {2}, {3}, {4} : {5}\n"
                                "  {6} = arith.select %p{0}, {4}, {7} : {8}, "
                                "{5}\n",
                                i, isFloat ? "f" : "i", pred, x, y, t, v,
                                pick(), i1);
          break;
        }
        case 1: // to another width and back
          if (!isFloat) {
            unsigned other = 1 + rng() % 64;
            if (other == width)
              other = width == 64 ? 63 : width + 1;
            std::string o = t.substr(0, t.find('x') + 1) + "i" +
                            std::to_string(other) + ">";
            const char *ext = rng() % 2 ? "extsi" : "extui";
            const char *out = other > width ? ext : "trunci";
            const char *back = other > width ? "trunci" : ext;
            body += llvm::formatv("  %w{0} = arith.{1} {2} : {3} to {4}\n"
                                  "  {5} = arith.{6} %w{0} : {4} to {3}\n",
                                  i, out, x, t, o, v, back);
            break;
          }
          [[fallthrough]];
        default:
          if (isFloat && rng() % 6 == 0)
            body += llvm::formatv("  {0} = arith.negf {1} : {2}\n", v, x, t);
          else
            body += llvm::formatv(
                "  {0} = arith.{1} {2}, {3} : {4}\n", v,
                isFloat ? floatOps[rng() % std::size(floatOps)]
                        : intOps[rng() % std::size(intOps)],
                x, y, t);
        }
        values.push_back(v);
      }
      source += llvm::formatv(
          "func.func @f{0}(%a: {1}, %b: {1}, %c: {1}) -> ({1}, {1}) {{\n{2}"
          "  return {3}, {4} : {1}, {1}\n}\n",
          f, t, body, values.back(), pick());
    }
    check(source);
  }
  EXPECT_GT(cases, 200);
}

/// Ops that move elements without looking at them (strided and
/// rank-reducing slices, reshapes, linalg transposes and broadcasts, an
/// scf.for of extracts and inserts) over random element types: the storage
/// of every width must travel intact.
TEST_F(DifferentialTest, DataMovementAtRandomTypes) {
  for (int module = 0; module < 4 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 15; ++f) {
      std::string t = numericType();
      int64_t m = 1 + rng() % 7, n = 1 + rng() % 7;
      // A strided slice of R x S elements of a.
      int64_t t0 = 1 + rng() % 2, t1 = 1 + rng() % 3;
      int64_t o0 = rng() % m, o1 = rng() % n;
      int64_t r = 1 + rng() % ((m - 1 - o0) / t0 + 1);
      int64_t c = 1 + rng() % ((n - 1 - o1) / t1 + 1);
      // Where its transpose (C x R) lands in b (N x M).
      int64_t p0 = rng() % (n - c + 1), p1 = rng() % (m - r + 1);
      int64_t k0 = rng() % m, k1 = rng() % n;
      source += llvm::formatv(
          "func.func @f{0}(%a: tensor<{1}x{2}x{3}>, %b: tensor<{2}x{1}x{3}>)\n"
          "    -> (tensor<{11}x{10}x{3}>, tensor<{2}x{1}x{3}>, "
          "tensor<{14}x{3}>, tensor<{2}x{1}x{3}>, tensor<{1}x{2}x{3}>) {{\n"
          "  %s = tensor.extract_slice %a[{4}, {5}] [{10}, {11}] [{6}, {7}]"
          " : tensor<{1}x{2}x{3}> to tensor<{10}x{11}x{3}>\n"
          "  %e = tensor.empty() : tensor<{11}x{10}x{3}>\n"
          "  %t = linalg.transpose ins(%s : tensor<{10}x{11}x{3}>)"
          " outs(%e : tensor<{11}x{10}x{3}>) permutation = [1, 0]\n"
          "  %i = tensor.insert_slice %t into %b[{8}, {9}] [{11}, {10}] [1, 1]"
          " : tensor<{11}x{10}x{3}> into tensor<{2}x{1}x{3}>\n"
          "  %c = tensor.collapse_shape %a [[0, 1]] : tensor<{1}x{2}x{3}> into"
          " tensor<{14}x{3}>\n"
          "  %x = tensor.expand_shape %c [[0, 1]] output_shape [{2}, {1}]"
          " : tensor<{14}x{3}> into tensor<{2}x{1}x{3}>\n"
          "  %c0 = arith.constant 0 : index\n"
          "  %c1 = arith.constant 1 : index\n"
          "  %cn = arith.constant {2} : index\n"
          "  %ck = arith.constant {12} : index\n"
          "  %l = scf.for %k = %c0 to %cn step %c1 iter_args(%acc = %x)"
          " -> (tensor<{2}x{1}x{3}>) {{\n"
          "    %v = tensor.extract %i[%k, %ck] : tensor<{2}x{1}x{3}>\n"
          "    %u = tensor.insert %v into %acc[%k, %c0] : tensor<{2}x{1}x{3}>\n"
          "    scf.yield %u : tensor<{2}x{1}x{3}>\n"
          "  }\n"
          "  %row = tensor.extract_slice %a[{13}, 0] [1, {2}] [1, 1]"
          " : tensor<{1}x{2}x{3}> to tensor<{2}x{3}>\n"
          "  %eb = tensor.empty() : tensor<{1}x{2}x{3}>\n"
          "  %bc = linalg.broadcast ins(%row : tensor<{2}x{3}>)"
          " outs(%eb : tensor<{1}x{2}x{3}>) dimensions = [0]\n"
          "  return %t, %i, %c, %l, %bc : tensor<{11}x{10}x{3}>, "
          "tensor<{2}x{1}x{3}>, tensor<{14}x{3}>, tensor<{2}x{1}x{3}>, "
          "tensor<{1}x{2}x{3}>\n}\n",
          f, m, n, t, o0, o1, t0, t1, p0, p1, r, c, k1 % m, k0, m * n);
    }
    check(source, 2);
  }
  EXPECT_GT(cases, 100);
}

std::string randomEncoding(std::mt19937_64 &rng, unsigned bits,
                           ArrayRef<int64_t> shape, std::string &scaleType,
                           std::string &zpType) {
  std::vector<std::string> fields;
  static const unsigned words[] = {8, 16, 32, 64};
  unsigned word = words[rng() % 4];
  if (word != 8)
    fields.push_back("word = " + std::to_string(word));
  if (bits <= word && rng() % 3 == 0)
    fields.push_back("straddle = false");
  scaleType.clear();
  zpType.clear();
  // `[d0, d1, ...]`, each d dividing its dimension (1 when none is drawn).
  auto divisors = [&] {
    std::string list = "[";
    for (auto [d, size] : llvm::enumerate(shape)) {
      int64_t b = 1;
      for (int64_t c = size; c >= 1; --c)
        if (size % c == 0 && rng() % 3 == 0) {
          b = c;
          break;
        }
      list += (d ? ", " : "") + std::to_string(b);
    }
    return list + "]";
  };
  if (rng() % 2) {
    fields.push_back("block = " + divisors());
    static const char *scales[] = {"f32", "f16", "bf16", "f8E8M0FNU"};
    scaleType = scales[rng() % 4];
    fields.push_back("scale = " + scaleType);
    if (rng() % 2) {
      zpType = "i" + std::to_string(1 + rng() % 16);
      fields.push_back("zero_point = " + zpType);
    }
  }
  // Elements stored tile by tile.
  if (rng() % 3 == 0)
    fields.push_back("tile = " + divisors());
  // Each element's bits split into two or three bit planes.
  if (bits >= 2 && rng() % 4 == 0) {
    unsigned planes = bits >= 3 && rng() % 2 ? 3 : 2, left = bits;
    std::string list = "[";
    for (unsigned p = planes; p > 1; --p) {
      unsigned width = 1 + unsigned(rng() % (left - (p - 1)));
      list += std::to_string(width) + ", ";
      left -= width;
    }
    fields.push_back("bit_planes = " + list + std::to_string(left) + "]");
  }
  std::string enc = "#anybit.packed<";
  for (auto [i, f] : llvm::enumerate(fields))
    enc += (i ? ", " : "") + f;
  return enc + ">";
}

TEST_F(DifferentialTest, PackUnpackAndDequantizeAtRandomWidths) {
  for (int module = 0; module < 10 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 20; ++f) {
      std::string element = numericType();
      Type elementType = parseType(element, &context);
      unsigned bits = anybit::getElementBitWidth(elementType);
      SmallVector<int64_t> shape = {int64_t(1 + rng() % 6),
                                    int64_t(1 + rng() % 13)};
      std::string scale, zp;
      std::string enc = randomEncoding(rng, bits, shape, scale, zp);
      std::string dims = llvm::formatv("{0}x{1}", shape[0], shape[1]);
      std::string logical = "tensor<" + dims + "x" + element + ">";
      std::string packed = "tensor<" + dims + "x" + element + ", " + enc + ">";
      if (scale.empty()) {
        source += llvm::formatv(
            "func.func @roundtrip{0}(%v: {1}) -> ({2}, {1}) {{\n"
            "  %p = anybit.pack %v : {1} -> {2}\n"
            "  %u = anybit.unpack %p : {2} -> {1}\n"
            "  return %p, %u : {2}, {1}\n}\n",
            f, logical, packed);
        continue;
      }
      auto encAttr = cast<anybit::PackedEncodingAttr>(
          cast<RankedTensorType>(parseType(packed, &context)).getEncoding());
      SmallVector<int64_t> grid = encAttr.getBlockGridShape(shape);
      std::string gridDims = llvm::formatv("{0}x{1}", grid[0], grid[1]);
      std::string scales = "tensor<" + gridDims + "x" + scale + ">";
      std::string zps = zp.empty() ? "" : "tensor<" + gridDims + "x" + zp + ">";
      std::string zpArg = zp.empty() ? "" : ", %z: " + zps;
      std::string zpUse = zp.empty() ? "" : " zero_points(%z)";
      std::string zpTypes = zp.empty() ? "" : ", " + zps;
      source += llvm::formatv(
          "func.func @blocks{0}(%v: {1}, %s: {3}{4}) -> ({2}, {1}, {3}{6}, "
          "tensor<{7}xf32>) {{\n"
          "  %p = anybit.pack %v scales(%s){5} : {1}, {3}{6} -> {2}\n"
          "  %u:{8} = anybit.unpack %p : {2} -> {1}, {3}{6}\n"
          "  %d = anybit.dequantize %p : {2} -> tensor<{7}xf32>\n"
          "  return %p, {9} %d : {2}, {1}, {3}{6}, tensor<{7}xf32>\n}\n",
          f, logical, packed, scales, zpArg, zpUse, zpTypes, dims,
          zp.empty() ? 2 : 3,
          zp.empty() ? "%u#0, %u#1," : "%u#0, %u#1, %u#2,");
    }
    check(source);
  }
  EXPECT_GT(cases, 400);
}

TEST_F(DifferentialTest, QuantizeAtRandomWidths) {
  finiteOnly = true; // quantizing NaN or infinity is an error
  for (int module = 0; module < 6 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 15; ++f) {
      // Native floats and emulated ones (stored as their bits).
      static const char *inputs[] = {"f32", "f16",      "bf16",
                                     "f64", "f8E4M3FN", "!anybit.float<e3m3>"};
      std::string in = inputs[rng() % std::size(inputs)];
      bool useInt = rng() % 3 != 0;
      std::string code =
          useInt ? (rng() % 2 ? "i" : "ui") + std::to_string(2 + rng() % 15)
                 : floatType();
      SmallVector<int64_t> shape = {int64_t(1 + rng() % 5),
                                    int64_t(1 + rng() % 40)};
      std::string scale, zp, enc;
      unsigned codeBits =
          anybit::getElementBitWidth(parseType(code, &context));
      do {
        enc = randomEncoding(rng, codeBits, shape, scale, zp);
      } while (scale.empty());
      if (!zp.empty() && !useInt) { // asymmetric needs integer codes
        enc = enc.substr(0, enc.find(", zero_point")) + ">";
        zp.clear();
      }
      std::string dims = llvm::formatv("{0}x{1}", shape[0], shape[1]);
      source += llvm::formatv(
          "func.func @q{0}(%x: tensor<{1}x{2}>) -> (tensor<{1}x{3}, {4}>, "
          "tensor<{1}xf32>) {{\n"
          "  %q = anybit.quantize %x : tensor<{1}x{2}> -> tensor<{1}x{3}, {4}>\n"
          "  %d = anybit.dequantize %q : tensor<{1}x{3}, {4}> -> tensor<{1}xf32>\n"
          "  return %q, %d : tensor<{1}x{3}, {4}>, tensor<{1}xf32>\n}\n",
          f, dims, in, code, enc);
    }
    check(source);
  }
  EXPECT_GT(cases, 100);
}

TEST_F(DifferentialTest, MixedPrecisionMatmul) {
  for (int module = 0; module < 8 * anybit::test::sweepScale(); ++module) {
    std::string source;
    for (int f = 0; f < 12; ++f) {
      int64_t m = 1 + rng() % 4, k = 1 + rng() % 40, n = 1 + rng() % 9;
      bool intAcc = rng() % 3 == 0;
      std::string acc = intAcc ? "i" + std::to_string(8 + rng() % 57)
                               : (rng() % 2 ? "f32" : "f64");
      std::string lhsElem = intAcc ? intType() : numericType();
      std::string rhsElem = intAcc ? intType() : numericType();
      std::string out = intAcc ? intType() : floatType();
      std::string rhsEnc;
      if (rng() % 2) {
        std::string scale, zp;
        unsigned bits = anybit::getElementBitWidth(parseType(rhsElem, &context));
        rhsEnc = ", " + randomEncoding(rng, bits, {k, n}, scale, zp);
        if (intAcc && !scale.empty())
          rhsEnc = ", #anybit.packed<>";
      }
      std::string lhs = llvm::formatv("tensor<{0}x{1}x{2}>", m, k, lhsElem);
      std::string rhs =
          llvm::formatv("tensor<{0}x{1}x{2}{3}>", k, n, rhsElem, rhsEnc);
      std::string res = llvm::formatv("tensor<{0}x{1}x{2}>", m, n, out);
      source += llvm::formatv(
          "func.func @mm{0}(%a: {1}, %b: {2}) -> {3} {{\n"
          "  %c = anybit.matmul %a, %b {{accumulator = {4}} : {1}, {2} -> {3}\n"
          "  return %c : {3}\n}\n",
          f, lhs, rhs, res, acc);
    }
    check(source, 2);
  }
  EXPECT_GT(cases, 150);
}

} // namespace
