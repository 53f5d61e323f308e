// Process-wide engine settings: thread counts (intra-op and BLAS), random seeds and RNG state,
// device availability, and build information.
#include "common.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>

#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cmath>

namespace latentlab {
namespace {

// OpenBLAS is found at run time, so a libtorch built against MKL or another BLAS still loads.
using SetThreadsFn = void (*)(int);
using GetThreadsFn = int (*)();
SetThreadsFn blasSetThreads() { return reinterpret_cast<SetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")); }
GetThreadsFn blasGetThreads() { return reinterpret_cast<GetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")); }
GetThreadsFn blasGetParallel() { return reinterpret_cast<GetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_get_parallel")); }

// OpenBLAS's threading model: 'sequential', 'pthreads' or 'openmp' (shares libtorch's pool).
const char* blasThreading() {
  auto get = blasGetParallel();
  if (!get) return "unknown";
  switch (get()) {
    case 0: return "sequential";
    case 1: return "pthreads";
    case 2: return "openmp";
    default: return "unknown";
  }
}

LATENTLAB_EXPORT(setNumThreads) {
  const int64_t threads = argInt(info, 0, "threads");
  if (threads < 1) throw Napi::RangeError::New(info.Env(), "threads must be at least 1");
  at::set_num_threads(static_cast<int>(threads));
  return info.Env().Undefined();
}

LATENTLAB_EXPORT(getNumThreads) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

LATENTLAB_EXPORT(setBlasThreads) {
  const int64_t threads = argInt(info, 0, "threads");
  if (threads < 1) throw Napi::RangeError::New(info.Env(), "threads must be at least 1");
  auto set = blasSetThreads();
  if (set) set(static_cast<int>(threads));
  return Napi::Boolean::New(info.Env(), set != nullptr);
}

LATENTLAB_EXPORT(getBlasThreads) {
  auto get = blasGetThreads();
  return Napi::Number::New(info.Env(), get ? get() : -1);
}

LATENTLAB_EXPORT(manualSeed) {
  const int64_t seed = argInt(info, 0, "seed");
  at::manual_seed(static_cast<uint64_t>(seed));
  return info.Env().Undefined();
}

LATENTLAB_EXPORT(getRngState) {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return wrapTensor(info.Env(), generator.get_state());
}

LATENTLAB_EXPORT(setRngState) {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(unwrapTensor(info[0], "state"));
  return info.Env().Undefined();
}

// C's pow: PyTorch computes its optimizers' bias corrections in Python, whose float ** is C's
// pow; V8's Math.pow differs from it in the last bit for some inputs (0.9 ** 4).
LATENTLAB_EXPORT(libmPow) {
  return Napi::Number::New(info.Env(), std::pow(argNumber(info, 0, "base"), argNumber(info, 1, "exponent")));
}

// Hands memory that is free but kept in the C allocator's arenas back to the system (glibc's
// malloc_trim), so that the process's resident size reflects the tensors actually alive.
LATENTLAB_EXPORT(trimMemory) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) != 0);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

// throwForTest(kind): throws a c10::Error ('c10'), a std::exception ('std') or an int ('other'),
// so that the tests can check what the guard (common.h) turns each into.
LATENTLAB_EXPORT(throwForTest) {
  const std::string kind = argString(info, 0, "kind");
  if (kind == "c10") TORCH_CHECK(false, "c10 error for the test");
  if (kind == "std") throw std::runtime_error("std error for the test");
  if (kind == "other") throw 42;
  throw Napi::RangeError::New(info.Env(), "kind must be c10, std or other");
}

LATENTLAB_EXPORT(cudaDeviceCount) {
  const bool hasCuda = at::detail::getCUDAHooks().hasCUDA();
  return Napi::Number::New(info.Env(), hasCuda ? at::detail::getCUDAHooks().getNumGPUs() : 0);
}

LATENTLAB_EXPORT(buildInfo) {
  auto result = Napi::Object::New(info.Env());
  result.Set("torchVersion", TORCH_VERSION);
  result.Set("parallelInfo", at::get_parallel_info());
  result.Set("blas", blasSetThreads() ? "openblas" : "other");
  result.Set("blasThreading", blasThreading());
  return result;
}

}  // namespace

void initRuntime(Napi::Env env, Napi::Object exports) {
  exports.Set("setNumThreads", Napi::Function::New(env, setNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, getNumThreads));
  exports.Set("setBlasThreads", Napi::Function::New(env, setBlasThreads));
  exports.Set("getBlasThreads", Napi::Function::New(env, getBlasThreads));
  exports.Set("manualSeed", Napi::Function::New(env, manualSeed));
  exports.Set("getRngState", Napi::Function::New(env, getRngState));
  exports.Set("setRngState", Napi::Function::New(env, setRngState));
  exports.Set("libmPow", Napi::Function::New(env, libmPow));
  exports.Set("trimMemory", Napi::Function::New(env, trimMemory));
  exports.Set("throwForTest", Napi::Function::New(env, throwForTest));
  exports.Set("cudaDeviceCount", Napi::Function::New(env, cudaDeviceCount));
  exports.Set("buildInfo", Napi::Function::New(env, buildInfo));
}

}  // namespace latentlab
