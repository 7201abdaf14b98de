//===- AnybitTypes.td - anybit types -----------------------*- tablegen -*-===//

#ifndef ANYBIT_TYPES_TD
#define ANYBIT_TYPES_TD

include "Anybit/AnybitDialect.td"
include "mlir/IR/AttrTypeBase.td"

def Anybit_FloatType : TypeDef<Anybit_Dialect, "FloatFormat"> {
  let mnemonic = "float";
  let summary = "A parametric small floating-point format";
  let description = [{
    A binary floating-point format with `expBits` exponent bits (1..8),
    `manBits` mantissa bits (0..10) and an explicit bias. Options:
    `unsigned` (no sign bit), `fn` (no infinities; the all-ones pattern is
    NaN), `ieee` (the all-ones exponent holds infinities and NaNs) and
    `nozero` (exponent field 0 is a normal binade, as in e8m0). Without
    `fn`/`ieee` every pattern is a finite number (the OCP MX formats e2m1,
    e2m3, e3m2). Conversions round to nearest even and saturate; see
    `anybit::FloatFormat` for the exact rules.

    ```mlir
    !anybit.float<e3m2>
    !anybit.float<e4m3, fn>
    !anybit.float<e5m2, ieee>
    !anybit.float<e8m0, unsigned, fn, nozero>
    !anybit.float<e3m3, bias = 2>
    ```
  }];
  let parameters = (ins "unsigned":$expBits, "unsigned":$manBits, "int":$bias,
                        "bool":$isSigned, "unsigned":$nonFinite,
                        "bool":$hasZero);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    TypeBuilder<(ins "const ::anybit::FloatFormat &":$format)>
  ];
  let extraClassDeclaration = [{
    /// The number format this type denotes.
    ::anybit::FloatFormat getFormat() const;
    /// Total storage width in bits (sign + exponent + mantissa).
    unsigned getWidth() const { return getFormat().width(); }
  }];
}

def Anybit_TritType : TypeDef<Anybit_Dialect, "Trit"> {
  let mnemonic = "trit";
  let summary = "A balanced ternary digit: -1, 0 or +1";
  let description = [{
    The weights of ternary (MatMul-free, BitNet b1.58) models. A trit is
    held in 2 bits as its code `value + 1`: 0b00 is -1, 0b01 is 0 and 0b10
    is +1 (0b11 is not a trit). A `#anybit.packed<>` tensor of trits is
    therefore four codes per byte, LSB-first. Conversions into a trit round
    to nearest even and clamp to [-1, 1]; there is no wrapping for three
    values. As a matmul operand a trit is the integer it denotes.

    ```mlir
    tensor<256x2560x!anybit.trit, #anybit.packed<>>
    ```
  }];
  let extraClassDeclaration = [{
    /// Storage width in bits.
    static constexpr unsigned kWidth = 2;
  }];
}

#endif // ANYBIT_TYPES_TD
