// A Bernoulli–Bernoulli RBM's contrastive-divergence objective in one call. The TypeScript path
// (src/models/rbm.ts) makes some sixty operator calls per batch, each crossing the N-API boundary
// and registering a handle, and carries the CD statistics to .grad through dot products with the
// parameters and their backward products; at batch 128 that is about a tenth of a CD-1 step. Here
// the same ATen operations run in the same order (the results are equal, test/models/rbm.test.ts),
// with three differences that do not change a value: the Bernoulli samples are one pass
// (u < p ? 1 : 0, an exact comparison) instead of a comparison and a conversion, the weight
// gradient's second product accumulates in place, and the gradients reach the parameters through
// one autograd node that hands them back scaled by the incoming gradient (handed over as they
// are, without a copy, in a plain backward() of the objective). No vector intrinsics:
// the matrix products and transcendental functions are ATen's, the rest is plain C++.
#include "common.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/csrc/autograd/graph_task.h>

#include <string>
#include <vector>

namespace latentlab {
namespace {

using torch::autograd::Node;
using torch::autograd::variable_list;

// dL/dθ = g · (the CD statistics) for the weight and both biases: the gradient of the surrogate
// objective, whose value is the free-energy gap and whose parameters' gradient is the statistics.
struct ContrastiveDivergenceBackward : public Node {
  std::vector<at::Tensor> statistics;  // weight, visible bias, hidden bias (no autograd history)

  variable_list apply(variable_list&& grads) override {
    const at::Tensor& g = grads[0];
    variable_list result(statistics.size());
    if (!g.defined()) return result;
    // The usual backward() of the objective itself (g = 1, the graph freed afterwards, no graph of
    // the gradient): hand the statistics over, so that .grad takes them without a copy.
    const bool handOver = !at::GradMode::is_enabled() && !torch::autograd::get_current_graph_task_keep_graph() &&
                          g.numel() == 1 && g.item<double>() == 1.0;
    for (size_t i = 0; i < statistics.size(); i++) {
      if (!statistics[i].defined()) throw std::runtime_error("backward through an RBM's CD objective a second time: its statistics were freed (use retainGraph)");
      if (!should_compute_output(i)) continue;
      result[i] = handOver ? std::move(statistics[i]) : statistics[i] * g;
    }
    return result;
  }

  std::string name() const override { return "ContrastiveDivergenceBackward"; }

  void release_variables() override {
    for (auto& tensor : statistics) tensor.reset();
  }
};

// Bernoulli samples of probabilities p from uniforms u: 1 where u < p, as (u < p).float().
at::Tensor bernoulliSample(const at::Tensor& probabilities, const at::Tensor& uniforms, const char* what) {
  if (uniforms.sizes() != probabilities.sizes() || uniforms.scalar_type() != at::kFloat || !uniforms.device().is_cpu()) {
    throw std::invalid_argument(std::string("the uniform draws for ") + what + " must be float32 CPU tensors of shape " +
                                c10::str(probabilities.sizes()) + ", got " + c10::str(uniforms.sizes()));
  }
  const at::Tensor p = probabilities.contiguous();
  const at::Tensor u = uniforms.contiguous();
  at::Tensor sample = at::empty_like(p);
  const float* pp = p.data_ptr<float>();
  const float* up = u.data_ptr<float>();
  float* out = sample.data_ptr<float>();
  at::parallel_for(0, p.numel(), at::internal::GRAIN_SIZE, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) out[i] = up[i] < pp[i] ? 1.0f : 0.0f;
  });
  return sample;
}

// F(v) = −b·v − Σ_j softplus(c_j + v·W_j) per row, from v and its hidden pre-activations, as rbm.ts's #freeEnergy.
at::Tensor freeEnergy(const at::Tensor& v, const at::Tensor& hiddenInput, const at::Tensor& visibleBias) {
  const at::Tensor hiddenTerm = at::softplus(hiddenInput, 1, 20).sum({1});
  return v.matmul(visibleBias).neg().sub(hiddenTerm);
}

// contrastiveDivergence(v0, weight, visibleBias, hiddenBias, chain | null, uniforms, steps):
// [total, reconstruction, dataFreeEnergy], as RestrictedBoltzmannMachine.loss for Bernoulli units
// without weight cost. With a chain (persistent CD) the Gibbs steps start at its hidden states and
// their last hidden sample is copied into it; otherwise they start at a sample of h given v0. The
// uniforms are the draws in the order the TypeScript path makes them: the start's hidden sample
// (no chain), then each step's visible sample and hidden sample (not the last step's, without a chain).
LATENTLAB_EXPORT(contrastiveDivergence) {
  const at::Tensor& v0 = unwrapTensor(info[0], "v0");
  const at::Tensor& weight = unwrapTensor(info[1], "weight");
  const at::Tensor& visibleBias = unwrapTensor(info[2], "visibleBias");
  const at::Tensor& hiddenBias = unwrapTensor(info[3], "hiddenBias");
  const bool persistent = !(info[4].IsNull() || info[4].IsUndefined());
  const at::Tensor chain = persistent ? unwrapTensor(info[4], "chain") : at::Tensor();
  const std::vector<at::Tensor> uniforms = argTensors(info, 5, "uniforms");
  const int64_t steps = argInt(info, 6, "steps");
  if (steps < 1) throw Napi::RangeError::New(info.Env(), "steps must be at least 1");
  // without a chain: the start's sample, then 2 per step but the last step's hidden one; with one: 2 per step
  const size_t expected = static_cast<size_t>(2 * steps);
  if (uniforms.size() != expected) {
    throw Napi::RangeError::New(info.Env(), "expected " + std::to_string(expected) + " uniform draws, got " + std::to_string(uniforms.size()));
  }
  for (const at::Tensor* t : {&v0, &weight, &visibleBias, &hiddenBias}) {
    if (t->scalar_type() != at::kFloat || !t->device().is_cpu()) throw Napi::TypeError::New(info.Env(), "contrastiveDivergence takes float32 CPU tensors");
  }
  if (v0.dim() != 2 || weight.dim() != 2 || v0.size(1) != weight.size(1)) {
    throw Napi::RangeError::New(info.Env(), "v0 must be [N, visible] and weight [hidden, visible], got " + c10::str(v0.sizes()) + " and " + c10::str(weight.sizes()));
  }

  at::Tensor total, reconstruction, dataEnergy;
  std::vector<at::Tensor> statistics;
  {
    at::NoGradGuard noGrad;
    size_t draw = 0;
    const at::Tensor weightT = weight.t();
    const at::Tensor input0 = linearNoGrad(v0, weight, hiddenBias);  // [N, hidden]
    const at::Tensor h0 = at::sigmoid(input0);
    at::Tensor state = persistent ? chain : bernoulliSample(h0, uniforms[draw++], "the hidden start");
    at::Tensor visible, hiddenInput, hiddenMean, firstVisibleMean;
    for (int64_t step = 0; step < steps; step++) {
      at::Tensor visibleMean = linearNoGrad(state, weightT, visibleBias).sigmoid_();  // [n, visible]
      if (step == 0) firstVisibleMean = visibleMean;
      visible = bernoulliSample(visibleMean, uniforms[draw++], "a visible sample");
      hiddenInput = linearNoGrad(visible, weight, hiddenBias);  // [n, hidden]
      hiddenMean = at::sigmoid(hiddenInput);
      if (step < steps - 1 || persistent) state = bernoulliSample(hiddenMean, uniforms[draw++], "a hidden sample");
    }
    if (persistent) chain.copy_(state);
    const double n0 = static_cast<double>(v0.size(0)), n1 = static_cast<double>(visible.size(0));
    // ⟨h vᵀ⟩_model − ⟨h vᵀ⟩_data [hidden, visible], the second product accumulated into the first
    at::Tensor weightGradient = matmul2d(hiddenMean.t(), visible);
    addmmInPlace(weightGradient, h0.t(), v0, 1 / n1, -1 / n0);
    at::Tensor visibleGradient = visible.mean({0}).sub(v0.mean({0}));
    at::Tensor hiddenGradient = hiddenMean.mean({0}).sub(h0.mean({0}));
    dataEnergy = freeEnergy(v0, input0, visibleBias).mean();
    total = dataEnergy.sub(freeEnergy(visible, hiddenInput, visibleBias).mean());
    // a persistent chain does not start at the data: its reconstruction is the mean-field one
    const at::Tensor reconstructed = persistent ? linearNoGrad(h0, weightT, visibleBias).sigmoid_() : firstVisibleMean;
    reconstruction = reconstructed.sub(v0).square().sum({1}).mean();
    statistics = {weightGradient, visibleGradient, hiddenGradient};
  }
  if (torch::autograd::compute_requires_grad(weight, visibleBias, hiddenBias)) {
    auto node = std::shared_ptr<ContrastiveDivergenceBackward>(new ContrastiveDivergenceBackward(), torch::autograd::deleteNode);
    node->statistics = std::move(statistics);
    node->set_next_edges(torch::autograd::collect_next_edges(weight, visibleBias, hiddenBias));
    torch::autograd::set_history(total, node);
  }
  auto result = Napi::Array::New(info.Env(), 3);
  result.Set(0u, wrapTensor(info.Env(), total));
  result.Set(1u, wrapTensor(info.Env(), reconstruction));
  result.Set(2u, wrapTensor(info.Env(), dataEnergy));
  return result;
}

}  // namespace

void initFusedRbm(Napi::Env env, Napi::Object exports) {
  exports.Set("contrastiveDivergence", Napi::Function::New(env, contrastiveDivergence));
}

}  // namespace latentlab
