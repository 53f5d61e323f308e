// Shared helpers of the latentlab addon: the tensor handle (an N-API external that owns one
// at::Tensor), wrap/unwrap, and the translation of C++ exceptions into JavaScript errors.
#pragma once

#include <napi.h>
#include <ATen/ATen.h>
#include <torch/version.h>

#include <atomic>
#include <string>

#if TORCH_VERSION_MAJOR < 1 || (TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR < 13)
#error "latentlab needs libtorch >= 1.13: point LIBTORCH at a newer libtorch distribution"
#endif

namespace latentlab {

// One handle owns one tensor reference. dispose() drops the reference early; the external's
// finalizer deletes the box when JavaScript no longer sees it.
struct TensorBox {
  at::Tensor tensor;
  bool live = true;
  int64_t reportedBytes = 0;  // told to V8 as external memory, so that it collects undisposed tensors
};

// Number of handles created and not yet disposed or finalized: what tests watch for leaks.
extern std::atomic<int64_t> g_liveHandles;

Napi::Value wrapTensor(Napi::Env env, at::Tensor tensor);
// Drops the box's tensor now (dispose); the box itself lives until its finalizer.
void releaseBox(Napi::Env env, TensorBox* box);
TensorBox* unwrapBox(const Napi::Value& value, const char* what);
const at::Tensor& unwrapTensor(const Napi::Value& value, const char* what = "tensor");

// libtorch's message without the C++ backtrace: c10::Error's first line(s) before "Exception raised from".
std::string errorMessage(const std::exception& error);

// Every exported function goes through this so that no C++ exception crosses into V8.
template <typename Fn>
Napi::Value guarded(const Napi::CallbackInfo& info, Fn&& fn) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& error) {
    throw Napi::Error::New(info.Env(), errorMessage(error));
  } catch (const std::exception& error) {
    throw Napi::Error::New(info.Env(), errorMessage(error));
  }
}

#define LATENTLAB_EXPORT(name)                                   \
  static Napi::Value name##Impl(const Napi::CallbackInfo& info); \
  Napi::Value name(const Napi::CallbackInfo& info) {             \
    return guarded(info, [&] { return name##Impl(info); });      \
  }                                                              \
  static Napi::Value name##Impl(const Napi::CallbackInfo& info)

// Whether this CPU runs the hand-vectorised kernels (optim.cc, fused_loss.cc): x86-64 with AVX2 and FMA.
inline bool cpuHasAvx2Fma() {
#if defined(__x86_64__)
  static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return available;
#else
  return false;
#endif
}

// Argument checks that throw a TypeError naming the argument.
int64_t argInt(const Napi::CallbackInfo& info, size_t index, const char* name);
double argNumber(const Napi::CallbackInfo& info, size_t index, const char* name);
bool argBool(const Napi::CallbackInfo& info, size_t index, const char* name);
std::string argString(const Napi::CallbackInfo& info, size_t index, const char* name);
std::vector<at::Tensor> argTensors(const Napi::CallbackInfo& info, size_t index, const char* name);
std::vector<int64_t> toIntVector(const Napi::Value& value, const char* name);

// Area initialisers: each adds its functions to the module's exports.
void initOps(Napi::Env env, Napi::Object exports);
void initTensorData(Napi::Env env, Napi::Object exports);
void initAutograd(Napi::Env env, Napi::Object exports);
void initSerialize(Napi::Env env, Napi::Object exports);
void initRuntime(Napi::Env env, Napi::Object exports);
void initOptim(Napi::Env env, Napi::Object exports);
void initProfiler(Napi::Env env, Napi::Object exports);
void initAllocator(Napi::Env env, Napi::Object exports);
void initFusedLoss(Napi::Env env, Napi::Object exports);
// Puts the caching CPU allocator (allocator.cc) in place of libtorch's default.
void installCachingAllocator();

}  // namespace latentlab
