//===- ModArithTypes.td - modarith types -------------------*- tablegen -*-===//

#ifndef MODARITH_TYPES_TD
#define MODARITH_TYPES_TD

include "ModArith/ModArithDialect.td"
include "mlir/IR/AttrTypeBase.td"

def ModArith_IntType : TypeDef<ModArith_Dialect, "ModInt"> {
  let mnemonic = "int";
  let summary = "A residue modulo Q held in a W-bit word";
  let description = [{
    `!modarith.int<Q : iW>` is the ring of integers modulo `Q`. A value is
    always its canonical representative in [0, Q), stored as an unsigned
    W-bit word (its bit pattern is that representative). Verifier: 2 <= W
    <= 64, Q >= 2 and Q < 2^W.

    ```mlir
    !modarith.int<65537 : i32>
    !modarith.int<4611686018427387847 : i64>
    ```
  }];
  let parameters = (ins "uint64_t":$modulus, "unsigned":$width);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The plain integer type of the storage word, `iW`.
    ::mlir::IntegerType getStorageType() const;
  }];
}

#endif // MODARITH_TYPES_TD
