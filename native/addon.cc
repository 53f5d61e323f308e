// Entry point of the latentlab addon and the helpers every area shares (see common.h).
#include "common.h"

namespace latentlab {

std::atomic<int64_t> g_liveHandles{0};

// 128 bits that only this addon's handles carry (the first half spells "latentla"):
// napi_check_object_type_tag compares them.
const napi_type_tag kTensorTypeTag = {0x6c6174656e746c61ULL, 0x9b3f2c6e1d4a8e57ULL};

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

// What a value that should have been a tensor handle is, for the TypeError.
static std::string describe(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_external: return "an external that is not a latentlab tensor";
    case napi_bigint: return "a bigint";
    default: return value.IsArray() ? "an array" : "an object";
  }
}

Napi::Value wrapTensor(Napi::Env env, at::Tensor tensor) {
  // A view's own size, not its storage's: a slice of a large dataset must not look large.
  const int64_t bytes = tensor.defined() ? static_cast<int64_t>(tensor.numel() * tensor.element_size()) : 0;
  auto* box = new TensorBox{std::move(tensor), true, bytes};
  g_liveHandles++;
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes + kHandleOverheadBytes);
  auto external = Napi::External<TensorBox>::New(env, box, finalizeBox);
  external.TypeTag(&kTensorTypeTag);
  return external;
}

// Two N-API calls, as many as the untagged unwrap made (typeof, then the pointer): every
// operator unwraps its tensors, so this is on the hottest path of the addon. The pointer is only
// read here; it is used only once the tag says it is a TensorBox.
TensorBox* tensorBoxOrNull(const Napi::Value& value) {
  void* data = nullptr;
  if (napi_get_value_external(value.Env(), value, &data) != napi_ok) return nullptr;  // not an external
  bool tagged = false;
  if (napi_check_object_type_tag(value.Env(), value, &kTensorTypeTag, &tagged) != napi_ok || !tagged) return nullptr;
  return static_cast<TensorBox*>(data);
}

void releaseBox(Napi::Env env, TensorBox* box) {
  if (!box->live) return;
  box->live = false;
  box->tensor.reset();
  g_liveHandles--;
  Napi::MemoryManagement::AdjustExternalMemory(env, -box->reportedBytes);
}

TensorBox* unwrapBox(const Napi::Value& value, const char* what) {
  TensorBox* box = tensorBoxOrNull(value);
  if (!box) throw Napi::TypeError::New(value.Env(), std::string("expected a tensor for ") + what + ", got " + describe(value));
  return box;
}

const at::Tensor& unwrapTensor(const Napi::Value& value, const char* what) {
  TensorBox* box = unwrapBox(value, what);
  if (!box->live) {
    throw Napi::Error::New(value.Env(), std::string("tensor used after dispose (") + what + ")");
  }
  return box->tensor;
}

c10::optional<at::Tensor> optionalTensor(const Napi::Value& value, const char* what) {
  if (value.IsNull() || value.IsUndefined()) return c10::nullopt;
  return unwrapTensor(value, what);
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

AddonState& addonState(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }

// Runs when this environment ends (the event loop running out of work, or a worker thread's
// end; not process.exit() on the main thread, which skips environment cleanup): stops a
// profiler left running on this thread (libtorch otherwise warns of a leaked callback at exit),
// gives the caching allocator's idle blocks back (the cache is process-wide: other threads only
// lose warm blocks), then deletes the state. The handles' finalizers, which N-API runs at
// teardown too, do not use the state, so the order of the two does not matter.
static void cleanupEnvironment(AddonState* state) {
  if (state->profiling) {
    state->profiling = false;
    try {
      stopProfilerAtExit();
    } catch (...) {
      // Exiting anyway: the events are dropped either way.
    }
  }
  emptyAllocatorCache();
  delete state;
}

// The instance data is only a lookup; the cleanup hook owns the state.
static void leaveToCleanupHook(Napi::Env, AddonState*) {}

}  // namespace latentlab

static Napi::Object initAddon(Napi::Env env, Napi::Object exports) {
  using namespace latentlab;
  auto* state = new AddonState();
  env.SetInstanceData<AddonState, leaveToCleanupHook>(state);
  env.AddCleanupHook(cleanupEnvironment, state);
  installCachingAllocator();
  initOps(env, exports);
  initTensorData(env, exports);
  initAutograd(env, exports);
  initSerialize(env, exports);
  initRuntime(env, exports);
  initRandom(env, exports);
  initOptim(env, exports);
  initProfiler(env, exports);
  initAllocator(env, exports);
  initFusedLoss(env, exports);
  initConvTranspose(env, exports);
  initLinear(env, exports);
  initFusedRbm(env, exports);
  initDistributed(env, exports);
  return exports;
}

NODE_API_MODULE(NODE_GYP_MODULE_NAME, initAddon)
