// A loop whose shared output goes unused, and whose slice of it becomes the
// whole output once canonicalization folds the offsets: MLIR 22's
// ForallOpIterArgsFolder erased that parallel_insert_slice twice ("double
// free", an abort). The pipeline's canonicalizations run without it.
// RUN: anybitc %s -O0 --run=f --inputs 'dense<[[1, 2]]>' 'dense<[5, -6]>' --check | FileCheck %s
// RUN: anybitc %s -O3 --run=f --inputs 'dense<[[1, 2]]>' 'dense<[5, -6]>' --check | FileCheck %s
// RUN: anybitc %s --print-pipeline --emit=mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=PIPE

// CHECK: result0: tensor<2xi32> = [10, -12]
// CHECK: check: 1 results match the reference VM
// PIPE: anybit-truncate-index-casts),canonicalize{disable-patterns={{[{][{]}}(anonymous namespace)::ForallOpIterArgsFolder{{[}][}]}}

func.func private @g() -> i1 {
  %f = arith.constant false
  return %f : i1
}

func.func @f(%u: tensor<1x2xi32>, %t: tensor<2xi32>) -> tensor<2xi32> {
  %c0 = arith.constant 0 : index
  %r = scf.forall (%i, %k) in (1, 2) shared_outs(%o = %t) -> (tensor<2xi32>) {
    %unused = scf.forall (%a, %b) = (0, 0) to (1, 2) step (1, 2)
        shared_outs(%p = %u) -> (tensor<1x2xi32>) {
      %a0 = arith.minui %a, %c0 : index
      %b0 = arith.minui %b, %c0 : index
      %w = tensor.extract_slice %p[%a0, %b0] [1, 2] [1, 1]
          : tensor<1x2xi32> to tensor<1x2xi32>
      %c = func.call @g() : () -> i1
      scf.forall.in_parallel {
        tensor.parallel_insert_slice %w into %p[%a0, %b0] [1, 2] [1, 1]
            : tensor<1x2xi32> into tensor<1x2xi32>
      }
    }
    %e = tensor.extract_slice %o[%k] [1] [1] : tensor<2xi32> to tensor<1xi32>
    %d = arith.addi %e, %e : tensor<1xi32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %d into %o[%k] [1] [1]
          : tensor<1xi32> into tensor<2xi32>
    }
  }
  return %r : tensor<2xi32>
}
