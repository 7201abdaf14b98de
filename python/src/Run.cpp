//===- Run.cpp - interpret, quantize and dequantize on the VM -------------===//
//
// Modules are parsed once and kept in a small cache keyed by their text, so
// calling the same kernel again (or quantizing arrays of the same shape)
// skips parsing and verification. quantize and dequantize generate a
// one-op function and run it: they are exactly anybit.quantize and
// anybit.dequantize.
//
//===----------------------------------------------------------------------===//

#include "Core.h"

#include "Anybit/ElementTypes.h"

#include "anybit/Interp/Interpreter.h"
#include "anybit/Interp/ParseModule.h"
#include "anybit/Interp/ValueIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <list>

using namespace mlir;

namespace anybit::python {
namespace {

constexpr size_t kCacheSize = 32;

/// Most recently used first. Entries are shared so that a module in use
/// stays alive even if a re-entrant call evicts it.
std::list<std::shared_ptr<ParsedModule>> &moduleCache() {
  static auto *cache = new std::list<std::shared_ptr<ParsedModule>>();
  return *cache;
}

} // namespace

std::shared_ptr<ParsedModule> getModule(const std::string &text,
                                        const std::string &name) {
  std::list<std::shared_ptr<ParsedModule>> &cache = moduleCache();
  for (auto it = cache.begin(); it != cache.end(); ++it) {
    if ((*it)->text == text && (*it)->name == name) {
      cache.splice(cache.begin(), cache, it);
      return cache.front();
    }
  }
  auto pm = std::make_shared<ParsedModule>();
  pm->name = name;
  pm->text = text;
  pm->sourceMgr = std::make_unique<llvm::SourceMgr>();
  pm->sourceMgr->AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, name), llvm::SMLoc());
  std::string diagnostics;
  {
    SourceCapture capture(*pm->sourceMgr);
    pm->module = parseModule(*pm->sourceMgr, &getContext());
    diagnostics = capture.text("cannot parse " + name);
  }
  if (!pm->module)
    throw CompileError(diagnostics);
  cache.push_front(pm);
  if (cache.size() > kCacheSize)
    cache.pop_back();
  return pm;
}

namespace {

std::string listFunctions(ModuleOp module) {
  std::string names;
  for (auto fn : module.getOps<func::FuncOp>())
    names += (names.empty() ? "" : ", ") + fn.getSymName().str();
  return names.empty() ? "none" : names;
}

} // namespace

RtValue convertArgument(py::handle obj, Type type, unsigned index) {
  std::string what = "argument " + std::to_string(index);
  auto tensor = dyn_cast<RankedTensorType>(type);
  bool packed = tensor && isa_and_nonnull<PackedEncodingAttr>(tensor.getEncoding());
  if (py::isinstance<PackedArray>(obj)) {
    const PackedArray &p = obj.cast<const PackedArray &>();
    if (!packed || p.getType() != type)
      throwValueError(what + " is a PackedArray of type " +
                      printed(p.getType()) + ", but the function takes " +
                      printed(type));
    return p.getValue();
  }
  // A packed parameter also takes its travel form: a 1-D uint8 array of the
  // data, scale and zero-point planes (as anybit-run does).
  return logicalFromObject(obj, type, what);
}

py::object convertResult(const RtValue &value) {
  if (value.isPacked())
    return py::cast(PackedArray(value));
  return logicalToNumpy(value);
}

namespace {

/// How often a run on the VM lets Python's signal handlers run.
constexpr std::chrono::milliseconds kSignalPollInterval(50);

/// Runs `entry` of a parsed module on converted values; CompileError with
/// the VM's diagnostics when it fails. The caller holds the context lock;
/// the GIL is released while the VM runs, so other Python threads go on
/// (their anybit calls wait for the lock). Every kSignalPollInterval the
/// run takes the GIL back to run Python's signal handlers: one that raises,
/// as Ctrl-C's does, stops it with that exception.
SmallVector<RtValue> execute(ParsedModule &pm, const std::string &entry,
                             ArrayRef<RtValue> values) {
  bool interrupted = false;
  auto lastPoll = std::chrono::steady_clock::now();
  InterpretOptions options;
  options.shouldStop = [&] {
    auto now = std::chrono::steady_clock::now();
    if (now - lastPoll < kSignalPollInterval)
      return false;
    lastPoll = now;
    py::gil_scoped_acquire gil;
    interrupted = PyErr_CheckSignals() != 0;
    return interrupted;
  };
  FailureOr<SmallVector<RtValue>> results = failure();
  std::string diagnostics;
  {
    SourceCapture capture(*pm.sourceMgr);
    {
      py::gil_scoped_release release;
      results = anybit::interpret(*pm.module, entry, values, options);
    }
    diagnostics = capture.text("the reference VM failed");
  }
  if (interrupted)
    throw py::error_already_set();
  if (failed(results))
    throw CompileError(diagnostics);
  return std::move(*results);
}

} // namespace

void checkCall(ParsedModule &pm, func::FuncOp fn, py::sequence args,
               const std::string &engine) {
  StringRef entry = fn.getSymName();
  ArrayRef<Type> argTypes = fn.getFunctionType().getInputs();
  size_t given = py::len(args);
  if (given != argTypes.size())
    throwValueError("'" + entry.str() + "' takes " +
                    std::to_string(argTypes.size()) + " argument" +
                    (argTypes.size() == 1 ? "" : "s") + ", got " +
                    std::to_string(given));

  // Types values cannot travel as are an error of the IR, reported at the
  // function like interpret() does.
  for (Type t : llvm::concat<const Type>(fn.getFunctionType().getInputs(),
                                         fn.getFunctionType().getResults())) {
    if (!isRuntimeType(t)) {
      std::string diagnostics;
      {
        SourceCapture capture(*pm.sourceMgr);
        fn.emitError() << engine << " cannot take or return a value of type "
                       << t;
        diagnostics = capture.text("unsupported type");
      }
      throw CompileError(diagnostics);
    }
  }
}

SmallVector<RtValue> convertArguments(ParsedModule &pm, func::FuncOp fn,
                                      py::sequence args,
                                      const std::string &engine) {
  checkCall(pm, fn, args, engine);
  ArrayRef<Type> argTypes = fn.getFunctionType().getInputs();
  SmallVector<RtValue> values;
  for (auto [i, type] : llvm::enumerate(argTypes))
    values.push_back(convertArgument(args[i], type, i));
  return values;
}

py::object packResults(ArrayRef<py::object> results) {
  if (results.empty())
    return py::none();
  if (results.size() == 1)
    return results.front();
  py::tuple out(results.size());
  for (auto [i, result] : llvm::enumerate(results))
    out[i] = result;
  return out;
}

py::object convertResults(ArrayRef<RtValue> results) {
  return packResults(llvm::map_to_vector(
      results, [](const RtValue &v) { return convertResult(v); }));
}

namespace {

/// Runs `entry` of the module `text` on `args`; the caller holds the lock.
SmallVector<RtValue> run(const std::string &text, const std::string &name,
                         const std::string &entry, py::sequence args) {
  std::shared_ptr<ParsedModule> pm = getModule(text, name);
  ModuleOp module = *pm->module;
  auto fn = module.lookupSymbol<func::FuncOp>(entry);
  if (!fn)
    throwValueError("no function named '" + entry + "' in " + name +
                    "; its functions: " + listFunctions(module));
  SmallVector<RtValue> values =
      convertArguments(*pm, fn, args, "the reference VM");
  return execute(*pm, entry, values);
}

py::object interpret(const std::string &source, const std::string &name,
                     const std::string &entry, py::sequence args) {
  ContextLock lock;
  return convertResults(run(source, name, entry, args));
}

/// A function `name` of one op: `%r = <op> %x : IN -> OUT`.
std::string oneOpFunction(StringRef name, StringRef op, Type in, Type out) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "func.func @" << name << "(%x: " << in << ") -> " << out << " {\n"
     << "  %r = " << op << " %x : " << in << " -> " << out << "\n"
     << "  return %r : " << out << "\n"
     << "}\n";
  return text;
}

/// The float type an input array of numpy dtype `dtype` is read as.
Type floatTypeOf(const NpyArray &array) {
  MLIRContext *ctx = &getContext();
  if (array.dtype == "f2")
    return Float16Type::get(ctx);
  if (array.dtype == "f4")
    return Float32Type::get(ctx);
  return Float64Type::get(ctx);
}

/// The code type and encoding of a quantize, checked as the VM takes them
/// (a ValueError otherwise). With the context lock held.
std::pair<Type, PackedEncodingAttr> quantizeTypes(py::object dtype,
                                                  py::object encoding) {
  Type code = dtypeFromObject(dtype);
  if (code.isIndex())
    throwValueError("index is not a code type");
  // The VM's quantize reads the code range of a float from its FloatFormat,
  // which f32 and f64 do not have.
  if (!isa<IntegerType>(code) && !getFloatFormat(code))
    throwValueError("quantize takes integer codes or float formats of at "
                    "most 16 bits, got " +
                    dtypeName(code));
  PackedEncodingAttr enc = encodingFromObject(encoding);
  if (!enc.hasBlocks())
    throwValueError("quantize needs an encoding with a block shape and a "
                    "scale type, got " +
                    printed(enc));
  if (Type zp = enc.getZeroPoint()) {
    if (!isa<IntegerType>(code))
      throwValueError("asymmetric quantization (zero points) needs integer "
                      "codes, got " +
                      dtypeName(code));
    if (!isa<IntegerType>(zp))
      throwValueError("zero points must be integers, got " + dtypeName(zp));
  }
  return {code, enc};
}

PackedArray quantize(py::object array, py::object dtype, py::object encoding) {
  ContextLock lock;
  auto [code, enc] = quantizeTypes(dtype, encoding);
  NpyArray npy = npyFromObject(array, "array");
  if (npy.shape.empty())
    throwValueError("quantize needs an array of rank 1 or more, got a scalar");
  RankedTensorType in = makeTensorType(npy.shape, floatTypeOf(npy));
  RankedTensorType out = makeTensorType(npy.shape, code, enc);
  RtValue x = logicalFromNpy(npy, in, "array");
  std::string text = oneOpFunction("quantize", "anybit.quantize", in, out);
  std::shared_ptr<ParsedModule> pm = getModule(text, "<anybit.quantize>");
  return PackedArray(execute(*pm, "quantize", {x}).front());
}

py::array dequantize(py::object packedObj, py::object dtype) {
  if (!py::isinstance<PackedArray>(packedObj))
    throwValueError("dequantize takes a PackedArray, got " +
                    py::repr(packedObj).cast<std::string>());
  const PackedArray &packed = packedObj.cast<const PackedArray &>();
  ContextLock lock;
  if (!packed.getEncoding().hasBlocks())
    throwValueError("dequantize needs a block-scaled PackedArray (an encoding "
                    "with a block shape and a scale), got " +
                    printed(packed.getType()));
  Type element = dtypeFromObject(dtype);
  if (!isAnyFloat(element))
    throwValueError("dequantize produces floats, got dtype " +
                    dtypeName(element));
  RankedTensorType in = packed.getType();
  RankedTensorType out = makeTensorType(in.getShape(), element);
  std::string text = oneOpFunction("dequantize", "anybit.dequantize", in, out);
  std::shared_ptr<ParsedModule> pm = getModule(text, "<anybit.dequantize>");
  return logicalToNumpy(
      execute(*pm, "dequantize", {packed.getValue()}).front());
}

} // namespace

void bindRun(py::module_ &m) {
  m.def("interpret", &interpret, py::arg("source"), py::arg("name"),
        py::arg("entry"), py::arg("args"),
        "Runs `entry` of the MLIR text `source` (diagnostics name it "
        "`name`) on the reference VM; see anybit.interpret.");
  m.def(
      "quantize_code_range",
      [](py::object dtype, py::object encoding) {
        ContextLock lock;
        return getCodeRange(quantizeTypes(dtype, encoding).first);
      },
      py::arg("dtype"), py::arg("encoding"),
      "The (smallest, largest) code of a quantize to `dtype` with "
      "`encoding`, as its formulas take them ((-8.0, 7.0) for 'i4'); a "
      "ValueError where quantize takes neither.");
  m.def("quantize", &quantize, py::arg("array"), py::arg("dtype"),
        py::arg("encoding"),
        "Runs anybit.quantize of `array` into tensor<shape x dtype, "
        "encoding>.");
  m.def("dequantize", &dequantize, py::arg("packed"), py::arg("dtype"),
        "Runs anybit.dequantize of `packed` into a tensor of `dtype`.");
  m.def(
      "clear_cache",
      [] {
        ContextLock lock;
        moduleCache().clear();
      },
      "Drops every cached parsed module (interpret, quantize, dequantize).");
}

} // namespace anybit::python
