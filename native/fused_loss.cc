// Two losses in fewer passes than ATen: mse_loss after a sigmoid, and binary_cross_entropy_with_logits
// (below).
//
// mse_loss with a fused backward through a sigmoid. An autoencoder with a sigmoid output and an
// MSE loss spends, at batch 512, about as long in the four elementwise passes at its end
// (mse_loss, then in backward mse_loss_backward, which first zero-fills its result, and
// sigmoid_backward) as in a third of its matrix products. When the loss's input is the output of
// a sigmoid, the gradient with respect to the sigmoid's input is
//   dL/dz = g · c · (s − x) · s · (1 − s)      (c = 2/N for 'mean', 2 for 'sum')
// which one pass computes from s and x. The loss's backward node then feeds the sigmoid's input
// directly; the sigmoid's own node stays in the graph for any other use of s, so gradients are
// the same whatever else consumes s. Anything else (other dtypes, broadcasting, a target that
// needs a gradient, reduction 'none') goes to ATen's mse_loss as before, and so does every call
// on a CPU without AVX2/FMA or in a build without the AVX2 kernels (arm64): their sums would
// round differently from ATen's vectorised ones, so there is no portable fused path.
#include "common.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/saved_variable.h>

#if LATENTLAB_AVX2_KERNELS
#include <immintrin.h>
#endif

#include <vector>

namespace latentlab {
namespace {

using torch::autograd::Node;
using torch::autograd::SavedVariable;
using torch::autograd::variable_list;

constexpr int64_t kReductionSum = 2;  // at::Reduction::Sum; Mean is 1, None 0
constexpr int64_t kChunk = 1 << 14;   // fixed chunks: the sum's rounding does not depend on the thread count

#if LATENTLAB_AVX2_KERNELS
// Σ (s − x)² over [begin, end), in float lanes (as ATen's vectorised kernels accumulate).
LATENTLAB_TARGET_AVX2 double squaredErrorSum(const float* s, const float* x, int64_t begin, int64_t end) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int64_t i = begin;
  for (; i + 16 <= end; i += 16) {
    const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(s + i), _mm256_loadu_ps(x + i));
    const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(s + i + 8), _mm256_loadu_ps(x + i + 8));
    a0 = _mm256_fmadd_ps(d0, d0, a0);
    a1 = _mm256_fmadd_ps(d1, d1, a1);
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_add_ps(a0, a1));
  double total = 0;
  for (float lane : lanes) total += lane;
  for (; i < end; i++) {
    const float d = s[i] - x[i];
    total += static_cast<double>(d) * d;
  }
  return total;
}

// dz = k · (s − x) · s · (1 − s) over [begin, end).
LATENTLAB_TARGET_AVX2 void sigmoidMseGradient(float* dz, const float* s, const float* x, float k, int64_t begin,
                                               int64_t end) {
  const __m256 scale = _mm256_set1_ps(k), one = _mm256_set1_ps(1.0f);
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    const __m256 sv = _mm256_loadu_ps(s + i);
    const __m256 diff = _mm256_sub_ps(sv, _mm256_loadu_ps(x + i));
    const __m256 slope = _mm256_mul_ps(sv, _mm256_sub_ps(one, sv));
    _mm256_storeu_ps(dz + i, _mm256_mul_ps(_mm256_mul_ps(scale, diff), slope));
  }
  for (; i < end; i++) dz[i] = k * (s[i] - x[i]) * (s[i] * (1.0f - s[i]));
}
#endif

struct SigmoidMseLossBackward : public Node {
  SavedVariable output;  // s, the sigmoid's result
  SavedVariable target;
  double factor;         // c above

  variable_list apply(variable_list&& grads) override {
    const at::Tensor s = output.unpack();
    const at::Tensor x = target.unpack();
    const at::Tensor& g = grads[0];
    if (!g.defined()) return {at::Tensor()};
    // With create_graph the gradient must itself be differentiable: the same formula in ATen ops.
    if (at::GradMode::is_enabled() || !g.device().is_cpu() || !cpuHasAvx2Fma()) return {g * factor * (s - x) * s * (1 - s)};
#if LATENTLAB_AVX2_KERNELS
    at::Tensor dz = at::empty_like(s, at::MemoryFormat::Contiguous);
    const float k = static_cast<float>(factor * g.item<double>());
    const float* sp = s.data_ptr<float>();
    const float* xp = x.data_ptr<float>();
    float* dzp = dz.data_ptr<float>();
    at::parallel_for(0, s.numel(), at::internal::GRAIN_SIZE, [&](int64_t begin, int64_t end) {
      sigmoidMseGradient(dzp, sp, xp, k, begin, end);
    });
    return {dz};
#else
    return {};  // not reached: cpuHasAvx2Fma() is false in this build
#endif
  }

  std::string name() const override { return "SigmoidMseLossBackward"; }

  void release_variables() override {
    output.reset_data();
    target.reset_data();
  }
};

bool fusable(const at::Tensor& input, const at::Tensor& target, int64_t reduction) {
  if (reduction == 0 || !cpuHasAvx2Fma() || !at::GradMode::is_enabled()) return false;
  const auto& gradFn = input.grad_fn();
  if (!gradFn || gradFn->name() != "SigmoidBackward0" || target.requires_grad()) return false;
  for (const at::Tensor* t : {&input, &target}) {
    if (!t->device().is_cpu() || t->scalar_type() != at::kFloat || !t->is_contiguous()) return false;
  }
  return input.sizes() == target.sizes() && input.numel() > 0;
}

at::Tensor sigmoidMseLoss(const at::Tensor& s, const at::Tensor& x, int64_t reduction) {
#if LATENTLAB_AVX2_KERNELS
  const int64_t n = s.numel();
  const float* sp = s.data_ptr<float>();
  const float* xp = x.data_ptr<float>();
  std::vector<double> partial((n + kChunk - 1) / kChunk);
  at::parallel_for(0, static_cast<int64_t>(partial.size()), 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; c++) partial[c] = squaredErrorSum(sp, xp, c * kChunk, std::min(n, (c + 1) * kChunk));
  });
  double total = 0;
  for (double p : partial) total += p;
  const double loss = reduction == kReductionSum ? total : total / static_cast<double>(n);

  at::Tensor result = at::scalar_tensor(loss, s.options());
  auto node = std::shared_ptr<SigmoidMseLossBackward>(new SigmoidMseLossBackward(), torch::autograd::deleteNode);
  node->output = SavedVariable(s, false);
  node->target = SavedVariable(x, false);
  node->factor = reduction == kReductionSum ? 2.0 : 2.0 / static_cast<double>(n);
  node->add_next_edge(s.grad_fn()->next_edge(0));  // the sigmoid's input, past the sigmoid's node
  torch::autograd::set_history(result, node);
  return result;
#else
  return at::mse_loss(s, x, reduction);  // not reached: fusable() is false in this build
#endif
}

// mseLoss(input, target, reduction): reduction 0 none, 1 mean, 2 sum, as ATen's.
LATENTLAB_EXPORT(mseLoss) {
  const at::Tensor& input = unwrapTensor(info[0], "input");
  const at::Tensor& target = unwrapTensor(info[1], "target");
  const int64_t reduction = argInt(info, 2, "reduction");
  // fusable() checks the CPU: the kernels run only where it has AVX2 and FMA.
  if (fusable(input, target, reduction)) return wrapTensor(info.Env(), sigmoidMseLoss(input, target, reduction));
  return wrapTensor(info.Env(), at::mse_loss(input, target, reduction));
}

// ---- binary_cross_entropy_with_logits ---------------------------------------------------------
// ATen 1.13 computes the loss of logits z against targets x as
//   (1 − x)·z + m + log(exp(−m) + exp(−z − m)),  m = max(−z, 0)
// in thirteen elementwise passes, each with its own buffer: in a VAE's step at batch 128 on 2
// cores they take longer than the decoder's last layer. The same value is softplus(z) − z·x, two
// passes (ATen's vectorised softplus, then an in-place multiply-add). Its backward,
// (sigmoid(z) − x)·g, is the formula ATen's backward uses, in three passes on one buffer. Weights,
// a positive-class weight, a target that needs a gradient, and dtypes other than float and
// double go to ATen's function as before.
struct BceWithLogitsBackward : public Node {
  SavedVariable input;
  SavedVariable target;
  double factor;  // 1/N for 'mean', 1 otherwise

  variable_list apply(variable_list&& grads) override {
    const at::Tensor& g = grads[0];
    if (!g.defined()) return {at::Tensor()};
    const at::Tensor z = input.unpack();
    const at::Tensor x = target.unpack();
    // With create_graph the gradient must itself be differentiable: the same formula out of place.
    if (at::GradMode::is_enabled()) return {(z.sigmoid() - x) * (factor == 1 ? g : g * factor)};
    at::Tensor dz = z.sigmoid();
    dz.sub_(x);
    dz.mul_(factor == 1 ? g : g * factor);
    return {dz};
  }

  std::string name() const override { return "BinaryCrossEntropyWithLogitsBackward"; }

  void release_variables() override {
    input.reset_data();
    target.reset_data();
  }
};

bool bceFusable(const at::Tensor& z, const at::Tensor& x, const c10::optional<at::Tensor>& weight,
                const c10::optional<at::Tensor>& posWeight) {
  if ((weight && weight->defined()) || (posWeight && posWeight->defined())) return false;
  if (x.requires_grad() || z.sizes() != x.sizes() || z.scalar_type() != x.scalar_type()) return false;
  if (z.scalar_type() != at::kFloat && z.scalar_type() != at::kDouble) return false;
  return z.device().is_cpu() && x.device().is_cpu();
}

at::Tensor bceWithLogitsFused(const at::Tensor& z, const at::Tensor& x, int64_t reduction) {
  at::Tensor loss;
  {
    at::AutoDispatchBelowADInplaceOrView belowAutograd;
    at::Tensor elementwise = at::softplus(z);
    elementwise.addcmul_(z, x, -1);
    loss = reduction == 0 ? elementwise : reduction == kReductionSum ? elementwise.sum() : elementwise.mean();
  }
  if (!at::GradMode::is_enabled() || !z.requires_grad()) return loss;
  auto node = std::shared_ptr<BceWithLogitsBackward>(new BceWithLogitsBackward(), torch::autograd::deleteNode);
  node->input = SavedVariable(z, false);
  node->target = SavedVariable(x, false);
  node->factor = reduction == 1 ? 1.0 / static_cast<double>(z.numel()) : 1.0;
  node->set_next_edges(torch::autograd::collect_next_edges(z));
  torch::autograd::set_history(loss, node);
  return loss;
}

// bceWithLogits(input, target, weight | null, posWeight | null, reduction): as ATen's.
LATENTLAB_EXPORT(bceWithLogits) {
  const at::Tensor& input = unwrapTensor(info[0], "input");
  const at::Tensor& target = unwrapTensor(info[1], "target");
  const c10::optional<at::Tensor> weight = optionalTensor(info[2], "weight");
  const c10::optional<at::Tensor> posWeight = optionalTensor(info[3], "posWeight");
  const int64_t reduction = argInt(info, 4, "reduction");
  if (reduction >= 0 && reduction <= kReductionSum && bceFusable(input, target, weight, posWeight)) {
    return wrapTensor(info.Env(), bceWithLogitsFused(input, target, reduction));
  }
  return wrapTensor(info.Env(), at::binary_cross_entropy_with_logits(input, target, weight, posWeight, reduction));
}

}  // namespace

void initFusedLoss(Napi::Env env, Napi::Object exports) {
  exports.Set("mseLoss", Napi::Function::New(env, mseLoss));
  exports.Set("bceWithLogits", Napi::Function::New(env, bceWithLogits));
}

}  // namespace latentlab
