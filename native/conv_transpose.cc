// conv_transpose2d through libtorch's convolution kernels. libtorch 1.13 runs a transposed
// convolution on the CPU with slow_conv_transpose2d: one small GEMM and one col2im per sample,
// their GEMMs on OpenBLAS's threads, so a decoder's wide layers spend most of a training step
// there (128 → 64 channels, 4×4 kernel, batch 128: 27 ms forward and 47 ms backward on 2 cores,
// where a convolution of the same size takes 7 and 16). PyTorch 2.0 moved transposed
// convolutions to oneDNN; this does it with the kernels libtorch 1.13 already has, since a
// transposed convolution is the adjoint of the convolution with the same weight W ([in, out, kH,
// kW], read as a convolution from `out` channels to `in`):
//   y      = convT(x, W)  = ∂/∂input of conv(·, W) at grad_output x
//   ∂L/∂x  = conv(g, W)
//   ∂L/∂W  = ∂/∂weight of conv(input g, W) at grad_output x
//   ∂L/∂b  = Σ g over batch and space
// each one call of libtorch's convolution or convolution_backward, which run on oneDNN (on
// libtorch's own threads) where libtorch has it, and on ATen's im2col path otherwise (in float64,
// measured no slower than slow_conv_transpose2d). The backward uses differentiable ATen ops, so
// gradients of gradients (create_graph) flow through it as through ATen's own node. Layers with
// few output channels (an image decoder's last) stay on slow_conv_transpose2d, faster there.
#include "common.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/saved_variable.h>

#include <vector>

namespace latentlab {
namespace {

using torch::autograd::Node;
using torch::autograd::SavedVariable;
using torch::autograd::variable_list;

// Below this many output channels slow_conv_transpose2d is faster (batch 128 on 2 cores, forward
// and backward: 32 → 1 channels 2.2 ms against 3.7 through oneDNN; 64 → 32 channels 18.6 ms
// against 8.9; 128 → 64 channels 74.6 ms against 29.3).
constexpr int64_t kMinOutChannels = 8;

struct Geometry {
  std::vector<int64_t> stride, padding, outputPadding, dilation;
  int64_t groups;
};

// The output's size, as ATen computes it: (n − 1)s − 2p + d(k − 1) + op + 1.
std::vector<int64_t> outputSize(const at::Tensor& x, const at::Tensor& weight, const Geometry& g) {
  std::vector<int64_t> size{x.size(0), weight.size(1) * g.groups};
  for (int d = 0; d < 2; d++) {
    size.push_back((x.size(d + 2) - 1) * g.stride[d] - 2 * g.padding[d] + g.dilation[d] * (weight.size(d + 2) - 1) +
                   g.outputPadding[d] + 1);
  }
  return size;
}

struct ConvTranspose2dBackward : public Node {
  SavedVariable input;
  SavedVariable weight;
  Geometry geometry;
  bool hasBias = false;

  variable_list apply(variable_list&& grads) override {
    const at::Tensor& g = grads[0];
    variable_list result(3);
    if (!g.defined()) return result;
    const at::Tensor x = input.unpack();
    const at::Tensor w = weight.unpack();
    const Geometry& k = geometry;
    if (task_should_compute_output(0)) result[0] = at::conv2d(g, w, {}, k.stride, k.padding, k.dilation, k.groups);
    if (task_should_compute_output(1)) {
      result[1] = std::get<1>(at::convolution_backward(x, g, w, c10::nullopt, k.stride, k.padding, k.dilation, false,
                                                       {0, 0}, k.groups, {false, true, false}));
    }
    if (hasBias && task_should_compute_output(2)) result[2] = g.sum({0, 2, 3});
    return result;
  }

  std::string name() const override { return "ConvTranspose2dBackward"; }

  void release_variables() override {
    input.reset_data();
    weight.reset_data();
  }
};

bool adjointPath(const at::Tensor& x, const at::Tensor& weight, const c10::optional<at::Tensor>& bias, const Geometry& g) {
  if (x.dim() != 4 || weight.dim() != 4 || x.size(0) == 0) return false;
  if (weight.size(1) * g.groups < kMinOutChannels) return false;
  for (int d = 0; d < 2; d++) {
    // ATen's own checks (and their messages) for anything it would refuse.
    if (g.stride[d] < 1 || g.dilation[d] < 1 || g.padding[d] < 0 || g.outputPadding[d] < 0) return false;
    if (g.outputPadding[d] >= std::max(g.stride[d], g.dilation[d])) return false;
  }
  if (g.groups < 1 || x.size(1) != weight.size(0) || weight.size(0) % g.groups != 0) return false;
  const auto dtype = x.scalar_type();
  if (dtype != at::kFloat && dtype != at::kDouble) return false;
  for (const at::Tensor* t : {&x, &weight}) {
    if (!t->device().is_cpu() || t->scalar_type() != dtype) return false;
  }
  if (bias && bias->defined() && (bias->dim() != 1 || bias->size(0) != weight.size(1) * g.groups ||
                                  !bias->device().is_cpu() || bias->scalar_type() != dtype)) {
    return false;
  }
  for (int64_t s : outputSize(x, weight, g)) {
    if (s < 1) return false;
  }
  return true;
}

at::Tensor convTransposeAdjoint(const at::Tensor& x, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                               const Geometry& g) {
  const bool withBias = bias && bias->defined();
  at::Tensor y;
  {
    at::AutoDispatchBelowADInplaceOrView belowAutograd;
    // convolution_backward reads only the size of `input` when it computes the input's gradient.
    const at::Tensor shape = at::empty(outputSize(x, weight, g), x.options());
    y = std::get<0>(at::convolution_backward(x, shape, weight, c10::nullopt, g.stride, g.padding, g.dilation, false,
                                             {0, 0}, g.groups, {true, false, false}));
    if (withBias) y.add_(bias->view({1, -1, 1, 1}));
  }
  const bool needsGrad = at::GradMode::is_enabled() &&
                         (x.requires_grad() || weight.requires_grad() || (withBias && bias->requires_grad()));
  if (!needsGrad) return y;
  auto node = std::shared_ptr<ConvTranspose2dBackward>(new ConvTranspose2dBackward(), torch::autograd::deleteNode);
  node->input = SavedVariable(x, false);
  node->weight = SavedVariable(weight, false);
  node->geometry = g;
  node->hasBias = withBias;
  node->set_next_edges(torch::autograd::collect_next_edges(x, weight, withBias ? *bias : at::Tensor()));
  torch::autograd::set_history(y, node);
  return y;
}

// convTranspose2d(x, weight, bias | null, stride[2], padding[2], outputPadding[2], groups, dilation[2]).
LATENTLAB_EXPORT(convTranspose2d) {
  const at::Tensor& x = unwrapTensor(info[0], "input");
  const at::Tensor& weight = unwrapTensor(info[1], "weight");
  const c10::optional<at::Tensor> bias = optionalTensor(info[2], "bias");
  const Geometry g{toIntVector(info[3], "stride"), toIntVector(info[4], "padding"), toIntVector(info[5], "outputPadding"),
                   toIntVector(info[7], "dilation"), argInt(info, 6, "groups")};
  for (const auto* v : {&g.stride, &g.padding, &g.outputPadding, &g.dilation}) {
    if (v->size() != 2) throw Napi::TypeError::New(info.Env(), "stride, padding, outputPadding and dilation take two numbers");
  }
  if (adjointPath(x, weight, bias, g)) return wrapTensor(info.Env(), convTransposeAdjoint(x, weight, bias, g));
  return wrapTensor(info.Env(), at::conv_transpose2d(x, weight, bias, g.stride, g.padding, g.outputPadding, g.groups, g.dilation));
}

}  // namespace

void initConvTranspose(Napi::Env env, Napi::Object exports) {
  exports.Set("convTranspose2d", Napi::Function::New(env, convTranspose2d));
}

}  // namespace latentlab
