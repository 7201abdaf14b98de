//===- Packed.cpp - PackedArray, pack and unpack --------------------------===//
//
// pack and unpack do exactly what anybit.pack / anybit.unpack do in the
// reference VM: values are converted with ValueIO's rules (floats round to
// nearest even into the element type, integers wrap) and laid out by the
// encoding's BitLayout; scales and zero points are packed densely.
//
//===----------------------------------------------------------------------===//

#include "Core.h"

#include "Anybit/ElementTypes.h"
#include "anybit/Interp/ValueIO.h"
#include "anybit/Support/BitPacking.h"

#include <pybind11/stl.h>

#include <numeric>

using namespace mlir;

namespace anybit::python {

static BitLayout denseLayout(Type elementType) {
  BitLayout layout;
  layout.bits = getElementBitWidth(elementType);
  return layout;
}

static std::vector<uint8_t> packPlane(ArrayRef<uint64_t> values,
                                      const BitLayout &layout) {
  std::vector<uint8_t> bytes(layout.storageBytes(values.size()));
  packBits(values.data(), values.size(), layout, bytes.data());
  return bytes;
}

static std::vector<uint64_t> unpackPlane(ArrayRef<uint8_t> bytes,
                                         uint64_t count,
                                         const BitLayout &layout) {
  std::vector<uint64_t> values(count);
  if (count)
    unpackBits(bytes.data(), count, layout, values.data());
  return values;
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + (shape.size() == 1 ? ",)" : ")");
}

/// The logical tensor type of the scale or zero-point plane.
static RankedTensorType gridType(RankedTensorType packed, Type element) {
  auto enc = cast<PackedEncodingAttr>(packed.getEncoding());
  return RankedTensorType::get(enc.getBlockGridShape(packed.getShape()),
                               element);
}

/// Packs one block plane (scales or zero points) given as logical values.
static std::vector<uint8_t> blockPlane(RankedTensorType packed, Type element,
                                       py::handle values,
                                       const std::string &what) {
  auto enc = cast<PackedEncodingAttr>(packed.getEncoding());
  if (!element) {
    if (!values.is_none())
      throwValueError("the encoding " + printed(enc) + " has no " + what +
                      ", but " + what + " were given");
    return {};
  }
  RankedTensorType type = gridType(packed, element);
  if (values.is_none())
    throwValueError("the encoding " + printed(enc) + " needs " + what +
                    ": an array of shape " + shapeString(type.getShape()) +
                    " (the block grid) of " + dtypeName(element) + " values");
  RtValue logical = logicalFromObject(values, type, what);
  return packPlane(logical.getElements(), denseLayout(element));
}

static RtValue assemblePacked(RankedTensorType type, std::vector<uint8_t> data,
                              py::handle scales, py::handle zeroPoints) {
  auto enc = cast<PackedEncodingAttr>(type.getEncoding());
  PackedPlanes planes;
  planes.data = std::move(data);
  planes.scales = blockPlane(type, enc.getScale(), scales, "scales");
  planes.zeroPoints =
      blockPlane(type, enc.getZeroPoint(), zeroPoints, "zero points");
  return RtValue::packedTensor(type, std::move(planes));
}

RtValue makePackedValue(RankedTensorType type, py::handle data,
                        py::handle scales, py::handle zeroPoints) {
  auto enc = cast<PackedEncodingAttr>(type.getEncoding());
  uint64_t expected = enc.getDataBytes(type.getShape(), type.getElementType());
  NpyArray bytes = npyFromObject(data, "data");
  if (bytes.dtype != "u1" || bytes.shape.size() != 1 ||
      static_cast<uint64_t>(bytes.shape[0]) != expected)
    throwValueError("the data plane of " + printed(type) +
                    " is a 1-D uint8 array of " + std::to_string(expected) +
                    " bytes, got dtype '" + bytes.dtype + "' shape " +
                    shapeString(bytes.shape));
  {
    DiagnosticCapture capture(/*withLocations=*/false);
    if (failed(checkPackedTrits(bytes.data.data(), type,
                                UnknownLoc::get(&getContext()))))
      throwValueError("data: " + capture.text());
  }
  return assemblePacked(type, std::move(bytes.data), scales, zeroPoints);
}

static std::optional<RtValue> blockValues(const RtValue &packed, Type element,
                                          ArrayRef<uint8_t> plane) {
  if (!element)
    return std::nullopt;
  auto type = cast<RankedTensorType>(packed.getType());
  RankedTensorType grid = gridType(type, element);
  return RtValue::tensor(grid, unpackPlane(plane, grid.getNumElements(),
                                           denseLayout(element)));
}

std::optional<RtValue> scalesOf(const RtValue &packed) {
  auto enc = cast<PackedEncodingAttr>(
      cast<RankedTensorType>(packed.getType()).getEncoding());
  return blockValues(packed, enc.getScale(), packed.getPlanes().scales);
}

std::optional<RtValue> zeroPointsOf(const RtValue &packed) {
  auto enc = cast<PackedEncodingAttr>(
      cast<RankedTensorType>(packed.getType()).getEncoding());
  return blockValues(packed, enc.getZeroPoint(),
                     packed.getPlanes().zeroPoints);
}

static py::object optionalArray(const std::optional<RtValue> &value) {
  if (!value)
    return py::none();
  return logicalToNumpy(*value);
}

static uint64_t totalBytes(const PackedArray &p) {
  return p.getValue().getPlanes().bytes.size();
}

static py::tuple shapeTuple(ArrayRef<int64_t> shape) {
  py::tuple t(shape.size());
  for (auto [i, d] : llvm::enumerate(shape))
    t[i] = py::int_(d);
  return t;
}

//===----------------------------------------------------------------------===//
// pack / unpack
//===----------------------------------------------------------------------===//

// The VM's value of a whole array holds 8 bytes an element: for 4096 x 4096
// that was 128 MiB to zero and fault in, most of pack's and unpack's 0.6-0.8
// s. Where storage order is row-major and elements fill whole container
// words in runs, pack and unpack convert and lay out a run at a time with
// the same ValueIO conversion and BitLayout code.

/// Elements a run of packInRuns and unpackInRuns holds at most.
constexpr uint64_t kRunElements = 16384;

/// The elements whose bits fill whole container words of `layout`, so
/// that a run of a multiple of them starts a word; 0 where a run is not
/// laid out alone (bit planes).
static uint64_t runUnit(const BitLayout &layout) {
  if (layout.hasBitPlanes())
    return 0;
  if (layout.base3)
    return kBase3Digits;
  if (!layout.straddle)
    return layout.wordBits / layout.bits;
  return layout.wordBits / std::gcd(layout.bits, layout.wordBits);
}

/// The BitLayout `type`'s data plane takes in runs of a multiple of
/// runUnit elements, if any: untiled (row-major storage), and elements
/// converted one by one (integers, trits and floats; residues' moduli
/// depend on where an element lies).
static std::optional<BitLayout> runLayout(RankedTensorType type) {
  PackedEncodingAttr enc = getPackedEncoding(type);
  Type element = type.getElementType();
  if (!enc || enc.isTiled() ||
      (!isa<IntegerType, TritType>(element) && !isAnyFloat(element)))
    return std::nullopt;
  BitLayout layout = enc.getBitLayout(element);
  if (!runUnit(layout))
    return std::nullopt;
  return layout;
}

/// Elements [first, first + count) of `view` as the VM's values of
/// `element`, or failure (whose diagnostic is dropped: the caller converts
/// the whole array to report it with the element's index).
static FailureOr<RtValue> runValues(const NumpyView &view, Type element,
                                    uint64_t first, uint64_t count) {
  NpyArray run;
  run.dtype = view.dtype;
  run.shape = {int64_t(count)};
  size_t size = run.elementSize();
  auto *in = static_cast<const uint8_t *>(view.array.data()) + first * size;
  run.data.assign(in, in + count * size);
  DiagnosticCapture capture(/*withLocations=*/false);
  return valueFromNpy(run, RankedTensorType::get({int64_t(count)}, element),
                      UnknownLoc::get(&getContext()));
}

/// The data plane of `type` (runLayout's `layout`) holding `view`'s
/// values, converted and packed a run at a time; nullopt where a value
/// does not convert.
static std::optional<std::vector<uint8_t>> packInRuns(const NumpyView &view,
                                                      RankedTensorType type,
                                                      const BitLayout &layout) {
  uint64_t count = type.getNumElements();
  uint64_t run = llvm::alignTo(kRunElements, runUnit(layout));
  std::vector<uint8_t> bytes(layout.storageBytes(count));
  for (uint64_t first = 0; first < count; first += run) {
    uint64_t n = std::min(run, count - first);
    FailureOr<RtValue> values =
        runValues(view, type.getElementType(), first, n);
    if (failed(values))
      return std::nullopt;
    packBits(values->getElements().data(), n, layout,
             bytes.data() + layout.storageBytes(first));
  }
  return bytes;
}

/// `packed`'s elements (runLayout's `layout`) as a numpy array of their
/// travel dtype, unpacked and converted a run at a time.
static py::array unpackInRuns(const PackedArray &packed,
                              const BitLayout &layout) {
  RankedTensorType type = packed.getType();
  Type element = type.getElementType();
  uint64_t count = type.getNumElements();
  py::dtype dtype("<" + getTravelDtype(element));
  py::array result(dtype, std::vector<py::ssize_t>(type.getShape().begin(),
                                                   type.getShape().end()));
  auto *out = static_cast<uint8_t *>(result.mutable_data());
  const uint8_t *data = packed.getValue().getPlanes().data.data();
  uint64_t run = llvm::alignTo(kRunElements, runUnit(layout));
  std::vector<uint64_t> values(std::min(run, count));
  for (uint64_t first = 0; first < count; first += run) {
    uint64_t n = std::min(run, count - first);
    values.resize(n);
    unpackBits(data + layout.storageBytes(first), n, layout, values.data());
    writeTravelElements(element, values, out + first * dtype.itemsize());
  }
  return result;
}

static PackedArray pack(py::object array, py::object dtype,
                        py::object encoding, py::object scales,
                        py::object zeroPoints) {
  ContextLock lock;
  Type element = dtypeFromObject(dtype);
  PackedEncodingAttr enc = encodingFromObject(encoding);
  NumpyView view = numpyViewOf(array, "array");
  RankedTensorType type = makeTensorType(view.shape, element, enc);
  // (An empty array converts no run, whose checks of its dtype it needs.)
  std::optional<BitLayout> layout;
  if (type.getNumElements() > 0)
    layout = runLayout(type);
  if (layout)
    if (std::optional<std::vector<uint8_t>> data =
            packInRuns(view, type, *layout))
      return PackedArray(
          assemblePacked(type, std::move(*data), scales, zeroPoints));
  NpyArray npy = npyFromObject(view.array, "array");
  RtValue logical =
      logicalFromNpy(npy, makeTensorType(npy.shape, element), "array");
  std::vector<uint8_t> data =
      enc.packData(type.getShape(), element, logical.getElements());
  return PackedArray(assemblePacked(type, std::move(data), scales, zeroPoints));
}

static py::array unpack(const PackedArray &packed) {
  ContextLock lock;
  RankedTensorType type = packed.getType();
  if (std::optional<BitLayout> layout = runLayout(type))
    return unpackInRuns(packed, *layout);
  PackedEncodingAttr enc = packed.getEncoding();
  Type element = type.getElementType();
  RankedTensorType logical = RankedTensorType::get(type.getShape(), element);
  return logicalToNumpy(RtValue::tensor(
      logical, enc.unpackData(type.getShape(), element,
                              packed.getValue().getPlanes().data)));
}

//===----------------------------------------------------------------------===//
// Bindings
//===----------------------------------------------------------------------===//

static const char *kPackedArrayDoc = R"doc(A tensor in an ``#anybit.packed`` encoding, bit for bit.

Attributes:
    data: the data plane, a read-only 1-D ``uint8`` numpy array laid out as
        the encoding states (element ``i`` at bits ``[i*n, (i+1)*n)``,
        LSB-first, rounded up to whole container words).
    scales: the block scales as a numpy array of the block-grid shape
        (``float16`` for f16 scales, ``float32`` for every other scale type),
        or None when the encoding has no blocks.
    zero_points: the block zero points (the smallest numpy integer dtype
        holding the zero-point type), or None.
    dtype: the element dtype string, e.g. ``"i3"``, ``"ui4"``, ``"e3m2"``,
        ``"e4m3, fn"``, ``"f8E4M3FN"``.
    shape: the logical shape, a tuple.
    encoding: the MLIR encoding text, e.g.
        ``#anybit.packed<block = [1, 32], scale = f16>``.
    type: the full MLIR tensor type, e.g.
        ``tensor<4x64xi4, #anybit.packed<block = [1, 32], scale = f16>>``,
        as a kernel signature states it.
    nbytes: bytes of all planes together (data, scales, zero points).

Build one with :func:`anybit.pack` or :func:`anybit.quantize`, or from its
planes: ``PackedArray(data, dtype, shape, encoding=None, scales=None,
zero_points=None)``, where ``data`` is exactly the data plane and scales and
zero points are logical values of the block-grid shape. PackedArrays are
immutable; two compare equal when their types and bytes are equal.
)doc";

void bindPacked(py::module_ &m) {
  py::class_<PackedArray>(m, "PackedArray", kPackedArrayDoc)
      .def(py::init([](py::object data, py::object dtype, py::object shape,
                       py::object encoding, py::object scales,
                       py::object zeroPoints) {
             ContextLock lock;
             RankedTensorType type =
                 makeTensorType(shapeFromObject(shape), dtypeFromObject(dtype),
                                encodingFromObject(encoding));
             return PackedArray(
                 makePackedValue(type, data, scales, zeroPoints));
           }),
           py::arg("data"), py::arg("dtype"), py::arg("shape"),
           py::arg("encoding") = py::none(), py::arg("scales") = py::none(),
           py::arg("zero_points") = py::none(),
           "Builds a PackedArray from its data plane (1-D uint8, exactly as "
           "many bytes as the encoding states), dtype, shape, encoding "
           "(None, an MLIR string or a dict) and, for block encodings, the "
           "scales and zero points as logical values of the block-grid "
           "shape.")
      .def_property_readonly(
          "data",
          [](py::object self) {
            const PackedArray &p = self.cast<const PackedArray &>();
            ArrayRef<uint8_t> bytes = p.getValue().getPlanes().data;
            py::array_t<uint8_t> view(
                {static_cast<py::ssize_t>(bytes.size())}, {py::ssize_t(1)},
                bytes.data(), self);
            view.attr("setflags")(py::arg("write") = false);
            return view;
          },
          "The data plane: a read-only 1-D uint8 array.")
      .def_property_readonly(
          "scales",
          [](const PackedArray &p) {
            ContextLock lock;
            return optionalArray(scalesOf(p.getValue()));
          },
          "The block scales (block-grid shape; float16 for f16 scales, else "
          "float32), or None.")
      .def_property_readonly(
          "zero_points",
          [](const PackedArray &p) {
            ContextLock lock;
            return optionalArray(zeroPointsOf(p.getValue()));
          },
          "The block zero points (block-grid shape), or None.")
      .def_property_readonly(
          "dtype",
          [](const PackedArray &p) {
            ContextLock lock;
            return dtypeName(p.getType().getElementType());
          },
          "The element dtype string, e.g. 'i3', 'ui4', 'e3m2', 'f8E4M3FN'.")
      .def_property_readonly(
          "shape",
          [](const PackedArray &p) { return shapeTuple(p.getType().getShape()); },
          "The logical shape.")
      .def_property_readonly(
          "ndim", [](const PackedArray &p) { return p.getType().getRank(); },
          "The number of dimensions.")
      .def_property_readonly(
          "size",
          [](const PackedArray &p) { return p.getType().getNumElements(); },
          "The number of elements.")
      .def_property_readonly(
          "encoding",
          [](const PackedArray &p) {
            ContextLock lock;
            return printed(p.getEncoding());
          },
          "The MLIR encoding text, e.g. "
          "'#anybit.packed<block = [1, 32], scale = f16>'.")
      .def_property_readonly(
          "type",
          [](const PackedArray &p) {
            ContextLock lock;
            return printed(p.getType());
          },
          "The MLIR tensor type, as a kernel signature states it.")
      .def_property_readonly("nbytes", &totalBytes,
                             "Bytes of the data, scale and zero-point planes "
                             "together.")
      .def(
          "tobytes",
          [](const PackedArray &p) {
            ArrayRef<uint8_t> bytes = p.getValue().getPlanes().bytes;
            return py::bytes(reinterpret_cast<const char *>(bytes.data()),
                             bytes.size());
          },
          "The planes concatenated (data, scales, zero points): how a packed "
          "tensor travels across tools (anybit-run .npy files).")
      .def(
          "__eq__",
          [](const PackedArray &a, py::object other) -> py::object {
            if (!py::isinstance<PackedArray>(other))
              return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            const PackedArray &b = other.cast<const PackedArray &>();
            return py::bool_(a.getType() == b.getType() &&
                             a.getValue().getPlanes().bytes ==
                                 b.getValue().getPlanes().bytes);
          },
          py::is_operator())
      .def("__repr__", [](const PackedArray &p) {
        ContextLock lock;
        std::string shape;
        for (auto [i, d] : llvm::enumerate(p.getType().getShape()))
          shape += (i ? ", " : "") + std::to_string(d);
        if (p.getType().getRank() == 1)
          shape += ",";
        return "PackedArray(dtype='" + dtypeName(p.getType().getElementType()) +
               "', shape=(" + shape + "), encoding='" +
               printed(p.getEncoding()) + "', nbytes=" +
               std::to_string(totalBytes(p)) + ")";
      });
  // Unhashable, like numpy arrays (it defines __eq__).
  m.attr("PackedArray").attr("__hash__") = py::none();

  m.def("pack", &pack, py::arg("array"), py::arg("dtype"),
        py::arg("encoding") = py::none(), py::arg("scales") = py::none(),
        py::arg("zero_points") = py::none(),
        "Packs array into dtype with encoding; see anybit.pack.");
  m.def("unpack", &unpack, py::arg("packed"),
        "The element values of a PackedArray; see anybit.unpack.");
}

} // namespace anybit::python
