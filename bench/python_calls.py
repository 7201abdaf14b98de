"""What a compiled call costs from Python, against numpy in the same run.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_calls.py

Prints, for each case, the best of several timed calls (warm caches; the
weights of the GEMV fit in the last-level cache on most hosts, so it shows
the call's overhead rather than memory bandwidth) and its ratio to the
numpy baseline: a call's fixed cost on tiny arrays, an f32 addition of 4M
elements (arrays in place), the same with byte-swapped arguments (which
numpy copies into native byte order first), an i4 GEMV with f16 group scales (the
PackedArray read in place) against numpy's f32 matrix-vector product, and
anybit.pack / anybit.unpack of 16M int8 values as i4, and anybit.pack of
16M f32 values as e2m1, against numpy's vector operations making the same
bytes.
"""

import sys
import time

import numpy as np

import anybit

RNG = np.random.default_rng(1)


def best(call, seconds=0.5, at_least=5):
    """The fastest of repeated calls, for about `seconds`."""
    times = []
    deadline = time.perf_counter() + seconds
    while len(times) < at_least or time.perf_counter() < deadline:
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def add_kernel(n):
    t = "tensor<%dxf32>" % n
    return """
func.func @add(%%a: %(t)s, %%b: %(t)s) -> %(t)s {
  %%r = arith.addf %%a, %%b : %(t)s
  return %%r : %(t)s
}""" % {"t": t}


def gemv_kernel(n, k, group):
    w = "tensor<%dx%dxi4, #anybit.packed<block = [1, %d], scale = f16>>" % (
        n, k, group)
    return """
func.func @gemv(%%x: tensor<1x%(k)dxf32>, %%w: %(w)s) -> tensor<1x%(n)dxf32> {
  %%y = anybit.matmul %%x, %%w {accumulator = f32, transpose_rhs} : tensor<1x%(k)dxf32>, %(w)s -> tensor<1x%(n)dxf32>
  return %%y : tensor<1x%(n)dxf32>
}""" % {"n": n, "k": k, "w": w}


def row(label, anybit_s, numpy_s, note=""):
    print("  %-34s %10.1f us %10.1f us %8.2fx  %s" %
          (label, anybit_s * 1e6, numpy_s * 1e6, numpy_s / anybit_s, note))


def main():
    print("anybit Python calls against numpy (best of repeated calls, warm)")
    print("  %-34s %13s %13s %9s" % ("case", "anybit", "numpy", "speedup"))

    for n in (16, 1 << 22):
        m = anybit.compile(add_kernel(n))
        a = RNG.standard_normal(n).astype(np.float32)
        b = RNG.standard_normal(n).astype(np.float32)
        assert np.array_equal(m.add(a, b), a + b)
        t = best(lambda: m.add(a, b))
        gbs = "%.1f GB/s of arrays" % (3 * 4 * n / t / 1e9) if n > 16 else ""
        row("f32 add, %d elements" % n, t, best(lambda: a + b), gbs)
        if n > 16:
            sa, sb = a.astype(">f4"), b.astype(">f4")
            row("  byte-swapped (copied)", best(lambda: m.add(sa, sb)),
                best(lambda: sa + sb))

    n = k = 4096
    m = anybit.compile(gemv_kernel(n, k, 128))
    w_f32 = RNG.standard_normal((n, k)).astype(np.float32)
    w = anybit.quantize(w_f32, "i4", group_size=128)
    x = RNG.standard_normal((1, k)).astype(np.float32)
    dense = anybit.dequantize(w, "f32")
    y = m.gemv(x, w)
    np.testing.assert_allclose(y, x @ dense.T, rtol=1e-3, atol=1e-2)
    t = best(lambda: m.gemv(x, w), seconds=1.0)
    row("i4 GEMV %dx%d G=128 (vs f32)" % (n, k), t,
        best(lambda: x @ dense.T, seconds=1.0),
        "%.1f GB/s of weights" % (w.nbytes / t / 1e9))

    # pack and unpack of 4096 x 4096 int8 values as i4 (LSB-first nibbles)
    # against the same bytes made by numpy's vector operations.
    codes = RNG.integers(-8, 8, (n, k)).astype(np.int8)
    flat = codes.reshape(-1)

    def numpy_pack():
        return ((flat[0::2] & 0xF) | ((flat[1::2] & 0xF) << 4)).astype(np.uint8)

    def numpy_unpack(data):
        nibbles = np.empty(2 * data.size, np.int8)
        nibbles[0::2] = (data & 0xF).astype(np.int8)
        nibbles[1::2] = (data >> 4).astype(np.int8)
        return ((nibbles ^ 8) - 8).reshape(n, k)

    p = anybit.pack(codes, "i4")
    assert np.array_equal(p.data, numpy_pack())
    assert np.array_equal(anybit.unpack(p), numpy_unpack(p.data))
    row("pack int8 -> i4, %dx%d" % (n, k), best(lambda: anybit.pack(codes, "i4")),
        best(numpy_pack), "%.1f ns an element" %
        (best(lambda: anybit.pack(codes, "i4")) / codes.size * 1e9))
    data = np.array(p.data)
    row("unpack i4 -> int8, %dx%d" % (n, k), best(lambda: anybit.unpack(p)),
        best(lambda: numpy_unpack(data)))

    # f32 to e2m1 (values 0, 0.5, 1, 1.5, 2, 3, 4, 6; nearest, ties to the
    # even pattern; past 6 saturates): a step at each midpoint, or just
    # above it where the tie goes to the lower pattern.
    values = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6])
    mids = (values[:-1] + values[1:]) / 2
    steps = np.where(np.arange(1, 8) % 2 == 0, mids,
                     np.nextafter(mids, np.inf)).astype(np.float32)

    def numpy_pack_e2m1():
        codes = np.searchsorted(steps, np.abs(w_f32).reshape(-1), "right")
        codes = codes.astype(np.uint8) | (np.signbit(w_f32).reshape(-1) << 3)
        return codes[0::2] | (codes[1::2] << 4)

    p = anybit.pack(w_f32, "e2m1")
    assert np.array_equal(p.data, numpy_pack_e2m1())
    t = best(lambda: anybit.pack(w_f32, "e2m1"))
    row("pack f32 -> e2m1, %dx%d" % (n, k), t, best(numpy_pack_e2m1),
        "%.1f ns an element" % (t / w_f32.size * 1e9))
    return 0


if __name__ == "__main__":
    sys.exit(main())
