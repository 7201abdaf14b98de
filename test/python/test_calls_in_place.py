"""Compiled calls read numpy arrays that are their tensor's buffer, and
PackedArrays, in place, and write results that are their travel form into
new numpy arrays; everything else is converted. Both ways must give the
reference VM's results bit for bit, never touch the caller's arrays, and
return arrays the caller owns."""

import time

import numpy as np
import pytest

import anybit
from results import describe, same

RNG = np.random.default_rng(20261130)


def kernel(element, op, shape="5x7"):
    """f(a, b) = (a op b, a); arith takes signless integers, so ui and si
    tensors are cast to them and back."""
    t = "tensor<%sx%s>" % (shape, element)
    if element[:2] not in ("ui", "si"):
        body = "%%r = %s %%a, %%b : %s" % (op, t)
    else:
        s = "tensor<%sxi%s>" % (shape, element[2:])
        body = """%%x = anybit.cast %%a : %(t)s to %(s)s
  %%y = anybit.cast %%b : %(t)s to %(s)s
  %%z = %(op)s %%x, %%y : %(s)s
  %%r = anybit.cast %%z : %(s)s to %(t)s""" % {"t": t, "s": s, "op": op}
    return """
func.func @f(%%a: %(t)s, %%b: %(t)s) -> (%(t)s, %(t)s) {
  %(body)s
  return %%r, %%a : %(t)s, %(t)s
}""" % {"t": t, "body": body}


def random_bits(dtype, shape):
    """Arrays of `dtype` with every bit pattern possible (NaNs, infinities,
    high bits beyond a narrow integer's width)."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape)) * dtype.itemsize
    raw = RNG.integers(0, 256, n, dtype=np.uint8)
    return raw.view(dtype).reshape(shape).copy()


# (element type, op, numpy dtypes to pass: in place first, then others)
CASES = [
    ("i1", "arith.xori", ["bool", "int8", "uint8", "int64"]),
    ("i3", "arith.addi", ["int8", "uint8", "int32"]),
    ("ui5", "arith.addi", ["uint8", "int8", "int16"]),
    ("si1", "arith.xori", ["int8", "bool"]),
    ("si7", "arith.muli", ["int8", "uint8", "int64"]),
    ("i8", "arith.muli", ["int8", "uint8", "int16"]),
    ("i12", "arith.subi", ["int16", "uint16", "int64"]),
    ("i16", "arith.addi", ["int16", "uint16"]),
    ("ui16", "arith.muli", ["uint16", "int16", "uint32"]),
    ("i27", "arith.addi", ["int32", "uint32"]),
    ("i32", "arith.muli", ["int32", "uint32", "int64"]),
    ("i64", "arith.addi", ["int64", "uint64"]),
    ("ui64", "arith.muli", ["uint64", "int64"]),
    ("f16", "arith.mulf", ["float16", "float32"]),
    ("f32", "arith.addf", ["float32", "float64", "float16"]),
    ("f64", "arith.mulf", ["float64", "float32"]),
    ("bf16", "arith.addf", ["float32"]),
    ("f6E3M2FN", "arith.addf", ["float32"]),
]


@pytest.mark.parametrize("element,op,dtypes", CASES, ids=[c[0] for c in CASES])
def test_every_dtype_gives_the_vms_bits(element, op, dtypes):
    src = kernel(element, op)
    m = anybit.compile(src)
    for dtype in dtypes:
        a, b = random_bits(dtype, (5, 7)), random_bits(dtype, (5, 7))
        if np.dtype(dtype).kind == "f" and element in ("bf16", "f6E3M2FN"):
            a, b = np.nan_to_num(a), np.nan_to_num(b)
        keep_a, keep_b = a.copy(), b.copy()
        got = m.f(a, b)
        want = anybit.interpret(src, "f", a, b)
        for g, w in zip(got, want):
            assert same(g, w), describe(g, w)
        # The kernel only reads its arguments.
        assert same(a, keep_a), "the call changed its first argument"
        assert same(b, keep_b), "the call changed its second argument"


def test_arrays_that_are_not_buffers_are_converted():
    src = kernel("f32", "arith.mulf", "4x6")
    m = anybit.compile(src)
    base = RNG.standard_normal((8, 12)).astype(np.float32)
    raw = np.zeros(4 * 24 + 1, np.uint8)
    unaligned = np.frombuffer(raw.data, np.uint8, 96, 1).view(np.float32)
    unaligned = unaligned.reshape(4, 6)
    unaligned[:] = base[:4, :6]
    read_only = base[:4, :6].copy()
    read_only.setflags(write=False)
    for a in [
        base[::2, ::2],                          # strided
        base[:6, :4].T,                          # Fortran order
        base[:4, :6].astype(">f4"),              # big-endian
        unaligned,                               # misaligned
        read_only,                               # read-only, in place
        base[1:5, :6],                           # a view at an offset
        base[:4, :6].tolist(),                   # not an array
    ]:
        got = m.f(a, a)
        want = anybit.interpret(src, "f", a, a)
        for g, w in zip(got, want):
            assert same(g, w), describe(g, w)


def test_results_are_fresh_arrays_the_caller_owns():
    src = kernel("i32", "arith.addi", "3x4")
    m = anybit.compile(src)
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    r, copy = m.f(a, a)
    for x in (r, copy):
        assert x.flags.writeable and x.flags.c_contiguous
        assert not np.shares_memory(x, a)
    assert not np.shares_memory(r, copy)
    r[:] = -1
    copy[:] = -1
    r2, copy2 = m.f(a, a)
    np.testing.assert_array_equal(r2, 2 * a)
    np.testing.assert_array_equal(copy2, a)


def test_empty_and_zero_dimensional_tensors():
    for shape, arr in [("0x3", np.zeros((0, 3), np.float32)),
                       ("", np.float32(2.5)),
                       ("", np.array(2.5, np.float32))]:
        t = "tensor<%sf32>" % (shape + "x" if shape else "")
        src = """
func.func @f(%%a: %(t)s) -> %(t)s {
  %%r = arith.addf %%a, %%a : %(t)s
  return %%r : %(t)s
}""" % {"t": t}
        got = anybit.compile(src).f(arr)
        want = anybit.interpret(src, "f", arr)
        assert same(got, want), describe(got, want)


GEMV = """
func.func @gemv(%x: tensor<1x256xf32>, %w: tensor<48x256xi4, #anybit.packed<block = [1, 64], scale = f16>>) -> tensor<1x48xf32> {
  %y = anybit.matmul %x, %w {accumulator = f32, transpose_rhs} : tensor<1x256xf32>, tensor<48x256xi4, #anybit.packed<block = [1, 64], scale = f16>> -> tensor<1x48xf32>
  return %y : tensor<1x48xf32>
}

func.func @requantize(%w: tensor<48x256xi4, #anybit.packed<block = [1, 64], scale = f16>>) -> tensor<48x256xi4, #anybit.packed<block = [1, 64], scale = f16>> {
  %f = anybit.dequantize %w : tensor<48x256xi4, #anybit.packed<block = [1, 64], scale = f16>> -> tensor<48x256xf32>
  %q = anybit.quantize %f : tensor<48x256xf32> -> tensor<48x256xi4, #anybit.packed<block = [1, 64], scale = f16>>
  return %q : tensor<48x256xi4, #anybit.packed<block = [1, 64], scale = f16>>
}
"""


def test_packed_arguments_in_place_and_packed_results():
    w = anybit.quantize(RNG.standard_normal((48, 256)).astype(np.float32),
                        "i4", group_size=64)
    before = w.tobytes()
    x = RNG.standard_normal((1, 256)).astype(np.float32)
    m = anybit.compile(GEMV)
    got = m.gemv(x, w)
    want = anybit.interpret(GEMV, "gemv", x, w)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    # Its travel form, a uint8 array of the planes, is converted.
    np.testing.assert_array_equal(
        m.gemv(x, np.frombuffer(w.tobytes(), np.uint8)), got)
    q = m.requantize(w)
    assert isinstance(q, anybit.PackedArray)
    assert q == anybit.interpret(GEMV, "requantize", w)
    assert q == w and w.tobytes() == before
    np.testing.assert_array_equal(q.scales, w.scales)


def best_call(entry, arg, calls):
    """The fastest of `calls` calls of `entry(arg, arg)`, in seconds."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        entry(arg, arg)
        times.append(time.perf_counter() - start)
    return min(times)


def test_arrays_in_place_are_not_converted():
    """The in-place path is taken: converting a million floats element by
    element costs tens of times what the kernel does, so an argument that
    must be converted (f64 values for an f32 tensor, which the VM rounds)
    takes far longer than the same data in place. Best of several calls,
    and a wide margin, for a loaded machine."""
    n = 1 << 20
    m = anybit.compile(kernel("f32", "arith.addf", str(n)))
    a = RNG.standard_normal(n).astype(np.float32)
    in_place = best_call(m.f, a, 5)
    converted = best_call(m.f, a.astype(np.float64), 5)
    assert converted > 5 * in_place, (in_place, converted)


def test_arrays_that_differ_only_in_layout_are_copied_natively():
    """Big-endian, strided, transposed and misaligned arrays of the travel
    dtype's kind and size are copied by numpy into native C order and read
    in place: the VM's results, the caller's arrays untouched, and far
    faster than converting each element (a million big-endian floats)."""
    src = """
func.func @f(%a: tensor<4x6xi16>, %b: tensor<4x6xi3>, %c: tensor<4x6xf32>)
    -> (tensor<4x6xi16>, tensor<4x6xi3>, tensor<4x6xf32>) {
  %x = arith.addi %a, %a : tensor<4x6xi16>
  %y = arith.addi %b, %b : tensor<4x6xi3>
  %z = arith.mulf %c, %c : tensor<4x6xf32>
  return %x, %y, %z : tensor<4x6xi16>, tensor<4x6xi3>, tensor<4x6xf32>
}"""
    m = anybit.compile(src)
    ints = RNG.integers(-30000, 30000, (8, 12))
    floats = RNG.standard_normal((6, 4))
    for a, b, c in [
        (ints[:4, :6].astype(">i2"), ints[::2, ::2].astype(np.int8),
         floats.astype(">f4").T),
        (ints[:6, :4].astype(np.uint16).T, ints[:4, :6].astype(">i1"),
         floats.T.astype(np.float32)[:, :]),
    ]:
        keep = [x.copy() for x in (a, b, c)]
        got = m.f(a, b, c)
        want = anybit.interpret(src, "f", a, b, c)
        for g, w in zip(got, want):
            assert same(g, w), describe(g, w)
        for x, k in zip((a, b, c), keep):
            assert same(x, k) and x.dtype == k.dtype

    # (4M elements: on a host where fresh pages fault slowly, numpy's copy
    # of 1M costs a fifth of converting them; of 4M, a twentieth.)
    n = 1 << 22
    add = anybit.compile(kernel("f32", "arith.addf", str(n)))
    x = RNG.standard_normal(n).astype(np.float32)
    converted = best_call(add.f, x.astype(np.float64), 3)
    copied = best_call(add.f, x.astype(">f4"), 3)
    assert copied * 5 < converted, (copied, converted)


def test_float_arrays_of_their_own_type_keep_nan_payloads():
    """An f16 or f32 array of the tensor's own type is its bits, NaN
    payloads included, compiled (read in place) and on the VM alike."""
    src = """
func.func @f(%a: tensor<3xf16>, %b: tensor<2xf32>) -> (tensor<3xi16>, tensor<2xi32>) {
  %x = arith.bitcast %a : tensor<3xf16> to tensor<3xi16>
  %y = arith.bitcast %b : tensor<2xf32> to tensor<2xi32>
  return %x, %y : tensor<3xi16>, tensor<2xi32>
}"""
    a = np.array([0xFE00, 0x7C01, 0x3C00], np.uint16).view(np.float16)
    b = np.array([0x7F800001, 0xFFC12345], np.uint32).view(np.float32)
    got = anybit.compile(src).f(a, b)
    want = anybit.interpret(src, "f", a, b)
    for g, w, raw in zip(got, want, (a, b)):
        np.testing.assert_array_equal(g, w)
        np.testing.assert_array_equal(g, raw.view(g.dtype))
