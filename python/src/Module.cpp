//===- Module.cpp - The _anybit extension module --------------------------===//
//
// The native half of the `anybit` package. The public API, with its
// documentation, is python/anybit/__init__.py; this module is its engine.
//
//===----------------------------------------------------------------------===//

#include "Core.h"

using namespace anybit::python;

PYBIND11_MODULE(_anybit, m) {
  m.doc() = "Native engine of the anybit package (the Anybit reference VM, "
            "the CPU compiler, bit packing and number formats). Use the `anybit` package.";
  py::register_exception<CompileError>(m, "CompileError", PyExc_Exception);
  bindTypes(m);
  bindPacked(m);
  bindRun(m);
  bindCompile(m);
}
