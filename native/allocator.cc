// A caching CPU allocator, installed in place of libtorch's default (which calls posix_memalign
// and free for every tensor). A training step frees and allocates the same large buffers every
// step; handed back to glibc, a freed block is often not reused for the next request of the
// same size (an aligned request needs a little more than the hole the last one left), so each
// step's activations land on fresh pages that the kernel must fault in and zero: on the dense AE
// at batch 512 a 1.6 MB elementwise op then took 4-6x its time on warm memory. Blocks of at least
// kMinCachedBytes are therefore kept on free lists by size and handed out again as they are,
// warm in cache, up to a bound on the memory held idle (LATENTLAB_CPU_CACHE_MB, default 1024;
// past it, idle blocks of other sizes make room, largest first); emptyCache() gives it all
// back. Smaller blocks go straight to glibc, whose bins reuse them well. The same idea as
// PyTorch's CUDA caching allocator, on the CPU.
#include "common.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace latentlab {
namespace {

constexpr size_t kMinCachedBytes = 64 << 10;
constexpr size_t kRounding = 4096;  // size classes: whole pages

struct CacheStats {
  size_t cachedBytes = 0;  // idle on the free lists
  size_t liveBytes = 0;    // handed out, of blocks that the cache manages
  uint64_t hits = 0;
  uint64_t misses = 0;
};

class BlockCache {
 public:
  BlockCache() {
    const char* limit = std::getenv("LATENTLAB_CPU_CACHE_MB");
    limitBytes_ = static_cast<size_t>(limit ? std::strtoull(limit, nullptr, 10) : 1024) << 20;
  }

  void* take(size_t bytes) {
    if (bytes < kMinCachedBytes || limitBytes_ == 0) return c10::alloc_cpu(bytes);
    const size_t size = (bytes + kRounding - 1) / kRounding * kRounding;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto list = free_.find(size);
      if (list != free_.end() && !list->second.empty()) {
        void* block = list->second.back();
        list->second.pop_back();
        stats_.cachedBytes -= size;
        stats_.liveBytes += size;
        stats_.hits++;
        return block;
      }
    }
    void* block = allocateFresh(size);
    std::lock_guard<std::mutex> lock(mutex_);
    sizes_[block] = size;
    stats_.liveBytes += size;
    stats_.misses++;
    return block;
  }

  void give(void* block) {
    if (!block) return;
    std::vector<void*> released;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto entry = sizes_.find(block);
      if (entry == sizes_.end()) {  // a small block, or one allocated before the cache was installed
        released.push_back(block);
      } else {
        const size_t size = entry->second;
        stats_.liveBytes -= size;
        if (size > limitBytes_) {
          sizes_.erase(entry);
          released.push_back(block);
        } else {
          // Over the bound, idle blocks of other sizes go first, the largest first: sizes that a
          // finished job used should not keep the current one from being cached.
          for (auto list = free_.rbegin(); list != free_.rend() && stats_.cachedBytes + size > limitBytes_; ++list) {
            while (!list->second.empty() && stats_.cachedBytes + size > limitBytes_) {
              released.push_back(list->second.back());
              sizes_.erase(list->second.back());
              list->second.pop_back();
              stats_.cachedBytes -= list->first;
            }
          }
          free_[size].push_back(block);
          stats_.cachedBytes += size;
        }
      }
    }
    for (void* idle : released) c10::free_cpu(idle);
  }

  size_t empty() {
    std::vector<void*> blocks;
    size_t released = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& [size, list] : free_) {
        for (void* block : list) {
          sizes_.erase(block);
          blocks.push_back(block);
        }
        released += size * list.size();
      }
      free_.clear();
      stats_.cachedBytes = 0;
    }
    for (void* block : blocks) c10::free_cpu(block);
    return released;
  }

  CacheStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

  size_t limitBytes() const { return limitBytes_; }

 private:
  // Out of memory with blocks idle on the free lists: give those back and try once more.
  void* allocateFresh(size_t size) {
    try {
      return c10::alloc_cpu(size);
    } catch (const c10::Error&) {
      if (empty() == 0) throw;
      return c10::alloc_cpu(size);
    }
  }

  std::mutex mutex_;
  std::unordered_map<void*, size_t> sizes_;                 // size class of every managed block
  std::map<size_t, std::vector<void*>> free_;               // idle blocks by size class, ordered for eviction
  CacheStats stats_;
  size_t limitBytes_;
};

BlockCache& cache() {
  static BlockCache* instance = new BlockCache();  // never destroyed: tensors may outlive static destruction
  return *instance;
}

void releaseBlock(void* block) {
  c10::profiledCPUMemoryReporter().Delete(block);
  cache().give(block);
}

class CachingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t bytes) const override {
    void* block = cache().take(bytes);
    c10::profiledCPUMemoryReporter().New(block, bytes);
    return {block, block, &releaseBlock, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &releaseBlock; }
};

LATENTLAB_EXPORT(emptyCache) { return Napi::Number::New(info.Env(), static_cast<double>(cache().empty())); }

LATENTLAB_EXPORT(allocatorStats) {
  const CacheStats stats = cache().stats();
  auto result = Napi::Object::New(info.Env());
  result.Set("cachedBytes", static_cast<double>(stats.cachedBytes));
  result.Set("liveBytes", static_cast<double>(stats.liveBytes));
  result.Set("hits", static_cast<double>(stats.hits));
  result.Set("misses", static_cast<double>(stats.misses));
  result.Set("limitBytes", static_cast<double>(cache().limitBytes()));
  return result;
}

}  // namespace

size_t emptyAllocatorCache() { return cache().empty(); }

void installCachingAllocator() {
  static CachingCpuAllocator allocator;
  c10::SetCPUAllocator(&allocator, /* priority above the default's 0 */ 1);
}

void initAllocator(Napi::Env env, Napi::Object exports) {
  exports.Set("emptyCache", Napi::Function::New(env, emptyCache));
  exports.Set("allocatorStats", Napi::Function::New(env, allocatorStats));
}

}  // namespace latentlab
