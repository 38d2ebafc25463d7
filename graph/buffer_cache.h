// Tensor buffers are recycled: a freed buffer waits in a process-wide cache,
// keyed by its size, for the next tensor of that size. A step of a graph
// with static shapes allocates exactly what the previous step freed, so
// after the first step it takes every buffer from the cache and the system
// allocator (and the page faults of fresh memory: a quarter of a frozen
// CNN's inference time) is out of the loop. The cache holds at most
// kMaxCachedBytes; past that, freed buffers go back to the system.
// Sanitizer builds bypass it, so a use after free stays visible.
#ifndef GRAPHFLOW_GRAPH_BUFFER_CACHE_H_
#define GRAPHFLOW_GRAPH_BUFFER_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>

namespace graphflow {

struct BufferCacheStats {
  int64_t fresh = 0;         // Buffers taken from the system allocator.
  int64_t reused = 0;        // Buffers taken from the cache.
  int64_t cached_bytes = 0;  // Bytes waiting in the cache now.
};

// A 64-byte-aligned buffer of at least `bytes` (at least one byte), freed
// into the cache when the last reference goes; nullptr when out of memory.
std::shared_ptr<void> AllocateCachedBuffer(size_t bytes);

BufferCacheStats GetBufferCacheStats();

// False in sanitizer builds, where every buffer goes back to the system.
bool BufferCacheEnabled();

// Returns every cached buffer to the system allocator.
void ReleaseCachedBuffers();

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_BUFFER_CACHE_H_
