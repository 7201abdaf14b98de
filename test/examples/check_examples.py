"""Runs the examples on the reference VM and checks every result against an
independent numpy computation of the same formulas.

Usage: /usr/bin/python3 check_examples.py EXAMPLES_DIR WORK_DIR
(anybit-run must be on PATH.)
"""
import os
import subprocess
import sys

import numpy as np

EXAMPLES, WORK = sys.argv[1], sys.argv[2]
sys.path.insert(0, EXAMPLES)
from make_inputs import make_inputs  # noqa: E402

failures = []
checks = 0


def check(name, ok, detail=""):
    global checks
    checks += 1
    print(("PASS" if ok else "FAIL") + ": " + name + (" " + detail if detail else ""))
    if not ok:
        failures.append(name)


def run(example, entry, inputs, out):
    """Runs `entry` on the reference VM and returns its results; also
    JIT-compiles it with anybitc, which must agree with the VM (--check)."""
    paths = [os.path.join(WORK, "in", i + ".npy") for i in inputs]
    subprocess.run(["anybit-run", os.path.join(EXAMPLES, example),
                    "--entry", entry, "--quiet", "--outputs", out] +
                   ["--input=" + p for p in paths], check=True)
    compiled = subprocess.run(["anybitc", os.path.join(EXAMPLES, example),
                               "--run=" + entry, "--check", "--inputs"] + paths,
                              capture_output=True, text=True)
    check("%s @%s compiled for the CPU agrees with the VM" % (example, entry),
          compiled.returncode == 0 and "match the reference VM" in compiled.stdout,
          compiled.stderr.strip())
    results = []
    i = 0
    while os.path.exists(os.path.join(out, "result%d.npy" % i)):
        results.append(np.load(os.path.join(out, "result%d.npy" % i)))
        i += 1
    return results


def pack_lsb_first(codes, bits):
    """Independent packer: element i occupies bits [i*bits, (i+1)*bits)."""
    flat = codes.astype(np.int64).ravel() & ((1 << bits) - 1)
    bitplane = ((flat[:, None] >> np.arange(bits)) & 1).astype(np.uint8).ravel()
    return np.packbits(bitplane, bitorder="little")


def matmul_close(got, x, w):
    exact = x.astype(np.float64) @ w.astype(np.float64)
    bound = np.abs(x.astype(np.float64)) @ np.abs(w.astype(np.float64))
    err = np.abs(got.astype(np.float64) - exact)
    return bool(np.all(err <= 1e-6 * bound + 1e-30)), float(np.max(err))


inputs = make_inputs(os.path.join(WORK, "in"))
x, w, s, wf, c = (inputs[k] for k in ("x", "w", "s", "wf", "c"))

# 1. i3 codes with per-group f16 scales (groups of 32 along K).
(y,) = run("mixed_precision_matmul.mlir", "main", ["x", "w", "s"],
           os.path.join(WORK, "main"))
dequant = w.astype(np.float32) * np.repeat(s.astype(np.float32), 32, axis=0)
ok, err = matmul_close(y, x, dequant)
check("i3 x f32 group-scaled matmul", ok and y.dtype == np.float32,
      "max abs err %.3g" % err)

# 2. quantize f32 weights to i3 (symmetric absmax, f16 scales), then matmul.
y, packed = run("mixed_precision_matmul.mlir", "quantize_and_matmul",
                ["x", "wf"], os.path.join(WORK, "quant"))
groups = wf.reshape(2, 32, 16)
scale = (np.abs(groups).max(axis=1) / 3.0).astype(np.float16)  # qmax of i3
codes = np.clip(np.rint(groups / scale.astype(np.float64)[:, None, :]), -4, 3)
codes = codes.reshape(64, 16).astype(np.int8)
expected_bytes = np.concatenate([pack_lsb_first(codes, 3),
                                 scale.view(np.uint8).ravel()])
check("quantize: packed codes and scales are bit-exact",
      np.array_equal(packed, expected_bytes))
dequant = codes.astype(np.float32) * np.repeat(scale.astype(np.float32), 32, axis=0)
ok, err = matmul_close(y, x, dequant)
check("quantized matmul", ok, "max abs err %.3g" % err)

# 3. f32 -> e3m2 -> f32: nearest representable value, ties to the even code,
# saturating at +-28.
def e3m2_values():
    vals = []
    for code in range(64):
        sign, e, m = code >> 5, (code >> 2) & 7, code & 3
        mag = m * 2.0 ** -4 if e == 0 else (4 + m) * 2.0 ** (e - 3 - 2)
        vals.append(-mag if sign else mag)
    return np.array(vals)


table = e3m2_values()
expected = []
for v in c.astype(np.float64):
    v = float(np.clip(v, -28.0, 28.0))
    candidates = [k for k in range(64) if np.signbit(table[k]) == np.signbit(v)]
    best = min(candidates, key=lambda k: (abs(table[k] - v), k & 1))
    expected.append(table[best])
expected = np.array(expected, dtype=np.float32)
back, as_e3m2 = run("e3m2_cast_roundtrip.mlir", "main", ["c"],
                    os.path.join(WORK, "e3m2"))
check("e3m2 round trip is bit-exact",
      np.array_equal(back.view(np.uint32), expected.view(np.uint32)))
check("e3m2 values travel as exact float32",
      np.array_equal(as_e3m2.view(np.uint32), expected.view(np.uint32)))
(builtin,) = run("e3m2_cast_roundtrip.mlir", "builtin", ["c"],
                 os.path.join(WORK, "builtin"))
check("f6E3M2FN agrees with !anybit.float<e3m2>",
      np.array_equal(builtin.view(np.uint32), expected.view(np.uint32)))

# 4. Residues modulo Q = 2^30 - 2^18 + 1, against Python's integers.
Q = 1073479681
pa, pb, hx = (inputs[k] for k in ("pa", "pb", "hx"))
(product,) = run("he_kernels.mlir", "polymul", ["pa", "pb"],
                 os.path.join(WORK, "polymul"))
schoolbook = [0] * 256
for i, u in enumerate(int(v) for v in pa):
    for j, v in enumerate(int(v) for v in pb):
        k = (i + j) % 256
        schoolbook[k] += u * v if i + j < 256 else -u * v
check("negacyclic product through the NTT equals schoolbook multiplication",
      [int(v) for v in product] == [v % Q for v in schoolbook])
(y,) = run("he_kernels.mlir", "matvec", ["hx"], os.path.join(WORK, "matvec"))
T = [[((16 * i + j + 1) * 2654435761) % Q for j in range(16)] for i in range(16)]
check("modular matrix-vector product",
      [int(v) for v in y] == [sum(T[i][j] * int(hx[j]) for j in range(16)) % Q
                              for i in range(16)])

# RNS: rebuild the integers modulo P by the CRT and compare with Python's.
q1, q2 = 1073479681, 998244353
P = q1 * q2
ra, rb = (np.load(os.path.join(WORK, "in", n + ".npy")) for n in ("ra", "rb"))


def crt(limbs):
    inverse = pow(q1, -1, q2)
    return [(int(r1) + q1 * ((int(r2) - int(r1)) * inverse % q2)) % P
            for r1, r2 in zip(limbs[0], limbs[1])]


product, total = run("he_kernels.mlir", "rns_polymul", ["ra", "rb"],
                     os.path.join(WORK, "rns_polymul"))
a, b = crt(ra), crt(rb)
schoolbook = [0] * 64
for i, u in enumerate(a):
    for j, v in enumerate(b):
        k = (i + j) % 64
        schoolbook[k] += u * v if i + j < 64 else -u * v
check("RNS negacyclic product equals schoolbook multiplication modulo P",
      crt(product) == [v % P for v in schoolbook])
check("RNS sum equals the sum modulo P",
      crt(total) == [(u + v) % P for u, v in zip(a, b)])

# 5. 2-bit weights tiled for the f32 lookup-table GEMV, a batch of four.
lx, lw, ls = (inputs[k] for k in ("lx", "lw", "ls"))
(y,) = run("lookup_gemv.mlir", "main", ["lx", "lw", "ls"],
           os.path.join(WORK, "lookup"))
dequant = lw.astype(np.float32) * np.repeat(ls.astype(np.float32), 32, axis=1)
ok, err = matmul_close(y, lx, dequant.T)
check("int2 x f32 GEMV of tiled weights, batch of 4", ok and y.shape == (4, 128),
      "max abs err %.3g" % err)

# 6. The same with 3-bit weights in bit planes.
lw3 = inputs["lw3"]
(y,) = run("lookup_gemv.mlir", "int3", ["lx", "lw3", "ls"],
           os.path.join(WORK, "lookup3"))
dequant = lw3.astype(np.float32) * np.repeat(ls.astype(np.float32), 32, axis=1)
ok, err = matmul_close(y, lx, dequant.T)
check("int3 x f32 GEMV of weights in bit planes, batch of 4",
      ok and y.shape == (4, 128), "max abs err %.3g" % err)

print("%d passed, %d failed" % (checks - len(failures), len(failures)))
sys.exit(1 if failures else 0)
