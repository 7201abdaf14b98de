//===- Types.cpp - dtype strings, encodings and tensor types --------------===//

#include "Core.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/stl.h>

using namespace mlir;

namespace anybit::python {

std::string printed(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

std::string printed(Attribute attr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  attr.print(os);
  return text;
}

static const char *kDtypeHelp =
    "expected 'iN', 'uiN' or 'siN' with N in 1..64, a float format such as "
    "'e3m2', 'e2m1' or 'e4m3, fn', or an MLIR number type such as "
    "'f8E4M3FN', 'f6E3M2FN', 'f4E2M1FN', 'f8E8M0FNU', 'f16', 'bf16', 'f32'";

/// The builtin float types by lower-case name.
static Type builtinFloat(MLIRContext *ctx, StringRef lower) {
  Builder b(ctx);
  if (lower == "f16")
    return b.getF16Type();
  if (lower == "bf16")
    return b.getBF16Type();
  if (lower == "f32")
    return b.getF32Type();
  if (lower == "f64")
    return b.getF64Type();
  if (lower == "f4e2m1fn")
    return b.getType<Float4E2M1FNType>();
  if (lower == "f6e2m3fn")
    return b.getType<Float6E2M3FNType>();
  if (lower == "f6e3m2fn")
    return b.getType<Float6E3M2FNType>();
  if (lower == "f8e4m3fn")
    return b.getType<Float8E4M3FNType>();
  if (lower == "f8e5m2")
    return b.getType<Float8E5M2Type>();
  if (lower == "f8e4m3")
    return b.getType<Float8E4M3Type>();
  if (lower == "f8e3m4")
    return b.getType<Float8E3M4Type>();
  if (lower == "f8e8m0fnu")
    return b.getType<Float8E8M0FNUType>();
  if (lower == "index")
    return b.getIndexType();
  return {};
}

/// numpy-style and OCP-style spellings of the types above.
static StringRef alias(StringRef lower) {
  return llvm::StringSwitch<StringRef>(lower)
      .Case("bool", "i1")
      .Case("int8", "i8")
      .Case("int16", "i16")
      .Case("int32", "i32")
      .Case("int64", "i64")
      .Case("uint8", "ui8")
      .Case("uint16", "ui16")
      .Case("uint32", "ui32")
      .Case("uint64", "ui64")
      .Cases({"float16", "half"}, "f16")
      .Case("float32", "f32")
      .Case("float64", "f64")
      .Case("bfloat16", "bf16")
      .Case("e4m3fn", "e4m3, fn")
      .Case("e8m0fnu", "e8m0, unsigned, fn, nozero")
      .Default(lower);
}

Type parseDtype(const std::string &raw) {
  MLIRContext *ctx = &getContext();
  StringRef text = StringRef(raw).trim();
  if (text.empty())
    throwValueError("empty dtype; " + std::string(kDtypeHelp));
  std::string lowerText = text.lower();
  StringRef lower = alias(lowerText);

  // iN, uiN, siN.
  {
    StringRef rest = lower;
    IntegerType::SignednessSemantics signedness = IntegerType::Signless;
    if (rest.consume_front("ui"))
      signedness = IntegerType::Unsigned;
    else if (rest.consume_front("si"))
      signedness = IntegerType::Signed;
    else if (!rest.consume_front("i"))
      rest = "";
    if (!rest.empty() && llvm::all_of(rest, llvm::isDigit)) {
      unsigned width = 0;
      if (rest.size() > 4 || rest.getAsInteger(10, width) || width < 1 ||
          width > 64)
        throwValueError("integer dtype '" + raw +
                        "' must have a width of 1..64 bits");
      return IntegerType::get(ctx, width, signedness);
    }
  }

  if (Type t = builtinFloat(ctx, lower))
    return t;

  // Float formats: e<E>m<M>[, options].
  if (lower.size() >= 2 && lower[0] == 'e' && llvm::isDigit(lower[1])) {
    std::string error;
    std::optional<FloatFormat> format = FloatFormat::parse(lower, &error);
    if (!format)
      throwValueError("invalid float format dtype '" + raw + "': " + error);
    return FloatFormatType::get(ctx, *format);
  }

  // Any other MLIR type text (e.g. "!anybit.float<e3m2>").
  Type type;
  {
    DiagnosticCapture capture(/*withLocations=*/false);
    type = mlir::parseType(text, ctx);
  }
  if (type && isNumericElementType(type))
    return type;
  if (type)
    throwValueError("dtype '" + raw + "' is the MLIR type " + printed(type) +
                    ", which Anybit does not handle as a number; " +
                    kDtypeHelp);
  throwValueError("unknown dtype '" + raw + "'; " + kDtypeHelp);
}

Type dtypeFromObject(py::handle obj) {
  if (py::isinstance<py::str>(obj))
    return parseDtype(obj.cast<std::string>());
  if (obj.is_none())
    throwValueError(std::string("a dtype is required; ") + kDtypeHelp);
  py::dtype dt;
  try {
    dt = py::dtype::from_args(py::reinterpret_borrow<py::object>(obj));
  } catch (py::error_already_set &) {
    throwValueError("unknown dtype " + py::repr(obj).cast<std::string>() +
                    "; " + kDtypeHelp);
  }
  char kind = dt.kind();
  int bits = static_cast<int>(dt.itemsize()) * 8;
  MLIRContext *ctx = &getContext();
  if (kind == 'b')
    return IntegerType::get(ctx, 1);
  if (kind == 'i' && bits <= 64)
    return IntegerType::get(ctx, bits);
  if (kind == 'u' && bits <= 64)
    return IntegerType::get(ctx, bits, IntegerType::Unsigned);
  if (kind == 'f' && (bits == 16 || bits == 32 || bits == 64))
    return parseDtype("f" + std::to_string(bits));
  throwValueError("numpy dtype " + py::str(dt).cast<std::string>() +
                  " has no Anybit equivalent; " + kDtypeHelp);
}

std::string dtypeName(Type type) {
  if (auto f = dyn_cast<FloatFormatType>(type))
    return f.getFormat().str();
  return printed(type);
}

//===----------------------------------------------------------------------===//
// Encodings
//===----------------------------------------------------------------------===//

static PackedEncodingAttr encodingFromText(const std::string &raw) {
  MLIRContext *ctx = &getContext();
  std::string text = StringRef(raw).trim().str();
  if (text.empty())
    text = "#anybit.packed<>";
  else if (text[0] == '<')
    text = "#anybit.packed" + text;
  else if (text[0] != '#')
    text = "#anybit.packed<" + text + ">";
  Attribute attr;
  std::string diagnostics;
  {
    DiagnosticCapture capture(/*withLocations=*/false);
    attr = mlir::parseAttribute(text, ctx);
    diagnostics = capture.text("cannot parse it");
  }
  if (!attr)
    throwValueError("invalid encoding '" + raw + "': " + diagnostics);
  auto enc = dyn_cast<PackedEncodingAttr>(attr);
  if (!enc)
    throwValueError("encoding '" + raw + "' is " + printed(attr) +
                    ", not an #anybit.packed<...> encoding");
  return enc;
}

static PackedEncodingAttr encodingFromDict(const py::dict &dict) {
  MLIRContext *ctx = &getContext();
  unsigned word = 8;
  bool straddle = true, base3 = false;
  llvm::SmallVector<int64_t> block, tile, bitPlanes;
  Type scale, zeroPoint;
  // A list of ints; errors name the key (shapeFromObject speaks of
  // shapes).
  auto ints = [](py::handle value, const std::string &name) {
    try {
      return shapeFromObject(value);
    } catch (py::value_error &e) {
      throwValueError("encoding key '" + name + "': " + e.what());
    }
  };
  for (auto [key, value] : dict) {
    std::string name = py::str(key).cast<std::string>();
    if (value.is_none())
      continue;
    try {
      if (name == "word") {
        int64_t w = value.cast<int64_t>();
        word = (w > 0 && w <= 1024) ? static_cast<unsigned>(w) : 0;
      } else if (name == "straddle") {
        straddle = value.cast<bool>();
      } else if (name == "base3") {
        base3 = value.cast<bool>();
      } else if (name == "block") {
        block = ints(value, name);
      } else if (name == "tile") {
        tile = ints(value, name);
      } else if (name == "bit_planes") {
        bitPlanes = ints(value, name);
      } else if (name == "scale") {
        scale = dtypeFromObject(value);
      } else if (name == "zero_point" || name == "zero_points") {
        zeroPoint = dtypeFromObject(value);
      } else {
        throwValueError("unknown encoding key '" + name +
                        "'; expected word, straddle, base3, block, scale, "
                        "zero_point, tile or bit_planes");
      }
    } catch (py::cast_error &) {
      throwValueError("encoding key '" + name + "' has a value of the wrong "
                      "type: " + py::repr(value).cast<std::string>());
    }
  }
  PackedEncodingAttr enc;
  std::string diagnostics;
  {
    DiagnosticCapture capture(/*withLocations=*/false);
    enc = PackedEncodingAttr::getChecked(
        [&] { return mlir::emitError(UnknownLoc::get(ctx)); }, ctx, word,
        straddle, ArrayRef<int64_t>(block), scale, zeroPoint, base3,
        ArrayRef<int64_t>(tile), ArrayRef<int64_t>(bitPlanes));
    diagnostics = capture.text();
  }
  if (!enc)
    throwValueError("invalid encoding " +
                    py::repr(dict).cast<std::string>() + ": " + diagnostics);
  return enc;
}

PackedEncodingAttr encodingFromObject(py::handle obj) {
  if (obj.is_none())
    return encodingFromText("");
  if (py::isinstance<py::str>(obj))
    return encodingFromText(obj.cast<std::string>());
  if (py::isinstance<py::dict>(obj))
    return encodingFromDict(py::reinterpret_borrow<py::dict>(obj));
  throwValueError("an encoding is None, an '#anybit.packed<...>' string or a "
                  "dict, got " +
                  py::repr(obj).cast<std::string>());
}

llvm::SmallVector<int64_t> shapeFromObject(py::handle obj) {
  llvm::SmallVector<int64_t> shape;
  auto dim = [&](py::handle d) {
    if (py::isinstance<py::bool_>(d) || !py::hasattr(d, "__index__"))
      throwValueError("a shape holds integers, got " +
                      py::repr(d).cast<std::string>());
    py::object index = d.attr("__index__")();
    int64_t v;
    try {
      v = index.cast<int64_t>();
    } catch (py::cast_error &) {
      throwValueError("dimension " + py::repr(d).cast<std::string>() +
                      " is out of range");
    }
    if (v < 0)
      throwValueError("dimensions must not be negative, got " +
                      std::to_string(v));
    shape.push_back(v);
  };
  if (py::isinstance<py::str>(obj) || py::isinstance<py::bytes>(obj))
    throwValueError("a shape is an int or a sequence of ints, got " +
                    py::repr(obj).cast<std::string>());
  if (py::hasattr(obj, "__index__") && !py::isinstance<py::sequence>(obj)) {
    dim(obj);
    return shape;
  }
  if (!py::isinstance<py::sequence>(obj) && !py::hasattr(obj, "__iter__"))
    throwValueError("a shape is an int or a sequence of ints, got " +
                    py::repr(obj).cast<std::string>());
  for (py::handle d : obj)
    dim(d);
  return shape;
}

/// The reference VM's limit on the elements of one tensor.
static constexpr int64_t kMaxElements = int64_t(1) << 32;

RankedTensorType makeTensorType(ArrayRef<int64_t> shape, Type element,
                                PackedEncodingAttr encoding) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0)
      throwValueError("dimensions must not be negative");
    if (d != 0 && count > kMaxElements / d)
      throwValueError("tensor has more than 2^32 elements, the reference "
                      "VM's limit");
    count *= d;
  }
  if (count > kMaxElements)
    throwValueError("tensor has more than 2^32 elements, the reference VM's "
                    "limit");
  if (encoding) {
    std::string diagnostics;
    LogicalResult ok = failure();
    {
      DiagnosticCapture capture(/*withLocations=*/false);
      ok = encoding.verifyEncoding(shape, element, [&] {
        return mlir::emitError(UnknownLoc::get(&getContext()));
      });
      diagnostics = capture.text();
    }
    if (failed(ok)) {
      std::string shapeText;
      for (int64_t d : shape)
        shapeText += std::to_string(d) + "x";
      throwValueError("encoding " + printed(encoding) + " does not fit " +
                      shapeText + printed(element) + ": " + diagnostics);
    }
  }
  return RankedTensorType::get(shape, element, encoding);
}

void bindTypes(py::module_ &m) {
  m.def(
      "mlir_type",
      [](py::object dtype) {
        ContextLock lock;
        return printed(dtypeFromObject(dtype));
      },
      py::arg("dtype"),
      "The MLIR spelling of a dtype: mlir_type('e3m2') == "
      "'!anybit.float<e3m2>', mlir_type('ui4') == 'ui4'.");
  m.def(
      "canonical_dtype",
      [](py::object dtype) {
        ContextLock lock;
        return dtypeName(dtypeFromObject(dtype));
      },
      py::arg("dtype"),
      "The canonical dtype string: canonical_dtype('e4m3fn') == 'e4m3, fn', "
      "canonical_dtype(numpy.uint8) == 'ui8'.");
  m.def(
      "encoding_text",
      [](py::object encoding) {
        ContextLock lock;
        return printed(encodingFromObject(encoding));
      },
      py::arg("encoding"),
      "The MLIR text of an encoding given as None, a string or a dict, e.g. "
      "encoding_text({'block': [1, 32], 'scale': 'f16'}) == "
      "'#anybit.packed<block = [1, 32], scale = f16>'.");
  m.def(
      "tensor_type",
      [](py::object shape, py::object dtype, py::object encoding) {
        ContextLock lock;
        PackedEncodingAttr enc =
            encoding.is_none() ? PackedEncodingAttr()
                               : encodingFromObject(encoding);
        return printed(makeTensorType(shapeFromObject(shape),
                                      dtypeFromObject(dtype), enc));
      },
      py::arg("shape"), py::arg("dtype"), py::arg("encoding") = py::none(),
      "The MLIR tensor type of a shape, dtype and optional encoding, e.g. "
      "tensor_type((4, 64), 'i4', {'block': [1, 32], 'scale': 'f16'}) == "
      "'tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>'. "
      "Handy for writing kernel signatures.");
}

} // namespace anybit::python
