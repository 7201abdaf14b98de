//===- Invoke.cpp - Calling compiled entries on buffers -------------------===//
//
// Values in and out of the calling convention (CPU.h): logical tensors are
// written element by element into their storage width, packed tensors are
// passed in the storage they keep their planes in, back to back, which is
// their buffer, so that a call never copies weights.
//
//===----------------------------------------------------------------------===//

#include "anybit/Target/CPU.h"

#include "Anybit/AnybitDialect.h"
#include "anybit/Interp/ElementCodec.h"
#include <cassert>
#include <cstring>

using namespace mlir;

namespace anybit {

uint64_t getCPUBufferBytes(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  Type element = tensor ? tensor.getElementType() : type;
  if (auto enc = getPackedEncoding(type))
    return enc.getTotalBytes(tensor.getShape(), element);
  int64_t count = tensor ? tensor.getNumElements() : 1;
  return uint64_t(getCPUStorageBytes(element)) * count;
}

std::vector<uint8_t> makeCPUBuffer(Type type) {
  return std::vector<uint8_t>(std::max<uint64_t>(getCPUBufferBytes(type), 8));
}

bool isCPUBufferTravelForm(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || tensor.getEncoding())
    return false;
  Type element = tensor.getElementType();
  if (auto integer = dyn_cast<IntegerType>(element))
    // A 1-bit integer comes back zero-extended: 0 or 1, as i1 and ui1
    // travel (bool, uint8), but si1's set bit travels as -1.
    return integer.getWidth() > 1 || !integer.isSigned();
  return element.isF16() || element.isF32() || element.isF64();
}

void writeCPUBuffer(const RtValue &value, MutableArrayRef<uint8_t> buffer) {
  if (value.isPacked()) {
    ArrayRef<uint8_t> bytes = value.getPlanes().bytes;
    std::memcpy(buffer.data(), bytes.data(), bytes.size());
    return;
  }
  unsigned size = getCPUStorageBytes(value.getElementType());
  for (auto [i, bits] : llvm::enumerate(value.getElements()))
    std::memcpy(buffer.data() + i * size, &bits, size);
}

RtValue readCPUBuffer(Type type, std::vector<uint8_t> buffer) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (getPackedEncoding(type)) {
    buffer.resize(getCPUBufferBytes(type));
    return RtValue::packedTensor(tensor, std::move(buffer));
  }
  Type element = tensor ? tensor.getElementType() : type;
  unsigned size = getCPUStorageBytes(element);
  ElementCodec codec(element);
  int64_t count = tensor ? tensor.getNumElements() : 1;
  std::vector<uint64_t> elements(count);
  for (int64_t i = 0; i < count; ++i) {
    uint64_t bits = 0;
    std::memcpy(&bits, buffer.data() + i * size, size);
    elements[i] = bits & codec.getMask(); // high bits are unspecified
  }
  if (tensor)
    return RtValue::tensor(tensor, std::move(elements));
  return RtValue::scalar(type, elements[0]);
}

FailureOr<void (*)(void **)> CPUExecutable::lookupPacked(StringRef entry,
                                                       Location loc) {
  void (*fn)(void **) = entries.lookup(entry);
  if (!fn)
    return emitError(loc) << "no public function named '" << entry << "'";
  return fn;
}

FunctionType CPUExecutable::getSignature(StringRef entry) const {
  return signatures.lookup(entry);
}

void CPUExecutable::invoke(StringRef entry, ArrayRef<const void *> args,
                           ArrayRef<void *> results) const {
  FunctionType type = signatures.lookup(entry);
  // The packed wrapper reads scalars through their pointer and tensors'
  // buffer addresses through a pointer to each.
  SmallVector<const void *> argAddresses(args);
  SmallVector<void *> resultAddresses(results);
  SmallVector<void *> packed;
  for (auto [address, t] : llvm::zip_equal(argAddresses, type.getInputs()))
    packed.push_back(isa<TensorType>(t) ? static_cast<void *>(&address)
                                        : const_cast<void *>(address));
  for (void *&address : resultAddresses)
    packed.push_back(&address);
  void (*fn)(void **) = entries.lookup(entry);
  assert(fn && "invoke: no public function of that name (getSignature)");
  fn(packed.data());
}

FailureOr<SmallVector<RtValue>>
CPUExecutable::run(StringRef entry, ArrayRef<RtValue> args, Location loc) {
  auto it = signatures.find(entry);
  if (it == signatures.end())
    return emitError(loc) << "no public function named '" << entry << "'";
  FunctionType type = it->second;
  if (args.size() != type.getNumInputs())
    return emitError(loc) << "'" << entry << "' takes " << type.getNumInputs()
                          << " arguments, got " << args.size();
  for (auto [i, arg, expected] : llvm::enumerate(args, type.getInputs()))
    if (arg.getType() != expected)
      return emitError(loc) << "argument " << i << " of '" << entry
                            << "' must be " << expected << ", got "
                            << arg.getType();

  SmallVector<std::vector<uint8_t>> inputs;
  SmallVector<const void *> argBuffers;
  for (const RtValue &arg : args) {
    if (arg.isPacked() && !arg.getPlanes().bytes.empty()) {
      argBuffers.push_back(arg.getPlanes().bytes.data());
      continue;
    }
    inputs.push_back(makeCPUBuffer(arg.getType()));
    writeCPUBuffer(arg, inputs.back());
    argBuffers.push_back(inputs.back().data());
  }
  SmallVector<std::vector<uint8_t>> outputs;
  SmallVector<void *> resultBuffers;
  for (Type result : type.getResults()) {
    outputs.push_back(makeCPUBuffer(result));
    resultBuffers.push_back(outputs.back().data());
  }
  invoke(entry, argBuffers, resultBuffers);
  SmallVector<RtValue> results;
  for (auto [result, buffer] : llvm::zip_equal(type.getResults(), outputs))
    results.push_back(readCPUBuffer(result, std::move(buffer)));
  return results;
}

} // namespace anybit
