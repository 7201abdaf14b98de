"""modarith kernels from Python: residues travel as numpy integer arrays,
every reduction method agrees with the reference VM and with Python's exact
integers, and methods that cannot handle a modulus raise CompileError."""

import random

import numpy as np
import pytest

import anybit

RNG = random.Random(4099)
METHODS = ["auto", "barrett", "montgomery", "shoup", "remainder"]


def kernel(q, w, n):
    t = "tensor<%dx!modarith.int<%d : i%d>>" % (n, q, w)
    c = RNG.randrange(q)
    return """
func.func @f(%%a: %(t)s, %%b: %(t)s) -> (%(t)s, %(t)s, %(t)s) {
  %%c = modarith.constant dense<%(c)d> : %(t)s
  %%p = modarith.mul %%a, %%b : %(t)s
  %%m = modarith.mac %%a, %%c, %%b : %(t)s
  %%d = modarith.sub %%p, %%m : %(t)s
  return %%p, %%m, %%d : %(t)s, %(t)s, %(t)s
}
""" % {"t": t, "c": c}, c


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("q,w", [(1073692673, 32), (65537, 32), (97, 8),
                                 (4611686018427387847, 64),
                                 (1152921504606846883, 64)])
def test_methods_match_the_vm_and_exact_integers(method, q, w):
    n = 257
    source, c = kernel(q, w, n)
    dtype = np.uint64 if w == 64 else np.uint32 if w == 32 else np.uint8
    a = np.array([RNG.randrange(q) for _ in range(n)], dtype=dtype)
    b = np.array([RNG.randrange(q) for _ in range(n)], dtype=dtype)
    a[:3] = [0, 1, q - 1]
    b[:3] = [q - 1, q - 1, q - 1]
    module = anybit.compile(source, reduction=method)
    assert module.reduction == method
    got = module.f(a, b)
    want = anybit.interpret(source, "f", a, b)
    for g, v in zip(got, want):
        assert g.dtype == v.dtype and np.array_equal(g, v)
    exact = [(int(x) * int(y)) % q for x, y in zip(a, b)]
    assert [int(x) for x in got[0]] == exact
    assert [int(x) for x in got[1]] == [(int(x) * c + int(y)) % q
                                        for x, y in zip(a, b)]


def test_published_bat_example():
    source = """
func.func @f(%t: !modarith.int<1073692673 : i32>,
             %x: !modarith.int<1073692673 : i32>) -> !modarith.int<1073692673 : i32> {
  %p = modarith.mul %t, %x : !modarith.int<1073692673 : i32>
  return %p : !modarith.int<1073692673 : i32>
}"""
    for method in METHODS:
        assert int(anybit.compile(source, reduction=method).f(123456789, 987654321)) == 397671139


def test_a_method_that_cannot_handle_the_modulus_raises():
    source, _ = kernel(18446744073709551557, 64, 4)
    with pytest.raises(anybit.CompileError, match="cannot use Barrett reduction"):
        anybit.compile(source, reduction="barrett")
    even, _ = kernel(1 << 20, 32, 4)
    with pytest.raises(anybit.CompileError, match="needs an odd modulus"):
        anybit.compile(even, reduction="montgomery")
    # auto falls back to the remainder, exactly.
    a = np.array([18446744073709551556, 2, 3, 4], dtype=np.uint64)
    got = anybit.compile(source).f(a, a)[0]
    assert [int(x) for x in got] == [(int(x) * int(x)) % 18446744073709551557 for x in a]


def test_bad_options_and_residues_raise_value_error():
    source, _ = kernel(97, 8, 4)
    with pytest.raises(ValueError, match="unknown reduction 'fast'"):
        anybit.compile(source, reduction="fast")
    with pytest.raises(ValueError, match="unknown ntt lowering 'fft'; expected one of radix2, mat"):
        anybit.compile(source, ntt="fft")
    with pytest.raises(ValueError, match="ntt must be a string"):
        anybit.compile(source, ntt=2)
    with pytest.raises(ValueError, match="threads must be"):
        anybit.compile(source, threads=-1)
    with pytest.raises(ValueError, match="threads must be an int"):
        anybit.compile(source, threads="2")
    module = anybit.compile(source)
    with pytest.raises(ValueError, match=r"must be in \[0, 97\)"):
        module.f(np.array([1, 2, 3, 97], dtype=np.uint8), np.zeros(4, np.uint8))


def test_options_are_part_of_the_cache_key():
    source, _ = kernel(97, 8, 4)
    barrett = anybit.compile(source, reduction="barrett")
    assert anybit.compile(source, reduction="barrett") is barrett
    assert anybit.compile(source, reduction="montgomery") is not barrett
    two = anybit.compile(source, threads=2)
    assert two.threads == 2 and two is not anybit.compile(source, threads=1)


@pytest.mark.parametrize("ntt,bat", [("radix2", False), ("mat", False), ("mat", True)])
def test_ntt_round_trip_and_negacyclic_product(ntt, bat):
    q, n = 1073479681, 256
    t = "tensor<2x%dx!modarith.int<%d : i32>>" % (n, q)
    source = """
func.func @f(%%a: %(t)s, %%b: %(t)s) -> (%(t)s, %(t)s) {
  %%fa = modarith.ntt %%a : %(t)s
  %%fb = modarith.ntt %%b : %(t)s
  %%p = modarith.mul %%fa, %%fb : %(t)s
  %%c = modarith.intt %%p : %(t)s
  return %%fa, %%c : %(t)s, %(t)s
}""" % {"t": t}
    a = np.array([[RNG.randrange(q) for _ in range(n)] for _ in range(2)], dtype=np.uint32)
    b = np.array([[RNG.randrange(q) for _ in range(n)] for _ in range(2)], dtype=np.uint32)
    module = anybit.compile(source, ntt=ntt, bat=bat)
    assert module.ntt == ntt and module.bat == bat
    fa, c = module.f(a, b)
    want_fa, want_c = anybit.interpret(source, "f", a, b)
    assert np.array_equal(fa, want_fa) and np.array_equal(c, want_c)
    # Schoolbook a * b mod (X^n + 1, q), with Python's integers.
    for row in range(2):
        x, y = [int(v) for v in a[row]], [int(v) for v in b[row]]
        want = [0] * n
        for i in range(n):
            for j in range(n):
                k, s = (i + j) % n, (1 if i + j < n else -1)
                want[k] += s * x[i] * y[j]
        assert [int(v) for v in c[row]] == [v % q for v in want]


def test_bat_matvec_equals_direct_and_exact_integers():
    q, r = 1073692673, 48
    t = [[RNG.randrange(q) for _ in range(r)] for _ in range(r)]
    e = "!modarith.int<%d : i32>" % q
    source = """
func.func @f(%%x: tensor<%(r)dx%(e)s>) -> tensor<%(r)dx%(e)s> {
  %%t = modarith.constant dense<%(t)s> : tensor<%(r)dx%(r)dx%(e)s>
  %%y = modarith.matmul %%t, %%x : tensor<%(r)dx%(r)dx%(e)s>, tensor<%(r)dx%(e)s> -> tensor<%(r)dx%(e)s>
  return %%y : tensor<%(r)dx%(e)s>
}""" % {"r": r, "e": e, "t": str(t)}
    x = np.array([RNG.randrange(q) for _ in range(r)], dtype=np.uint32)
    bat = anybit.compile(source, bat=True)
    assert bat.bat and not anybit.compile(source).bat
    got = bat.f(x)
    assert np.array_equal(got, anybit.compile(source).f(x))
    assert [int(v) for v in got] == [sum(t[i][j] * int(x[j]) for j in range(r)) % q
                                     for i in range(r)]
    with pytest.raises(ValueError, match="bat must be True or False"):
        anybit.compile(source, bat=1)


def test_rns_tensors_compile_and_check_their_limbs():
    """An RNS tensor travels as its words, limb-major, unsigned; each limb's
    residues must be below its own modulus."""
    q = [1073479681, 998244353, 754974721]
    t = "tensor<3x5xi32, #modarith.rns<[%s]>>" % ", ".join(map(str, q))
    source = """
func.func @f(%%x: %(t)s, %%y: %(t)s) -> %(t)s {
  %%m = modarith.mul %%x, %%y : %(t)s
  %%s = modarith.mac %%m, %%x, %%y : %(t)s
  return %%s : %(t)s
}""" % {"t": t}
    x = np.array([[RNG.randrange(p) for _ in range(5)] for p in q], dtype=np.uint32)
    y = np.array([[RNG.randrange(p) for _ in range(5)] for p in q], dtype=np.uint32)
    x[:, 0] = [p - 1 for p in q]
    got = anybit.compile(source).f(x, y)
    assert got.dtype == np.uint32
    assert np.array_equal(got, anybit.interpret(source, "f", x, y))
    for limb, p in enumerate(q):
        for i in range(5):
            a, b = int(x[limb, i]), int(y[limb, i])
            assert int(got[limb, i]) == (a * b * a + b) % p
    bad = x.copy()
    bad[1, 2] = q[1]
    with pytest.raises(ValueError, match="a residue modulo 998244353 must be in"):
        anybit.compile(source).f(bad, y)
