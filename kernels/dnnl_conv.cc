#include "kernels/dnnl_conv.h"

#include <atomic>

#include "absl/strings/str_cat.h"

#ifdef GRAPHFLOW_HAVE_ONEDNN
#include <omp.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "graph/status.h"
#include "oneapi/dnnl/dnnl.hpp"
#endif

namespace graphflow {
namespace {

std::atomic<ComputeBackend> g_backend{ComputeBackend::kAuto};

}  // namespace

ComputeBackend SetComputeBackendForTesting(ComputeBackend backend) {
  return g_backend.exchange(backend);
}

ComputeBackend GetComputeBackend() { return g_backend.load(); }

#ifdef GRAPHFLOW_HAVE_ONEDNN

namespace {

using dnnl::memory;
using Tag = memory::format_tag;

enum class ConvOp { kForward, kBackpropInput, kBackpropFilter };

const char* OpName(ConvOp op) {
  switch (op) {
    case ConvOp::kForward:
      return "Conv2D";
    case ConvOp::kBackpropInput:
      return "Conv2DBackpropInput";
    case ConvOp::kBackpropFilter:
      return "Conv2DBackpropFilter";
  }
  return "Conv2D";
}

// oneDNN runs on OpenMP, whose team size is a per-thread setting. Every
// thread that calls oneDNN here uses a team of one, and the work is split
// over graphflow's own pool (RunShards) instead: an OpenMP team beside the
// pool oversubscribes the cores, and GNU OpenMP's waiting threads spin
// (GOMP_SPINCOUNT) against the pool's. Measured on the 2-core machine:
// course conv2 forward took 7.8 ms with a team of 2, 0.08 ms with one.
void UseOneThread() {
  thread_local bool set = false;
  if (!set) {
    omp_set_num_threads(1);
    set = true;
  }
}

// One shard per pool thread, but no more than there are work units.
int ShardCount(Eigen::ThreadPoolDevice& device, int64_t units) {
  return static_cast<int>(
      std::clamp<int64_t>(units, 1, std::max(1, device.numThreads())));
}

// Runs fn(shard) for shards [0, shards) at once, one on the calling thread
// and one on each of as many pool threads; returns the first error.
template <typename Fn>
absl::Status RunShards(Eigen::ThreadPoolDevice& device, int shards, Fn&& fn) {
  std::vector<absl::Status> status(shards);
  auto run = [&](int i) {
    UseOneThread();
    status[i] = fn(i);
  };
  if (shards > 1) {
    Eigen::Barrier barrier(shards - 1);
    for (int i = 1; i < shards; ++i) {
      device.enqueue_with_barrier(&barrier, run, i);
    }
    run(0);
    barrier.Wait();
  } else {
    run(0);
  }
  for (const absl::Status& s : status) RETURN_IF_ERROR(s);
  return absl::OkStatus();
}

dnnl::engine& Engine() {
  static dnnl::engine* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *engine;
}

// Everything that shapes a primitive: the op and the geometry (the team
// size is always one).
struct ConvKey {
  ConvOp op;
  std::array<int64_t, 15> dims;

  bool operator==(const ConvKey& o) const {
    return op == o.op && dims == o.dims;
  }
  template <typename H>
  friend H AbslHashValue(H h, const ConvKey& k) {
    return H::combine(std::move(h), k.op, k.dims);
  }
};

ConvKey MakeKey(ConvOp op, const ConvGeometry& g) {
  return {
      op,
      {g.batch, g.in_rows, g.in_cols, g.in_depth, g.filter_rows, g.filter_cols,
       g.out_depth, g.stride_rows, g.stride_cols, g.dilation_rows,
       g.dilation_cols, g.pad_top, g.pad_left, g.out_rows, g.out_cols}};
}

// A primitive and what it needs beside the user's buffers: when it wants
// its weights in a blocked layout, the reorder to or from HWIO.
struct ConvPrimitive {
  dnnl::primitive primitive;
  memory::desc weights;  // The primitive's weights (or their gradient).
  std::optional<dnnl::reorder> reorder;
  memory::desc scratchpad, reorder_scratchpad;
};

// Activations NHWC, weights HWIO: oneDNN's logical order is always NCHW /
// OIHW, the tag says how it is laid out.
memory::desc Activations(int64_t n, int64_t c, int64_t h, int64_t w) {
  return memory::desc({n, c, h, w}, memory::data_type::f32, Tag::nhwc);
}
memory::desc UserWeights(const ConvGeometry& g) {
  return memory::desc({g.out_depth, g.in_depth, g.filter_rows, g.filter_cols},
                      memory::data_type::f32, Tag::hwio);
}
memory::desc AnyWeights(const ConvGeometry& g) {
  return memory::desc({g.out_depth, g.in_depth, g.filter_rows, g.filter_cols},
                      memory::data_type::f32, Tag::any);
}

// Padding after is implied by the output size; oneDNN floors the output
// size like TF, so a window that stops short of the input's end needs none.
int64_t PadAfter(int64_t in, int64_t window, int64_t stride, int64_t dilation,
                 int64_t pad_before, int64_t out) {
  const int64_t span = (window - 1) * dilation + 1;
  return std::max<int64_t>(0, (out - 1) * stride + span - in - pad_before);
}

ConvPrimitive MakePrimitive(ConvOp op, const ConvGeometry& g) {
  const dnnl::engine& engine = Engine();
  const memory::desc src =
      Activations(g.batch, g.in_depth, g.in_rows, g.in_cols);
  const memory::desc dst =
      Activations(g.batch, g.out_depth, g.out_rows, g.out_cols);
  // Blocked weights let oneDNN pick its JIT kernels; the reorder costs
  // little next to the convolution (the filter is small).
  const memory::desc weights = AnyWeights(g);
  const memory::dims strides = {g.stride_rows, g.stride_cols};
  const memory::dims dilates = {g.dilation_rows - 1, g.dilation_cols - 1};
  const memory::dims pad_l = {g.pad_top, g.pad_left};
  const memory::dims pad_r = {
      PadAfter(g.in_rows, g.filter_rows, g.stride_rows, g.dilation_rows,
               g.pad_top, g.out_rows),
      PadAfter(g.in_cols, g.filter_cols, g.stride_cols, g.dilation_cols,
               g.pad_left, g.out_cols)};
  const auto algo = dnnl::algorithm::convolution_direct;
  // Shards run one primitive at once on several threads, each with its own
  // scratchpad (the library's own would be shared).
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  const dnnl::convolution_forward::primitive_desc fwd(
      dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo,
                                      src, weights, dst, strides, dilates,
                                      pad_l, pad_r),
      attr, engine);
  ConvPrimitive p;
  const memory::desc user = UserWeights(g);
  auto make_reorder = [&](const memory::desc& from, const memory::desc& to) {
    const dnnl::reorder::primitive_desc pd(engine, from, engine, to, attr);
    p.reorder = dnnl::reorder(pd);
    p.reorder_scratchpad = pd.scratchpad_desc();
  };
  switch (op) {
    case ConvOp::kForward:
      p.primitive = dnnl::convolution_forward(fwd);
      p.scratchpad = fwd.scratchpad_desc();
      p.weights = fwd.weights_desc();
      if (p.weights != user) make_reorder(user, p.weights);
      break;
    case ConvOp::kBackpropInput: {
      const dnnl::convolution_backward_data::primitive_desc bwd(
          dnnl::convolution_backward_data::desc(algo, src, weights, dst,
                                                strides, dilates, pad_l, pad_r),
          attr, engine, fwd);
      p.primitive = dnnl::convolution_backward_data(bwd);
      p.scratchpad = bwd.scratchpad_desc();
      p.weights = bwd.weights_desc();
      if (p.weights != user) make_reorder(user, p.weights);
      break;
    }
    case ConvOp::kBackpropFilter: {
      const dnnl::convolution_backward_weights::primitive_desc bwd(
          dnnl::convolution_backward_weights::desc(
              algo, src, weights, dst, strides, dilates, pad_l, pad_r),
          attr, engine, fwd);
      p.primitive = dnnl::convolution_backward_weights(bwd);
      p.scratchpad = bwd.scratchpad_desc();
      p.weights = bwd.diff_weights_desc();
      if (p.weights != user) make_reorder(p.weights, user);
      break;
    }
  }
  return p;
}

// Made primitives by geometry; cleared when full (a model has a handful of
// convolutions, so the bound only guards against shapes that vary per step).
class PrimitiveCache {
 public:
  static constexpr size_t kMaxEntries = 64;

  std::shared_ptr<const ConvPrimitive> Get(const ConvKey& key,
                                           const ConvGeometry& g) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = map_.find(key);
      if (it != map_.end()) return it->second;
    }
    // Made outside the lock: creation can take milliseconds (JIT).
    auto made = std::make_shared<const ConvPrimitive>(MakePrimitive(key.op, g));
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.size() >= kMaxEntries) map_.clear();
    return map_.try_emplace(key, std::move(made)).first->second;
  }

  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    map_.clear();
  }

 private:
  std::mutex mu_;
  absl::flat_hash_map<ConvKey, std::shared_ptr<const ConvPrimitive>> map_;
};

PrimitiveCache& Cache() {
  static PrimitiveCache* cache = new PrimitiveCache();
  return *cache;
}

// The calling thread's scratch buffer, at least `bytes` long (64-byte
// aligned, as oneDNN wants its scratchpad); nullptr if it cannot be had.
void* ThreadScratch(size_t bytes) {
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  thread_local std::unique_ptr<void, Free> buffer;
  thread_local size_t size = 0;
  if (bytes > size) {
    const size_t rounded = (bytes + 63) / 64 * 64;
    buffer.reset(std::aligned_alloc(64, rounded));
    size = buffer == nullptr ? 0 : rounded;
  }
  return buffer.get();
}

absl::Status Error(const char* op, const dnnl::error& e) {
  return absl::InternalError(
      absl::StrCat(op, " (oneDNN): ", e.what(), " (status ", e.status, ")"));
}

// oneDNN's memory API takes non-const handles; inputs are only read.
memory Wrap(const memory::desc& md, const float* data) {
  return memory(md, Engine(), const_cast<float*>(data));
}

// args and the scratchpad md asks for, in the calling thread's buffer:
// shards may run the same primitive at once. Kept between calls, so a step
// does not fault in fresh pages for it every time.
std::unordered_map<int, memory> WithScratchpad(
    const memory::desc& md, std::unordered_map<int, memory> args) {
  if (md.get_size() > 0) {
    void* scratch = ThreadScratch(md.get_size());
    args.emplace(DNNL_ARG_SCRATCHPAD, scratch != nullptr
                                          ? memory(md, Engine(), scratch)
                                          : memory(md, Engine()));
  }
  return args;
}

// Runs one convolution pass; of input x, filter w and out_backprop dy it
// reads the two the pass needs and writes `out`.
absl::Status RunConv(ConvOp op, const ConvGeometry& g, const float* x,
                     const float* w, const float* dy, float* out) {
  try {
    const auto p = Cache().Get(MakeKey(op, g), g);
    const dnnl::engine& engine = Engine();
    dnnl::stream stream(engine);
    const memory::desc src_md =
        Activations(g.batch, g.in_depth, g.in_rows, g.in_cols);
    const memory::desc dst_md =
        Activations(g.batch, g.out_depth, g.out_rows, g.out_cols);
    const memory::desc user_md = UserWeights(g);
    auto reorder = [&](const memory& from, const memory& to) {
      p->reorder->execute(
          stream, WithScratchpad(p->reorder_scratchpad,
                                 {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}}));
    };
    memory weights = Wrap(user_md, op == ConvOp::kBackpropFilter ? out : w);
    memory blocked = p->reorder ? memory(p->weights, engine) : weights;
    if (p->reorder && op != ConvOp::kBackpropFilter) reorder(weights, blocked);
    switch (op) {
      case ConvOp::kForward:
        p->primitive.execute(
            stream,
            WithScratchpad(p->scratchpad, {{DNNL_ARG_SRC, Wrap(src_md, x)},
                                           {DNNL_ARG_WEIGHTS, blocked},
                                           {DNNL_ARG_DST, Wrap(dst_md, out)}}));
        break;
      case ConvOp::kBackpropInput:
        p->primitive.execute(
            stream, WithScratchpad(p->scratchpad,
                                   {{DNNL_ARG_DIFF_DST, Wrap(dst_md, dy)},
                                    {DNNL_ARG_WEIGHTS, blocked},
                                    {DNNL_ARG_DIFF_SRC, Wrap(src_md, out)}}));
        break;
      case ConvOp::kBackpropFilter:
        p->primitive.execute(
            stream, WithScratchpad(p->scratchpad,
                                   {{DNNL_ARG_SRC, Wrap(src_md, x)},
                                    {DNNL_ARG_DIFF_DST, Wrap(dst_md, dy)},
                                    {DNNL_ARG_DIFF_WEIGHTS, blocked}}));
        if (p->reorder) reorder(blocked, weights);
        break;
    }
    stream.wait();
  } catch (const dnnl::error& e) {
    return Error(OpName(op), e);
  }
  return absl::OkStatus();
}

// Each shard takes a slice of the batch; for the filter gradient each sums
// its slice into its own buffer (the first straight into the output).
absl::Status ShardedConv(Eigen::ThreadPoolDevice& device, ConvOp op,
                         const ConvGeometry& g, const float* x, const float* w,
                         const float* dy, float* out) {
  const int64_t in_image = g.in_rows * g.in_cols * g.in_depth;
  const int64_t out_image = g.out_rows * g.out_cols * g.out_depth;
  const int64_t filter_size = g.patch_size() * g.out_depth;
  const int shards = ShardCount(device, g.batch);
  std::vector<float> partial;
  if (op == ConvOp::kBackpropFilter) partial.resize((shards - 1) * filter_size);
  RETURN_IF_ERROR(RunShards(device, shards, [&](int i) {
    ConvGeometry s = g;
    const int64_t b0 = g.batch * i / shards, b1 = g.batch * (i + 1) / shards;
    s.batch = b1 - b0;
    switch (op) {
      case ConvOp::kForward:
        return RunConv(op, s, x + b0 * in_image, w, nullptr,
                       out + b0 * out_image);
      case ConvOp::kBackpropInput:
        return RunConv(op, s, nullptr, w, dy + b0 * out_image,
                       out + b0 * in_image);
      case ConvOp::kBackpropFilter:
        return RunConv(op, s, x + b0 * in_image, nullptr, dy + b0 * out_image,
                       i == 0 ? out : partial.data() + (i - 1) * filter_size);
    }
    return absl::OkStatus();
  }));
  for (int i = 1; i < shards && op == ConvOp::kBackpropFilter; ++i) {
    const float* p = partial.data() + (i - 1) * filter_size;
    for (int64_t j = 0; j < filter_size; ++j) out[j] += p[j];
  }
  return absl::OkStatus();
}

// Shard i's images in chunks: each chunk's output lands in the thread's
// buffer and goes to consume before the next is computed.
absl::Status ForwardChunks(
    const ConvGeometry& g, const float* input, const float* filter,
    int64_t chunk, int64_t b0, int64_t b1,
    absl::FunctionRef<void(int64_t, int64_t, float*)> consume) {
  const int64_t in_image = g.in_rows * g.in_cols * g.in_depth;
  const int64_t out_image = g.out_rows * g.out_cols * g.out_depth;
  thread_local std::vector<float> out;
  try {
    out.resize(chunk * out_image);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(
        absl::StrCat("Conv2D (oneDNN): no buffer for ", chunk * out_image,
                     " output values"));
  }
  try {
    dnnl::stream stream(Engine());
    const memory user = Wrap(UserWeights(g), filter);
    std::optional<memory> blocked;  // Reordered once per shard.
    for (int64_t b = b0; b < b1; b += chunk) {
      ConvGeometry s = g;
      s.batch = std::min(chunk, b1 - b);
      const auto p = Cache().Get(MakeKey(ConvOp::kForward, s), s);
      if (p->reorder && (!blocked || blocked->get_desc() != p->weights)) {
        blocked = memory(p->weights, Engine());
        p->reorder->execute(stream, WithScratchpad(p->reorder_scratchpad,
                                                   {{DNNL_ARG_FROM, user},
                                                    {DNNL_ARG_TO, *blocked}}));
      }
      const memory::desc src_md =
          Activations(s.batch, g.in_depth, g.in_rows, g.in_cols);
      const memory::desc dst_md =
          Activations(s.batch, g.out_depth, g.out_rows, g.out_cols);
      p->primitive.execute(
          stream,
          WithScratchpad(p->scratchpad,
                         {{DNNL_ARG_SRC, Wrap(src_md, input + b * in_image)},
                          {DNNL_ARG_WEIGHTS, p->reorder ? *blocked : user},
                          {DNNL_ARG_DST, Wrap(dst_md, out.data())}}));
      stream.wait();
      consume(b, b + s.batch, out.data());
    }
  } catch (const dnnl::error& e) {
    return Error("Conv2D", e);
  }
  return absl::OkStatus();
}

}  // namespace

bool HaveOneDnn() { return true; }

absl::Status DnnlConvForwardChunks(
    Eigen::ThreadPoolDevice& device, const ConvGeometry& g, const float* input,
    const float* filter, int64_t chunk,
    absl::FunctionRef<void(int64_t, int64_t, float*)> consume) {
  chunk = std::max<int64_t>(chunk, 1);
  // Balanced shards of images, each in chunks (16 + 16 | 16 + 2 images
  // would leave a core idle).
  const int shards = ShardCount(device, g.batch);
  return RunShards(device, shards, [&](int i) {
    const int64_t b0 = g.batch * i / shards;
    const int64_t b1 = g.batch * (i + 1) / shards;
    return ForwardChunks(g, input, filter, chunk, b0, b1, consume);
  });
}

absl::Status DnnlConvForward(Eigen::ThreadPoolDevice& device,
                             const ConvGeometry& g, const float* input,
                             const float* filter, float* output) {
  return ShardedConv(device, ConvOp::kForward, g, input, filter, nullptr,
                     output);
}

absl::Status DnnlConvBackpropInput(Eigen::ThreadPoolDevice& device,
                                   const ConvGeometry& g, const float* filter,
                                   const float* out_backprop,
                                   float* in_backprop) {
  return ShardedConv(device, ConvOp::kBackpropInput, g, nullptr, filter,
                     out_backprop, in_backprop);
}

absl::Status DnnlConvBackpropFilter(Eigen::ThreadPoolDevice& device,
                                    const ConvGeometry& g, const float* input,
                                    const float* out_backprop,
                                    float* filter_backprop) {
  return ShardedConv(device, ConvOp::kBackpropFilter, g, input, nullptr,
                     out_backprop, filter_backprop);
}

// Each shard computes a block of c's rows or columns with a single-threaded
// sgemm. Columns when b is the bigger operand and each shard gets 64 or
// more: each shard then streams its own part of b rather than all of it,
// which counts when b (the weights) comes from memory, as in a step (2
// threads, us, rows vs columns: mnist_deep fc1 [50,3136]x[3136,1024] 1850
// vs 1660, its input gradient [50,1024]x[3136,1024]^T 3660 vs 2500; the
// frozen CNN's fc1 [64,6400]x[6400,256] in its graph 1300 vs 1100, though
// 1020 vs 1120 in a loop that keeps b in cache).
absl::Status DnnlGemm(Eigen::ThreadPoolDevice& device, const float* a,
                      const float* b, float* c, int64_t m, int64_t n, int64_t k,
                      bool transpose_a, bool transpose_b) {
  const int threads = device.numThreads();
  const bool by_rows = m >= n || (m >= threads && n < 64 * threads);
  const int64_t total = by_rows ? m : n;
  const int shards = ShardCount(device, total);
  return RunShards(device, shards, [&](int i) {
    const int64_t lo = total * i / shards, hi = total * (i + 1) / shards;
    // Row-major leading dimensions: a is stored [k, m] when transposed.
    const float* as = a;
    const float* bs = b;
    if (by_rows) {
      as += transpose_a ? lo : lo * k;
    } else {
      bs += transpose_b ? lo * k : lo;
    }
    const dnnl_status_t status = dnnl_sgemm(
        transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', by_rows ? hi - lo : m,
        by_rows ? n : hi - lo, k, 1.0f, as, transpose_a ? m : k, bs,
        transpose_b ? k : n, 0.0f, c + (by_rows ? lo * n : lo), n);
    if (status != dnnl_success) {
      return absl::InternalError(absl::StrCat("MatMul (oneDNN sgemm): status ",
                                              status, " for [", m, ", ", k,
                                              "] x [", k, ", ", n, "]"));
    }
    return absl::OkStatus();
  });
}

void ClearDnnlConvCacheForTesting() { Cache().Clear(); }

#else  // !GRAPHFLOW_HAVE_ONEDNN

namespace {

absl::Status NotBuilt(const char* op) {
  return absl::UnimplementedError(
      absl::StrCat(op, ": graphflow was built without oneDNN"));
}

}  // namespace

bool HaveOneDnn() { return false; }

absl::Status DnnlConvForward(Eigen::ThreadPoolDevice&, const ConvGeometry&,
                             const float*, const float*, float*) {
  return NotBuilt("Conv2D");
}
absl::Status DnnlConvForwardChunks(
    Eigen::ThreadPoolDevice&, const ConvGeometry&, const float*, const float*,
    int64_t, absl::FunctionRef<void(int64_t, int64_t, float*)>) {
  return NotBuilt("Conv2D");
}
absl::Status DnnlConvBackpropInput(Eigen::ThreadPoolDevice&,
                                   const ConvGeometry&, const float*,
                                   const float*, float*) {
  return NotBuilt("Conv2DBackpropInput");
}
absl::Status DnnlConvBackpropFilter(Eigen::ThreadPoolDevice&,
                                    const ConvGeometry&, const float*,
                                    const float*, float*) {
  return NotBuilt("Conv2DBackpropFilter");
}
absl::Status DnnlGemm(Eigen::ThreadPoolDevice&, const float*, const float*,
                      float*, int64_t, int64_t, int64_t, bool, bool) {
  return NotBuilt("MatMul");
}
void ClearDnnlConvCacheForTesting() {}

#endif  // GRAPHFLOW_HAVE_ONEDNN

}  // namespace graphflow
