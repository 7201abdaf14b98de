//===- ModArithDialect.td - The modarith dialect -----------*- tablegen -*-===//
//
// Residues modulo an integer Q held in a W-bit word, the arithmetic of
// homomorphic encryption (see issue 4).
//
//===----------------------------------------------------------------------===//

#ifndef MODARITH_DIALECT_TD
#define MODARITH_DIALECT_TD

include "mlir/IR/OpBase.td"

def ModArith_Dialect : Dialect {
  let name = "modarith";
  let cppNamespace = "::anybit::modarith";
  let summary = "Modular integer arithmetic: residues modulo Q in W-bit words";
  let description = [{
    A value of type `!modarith.int<Q : iW>` is a residue modulo Q, always
    held as its canonical representative in [0, Q), stored in a W-bit word.
    Every op is element-wise over scalars and statically shaped tensors and
    computes the exact mathematical result reduced into [0, Q). RNS tensors
    (`#modarith.rns`) hold integers modulo a product of moduli as one slice
    of residues per modulus.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerTypes();
    void registerAttributes();
  }];
}

class ModArith_Op<string mnemonic, list<Trait> traits = []>
    : Op<ModArith_Dialect, mnemonic, traits>;

#endif // MODARITH_DIALECT_TD
