//===- Context.cpp - The process-wide context and error capture -----------===//

#include "Core.h"

#include "anybit/Interp/Interpreter.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Location.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace anybit::python {

MLIRContext &getContext() {
  // Leaked on purpose: PackedArray objects hold types of this context and
  // may outlive any static destructor.
  static MLIRContext *context = [] {
    // Every upstream dialect and extension is registered (loaded on demand),
    // as anybitc does: the CPU pipeline of anybit.compile lowers through
    // linalg, bufferization, memref, math, llvm... and needs their
    // interface models. The dialects the VM executes are loaded up front.
    DialectRegistry interpreterDialects;
    registerInterpreterDialects(interpreterDialects);
    DialectRegistry registry;
    registerAllDialects(registry);
    registerAllExtensions(registry);
    registerInterpreterDialects(registry);
    auto *ctx = new MLIRContext(registry, MLIRContext::Threading::DISABLED);
    for (StringRef name : interpreterDialects.getDialectNames())
      ctx->getOrLoadDialect(name);
    // The source line is shown already; the generic op dump is noise.
    ctx->printOpOnDiagnostic(false);
    return ctx;
  }();
  return *context;
}

std::recursive_mutex &contextMutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

void throwValueError(const std::string &message) {
  throw py::value_error(message);
}

std::string locationString(Location loc) {
  if (auto file = loc->findInstanceOf<FileLineColLoc>())
    return (file.getFilename().strref() + ":" + llvm::Twine(file.getLine()) +
            ":" + llvm::Twine(file.getColumn()))
        .str();
  if (auto name = loc->findInstanceOf<NameLoc>())
    return name.getName().str();
  if (isa<UnknownLoc>(loc))
    return "";
  std::string text;
  llvm::raw_string_ostream os(text);
  os << loc;
  return text;
}

static const char *severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

DiagnosticCapture::DiagnosticCapture(bool withLocations)
    : withLocations(withLocations) {
  id = getContext().getDiagEngine().registerHandler([this](Diagnostic &diag) {
    auto append = [&](Diagnostic &d) {
      if (!buffer.empty())
        buffer += "\n";
      if (this->withLocations) {
        std::string loc = locationString(d.getLocation());
        if (!loc.empty())
          buffer += loc + ": ";
        buffer += severityName(d.getSeverity());
        buffer += ": ";
      } else if (d.getSeverity() == DiagnosticSeverity::Note) {
        buffer += "note: ";
      }
      buffer += d.str();
    };
    append(diag);
    for (Diagnostic &note : diag.getNotes())
      append(note);
    return success();
  });
}

DiagnosticCapture::~DiagnosticCapture() {
  getContext().getDiagEngine().eraseHandler(id);
}

std::string DiagnosticCapture::text(const std::string &fallback) const {
  return buffer.empty() ? fallback : buffer;
}

} // namespace anybit::python
