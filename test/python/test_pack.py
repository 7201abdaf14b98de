"""anybit.pack / anybit.unpack / PackedArray against an independent packer."""

import random

import numpy as np
import pytest

import anybit
import numpy_reference as ref

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("seed", range(40))
def test_integer_round_trip_random_widths_and_lengths(seed):
    rnd = random.Random(seed)
    n = rnd.randint(1, 64)
    count = rnd.randint(0, 70)
    for prefix, signed in (("i", True), ("ui", False), ("si", True)):
        if n == 1 and prefix == "i":
            continue  # i1 is a boolean, tested below
        values = ref.random_ints(rnd, n, count, signed)
        array = np.array(values, dtype=np.int64 if signed else np.uint64)
        p = anybit.pack(array, "%s%d" % (prefix, n))
        patterns = ref.wrap(values, n, signed=False)
        want = ref.pack_bits(patterns, n)
        assert p.data.dtype == np.uint8
        assert p.data.shape == (-(-count * n // 8),)
        np.testing.assert_array_equal(p.data, want)
        assert p.nbytes == want.size
        assert p.shape == (count,)
        assert p.dtype == "%s%d" % (prefix, n)
        assert p.scales is None and p.zero_points is None
        back = anybit.unpack(p)
        assert back.dtype == ref.travel_dtype(n, signed)
        np.testing.assert_array_equal(
            back.astype(object), ref.wrap(values, n, signed=signed)
        )
        # The exact inverse: packing the unpacked values gives the same bytes.
        assert anybit.pack(back, p.dtype) == p


def test_every_numpy_integer_dtype_wraps_into_every_width():
    # Each numpy integer dtype has a conversion loop of its own: values of
    # each, at random widths and signedness, long enough to fill several
    # of pack's runs, wrap to the width as Python's integers do.
    rnd = random.Random(17)
    dtypes = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32,
              np.int64, np.uint64]
    for dtype in dtypes:
        info = np.iinfo(dtype)
        x = RNG.integers(info.min, info.max, 20000, dtype=dtype,
                         endpoint=True)
        for _ in range(3):
            n = rnd.randint(2, 64)
            signed = rnd.random() < 0.5
            values = [int(v) for v in x]
            p = anybit.pack(x, ("i%d" if signed else "ui%d") % n)
            np.testing.assert_array_equal(
                p.data, ref.pack_bits(ref.wrap(values, n, signed=False), n))
            back = anybit.unpack(p)
            assert back.dtype == ref.travel_dtype(n, signed)
            np.testing.assert_array_equal(
                back.astype(object), ref.wrap(values, n, signed=signed))


def test_lengths_ending_mid_byte():
    for n in (1, 3, 5, 7, 9, 13, 31, 33, 63):
        for count in range(1, 17):
            values = ref.wrap(RNG.integers(0, 1 << 62, count), n, signed=False)
            p = anybit.pack(np.array(values, dtype=np.uint64), "ui%d" % n)
            np.testing.assert_array_equal(p.data, ref.pack_bits(values, n))
            np.testing.assert_array_equal(
                anybit.unpack(p).astype(object), values
            )
            assert ref.unpack_bits(p.data, n, count) == values


def test_i1_is_boolean():
    x = np.array([True, False, True, True, False, False, False, True, True])
    p = anybit.pack(x, "i1")
    np.testing.assert_array_equal(p.data, ref.pack_bits(x.astype(int), 1))
    back = anybit.unpack(p)
    assert back.dtype == np.bool_
    np.testing.assert_array_equal(back, x)
    # Integers wrap to 1 bit.
    np.testing.assert_array_equal(anybit.unpack(anybit.pack([2, 3, -1], "i1")), [False, True, True])


def test_multi_dimensional_row_major():
    x = RNG.integers(-16, 16, (3, 5, 7))
    p = anybit.pack(x, "i5")
    assert p.shape == (3, 5, 7) and p.ndim == 3 and p.size == 105
    np.testing.assert_array_equal(p.data, ref.pack_bits(ref.wrap(x, 5, signed=False), 5))
    np.testing.assert_array_equal(anybit.unpack(p), x)


@pytest.mark.parametrize("n,word", [(3, 8), (3, 32), (5, 16), (7, 64), (12, 32), (4, 8), (33, 64)])
def test_word_layout_without_straddling(n, word):
    count = 37
    x = RNG.integers(0, 1 << n, count)
    enc = {"word": word, "straddle": False}
    p = anybit.pack(x, "ui%d" % n, encoding=enc)
    assert p.encoding == anybit.encoding_text(enc)
    assert "straddle = false" in p.encoding
    np.testing.assert_array_equal(p.data, ref.pack_bits(x, n, word=word, straddle=False))
    np.testing.assert_array_equal(anybit.unpack(p), x)
    # The same encoding as a string.
    q = anybit.pack(x, "ui%d" % n, encoding="#anybit.packed<word = %d, straddle = false>" % word)
    assert q == p


@pytest.mark.parametrize("n,word", [(3, 16), (5, 32), (9, 64)])
def test_word_rounding_with_straddling(n, word):
    x = RNG.integers(0, 1 << n, 11)
    p = anybit.pack(x, "ui%d" % n, encoding={"word": word})
    np.testing.assert_array_equal(p.data, ref.pack_bits(x, n, word=word))
    assert p.data.size % (word // 8) == 0


@pytest.mark.parametrize(
    "dtype,fmt",
    [("e2m1", ref.E2M1), ("f4E2M1FN", ref.E2M1), ("e3m2", ref.E3M2),
     ("f6E3M2FN", ref.E3M2), ("e2m3", ref.E2M3), ("f6E2M3FN", ref.E2M3)],
)
def test_float_formats_against_numpy_tables(dtype, fmt):
    mags = fmt.magnitudes
    mids = (mags[1:] + mags[:-1]) / 2  # ties: to the even pattern
    x = np.concatenate([
        mags, -mags, mids, -mids,
        [fmt.max * 1.2, -fmt.max * 5, np.inf, -np.inf, -0.0, 1e-30, -1e-30],
        RNG.uniform(-fmt.max * 1.1, fmt.max * 1.1, 200),
    ]).astype(np.float32)
    p = anybit.pack(x, dtype)
    patterns = fmt.encode(x)
    np.testing.assert_array_equal(p.data, ref.pack_bits(patterns, fmt.width))
    back = anybit.unpack(p)
    assert back.dtype == np.float32
    want = fmt.decode(patterns).astype(np.float32)
    np.testing.assert_array_equal(back, want)
    np.testing.assert_array_equal(np.signbit(back), np.signbit(want))


def test_float_nan_into_a_format_without_nan_is_zero():
    p = anybit.pack(np.array([np.nan, 1.0]), "e2m1")
    np.testing.assert_array_equal(anybit.unpack(p), [0.0, 1.0])


def test_builtin_and_anybit_twins_pack_identically():
    x = RNG.standard_normal(64).astype(np.float32) * 100
    for a, b in [("e4m3, fn", "f8E4M3FN"), ("e4m3fn", "f8E4M3FN"),
                 ("e5m2, ieee", "f8E5M2"), ("e8m0fnu", "f8E8M0FNU"),
                 ("e5m10, ieee", "f16"), ("e8m7, ieee", "bf16")]:
        pa, pb = anybit.pack(x, a), anybit.pack(x, b)
        np.testing.assert_array_equal(pa.data, pb.data)
        np.testing.assert_array_equal(anybit.unpack(pa), anybit.unpack(pb))
    # f16 packs the IEEE half bits.
    np.testing.assert_array_equal(anybit.pack(x, "f16").data, x.astype("<f2").view(np.uint8))
    np.testing.assert_array_equal(anybit.pack(x, "f32").data, x.astype("<f4").view(np.uint8))
    assert anybit.unpack(anybit.pack(x, "f16")).dtype == np.float16


def test_dtype_spellings():
    assert anybit.canonical_dtype("e4m3fn") == "e4m3, fn"
    assert anybit.canonical_dtype("E3M2") == "e3m2"
    assert anybit.canonical_dtype("e4m3,fn") == "e4m3, fn"
    assert anybit.canonical_dtype("f8e4m3fn") == "f8E4M3FN"
    assert anybit.canonical_dtype("!anybit.float<e3m2, bias = 5>") == "e3m2, bias = 5"
    assert anybit.canonical_dtype(np.int8) == "i8"
    assert anybit.canonical_dtype(np.dtype("uint16")) == "ui16"
    assert anybit.canonical_dtype("bool") == "i1"
    assert anybit.mlir_type("e3m2") == "!anybit.float<e3m2>"
    assert anybit.mlir_type("ui4") == "ui4"
    p = anybit.pack([1.0], "e8m0, unsigned, fn, nozero")
    assert p.dtype == "e8m0, unsigned, fn, nozero"
    assert p.type == "tensor<1x!anybit.float<e8m0, unsigned, fn, nozero>, #anybit.packed<>>"


def test_block_scales_and_zero_points():
    x = RNG.integers(0, 16, (4, 64))
    scales = RNG.uniform(0.01, 2, (4, 2)).astype(np.float32)
    zps = RNG.integers(0, 16, (4, 2))
    enc = {"block": [1, 32], "scale": "f16", "zero_point": "ui4"}
    p = anybit.pack(x, "ui4", enc, scales=scales, zero_points=zps)
    assert p.encoding == anybit.encoding_text(enc)
    assert p.scales.dtype == np.float16 and p.scales.shape == (4, 2)
    np.testing.assert_array_equal(p.scales, scales.astype(np.float16))
    assert p.zero_points.dtype == np.uint8
    np.testing.assert_array_equal(p.zero_points, zps)
    np.testing.assert_array_equal(p.data, ref.pack_bits(x, 4))
    assert p.nbytes == 128 + 8 * 2 + 4
    # tobytes() is the travel form: data, scales, zero points.
    want = np.concatenate([p.data, scales.astype("<f2").view(np.uint8).ravel(),
                           ref.pack_bits(zps, 4)])
    np.testing.assert_array_equal(np.frombuffer(p.tobytes(), np.uint8), want)


def test_packed_array_from_planes():
    x = RNG.integers(-4, 4, (8, 32))
    p = anybit.pack(x, "i3", {"block": [8, 16], "scale": "bf16"}, scales=[[0.5, 3.0]])
    q = anybit.PackedArray(p.data, "i3", (8, 32), p.encoding, scales=p.scales)
    assert q == p
    np.testing.assert_array_equal(anybit.unpack(q), x)
    assert p.scales.dtype == np.float32
    np.testing.assert_array_equal(p.scales, [[0.5, 3.0]])
    r = anybit.PackedArray(bytes(p.data), "i3", [8, 32], p.encoding, scales=[[0.5, 2.0]])
    assert r != p
    with pytest.raises(ValueError, match="96 bytes"):
        anybit.PackedArray(p.data[:-1], "i3", (8, 32), p.encoding, scales=p.scales)
    with pytest.raises(ValueError, match="needs scales"):
        anybit.PackedArray(p.data, "i3", (8, 32), p.encoding)


def test_packed_array_is_immutable_and_unhashable():
    p = anybit.pack(np.arange(16), "ui4")
    with pytest.raises(ValueError):
        p.data[0] = 1
    with pytest.raises(TypeError):
        hash(p)
    d = p.data.copy()
    d[0] = 0xFF
    np.testing.assert_array_equal(anybit.unpack(anybit.PackedArray(d, "ui4", 16))[:2], [15, 15])
    assert repr(p) == "PackedArray(dtype='ui4', shape=(16,), encoding='#anybit.packed<>', nbytes=8)"


def test_empty_and_scalar_arrays():
    p = anybit.pack(np.zeros((0, 5), np.int8), "i3")
    assert p.shape == (0, 5) and p.nbytes == 0
    assert anybit.unpack(p).shape == (0, 5)
    s = anybit.pack(np.int16(-3), "i7")
    assert s.shape == () and s.nbytes == 1
    assert int(anybit.unpack(s)) == -3


def test_pack_matches_the_anybit_pack_op():
    k = """
    func.func @p(%x: tensor<4x64xi5>, %s: tensor<4x2xf16>)
        -> tensor<4x64xi5, #anybit.packed<word = 32, block = [1, 32], scale = f16>> {
      %p = anybit.pack %x scales(%s) : tensor<4x64xi5>, tensor<4x2xf16>
             -> tensor<4x64xi5, #anybit.packed<word = 32, block = [1, 32], scale = f16>>
      return %p : tensor<4x64xi5, #anybit.packed<word = 32, block = [1, 32], scale = f16>>
    }
    """
    x = RNG.integers(-16, 16, (4, 64))
    s = RNG.uniform(0, 4, (4, 2)).astype(np.float16)
    from_vm = anybit.interpret(k, "p", x, s)
    assert isinstance(from_vm, anybit.PackedArray)
    direct = anybit.pack(x, "i5", "word = 32, block = [1, 32], scale = f16", scales=s)
    assert from_vm == direct
    assert from_vm.type == direct.type


# Arrays longer than a run (16384 elements, each run starting a container
# word of the data plane) are converted and laid out a run at a time:
# several runs and a partial last one, against the independent packer.
RUN = 16384


@pytest.mark.parametrize(
    "n,encoding",
    [(1, None), (3, None), (4, None), (6, None), (33, None), (5, {"word": 16}),
     (12, {"word": 64}), (3, {"word": 32, "straddle": False}),
     (7, {"word": 64, "straddle": False}), (4, {"word": 8, "straddle": False})],
)
def test_arrays_of_several_runs(n, encoding):
    count = 2 * RUN + 37
    x = RNG.integers(0, 1 << n, count, dtype=np.uint64)
    p = anybit.pack(x, "ui%d" % n, encoding=encoding)
    np.testing.assert_array_equal(p.data, ref.pack_bits(x, n, **(encoding or {})))
    back = anybit.unpack(p)
    assert back.dtype == ref.travel_dtype(n, signed=False)
    np.testing.assert_array_equal(back, x)
    # Signed values wrap the same way in every run.
    signed = x.astype(np.int64) - (1 << (n - 1))
    q = anybit.pack(signed, "i%d" % n, encoding=encoding)
    np.testing.assert_array_equal(
        q.data, ref.pack_bits(ref.wrap(signed, n, signed=False), n, **(encoding or {})))
    np.testing.assert_array_equal(anybit.unpack(q), signed if n > 1 else signed != 0)


@pytest.mark.parametrize("dtype,fmt", [("e2m1", ref.E2M1), ("e3m2", ref.E3M2)])
def test_float_arrays_of_several_runs(dtype, fmt):
    x = RNG.uniform(-fmt.max * 1.1, fmt.max * 1.1, (3, RUN + 5)).astype(np.float32)
    p = anybit.pack(x, dtype, {"block": [1, RUN + 5], "scale": "f16"},
                    scales=np.array([[1.0], [2.0], [0.5]], np.float16))
    patterns = fmt.encode(x.ravel())
    np.testing.assert_array_equal(p.data, ref.pack_bits(patterns, fmt.width))
    np.testing.assert_array_equal(p.scales.ravel(), [1.0, 2.0, 0.5])
    back = anybit.unpack(p)
    assert back.shape == x.shape
    np.testing.assert_array_equal(back.ravel(), fmt.decode(patterns).astype(np.float32))


@pytest.mark.parametrize("base3", [False, True])
def test_trit_arrays_of_several_runs(base3):
    trit = "!anybit.trit"
    t = RNG.integers(-1, 2, 2 * RUN + 3)
    p = anybit.pack(t, trit, {"base3": True} if base3 else None)
    if base3:
        # Five codes a byte, ceil(q 256 / 243) of q = sum c_n 3^(4 - n), as
        # GGUF's TQ1_0 packs them.
        codes = np.concatenate([t + 1, np.zeros(-t.size % 5, np.int64)]).reshape(-1, 5)
        q = (codes * 3 ** np.arange(4, -1, -1)).sum(axis=1)
        want = (-(-q * 256 // 243)).astype(np.uint8)
    else:
        want = ref.pack_bits(t + 1, 2)
    np.testing.assert_array_equal(p.data, want)
    np.testing.assert_array_equal(anybit.unpack(p), t)


def test_a_bad_value_in_a_later_run_names_its_index():
    t = np.zeros(2 * RUN + 10, np.int8)
    t[2 * RUN + 5] = 2
    with pytest.raises(ValueError, match=r"element %d .* is 2, not a trit" % (2 * RUN + 5)):
        anybit.pack(t, "!anybit.trit")
    with pytest.raises(ValueError, match="integer data"):
        anybit.pack(np.zeros(2 * RUN, np.float32), "i4")
    with pytest.raises(ValueError, match="integer data"):
        anybit.pack(np.zeros((0, 5), np.float32), "i3")  # no run to convert
