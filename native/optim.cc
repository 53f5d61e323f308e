// Fused optimizer steps: one pass over each parameter instead of the eight that Adam's
// per-tensor operations make, which is a large share of a training step for memory-bound
// models. Each element goes through exactly the operations of PyTorch 1.13's single-tensor
// Adam, in the same order and with the same roundings as ATen's AVX2 kernels (found by
// comparison with torch.optim.Adam: add with alpha and addcmul are fused multiply-adds, ATen
// being compiled with contraction; the addon is compiled without it, so every FMA here is
// explicit), so the results equal torch.optim.Adam's bit for bit (test/optim/adam-fused.test.ts).
// The portable kernel makes the same IEEE operations one element at a time (std::fma is exact
// everywhere), so it gives the AVX2 kernel's results: it runs where AVX2 is missing (another
// CPU, another architecture) when the step is called directly; the optimizer itself takes
// libtorch's operations there (fusedAdamAvailable), whose kernels may round differently.
#include "common.h"

#include <ATen/Parallel.h>
#if LATENTLAB_AVX2_KERNELS
#include <immintrin.h>
#endif

#include <cmath>

namespace latentlab {
namespace {

// Adam's per-step constants, as the float32 values ATen's kernels see (Python computes them in
// double and ATen casts each Scalar to the tensor's dtype).
struct AdamConstants {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, biasCorrection2Sqrt, eps, negativeStepSize;
  float weightDecay;  // L2 added to the gradient (Adam); 0 when none or decoupled
  float decay;        // 1 − lr·λ applied to the weights first (AdamW); 1 when none
};

// One element of the update, as each lane of the AVX2 kernel computes it.
inline void adamElement(float* param, const float* grad, float* expAvg, float* expAvgSq, int64_t i,
                        const AdamConstants& k) {
  float p = param[i];
  float g = grad[i];
  if (k.decay != 1.0f) p = p * k.decay;
  if (k.weightDecay != 0.0f) g = std::fma(p, k.weightDecay, g);
  float m = std::fma(g, k.oneMinusBeta1, expAvg[i] * k.beta1);
  float v = std::fma(k.oneMinusBeta2 * g, g, expAvgSq[i] * k.beta2);
  float denom = std::sqrt(v) / k.biasCorrection2Sqrt + k.eps;
  param[i] = p + (k.negativeStepSize * m) / denom;
  expAvg[i] = m;
  expAvgSq[i] = v;
}

void adamKernelPortable(float* param, const float* grad, float* expAvg, float* expAvgSq, int64_t begin,
                        int64_t end, const AdamConstants& k) {
  for (int64_t i = begin; i < end; i++) adamElement(param, grad, expAvg, expAvgSq, i, k);
}

#if LATENTLAB_AVX2_KERNELS
LATENTLAB_TARGET_AVX2 void adamKernelAvx2(float* param, const float* grad, float* expAvg, float* expAvgSq,
                                          int64_t begin, int64_t end, const AdamConstants& k) {
  const __m256 beta1 = _mm256_set1_ps(k.beta1), oneMinusBeta1 = _mm256_set1_ps(k.oneMinusBeta1);
  const __m256 beta2 = _mm256_set1_ps(k.beta2), oneMinusBeta2 = _mm256_set1_ps(k.oneMinusBeta2);
  const __m256 correction = _mm256_set1_ps(k.biasCorrection2Sqrt), eps = _mm256_set1_ps(k.eps);
  const __m256 stepSize = _mm256_set1_ps(k.negativeStepSize), weightDecay = _mm256_set1_ps(k.weightDecay);
  const __m256 decay = _mm256_set1_ps(k.decay);
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    __m256 p = _mm256_loadu_ps(param + i);
    __m256 g = _mm256_loadu_ps(grad + i);
    if (k.decay != 1.0f) p = _mm256_mul_ps(p, decay);                  // param.mul_(1 - lr*wd)
    if (k.weightDecay != 0.0f) g = _mm256_fmadd_ps(p, weightDecay, g);   // grad.add(param, alpha=wd)
    __m256 m = _mm256_mul_ps(_mm256_loadu_ps(expAvg + i), beta1);       // exp_avg.mul_(beta1)
    m = _mm256_fmadd_ps(g, oneMinusBeta1, m);                            //   .add_(grad, alpha=1-beta1)
    __m256 v = _mm256_mul_ps(_mm256_loadu_ps(expAvgSq + i), beta2);     // exp_avg_sq.mul_(beta2)
    v = _mm256_fmadd_ps(_mm256_mul_ps(oneMinusBeta2, g), g, v);         //   .addcmul_(g, g, 1-beta2)
    __m256 denom = _mm256_div_ps(_mm256_sqrt_ps(v), correction);        // exp_avg_sq.sqrt() / bc2_sqrt
    denom = _mm256_add_ps(denom, eps);                                   //   .add_(eps)
    p = _mm256_add_ps(p, _mm256_div_ps(_mm256_mul_ps(stepSize, m), denom));  // param.addcdiv_(m, denom, -step)
    _mm256_storeu_ps(expAvg + i, m);
    _mm256_storeu_ps(expAvgSq + i, v);
    _mm256_storeu_ps(param + i, p);
  }
  for (; i < end; i++) adamElement(param, grad, expAvg, expAvgSq, i, k);
}
#endif

bool eligible(const at::Tensor& tensor) {
  return tensor.device().is_cpu() && tensor.scalar_type() == at::kFloat && tensor.is_contiguous();
}

// A number from an optimizer step's options (fusedAdamStep, fusedSgdStep).
double number(const Napi::Object& options, const char* name) {
  Napi::Value value = options.Get(name);
  if (!value.IsNumber()) throw Napi::TypeError::New(options.Env(), std::string("optimizer option ") + name + " must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

// Whether this CPU runs the fused kernel (x86-64 with AVX2 and FMA); otherwise the optimizer
// uses libtorch's per-tensor operations.
LATENTLAB_EXPORT(fusedAdamAvailable) { return Napi::Boolean::New(info.Env(), cpuHasAvx2Fma()); }

// adamStep(params, grads, expAvgs, expAvgSqs, {lr, beta1, beta2, eps, weightDecay, decoupled, step, portable?}):
// false (and nothing changed) when some tensor is not a contiguous float32 CPU tensor. The AVX2
// kernel runs only where the CPU has it; `portable: true` asks for the portable one (its tests).
LATENTLAB_EXPORT(fusedAdamStep) {
  auto params = argTensors(info, 0, "params");
  auto grads = argTensors(info, 1, "grads");
  auto expAvgs = argTensors(info, 2, "expAvgs");
  auto expAvgSqs = argTensors(info, 3, "expAvgSqs");
  if (!info[4].IsObject()) throw Napi::TypeError::New(info.Env(), "options must be an object");
  auto options = info[4].As<Napi::Object>();
  const size_t count = params.size();
  if (grads.size() != count || expAvgs.size() != count || expAvgSqs.size() != count) {
    throw Napi::RangeError::New(info.Env(), "params, grads and moment lists must have the same length");
  }
  for (size_t i = 0; i < count; i++) {
    const int64_t n = params[i].numel();
    for (const at::Tensor* t : {&params[i], &grads[i], &expAvgs[i], &expAvgSqs[i]}) {
      if (!eligible(*t) || t->numel() != n) return Napi::Boolean::New(info.Env(), false);
    }
  }
  const double lr = number(options, "lr"), beta1 = number(options, "beta1"), beta2 = number(options, "beta2");
  const double weightDecay = number(options, "weightDecay"), step = number(options, "step");
  const bool decoupled = options.Get("decoupled").ToBoolean().Value();
  const AdamConstants constants{
      static_cast<float>(beta1),
      static_cast<float>(1 - beta1),
      static_cast<float>(beta2),
      static_cast<float>(1 - beta2),
      static_cast<float>(std::sqrt(1 - std::pow(beta2, step))),
      static_cast<float>(number(options, "eps")),
      static_cast<float>(-(lr / (1 - std::pow(beta1, step)))),
      decoupled ? 0.0f : static_cast<float>(weightDecay),
      decoupled && weightDecay != 0 ? static_cast<float>(1 - lr * weightDecay) : 1.0f,
  };
  auto kernel = adamKernelPortable;
#if LATENTLAB_AVX2_KERNELS
  if (cpuHasAvx2Fma() && !options.Get("portable").ToBoolean().Value()) kernel = adamKernelAvx2;
#endif
  for (size_t i = 0; i < count; i++) {
    float* param = params[i].data_ptr<float>();
    const float* grad = grads[i].data_ptr<float>();
    float* expAvg = expAvgs[i].data_ptr<float>();
    float* expAvgSq = expAvgSqs[i].data_ptr<float>();
    at::parallel_for(0, params[i].numel(), at::internal::GRAIN_SIZE, [&](int64_t begin, int64_t end) {
      kernel(param, grad, expAvg, expAvgSq, begin, end, constants);
    });
  }
  return Napi::Boolean::New(info.Env(), true);
}

// SGD with momentum (PyTorch 1.13's single-tensor SGD once a momentum buffer exists) in one pass
// instead of three or four per parameter: g' = g + λp, buf = μ·buf + (1 − τ)·g', d = g' + μ·buf
// (Nesterov) or buf, p = p − lr·d. As in ATen, add with alpha is a fused multiply-add and mul a
// plain product, so each element gets the same roundings as the per-tensor path.
struct SgdConstants {
  float momentum, oneMinusDampening, negativeLr, weightDecay;
  bool nesterov;
};

inline void sgdElement(float* param, const float* grad, float* buffer, int64_t i, const SgdConstants& k) {
  float g = grad[i];
  if (k.weightDecay != 0.0f) g = std::fma(param[i], k.weightDecay, g);
  const float b = std::fma(g, k.oneMinusDampening, buffer[i] * k.momentum);
  const float direction = k.nesterov ? std::fma(b, k.momentum, g) : b;
  buffer[i] = b;
  param[i] = std::fma(direction, k.negativeLr, param[i]);
}

void sgdKernelPortable(float* param, const float* grad, float* buffer, int64_t begin, int64_t end, const SgdConstants& k) {
  for (int64_t i = begin; i < end; i++) sgdElement(param, grad, buffer, i, k);
}

#if LATENTLAB_AVX2_KERNELS
LATENTLAB_TARGET_AVX2 void sgdKernelAvx2(float* param, const float* grad, float* buffer, int64_t begin, int64_t end,
                                         const SgdConstants& k) {
  const __m256 momentum = _mm256_set1_ps(k.momentum), oneMinusDampening = _mm256_set1_ps(k.oneMinusDampening);
  const __m256 negativeLr = _mm256_set1_ps(k.negativeLr), weightDecay = _mm256_set1_ps(k.weightDecay);
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    const __m256 p = _mm256_loadu_ps(param + i);
    __m256 g = _mm256_loadu_ps(grad + i);
    if (k.weightDecay != 0.0f) g = _mm256_fmadd_ps(p, weightDecay, g);                 // grad.add(param, alpha=wd)
    __m256 b = _mm256_mul_ps(_mm256_loadu_ps(buffer + i), momentum);                   // buf.mul_(momentum)
    b = _mm256_fmadd_ps(g, oneMinusDampening, b);                                       //   .add_(grad, alpha=1-dampening)
    const __m256 direction = k.nesterov ? _mm256_fmadd_ps(b, momentum, g) : b;          // grad.add(buf, alpha=momentum)
    _mm256_storeu_ps(buffer + i, b);
    _mm256_storeu_ps(param + i, _mm256_fmadd_ps(direction, negativeLr, p));            // param.add_(d, alpha=-lr)
  }
  for (; i < end; i++) sgdElement(param, grad, buffer, i, k);
}
#endif

// sgdStep(params, grads, momentumBuffers, {lr, momentum, dampening, nesterov, weightDecay, portable?}):
// false (and nothing changed) when some tensor is not a contiguous float32 CPU tensor.
LATENTLAB_EXPORT(fusedSgdStep) {
  auto params = argTensors(info, 0, "params");
  auto grads = argTensors(info, 1, "grads");
  auto buffers = argTensors(info, 2, "momentumBuffers");
  if (!info[3].IsObject()) throw Napi::TypeError::New(info.Env(), "options must be an object");
  auto options = info[3].As<Napi::Object>();
  const size_t count = params.size();
  if (grads.size() != count || buffers.size() != count) {
    throw Napi::RangeError::New(info.Env(), "params, grads and momentum buffers must have the same length");
  }
  for (size_t i = 0; i < count; i++) {
    const int64_t n = params[i].numel();
    for (const at::Tensor* t : {&params[i], &grads[i], &buffers[i]}) {
      if (!eligible(*t) || t->numel() != n) return Napi::Boolean::New(info.Env(), false);
    }
  }
  const SgdConstants constants{
      static_cast<float>(number(options, "momentum")),
      static_cast<float>(1 - number(options, "dampening")),
      static_cast<float>(-number(options, "lr")),
      static_cast<float>(number(options, "weightDecay")),
      options.Get("nesterov").ToBoolean().Value(),
  };
  auto kernel = sgdKernelPortable;
#if LATENTLAB_AVX2_KERNELS
  if (cpuHasAvx2Fma() && !options.Get("portable").ToBoolean().Value()) kernel = sgdKernelAvx2;
#endif
  for (size_t i = 0; i < count; i++) {
    float* param = params[i].data_ptr<float>();
    const float* grad = grads[i].data_ptr<float>();
    float* buffer = buffers[i].data_ptr<float>();
    at::parallel_for(0, params[i].numel(), at::internal::GRAIN_SIZE, [&](int64_t begin, int64_t end) {
      kernel(param, grad, buffer, begin, end, constants);
    });
  }
  return Napi::Boolean::New(info.Env(), true);
}

}  // namespace

void initOptim(Napi::Env env, Napi::Object exports) {
  exports.Set("fusedAdamAvailable", Napi::Function::New(env, fusedAdamAvailable));
  exports.Set("fusedAdamStep", Napi::Function::New(env, fusedAdamStep));
  exports.Set("fusedSgdStep", Napi::Function::New(env, fusedSgdStep));
}

}  // namespace latentlab
