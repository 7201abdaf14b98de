"""anybit.quantize / anybit.dequantize against the formulas of
docs/semantics.md, computed independently with numpy."""

import numpy as np
import pytest

import anybit
import numpy_reference as ref

RNG = np.random.default_rng(99)


def data(shape, dtype=np.float32):
    x = RNG.standard_normal(shape) * RNG.uniform(0.01, 10, shape[:-1] + (1,))
    x = x.astype(dtype)
    x.reshape(-1)[:3] = [0.0, -0.0, 1.0]  # zeros must not disturb anything
    return x


@pytest.mark.parametrize("bits", [2, 3, 4, 8])
@pytest.mark.parametrize("group", [32, 16, None])
def test_symmetric_int_per_group(bits, group):
    x = data((4, 64))
    q = anybit.quantize(x, "i%d" % bits, group_size=group)
    g = 64 if group is None else group
    codes, scales = ref.quantize_int_symmetric(x, bits, g)
    assert q.dtype == "i%d" % bits and q.shape == (4, 64)
    assert q.encoding == anybit.encoding_text({"block": [1, g], "scale": "f16"})
    assert q.zero_points is None
    assert q.scales.dtype == np.float16 and q.scales.shape == (4, 64 // g)
    np.testing.assert_array_equal(q.scales.astype(np.float64), scales)
    np.testing.assert_array_equal(anybit.unpack(q), codes)
    # The data plane bit for bit.
    np.testing.assert_array_equal(q.data, ref.pack_bits(ref.wrap(codes, bits, signed=False), bits))
    # dequantize: q * s, exact, rounded once to f32.
    d = anybit.dequantize(q)
    assert d.dtype == np.float32
    want = (codes * ref.expand(scales, x.shape, g, -1)).astype(np.float32)
    np.testing.assert_array_equal(d, want)
    np.testing.assert_allclose(d, x, atol=float(np.max(scales)) * 0.5 + 1e-6)


def test_symmetric_int4_along_axis_0_f32_scales():
    x = data((64, 6))
    q = anybit.quantize(x, "i4", group_size=32, axis=0, scale_dtype="f32")
    assert q.encoding == anybit.encoding_text({"block": [32, 1], "scale": "f32"})
    codes, scales = ref.quantize_int_symmetric(
        x, 4, 32, axis=0, round_scale=lambda s: s.astype(np.float32).astype(np.float64))
    assert q.scales.dtype == np.float32 and q.scales.shape == (2, 6)
    np.testing.assert_array_equal(q.scales, scales)
    np.testing.assert_array_equal(anybit.unpack(q), codes)
    np.testing.assert_array_equal(
        anybit.dequantize(q, "f64"), codes * ref.expand(scales, x.shape, 32, 0))


def test_3d_input_f64_and_negative_axis():
    x = data((2, 3, 48), np.float64)
    q = anybit.quantize(x, "i5", group_size=16, axis=-1)
    codes, scales = ref.quantize_int_symmetric(x, 5, 16)
    np.testing.assert_array_equal(anybit.unpack(q), codes)
    np.testing.assert_array_equal(q.scales.astype(np.float64), scales)


@pytest.mark.parametrize("group", [32, 64])
def test_asymmetric_ui4(group):
    x = data((4, 64)) + 1.5  # mostly positive, so the zero point matters
    q = anybit.quantize(x, "ui4", group_size=group, symmetric=False)
    codes, scales, zps = ref.quantize_uint_asymmetric(x, 4, group)
    assert q.encoding == anybit.encoding_text(
        {"block": [1, group], "scale": "f16", "zero_point": "ui4"})
    np.testing.assert_array_equal(q.scales.astype(np.float64), scales)
    assert q.zero_points.dtype == np.uint8
    np.testing.assert_array_equal(q.zero_points, zps)
    np.testing.assert_array_equal(anybit.unpack(q), codes)
    d = anybit.dequantize(q)
    want = ((codes - ref.expand(zps, x.shape, group, -1))
            * ref.expand(scales, x.shape, group, -1)).astype(np.float32)
    np.testing.assert_array_equal(d, want)
    np.testing.assert_allclose(d, x, atol=float(np.max(scales)) + 1e-6)


def test_asymmetric_all_negative_and_all_zero_blocks():
    x = np.concatenate([-np.abs(data((2, 32))), np.zeros((2, 32), np.float32)], axis=1)
    q = anybit.quantize(x, "ui4", group_size=32, symmetric=False)
    codes, scales, zps = ref.quantize_uint_asymmetric(x, 4, 32)
    np.testing.assert_array_equal(q.scales.astype(np.float64), scales)
    np.testing.assert_array_equal(q.zero_points, zps)
    np.testing.assert_array_equal(anybit.unpack(q), codes)
    np.testing.assert_array_equal(q.scales[:, 1], [1.0, 1.0])  # zero block: s = 1


@pytest.mark.parametrize("code_dtype", ["f4E2M1FN", "e2m1"])
def test_mx_e8m0_scales_with_e2m1_codes(code_dtype):
    x = data((4, 64))
    q = anybit.quantize(x, code_dtype, group_size=32, scale_dtype="f8E8M0FNU")
    patterns, scales = ref.quantize_mx(x, ref.E2M1, 32)
    assert q.scales.dtype == np.float32 and q.scales.shape == (4, 2)
    np.testing.assert_array_equal(q.scales, scales)
    # Scales are powers of two.
    assert np.all(np.frexp(q.scales)[0] == 0.5)
    np.testing.assert_array_equal(q.data, ref.pack_bits(patterns, 4))
    values = ref.E2M1.decode(patterns)
    np.testing.assert_array_equal(anybit.unpack(q), values.astype(np.float32))
    np.testing.assert_array_equal(
        anybit.dequantize(q), (values * ref.expand(scales, x.shape, 32, -1)).astype(np.float32))


def test_float_codes_with_f16_scales():
    x = data((3, 32))
    q = anybit.quantize(x, "e3m2", group_size=32)
    patterns, scales = ref.quantize_float(x, ref.E3M2, 32)
    np.testing.assert_array_equal(q.scales.astype(np.float64), scales)
    np.testing.assert_array_equal(q.data, ref.pack_bits(patterns, 6))


def test_quantize_is_the_op():
    """quantize runs anybit.quantize: a kernel doing the same agrees bit for bit."""
    t = "tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>"
    k = """
    func.func @q(%x: tensor<4x64xf32>) -> %T {
      %q = anybit.quantize %x : tensor<4x64xf32> -> %T
      return %q : %T
    }
    """.replace("%T", t)
    x = data((4, 64))
    from_vm = anybit.interpret(k, "q", x)
    assert from_vm == anybit.quantize(x, "i4")
    assert from_vm.type == t


def test_quantized_weights_in_a_matmul_kernel():
    w = data((64, 32))
    x = RNG.standard_normal((2, 64)).astype(np.float32)
    qw = anybit.quantize(w, "i4", group_size=32, axis=0)
    k = """
    func.func @mm(%x: tensor<2x64xf32>, %w: %W) -> tensor<2x32xf32> {
      %y = anybit.matmul %x, %w {accumulator = f32} : tensor<2x64xf32>, %W -> tensor<2x32xf32>
      return %y : tensor<2x32xf32>
    }
    """.replace("%W", qw.type)
    y = anybit.interpret(k, "mm", x, qw)
    want = x.astype(np.float64) @ anybit.dequantize(qw, "f64")
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-5)


def test_packed_array_into_an_unpacking_kernel():
    q = anybit.quantize(data((8, 32)), "ui4", group_size=16, symmetric=False)
    t = q.type
    k = """
    func.func @u(%p: %T) -> (tensor<8x32xui4>, tensor<8x2xf16>, tensor<8x2xui4>) {
      %v, %s, %z = anybit.unpack %p : %T -> tensor<8x32xui4>, tensor<8x2xf16>, tensor<8x2xui4>
      return %v, %s, %z : tensor<8x32xui4>, tensor<8x2xf16>, tensor<8x2xui4>
    }
    """.replace("%T", t)
    v, s, z = anybit.interpret(k, "u", q)
    np.testing.assert_array_equal(v, anybit.unpack(q))
    np.testing.assert_array_equal(s, q.scales)
    np.testing.assert_array_equal(z, q.zero_points)
    # The travel form (a 1-D uint8 array of every plane) is accepted too.
    v2, _, _ = anybit.interpret(k, "u", np.frombuffer(q.tobytes(), np.uint8))
    np.testing.assert_array_equal(v2, v)


def test_integer_input_reads_as_f64():
    x = RNG.integers(-100, 100, (2, 32))
    q = anybit.quantize(x, "i8", group_size=32)
    codes, scales = ref.quantize_int_symmetric(x, 8, 32)
    np.testing.assert_array_equal(anybit.unpack(q), codes)


@pytest.mark.parametrize("input_type", ["f8E4M3FN", "!anybit.float<e3m2>", "f16", "f64"])
@pytest.mark.parametrize("code, scale", [("i4", "f16"), ("i8", "f32"), ("f4E2M1FN", "f8E8M0FNU")])
def test_compiled_quantize_matches_the_vm_for_every_input_format(input_type, code, scale):
    # Inputs stored as other integers than the float they are (emulated
    # formats: their bits) as well as native ones, codes packed by bytes
    # and below them, grouped along rows and columns.
    t = "tensor<4x64x%s, #anybit.packed<block = [2, 16], scale = %s>>" % (code, scale)
    src = """func.func @q(%%x: tensor<4x64x%s>) -> %s {
  %%q = anybit.quantize %%x : tensor<4x64x%s> -> %s
  return %%q : %s
}""" % (input_type, t, input_type, t, t)
    x = np.random.default_rng(3).uniform(-6, 6, size=(4, 64)).astype(np.float32)
    x = anybit.unpack(anybit.pack(x, anybit.canonical_dtype(input_type.replace(
        "!anybit.float<", "").rstrip(">")) if input_type.startswith("!") else input_type))
    compiled = anybit.compile(src).q(x)
    expected = anybit.interpret(src, "q", x)
    np.testing.assert_array_equal(compiled.data, expected.data)
    np.testing.assert_array_equal(compiled.scales, expected.scales)


@pytest.mark.parametrize("case", range(12))
def test_large_arrays_take_a_compiled_kernel_with_the_vms_results(case, monkeypatch):
    # quantize compiles anybit.quantize for large arrays; every array here
    # takes that path, whose packed bytes, scales and zero points must be
    # the VM's.
    monkeypatch.setattr(anybit, "_COMPILED_QUANTIZE_MIN_ELEMENTS", 0)
    compiles = []
    compile_ = anybit.compile
    monkeypatch.setattr(anybit, "compile",
                        lambda source: compiles.append(source) or compile_(source))
    rng = np.random.default_rng(100 + case)
    dtype, scale, symmetric = [
        ("i4", "f16", True), ("ui4", "f16", False), ("i8", "f32", True),
        ("i3", "bf16", True), ("i5", "f16", False), ("e2m1", "f8E8M0FNU", True),
        ("e3m2", "f16", True), ("i2", "f32", False), ("f8E4M3FN", "f16", True),
        ("i6", "f8E8M0FNU", True), ("ui8", "bf16", False), ("i1", "f16", True),
    ][case]
    shape = [(8, 64), (3, 4, 32), (64, 16)][case % 3]
    axis = [-1, 1, 0][case % 3]
    group = [32, 4, 16][case % 3]
    x = (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 4)).astype(
        [np.float32, np.float16, np.float64][case % 3])
    x.flat[0] = 0.0
    got = anybit.quantize(x, dtype, group_size=group, symmetric=symmetric,
                          axis=axis, scale_dtype=scale)
    block = [1] * len(shape)
    block[axis] = group
    encoding = {"block": block, "scale": scale}
    if not symmetric:
        encoding["zero_point"] = dtype
    assert got == anybit._anybit.quantize(x, dtype, encoding)
    assert len(compiles) == 1 and "anybit.quantize" in compiles[0]


def test_large_arrays_the_vm_must_judge_still_go_to_it(monkeypatch):
    monkeypatch.setattr(anybit, "_COMPILED_QUANTIZE_MIN_ELEMENTS", 0)
    x = np.ones((4, 32), np.float32)
    x[1, 3] = np.nan
    with pytest.raises(anybit.CompileError, match="non-finite"):
        anybit.quantize(x, "i4")
    # A scale that f16 flushes to zero is the VM's error.
    with pytest.raises(anybit.CompileError, match="cannot represent"):
        anybit.quantize(np.full((4, 32), 1e-30, np.float32), "i4")
    # Codes quantize does not take are ValueErrors, as on the VM.
    x = np.ones((4, 32), np.float32)
    for code in ["!anybit.trit", "f32", "index"]:
        with pytest.raises(ValueError):
            anybit.quantize(x, code, scale_dtype="f32")
    # A masked array is read as its data, as the VM reads it.
    masked = np.ma.masked_array(x.copy(), mask=np.zeros_like(x, bool))
    masked.data[1, 3] = np.nan
    masked.mask[1, 3] = True
    with pytest.raises(anybit.CompileError, match="non-finite"):
        anybit.quantize(masked, "i4")
    # A scale past f16's range saturates, as the VM does it.
    big = np.full((4, 32), 1e30, np.float32)
    assert anybit.quantize(big, "i4") == anybit._anybit.quantize(
        big, "i4", {"block": [1, 32], "scale": "f16"})
