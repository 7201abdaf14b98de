"""Ternary weights: !anybit.trit packing, anybit.ternarize and
anybit.bitlinear (compiled with both int8 x trit lowerings, and on the
reference VM) against an independent numpy computation of the formulas of
their op descriptions, bit for bit; llama.cpp TQ2_0 / TQ1_0 weights in a
BitLinear layer."""

import os
import sys

import numpy as np
import pytest

import anybit
import numpy_reference as ref

RNG = np.random.default_rng(20261158)
TRIT = "!anybit.trit"
PACKED = "#anybit.packed<>"

# The numpy references of the two ops (float64 throughout; sums in
# ascending order, as the ops do; np.round rounds half to even) are the
# MatMul-free example's, which states them once.
EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
sys.path.insert(0, os.path.normpath(EXAMPLES))
from matmulfree_block import np_bitlinear, np_ternarize  # noqa: E402


def assert_same_bits(got, want):
    """Equal dtypes and shapes and identical bit patterns (so -0.0 != 0.0)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    if got.dtype.kind == "f":
        view = {2: np.uint16, 4: np.uint32, 8: np.uint64}[got.dtype.itemsize]
        got, want = got.view(view), want.view(view)
    np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------------------
# Packing: the code t + 1 in 2 bits, LSB-first, four per byte
# ---------------------------------------------------------------------------

HAND_PACKED = [
    # values, shape, bytes
    ([-1, 0, 1, 0], (4,), [0b01_10_01_00]),
    ([1, 1, 1, 1], (4,), [0xAA]),
    ([0, 0, 0, 0], (4,), [0x55]),
    ([-1, -1, -1, -1], (4,), [0x00]),
    ([1], (1,), [0b10]),                      # unused bits are zero
    ([1, -1, 0], (3,), [0b01_00_10]),
    ([1, -1, 0, 1, -1, 0, 1], (7,), [0b10_01_00_10, 0b10_01_00]),
    # Rows are not padded: row 1 starts in bits 6..7 of byte 0.
    ([[1, 0, -1], [-1, 1, 0]], (2, 3), [0b00_00_01_10, 0b01_10]),
    ([[0, 1, -1, 1, 0], [1, 1, -1, -1, 0]], (2, 5),
     [0b10_00_10_01, 0b00_10_10_01, 0b01_00]),
]


@pytest.mark.parametrize("values, shape, data", HAND_PACKED)
def test_trit_byte_layout_by_hand(values, shape, data):
    array = np.array(values, np.int8)
    p = anybit.pack(array, TRIT)
    assert p.dtype == TRIT and p.shape == shape and p.encoding == PACKED
    assert p.data.dtype == np.uint8 and p.data.tolist() == data
    assert p.nbytes == len(data) == -(-array.size // 4)
    assert p.scales is None and p.zero_points is None
    back = anybit.unpack(p)
    assert back.dtype == np.int8
    np.testing.assert_array_equal(back, array)
    # The same bytes, wrapped by hand, read back as the same trits.
    q = anybit.PackedArray(np.array(data, np.uint8), TRIT, shape)
    assert q == p
    np.testing.assert_array_equal(anybit.unpack(q), array)


@pytest.mark.parametrize("shape", [(0,), (1,), (4,), (5,), (7,), (64,), (3, 5), (2, 3, 9), (17, 13)])
def test_trit_round_trip_against_an_independent_packer(shape):
    values = RNG.integers(-1, 2, shape)
    for dtype in (np.int8, np.int16, np.int32, np.int64):
        p = anybit.pack(values.astype(dtype), TRIT)
        np.testing.assert_array_equal(p.data, ref.pack_bits(values.ravel() + 1, 2))
        back = anybit.unpack(p)
        assert back.dtype == np.int8 and back.shape == shape
        np.testing.assert_array_equal(back, values)
        assert anybit.pack(back, TRIT) == p
    if values.size:
        assert anybit.pack(values.tolist(), TRIT) == p  # nested lists too
    assert ref.unpack_bits(p.data, 2, values.size) == (values.ravel() + 1).tolist()


def test_tensor_type_spelling():
    assert anybit.mlir_type(TRIT) == TRIT
    assert anybit.canonical_dtype(TRIT) == TRIT
    assert anybit.tensor_type((8, 37), TRIT) == "tensor<8x37x!anybit.trit>"
    assert anybit.tensor_type((8, 37), TRIT, PACKED) == \
        "tensor<8x37x!anybit.trit, #anybit.packed<>>"
    assert anybit.pack(np.zeros((2, 3), np.int8), TRIT).type == \
        "tensor<2x3x!anybit.trit, #anybit.packed<>>"


def test_non_trits_are_rejected_by_pack():
    with pytest.raises(ValueError, match=r"element 1 .* is 2, not a trit \(-1, 0 or \+1\)"):
        anybit.pack(np.array([0, 2, 0], np.int8), TRIT)
    with pytest.raises(ValueError, match="is -2, not a trit"):
        anybit.pack([[0, 0], [1, -2]], TRIT)
    with pytest.raises(ValueError, match="is 255, not a trit"):
        anybit.pack(np.array([255], np.uint8), TRIT)  # not wrapped to -1
    with pytest.raises(ValueError, match="not a trit"):
        anybit.pack(np.array([1 << 40], np.int64), TRIT)
    with pytest.raises(ValueError, match="integer data"):
        anybit.pack(np.array([0.0, 1.0]), TRIT)  # float values are rejected


# ---------------------------------------------------------------------------
# One module of kernels for a set of shapes, compiled twice (one per
# ternary lowering) and run on the VM.
# ---------------------------------------------------------------------------

# (B, N, K): K a multiple of 256; of 4 but not of 256; odd; 1; 2 mod 4;
# and one random shape (about a second of compile time per shape and
# lowering, so few of them).
SHAPES = [(1, 8, 256), (3, 5, 37), (2, 16, 300), (4, 7, 1), (5, 33, 130), (3, 8, 512)]
SHAPES += [(int(RNG.integers(1, 7)), int(RNG.integers(1, 41)), int(RNG.integers(257, 700)))]
NORM_EPS = 1e-4


def tag(shape):
    return "%dx%dx%d" % shape


def kernels(b, n, k):
    """Kernels for B x K activations and N x K trits, named NAME_BxNxK."""
    name = tag((b, n, k))
    x, w, g = "tensor<%dx%dxf32>" % (b, k), "tensor<%dx%dxf32>" % (n, k), "tensor<%dxf32>" % k
    tp = "tensor<%dx%dx!anybit.trit, #anybit.packed<>>" % (n, k)  # packed trits
    tu = "tensor<%dx%dx!anybit.trit>" % (n, k)  # trits as int8 values
    y = "tensor<%dx%dxf32>" % (b, n)
    # anybit.matmul: B x K int8 by K x N packed trits.
    xi, tt = "tensor<%dx%dxi8>" % (b, k), "tensor<%dx%dx!anybit.trit, #anybit.packed<>>" % (k, n)
    yi = "tensor<%dx%dxi32>" % (b, n)
    return f"""
func.func @tern_{name}(%w: {w}) -> ({tp}, tensor<f32>, {tu}, tensor<f32>) {{
  %t, %m = anybit.ternarize %w : {w} -> {tp}, tensor<f32>
  %u, %mu = anybit.ternarize %w : {w} -> {tu}, tensor<f32>
  return %t, %m, %u, %mu : {tp}, tensor<f32>, {tu}, tensor<f32>
}}
func.func @bl_{name}(%x: {x}, %w: {tp}, %m: tensor<f32>, %g: {g}) -> ({y}, {y}) {{
  %y = anybit.bitlinear %x, %w, %m : {x}, {tp}, tensor<f32> -> {y}
  %z = anybit.bitlinear %x, %w, %m norm(%g) {{epsilon = {NORM_EPS!r} : f64}}
         : {x}, {tp}, tensor<f32>, {g} -> {y}
  return %y, %z : {y}, {y}
}}
func.func @blu_{name}(%x: {x}, %w: {tu}, %m: tensor<f32>) -> {y} {{
  %y = anybit.bitlinear %x, %w, %m : {x}, {tu}, tensor<f32> -> {y}
  return %y : {y}
}}
func.func @fused_{name}(%x: {x}, %w: {w}, %g: {g}) -> {y} {{
  %t, %m = anybit.ternarize %w : {w} -> {tp}, tensor<f32>
  %y = anybit.bitlinear %x, %t, %m norm(%g) : {x}, {tp}, tensor<f32>, {g} -> {y}
  return %y : {y}
}}
func.func @mm_{name}(%x: {xi}, %w: {tt}) -> {yi} {{
  %y = anybit.matmul %x, %w {{accumulator = i32}} : {xi}, {tt} -> {yi}
  return %y : {yi}
}}
"""


SOURCE = "".join(kernels(*shape) for shape in SHAPES)
RUNNERS = ["addsub", "generic", "vm"]


@pytest.fixture(scope="module")
def modules():
    return {t: anybit.compile(SOURCE, ternary=t) for t in ("addsub", "generic")}


def caller(modules, runner):
    if runner == "vm":
        return lambda name, *args: anybit.interpret(SOURCE, name, *args)
    return lambda name, *args: modules[runner][name](*args)


def source_caller(source, runner):
    """Calls entries of `source` on the VM, or compiled with `runner`."""
    if runner == "vm":
        return lambda name, *args: anybit.interpret(source, name, *args)
    module = anybit.compile(source, ternary=runner)
    return lambda name, *args: module[name](*args)


def activations(b, k):
    """Rows of very different scales; a zero row (r = sqrt(epsilon), q = 0,
    y = 0); a row with one outlier (most of its codes round to 0)."""
    x = RNG.standard_normal((b, k)) * 10.0 ** RNG.uniform(-3, 3, (b, 1))
    if b > 1:
        x[1] = 0.0
    if b > 2:
        x[2, k // 2] = 1e4
    return x.astype(np.float32)


def weights(n, k):
    w = RNG.standard_normal((n, k)) * 10.0 ** RNG.uniform(-2, 1)
    w.ravel()[::7] = 0.0
    return w.astype(np.float32)


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("shape", SHAPES, ids=tag)
def test_ternarize(modules, runner, shape):
    b, n, k = shape
    w = weights(n, k)
    t, m, u, mu = caller(modules, runner)("tern_" + tag(shape), w)
    want_t, want_m = np_ternarize(w)
    assert isinstance(t, anybit.PackedArray) and t.dtype == TRIT and t.shape == (n, k)
    np.testing.assert_array_equal(t.data, ref.pack_bits(want_t.ravel() + 1, 2))
    np.testing.assert_array_equal(anybit.unpack(t), want_t)
    assert u.dtype == np.int8
    np.testing.assert_array_equal(u, want_t)
    assert_same_bits(m, np.array(want_m))
    assert_same_bits(mu, np.array(want_m))


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("shape", SHAPES, ids=tag)
def test_bitlinear(modules, runner, shape):
    b, n, k = shape
    call = caller(modules, runner)
    x = activations(b, k)
    t = RNG.integers(-1, 2, (n, k)).astype(np.int8)
    m = np.float32(RNG.uniform(0.01, 2))
    g = RNG.uniform(-2, 2, k).astype(np.float32)
    g[::5] = 0.0
    y, z = call("bl_" + tag(shape), x, anybit.pack(t, TRIT), m, g)
    assert_same_bits(y, np_bitlinear(x, t, m))
    assert_same_bits(z, np_bitlinear(x, t, m, g, NORM_EPS))
    # Unpacked trits (int8 values) give the same.
    assert_same_bits(call("blu_" + tag(shape), x, t, m), y)
    if b > 1:
        assert not y[1].any()  # a zero row


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("shape", SHAPES, ids=tag)
def test_ternarize_then_bitlinear_in_one_kernel(modules, runner, shape):
    b, n, k = shape
    x, w = activations(b, k), weights(n, k)
    g = RNG.uniform(0.5, 2, k).astype(np.float32)
    t, m = np_ternarize(w)
    got = caller(modules, runner)("fused_" + tag(shape), x, w, g)
    assert_same_bits(got, np_bitlinear(x, t, m, g))
    # And it approximates the float layer on the quantized activations.
    # |y - n @ (m W~)^T| <= m / s * sum_k |q_k - n_k s| |W~[j, k]| with
    # 1 / s = max |n| / 127 and |q_k - n_k s| <= 1/2; plus the f32 rounding.
    x64 = x.astype(np.float64)
    r = np.sqrt(np.cumsum(x64 * x64, axis=1)[:, -1] / k + 1e-6)
    nrm = x64 / r[:, None] * g
    approx = nrm @ (t.astype(np.float64) * np.float64(m)).T
    bound = np.abs(nrm).max(axis=1, keepdims=True) / 127 * \
        np.abs(t).sum(axis=1)[None, :] * np.float64(m) * 0.5
    assert np.all(np.abs(got - approx) <= bound * (1 + 1e-6) + 1e-6 * np.abs(approx))


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("shape", SHAPES, ids=tag)
def test_int8_by_trit_matmul(modules, runner, shape):
    """The int8 x trit product by itself (anybit.matmul): exact, the extreme
    activations -128 and 127 included."""
    b, n, k = shape
    x = RNG.integers(-128, 128, (b, k)).astype(np.int8)
    x[0, ::3] = -128
    x[-1, 1::3] = 127
    t = RNG.integers(-1, 2, (k, n)).astype(np.int8)
    got = caller(modules, runner)("mm_" + tag(shape), x, anybit.pack(t, TRIT))
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, x.astype(np.int64) @ t.astype(np.int64))


# ---------------------------------------------------------------------------
# Vectors checked by hand
# ---------------------------------------------------------------------------

HAND = """
func.func @tern(%w: tensor<2x4xf32>) -> (tensor<2x4x!anybit.trit, #anybit.packed<>>, tensor<f32>) {
  %t, %m = anybit.ternarize %w : tensor<2x4xf32> -> tensor<2x4x!anybit.trit, #anybit.packed<>>, tensor<f32>
  return %t, %m : tensor<2x4x!anybit.trit, #anybit.packed<>>, tensor<f32>
}
func.func @bl(%x: tensor<1x2xf32>, %w: tensor<3x2x!anybit.trit, #anybit.packed<>>, %m: tensor<f32>, %g: tensor<2xf32>)
    -> (tensor<1x3xf32>, tensor<1x3xf32>) {
  %y = anybit.bitlinear %x, %w, %m {epsilon = 0.0 : f64}
         : tensor<1x2xf32>, tensor<3x2x!anybit.trit, #anybit.packed<>>, tensor<f32> -> tensor<1x3xf32>
  %z = anybit.bitlinear %x, %w, %m norm(%g) {epsilon = 0.0 : f64}
         : tensor<1x2xf32>, tensor<3x2x!anybit.trit, #anybit.packed<>>, tensor<f32>, tensor<2xf32> -> tensor<1x3xf32>
  return %y, %z : tensor<1x3xf32>, tensor<1x3xf32>
}
func.func @ties(%x: tensor<1x8xf32>, %w: tensor<3x8x!anybit.trit, #anybit.packed<>>, %m: tensor<f32>) -> tensor<1x3xf32> {
  %y = anybit.bitlinear %x, %w, %m {epsilon = 0.0 : f64}
         : tensor<1x8xf32>, tensor<3x8x!anybit.trit, #anybit.packed<>>, tensor<f32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
"""


@pytest.mark.parametrize("runner", RUNNERS)
def test_hand_checked_vectors(runner):
    call = source_caller(HAND, runner)
    # mean |W| = 16 / 8 = 2, 1 / m = 0.5: W / 2 = [.5, 1.5, -.5, -1.5, 2.5,
    # -1.5, 0, 0] rounds half to even to [0, 2, -0, -2, 2, -2, 0, 0] (not
    # half away from zero: [1, 2, -1, -2, 3, ...]) and clamps to
    # [0, 1, 0, -1, 1, -1, 0, 0].
    w = np.array([[1, 3, -1, -3], [5, -3, 0, 0]], np.float32)
    t, m = call("tern", w)
    np.testing.assert_array_equal(anybit.unpack(t), [[0, 1, 0, -1], [1, -1, 0, 0]])
    assert t.data.tolist() == [0b00_01_10_01, 0b01_01_00_10]
    assert m.dtype == np.float32 and float(m) == 2.0
    # x = [3, 4], epsilon 0 (the VM lit test's vector): n * s = 127 x / 4 =
    # [95.25, 127], q = [95, 127], a = [-32, 127, -222], y = a / s * 0.5;
    # with g = [2, 1]: q = [127, 85], a = [42, 85, -212].
    wt = anybit.pack(np.array([[1, -1], [0, 1], [-1, -1]], np.int8), TRIT)
    y, z = call("bl", np.array([[3, 4]], np.float32), wt, np.float32(0.5),
                np.array([2, 1], np.float32))
    np.testing.assert_array_equal(y, np.array([[-0.14253491, 0.56568545, -0.98883593]], np.float32))
    np.testing.assert_array_equal(z, np.array([[0.2806156, 0.5679125, -1.4164407]], np.float32))
    q = np.array([95, 127])
    np.testing.assert_allclose(y[0], q @ [[1, 0, -1], [-1, 1, -1]] * 4 / (127 * np.sqrt(12.5)) * 0.5,
                               rtol=1e-7)
    # Exact ties: sum x^2 / 8 = 16384, so r = 128, n = x / 128, s = 127 /
    # (254 / 128) = 64 and n * s = x / 2 = [127, -127, .5, 1.5, -2.5, 4.5,
    # 9, -20], all exact: q = [127, -127, 0, 2, -2, 4, 9, -20] (half to
    # even; half away from zero would give 1, 2, -3, 5). y = a / 64 * 0.5.
    x = np.array([[254, -254, 1, 3, -5, 9, 18, -40]], np.float32)
    w = np.array([[1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1, 0, 0],
                  [-1, 0, 1, -1, 1, -1, 0, 0]], np.int8)
    y = call("ties", x, anybit.pack(w, TRIT), np.float32(0.5))
    q = np.array([127, -127, 0, 2, -2, 4, 9, -20])
    np.testing.assert_array_equal(q @ w.T, [-7, 4, -135])
    assert_same_bits(y, np.array([[-7 / 128, 4 / 128, -135 / 128]], np.float32))
    assert_same_bits(y, np_bitlinear(x, w, np.float32(0.5), eps=0.0))


def test_ternarize_all_zero_weights_floors_the_scale():
    k = """func.func @f(%w: tensor<3x3xf32>) -> (tensor<3x3x!anybit.trit, #anybit.packed<>>, tensor<f32>) {
  %t, %m = anybit.ternarize %w : tensor<3x3xf32> -> tensor<3x3x!anybit.trit, #anybit.packed<>>, tensor<f32>
  return %t, %m : tensor<3x3x!anybit.trit, #anybit.packed<>>, tensor<f32>
}"""
    w = np.zeros((3, 3), np.float32)
    for t, m in (anybit.compile(k).f(w), anybit.compile(k, ternary="generic").f(w),
                 anybit.interpret(k, "f", w)):
        assert t.data.tolist() == [0x55, 0x55, 0b01]
        assert_same_bits(m, np.array(np.float32(1e-5)))


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

SMALL = """
func.func @bl(%x: tensor<2x6xf32>, %w: tensor<3x6x!anybit.trit, #anybit.packed<>>, %m: tensor<f32>) -> tensor<2x3xf32> {
  %y = anybit.bitlinear %x, %w, %m : tensor<2x6xf32>, tensor<3x6x!anybit.trit, #anybit.packed<>>, tensor<f32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
func.func @id(%t: tensor<4x!anybit.trit>) -> tensor<4x!anybit.trit> {
  return %t : tensor<4x!anybit.trit>
}
"""


@pytest.mark.parametrize("runner", RUNNERS)
def test_bad_arguments_raise_value_error(runner):
    call = source_caller(SMALL, runner)
    x = np.ones((2, 6), np.float32)
    w = anybit.pack(np.zeros((3, 6), np.int8), TRIT)
    # Non-trits for a trit parameter.
    with pytest.raises(ValueError, match=r"argument 0: element 1 .* is 2, not a trit"):
        call("id", np.array([0, 2, 0, 0], np.int8))
    with pytest.raises(ValueError, match="is -2, not a trit"):
        call("id", [1, -2, 0, 0])
    with pytest.raises(ValueError, match="argument 0: expected integer data"):
        call("id", np.array([0.0, 1.0, 0.0, 0.0]))
    np.testing.assert_array_equal(call("id", [1, -1, 0, 1]), [1, -1, 0, 1])
    # Wrong shapes.
    with pytest.raises(ValueError, match=r"argument 0: expected an array of shape \(4,\)"):
        call("id", np.zeros(3, np.int8))
    with pytest.raises(ValueError, match=r"argument 0: .*shape \(2, 6\).*got shape \(2, 5\)"):
        call("bl", np.ones((2, 5), np.float32), w, 1.0)
    with pytest.raises(ValueError, match="argument 1"):
        call("bl", x, anybit.pack(np.zeros((6, 3), np.int8), TRIT), 1.0)
    with pytest.raises(ValueError, match="argument 1"):
        call("bl", x, anybit.pack(np.zeros((3, 6), np.int8), "i2"), 1.0)  # not trits
    with pytest.raises(ValueError, match="argument 1"):
        call("bl", x, np.zeros((3, 6), np.int8), 1.0)  # packed parameter
    with pytest.raises(ValueError, match="argument 2"):
        call("bl", x, w, np.ones(1, np.float32))
    with pytest.raises(ValueError, match="takes 3 arguments, got 2"):
        call("bl", x, w)
    np.testing.assert_array_equal(call("bl", x, w, 1.0), np.zeros((2, 3), np.float32))


INVALID = [
    ("""func.func @f(%x: tensor<1x16xf32>, %w: tensor<8x12x!anybit.trit, #anybit.packed<>>, %m: tensor<f32>) -> tensor<1x8xf32> {
  %y = anybit.bitlinear %x, %w, %m : tensor<1x16xf32>, tensor<8x12x!anybit.trit, #anybit.packed<>>, tensor<f32> -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}""", "contraction sizes differ: the input has K = 16, the weights have K = 12"),
    ("""func.func @f(%x: tensor<2x16xf32>, %w: tensor<8x16x!anybit.trit>, %m: tensor<f32>) -> tensor<2x16xf32> {
  %y = anybit.bitlinear %x, %w, %m : tensor<2x16xf32>, tensor<8x16x!anybit.trit>, tensor<f32> -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}""", "the result must be 2x8"),
    ("""func.func @f(%x: tensor<1x16xf32>, %w: tensor<8x16xi2>, %m: tensor<f32>) -> tensor<1x8xf32> {
  %y = anybit.bitlinear %x, %w, %m : tensor<1x16xf32>, tensor<8x16xi2>, tensor<f32> -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}""", "the weights must be a tensor of !anybit.trit"),
    ("""func.func @f(%x: tensor<1x16xf32>, %w: tensor<8x16x!anybit.trit>, %m: tensor<f32>, %g: tensor<8xf32>) -> tensor<1x8xf32> {
  %y = anybit.bitlinear %x, %w, %m norm(%g) : tensor<1x16xf32>, tensor<8x16x!anybit.trit>, tensor<f32>, tensor<8xf32> -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}""", r"the norm weight must be a float tensor of shape \[16\]"),
    ("""func.func @f(%w: tensor<4xf32>) -> tensor<f32> {
  %t, %m = anybit.ternarize %w : tensor<4xf32> -> tensor<5x!anybit.trit>, tensor<f32>
  return %m : tensor<f32>
}""", "input and trit shapes differ"),
    ("""func.func @f(%w: tensor<4xf32>) -> tensor<f32> {
  %t, %m = anybit.ternarize %w : tensor<4xf32> -> tensor<4xi2>, tensor<f32>
  return %m : tensor<f32>
}""", "the result must be a tensor of !anybit.trit"),
    ("""func.func @f(%t: tensor<4x!anybit.trits>) {
  return
}""", "unknown"),
]


@pytest.mark.parametrize("source, message", INVALID)
def test_invalid_ir_raises_compile_error(source, message):
    with pytest.raises(anybit.CompileError, match=r"<source>:\d+:\d+: error: .*" + message):
        anybit.interpret(source, "f")
    for ternary in ("addsub", "generic"):
        with pytest.raises(anybit.CompileError, match=message):
            anybit.compile(source, ternary=ternary)


def test_unknown_ternary_option_raises_value_error():
    with pytest.raises(ValueError, match="unknown ternary lowering 'mul'; expected one of auto, addsub, lut, generic"):
        anybit.compile(SMALL, ternary="mul")
    with pytest.raises(ValueError, match="unknown ternary lowering"):
        anybit.compile(SMALL, ternary="")
    with pytest.raises(ValueError, match="ternary must be a string"):
        anybit.compile(SMALL, ternary=None)
    with pytest.raises(ValueError, match="ternary must be a string"):
        anybit.compile(SMALL, ternary=1)


# ---------------------------------------------------------------------------
# llama.cpp TQ2_0 / TQ1_0 weights in a BitLinear layer
# ---------------------------------------------------------------------------


def tq2_0_bytes(trits, scale):
    """An independent TQ2_0 encoder: per block of 256, byte 32 h + m holds
    the code (trit + 1) of element 128 h + 32 n + m in bits 2n, 2n + 1;
    then the half scale."""
    out = bytearray()
    for block in np.asarray(trits, np.int64).reshape(-1, 256):
        qs = [0] * 64
        for i, t in enumerate(block.tolist()):
            h, r = divmod(i, 128)
            n, m = divmod(r, 32)
            qs[32 * h + m] |= (t + 1) << (2 * n)
        out += bytes(qs) + np.float16(scale).tobytes()
    return bytes(out)


@pytest.mark.parametrize("kind", ["tq2_0", "tq1_0"])
@pytest.mark.parametrize("runner", RUNNERS)
def test_gguf_ternary_weights_in_bitlinear(modules, runner, kind):
    """An 8 x 512 BitNet-style weight (two blocks per row, one tensor-wide
    scale in every block, as ternary GGUF models store m) decoded with
    anybit.gguf, packed as trits and used by bitlinear."""
    b, n, k = shape = (3, 8, 512)
    trits = RNG.integers(-1, 2, (n, k)).astype(np.int8)
    m = np.float16(0.0421)
    if kind == "tq2_0":
        data = tq2_0_bytes(trits, m)
        assert anybit.to_gguf_blocks(trits, [m] * (n * k // 256), kind) == data
    else:  # byte-exact against an independent encoder in test_gguf.py
        data = anybit.to_gguf_blocks(trits, [m] * (n * k // 256), kind)
    assert len(data) == n * k // 256 * anybit.GGUF_BLOCKS[kind][1]
    values, scales = anybit.from_gguf_blocks(data, kind)
    assert values.dtype == np.int8 and np.all(scales == m)
    w = values.reshape(n, k)  # llama.cpp rows: output j holds K values
    np.testing.assert_array_equal(w, trits)
    scale = np.float32(scales[0])
    x = activations(b, k)
    g = RNG.uniform(0.5, 2, k).astype(np.float32)
    y, z = caller(modules, runner)("bl_" + tag(shape), x, anybit.pack(w, TRIT), scale, g)
    assert_same_bits(y, np_bitlinear(x, trits, scale))
    assert_same_bits(z, np_bitlinear(x, trits, scale, g, NORM_EPS))
    # The same as int8 activations times llama.cpp's dequantized weights.
    x64 = x.astype(np.float64)
    r = np.sqrt(np.cumsum(x64 * x64, axis=1)[:, -1] / k + 1e-6)
    nrm = x64 / r[:, None]
    s = 127 / np.maximum(np.abs(nrm).max(axis=1, keepdims=True), 1e-5)
    q = np.round(nrm * s)
    dequantized = anybit.gguf_dequantize(data, kind).reshape(n, k).astype(np.float64)
    np.testing.assert_allclose(y, (q / s) @ dequantized.T, rtol=1e-6, atol=1e-30)


def test_tq2_0_codes_are_trit_codes():
    """TQ2_0 stores the same 2-bit codes (trit + 1) as !anybit.trit, only
    in another order: its 64 bytes per block are the anybit packing of
    the block's trits in TQ2_0 order (element 128 h + 32 n + m at
    position 4 (32 h + m) + n)."""
    trits = RNG.integers(-1, 2, (3, 256)).astype(np.int8)
    data = np.frombuffer(tq2_0_bytes(trits, 1.0), np.uint8).reshape(3, 66)
    h, n, m = np.meshgrid(np.arange(2), np.arange(4), np.arange(32), indexing="ij")
    order = np.empty(256, np.int64)
    order[(4 * (32 * h + m) + n).ravel()] = (128 * h + 32 * n + m).ravel()
    for block, raw in zip(trits, data):
        np.testing.assert_array_equal(anybit.pack(block[order], TRIT).data, raw[:64])


def test_empty_batches_compile_and_match_the_vm():
    """M = 0 rows: every kernel (int8 x int8, int8 x trit, f32 x trit,
    bitlinear) compiles and returns an empty result, as the VM does."""
    src = EMPTY_BATCH_KERNELS
    m = anybit.compile(src)
    w8 = np.zeros((4, 8), np.int8)
    w = anybit.pack(w8, TRIT)
    wf = anybit.pack(np.zeros((4, 32), np.int8), TRIT)
    calls = [("mm", (np.zeros((0, 8), np.int8), w8)),
             ("mt", (np.zeros((0, 8), np.int8), w)),
             ("mf", (np.zeros((0, 32), np.float32), wf)),
             ("bl", (np.zeros((0, 8), np.float32), w, np.float32(1)))]
    for name, args in calls:
        got = m[name](*args)
        assert got.shape == (0, 4)
        assert got.shape == anybit.interpret(src, name, *args).shape


EMPTY_BATCH_KERNELS = """
func.func @mm(%x: tensor<0x8xi8>, %w: tensor<4x8xi8>) -> tensor<0x4xi32> {
  %y = anybit.matmul %x, %w {accumulator = i32, transpose_rhs} : tensor<0x8xi8>, tensor<4x8xi8> -> tensor<0x4xi32>
  return %y : tensor<0x4xi32>
}
func.func @mt(%x: tensor<0x8xi8>, %w: tensor<4x8x!anybit.trit, #anybit.packed<>>) -> tensor<0x4xi32> {
  %y = anybit.matmul %x, %w {accumulator = i32, transpose_rhs} : tensor<0x8xi8>, tensor<4x8x!anybit.trit, #anybit.packed<>> -> tensor<0x4xi32>
  return %y : tensor<0x4xi32>
}
func.func @mf(%x: tensor<0x32xf32>, %w: tensor<4x32x!anybit.trit, #anybit.packed<>>) -> tensor<0x4xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<0x32xf32>, tensor<4x32x!anybit.trit, #anybit.packed<>> -> tensor<0x4xf32>
  return %y : tensor<0x4xf32>
}
func.func @bl(%x: tensor<0x8xf32>, %w: tensor<4x8x!anybit.trit, #anybit.packed<>>, %m: tensor<f32>) -> tensor<0x4xf32> {
  %y = anybit.bitlinear %x, %w, %m : tensor<0x8xf32>, tensor<4x8x!anybit.trit, #anybit.packed<>>, tensor<f32> -> tensor<0x4xf32>
  return %y : tensor<0x4xf32>
}
"""


def test_packed_code_three_is_found_past_the_first_byte_and_padding_is_ignored():
    # Five trits in two bytes: codes 1,1,1,1 | 1 and three padding pairs.
    ok = np.array([0x55, 0xFD], np.uint8)  # padding bits set: still trits
    assert anybit.unpack(anybit.PackedArray(ok, TRIT, (5,))).tolist() == [0] * 5
    bad = np.array([0x55, 0x03], np.uint8)  # element 4 has code 3
    with pytest.raises(ValueError, match="element 4 .* has code 3"):
        anybit.PackedArray(bad, TRIT, (5,))
