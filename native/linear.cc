// linear (x·Wᵀ + b) with its products through gemm.cc (oneDNN's sgemm) in both directions: the
// layer under every MLP, and most of a dense model's training step. Its backward node computes
//   ∂L/∂x = g·W,  ∂L/∂W = gᵀ·x,  ∂L/∂b = Σ_rows g
// as ATen's AddmmBackward does; with create_graph it uses differentiable ATen ops instead, so
// gradients of gradients flow as through ATen's linear. Inputs of more than two dimensions are
// [*, in] as in ATen (flattened to rows and back). Float64 takes the same node with ATen's
// products; other dtypes and devices go to ATen's linear.
#include "common.h"

#include <ATen/record_function.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/saved_variable.h>

namespace latentlab {
namespace {

using torch::autograd::Node;
using torch::autograd::SavedVariable;
using torch::autograd::variable_list;

struct LinearBackward : public Node {
  SavedVariable input;  // [N, in]
  SavedVariable weight;
  bool hasBias = false;

  variable_list apply(variable_list&& grads) override {
    variable_list result(3);
    const at::Tensor& g = grads[0];
    if (!g.defined()) return result;
    const at::Tensor x = input.unpack();
    const at::Tensor w = weight.unpack();
    const bool differentiable = at::GradMode::is_enabled();
    if (task_should_compute_output(0)) result[0] = differentiable ? g.mm(w) : matmul2d(g, w);
    if (task_should_compute_output(1)) result[1] = differentiable ? g.t().mm(x) : matmul2d(g.t(), x);
    if (hasBias && task_should_compute_output(2)) result[2] = g.sum(0);
    return result;
  }

  std::string name() const override { return "LinearBackward"; }

  void release_variables() override {
    input.reset_data();
    weight.reset_data();
  }
};

bool fusable(const at::Tensor& x, const at::Tensor& weight, const c10::optional<at::Tensor>& bias) {
  if (x.dim() < 1 || weight.dim() != 2 || x.size(-1) != weight.size(1) || x.numel() == 0 || weight.numel() == 0) return false;
  // float64 takes the same node with ATen's products (gemm.cc has float32 only): one backward for both.
  const auto dtype = x.scalar_type();
  if (dtype != at::kFloat && dtype != at::kDouble) return false;
  for (const at::Tensor* t : {&x, &weight}) {
    if (t->scalar_type() != dtype || !t->device().is_cpu()) return false;
  }
  return !bias || !bias->defined() ||
         (bias->dim() == 1 && bias->size(0) == weight.size(0) && bias->scalar_type() == dtype && bias->device().is_cpu());
}

at::Tensor linearWithNode(const at::Tensor& x, const at::Tensor& weight, const c10::optional<at::Tensor>& bias) {
  RECORD_FUNCTION("latentlab::linear", std::vector<c10::IValue>({x, weight}));  // in profile() beside ATen's ops
  const bool withBias = bias && bias->defined();
  const at::Tensor rows = x.dim() == 2 ? x : x.reshape({-1, x.size(-1)});
  at::Tensor y;
  {
    at::NoGradGuard noGrad;
    y = linearNoGrad(rows, weight, bias);
  }
  const bool needsGrad = at::GradMode::is_enabled() && (rows.requires_grad() || weight.requires_grad() || (withBias && bias->requires_grad()));
  if (needsGrad) {
    auto node = std::shared_ptr<LinearBackward>(new LinearBackward(), torch::autograd::deleteNode);
    node->input = SavedVariable(rows, false);
    node->weight = SavedVariable(weight, false);
    node->hasBias = withBias;
    node->set_next_edges(torch::autograd::collect_next_edges(rows, weight, withBias ? *bias : at::Tensor()));
    torch::autograd::set_history(y, node);
  }
  if (x.dim() == 2) return y;
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
  shape.back() = weight.size(0);
  return y.view(shape);
}

// linear(x, weight, bias | null), as ATen's.
LATENTLAB_EXPORT(linear) {
  const at::Tensor& x = unwrapTensor(info[0], "input");
  const at::Tensor& weight = unwrapTensor(info[1], "weight");
  const c10::optional<at::Tensor> bias = optionalTensor(info[2], "bias");
  if (fusable(x, weight, bias)) return wrapTensor(info.Env(), linearWithNode(x, weight, bias));
  return wrapTensor(info.Env(), at::linear(x, weight, bias));
}

}  // namespace

void initLinear(Napi::Env env, Napi::Object exports) { exports.Set("linear", Napi::Function::New(env, linear)); }

}  // namespace latentlab
