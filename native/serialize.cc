// Reading and writing PyTorch's own pickle format (torch.save / torch.load), so that
// state_dicts move between PyTorch and latentlab. Safetensors is handled in TypeScript.
#include "common.h"

#include <torch/csrc/jit/serialization/pickle.h>

namespace latentlab {
namespace {

Napi::Value toJs(Napi::Env env, const c10::IValue& value) {
  if (value.isTensor()) return wrapTensor(env, value.toTensor());
  if (value.isNone()) return env.Null();
  if (value.isInt()) return Napi::Number::New(env, static_cast<double>(value.toInt()));
  if (value.isDouble()) return Napi::Number::New(env, value.toDouble());
  if (value.isBool()) return Napi::Boolean::New(env, value.toBool());
  if (value.isString()) return Napi::String::New(env, value.toStringRef());
  if (value.isGenericDict()) {
    auto object = Napi::Object::New(env);
    for (const auto& entry : value.toGenericDict()) {
      const c10::IValue& key = entry.key();
      std::string name = key.isString() ? key.toStringRef() : key.isInt() ? std::to_string(key.toInt()) : "";
      if (name.empty()) throw Napi::Error::New(env, "dictionary key of type " + key.tagKind() + " is not supported");
      object.Set(name, toJs(env, entry.value()));
    }
    return object;
  }
  if (value.isList() || value.isTuple()) {
    std::vector<c10::IValue> items = value.isList() ? value.toListRef().vec() : value.toTupleRef().elements().vec();
    auto array = Napi::Array::New(env, items.size());
    for (size_t i = 0; i < items.size(); i++) array.Set(i, toJs(env, items[i]));
    return array;
  }
  throw Napi::Error::New(env, "cannot read a value of type " + value.tagKind() + " from a PyTorch file");
}

LATENTLAB_EXPORT(loadPickle) {
  // loadPickle(bytes): the object a torch.save file holds (a state_dict becomes {name: tensor}).
  if (!info[0].IsBuffer()) throw Napi::TypeError::New(info.Env(), "bytes must be a Buffer");
  auto bytes = info[0].As<Napi::Buffer<char>>();
  std::vector<char> data(bytes.Data(), bytes.Data() + bytes.Length());
  return toJs(info.Env(), torch::jit::pickle_load(data));
}

LATENTLAB_EXPORT(savePickle) {
  // savePickle({name: tensor}): bytes that torch.load reads back as a dict of tensors.
  if (!info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "tensors must be an object of named tensors");
  auto object = info[0].As<Napi::Object>();
  c10::Dict<std::string, at::Tensor> dict;
  auto names = object.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); i++) {
    std::string name = names.Get(i).As<Napi::String>().Utf8Value();
    dict.insert(name, unwrapTensor(object.Get(name), name.c_str()).detach());
  }
  std::vector<char> data = torch::jit::pickle_save(dict);
  return Napi::Buffer<char>::Copy(info.Env(), data.data(), data.size());
}

}  // namespace

void initSerialize(Napi::Env env, Napi::Object exports) {
  exports.Set("loadPickle", Napi::Function::New(env, loadPickle));
  exports.Set("savePickle", Napi::Function::New(env, savePickle));
}

}  // namespace latentlab
