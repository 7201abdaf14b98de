"""int8 activations times packed integer weights (the code-dot kernel):
exact int32 products of every width 1..8 against numpy, and the
llama.cpp-style GEMV (activations quantized to int8 with one scale per row
by anybit.quantize, weights with f16 group scales: integers, e2m1 through
its table, e3m2 through the f32 kernel) against the reference VM and
against numpy's arithmetic on the same codes."""

import numpy as np
import pytest

import anybit
from numpy_reference import int_range

RNG = np.random.default_rng(20261130)


def matmul_source(a, w, c, acc):
    """@mm: c = a w^T in `acc`, for the tensor types a, w and c."""
    return (f"func.func @mm(%a: {a}, %w: {w}) -> {c} {{\n"
            f"  %c = anybit.matmul %a, %w {{accumulator = {acc}, transpose_rhs}}"
            f" : {a}, {w} -> {c}\n  return %c : {c}\n}}\n")


def int_matmul(m, n, k, dtype):
    return matmul_source(f"tensor<{m}x{k}xi8>",
                         f"tensor<{n}x{k}x{dtype}, #anybit.packed<>>",
                         f"tensor<{m}x{n}xi32>", "i32")


@pytest.mark.parametrize("dtype", ["i1", "ui1", "i2", "ui2", "i3", "si3",
                                   "ui3", "i4", "ui4", "i5", "ui5", "i6",
                                   "i7", "ui7", "i8", "ui8"])
@pytest.mark.parametrize("m,n,k", [(1, 7, 64), (3, 9, 520), (2, 5, 1032)])
def test_int8_times_packed_integers_is_exact(dtype, m, n, k):
    module = anybit.compile(int_matmul(m, n, k, dtype))
    a = RNG.integers(-128, 128, (m, k)).astype(np.int8)
    w = RNG.integers(*int_range(dtype), (n, k))
    got = module.mm(a, anybit.pack(w, dtype))
    want = (a.astype(np.int64) @ w.T.astype(np.int64)).astype(np.int32)
    assert np.array_equal(got, want)


def quantized_gemv(b, k, n, dtype, group):
    x = f"tensor<{b}x{k}xf32>"
    q = f"tensor<{b}x{k}xi8, #anybit.packed<block = [1, {k}], scale = f32>>"
    w = (f"tensor<{n}x{k}x{dtype}, #anybit.packed<block = [1, {group}], "
         "scale = f16>>")
    y = f"tensor<{b}x{n}xf32>"
    return (f"func.func @gemv(%x: {x}, %w: {w}) -> {y} {{\n"
            f"  %q = anybit.quantize %x : {x} -> {q}\n"
            f"  %y = anybit.matmul %q, %w {{accumulator = f32, transpose_rhs}}"
            f" : {q}, {w} -> {y}\n  return %y : {y}\n}}\n")


@pytest.mark.parametrize("dtype,group", [("i2", 32), ("i3", 128),
                                         ("i3", 1024), ("i4", 1024),
                                         ("i4", 32), ("i5", 64),
                                         ("ui6", 128), ("i8", 32),
                                         ("f4E2M1FN", 32),
                                         ("!anybit.float<e2m1>", 128),
                                         ("!anybit.float<e3m2>", 32),
                                         ("!anybit.float<e3m0, unsigned, "
                                          "nozero>", 32)])
@pytest.mark.parametrize("b", [1, 3])
def test_quantized_activation_gemv(dtype, group, b):
    k, n = 1024, 12
    source = quantized_gemv(b, k, n, dtype, group)
    x = RNG.standard_normal((b, k)).astype(np.float32)
    values = RNG.standard_normal((n, k)).astype(np.float32)
    if "unsigned" in dtype:  # only positive values (powers of two, no zero)
        values = np.abs(values) + 0.01
    w = anybit.quantize(values,
                        dtype.removeprefix("!anybit.float<").rstrip(">"),
                        group_size=group)
    got = anybit.compile(source).gemv(x, w)
    want = anybit.interpret(source, "gemv", x, w)
    # Same real numbers; the kernel sums exact int32 products per group and
    # scales once, the VM rounds each dequantized value (docs/semantics.md).
    assert np.max(np.abs(got - want)) <= 1e-5 * np.max(np.abs(want))

    # numpy on the same codes and scales.
    s = np.abs(x.astype(np.float64)).max(axis=1, keepdims=True) / 127
    s = s.astype(np.float32).astype(np.float64)
    q = np.clip(np.rint(x / s), -128, 127)
    codes = anybit.unpack(w).astype(np.float64)  # values, for floats
    scales = np.repeat(w.scales.astype(np.float64), group, axis=1)
    reference = (q * s) @ (codes * scales).T
    assert np.max(np.abs(got - reference)) <= 1e-5 * np.max(np.abs(reference))


def test_mxfp4_gemv_with_e8m0_scales():
    """e2m1 weights with OCP MX e8m0 scales per 32 (MXFP4) through the
    table kernel, including the scale codes 0 (2^-127) and 255 (NaN)."""
    k, n = 256, 6
    w_type = (f"tensor<{n}x{k}xf4E2M1FN, #anybit.packed<block = [1, 32], "
              "scale = f8E8M0FNU>>")
    q = f"tensor<1x{k}xi8, #anybit.packed<block = [1, {k}], scale = f32>>"
    source = (f"func.func @gemv(%x: tensor<1x{k}xf32>, %w: {w_type}) -> "
              f"tensor<1x{n}xf32> {{\n"
              f"  %q = anybit.quantize %x : tensor<1x{k}xf32> -> {q}\n"
              f"  %y = anybit.matmul %q, %w {{accumulator = f32, "
              f"transpose_rhs}} : {q}, {w_type} -> tensor<1x{n}xf32>\n"
              f"  return %y : tensor<1x{n}xf32>\n}}\n")
    values = RNG.choice([0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.5, -1, -2, -6],
                        (n, k)).astype(np.float32)
    # 2^(e - 127): mostly near 1, row 4 all e = 0 (2^-127), row 5 with NaN.
    scales = RNG.integers(120, 135, (n, k // 32)).astype(np.float64)
    scales = np.exp2(scales - 127)
    scales[4, :] = 2.0 ** -127
    # NaN, not inf, must come out even where every product is positive.
    scales[5, 1] = np.nan
    values[5, 32:64] = 1.0
    w = anybit.pack(values, "f4E2M1FN", "#anybit.packed<block = [1, 32], "
                    "scale = f8E8M0FNU>", scales=scales)
    x = (np.abs(RNG.standard_normal((1, k))) + 0.1).astype(np.float32)
    got = anybit.compile(source).gemv(x, w)
    want = anybit.interpret(source, "gemv", x, w)
    assert np.isnan(got[0, 5]) and np.isnan(want[0, 5])
    rows = [0, 1, 2, 3]
    assert np.max(np.abs(got[0, rows] - want[0, rows])) <= \
        1e-5 * np.max(np.abs(want[0, rows]))
    assert want[0, 4] != 0 and abs(got[0, 4] - want[0, 4]) <= 1e-5 * abs(want[0, 4])


def test_row_scaled_activations_in_bit_planes_are_read_as_planes():
    # int8 codes with one scale per row, their bits in two planes of 4: the
    # code-dot kernel reads row-scaled codes as bytes in order, so it must
    # not take these; the product still agrees with the VM and numpy.
    m, k, n = 2, 256, 8
    a = f"tensor<{m}x{k}xi8, #anybit.packed<block = [1, {k}], scale = f16, bit_planes = [4, 4]>>"
    w = f"tensor<{n}x{k}xi4, #anybit.packed<block = [1, 32], scale = f16>>"
    source = matmul_source(a, w, f"tensor<{m}x{n}xf32>", "f32")
    codes = RNG.integers(-128, 128, (m, k)).astype(np.int8)
    row_scales = np.exp2(RNG.integers(-3, 3, (m, 1))).astype(np.float32)
    pa = anybit.pack(codes, "i8", {"block": [1, k], "scale": "f16", "bit_planes": [4, 4]},
                     scales=row_scales)
    weights = RNG.integers(-8, 8, (n, k))
    w_scales = np.exp2(RNG.integers(-3, 3, (n, k // 32))).astype(np.float32)
    pw = anybit.pack(weights, "i4", {"block": [1, 32], "scale": "f16"}, scales=w_scales)
    got = anybit.compile(source).mm(pa, pw)
    want = (codes * row_scales.astype(np.float64)) @ (
        weights * np.repeat(w_scales.astype(np.float64), 32, axis=1)).T
    # Powers of two and small integers: every product and sum is exact.
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(anybit.interpret(source, "mm", pa, pw), want)


@pytest.mark.parametrize("acc", ["i8", "i16", "i32"])
def test_int8_times_bit_planes_into_narrow_accumulators_wraps(acc):
    # 12-bit weights in planes [4, 4, 4]: the product is one per plane,
    # summed by place, and a plane at or above the accumulator's width
    # adds nothing to the wrapping sum (i8: the top plane).
    m, k, n = 2, 64, 5
    a = f"tensor<{m}x{k}xi8>"
    w = f"tensor<{n}x{k}xi12, #anybit.packed<bit_planes = [4, 4, 4]>>"
    source = matmul_source(a, w, f"tensor<{m}x{n}x{acc}>", acc)
    x = RNG.integers(-128, 128, (m, k)).astype(np.int8)
    weights = RNG.integers(-2048, 2048, (n, k))
    packed = anybit.pack(weights, "i12", {"bit_planes": [4, 4, 4]})
    bits = int(acc[1:])
    exact = x.astype(np.int64) @ weights.T.astype(np.int64)
    wrapped = ((exact + (1 << (bits - 1))) % (1 << bits)) - (1 << (bits - 1))
    np.testing.assert_array_equal(anybit.compile(source).mm(x, packed), wrapped)
    np.testing.assert_array_equal(anybit.interpret(source, "mm", x, packed), wrapped)
