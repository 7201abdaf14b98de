//===- Compile.cpp - anybit.compile, Module and Function ------------------===//
//
// A source is parsed (through Run.cpp's cache of parsed modules), compiled
// by the CPU backend (anybit::CPUExecutable: the CPU pipeline and a JIT)
// and wrapped as a Module whose public functions are called like
// anybit.interpret calls them, with the same values in and out. Calls do
// not copy what is already in the calling convention: numpy arrays that
// are their tensor's buffer and PackedArrays are read in place, and
// results are written into new numpy arrays where those are their buffer;
// everything else is converted as anybit.interpret converts it.
//
// Compiled modules are kept in a cache keyed by the source text and every
// option (CompileSettings), most recently used first. Everything that touches
// MLIR (and the cache) holds a ContextLock; the GIL is released while
// LLVM compiles, and the GIL and the lock while compiled code runs, so
// other Python threads go on, calling kernels too.
//
//===----------------------------------------------------------------------===//

#include "Core.h"

#include "anybit/Interp/ValueIO.h"
#include "anybit/Target/CPU.h"

#include "mlir/IR/SymbolTable.h"

#include <pybind11/stl.h>

#include <algorithm>
#include <cstring>
#include <list>

using namespace mlir;

namespace anybit::python {
namespace {

const char *const kTargets[] = {"cpu"};

std::string supportedTargets() {
  std::string list;
  for (const char *t : kTargets)
    list += (list.empty() ? "" : ", ") + std::string(t);
  return list;
}

/// What anybit.compile was asked for, as given (the options' names):
/// with the source text, the key of the compile cache.
struct CompileSettings {
  std::string target = "cpu";
  unsigned optLevel = 3;
  unsigned threads = 1;
  std::string reduction = "auto";
  bool bat = false;
  std::string ntt = "radix2";
  std::string ternary = "auto";
  /// The target CPU and features (--mcpu, --mattr); empty: the host's.
  std::string cpu, features;

  auto tied() const {
    return std::tie(target, optLevel, threads, reduction, bat, ntt, ternary,
                    cpu, features);
  }
  bool operator==(const CompileSettings &other) const {
    return tied() == other.tied();
  }
};

/// A module compiled for a target. Immutable once built, so the Python
/// wrappers read its names and signatures without the lock.
struct CompiledModule {
  CompileSettings settings;
  std::shared_ptr<ParsedModule> parsed;
  std::unique_ptr<CPUExecutable> executable;
  /// The public functions with a body, in source order, and their
  /// signatures as MLIR prints them.
  std::vector<std::string> entries;
  llvm::StringMap<std::string> signatures;

  CompiledModule() = default;
  CompiledModule(const CompiledModule &) = delete;
  CompiledModule &operator=(const CompiledModule &) = delete;
  /// The last Python reference may go away on any thread: release the IR
  /// and the JIT under the lock like every other use of MLIR.
  ~CompiledModule() {
    ContextLock lock;
    executable.reset();
    parsed.reset();
  }

  bool hasEntry(const std::string &name) const {
    return signatures.count(name) != 0;
  }

  std::string entryList() const {
    std::string list;
    for (const std::string &e : entries)
      list += (list.empty() ? "" : ", ") + e;
    return list.empty() ? "none" : list;
  }

  /// The reason `name` cannot be called, listing the entries.
  std::string missing(const std::string &name) const {
    std::string why = "no public function named '" + name + "' in " +
                      parsed->name;
    if (auto fn = parsed->module->lookupSymbol<func::FuncOp>(name))
      why = "'" + name + "' in " + parsed->name + " is " +
            (fn.isExternal() ? "an external declaration"
                             : "private (compiled modules export public "
                               "functions only)");
    return why + "; its entries: " + entryList();
  }
};

using CompiledPtr = std::shared_ptr<CompiledModule>;

constexpr size_t kCompileCacheSize = 64;

/// Most recently used first; an evicted module lives on while Python holds
/// it.
std::list<CompiledPtr> &compileCache() {
  static auto *cache = new std::list<CompiledPtr>();
  return *cache;
}

/// The entry of `table` called `name`, else a ValueError listing them.
template <typename E, size_t N>
E parseOption(const OptionName<E> (&table)[N], const std::string &name,
              const char *what) {
  if (std::optional<E> value = parseOptionName(table, name))
    return *value;
  std::string known;
  for (const OptionName<E> &entry : table)
    known += (known.empty() ? "" : ", ") + std::string(entry.name);
  throwValueError("unknown " + std::string(what) + " '" + name +
                  "'; expected one of " + known);
}

CompiledPtr compile(const std::string &text, const std::string &name,
                    const CompileSettings &settings) {
  if (std::find(std::begin(kTargets), std::end(kTargets), settings.target) ==
      std::end(kTargets))
    throwValueError("unknown target '" + settings.target +
                    "'; supported targets: " + supportedTargets());
  if (settings.optLevel > 3)
    throwValueError("opt_level must be 0, 1, 2 or 3, got " +
                    std::to_string(settings.optLevel));
  CPUCompileOptions options;
  options.optLevel = settings.optLevel;
  options.threads = settings.threads;
  options.reduction =
      parseOption(kModularReductions, settings.reduction, "reduction");
  options.bat = settings.bat;
  options.ntt = parseOption(kNttLowerings, settings.ntt, "ntt lowering");
  options.ternary =
      parseOption(kTernaryLowerings, settings.ternary, "ternary lowering");
  options.cpu = settings.cpu;
  options.features = settings.features;
  ContextLock lock;
  std::list<CompiledPtr> &cache = compileCache();
  for (auto it = cache.begin(); it != cache.end(); ++it) {
    const CompiledModule &c = **it;
    if (c.settings == settings && c.parsed->text == text) {
      cache.splice(cache.begin(), cache, it);
      return cache.front();
    }
  }

  auto compiled = std::make_shared<CompiledModule>();
  compiled->settings = settings;
  compiled->parsed = getModule(text, name);
  ParsedModule &pm = *compiled->parsed;
  for (auto fn : pm.module->getOps<func::FuncOp>()) {
    if (!fn.isPublic() || fn.isExternal())
      continue;
    std::string sig;
    llvm::raw_string_ostream os(sig);
    os << fn.getFunctionType();
    compiled->entries.push_back(fn.getSymName().str());
    compiled->signatures[fn.getSymName()] = sig;
  }

  FailureOr<std::unique_ptr<CPUExecutable>> executable = failure();
  std::string diagnostics;
  {
    SourceCapture capture(*pm.sourceMgr);
    {
      py::gil_scoped_release release;
      executable = CPUExecutable::compile(*pm.module, options);
    }
    diagnostics = capture.text("compiling " + name + " for the CPU failed");
  }
  if (failed(executable))
    throw CompileError(diagnostics);
  compiled->executable = std::move(*executable);

  cache.push_front(compiled);
  if (cache.size() > kCompileCacheSize)
    cache.pop_back();
  return compiled;
}

/// A public function of a compiled module.
struct Function {
  CompiledPtr module;
  std::string name;
};

/// Whether the numpy dtype `given` holds the same bits as `travel`, the
/// dtype a tensor travels as: the same one, or for integers (which the VM
/// wraps to their width, and kernels truncate) any integer of its size.
bool sameBits(const py::dtype &given, StringRef travel) {
  std::string name = std::string(1, given.kind()) +
                     std::to_string(given.itemsize());
  auto integral = [](char kind) {
    return kind == 'i' || kind == 'u' || kind == 'b';
  };
  return name == travel ||
         (integral(name[0]) && integral(travel[0]) &&
          name.substr(1) == travel.substr(1));
}

/// Whether `array` holds the elements of `type` (a tensor in its CPU
/// buffer's travel form) in some layout: not empty, of its shape, and of
/// its travel dtype or an integer one of that size.
static bool holdsTensor(const py::array &array, Type type) {
  return array.size() != 0 &&
         llvm::equal(ArrayRef<py::ssize_t>(array.shape(), array.ndim()),
                     cast<RankedTensorType>(type).getShape()) &&
         sameBits(array.dtype(), getTravelDtype(type));
}

/// The buffer of `obj` if a compiled call can read it as argument `type`
/// in place: a PackedArray's storage, or a numpy array that is that
/// tensor's buffer already (isCPUBufferTravelForm: C-contiguous, aligned,
/// in native byte order, of the tensor's shape and its travel dtype or an
/// integer one of that size); else null. Empty tensors are converted.
const void *bufferInPlace(py::handle obj, Type type) {
  if (py::isinstance<PackedArray>(obj)) {
    const PackedArray &p = obj.cast<const PackedArray &>();
    ArrayRef<uint8_t> bytes = p.getValue().getPlanes().bytes;
    return p.getType() == type && !bytes.empty() ? bytes.data() : nullptr;
  }
  if (!py::isinstance<py::array>(obj) || !isCPUBufferTravelForm(type))
    return nullptr;
  auto array = py::reinterpret_borrow<py::array>(obj);
  int flags = py::detail::array_proxy(array.ptr())->flags;
  char order = array.dtype().byteorder();
  if (!(flags & py::detail::npy_api::NPY_ARRAY_C_CONTIGUOUS_) ||
      !(flags & py::detail::npy_api::NPY_ARRAY_ALIGNED_) || order == '>' ||
      !holdsTensor(array, type))
    return nullptr;
  return array.data();
}

/// `obj` as an array a compiled call reads in place as argument `type`,
/// where it differs from one only in byte order, alignment or layout (a
/// strided view, a transpose): numpy's C-contiguous copy in native byte
/// order, the same values bit for bit. Else `obj` itself, which the call
/// converts element by element (4M big-endian floats: 0.6 s, against a
/// few ms for this copy).
static py::object nativeCopy(py::handle obj, Type type) {
  py::module_ np = py::module_::import("numpy");
  if (!obj.get_type().is(np.attr("ndarray")) || !isCPUBufferTravelForm(type))
    return py::reinterpret_borrow<py::object>(obj);
  auto array = py::reinterpret_borrow<py::array>(obj);
  if (!holdsTensor(array, type))
    return array;
  return np.attr("ascontiguousarray")(
      array, py::arg("dtype") = array.dtype().attr("newbyteorder")("="));
}

/// Calls `entry` of a compiled module on Python arguments. Arrays that are
/// their buffer already (or are after nativeCopy) and PackedArrays are read
/// in place, logical results
/// that are their travel form are written into new numpy arrays; the rest
/// is converted as anybit.interpret converts it. Neither the GIL nor the
/// context lock is held while the kernel runs.
py::object call(const CompiledPtr &c, const std::string &entry,
                py::sequence args) {
  FunctionType type;
  SmallVector<const void *> argBuffers;
  SmallVector<void *> resultBuffers;
  // Converted arguments, results that are not numpy arrays as they are,
  // and the arrays that are.
  SmallVector<std::vector<uint8_t>> converted, resultBytes;
  SmallVector<py::object> resultArrays;
  // Each argument, or its native copy (nativeCopy), alive while the kernel
  // reads it.
  SmallVector<py::object> sources;
  {
    ContextLock lock;
    ParsedModule &pm = *c->parsed;
    auto fn = pm.module->lookupSymbol<func::FuncOp>(entry);
    if (!fn || !c->hasEntry(entry))
      throwValueError(c->missing(entry));
    checkCall(pm, fn, args, "compiled code");
    type = c->executable->getSignature(entry);
    // Conversions first: they may run Python code (__array__) that could
    // free or resize an array read in place. Its pointer is taken after
    // them (an array that is no buffer any more is converted then).
    argBuffers.assign(type.getNumInputs(), nullptr);
    auto convert = [&](unsigned i, Type t) {
      RtValue value = convertArgument(args[i], t, i);
      converted.push_back(makeCPUBuffer(t));
      writeCPUBuffer(value, converted.back());
      argBuffers[i] = converted.back().data();
    };
    SmallVector<bool> inPlace;
    for (auto [i, t] : llvm::enumerate(type.getInputs())) {
      py::object source = args[i];
      if (!bufferInPlace(source, t))
        source = nativeCopy(source, t);
      inPlace.push_back(bufferInPlace(source, t) != nullptr);
      sources.push_back(source);
      if (!inPlace.back())
        convert(i, t);
    }
    for (auto [i, t] : llvm::enumerate(type.getInputs()))
      if (inPlace[i] && !(argBuffers[i] = bufferInPlace(sources[i], t)))
        convert(i, t);
    for (Type t : type.getResults()) {
      if (isCPUBufferTravelForm(t) && cast<RankedTensorType>(t).getNumElements()) {
        auto shape = cast<RankedTensorType>(t).getShape();
        py::array array(py::dtype("<" + getTravelDtype(t)),
                        std::vector<py::ssize_t>(shape.begin(), shape.end()));
        // Zeros, as the VM's results start (a kernel need not write all).
        std::memset(array.mutable_data(), 0, size_t(array.nbytes()));
        resultBuffers.push_back(array.mutable_data());
        resultArrays.push_back(std::move(array));
        continue;
      }
      resultBytes.push_back(makeCPUBuffer(t));
      resultBuffers.push_back(resultBytes.back().data());
      resultArrays.push_back(py::none());
    }
  }
  {
    py::gil_scoped_release release;
    c->executable->invoke(entry, argBuffers, resultBuffers);
  }
  ContextLock lock;
  auto bytes = resultBytes.begin();
  for (auto [t, result] : llvm::zip_equal(type.getResults(), resultArrays))
    if (result.is_none())
      result = convertResult(readCPUBuffer(t, std::move(*bytes++)));
  return packResults(resultArrays);
}

std::string moduleRepr(const CompiledModule &c) {
  std::string entries;
  for (const std::string &e : c.entries)
    entries += (entries.empty() ? "" : ", ") + e;
  return "<anybit.Module " + c.parsed->name + " target=" + c.settings.target +
         " opt_level=" + std::to_string(c.settings.optLevel) +
         " entries: " + (entries.empty() ? "none" : entries) + ">";
}

Function getFunction(const CompiledPtr &c, const std::string &name) {
  return Function{c, name};
}

/// The encoding `choose` picks (at an unknown location; the context held
/// locked), or its diagnostics passed to `raise`, which throws.
std::string
chooseEncoding(llvm::function_ref<FailureOr<std::string>(Location)> choose,
               llvm::function_ref<void(const std::string &)> raise) {
  FailureOr<std::string> encoding = failure();
  std::string diagnostics;
  {
    DiagnosticCapture capture(/*withLocations=*/false);
    encoding = choose(UnknownLoc::get(&getContext()));
    diagnostics = capture.text();
  }
  if (failed(encoding))
    raise(diagnostics);
  return *encoding;
}

} // namespace
} // namespace anybit::python

template <>
class pybind11::detail::type_caster<anybit::python::CompiledModule>
    : public anybit::python::ConstructedCaster<anybit::python::CompiledModule> {
};
template <>
class pybind11::detail::type_caster<anybit::python::Function>
    : public anybit::python::ConstructedCaster<anybit::python::Function> {};

namespace anybit::python {

/// The module `self` holds: a TypeError where it was made by __new__
/// without __init__ (pybind11's holder caster would raise a bare
/// RuntimeError; the value's caster checks).
static CompiledPtr holderOf(py::handle self) {
  (void)py::cast<const CompiledModule &>(self);
  return py::cast<CompiledPtr>(self);
}

void bindCompile(py::module_ &m) {
  py::tuple targets(std::size(kTargets));
  for (size_t i = 0; i < std::size(kTargets); ++i)
    targets[i] = py::str(kTargets[i]);
  m.attr("TARGETS") = targets;

  py::class_<CompiledModule, CompiledPtr> module(
      m, "Module",
      R"doc(A module compiled by :func:`anybit.compile`: its public functions as
callables.

``module.NAME(*arrays)`` or ``module["NAME"](*arrays)`` calls the public
function ``NAME`` on numpy arrays (or :class:`PackedArray`) and returns numpy
arrays: None, one result or a tuple, converted exactly as
:func:`anybit.interpret` converts them, so a compiled kernel and the
reference VM can be compared directly. ``module.NAME`` is a
:class:`Function` (``.signature`` gives its MLIR type).

An entry whose name is also an attribute of Module (``entries``,
``target``...) is reached with ``module["NAME"]``.

Attributes: ``entries`` (the public function names, in source order),
``target``, ``opt_level``, ``source_name``. ``dir(module)`` lists the entries
too; ``"NAME" in module`` tests for one.

Unknown names raise AttributeError (``module.NAME``) or KeyError
(``module["NAME"]``) listing the entries; bad arguments ValueError; a
failing call CompileError.)doc");
  py::class_<Function> function(
      m, "Function",
      R"doc(A public function of a compiled :class:`Module`. Call it with one
argument per parameter (numpy arrays, scalars, :class:`PackedArray`); it
returns None, one result or a tuple, exactly as :func:`anybit.interpret`
would. ``name``, ``signature`` (the MLIR function type) and ``module``
describe it.)doc");
  module
      .def_property_readonly(
          "entries",
          [](const CompiledModule &c) {
            py::tuple t(c.entries.size());
            for (size_t i = 0; i < c.entries.size(); ++i)
              t[i] = py::str(c.entries[i]);
            return t;
          },
          "The public functions (with a body) that can be called, in source "
          "order.")
      .def_property_readonly(
          "target", [](const CompiledModule &c) { return c.settings.target; },
          "The target the module was compiled for ('cpu').")
      .def_property_readonly(
          "opt_level",
          [](const CompiledModule &c) { return c.settings.optLevel; },
          "The optimization level it was compiled at (0..3).")
      .def_property_readonly(
          "threads", [](const CompiledModule &c) { return c.settings.threads; },
          "The threads its parallel loops run on (1: sequential, 0: the "
          "OpenMP runtime's choice).")
      .def_property_readonly(
          "reduction",
          [](const CompiledModule &c) { return c.settings.reduction; },
          "How its modarith products are reduced ('auto', 'barrett', "
          "'montgomery', 'shoup' or 'remainder').")
      .def_property_readonly(
          "bat", [](const CompiledModule &c) { return c.settings.bat; },
          "Whether modular matmuls with a constant lhs became int8 matmuls "
          "(BAT).")
      .def_property_readonly(
          "ntt", [](const CompiledModule &c) { return c.settings.ntt; },
          "How its modarith.ntt/intt were lowered ('radix2' or 'mat').")
      .def_property_readonly(
          "ternary", [](const CompiledModule &c) { return c.settings.ternary; },
          "How its int8 x trit matmuls were lowered ('addsub' or "
          "'generic').")
      .def_property_readonly(
          "cpu", [](const CompiledModule &c) { return c.settings.cpu; },
          "The CPU it was compiled for, as given ('': the host's).")
      .def_property_readonly(
          "features",
          [](const CompiledModule &c) { return c.settings.features; },
          "The CPU features added or removed, as given (e.g. '-avx512f'; '': "
          "the CPU's own).")
      .def_property_readonly(
          "source_name", [](const CompiledModule &c) { return c.parsed->name; },
          "The name diagnostics give the source: its path, or '<source>'.")
      .def(
          "__getattr__",
          [](py::handle self, const std::string &name) {
            CompiledPtr c = holderOf(self);
            if (!c->hasEntry(name))
              throw py::attribute_error(c->missing(name));
            return getFunction(c, name);
          },
          py::arg("name"), "The entry `name` as a Function.")
      .def(
          "__getitem__",
          [](py::handle self, py::handle key) {
            CompiledPtr c = holderOf(self);
            if (!py::isinstance<py::str>(key))
              throw py::key_error("entries are named by strings, got " +
                                  py::repr(key).cast<std::string>() +
                                  "; the entries: " + c->entryList());
            std::string name = key.cast<std::string>();
            if (!c->hasEntry(name))
              throw py::key_error(c->missing(name));
            return getFunction(c, name);
          },
          py::arg("name"), "The entry `name` as a Function.")
      .def(
          "__contains__",
          [](const CompiledModule &c, py::handle name) {
            return py::isinstance<py::str>(name) &&
                   c.hasEntry(name.cast<std::string>());
          },
          "Whether `name` is an entry.")
      .def(
          "__dir__",
          [](py::object self) {
            // object.__dir__ gives the class attributes; the entries are
            // attributes too.
            py::list names = py::module_::import("builtins")
                                 .attr("object")
                                 .attr("__dir__")(self);
            for (const std::string &e : self.cast<const CompiledModule &>().entries)
              names.append(py::str(e));
            return names;
          },
          "The attributes, entries included.")
      .def("__repr__", &moduleRepr);
  module.attr("__module__") = "anybit";

  function
      .def(
          "__call__",
          [](const Function &f, py::args args, py::kwargs kwargs) {
            // MLIR arguments have no names; a keyword is a misuse of the
            // call, a TypeError as for any Python function.
            if (!kwargs.empty())
              throw py::type_error(
                  "'" + f.name + "' takes its arguments by position, got "
                  "keyword argument '" +
                  py::str(kwargs.begin()->first).cast<std::string>() + "'");
            return call(f.module, f.name, args);
          },
          "Calls the compiled function on the arguments, by position.")
      .def_property_readonly(
          "name", [](const Function &f) { return f.name; },
          "The function's name.")
      .def_property_readonly(
          "signature",
          [](const Function &f) {
            return f.module->signatures.lookup(f.name);
          },
          "The MLIR function type, e.g. "
          "'(tensor<4xi3>, tensor<4xi3>) -> tensor<4xi3>'.")
      .def_property_readonly(
          "module", [](const Function &f) { return f.module; },
          "The Module it belongs to.")
      .def("__repr__", [](const Function &f) {
        return "<anybit.Function @" + f.name + " : " +
               f.module->signatures.lookup(f.name) + " of " +
               f.module->parsed->name + ">";
      });
  function.attr("__module__") = "anybit";

  m.def(
      "preferred_trit_encoding",
      [](int64_t batch, std::vector<int64_t> shape) {
        ContextLock lock;
        return chooseEncoding(
            [&](Location loc) {
              return getPreferredTritEncoding(CPUCompileOptions(), batch, shape,
                                              loc);
            },
            [](const std::string &diagnostics) {
              throw CompileError(diagnostics);
            });
      },
      py::arg("batch"), py::arg("shape"),
      "The #anybit.packed encoding of trit weights whose kernel is fastest "
      "on the host CPU; see anybit.trit_encoding.");
  m.def(
      "preferred_gemv_encoding",
      [](const std::string &dtype, std::vector<int64_t> shape, int64_t group,
         const std::string &scale) {
        ContextLock lock;
        Type element = parseDtype(dtype);
        Type scaleType = group ? parseDtype(scale) : Type();
        // Bad shapes, groups and scales are bad arguments.
        return chooseEncoding(
            [&](Location loc) {
              return getPreferredGemvEncoding(CPUCompileOptions(), element,
                                              shape, group, scaleType, loc);
            },
            throwValueError);
      },
      py::arg("dtype"), py::arg("shape"), py::arg("group"), py::arg("scale"),
      "The #anybit.packed encoding of f32-activation GEMV weights whose "
      "kernel is fastest on the host CPU; see anybit.gemv_encoding.");
  m.def(
      "compile",
      [](const std::string &text, const std::string &name,
         const std::string &target, unsigned optLevel, unsigned threads,
         const std::string &reduction, bool bat, const std::string &ntt,
         const std::string &ternary, const std::string &cpu,
         const std::string &features) {
        return compile(text, name,
                       CompileSettings{target, optLevel, threads, reduction,
                                       bat, ntt, ternary, cpu, features});
      },
      py::arg("source"), py::arg("name"), py::arg("target"),
      py::arg("opt_level"), py::arg("threads") = 1,
      py::arg("reduction") = "auto", py::arg("bat") = false,
      py::arg("ntt") = "radix2", py::arg("ternary") = "auto",
      py::arg("cpu") = "", py::arg("features") = "",
      "Compiles the MLIR text `source` (diagnostics name it `name`) for "
      "`target` with the given options, or returns the cached Module; see "
      "anybit.compile.");
  m.def(
      "clear_compile_cache",
      [] {
        ContextLock lock;
        compileCache().clear();
      },
      "Drops every cached compiled module (those Python holds live on).");
  m.def(
      "compile_cache_size",
      [] {
        ContextLock lock;
        return compileCache().size();
      },
      "The number of cached compiled modules.");
}

} // namespace anybit::python
