#!/usr/bin/env python3
"""Crash fuzzer for the tools: mutates the repository's .mlir files (token
insertions, deletions, substitutions) and feeds them to a tool. Any exit by
a signal, an assertion or an LLVM fatal error is a bug: every bad input must
be a diagnostic and exit status 1. Not part of the test suite.

Usage: scripts/fuzz_tools.py BUILD_DIR {opt|lower|run|cc} [SEED] [COUNT] [FILTER]
(FILTER: only the inputs whose path contains it; cc also passes random
--modarith-bat, --modarith-ntt=mat and Montgomery flags).
Crashing inputs are written to ./fuzz-crash<N>.mlir.
"""
import glob
import os
import random
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKENS = ["i3", "i0", "i65", "f8E4M3FNUZ", "!anybit.float<e9m1>",
          "#anybit.packed<block = [0]>", "#anybit.packed<word = 7>",
          "tensor<?xi3>", "[", "]", "<", ">", "(", ")", ",", "%x",
          "anybit.cast", "anybit.matmul", "dense<>", "0", "-1",
          "99999999999999999999", "f16", "f32", "ui4", "scale = f16",
          "zero_point = i4", "{", "}", "saturate", "tensor<0xi3>",
          "tensor<1x0xf32>", '"local(2,1)."', "vector<4xi3>", "memref<4xi3>",
          "index", "i1", "!modarith.int<17 : i8>", "!modarith.int<16 : i8>",
          "modarith.ntt", "modarith.intt", "modarith.matmul", "modarith.mul",
          "{root = 3 : ui64}", "{cyclic}", "tensor<3x!modarith.int<97 : i32>>",
          "tensor<4x4x!modarith.int<17 : i32>>",
          "#modarith.rns<[3, 5]>", "#modarith.rns<[6, 4]>",
          "tensor<2x4xi8, #modarith.rns<[3, 5]>>", "modarith.mul_shoup",
          "modarith.encapsulate", "modarith.extract", "linalg.transpose",
          "!anybit.trit", "tensor<4x!anybit.trit>",
          "#anybit.packed<base3 = true>", "base3 = true", "anybit.ternarize",
          "anybit.bitlinear", "norm(%x)", "{epsilon = -1.0 : f64}",
          "tensor<8x6x!anybit.trit, #anybit.packed<>>", "tensor<f32>"]


def mutate(rnd, src):
    src = "\n".join(l for l in src.split("\n") if not l.strip().startswith("//"))
    for _ in range(rnd.randint(1, 4)):
        pos = rnd.randrange(len(src) + 1)
        r = rnd.random()
        if r < 0.4:
            src = src[:pos] + rnd.choice(TOKENS) + src[pos:]
        elif r < 0.7:
            src = src[:pos] + src[pos + rnd.randint(1, 8):]
        else:
            words = re.findall(r"[a-z0-9_]+", src)
            if words:
                src = src.replace(rnd.choice(words), rnd.choice(TOKENS), 1)
    return src


def command(build, tool, path, src, rnd):
    bin_dir = os.path.join(build, "bin")
    if tool == "opt":
        return [os.path.join(bin_dir, "anybit-opt"), path]
    if tool == "lower":
        return [os.path.join(bin_dir, "anybit-opt"), path,
                "--convert-anybit-to-standard"]
    if tool == "run":
        names = re.findall(r"func.func @(\w+)\(\)", src) or ["main"]
        return [os.path.join(bin_dir, "anybit-run"), path, "--entry",
                rnd.choice(names)]
    flags = [f for f in ("--modarith-bat", "--modarith-ntt=mat",
                         "--modarith-reduction=montgomery") if rnd.random() < 0.3]
    return [os.path.join(bin_dir, "anybitc"), path, "--emit=llvm", "-O0"] + flags


def main():
    build, tool = sys.argv[1], sys.argv[2]
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    files = glob.glob(os.path.join(ROOT, "test", "**", "*.mlir"), recursive=True)
    files += glob.glob(os.path.join(ROOT, "examples", "**", "*.mlir"), recursive=True)
    if len(sys.argv) > 5:  # only the inputs whose path contains FILTER
        files = [f for f in files if sys.argv[5] in f]
    crashes = 0
    for _ in range(count):
        src = mutate(rnd, open(rnd.choice(files)).read())
        path = "fuzz-input.mlir"
        with open(path, "w") as f:
            f.write(src)
        try:
            p = subprocess.run(command(build, tool, path, src, rnd),
                               capture_output=True, text=True, timeout=20)
        except subprocess.TimeoutExpired:
            continue
        if (p.returncode < 0 or p.returncode >= 128 or "Assertion" in p.stderr
                or "LLVM ERROR" in p.stderr or "Stack dump" in p.stderr):
            crashes += 1
            with open("fuzz-crash%d.mlir" % crashes, "w") as f:
                f.write(src)
            print("CRASH (exit %d): fuzz-crash%d.mlir" % (p.returncode, crashes))
    os.remove("fuzz-input.mlir")
    print("%d inputs, %d crashes" % (count, crashes))
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
