"""Comparisons of compiled results with the reference VM's, shared by the
Python tests."""

import numpy as np

import anybit


def same(got, want):
    """Bit-for-bit equality of two results (arrays, PackedArrays, None or
    tuples of them); NaNs equal NaNs."""
    if want is None:
        return got is None
    if isinstance(want, tuple):
        return (isinstance(got, tuple) and len(got) == len(want)
                and all(same(g, w) for g, w in zip(got, want)))
    if isinstance(want, anybit.PackedArray):
        return (isinstance(got, anybit.PackedArray) and got.type == want.type
                and got.tobytes() == want.tobytes())
    if not isinstance(got, np.ndarray) or got.dtype != want.dtype or got.shape != want.shape:
        return False
    if want.dtype.kind != "f":
        return np.array_equal(got, want)
    bits = np.dtype("u%d" % want.dtype.itemsize)
    equal = got.view(bits) == want.view(bits)
    return bool(np.all(equal | (np.isnan(got) & np.isnan(want))))


def describe(got, want):
    return "compiled:\n%r\nreference VM:\n%r" % (got, want)
