//===- AnybitDialect.td - The anybit dialect ---------------*- tablegen -*-===//
//
// Tensors whose elements have any bit width: sub-byte integers, custom
// small floats, dense bit-packed encodings with block scales, register
// layouts and memory tiers.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_DIALECT_TD
#define ANYBIT_DIALECT_TD

include "mlir/IR/OpBase.td"

def Anybit_Dialect : Dialect {
  let name = "anybit";
  let cppNamespace = "::anybit";
  let summary = "Numbers of any bit width, their packed encodings and layouts";
  let description = [{
    The `anybit` dialect makes numbers of any bit width first-class: builtin
    integers `iN`/`siN`/`uiN` for N in 1..64, builtin small floats, and the
    parametric `!anybit.float<eXmY>` type. Tensors of them can carry a
    `#anybit.packed` encoding that states exactly where every element's bits
    live in memory, and tile-level values carry `#anybit.layout` register
    layouts and `#anybit.tier` memory tiers.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  let extraClassDeclaration = [{
    void registerTypes();
    void registerAttributes();
  }];
}

class Anybit_Op<string mnemonic, list<Trait> traits = []>
    : Op<Anybit_Dialect, mnemonic, traits>;

#endif // ANYBIT_DIALECT_TD
