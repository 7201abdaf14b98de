//===- Passes.td - Anybit lowerings to upstream dialects ---*- tablegen -*-===//

#ifndef ANYBIT_CONVERSION_PASSES_TD
#define ANYBIT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertAnybitToStandard : Pass<"convert-anybit-to-standard", "mlir::ModuleOp"> {
  let summary = "Lowers anybit ops and types to tensor, linalg, arith and math";
  let description = [{
    Replaces every `anybit` op by code on upstream dialects with exactly the
    reference VM's semantics, and every any-width type by its storage form:
    - small floats (`!anybit.float`, `f4E2M1FN`, `f6*`, `f8*`) become
      signless integers holding their bit patterns, `siN`/`uiN` become `iN`;
    - a tensor with a `#anybit.packed` encoding becomes a 1-D `i8` tensor of
      its bytes (data, then scales, then zero points), read and written with
      shift-and-mask code;
    - `anybit.cast` and `anybit.dequantize` become element-wise code,
      `anybit.matmul` a `linalg.generic` contraction over dequantized
      operands in the accumulator type.
    Function signatures, calls, returns and structured control flow are
    converted along. Anything it cannot lower is reported at its location.

    With `vectorize` (the default), a matmul with an f32 accumulator whose
    right-hand side is packed (weights of up to 8 bits, optionally with
    [G, 1] block scales) becomes vector code instead: an `scf.forall` over
    column tiles of the output, each unpacking 16 weights at a time with
    byte shuffles and per-lane shifts and contracting them with `vector.fma`
    into register tiles; each group's sum is scaled once.

    A matmul of logical i8 activations by packed trit weights (N x K,
    `transpose_rhs`) into i32 is computed without multiplying by weights
    by the kernel that reads the weights' layout (`ternary=auto`, the
    default), or by the one `ternary` names (`addsub`, `lut`; tiled
    weights for `addsub` are copied row-major first, row-major codes for
    `lut` take the generic contraction, as with `generic`).
    Row-major codes (K > 0 a multiple of 4, or of 5 for base 3) take
    add/sub: the codes c = t + 1 are contracted as unsigned bytes
    against the activations (x86 `vpdpbusd` with `x86-int8-dot-bits`, else
    `vpmaddubsw` + `vpmaddwd` with `x86-byte-bits` when codes stay below
    128, else portable vector code) and each row's activation sum is
    subtracted. The
    codes are read in place, four 2-bit planes (or five base-3 digit
    planes) per loaded vector, against activations permuted once to the
    planes' order (see CodeDotMatmulCodegen.h). Codes packed with
    `tile = [R, 4]` (R a multiple of 32 up to 256) take the lookup-table
    kernel (T-MAC): per row of A and pair of columns a 16-entry table of
    partial sums, looked up by the R rows' nibbles of a tile at once
    (`anybit.x86_vpshufb` of `x86-byte-bits`, else vector gathers); see
    LookupTableMatmulCodegen.h. An i8 x integer matmul of
    the same shape into i32, with weights of 1..8 bits (logical i8, or
    unscaled #anybit.packed with element i at bit i * bits and K * bits a
    multiple of 8), takes the same kernel whatever `ternary` says: signed
    weights as codes w + 2^(bits-1), unsigned ones as they are. Fields of
    3, 5, 6 and 7 bits straddle bytes; with `x86-multishift` one
    `anybit.x86_vpmultishiftqb` unpacks a vector of them. Into f32, with
    `[1, G]` f16/bf16/f32/e8m0 weight scales and int8 activations that are
    plain or carry one such scale per row (`anybit.quantize`'s output),
    the same kernel sums each group exactly in int32 and scales it once;
    small floats of 2..6 bits whose values are multiples of one power of
    two join it through byte tables (`anybit.x86_vpshufb` for e2m1,
    `anybit.x86_vpermb` for 5- and 6-bit fields; e3m2 as two bytes). That
    path reorders the f32 sum, so it follows `vectorize`.

    A GEMV with f32 activations (or any that convert to f32) and N x K
    weights of 1..8-bit integers, trits or floats of up to 6 bits, dense at
    bit i * bits, K whole blocks of codes and groups of whole reads (16
    lanes' codes) or of whole lanes inside one (and rows of 3, 5, 6 or
    7-bit codes at least one read long), `vectorize` takes the code-FMA
    kernel: the weights' bytes read in order into i32 lanes of several
    codes (a word's 32 / bits codes of 1, 2 or 4 bits, a byte's P codes
    where groups split words, or 8 codes of 3, 5, 6, 7 bits gathered by
    one or two byte shuffles, four for 6-bit integers), the activations
    permuted once to match, each code mapped to its value by an f32 table
    (`anybit.x86_vpermps` for 16 entries, `anybit.x86_vpermi2ps` for 32,
    6-bit floats as 32 magnitudes and a sign, spread by one
    `anybit.x86_vpmultishiftqb` with `x86-multishift` and 512-bit
    `x86-int8-dot-bits`: widths up to 5 and 6-bit floats, when
    `x86-byte-bits` is 512, since AVX-512 BW implies AVX-512F; where a
    group holds whole reads the table times the group's scale, the VM's
    dequantized weights), as the mantissa of a power of two less that
    power (6-bit integers), or sign-extended and converted (floats need
    the tables), and one FMA per 16 weights; see CodeFmaMatmulCodegen.h.
    The vector kernel decodes floats of up to 6 bits by the same tables
    there. Such a GEMV with weights of 1 or 2 bits (integers, trits, 1- and
    2-bit floats of finite values) tiled `tile = [16 R, 32 / bits]` (R =
    1..4; unscaled or [1, G] scales as above, G a multiple of 32 / bits)
    takes the f32 lookup-table kernel instead: per pair (2 bits) or four
    (1 bit) of columns, a 16-entry table of the sums of those activations
    times every pattern of codes, built once per call; a 64-byte read of a
    tile is one 32-bit word of 16 rows, whose nibbles index one table in
    every lane (`anybit.x86_vpermps`), so a shift, a lookup and an addition
    serve 32 (2 bits) or 64 (1 bit) weights; each group's sums are scaled
    once. See FloatLookupTableMatmulCodegen.h.
  }];
  let options = [
    Option<"vectorize", "vectorize", "bool", /*default=*/"true",
           "Lower packed-weight f32 matmuls to vector code">,
    Option<"ternary", "ternary", "::anybit::TernaryLowering",
           /*default=*/"::anybit::TernaryLowering::Auto",
           "How int8 x packed-trit matmuls are lowered",
           [{::llvm::cl::values(
             clEnumValN(::anybit::TernaryLowering::Auto, "auto",
                        "the kernel that reads the weights' layout"),
             clEnumValN(::anybit::TernaryLowering::AddSub, "addsub",
                        "byte dot products of the codes, minus row sums"),
             clEnumValN(::anybit::TernaryLowering::LookupTable, "lut",
                        "lookups of tile = [R, 4] codes in tables of "
                        "partial sums"),
             clEnumValN(::anybit::TernaryLowering::Generic, "generic",
                        "the generic contraction (multiplies)"))}]>,
    Option<"x86Int8DotBits", "x86-int8-dot-bits", "unsigned",
           /*default=*/"0",
           "vpdpbusd width the code-dot kernel (int8 x trit or integer) "
           "may use (512, 256; 0: portable vector code)">,
    Option<"x86Multishift", "x86-multishift", "bool", /*default=*/"false",
           "The code-dot kernel may use vpmultishiftqb of the vpdpbusd "
           "width (AVX-512 VBMI, with VL for 256), and at 512 bits the "
           "code-FMA kernel for 6-bit sign-magnitude lookups">,
    Option<"threads", "threads", "unsigned", /*default=*/"0",
           "The OpenMP threads the parallel loops will run on (0: not "
           "known). The f32 lookup-table kernel splits its tiles into one "
           "part a thread, each building its own tables, where it knows "
           "them">,
    Option<"x86ByteBits", "x86-byte-bits", "unsigned",
           /*default=*/"0",
           "Width of the x86 byte instructions (vpshufb, vpmaddubsw): "
           "512 with AVX-512 BW, 256 with AVX2. The lookup-table kernel "
           "shuffles with them (else gathers), and the code-dot kernel "
           "without vpdpbusd multiplies codes below 128 with them (else "
           "portable vector code)">
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::bufferization::BufferizationDialect",
    "mlir::linalg::LinalgDialect", "mlir::math::MathDialect",
    "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::vector::VectorDialect"
  ];
}

def AnybitCPUCallingConvention : Pass<"anybit-cpu-calling-convention",
                                      "mlir::ModuleOp"> {
  let summary = "Gives public functions the CPU calling convention";
  let description = [{
    Marks the tensor arguments of public functions read-only for
    bufferization (`bufferization.writable = false`) and turns their scalar
    results into 0-d tensors, so that after bufferization and
    `buffer-results-to-out-params` every result is a caller-provided buffer.
    Calls inside the module extract the scalar back.

    Integer tensors whose width is not 8, 16, 32 or 64 travel in the next
    such width: arguments are truncated on entry (their high bits are
    ignored) and results extended on exit (sign-extended when the original
    type in `anybit.signature` is signed, zero-extended when unsigned or a
    small float's bit pattern), so callers see whole, well-defined bytes.

    f16 and bf16 scalar arguments travel as their bits (i16): passed as
    floats they would go through a conversion (x86's to bf16 flushes
    subnormals) and in a float register, where the C header has uint16_t.

    Tensors without elements of a rank other than 1 (`tensor<2x0xf32>`)
    travel as `tensor<0xE>`: upstream's bare-pointer calling convention
    takes no memref with a stride of 0. The function body gets a
    `tensor.empty` of the original type (there is nothing to read). Private
    functions get this part of the convention too: one the inliner leaves
    (a recursive one) takes bare pointers as well.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::bufferization::BufferizationDialect",
                           "mlir::tensor::TensorDialect"];
}

def AnybitMemRefCopyToLinalg : Pass<"anybit-memref-copy-to-linalg",
                                    "mlir::func::FuncOp"> {
  let summary = "Turns memref.copy into linalg.copy";
  let description = [{
    The LLVM lowering of `memref.copy` between strided (non-contiguous)
    memrefs calls `memrefCopy` from MLIR's C runner library; as a
    `linalg.copy` it becomes plain loops, so compiled kernels and the shared
    libraries built from them need no runtime library.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def AnybitWidenLoopIndices : Pass<"anybit-widen-loop-indices",
                                  "mlir::func::FuncOp"> {
  let summary = "Runs scf.for loops over narrow integers on 64-bit indices";
  let description = [{
    An `scf.for` whose induction variable is an integer narrower than 64
    bits is rewritten to iterate over i64 (bounds sign-extended, or
    zero-extended with `unsignedCmp`) and to truncate the index for its
    body. This is the reference VM's meaning (the index never wraps), and
    it keeps upstream folds, which compute trip counts in the index's own
    width, from miscounting loops such as -16 to 15 over i5.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::scf::SCFDialect"];
}

def AnybitTruncateIndexCasts : Pass<"anybit-truncate-index-casts",
                                    "mlir::func::FuncOp"> {
  let summary = "Narrows index values by arith.trunci, not by index casts";
  let description = [{
    Rewrites each `arith.index_cast` or `arith.index_castui` from `index`
    to a narrower integer (scalars, vectors and tensors) as the same cast to
    an integer of the index's width (the data layout's, 64 by default)
    followed by `arith.trunci`: the same bits. Upstream MLIR 22's
    canonicalization folds `index_cast(index_cast(%x : index to i3) : i3
    to index)` to `%x`, dropping the truncation (llvm-project issues 90238
    and 90296, fixed after 22): 46 came back as 46 instead of -2. The
    reference VM truncates, and so does the code after this pass, which
    the CPU pipeline runs before its first canonicalization.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def AnybitDropEmptyInserts : Pass<"anybit-drop-empty-inserts",
                                  "mlir::func::FuncOp"> {
  let summary = "Drops the insertion of tensors without elements";
  let description = [{
    Bufferization writes each operand of `tensor.concat` and the source of
    `tensor.pad` into a subview of the result's buffer at its offset. For
    an operand without elements at the end of its dimension, that offset
    is the dimension's size, and upstream MLIR 22's verifiers reject such
    a slice ("offset 0 is out-of-bounds: 4 >= 4"), so valid kernels did not
    compile. Before bufferization, concat operands of a static size 0 are
    dropped (a single one left is the result, through a `tensor.cast`;
    none, a `tensor.empty`: the result has no elements either), and a pad
    of a source without elements becomes the `tensor.generate` of its body.
  }];
  // Result sizes are reified with affine.apply and arith constants.
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def AnybitExpandRankReducingSlices
    : Pass<"anybit-expand-rank-reducing-slices", "mlir::func::FuncOp"> {
  let summary = "Rank-reducing slices as full-rank ones and a reshape";
  let description = [{
    Upstream MLIR 22's canonicalization, folding constant offsets into a
    rank-reducing `tensor.extract_slice` whose dropped unit dimensions are
    ambiguous (`[1, 3, 1]` to `tensor<1x3xi16>`), rebuilt it with sizes
    `[1, 1, 3]`, which its verifier rejects: valid kernels did not
    compile. Which unit dimensions go does not change the row-major
    elements, so each such extract_slice becomes a full-rank slice and a
    `tensor.collapse_shape`, and each `tensor.insert_slice` of a
    lower-rank source inserts its `tensor.expand_shape`. The CPU pipeline
    runs it before any canonicalization.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def AnybitFoldConstantFloatCompares
    : Pass<"anybit-fold-constant-float-compares", "mlir::func::FuncOp"> {
  let summary = "arith.cmpf false and true as constants";
  let description = [{
    Upstream MLIR 22's canonicalization crashes (a segmentation fault) on
    `arith.cmpf false` or `true` of an `arith.sitofp`/`uitofp` and a
    constant, rewriting it as an integer comparison. Their results do not
    depend on the operands, so each becomes the constant (a splat of it on
    tensors and vectors). The CPU pipeline runs it first.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def AnybitIndexSwitchToIf : Pass<"anybit-index-switch-to-if",
                                 "mlir::func::FuncOp"> {
  let summary = "Rewrites scf.index_switch as a chain of scf.if";
  let description = [{
    Upstream MLIR 22 bufferizes `scf.index_switch` without taking its
    results as aliases of the tensors its cases yield: a later in-place
    write to a yielded tensor changed the switch's result, wrote into a
    read-only constant (a segmentation fault) or into the caller's numpy
    array. `scf.if` bufferizes correctly, so each switch becomes `if (arg
    == c0) {case 0} else if (arg == c1) {case 1} ... else {default}`, its
    regions moved as they are (a switch without cases: an
    `scf.execute_region` of its default). The CPU pipeline runs it first.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

def AnybitGuardFloatToInt : Pass<"anybit-guard-float-to-int",
                                 "mlir::func::FuncOp"> {
  let summary = "Makes fptosi/fptoui defined for every input";
  let description = [{
    `arith.fptosi`/`fptoui` of NaN or of a value outside the integer type
    is poison; the reference VM reports it as an error, and compiled code
    gave whatever LLVM made of the poison (fuzzing met it in a module that
    LLVM's x86 backend then aborted on, which turned out to be a separate
    LLVM bug). This
    pass clamps each such conversion's operand into the integer's range
    (the float just below 2^N, or 2^(N-1) signed, and -2^(N-1) or 0) and
    NaN to 0: out-of-range values saturate, as `anybit.cast` with
    `saturate` does (truncating toward zero, as fptosi does). On
    scalars, vectors and static tensors; the CPU pipeline runs it first, on
    the kernel's own conversions.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def AnybitSplitAffineCeilDiv : Pass<"anybit-split-affine-ceildiv"> {
  let summary = "Keeps affine ceildiv exact for the most negative dividend";
  let description = [{
    Upstream's affine lowering computes `a ceildiv c` (c a positive
    constant) as `-((-a) / c)` for `a <= 0`, and `-a` overflows for
    a = -2^63: `-2^63 ceildiv 16` gave 2^59 instead of -2^59. This pass
    rewrites every `e ceildiv c` (c > 1) in the affine maps and integer sets
    of the ops it reaches as `e floordiv c + (e mod c) ceildiv c`, which is
    the same number, and whose lowering cannot overflow: floordiv
    negates `-1 - a`, mod adjusts a remainder, and the dividend of the new
    ceildiv is in [0, c). The CPU pipeline runs it before each
    `lower-affine`.
  }];
}

def AnybitGuardLoopSteps : Pass<"anybit-guard-loop-steps",
                                "mlir::func::FuncOp"> {
  let summary = "Keeps loops from running forever on their steps";
  let description = [{
    Compiled `scf.for`, `scf.parallel` and `scf.forall` loops step their
    induction variable until it reaches the upper bound, so a step of 0 or
    less, which the reference VM reports as an error, hung the compiled
    kernel, and so did an induction variable that wrapped past the top of
    its type (0 to 2^63 - 1 by 2^62 over `index`: two iterations on the VM).
    This pass rewrites each loop dimension whose step is not the constant 1,
    and may not be positive or whose last step could wrap, to count its
    iterations instead: 0 to the trip count by 1 (an `unsigned` `scf.for`),
    the induction variable being `lb + k * step` in the body. The trip
    count is exact wherever the induction variable would wrap, and 0 where
    the step is not positive (not 0 for an `unsigned` `scf.for`), constant
    or not (the VM reports such a step when it reaches the loop, which may
    be never); a parallel loop runs at most 2^63 - 1 iterations in a
    dimension. An `scf.for` over signless `i1` becomes `unsigned`: the VM
    reads its bounds as booleans, 0 and 1. The CPU pipeline runs it first,
    after lowering the kernel's affine loops to scf, on the kernel's own
    loops; Anybit's lowerings build loops of constant bounds and steps.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

def AnybitClampTensorIndices : Pass<"anybit-clamp-tensor-indices",
                                    "mlir::func::FuncOp"> {
  let summary = "Keeps element and slice accesses with run-time indices in bounds";
  let description = [{
    A `tensor.extract` or `tensor.insert` whose index comes from the
    kernel's inputs, read out of bounds, made compiled code read or write
    outside its buffers: an index of 2^40 killed the calling Python process
    with a segmentation fault. The reference VM reports such an index as an
    error. This pass clamps, wherever they are not constants known to be in
    bounds:
    - the indices of `tensor.extract` and `tensor.insert`, to the last
      element of their dimension (`arith.minui`, so negative indices too);
    - the strides and offsets of `tensor.extract_slice`, `insert_slice` and
      `parallel_insert_slice` along dimensions of constant slice size: a
      run-time stride to the longest that fits (from the offset, or from 0
      where the offset is run-time too), then a run-time offset to the
      last at which the slice fits;
    - the run-time low padding of a `tensor.pad` of constant shapes, to the
      room the result leaves around the source;
    - a run-time dimension index of `tensor.dim`, below the rank.
    A slice of constant size and stride that fits its constant dimension at
    no offset is an error. Slices of run-time sizes, and accesses to empty
    dimensions, are left as they are (the CPU backend takes static shapes
    only). The CPU pipeline runs it first, on the kernel's own ops;
    Anybit's lowerings make their indices in bounds themselves.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def AnybitGuardIntegerDivision : Pass<"anybit-guard-integer-division",
                                      "mlir::func::FuncOp"> {
  let summary = "Keeps integer divisions from trapping";
  let description = [{
    x86's integer division traps on a zero divisor and on the signed
    overflow INT_MIN / -1, and LLVM may assume neither happens: a compiled
    kernel given such operands killed the process that called it (Python
    included). The reference VM reports both as errors. This pass makes
    every integer division and remainder of `arith` (`divsi`, `divui`,
    `remsi`, `remui`, `ceildivsi`, `ceildivui`, `floordivsi`) and `index`
    (`divs`, `divu`, `rems`, `remu`, `ceildivs`, `ceildivu`, `floordivs`)
    on scalars, vectors and static tensors divide by 1 where the divisor
    is 0, or where
    a signed operation would overflow: x / 0 gives x and x % 0 gives 0, and
    INT_MIN / -1 gives INT_MIN (the wrapped quotient) and INT_MIN % -1
    gives 0, as they would in exact arithmetic. A compare and a select per
    division; divisors that are constants which can do neither keep their
    division as it is. The CPU pipeline runs it once `affine` has lowered
    (its `mod`, `floordiv` and `ceildiv` by symbols become `arith`).
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def AnybitFuseElementwise : Pass<"anybit-fuse-elementwise"> {
  let summary = "Fuses element-wise linalg ops unless that recomputes them";
  let description = [{
    Upstream `linalg-fuse-elementwise-ops` (element-wise fusion, reshape
    propagation by expansion, and the canonicalizations that pass runs),
    with one more condition on fusing a producer into a consumer: the
    consumer must not be a reduction that reads the producer's result at
    fewer than all of its loops. Fused into such a contraction the
    producer runs once per iteration of the missing loops instead of once
    per element: BAT's byte split of x (each byte read by every row of T)
    would be redone for every row, from gathered words, inside the int8
    product. Element-wise consumers, broadcasts included, still fuse.
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def AnybitX86Int8Dot : Pass<"anybit-x86-int8-dot"> {
  let summary = "Runs int8 dot-product contractions on x86 VNNI (vpdpbusd)";
  let description = [{
    Rewrites a `linalg.generic` that sums sext(s) * zext(u) into an i32
    accumulator over the last, contiguous dimension of two i8 tensors (BAT's
    contraction: out[m, n] += sum_l s[m, l] * u[n, l], or out[m] +=
    sum_l s[m, l] * u[l]) into loops whose body is one `vpdpbusd` per
    `vector-bits` / 8 bytes (`anybit.x86_vpdpbusd`, which
    `convert-vector-to-llvm{enable-x86vector}` turns into
    `llvm.x86.avx512.vpdpbusd.512` on 64 bytes with AVX-512 VNNI, `.256` on
    32 bytes with AVX-VNNI): four u8 x s8
    products summed into each 32-bit lane, then one horizontal sum per
    output; a scalar loop takes the last L mod (vector-bits / 8) terms.
    LLVM does not form `vpdpbusd` from the generic form itself (it widens
    the bytes to 16 bits for `vpdpwssd`). The products are exact: each lane
    adds four products of at most 255 * 128 to an accumulator whose total
    the producer has bounded (BAT proves it fits in int32). The CPU
    pipeline runs this pass only when the target has the instruction.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"512",
           "512 (AVX-512 VNNI) or 256 (AVX-VNNI)">
  ];
  let dependentDialects = ["::anybit::AnybitDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect"];
}

def AnybitLegalizeOpenMPReductions
    : Pass<"anybit-legalize-openmp-reductions", "mlir::func::FuncOp"> {
  let summary = "Gives scf.parallel reductions a form convert-scf-to-openmp "
                "lowers exactly";
  let description = [{
    Upstream's `convert-scf-to-openmp` declares an OpenMP reduction for
    each `scf.reduce` region it recognizes (one `addi`, `muli`, `andi`,
    `ori`, `xori`, `addf`, `mulf` of the two arguments in order, or a
    compare and select), with an `llvm.atomicrmw` combiner. Three things go
    wrong with what it is given: an atomic of a width that has none (i1,
    i17, i48) or of `index` is invalid IR; a loop with a region it does
    not recognize after one it does is left half rewritten ("unconverted
    operation found"); and float min/max start from the largest finite
    value, not infinity. This pass runs before it, loop by loop:
    - where every region is one of those integer ops, `arith.max/minsi`
      or `arith.max/minui` (a compare and select after this pass), or
      `addf`/`mulf` on f16, f32 or f64, of the two arguments in either
      order, it rewrites each region to upstream's form; integer
      reductions of other widths, and `index`, are carried in the next of
      i8, i16, i32 and i64 (sign-extended for signed min/max, zero-extended
      otherwise: the low bits of the wide result are the narrow one's),
      truncated back after the loop;
    - otherwise the loop runs sequentially as an `scf.for` nest, each
      iteration's values folded into the accumulators in row-major order,
      as the reference VM folds them.

    ```mlir
    %s = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%z) -> i17 {
      scf.reduce(%x : i17) {
      ^bb0(%a: i17, %b: i17):
        %t = arith.addi %b, %a : i17
        scf.reduce.return %t : i17
      }
    }
    // becomes
    %zw = arith.extui %z : i17 to i32
    %sw = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zw) -> i32 {
      %xw = arith.extui %x : i17 to i32
      scf.reduce(%xw : i32) {
      ^bb0(%a: i32, %b: i32):
        %t = arith.addi %a, %b : i32
        scf.reduce.return %t : i32
      }
    }
    %s = arith.trunci %sw : i32 to i17
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

def AnybitHoistSequentialAllocas : Pass<"anybit-hoist-sequential-allocas",
                                         "mlir::func::FuncOp"> {
  let summary = "Hoists scf.parallel bodies' stack buffers where the loops "
                "run sequentially";
  let description = [{
    An `scf.parallel` body is an allocation scope: a `memref.alloca` at its
    top level lives for one iteration, as each thread's own buffer under
    OpenMP (which wraps the body in `memref.alloca_scope`). Lowered to
    sequential loops instead, nothing frees it, and LLVM allocates it anew
    every iteration: a GEMV's per-row buffer of group scales grew the stack
    by its size for every row of the matrix. Where the loops run one
    iteration after another, one buffer serves them all, so this pass moves
    each such alloca of static shape (no operands) before its loop,
    innermost loops first so that nests give theirs up level by level (a
    buffer that lands in the body of another loop, an `scf.for`, is still
    allocated once per iteration of that one). Run it only where
    `scf.parallel` lowers to sequential loops.

    ```mlir
    scf.parallel (%i) = (%c0) to (%n) step (%c1) {
      %buf = memref.alloca() : memref<32xf32>
      ...
    }
    // becomes
    %buf = memref.alloca() : memref<32xf32>
    scf.parallel (%i) = (%c0) to (%n) step (%c1) {
      ...
    }
    ```
  }];
}

def AnybitKeepUnwrittenInits : Pass<"anybit-keep-unwritten-inits",
                                    "mlir::func::FuncOp"> {
  let summary = "Keeps the elements of an init a linalg op may not write";
  let description = [{
    Upstream takes an init whose value a linalg op's payload does not read
    as overwritten: element-wise fusion replaces it by `tensor.empty`, and
    bufferization leaves its buffer uninitialized. That holds when the op
    writes every element, not when its iteration space is empty or the
    init's indexing map is not a projected permutation
    (`(d0) -> (d0 mod 2)`): the elements it does not write keep the init's
    values (the VM's meaning). Such an op becomes an `scf.for` nest over
    its iteration space that carries the inits (a `tensor.empty` one
    zero-filled, as the VM reads it), extracts the operands' elements at
    their maps' images, runs the payload and inserts what it yields. An op
    whose iteration space is statically empty becomes such a nest too (of
    no trips: its results are its inits) even when its payload reads the
    inits, since folding after this pass can make it stop reading them
    (element-wise fusion of a constant operand turns `muli %c, %init` into
    `0`, and then replaces the init by `tensor.empty`).
    Upstream's `linalg.map` also says it never reads its init, even where
    its payload takes the init's element (MLIR 22): bufferization left the
    buffer of a map yielding that element unfilled. Such a map becomes the
    equivalent `linalg.generic` first, which reads it.
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect"];
}

def AnybitDistinctLoopYields : Pass<"anybit-distinct-loop-yields",
                                    "mlir::func::FuncOp"> {
  let summary = "Gives each tensor a loop yields twice a copy of its own";
  let description = [{
    One-shot bufferization with `allow-return-allocs-from-loops` gives a
    loop's results the buffers its body yields, but does not see that two
    results yielding the same tensor share one: a write in place into one
    result changed the other (MLIR 22; `scf.yield %n, %n`, which
    canonicalization makes of loops that pass a value through). Before
    bufferization, this pass yields a copy (`bufferization.alloc_tensor
    copy(...)`) for each later position of a tensor that an `scf.for`
    yield, an `scf.while` condition or an `scf.while` yield already passes.

    ```mlir
    scf.yield %n, %n : tensor<4xi8>, tensor<4xi8>
    // becomes
    %c = bufferization.alloc_tensor() copy(%n) : tensor<4xi8>
    scf.yield %n, %c : tensor<4xi8>, tensor<4xi8>
    ```
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

def AnybitDistinctResultBuffers : Pass<"anybit-distinct-result-buffers",
                                       "mlir::func::FuncOp"> {
  let summary = "Gives each buffer a function returns a buffer of its own";
  let description = [{
    A buffer returned more than once (`return %m, %m`, as bufferization
    leaves a tensor returned twice, or two results that folded into one) is
    copied into a new buffer for each later result. Run before
    `buffer-results-to-out-params`, which crashes on such returns; each
    result then becomes its own caller-provided buffer.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def AnybitNoAliasBuffers : Pass<"anybit-noalias-buffers", "mlir::ModuleOp"> {
  let summary = "Marks the buffer arguments of public functions noalias";
  let description = [{
    After bufferization every public function takes its inputs and its
    results as buffers. The CPU calling convention guarantees that a result
    buffer overlaps no other buffer argument, so each memref argument gets
    `llvm.noalias`: LLVM may then keep values in registers across stores to
    the results, hoist loop-invariant loads and vectorize without run-time
    overlap checks (about 3x on a packed GEMV).
  }];
}

def AnybitPrefetchStreams : Pass<"anybit-prefetch-streams",
                                 "mlir::func::FuncOp"> {
  let summary = "Prefetches the packed bytes loops stream through";
  let description = [{
    For each `scf.for` and each rank-1 buffer of i8 (the storage of a packed
    tensor) that the loop's body reads in one stream with
    `vector.transfer_read` or `vector.load`, at indices growing by a
    constant 16..`distance` bytes an iteration (linear functions of the
    induction variable; reads less than one iteration's stride apart are
    one stream),
    one `memref.prefetch` (read, data, locality 3) of the byte `distance`
    past the stream's lowest read, clamped to the buffer, and, where the
    stream moves 128 bytes or more an iteration, one more for each further
    whole 64-byte line its reads span in an iteration (up to the stride:
    the f32 lookup-table kernel reads four lines an iteration, and one
    prefetch left it at 24% of the bandwidth against 58% with four; the
    int8-activation kernels' 128 bytes of 4-bit codes ran 1.2-1.6x faster
    with both lines prefetched at K = 14336; the f32 kernels' 80 and 96
    bytes of 5- and 6-bit codes keep one, a second measured up to 5%
    slower): the packed kernels
    read their weights in one sequential stream (the code-FMA kernel in
    two, rows t and t + N / 2), and a loop with a long body
    (the f32 kernels' unpacking and FMAs) keeps too few cache misses in
    flight for the hardware prefetcher to run far enough ahead of it. A
    buffer read as more than two streams of one stride (rows of weights
    read side by side) is left to the hardware: prefetching them made the
    ternary add/sub kernel (four rows a tile) 25% slower. Two streams of
    one stride (the two bit planes of `bit_planes = [2, 2]` tiles: 4-bit
    weights at twice the speed prefetched) and streams of different
    strides (a row's codes and its group scales) each prefetch. A loop
    with an `anybit.prefetch_distance` attribute (a positive i64; other
    values are ignored) prefetches its widest streams (a row's codes) that
    many bytes ahead instead, every line they move on an iteration, and
    takes them at strides up to that distance; narrower streams keep
    `distance`. The code-FMA kernel's panels of K read a run of each row
    and then the next row's, which starts cold (prefetched 4 KB further
    along their own row, panels ran 1.6x slower than without them;
    prefetched a row ahead, up to 1.5x faster). `distance` 0 prefetches
    nothing. Activations and outputs
    (other element types) are left alone: they are reused from the
    cache. Measured on Zen 5 (one core, 37 GB/s), GEMVs with 5- and 6-bit
    weights and f32 activations, which unpack at 23 GB/s from the cache,
    read 11-13 GB/s from DRAM without prefetches and 21-24 with them 4 KB
    ahead (512 bytes: 15-20); with int8 activations 3-bit weights went
    from 22 to 31 GB/s. Nearer than 2 KB helped less, 8 KB no more.
  }];
  let options = [
    Option<"distance", "distance", "unsigned", /*default=*/"4096",
           "How many bytes ahead of a read to prefetch">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def ConvertModArithToArith : Pass<"convert-modarith-to-arith", "mlir::ModuleOp"> {
  let summary = "Lowers modarith residues and ops to arith on their words";
  let description = [{
    Replaces every `!modarith.int<Q : iW>` by its W-bit storage word and
    every `modarith` op by arith code on scalars or tensors, with the
    reference VM's exact results. Additions, subtractions and negations
    are a wrapping operation and one branch-free conditional correction.
    Products, `mac`, `reduce` and `encapsulate` use the `reduction` method:
    - `barrett`: mu = floor(2^k / Q) with k and the shifts derived from Q
      and the input's bound, products of W-bit words only, then one
      conditional subtraction (two when the one-subtraction constants do
      not fit the words); products of any Q < 2^(W-1) are handled, larger
      moduli only when the constants happen to fit;
    - `montgomery`: residues are held as a * 2^W mod Q inside each
      function and converted at its borders (arguments, results, calls,
      `encapsulate`, `extract`); products are one REDC; Q must be odd;
    - `shoup`: a product with a `modarith.constant` uses the constant's
      precomputed companion floor(c * 2^W / Q) (needs 2Q <= 2^W); other
      products use Barrett;
    - `remainder`: `arith.remui` on the double-width product, the naive
      baseline;
    - `auto` (the default): Barrett where the modulus allows it, else
      `remainder`.
    An explicitly chosen method that cannot handle a modulus at its width
    is reported at the op, with the reason.
  }];
  let options = [
    Option<"reduction", "reduction", "::anybit::ModularReduction",
           /*default=*/"::anybit::ModularReduction::Auto",
           "How products are reduced modulo Q",
           [{::llvm::cl::values(
             clEnumValN(::anybit::ModularReduction::Auto, "auto",
                        "Barrett where it applies, else remainder"),
             clEnumValN(::anybit::ModularReduction::Barrett, "barrett",
                        "Barrett reduction"),
             clEnumValN(::anybit::ModularReduction::Montgomery, "montgomery",
                        "Montgomery form and REDC"),
             clEnumValN(::anybit::ModularReduction::Shoup, "shoup",
                        "Shoup for products with constants, else Barrett"),
             clEnumValN(::anybit::ModularReduction::Remainder, "remainder",
                        "arith.remui (the naive baseline)"))}]>
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

#endif // ANYBIT_CONVERSION_PASSES_TD
