"""One MatMul-free LM block (MLGRU token mixer + GLU channel mixer, every
dense layer a ternary anybit.bitlinear) from matmulfree_block.mlir,
compiled with anybit.compile and checked against numpy.

Usage: PYTHONPATH=<build>/python /usr/bin/python3 examples/matmulfree_block.py [--all-lowerings]
Prints one line per check and a final PASS or FAIL line; exits non-zero on
failure. By default the kernel is compiled with the add/sub int8 x trit
lowering (ternary="addsub", which the default "auto" also takes for the
kernel's row-major trits); --all-lowerings also compiles it with
ternary="generic" (about 4 s more: compiling is most of the run time).

The checks, for random weights (ternarized by the kernel's
@ternarize_weights) and two consecutive chunks of T = 8 tokens (the second
continuing from the first's recurrent state):

- the trits and scales equal a numpy ternarize, bit for bit;
- @block compiled (ternary="addsub", and "generic" with --all-lowerings)
  and run on the reference VM (anybit.interpret) agree bit for bit, and
  @block_f32 (ternarize + func.call @block) gives the same;
- they equal, bit for bit, a numpy version doing the same float32
  element-wise operations (the kernel's exp polynomial included) and the
  bitlinear formulas in float64;
- they are close to a textbook float64 version (numpy's exp, float64
  element-wise math, the same bitlinear): max |y - y64| <= 1e-5 max |y64|
  (observed: about 1e-7, for seeds 0..59). Not bit-exact, since the
  kernel's float32 exp and element-wise operations round differently; and
  in principle such a last-bit difference can move one int8 activation
  code of the next bitlinear by one (an error of about 1 / (127 sqrt(K))
  of that layer's output), which would exceed the tolerance without a bug:
  the bit-exact comparisons above are the real check.
"""

import os
import sys

import numpy as np

import anybit

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL = os.path.join(HERE, "matmulfree_block.mlir")

T, D, HIDDEN = 8, 64, 128  # tokens per call, model width, GLU hidden size
# The projections in @ternarize_weights' order, with their (out, in) shapes.
PROJECTIONS = (("f", (D, D)), ("c", (D, D)), ("g", (D, D)), ("o", (D, D)),
               ("gate", (HIDDEN, D)), ("up", (HIDDEN, D)), ("down", (D, HIDDEN)))
ALL_LOWERINGS = ("addsub", "generic")  # anybit.compile's ternary= options
# Relative to max |y| (see the module documentation).
TEXTBOOK_TOLERANCE = 1e-5

F32 = np.float32


# ---------------------------------------------------------------------------
# numpy: anybit.ternarize / anybit.bitlinear (float64, sums in ascending
# order, round half to even) and the block's formulas
# ---------------------------------------------------------------------------


def np_ternarize(w):
    w = w.astype(np.float64)
    m = max(np.cumsum(np.abs(w).ravel())[-1] / w.size, 1e-5)
    return np.clip(np.round(w * (1.0 / m)), -1, 1).astype(np.int8), np.float32(m)


def np_bitlinear(x, t, m, g=None, eps=1e-6):
    x = x.astype(np.float64)
    k = x.shape[1]
    r = np.sqrt(np.cumsum(x * x, axis=1)[:, -1] / k + eps)
    n = x / r[:, None]
    if g is not None:
        n = n * g.astype(np.float64)[None, :]
    s = 127.0 / np.maximum(np.abs(n).max(axis=1), 1e-5)
    q = np.clip(np.round(n * s[:, None]), -128, 127).astype(np.int64)
    return ((q @ t.astype(np.int64).T) / s[:, None] * np.float64(m)).astype(np.float32)


def exp_f32(z):
    """The kernel's exp, operation for operation in float32 (numpy's float32
    arithmetic rounds each operation once, as arith's does)."""
    z = np.minimum(np.maximum(z, F32(-87.0)), F32(88.0))
    n = (z * F32(1.442695)).astype(np.int32)  # arith.fptosi truncates
    nf = n.astype(F32)
    r = (z - nf * F32(0.693359375)) - nf * F32(-0.00021219444)
    p = F32(2.7557319e-06) * r
    for k in (F32(2.4801588e-05), F32(0.0001984127), F32(0.0013888889),
              F32(0.008333334), F32(0.041666668), F32(0.16666667), F32(0.5),
              F32(1.0)):
        p = (p + k) * r
    p = p + F32(1.0)
    return p * ((n + np.int32(127)) << np.int32(23)).view(F32)


def sigmoid_f32(x):
    return F32(1.0) / (F32(1.0) + exp_f32(-x))


def sigmoid_f64(x):
    return 1.0 / (1.0 + np.exp(-x))


def numpy_block(x, h0, trits, scales, g_attn, g_mlp, sigmoid, dtype):
    """The block's formulas. dtype float32 with sigmoid_f32 mirrors the
    kernel; float64 with sigmoid_f64 is the textbook version (the inputs of
    each bitlinear are still its f32 tensors)."""
    one = dtype(1.0)

    def bitlinear(inp, name, g=None):
        return np_bitlinear(inp.astype(F32), trits[name], scales[name], g).astype(dtype)

    x = x.astype(dtype)
    f = sigmoid(bitlinear(x, "f", g_attn))
    cp = bitlinear(x, "c", g_attn)
    c = cp * sigmoid(cp)
    g = sigmoid(bitlinear(x, "g", g_attn))
    h = h0[0].astype(dtype)
    hs = []
    for t in range(x.shape[0]):
        h = f[t] * h + (one - f[t]) * c[t]
        hs.append(h)
    x1 = x + bitlinear(g * np.stack(hs), "o")
    gate = bitlinear(x1, "gate", g_mlp)
    up = bitlinear(x1, "up", g_mlp)
    p = gate * sigmoid(gate) * up
    y = x1 + bitlinear(p, "down")
    return y, h[None, :]


# ---------------------------------------------------------------------------
# The check
# ---------------------------------------------------------------------------


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype == np.float32:
        a, b = a.view(np.uint32), b.view(np.uint32)
    return bool(np.array_equal(a, b))


def random_model(rng):
    weights = {name: (rng.standard_normal(shape) / np.sqrt(shape[1])).astype(F32)
               for name, shape in PROJECTIONS}
    g_attn = rng.uniform(0.5, 1.5, D).astype(F32)
    g_mlp = rng.uniform(0.5, 1.5, D).astype(F32)
    return weights, g_attn, g_mlp


def check(seed=0, lowerings=("addsub",), verbose=True):
    """Runs every check with the kernel compiled for each of `lowerings`
    (anybit.compile's ternary= options); returns the failed checks' names."""
    failures = []

    def report(name, ok, detail=""):
        if verbose:
            print("%s: %s%s" % ("ok" if ok else "FAILED", name, " (%s)" % detail if detail else ""))
        if not ok:
            failures.append(name)

    rng = np.random.default_rng(seed)
    weights, g_attn, g_mlp = random_model(rng)
    chunks = [rng.standard_normal((T, D)).astype(F32) for _ in range(2)]
    modules = {t: anybit.compile(KERNEL, ternary=t) for t in lowerings}
    first = "compiled (ternary=%s)" % lowerings[0]
    main = modules[lowerings[0]]

    def runners():
        for t, module in modules.items():
            yield "compiled (ternary=%s)" % t, module.__getitem__
        yield "reference VM", lambda entry: (lambda *a: anybit.interpret(KERNEL, entry, *a))

    # Ternary weights, once per model.
    w_list = [weights[name] for name, _ in PROJECTIONS]
    packed = main.ternarize_weights(*w_list)
    trits, scales = {}, {}
    ok = True
    for i, (name, _) in enumerate(PROJECTIONS):
        trits[name], scales[name] = anybit.unpack(packed[2 * i]), packed[2 * i + 1]
        want_t, want_m = np_ternarize(weights[name])
        ok &= np.array_equal(trits[name], want_t) and same_bits(scales[name], np.array(want_m))
    report("@ternarize_weights == numpy ternarize", ok)
    vm_packed = anybit.interpret(KERNEL, "ternarize_weights", *w_list)
    report("@ternarize_weights compiled == VM",
           all(a == b if isinstance(a, anybit.PackedArray) else same_bits(a, b)
               for a, b in zip(packed, vm_packed)))

    h = np.zeros((1, D), F32)  # a fresh sequence
    worst = 0.0
    for index, x in enumerate(chunks):
        label = "tokens %d..%d" % (index * T, index * T + T - 1)
        results = {name: run("block")(x, h, *packed, g_attn, g_mlp) for name, run in runners()}
        y, h_next = results[first]
        for name, (yy, hh) in results.items():
            if name != first:
                report("%s: %s == %s" % (label, name, first),
                       same_bits(yy, y) and same_bits(hh, h_next))
        yf, hf = main.block_f32(x, h, *w_list, g_attn, g_mlp)
        report("%s: @block_f32 == @block" % label, same_bits(yf, y) and same_bits(hf, h_next))
        y_np, h_np = numpy_block(x, h, trits, scales, g_attn, g_mlp, sigmoid_f32, F32)
        report("%s: == numpy with the same float32 operations" % label,
               same_bits(y, y_np) and same_bits(h_next, h_np))
        y64, h64 = numpy_block(x, h, trits, scales, g_attn, g_mlp, sigmoid_f64, np.float64)
        err = float(np.abs(y - y64).max() / np.abs(y64).max())
        err_h = float(np.abs(h_next - h64).max() / np.abs(h64).max())
        worst = max(worst, err, err_h)
        report("%s: close to textbook float64 numpy" % label,
               err <= TEXTBOOK_TOLERANCE and err_h <= TEXTBOOK_TOLERANCE,
               "max error / max |y| = %.2g, for h_T %.2g" % (err, err_h))
        report("%s: finite, and the mixers change x" % label,
               bool(np.isfinite(y).all()) and not np.allclose(y, x))
        h = h_next  # the next chunk continues the sequence

    # The kernel's exp against numpy's, where the block evaluates it.
    z = np.linspace(-87, 88, 200001, dtype=F32)
    rel = np.abs(exp_f32(z).astype(np.float64) / np.exp(z.astype(np.float64)) - 1).max()
    report("the kernel's exp within 4 ulp of exp on [-87, 88]", rel < 4 * 2.0 ** -24,
           "max relative error %.2g = %.1f ulp" % (rel, rel / 2.0 ** -24))
    return failures


def main(argv=()):
    unknown = [a for a in argv if a != "--all-lowerings"]
    if unknown:
        print("usage: matmulfree_block.py [--all-lowerings]", file=sys.stderr)
        return 2
    lowerings = ALL_LOWERINGS if "--all-lowerings" in argv else ALL_LOWERINGS[:1]
    try:
        failures = check(lowerings=lowerings)
    except Exception as e:  # a CompileError, say: report it as a failure
        failures = ["%s: %s" % (type(e).__name__, e)]
    if failures:
        print("FAIL: matmulfree_block: %d check(s) failed: %s"
              % (len(failures), "; ".join(failures)))
        return 1
    print("PASS: matmulfree_block: compiled (ternary=%s) == reference VM == numpy, bit for bit"
          % ", ".join(lowerings))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
