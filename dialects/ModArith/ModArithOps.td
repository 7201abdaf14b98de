//===- ModArithOps.td - modarith operations ----------------*- tablegen -*-===//

#ifndef MODARITH_OPS_TD
#define MODARITH_OPS_TD

include "ModArith/ModArithDialect.td"
include "ModArith/ModArithTypes.td"
include "ModArith/ModArithAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"

def ModArith_IntOrTensor : Type<
    Or<[CPred<"::llvm::isa<::anybit::modarith::ModIntType>($_self)">,
        And<[CPred<"::llvm::isa<::mlir::RankedTensorType>($_self)">,
             CPred<"::llvm::cast<::mlir::RankedTensorType>($_self).hasStaticShape()">,
             CPred<"!::llvm::cast<::mlir::RankedTensorType>($_self).getEncoding()">,
             CPred<"::llvm::isa<::anybit::modarith::ModIntType>("
                   "::llvm::cast<::mlir::RankedTensorType>($_self).getElementType())">]>]>,
    "!modarith.int or statically shaped tensor of !modarith.int">;

def ModArith_RnsTensor : Type<
    CPred<"::anybit::modarith::getRnsEncoding($_self) != nullptr">,
    "RNS tensor (#modarith.rns)">;

def ModArith_Residues : AnyTypeOf<[ModArith_IntOrTensor, ModArith_RnsTensor],
    "!modarith.int, a statically shaped tensor of it, or an RNS tensor">;

def ModArith_PlainIntOrTensor : Type<
    Or<[CPred<"::llvm::isa<::mlir::IntegerType>($_self) && "
              "::llvm::cast<::mlir::IntegerType>($_self).isSignless()">,
        And<[CPred<"::llvm::isa<::mlir::RankedTensorType>($_self)">,
             CPred<"::llvm::cast<::mlir::RankedTensorType>($_self).hasStaticShape()">,
             CPred<"!::llvm::cast<::mlir::RankedTensorType>($_self).getEncoding()">,
             CPred<"::llvm::cast<::mlir::RankedTensorType>($_self).getElementType()"
                   ".isSignlessInteger()">]>]>,
    "signless integer or statically shaped tensor of signless integers">;

def ModArith_ConstantOp : ModArith_Op<"constant", [Pure]> {
  let summary = "A residue constant (scalar or tensor)";
  let description = [{
    Produces residues given as integers in [0, Q); a value outside that range
    is a verifier error (constants are never reduced implicitly). A tensor
    constant takes a `dense<...>` literal of unsigned decimal integers (or a
    single splat value). The `value` attribute holds the integers in the
    storage type: an `iW` IntegerAttr or a DenseIntElementsAttr of
    `tensor<...xiW>`, read as unsigned.

    ```mlir
    %c = modarith.constant 42 : !modarith.int<65537 : i32>
    %t = modarith.constant dense<[1, 65536]> : tensor<2x!modarith.int<65537 : i32>>
    ```
  }];
  let arguments = (ins AnyAttr:$value);
  let results = (outs ModArith_IntOrTensor:$result);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

def ModArith_EncapsulateOp : ModArith_Op<"encapsulate", [Pure]> {
  let summary = "A plain iW integer to a residue, reduced modulo Q";
  let description = [{
    Reads each element of the `iW` input as an unsigned integer x in
    [0, 2^W) and returns x mod Q. The input's width must equal the storage
    width W of the result type and the shapes must agree.

    ```mlir
    %r = modarith.encapsulate %x : i32 -> !modarith.int<65537 : i32>
    ```
  }];
  let arguments = (ins ModArith_PlainIntOrTensor:$input);
  let results = (outs ModArith_Residues:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def ModArith_ExtractOp : ModArith_Op<"extract", [Pure]> {
  let summary = "A residue to a plain iW integer in [0, Q)";
  let description = [{
    Returns the canonical representative in [0, Q) of each residue as a
    plain `iW` integer (its bits are the residue's bits). The result width
    must equal the storage width W and the shapes must agree.

    ```mlir
    %x = modarith.extract %r : !modarith.int<65537 : i32> -> i32
    ```
  }];
  let arguments = (ins ModArith_Residues:$input);
  let results = (outs ModArith_PlainIntOrTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def ModArith_ReduceOp : ModArith_Op<"reduce", [Pure]> {
  let summary = "A wider plain unsigned integer reduced modulo Q";
  let description = [{
    Reads each element of the `iN` input as an unsigned integer x in
    [0, 2^N), N > W, and returns x mod Q. Typical use: reducing a product
    or a sum of products computed in plain wide integers. Use
    `modarith.encapsulate` when N = W.

    ```mlir
    %r = modarith.reduce %x : i64 -> !modarith.int<65537 : i32>
    ```
  }];
  let arguments = (ins ModArith_PlainIntOrTensor:$input);
  let results = (outs ModArith_Residues:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

class ModArith_BinaryOp<string mnemonic, string semantics>
    : ModArith_Op<mnemonic, [Pure]> {
  let summary = "Modular " # mnemonic;
  let description = "Element-wise, exactly: result = " # semantics # [{.
    Both operands and the result must have the same `!modarith.int` type
    (or the same tensor type of it); the result is in [0, Q).

    ```mlir
    %c = modarith.}] # mnemonic # [{ %a, %b : !modarith.int<65537 : i32>
    ```
  }];
  let arguments = (ins ModArith_Residues:$lhs, ModArith_Residues:$rhs);
  let results = (outs ModArith_Residues:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` custom<SameTypes>(type($result), type($lhs), type($rhs))
  }];
  let hasVerifier = 1;
}

def ModArith_AddOp : ModArith_BinaryOp<"add", "(lhs + rhs) mod Q">;
def ModArith_SubOp : ModArith_BinaryOp<"sub", "(lhs - rhs) mod Q, in [0, Q)">;
def ModArith_MulOp : ModArith_BinaryOp<"mul",
    "(lhs * rhs) mod Q, the product taken exactly (up to 128 bits)">;

def ModArith_MulShoupOp : ModArith_Op<"mul_shoup", [Pure]> {
  let summary = "Modular product by a residue with its Shoup companion";
  let description = [{
    Element-wise, exactly: result = (lhs * w) mod Q, where `w_shoup` is w's
    Shoup companion floor(w * 2^W / Q), precomputed with w (the transform
    lowerings pass twiddles and their companions as constants). With it,
    the product costs one high and two low W-bit multiplies and one
    conditional subtraction (when 2Q <= 2^W; otherwise, and under
    Montgomery, the companion is ignored and the product reduces as
    `modarith.mul` does). A wrong companion is an error on the VM and
    undefined in compiled code. `lhs`, `w` and the result have the same
    type; `w_shoup` is its storage type.

    ```mlir
    %p = modarith.mul_shoup %a, %w, %wp : tensor<8x!modarith.int<7681 : i16>>, tensor<8xi16>
    ```
  }];
  let arguments = (ins ModArith_IntOrTensor:$lhs, ModArith_IntOrTensor:$w,
                       ModArith_PlainIntOrTensor:$w_shoup);
  let results = (outs ModArith_IntOrTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $w `,` $w_shoup attr-dict `:`
    custom<SameTypes>(type($result), type($lhs), type($w)) `,` type($w_shoup)
  }];
  let hasVerifier = 1;
}

def ModArith_NegOp : ModArith_Op<"neg", [Pure]> {
  let summary = "Modular negation";
  let description = [{
    Element-wise: result = (Q - input) mod Q, so 0 stays 0. The operand and
    the result must have the same `!modarith.int` type.

    ```mlir
    %n = modarith.neg %a : !modarith.int<65537 : i32>
    ```
  }];
  let arguments = (ins ModArith_Residues:$input);
  let results = (outs ModArith_Residues:$result);
  let assemblyFormat = [{
    $input attr-dict `:` custom<SameTypes>(type($result), type($input))
  }];
  let hasVerifier = 1;
}

def ModArith_MacOp : ModArith_Op<"mac", [Pure]> {
  let summary = "Modular multiply-accumulate";
  let description = [{
    Element-wise, exactly: result = (lhs * rhs + acc) mod Q, with the
    product and the sum taken exactly (up to 128 bits) and one reduction.
    All three operands and the result must have the same `!modarith.int`
    type.

    ```mlir
    %d = modarith.mac %a, %b, %c : !modarith.int<65537 : i32>
    ```
  }];
  let arguments = (ins ModArith_Residues:$lhs, ModArith_Residues:$rhs,
                       ModArith_Residues:$acc);
  let results = (outs ModArith_Residues:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $acc attr-dict `:`
    custom<SameTypes>(type($result), type($lhs), type($rhs), type($acc))
  }];
  let hasVerifier = 1;
}

def ModArith_Tensor : Type<
    And<[CPred<"::llvm::isa<::mlir::RankedTensorType>($_self)">,
         CPred<"::llvm::cast<::mlir::RankedTensorType>($_self).hasStaticShape()">,
         CPred<"::llvm::cast<::mlir::RankedTensorType>($_self).getRank() >= 1">,
         CPred<"!::llvm::cast<::mlir::RankedTensorType>($_self).getEncoding()">,
         CPred<"::llvm::isa<::anybit::modarith::ModIntType>("
               "::llvm::cast<::mlir::RankedTensorType>($_self).getElementType())">]>,
    "statically shaped tensor of !modarith.int, of rank at least 1">;

class ModArith_TransformOp<string mnemonic, string summary_, string formula>
    : ModArith_Op<mnemonic, [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = summary_;
  let description = [{
    Transforms each row (the last dimension, of length N, a power of two
    at least 2) of the input; leading dimensions are a batch. Natural
    order in and out.

    Negacyclic (the default), with `root` = psi of order exactly 2N
    modulo Q:
  }] # formula # [{
    With `cyclic`, `root` = omega of order exactly N and the cyclic
    transform:
      ntt:  X_k = sum_j x_j * omega^(k * j)
      intt: x_j = N^-1 * sum_k X_k * omega^(-k * j)
    so `intt` inverts `ntt` with the same attributes, and a negacyclic
    `intt(ntt(a) * ntt(b))` is the product a * b modulo X^N + 1.

    The verifier checks that Q - 1 is a multiple of 2N (N when cyclic) and
    that the root has that order (root^N = Q - 1; root^(N/2) = Q - 1 when
    cyclic: for a power of two that is order exactly 2N, resp. N). Without
    `root` the transform uses psi = x^((Q - 1) / 2N) (omega =
    x^((Q - 1) / N)) for the smallest x >= 2 that gives one of that order;
    the verifier reports a modulus where none is found.

    ```mlir
    %X = modarith.}] # mnemonic # [{ %x {root = 9 : ui64} : tensor<4x!modarith.int<17 : i32>>
    %Y = modarith.}] # mnemonic # [{ %y {cyclic} : tensor<16x1024x!modarith.int<1073479681 : i32>>
    ```
  }];
  let arguments = (ins ModArith_Tensor:$input, OptionalAttr<UI64Attr>:$root,
                       UnitAttr:$cyclic);
  let results = (outs ModArith_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// N, the length of each transformed row.
    int64_t getLength() {
      return ::llvm::cast<::mlir::RankedTensorType>(getInput().getType())
          .getShape().back();
    }
    /// The root the transform uses: `root`, or the one the verifier found.
    uint64_t getResolvedRoot();
  }];
}

def ModArith_NttOp : ModArith_TransformOp<"ntt",
    "Number-theoretic transform (negacyclic, or cyclic)", [{
      X_k = sum_j x_j * psi^((2k + 1) * j)   (mod Q)
  }]>;

def ModArith_InttOp : ModArith_TransformOp<"intt",
    "Inverse number-theoretic transform", [{
      x_j = N^-1 * sum_k X_k * psi^(-(2k + 1) * j)   (mod Q)
    (the inverse of `modarith.ntt` with the same root).
  }]>;

def ModArith_MatmulOp : ModArith_Op<"matmul", [Pure]> {
  let summary = "Modular matrix product, or matrix-vector product";
  let description = [{
    result[m, n] = sum_k lhs[m, k] * rhs[k, n] mod Q, exactly (with a
    rank-1 `rhs` of length K, the matrix-vector product result[m]). All
    three have the same `!modarith.int` element type.

    `--modarith-matmul-direct` lowers it to a contraction of
    `modarith.mac`s; `--modarith-bat` rewrites a product whose `lhs` is a
    constant into one int8 matrix product over the bytes of both operands
    (the CROSS paper's BAT).

    ```mlir
    %y = modarith.matmul %t, %x : tensor<256x256x!modarith.int<1073692673 : i32>>,
           tensor<256x!modarith.int<1073692673 : i32>> -> tensor<256x!modarith.int<1073692673 : i32>>
    ```
  }];
  let arguments = (ins ModArith_Tensor:$lhs, ModArith_Tensor:$rhs);
  let results = (outs ModArith_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // MODARITH_OPS_TD
