"""llama.cpp quantization blocks (GGUF tensor data), byte-exact.

llama.cpp stores weights in fixed-size blocks; these functions read and
write three of them, so that Anybit kernels run on weights already
quantized for llama.cpp and their results go back:

``"tq2_0"``
    256 trits in 66 bytes: 64 bytes of 2-bit codes (trit + 1), then the
    scale (IEEE half). Byte ``32 h + m`` holds elements ``128 h + m + 32 n``
    of the block in bits ``2 n, 2 n + 1`` (h in 0..1, m in 0..31, n in
    0..3).
``"tq1_0"``
    256 trits in 54 bytes, five per byte in base 3 (1.6 bits per weight):
    48 bytes ``qs``, 4 bytes ``qh``, the scale. Byte ``m`` of ``qs`` holds
    elements ``m + 32 n`` (n in 0..4), byte ``32 + m`` elements
    ``160 + m + 16 n``, byte ``j`` of ``qh`` elements ``240 + j + 4 n``
    (n in 0..3, a fifth digit 0). The five codes c_n (trit + 1) form
    q = sum c_n 3^(4 - n), stored as ceil(q * 256 / 243), so that digit n
    is ``((byte * 3^n) mod 256) * 3 >> 8``.
``"q4_0"``
    32 integers in [-8, 7] in 18 bytes: the scale (IEEE half), then 16
    bytes; byte j holds element j + 8 in its low nibble and element
    j + 16, plus 8, in its high nibble (j in 0..15).

A block's value is ``value * scale`` (in float32, as llama.cpp
dequantizes). ``from_gguf_blocks`` returns the integer values and the
scales; ``to_gguf_blocks`` writes them back, byte for byte.
"""

import numpy as _np

__all__ = ["GGUF_BLOCKS", "from_gguf_blocks", "to_gguf_blocks", "gguf_dequantize"]

#: kind -> (values per block, bytes per block, (lowest, highest) value).
GGUF_BLOCKS = {
    "tq2_0": (256, 66, (-1, 1)),
    "tq1_0": (256, 54, (-1, 1)),
    "q4_0": (32, 18, (-8, 7)),
}

_POW3 = _np.array([1, 3, 9, 27, 81], dtype=_np.uint16)


def _kind(kind):
    if not isinstance(kind, str) or kind.lower() not in GGUF_BLOCKS:
        raise ValueError(
            "unknown llama.cpp block kind %r; expected one of %s"
            % (kind, ", ".join(GGUF_BLOCKS))
        )
    return kind.lower()


def _base3_digits(data, digits):
    """Digit n (0: most significant) of each byte, for n < digits:
    shape data.shape[:-1] + (digits, data.shape[-1])."""
    shifted = (data[..., None, :].astype(_np.uint16) * _POW3[:digits, None]) & 0xFF
    return ((shifted * 3) >> 8).astype(_np.int8)


def _base3_bytes(codes):
    """The bytes of groups of base-3 codes (axis -2, most significant
    first, at most five): ceil(q * 256 / 243) of q = sum c_n 3^(4 - n)."""
    digits = codes.shape[-2]
    weights = _POW3[::-1][:digits].astype(_np.uint32)  # 81, 27, 9, ...
    q = (codes.astype(_np.uint32) * weights[:, None]).sum(axis=-2)
    return ((q * 256 + 242) // 243).astype(_np.uint8)


def _raw_bytes(data, kind):
    """``data`` as a flat uint8 array; bytes are not converted value by
    value, so an array of another dtype is refused rather than wrapped."""
    if isinstance(data, _np.ndarray):
        if data.dtype != _np.uint8:
            raise ValueError(
                "%s data must be a uint8 array (or bytes), got dtype %s"
                % (kind, data.dtype))
        return _np.ascontiguousarray(data).reshape(-1)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(
            "%s data must be bytes, bytearray, memoryview or a uint8 array, "
            "got %s" % (kind, type(data).__name__))
    return _np.frombuffer(bytes(data), dtype=_np.uint8)


def from_gguf_blocks(data, kind):
    """The values and scales of llama.cpp blocks of ``kind``.

    Args:
        data: the blocks (``bytes``, ``bytearray``, ``memoryview`` or a
            uint8 numpy array), a whole number of blocks.
        kind: ``"tq2_0"``, ``"tq1_0"`` or ``"q4_0"``.

    Returns:
        ``(values, scales)``: an int8 array of ``blocks * K`` values (trits
        in {-1, 0, 1}, or integers in [-8, 7] for Q4_0) in element order,
        and a float16 array of one scale per block.

    Raises:
        ValueError: an unknown kind, or data that is not whole blocks.
    """
    kind = _kind(kind)
    per_block, nbytes, _ = GGUF_BLOCKS[kind]
    raw = _raw_bytes(data, kind)
    if raw.size % nbytes:
        raise ValueError(
            "%s data must be whole blocks of %d bytes, got %d bytes"
            % (kind, nbytes, raw.size)
        )
    blocks = raw.reshape(-1, nbytes)
    nb = blocks.shape[0]
    if kind == "tq2_0":
        qs = blocks[:, :64].reshape(nb, 2, 1, 32)
        shifts = _np.arange(0, 8, 2, dtype=_np.uint8)[:, None]
        codes = (qs >> shifts) & 3  # (nb, 2, 4, 32)
        values = codes.reshape(nb, 256).astype(_np.int8) - 1
        scales = blocks[:, 64:66]
    elif kind == "tq1_0":
        first = _base3_digits(blocks[:, :32], 5).reshape(nb, 160)
        second = _base3_digits(blocks[:, 32:48], 5).reshape(nb, 80)
        high = _base3_digits(blocks[:, 48:52], 4).reshape(nb, 16)
        values = _np.concatenate([first, second, high], axis=1) - 1
        scales = blocks[:, 52:54]
    else:
        qs = blocks[:, 2:18]
        values = _np.concatenate([qs & 15, qs >> 4], axis=1).astype(_np.int8) - 8
        scales = blocks[:, 0:2]
    return (values.reshape(-1).astype(_np.int8),
            _np.ascontiguousarray(scales).view(_np.float16).reshape(-1))


def to_gguf_blocks(values, scales, kind):
    """llama.cpp blocks of ``kind`` holding ``values`` and ``scales``.

    Args:
        values: integers, ``blocks * K`` of them in element order (any
            shape; flattened): trits for TQ2_0 and TQ1_0, [-8, 7] for Q4_0.
        scales: one scale per block, stored as IEEE half (rounded to
            nearest even).
        kind: ``"tq2_0"``, ``"tq1_0"`` or ``"q4_0"``.

    Returns:
        ``bytes``, exactly what llama.cpp stores for these values.

    Raises:
        ValueError: an unknown kind, a value count that is not whole
            blocks, a value out of range, or the wrong number of scales.
    """
    kind = _kind(kind)
    per_block, nbytes, (lo, hi) = GGUF_BLOCKS[kind]
    v = _np.asarray(values)
    if v.dtype.kind not in "iub":
        raise ValueError("%s values must be integers, got dtype %s" % (kind, v.dtype))
    v = v.reshape(-1)
    if v.size % per_block:
        raise ValueError(
            "%s holds whole blocks of %d values, got %d values" % (kind, per_block, v.size)
        )
    # Checked in the values' own dtype: a uint64 >= 2^63 must not wrap first.
    bad = _np.flatnonzero((v < lo) | (v > hi))
    if bad.size:
        raise ValueError(
            "%s values must be in [%d, %d]; value %d (at index %d) is not"
            % (kind, lo, hi, int(v[bad[0]]), bad[0])
        )
    v = v.astype(_np.int64)
    nb = v.size // per_block
    s = _np.asarray(scales, dtype=_np.float32).astype(_np.float16).reshape(-1)
    if s.size != nb:
        raise ValueError("%s: %d blocks need %d scales, got %d" % (kind, nb, nb, s.size))
    d = s.view(_np.uint8).reshape(nb, 2)
    codes = (v - lo).astype(_np.uint8).reshape(nb, per_block)
    if kind == "tq2_0":
        c = codes.reshape(nb, 2, 4, 32)
        shifts = _np.arange(0, 8, 2, dtype=_np.uint8)[:, None]
        qs = _np.bitwise_or.reduce(c << shifts, axis=2).reshape(nb, 64)
        out = _np.concatenate([qs, d], axis=1)
    elif kind == "tq1_0":
        first = _base3_bytes(codes[:, :160].reshape(nb, 5, 32))
        second = _base3_bytes(codes[:, 160:240].reshape(nb, 5, 16))
        high = _base3_bytes(codes[:, 240:].reshape(nb, 4, 4))
        out = _np.concatenate([first, second, high, d], axis=1)
    else:
        qs = codes[:, :16] | (codes[:, 16:] << 4)
        out = _np.concatenate([d, qs], axis=1)
    return out.astype(_np.uint8).tobytes()


def gguf_dequantize(data, kind):
    """The float32 weights of llama.cpp blocks: value * scale per element,
    as llama.cpp's ``dequantize_row`` computes them."""
    values, scales = from_gguf_blocks(data, kind)
    per_block = GGUF_BLOCKS[_kind(kind)][0]
    return (values.reshape(-1, per_block).astype(_np.float32)
            * scales.astype(_np.float32)[:, None]).reshape(-1)
