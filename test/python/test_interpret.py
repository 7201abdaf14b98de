"""anybit.interpret: kernels on the reference VM against numpy."""

import os
import pathlib
import signal
import threading
import time

import numpy as np
import pytest

import anybit
import numpy_reference as ref

RNG = np.random.default_rng(20240611)

BINARY_I3 = """
func.func @ops(%a: tensor<64xi3>, %b: tensor<64xi3>)
    -> (tensor<64xi3>, tensor<64xi3>, tensor<64xi3>) {
  %s = arith.addi %a, %b : tensor<64xi3>
  %d = arith.subi %a, %b : tensor<64xi3>
  %p = arith.muli %a, %b : tensor<64xi3>
  return %s, %d, %p : tensor<64xi3>, tensor<64xi3>, tensor<64xi3>
}
"""


def test_i3_wraparound():
    a = RNG.integers(-4, 4, 64)
    b = RNG.integers(-4, 4, 64)
    s, d, p = anybit.interpret(BINARY_I3, "ops", a, b)
    for got, want in [(s, a + b), (d, a - b), (p, a * b)]:
        assert got.dtype == np.int8
        assert got.shape == (64,)
        np.testing.assert_array_equal(got, ref.wrap(want, 3, signed=True))


def test_i3_inputs_wrap_on_the_way_in():
    # 5 -> -3, 12 -> -4, -5 -> 3, as the VM reduces modulo 2^3.
    a = np.array([5, 12, -5] + [0] * 61, dtype=np.int64)
    s, _, _ = anybit.interpret(BINARY_I3, "ops", a, np.zeros(64, np.int32))
    np.testing.assert_array_equal(s[:3], [-3, -4, 3])


def test_unsigned_and_wide_integers():
    # arith takes signless integers only; ui4 values go through anybit.cast.
    k = """
    func.func @f(%a: tensor<5xui4>, %b: tensor<5xi37>) -> (tensor<5xui4>, tensor<5xi8>, tensor<5xi37>) {
      %w = anybit.cast %a : tensor<5xui4> to tensor<5xi8>
      %y = arith.muli %b, %b : tensor<5xi37>
      return %a, %w, %y : tensor<5xui4>, tensor<5xi8>, tensor<5xi37>
    }
    """
    a = np.array([0, 6, -1, 15, 20])
    b = np.array([1, -3, 1 << 20, (1 << 36) - 1, 12345678])
    x, w, y = anybit.interpret(k, "f", a, b)
    assert x.dtype == np.uint8 and w.dtype == np.int8 and y.dtype == np.int64
    np.testing.assert_array_equal(x, ref.wrap(a, 4, signed=False))
    np.testing.assert_array_equal(w, [0, 6, 15, 15, 4])
    want = [int(v) * int(v) for v in b]
    np.testing.assert_array_equal(y, ref.wrap(want, 37, signed=True))


def test_scalar_arguments_and_result():
    k = """
    func.func @f(%a: i7, %b: i7, %x: f32) -> (i7, f32, i1) {
      %s = arith.addi %a, %b : i7
      %y = arith.mulf %x, %x : f32
      %c = arith.cmpi slt, %a, %b : i7
      return %s, %y, %c : i7, f32, i1
    }
    """
    s, y, c = anybit.interpret(k, "f", 60, np.int16(10), 1.5)
    assert s.shape == () and s.dtype == np.int8 and int(s) == 70 - 128
    assert y.dtype == np.float32 and float(y) == 2.25
    assert c.dtype == np.bool_ and not bool(c)
    s, _, c = anybit.interpret(k, "f", np.array(-3), True, np.float32(0))
    assert int(s) == -2 and bool(c)


def test_zero_and_one_results():
    k = """
    func.func @none(%a: i8) { return }
    func.func @one(%a: tensor<2xf64>) -> tensor<2xf64> { return %a : tensor<2xf64> }
    """
    assert anybit.interpret(k, "none", 1) is None
    r = anybit.interpret(k, "@one", [0.1, -2.0])
    assert isinstance(r, np.ndarray) and r.dtype == np.float64
    np.testing.assert_array_equal(r, [0.1, -2.0])


def test_inputs_of_any_layout_and_byte_order():
    k = """
    func.func @id(%a: tensor<3x4xi16>, %b: tensor<3x4xf32>) -> (tensor<3x4xi16>, tensor<3x4xf32>) {
      return %a, %b : tensor<3x4xi16>, tensor<3x4xf32>
    }
    """
    a = np.arange(12, dtype=">i4").reshape(4, 3).T  # big-endian, transposed
    b = (np.arange(24, dtype=np.float64).reshape(3, 8) / 3)[:, ::2]  # strided
    ra, rb = anybit.interpret(k, "id", a, b)
    np.testing.assert_array_equal(ra, a.astype(np.int16))
    np.testing.assert_array_equal(rb, b.astype(np.float32))


def test_e3m2_cast_against_numpy_table():
    k = """
    func.func @cast(%x: tensor<512xf32>) -> (tensor<512x!anybit.float<e3m2>>, tensor<512xf6E3M2FN>) {
      %a = anybit.cast %x : tensor<512xf32> to tensor<512x!anybit.float<e3m2>>
      %b = anybit.cast %x : tensor<512xf32> to tensor<512xf6E3M2FN>
      return %a, %b : tensor<512x!anybit.float<e3m2>>, tensor<512xf6E3M2FN>
    }
    """
    # Every representable value, every midpoint (ties), random values and
    # values beyond the range (saturation).
    mags = ref.E3M2.magnitudes
    mids = (mags[1:] + mags[:-1]) / 2
    x = np.concatenate([mags, -mags, mids, -mids, [40.0, -1e6, 28.5, 0.01]])
    x = np.concatenate([x, RNG.uniform(-30, 30, 512 - x.size)]).astype(np.float32)
    a, b = anybit.interpret(k, "cast", x)
    want = ref.E3M2.decode(ref.E3M2.encode(x)).astype(np.float32)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, want)
    np.testing.assert_array_equal(b, want)
    assert np.array_equal(np.signbit(a), np.signbit(want))


def test_f16_travels_as_float16():
    k = """
    func.func @h(%x: tensor<4xf16>) -> tensor<4xf16> {
      %y = arith.addf %x, %x : tensor<4xf16>
      return %y : tensor<4xf16>
    }
    """
    x = np.array([1.0, 0.1, 30000.0, -3.0], dtype=np.float32)
    y = anybit.interpret(k, "h", x)
    assert y.dtype == np.float16
    # Inputs round to f16; the sum is exact (doubling), so it is rounded once.
    want = (x.astype(np.float16).astype(np.float64) * 2).astype(np.float16)
    np.testing.assert_array_equal(y, want)
    # 65504 * 2 overflows f16 to infinity.
    assert np.isinf(anybit.interpret(k, "h", np.full(4, 65504.0))).all()


MATMUL_F32 = """
func.func @mm(%a: tensor<8x48xf32>, %b: tensor<48x16xf32>) -> tensor<8x16xf32> {
  %c = anybit.matmul %a, %b {accumulator = f32}
         : tensor<8x48xf32>, tensor<48x16xf32> -> tensor<8x16xf32>
  return %c : tensor<8x16xf32>
}
"""


def test_matmul_f32_against_numpy():
    a = RNG.standard_normal((8, 48)).astype(np.float32)
    b = RNG.standard_normal((48, 16)).astype(np.float32)
    c = anybit.interpret(MATMUL_F32, "mm", a, b)
    assert c.dtype == np.float32 and c.shape == (8, 16)
    np.testing.assert_allclose(c, a.astype(np.float64) @ b.astype(np.float64), rtol=1e-5, atol=1e-5)


def test_integer_matmul_bit_exact():
    k = """
    func.func @mm(%a: tensor<6x40xi8>, %b: tensor<40x5xi5>) -> (tensor<6x5xi32>, tensor<6x5xi12>) {
      %c = anybit.matmul %a, %b {accumulator = i32}
             : tensor<6x40xi8>, tensor<40x5xi5> -> tensor<6x5xi32>
      %d = anybit.matmul %a, %b {accumulator = i12}
             : tensor<6x40xi8>, tensor<40x5xi5> -> tensor<6x5xi12>
      return %c, %d : tensor<6x5xi32>, tensor<6x5xi12>
    }
    """
    a = RNG.integers(-128, 128, (6, 40))
    b = RNG.integers(-16, 16, (40, 5))
    c, d = anybit.interpret(k, "mm", a, b)
    exact = a.astype(np.int64) @ b.astype(np.int64)
    assert c.dtype == np.int32 and d.dtype == np.int16
    np.testing.assert_array_equal(c, exact)
    np.testing.assert_array_equal(d.ravel(), ref.wrap(exact, 12, signed=True))


def test_scf_loop_kernel():
    k = """
    func.func @sum(%n: index) -> i5 {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %z = arith.constant 0 : i5
      %one = arith.constant 3 : i5
      %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %z) -> (i5) {
        %next = arith.addi %acc, %one : i5
        scf.yield %next : i5
      }
      return %r : i5
    }
    """
    r = anybit.interpret(k, "sum", 11)
    assert int(r) == ref.wrap([33], 5, signed=True)[0]


def test_source_from_a_file(tmp_path):
    path = tmp_path / "kernel.mlir"
    path.write_text(BINARY_I3)
    a = np.array([3] * 64)
    for source in (str(path), path, pathlib.Path(path)):
        s, _, _ = anybit.interpret(source, "ops", a, a)
        np.testing.assert_array_equal(s, [-2] * 64)
    # A path without the .mlir suffix is read when the file exists.
    other = tmp_path / "kernel.txt"
    other.write_text(BINARY_I3)
    s, _, _ = anybit.interpret(str(other), "ops", a, a)
    np.testing.assert_array_equal(s, [-2] * 64)


def test_module_cache_is_not_confused_by_different_sources():
    k1 = "func.func @f(%a: i8) -> i8 { %b = arith.addi %a, %a : i8\n return %b : i8 }"
    k2 = "func.func @f(%a: i8) -> i8 { %b = arith.muli %a, %a : i8\n return %b : i8 }"
    for _ in range(3):
        assert int(anybit.interpret(k1, "f", 7)) == 14
        assert int(anybit.interpret(k2, "f", 7)) == 49


def test_reentrant_calls_from_argument_conversion():
    """An argument whose conversion calls back into anybit (an __array__
    method) neither deadlocks nor disturbs the outer call."""

    class Lazy:
        def __array__(self, dtype=None):
            anybit._anybit.clear_cache()  # evicts the outer call's module
            inner = anybit.interpret(BINARY_I3, "ops", [1] * 64, [2] * 64)[0]
            return np.asarray(inner, dtype=dtype)

    s, _, _ = anybit.interpret(BINARY_I3, "ops", Lazy(), Lazy())
    np.testing.assert_array_equal(s, [-2] * 64)


def test_threads_share_the_vm():
    def work(i):
        for j in range(50):
            s, _, _ = anybit.interpret(BINARY_I3, "ops", [i] * 64, [j] * 64)
            assert list(s) == ref.wrap([i + j] * 64, 3, signed=True)
            big = np.arange(1 << 16, dtype=np.float32).reshape(64, -1)
            anybit.quantize(big, "i4")  # numpy may release the GIL here

    assert ref.run_in_threads(work) == []


FOREVER = """
func.func @spin(%x: i64) -> i64 {
  %r = scf.while (%a = %x) : (i64) -> i64 {
    %t = arith.constant true
    scf.condition(%t) %a : i64
  } do {
  ^bb0(%b: i64):
    %c1 = arith.constant 1 : i64
    %n = arith.addi %b, %c1 : i64
    scf.yield %n : i64
  }
  return %r : i64
}
"""


def test_ctrl_c_stops_a_kernel_that_loops_forever():
    # The VM polls Python's signal handlers while it runs: SIGINT raises
    # KeyboardInterrupt out of interpret instead of leaving it spinning.
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        anybit.interpret(FOREVER, "spin", 0)
    timer.join()
    assert time.monotonic() - start < 10
    # The package works on afterwards.
    assert int(anybit.interpret(SCALAR_LOOP, "sum", 4)) == 12


SCALAR_LOOP = """
func.func @sum(%n: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i64
  %three = arith.constant 3 : i64
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %z) -> (i64) {
    %next = arith.addi %acc, %three : i64
    scf.yield %next : i64
  }
  return %r : i64
}
"""


def test_other_threads_run_while_the_vm_does():
    # The VM runs without the GIL: a Python thread counts on meanwhile, at
    # a good part of the rate it counts at alone. Holding the GIL, it would
    # count for one switch interval (5 ms) after the call.
    count = 0
    done = threading.Event()

    def counter():
        nonlocal count
        while not done.is_set():
            count += 1

    thread = threading.Thread(target=counter)
    thread.start()
    try:
        n = 20000
        while True:  # a third of a second of VM time, whatever its speed
            start = time.monotonic()
            assert int(anybit.interpret(SCALAR_LOOP, "sum", n)) == 3 * n
            if time.monotonic() - start > 0.33:
                break
            n *= 2
        before = count
        time.sleep(0.2)
        rate = (count - before) / 0.2
        before = count
        start = time.monotonic()
        anybit.interpret(SCALAR_LOOP, "sum", n)
        elapsed = time.monotonic() - start
        ran = count - before
        assert ran > 0.2 * rate * elapsed, (ran, rate, elapsed)
    finally:
        done.set()
        thread.join()
