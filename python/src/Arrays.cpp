//===- Arrays.cpp - numpy arrays to and from VM values --------------------===//

#include "Core.h"

#include "anybit/Interp/ValueIO.h"

#include <cstring>

using namespace mlir;

namespace anybit::python {

static std::string reprOf(py::handle obj) {
  return py::repr(obj).cast<std::string>();
}

/// A 0-d numpy array of a Python int: int64, or uint64 above its range.
static py::object arrayFromPythonInt(py::handle obj, const std::string &what,
                                     py::module_ &np) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
  if (overflow == 0 && !(v == -1 && PyErr_Occurred()))
    return np.attr("array")(v, py::arg("dtype") = "int64");
  PyErr_Clear();
  if (overflow > 0) {
    unsigned long long u = PyLong_AsUnsignedLongLong(obj.ptr());
    if (!PyErr_Occurred())
      return np.attr("array")(u, py::arg("dtype") = "uint64");
    PyErr_Clear();
  }
  throwValueError(what + ": the Python int " + reprOf(obj) +
                  " does not fit in 64 bits; pass a numpy array or a float");
}

NumpyView numpyViewOf(py::handle obj, const std::string &what) {
  py::module_ np = py::module_::import("numpy");
  py::object arr;
  if (py::isinstance<py::bool_>(obj))
    arr = np.attr("array")(obj, py::arg("dtype") = "bool");
  else if (PyLong_Check(obj.ptr()))
    arr = arrayFromPythonInt(obj, what, np);
  else if (py::isinstance<py::bytes>(obj) || PyByteArray_Check(obj.ptr()) ||
           PyMemoryView_Check(obj.ptr()))
    arr = np.attr("frombuffer")(obj, py::arg("dtype") = "uint8");
  else {
    try {
      arr = np.attr("asarray")(obj);
    } catch (py::error_already_set &e) {
      throwValueError(what + ": cannot convert " + reprOf(obj) +
                      " to a numpy array: " + e.what());
    }
  }
  py::dtype dt = arr.attr("dtype").cast<py::dtype>();
  char kind = dt.kind();
  size_t size = static_cast<size_t>(dt.itemsize());
  bool supported = (kind == 'b' && size == 1) ||
                   ((kind == 'i' || kind == 'u') &&
                    (size == 1 || size == 2 || size == 4 || size == 8)) ||
                   (kind == 'f' && (size == 2 || size == 4 || size == 8));
  if (!supported)
    throwValueError(what + ": numpy dtype " + py::str(dt).cast<std::string>() +
                    " is not supported; expected bool, an integer dtype or "
                    "float16/float32/float64");
  // C order, little-endian (ascontiguousarray would turn 0-d into 1-d).
  py::object little = dt.attr("newbyteorder")("<");
  NumpyView view;
  view.array = np.attr("asarray")(arr, py::arg("dtype") = little,
                                  py::arg("order") = "C");
  view.dtype = std::string(1, kind) + std::to_string(size);
  for (py::ssize_t i = 0; i < view.array.ndim(); ++i)
    view.shape.push_back(static_cast<int64_t>(view.array.shape(i)));
  return view;
}

NpyArray npyFromObject(py::handle obj, const std::string &what) {
  NumpyView view = numpyViewOf(obj, what);
  NpyArray out;
  out.dtype = view.dtype;
  out.shape = view.shape;
  size_t bytes = static_cast<size_t>(view.array.nbytes());
  out.data.resize(bytes);
  if (bytes)
    std::memcpy(out.data.data(), view.array.data(), bytes);
  return out;
}

py::array npyToNumpy(const NpyArray &array) {
  py::dtype dt("<" + array.dtype);
  std::vector<py::ssize_t> shape(array.shape.begin(), array.shape.end());
  py::array result(dt, shape);
  if (!array.data.empty())
    std::memcpy(result.mutable_data(), array.data.data(), array.data.size());
  return result;
}

RtValue logicalFromNpy(const NpyArray &array, Type type,
                       const std::string &what) {
  FailureOr<RtValue> value = failure();
  std::string diagnostics;
  {
    DiagnosticCapture capture(/*withLocations=*/false);
    value = valueFromNpy(array, type, UnknownLoc::get(&getContext()));
    diagnostics = capture.text();
  }
  if (failed(value))
    throwValueError(what + ": " + diagnostics);
  return *value;
}

RtValue logicalFromObject(py::handle obj, Type type, const std::string &what) {
  return logicalFromNpy(npyFromObject(obj, what), type, what);
}

py::array logicalToNumpy(const RtValue &value) {
  return npyToNumpy(valueToNpy(value));
}

} // namespace anybit::python
