//===- ReductionMethod.h - How products are reduced modulo Q ----*- C++ -*-===//

#ifndef ANYBIT_CONVERSION_REDUCTIONMETHOD_H
#define ANYBIT_CONVERSION_REDUCTIONMETHOD_H

#include <optional>
#include <string_view>
#include <utility>

namespace anybit {

/// How convert-modarith-to-arith reduces products modulo Q (see the pass's
/// description): Auto is Barrett where the modulus allows it, else
/// Remainder.
enum class ModularReduction { Auto, Barrett, Montgomery, Shoup, Remainder };

/// The methods by the names the tools and Python use.
struct ModularReductionName {
  const char *name;
  ModularReduction method;
};
inline constexpr ModularReductionName kModularReductions[] = {
    {"auto", ModularReduction::Auto},
    {"barrett", ModularReduction::Barrett},
    {"montgomery", ModularReduction::Montgomery},
    {"shoup", ModularReduction::Shoup},
    {"remainder", ModularReduction::Remainder}};

inline const char *stringifyModularReduction(ModularReduction method) {
  for (const ModularReductionName &entry : kModularReductions)
    if (entry.method == method)
      return entry.name;
  return "?";
}

inline std::optional<ModularReduction>
parseModularReduction(std::string_view name) {
  for (const ModularReductionName &entry : kModularReductions)
    if (name == entry.name)
      return entry.method;
  return std::nullopt;
}

/// How the CPU pipeline lowers modarith.ntt/intt: radix-2 butterflies
/// (--modarith-ntt-radix2) or three modular matmuls (--modarith-mat, made
/// int8 matmuls by BAT when that is on).
enum class NttLowering { Radix2, Mat };

inline constexpr std::pair<const char *, NttLowering> kNttLowerings[] = {
    {"radix2", NttLowering::Radix2}, {"mat", NttLowering::Mat}};

inline std::optional<NttLowering> parseNttLowering(std::string_view name) {
  for (const auto &[entryName, lowering] : kNttLowerings)
    if (name == entryName)
      return lowering;
  return std::nullopt;
}

} // namespace anybit

#endif // ANYBIT_CONVERSION_REDUCTIONMETHOD_H
