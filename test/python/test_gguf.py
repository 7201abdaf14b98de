"""llama.cpp blocks (anybit.gguf) against an independent encoder written
here, element by element, from the formats' descriptions; and Anybit
kernels on the decoded weights."""

import random

import numpy as np
import pytest

import anybit

RNG = random.Random(20261129)


def half_bytes(scale):
    return np.float16(scale).tobytes()


def tq2_0_block(trits, scale):
    """Byte 32h + m holds element 128h + 32n + m (code = trit + 1) in bits
    2n, 2n + 1; then the half scale."""
    qs = [0] * 64
    for i, t in enumerate(trits):
        h, r = divmod(i, 128)
        n, m = divmod(r, 32)
        qs[32 * h + m] |= (t + 1) << (2 * n)
    return bytes(qs) + half_bytes(scale)


def base3_byte(codes):
    """ceil(q * 256 / 243) of q = sum c_n 3^(4 - n), missing digits 0."""
    q = 0
    for n in range(5):
        q = q * 3 + (codes[n] if n < len(codes) else 0)
    return -(-q * 256 // 243)


def tq1_0_block(trits, scale):
    """qs[m]: elements m + 32n; qs[32 + m]: 160 + m + 16n; qh[j]:
    240 + j + 4n; five (four) codes per byte in base 3."""
    c = [t + 1 for t in trits]
    qs = [base3_byte([c[m + 32 * n] for n in range(5)]) for m in range(32)]
    qs += [base3_byte([c[160 + m + 16 * n] for n in range(5)]) for m in range(16)]
    qh = [base3_byte([c[240 + j + 4 * n] for n in range(4)]) for j in range(4)]
    return bytes(qs + qh) + half_bytes(scale)


def q4_0_block(values, scale):
    """The half scale, then byte j = (v[j] + 8) | (v[j + 16] + 8) << 4."""
    qs = [(values[j] + 8) | ((values[j + 16] + 8) << 4) for j in range(16)]
    return half_bytes(scale) + bytes(qs)


ENCODERS = {"tq2_0": (tq2_0_block, 256, (-1, 1)),
            "tq1_0": (tq1_0_block, 256, (-1, 1)),
            "q4_0": (q4_0_block, 32, (-8, 7))}


@pytest.mark.parametrize("kind", sorted(ENCODERS))
def test_blocks_are_byte_exact_both_ways(kind):
    encode, per_block, (lo, hi) = ENCODERS[kind]
    blocks = 5
    values = [RNG.randint(lo, hi) for _ in range(blocks * per_block)]
    # The first block holds the extremes everywhere it can.
    values[:per_block] = [lo if i % 2 else hi for i in range(per_block)]
    scales = [RNG.uniform(-3, 3) for _ in range(blocks)]
    data = b"".join(encode(values[b * per_block:(b + 1) * per_block], scales[b])
                    for b in range(blocks))
    assert len(data) == blocks * anybit.GGUF_BLOCKS[kind][1]
    got_values, got_scales = anybit.from_gguf_blocks(data, kind)
    assert got_values.dtype == np.int8 and got_scales.dtype == np.float16
    assert got_values.tolist() == values
    assert got_scales.tolist() == [float(np.float16(s)) for s in scales]
    assert anybit.to_gguf_blocks(values, scales, kind) == data
    assert anybit.to_gguf_blocks(got_values, got_scales, kind) == data
    weights = anybit.gguf_dequantize(data, kind)
    want = np.array(values, np.float32) * np.repeat(
        np.array(scales, np.float16).astype(np.float32), per_block)
    assert weights.dtype == np.float32 and np.array_equal(weights, want)


def test_every_base3_byte_decodes_to_its_digits():
    """All 243 five-trit groups (and the 81 four-trit ones of qh) survive
    the ceil(q * 256 / 243) storage."""
    for q in range(243):
        codes = [q // 3 ** (4 - n) % 3 for n in range(5)]
        trits = [0] * 256
        for n in range(5):
            trits[7 + 32 * n] = codes[n] - 1      # qs[7]
            trits[160 + 3 + 16 * n] = codes[n] - 1  # qs[35]
        for n in range(4):
            trits[240 + 2 + 4 * n] = codes[n] - 1  # qh[2]
        data = tq1_0_block(trits, 1.0)
        assert anybit.from_gguf_blocks(data, "tq1_0")[0].tolist() == trits
        assert anybit.to_gguf_blocks(trits, [1.0], "tq1_0") == data


def test_memoryview_and_numpy_data():
    data = tq2_0_block([RNG.randint(-1, 1) for _ in range(256)], 0.5)
    want = anybit.from_gguf_blocks(data, "tq2_0")[0]
    for form in (memoryview(data), bytearray(data), np.frombuffer(data, np.uint8)):
        assert np.array_equal(anybit.from_gguf_blocks(form, "TQ2_0")[0], want)


def test_bad_blocks_raise_value_error():
    with pytest.raises(ValueError, match="unknown llama.cpp block kind 'q8_0'"):
        anybit.from_gguf_blocks(b"", "q8_0")
    with pytest.raises(ValueError, match="whole blocks of 66 bytes, got 65 bytes"):
        anybit.from_gguf_blocks(bytes(65), "tq2_0")
    with pytest.raises(ValueError, match=r"values must be in \[-1, 1\]; value 2 \(at index 3\)"):
        anybit.to_gguf_blocks([0, 0, 0, 2] + [0] * 252, [1.0], "tq1_0")
    with pytest.raises(ValueError, match="whole blocks of 32 values, got 31"):
        anybit.to_gguf_blocks([0] * 31, [1.0], "q4_0")
    with pytest.raises(ValueError, match="2 blocks need 2 scales, got 1"):
        anybit.to_gguf_blocks([0] * 64, [1.0], "q4_0")
    with pytest.raises(ValueError, match="must be integers"):
        anybit.to_gguf_blocks(np.zeros(256), [1.0], "tq2_0")
    big = np.zeros(32, np.uint64)
    big[5] = 2**63 + 3  # would wrap to a negative int64, in range for no kind
    with pytest.raises(ValueError, match=r"value 9223372036854775811 \(at index 5\)"):
        anybit.to_gguf_blocks(big, [1.0], "q4_0")
    with pytest.raises(ValueError, match="must be a uint8 array .* got dtype int16"):
        anybit.from_gguf_blocks(np.full(66, 300, np.int16), "tq2_0")
    with pytest.raises(ValueError, match="must be bytes, .* got int"):
        anybit.from_gguf_blocks(66, "tq2_0")


def test_an_anybit_kernel_runs_on_tq1_0_weights():
    """Ternary weights decoded from TQ1_0 blocks, packed as 2-bit integers,
    in an exact int8 x i2 -> i32 matrix-vector product; scaled per block
    of 256 outputs' weights like llama.cpp."""
    k, n = 256, 8  # each column of W (K values) is one block
    w = np.array([[RNG.randint(-1, 1) for _ in range(n)] for _ in range(k)], np.int8)
    scales = [RNG.uniform(0.5, 2) for _ in range(n)]
    data = anybit.to_gguf_blocks(w.T, scales, "tq1_0")  # column-major blocks
    trits, d = anybit.from_gguf_blocks(data, "tq1_0")
    weights = anybit.pack(trits.reshape(n, k).T.copy(), "i2")
    source = """
func.func @gemv(%x: tensor<1x256xi8>, %w: tensor<256x8xi2, #anybit.packed<>>) -> tensor<1x8xi32> {
  %y = anybit.matmul %x, %w {accumulator = i32} : tensor<1x256xi8>, tensor<256x8xi2, #anybit.packed<>> -> tensor<1x8xi32>
  return %y : tensor<1x8xi32>
}"""
    x = np.array([[RNG.randint(-128, 127) for _ in range(k)]], np.int8)
    got = anybit.compile(source).gemv(x, weights)
    assert np.array_equal(got, x.astype(np.int32) @ w.astype(np.int32))
    assert np.array_equal(got, anybit.interpret(source, "gemv", x, weights))
    y = got[0].astype(np.float32) * d.astype(np.float32)
    assert np.allclose(y, x[0].astype(np.float32) @ anybit.gguf_dequantize(data, "tq1_0").reshape(n, k).T)
