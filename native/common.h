// Shared helpers of the latentlab addon: the tensor handle (an N-API external that owns one
// at::Tensor), wrap/unwrap, and the translation of C++ exceptions into JavaScript errors.
#pragma once

#include <napi.h>
#include <ATen/ATen.h>
#include <ATen/Config.h>
#include <torch/version.h>

#include <ATen/core/dispatch/Dispatcher.h>

#include <atomic>
#include <string>
#include <vector>

#if TORCH_VERSION_MAJOR < 1 || (TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR < 13)
#error "latentlab needs libtorch >= 1.13: point LIBTORCH at a newer libtorch distribution"
#endif

// at::parallel_for is a template compiled into the addon: with libtorch's OpenMP back end and
// without -fopenmp here, its pragma is ignored and the addon's own kernels (the fused optimizers,
// the RBM's sampling, the fused loss) run on one thread while libtorch's ops use them all.
#if AT_PARALLEL_OPENMP && !defined(_OPENMP)
#error "compile the addon with -fopenmp (binding.gyp): libtorch's parallel_for uses OpenMP"
#endif

// The hand-vectorised kernels (optim.cc, fused_loss.cc) use AVX2/FMA intrinsics, which exist only
// on x86-64 and which GCC and Clang compile per function (target attributes), so that the rest
// of the addon runs on any x86-64 CPU. Elsewhere (arm64, MSVC), or with -DLATENTLAB_PORTABLE_ONLY
// (to check that build), only the portable paths are compiled.
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__)) && !defined(LATENTLAB_PORTABLE_ONLY)
#define LATENTLAB_AVX2_KERNELS 1
#define LATENTLAB_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define LATENTLAB_AVX2_KERNELS 0
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

// Tag of the externals that wrapTensor makes: any other value (an object, another addon's
// external) is refused with a TypeError instead of being read as a TensorBox.
extern const napi_type_tag kTensorTypeTag;

Napi::Value wrapTensor(Napi::Env env, at::Tensor tensor);
// The box of a tensor handle, or nullptr when `value` is not one.
TensorBox* tensorBoxOrNull(const Napi::Value& value);
// Drops the box's tensor now (dispose); the box itself lives until its finalizer.
void releaseBox(Napi::Env env, TensorBox* box);
TensorBox* unwrapBox(const Napi::Value& value, const char* what);
const at::Tensor& unwrapTensor(const Napi::Value& value, const char* what = "tensor");
// An optional tensor argument: null or undefined is none.
c10::optional<at::Tensor> optionalTensor(const Napi::Value& value, const char* what);

// libtorch's message without the C++ backtrace: c10::Error's first line(s) before "Exception raised from".
std::string errorMessage(const std::exception& error);

// Every exported function goes through this so that no C++ exception crosses into V8: one that
// did would terminate Node. Exceptions not derived from std::exception (thrown by a library
// below libtorch) are caught too, named by the function that let them through.
template <typename Fn>
Napi::Value guarded(const Napi::CallbackInfo& info, const char* function, Fn&& fn) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& error) {
    throw Napi::Error::New(info.Env(), errorMessage(error));
  } catch (const std::exception& error) {
    throw Napi::Error::New(info.Env(), errorMessage(error));
  } catch (...) {
    throw Napi::Error::New(info.Env(), std::string("unknown native error in ") + function);
  }
}

#define LATENTLAB_EXPORT(name)                                     \
  static Napi::Value name##Impl(const Napi::CallbackInfo& info);   \
  Napi::Value name(const Napi::CallbackInfo& info) {               \
    return guarded(info, #name, [&] { return name##Impl(info); }); \
  }                                                                \
  static Napi::Value name##Impl(const Napi::CallbackInfo& info)

// What the addon holds for one Node environment (the main thread, or a worker thread): kept
// apart so that workers do not share the operator table, and freed by the environment's
// cleanup hook (addon.cc).
struct AddonState {
  std::vector<c10::OperatorHandle> ops;  // resolved operators, by the id resolveOp returned
  bool profiling = false;                // this thread's legacy profiler is on (profiler.cc)
};
AddonState& addonState(Napi::Env env);
// Switches this thread's profiler off, dropping its events; called at environment cleanup.
void stopProfilerAtExit();

// Whether this CPU runs the hand-vectorised kernels (optim.cc, fused_loss.cc): x86-64 with AVX2
// and FMA, in a build that has them. Each kernel's caller checks it, so that no entry point can
// execute an AVX2 instruction on a CPU without it (SIGILL).
inline bool cpuHasAvx2Fma() {
#if LATENTLAB_AVX2_KERNELS
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

// Float32 products through oneDNN's sgemm where the build has it, ATen's otherwise (gemm.cc).
// They record no autograd history: callers run them with gradients off, or attach their own node.
at::Tensor matmul2d(const at::Tensor& a, const at::Tensor& b);                                  // a·b
void addmmInPlace(at::Tensor& c, const at::Tensor& a, const at::Tensor& b, double beta, double alpha);  // c ← β·c + α·a·b
at::Tensor linearNoGrad(const at::Tensor& x, const at::Tensor& weight, const c10::optional<at::Tensor>& bias);  // x·Wᵀ + b

// Area initialisers: each adds its functions to the module's exports.
void initOps(Napi::Env env, Napi::Object exports);
void initTensorData(Napi::Env env, Napi::Object exports);
void initAutograd(Napi::Env env, Napi::Object exports);
void initSerialize(Napi::Env env, Napi::Object exports);
void initRuntime(Napi::Env env, Napi::Object exports);
void initRandom(Napi::Env env, Napi::Object exports);
void initOptim(Napi::Env env, Napi::Object exports);
void initProfiler(Napi::Env env, Napi::Object exports);
void initAllocator(Napi::Env env, Napi::Object exports);
void initFusedLoss(Napi::Env env, Napi::Object exports);
void initFusedRbm(Napi::Env env, Napi::Object exports);
void initConvTranspose(Napi::Env env, Napi::Object exports);
void initLinear(Napi::Env env, Napi::Object exports);
void initDistributed(Napi::Env env, Napi::Object exports);
// Puts the caching CPU allocator (allocator.cc) in place of libtorch's default.
void installCachingAllocator();
// Gives the caching allocator's idle blocks back to the system; returns their bytes.
size_t emptyAllocatorCache();

}  // namespace latentlab
