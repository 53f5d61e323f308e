// Collectives between processes over libtorch's c10d, as torch.distributed.init_process_group
// ("gloo") sets them up: a TCPStore rendezvous at the master's address, then a Gloo process group.
// Every call that waits for other ranks (rendezvous, allreduce, broadcast, barrier) runs on a
// libuv worker thread and settles a promise, so the JavaScript thread keeps serving signals,
// timers and progress output while the ranks wait for each other; a peer that dies or never
// comes makes the call fail within the group's timeout instead of hanging.
#include "common.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace latentlab {
namespace {

struct GroupBox {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  int rank = 0;
  int world = 1;
};

// A blocking job on a worker thread whose outcome settles a promise; libtorch's errors become
// the rejection's message (one line, as the rest of the addon reports them).
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Job = std::function<void()>;
  using Result = std::function<Napi::Value(Napi::Env)>;

  PromiseWorker(Napi::Env env, Job job, Result result)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), job_(std::move(job)), result_(std::move(result)) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      job_();
    } catch (const c10::Error& error) {
      SetError(errorMessage(error));
    } catch (const std::exception& error) {
      SetError(errorMessage(error));
    } catch (...) {
      SetError("unknown error in a collective");
    }
  }

  void OnOK() override { deferred_.Resolve(result_ ? result_(Env()) : Env().Undefined()); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Job job_;
  Result result_;
};

Napi::Promise queue(Napi::Env env, PromiseWorker::Job job, PromiseWorker::Result result = nullptr) {
  auto* worker = new PromiseWorker(env, std::move(job), std::move(result));
  auto promise = worker->promise();
  worker->Queue();  // the worker deletes itself once settled
  return promise;
}

const napi_type_tag kGroupTypeTag = {0x6c61'7465'6e74'6c61ULL, 0x6267'726f'7570'0001ULL};

std::shared_ptr<GroupBox> unwrapGroup(const Napi::Value& value) {
  bool tagged = false;
  if (value.IsExternal()) napi_check_object_type_tag(value.Env(), value, &kGroupTypeTag, &tagged);
  if (!tagged) throw Napi::TypeError::New(value.Env(), "expected a process group handle");
  auto* holder = value.As<Napi::External<std::shared_ptr<GroupBox>>>().Data();
  if (!*holder) throw Napi::Error::New(value.Env(), "the process group was destroyed");
  return *holder;
}

c10d::ReduceOp reduceOp(const std::string& name, Napi::Env env) {
  if (name == "sum") return c10d::ReduceOp::SUM;
  if (name == "max") return c10d::ReduceOp::MAX;
  if (name == "min") return c10d::ReduceOp::MIN;
  if (name == "product") return c10d::ReduceOp::PRODUCT;
  throw Napi::TypeError::New(env, "reduce op must be 'sum', 'max', 'min' or 'product', got '" + name + "'");
}

// distInit(masterAddr, masterPort, rank, world, timeoutMs, interfaceHost) → Promise<group>.
// Rank 0 serves the store; the others connect to it. interfaceHost names the address this
// rank's Gloo device binds ('' lets Gloo resolve this machine's host name, as PyTorch does).
LATENTLAB_EXPORT(distInit) {
  const std::string master = argString(info, 0, "masterAddr");
  const int64_t port = argInt(info, 1, "masterPort");
  const int64_t rank = argInt(info, 2, "rank");
  const int64_t world = argInt(info, 3, "world");
  const int64_t timeoutMs = argInt(info, 4, "timeoutMs");
  const std::string interfaceHost = argString(info, 5, "interfaceHost");
  auto box = std::make_shared<GroupBox>();
  box->rank = static_cast<int>(rank);
  box->world = static_cast<int>(world);
  auto job = [=] {
    const auto timeout = std::chrono::milliseconds(timeoutMs);
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = static_cast<uint16_t>(port);
    storeOptions.isServer = rank == 0;
    storeOptions.numWorkers = static_cast<std::size_t>(world);
    storeOptions.waitWorkers = true;
    storeOptions.timeout = timeout;
    box->store = c10::make_intrusive<c10d::TCPStore>(master, storeOptions);
    auto options = c10d::ProcessGroupGloo::Options::create();
    options->timeout = timeout;
    options->devices.push_back(interfaceHost.empty() ? c10d::ProcessGroupGloo::createDefaultDevice()
                                                     : c10d::ProcessGroupGloo::createDeviceForHostname(interfaceHost));
    box->group = c10::make_intrusive<c10d::ProcessGroupGloo>(box->store, box->rank, box->world, options);
  };
  auto result = [box](Napi::Env env) -> Napi::Value {
    auto external = Napi::External<std::shared_ptr<GroupBox>>::New(env, new std::shared_ptr<GroupBox>(box),
                                                                    [](Napi::Env, std::shared_ptr<GroupBox>* holder) { delete holder; });
    napi_type_tag_object(env, external, &kGroupTypeTag);
    return external;
  };
  return queue(info.Env(), job, result);
}

// distAllreduce(group, tensors, op) → Promise: each tensor replaced in place by its reduction over the ranks.
LATENTLAB_EXPORT(distAllreduce) {
  auto box = unwrapGroup(info[0]);
  auto tensors = argTensors(info, 1, "tensors");
  c10d::AllreduceOptions options;
  options.reduceOp = reduceOp(argString(info, 2, "op"), info.Env());
  return queue(info.Env(), [box, tensors, options]() mutable {
    for (auto& tensor : tensors) {
      std::vector<at::Tensor> one{tensor};
      box->group->allreduce(one, options)->wait();
    }
  });
}

// distBroadcast(group, tensors, root) → Promise: every rank's tensors take rank root's values.
LATENTLAB_EXPORT(distBroadcast) {
  auto box = unwrapGroup(info[0]);
  auto tensors = argTensors(info, 1, "tensors");
  c10d::BroadcastOptions options;
  options.rootRank = argInt(info, 2, "root");
  return queue(info.Env(), [box, tensors, options]() mutable {
    for (auto& tensor : tensors) {
      std::vector<at::Tensor> one{tensor};
      box->group->broadcast(one, options)->wait();
    }
  });
}

// distBarrier(group) → Promise, settled when every rank has reached it.
LATENTLAB_EXPORT(distBarrier) {
  auto box = unwrapGroup(info[0]);
  return queue(info.Env(), [box] { box->group->barrier()->wait(); });
}

// distDestroy(group): closes the group's connections (the store's server stops with rank 0's).
LATENTLAB_EXPORT(distDestroy) {
  bool tagged = false;
  if (info[0].IsExternal()) napi_check_object_type_tag(info.Env(), info[0], &kGroupTypeTag, &tagged);
  if (!tagged) throw Napi::TypeError::New(info.Env(), "expected a process group handle");
  info[0].As<Napi::External<std::shared_ptr<GroupBox>>>().Data()->reset();
  return info.Env().Undefined();
}

}  // namespace

void initDistributed(Napi::Env env, Napi::Object exports) {
  exports.Set("distInit", Napi::Function::New(env, distInit));
  exports.Set("distAllreduce", Napi::Function::New(env, distAllreduce));
  exports.Set("distBroadcast", Napi::Function::New(env, distBroadcast));
  exports.Set("distBarrier", Napi::Function::New(env, distBarrier));
  exports.Set("distDestroy", Napi::Function::New(env, distDestroy));
}

}  // namespace latentlab
