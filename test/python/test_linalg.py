"""linalg structured ops, compiled and on the reference VM: random widths,
random shapes, residues in payloads; results identical bit for bit."""

import random

import numpy as np
import pytest

import anybit
from results import describe, same

RNG = random.Random(20261201)


def dtype_for(width, signed):
    for bits in (8, 16, 32, 64):
        if width <= bits:
            return np.dtype(("i" if signed else "u") + str(bits // 8))
    raise ValueError(width)


def random_ints(shape, width, signed=True):
    lo, hi = (-(1 << (width - 1)), (1 << (width - 1)) - 1) if signed else (0, (1 << width) - 1)
    values = [RNG.randint(lo, hi) for _ in range(int(np.prod(shape)))]
    return np.array(values, dtype=dtype_for(width, signed)).reshape(shape)


def check(kernel, entry, *args, **options):
    got = getattr(anybit.compile(kernel, **options), entry)(*args)
    want = anybit.interpret(kernel, entry, *args)
    assert same(got, want), describe(got, want)
    return got


@pytest.mark.parametrize("width", [1, 2, 3, 7, 13, 31, 33, 64] + [RNG.randint(1, 64) for _ in range(4)])
def test_generic_reduction_of_any_width(width):
    m, n, t = RNG.randint(1, 5), RNG.randint(1, 9), "i%d" % width
    kernel = f"""func.func @f(%a: tensor<{m}x{n}x{t}>, %init: tensor<{m}x{t}>) -> tensor<{m}x{t}> {{
  %s = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}}
      ins(%a : tensor<{m}x{n}x{t}>) outs(%init : tensor<{m}x{t}>) {{
  ^bb0(%x: {t}, %acc: {t}):
    %p = arith.muli %x, %x : {t}
    %y = arith.addi %acc, %p : {t}
    linalg.yield %y : {t}
  }} -> tensor<{m}x{t}>
  return %s : tensor<{m}x{t}>
}}"""
    a, init = random_ints((m, n), width), random_ints((m,), width)
    got = check(kernel, "f", a, init)
    mask = (1 << width) - 1
    for i in range(m):
        want = (int(init[i]) + sum(int(x) * int(x) for x in a[i])) & mask
        assert int(got[i]) & mask == want


@pytest.mark.parametrize("trial", range(6))
def test_named_matmul_of_narrow_integers(trial):
    width, acc = RNG.randint(1, 16), RNG.randint(17, 40)
    m, k, n = RNG.randint(1, 6), RNG.randint(1, 9), RNG.randint(1, 6)
    kernel = f"""func.func @mm(%a: tensor<{m}x{k}xi{width}>, %b: tensor<{k}x{n}xi{width}>,
                 %c: tensor<{m}x{n}xi{acc}>) -> tensor<{m}x{n}xi{acc}> {{
  %r = linalg.matmul ins(%a, %b : tensor<{m}x{k}xi{width}>, tensor<{k}x{n}xi{width}>)
                     outs(%c : tensor<{m}x{n}xi{acc}>) -> tensor<{m}x{n}xi{acc}>
  return %r : tensor<{m}x{n}xi{acc}>
}}"""
    a, b = random_ints((m, k), width), random_ints((k, n), width)
    c = random_ints((m, n), acc)
    got = check(kernel, "mm", a, b, c)
    # Factors sign-extend to the accumulator's width; sums wrap in it.
    exact = a.astype(np.int64) @ b.astype(np.int64) + c.astype(np.int64)
    half = 1 << (acc - 1)
    want = (exact + half) % (1 << acc) - half
    assert np.array_equal(got.astype(np.int64), want)


@pytest.mark.parametrize("width", [1, 5, 8, 12, 63, 64])
def test_transpose_copy_broadcast(width):
    t = "i64" if width == 64 else "ui%d" % width
    kernel = f"""func.func @mv(%a: tensor<2x3x{t}>, %v: tensor<3x{t}>)
    -> (tensor<3x2x{t}>, tensor<2x3x{t}>, tensor<3x2x{t}>) {{
  %e32 = tensor.empty() : tensor<3x2x{t}>
  %e23 = tensor.empty() : tensor<2x3x{t}>
  %t = linalg.transpose ins(%a : tensor<2x3x{t}>) outs(%e32 : tensor<3x2x{t}>) permutation = [1, 0]
  %c = linalg.copy ins(%a : tensor<2x3x{t}>) outs(%e23 : tensor<2x3x{t}>) -> tensor<2x3x{t}>
  %b = linalg.broadcast ins(%v : tensor<3x{t}>) outs(%e32 : tensor<3x2x{t}>) dimensions = [1]
  return %t, %c, %b : tensor<3x2x{t}>, tensor<2x3x{t}>, tensor<3x2x{t}>
}}"""
    signed = width == 64
    a, v = random_ints((2, 3), width, signed), random_ints((3,), width, signed)
    t, c, b = check(kernel, "mv", a, v)
    assert np.array_equal(t, a.T) and np.array_equal(c, a)
    assert np.array_equal(b, np.repeat(v[:, None], 2, axis=1))


@pytest.mark.parametrize("q,w", [(97, 8), (7681, 16), (1073692673, 32), (18446744073709551557, 64)])
@pytest.mark.parametrize("reduction", ["auto", "barrett", "montgomery", "remainder"])
def test_residues_in_a_payload_with_linalg_index(q, w, reduction):
    kernel = f"""!p = !modarith.int<{q} : i{w}>
func.func @g(%a: tensor<3x4x!p>, %b: tensor<4x!p>) -> tensor<3x4x!p> {{
  %e = tensor.empty() : tensor<3x4x!p>
  %r = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}}
      ins(%a, %b : tensor<3x4x!p>, tensor<4x!p>) outs(%e : tensor<3x4x!p>) {{
  ^bb0(%x: !p, %y: !p, %o: !p):
    %i = linalg.index 0 : index
    %iw = arith.index_cast %i : index to i{w}
    %ir = modarith.encapsulate %iw : i{w} -> !p
    %m = modarith.mac %x, %y, %ir : !p
    linalg.yield %m : !p
  }} -> tensor<3x4x!p>
  return %r : tensor<3x4x!p>
}}"""
    a = np.array([RNG.randrange(q) for _ in range(12)], dtype=dtype_for(w, False)).reshape(3, 4)
    b = np.array([RNG.randrange(q) for _ in range(4)], dtype=dtype_for(w, False))
    if reduction == "barrett" and w == 64:
        with pytest.raises(anybit.CompileError, match="cannot use Barrett reduction"):
            anybit.compile(kernel, reduction=reduction)
        return
    got = check(kernel, "g", a, b, reduction=reduction)
    want = [(int(a[i, j]) * int(b[j]) + i) % q for i in range(3) for j in range(4)]
    assert [int(x) for x in got.ravel()] == want


def test_residues_pass_through_copies_and_selects():
    # The lowering once crashed undoing the copy's rewrite when the select
    # after it did not legalize.
    kernel = """!p = !modarith.int<97 : i8>
func.func @f(%y: tensor<2x!p>, %b: i1) -> tensor<2x!p> {
  %init = tensor.empty() : tensor<2x!p>
  %c = linalg.copy ins(%y : tensor<2x!p>) outs(%init : tensor<2x!p>) -> tensor<2x!p>
  %s = arith.select %b, %c, %y : tensor<2x!p>
  %sum = modarith.add %s, %c : tensor<2x!p>
  return %sum : tensor<2x!p>
}"""
    y = np.array([5, 96], np.uint8)
    for b in (False, True):
        assert list(check(kernel, "f", y, b)) == [10, 95]


@pytest.mark.parametrize("opt_level", [0, 3])
def test_f32_matmul_same_bits_as_the_vm(opt_level):
    kernel = """func.func @fm(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>, %c: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<3x5xf32>, tensor<5x4xf32>) outs(%c : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}"""
    rng = np.random.default_rng(3)
    args = [rng.standard_normal(s).astype(np.float32) for s in ((3, 5), (5, 4), (3, 4))]
    check(kernel, "fm", *args, opt_level=opt_level)


@pytest.mark.parametrize("t", ["bf16", "f16", "f8E4M3FN", "f8E5M2", "f6E3M2FN", "f4E2M1FN"])
def test_named_contractions_of_small_floats(t):
    # Their bodies round to t as the VM does: the lowering makes them
    # linalg.generic first (a named op's body must stay the one it names).
    kernel = f"""func.func @f(%a: tensor<2x3x{t}>, %b: tensor<3x2x{t}>, %c: tensor<2x2x{t}>)
    -> (tensor<2x2x{t}>, tensor<2x{t}>, tensor<{t}>) {{
  %r = linalg.matmul ins(%a, %b : tensor<2x3x{t}>, tensor<3x2x{t}>) outs(%c : tensor<2x2x{t}>) -> tensor<2x2x{t}>
  %v = tensor.extract_slice %b[0, 0] [3, 1] [1, 1] : tensor<3x2x{t}> to tensor<3x{t}>
  %e = tensor.extract_slice %c[0, 0] [2, 1] [1, 1] : tensor<2x2x{t}> to tensor<2x{t}>
  %m = linalg.matvec ins(%a, %v : tensor<2x3x{t}>, tensor<3x{t}>) outs(%e : tensor<2x{t}>) -> tensor<2x{t}>
  %w = tensor.extract_slice %a[0, 0] [1, 3] [1, 1] : tensor<2x3x{t}> to tensor<3x{t}>
  %i0 = arith.constant 0 : index
  %z = tensor.extract %c[%i0, %i0] : tensor<2x2x{t}>
  %zt = tensor.from_elements %z : tensor<{t}>
  %d = linalg.dot ins(%w, %v : tensor<3x{t}>, tensor<3x{t}>) outs(%zt : tensor<{t}>) -> tensor<{t}>
  return %r, %m, %d : tensor<2x2x{t}>, tensor<2x{t}>, tensor<{t}>
}}"""
    rng = np.random.default_rng(1)
    a, b, c = ((rng.integers(-3, 4, s) * 0.5).astype(np.float32) for s in ((2, 3), (3, 2), (2, 2)))
    check(kernel, "f", a, b, c)


@pytest.mark.parametrize("out_map,n,m", [("(i) -> (i mod 2)", 5, 3), ("(i) -> (0)", 4, 3),
                                         ("(i) -> (i floordiv 2)", 4, 3), ("(i) -> (i)", 0, 0)])
@pytest.mark.parametrize("init_kind", ["argument", "empty"])
def test_elements_no_point_writes_keep_the_init(out_map, n, m, init_kind):
    # The payload does not read the init; elements it never writes keep the
    # init's values (zeros for tensor.empty), as the VM has them.
    width = RNG.randint(2, 64)
    t = "i%d" % width
    init = "%init" if init_kind == "argument" else "%e"
    kernel = f"""func.func @f(%a: tensor<{n}x{t}>, %init: tensor<{m}x{t}>) -> tensor<{m}x{t}> {{
  %e = tensor.empty() : tensor<{m}x{t}>
  %r = linalg.generic {{indexing_maps = [affine_map<(i) -> (i)>, affine_map<{out_map}>],
                       iterator_types = ["parallel"]}}
      ins(%a : tensor<{n}x{t}>) outs({init} : tensor<{m}x{t}>) {{
  ^bb0(%x: {t}, %out: {t}):
    %y = arith.addi %x, %x : {t}
    linalg.yield %y : {t}
  }} -> tensor<{m}x{t}>
  return %r : tensor<{m}x{t}>
}}"""
    a, init_values = random_ints((n,), width), random_ints((m,), width)
    got = check(kernel, "f", a, init_values)
    if n == 0:
        want = init_values if init_kind == "argument" else np.zeros(m, init_values.dtype)
        assert np.array_equal(got, want)


def test_empty_reduction_keeps_the_init():
    kernel = """func.func @f(%a: tensor<4x0xi8>, %init: tensor<4xi8>) -> tensor<4xi8> {
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<4x0xi8>) outs(%init : tensor<4xi8>) {
  ^bb0(%x: i8, %acc: i8):
    linalg.yield %x : i8
  } -> tensor<4xi8>
  return %r : tensor<4xi8>
}"""
    init = np.array([1, 2, 3, 4], np.int8)
    assert list(check(kernel, "f", np.zeros((4, 0), np.int8), init)) == [1, 2, 3, 4]


@pytest.mark.parametrize("opt_level", [0, 3])
@pytest.mark.parametrize("width", [3, 17] + [RNG.randint(1, 64) for _ in range(2)])
def test_map_reading_its_init(opt_level, width):
    # A linalg.map whose payload uses its init's element: upstream's map
    # says it never reads its init, and its buffer was left unfilled (the
    # result was 0 where the VM gives the fill). The init is also returned,
    # so bufferization must copy it.
    t = "i%d" % width
    kernel = f"""func.func @f(%a: tensor<5x{t}>, %c: {t}) -> (tensor<5x{t}>, tensor<5x{t}>) {{
  %e = tensor.empty() : tensor<5x{t}>
  %f = linalg.fill ins(%c : {t}) outs(%e : tensor<5x{t}>) -> tensor<5x{t}>
  %m = linalg.map ins(%a : tensor<5x{t}>) outs(%f : tensor<5x{t}>)
    (%x: {t}, %o: {t}) {{
      %s = arith.muli %x, %o : {t}
      linalg.yield %s : {t}
    }}
  return %f, %m : tensor<5x{t}>, tensor<5x{t}>
}}"""
    a = random_ints((5,), width)
    c = int(random_ints((1,), width)[0])
    check(kernel, "f", a, c, opt_level=opt_level)
