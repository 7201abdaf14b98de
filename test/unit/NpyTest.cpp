//===- NpyTest.cpp - Tests for .npy reading and writing -------------------===//

#include "anybit/Support/Npy.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace anybit;

namespace {

const char *const kDtypes[] = {"i1", "u1", "i2", "u2", "i4", "u4",
                               "i8", "u8", "f2", "f4", "f8", "b1"};

const std::vector<std::vector<int64_t>> kShapes = {
    {}, {3}, {2, 3, 4}, {0}, {2, 0, 3}};

const char *const kPython = "/usr/bin/python3";

/// Deterministic element bytes; booleans stay 0 or 1 so numpy sees valid
/// values.
NpyArray makeArray(const std::string &dtype, std::vector<int64_t> shape) {
  NpyArray array;
  array.dtype = dtype;
  array.shape = std::move(shape);
  array.data.resize(array.numElements() * array.elementSize());
  for (size_t i = 0; i < array.data.size(); ++i)
    array.data[i] = dtype == "b1" ? i % 3 == 0 : uint8_t(i * 37 + 11);
  return array;
}

/// Assembles a .npy file by hand around an arbitrary header text.
std::vector<uint8_t> makeFile(const std::string &header,
                              const std::vector<uint8_t> &data,
                              unsigned major = 1) {
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  unsigned lenBytes = major == 1 ? 2 : 4;
  for (unsigned i = 0; i < lenBytes; ++i)
    out.push_back(uint8_t(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::string errorOf(llvm::Expected<NpyArray> result) {
  if (result)
    return "<no error>";
  return llvm::toString(result.takeError());
}

std::string headerFor(const std::string &descr, const std::string &shape,
                      const std::string &order = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + order +
         ", 'shape': " + shape + ", }\n";
}

void expectEqualArrays(const NpyArray &a, const NpyArray &b) {
  EXPECT_EQ(a.dtype, b.dtype);
  EXPECT_EQ(a.shape, b.shape);
  EXPECT_EQ(a.data, b.data);
}

TEST(NpyTest, ElementSizeAndCount) {
  EXPECT_EQ(makeArray("f2", {}).elementSize(), 2u);
  EXPECT_EQ(makeArray("b1", {}).elementSize(), 1u);
  EXPECT_EQ(makeArray("u8", {}).elementSize(), 8u);
  EXPECT_EQ(makeArray("c8", {}).elementSize(), 0u);
  EXPECT_EQ(makeArray("f4", {}).numElements(), 1);
  EXPECT_EQ(makeArray("f4", {2, 3, 4}).numElements(), 24);
  EXPECT_EQ(makeArray("f4", {2, 0}).numElements(), 0);
}

TEST(NpyTest, SerializeLayout) {
  std::vector<uint8_t> bytes = serializeNpy(makeArray("f4", {3}));
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(std::memcmp(bytes.data(), "\x93NUMPY\x01\x00", 8), 0);
  size_t headerLen = bytes[8] | bytes[9] << 8;
  size_t dataStart = 10 + headerLen;
  EXPECT_EQ(dataStart % 64, 0u);
  EXPECT_EQ(bytes.size(), dataStart + 12);
  std::string header(bytes.begin() + 10, bytes.begin() + dataStart);
  EXPECT_EQ(header.back(), '\n');
  EXPECT_EQ(header.rfind("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (3,), }",
                         0),
            0u);

  auto headerOf = [](const NpyArray &array) {
    std::vector<uint8_t> b = serializeNpy(array);
    return std::string(b.begin() + 10, b.begin() + 10 + (b[8] | b[9] << 8));
  };
  EXPECT_NE(headerOf(makeArray("u1", {})).find("'descr': '|u1'"),
            std::string::npos);
  EXPECT_NE(headerOf(makeArray("b1", {})).find("'shape': ()"),
            std::string::npos);
  EXPECT_NE(headerOf(makeArray("i8", {2, 3, 4})).find("'shape': (2, 3, 4)"),
            std::string::npos);
}

TEST(NpyTest, RoundTripInMemory) {
  for (const char *dtype : kDtypes) {
    for (const std::vector<int64_t> &shape : kShapes) {
      NpyArray array = makeArray(dtype, shape);
      llvm::Expected<NpyArray> parsed = parseNpy(serializeNpy(array), "mem");
      ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
      expectEqualArrays(*parsed, array);
    }
  }
}

TEST(NpyTest, AcceptsHeaderVariants) {
  std::vector<uint8_t> data(8, 7);
  const std::string accepted[] = {
      headerFor("<i4", "(2,)"),
      headerFor("=i4", "(2,)"),
      headerFor("i4", "(2,)"),
      headerFor("<i4", "(1, 2)"),
      headerFor(">u1", "(8,)"),
      headerFor("|u1", "(2, 2, 2)"),
      headerFor("<i2", "(2,2,)"),
      "{\"descr\":\"<f8\",\"fortran_order\":False,\"shape\":(1,)}",
      "{'shape': (2L,), 'fortran_order': False, 'descr': '<u4'}   \n",
      "{ 'descr' : '<u4' , 'fortran_order' : False , 'shape' : ( 2 , ) , }",
  };
  for (const std::string &header : accepted) {
    llvm::Expected<NpyArray> parsed = parseNpy(makeFile(header, data), "x");
    EXPECT_TRUE(bool(parsed)) << header << ": " << errorOf(std::move(parsed));
  }

  llvm::Expected<NpyArray> parsed =
      parseNpy(makeFile(headerFor("=i4", "(2,)"), data), "x");
  ASSERT_TRUE(bool(parsed));
  EXPECT_EQ(parsed->dtype, "i4");
  EXPECT_EQ(parsed->shape, std::vector<int64_t>{2});

  // Versions 2.0 and 3.0 only widen the header length field.
  for (unsigned major : {2u, 3u}) {
    parsed = parseNpy(makeFile(headerFor("<f4", "(2,)"), data, major), "x");
    ASSERT_TRUE(bool(parsed)) << errorOf(std::move(parsed));
    EXPECT_EQ(parsed->data, data);
  }
}

TEST(NpyTest, RejectsWithClearMessages) {
  std::vector<uint8_t> data16(16, 0);
  struct Case {
    std::vector<uint8_t> bytes;
    std::string message;
  };
  std::vector<uint8_t> badVersion = makeFile(headerFor("<f4", "(4,)"), data16);
  badVersion[6] = 4;
  std::vector<uint8_t> badMinor = makeFile(headerFor("<f4", "(4,)"), data16);
  badMinor[7] = 1;
  const Case cases[] = {
      {makeFile(headerFor("<f4", "(2, 2)"), std::vector<uint8_t>(12)),
       "foo.npy: data has 12 bytes, expected 16 for shape (2, 2) of '<f4'"},
      {makeFile(headerFor("<f4", "(2, 2)"), std::vector<uint8_t>(20)),
       "foo.npy: data has 20 bytes, expected 16 for shape (2, 2) of '<f4'"},
      {makeFile(headerFor("<f4", "()"), {}),
       "foo.npy: data has 0 bytes, expected 4 for shape () of '<f4'"},
      {{'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0}, "foo.npy: not a .npy file"},
      {{}, "foo.npy: file is too short to be a .npy file (0 bytes)"},
      {{0x93, 'N', 'U'}, "foo.npy: file is too short"},
      {badVersion, "foo.npy: unsupported .npy format version 4.0"},
      {badMinor, "foo.npy: unsupported .npy format version 1.1"},
      {makeFile(headerFor(">f4", "(4,)"), data16),
       "foo.npy: big-endian dtype '>f4' is not supported"},
      {makeFile(headerFor("<f4", "(2, 2)", "True"), data16),
       "foo.npy: fortran_order arrays are not supported"},
      {makeFile(headerFor("<c8", "(2,)"), data16),
       "foo.npy: unsupported dtype '<c8'"},
      {makeFile(headerFor("<U4", "(1,)"), data16),
       "foo.npy: unsupported dtype '<U4'"},
      {makeFile(headerFor("", "(1,)"), data16),
       "foo.npy: unsupported dtype ''"},
      {makeFile("{'descr': [('a', '<f4')], 'fortran_order': False, "
                "'shape': (4,), }",
                data16),
       "structured dtypes are not supported"},
      {makeFile("{'descr': '<f4', 'shape': (4,), }", data16),
       "foo.npy: malformed header: missing key 'fortran_order'"},
      {makeFile("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
                "'shape': (4,)}",
                data16),
       "duplicate key 'descr'"},
      {makeFile("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), "
                "'extra': 1}",
                data16),
       "unexpected key 'extra'"},
      {makeFile(headerFor("<f4", "(4)"), data16), "shape is not a tuple"},
      {makeFile(headerFor("<f4", "(-4,)"), data16),
       "expected a non-negative integer"},
      {makeFile(headerFor("<f4", "(4, x)"), data16),
       "expected a non-negative integer"},
      {makeFile(headerFor("<f4", "(99999999999999999999,)"), data16),
       "dimension too large"},
      {makeFile(headerFor("<f4", "(4294967296, 4294967296, 4)"), data16),
       "foo.npy: shape (4294967296, 4294967296, 4) is too large"},
      {makeFile(headerFor("<f4", "(4,)", "Maybe"), data16),
       "expected True or False"},
      {makeFile("{'descr: '<f4'", data16), "malformed header"},
      {makeFile("'descr': '<f4'", data16), "expected '{'"},
      {makeFile(headerFor("<f4", "(4,)") + "x", data16),
       "unexpected text after the dict"},
      {makeFile("{'descr': '<f4' 'fortran_order': False}", data16),
       "expected ',' or '}'"},
      {{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 200, 0, '{'},
       "foo.npy: header is truncated: it needs 200 bytes but only 1 follow"},
      {{0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 1, 0},
       "foo.npy: truncated before the header length"},
  };
  for (const Case &c : cases) {
    std::string error = errorOf(parseNpy(c.bytes, "foo.npy"));
    EXPECT_NE(error.find(c.message), std::string::npos)
        << "got '" << error << "', expected '" << c.message << "'";
  }
}

TEST(NpyTest, TruncationAtEveryLengthFails) {
  std::vector<uint8_t> full = serializeNpy(makeArray("f4", {2, 3}));
  ASSERT_TRUE(bool(parseNpy(full, "t")));
  for (size_t len = 0; len < full.size(); ++len) {
    llvm::Expected<NpyArray> parsed =
        parseNpy(llvm::ArrayRef<uint8_t>(full).take_front(len), "t.npy");
    ASSERT_FALSE(bool(parsed)) << "prefix of " << len << " bytes parsed";
    std::string error = llvm::toString(parsed.takeError());
    EXPECT_EQ(error.rfind("t.npy: ", 0), 0u) << error;
  }
}

TEST(NpyTest, CorruptedHeadersNeverCrash) {
  std::mt19937 rng(42);
  std::vector<uint8_t> valid = serializeNpy(makeArray("i2", {3, 5}));
  size_t headerEnd = valid.size() - 30;
  const char interesting[] = "{}()[],:' \"<>|=0123456789LTrueFalse\x93\n";
  int accepted = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::vector<uint8_t> bytes = valid;
    int flips = 1 + rng() % 4;
    for (int f = 0; f < flips; ++f) {
      size_t pos = rng() % headerEnd;
      // Favour characters the header syntax cares about.
      bytes[pos] =
          rng() % 2 ? uint8_t(rng())
                    : uint8_t(interesting[rng() % (sizeof(interesting) - 1)]);
    }
    if (rng() % 4 == 0)
      bytes.resize(rng() % bytes.size());
    llvm::Expected<NpyArray> parsed = parseNpy(bytes, "fuzz");
    if (!parsed) {
      llvm::consumeError(parsed.takeError());
      continue;
    }
    ++accepted;
    ASSERT_NE(parsed->elementSize(), 0u);
    ASSERT_EQ(parsed->data.size(),
              size_t(parsed->numElements()) * parsed->elementSize());
  }
  // Flipping padding spaces keeps some inputs valid.
  EXPECT_GT(accepted, 0);

  // Pure garbage after a valid magic and version.
  for (int iter = 0; iter < 2000; ++iter) {
    std::vector<uint8_t> bytes = {
        0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(1 + rng() % 3), 0};
    size_t len = rng() % 64;
    for (size_t i = 0; i < len; ++i)
      bytes.push_back(uint8_t(rng()));
    llvm::Expected<NpyArray> parsed = parseNpy(bytes, "garbage");
    if (!parsed)
      llvm::consumeError(parsed.takeError());
  }
}

/// A fresh temporary directory, removed at the end of the test.
class NpyFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("anybit-npy", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string pathOf(const llvm::Twine &name) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, name);
    return std::string(path);
  }

  static bool haveNumpy() {
    static const bool have = std::system((std::string(kPython) +
                                          " -c 'import numpy' >/dev/null 2>&1")
                                             .c_str()) == 0;
    return have;
  }

  /// Runs a Python script with the directory as its argument; true on
  /// success.
  bool runPython(const std::string &script) {
    std::string scriptPath = pathOf("script.py");
    std::error_code ec;
    {
      llvm::raw_fd_ostream os(scriptPath, ec);
      if (ec)
        return false;
      os << script;
    }
    std::string command = std::string(kPython) + " '" + scriptPath + "' '" +
                          std::string(dir) + "'";
    return std::system(command.c_str()) == 0;
  }

  llvm::SmallString<128> dir;
};

TEST_F(NpyFileTest, WriteThenRead) {
  for (const char *dtype : kDtypes) {
    NpyArray array = makeArray(dtype, {2, 3, 4});
    std::string path = pathOf(std::string(dtype) + ".npy");
    ASSERT_FALSE(bool(writeNpy(path, array)));
    llvm::Expected<NpyArray> read = readNpy(path);
    ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
    expectEqualArrays(*read, array);
  }
}

TEST_F(NpyFileTest, FileErrorsNameThePath) {
  std::string missing = pathOf("missing.npy");
  std::string error = errorOf(readNpy(missing));
  EXPECT_EQ(error.rfind(missing + ": cannot read: ", 0), 0u) << error;

  std::string noDir = pathOf("no/such/dir/x.npy");
  error = llvm::toString(writeNpy(noDir, makeArray("f4", {2})));
  EXPECT_EQ(error.rfind(noDir + ": cannot open for writing", 0), 0u) << error;

  NpyArray bad = makeArray("f4", {2});
  bad.data.pop_back();
  error = llvm::toString(writeNpy(pathOf("bad.npy"), bad));
  EXPECT_NE(error.find("data has 7 bytes, which does not match shape (2,) "
                       "of 'f4'"),
            std::string::npos)
      << error;
  bad = makeArray("f4", {2});
  bad.dtype = "c8";
  error = llvm::toString(writeNpy(pathOf("bad.npy"), bad));
  EXPECT_NE(error.find("cannot write unsupported dtype 'c8'"),
            std::string::npos)
      << error;
}

TEST_F(NpyFileTest, ReadsFilesWrittenByNumpy) {
  if (!haveNumpy())
    GTEST_SKIP() << kPython << " has no numpy";
  // Each array holds arange(n) - n // 2 so that signed types see negative
  // values; the .bin file has the expected little-endian element bytes.
  const char *script = R"(
import sys, numpy as np
from numpy.lib import format as fmt
d = sys.argv[1]
dtypes = ['i1','u1','i2','u2','i4','u4','i8','u8','f2','f4','f8','b1']
shapes = [(), (3,), (2, 3, 4)]
for dt in dtypes:
    for k, shape in enumerate(shapes):
        n = int(np.prod(shape))
        v = np.arange(n, dtype=np.int64) - n // 2
        a = (v % 3 == 0) if dt == 'b1' else v.astype(dt)
        a = a.reshape(shape).astype(np.dtype(dt).newbyteorder('<'))
        np.save('%s/%s_%d.npy' % (d, dt, k), a)
        open('%s/%s_%d.bin' % (d, dt, k), 'wb').write(a.tobytes())
a = np.arange(6, dtype='<f4').reshape(2, 3)
for version in [(1, 0), (2, 0), (3, 0)]:
    with open('%s/v%d.npy' % (d, version[0]), 'wb') as f:
        fmt.write_array(f, a, version=version)
np.save(d + '/big.npy', a.astype('>f4'))
np.save(d + '/fortran.npy', np.asfortranarray(a))
np.save(d + '/complex.npy', a.astype('c8'))
)";
  ASSERT_TRUE(runPython(script));

  const std::vector<std::vector<int64_t>> shapes = {{}, {3}, {2, 3, 4}};
  for (const char *dtype : kDtypes) {
    for (size_t k = 0; k < shapes.size(); ++k) {
      std::string base = pathOf(std::string(dtype) + "_" + std::to_string(k));
      SCOPED_TRACE(base);
      llvm::Expected<NpyArray> read = readNpy(base + ".npy");
      ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
      EXPECT_EQ(read->dtype, dtype);
      EXPECT_EQ(read->shape, shapes[k]);
      auto expected = llvm::MemoryBuffer::getFile(base + ".bin");
      ASSERT_TRUE(bool(expected));
      EXPECT_EQ(read->data, std::vector<uint8_t>((*expected)->getBufferStart(),
                                                 (*expected)->getBufferEnd()));
    }
  }

  // Decode two types directly instead of trusting numpy's tobytes.
  llvm::Expected<NpyArray> i4 = readNpy(pathOf("i4_2.npy"));
  ASSERT_TRUE(bool(i4));
  for (int64_t i = 0; i < 24; ++i) {
    int32_t v;
    std::memcpy(&v, i4->data.data() + 4 * i, 4);
    EXPECT_EQ(v, i - 12);
  }
  llvm::Expected<NpyArray> f8 = readNpy(pathOf("f8_1.npy"));
  ASSERT_TRUE(bool(f8));
  for (int64_t i = 0; i < 3; ++i) {
    double v;
    std::memcpy(&v, f8->data.data() + 8 * i, 8);
    EXPECT_EQ(v, double(i - 1));
  }

  for (const char *version : {"v1.npy", "v2.npy", "v3.npy"}) {
    llvm::Expected<NpyArray> read = readNpy(pathOf(version));
    ASSERT_TRUE(bool(read))
        << version << ": " << llvm::toString(read.takeError());
    EXPECT_EQ(read->dtype, "f4");
    EXPECT_EQ(read->shape, (std::vector<int64_t>{2, 3}));
    float last;
    std::memcpy(&last, read->data.data() + 20, 4);
    EXPECT_EQ(last, 5.0f);
  }

  EXPECT_NE(errorOf(readNpy(pathOf("big.npy"))).find("big-endian"),
            std::string::npos);
  EXPECT_NE(errorOf(readNpy(pathOf("fortran.npy"))).find("fortran_order"),
            std::string::npos);
  EXPECT_NE(errorOf(readNpy(pathOf("complex.npy"))).find("unsupported dtype"),
            std::string::npos);
}

TEST_F(NpyFileTest, NumpyLoadsWrittenFiles) {
  if (!haveNumpy())
    GTEST_SKIP() << kPython << " has no numpy";
  // The manifest lists each file with the descr and shape numpy must report;
  // the .bin file holds the element bytes it must load.
  std::string manifest;
  for (const char *dtype : kDtypes) {
    for (size_t k = 0; k < kShapes.size(); ++k) {
      NpyArray array = makeArray(dtype, kShapes[k]);
      std::string name = std::string(dtype) + "_" + std::to_string(k);
      ASSERT_FALSE(bool(writeNpy(pathOf(name + ".npy"), array)));
      std::error_code ec;
      llvm::raw_fd_ostream bin(pathOf(name + ".bin"), ec);
      ASSERT_FALSE(ec);
      bin.write(reinterpret_cast<const char *>(array.data.data()),
                array.data.size());
      std::string descr =
          (array.elementSize() == 1 ? "|" : "<") + std::string(dtype);
      std::string shape;
      for (int64_t dim : kShapes[k])
        shape += std::to_string(dim) + ",";
      manifest += name + " " + descr + " " + shape + "\n";
    }
  }
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(pathOf("manifest.txt"), ec);
    ASSERT_FALSE(ec);
    os << manifest;
  }
  const char *script = R"(
import sys, numpy as np
d = sys.argv[1]
bad = 0
for line in open(d + '/manifest.txt'):
    parts = line.split()
    name, descr = parts[0], parts[1]
    dims = parts[2].split(',') if len(parts) > 2 else []
    shape = tuple(int(x) for x in dims if x)
    a = np.load('%s/%s.npy' % (d, name))
    raw = open('%s/%s.bin' % (d, name), 'rb').read()
    if a.dtype.str != descr or a.shape != shape or a.tobytes() != raw:
        print('mismatch', name, a.dtype.str, a.shape)
        bad += 1
    elif not np.array_equal(a, np.frombuffer(raw, descr).reshape(shape),
                            equal_nan=(a.dtype.kind == 'f')):
        print('value mismatch', name)
        bad += 1
sys.exit(1 if bad else 0)
)";
  EXPECT_TRUE(runPython(script));
}

} // namespace
