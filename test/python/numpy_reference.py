"""Independent numpy references for the anybit Python tests.

Everything here is written from the prose of README.md and docs/semantics.md,
not from the C++ code: LSB-first bit packing, small float formats and their
round-to-nearest-even encoding, and the quantization formulas.
"""

import numpy as np

# ---------------------------------------------------------------------------
# Integers
# ---------------------------------------------------------------------------


def int_range(dtype):
    """[low, high) of an integer dtype string ("iN", "uiN", "siN"): i1 and
    uiN unsigned, the others two's complement."""
    bits = int(dtype.lstrip("sui"))
    if dtype.startswith("ui") or dtype == "i1":
        return 0, 2**bits
    return -(2 ** (bits - 1)), 2 ** (bits - 1)


def wrap(values, n, signed):
    """Python ints reduced modulo 2^n, as two's complement when signed."""
    out = []
    for v in np.asarray(values, dtype=object).ravel():
        v = int(v) % (1 << n)
        if signed and v >= 1 << (n - 1):
            v -= 1 << n
        out.append(v)
    return out


def travel_dtype(n, signed):
    """The numpy dtype an n-bit integer travels as."""
    if n == 1 and signed is None:
        return np.bool_
    size = 8 if n <= 8 else 16 if n <= 16 else 32 if n <= 32 else 64
    return np.dtype(("int%d" if signed else "uint%d") % size)


# ---------------------------------------------------------------------------
# Bit packing
# ---------------------------------------------------------------------------


def pack_bits(patterns, n, word=8, straddle=True):
    """Element i of n bits at bits [i*n, (i+1)*n) (or, without straddling,
    word-aligned slots); bit b is bit b % 8 of byte b // 8; the buffer is
    rounded up to whole words. `patterns` are non-negative Python ints."""
    patterns = [int(p) for p in np.asarray(patterns, dtype=object).ravel()]
    count = len(patterns)
    if straddle:
        offsets = [i * n for i in range(count)]
        total_bits = count * n
    else:
        per = word // n
        offsets = [(i // per) * word + (i % per) * n for i in range(count)]
        total_bits = -(-count // per) * word
    words = -(-total_bits // word)
    bits = np.zeros(words * word, dtype=np.uint8)
    for offset, p in zip(offsets, patterns):
        assert 0 <= p < 1 << n
        for b in range(n):
            bits[offset + b] = (p >> b) & 1
    return np.packbits(bits, bitorder="little")


def unpack_bits(buf, n, count):
    """The inverse of pack_bits (dense layout): non-negative Python ints."""
    bits = np.unpackbits(np.asarray(buf, dtype=np.uint8), bitorder="little")
    out = []
    for i in range(count):
        field = bits[i * n:(i + 1) * n]
        out.append(sum(int(bit) << b for b, bit in enumerate(field)))
    return out


# ---------------------------------------------------------------------------
# Small floats (finite-only signed formats: e2m1, e2m3, e3m2)
# ---------------------------------------------------------------------------


class SmallFloat:
    """[sign][e exponent bits][m mantissa bits], default bias 2^(e-1) - 1,
    subnormals at exponent 0, every pattern finite."""

    def __init__(self, e, m):
        self.e, self.m = e, m
        self.bias = (1 << (e - 1)) - 1
        self.width = 1 + e + m
        codes = np.arange(1 << (e + m))
        exp = codes >> m
        man = codes & ((1 << m) - 1)
        sub = man * 2.0 ** (1 - self.bias - m)
        norm = ((1 << m) + man) * 2.0 ** (exp - self.bias - m)
        self.magnitudes = np.where(exp == 0, sub, norm)
        assert np.all(np.diff(self.magnitudes) > 0)
        self.max = self.magnitudes[-1]

    def decode(self, patterns):
        patterns = np.asarray(patterns, dtype=np.int64)
        sign = (patterns >> (self.e + self.m)) & 1
        mag = self.magnitudes[patterns & ((1 << (self.e + self.m)) - 1)]
        return np.where(sign == 1, -mag, mag)

    def encode(self, values):
        """Round to nearest, ties to the even pattern; saturate; NaN -> +0;
        the sign of zero is kept."""
        values = np.asarray(values, dtype=np.float64).ravel()
        out = []
        for v in values:
            if np.isnan(v):
                out.append(0)
                continue
            neg = bool(np.signbit(v))
            a = abs(v)
            if a >= self.max:
                code = len(self.magnitudes) - 1
            else:
                hi = int(np.searchsorted(self.magnitudes, a, side="left"))
                if self.magnitudes[hi] == a:
                    code = hi
                else:
                    lo = hi - 1
                    dlo = a - self.magnitudes[lo]
                    dhi = self.magnitudes[hi] - a
                    if dlo < dhi:
                        code = lo
                    elif dhi < dlo:
                        code = hi
                    else:
                        code = lo if lo % 2 == 0 else hi
            out.append(code | ((1 << (self.e + self.m)) if neg else 0))
        return np.array(out, dtype=np.int64)


E2M1 = SmallFloat(2, 1)
E3M2 = SmallFloat(3, 2)
E2M3 = SmallFloat(2, 3)

# ---------------------------------------------------------------------------
# Quantization (docs/semantics.md, "Quantization")
# ---------------------------------------------------------------------------


def _blocks(x, group, axis):
    """x with `axis` moved last and split into (..., groups, group)."""
    xm = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    return xm.reshape(xm.shape[:-1] + (xm.shape[-1] // group, group))


def _unblock(q, axis):
    q = q.reshape(q.shape[:-2] + (q.shape[-2] * q.shape[-1],))
    return np.moveaxis(q, -1, axis)


def _grid(s, axis):
    return np.moveaxis(s, -1, axis)


def round_f16(s):
    """A double rounded to f16 (numpy rounds double -> half correctly)."""
    return np.asarray(s, dtype=np.float64).astype(np.float16).astype(np.float64)


def quantize_int_symmetric(x, bits, group, axis=-1, round_scale=round_f16):
    qmax = (1 << (bits - 1)) - 1
    qmin = -(1 << (bits - 1))
    b = _blocks(x, group, axis)
    absmax = np.max(np.abs(b), axis=-1)
    s = absmax / qmax
    s = np.where(s == 0, 1.0, s)
    s = round_scale(s)
    q = np.clip(np.rint(b / s[..., None]), qmin, qmax)
    return _unblock(q, axis), _grid(s, axis)


def quantize_uint_asymmetric(x, bits, group, axis=-1, round_scale=round_f16):
    qmin, qmax = 0, (1 << bits) - 1
    b = _blocks(x, group, axis)
    lo = np.minimum(np.min(b, axis=-1), 0.0)
    hi = np.maximum(np.max(b, axis=-1), 0.0)
    s = (hi - lo) / (qmax - qmin)
    s = np.where(s == 0, 1.0, s)
    s = round_scale(s)
    z = np.clip(np.rint(qmin - lo / s), qmin, qmax)
    q = np.clip(np.rint(b / s[..., None]) + z[..., None], qmin, qmax)
    return _unblock(q, axis), _grid(s, axis), _grid(z, axis)


def quantize_float(x, fmt, group, axis=-1, round_scale=round_f16):
    """Float codes with a scale of a type that has a mantissa."""
    b = _blocks(x, group, axis)
    absmax = np.max(np.abs(b), axis=-1)
    s = absmax / fmt.max
    s = np.where(s == 0, 1.0, s)
    s = round_scale(s)
    ratios = b / s[..., None]
    patterns = fmt.encode(ratios).reshape(ratios.shape)
    return _unblock(patterns, axis), _grid(s, axis)


def floor_log2(v):
    """floor(log2 v) for finite v > 0, exactly."""
    _, e = np.frexp(v)
    return e - 1


def quantize_mx(x, fmt, group, axis=-1):
    """Float codes with a power-of-two (e8m0) scale:
    s = 2^(floor(log2 max|x|) - floor(log2 maxFinite))."""
    b = _blocks(x, group, axis)
    absmax = np.max(np.abs(b), axis=-1)
    emax = int(floor_log2(fmt.max))
    safe = np.where(absmax == 0, 1.0, absmax)
    s = np.where(absmax == 0, 1.0, np.ldexp(1.0, floor_log2(safe) - emax))
    ratios = b / s[..., None]
    patterns = fmt.encode(ratios).reshape(ratios.shape)
    return _unblock(patterns, axis), _grid(s, axis)


def expand(grid_values, shape, group, axis):
    """Block values repeated over their blocks (the shape of x)."""
    return np.repeat(np.asarray(grid_values), group, axis=axis).reshape(shape)


def random_ints(rnd, n, count, signed=True):
    """Python ints in the n-bit range, at its edges and anywhere in 64 bits
    (to test wrapping)."""
    lo64, hi64 = (-(1 << 63), (1 << 63) - 1) if signed else (0, (1 << 64) - 1)
    lo, hi = (-(1 << (n - 1)), (1 << (n - 1)) - 1) if signed else (0, (1 << n) - 1)
    out = []
    for _ in range(count):
        kind = rnd.randrange(3)
        if kind == 0:
            out.append(rnd.randint(lo, hi))
        elif kind == 1:
            out.append(rnd.choice([lo, hi, lo64, hi64, 0, 1]))
        else:
            out.append(rnd.randint(lo64, hi64))
    return out


def run_in_threads(work, count=4):
    """Runs work(i) on `count` threads at once; returns the exceptions raised."""
    import threading

    errors = []

    def guarded(i):
        try:
            work(i)
        except Exception as e:  # reported to the caller
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors

