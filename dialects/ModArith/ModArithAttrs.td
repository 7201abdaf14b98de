//===- ModArithAttrs.td - modarith attributes --------------*- tablegen -*-===//

#ifndef MODARITH_ATTRS_TD
#define MODARITH_ATTRS_TD

include "ModArith/ModArithDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/TensorEncoding.td"

def ModArith_RnsAttr : AttrDef<ModArith_Dialect, "Rns",
    [DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let mnemonic = "rns";
  let summary = "A residue number system: a tensor of residues per modulus";
  let description = [{
    `tensor<L x ... x iW, #modarith.rns<[q_1, ..., q_L]>>` is the RNS
    tensor type: integers modulo P = q_1 * ... * q_L (pairwise coprime
    moduli), each held as its L residues. Slice l of the leading dimension
    (the limb) holds the residues modulo q_l, every word in [0, q_l); the
    other dimensions are the tensor's shape, limb-major in memory as HE
    libraries keep polynomials. `modarith.add`, `sub`, `neg`, `mul` and
    `mac` act limb by limb, `modarith.encapsulate` and `modarith.reduce`
    reduce slice l of a plain tensor modulo q_l, and `modarith.extract`
    returns the words.

    Verifier: at least two moduli, each at least 2, pairwise coprime; on
    a tensor: a signless iW element type (2 <= W <= 64) that holds every
    modulus, and a static leading dimension equal to L.

    ```mlir
    tensor<3x1024xi32, #modarith.rns<[1073479681, 1073184769, 1072496641]>>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"uint64_t">:$moduli);
  let assemblyFormat = "`<` `[` $moduli `]` `>`";
  let genVerifyDecl = 1;
}

#endif // MODARITH_ATTRS_TD
