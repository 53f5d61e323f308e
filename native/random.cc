// Uniform draws in parallel. libtorch's rand on the CPU draws from one Mersenne Twister, one
// number after another on one thread: an RBM's CD-1 step at batch 128 draws 164,000 Bernoulli
// uniforms, and their serial drawing took a ninth of the step on two cores. Here each pair of
// draws is a hash of its own index (SplitMix64's mixer applied to key + (i + 1)·γ, the golden
// gamma, which is SplitMix64 itself), so the elements can be drawn in any order, on any number of
// threads, and give the same numbers. The key is one 64-bit draw from libtorch's default
// generator: manualSeed and the saved RNG state (checkpoints) determine these draws as they
// determine rand's.
#include "common.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <mutex>

namespace latentlab {
namespace {

inline uint64_t splitMix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// randParallel(shape): float32 uniforms on [0, 1), 24 random bits each (as rand's floats).
LATENTLAB_EXPORT(randParallel) {
  const std::vector<int64_t> shape = toIntVector(info[0], "shape");
  for (int64_t size : shape) {
    if (size < 0) throw Napi::RangeError::New(info.Env(), "randParallel: a shape's sizes must be ≥ 0, got " + c10::str(shape));
  }
  uint64_t key;
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    key = generator.get<at::CPUGeneratorImpl>()->random64();
  }
  at::Tensor result = at::empty(shape, at::kFloat);
  float* out = result.data_ptr<float>();
  const int64_t n = result.numel();
  constexpr uint64_t gamma = 0x9e3779b97f4a7c15ULL;
  constexpr float unit = 1.0f / 16777216.0f;  // 2^-24
  at::parallel_for(0, (n + 1) / 2, at::internal::GRAIN_SIZE / 2, [&](int64_t begin, int64_t end) {
    for (int64_t pair = begin; pair < end; pair++) {
      const uint64_t bits = splitMix64(key + static_cast<uint64_t>(pair + 1) * gamma);
      out[2 * pair] = static_cast<float>(bits >> 40) * unit;
      if (2 * pair + 1 < n) out[2 * pair + 1] = static_cast<float>((bits >> 16) & 0xffffff) * unit;
    }
  });
  return wrapTensor(info.Env(), result);
}

}  // namespace

void initRandom(Napi::Env env, Napi::Object exports) {
  exports.Set("randParallel", Napi::Function::New(env, randParallel));
}

}  // namespace latentlab
