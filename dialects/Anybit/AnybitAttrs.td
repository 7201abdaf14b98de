//===- AnybitAttrs.td - anybit attributes ------------------*- tablegen -*-===//

#ifndef ANYBIT_ATTRS_TD
#define ANYBIT_ATTRS_TD

include "Anybit/AnybitDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/TensorEncoding.td"

//===----------------------------------------------------------------------===//
// Packed encoding
//===----------------------------------------------------------------------===//

// `[4, 1]`: a bracketed list, so it can sit among other struct fields.
def Anybit_BracketedShapeParameter : OptionalArrayRefParameter<"int64_t"> {
  let parser = [{ ::anybit::parseBracketedShape($_parser) }];
  let printer = [{
    $_printer << '[';
    ::llvm::interleaveComma($_self, $_printer);
    $_printer << ']';
  }];
}

def Anybit_PackedEncodingAttr : AttrDef<Anybit_Dialect, "PackedEncoding",
    [DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let mnemonic = "packed";
  let summary = "Dense LSB-first bit packing with optional block scales";
  let description = [{
    States exactly how a tensor's elements sit in memory. Elements are taken
    in row-major order; element `i` of an `n`-bit type occupies bits
    `[i*n, (i+1)*n)` of the data buffer, where bit `b` is bit `b % 8` of byte
    `b / 8`, so odd widths straddle bytes. The buffer is made of `word`-bit
    little-endian container words (8, 16, 32 or 64) and its size is rounded
    up to a whole word. With `straddle = false`, an element never crosses a
    word boundary: each word holds `word / n` elements and its high bits are
    padding.

    With `block = [b0, b1, ...]` the tensor is divided into blocks of that
    shape (each `bi` divides dimension `i`); each block has one scale of
    type `scale` (f32, f16, bf16 or an 8-bit exponent-only format such as
    `f8E8M0FNU`, as in OCP MX) and, when `zero_point` is given, one zero
    point of that type. Scales and zero points are separate buffers, packed
    densely (LSB-first) in row-major block order. Per-tensor scaling is a
    block equal to the shape, per-channel `[1, K]`, per-group `[1, 32]`.

    With `base3 = true` (for `!anybit.trit` only, without blocks), five
    trits share each byte as base-3 digits, 1.6 bits per trit: element
    `5b + n` is digit `n` (from the most significant) of byte `b`, whose
    value is `ceil(256 v / 243)` for `v = sum_n c_n 3^(4 - n)` and the codes
    `c = t + 1`; digit `n` is `((byte * 3^n) mod 256) * 3 >> 8`. This is the
    byte form of llama.cpp's TQ1_0 (which orders elements differently
    within its blocks). A partial last byte pads with zero codes.

    With `tile = [t0, t1, ...]` (each `ti` dividing dimension `i`) the
    elements are stored tile by tile instead of row-major: tiles in
    row-major order of the tile grid, the elements of each tile row-major
    within it, and the storage position so obtained replaces `i` above.
    Block scales and zero points stay in row-major block order. For
    example trits with `tile = [64, 4]` put the four codes of row `r`,
    columns `4j..4j+3`, in byte `64 j + r mod 64` of its group of 64 rows:
    the bytes of 64 rows at the same columns are contiguous, the layout a
    lookup-table matmul reads (one table per group of columns, indexed by
    the codes of many rows at once).

    With `bit_planes = [w0, w1, ...]` (at least two widths, summing to the
    element's width; not with `base3`) each element's bits are split into
    planes, low bits first: plane p holds bits `[o, o + wp)` of every
    element's bit pattern (`o` the widths of the planes before it), as a
    tensor of `wp`-bit elements in the layout above (word, straddle, tile)
    would, and starts where plane p - 1 ends (a whole number of words).
    llama.cpp's Q3_K stores 3-bit weights so (a 2-bit plane and a plane of
    high bits); a lookup-table matmul reads each plane with its own tables.

    ```mlir
    tensor<64x32xi3, #anybit.packed<>>
    tensor<256x2560x!anybit.trit, #anybit.packed<base3 = true>>
    tensor<64x32xi4, #anybit.packed<word = 32, block = [32, 1], scale = f16>>
    tensor<4x64xui4, #anybit.packed<block = [1, 64], scale = f32, zero_point = ui4>>
    tensor<256x2560x!anybit.trit, #anybit.packed<tile = [64, 4]>>
    tensor<4096x4096xi3, #anybit.packed<tile = [64, 16], bit_planes = [2, 1]>>
    ```
  }];
  let parameters = (ins
    DefaultValuedParameter<"unsigned", "8">:$word,
    DefaultValuedParameter<"bool", "true">:$straddle,
    Anybit_BracketedShapeParameter:$block,
    OptionalParameter<"::mlir::Type">:$scale,
    OptionalParameter<"::mlir::Type">:$zero_point,
    DefaultValuedParameter<"bool", "false">:$base3,
    Anybit_BracketedShapeParameter:$tile,
    Anybit_BracketedShapeParameter:$bit_planes);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Bit placement of the elements of `elementType` (n = its bit width).
    ::anybit::BitLayout getBitLayout(::mlir::Type elementType) const;
    /// Bytes of the element data buffer of a tensor of this shape.
    uint64_t getDataBytes(::llvm::ArrayRef<int64_t> shape,
                          ::mlir::Type elementType) const;
    /// Whether the tensor carries block scales (and zero points).
    bool hasBlocks() const { return !getBlock().empty(); }
    /// Whether elements are stored tile by tile rather than row-major.
    bool isTiled() const { return !getTile().empty(); }
    /// Whether each element's bits are split into bit planes.
    bool hasBitPlanes() const { return !getBitPlanes().empty(); }
    /// The position in storage order (what the bit layout counts) of the
    /// element at row-major index `linear` of a tensor of `shape`.
    uint64_t getStoragePosition(::llvm::ArrayRef<int64_t> shape,
                                uint64_t linear) const;
    /// The data plane of a tensor of `shape` whose element bit patterns,
    /// row-major, are `values`; and back.
    std::vector<uint8_t> packData(::llvm::ArrayRef<int64_t> shape,
                                  ::mlir::Type elementType,
                                  ::llvm::ArrayRef<uint64_t> values) const;
    std::vector<uint64_t> unpackData(::llvm::ArrayRef<int64_t> shape,
                                     ::mlir::Type elementType,
                                     ::llvm::ArrayRef<uint8_t> data) const;
    /// Number of blocks per dimension, i.e. the shape of the scale tensor.
    ::llvm::SmallVector<int64_t> getBlockGridShape(
        ::llvm::ArrayRef<int64_t> shape) const;
    /// Bit placement of the scale and zero-point planes: dense, one value
    /// per block in row-major block order.
    ::anybit::BitLayout getScaleLayout() const;
    ::anybit::BitLayout getZeroPointLayout() const;
    uint64_t getScaleBytes(::llvm::ArrayRef<int64_t> shape) const;
    uint64_t getZeroPointBytes(::llvm::ArrayRef<int64_t> shape) const;
    /// All bytes the tensor occupies: data, scales and zero points.
    uint64_t getTotalBytes(::llvm::ArrayRef<int64_t> shape,
                           ::mlir::Type elementType) const;
  }];
}

//===----------------------------------------------------------------------===//
// Register layout
//===----------------------------------------------------------------------===//

def Anybit_LayoutAttr : AttrDef<Anybit_Dialect, "Layout"> {
  let mnemonic = "layout";
  let summary = "A Tilus register layout: (thread, local index) -> element";
  let description = [{
    A register layout built from the primitives `local`, `spatial`,
    `column_local`, `column_spatial` and `replicated`, composed with `.` (a
    Kronecker product), and `reshape`/`permute`. The layout text is quoted
    because MLIR's lexer has no `.` token; it is the same text the
    `anybit::Layout` library prints and parses.

    ```mlir
    #anybit.layout<"local(2, 1).spatial(8, 4).local(1, 2)">
    ```
  }];
  let parameters = (ins "::anybit::Layout":$layout);
  let hasCustomAssemblyFormat = 1;
}

//===----------------------------------------------------------------------===//
// Memory tier
//===----------------------------------------------------------------------===//

def Anybit_MemoryTier : I32EnumAttr<"MemoryTier", "a level of the memory hierarchy", [
    I32EnumAttrCase<"Register", 0, "register">,
    I32EnumAttrCase<"Shared", 1, "shared">,
    I32EnumAttrCase<"Global", 2, "global">,
    I32EnumAttrCase<"Host", 3, "host">,
    I32EnumAttrCase<"Bram", 4, "bram">,
    I32EnumAttrCase<"Uram", 5, "uram">,
    I32EnumAttrCase<"Dram", 6, "dram">]> {
  let cppNamespace = "::anybit";
  let genSpecializedAttr = 0;
}

def Anybit_MemoryTierAttr : EnumAttr<Anybit_Dialect, Anybit_MemoryTier, "tier"> {
  let summary = "The memory tier a buffer is placed in";
  let assemblyFormat = "`<` $value `>`";
}

#endif // ANYBIT_ATTRS_TD
