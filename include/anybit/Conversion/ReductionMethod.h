//===- ReductionMethod.h - How products are reduced modulo Q ----*- C++ -*-===//

#ifndef ANYBIT_CONVERSION_REDUCTIONMETHOD_H
#define ANYBIT_CONVERSION_REDUCTIONMETHOD_H

namespace anybit {

/// How convert-modarith-to-arith reduces products modulo Q (see the pass's
/// description): Auto is Barrett where the modulus allows it, else
/// Remainder.
enum class ModularReduction { Auto, Barrett, Montgomery, Shoup, Remainder };

} // namespace anybit

#endif // ANYBIT_CONVERSION_REDUCTIONMETHOD_H
