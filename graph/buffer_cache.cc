#include "graph/buffer_cache.h"

#include <cstdlib>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GRAPHFLOW_BUFFER_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define GRAPHFLOW_BUFFER_CACHE 0
#endif
#endif
#ifndef GRAPHFLOW_BUFFER_CACHE
#define GRAPHFLOW_BUFFER_CACHE 1
#endif

namespace graphflow {
namespace {

constexpr size_t kAlignment = 64;
// Enough for the working set of the models graphflow trains on a CPU; a
// process that needs more keeps only this much between steps.
constexpr size_t kMaxCachedBytes = size_t{1} << 30;

class BufferCache {
 public:
  void* Take(size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = free_.find(bytes);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_bytes_ -= bytes;
        ++stats_.reused;
        return p;
      }
      ++stats_.fresh;
    }
    return std::aligned_alloc(kAlignment, bytes);
  }

  void Give(void* p, size_t bytes) {
    if (GRAPHFLOW_BUFFER_CACHE) {
      std::lock_guard<std::mutex> lock(mu_);
      if (cached_bytes_ + bytes <= kMaxCachedBytes) {
        free_[bytes].push_back(p);
        cached_bytes_ += bytes;
        return;
      }
    }
    std::free(p);
  }

  BufferCacheStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    BufferCacheStats s = stats_;
    s.cached_bytes = static_cast<int64_t>(cached_bytes_);
    return s;
  }

  void Release() {
    absl::flat_hash_map<size_t, std::vector<void*>> released;
    {
      std::lock_guard<std::mutex> lock(mu_);
      released.swap(free_);
      cached_bytes_ = 0;
    }
    for (auto& [bytes, buffers] : released) {
      for (void* p : buffers) std::free(p);
    }
  }

 private:
  std::mutex mu_;
  absl::flat_hash_map<size_t, std::vector<void*>> free_;
  size_t cached_bytes_ = 0;
  BufferCacheStats stats_;
};

// Never destroyed: tensors in static storage may be freed after main.
BufferCache& Cache() {
  static BufferCache* cache = new BufferCache();
  return *cache;
}

}  // namespace

std::shared_ptr<void> AllocateCachedBuffer(size_t bytes) {
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  void* p = Cache().Take(rounded);
  if (p == nullptr) return nullptr;
  return std::shared_ptr<void>(
      p, [rounded](void* q) { Cache().Give(q, rounded); });
}

BufferCacheStats GetBufferCacheStats() { return Cache().Stats(); }

bool BufferCacheEnabled() { return GRAPHFLOW_BUFFER_CACHE; }

void ReleaseCachedBuffers() { Cache().Release(); }

}  // namespace graphflow
