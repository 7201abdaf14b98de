//===- ReductionMethod.h - Lowering choices of the pipeline -----*- C++ -*-===//

#ifndef ANYBIT_CONVERSION_REDUCTIONMETHOD_H
#define ANYBIT_CONVERSION_REDUCTIONMETHOD_H

#include <cstddef>
#include <optional>
#include <string_view>

namespace anybit {

/// How convert-modarith-to-arith reduces products modulo Q (see the pass's
/// description): Auto is Barrett where the modulus allows it, else
/// Remainder.
enum class ModularReduction { Auto, Barrett, Montgomery, Shoup, Remainder };

/// How the CPU pipeline lowers modarith.ntt/intt: radix-2 butterflies
/// (--modarith-ntt-radix2) or three modular matmuls (--modarith-mat, made
/// int8 matmuls by BAT when that is on).
enum class NttLowering { Radix2, Mat };

/// How anybit.matmul of int8 activations by packed trits is lowered: with
/// no multiplications by weights, either add/sub over row-major codes
/// (byte dot products of the codes minus the activations' sum) or lookups
/// of partial sums in tables built from the activations (weights packed
/// with `tile = [R, 4]`); or as the generic contraction that multiplies
/// every weight. Auto takes the kernel that reads the weights' layout.
enum class TernaryLowering { Auto, AddSub, LookupTable, Generic };

/// A choice by the name the tools and Python use.
template <typename E> struct OptionName {
  const char *name;
  E value;
};

inline constexpr OptionName<ModularReduction> kModularReductions[] = {
    {"auto", ModularReduction::Auto},
    {"barrett", ModularReduction::Barrett},
    {"montgomery", ModularReduction::Montgomery},
    {"shoup", ModularReduction::Shoup},
    {"remainder", ModularReduction::Remainder}};

inline constexpr OptionName<NttLowering> kNttLowerings[] = {
    {"radix2", NttLowering::Radix2}, {"mat", NttLowering::Mat}};

inline constexpr OptionName<TernaryLowering> kTernaryLowerings[] = {
    {"auto", TernaryLowering::Auto},
    {"addsub", TernaryLowering::AddSub},
    {"lut", TernaryLowering::LookupTable},
    {"generic", TernaryLowering::Generic}};

/// The entry of `table` called `name`.
template <typename E, size_t N>
std::optional<E> parseOptionName(const OptionName<E> (&table)[N],
                                 std::string_view name) {
  for (const OptionName<E> &entry : table)
    if (name == entry.name)
      return entry.value;
  return std::nullopt;
}

inline const char *stringifyModularReduction(ModularReduction method) {
  for (const OptionName<ModularReduction> &entry : kModularReductions)
    if (entry.value == method)
      return entry.name;
  return "?";
}

inline std::optional<ModularReduction>
parseModularReduction(std::string_view name) {
  return parseOptionName(kModularReductions, name);
}

} // namespace anybit

#endif // ANYBIT_CONVERSION_REDUCTIONMETHOD_H
