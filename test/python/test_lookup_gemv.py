"""f32 activations times 1- and 2-bit weights tiled ``[16 R, 32 / bits]``
(the f32 lookup-table GEMV, FloatLookupTableMatmulCodegen): against numpy's
float64 product of the same dequantized weights and against the reference
VM, within the tolerance of a reordered f32 sum; the same weights row-major
(the code-FMA kernel) give the same products; on two threads; batches; and
the layouts the kernel declines still compute the right thing."""

import numpy as np
import pytest

import anybit
from numpy_reference import int_range

RNG = np.random.default_rng(20261201)


def gemv_source(m, n, k, element, encoding):
    a, w, y = (f"tensor<{m}x{k}xf32>",
               f"tensor<{n}x{k}x{element}, #anybit.packed<{encoding}>>",
               f"tensor<{m}x{n}xf32>")
    return (f"func.func @gemv(%a: {a}, %w: {w}) -> {y} {{\n"
            f"  %y = anybit.matmul %a, %w {{accumulator = f32, transpose_rhs}}"
            f" : {a}, {w} -> {y}\n  return %y : {y}\n}}\n")


def codes(dtype, shape):
    """Random values of `dtype`: i1 and ui* unsigned, trits -1..1."""
    if dtype == "!anybit.trit":
        return RNG.integers(-1, 2, shape).astype(np.int8)
    return RNG.integers(*int_range(dtype), shape).astype(np.int8)


def check_close(got, want, terms):
    """|got - want| within 2 K 2^-24 of the sum of the terms' magnitudes
    (two orders of a K-term f32 sum) plus 1e-6 of the largest output."""
    k = terms.shape[-1]
    bound = 2 * k * 2.0**-24 * np.abs(terms).sum(axis=-1) + 1e-6 * np.max(np.abs(want))
    assert np.all(np.abs(got.astype(np.float64) - want) <= bound)


CASES = [
    # dtype, n, k, rows of a tile, group (0: unscaled), scale type
    ("i2", 128, 512, 64, 32, "f16"),
    ("i2", 64, 2048, 64, 128, "f16"),   # 16 groups: one whole block of scales
    ("si2", 96, 640, 32, 16, "bf16"),   # 40 groups: two blocks and a tail
    ("ui2", 48, 256, 48, 64, "f32"),
    ("!anybit.trit", 64, 320, 16, 32, "f8E8M0FNU"),
    ("i1", 64, 1024, 64, 32, "f16"),
    ("ui1", 32, 96, 16, 0, None),
    ("i2", 16, 16, 16, 0, None),
]


def check_gemv(m, n, k, dtype, encoding, group, scale, threads=1):
    """Compiled and VM GEMVs of m rows of x times n x k `dtype` weights
    packed with `encoding` (scaled per [1, group] when `group`) against
    numpy's float64 product of the dequantized weights."""
    kwargs = {}
    w = codes(dtype, (n, k))
    deq = w.astype(np.float64)
    if group:
        encoding = f"block = [1, {group}], scale = {scale}, " + encoding
        s = RNG.uniform(0.5, 2.0, (n, k // group)).astype(np.float32)
        if scale == "f8E8M0FNU":
            s = np.exp2(RNG.integers(-3, 4, (n, k // group))).astype(np.float32)
        kwargs["scales"] = s
    src = gemv_source(m, n, k, dtype, encoding)
    packed = anybit.pack(w, dtype, encoding, **kwargs)
    np.testing.assert_array_equal(anybit.unpack(packed), w)
    if group:
        deq = deq * np.repeat(packed.scales.astype(np.float64), group, axis=1)
    x = RNG.standard_normal((m, k)).astype(np.float32)
    want = x.astype(np.float64) @ deq.T
    terms = x.astype(np.float64)[:, None, :] * deq
    check_close(anybit.compile(src, threads=threads).gemv(x, packed), want, terms)
    check_close(anybit.interpret(src, "gemv", x, packed), want, terms)


def check_tiled_gemv(m, n, k, dtype, rows, group, scale, threads=1):
    """check_gemv of weights tiled [rows, 32 / bits]."""
    bits = 1 if dtype.endswith("1") else 2
    check_gemv(m, n, k, dtype, f"tile = [{rows}, {32 // bits}]", group, scale, threads)


@pytest.mark.parametrize("dtype, n, k, rows, group, scale", CASES)
def test_tiled_gemv_matches_numpy_and_the_vm(dtype, n, k, rows, group, scale):
    check_tiled_gemv(1, n, k, dtype, rows, group, scale)


def test_tiled_weights_repack_once_for_another_host():
    """What the README tells users with weights packed for another host:
    unpack, pack again in the host's encoding with the same scales. The
    bytes equal packing row-major in the first place."""
    n, k, group = 128, 256, 32
    w = codes("i2", (n, k))
    s = RNG.uniform(0.5, 2.0, (n, k // group)).astype(np.float32)
    scaled = f"block = [1, {group}], scale = f16"
    tiled = anybit.pack(w, "i2", scaled + ", tile = [64, 16]", scales=s)
    again = anybit.pack(anybit.unpack(tiled), tiled.dtype, scaled, scales=tiled.scales)
    direct = anybit.pack(w, "i2", scaled, scales=s)
    np.testing.assert_array_equal(again.data, direct.data)
    np.testing.assert_array_equal(again.scales, direct.scales)


def test_tiled_and_row_major_weights_give_the_same_gemv():
    n, k, group = 128, 1024, 128
    w = codes("i2", (n, k))
    s = RNG.uniform(0.5, 2.0, (n, k // group)).astype(np.float32)
    x = RNG.standard_normal((1, k)).astype(np.float32)
    scaled = f"block = [1, {group}], scale = f16"
    results = []
    for encoding in (scaled, scaled + ", tile = [64, 16]"):
        packed = anybit.pack(w, "i2", encoding, scales=s)
        results.append(anybit.compile(gemv_source(1, n, k, "i2", encoding)).gemv(x, packed))
    deq = w * np.repeat(anybit.pack(w, "i2", scaled, scales=s).scales.astype(np.float64), group, 1)
    check_close(results[1], results[0].astype(np.float64), x.astype(np.float64)[0] * deq)


def test_tiled_gemv_on_two_threads():
    n, k = 512, 512
    encoding = "block = [1, 64], scale = f16, tile = [64, 16]"
    w = codes("i2", (n, k))
    s = RNG.uniform(0.5, 2.0, (n, k // 64)).astype(np.float32)
    packed = anybit.pack(w, "i2", encoding, scales=s)
    x = RNG.standard_normal((1, k)).astype(np.float32)
    src = gemv_source(1, n, k, "i2", encoding)
    one = anybit.compile(src).gemv(x, packed)
    two = anybit.compile(src, threads=2).gemv(x, packed)
    # Each output is one tile's: the same code on either thread.
    np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize("m, dtype, group, threads", [
    (2, "i2", 32, 1),             # one pass of two rows
    (3, "!anybit.trit", 64, 2),   # a pass of two rows and one of one
    (8, "i1", 0, 1),              # one block of 8 rows, four passes
    (11, "si2", 128, 2),          # a block of 8 rows and one of 3
])
def test_batched_tiled_gemv_matches_numpy_and_the_vm(m, dtype, group, threads):
    """Batches: tables for each row of x, two rows a pass over a tile's
    words, blocks of 8 rows over all of W."""
    check_tiled_gemv(m, 128, 512, dtype, 64, group, "f16", threads)


@pytest.mark.parametrize("rows, cols", [(80, 16), (16, 8)])
def test_layouts_the_kernel_declines_still_compute(rows, cols):
    """Tiles of five sub-tiles, tiles narrower than a word: the generic
    contraction reads them."""
    m, n, k = 1, 80, 64
    encoding = f"tile = [{rows}, {cols}]"
    w = codes("i2", (n, k))
    x = RNG.standard_normal((m, k)).astype(np.float32)
    src = gemv_source(m, n, k, "i2", encoding)
    got = anybit.compile(src).gemv(x, anybit.pack(w, "i2", encoding))
    want = x.astype(np.float64) @ w.T.astype(np.float64)
    check_close(got, want, x.astype(np.float64)[:, None, :] * w.astype(np.float64))


def test_empty_rows_of_weights_give_zeros():
    """K = 0: tiles divide an empty dimension, and there is no word to read
    (the kernel declines; every output is an empty sum)."""
    encoding = "tile = [16, 16]"
    src = gemv_source(1, 16, 0, "i2", encoding)
    w = anybit.pack(np.zeros((16, 0), np.int8), "i2", encoding)
    x = np.zeros((1, 0), np.float32)
    np.testing.assert_array_equal(anybit.compile(src).gemv(x, w), np.zeros((1, 16), np.float32))
    np.testing.assert_array_equal(anybit.interpret(src, "gemv", x, w), np.zeros((1, 16), np.float32))


def host_has_avx512bw():
    try:
        with open("/proc/cpuinfo") as f:
            return " avx512bw" in f.read()
    except OSError:
        return False


@pytest.mark.parametrize("dtype, shape, group, want_tile", [
    ("i2", (4096, 4096), 128, "tile = [64, 16]"),
    ("!anybit.trit", (96, 64), 32, "tile = [32, 16]"),   # 64 does not divide 96
    ("ui1", (96, 64), None, "tile = [32, 32]"),
    ("i2", (48, 64), 16, None),                          # 16 rows: slower than row-major
    ("i2", (40, 64), 32, None),                          # no tile divides 40
    ("i2", (64, 64), 8, None),                           # groups split words
    ("i4", (64, 64), 32, None),                          # one code a lookup: no gain
    ("i3", (4096, 4096), 128, "tile = [64, 16], bit_planes = [2, 1]"),
    ("ui3", (96, 64), 16, "tile = [32, 16], bit_planes = [2, 1]"),
    ("i3", (64, 64), 8, None),                           # groups split tile rows
])
def test_gemv_encoding_is_a_layout_the_fast_kernels_read(dtype, shape, group, want_tile):
    enc = anybit.gemv_encoding(dtype, shape, group_size=group)
    scales = f"block = [1, {group}], scale = f16" if group else ""
    if want_tile and host_has_avx512bw():
        want = ", ".join(p for p in (scales, want_tile) if p)
    else:
        want = scales
    assert enc == f"#anybit.packed<{want}>"
    n, k = shape
    if n * k > 1 << 16:
        return
    w = codes(dtype, shape)
    kwargs = {"scales": RNG.uniform(0.5, 2.0, (n, k // group)).astype(np.float32)} if group else {}
    packed = anybit.pack(w, dtype, enc, **kwargs)
    deq = w.astype(np.float64)
    if group:
        deq = deq * np.repeat(packed.scales.astype(np.float64), group, axis=1)
    x = RNG.standard_normal((1, k)).astype(np.float32)
    got = anybit.compile(gemv_source(1, n, k, dtype, enc[len("#anybit.packed<"):-1])).gemv(x, packed)
    check_close(got, x.astype(np.float64) @ deq.T, x.astype(np.float64)[0] * deq)


def test_gemv_encoding_without_a_shape_takes_64_rows():
    enc = anybit.gemv_encoding("si2", group_size=64, scale="bf16")
    tiled = "#anybit.packed<block = [1, 64], scale = bf16, tile = [64, 16]>"
    assert enc == (tiled if host_has_avx512bw() else "#anybit.packed<block = [1, 64], scale = bf16>")
    assert anybit.gemv_encoding("i8") == "#anybit.packed<>"
    mx = anybit.gemv_encoding("i2", (64, 64), group_size=32, scale="e8m0fnu")
    assert mx.startswith("#anybit.packed<block = [1, 32], scale = ")
    w = codes("i2", (64, 64))
    anybit.pack(w, "i2", mx, scales=np.exp2(RNG.integers(-2, 3, (64, 2))).astype(np.float32))


@pytest.mark.parametrize("args, kwargs, message", [
    (("i2", (64, 64)), {"group_size": 48}, "group_size 48 does not divide K = 64"),
    (("i2", (64,)), {}, "shape must be two positive ints"),
    (("i2", (0, 64)), {}, "shape must be two positive ints"),
    (("i2",), {"group_size": 0}, "group_size must be a positive int"),
    (("i2",), {"group_size": 32, "scale": "i8"}, "GEMV scales are f16, bf16, f32 or e8m0, not 'i8'"),
    (("i2",), {"group_size": 32, "scale": "f64"}, "GEMV scales are f16, bf16, f32 or e8m0, not 'f64'"),
    (("i2",), {"group_size": 32, "scale": "e3m2"}, "GEMV scales are"),
    (("i2",), {"group_size": 32, "scale": "e8m0"}, "GEMV scales are"),  # signed, with zero
    (("i2",), {"group_size": 32, "scale": 16}, "scale must be a string"),
    ((2,), {}, "dtype must be a string"),
    (("q7",), {}, "dtype"),
])
def test_gemv_encoding_rejects_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        anybit.gemv_encoding(*args, **kwargs)


PLANE_CASES = [
    # dtype, bit planes, n, k, rows of a tile, group (0: unscaled), scale type
    ("i3", [2, 1], 128, 512, 64, 32, "f16"),
    ("ui3", [2, 1], 64, 2048, 64, 128, "bf16"),
    ("si3", [1, 2], 32, 160, 32, 16, "f32"),
    ("i4", [2, 2], 48, 256, 48, 64, "f8E8M0FNU"),
    ("i5", [2, 2, 1], 64, 96, 16, 0, None),
    ("ui6", [1, 1, 2, 2], 16, 64, 16, 0, None),
]


def check_planar_gemv(m, dtype, planes, n, k, rows, group, scale, threads=1):
    """check_gemv of weights in `planes` tiled [rows, 32 / the widest
    plane's bits]."""
    check_gemv(m, n, k, dtype, f"tile = [{rows}, {32 // max(planes)}], bit_planes = {planes}",
               group, scale, threads)


@pytest.mark.parametrize("dtype, planes, n, k, rows, group, scale", PLANE_CASES)
def test_bit_plane_gemv_matches_numpy_and_the_vm(dtype, planes, n, k, rows, group, scale):
    check_planar_gemv(1, dtype, planes, n, k, rows, group, scale)


@pytest.mark.parametrize("m, threads", [(3, 1), (9, 2), (1, 2)])
def test_batched_bit_plane_gemv_on_threads(m, threads):
    check_planar_gemv(m, "i3", [2, 1], 128, 256, 64, 32, "f16", threads)


def test_bit_planes_store_each_plane_after_the_other():
    # 3-bit values 1, 2, 3, -1, -4, 0, -3, 2: codes 1 2 3 7 4 0 5 2, low
    # bits 01 10 11 11 00 00 01 10 (0xf9 0x90), high bits 00011010 (0x58).
    w = np.array([1, 2, 3, -1, -4, 0, -3, 2], np.int8)
    packed = anybit.pack(w, "i3", {"bit_planes": [2, 1]})
    assert packed.data.tolist() == [0xF9, 0x90, 0x58]
    np.testing.assert_array_equal(anybit.unpack(packed), w)


@pytest.mark.parametrize("encoding, message", [
    ({"bit_planes": [3]}, "at least two planes"),
    ({"bit_planes": [2, 2]}, "hold 4 bits, not the 3"),
    ({"bit_planes": [2, 0, 1]}, "widths must be 1 to 64"),
    ("bit_planes = [1, 1, 1], base3 = true", "base3"),
    ({"bit_planes": "x"}, "encoding key 'bit_planes': a shape is an int or a sequence"),
    ({"bit_planes": [-1, 4]}, "encoding key 'bit_planes': dimensions must not be negative"),
])
def test_bad_bit_planes_raise(encoding, message):
    with pytest.raises(ValueError, match=message):
        anybit.pack(np.zeros((4, 4), np.int8), "i3", encoding)
