// Entry point of the latentlab addon and the helpers every area shares (see common.h).
#include "common.h"

namespace latentlab {

std::atomic<int64_t> g_liveHandles{0};

// A basic finalizer: it runs during garbage collection itself instead of being deferred to the
// event loop, which a synchronous training loop may not reach for thousands of steps.
// Native memory a handle costs besides its tensor (the box, N-API's reference and finalizer
// records), reported to V8 until finalization so that dead handles do not pile up unseen.
constexpr int64_t kHandleOverheadBytes = 256;

static void finalizeBox(Napi::BasicEnv env, TensorBox* box) {
  if (box->live) g_liveHandles--;
  Napi::MemoryManagement::AdjustExternalMemory(env, -(box->live ? box->reportedBytes : 0) - kHandleOverheadBytes);
  delete box;
}

Napi::Value wrapTensor(Napi::Env env, at::Tensor tensor) {
  // A view's own size, not its storage's: a slice of a large dataset must not look large.
  const int64_t bytes = tensor.defined() ? static_cast<int64_t>(tensor.numel() * tensor.element_size()) : 0;
  auto* box = new TensorBox{std::move(tensor), true, bytes};
  g_liveHandles++;
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes + kHandleOverheadBytes);
  return Napi::External<TensorBox>::New(env, box, finalizeBox);
}

void releaseBox(Napi::Env env, TensorBox* box) {
  if (!box->live) return;
  box->live = false;
  box->tensor.reset();
  g_liveHandles--;
  Napi::MemoryManagement::AdjustExternalMemory(env, -box->reportedBytes);
}

TensorBox* unwrapBox(const Napi::Value& value, const char* what) {
  if (!value.IsExternal()) {
    throw Napi::TypeError::New(value.Env(), std::string("expected a tensor for ") + what);
  }
  return value.As<Napi::External<TensorBox>>().Data();
}

const at::Tensor& unwrapTensor(const Napi::Value& value, const char* what) {
  TensorBox* box = unwrapBox(value, what);
  if (!box->live) {
    throw Napi::Error::New(value.Env(), std::string("tensor used after dispose (") + what + ")");
  }
  return box->tensor;
}

std::string errorMessage(const std::exception& error) {
  const auto* c10error = dynamic_cast<const c10::Error*>(&error);
  std::string text = c10error ? c10error->what_without_backtrace() : error.what();
  auto end = text.find('\n');
  if (end != std::string::npos) text.resize(end);
  return text;
}

int64_t argInt(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be an integer");
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (value != static_cast<double>(static_cast<int64_t>(value))) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be an integer, got " + std::to_string(value));
  }
  return static_cast<int64_t>(value);
}

double argNumber(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  return info[index].As<Napi::Number>().DoubleValue();
}

bool argBool(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsBoolean()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a boolean");
  return info[index].As<Napi::Boolean>().Value();
}

std::string argString(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsString()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a string");
  return info[index].As<Napi::String>().Utf8Value();
}

std::vector<at::Tensor> argTensors(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsArray()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be an array of tensors");
  auto array = info[index].As<Napi::Array>();
  std::vector<at::Tensor> tensors;
  tensors.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) tensors.push_back(unwrapTensor(array.Get(i), name));
  return tensors;
}

std::vector<int64_t> toIntVector(const Napi::Value& value, const char* name) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), std::string(name) + " must be an array of integers");
  auto array = value.As<Napi::Array>();
  std::vector<int64_t> result(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsNumber()) throw Napi::TypeError::New(value.Env(), std::string(name) + " must be an array of integers");
    result[i] = item.As<Napi::Number>().Int64Value();
  }
  return result;
}

}  // namespace latentlab

static Napi::Object initAddon(Napi::Env env, Napi::Object exports) {
  using namespace latentlab;
  installCachingAllocator();
  initOps(env, exports);
  initTensorData(env, exports);
  initAutograd(env, exports);
  initSerialize(env, exports);
  initRuntime(env, exports);
  initOptim(env, exports);
  initProfiler(env, exports);
  initAllocator(env, exports);
  initFusedLoss(env, exports);
  return exports;
}

NODE_API_MODULE(NODE_GYP_MODULE_NAME, initAddon)
