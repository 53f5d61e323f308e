// Generic ATen operator calls. Instead of one hand-written binding per op, TypeScript resolves
// an operator by its schema name ("aten::add", overload "Tensor") once, then calls it by id; the
// arguments are converted according to the op's schema and the call goes through libtorch's
// dispatcher, which routes to CPU/CUDA kernels and records autograd exactly as PyTorch does.
#include "common.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>

#include <cmath>
#include <vector>

namespace latentlab {
namespace {

[[noreturn]] void argumentError(const Napi::Env& env, const c10::OperatorHandle& op, const c10::Argument& arg,
                                const std::string& expected) {
  throw Napi::TypeError::New(env, "argument '" + arg.name() + "' of " + op.schema().name() + " must be " + expected);
}

bool isIntegral(double value) { return std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9007199254740992.0; }

int64_t toInt(const Napi::Value& value, const c10::OperatorHandle& op, const c10::Argument& arg) {
  if (!value.IsNumber()) argumentError(value.Env(), op, arg, "an integer");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!isIntegral(number)) argumentError(value.Env(), op, arg, "an integer, got " + std::to_string(number));
  return static_cast<int64_t>(number);
}

// JavaScript has one number type; integral values become int Scalars so that integer tensors
// keep their dtype (arange(5).add(1) stays int64), fractional values become double Scalars.
c10::Scalar toScalar(const Napi::Value& value, const c10::OperatorHandle& op, const c10::Argument& arg) {
  if (value.IsBoolean()) return c10::Scalar(value.As<Napi::Boolean>().Value());
  if (!value.IsNumber()) argumentError(value.Env(), op, arg, "a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (isIntegral(number)) return c10::Scalar(static_cast<int64_t>(number));
  return c10::Scalar(number);
}

c10::IValue toIValue(const Napi::Value& value, const c10::TypePtr& type, const c10::OperatorHandle& op,
                     const c10::Argument& arg) {
  const Napi::Env env = value.Env();
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
      return unwrapTensor(value, arg.name().c_str());
    case c10::TypeKind::OptionalType:
      if (value.IsUndefined() || value.IsNull()) return c10::IValue();
      return toIValue(value, type->castRaw<c10::OptionalType>()->getElementType(), op, arg);
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      return toInt(value, op, arg);
    case c10::TypeKind::FloatType:
      if (!value.IsNumber()) argumentError(env, op, arg, "a number");
      return value.As<Napi::Number>().DoubleValue();
    case c10::TypeKind::BoolType:
      if (!value.IsBoolean()) argumentError(env, op, arg, "a boolean");
      return value.As<Napi::Boolean>().Value();
    case c10::TypeKind::NumberType:
      return toScalar(value, op, arg);
    case c10::TypeKind::StringType:
      if (!value.IsString()) argumentError(env, op, arg, "a string");
      return value.As<Napi::String>().Utf8Value();
    case c10::TypeKind::ScalarTypeType:
    case c10::TypeKind::LayoutType:
    case c10::TypeKind::MemoryFormatType:
      return toInt(value, op, arg);
    case c10::TypeKind::DeviceObjType:
      if (!value.IsString()) argumentError(env, op, arg, "a device string such as 'cpu' or 'cuda:0'");
      return c10::Device(value.As<Napi::String>().Utf8Value());
    case c10::TypeKind::ListType: {
      const c10::TypePtr& element = type->castRaw<c10::ListType>()->getElementType();
      const auto elementKind = element->kind();
      // int[2] arguments (stride, padding, ...) accept a single number, as in PyTorch.
      if (value.IsNumber() && arg.N() &&
          (elementKind == c10::TypeKind::IntType || elementKind == c10::TypeKind::SymIntType)) {
        return c10::List<int64_t>(std::vector<int64_t>(*arg.N(), toInt(value, op, arg)));
      }
      if (!value.IsArray()) argumentError(env, op, arg, "an array (" + type->str() + ")");
      auto array = value.As<Napi::Array>();
      const uint32_t length = array.Length();
      switch (elementKind) {
        case c10::TypeKind::IntType:
        case c10::TypeKind::SymIntType: {
          c10::List<int64_t> list;
          list.reserve(length);
          for (uint32_t i = 0; i < length; i++) list.push_back(toInt(array.Get(i), op, arg));
          return list;
        }
        case c10::TypeKind::FloatType: {
          c10::List<double> list;
          list.reserve(length);
          for (uint32_t i = 0; i < length; i++) {
            Napi::Value item = array.Get(i);
            if (!item.IsNumber()) argumentError(env, op, arg, "an array of numbers");
            list.push_back(item.As<Napi::Number>().DoubleValue());
          }
          return list;
        }
        case c10::TypeKind::BoolType: {
          c10::List<bool> list;
          list.reserve(length);
          for (uint32_t i = 0; i < length; i++) {
            Napi::Value item = array.Get(i);
            if (!item.IsBoolean()) argumentError(env, op, arg, "an array of booleans");
            list.push_back(item.As<Napi::Boolean>().Value());
          }
          return list;
        }
        case c10::TypeKind::TensorType: {
          c10::List<at::Tensor> list;
          list.reserve(length);
          for (uint32_t i = 0; i < length; i++) list.push_back(unwrapTensor(array.Get(i), arg.name().c_str()));
          return list;
        }
        case c10::TypeKind::OptionalType: {  // Tensor?[] (advanced indexing)
          c10::List<c10::optional<at::Tensor>> list;
          list.reserve(length);
          for (uint32_t i = 0; i < length; i++) {
            Napi::Value item = array.Get(i);
            if (item.IsUndefined() || item.IsNull()) {
              list.push_back(c10::nullopt);
            } else {
              list.push_back(unwrapTensor(item, arg.name().c_str()));
            }
          }
          return list;
        }
        default:
          argumentError(env, op, arg, "of a supported list type (" + type->str() + " is not)");
      }
    }
    case c10::TypeKind::GeneratorType:
      argumentError(env, op, arg, "left out (generators are not supported; use manualSeed)");
    default:
      argumentError(env, op, arg, "of a supported type (" + type->str() + " is not)");
  }
}

// An op that returns one of its inputs (in-place and out= ops) gives back the caller's own
// handle instead of a second handle to the same tensor.
Napi::Value returnTensor(Napi::Env env, at::Tensor tensor, const Napi::CallbackInfo& info) {
  if (!tensor.defined()) return env.Null();
  for (size_t i = 1; i < info.Length(); i++) {
    TensorBox* box = tensorBoxOrNull(info[i]);
    if (box && box->live && box->tensor.is_same(tensor)) return info[i];
  }
  return wrapTensor(env, std::move(tensor));
}

Napi::Value fromIValue(Napi::Env env, c10::IValue value, const Napi::CallbackInfo& info) {
  if (value.isTensor()) return returnTensor(env, std::move(value).toTensor(), info);
  if (value.isNone()) return env.Null();
  if (value.isInt()) return Napi::Number::New(env, static_cast<double>(value.toInt()));
  if (value.isDouble()) return Napi::Number::New(env, value.toDouble());
  if (value.isBool()) return Napi::Boolean::New(env, value.toBool());
  if (value.isString()) return Napi::String::New(env, value.toStringRef());
  if (value.isList() || value.isTuple()) {
    std::vector<c10::IValue> items =
        value.isList() ? value.toListRef().vec() : value.toTupleRef().elements().vec();
    auto array = Napi::Array::New(env, items.size());
    for (size_t i = 0; i < items.size(); i++) array.Set(i, fromIValue(env, std::move(items[i]), info));
    return array;
  }
  throw Napi::Error::New(env, "unsupported return type " + value.tagKind());
}

LATENTLAB_EXPORT(resolveOp) {
  const std::string name = argString(info, 0, "name");
  const std::string overload = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
  if (!handle) {
    throw Napi::Error::New(info.Env(), "libtorch has no operator " + name + (overload.empty() ? "" : "." + overload));
  }
  auto& ops = addonState(info.Env()).ops;
  ops.push_back(*handle);
  return Napi::Number::New(info.Env(), static_cast<double>(ops.size() - 1));
}

LATENTLAB_EXPORT(opSchema) {
  const int64_t id = argInt(info, 0, "op");
  const auto& ops = addonState(info.Env()).ops;
  if (id < 0 || id >= static_cast<int64_t>(ops.size())) throw Napi::RangeError::New(info.Env(), "unknown op id");
  std::ostringstream text;
  text << ops[id].schema();
  return Napi::String::New(info.Env(), text.str());
}

// callOp(id, ...args): missing or undefined trailing arguments take the schema's defaults.
LATENTLAB_EXPORT(callOp) {
  const Napi::Env env = info.Env();
  const int64_t id = argInt(info, 0, "op");
  const auto& ops = addonState(env).ops;
  if (id < 0 || id >= static_cast<int64_t>(ops.size())) throw Napi::RangeError::New(env, "unknown op id");
  const c10::OperatorHandle& op = ops[id];
  const auto& arguments = op.schema().arguments();
  const size_t given = info.Length() - 1;
  if (given > arguments.size()) {
    throw Napi::TypeError::New(env, op.schema().name() + " takes " + std::to_string(arguments.size()) +
                                        " arguments, got " + std::to_string(given));
  }
  torch::jit::Stack stack;
  stack.reserve(arguments.size());
  for (size_t i = 0; i < arguments.size(); i++) {
    const c10::Argument& arg = arguments[i];
    Napi::Value value = i < given ? info[i + 1] : env.Undefined();
    if (value.IsUndefined() && arg.default_value()) {
      stack.push_back(*arg.default_value());
    } else if (value.IsUndefined() && arg.type()->kind() != c10::TypeKind::OptionalType) {
      throw Napi::TypeError::New(env, "missing argument '" + arg.name() + "' of " + op.schema().name());
    } else {
      stack.push_back(toIValue(value, arg.real_type(), op, arg));
    }
  }
  op.callBoxed(&stack);
  if (stack.empty()) return env.Undefined();
  if (stack.size() == 1) return fromIValue(env, std::move(stack[0]), info);
  auto results = Napi::Array::New(env, stack.size());
  for (size_t i = 0; i < stack.size(); i++) results.Set(i, fromIValue(env, std::move(stack[i]), info));
  return results;
}

}  // namespace

void initOps(Napi::Env env, Napi::Object exports) {
  exports.Set("resolveOp", Napi::Function::New(env, resolveOp));
  exports.Set("opSchema", Napi::Function::New(env, opSchema));
  exports.Set("callOp", Napi::Function::New(env, callOp));
}

}  // namespace latentlab
