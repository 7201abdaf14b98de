"""Writes reproducible random inputs for the examples as .npy files.

Usage: /usr/bin/python3 examples/make_inputs.py OUT_DIR [SEED]
"""
import os
import sys

import numpy as np


def make_inputs(out_dir, seed=0):
    rng = np.random.default_rng(seed)
    os.makedirs(out_dir, exist_ok=True)
    arrays = {
        # mixed_precision_matmul.mlir
        "x": rng.standard_normal((2, 64)).astype(np.float32),
        "w": rng.integers(-4, 4, size=(64, 16), dtype=np.int8),
        "s": (rng.random((2, 16)) * 0.1 + 0.01).astype(np.float16),
        "wf": rng.standard_normal((64, 16)).astype(np.float32),
        # e3m2_cast_roundtrip.mlir: ties, saturation, subnormals, signs
        "c": np.array([0.0, -0.0, 0.0625, 0.03125, 0.09375, 1.0, 1.125, 1.375,
                       2.5, 3.0, -3.25, 27.9, 28.0, 30.0, 1e6, -1e6],
                      dtype=np.float32),
        # he_kernels.mlir: residues modulo Q = 2^30 - 2^18 + 1
        "pa": rng.integers(0, 1073479681, size=256, dtype=np.uint32),
        "pb": rng.integers(0, 1073479681, size=256, dtype=np.uint32),
        "hx": rng.integers(0, 1073479681, size=16, dtype=np.uint32),
        # lookup_gemv.mlir: four tokens, int2 weights (N x K), f16 group scales
        "lx": rng.standard_normal((4, 256)).astype(np.float32),
        "lw": rng.integers(-2, 2, size=(128, 256), dtype=np.int8),
        "ls": (rng.random((128, 8)) * 0.1 + 0.01).astype(np.float16),
        # lookup_gemv.mlir @int3: int3 weights for the bit-plane layout
        "lw3": rng.integers(-4, 4, size=(128, 256), dtype=np.int8),
    }
    # he_kernels.mlir @rns_polymul: integers modulo P = q1 * q2 as their
    # residues, limb l modulo q_l.
    moduli = (1073479681, 998244353)
    for name in ("ra", "rb"):
        values = [int(v) for v in rng.integers(0, 2**62, size=64, dtype=np.uint64)]
        values = [v % (moduli[0] * moduli[1]) for v in values]
        arrays[name] = np.array([[v % q for v in values] for q in moduli],
                                dtype=np.uint32)
    for name, array in arrays.items():
        np.save(os.path.join(out_dir, name + ".npy"), array)
    return arrays


if __name__ == "__main__":
    make_inputs(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
