// Writing PyTorch's own pickle format, so that torch.load reads what latentlab saves. Reading
// is done in TypeScript (src/tensor/torch-file.ts): libtorch's C++ unpickler drops the
// OrderedDict that every torch.save(model.state_dict()) file holds. Safetensors is TypeScript too.
#include "common.h"

#include <torch/csrc/jit/serialization/pickle.h>

namespace latentlab {
namespace {

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
  exports.Set("savePickle", Napi::Function::New(env, savePickle));
}

}  // namespace latentlab
