#!/usr/bin/env python3
"""Differential fuzzer for compiled kernels against the reference VM.

Generates random well-formed kernels in MLIR text: arith on scalars and
tensors (integer and float arithmetic, comparisons, select, every cast and
anybit.cast, through unsigned and small float types too), tensor (extract,
insert, splat, from_elements, generate, empty, extract_slice,
insert_slice, collapse_shape, expand_shape, pad, concat), linalg (fill,
copy, generic element-wise with broadcast, transposed, shifted and strided
operands, generic and named reductions, map, reduce, transpose, broadcast,
matmul, batch_matmul, matvec, vecmat, dot; convolutions, depthwise
convolutions and poolings in 1 and 2 dimensions, strided and dilated), scf (for over index and over
narrow integers, signed and unsigned, if, index_switch, while, forall,
parallel), affine (apply, min, max; for, parallel with reductions and if,
on bounds and sets of symbols), calls of private functions, and anybit
(pack/unpack in random #anybit.packed encodings: words, straddling, tiles,
bit planes, base 3, block scales and zero points; quantize, dequantize,
matmul of packed, plain or quantized weights, ternarize, bitlinear, over
integer, small-float and trit codes), modarith (reduce, encapsulate,
constants, add, sub, mul, mul_shoup with companions computed in the
kernel, neg, mac, extract, for moduli of 2 to 64 bits; ntt and intt,
negacyclic and cyclic, of rows of 2 to 64 residues modulo primes of 8 to
64 bits, with a given root or the verifier's; matmul and matrix-vector
products of constant or computed lhs), over integers of every width from
i1 to i64 (i3, i7, i13... included), index, f16, bf16, f32 and f64, in
tensors of rank 0 to 3 with small dimensions (0 to 9, now and then 16 to
33).

Each kernel is compiled with `anybit.compile` at -O0 and -O3, and, where
it has ops that options lower differently (modarith, trit matmuls,
parallel loops, linalg), in a variant: random options (-O0 or -O3, 1 or
2 threads, the modarith reduction, BAT, the NTT lowering, the ternary
lowering, AVX2 or SSE code instead of the host's) drawn from (SEED,
index). A variant may reject its options
("cannot use Barrett reduction for ...", "BAT needs a modulus of at most
32 bits"); other compile errors are findings. Every
call is compared bit for bit (floats by their bits, any NaN equal to any
NaN) with `anybit.interpret` on five argument sets: small values; extremes
and specials (subnormals, NaNs, -0, infinities, INT_MIN/INT_MAX); a mix;
strided and byte-swapped arrays; integers beyond their width in their
numpy dtype (which both sides wrap). A call must not change its arguments.
Where the VM rejects an argument set as undefined behaviour that compiled
code defines (division by zero, out-of-bounds indices, float to integer out
of range, see docs/semantics.md), the compiled configurations are compared
with each other instead. A kernel that the VM and the compiler both reject with the
same error is a generator bug, counted as invalid (and written to
OUT/invalid/), not a finding.

Compilation and calls run in a worker process with a time limit per
kernel, so a crash (a signal, an LLVM fatal error) or a hang in the
compiler or in compiled code is recorded as a finding and the worker
restarted. Findings go to OUT/<seed>-<index>-<kinds>/: kernel.mlir,
args.pkl (the argument sets, pickled), report.txt (what differed). Findings
of the bugs in KNOWN are counted and written once per run. Every kernel
comes from (SEED, index) alone: `--only INDEX` reruns one, `--print` shows
its text. Not part of the test suite.

Usage (one run at a time; it keeps two cores busy):
  PYTHONPATH=<build>/python /usr/bin/python3 scripts/fuzz_compiled.py \\
      SEED COUNT [--out DIR] [--timeout S] [--only INDEX] [--print] [--verbose]

About ten kernels a second. Ends with "N passed, M failed":
the kernels compared without and with findings.
"""

import argparse
import faulthandler
import math
import multiprocessing
import os
import pickle
import random
import re
import sys
import tempfile
import time
import traceback
from typing import NamedTuple, Optional, Tuple

import numpy as np

# ---------------------------------------------------------------------------
# Types and values
# ---------------------------------------------------------------------------

INT_ELEMS = ["i1", "i2", "i3", "i4", "i5", "i7", "i8", "i9", "i13", "i16",
             "i17", "i24", "i31", "i32", "i33", "i48", "i63", "i64"]
COMMON_INTS = ["i8", "i16", "i32", "i64"]
FLOAT_BITS = {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}
FLOAT_ELEMS = list(FLOAT_BITS)
# Types that only anybit.cast takes (round trips through them).
EXOTIC_ELEMS = ["ui1", "ui3", "ui8", "ui13", "ui32", "si5", "si16", "ui64",
                "f8E4M3FN", "f8E5M2", "f4E2M1FN", "f6E3M2FN", "f8E8M0FNU",
                "!anybit.float<e3m2>"]

# Storage widths of !modarith.int residues.
MODARITH_WIDTHS = [2, 3, 5, 8, 13, 16, 17, 31, 32, 33, 48, 63, 64]

# Code types of packed tensors (only anybit ops take them), their widths.
CODE_FLOATS = ["!anybit.float<e3m2>", "!anybit.float<e2m3>", "!anybit.float<e2m1>",
               "!anybit.float<e3m3>", "f4E2M1FN", "f6E3M2FN", "f8E4M3FN", "f8E5M2"]
SCALE_ELEMS = ["f32", "f16", "bf16", "f8E8M0FNU"]
ELEM_BITS = {"!anybit.float<e3m2>": 6, "!anybit.float<e2m3>": 6,
             "!anybit.float<e2m1>": 4, "!anybit.float<e3m3>": 7, "f4E2M1FN": 4,
             "f6E3M2FN": 6, "f8E4M3FN": 8, "f8E5M2": 8, "f8E8M0FNU": 8,
             "ui3": 3, "ui4": 4, "ui8": 8, "si5": 5, "!anybit.trit": 2}


def is_prime(n):
    """Miller-Rabin, deterministic below 3.3e24 with these bases."""
    bases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
    if n < 2:
        return False
    for p in bases:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in bases:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def is_float(elem):
    return elem in FLOAT_BITS


def is_int(elem):
    return elem == "index" or (elem.startswith("i") and elem[1:].isdigit())


def width(elem):
    if elem == "index":
        return 64
    if elem in FLOAT_BITS:
        return FLOAT_BITS[elem]
    return int(elem[1:])


class Ty(NamedTuple):
    """An element type and a static shape; `shape` None is a scalar."""
    elem: str
    shape: Optional[Tuple[int, ...]] = None

    @property
    def tensor(self):
        return self.shape is not None

    @property
    def numel(self):
        return math.prod(self.shape) if self.tensor else 1

    def with_elem(self, elem):
        return Ty(elem, self.shape)

    def __str__(self):
        if self.shape is None:
            return self.elem
        return "tensor<" + "".join("%dx" % d for d in self.shape) + self.elem + ">"


class Val:
    """An SSA value. `raw`: its bits are defined, i.e. floats that no
    arithmetic produced, whose NaN payloads compiled code and the VM agree
    on (a bitcast to an integer may read them)."""

    def __init__(self, name, ty, raw=True):
        self.name, self.ty, self.raw = name, ty, raw

    def __str__(self):
        return self.name


def wrap_signed(v, n):
    v &= (1 << n) - 1
    return v - (1 << n) if n > 1 and v >> (n - 1) else v


# ---------------------------------------------------------------------------
# Interesting numbers
# ---------------------------------------------------------------------------

FLOAT_SPECIALS = {
    "f16": [0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x0400, 0x7BFF, 0xFBFF,
            0x7C00, 0xFC00, 0x7E00, 0xFE00, 0x7C01, 0x7FFF, 0x3C00, 0xBC00,
            0x3800, 0x3C01, 0x3BFF, 0x5800, 0x7800, 0x6800, 0x1400],
    "bf16": [0x0000, 0x8000, 0x0001, 0x8001, 0x007F, 0x0080, 0x7F7F, 0xFF7F,
             0x7F80, 0xFF80, 0x7FC0, 0xFFC0, 0x7F81, 0x3F80, 0xBF80, 0x3F00,
             0x3F81, 0x4B00, 0x4F00, 0x5F00, 0xCF00, 0x4700, 0x477F],
    "f32": [0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007FFFFF,
            0x00800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x7F800000, 0xFF800000,
            0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FBFFFFF, 0x3F800000,
            0xBF800000, 0x3F000000, 0x3EFFFFFF, 0x3F800001, 0x4B800000,
            0x4F000000, 0xCF000000, 0x5F000000, 0xDF000000, 0x477FE000,
            0x477FF000, 0x33800000, 0x337FFFFF, 0x4B7FFFFF],
    "f64": [0, 1 << 63, 1, (1 << 63) | 1, 0x000FFFFFFFFFFFFF,
            0x0010000000000000, 0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF,
            0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000,
            0xFFF8000000000000, 0x7FF0000000000001, 0x3FF0000000000000,
            0xBFF0000000000000, 0x3FE0000000000000, 0x3FDFFFFFFFFFFFFF,
            0x4340000000000000, 0x43E0000000000000, 0xC3E0000000000000,
            0x43F0000000000000, 0x41E0000000000000, 0x41DFFFFFFFC00000,
            0x3FF0000000000001, 0x36A0000000000000, 0x3690000000000000],
}
# Values near integer conversion edges and rounding ties.
FLOAT_VALUES = [0.5, 1.5, 2.5, -0.5, -1.5, 3.0, -3.0, 7.5, 8.0, 127.0,
                127.5, 128.0, -128.0, -128.5, -129.0, 255.0, 255.5, 256.0,
                32767.5, 32768.0, -32769.0, 65535.0, 65536.0, 2.0 ** 31,
                -(2.0 ** 31), 2.0 ** 31 - 1, 2.0 ** 32, 2.0 ** 63, -(2.0 ** 63),
                2.0 ** 64, 1e-3, -1e-3, 1e30, -1e30, 0.1, 1 / 3]


def float_bits(elem, value):
    """The bits of `value` rounded to `elem` (bf16: nearest even)."""
    if elem == "f16":
        with np.errstate(over="ignore"):
            return int(np.array(value, np.float16).view(np.uint16))
    if elem == "f64":
        return int(np.array(value, np.float64).view(np.uint64))
    with np.errstate(over="ignore"):
        b = int(np.array(value, np.float32).view(np.uint32))
    if elem == "f32":
        return b
    if (b >> 23) & 0xFF == 0xFF:
        return (b >> 16) | (0x40 if b & 0x7FFFFF else 0)
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16) & 0xFFFF


def random_float_bits(r, elem, tame):
    n = FLOAT_BITS[elem]
    x = r.random()
    if tame:
        return float_bits(elem, r.choice([0.0, 0.5, 1.0, 1.5, 2.0, -1.0,
                                          -2.5, 3.0, 4.0, -0.75]))
    if x < 0.35:
        return r.choice(FLOAT_SPECIALS[elem])
    if x < 0.55:
        return float_bits(elem, r.choice(FLOAT_VALUES) * r.choice([1, -1]))
    if x < 0.8:
        return r.getrandbits(n)
    return float_bits(elem, r.gauss(0, 1) * 10.0 ** r.randint(-6, 6))


def random_int(r, n, tame):
    if n == 1:
        return r.randint(0, 1)
    lo, hi = -(1 << (n - 1)), (1 << (n - 1)) - 1
    x = r.random()
    if tame:
        return wrap_signed(r.randint(-3, 4), n)
    if x < 0.4:
        return wrap_signed(r.choice([0, 1, -1, 2, lo, hi, lo + 1, hi - 1,
                                     1 << (n - 2) if n > 2 else 1, 3, 7,
                                     -2]), n)
    if x < 0.7:
        return r.randint(lo, hi)
    return wrap_signed(r.randint(-20, 20), n)


def float_literal(elem, bits):
    return "0x%0*X" % (FLOAT_BITS[elem] // 4, bits)


def int_literal(elem, v):
    if elem == "i1":
        return "true" if v & 1 else "false"
    return str(wrap_signed(v, width(elem)))


# ---------------------------------------------------------------------------
# Kernel generator
# ---------------------------------------------------------------------------

INT_BINOPS = ["addi", "subi", "muli", "andi", "ori", "xori", "maxsi",
              "minsi", "maxui", "minui", "divsi", "divui", "remsi", "remui",
              "ceildivsi", "ceildivui", "floordivsi", "shli", "shrsi",
              "shrui"]
DIVISIONS = {"divsi", "divui", "remsi", "remui", "ceildivsi", "ceildivui",
             "floordivsi"}
SHIFTS = {"shli", "shrsi", "shrui"}
FLOAT_BINOPS = ["addf", "subf", "mulf", "divf", "remf", "maximumf",
                "minimumf", "maxnumf", "minnumf"]
CMPI = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]
CMPF = ["false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq",
        "ugt", "uge", "ult", "ule", "une", "uno", "true"]
INT_REDUCERS = ["addi", "muli", "xori", "ori", "andi", "maxsi", "minsi",
                "maxui", "minui"]
FLOAT_REDUCERS = ["addf", "mulf", "maximumf", "minimumf", "maxnumf",
                  "minnumf"]


class Scope:
    """The values visible at a point of the kernel. A region's scope sees
    its parent's values; a payload scope (linalg, pad, generate) holds
    scalars only."""

    def __init__(self, parent=None, scalar_only=False):
        self.parent = parent
        self.values = []
        self.scalar_only = scalar_only

    def visible(self):
        outer = self.parent.visible() if self.parent else []
        if self.scalar_only:
            outer = [v for v in outer if not v.ty.tensor]
        return outer + self.values

    def add(self, v):
        self.values.append(v)
        return v


class KernelGen:
    """Emits one random function `@f` as MLIR text."""

    MAX_DEPTH = 3

    def __init__(self, r):
        self.r = r
        self.lines = []
        self.indent = 1
        self.count = 0
        self.depth = 0
        self.dep = set()  # names of values computed from the arguments
        self.affine_ivs = set()  # induction variables of affine loops
        self.elems = self.pick_elems()
        self.shapes = [self.random_shape() for _ in range(r.randint(1, 3))]

    # -- basics -------------------------------------------------------------

    def pick_elems(self):
        """A few element types per kernel, so that operands meet."""
        r = self.r
        elems = set()
        for _ in range(r.randint(2, 4)):
            x = r.random()
            if x < 0.45:
                elems.add(r.choice(INT_ELEMS))
            elif x < 0.55:
                elems.add(r.choice(COMMON_INTS))
            elif x < 0.6:
                elems.add("index")
            else:
                elems.add(r.choice(FLOAT_ELEMS))
        return sorted(elems)

    def random_elem(self):
        r = self.r
        if r.random() < 0.8:
            return r.choice(self.elems)
        return r.choice(INT_ELEMS + FLOAT_ELEMS + ["index"])

    def random_dim(self):
        if self.r.random() < 0.07:  # past a vector's width now and then
            return self.r.choice([16, 17, 32, 33])
        return self.r.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9])

    def random_shape(self, rank=None):
        if rank is None:
            rank = self.r.choices([0, 1, 2, 3], [1, 4, 4, 2])[0]
        shape = [self.random_dim() for _ in range(rank)]
        while math.prod(shape) > 400:
            shape[self.r.randrange(rank)] //= 2
        return tuple(shape)

    def shape(self):
        if self.r.random() < 0.75:
            return self.r.choice(self.shapes)
        return self.random_shape()

    def fresh(self, prefix="v"):
        self.count += 1
        return "%%%s%d" % (prefix, self.count)

    def emit(self, text):
        self.lines.append("  " * self.indent + text)

    def define(self, scope, ty, rhs, raw=False):
        v = Val(self.fresh(), ty, raw)
        self.emit("%s = %s" % (v.name, rhs))
        return scope.add(v)

    def choose(self, values):
        """A value, favouring those computed from the arguments and the
        most recent ones."""
        if not values:
            return None
        live = [v for v in values if v.name in self.dep]
        if live and self.r.random() < 0.75:
            values = live
        if self.r.random() < 0.6:
            return self.r.choice(values[-4:])
        return self.r.choice(values)

    def mark_dependent(self, values, start):
        """Adds to `self.dep` the values among `values` whose ops (the
        lines from `start`) use a value computed from the arguments."""
        used = set(re.findall(r"%[A-Za-z0-9_]+(?:#\d+)?", "\n".join(self.lines[start:])))
        used |= {u.split("#")[0] for u in used}
        if used & self.dep:
            for v in values:
                self.dep.add(v.name)

    def pick(self, scope, pred=lambda v: True):
        return self.choose([v for v in scope.visible() if pred(v)])

    # -- constants and values of a given type -------------------------------

    def literal(self, elem, tame=False):
        if is_float(elem):
            return float_literal(elem, random_float_bits(self.r, elem, tame))
        if elem == "index":
            return str(self.r.choice([0, 1, 2, 3, 5, 7, -1, -2, 1 << 40,
                                      (1 << 63) - 1, -(1 << 63)]))
        return int_literal(elem, random_int(self.r, width(elem), tame))

    def const(self, scope, ty, text=None, tame=None):
        if tame is None:
            tame = self.r.random() < 0.4
        if not ty.tensor:
            text = text or self.literal(ty.elem, tame)
            if ty.elem == "i1":  # "true : i1" does not parse
                text = {"true": "1", "false": "0"}.get(text, text)
            return self.define(scope, ty, "arith.constant %s : %s" % (text, ty), raw=True)
        if text is None and ty.numel <= 12 and all(ty.shape) and \
                self.r.random() < 0.6:
            def nested(shape):
                if not shape:
                    return self.literal(ty.elem, tame)
                return "[" + ", ".join(nested(shape[1:])
                                       for _ in range(shape[0])) + "]"
            text = nested(ty.shape)
        return self.define(scope, ty, "arith.constant dense<%s> : %s" % (
            text or self.literal(ty.elem, tame), ty), raw=True)

    def small_const(self, scope, elem, value):
        return self.const(scope, Ty(elem), int_literal(elem, value)
                          if elem != "index" else str(value))

    def get(self, scope, ty, reuse=0.7):
        """A value of type `ty`: one in scope or a new one."""
        same = [v for v in scope.visible() if v.ty == ty]
        if same and self.r.random() < reuse:
            return self.choose(same)
        return self.make(scope, ty)

    def make(self, scope, ty):
        r = self.r
        if not ty.tensor:
            others = [v for v in scope.visible()
                      if not v.ty.tensor and v.ty.elem != ty.elem]
            if others and r.random() < 0.3:
                return self.convert(scope, r.choice(others), ty.elem)
            return self.const(scope, ty)
        assert not scope.scalar_only
        x = r.random()
        if x < 0.3:
            return self.const(scope, ty)
        if x < 0.5:
            s = self.get(scope, Ty(ty.elem))
            return self.define(scope, ty, "tensor.splat %s : %s" % (s, ty),
                               raw=s.raw)
        if x < 0.65:
            s = self.get(scope, Ty(ty.elem))
            e = self.empty(scope, ty)
            return self.define(scope, ty, "linalg.fill ins(%s : %s) outs(%s : %s) -> %s"
                               % (s, ty.elem, e, ty, ty), raw=s.raw)
        same_shape = [v for v in scope.visible()
                      if v.ty.shape == ty.shape and v.ty.elem != ty.elem]
        if same_shape:
            return self.convert(scope, self.choose(same_shape), ty.elem)
        return self.const(scope, ty)

    def empty(self, scope, ty):
        name = self.fresh("e")
        self.emit("%s = tensor.empty() : %s" % (name, ty))
        return Val(name, ty)  # never offered as an operand: its contents are unspecified

    def init(self, scope, ty):
        """An init for an op that overwrites it: tensor.empty or a value."""
        if self.r.random() < 0.6:
            return self.empty(scope, ty), False
        return self.get(scope, ty), True

    # -- conversions ----------------------------------------------------------

    def cast_ops(self, src, dst, raw):
        """The cast ops from element type `src` to `dst`."""
        if src == dst:
            return []
        if src == "index" or dst == "index":
            if is_int(src) and is_int(dst):
                return ["index_cast", "index_castui"]
            return []
        ops = ["anybit"]
        ws, wd = width(src), width(dst)
        if is_int(src) and is_int(dst):
            ops += ["extsi", "extui"] if wd > ws else ["trunci"] if wd < ws else []
        elif is_int(src):
            ops += ["sitofp", "uitofp"] + (["bitcast"] if ws == wd else [])
        elif is_int(dst):
            ops += ["fptosi", "fptoui"] + (["bitcast"] if ws == wd and raw else [])
        else:
            ops += ["extf"] if wd > ws else ["truncf"] if wd < ws else (
                ["bitcast"] if raw else [])
        return ops

    def cast(self, scope, v, elem, op):
        ty = v.ty.with_elem(elem)
        raw = op == "bitcast" and is_int(v.ty.elem)
        if op == "anybit":
            sat = " saturate" if self.r.random() < 0.3 else ""
            return self.define(scope, ty, "anybit.cast %s%s : %s to %s"
                               % (v, sat, v.ty, ty), raw=is_int(elem))
        return self.define(scope, ty, "arith.%s %s : %s to %s" % (op, v, v.ty, ty),
                           raw=raw or is_int(elem))

    def convert(self, scope, v, elem, safe=True):
        """`v` as element type `elem` (same shape), by some cast."""
        if v.ty.elem == elem:
            return v
        if is_float(v.ty.elem) and elem == "index":
            v = self.convert(scope, v, "i64", safe)
        if v.ty.elem == "index" and is_float(elem):
            v = self.convert(scope, v, "i64", safe)
        ops = self.cast_ops(v.ty.elem, elem, v.raw)
        if safe and len(ops) > 1:
            # fptosi/fptoui of NaN or out of range are rejected by the VM.
            ops = [o for o in ops if o not in ("fptosi", "fptoui")] or ops
        return self.cast(scope, v, elem, self.r.choice(ops))

    # -- operand helpers ------------------------------------------------------

    def splat_const(self, scope, ty, value):
        lit = int_literal(ty.elem, value) if ty.elem != "index" else str(value)
        if ty.tensor:
            return self.define(scope, ty, "arith.constant dense<%s> : %s" % (lit, ty))
        return self.const(scope, ty, lit)

    def index_scalar(self, scope):
        v = self.pick(scope, lambda v: v.ty == Ty("index"))
        if v is not None and self.r.random() < 0.7:
            return v
        ints = [v for v in scope.visible() if not v.ty.tensor and is_int(v.ty.elem)]
        if ints and self.r.random() < 0.7:
            return self.convert(scope, self.choose(ints), "index")
        return self.const(scope, Ty("index"), str(self.r.randint(0, 9)))

    def index_operand(self, scope, bound, raw_prob=0.04):
        """An index in [0, bound) (bound > 0): a constant, or a run-time
        value reduced into range; rarely unreduced (the VM rejects it out
        of bounds, compiled code clamps)."""
        x = self.r.random()
        if x < 0.5:
            return self.small_const(scope, "index", self.r.randrange(bound)).name
        v = self.index_scalar(scope)
        if x < 1 - raw_prob:
            c = self.small_const(scope, "index", bound)
            v = self.define(scope, Ty("index"), "arith.remui %s, %s : index" % (v, c))
        return v.name

    def nonzero(self, scope, v):
        """`v` made nonzero (odd), or positive (signed division by -1
        overflows on INT_MIN)."""
        one = self.splat_const(scope, v.ty, 1)
        op = "ori" if self.r.random() < 0.5 or v.ty.elem == "i1" else "maxsi"
        return self.define(scope, v.ty, "arith.%s %s, %s : %s" % (op, v, one, v.ty))

    def shift_amount(self, scope, v):
        n = self.splat_const(scope, v.ty, width(v.ty.elem))
        return self.define(scope, v.ty, "arith.remui %s, %s : %s" % (v, n, v.ty))

    # -- scalar and element-wise ops -----------------------------------------

    def p_const(self, scope):
        ty = Ty(self.random_elem(), None if scope.scalar_only or
                self.r.random() < 0.5 else self.shape())
        return self.const(scope, ty)

    def p_int_binop(self, scope):
        a = self.pick(scope, lambda v: is_int(v.ty.elem))
        if a is None:
            return None
        op = self.r.choice(INT_BINOPS)
        b = self.get(scope, a.ty)
        if op in DIVISIONS and self.r.random() < 0.93:
            b = self.nonzero(scope, b)
        if op in SHIFTS:
            b = self.shift_amount(scope, b)
        return self.define(scope, a.ty, "arith.%s %s, %s : %s" % (op, a, b, a.ty))

    def p_float_binop(self, scope):
        a = self.pick(scope, lambda v: is_float(v.ty.elem))
        if a is None:
            return None
        b = self.get(scope, a.ty)
        if self.r.random() < 0.15:
            return self.define(scope, a.ty, "arith.negf %s : %s" % (a, a.ty))
        op = self.r.choice(FLOAT_BINOPS)
        return self.define(scope, a.ty, "arith.%s %s, %s : %s" % (op, a, b, a.ty))

    def p_cmp(self, scope):
        a = self.pick(scope, lambda v: is_int(v.ty.elem) or is_float(v.ty.elem))
        if a is None:
            return None
        b = self.get(scope, a.ty)
        if is_float(a.ty.elem):
            text = "arith.cmpf %s, %s, %s : %s" % (self.r.choice(CMPF), a, b, a.ty)
        else:
            text = "arith.cmpi %s, %s, %s : %s" % (self.r.choice(CMPI), a, b, a.ty)
        return self.define(scope, a.ty.with_elem("i1"), text)

    def p_select(self, scope):
        a = self.pick(scope)
        if a is None:
            return None
        b = self.get(scope, a.ty)
        if a.ty.tensor and self.r.random() < 0.6:
            c = self.get(scope, a.ty.with_elem("i1"))
            text = "arith.select %s, %s, %s : %s, %s" % (c, a, b, c.ty, a.ty)
        else:
            c = self.get(scope, Ty("i1"))
            text = "arith.select %s, %s, %s : %s" % (c, a, b, a.ty)
        return self.define(scope, a.ty, text, raw=a.raw and b.raw)

    def p_cast(self, scope):
        a = self.pick(scope)
        if a is None:
            return None
        if self.r.random() < 0.2:
            # Through a type only anybit.cast takes, and back.
            mid = self.r.choice(EXOTIC_ELEMS)
            if a.ty.elem == "index":
                a = self.convert(scope, a, "i64")
            t = self.cast(scope, a, mid, "anybit")
            scope.values.remove(t)  # only anybit.cast takes it
            back = self.r.choice([e for e in self.elems if e != "index"] or ["i32"])
            return self.cast(scope, t, back, "anybit")
        for _ in range(4):
            elem = self.random_elem()
            ops = self.cast_ops(a.ty.elem, elem, a.raw)
            if {"fptosi", "fptoui"} & set(ops) and self.r.random() < 0.5:
                ops = [o for o in ops if o not in ("fptosi", "fptoui")]
            if ops:
                return self.cast(scope, a, elem, self.r.choice(ops))
        return None

    # -- tensor ops -------------------------------------------------------------

    def tensor_operand(self, scope, pred=lambda v: True):
        return self.pick(scope, lambda v: v.ty.tensor and pred(v))

    def p_extract(self, scope):
        t = self.tensor_operand(scope, lambda v: v.ty.numel > 0)
        if t is None:
            return None
        idx = [self.index_operand(scope, d) for d in t.ty.shape]
        return self.define(scope, Ty(t.ty.elem), "tensor.extract %s[%s] : %s"
                           % (t, ", ".join(idx), t.ty), raw=t.raw)

    def p_insert(self, scope):
        t = self.tensor_operand(scope, lambda v: v.ty.numel > 0)
        if t is None:
            return None
        s = self.get(scope, Ty(t.ty.elem))
        idx = [self.index_operand(scope, d) for d in t.ty.shape]
        return self.define(scope, t.ty, "tensor.insert %s into %s[%s] : %s"
                           % (s, t, ", ".join(idx), t.ty), raw=t.raw and s.raw)

    def slice_params(self, scope, shape):
        """Offsets, sizes, strides (texts) of an in-bounds slice, and the
        result shape with some unit dimensions dropped."""
        r = self.r
        offs, sizes, strides, result = [], [], [], []
        for d in shape:
            size = 0 if d == 0 else r.choice([r.randint(0, d), r.randint(1, d), d])
            stride = 1
            if size > 1 and r.random() < 0.3:
                stride = r.randint(2, 3)
                if (size - 1) * stride >= d:
                    stride = 1
            span = (size - 1) * stride + 1 if size else 1
            room = d - span  # the largest offset (an offset must be < d)
            if room > 0 and r.random() < 0.35:
                c = self.small_const(scope, "index", room + 1)
                v = self.index_scalar(scope)
                off = self.define(scope, Ty("index"), "arith.remui %s, %s : index"
                                  % (v, c)).name
            else:
                off = str(r.randint(0, max(room, 0)))
            if stride > 1 and r.random() < 0.2:
                c = self.small_const(scope, "index", stride)
                v = self.index_scalar(scope)
                m = self.define(scope, Ty("index"), "arith.remui %s, %s : index" % (v, c))
                one = self.small_const(scope, "index", 1)
                stride = self.define(scope, Ty("index"), "arith.addi %s, %s : index"
                                     % (m, one)).name
            offs.append(off)
            sizes.append(str(size))
            strides.append(str(stride))
            if not (size == 1 and r.random() < 0.3):
                result.append(size)
        return offs, sizes, strides, tuple(result)

    def p_extract_slice(self, scope):
        # The verifier rejects every offset into a dimension of size 0.
        t = self.tensor_operand(scope, lambda v: len(v.ty.shape) >= 1 and v.ty.numel)
        if t is None:
            return None
        offs, sizes, strides, shape = self.slice_params(scope, t.ty.shape)
        ty = Ty(t.ty.elem, shape)
        return self.define(scope, ty, "tensor.extract_slice %s[%s] [%s] [%s] : %s to %s"
                           % (t, ", ".join(offs), ", ".join(sizes),
                              ", ".join(strides), t.ty, ty), raw=t.raw)

    def p_insert_slice(self, scope):
        t = self.tensor_operand(scope, lambda v: len(v.ty.shape) >= 1 and v.ty.numel)
        if t is None:
            return None
        offs, sizes, strides, shape = self.slice_params(scope, t.ty.shape)
        src = self.get(scope, Ty(t.ty.elem, shape))
        return self.define(scope, t.ty, "tensor.insert_slice %s into %s[%s] [%s] [%s] : %s into %s"
                           % (src, t, ", ".join(offs), ", ".join(sizes),
                              ", ".join(strides), src.ty, t.ty),
                           raw=t.raw and src.raw)

    def groups(self, rank, count):
        """`rank` dimensions cut into `count` contiguous non-empty groups."""
        cuts = sorted(self.r.sample(range(1, rank), count - 1))
        bounds = [0] + cuts + [rank]
        return [list(range(bounds[i], bounds[i + 1])) for i in range(count)]

    @staticmethod
    def reassociation(groups):
        return "[" + ", ".join("[" + ", ".join(map(str, g)) + "]" for g in groups) + "]"

    def p_collapse(self, scope):
        t = self.tensor_operand(scope, lambda v: len(v.ty.shape) >= 2 or
                                v.ty.shape == (1,))
        if t is None:
            return None
        rank = len(t.ty.shape)
        if rank == 1:
            groups, shape = [], ()
        else:
            groups = self.groups(rank, self.r.randint(1, rank - 1))
            shape = tuple(math.prod(t.ty.shape[i] for i in g) for g in groups)
        ty = Ty(t.ty.elem, shape)
        return self.define(scope, ty, "tensor.collapse_shape %s %s : %s into %s"
                           % (t, self.reassociation(groups), t.ty, ty), raw=t.raw)

    def p_expand(self, scope):
        t = self.tensor_operand(scope, lambda v: len(v.ty.shape) <= 2)
        if t is None:
            return None
        if not t.ty.shape:
            shape, groups = (1,) * self.r.randint(1, 2), []
        else:
            shape, groups = [], []
            split = self.r.randrange(len(t.ty.shape))
            for i, d in enumerate(t.ty.shape):
                if i != split:
                    factors = [d]
                elif d == 0:
                    factors = self.r.choice([[1, 0], [0, 1]])
                else:
                    f = self.r.choice([k for k in range(1, d + 1) if d % k == 0])
                    factors = [f, d // f]
                groups.append(list(range(len(shape), len(shape) + len(factors))))
                shape += factors
            shape = tuple(shape)
        ty = Ty(t.ty.elem, shape)
        return self.define(scope, ty, "tensor.expand_shape %s %s output_shape [%s] : %s into %s"
                           % (t, self.reassociation(groups),
                              ", ".join(map(str, shape)), t.ty, ty), raw=t.raw)

    def p_pad(self, scope):
        t = self.tensor_operand(scope, lambda v: 1 <= len(v.ty.shape) <= 3)
        if t is None:
            return None
        r = self.r
        low, high, shape = [], [], []
        for d in t.ty.shape:
            lo, hi = r.randint(0, 2), r.randint(0, 2)
            shape.append(d + lo + hi)
            if r.random() < 0.2:
                total = lo + hi
                c = self.small_const(scope, "index", total + 1)
                v = self.index_scalar(scope)
                lv = self.define(scope, Ty("index"), "arith.remui %s, %s : index" % (v, c))
                ct = self.small_const(scope, "index", total)
                hv = self.define(scope, Ty("index"), "arith.subi %s, %s : index" % (ct, lv))
                low.append(lv.name)
                high.append(hv.name)
            else:
                low.append(str(lo))
                high.append(str(hi))
        ty = Ty(t.ty.elem, tuple(shape))
        name = self.fresh()
        self.emit("%s = tensor.pad %s low[%s] high[%s] {" % (
            name, t, ", ".join(low), ", ".join(high)))
        args = [Val(self.fresh("i"), Ty("index")) for _ in shape]
        self.emit("^bb0(%s):" % ", ".join("%s: index" % a for a in args))
        value = self.payload(scope, args, [t.ty.elem], steps=r.randint(0, 2))[0]
        self.indent += 1
        self.emit("tensor.yield %s : %s" % (value, t.ty.elem))
        self.indent -= 1
        self.emit("} : %s to %s" % (t.ty, ty))
        return scope.add(Val(name, ty, t.raw and value.raw))

    def p_slice_update(self, scope):
        """A slice taken out of a tensor, changed and put back where it
        was (the tensor before the update stays in use)."""
        t = self.tensor_operand(scope, lambda v: len(v.ty.shape) >= 1 and v.ty.numel)
        if t is None:
            return None
        offs, sizes, strides, shape = self.slice_params(scope, t.ty.shape)
        where = "[%s] [%s] [%s]" % (", ".join(offs), ", ".join(sizes), ", ".join(strides))
        ty = Ty(t.ty.elem, shape)
        part = self.define(scope, ty, "tensor.extract_slice %s%s : %s to %s"
                           % (t, where, t.ty, ty), raw=t.raw)
        for _ in range(self.r.randint(1, 3)):
            new = self.gen_op(scope, [("p_int_binop", 1), ("p_float_binop", 1),
                                      ("p_generic", 1), ("p_insert", 1), ("p_map", 1)])
        new = self.get(scope, ty, reuse=0.95)
        return self.define(scope, t.ty, "tensor.insert_slice %s into %s%s : %s into %s"
                           % (new, t, where, ty, t.ty), raw=t.raw and new.raw)

    def p_concat(self, scope):
        t = self.tensor_operand(scope, lambda v: len(v.ty.shape) >= 1)
        if t is None:
            return None
        dim = self.r.randrange(len(t.ty.shape))
        parts = [t]
        for _ in range(self.r.randint(1, 2)):
            shape = list(t.ty.shape)
            shape[dim] = self.r.randint(0 if self.r.random() < 0.15 else 1, 4)
            parts.append(self.get(scope, Ty(t.ty.elem, tuple(shape))))
        self.r.shuffle(parts)
        shape = list(t.ty.shape)
        shape[dim] = sum(p.ty.shape[dim] for p in parts)
        ty = Ty(t.ty.elem, tuple(shape))
        return self.define(scope, ty, "tensor.concat dim(%d) %s : (%s) -> %s"
                           % (dim, ", ".join(p.name for p in parts),
                              ", ".join(str(p.ty) for p in parts), ty),
                           raw=all(p.raw for p in parts))

    def p_splat(self, scope):
        s = self.pick(scope, lambda v: not v.ty.tensor)
        if s is None:
            return None
        ty = Ty(s.ty.elem, self.shape())
        return self.define(scope, ty, "tensor.splat %s : %s" % (s, ty), raw=s.raw)

    def p_from_elements(self, scope):
        elem = self.random_elem()
        shape = self.r.choice([(), (1,), (2,), (3,), (5,), (2, 2), (1, 3), (3, 2)])
        ty = Ty(elem, shape)
        items = [self.get(scope, Ty(elem)) for _ in range(ty.numel)]
        return self.define(scope, ty, "tensor.from_elements %s : %s"
                           % (", ".join(i.name for i in items), ty),
                           raw=all(i.raw for i in items))

    def p_generate(self, scope):
        ty = Ty(self.random_elem(), self.shape())
        name = self.fresh()
        self.emit("%s = tensor.generate {" % name)
        args = [Val(self.fresh("i"), Ty("index")) for _ in ty.shape]
        self.emit("^bb0(%s):" % ", ".join("%s: index" % a for a in args))
        value = self.payload(scope, args, [ty.elem], steps=self.r.randint(1, 4))[0]
        self.indent += 1
        self.emit("tensor.yield %s : %s" % (value, ty.elem))
        self.indent -= 1
        self.emit("} : %s" % (ty,))
        return scope.add(Val(name, ty, False))

    # -- linalg -------------------------------------------------------------------

    def payload(self, scope, args, out_elems, steps, index_dims=0):
        """Scalar ops in a region (at one more indentation) over `args`
        (and the enclosing scope's scalars); returns one value per element
        type of `out_elems`."""
        self.indent += 1
        inner = Scope(scope if self.r.random() < 0.3 else None, scalar_only=True)
        for a in args:
            inner.add(a)
            self.dep.add(a.name)  # the elements: what the payload should use
        for d in range(index_dims):
            if self.r.random() < 0.25:
                self.define(inner, Ty("index"), "linalg.index %d : index" % d)
        for _ in range(steps):
            self.gen_op(inner, self.SCALAR_PRODUCERS)
        outs = []
        for elem in out_elems:
            mine = [v for v in inner.values if v.ty.elem == elem]
            if mine and self.r.random() < 0.8:
                outs.append(self.choose(mine))
            elif inner.values and self.r.random() < 0.7:
                outs.append(self.convert(inner, self.choose(inner.values), elem))
            else:
                outs.append(self.get(inner, Ty(elem)))
        self.indent -= 1
        return outs

    @staticmethod
    def affine_map(rank, results):
        """Results: a loop's number, or an expression's text."""
        dims = ", ".join("d%d" % i for i in range(rank))
        return "affine_map<(%s) -> (%s)>" % (dims, ", ".join(
            "d%d" % i if isinstance(i, int) else i for i in results))

    def emit_generic(self, scope, rank, iterators, ins, in_maps, outs, out_maps,
                     read_outs, steps, combine=None):
        """A linalg.generic; `ins`/`outs` values with their map results;
        returns the result values."""
        maps = [self.affine_map(rank, m) for m in in_maps + out_maps]
        names = [self.fresh() for _ in outs]
        head = names[0] if len(outs) == 1 else "%s:%d" % (names[0], len(outs))
        ins_text = " ins(%s : %s)" % (", ".join(v.name for v in ins),
                                      ", ".join(str(v.ty) for v in ins)) if ins else ""
        self.emit('%s = linalg.generic {indexing_maps = [%s], iterator_types = [%s]}%s outs(%s : %s) {'
                  % (head, ", ".join(maps),
                     ", ".join('"%s"' % i for i in iterators), ins_text,
                     ", ".join(v.name for v in outs),
                     ", ".join(str(v.ty) for v in outs)))
        # An element is as raw as its operand; an output may hold what an
        # earlier step computed.
        in_args = [Val(self.fresh("x"), Ty(v.ty.elem), v.raw) for v in ins]
        out_args = [Val(self.fresh("o"), Ty(v.ty.elem), False) for v in outs]
        self.emit("^bb0(%s):" % ", ".join("%s: %s" % (a, a.ty) for a in in_args + out_args))
        usable = in_args + [a for a, ok in zip(out_args, read_outs) if ok]
        if combine:
            values = combine(usable, out_args)
        else:
            values = self.payload(scope, usable, [v.ty.elem for v in outs], steps, rank)
        self.indent += 1
        self.emit("linalg.yield %s : %s" % (", ".join(v.name for v in values),
                                            ", ".join(v.ty.elem for v in values)))
        self.indent -= 1
        tys = [str(v.ty) for v in outs]
        self.emit("} -> %s" % (tys[0] if len(tys) == 1 else "(%s)" % ", ".join(tys)))
        if len(outs) == 1:
            return [scope.add(Val(names[0], outs[0].ty, False))]
        return [scope.add(Val("%s#%d" % (names[0], i), v.ty, False))
                for i, v in enumerate(outs)]

    def p_generic(self, scope):
        """An element-wise linalg.generic with identity, broadcast,
        transposed and scalar operands, one or two results."""
        r = self.r
        base = self.tensor_operand(scope)
        shape = base.ty.shape if base is not None and r.random() < 0.7 else self.shape()
        rank = len(shape)
        ins, maps = [], []
        for _ in range(r.randint(1, 3)):
            x = r.random()
            if x < 0.12 and rank:
                # Shifted, strided and reversed reads of a larger input.
                dims, in_shape = [], []
                for d, size in enumerate(shape):
                    kind = r.choice(["id", "shift", "stride", "reverse"])
                    c = r.randint(0, 2)
                    if kind == "shift" and size:
                        dims.append("d%d + %d" % (d, c))
                        in_shape.append(size + c)
                    elif kind == "stride" and size:
                        dims.append("d%d * 2 + %d" % (d, c))
                        in_shape.append(2 * (size - 1) + c + 1)
                    elif kind == "reverse" and size:
                        dims.append("%d - d%d" % (size - 1, d))
                        in_shape.append(size)
                    else:
                        dims.append(d)
                        in_shape.append(size)
                ins.append(self.get(scope, Ty(self.random_elem(), tuple(in_shape))))
                maps.append(dims)
                continue
            if x < 0.5:
                dims = list(range(rank))
            elif x < 0.7:
                dims = sorted(r.sample(range(rank), r.randint(0, rank)))
            elif x < 0.85:
                dims = r.sample(range(rank), rank)
            else:
                ins.append(self.get(scope, Ty(self.random_elem())))
                maps.append([])
                continue
            ins.append(self.get(scope, Ty(r.choice([self.random_elem(), base.ty.elem if base else "i8"]),
                                          tuple(shape[d] for d in dims))))
            maps.append(dims)
        outs, read, out_maps = [], [], []
        for _ in range(1 if r.random() < 0.8 else 2):
            perm = list(range(rank))
            if r.random() < 0.2:
                r.shuffle(perm)  # a transposed result
            v, ok = self.init(scope, Ty(self.random_elem(), tuple(shape[p] for p in perm)))
            outs.append(v)
            read.append(ok)
            out_maps.append(perm)
        return self.emit_generic(scope, rank, ["parallel"] * rank, ins, maps, outs,
                                 out_maps, read, r.randint(1, 5))[0]

    def reducer(self, scope, acc_elem, value, acc):
        ops = INT_REDUCERS if is_int(acc_elem) else FLOAT_REDUCERS
        return self.define(scope, Ty(acc_elem), "arith.%s %s, %s : %s"
                           % (self.r.choice(ops), value, acc, acc_elem))

    def reduction_payload(self, scope, usable, out_args, rank):
        """Ops on the inputs, then each result folded into its accumulator."""
        self.indent += 1
        inner = Scope(None, scalar_only=True)
        for a in usable:
            inner.add(a)
            self.dep.add(a.name)
        for d in range(rank):
            if self.r.random() < 0.2:
                self.define(inner, Ty("index"), "linalg.index %d : index" % d)
        for _ in range(self.r.randint(0, 3)):
            self.gen_op(inner, self.SCALAR_PRODUCERS)
        values = []
        for acc in out_args:
            v = self.convert(inner, self.choose(inner.values), acc.ty.elem)
            values.append(self.reducer(inner, acc.ty.elem, v, acc))
        self.indent -= 1
        return values

    def reduction_shape(self, t):
        rank = len(t.ty.shape)
        reduced = sorted(self.r.sample(range(rank), self.r.randint(1, rank)))
        kept = [d for d in range(rank) if d not in reduced]
        return reduced, kept, tuple(t.ty.shape[d] for d in kept)

    def p_generic_reduction(self, scope):
        t = self.tensor_operand(scope, lambda v: len(v.ty.shape) >= 1)
        if t is None:
            return None
        rank = len(t.ty.shape)
        reduced, kept, shape = self.reduction_shape(t)
        ins, maps = [t], [list(range(rank))]
        if self.r.random() < 0.3:
            ins.append(self.get(scope, Ty(self.random_elem(), t.ty.shape)))
            maps.append(list(range(rank)))
        acc = t.ty.elem if self.r.random() < 0.5 else self.random_elem()
        init = self.get(scope, Ty(acc, shape))  # read: never an empty
        iterators = ["reduction" if d in reduced else "parallel" for d in range(rank)]
        return self.emit_generic(
            scope, rank, iterators, ins, maps, [init], [kept], [True], 0,
            combine=lambda usable, outs: self.reduction_payload(scope, usable, outs, rank))[0]

    def named_region(self, params, compute):
        """The region of linalg.map or linalg.reduce: `params`, the ops
        `compute()` emits, and the value it returns yielded as the last
        parameter's type."""
        self.indent += 1
        self.emit("(%s) {" % ", ".join("%s: %s" % (a, a.ty) for a in params))
        value = compute()
        self.indent += 1
        self.emit("linalg.yield %s : %s" % (value, params[-1].ty))
        self.indent -= 1
        self.emit("}")
        self.indent -= 1

    def p_map(self, scope):
        base = self.tensor_operand(scope)
        ty = base.ty if base is not None and self.r.random() < 0.7 else Ty(
            self.random_elem(), self.shape())
        ins = [self.get(scope, Ty(self.random_elem() if self.r.random() < 0.4 else ty.elem,
                                  ty.shape)) for _ in range(self.r.randint(1, 3))]
        out, read = self.init(scope, Ty(self.random_elem(), ty.shape))
        name = self.fresh()
        self.emit("%s = linalg.map ins(%s : %s) outs(%s : %s)" % (
            name, ", ".join(v.name for v in ins), ", ".join(str(v.ty) for v in ins),
            out, out.ty))
        args = [Val(self.fresh("x"), Ty(v.ty.elem), v.raw) for v in ins]
        o = Val(self.fresh("o"), Ty(out.ty.elem), False)
        self.named_region(args + [o], lambda: self.payload(
            scope, args + ([o] if read else []), [o.ty.elem], self.r.randint(1, 4))[0])
        return scope.add(Val(name, out.ty, False))

    def p_reduce(self, scope):
        t = self.tensor_operand(scope, lambda v: len(v.ty.shape) >= 1)
        if t is None:
            return None
        reduced, kept, shape = self.reduction_shape(t)
        acc_elem = t.ty.elem if self.r.random() < 0.7 else self.random_elem()
        init = self.get(scope, Ty(acc_elem, shape))
        name = self.fresh()
        self.emit("%s = linalg.reduce ins(%s : %s) outs(%s : %s) dimensions = [%s]" % (
            name, t, t.ty, init, init.ty, ", ".join(map(str, reduced))))
        x = Val(self.fresh("x"), Ty(t.ty.elem), t.raw)
        acc = Val(self.fresh("o"), Ty(acc_elem), False)
        self.named_region([x, acc], lambda: self.reduction_payload(
            scope, [x, acc], [acc], 0)[0])
        return scope.add(Val(name, init.ty, False))

    def p_transpose(self, scope):
        t = self.tensor_operand(scope, lambda v: len(v.ty.shape) >= 1)
        if t is None:
            return None
        rank = len(t.ty.shape)
        perm = self.r.sample(range(rank), rank)
        ty = Ty(t.ty.elem, tuple(t.ty.shape[p] for p in perm))
        out, _ = self.init(scope, ty)
        return self.define(scope, ty, "linalg.transpose ins(%s : %s) outs(%s : %s) permutation = [%s]"
                           % (t, t.ty, out, ty, ", ".join(map(str, perm))), raw=t.raw)

    def p_broadcast(self, scope):
        t = self.tensor_operand(scope, lambda v: len(v.ty.shape) <= 2)
        if t is None:
            return None
        rank = len(t.ty.shape) + self.r.randint(1, 3 - len(t.ty.shape))
        added = sorted(self.r.sample(range(rank), rank - len(t.ty.shape)))
        dims = iter(t.ty.shape)
        shape = tuple(self.r.randint(0, 4) if d in added else next(dims)
                      for d in range(rank))
        ty = Ty(t.ty.elem, shape)
        out, _ = self.init(scope, ty)
        return self.define(scope, ty, "linalg.broadcast ins(%s : %s) outs(%s : %s) dimensions = [%s]"
                           % (t, t.ty, out, ty, ", ".join(map(str, added))), raw=t.raw)

    def p_copy(self, scope):
        t = self.tensor_operand(scope)
        if t is None:
            return None
        out, _ = self.init(scope, t.ty)
        return self.define(scope, t.ty, "linalg.copy ins(%s : %s) outs(%s : %s) -> %s"
                           % (t, t.ty, out, t.ty, t.ty), raw=t.raw)

    def p_fill(self, scope):
        s = self.pick(scope, lambda v: not v.ty.tensor)
        if s is None:
            return None
        ty = Ty(s.ty.elem, self.shape())
        out, _ = self.init(scope, ty)
        return self.define(scope, ty, "linalg.fill ins(%s : %s) outs(%s : %s) -> %s"
                           % (s, s.ty, out, ty, ty), raw=s.raw)

    def p_contraction(self, scope):
        """linalg.matmul, batch_matmul, matvec, vecmat, dot: same element
        types, or narrower inputs into a wider accumulator."""
        r = self.r
        x = r.random()
        if x < 0.45:
            ea = eb = ec = r.choice(FLOAT_ELEMS)
        elif x < 0.75:
            ea = eb = ec = r.choice(INT_ELEMS)
        elif x < 0.9:
            ea, eb = r.choice(INT_ELEMS[:9]), r.choice(INT_ELEMS[:9])
            ec = r.choice(["i16", "i32", "i64", "i13"])
        else:
            ea, eb, ec = r.choice(["f16", "bf16"]), r.choice(["f16", "bf16"]), \
                r.choice(["f32", "f64"])
        m, k, n, b = (r.randint(0, 6) for _ in range(4))
        op, sa, sb, sc = r.choice([
            ("matmul", (m, k), (k, n), (m, n)),
            ("matmul", (m, k), (k, n), (m, n)),
            ("batch_matmul", (b, m, k), (b, k, n), (b, m, n)),
            ("matvec", (m, k), (k,), (m,)),
            ("vecmat", (k,), (k, n), (n,)),
            ("dot", (k,), (k,), ())])
        a = self.get(scope, Ty(ea, sa))
        bb = self.get(scope, Ty(eb, sb))
        c = self.get(scope, Ty(ec, sc))
        attr = ""
        if is_int(ec) and (ea != ec or eb != ec) and r.random() < 0.4:
            attr = " {cast = #linalg.type_fn<cast_unsigned>}"
        return self.define(scope, c.ty, "linalg.%s%s ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
                           % (op, attr, a, bb, a.ty, bb.ty, c, c.ty, c.ty))

    def p_convolution(self, scope):
        """linalg convolutions and poolings over 1 or 2 spatial dimensions,
        with strides and dilations: the window's positions that stay in
        the input (out = (in - (k - 1) * d - 1) / s + 1)."""
        r = self.r
        elem = r.choice(FLOAT_ELEMS + INT_ELEMS[1:])  # not i1: a sum of i1s
        rank = 1 if r.random() < 0.6 else 2
        sizes, strides, dilations = [], [], []
        for _ in range(rank):
            k, st, d = r.randint(1, 3), r.randint(1, 2), r.randint(1, 2)
            size = (k - 1) * d + 1 + r.randint(0, 5)
            sizes.append((size, k, (size - (k - 1) * d - 1) // st + 1))
            strides.append(st)
            dilations.append(d)
        n, c, f = r.randint(0, 2), r.randint(1, 3), r.randint(1, 3)
        ins_sp = tuple(s_[0] for s_ in sizes)
        win = tuple(s_[1] for s_ in sizes)
        out_sp = tuple(s_[2] for s_ in sizes)
        sp = "w" if rank == 1 else "hw"
        kind = r.choice(["conv", "conv", "depthwise", "pooling_sum", "pooling_max",
                         "pooling_min"])
        if kind == "conv":
            op = "conv_%dd_n%sc_%scf" % (rank, sp, sp)
            filt, out = win + (c, f), (n,) + out_sp + (f,)
        elif kind == "depthwise":
            op = "depthwise_conv_%dd_n%sc_%sc" % (rank, sp, sp)
            filt, out = win + (c,), (n,) + out_sp + (c,)
        else:
            op = "pooling_n%sc_%s" % (sp, kind.split("_")[1])
            if is_int(elem) and kind != "pooling_sum" and r.random() < 0.4:
                op += "_unsigned"
            filt, out = win, (n,) + out_sp + (c,)
        x = self.get(scope, Ty(elem, (n,) + ins_sp + (c,)))
        # A pooling's window is a shape only; its contents are never read.
        w = self.empty(scope, Ty(elem, filt)) if kind.startswith("pooling") \
            else self.get(scope, Ty(elem, filt))
        init = self.get(scope, Ty(elem, out))
        attrs = "{dilations = dense<%s> : tensor<%dxi64>, strides = dense<%s> : tensor<%dxi64>}" % (
            dilations if rank > 1 else dilations[0], rank, strides if rank > 1 else strides[0],
            rank)
        return self.define(scope, init.ty, "linalg.%s %s ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
                           % (op, attrs, x, w, x.ty, w.ty, init, init.ty, init.ty))

    # -- scf --------------------------------------------------------------------

    def region_body(self, scope, steps, producers=None):
        for _ in range(steps):
            self.gen_op(scope, producers or self.ALL_PRODUCERS)

    def yields_for(self, scope, tys):
        """A value of each type, favouring the region's own."""
        out = []
        for ty in tys:
            mine = [v for v in scope.values if v.ty == ty]
            out.append(self.choose(mine) if mine and self.r.random() < 0.85
                       else self.get(scope, ty))
        return out

    def carried(self, scope, count):
        vals = []
        for _ in range(count):
            v = self.pick(scope)
            if v is None:
                v = self.const(scope, Ty(self.random_elem()))
            vals.append(v)
        return vals

    @staticmethod
    def results_head(name, count):
        return name if count == 1 else "%s:%d" % (name, count)

    @staticmethod
    def results(name, tys):
        if len(tys) == 1:
            return [Val(name, tys[0], False)]
        return [Val("%s#%d" % (name, i), ty, False) for i, ty in enumerate(tys)]

    def nested(self):
        return self.depth < self.MAX_DEPTH

    def p_for(self, scope):
        if not self.nested():
            return None
        r = self.r
        inits = self.carried(scope, r.randint(1, 3))
        iv_elem = "index" if r.random() < 0.7 else r.choice(
            ["i3", "i5", "i7", "i8", "i13", "i16", "i32", "i33", "i64"])
        n = width(iv_elem)
        lo_min = -(1 << (n - 1)) if n < 64 else -(1 << 62)
        lo = max(lo_min, r.choice([0, 0, 1, -2, lo_min]))
        step = r.randint(1, 3)
        trips = r.randint(0, 5)
        hi = lo + trips * step - r.randint(0, step - 1)
        hi = max(lo_min, min(hi, (1 << (n - 1)) - 1 if n < 64 else 1 << 62))
        dynamic = iv_elem == "index" and r.random() < 0.3
        if dynamic:
            lo = r.randint(0, 2)
        lb = self.small_const(scope, iv_elem, lo)
        st = self.small_const(scope, iv_elem, step)
        if dynamic:
            c = self.small_const(scope, "index", 7)
            ub = self.define(scope, Ty("index"), "arith.remui %s, %s : index"
                             % (self.index_scalar(scope), c))
        else:
            ub = self.small_const(scope, iv_elem, hi)
        name, tys, body, _, args = self.for_head(scope, inits, lb, ub, st, iv_elem)
        for a, v in zip(args, inits):
            if v.name in self.dep:
                self.dep.add(a.name)
        return self.yielding_region(scope, body, name, tys, 6)

    def for_head(self, scope, inits, lb, ub, st, iv_elem, unsigned=False, op="scf.for"):
        """Emits the head of an scf.for (or affine.for, whose bounds are
        maps) over `iv_elem` carrying `inits`; returns its name, the
        carried types, the body's scope (holding the induction variable and
        the iteration arguments), the induction variable and the iteration
        arguments."""
        name = self.fresh()
        tys = [v.ty for v in inits]
        iv = Val(self.fresh("i"), Ty(iv_elem))
        args = [Val(self.fresh("a"), v.ty, v.raw) for v in inits]
        self.emit("%s = %s%s %s = %s to %s step %s iter_args(%s) -> (%s)%s {" % (
            self.results_head(name, len(inits)), op, " unsigned" if unsigned else "",
            iv, lb, ub, st, ", ".join("%s = %s" % (a, v) for a, v in zip(args, inits)),
            ", ".join(map(str, tys)), "" if iv_elem == "index" else " : " + iv_elem))
        body = Scope(scope)
        for v in [iv] + args:
            body.add(v)
        return name, tys, body, iv, args

    def yielding_region(self, scope, body, name, tys, max_ops, terminator="scf.yield"):
        """Fills the open region of loop `name` from `body`, ends it with a
        `terminator` of `tys` and closes it; the loop's results join
        `scope`, and the last is returned."""
        self.depth += 1
        self.indent += 1
        self.region_body(body, self.r.randint(1, max_ops))
        return self.end_loop(scope, name, tys, self.yields_for(body, tys), terminator)

    def end_loop(self, scope, name, tys, ys, terminator="scf.yield"):
        """Ends the open region of loop `name` with a `terminator` of `ys`
        and closes it; the loop's results join `scope`, and the last is
        returned."""
        self.emit_yield(ys, tys, terminator)
        return self.close_loop(scope, name, tys)

    def emit_yield(self, ys, tys, terminator="scf.yield"):
        self.emit("%s %s : %s" % (terminator, ", ".join(v.name for v in ys),
                                  ", ".join(map(str, tys))))

    def add_results(self, scope, name, tys):
        """The results of op `name`, of `tys`, join `scope`; the last is
        returned."""
        for v in self.results(name, tys):
            scope.add(v)
        return scope.values[-1]

    def close_loop(self, scope, name, tys):
        """Closes the open region of loop `name`; its results, of `tys`,
        join `scope`, and the last is returned."""
        self.indent -= 1
        self.depth -= 1
        self.emit("}")
        return self.add_results(scope, name, tys)

    def condition(self, scope):
        c = self.pick(scope, lambda v: v.ty == Ty("i1"))
        if c is None or self.r.random() < 0.3:
            c = self.p_cmp(scope)
            if c is None or c.ty.tensor:
                c = self.get(scope, Ty("i1"))
        return c

    def branch(self, scope, tys, steps, terminator="scf.yield"):
        inner = Scope(scope)
        self.indent += 1
        self.region_body(inner, steps)
        ys = self.yields_for(inner, tys)
        self.emit_yield(ys, tys, terminator)
        self.indent -= 1

    def p_if(self, scope):
        if not self.nested():
            return None
        c = self.condition(scope)
        tys = [v.ty for v in self.carried(scope, self.r.randint(1, 2))]
        name = self.fresh()
        self.emit("%s = scf.if %s -> (%s) {" % (self.results_head(name, len(tys)), c,
                                               ", ".join(map(str, tys))))
        self.depth += 1
        self.branch(scope, tys, self.r.randint(0, 4))
        self.emit("} else {")
        self.branch(scope, tys, self.r.randint(0, 4))
        self.depth -= 1
        self.emit("}")
        return self.add_results(scope, name, tys)

    def p_switch(self, scope):
        if not self.nested():
            return None
        arg = self.index_scalar(scope)
        if self.r.random() < 0.6:
            c = self.small_const(scope, "index", 4)
            arg = self.define(scope, Ty("index"), "arith.remui %s, %s : index" % (arg, c))
        cases = sorted(self.r.sample(range(-1, 6), self.r.randint(1, 3)))
        tys = [v.ty for v in self.carried(scope, self.r.randint(1, 2))]
        name = self.fresh()
        self.emit("%s = scf.index_switch %s -> %s" % (self.results_head(name, len(tys)),
                                                      arg, ", ".join(map(str, tys))))
        self.depth += 1
        for case in cases:
            self.emit("case %d {" % case)
            self.branch(scope, tys, self.r.randint(0, 3))
            self.emit("}")
        self.emit("default {")
        self.branch(scope, tys, self.r.randint(0, 3))
        self.emit("}")
        self.depth -= 1
        return self.add_results(scope, name, tys)

    def p_while(self, scope):
        """A counted scf.while (counter below a bound, and maybe a data
        condition) carrying values."""
        if not self.nested():
            return None
        r = self.r
        zero = self.small_const(scope, "index", 0)
        if r.random() < 0.5:
            bound = self.small_const(scope, "index", r.randint(0, 5))
        else:
            c = self.small_const(scope, "index", 6)
            bound = self.define(scope, Ty("index"), "arith.remui %s, %s : index"
                                % (self.index_scalar(scope), c))
        inits = [zero] + self.carried(scope, r.randint(1, 2))
        tys = [v.ty for v in inits]
        name = self.fresh()
        before = [Val(self.fresh("b"), ty, v.raw) for ty, v in zip(tys, inits)]
        self.emit("%s = scf.while (%s) : (%s) -> (%s) {" % (
            self.results_head(name, len(inits)),
            ", ".join("%s = %s" % (b, v) for b, v in zip(before, inits)),
            ", ".join(map(str, tys)), ", ".join(map(str, tys))))
        self.depth += 1
        self.indent += 1
        head = Scope(scope)
        for b in before:
            head.add(b)
        cond = self.define(head, Ty("i1"), "arith.cmpi slt, %s, %s : index" % (before[0], bound))
        if r.random() < 0.4:
            extra = self.condition(head)
            cond = self.define(head, Ty("i1"), "arith.andi %s, %s : i1" % (cond, extra))
        self.emit("scf.condition(%s) %s : %s" % (cond, ", ".join(b.name for b in before),
                                                 ", ".join(map(str, tys))))
        self.indent -= 1
        self.emit("} do {")
        after = [Val(self.fresh("d"), ty) for ty in tys]
        self.emit("^bb0(%s):" % ", ".join("%s: %s" % (a, a.ty) for a in after))
        self.indent += 1
        body = Scope(scope)
        for a in after:
            body.add(a)
        self.region_body(body, r.randint(1, 4))
        one = self.small_const(body, "index", 1)
        nxt = self.define(body, Ty("index"), "arith.addi %s, %s : index" % (after[0], one))
        return self.end_loop(scope, name, tys,
                             [nxt] + self.yields_for(body, tys[1:]))

    def p_unsigned_for(self, scope):
        """scf.for unsigned over a narrow integer type, with bounds that
        are negative as signed values."""
        if not self.nested():
            return None
        r = self.r
        elem = r.choice(["i3", "i4", "i5", "i7", "i8", "i9", "i16", "i33", "i64"])
        n = width(elem)
        top = (1 << n) - 1
        lo = r.choice([0, 1, top - 4, (1 << (n - 1)) - 2, top - 1])
        step = r.randint(1, 3)
        hi = min(top, lo + r.randint(0, 5) * step)
        inits = self.carried(scope, r.randint(1, 2))
        lb = self.small_const(scope, elem, lo)
        ub = self.small_const(scope, elem, hi)
        st = self.small_const(scope, elem, step)
        name, tys, body, iv, _ = self.for_head(scope, inits, lb, ub, st, elem,
                                               unsigned=True)
        self.dep.add(iv.name)
        return self.yielding_region(scope, body, name, tys, 4)

    def p_forall(self, scope):
        """scf.forall over the tiles of a tensor: each iteration computes
        its own tile from the tile's old contents and writes it back."""
        if not self.nested():
            return None
        r = self.r
        t = self.tensor_operand(scope, lambda v: 1 <= len(v.ty.shape) <= 3 and v.ty.numel)
        if t is None:
            return None
        tiles = [r.choice([k for k in range(1, d + 1) if d % k == 0]) for d in t.ty.shape]
        tile_ty = Ty(t.ty.elem, tuple(tiles))
        ivs = [Val(self.fresh("i"), Ty("index")) for _ in tiles]
        out = Val(self.fresh("o"), t.ty, t.raw)
        name = self.fresh()
        self.emit("%s = scf.forall (%s) = (%s) to (%s) step (%s) shared_outs(%s = %s) -> (%s) {" % (
            name, ", ".join(map(str, ivs)), ", ".join("0" for _ in tiles),
            ", ".join(map(str, t.ty.shape)), ", ".join(map(str, tiles)), out, t, t.ty))
        body = self.parallel_body(scope, ivs)
        where = "[%s] [%s] [%s]" % (", ".join(map(str, ivs)), ", ".join(map(str, tiles)),
                                    ", ".join("1" for _ in tiles))
        tile = self.define(body, tile_ty, "tensor.extract_slice %s%s : %s to %s"
                           % (out, where, t.ty, tile_ty), raw=t.raw)
        self.dep.add(tile.name)
        self.region_body(body, r.randint(1, 4))
        new = self.yields_for(body, [tile_ty])[0]
        self.emit("scf.forall.in_parallel {")
        self.indent += 1
        self.emit("tensor.parallel_insert_slice %s into %s%s : %s into %s"
                  % (new, out, where, tile_ty, t.ty))
        self.indent -= 1
        self.emit("}")
        self.indent -= 1
        self.depth -= 1
        self.emit("}")
        return scope.add(Val(name, t.ty, False))

    def parallel_body(self, scope, ivs):
        """Opens the region of a parallel loop (scf.forall, scf.parallel):
        a scope holding its induction variables `ivs`, which count as
        computed from the arguments."""
        self.depth += 1
        self.indent += 1
        body = Scope(scope)
        for iv in ivs:
            body.add(iv)
            self.dep.add(iv.name)
        return body

    def p_parallel(self, scope):
        """scf.parallel folding one or two scalars per iteration with
        scf.reduce."""
        if not self.nested():
            return None
        r = self.r
        rank = r.randint(1, 2)
        bounds = [(r.randint(0, 2), r.randint(0, 6), r.randint(1, 2)) for _ in range(rank)]
        consts = [[self.small_const(scope, "index", b[k]) for b in bounds] for k in range(3)]
        inits = [self.get(scope, Ty(self.random_elem())) for _ in range(r.randint(1, 2))]
        tys = [v.ty for v in inits]
        ivs = [Val(self.fresh("i"), Ty("index")) for _ in range(rank)]
        name = self.fresh()
        self.emit("%s = scf.parallel (%s) = (%s) to (%s) step (%s) init (%s) -> (%s) {" % (
            self.results_head(name, len(inits)), ", ".join(map(str, ivs)),
            ", ".join(map(str, consts[0])), ", ".join(map(str, consts[1])),
            ", ".join(map(str, consts[2])), ", ".join(map(str, inits)),
            ", ".join(map(str, tys))))
        body = self.parallel_body(scope, ivs)
        self.region_body(body, r.randint(1, 4))
        ys = self.yields_for(body, tys)
        self.emit("scf.reduce(%s : %s) {" % (", ".join(map(str, ys)), ", ".join(map(str, tys))))
        for i, ty in enumerate(tys):
            if i:
                self.emit("}, {")
            a, b = Val(self.fresh("p"), ty, False), Val(self.fresh("q"), ty, False)
            self.emit("^bb0(%s: %s, %s: %s):" % (a, ty, b, ty))
            self.indent += 1
            inner = Scope(None, scalar_only=True)
            inner.add(a)
            inner.add(b)
            v = self.reducer(inner, ty.elem, a, b) if r.random() < 0.7 else \
                self.payload(inner, [a, b], [ty.elem], r.randint(1, 3))[0]
            self.emit("scf.reduce.return %s : %s" % (v, ty))
            self.indent -= 1
        self.emit("}")
        return self.close_loop(scope, name, tys)

    def affine_expr(self, names):
        r = self.r
        e = r.choice(names)
        for _ in range(r.randint(0, 3)):
            op = r.choice(["+", "-", "*", "floordiv", "ceildiv", "mod", "+ sym"])
            if op == "+ sym":
                e = "%s + %s" % (e, r.choice(names))
            elif op in ("+", "-"):
                e = "%s %s %d" % (e, op, r.randint(1, 9))
            elif op == "*":
                e = "(%s) * %d" % (e, r.choice([-3, -1, 2, 3, 7]))
            else:
                e = "(%s) %s %d" % (e, op, r.choice([1, 2, 3, 4, 7, 16]))
        return e

    def p_affine(self, scope):
        """affine.apply, affine.min or affine.max of index values."""
        r = self.r
        nd, ns = r.randint(1, 2), r.randint(0, 2)
        ops = [self.index_scalar(scope) for _ in range(nd + ns)]
        # An affine loop's induction variable is a dimension, never a symbol.
        ops[nd:] = [self.small_const(scope, "index", self.r.randint(0, 9))
                    if v.name in self.affine_ivs else v for v in ops[nd:]]
        names = ["d%d" % i for i in range(nd)] + ["s%d" % i for i in range(ns)]
        head = "(%s)[%s]" % (", ".join(names[:nd]), ", ".join(names[nd:]))
        use = "(%s)[%s]" % (", ".join(map(str, ops[:nd])), ", ".join(map(str, ops[nd:])))
        kind = r.choice(["apply", "apply", "min", "max"])
        count = 1 if kind == "apply" else r.randint(1, 3)
        exprs = ", ".join(self.affine_expr(names) for _ in range(count))
        return self.define(scope, Ty("index"), "affine.%s affine_map<%s -> (%s)>%s"
                           % (kind, head, exprs, use))

    def symbols(self, scope, count):
        """`count` index values usable as affine symbols: top-level values
        of the function (an affine scope); None inside regions, where
        values computed there are not symbols."""
        if self.depth:
            return None
        return [self.index_scalar(scope) for _ in range(count)]

    def affine_bound(self, scope, kind, const):
        """A bound of affine.for: the constant `const`, or `kind` (max for
        lower bounds, min for upper ones) of it and expressions of
        symbols, so that the constants bound the trip count."""
        r = self.r
        operands = self.symbols(scope, r.randint(1, 2)) if r.random() < 0.6 else None
        if not operands:
            return str(const)
        names = ["s%d" % i for i in range(len(operands))]
        exprs = [str(const)] + [self.affine_expr(names) for _ in range(r.randint(1, 2))]
        r.shuffle(exprs)
        return "%s affine_map<()[%s] -> (%s)>()[%s]" % (
            kind, ", ".join(names), ", ".join(exprs), ", ".join(map(str, operands)))

    def p_affine_for(self, scope):
        """affine.for carrying values, its bounds the max/min of constants
        and symbol expressions."""
        if not self.nested():
            return None
        r = self.r
        lo = r.randint(-2, 2)
        lb = self.affine_bound(scope, "max", lo)
        ub = self.affine_bound(scope, "min", lo + r.randint(0, 6))
        inits = self.carried(scope, r.randint(1, 2))
        name, tys, body, iv, args = self.for_head(scope, inits, lb, ub, r.randint(1, 3),
                                                  "index", op="affine.for")
        self.dep.add(iv.name)
        self.affine_ivs.add(iv.name)
        for a, v in zip(args, inits):
            if v.name in self.dep:
                self.dep.add(a.name)
        return self.yielding_region(scope, body, name, tys, 6, "affine.yield")

    # The kinds affine.parallel's verifier takes for these types ("assign"
    # too, which has no identity: an error, tested in the suite).
    AFFINE_INT_REDUCTIONS = ["addi", "muli", "andi", "ori"]
    AFFINE_FLOAT_REDUCTIONS = ["addf", "mulf", "maximumf", "minimumf"]

    def p_affine_parallel(self, scope):
        """affine.parallel with constant bounds folding scalars with
        reductions from their identities."""
        if not self.nested():
            return None
        r = self.r
        rank = r.randint(1, 2)
        lbs = [r.randint(0, 2) for _ in range(rank)]
        ubs = [lo + r.randint(0, 4) for lo in lbs]
        steps = [r.randint(1, 2) for _ in range(rank)]
        tys = [Ty(r.choice([e for e in self.elems if e != "index"] + ["i32", "f32"]))
               for _ in range(r.randint(1, 2))]
        kinds = [r.choice(self.AFFINE_FLOAT_REDUCTIONS if is_float(t.elem)
                          else self.AFFINE_INT_REDUCTIONS) for t in tys]
        ivs = [Val(self.fresh("i"), Ty("index")) for _ in range(rank)]
        name = self.fresh()
        self.emit("%s = affine.parallel (%s) = (%s) to (%s) step (%s) reduce (%s) -> (%s) {" % (
            self.results_head(name, len(tys)), ", ".join(map(str, ivs)),
            ", ".join(map(str, lbs)), ", ".join(map(str, ubs)), ", ".join(map(str, steps)),
            ", ".join('"%s"' % k for k in kinds), ", ".join(map(str, tys))))
        body = self.parallel_body(scope, ivs)
        self.affine_ivs.update(iv.name for iv in ivs)
        self.region_body(body, r.randint(1, 4))
        return self.end_loop(scope, name, tys, self.yields_for(body, tys), "affine.yield")

    def p_affine_if(self, scope):
        """affine.if on a set of symbol constraints, yielding values."""
        if not self.nested():
            return None
        r = self.r
        operands = self.symbols(scope, r.randint(1, 2))
        if not operands:
            return None
        names = ["s%d" % i for i in range(len(operands))]
        constraints = ", ".join("%s %s 0" % (self.affine_expr(names), r.choice([">=", "==", ">="]))
                                for _ in range(r.randint(1, 2)))
        tys = [v.ty for v in self.carried(scope, r.randint(1, 2))]
        name = self.fresh()
        self.emit("%s = affine.if affine_set<()[%s] : (%s)>()[%s] -> (%s) {" % (
            self.results_head(name, len(tys)), ", ".join(names), constraints,
            ", ".join(map(str, operands)), ", ".join(map(str, tys))))
        self.depth += 1
        self.branch(scope, tys, r.randint(0, 4), "affine.yield")
        self.emit("} else {")
        self.branch(scope, tys, r.randint(0, 4), "affine.yield")
        self.depth -= 1
        self.emit("}")
        return self.add_results(scope, name, tys)

    # -- anybit: packed encodings, quantization, mixed-precision matmuls ----

    def divisor(self, n):
        """A block or tile size for a dimension of size `n`."""
        if n == 0:
            return self.r.randint(1, 4)
        return self.r.choice([d for d in range(1, n + 1) if n % d == 0])

    def encoding(self, shape, elem, blocks=False, scale=None, zero_point=None):
        """A random #anybit.packed encoding for `elem` tensors of `shape`
        (a trit with `base3` sometimes); with `blocks`, block scales of
        type `scale` (and zero points)."""
        r = self.r
        bits = ELEM_BITS.get(elem) or width(elem)
        params = []
        if elem == "!anybit.trit" and not blocks and r.random() < 0.3:
            params.append("base3 = true")
        else:
            word = r.choice([8, 8, 8, 16, 32, 64])
            straddle = r.random() < 0.75 or bits > word
            if word != 8:
                params.append("word = %d" % word)
            if not straddle:
                params.append("straddle = false")
            if bits >= 2 and r.random() < 0.15:
                cut = sorted(r.sample(range(1, bits), min(bits - 1, r.randint(1, 2))))
                planes = [b - a for a, b in zip([0] + cut, cut + [bits])]
                params.append("bit_planes = [%s]" % ", ".join(map(str, planes)))
        if shape and r.random() < 0.2:
            params.append("tile = [%s]" % ", ".join(str(self.divisor(d)) for d in shape))
        if blocks:
            params.append("block = [%s]" % ", ".join(str(self.divisor(d)) for d in shape))
            params.append("scale = %s" % scale)
            if zero_point:
                params.append("zero_point = %s" % zero_point)
        return "#anybit.packed<%s>" % ", ".join(params)

    @staticmethod
    def packed(shape, elem, enc):
        return "tensor<" + "".join("%dx" % d for d in shape) + elem + ", " + enc + ">"

    @staticmethod
    def grid(shape, enc):
        block = [int(b) for b in re.search(r"block = \[([^\]]*)\]", enc).group(1).split(", ")]
        return tuple(d // b for d, b in zip(shape, block))

    def exotic(self, scope, v, elem):
        """`v` cast to an element type only anybit ops take (kept out of
        scope, as p_cast does)."""
        if v.ty.elem == "index":
            v = self.convert(scope, v, "i64")
        t = self.cast(scope, v, elem, "anybit")
        scope.values.remove(t)
        return t

    def back(self, scope, v):
        """`v` (of an anybit-only type) cast back to one of the kernel's."""
        elem = self.r.choice([e for e in self.elems if e != "index"] or ["f32"])
        return self.cast(scope, v, elem, "anybit")

    def code_values(self, scope, shape):
        """Values to pack, of `shape`: a kernel integer tensor, or one cast
        to a small float, an unsigned integer or trits."""
        r = self.r
        v = self.get(scope, Ty(r.choice([e for e in self.elems if e != "index"] or ["i8"]), shape))
        x = r.random()
        if x < 0.25:
            return self.exotic(scope, v, r.choice(CODE_FLOATS))
        if x < 0.35:
            return self.exotic(scope, v, r.choice(["ui3", "ui4", "ui8", "si5"]))
        if x < 0.45:
            return self.exotic(scope, v, "!anybit.trit")
        if not is_int(v.ty.elem):
            return self.convert(scope, v, r.choice(INT_ELEMS))
        return v

    def block_data(self, scope, grid, elem):
        """A scale or zero-point tensor of the block grid."""
        if elem in FLOAT_BITS or is_int(elem):
            return self.get(scope, Ty(elem, grid))
        return self.exotic(scope, self.get(scope, Ty("f32", grid)), elem)

    def floats(self, scope, shape, elems=FLOAT_ELEMS):
        """A float tensor of `shape`; mostly finite (small integers
        converted), as the VM rejects quantizing NaN or infinity."""
        elem = self.r.choice(elems)
        if self.r.random() < 0.3:
            return self.get(scope, Ty(elem, shape))
        ints = self.get(scope, Ty(self.r.choice(["i3", "i4", "i5", "i8", "i13"]), shape))
        return self.cast(scope, ints, elem, "sitofp")

    def emit_pack(self, codes, pty, scales=None, zero_points=None):
        """anybit.pack of `codes` (with their block scales and zero points)
        into the packed type `pty`; the packed value's name."""
        p = self.fresh("p")
        types = [codes.ty] + [v.ty for v in (scales, zero_points) if v]
        self.emit("%s = anybit.pack %s%s%s : %s -> %s" % (
            p, codes, " scales(%s)" % scales if scales else "",
            " zero_points(%s)" % zero_points if zero_points else "",
            ", ".join(map(str, types)), pty))
        return p

    def dequantize(self, scope, packed, pty, shape):
        elem = self.r.choice(FLOAT_ELEMS)
        return self.define(scope, Ty(elem, shape), "anybit.dequantize %s : %s -> %s"
                           % (packed, pty, Ty(elem, shape)))

    def unpack(self, scope, packed, pty, types):
        """anybit.unpack of `packed` into values of `types`: those of a
        kernel type join the scope, the others are cast back to one;
        returns the last."""
        head = self.fresh()
        self.emit("%s = anybit.unpack %s : %s -> %s" % (
            self.results_head(head, len(types)), packed, pty, ", ".join(map(str, types))))
        out = None
        for v in self.results(head, types):
            out = scope.add(v) if v.ty.elem in FLOAT_BITS or is_int(v.ty.elem) \
                else self.back(scope, v)
        return out

    def p_pack(self, scope):
        """anybit.pack, then unpack (with the scales and zero points) or
        dequantize."""
        r = self.r
        shape = self.shape()
        codes = self.code_values(scope, shape)
        blocks = bool(shape) and r.random() < 0.5
        scale = r.choice(SCALE_ELEMS) if blocks else None
        zp = r.choice([None, None, "ui4", "i8", "i3", "f16"]) if blocks else None
        enc = self.encoding(shape, codes.ty.elem, blocks, scale, zp)
        pty = self.packed(shape, codes.ty.elem, enc)
        scales = zero_points = None
        if blocks:
            grid = self.grid(shape, enc)
            scales = self.block_data(scope, grid, scale)
            if zp:
                zero_points = self.block_data(scope, grid, zp)
        p = self.emit_pack(codes, pty, scales, zero_points)
        if blocks and r.random() < 0.5:
            return self.dequantize(scope, p, pty, shape)
        return self.unpack(scope, p, pty,
                           [v.ty for v in (codes, scales, zero_points) if v])

    def p_quantize(self, scope):
        """anybit.quantize of a float tensor, then dequantize or unpack."""
        r = self.r
        shape = self.shape()
        if not shape:
            return None
        x = self.floats(scope, shape)
        if r.random() < 0.7:
            code, zp = r.choice(["i2", "i3", "i4", "i5", "i6", "i8", "i1", "i13", "ui4"]), \
                r.choice([None, None, "ui4", "i8", "ui8"])
        else:
            code, zp = r.choice(CODE_FLOATS), None
        scale = r.choice(SCALE_ELEMS)
        enc = self.encoding(shape, code, True, scale, zp)
        pty = self.packed(shape, code, enc)
        q = self.fresh("q")
        self.emit("%s = anybit.quantize %s : %s -> %s" % (q, x, x.ty, pty))
        if r.random() < 0.6:
            return self.dequantize(scope, q, pty, shape)
        grid = self.grid(shape, enc)
        types = [Ty(code, shape), Ty(scale, grid)] + ([Ty(zp, grid)] if zp else [])
        return self.unpack(scope, q, pty, types)

    def p_anybit_matmul(self, scope):
        """anybit.matmul: any element types, a right operand packed
        (block-scaled or not) or plain, maybe transposed."""
        r = self.r
        m, k, n = r.randint(0, 5), r.choice([0, 1, 2, 3, 4, 6, 8, 16, 32]), r.randint(0, 5)
        transpose = r.random() < 0.5
        rshape = (n, k) if transpose else (k, n)
        integer = r.random() < 0.3
        lhs = self.get(scope, Ty(r.choice(INT_ELEMS[:10] if integer else
                                          [e for e in self.elems if e != "index"] or ["f32"]),
                                 (m, k)))
        if integer and not is_int(lhs.ty.elem):
            lhs = self.convert(scope, lhs, "i8")
        x = r.random()
        if integer:
            rhs = self.code_values(scope, rshape)
            if not (is_int(rhs.ty.elem) or rhs.ty.elem == "!anybit.trit"):
                rhs = self.get(scope, Ty("i4", rshape))
            rty, operand = str(rhs.ty), rhs.name
            if x < 0.6:
                rty = self.packed(rshape, rhs.ty.elem, self.encoding(rshape, rhs.ty.elem))
                operand = self.emit_pack(rhs, rty)
            acc = r.choice(["i32", "i64", "i16", "i24"])
        else:
            acc = r.choice(["f32", "f32", "f64"])
            if x < 0.4:
                w = self.floats(scope, rshape)
                code = r.choice(["i2", "i3", "i4", "i5", "i6", "i8", "ui4"] + CODE_FLOATS)
                block = [1, self.divisor(k)] if transpose else [self.divisor(k), 1]
                enc = "#anybit.packed<block = [%d, %d], scale = %s>" % (
                    block[0], block[1], r.choice(SCALE_ELEMS))
                if r.random() < 0.3:
                    enc = self.encoding(rshape, code, True, r.choice(SCALE_ELEMS))
                rty = self.packed(rshape, code, enc)
                operand = self.fresh("q")
                self.emit("%s = anybit.quantize %s : %s -> %s" % (operand, w, w.ty, rty))
            elif x < 0.7:
                rhs = self.code_values(scope, rshape)
                rty = self.packed(rshape, rhs.ty.elem, self.encoding(rshape, rhs.ty.elem))
                operand = self.emit_pack(rhs, rty)
            else:
                rhs = self.get(scope, Ty(r.choice([e for e in self.elems if e != "index"] or ["f16"]), rshape))
                rty, operand = str(rhs.ty), rhs.name
        out = Ty(r.choice([e for e in self.elems if e != "index"] or ["f32"]), (m, n))
        return self.define(scope, out, "anybit.matmul %s, %s {accumulator = %s%s} : %s, %s -> %s"
                           % (lhs, operand, acc, ", transpose_rhs" if transpose else "",
                              lhs.ty, rty, out))

    def p_ternary(self, scope):
        """anybit.ternarize of float weights, then bitlinear, a trit matmul
        or unpack."""
        r = self.r
        nrows, k = r.randint(1, 6), r.choice([1, 2, 3, 5, 8, 16, 32])
        w = self.floats(scope, (nrows, k))
        enc = self.encoding((nrows, k), "!anybit.trit")
        tty = self.packed((nrows, k), "!anybit.trit", enc)
        sty = Ty(r.choice(["f32", "f16", "f64"]), ())
        head = self.fresh("t")
        self.emit("%s:2 = anybit.ternarize %s : %s -> %s, %s" % (head, w, w.ty, tty, sty))
        x = r.random()
        if x < 0.5:
            b = r.randint(0, 3)
            inp = self.floats(scope, (b, k))
            norm = r.random() < 0.5
            g = self.get(scope, Ty(inp.ty.elem if r.random() < 0.7 else "f32", (k,))) if norm else None
            out = Ty(r.choice(FLOAT_ELEMS), (b, nrows))
            return self.define(scope, out, "anybit.bitlinear %s, %s#0, %s#1%s : %s, %s, %s%s -> %s"
                               % (inp, head, head, " norm(%s)" % g if norm else "",
                                  inp.ty, tty, sty, ", %s" % (g.ty,) if norm else "", out))
        scope.add(Val(head + "#1", sty, False))
        if x < 0.75:
            lhs = self.get(scope, Ty(r.choice(["i8", "i4", "i16"]), (r.randint(0, 3), k)))
            out = Ty(r.choice(["i32", "i16", "f32"]), (lhs.ty.shape[0], nrows))
            return self.define(scope, out, "anybit.matmul %s, %s#0 {accumulator = i32, transpose_rhs} : %s, %s -> %s"
                               % (lhs, head, lhs.ty, tty, out))
        return self.unpack(scope, head + "#0", tty, [Ty("!anybit.trit", (nrows, k))])

    # -- modarith: residues modulo Q ------------------------------------------

    def modulus(self, w):
        r = self.r
        return r.choice([2, 3, (1 << w) - 1, (1 << (w - 1)) + 1,
                         r.randint(2, (1 << w) - 1), r.randint(2, (1 << w) - 1)])

    @staticmethod
    def residue_type(q, w, shape):
        elem = "!modarith.int<%d : i%d>" % (q, w)
        return elem if shape is None else \
            "tensor<" + "".join("%dx" % d for d in shape) + elem + ">"

    def residue(self, scope, q, w, shape, constant=0.25):
        """The name of a new residue of `residue_type(q, w, shape)`: a
        constant (with probability `constant`), or a kernel integer reduced
        or encapsulated."""
        r = self.r
        mty = self.residue_type(q, w, shape)
        name = self.fresh("m")
        if r.random() < constant:
            if shape and all(shape) and math.prod(shape) <= 64 and r.random() < 0.6:
                def nested(dims):
                    if not dims:
                        return str(r.choice([0, 1, q - 1, r.randrange(q), r.randrange(q)]))
                    return "[" + ", ".join(nested(dims[1:]) for _ in range(dims[0])) + "]"
                text = "dense<%s>" % nested(shape)
            else:
                k = r.choice([0, 1, q - 1, r.randrange(q)])
                text = str(k) if shape is None else "dense<%d>" % k
            self.emit("%s = modarith.constant %s : %s" % (name, text, mty))
        elif w == 64 or r.random() < 0.15:
            # A word as it is: the VM rejects one of Q or more.
            src = self.get(scope, Ty("i%d" % w, shape))
            self.emit("%s = modarith.encapsulate %s : %s -> %s" % (name, src, src.ty, mty))
        else:
            wider = [e for e in INT_ELEMS if width(e) > w]
            src = self.get(scope, Ty(r.choice(wider), shape))
            self.emit("%s = modarith.reduce %s : %s -> %s" % (name, src, src.ty, mty))
        return name

    def extract_residue(self, scope, name, q, w, shape):
        return self.define(scope, Ty("i%d" % w, shape), "modarith.extract %s : %s -> %s"
                           % (name, self.residue_type(q, w, shape), Ty("i%d" % w, shape)))

    def shoup_operands(self, values, q, w, shape):
        """A multiplier among `values` and its Shoup companion floor(w *
        2^W / Q): computed in the kernel in 2W bits where W <= 32, else a
        new constant multiplier with the companion as a constant."""
        word, wide = Ty("i%d" % w, shape), Ty("i%d" % (2 * w), shape)

        def line(rhs):
            v = self.fresh("s")
            self.emit("%s = %s" % (v, rhs))
            return v

        def const(ty, value):
            text = int_literal(ty.elem, value)
            return line("arith.constant %s : %s"
                        % (text if shape is None else "dense<%s>" % text, ty))

        mty = self.residue_type(q, w, shape)
        if 2 * w > 64:  # the backend compiles integers of up to 64 bits
            k = self.r.choice([1, q - 1, self.r.randrange(q)])
            root = self.fresh("m")
            self.emit("%s = modarith.constant %s : %s"
                      % (root, k if shape is None else "dense<%d>" % k, mty))
            return root, const(word, (k << w) // q)
        root = self.r.choice(values)
        x = line("modarith.extract %s : %s -> %s" % (root, mty, word))
        x = line("arith.extui %s : %s to %s" % (x, word, wide))
        x = line("arith.shli %s, %s : %s" % (x, const(wide, w), wide))
        x = line("arith.divui %s, %s : %s" % (x, const(wide, q), wide))
        return root, line("arith.trunci %s : %s to %s" % (x, wide, word))

    def p_modarith(self, scope):
        """A chain of modarith ops (add, sub, mul, mul_shoup, neg, mac) on
        residues reduced from kernel integers (or constants), extracted
        back."""
        r = self.r
        w = r.choice(MODARITH_WIDTHS)
        q = self.modulus(w)
        shape = None if r.random() < 0.3 else self.shape()
        mty = self.residue_type(q, w, shape)
        values = [self.residue(scope, q, w, shape), self.residue(scope, q, w, shape)]
        for _ in range(r.randint(1, 4)):
            op = r.choice(["add", "sub", "mul", "mul", "mul_shoup", "neg", "mac"])
            if op == "mul_shoup":
                lhs = r.choice(values)
                root, companion = self.shoup_operands(values, q, w, shape)
                text = "modarith.mul_shoup %s, %s, %s : %s, %s" % (
                    lhs, root, companion, mty, Ty("i%d" % w, shape))
            else:
                args = [r.choice(values) for _ in range({"neg": 1, "mac": 3}.get(op, 2))]
                text = "modarith.%s %s : %s" % (op, ", ".join(args), mty)
            name = self.fresh("m")
            self.emit("%s = %s" % (name, text))
            values.append(name)
        return self.extract_residue(scope, values[-1], q, w, shape)

    def transform_modulus(self, order):
        """A prime Q = 1 (mod `order`) of a random width W, and W."""
        r = self.r
        for _ in range(200):
            w = r.choice(MODARITH_WIDTHS)
            if (1 << w) - 1 <= order + 1:
                continue
            q = r.randint(1, ((1 << w) - 2) // order) * order + 1
            if is_prime(q):
                return q, w
        return None

    def p_transform(self, scope):
        """modarith.ntt and/or intt (negacyclic or cyclic, the root given or
        the verifier's) of residue rows, maybe a pointwise product between
        them: a convolution."""
        r = self.r
        n = 1 << r.choice([1, 1, 2, 3, 3, 4, 5, 6])
        cyclic = r.random() < 0.3
        order = n if cyclic else 2 * n
        found = self.transform_modulus(order)
        if found is None:
            return None
        q, w = found
        attrs = ["cyclic"] if cyclic else []
        if r.random() < 0.5:
            root = next(p for p in (pow(x, (q - 1) // order, q) for x in range(2, q))
                        if pow(p, order // 2, q) == q - 1)
            attrs.insert(0, "root = %d : ui64" % pow(root, r.randrange(1, order, 2), q))
        attr = " {%s}" % ", ".join(attrs) if attrs else ""
        shape = tuple(r.choice([0, 1, 2, 3]) for _ in range(r.choice([0, 0, 1, 1, 2]))) + (n,)
        mty = self.residue_type(q, w, shape)
        x = self.residue(scope, q, w, shape)
        steps = r.choice([["ntt"], ["intt"], ["ntt", "intt"], ["ntt", "mul", "intt"],
                          ["intt", "ntt"]])
        for step in steps:
            y = self.fresh("m")
            if step == "mul":
                self.emit("%s = modarith.mul %s, %s : %s"
                          % (y, x, self.residue(scope, q, w, shape), mty))
            else:
                self.emit("%s = modarith.%s %s%s : %s" % (y, step, x, attr, mty))
            x = y
        return self.extract_residue(scope, x, q, w, shape)

    def p_modarith_matmul(self, scope):
        """modarith.matmul, matrix-matrix or matrix-vector, of a constant
        lhs (BAT's) or any."""
        r = self.r
        w = r.choice(MODARITH_WIDTHS)
        q = self.modulus(w)
        m, k = self.random_dim(), self.random_dim()
        rhs_shape = (k,) if r.random() < 0.4 else (k, self.random_dim())
        out_shape = (m,) + rhs_shape[1:]
        if math.prod((m, k)) > 400 or math.prod(rhs_shape) > 400:
            return None
        lhs = self.residue(scope, q, w, (m, k), constant=0.6)
        rhs = self.residue(scope, q, w, rhs_shape)
        y = self.fresh("m")
        self.emit("%s = modarith.matmul %s, %s : %s, %s -> %s" % (
            y, lhs, rhs, self.residue_type(q, w, (m, k)),
            self.residue_type(q, w, rhs_shape), self.residue_type(q, w, out_shape)))
        return self.extract_residue(scope, y, q, w, out_shape)

    # -- driver -----------------------------------------------------------------

    SCALAR_PRODUCERS = [("p_int_binop", 6), ("p_float_binop", 5), ("p_cmp", 2),
                        ("p_select", 2), ("p_cast", 6), ("p_const", 1)]
    ALL_PRODUCERS = SCALAR_PRODUCERS + [
        ("p_extract", 2), ("p_insert", 2), ("p_extract_slice", 2),
        ("p_insert_slice", 2), ("p_collapse", 1), ("p_expand", 1),
        ("p_pad", 1.5), ("p_concat", 1.5), ("p_splat", 1),
        ("p_from_elements", 0.7), ("p_generate", 0.7), ("p_generic", 3),
        ("p_generic_reduction", 2), ("p_map", 1.5), ("p_reduce", 1.5),
        ("p_transpose", 1), ("p_broadcast", 1), ("p_copy", 0.5),
        ("p_fill", 0.7), ("p_contraction", 1.5), ("p_convolution", 1), ("p_for", 2), ("p_if", 1.5),
        ("p_switch", 1), ("p_while", 1), ("p_call", 1), ("p_unsigned_for", 0.7),
        ("p_forall", 1), ("p_parallel", 1), ("p_affine", 1), ("p_affine_for", 0.8),
        ("p_affine_parallel", 0.8), ("p_affine_if", 0.6), ("p_slice_update", 1.5),
        ("p_pack", 1.5), ("p_quantize", 1), ("p_anybit_matmul", 1.5), ("p_ternary", 0.7),
        ("p_modarith", 1.5), ("p_transform", 0.7), ("p_modarith_matmul", 0.7)]

    def gen_op(self, scope, producers):
        names = [p for p, _ in producers]
        weights = [w for _, w in producers]
        start, count = len(self.lines), len(scope.values)
        v = None
        for _ in range(10):
            v = getattr(self, self.r.choices(names, weights)[0])(scope)
            if v is not None:
                break
        else:
            v = self.p_const(scope)
        self.mark_dependent(scope.values[count:], start)
        return v

    def p_call(self, scope):
        """A call of one of the private functions generated before."""
        if not self.callees:
            return None
        name, params, results = self.r.choice(self.callees)
        args = [self.get(scope, ty) for ty in params]
        res = self.fresh()
        self.emit("%s = func.call @%s(%s) : (%s) -> (%s)" % (
            self.results_head(res, len(results)), name,
            ", ".join(a.name for a in args), ", ".join(map(str, params)),
            ", ".join(map(str, results))))
        return self.add_results(scope, res, results)

    def function(self, name, private, size):
        """The text of a function with random parameters, `size` ops and
        some of their results; returns (text, parameter types, result
        types)."""
        r = self.r
        self.lines, self.indent, self.depth = [], 1, 0
        scope = Scope()
        params = []
        for i in range(r.randint(1, 4)):
            ty = Ty(self.random_elem(), self.shape() if r.random() < 0.65 else None)
            params.append(scope.add(Val("%%arg%d" % i, ty, True)))
            self.dep.add(params[-1].name)
        for _ in range(size):
            self.gen_op(scope, self.ALL_PRODUCERS)
        made = [v for v in scope.values if v not in params]
        live = [v for v in made if v.name in self.dep]
        rets = [(live or made or params)[-1]]
        for _ in range(r.randint(0, 3)):
            if r.random() < 0.1:  # an argument, or a result twice
                rets.append(r.choice(params + rets))
                continue
            v = self.choose(made or params)
            if v not in rets:
                rets.append(v)
        sig = ", ".join("%s: %s" % (p, p.ty) for p in params)
        rtys = ", ".join(str(v.ty) for v in rets)
        text = ["func.func %s@%s(%s) -> (%s) {" % ("private " if private else "", name, sig, rtys)]
        text += self.lines + ["  return %s : %s" % (", ".join(v.name for v in rets), rtys), "}"]
        return "\n".join(text), [p.ty for p in params], [v.ty for v in rets]

    def kernel(self):
        """The module text (the entry `@f`, maybe private helpers it
        calls) and the entry's parameter types."""
        r = self.r
        self.callees = []
        parts = []
        for i in range(r.choices([0, 1, 2], [6, 3, 1])[0]):
            text, params, results = self.function("g%d" % i, True, r.randint(2, 8))
            parts.append(text)
            self.callees.append(("g%d" % i, params, results))
        text, params, _ = self.function("f", False, r.randint(3, 24))
        return "\n".join(parts + [text, ""]), params


# ---------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------

def travel_dtype(elem):
    """The numpy dtype an argument of this element type is passed as."""
    if elem == "i1":
        return np.dtype(np.bool_)
    if is_float(elem):
        return np.dtype({"f16": np.float16, "bf16": np.float32,
                         "f32": np.float32, "f64": np.float64}[elem])
    n = width(elem)
    return np.dtype(np.int8 if n <= 8 else np.int16 if n <= 16 else
                    np.int32 if n <= 32 else np.int64)


def random_elements(r, elem, count, kind):
    """`count` values as an array of the travel dtype. kind: "tame" (small
    values), "wild" (extremes and specials), "mixed", or "unwrapped"
    (integers beyond their width in the travel dtype, which both sides wrap)."""
    dt = travel_dtype(elem)
    tame = lambda: kind == "tame" or (kind == "mixed" and r.random() < 0.7)
    if is_float(elem):
        bits = [random_float_bits(r, elem, tame()) for _ in range(count)]
        if elem == "bf16":
            return np.array([b << 16 for b in bits], np.uint32).view(np.float32)
        return np.array(bits, {"f16": np.uint16, "f32": np.uint32,
                               "f64": np.uint64}[elem]).view(dt)
    if elem == "i1":
        return np.array([r.random() < 0.5 for _ in range(count)], np.bool_)
    n = width(elem)
    if elem == "index":
        vals = [r.randint(0, 6) if tame() else random_int(r, 64, False)
                for _ in range(count)]
    elif kind == "unwrapped":
        m = dt.itemsize * 8
        vals = [random_int(r, m, False) for _ in range(count)]
    else:
        vals = [random_int(r, n, tame()) for _ in range(count)]
    return np.array(vals, np.int64).astype(dt)


def strided(r, a):
    """`a` as a view that is not the kernel's buffer: strided, or in the
    other byte order, or both."""
    if a.ndim and r.random() < 0.7:
        big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
        big[..., ::2] = a
        a = big[..., ::2]
    if a.dtype.itemsize > 1 and r.random() < 0.5:
        a = a.astype(a.dtype.newbyteorder())
    return a


def random_args(r, tys, kind):
    args = []
    for ty in tys:
        a = random_elements(r, ty.elem, ty.numel, "wild" if kind == "strided" else kind)
        if ty.tensor:
            a = a.reshape(ty.shape)
            args.append(strided(r, a) if kind == "strided" else a)
        elif ty.elem == "index":
            args.append(int(a[0]))
        elif ty.elem == "i1":
            args.append(bool(a[0]))
        else:
            args.append(a[0])  # a numpy scalar of the travel dtype
    return args


ARG_KINDS = ["tame", "wild", "mixed", "strided", "unwrapped"]


# ---------------------------------------------------------------------------
# Worker: compiles and calls in a separate process
# ---------------------------------------------------------------------------

def as_tuple(result):
    if result is None:
        return ()
    return result if isinstance(result, tuple) else (result,)


def error_text(e):
    return "%s: %s" % (type(e).__name__, e)


def worker_main(conn, errpath):
    # The worker's stderr (LLVM ERROR messages, faulthandler's report of a
    # signal) goes to `errpath`, emptied for each job.
    err = os.open(errpath, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(err, 2)
    faulthandler.enable()
    import anybit
    while True:
        job = conn.recv()
        if job is None:
            return
        os.ftruncate(2, 0)
        os.lseek(2, 0, os.SEEK_SET)
        src, argsets, configs = job
        out = {"compile": {}, "runs": []}
        modules = {}
        for label, options in configs:
            conn.send(("stage", "compile " + label))
            try:
                modules[label] = anybit.compile(src, **options)
                out["compile"][label] = None
            except Exception as e:
                out["compile"][label] = error_text(e)
        for i, args in enumerate(argsets):
            run = {}
            conn.send(("stage", "VM on argument set %d" % i))
            try:
                run["vm"] = ("ok", as_tuple(anybit.interpret(src, "f", *args)))
            except Exception as e:
                run["vm"] = ("err", error_text(e))
            for label, m in modules.items():
                before = pickle.dumps(args)
                conn.send(("stage", "call %s on argument set %d" % (label, i)))
                try:
                    run[label] = ("ok", as_tuple(m.f(*args)))
                except Exception as e:
                    run[label] = ("err", error_text(e))
                if pickle.dumps(args) != before:
                    run[label] = ("err", "the call changed its arguments")
            out["runs"].append(run)
        conn.send(("done", out))


class Worker:
    """A restartable worker process (spawned: it never shares MLIR state
    with this one)."""

    def __init__(self, timeout):
        self.timeout = timeout
        self.ctx = multiprocessing.get_context("spawn")
        self.proc = None
        self.errpath = os.path.join(tempfile.gettempdir(),
                                    "fuzz_compiled_worker_%d.err" % os.getpid())

    def stderr(self, limit=3000):
        """The end of what the worker wrote to stderr for the last job."""
        try:
            with open(self.errpath, errors="replace") as f:
                return f.read()[-limit:]
        except OSError:
            return ""

    def start(self):
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=worker_main, args=(child, self.errpath),
                                     daemon=True)
        self.proc.start()
        child.close()

    def stop(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.join()
            self.proc = None

    def run(self, job):
        """Runs job = (src, argsets, configs): ("done", results), ("crash",
        stage, exitcode) or ("hang", stage)."""
        if self.proc is None or not self.proc.is_alive():
            self.start()
        stage = "sending the job"
        try:
            self.conn.send(job)
        except (BrokenPipeError, OSError):
            self.stop()
            self.start()
            self.conn.send(job)
        deadline = time.time() + self.timeout
        while True:
            left = deadline - time.time()
            try:
                ready = left > 0 and self.conn.poll(left)
                if not ready:
                    self.stop()
                    return ("hang", stage)
                msg = self.conn.recv()
            except (EOFError, ConnectionError, OSError):
                self.proc.join(5)
                code = self.proc.exitcode
                self.proc = None
                return ("crash", stage, code)
            if msg[0] == "stage":
                stage = msg[1]
            else:
                return msg


# ---------------------------------------------------------------------------
# Comparison and findings
# ---------------------------------------------------------------------------

def same(got, want):
    """Bit-for-bit equality of two result tuples; NaNs equal NaNs."""
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        if g.dtype != w.dtype or g.shape != w.shape:
            return False
        if w.dtype.kind != "f":
            if not np.array_equal(g, w):
                return False
            continue
        bits = np.dtype("u%d" % w.dtype.itemsize)
        if not np.all((g.view(bits) == w.view(bits)) | (np.isnan(g) & np.isnan(w))):
            return False
    return True


def show(x):
    a = np.asarray(x)
    if a.dtype.kind == "f":
        bits = a.view("u%d" % a.dtype.itemsize)
        return "%r\n  bits: %s" % (a, np.array2string(bits, formatter={
            "int": lambda b: "0x%0*x" % (a.dtype.itemsize * 2, b)}))
    return repr(a)


def describe(label_a, a, label_b, b):
    lines = []
    if len(a) != len(b):
        return "%s has %d results, %s %d" % (label_a, len(a), label_b, len(b))
    for i, (x, y) in enumerate(zip(a, b)):
        if not same((x,), (y,)):
            lines.append("result %d differs:\n %s: %s\n %s: %s"
                         % (i, label_a, show(x), label_b, show(y)))
    return "\n".join(lines)


# Findings of known bugs, by a regular expression on their text: counted,
# and written once per run, so that they do not drown new ones.
KNOWN = {
    # name: a regular expression matching the report of a bug not yet
    # fixed, e.g. "empty-insert-slice": r"offset \d+ is out-of-bounds".
}


def known_bug(text):
    for name, pattern in KNOWN.items():
        if re.search(pattern, text):
            return name
    return None


# VM errors for behaviour that compiled code defines the same at every
# optimization level (docs/semantics.md); other VM errors (shifts too wide)
# leave compiled results unspecified.
GUARDED = ["division by zero", "signed division overflow", "out of bounds",
           "float to integer conversion out of range", "step must be positive",
           "does not make the result"]


# Compile errors of a variant that are its options' to give: the modulus
# or the shape does not suit the reduction or the rewrite asked for.
OPTION_REJECTIONS = re.compile(r"cannot use (Barrett|Montgomery|Shoup)|BAT needs|"
                               r"BAT contraction too long|BAT recombination could overflow|"
                               r"MAT needs rows|this host lacks")


def judge(out, argsets):
    """Findings [(kind, text)] of one kernel's results, and its status:
    compared, invalid (rejected by all), vm-unsupported or vm-rejected.
    -O0 and -O3 are the reference configurations; a variant (VARIANT) is
    compared like them, but may reject its options."""
    findings = []
    comp = dict(out["compile"])
    runs = out["runs"]
    vm_ok = [run["vm"][0] == "ok" for run in runs]
    vm_errs = [run["vm"][1] for run in runs if run["vm"][0] == "err"]
    if comp["-O0"] and comp["-O3"]:
        first = comp["-O3"].splitlines()[0]
        if all(e.splitlines()[0] == first for e in vm_errs) and not any(vm_ok):
            return findings, "invalid"  # a generator bug
        findings.append(("compile-error", "the VM accepts the kernel but compile fails:\n"
                         "-O0: %s\n-O3: %s" % (comp["-O0"], comp["-O3"])))
        return findings, "compared"
    for label, error in comp.items():
        if label == VARIANT and error and OPTION_REJECTIONS.search(error):
            continue
        if error:
            findings.append(("compile-error" + kind_suffix(label), "compile fails with %s only:\n%s"
                             % (label, error)))
    if not any(vm_ok) and any("reference VM" in e or "cannot execute" in e
                              for e in vm_errs):
        return findings, "vm-unsupported"
    compiled = [label for label, error in comp.items() if not error]
    for i, run in enumerate(runs):
        for label in compiled:
            if run[label][0] == "err":
                findings.append(("call-error" + kind_suffix(label), "argument set %d: %s call fails: %s"
                                 % (i, label, run[label][1])))
        ok = [label for label in compiled if run[label][0] == "ok"]
        if run["vm"][0] == "ok":
            for label in ok:
                if not same(run[label][1], run["vm"][1]):
                    findings.append(("mismatch" + kind_suffix(label), "argument set %d:\n%s"
                                     % (i, describe("compiled " + label, run[label][1],
                                                    "VM", run["vm"][1]))))
        elif any(g in run["vm"][1] for g in GUARDED) and len(ok) == len(compiled) > 1:
            for label in ok[1:]:
                if not same(run[ok[0]][1], run[label][1]):
                    findings.append(("O0-O3", "argument set %d (the VM: %s):\n%s"
                                     % (i, run["vm"][1].splitlines()[0],
                                        describe(ok[0], run[ok[0]][1], label, run[label][1]))))
    return findings, "compared" if any(vm_ok) else "vm-rejected"


def kind_suffix(label):
    """"-O0", "-O3" or "-variant": how a configuration names its findings."""
    return "-variant" if label == VARIANT else label


def write_finding(outdir, seed, index, kind, case, text):
    src, argsets, configs = case
    d = os.path.join(outdir, "%d-%d-%s" % (seed, index, kind))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "kernel.mlir"), "w") as f:
        f.write(src)
    with open(os.path.join(d, "args.pkl"), "wb") as f:
        pickle.dump(argsets, f)
    with open(os.path.join(d, "report.txt"), "w") as f:
        f.write("seed %d, kernel %d: %s\n" % (seed, index, kind))
        for label, options in configs:
            f.write("%s: anybit.compile options %r\n" % (label, options))
        f.write("\n%s\n\nargument sets:\n" % text)
        for i, args in enumerate(argsets):
            f.write("%d: %s\n" % (i, "\n   ".join(repr(a) for a in args)))
    return d


# ---------------------------------------------------------------------------
# Main loop
# ---------------------------------------------------------------------------

VARIANT = "variant"


def variant_options(seed, index, src):
    """`anybit.compile` options of a third compilation, for kernels whose
    ops lower differently under options: modarith (reduction, BAT, NTT
    lowering), ternary matmuls, parallel loops (threads), and the target's
    instruction set for all of those and linalg. None for the others. From a stream of its own, so that kernels and arguments do not
    depend on it."""
    modarith = "modarith." in src
    ternary = "!anybit.trit" in src
    parallel = re.search(r"scf\.(forall|parallel)|linalg\.", src) is not None
    if not (modarith or ternary or parallel):
        return None
    r = random.Random("%d:%d:options" % (seed, index))
    options = {"opt_level": r.choice([0, 3]), "threads": r.choice([1, 2])}
    # Other instruction sets: AVX2 without AVX-512, SSE only (no F16C).
    target = r.choice([("", ""), ("", ""), ("", "-avx512f"), ("", "-avx512f,-avxvnni"),
                       ("x86-64-v3", ""), ("x86-64", "")])
    if target != ("", ""):
        options["cpu"], options["features"] = target
    # Float sums and products of scf.parallel loops run on OpenMP threads
    # reorder their roundings (docs/semantics.md): one thread for them.
    if re.search(r"scf\.reduce\([^)]*:[^)]*\bf(16|32|64)\b", src) or \
            re.search(r'reduce \([^)]*"(addf|mulf)"', src):
        options["threads"] = 1
    if modarith:
        # The methods every modulus of the kernel suits (README), so that
        # few variants are rejected: Montgomery needs odd moduli, Shoup
        # 2Q <= 2^W, Barrett Q < 2^(W-1); BAT moduli of at most 32 bits.
        moduli = [(int(q), int(w)) for q, w in
                  re.findall(r"!modarith\.int<(\d+) : i(\d+)>", src)]
        methods = ["auto", "remainder"]
        if all(q % 2 for q, _ in moduli):
            methods.append("montgomery")
        if all(2 * q <= 1 << w for q, w in moduli):
            methods.append("shoup")
        if all(q < 1 << (w - 1) for q, w in moduli):
            methods.append("barrett")
        options["reduction"] = r.choice(methods)
        options["bat"] = r.random() < 0.5 and all(q < 1 << 32 for q, _ in moduli)
        options["ntt"] = r.choice(["radix2", "mat"])
    if ternary:
        options["ternary"] = r.choice(["auto", "addsub", "lut", "generic"])
    return options


def make_case(seed, index):
    """The kernel text, its argument sets, and the configurations to
    compile it in: [(label, anybit.compile options)]."""
    r = random.Random("%d:%d" % (seed, index))
    src, tys = KernelGen(r).kernel()
    argsets = [random_args(r, tys, kind) for kind in ARG_KINDS]
    configs = [("-O0", {"opt_level": 0}), ("-O3", {"opt_level": 3})]
    variant = variant_options(seed, index, src)
    if variant is not None:
        configs.append((VARIANT, variant))
    return src, argsets, configs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("seed", type=int)
    ap.add_argument("count", type=int)
    ap.add_argument("--out", default="findings", help="findings directory")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="seconds per kernel before it counts as a hang")
    ap.add_argument("--only", type=int, help="run only kernel INDEX")
    ap.add_argument("--print", action="store_true", help="print each kernel")
    ap.add_argument("--verbose", action="store_true",
                    help="count what the VM rejected, by message")
    opts = ap.parse_args()

    indices = [opts.only] if opts.only is not None else range(opts.count)
    worker = Worker(opts.timeout)
    stats = {"compared": 0, "invalid": 0, "vm-unsupported": 0, "vm-rejected": 0}
    calls = 0
    vm_errors = {}  # what the VM rejected, by message
    known_counts = {}  # findings of KNOWN bugs
    passed = failed = 0
    invalid_dir = os.path.join(opts.out, "invalid")
    start = time.time()
    try:
        for n, index in enumerate(indices):
            case = make_case(opts.seed, index)
            src, argsets, configs = case
            if opts.print:
                print(src)
                for label, options in configs:
                    print("// %s: %r" % (label, options))
            res = worker.run(case)
            if res[0] == "done":
                out = res[1]
                calls += sum(len(run) for run in out["runs"])
                findings, status = judge(out, argsets)
            elif res[0] == "crash":
                findings, status = [("crash", "the worker died (exit code %s) at: %s\n%s"
                                     % (res[2], res[1], worker.stderr()))], "compared"
            else:
                findings, status = [("hang", "no answer within %g s at: %s\n%s"
                                     % (opts.timeout, res[1], worker.stderr()))], "compared"
            stats[status] += 1
            if status == "invalid":
                os.makedirs(invalid_dir, exist_ok=True)
                with open(os.path.join(invalid_dir, "%d-%d.mlir" % (opts.seed, index)), "w") as f:
                    f.write(src + "\n// " + out["compile"]["-O3"].replace("\n", "\n// ") + "\n")
            known = {known_bug(t) for _, t in findings}
            repeat = False
            if findings and len(known) == 1 and None not in known:
                name = known.pop()
                known_counts[name] = known_counts.get(name, 0) + 1
                repeat = known_counts[name] > 1
            if findings:
                failed += 1
            if findings and not repeat:
                kinds = sorted({k for k, _ in findings})
                d = write_finding(opts.out, opts.seed, index, "+".join(kinds), case,
                                  "\n\n".join("[%s] %s" % f for f in findings))
                print("kernel %d: %s -> %s" % (index, ", ".join(kinds), d), flush=True)
            elif not findings and status == "compared":
                passed += 1
            if res[0] == "done":
                for run in res[1]["runs"]:
                    if run["vm"][0] == "err":
                        line = run["vm"][1].splitlines()[0]
                        key = line.split("error: ")[-1][:60]
                        vm_errors[key] = vm_errors.get(key, 0) + 1
            if opts.print and res[0] == "done":
                for i, run in enumerate(res[1]["runs"]):
                    print("argument set %d: VM %s" % (i, run["vm"][0]))
            if (n + 1) % 50 == 0:
                print("[%d kernels, %.0f s] %s, %d calls" % (
                    n + 1, time.time() - start,
                    ", ".join("%s %d" % kv for kv in stats.items()), calls), flush=True)
    finally:
        worker.stop()
        if os.path.exists(worker.errpath):
            os.unlink(worker.errpath)
    total = sum(stats.values())
    valid = total - stats["invalid"]
    print("%d kernels (%s), %d calls, %.1f%% valid, %.0f s" % (
        total, ", ".join("%s %d" % kv for kv in stats.items()), calls,
        100.0 * valid / max(total, 1), time.time() - start))
    for name, n in known_counts.items():
        print("%d kernels hit the known bug %s" % (n, name))
    if opts.verbose:
        for key, n in sorted(vm_errors.items(), key=lambda kv: -kv[1]):
            print("VM rejected %d argument sets: %s" % (n, key))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
