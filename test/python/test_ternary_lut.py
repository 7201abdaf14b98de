"""Tiled packings (``#anybit.packed<tile = [...]>``) and the lookup-table
(T-MAC) int8 x trit kernel that reads trits tiled ``[R, 4]``: the byte
layout against an independent packer written from the encoding's
description, every lowering against numpy and the reference VM bit for bit,
anybit.bitlinear on tiled weights, and bad input."""

import os
import sys

import numpy as np
import pytest

import anybit

RNG = np.random.default_rng(20261130)
TRIT = "!anybit.trit"

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
sys.path.insert(0, os.path.normpath(EXAMPLES))
from matmulfree_block import np_bitlinear  # noqa: E402


def tiled_bytes(values, bits, tile, code=lambda v: v):
    """The data bytes of `values` (2-D) packed LSB-first with `bits` per
    element, counted tile after tile: tiles row-major over the grid of
    tiles, elements row-major inside each tile."""
    n, k = values.shape
    tn, tk = tile
    order = []
    for ti in range(n // tn):
        for tj in range(k // tk):
            for i in range(tn):
                for j in range(tk):
                    order.append(int(code(values[ti * tn + i, tj * tk + j])) & ((1 << bits) - 1))
    out = bytearray((len(order) * bits + 7) // 8)
    for position, v in enumerate(order):
        for b in range(bits):
            if v >> b & 1:
                bit = position * bits + b
                out[bit // 8] |= 1 << (bit % 8)
    return np.frombuffer(bytes(out), dtype=np.uint8)


def test_trits_tiled_64_by_4_put_a_row_in_a_byte():
    """tile = [64, 4]: row r's codes t + 1 of columns 4j..4j+3 fill byte
    64 j + r (within its group of 64 rows), the first column lowest."""
    w = RNG.integers(-1, 2, size=(128, 12)).astype(np.int8)
    packed = anybit.pack(w, TRIT, {"tile": [64, 4]})
    data = packed.data
    for r in range(128):
        for j in range(3):
            byte = data[(r // 64) * 3 * 64 + j * 64 + r % 64]
            assert [((byte >> 2 * c) & 3) - 1 for c in range(4)] == list(w[r, 4 * j:4 * j + 4])
    np.testing.assert_array_equal(data, tiled_bytes(w, 2, (64, 4), lambda t: t + 1))
    np.testing.assert_array_equal(anybit.unpack(packed), w)


@pytest.mark.parametrize("dtype, bits, shape, tile", [
    ("i3", 3, (6, 16), (2, 8)),
    ("ui5", 5, (4, 6), (4, 3)),
    ("i7", 7, (9, 4), (3, 1)),
    ("i2", 2, (8, 8), (8, 8)),
])
def test_tiled_integers_against_an_independent_packer(dtype, bits, shape, tile):
    lo, hi = (0, 1 << bits) if dtype.startswith("u") else (-(1 << bits - 1), 1 << bits - 1)
    values = RNG.integers(lo, hi, size=shape)
    packed = anybit.pack(values, dtype, "tile = [%d, %d]" % tile)
    np.testing.assert_array_equal(packed.data, tiled_bytes(values, bits, tile))
    np.testing.assert_array_equal(anybit.unpack(packed), values)


def test_tiled_block_scales_stay_row_major():
    """Tiles move the elements, not the block scales."""
    x = RNG.standard_normal((4, 64)).astype(np.float32)
    enc = "block = [1, 32], scale = f16"
    plain = anybit.quantize(x, "i4", group_size=32)
    codes = anybit.unpack(plain)
    tiled = anybit.pack(codes, "i4", enc + ", tile = [2, 16]", scales=plain.scales)
    np.testing.assert_array_equal(tiled.scales, plain.scales)
    np.testing.assert_array_equal(tiled.data, tiled_bytes(codes, 4, (2, 16)))
    src = """
func.func @f(%p: tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16, tile = [2, 16]>>) -> tensor<4x64xf32> {
  %d = anybit.dequantize %p : tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16, tile = [2, 16]>> -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}"""
    want = anybit.dequantize(plain)
    np.testing.assert_array_equal(anybit.interpret(src, "f", tiled), want)
    np.testing.assert_array_equal(anybit.compile(src).f(tiled), want)


def matmul_source(m, n, k, encoding):
    a, w, c = "tensor<%dx%dxi8>" % (m, k), "tensor<%dx%dx%s, %s>" % (n, k, TRIT, encoding), \
        "tensor<%dx%dxi32>" % (m, n)
    return """
func.func @mm(%%a: %s, %%w: %s) -> %s {
  %%c = anybit.matmul %%a, %%w {accumulator = i32, transpose_rhs} : %s, %s -> %s
  return %%c : %s
}""" % (a, w, c, a, w, c, c)


SHAPES = [
    # m, n, k, rows of a tile: K with and without whole chunks of 32 byte
    # columns (the 16-bit sums widen after each), batches of 1..5, tiles
    # of 32..256 rows.
    (1, 64, 4, 64),
    (1, 128, 256, 64),
    (2, 96, 132, 32),
    (3, 128, 260, 64),
    (5, 64, 4, 32),
    (1, 256, 520, 256),
    (4, 192, 128, 64),
    (2, 96, 132, 96),   # 96 rows: vpshufb of 32 bytes on any target
    (1, 224, 68, 224),
]


@pytest.mark.parametrize("m, n, k, rows", SHAPES)
@pytest.mark.parametrize("ternary", ["auto", "lut", "addsub", "generic"])
def test_lookup_table_matmul_is_exact(m, n, k, rows, ternary):
    a = RNG.integers(-128, 128, size=(m, k)).astype(np.int8)
    w = RNG.integers(-1, 2, size=(n, k)).astype(np.int8)
    # Extremes: the largest sums of either sign in the 16-bit partial sums.
    a[0, :] = -128
    w[0, :] = -1
    w[-1, :] = 1
    packed = anybit.pack(w, TRIT, {"tile": [rows, 4]})
    src = matmul_source(m, n, k, "#anybit.packed<tile = [%d, 4]>" % rows)
    want = a.astype(np.int32) @ w.T.astype(np.int32)
    np.testing.assert_array_equal(anybit.compile(src, ternary=ternary).mm(a, packed), want)
    np.testing.assert_array_equal(anybit.interpret(src, "mm", a, packed), want)


def test_lookup_table_matmul_on_two_threads():
    m, n, k = 2, 512, 640
    a = RNG.integers(-128, 128, size=(m, k)).astype(np.int8)
    w = RNG.integers(-1, 2, size=(n, k)).astype(np.int8)
    src = matmul_source(m, n, k, "#anybit.packed<tile = [64, 4]>")
    got = anybit.compile(src, threads=2).mm(a, anybit.pack(w, TRIT, {"tile": [64, 4]}))
    np.testing.assert_array_equal(got, a.astype(np.int32) @ w.T.astype(np.int32))


def test_bitlinear_on_tiled_weights_matches_the_formulas():
    b, n, k = 3, 128, 96
    enc = "#anybit.packed<tile = [64, 4]>"
    x = RNG.standard_normal((b, k)).astype(np.float32)
    t = RNG.integers(-1, 2, size=(n, k)).astype(np.int8)
    g = RNG.uniform(0.5, 1.5, size=k).astype(np.float32)
    m = np.float32(0.75)
    src = """
func.func @f(%%x: tensor<%dx%dxf32>, %%w: tensor<%dx%dx%s, %s>, %%m: tensor<f32>, %%g: tensor<%dxf32>) -> tensor<%dx%dxf32> {
  %%y = anybit.bitlinear %%x, %%w, %%m norm(%%g) : tensor<%dx%dxf32>, tensor<%dx%dx%s, %s>, tensor<f32>, tensor<%dxf32> -> tensor<%dx%dxf32>
  return %%y : tensor<%dx%dxf32>
}""" % (b, k, n, k, TRIT, enc, k, b, n, b, k, n, k, TRIT, enc, k, b, n, b, n)
    w = anybit.pack(t, TRIT, enc)
    want = np_bitlinear(x, t, m, g)
    got = anybit.compile(src).f(x, w, m, g)
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))
    np.testing.assert_array_equal(anybit.interpret(src, "f", x, w, m, g).view(np.uint32),
                                  want.view(np.uint32))


@pytest.mark.parametrize("m", [1, 8])
def test_trit_encoding_is_a_layout_the_fast_kernels_read(m):
    enc = anybit.trit_encoding(batch=m)
    assert enc in ("#anybit.packed<>", "#anybit.packed<tile = [64, 4]>")
    if m < 8:
        assert enc == "#anybit.packed<>"
    n, k = 64, 8
    a = RNG.integers(-128, 128, size=(m, k)).astype(np.int8)
    w = RNG.integers(-1, 2, size=(n, k)).astype(np.int8)
    got = anybit.compile(matmul_source(m, n, k, enc)).mm(a, anybit.pack(w, TRIT, enc))
    np.testing.assert_array_equal(got, a.astype(np.int32) @ w.T.astype(np.int32))


@pytest.mark.parametrize("shape", [(96, 256), (64, 8), (40, 8), (64, 6)])
def test_trit_encoding_fits_the_shape(shape):
    """The encoding it returns for a shape always packs that shape."""
    enc = anybit.trit_encoding(8, shape)
    w = RNG.integers(-1, 2, size=shape).astype(np.int8)
    np.testing.assert_array_equal(anybit.unpack(anybit.pack(w, TRIT, enc)), w)


@pytest.mark.parametrize("batch", [0, -1, 1.5, True, "8"])
def test_trit_encoding_rejects_bad_batches(batch):
    with pytest.raises(ValueError, match="batch must be a positive int"):
        anybit.trit_encoding(batch)


@pytest.mark.parametrize("shape", [(64,), (64, 0), "64x8", (64, 8, 1), (64.0, 8)])
def test_trit_encoding_rejects_bad_shapes(shape):
    with pytest.raises(ValueError, match="shape must be two positive ints"):
        anybit.trit_encoding(8, shape)


@pytest.mark.parametrize("encoding, message", [
    ({"tile": [48, 4]}, "tile size 48 does not divide dimension 0 of size 64"),
    ({"tile": [64]}, "tile rank 1 does not match tensor rank 2"),
    ({"tile": [0, 4]}, "tile sizes must be positive"),
    ("tile = [64, 3]", "tile size 3 does not divide dimension 1 of size 8"),
])
def test_bad_tiles_raise_value_error(encoding, message):
    with pytest.raises(ValueError, match=message):
        anybit.pack(np.zeros((64, 8), np.int8), TRIT, encoding)


def test_non_trits_in_tiled_weights_raise_value_error():
    w = np.zeros((64, 8), np.int8)
    w[5, 3] = 2
    with pytest.raises(ValueError):
        anybit.pack(w, TRIT, {"tile": [64, 4]})


def test_code_3_in_tiled_bytes_names_the_row_major_element():
    """Bytes that hold code 3 are rejected at the boundary, naming the
    element by its row-major index (row 1, column 4 of 64 x 8 trits:
    element 12), not by where the tiles store it (byte 65, element 260)."""
    data = np.full(128, 0x55, np.uint8)        # all codes 1: zeros
    data[64 + 1] = 0x57                        # tile column 1, row 1: code 3 first
    data[64 + 2] = 0x57                        # and row 2 (element 20)
    with pytest.raises(ValueError, match="element 12 of the packed"):
        anybit.PackedArray(data, TRIT, (64, 8), {"tile": [64, 4]})
