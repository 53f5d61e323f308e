// libtorch's operator profiler (the one behind torch.autograd.profiler): every ATen op and
// autograd node between start and stop is recorded with its CPU time, and stop returns one row
// per op name with its call count, total time (children included) and self time, as
// torch.profiler's key_averages() does; given a path, it also writes the events as a Chrome
// trace (chrome://tracing, Perfetto), as torch.autograd.profiler's export_chrome_trace.
#include "common.h"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <fstream>
#include <map>
#include <vector>

namespace latentlab {
namespace {

namespace profiler = torch::autograd::profiler;

LATENTLAB_EXPORT(startProfiler) {
  bool& profiling = addonState(info.Env()).profiling;
  if (profiling) throw Napi::Error::New(info.Env(), "the profiler is already running");
  profiler::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
  profiling = true;
  return info.Env().Undefined();
}

struct OpTotals {
  int64_t calls = 0;
  double totalUs = 0;
  double selfUs = 0;
};

// One open range on a thread's stack: its push event and the time spent in its children.
struct OpenRange {
  const profiler::LegacyEvent* push;
  double childrenUs = 0;
};

// stopProfiler(tracePath?): the rows; with a path, the Chrome trace written there too.
LATENTLAB_EXPORT(stopProfiler) {
  bool& profiling = addonState(info.Env()).profiling;
  if (!profiling) throw Napi::Error::New(info.Env(), "the profiler is not running");
  profiling = false;
  profiler::thread_event_lists lists = profiler::disableProfilerLegacy();
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    const std::string path = argString(info, 0, "trace path");
    std::ofstream out(path);
    if (!out) throw Napi::Error::New(info.Env(), "cannot write the profiler trace to " + path);
    std::vector<profiler::LegacyEvent*> events;
    for (auto& list : lists) {
      for (auto& event : list) events.push_back(&event);
    }
    profiler::writeProfilerEventsToStream(out, events);
    if (!out.flush()) throw Napi::Error::New(info.Env(), "cannot write the profiler trace to " + path);
  }
  std::map<std::string, OpTotals> totals;
  for (const auto& events : lists) {
    // Events of one thread nest: each pop closes the latest open push.
    std::vector<OpenRange> stack;
    for (const auto& event : events) {
      if (event.kind() == profiler::EventKind::PushRange) {
        stack.push_back({&event});
      } else if (event.kind() == profiler::EventKind::PopRange && !stack.empty()) {
        OpenRange range = stack.back();
        stack.pop_back();
        const double elapsed = range.push->cpuElapsedUs(event);
        OpTotals& op = totals[range.push->name()];
        op.calls++;
        op.totalUs += elapsed;
        op.selfUs += elapsed - range.childrenUs;
        if (!stack.empty()) stack.back().childrenUs += elapsed;
      }
    }
  }
  auto rows = Napi::Array::New(info.Env(), totals.size());
  uint32_t index = 0;
  for (const auto& [name, op] : totals) {
    auto row = Napi::Object::New(info.Env());
    row.Set("name", name);
    row.Set("calls", static_cast<double>(op.calls));
    row.Set("totalUs", op.totalUs);
    row.Set("selfUs", op.selfUs);
    rows.Set(index++, row);
  }
  return rows;
}

}  // namespace

void stopProfilerAtExit() { profiler::disableProfilerLegacy(); }

void initProfiler(Napi::Env env, Napi::Object exports) {
  exports.Set("startProfiler", Napi::Function::New(env, startProfiler));
  exports.Set("stopProfiler", Napi::Function::New(env, stopProfiler));
}

}  // namespace latentlab
