//===- FunctionNames.cpp - Names compiled functions may take --------------===//
//
// A compiled function is a symbol among those its own code calls: LLVM
// turns copies and fills into memcpy/memset, math into libm, and the JIT's
// wrappers, OpenMP and compiler-rt use their own prefixes. A function of
// one of those names would be called in their place (the JIT's memset
// calling itself until the stack ran out).
//
//===----------------------------------------------------------------------===//

#include "anybit/Target/CPU.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace anybit {
namespace {

/// Routines compiled code may call without naming them.
const llvm::StringSet<> &runtimeRoutines() {
  static const llvm::StringSet<> names = [] {
    llvm::StringSet<> set;
    for (const char *name :
         {"memcpy", "memmove", "memset", "memcmp", "bcmp", "malloc", "free",
          "calloc", "realloc", "aligned_alloc", "posix_memalign", "abort"})
      set.insert(name);
    // libm, as double and float (ConvertMathToLibm and LLVM's lowerings of
    // math intrinsics).
    for (const char *name :
         {"acos",  "acosh", "asin",  "asinh", "atan",      "atan2", "atanh",
          "cbrt",  "ceil",  "copysign", "cos", "cosh",     "erf",   "erfc",
          "exp",   "exp10", "exp2",  "expm1", "fabs",      "fdim",  "floor",
          "fma",   "fmax",  "fmin",  "fmod",  "frexp",     "hypot", "ldexp",
          "lgamma", "llrint", "llround", "log", "log10",   "log1p", "log2",
          "logb",  "lrint", "lround", "modf", "nearbyint", "pow",   "remainder",
          "rint",  "round", "roundeven", "sin", "sincos",  "sinh",  "sqrt",
          "tan",   "tanh",  "tgamma", "trunc"}) {
      set.insert(name);
      set.insert((llvm::Twine(name) + "f").str());
    }
    return set;
  }();
  return names;
}

/// Prefixes of the JIT's wrappers, OpenMP and the compiler runtimes.
bool hasReservedPrefix(StringRef name) {
  return name.starts_with("__") || name.starts_with("_mlir") ||
         name.starts_with("omp_") || name.starts_with("kmp_");
}

/// C and C++ keywords, which a header cannot declare as functions.
bool isKeyword(StringRef name) {
  static const llvm::StringSet<> keywords = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand",
      "bitor", "bool", "break", "case", "catch", "char", "char8_t",
      "char16_t", "char32_t", "class", "compl", "concept", "const",
      "consteval", "constexpr", "constinit", "const_cast", "continue",
      "co_await", "co_return", "co_yield", "decltype", "default", "delete",
      "do", "double", "dynamic_cast", "else", "enum", "explicit", "export",
      "extern", "false", "float", "for", "friend", "goto", "if", "inline",
      "int", "long", "mutable", "namespace", "new", "noexcept", "not",
      "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected",
      "public", "register", "reinterpret_cast", "requires", "restrict",
      "return", "short", "signed", "sizeof", "static", "static_assert",
      "static_cast", "struct", "switch", "template", "this", "thread_local",
      "throw", "true", "try", "typedef", "typeid", "typename", "typeof",
      "typeof_unqual", "union", "unsigned", "using", "virtual", "void",
      "volatile", "wchar_t", "while", "xor", "xor_eq"};
  // _Bool, _Atomic, ...: reserved identifiers of the implementation.
  return keywords.contains(name) ||
         (name.size() > 1 && name[0] == '_' && llvm::isUpper(name[1]));
}

bool isCIdentifier(StringRef name) {
  return !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
         llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

} // namespace

LogicalResult checkFunctionNames(ModuleOp module, bool forCHeader) {
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    StringRef name = func.getSymName();
    if (runtimeRoutines().contains(name) || hasReservedPrefix(name))
      return func.emitError("a compiled function cannot be named '")
             << name << "': compiled code calls a runtime routine of that "
             << "name (copies, fills, math, the JIT, OpenMP); rename it";
    if (!forCHeader || !func.isPublic())
      continue;
    if (!isCIdentifier(name))
      return func.emitError("the C header cannot declare '")
             << name << "': it is not a C identifier";
    if (isKeyword(name))
      return func.emitError("the C header cannot declare '")
             << name << "': it is a C or C++ keyword or a reserved name";
  }
  return success();
}

} // namespace anybit
