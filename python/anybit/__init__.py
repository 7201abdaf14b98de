"""Anybit: numbers of any bit width, computed exactly.

This package compiles Anybit kernels (MLIR ``func``/``arith``/``tensor``/
``scf``/``linalg``, ``anybit`` and ``modarith`` IR) for the CPU and calls
them on numpy arrays, runs them on the reference VM, and packs, unpacks,
quantizes and dequantizes tensors exactly as the ``anybit`` ops do.

Functions
---------
compile(source, target="cpu", opt_level=3, *, threads=1, reduction="auto", bat=False, ntt="radix2", ternary="auto", cpu="", features="")
    Compile an MLIR module (JIT, through the CPU pipeline) into a
    :class:`Module` whose public functions are called like ``interpret``
    calls them: ``anybit.compile(k).add(x, y)``. Cached.
interpret(source, entry, *arrays)
    Run a function of an MLIR module on the reference VM.
pack(array, dtype, encoding=None, scales=None, zero_points=None)
    Values to a :class:`PackedArray` (``anybit.pack``).
unpack(packed)
    A :class:`PackedArray`'s values as a numpy array (``anybit.unpack``).
quantize(array, dtype, group_size=32, symmetric=True, axis=-1, scale_dtype="f16")
    Block-scaled quantization (``anybit.quantize``).
dequantize(packed, dtype="f32")
    Codes times scales (``anybit.dequantize``).
trit_encoding(batch=1, shape=None), gemv_encoding(dtype, shape=None, group_size=None, scale="f16")
    The encoding to pack weights in for the host's fastest kernel: trits
    for ``bitlinear``-style int8 products, 1- and 2-bit GEMV weights for
    f32 activations (tiles that the lookup-table kernels read).
from_gguf_blocks(data, kind), to_gguf_blocks(values, scales, kind), gguf_dequantize(data, kind)
    llama.cpp's TQ2_0, TQ1_0 and Q4_0 blocks, byte-exact (``anybit.gguf``).
mlir_type, canonical_dtype, encoding_text, tensor_type
    Spell dtypes, encodings and tensor types the way MLIR does, e.g. to
    write a kernel signature for an array.

Classes: :class:`Module` and :class:`Function` (compiled code),
:class:`PackedArray`; errors: :class:`CompileError` (diagnostics from MLIR:
parse, verify, compile or run), ``ValueError`` (bad arguments).

Dtype strings
-------------
``"iN"``, ``"uiN"``, ``"siN"`` for N in 1..64 (signless ``iN`` is two's
complement, ``i1`` a boolean); float formats in the syntax of
``anybit::FloatFormat`` (``"e3m2"``, ``"e2m1"``, ``"e4m3, fn"``,
``"e8m0, unsigned, fn, nozero"``, ``"e3m2, bias = 5"``, also ``"e4m3fn"``
and ``"e8m0fnu"``); the MLIR builtin number types ``"f4E2M1FN"``,
``"f6E2M3FN"``, ``"f6E3M2FN"``, ``"f8E4M3FN"``, ``"f8E5M2"``, ``"f8E4M3"``,
``"f8E3M4"``, ``"f8E8M0FNU"``, ``"f16"``, ``"bf16"``, ``"f32"``, ``"f64"``,
``"index"``; ``"!anybit.trit"`` (ternary weights: -1, 0, +1); numpy names
(``"int8"``, ``"uint16"``, ``"float32"``, ``"bool"``) and numpy dtypes.

How values travel
-----------------
As the ``anybit-run`` tool and ``include/anybit/Interp/ValueIO.h`` define:
integers of width N as the smallest numpy integer dtype holding N bits
(signed for ``iN``/``siN``, unsigned for ``uiN``, bool for ``i1``), wrapped
to N bits on the way in; ``f16`` as float16, ``f64`` as float64, every other
float (``f32``, ``bf16``, every small float) as float32, exactly; float inputs
round to nearest even into the element type. Integer arrays are accepted
for float parameters (one correct rounding); float arrays are rejected for
integer parameters. Trits travel as int8 -1, 0 and +1 and are never
wrapped: any other value is a ``ValueError``. Packed tensors travel as
:class:`PackedArray`.

Encodings
---------
``None`` (dense: ``#anybit.packed<>``), an MLIR attribute string
(``"#anybit.packed<block = [1, 32], scale = f16>"``, or just
``"block = [1, 32], scale = f16"``), or a dict with keys ``word`` (8, 16, 32,
64), ``straddle`` (bool), ``block`` (list of ints), ``scale`` and
``zero_point`` (dtype strings), ``base3`` (bool: trits five per byte as
base-3 digits instead of 2-bit codes), ``tile`` (list of ints: elements
stored tile by tile), ``bit_planes`` (list of ints: each element's bits
split into planes of these widths, low bits first, one plane after
another), e.g. ``{"block": [1, 32], "scale": "f16"}``,
``{"base3": True}``, ``{"tile": [64, 4]}`` or
``{"tile": [64, 16], "bit_planes": [2, 1]}``. Packed trits
are their codes t + 1, four per byte LSB-first, or with ``base3`` five per
byte: element 5b + n is digit n (most significant first) of byte b, which
holds ceil(256 v / 243) for v = sum_n c_n 3^(4-n). With ``tile`` the
elements are counted tile after tile (tiles row-major in the grid of tiles,
elements row-major in each tile) instead of row-major: trits with
``tile=[64, 4]`` put row r's codes of columns 4j..4j+3 in one byte, the 64
rows of a tile side by side, the layout of the ``ternary="lut"`` kernel.
With ``bit_planes=[2, 1]`` 3-bit values store their low two bits first
(every element's, in the layout above), then their high bits (llama.cpp's
Q3_K splits its 3-bit weights so).
"""

import os as _os

import numpy as _np

from . import _anybit
from ._anybit import CompileError, Function, Module, PackedArray
from .gguf import GGUF_BLOCKS, from_gguf_blocks, gguf_dequantize, to_gguf_blocks

__all__ = [
    "CompileError",
    "Function",
    "GGUF_BLOCKS",
    "Module",
    "PackedArray",
    "TARGETS",
    "canonical_dtype",
    "compile",
    "dequantize",
    "encoding_text",
    "from_gguf_blocks",
    "gguf_dequantize",
    "interpret",
    "mlir_type",
    "pack",
    "quantize",
    "tensor_type",
    "to_gguf_blocks",
    "trit_encoding",
    "gemv_encoding",
    "unpack",
]

CompileError.__module__ = "anybit"
CompileError.__doc__ = """An error reported by MLIR: the source does not parse or verify, the
CPU pipeline of :func:`compile` rejects it, or the reference VM cannot run
it (an unsupported op, undefined behaviour such as division by zero, a value
an op cannot take). ``str(error)`` is the diagnostic text, each diagnostic
with its location (``file:line:col:``)."""
PackedArray.__module__ = "anybit"

#: The targets :func:`compile` supports.
TARGETS = tuple(_anybit.TARGETS)


def _read_source(source):
    """(MLIR text, name for diagnostics) of a text or a path."""
    if isinstance(source, _os.PathLike):
        path = _os.fspath(source)
        with open(path, encoding="utf-8") as f:
            return f.read(), str(path)
    if isinstance(source, (bytes, bytearray)):
        source = bytes(source).decode("utf-8")
    if not isinstance(source, str):
        raise ValueError(
            "source is MLIR text or the path of a .mlir file, got %r" % (type(source),)
        )
    try:
        source.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError("source is not valid Unicode text: %s" % e) from None
    looks_like_path = (
        "\n" not in source and "{" not in source and source.strip() == source
    )
    if looks_like_path and (source.endswith(".mlir") or _os.path.isfile(source)):
        with open(source, encoding="utf-8") as f:
            return f.read(), source
    return source, "<source>"


def interpret(source, entry, *arrays):
    """Run the function ``entry`` of an MLIR module on the reference VM.

    Args:
        source: MLIR text, or the path of a ``.mlir`` file (a ``str`` without
            newlines naming an existing file or ending in ``.mlir``, or an
            ``os.PathLike``).
        entry: the function's name (a leading ``@`` is ignored).
        *arrays: one argument per function parameter: numpy arrays (any
            layout and byte order), numpy scalars, Python bools, ints and
            floats for scalar and tensor parameters, :class:`PackedArray`
            for ``#anybit.packed`` parameters (whose type must match the
            parameter's exactly).

    Returns:
        None for a function without results, the single result, or a tuple
        of results. Logical tensors and scalars come back as numpy arrays
        (0-d for scalars) in the dtype they travel as (see the module
        documentation); packed tensors as :class:`PackedArray`.

    Raises:
        CompileError: the source does not parse or verify, or the VM reports
            an error while running (with the diagnostics and their
            locations).
        ValueError: no such function, wrong number of arguments, or an
            argument of the wrong shape or dtype.
        FileNotFoundError: ``source`` names a ``.mlir`` file that does not
            exist.
        KeyboardInterrupt: Ctrl-C (or any signal handler's exception)
            while the VM runs: it looks at Python's signals every 50 ms,
            between loop iterations, linalg points and calls (one op on a
            large tensor runs to its end). Python runs signal handlers in
            the main thread only: a VM running in another thread cannot
            be interrupted.

    The VM runs without the GIL, so other Python threads go on meanwhile
    (their calls into anybit wait for it).

    Example:
        >>> k = '''func.func @add(%a: tensor<4xi3>, %b: tensor<4xi3>) -> tensor<4xi3> {
        ...   %c = arith.addi %a, %b : tensor<4xi3>
        ...   return %c : tensor<4xi3>
        ... }'''
        >>> interpret(k, "add", [3, 3, -4, 1], [1, 0, -1, 1])
        array([-4,  3,  3,  2], dtype=int8)
    """
    text, name = _read_source(source)
    if not isinstance(entry, str):
        raise ValueError("entry is a function name, got %r" % (entry,))
    if entry.startswith("@"):
        entry = entry[1:]
    return _anybit.interpret(text, name, entry, list(arrays))


def compile(source, target="cpu", opt_level=3, *, threads=1, reduction="auto",
            bat=False, ntt="radix2", ternary="auto", cpu="", features=""):
    """Compile an MLIR module for ``target``; call its public functions on numpy arrays.

    The module (tensor-level Anybit IR, as :func:`interpret` runs it) goes
    through the CPU pipeline (``anybitc``'s: anybit to standard dialects,
    bufferization, LLVM) and is JIT-compiled for the host CPU.

    Args:
        source: MLIR text, or the path of a ``.mlir`` file (as for
            :func:`interpret`).
        target: ``"cpu"`` (:data:`TARGETS` lists the supported targets).
        opt_level: 0..3, as ``anybitc -O``.
        threads: threads for parallel loops, as ``anybitc --num-threads``:
            1 runs them sequentially, N > 1 on N OpenMP threads, 0 lets the
            OpenMP runtime choose (all cores, or ``OMP_NUM_THREADS``).
        reduction: how ``modarith`` products are reduced modulo Q, as
            ``anybitc --modarith-reduction``: ``"auto"`` (Barrett where the
            modulus allows it, else remainder), ``"barrett"``,
            ``"montgomery"``, ``"shoup"`` or ``"remainder"``. Residues
            travel as numpy integer arrays of their storage width, every
            element in [0, Q).
        bat: rewrite ``modarith.matmul`` with a constant lhs (moduli of at
            most 32 bits) as int8 matrix products over bytes (the CROSS
            paper's BAT), as ``anybitc --modarith-bat``.
        ntt: how ``modarith.ntt``/``intt`` are lowered, as ``anybitc
            --modarith-ntt``: ``"radix2"`` (Stockham butterflies) or
            ``"mat"`` (three modular matrix products, the CROSS paper's
            MAT; int8 products with ``bat=True``).
        ternary: how int8 x trit matrix products (``anybit.bitlinear``'s,
            or an ``anybit.matmul`` of i8 by packed ``!anybit.trit``) are
            lowered, as ``anybitc --ternary``. Neither of the two kernels
            multiplies by weights: ``"addsub"`` reads row-major 2-bit (or
            base-3) codes as byte dot products minus each row's sum,
            ``"lut"`` (T-MAC) reads codes packed with ``tile=[R, 4]`` and
            looks partial sums of activations up in tables. ``"auto"``
            (the default) takes the one the weights' layout is for (see
            :func:`trit_encoding` for the layout to choose);
            ``"generic"`` takes the contraction that multiplies, as do
            row-major codes with ``"lut"``; tiled codes with
            ``"addsub"`` are copied row-major first.
        cpu: the CPU to compile for, as ``anybitc --mcpu`` (an LLVM CPU
            name such as ``"znver4"`` or ``"x86-64-v3"``); ``""`` (the
            default) is the host's.
        features: CPU features added to or removed from the CPU's, as
            ``anybitc --mattr``: comma-separated ``+NAME`` or ``-NAME``
            (LLVM's names), e.g. ``"-avx512f"`` for the AVX2 kernels on an
            AVX-512 host. The code runs here, so a CPU or feature this
            host lacks is a CompileError, as is an unknown one.

    Returns:
        Module: ``module.NAME(*arrays)`` (or ``module["NAME"](*arrays)``)
        calls the public function ``NAME``. Arguments and results convert
        exactly as in :func:`interpret` (numpy arrays, scalars and
        :class:`PackedArray` in; None, one array or a tuple out), and the
        results equal the VM's bit for bit (integers and packed bytes
        always; floats too, matmul included, since both add products in
        ascending k with fused multiply-add; on several threads,
        ``scf.parallel`` float sums and products reorder their roundings),
        so::

            anybit.compile(k).f(x, y)  ==  anybit.interpret(k, "f", x, y)

        Compiled modules are cached by (source text, target and options):
        compiling the same kernel again returns the same Module at once.

    Raises:
        CompileError: the source does not parse or verify, or the pipeline
            rejects it (the diagnostics with their ``file:line:col:``
            locations), for example a reduction method that cannot handle
            a modulus, or an unknown CPU or feature.
        ValueError: an unknown target, reduction, ntt or ternary, an opt_level outside
            0..3, a negative thread count, or a cpu or features that is not
            a string.
        FileNotFoundError: ``source`` names a ``.mlir`` file that does not
            exist.

    Unlike the VM, compiled code does not check for undefined behaviour:
    an out-of-range shift or quantizing NaN gives an unspecified result
    instead of a CompileError; a division by zero divides by 1 (x / 0 = x),
    an index out of bounds reads or writes the last element of its
    dimension, a loop whose step is not positive runs no iterations, and
    ``arith.fptosi``/``fptoui`` of NaN give 0 and of values out of range
    saturate, so none crashes or hangs. Run such inputs through
    :func:`interpret`, which reports them.

    Example:
        >>> k = '''func.func @add(%a: tensor<4xi3>, %b: tensor<4xi3>) -> tensor<4xi3> {
        ...   %c = arith.addi %a, %b : tensor<4xi3>
        ...   return %c : tensor<4xi3>
        ... }'''
        >>> m = compile(k)
        >>> m.add([3, 3, -4, 1], [1, 0, -1, 1])
        array([-4,  3,  3,  2], dtype=int8)
    """
    if not isinstance(target, str):
        raise ValueError(
            "target must be a string; supported targets: %s; got %r"
            % (", ".join(TARGETS), target)
        )
    if target not in TARGETS:
        raise ValueError(
            "unknown target %r; supported targets: %s" % (target, ", ".join(TARGETS))
        )
    if isinstance(opt_level, bool) or not hasattr(opt_level, "__index__"):
        raise ValueError("opt_level must be an int in 0..3, got %r" % (opt_level,))
    opt_level = opt_level.__index__()
    if not 0 <= opt_level <= 3:
        raise ValueError("opt_level must be 0, 1, 2 or 3, got %d" % opt_level)
    if isinstance(threads, bool) or not hasattr(threads, "__index__"):
        raise ValueError("threads must be an int, got %r" % (threads,))
    if not 0 <= threads.__index__() < 2**31:
        raise ValueError("threads must be 0 (all cores) or a positive int below "
                         "2**31, got %d" % threads.__index__())
    if not isinstance(reduction, str):
        raise ValueError("reduction must be a string, got %r" % (reduction,))
    text, name = _read_source(source)
    if not isinstance(bat, bool):
        raise ValueError("bat must be True or False, got %r" % (bat,))
    for option, value in (("ntt", ntt), ("ternary", ternary), ("cpu", cpu),
                          ("features", features)):
        if not isinstance(value, str):
            raise ValueError("%s must be a string, got %r" % (option, value))
    return _anybit.compile(text, name, target, opt_level, threads.__index__(),
                           reduction, bat, ntt, ternary, cpu, features)


def trit_encoding(batch=1, shape=None):
    """The encoding to pack trit weights in for the host CPU's fastest ternary kernel.

    The cost model of ``ternary="auto"``, which takes the kernel that reads
    the weights' layout, for products with ``batch`` rows of activations
    (tokens): ``"#anybit.packed<tile = [64, 4]>"`` (the lookup-table
    kernel) where the CPU has byte shuffles (AVX2) but no int8 dot product
    (AVX-512 VNNI, AVX-VNNI) and the batch is 8 or more, else
    ``"#anybit.packed<>"`` (row-major 2-bit codes, the add/sub kernel).
    Measured on Zen 4: with VNNI add/sub is 1.3-1.7x faster than the
    lookups at batches 1 and 8; with AVX2 alone the two are within noise
    at batch 1, add/sub is faster at batches 2 and 4, and the lookups are
    1.1-1.4x faster at batch 8. With the weights' ``shape`` (N, K) tiles
    are chosen only where they fit (64 or 32 rows dividing N, K a multiple
    of 4); without it, ``tile = [64, 4]`` needs N a multiple of 64.

    Raises:
        ValueError: ``batch`` is not a positive int below 2**63, or
            ``shape`` not two such ints.

    Example:
        >>> enc = trit_encoding()
        >>> w = pack([[1, 0, -1, 1]] * 64, "!anybit.trit", enc)
    """
    if not _is_positive_int(batch):
        raise ValueError("batch must be a positive int, got %r" % (batch,))
    return _anybit.preferred_trit_encoding(batch.__index__(), _weight_dims(shape))


def _is_positive_int(v):
    """Whether `v` is an int (not a bool) in [1, 2**63)."""
    return (not isinstance(v, bool) and hasattr(v, "__index__")
            and 1 <= v.__index__() < 2**63)


def _weight_dims(shape):
    """`shape` (N, K) of weights as a list of two ints, [] for None."""
    if shape is None:
        return []
    if isinstance(shape, str) or not hasattr(shape, "__len__") or len(shape) != 2 \
            or not all(_is_positive_int(d) for d in shape):
        raise ValueError("shape must be two positive ints (N, K), got %r" % (shape,))
    return [d.__index__() for d in shape]


def gemv_encoding(dtype, shape=None, group_size=None, scale="f16"):
    """The encoding to pack GEMV weights in for the host CPU's fastest f32-activation kernel.

    For ``y = W x`` with ``W`` stored N x K (``transpose_rhs``) and f32
    activations (one row or a batch): 1- and 2-bit integers (any
    signedness) and trits are tiled ``[64, 32 / bits]`` (or 32 rows where
    64 do not divide N) where the CPU has AVX-512 BW, the layout of the
    f32 lookup-table kernel (sums of two or four activations looked up for
    16 rows at once: 1.4-2.3x the row-major kernel for 2-bit weights on
    Zen 5 at batch 1, 1.7-2.4x at batch 4); 3-bit integers are tiled
    ``[64, 16]`` in ``bit_planes = [2, 1]`` there (a plane of their low two
    bits and one of their high bits, each looked up: 1.4-1.6x the
    row-major kernel at batch 1); anything else, or where a tile does not
    fit, is row-major. (Tiled weights still compute elsewhere: where no
    kernel reads their tiles, tiles whose rows are whole bytes are copied
    row-major each call; integers in bit planes, one product per plane
    where each plane's kernel takes it.) With
    ``group_size``, the encoding carries ``[1, group_size]`` block scales
    of type ``scale`` (``"f16"``, ``"bf16"``, ``"f32"`` or MX's e8m0,
    ``"e8m0fnu"``), so that
    ``pack(w, dtype, enc, scales=s)`` takes it as it is.

    Raises:
        ValueError: a bad ``dtype`` or ``scale``, ``shape`` not two
            positive ints, ``group_size`` not a positive int (dividing K
            when ``shape`` is given).

    Example:
        >>> enc = gemv_encoding("i2", (4096, 4096), group_size=128)
        >>> # "#anybit.packed<block = [1, 128], scale = f16, tile = [64, 16]>" on AVX-512
    """
    if not isinstance(dtype, str):
        raise ValueError("dtype must be a string, got %r" % (dtype,))
    dims = _weight_dims(shape)
    group = 0
    if group_size is not None:
        if not _is_positive_int(group_size):
            raise ValueError("group_size must be a positive int, got %r" % (group_size,))
        group = group_size.__index__()
        if dims and dims[1] % group != 0:
            raise ValueError("group_size %d does not divide K = %d" % (group, dims[1]))
    if not isinstance(scale, str):
        raise ValueError("scale must be a string, got %r" % (scale,))
    return _anybit.preferred_gemv_encoding(dtype, dims, group, scale)


def pack(array, dtype, encoding=None, scales=None, zero_points=None):
    """Pack values into ``dtype`` with ``encoding``, exactly as ``anybit.pack``.

    Args:
        array: the values (array-like, any shape). Integers are wrapped to the
            element width (trits are not: a value other than -1, 0 or +1
            is rejected); floats round to nearest even into a float dtype;
            float values for an integer dtype are rejected.
        dtype: the element dtype string (``"i3"``, ``"ui4"``, ``"e3m2"``,
            ``"f8E4M3FN"``...).
        encoding: None for dense LSB-first bits, or an ``#anybit.packed``
            encoding as a string or dict (see the module documentation).
        scales: for a block encoding, the scale of each block: an array of
            the block-grid shape (``shape / block``), converted to the
            encoding's scale type.
        zero_points: likewise, when the encoding has a ``zero_point`` type.

    Returns:
        PackedArray: element ``i`` (row-major) of an ``n``-bit dtype at bits
        ``[i*n, (i+1)*n)`` of ``.data``, bit ``b`` being bit ``b % 8`` of
        byte ``b // 8`` (or the word layout with ``straddle = false``).

    Raises:
        ValueError: unknown dtype, invalid encoding (or one that does not fit
            the shape), missing or misshapen scales, unsupported array dtype.
    """
    return _anybit.pack(array, dtype, encoding, scales, zero_points)


def unpack(packed):
    """The element values of a :class:`PackedArray`, as ``anybit.unpack``.

    Returns a numpy array of ``packed.shape`` in the dtype the element type
    travels as (e.g. int8 for ``i3``, uint8 for ``ui4``, float32 for
    ``e3m2``). Scales and zero points are ``packed.scales`` and
    ``packed.zero_points``. ``unpack(pack(x, d))`` equals ``x`` converted to
    ``d``.
    """
    if not isinstance(packed, PackedArray):
        raise ValueError("unpack takes a PackedArray, got %r" % (type(packed),))
    return _anybit.unpack(packed)


def quantize(array, dtype, group_size=32, symmetric=True, axis=-1, scale_dtype="f16"):
    """Quantize a float array into block-scaled codes with ``anybit.quantize``.

    The blocks are ``group_size`` consecutive elements along ``axis`` (1
    along every other dimension); ``group_size=None`` or ``-1`` gives one
    scale per channel (the whole axis). Per block, as ``docs/semantics.md``
    states (all in double precision, the scale rounded to ``scale_dtype``
    first and that rounded scale used for the codes):

    - integer codes, symmetric: ``s = max|x| / qmax``,
      ``q = clamp(rne(x / s), qmin, qmax)``;
    - integer codes, asymmetric (``symmetric=False``; zero points of the
      code dtype): ``lo = min(min x, 0)``, ``hi = max(max x, 0)``,
      ``s = (hi - lo) / (qmax - qmin)``, ``z = clamp(rne(qmin - lo / s))``,
      ``q = clamp(rne(x / s) + z, qmin, qmax)``;
    - float codes: ``s = max|x| / maxFinite``, ``q = x / s`` rounded into
      the format (saturating);
    - an exponent-only scale dtype (``"f8E8M0FNU"``, OCP MX):
      ``s = 2^(floor(log2 max|x|) - floor(log2 qmax))``.

    A block of zeros gets ``s = 1``.

    Arrays of a million elements and more are quantized by a compiled
    ``anybit.quantize`` kernel (per shape and types, kept in
    :func:`compile`'s cache), whose
    results are the reference VM's bit for bit; smaller ones, non-finite
    ones, and blocks whose scale nears the scale dtype's limits go to the
    VM, which raises where the op is an error.

    Args:
        array: float (or integer) array of rank >= 1; float16/float32 are
            read as f16/f32, everything else as f64.
        dtype: the code dtype (``"i4"``, ``"ui4"``, ``"e2m1"``, ``"f4E2M1FN"``...).
        group_size: elements per block along ``axis``; must divide it.
        symmetric: False for asymmetric integer quantization with zero points.
        axis: the axis the groups run along.
        scale_dtype: f16, bf16, f32 or an exponent-only format such as
            ``"f8E8M0FNU"``.

    Returns:
        PackedArray with ``.scales`` (and ``.zero_points`` when asymmetric).

    Raises:
        ValueError: bad arguments (rank 0, axis out of range, group size not
            dividing the axis, asymmetric float codes, unknown dtypes).
        CompileError: the VM rejects the data (a non-finite value, a scale
            the scale dtype cannot represent).
    """
    if not isinstance(symmetric, (bool, _np.bool_)):
        raise ValueError("symmetric must be True or False, got %r" % (symmetric,))
    shape = _shape_of(array)
    if len(shape) == 0:
        raise ValueError("quantize needs an array of rank 1 or more, got a scalar")
    if isinstance(axis, bool) or not hasattr(axis, "__index__"):
        raise ValueError("axis must be an int, got %r" % (axis,))
    axis = axis.__index__()
    if not -len(shape) <= axis < len(shape):
        raise ValueError(
            "axis %d is out of range for an array of rank %d" % (axis, len(shape))
        )
    axis %= len(shape)
    length = shape[axis]
    if group_size is None or (
        not isinstance(group_size, bool)
        and hasattr(group_size, "__index__")
        and group_size.__index__() == -1
    ):
        group = length
    elif isinstance(group_size, bool) or not hasattr(group_size, "__index__"):
        raise ValueError("group_size must be an int or None, got %r" % (group_size,))
    else:
        group = group_size.__index__()
        if group <= 0:
            raise ValueError("group_size must be positive, None or -1, got %d" % group)
        if length % group != 0:
            raise ValueError(
                "group_size %d does not divide axis %d of size %d"
                % (group, axis, length)
            )
    if group == 0:  # an empty axis: one (empty) block
        group = 1
    block = [1] * len(shape)
    block[axis] = group
    encoding = {"block": block, "scale": scale_dtype}
    if not symmetric:
        encoding["zero_point"] = dtype
    compiled = _quantize_compiled(array, dtype, encoding, axis, group)
    if compiled is not None:
        return compiled
    return _anybit.quantize(array, dtype, encoding)


# Arrays of at least this many elements are quantized by a compiled
# anybit.quantize kernel (in compile's cache; bit for bit the VM's, as the
# differential tests check), not by the reference VM: 4096 x 4096 f32 to
# i4 in 0.10-0.14 s once compiled, against 2.7-3.2 s.
_COMPILED_QUANTIZE_MIN_ELEMENTS = 1 << 20

# The input type each numpy dtype is read as, as the VM reads them (others
# go to the VM, which reads them as f64).
_COMPILED_QUANTIZE_INPUTS = {
    _np.dtype(_np.float16): "f16",
    _np.dtype(_np.float32): "f32",
    _np.dtype(_np.float64): "f64",
}

# Scale dtypes the compiled path takes, with the range a block's scale
# must lie in for it: within it, the VM neither rejects a scale (one that
# rounds to zero) nor saturates one, both left to the VM.
_COMPILED_QUANTIZE_SCALES = {
    "f16": (2.0**-24, 65504.0),
    "bf16": (2.0**-133, 3.3895313892515355e38),
    "f32": (2.0**-149, 3.4028234663852886e38),
    "f8E8M0FNU": (2.0**-127, 2.0**127),
}


def _quantize_compiled(array, dtype, encoding, axis, group):
    """anybit.quantize of a large finite float array by a compiled kernel,
    or None where the VM should take it (small or non-finite arrays, other
    types, or a block whose scale lies near the scale dtype's limits, where
    the VM may reject it)."""
    # (Not an ndarray's subclass: a masked array's statistics skip what the
    # VM reads.)
    if type(array) is not _np.ndarray or array.size < _COMPILED_QUANTIZE_MIN_ELEMENTS:
        return None
    try:  # types the VM does not take are the VM's to report
        scale_range = _COMPILED_QUANTIZE_SCALES.get(canonical_dtype(encoding["scale"]))
        qmin, qmax = _anybit.quantize_code_range(dtype, encoding)
        result = _anybit.tensor_type(array.shape, dtype, encoding)
    except ValueError:
        return None
    if scale_range is None:
        return None
    if array.dtype not in _COMPILED_QUANTIZE_INPUTS:
        return None
    if not _np.isfinite(array).all():
        return None  # the VM's error
    # Each block's scale as the VM computes it (in f64, from extremes that
    # are exact in the input's type), within a factor of 2 for
    # exponent-only scales.
    blocks = _np.moveaxis(array, axis, -1)
    blocks = blocks.reshape(blocks.shape[:-1] + (blocks.shape[-1] // group, group))
    if "zero_point" in encoding:
        hi = _np.maximum(blocks.max(-1).astype(_np.float64), 0)
        lo = _np.minimum(blocks.min(-1).astype(_np.float64), 0)
        scales = (hi - lo) / (qmax - qmin)
    else:
        scales = _np.abs(blocks).max(-1).astype(_np.float64) / qmax
    scales = scales[scales > 0]  # blocks of zeros take 1
    low, high = scale_range
    if scales.size and not (scales.min() >= 2 * low and scales.max() <= high / 2):
        return None
    x = _anybit.tensor_type(array.shape, _COMPILED_QUANTIZE_INPUTS[array.dtype])
    source = (
        "func.func @q(%%x: %s) -> %s {\n"
        "  %%q = anybit.quantize %%x : %s -> %s\n"
        "  return %%q : %s\n}\n"
    ) % (x, result, x, result, result)
    try:
        return compile(source).q(array)
    except CompileError:
        return None  # a type the CPU backend lacks: the VM's


def dequantize(packed, dtype="f32"):
    """``(q - z) * s`` for every element, as ``anybit.dequantize``.

    Computed exactly and rounded once to ``dtype`` (a float dtype: ``"f32"``,
    ``"f64"``, ``"f16"``, ``"bf16"``, a small float...), returned as the
    numpy array that dtype travels as. ``packed`` must be block-scaled.
    """
    if not isinstance(packed, PackedArray):
        raise ValueError("dequantize takes a PackedArray, got %r" % (type(packed),))
    return _anybit.dequantize(packed, dtype)


def _shape_of(array):
    import numpy as np

    if isinstance(array, PackedArray):
        raise ValueError("quantize takes float values, not a PackedArray")
    try:
        return np.shape(array)
    except Exception as e:  # ragged nested sequences
        raise ValueError("cannot read the shape of %r: %s" % (type(array), e)) from None


def mlir_type(dtype):
    """The MLIR spelling of a dtype: ``mlir_type("e3m2") == "!anybit.float<e3m2>"``."""
    return _anybit.mlir_type(dtype)


def canonical_dtype(dtype):
    """The canonical dtype string (what ``PackedArray.dtype`` reports):
    ``canonical_dtype("e4m3fn") == "e4m3, fn"``, ``canonical_dtype(numpy.int8) == "i8"``."""
    return _anybit.canonical_dtype(dtype)


def encoding_text(encoding):
    """The MLIR text of an encoding (None, string or dict):
    ``encoding_text({"block": [1, 32], "scale": "f16"}) ==
    "#anybit.packed<block = [1, 32], scale = f16>"``."""
    return _anybit.encoding_text(encoding)


def tensor_type(shape, dtype, encoding=None):
    """The MLIR tensor type of a shape, dtype and optional encoding, for
    writing kernel signatures: ``tensor_type((4, 64), "i4", {"block": [1, 32],
    "scale": "f16"}) == "tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>"``."""
    return _anybit.tensor_type(shape, dtype, encoding)
