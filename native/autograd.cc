// Autograd entry points that are not ATen operators: backward, .grad, requires_grad, the
// functional torch.autograd.grad, and the global grad mode (no-grad scopes).
#include "common.h"

#include <cmath>

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/grad_mode.h>

namespace latentlab {
namespace {

// Entries of a JS array that may hold null (no gradient given for that tensor).
std::vector<at::Tensor> optionalTensors(const Napi::Value& value, const char* name) {
  std::vector<at::Tensor> tensors;
  if (value.IsUndefined() || value.IsNull()) return tensors;
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), std::string(name) + " must be an array");
  auto array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    tensors.push_back(item.IsNull() || item.IsUndefined() ? at::Tensor() : unwrapTensor(item, name));
  }
  return tensors;
}

c10::optional<bool> optionalBool(const Napi::Value& value) {
  if (value.IsBoolean()) return value.As<Napi::Boolean>().Value();
  return c10::nullopt;
}

Napi::Value wrapOrNull(Napi::Env env, const at::Tensor& tensor) {
  return tensor.defined() ? wrapTensor(env, tensor) : env.Null();
}

LATENTLAB_EXPORT(backward) {
  // backward(tensors, gradients | null, retainGraph?, createGraph?)
  auto tensors = argTensors(info, 0, "tensors");
  auto gradients = optionalTensors(info[1], "gradients");
  const bool createGraph = info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
  torch::autograd::backward(tensors, gradients, optionalBool(info[2]), createGraph);
  return info.Env().Undefined();
}

LATENTLAB_EXPORT(grad) {
  // grad(outputs, inputs, gradOutputs | null, retainGraph?, createGraph?, allowUnused?)
  auto outputs = argTensors(info, 0, "outputs");
  auto inputs = argTensors(info, 1, "inputs");
  auto gradOutputs = optionalTensors(info[2], "gradOutputs");
  const bool createGraph = info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
  const bool allowUnused = info[5].IsBoolean() && info[5].As<Napi::Boolean>().Value();
  auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, optionalBool(info[3]), createGraph, allowUnused);
  auto array = Napi::Array::New(info.Env(), grads.size());
  for (size_t i = 0; i < grads.size(); i++) array.Set(i, wrapOrNull(info.Env(), grads[i]));
  return array;
}

LATENTLAB_EXPORT(getGrad) { return wrapOrNull(info.Env(), unwrapTensor(info[0]).grad()); }

LATENTLAB_EXPORT(setGrad) {
  at::Tensor tensor = unwrapTensor(info[0]);
  tensor.mutable_grad() = info[1].IsNull() || info[1].IsUndefined() ? at::Tensor() : unwrapTensor(info[1], "grad");
  return info.Env().Undefined();
}

LATENTLAB_EXPORT(zeroGrads) {
  // zeroGrads(tensors, setToNone): one call for a whole parameter list, as optimizers need.
  auto tensors = argTensors(info, 0, "tensors");
  const bool setToNone = argBool(info, 1, "setToNone");
  for (auto& tensor : tensors) {
    at::Tensor& grad = tensor.mutable_grad();
    if (!grad.defined()) continue;
    if (setToNone) {
      grad.reset();
    } else {
      if (grad.grad_fn()) grad = grad.detach();
      grad.requires_grad_(false);
      grad.zero_();
    }
  }
  return info.Env().Undefined();
}

// gradientSquaredNorm(tensors): Σ‖∂t‖² over those of `tensors` that have a gradient, in one
// call. The trainer records the gradient norm every step; ATen's norm (a reduction that
// accumulates floats in double, one op and one handle per tensor, then a norm of the norms) cost
// a seventh of a small model's per-sample step. Float and double gradients go through BLAS dot
// products instead. Those accumulate in the tensor's own dtype, so a float sum of squares can
// overflow where the norm itself is finite: a result that is not finite is recomputed in double,
// and a gradient is reported non-finite only when it is.
double squaredNormOf(const at::Tensor& tensor, bool inDouble) {
  const auto type = tensor.scalar_type();
  if (!inDouble && (type == at::kFloat || type == at::kDouble) && tensor.layout() == at::kStrided) {
    const at::Tensor flat = tensor.reshape({-1});  // a view when contiguous
    return at::dot(flat, flat).item<double>();
  }
  const double norm = at::linalg_vector_norm(tensor.is_complex() ? tensor : tensor.to(at::kDouble), 2).item<double>();
  return norm * norm;
}

LATENTLAB_EXPORT(gradientSquaredNorm) {
  const auto tensors = argTensors(info, 0, "tensors");
  at::NoGradGuard noGrad;
  auto sum = [&](bool inDouble) {
    double total = 0;
    for (const auto& tensor : tensors) {
      const at::Tensor& grad = tensor.grad();
      if (grad.defined()) total += squaredNormOf(grad, inDouble);
    }
    return total;
  };
  double total = sum(false);
  if (!std::isfinite(total)) total = sum(true);
  return Napi::Number::New(info.Env(), total);
}

LATENTLAB_EXPORT(requiresGrad) { return Napi::Boolean::New(info.Env(), unwrapTensor(info[0]).requires_grad()); }

LATENTLAB_EXPORT(setRequiresGrad) {
  at::Tensor tensor = unwrapTensor(info[0]);
  tensor.set_requires_grad(argBool(info, 1, "requiresGrad"));
  return info.Env().Undefined();
}

LATENTLAB_EXPORT(isLeaf) { return Napi::Boolean::New(info.Env(), unwrapTensor(info[0]).is_leaf()); }

LATENTLAB_EXPORT(gradFnName) {
  const auto& fn = unwrapTensor(info[0]).grad_fn();
  return fn ? Napi::Value(Napi::String::New(info.Env(), fn->name())) : info.Env().Null();
}

LATENTLAB_EXPORT(retainGrad) {
  unwrapTensor(info[0]).retain_grad();
  return info.Env().Undefined();
}

LATENTLAB_EXPORT(setGradEnabled) {
  const bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(argBool(info, 0, "enabled"));
  return Napi::Boolean::New(info.Env(), previous);
}

LATENTLAB_EXPORT(isGradEnabled) { return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled()); }

}  // namespace

void initAutograd(Napi::Env env, Napi::Object exports) {
  exports.Set("backward", Napi::Function::New(env, backward));
  exports.Set("grad", Napi::Function::New(env, grad));
  exports.Set("getGrad", Napi::Function::New(env, getGrad));
  exports.Set("setGrad", Napi::Function::New(env, setGrad));
  exports.Set("zeroGrads", Napi::Function::New(env, zeroGrads));
  exports.Set("gradientSquaredNorm", Napi::Function::New(env, gradientSquaredNorm));
  exports.Set("requiresGrad", Napi::Function::New(env, requiresGrad));
  exports.Set("setRequiresGrad", Napi::Function::New(env, setRequiresGrad));
  exports.Set("isLeaf", Napi::Function::New(env, isLeaf));
  exports.Set("gradFnName", Napi::Function::New(env, gradFnName));
  exports.Set("retainGrad", Napi::Function::New(env, retainGrad));
  exports.Set("setGradEnabled", Napi::Function::New(env, setGradEnabled));
  exports.Set("isGradEnabled", Napi::Function::New(env, isGradEnabled));
}

}  // namespace latentlab
