//===- Core.h - Shared pieces of the _anybit extension ----------*- C++ -*-===//
//
// The process-wide MLIR context, error reporting (CompileError for MLIR
// diagnostics, ValueError for bad arguments), dtype and encoding parsing,
// numpy conversions and the PackedArray class. Every entry point holds a
// ContextLock while it uses MLIR, so one thread at a time does.
//
//===----------------------------------------------------------------------===//

#ifndef ANYBIT_PYTHON_CORE_H
#define ANYBIT_PYTHON_CORE_H

#include "Anybit/AnybitDialect.h"
#include "anybit/Interp/Value.h"
#include "anybit/Support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace anybit::python {

namespace py = pybind11;

//===----------------------------------------------------------------------===//
// Context and errors
//===----------------------------------------------------------------------===//

/// The one MLIRContext of the process, created on first use with every
/// dialect the reference VM executes. Never destroyed.
mlir::MLIRContext &getContext();

/// Held by every entry point for as long as it touches MLIR.
std::recursive_mutex &contextMutex();

/// Locks contextMutex() without deadlocking against the GIL: when another
/// thread holds the lock (and may be waiting for the GIL, e.g. after numpy
/// released it during a copy), the GIL is released while waiting.
/// Re-entrant, for Python code (an __array__ method) that calls back into
/// anybit while an entry point converts its arguments.
class ContextLock {
public:
  ContextLock() : lock(contextMutex(), std::defer_lock) {
    if (!lock.try_lock()) {
      py::gil_scoped_release release;
      lock.lock();
    }
  }

private:
  std::unique_lock<std::recursive_mutex> lock;
};

/// Raised as anybit.CompileError: diagnostics from parsing, verifying or
/// running IR.
class CompileError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Raised as ValueError.
[[noreturn]] void throwValueError(const std::string &message);

/// Collects every diagnostic emitted while it is alive (it shadows handlers
/// registered before it) as "location: severity: message" lines, notes
/// included. Messages only (no location) with `withLocations = false`.
class DiagnosticCapture {
public:
  explicit DiagnosticCapture(bool withLocations = true);
  ~DiagnosticCapture();
  DiagnosticCapture(const DiagnosticCapture &) = delete;
  DiagnosticCapture &operator=(const DiagnosticCapture &) = delete;

  /// Everything captured so far, one diagnostic per line, or `fallback`
  /// when nothing was emitted.
  std::string text(const std::string &fallback = "unknown error") const;

private:
  mlir::DiagnosticEngine::HandlerID id;
  std::string buffer;
  bool withLocations;
};

/// "file:line:col" for file locations, the name for named locations, the
/// printed location otherwise.
std::string locationString(mlir::Location loc);

//===----------------------------------------------------------------------===//
// Types and encodings
//===----------------------------------------------------------------------===//

/// Parses a dtype string: "iN", "uiN", "siN" (N in 1..64), a float format
/// FloatFormat::parse accepts ("e3m2", "e4m3, fn"), an MLIR element type
/// ("f8E4M3FN", "bf16", "index", "!anybit.float<e3m2>") or a numpy-style
/// name ("int8", "float32", "bool"). Throws ValueError when unknown.
mlir::Type parseDtype(const std::string &text);

/// Accepts a dtype string or a numpy dtype (or type object such as
/// numpy.int8).
mlir::Type dtypeFromObject(py::handle obj);

/// The dtype string of an element type: "i3", "ui4", "f8E4M3FN", and for
/// !anybit.float its format text ("e3m2", "e4m3, fn").
std::string dtypeName(mlir::Type type);

/// The MLIR text of a type or attribute.
std::string printed(mlir::Type type);
std::string printed(mlir::Attribute attr);

/// An encoding from None (dense `#anybit.packed<>`), an attribute string
/// (`#anybit.packed<...>`, `<...>` or the bare parameters
/// `block = [1, 32], scale = f16`) or a dict with keys word, straddle,
/// block, scale, zero_point. Throws ValueError when invalid.
PackedEncodingAttr encodingFromObject(py::handle obj);

/// A shape from a Python int or sequence of ints; ValueError on negatives.
llvm::SmallVector<int64_t> shapeFromObject(py::handle obj);

/// tensor<shape x element, encoding> after checking the encoding fits the
/// shape and element type (ValueError otherwise). A null encoding gives an
/// unencoded tensor.
mlir::RankedTensorType makeTensorType(llvm::ArrayRef<int64_t> shape,
                                      mlir::Type element,
                                      PackedEncodingAttr encoding = {});

//===----------------------------------------------------------------------===//
// numpy
//===----------------------------------------------------------------------===//

/// `obj` as a C-contiguous little-endian numpy array (itself where it is
/// one already) and its NpyArray dtype code and shape, as npyFromObject
/// reads it.
struct NumpyView {
  py::array array;
  std::string dtype;
  std::vector<int64_t> shape;
};
NumpyView numpyViewOf(py::handle obj, const std::string &what);

/// A C-contiguous little-endian copy of `obj` (numpy array, numpy scalar,
/// Python bool/int/float, nested sequence). Python ints become int64, or
/// uint64 above its range. ValueError for unsupported dtypes (complex,
/// object, ...) or ints beyond 64 bits. `what` prefixes messages.
NpyArray npyFromObject(py::handle obj, const std::string &what);

/// A new numpy array holding a copy of `array`.
py::array npyToNumpy(const NpyArray &array);

/// Converts `array` into a value of the logical (unencoded) type `type`
/// with ValueIO's rules; ValueError with the reason when it does not fit.
RtValue logicalFromNpy(const NpyArray &array, mlir::Type type,
                       const std::string &what);

/// Converts `obj` into a value of the logical (unencoded) type `type` with
/// ValueIO's rules; ValueError with the reason when it does not fit.
RtValue logicalFromObject(py::handle obj, mlir::Type type,
                          const std::string &what);

/// The numpy array a logical value travels as (ValueIO's valueToNpy).
py::array logicalToNumpy(const RtValue &value);

//===----------------------------------------------------------------------===//
// PackedArray
//===----------------------------------------------------------------------===//

/// A packed tensor: an RtValue whose type carries an #anybit.packed encoding
/// and whose planes hold the exact bytes.
class PackedArray {
public:
  explicit PackedArray(RtValue value) : value(std::move(value)) {}

  const RtValue &getValue() const { return value; }
  mlir::RankedTensorType getType() const {
    return llvm::cast<mlir::RankedTensorType>(value.getType());
  }
  PackedEncodingAttr getEncoding() const {
    return llvm::cast<PackedEncodingAttr>(getType().getEncoding());
  }

private:
  RtValue value;
};

/// Builds the packed value of `type` from a data plane and logical scale
/// and zero-point tensors (block-grid shaped), all validated.
RtValue makePackedValue(mlir::RankedTensorType type, py::handle data,
                        py::handle scales, py::handle zeroPoints);

/// The scale (or zero-point) plane of a packed value as a logical tensor of
/// the block-grid shape; std::nullopt when the encoding has none.
std::optional<RtValue> scalesOf(const RtValue &packed);
std::optional<RtValue> zeroPointsOf(const RtValue &packed);

//===----------------------------------------------------------------------===//
// Parsed modules and calls (Run.cpp), shared by interpret and compile
//===----------------------------------------------------------------------===//

/// A parsed, verified module and the source its locations point into.
/// Never modified once parsed (the CPU backend compiles a copy).
struct ParsedModule {
  std::string name, text;
  std::unique_ptr<llvm::SourceMgr> sourceMgr;
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

/// The parsed module of `text` (diagnostics name it `name`), from a small
/// cache of recently used ones; CompileError with the diagnostics when it
/// does not parse or verify. The caller holds a ContextLock.
std::shared_ptr<ParsedModule> getModule(const std::string &text,
                                        const std::string &name);

/// Diagnostics printed with file:line:col and the source line, as the tools
/// print them, while it is alive.
class SourceCapture {
public:
  explicit SourceCapture(llvm::SourceMgr &mgr)
      : os(buffer), handler(mgr, &getContext(), os) {}

  std::string text(const std::string &fallback) {
    os.flush();
    std::string t = llvm::StringRef(buffer).rtrim().str();
    return t.empty() ? fallback : t;
  }

private:
  std::string buffer;
  llvm::raw_string_ostream os;
  mlir::SourceMgrDiagnosticHandler handler;
};

/// Checks a call of `fn` with `args`: their count (ValueError), and that
/// every parameter and result type is one values can travel as (a
/// CompileError naming `engine`, what runs the call).
void checkCall(ParsedModule &pm, mlir::func::FuncOp fn, py::sequence args,
               const std::string &engine);

/// Converts argument `index` of a call into a value of `type`, as
/// anybit.interpret does: a PackedArray of exactly that type, or anything
/// numpy converts. ValueError when it does not fit.
RtValue convertArgument(py::handle obj, mlir::Type type, unsigned index);

/// checkCall, then every argument converted.
llvm::SmallVector<RtValue> convertArguments(ParsedModule &pm,
                                            mlir::func::FuncOp fn,
                                            py::sequence args,
                                            const std::string &engine);

/// A numpy array for a logical value, a PackedArray for a packed one.
py::object convertResult(const RtValue &value);

/// None, the single result or a tuple of them, as a call returns them.
py::object packResults(llvm::ArrayRef<py::object> results);

/// packResults of convertResult of each.
py::object convertResults(llvm::ArrayRef<RtValue> results);

//===----------------------------------------------------------------------===//
// Bindings, one function per source file
//===----------------------------------------------------------------------===//

void bindTypes(py::module_ &m);
void bindPacked(py::module_ &m);
void bindRun(py::module_ &m);
void bindCompile(py::module_ &m);

/// The caster of a bound class whose instances must be constructed: Python
/// can make one without running its __init__ (`T.__new__(T)`), and
/// pybind11 would then give the bindings uninitialized memory (it allocates
/// a missing value lazily, for __init__ to construct in place). A TypeError
/// instead.
template <typename T>
class ConstructedCaster : public py::detail::type_caster_base<T> {
public:
  bool load(py::handle src, bool convert) {
    if (!py::detail::type_caster_base<T>::load(src, convert))
      return false;
    if (!PyObject_TypeCheck(src.ptr(), this->typeinfo->type))
      return true; // an implicit conversion, constructed
    auto *instance = reinterpret_cast<py::detail::instance *>(src.ptr());
    if (!instance->get_value_and_holder(this->typeinfo).holder_constructed())
      throw py::type_error(std::string(this->typeinfo->type->tp_name) +
                           " object is not initialized (made by __new__ "
                           "without __init__)");
    return true;
  }
};

} // namespace anybit::python

template <>
class pybind11::detail::type_caster<anybit::python::PackedArray>
    : public anybit::python::ConstructedCaster<anybit::python::PackedArray> {};

#endif // ANYBIT_PYTHON_CORE_H
