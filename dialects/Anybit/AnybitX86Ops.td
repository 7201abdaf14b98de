//===- AnybitX86Ops.td - x86 instructions codegen needs ----*- tablegen -*-===//
//
// Target instructions that upstream x86vector does not wrap, produced by
// the CPU pipeline's codegen and lowered to their LLVM intrinsics by
// convert-vector-to-llvm{enable-x86vector} (they implement
// X86IntrinsicOpInterface). Not part of the tensor-level language: the VM
// does not run them.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_X86_OPS_TD
#define ANYBIT_X86_OPS_TD

include "Anybit/AnybitDialect.td"
include "mlir/Dialect/X86Vector/X86VectorInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Anybit_X86VpdpbusdOp : Anybit_Op<"x86_vpdpbusd", [Pure,
    X86IntrinsicOpInterface,
    AllTypesMatch<["acc", "result"]>,
    AllTypesMatch<["u", "s"]>,
    TypesMatchWith<"`u` has four bytes per lane of `acc`", "acc", "u",
                   "::mlir::VectorType::get({::llvm::cast<::mlir::VectorType>("
                   "$_self).getNumElements() * 4}, ::mlir::IntegerType::get("
                   "$_self.getContext(), 8))">]> {
  let summary = "x86 vpdpbusd: four u8 x s8 products added to each i32 lane";
  let description = [{
    For each 32-bit lane i, result[i] = acc[i] + sum_j zext(u[4i + j]) *
    sext(s[4i + j]) for j < 4, wrapping: AVX-512 VNNI on 16 lanes, AVX-VNNI
    (or AVX-512 VNNI with VL) on 8.

    ```mlir
    %r = anybit.x86_vpdpbusd %acc, %u, %s : vector<64xi8> -> vector<16xi32>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[8, 16], [I32]>:$acc,
                       VectorOfLengthAndType<[32, 64], [I8]>:$u,
                       VectorOfLengthAndType<[32, 64], [I8]>:$s);
  let results = (outs VectorOfLengthAndType<[8, 16], [I32]>:$result);
  let assemblyFormat =
      "$acc `,` $u `,` $s attr-dict `:` type($u) `->` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() {
      unsigned bits = ::llvm::cast<::mlir::VectorType>(getResult().getType())
                          .getNumElements() * 32;
      return "llvm.x86.avx512.vpdpbusd." + std::to_string(bits);
    }
  }];
}

def Anybit_X86VpmultishiftqbOp : Anybit_Op<"x86_vpmultishiftqb", [Pure,
    X86IntrinsicOpInterface,
    AllTypesMatch<["control", "data", "result"]>]> {
  let summary = "x86 vpmultishiftqb: eight unaligned bytes of each qword";
  let description = [{
    For each 64-bit lane j and byte i of it, result[8j + i] holds bits
    [c, c + 8) of qword j of `data`, rotating, where c = control[8j + i]
    mod 64 (AVX-512 VBMI; the 32-byte form needs VBMI with VL). One
    instruction unpacks eight fields of up to 8 bits from any bit offsets.

    ```mlir
    %r = anybit.x86_vpmultishiftqb %control, %data : vector<64xi8>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[32, 64], [I8]>:$control,
                       VectorOfLengthAndType<[32, 64], [I8]>:$data);
  let results = (outs VectorOfLengthAndType<[32, 64], [I8]>:$result);
  let assemblyFormat = "$control `,` $data attr-dict `:` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() {
      unsigned bits = ::llvm::cast<::mlir::VectorType>(getResult().getType())
                          .getNumElements() * 8;
      return "llvm.x86.avx512.pmultishift.qb." + std::to_string(bits);
    }
  }];
}

def Anybit_X86VpshufbOp : Anybit_Op<"x86_vpshufb", [Pure,
    X86IntrinsicOpInterface,
    AllTypesMatch<["table", "indices", "result"]>]> {
  let summary = "x86 vpshufb: a 16-entry byte table lookup per 128-bit lane";
  let description = [{
    For each byte i, result[i] = 0 if bit 7 of indices[i] is set, else
    table[16 (i / 16) + (indices[i] mod 16)]: every 128-bit lane looks up
    its own 16 bytes of `table` (AVX-512 BW on 64 bytes, AVX2 on 32). With
    the same 16 bytes in every lane it maps 4-bit codes to any bytes.

    ```mlir
    %r = anybit.x86_vpshufb %table, %indices : vector<64xi8>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[32, 64], [I8]>:$table,
                       VectorOfLengthAndType<[32, 64], [I8]>:$indices);
  let results = (outs VectorOfLengthAndType<[32, 64], [I8]>:$result);
  let assemblyFormat = "$table `,` $indices attr-dict `:` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() {
      unsigned lanes = ::llvm::cast<::mlir::VectorType>(getResult().getType())
                           .getNumElements();
      return lanes == 64 ? "llvm.x86.avx512.pshuf.b.512"
                         : "llvm.x86.avx2.pshuf.b";
    }
  }];
}

def Anybit_X86VpsignbOp : Anybit_Op<"x86_vpsignb", [Pure,
    X86IntrinsicOpInterface,
    AllTypesMatch<["values", "signs", "result"]>]> {
  let summary = "x86 vpsignb: bytes negated, kept or zeroed by a sign";
  let description = [{
    For each byte i, result[i] = -values[i] (wrapping: -128 stays -128) if
    signs[i] < 0, 0 if signs[i] = 0, else values[i] (AVX2, 32 bytes; there
    is no 512-bit form). Gives signed bytes the sign of a weight kept apart
    from its magnitude in one instruction.

    ```mlir
    %r = anybit.x86_vpsignb %values, %signs : vector<32xi8>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[32], [I8]>:$values,
                       VectorOfLengthAndType<[32], [I8]>:$signs);
  let results = (outs VectorOfLengthAndType<[32], [I8]>:$result);
  let assemblyFormat = "$values `,` $signs attr-dict `:` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() { return "llvm.x86.avx2.psign.b"; }
  }];
}

def Anybit_X86VpermbOp : Anybit_Op<"x86_vpermb", [Pure,
    X86IntrinsicOpInterface,
    AllTypesMatch<["table", "indices", "result"]>]> {
  let summary = "x86 vpermb: a byte table lookup across the whole vector";
  let description = [{
    For each byte i, result[i] = table[indices[i] mod N] for N = 64 bytes
    (AVX-512 VBMI) or 32 (VBMI with VL): a 64-entry table maps 6-bit codes
    to any bytes in one instruction.

    ```mlir
    %r = anybit.x86_vpermb %table, %indices : vector<64xi8>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[32, 64], [I8]>:$table,
                       VectorOfLengthAndType<[32, 64], [I8]>:$indices);
  let results = (outs VectorOfLengthAndType<[32, 64], [I8]>:$result);
  let assemblyFormat = "$table `,` $indices attr-dict `:` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() {
      unsigned bits = ::llvm::cast<::mlir::VectorType>(getResult().getType())
                          .getNumElements() * 8;
      return "llvm.x86.avx512.permvar.qi." + std::to_string(bits);
    }
  }];
}

def Anybit_X86VpermpsOp : Anybit_Op<"x86_vpermps", [Pure,
    X86IntrinsicOpInterface,
    AllTypesMatch<["table", "result"]>,
    TypesMatchWith<"`indices` has one i32 per lane of the result", "result",
                   "indices",
                   "::mlir::VectorType::get({16}, ::mlir::IntegerType::get("
                   "$_self.getContext(), 32))">]> {
  let summary = "x86 vpermps: a 16-entry f32 table lookup per lane";
  let description = [{
    For each 32-bit lane i, result[i] = table[indices[i] mod 16] (AVX-512F):
    the low four bits of each index pick one of the table's floats, the
    others are ignored. The code-FMA kernel maps the codes of weights of up
    to 4 bits (integers, trits, small floats) to their values with it.

    ```mlir
    %r = anybit.x86_vpermps %table, %indices : vector<16xf32>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[16], [F32]>:$table,
                       VectorOfLengthAndType<[16], [I32]>:$indices);
  let results = (outs VectorOfLengthAndType<[16], [F32]>:$result);
  let assemblyFormat = "$table `,` $indices attr-dict `:` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() { return "llvm.x86.avx512.permvar.sf.512"; }
  }];
}

def Anybit_X86Vpermi2psOp : Anybit_Op<"x86_vpermi2ps", [Pure,
    X86IntrinsicOpInterface,
    AllTypesMatch<["low", "high", "result"]>,
    TypesMatchWith<"`indices` has one i32 per lane of the result", "result",
                   "indices",
                   "::mlir::VectorType::get({16}, ::mlir::IntegerType::get("
                   "$_self.getContext(), 32))">]> {
  let summary = "x86 vpermi2ps: a 32-entry f32 table lookup per lane";
  let description = [{
    For each 32-bit lane i, with e = indices[i] mod 32, result[i] = low[e]
    for e < 16 and high[e - 16] otherwise (AVX-512F): the code-FMA kernel's
    table for 5-bit codes, and half of one for 6-bit codes.

    ```mlir
    %r = anybit.x86_vpermi2ps %low, %indices, %high : vector<16xf32>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[16], [F32]>:$low,
                       VectorOfLengthAndType<[16], [I32]>:$indices,
                       VectorOfLengthAndType<[16], [F32]>:$high);
  let results = (outs VectorOfLengthAndType<[16], [F32]>:$result);
  let assemblyFormat =
      "$low `,` $indices `,` $high attr-dict `:` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() {
      return "llvm.x86.avx512.vpermi2var.ps.512";
    }
  }];
}

def Anybit_X86VpmaddubswOp : Anybit_Op<"x86_vpmaddubsw", [Pure,
    X86IntrinsicOpInterface,
    AllTypesMatch<["u", "s"]>,
    TypesMatchWith<"`u` has two bytes per lane of the result", "result", "u",
                   "::mlir::VectorType::get({::llvm::cast<::mlir::VectorType>("
                   "$_self).getNumElements() * 2}, ::mlir::IntegerType::get("
                   "$_self.getContext(), 8))">]> {
  let summary = "x86 vpmaddubsw: two u8 x s8 products added per i16 lane";
  let description = [{
    For each 16-bit lane i, result[i] = saturate_i16(zext(u[2i]) *
    sext(s[2i]) + zext(u[2i + 1]) * sext(s[2i + 1])): AVX2 on 32 bytes,
    AVX-512 BW on 64. Exact when every u is at most 127.

    ```mlir
    %r = anybit.x86_vpmaddubsw %u, %s : vector<32xi8> -> vector<16xi16>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[32, 64], [I8]>:$u,
                       VectorOfLengthAndType<[32, 64], [I8]>:$s);
  let results = (outs VectorOfLengthAndType<[16, 32], [I16]>:$result);
  let assemblyFormat = "$u `,` $s attr-dict `:` type($u) `->` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() {
      return ::llvm::cast<::mlir::VectorType>(getResult().getType())
                     .getNumElements() == 32
                 ? "llvm.x86.avx512.pmaddubs.w.512"
                 : "llvm.x86.avx2.pmadd.ub.sw";
    }
  }];
}

def Anybit_X86VpmaddwdOp : Anybit_Op<"x86_vpmaddwd", [Pure,
    X86IntrinsicOpInterface,
    AllTypesMatch<["a", "b"]>,
    TypesMatchWith<"`a` has two words per lane of the result", "result", "a",
                   "::mlir::VectorType::get({::llvm::cast<::mlir::VectorType>("
                   "$_self).getNumElements() * 2}, ::mlir::IntegerType::get("
                   "$_self.getContext(), 16))">]> {
  let summary = "x86 vpmaddwd: two i16 x i16 products added per i32 lane";
  let description = [{
    For each 32-bit lane i, result[i] = sext(a[2i]) * sext(b[2i]) +
    sext(a[2i + 1]) * sext(b[2i + 1]), wrapping: AVX2 on 16 words, AVX-512
    BW on 32. With b all ones it adds pairs of words into 32 bits.

    ```mlir
    %r = anybit.x86_vpmaddwd %a, %b : vector<16xi16> -> vector<8xi32>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[16, 32], [I16]>:$a,
                       VectorOfLengthAndType<[16, 32], [I16]>:$b);
  let results = (outs VectorOfLengthAndType<[8, 16], [I32]>:$result);
  let assemblyFormat = "$a `,` $b attr-dict `:` type($a) `->` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() {
      return ::llvm::cast<::mlir::VectorType>(getResult().getType())
                     .getNumElements() == 16
                 ? "llvm.x86.avx512.pmaddw.d.512"
                 : "llvm.x86.avx2.pmadd.wd";
    }
  }];
}

def Anybit_X86VpackuswbOp : Anybit_Op<"x86_vpackuswb", [Pure,
    X86IntrinsicOpInterface,
    AllTypesMatch<["a", "b"]>,
    TypesMatchWith<"the result has a byte per word of `a` and `b`", "a",
                   "result",
                   "::mlir::VectorType::get({::llvm::cast<::mlir::VectorType>("
                   "$_self).getNumElements() * 2}, ::mlir::IntegerType::get("
                   "$_self.getContext(), 8))">]> {
  let summary = "x86 vpackuswb: words to unsigned-saturated bytes, per lane";
  let description = [{
    Each 128-bit lane L of the result holds the eight words of lane L of
    `a`, then those of `b`, each as a byte saturated to [0, 255]: for byte
    i, r = i mod 16, result[i] = sat(a[8 (i / 16) + r]) for r < 8, else
    sat(b[8 (i / 16) + r - 8]). AVX2 on 16 words each, AVX-512 BW on 32.
    Words already in [0, 255] pack exactly, in that interleaved order.

    ```mlir
    %r = anybit.x86_vpackuswb %a, %b : vector<16xi16> -> vector<32xi8>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[16, 32], [I16]>:$a,
                       VectorOfLengthAndType<[16, 32], [I16]>:$b);
  let results = (outs VectorOfLengthAndType<[32, 64], [I8]>:$result);
  let assemblyFormat = "$a `,` $b attr-dict `:` type($a) `->` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() {
      return ::llvm::cast<::mlir::VectorType>(getResult().getType())
                     .getNumElements() == 64
                 ? "llvm.x86.avx512.packuswb.512"
                 : "llvm.x86.avx2.packuswb";
    }
  }];
}

def Anybit_X86VfmaddpsRnOp : Anybit_Op<"x86_vfmaddps_rn", [Pure,
    X86IntrinsicOpInterface, AllTypesMatch<["a", "b", "c", "result"]>]> {
  let summary = "x86 vfmadd231ps {rn-sae}: a * b + c, rounded once";
  let description = [{
    For each lane i, result[i] = a[i] * b[i] + c[i] with one rounding to
    nearest even and exceptions suppressed (AVX-512F embedded rounding),
    as `vector.fma` computes it under the default rounding mode. Unlike
    `vector.fma`, LLVM keeps it an FMA where `b` is 1.0 (it folds
    `llvm.fma(a, 1.0, c)` into an addition): the f32 lookup-table kernel
    adds its lookups this way, on Zen 5's multiply pipes, where additions
    would share two pipes with its permutes and shifts (1.37x faster).

    ```mlir
    %r = anybit.x86_vfmaddps_rn %a, %b, %c : vector<16xf32>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[16], [F32]>:$a,
                       VectorOfLengthAndType<[16], [F32]>:$b,
                       VectorOfLengthAndType<[16], [F32]>:$c);
  let results = (outs VectorOfLengthAndType<[16], [F32]>:$result);
  let assemblyFormat = "$a `,` $b `,` $c attr-dict `:` type($result)";
  let extraClassDeclaration = [{
    std::string getIntrinsicName() { return "llvm.x86.avx512.vfmadd.ps.512"; }
    /// The operands and the rounding immediate: 8, {rn-sae}.
    ::llvm::SmallVector<::mlir::Value> getIntrinsicOperands(
        ::llvm::ArrayRef<::mlir::Value> operands,
        const ::mlir::LLVMTypeConverter &typeConverter,
        ::mlir::RewriterBase &rewriter);
  }];
}

#endif // ANYBIT_X86_OPS_TD
