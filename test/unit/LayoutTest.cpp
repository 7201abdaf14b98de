//===- LayoutTest.cpp - Tests for the register layout algebra -------------===//

#include "anybit/Layout/Layout.h"

#include "gtest/gtest.h"

#include <random>
#include <vector>

using namespace anybit;

namespace {

using Coords = std::vector<int64_t>;

/// A layout's full map, computed independently of the expression tree so it
/// can serve as a reference model.
struct Table {
  Coords shape;
  int64_t threads;
  int64_t locals;
  std::vector<Coords> coords; // Indexed by thread * locals + local.

  bool operator==(const Table &other) const {
    return shape == other.shape && threads == other.threads &&
           locals == other.locals && coords == other.coords;
  }
};

Table tableOf(const Layout &layout) {
  Table table{layout.shape(), layout.numThreads(), layout.numLocals(), {}};
  for (int64_t t = 0; t < table.threads; ++t)
    for (int64_t i = 0; i < table.locals; ++i) {
      llvm::SmallVector<int64_t> c = layout.map(t, i);
      table.coords.emplace_back(c.begin(), c.end());
    }
  return table;
}

Coords padLeading(const Coords &values, size_t rank, int64_t fill) {
  Coords result(rank - values.size(), fill);
  result.insert(result.end(), values.begin(), values.end());
  return result;
}

/// The binary composition f.g exactly as defined, with numpy rank padding.
Table refCompose(const Table &f, const Table &g) {
  size_t rank = std::max(f.shape.size(), g.shape.size());
  Coords fShape = padLeading(f.shape, rank, 1);
  Coords gShape = padLeading(g.shape, rank, 1);
  Table result{Coords(rank), f.threads * g.threads, f.locals * g.locals, {}};
  for (size_t d = 0; d < rank; ++d)
    result.shape[d] = fShape[d] * gShape[d];
  for (int64_t t = 0; t < result.threads; ++t)
    for (int64_t i = 0; i < result.locals; ++i) {
      Coords fc = padLeading(
          f.coords[(t / g.threads) * f.locals + i / g.locals], rank, 0);
      Coords gc = padLeading(
          g.coords[(t % g.threads) * g.locals + i % g.locals], rank, 0);
      Coords c(rank);
      for (size_t d = 0; d < rank; ++d)
        c[d] = fc[d] * gShape[d] + gc[d];
      result.coords.push_back(c);
    }
  return result;
}

Coords rowMajor(int64_t index, const Coords &shape) {
  Coords c(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    c[d] = index % shape[d];
    index /= shape[d];
  }
  return c;
}

Coords columnMajor(int64_t index, const Coords &shape) {
  Coords c(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    c[d] = index % shape[d];
    index /= shape[d];
  }
  return c;
}

int64_t linearRowMajor(const Coords &c, const Coords &shape) {
  int64_t index = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    index = index * shape[d] + c[d];
  return index;
}

Coords toCoords(llvm::ArrayRef<int64_t> values) { return values.vec(); }

Layout randomPrimitive(std::mt19937 &rng) {
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  int kind = pick(0, 4);
  if (kind == 4)
    return Layout::replicated(pick(1, 3));
  Coords extents(pick(1, 2));
  for (int64_t &e : extents)
    e = pick(1, 3);
  switch (kind) {
  case 0:
    return Layout::local(extents);
  case 1:
    return Layout::columnLocal(extents);
  case 2:
    return Layout::spatial(extents);
  default:
    return Layout::columnSpatial(extents);
  }
}

Layout randomComposition(std::mt19937 &rng, int maxFactors) {
  int numFactors = std::uniform_int_distribution<int>(1, maxFactors)(rng);
  Layout layout = randomPrimitive(rng);
  for (int k = 1; k < numFactors; ++k)
    layout = layout.compose(randomPrimitive(rng));
  return layout;
}

void expectRoundTrip(const Layout &layout) {
  std::string error;
  std::optional<Layout> parsed = Layout::parse(layout.str(), &error);
  ASSERT_TRUE(parsed) << layout.str() << ": " << error;
  EXPECT_EQ(*parsed, layout) << layout.str();
  EXPECT_EQ(parsed->str(), layout.str());
}

const Layout mma = Layout::local({2, 1})
                       .compose(Layout::spatial({8, 4}))
                       .compose(Layout::local({1, 2}));

TEST(LayoutTest, MmaAccumulator) {
  EXPECT_EQ(toCoords(mma.shape()), Coords({16, 8}));
  EXPECT_EQ(mma.numThreads(), 32);
  EXPECT_EQ(mma.numLocals(), 4);
  EXPECT_EQ(mma.str(), "local(2, 1).spatial(8, 4).local(1, 2)");
  for (int64_t t = 0; t < 32; ++t)
    for (int64_t i0 = 0; i0 < 2; ++i0)
      for (int64_t i2 = 0; i2 < 2; ++i2)
        EXPECT_EQ(toCoords(mma.map(t, 2 * i0 + i2)),
                  Coords({8 * i0 + t / 4, 2 * (t % 4) + i2}))
            << "t=" << t << " i0=" << i0 << " i2=" << i2;
  EXPECT_TRUE(mma.isInjective());
  EXPECT_EQ(mma.numReplicas(), 1);
}

TEST(LayoutTest, PrimitivesMatchDefinitions) {
  Coords shape = {2, 3, 2};
  Layout local = Layout::local(shape);
  Layout columnLocal = Layout::columnLocal(shape);
  Layout spatial = Layout::spatial(shape);
  Layout columnSpatial = Layout::columnSpatial(shape);
  for (const Layout &l : {local, columnLocal, spatial, columnSpatial})
    EXPECT_EQ(toCoords(l.shape()), shape);

  EXPECT_EQ(local.numThreads(), 1);
  EXPECT_EQ(local.numLocals(), 12);
  EXPECT_EQ(columnLocal.numThreads(), 1);
  EXPECT_EQ(columnLocal.numLocals(), 12);
  EXPECT_EQ(spatial.numThreads(), 12);
  EXPECT_EQ(spatial.numLocals(), 1);
  EXPECT_EQ(columnSpatial.numThreads(), 12);
  EXPECT_EQ(columnSpatial.numLocals(), 1);
  for (int64_t n = 0; n < 12; ++n) {
    EXPECT_EQ(toCoords(local.map(0, n)), rowMajor(n, shape));
    EXPECT_EQ(toCoords(columnLocal.map(0, n)), columnMajor(n, shape));
    EXPECT_EQ(toCoords(spatial.map(n, 0)), rowMajor(n, shape));
    EXPECT_EQ(toCoords(columnSpatial.map(n, 0)), columnMajor(n, shape));
  }
  // Row- and column-major differ in the concrete case (2, 3): local index 1.
  EXPECT_EQ(toCoords(Layout::local({2, 3}).map(0, 1)), Coords({0, 1}));
  EXPECT_EQ(toCoords(Layout::columnLocal({2, 3}).map(0, 1)), Coords({1, 0}));
  EXPECT_FALSE(equivalent(Layout::local({2, 3}), Layout::columnLocal({2, 3})));
  // With a single non-unit extent the two orders coincide.
  EXPECT_TRUE(equivalent(Layout::local({1, 4}), Layout::columnLocal({1, 4})));
  EXPECT_NE(Layout::local({1, 4}), Layout::columnLocal({1, 4}));
}

TEST(LayoutTest, Replicated) {
  Layout r = Layout::replicated(4);
  EXPECT_EQ(toCoords(r.shape()), Coords({1}));
  EXPECT_EQ(r.numThreads(), 4);
  EXPECT_EQ(r.numLocals(), 1);
  EXPECT_EQ(r.numReplicas(), 4);
  for (int64_t t = 0; t < 4; ++t)
    EXPECT_EQ(toCoords(r.map(t, 0)), Coords({0}));

  // Inner replication: adjacent thread pairs hold the same element.
  Layout inner = Layout::spatial({2, 2}).compose(Layout::replicated(2));
  EXPECT_EQ(toCoords(inner.shape()), Coords({2, 2}));
  EXPECT_EQ(inner.numThreads(), 8);
  EXPECT_EQ(inner.numReplicas(), 2);
  for (int64_t t = 0; t < 8; ++t)
    EXPECT_EQ(toCoords(inner.map(t, 0)), rowMajor(t / 2, {2, 2}));

  // Outer replication: thread t and t + 4 hold the same element.
  Layout outer = Layout::replicated(2).compose(Layout::spatial({4}));
  for (int64_t t = 0; t < 8; ++t)
    EXPECT_EQ(toCoords(outer.map(t, 0)), Coords({t % 4}));

  // Each element is held numReplicas times across (thread, local) pairs.
  Layout mixed = Layout::local({2})
                     .compose(Layout::replicated(3))
                     .compose(Layout::spatial({2}));
  EXPECT_EQ(mixed.numReplicas(), 3);
  std::vector<int> holders(mixed.numElements(), 0);
  for (int64_t t = 0; t < mixed.numThreads(); ++t)
    for (int64_t i = 0; i < mixed.numLocals(); ++i)
      ++holders[mixed.map(t, i)[0]];
  for (int count : holders)
    EXPECT_EQ(count, 3);
  EXPECT_TRUE(mixed.isInjective());
}

TEST(LayoutTest, CompositionMatchesDefinition) {
  std::mt19937 rng(1);
  for (int trial = 0; trial < 300; ++trial) {
    Layout a = randomComposition(rng, 2);
    Layout b = randomComposition(rng, 2);
    EXPECT_EQ(tableOf(a.compose(b)), refCompose(tableOf(a), tableOf(b)))
        << a.str() << " . " << b.str();
  }
}

TEST(LayoutTest, Associativity) {
  std::mt19937 rng(2);
  for (int trial = 0; trial < 300; ++trial) {
    Layout a = randomPrimitive(rng);
    Layout b = randomPrimitive(rng);
    Layout c = randomPrimitive(rng);
    Table ta = tableOf(a), tb = tableOf(b), tc = tableOf(c);
    Table left = refCompose(refCompose(ta, tb), tc);
    EXPECT_EQ(left, refCompose(ta, refCompose(tb, tc)));

    Layout ab_c = a.compose(b).compose(c);
    Layout a_bc = a.compose(b.compose(c));
    EXPECT_EQ(ab_c, a_bc);
    EXPECT_EQ(tableOf(ab_c), left) << ab_c.str();

    // Identity reshapes pin the grouping, giving genuinely different trees.
    Layout ab = a.compose(b), bc = b.compose(c);
    Layout groupedLeft = Layout::reshape(ab, ab.shape()).compose(c);
    Layout groupedRight = a.compose(Layout::reshape(bc, bc.shape()));
    EXPECT_NE(groupedLeft, groupedRight);
    EXPECT_TRUE(equivalent(groupedLeft, groupedRight))
        << groupedLeft.str() << " vs " << groupedRight.str();
  }
}

TEST(LayoutTest, NotCommutative) {
  Layout a = Layout::local({2});
  Layout b = Layout::spatial({2});
  Layout ab = a.compose(b), ba = b.compose(a);
  EXPECT_EQ(toCoords(ab.shape()), toCoords(ba.shape()));
  EXPECT_FALSE(equivalent(ab, ba));
  // local(2).spatial(2): local index selects the block, thread the element.
  EXPECT_EQ(toCoords(ab.map(1, 0)), Coords({1}));
  EXPECT_EQ(toCoords(ab.map(0, 1)), Coords({2}));
  EXPECT_EQ(toCoords(ba.map(1, 0)), Coords({2}));
  EXPECT_EQ(toCoords(ba.map(0, 1)), Coords({1}));
}

TEST(LayoutTest, RankPadding) {
  // spatial(4) is padded to spatial(1, 4) against a rank-2 operand.
  Layout l = Layout::local({2, 3}).compose(Layout::spatial({4}));
  EXPECT_TRUE(equivalent(
      l, Layout::local({2, 3}).compose(Layout::spatial({1, 4}))));
  EXPECT_EQ(toCoords(l.shape()), Coords({2, 12}));
  EXPECT_EQ(toCoords(l.map(3, 4)), Coords({1, 7}));
}

TEST(LayoutTest, ReshapeAndPermute) {
  Layout base = Layout::local({2, 4}).compose(Layout::spatial({4, 8}));
  ASSERT_EQ(toCoords(base.shape()), Coords({8, 32}));
  for (Coords newShape : {Coords{8, 32}, Coords{256}, Coords{16, 16},
                          Coords{4, 2, 32}}) {
    Layout r = Layout::reshape(base, newShape);
    EXPECT_EQ(toCoords(r.shape()), newShape);
    EXPECT_EQ(r.numThreads(), 32);
    EXPECT_EQ(r.numLocals(), 8);
    for (int64_t t = 0; t < 32; ++t)
      for (int64_t i = 0; i < 8; ++i) {
        int64_t linear = linearRowMajor(toCoords(base.map(t, i)), {8, 32});
        EXPECT_EQ(toCoords(r.map(t, i)), rowMajor(linear, newShape));
      }
  }

  Layout p = Layout::permute(Layout::spatial({4, 8}), {1, 0});
  EXPECT_EQ(toCoords(p.shape()), Coords({8, 4}));
  EXPECT_EQ(toCoords(p.getPermutation()), Coords({1, 0}));
  for (int64_t t = 0; t < 32; ++t)
    EXPECT_EQ(toCoords(p.map(t, 0)), Coords({t % 8, t / 8}));

  Layout p3 = Layout::permute(Layout::local({2, 3, 4}), {2, 0, 1});
  EXPECT_EQ(toCoords(p3.shape()), Coords({4, 2, 3}));
  for (int64_t i = 0; i < 24; ++i) {
    Coords c = rowMajor(i, {2, 3, 4});
    EXPECT_EQ(toCoords(p3.map(0, i)), Coords({c[2], c[0], c[1]}));
  }
}

TEST(LayoutTest, CheckedFactoriesReject) {
  std::string error;
  EXPECT_FALSE(Layout::tryReshape(Layout::local({4}), {3}, &error));
  EXPECT_EQ(error, "reshape to [3] changes the number of elements from 4 to 3");
  EXPECT_FALSE(Layout::tryReshape(Layout::local({4}), {}, &error));
  EXPECT_EQ(error, "reshape expects at least one extent");
  EXPECT_FALSE(Layout::tryReshape(Layout::local({4}), {-2, -2}, &error));
  EXPECT_EQ(error, "reshape extents must be positive, got -2");

  EXPECT_FALSE(Layout::tryPermute(Layout::local({2, 3}), {0}, &error));
  EXPECT_EQ(error, "permutation [0] has 1 entries but the layout has rank 2");
  EXPECT_FALSE(Layout::tryPermute(Layout::local({2, 3}), {1, 1}, &error));
  EXPECT_EQ(error, "[1, 1] is not a permutation of [0, 2)");
  EXPECT_FALSE(Layout::tryPermute(Layout::local({2, 3}), {0, 2}, &error));

  EXPECT_FALSE(Layout::getPrimitive(Layout::Kind::Local, {}, &error));
  EXPECT_EQ(error, "local expects at least one extent");
  EXPECT_FALSE(Layout::getPrimitive(Layout::Kind::Spatial, {2, 0}, &error));
  EXPECT_EQ(error, "spatial extents must be positive, got 0");
  EXPECT_FALSE(Layout::getPrimitive(Layout::Kind::Replicated, {0}, &error));
  EXPECT_EQ(error, "replicated thread count must be positive, got 0");
  EXPECT_FALSE(
      Layout::getPrimitive(Layout::Kind::Local, {int64_t(1) << 32,
                                                 int64_t(1) << 32},
                           &error));
  EXPECT_EQ(error,
            "the number of elements of local[4294967296, 4294967296] overflows "
            "int64_t");

  Layout big = Layout::spatial({int64_t(1) << 40});
  EXPECT_FALSE(Layout::tryCompose(big, big, &error));
  EXPECT_EQ(error, "composing spatial(1099511627776) with "
                   "spatial(1099511627776) overflows int64_t");
  // Null error pointers are allowed.
  EXPECT_FALSE(Layout::tryCompose(big, big));
}

TEST(LayoutDeathTest, InfallibleBuilderRejectsBadInput) {
  EXPECT_DEATH(Layout::local({3, 0}),
               "invalid layout: local extents must be positive, got 0");
  EXPECT_DEATH(Layout::reshape(Layout::local({4}), {3}),
               "invalid layout: reshape to \\[3\\] changes");
}

TEST(LayoutTest, DivideRandom) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 300; ++trial) {
    Layout a = randomComposition(rng, 3);
    Layout b = randomComposition(rng, 3);
    Layout f = a.compose(b);
    std::optional<Layout> h = Layout::divide(f, b);
    ASSERT_TRUE(h) << f.str() << " / " << b.str();
    // b's factors are a suffix of f's, so the quotient is a itself.
    EXPECT_EQ(*h, a) << h->str() << " vs " << a.str();
    EXPECT_TRUE(equivalent(h->compose(b), f));
  }
}

TEST(LayoutTest, DivideExamples) {
  auto expectQuotient = [](const Layout &f, const Layout &g,
                           const Layout &expected) {
    std::optional<Layout> h = Layout::divide(f, g);
    ASSERT_TRUE(h) << f.str() << " / " << g.str();
    EXPECT_EQ(*h, expected) << h->str();
    EXPECT_TRUE(equivalent(h->compose(g), f));
  };
  expectQuotient(Layout::local({8}), Layout::local({2}), Layout::local({4}));
  expectQuotient(Layout::replicated(6), Layout::replicated(3),
                 Layout::replicated(2));
  expectQuotient(mma, Layout::local({1, 2}),
                 Layout::local({2, 1}).compose(Layout::spatial({8, 4})));
  expectQuotient(mma, Layout::spatial({8, 4}).compose(Layout::local({1, 2})),
                 Layout::local({2, 1}));
  // A lower-rank divisor is padded like any composition operand.
  expectQuotient(mma, Layout::local({2}),
                 Layout::local({2, 1}).compose(Layout::spatial({8, 4})));
  // The divisor covers trailing dimensions exactly.
  expectQuotient(Layout::local({2, 4}), Layout::local({1, 4}),
                 Layout::local({2, 1}));
  expectQuotient(Layout::spatial({8, 4}), Layout::spatial({2, 4}),
                 Layout::spatial({4, 1}));
  // Column-major primitives split on leading dimensions.
  expectQuotient(Layout::columnLocal({4, 2}), Layout::columnLocal({4, 1}),
                 Layout::columnLocal({1, 2}));
  // The divisor may span several factors of the dividend.
  expectQuotient(Layout::spatial({2}).compose(Layout::local({2})).compose(
                     Layout::local({4})),
                 Layout::local({8}), Layout::spatial({2}));
  expectQuotient(mma, mma, Layout::local({1, 1}));

  // Identity factors on either side are skipped.
  expectQuotient(Layout::local({4}).compose(Layout::spatial({1})),
                 Layout::local({2}), Layout::local({2}));
  expectQuotient(Layout::local({8}),
                 Layout::local({2}).compose(Layout::replicated(1)),
                 Layout::local({4}));
  // When neither the quotient nor the divisor carries f's rank, a unit local
  // restores it.
  Layout flat = Layout::reshape(Layout::spatial({2, 2}), {4});
  expectQuotient(flat.compose(Layout::local({1, 2})), Layout::local({2}),
                 Layout::local({1, 1}).compose(flat));

  std::optional<Layout> h =
      Layout::divide(Layout::local({2}).compose(Layout::local({4})),
                     Layout::local({8}));
  ASSERT_TRUE(h);
  EXPECT_TRUE(equivalent(*h, Layout::local({1})));
}

TEST(LayoutTest, DivideImpossible) {
  EXPECT_FALSE(Layout::divide(Layout::local({8}), Layout::spatial({2})));
  EXPECT_FALSE(Layout::divide(Layout::local({8}), Layout::local({3})));
  // local(1, 4) would have to vary faster than local(2, 1), but it is outer.
  EXPECT_FALSE(Layout::divide(Layout::local({2, 4}), Layout::local({2, 1})));
  EXPECT_FALSE(
      Layout::divide(Layout::columnLocal({2, 4}), Layout::columnLocal({1, 4})));
  EXPECT_FALSE(Layout::divide(Layout::local({4}), Layout::local({1, 2})));
  EXPECT_FALSE(Layout::divide(mma, Layout::local({2, 1})));
  EXPECT_FALSE(Layout::divide(Layout::local({2}), Layout::replicated(2)));
}

TEST(LayoutTest, PrintParseRoundTrip) {
  for (const char *text :
       {"local(2, 1).spatial(8, 4).local(1, 2)", "column_local(2, 2)",
        "column_spatial(4, 8)", "replicated(4)",
        "reshape(local(2, 4).spatial(4, 8), [8, 32])",
        "permute(spatial(4, 8), [1, 0])",
        "permute(reshape(local(2).permute(local(3, 4), [1, 0]), [2, 4, 3]), "
        "[2, 0, 1]).replicated(2)",
        "local(2).reshape(spatial(2, 3).column_local(1, 2), [12]).spatial(2)"}) {
    std::string error;
    std::optional<Layout> layout = Layout::parse(text, &error);
    ASSERT_TRUE(layout) << text << ": " << error;
    EXPECT_EQ(layout->str(), text);
    expectRoundTrip(*layout);
  }

  expectRoundTrip(mma);
  expectRoundTrip(Layout::permute(Layout::spatial({4, 8}), {1, 0}));
  std::mt19937 rng(4);
  for (int trial = 0; trial < 100; ++trial) {
    Layout a = randomComposition(rng, 3);
    expectRoundTrip(a);
    expectRoundTrip(Layout::reshape(a, {a.numElements()}).compose(
        randomComposition(rng, 2)));
    if (a.rank() == 2)
      expectRoundTrip(randomPrimitive(rng).compose(
          Layout::permute(a, {1, 0})));
  }
}

TEST(LayoutTest, ParseWhitespaceAndGrouping) {
  std::string error;
  std::optional<Layout> spaced = Layout::parse(
      "  local ( 2 ,1 ) .\tspatial(8,4)\n. local(1, 2 )  ", &error);
  ASSERT_TRUE(spaced) << error;
  EXPECT_EQ(*spaced, mma);

  std::optional<Layout> grouped =
      Layout::parse("local(2, 1).(spatial(8, 4).local(1, 2))", &error);
  ASSERT_TRUE(grouped) << error;
  EXPECT_EQ(*grouped, mma);
  EXPECT_EQ(grouped->str(), mma.str());
}

TEST(LayoutTest, ParseErrors) {
  struct Case {
    const char *text;
    size_t offset;
    const char *message;
  };
  const Case cases[] = {
      {"local(2,", 8, "expected an integer, found end of input"},
      {"2", 0, "expected a layout, found '2'"},
      {"local2(1)", 0,
       "unknown layout 'local2'; expected local, column_local, spatial, "
       "column_spatial, replicated, reshape or permute"},
      {"foo(1)", 0,
       "unknown layout 'foo'; expected local, column_local, spatial, "
       "column_spatial, replicated, reshape or permute"},
      {"local(0)", 6, "extent must be positive, got 0"},
      {"local(-1)", 6, "extent must be positive, got -1"},
      {"reshape(local(4), [3])", 18,
       "reshape to [3] changes the number of elements from 4 to 3"},
      {"local(2", 7, "expected ',' or ')', found end of input"},
      {"local(2,)", 8, "expected an integer, found ')'"},
      {"local 2)", 6, "expected '(', found '2'"},
      {"", 0, "expected a layout, found end of input"},
      {"local(2).", 9, "expected a layout, found end of input"},
      {"local(2) x", 9, "expected '.' or end of input, found 'x'"},
      {"(local(2)", 9, "expected ')', found end of input"},
      {"reshape(local(4) [4])", 17, "expected ',', found '['"},
      {"reshape(local(4), 4)", 18, "expected '[', found '4'"},
      {"reshape(local(4), [4]", 21, "expected ')', found end of input"},
      {"permute(spatial(4, 8), [0, 0])", 23,
       "[0, 0] is not a permutation of [0, 2)"},
      {"permute(local(2), [-1])", 19,
       "permutation entry must be non-negative, got -1"},
      {"replicated(2, 2)", 0,
       "replicated expects exactly one thread count, got 2 values"},
      {"replicated(0)", 11, "thread count must be positive, got 0"},
      {"local(99999999999999999999)", 6,
       "integer '99999999999999999999' is too large"},
      {"local(4294967296, 4294967296)", 0,
       "the number of elements of local[4294967296, 4294967296] overflows "
       "int64_t"},
      {"local(4).local(4294967296).local(4294967296)", 26,
       "composing local(4).local(4294967296) with local(4294967296) overflows "
       "int64_t"},
  };
  for (const Case &c : cases) {
    std::string error;
    size_t offset = 12345;
    EXPECT_FALSE(Layout::parse(c.text, &error, &offset)) << c.text;
    EXPECT_EQ(offset, c.offset) << c.text;
    EXPECT_EQ(error,
              "at offset " + std::to_string(c.offset) + ": " + c.message)
        << c.text;
  }
  // Null out-parameters are allowed.
  EXPECT_FALSE(Layout::parse("foo(1)"));
}

TEST(LayoutTest, HashAndEquality) {
  Layout a = Layout::parse("local(2, 1).spatial(8, 4).local(1, 2)").value();
  EXPECT_EQ(a, mma);
  EXPECT_EQ(hash_value(a), hash_value(mma));

  Layout b = Layout::reshape(mma, {128});
  Layout c = Layout::reshape(Layout::parse(mma.str()).value(), {128});
  EXPECT_EQ(b, c);
  EXPECT_EQ(hash_value(b), hash_value(c));

  // Structurally distinct layouts compare unequal even when equivalent.
  EXPECT_NE(Layout::local({2, 1}), Layout::local({2}));
  EXPECT_NE(Layout::local({4}), Layout::spatial({4}));
  EXPECT_NE(Layout::reshape(Layout::local({4}), {4}), Layout::local({4}));
  EXPECT_TRUE(equivalent(Layout::reshape(Layout::local({4}), {4}),
                         Layout::local({4})));
  EXPECT_NE(Layout::permute(Layout::local({2, 2}), {1, 0}),
            Layout::permute(Layout::local({2, 2}), {0, 1}));

  // Random layouts: == agrees with printing, and equal implies equal hashes.
  std::mt19937 rng(5);
  std::vector<Layout> layouts;
  for (int k = 0; k < 60; ++k)
    layouts.push_back(randomComposition(rng, 2));
  for (const Layout &x : layouts)
    for (const Layout &y : layouts) {
      EXPECT_EQ(x == y, x.str() == y.str()) << x.str() << " vs " << y.str();
      if (x == y) {
        EXPECT_EQ(hash_value(x), hash_value(y));
      }
    }
}

TEST(LayoutTest, Structure) {
  EXPECT_EQ(mma.getKind(), Layout::Kind::Compose);
  ASSERT_EQ(mma.getFactors().size(), 3u);
  EXPECT_EQ(mma.getFactors()[1], Layout::spatial({8, 4}));
  EXPECT_TRUE(mma.getFactors()[0].isPrimitive());
  EXPECT_EQ(toCoords(mma.getFactors()[2].getExtents()), Coords({1, 2}));
  EXPECT_EQ(toCoords(Layout::replicated(4).getExtents()), Coords({4}));
  Layout r = Layout::reshape(mma, {128});
  EXPECT_EQ(r.getKind(), Layout::Kind::Reshape);
  EXPECT_EQ(r.getOperand(), mma);
  EXPECT_FALSE(r.isPrimitive());
}

} // namespace
