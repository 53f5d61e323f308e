// Moving data between JavaScript typed arrays and tensors, tensor metadata, and the handle
// lifecycle (dispose, live count).
#include "common.h"

#include <cstring>

namespace latentlab {
namespace {

LATENTLAB_EXPORT(fromBuffer) {
  // fromBuffer(typedArray, shape, scalarType): copies, so JavaScript may reuse its buffer.
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "data must be a typed array");
  auto view = info[0].As<Napi::TypedArray>();
  std::vector<int64_t> shape = toIntVector(info[1], "shape");
  for (int64_t size : shape) {
    if (size < 0) throw Napi::RangeError::New(info.Env(), "shape must not contain negative sizes");
  }
  const auto dtype = static_cast<at::ScalarType>(argInt(info, 2, "dtype"));
  at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(dtype));
  const size_t bytes = tensor.numel() * tensor.element_size();
  if (bytes != view.ByteLength()) {
    throw Napi::RangeError::New(info.Env(), "data has " + std::to_string(view.ByteLength()) + " bytes but shape " +
                                                c10::str(tensor.sizes()) + " of " + c10::toString(dtype) + " needs " +
                                                std::to_string(bytes));
  }
  auto* source = static_cast<uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset();
  if (bytes > 0) std::memcpy(tensor.data_ptr(), source, bytes);
  return wrapTensor(info.Env(), std::move(tensor));
}

LATENTLAB_EXPORT(toBuffer) {
  // A copy of the tensor's elements, row-major, as an ArrayBuffer (moved to CPU if needed).
  at::Tensor tensor = unwrapTensor(info[0]).detach().to(at::kCPU).contiguous();
  const size_t bytes = tensor.numel() * tensor.element_size();
  auto buffer = Napi::ArrayBuffer::New(info.Env(), bytes);
  if (bytes > 0) std::memcpy(buffer.Data(), tensor.data_ptr(), bytes);
  return buffer;
}

LATENTLAB_EXPORT(shape) {
  const at::Tensor& tensor = unwrapTensor(info[0]);
  auto sizes = tensor.sizes();
  auto array = Napi::Array::New(info.Env(), sizes.size());
  for (size_t i = 0; i < sizes.size(); i++) array.Set(i, Napi::Number::New(info.Env(), static_cast<double>(sizes[i])));
  return array;
}

LATENTLAB_EXPORT(scalarType) {
  return Napi::Number::New(info.Env(), static_cast<int>(unwrapTensor(info[0]).scalar_type()));
}

LATENTLAB_EXPORT(device) { return Napi::String::New(info.Env(), unwrapTensor(info[0]).device().str()); }

LATENTLAB_EXPORT(dataPointer) {
  // Address of the first element: lets tests check that two tensors share storage.
  return Napi::BigInt::New(info.Env(), reinterpret_cast<uint64_t>(unwrapTensor(info[0]).data_ptr()));
}

LATENTLAB_EXPORT(share) {
  // A second handle to the same tensor (same storage and autograd identity).
  return wrapTensor(info.Env(), unwrapTensor(info[0]));
}

LATENTLAB_EXPORT(dispose) {
  releaseBox(info.Env(), unwrapBox(info[0], "dispose"));
  return info.Env().Undefined();
}

LATENTLAB_EXPORT(isDisposed) { return Napi::Boolean::New(info.Env(), !unwrapBox(info[0], "isDisposed")->live); }

LATENTLAB_EXPORT(liveHandles) { return Napi::Number::New(info.Env(), static_cast<double>(g_liveHandles.load())); }

}  // namespace

void initTensorData(Napi::Env env, Napi::Object exports) {
  exports.Set("fromBuffer", Napi::Function::New(env, fromBuffer));
  exports.Set("toBuffer", Napi::Function::New(env, toBuffer));
  exports.Set("shape", Napi::Function::New(env, shape));
  exports.Set("scalarType", Napi::Function::New(env, scalarType));
  exports.Set("device", Napi::Function::New(env, device));
  exports.Set("dataPointer", Napi::Function::New(env, dataPointer));
  exports.Set("share", Napi::Function::New(env, share));
  exports.Set("dispose", Napi::Function::New(env, dispose));
  exports.Set("isDisposed", Napi::Function::New(env, isDisposed));
  exports.Set("liveHandles", Napi::Function::New(env, liveHandles));
}

}  // namespace latentlab
