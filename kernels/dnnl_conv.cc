#include "kernels/dnnl_conv.h"

#include <atomic>

#include "absl/strings/str_cat.h"

#ifdef GRAPHFLOW_HAVE_ONEDNN
#include <omp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <optional>

#include "absl/container/flat_hash_map.h"
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

// oneDNN runs on OpenMP, whose team size is a per-thread setting: each
// thread that calls oneDNN gets the intra-op pool's count (the one source of
// truth, DefaultThreads() in eigen.cc), so the two never oversubscribe.
void UseThreads(int threads) {
  thread_local int current = 0;
  if (threads > 0 && threads != current) {
    omp_set_num_threads(threads);
    current = threads;
  }
}

dnnl::engine& Engine() {
  static dnnl::engine* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *engine;
}

// Everything that shapes a primitive: the op, the geometry and the team size
// (oneDNN partitions work when the primitive is made).
struct ConvKey {
  ConvOp op;
  int threads;
  std::array<int64_t, 15> dims;

  bool operator==(const ConvKey& o) const {
    return op == o.op && threads == o.threads && dims == o.dims;
  }
  template <typename H>
  friend H AbslHashValue(H h, const ConvKey& k) {
    return H::combine(std::move(h), k.op, k.threads, k.dims);
  }
};

ConvKey MakeKey(ConvOp op, int threads, const ConvGeometry& g) {
  return {
      op,
      threads,
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
  const dnnl::convolution_forward::primitive_desc fwd(
      dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo,
                                      src, weights, dst, strides, dilates,
                                      pad_l, pad_r),
      engine);
  ConvPrimitive p;
  const memory::desc user = UserWeights(g);
  switch (op) {
    case ConvOp::kForward:
      p.primitive = dnnl::convolution_forward(fwd);
      p.weights = fwd.weights_desc();
      if (p.weights != user) {
        p.reorder = dnnl::reorder(
            dnnl::reorder::primitive_desc(engine, user, engine, p.weights));
      }
      break;
    case ConvOp::kBackpropInput: {
      const dnnl::convolution_backward_data::primitive_desc bwd(
          dnnl::convolution_backward_data::desc(algo, src, weights, dst,
                                                strides, dilates, pad_l, pad_r),
          engine, fwd);
      p.primitive = dnnl::convolution_backward_data(bwd);
      p.weights = bwd.weights_desc();
      if (p.weights != user) {
        p.reorder = dnnl::reorder(
            dnnl::reorder::primitive_desc(engine, user, engine, p.weights));
      }
      break;
    }
    case ConvOp::kBackpropFilter: {
      const dnnl::convolution_backward_weights::primitive_desc bwd(
          dnnl::convolution_backward_weights::desc(
              algo, src, weights, dst, strides, dilates, pad_l, pad_r),
          engine, fwd);
      p.primitive = dnnl::convolution_backward_weights(bwd);
      p.weights = bwd.diff_weights_desc();
      if (p.weights != user) {
        p.reorder = dnnl::reorder(
            dnnl::reorder::primitive_desc(engine, p.weights, engine, user));
      }
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

absl::Status Error(const char* op, const dnnl::error& e) {
  return absl::InternalError(
      absl::StrCat(op, " (oneDNN): ", e.what(), " (status ", e.status, ")"));
}

// Runs one convolution pass; of input x, filter w and out_backprop dy it
// reads the two the pass needs and writes `out`.
absl::Status RunConv(ConvOp op, int threads, const ConvGeometry& g,
                     const float* x, const float* w, const float* dy,
                     float* out) {
  try {
    UseThreads(threads);
    const auto p = Cache().Get(MakeKey(op, threads, g), g);
    const dnnl::engine& engine = Engine();
    dnnl::stream stream(engine);
    const memory::desc src_md =
        Activations(g.batch, g.in_depth, g.in_rows, g.in_cols);
    const memory::desc dst_md =
        Activations(g.batch, g.out_depth, g.out_rows, g.out_cols);
    const memory::desc user_md = UserWeights(g);
    // oneDNN's memory API takes non-const handles; inputs are only read.
    auto wrap = [&](const memory::desc& md, const float* data) {
      return memory(md, engine, const_cast<float*>(data));
    };
    switch (op) {
      case ConvOp::kForward: {
        memory weights = wrap(user_md, w);
        if (p->reorder) {
          memory blocked(p->weights, engine);
          p->reorder->execute(stream, weights, blocked);
          weights = blocked;
        }
        p->primitive.execute(stream, {{DNNL_ARG_SRC, wrap(src_md, x)},
                                      {DNNL_ARG_WEIGHTS, weights},
                                      {DNNL_ARG_DST, wrap(dst_md, out)}});
        break;
      }
      case ConvOp::kBackpropInput: {
        memory weights = wrap(user_md, w);
        if (p->reorder) {
          memory blocked(p->weights, engine);
          p->reorder->execute(stream, weights, blocked);
          weights = blocked;
        }
        p->primitive.execute(stream, {{DNNL_ARG_DIFF_DST, wrap(dst_md, dy)},
                                      {DNNL_ARG_WEIGHTS, weights},
                                      {DNNL_ARG_DIFF_SRC, wrap(src_md, out)}});
        break;
      }
      case ConvOp::kBackpropFilter: {
        memory user = wrap(user_md, out);
        memory diff = p->reorder ? memory(p->weights, engine) : user;
        p->primitive.execute(stream, {{DNNL_ARG_SRC, wrap(src_md, x)},
                                      {DNNL_ARG_DIFF_DST, wrap(dst_md, dy)},
                                      {DNNL_ARG_DIFF_WEIGHTS, diff}});
        if (p->reorder) p->reorder->execute(stream, diff, user);
        break;
      }
    }
    stream.wait();
  } catch (const dnnl::error& e) {
    return Error(OpName(op), e);
  }
  return absl::OkStatus();
}

}  // namespace

bool HaveOneDnn() { return true; }

absl::Status DnnlConvForward(int threads, const ConvGeometry& g,
                             const float* input, const float* filter,
                             float* output) {
  return RunConv(ConvOp::kForward, threads, g, input, filter, nullptr, output);
}

absl::Status DnnlConvBackpropInput(int threads, const ConvGeometry& g,
                                   const float* filter,
                                   const float* out_backprop,
                                   float* in_backprop) {
  return RunConv(ConvOp::kBackpropInput, threads, g, nullptr, filter,
                 out_backprop, in_backprop);
}

absl::Status DnnlConvBackpropFilter(int threads, const ConvGeometry& g,
                                    const float* input,
                                    const float* out_backprop,
                                    float* filter_backprop) {
  return RunConv(ConvOp::kBackpropFilter, threads, g, input, nullptr,
                 out_backprop, filter_backprop);
}

absl::Status DnnlGemm(int threads, const float* a, const float* b, float* c,
                      int64_t m, int64_t n, int64_t k, bool transpose_a,
                      bool transpose_b) {
  UseThreads(threads);
  // Row-major leading dimensions: a stored [k, m] when transposed, etc.
  const dnnl_status_t status = dnnl_sgemm(
      transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', m, n, k, 1.0f, a,
      transpose_a ? m : k, b, transpose_b ? k : n, 0.0f, c, n);
  if (status != dnnl_success) {
    return absl::InternalError(absl::StrCat("MatMul (oneDNN sgemm): status ",
                                            status, " for [", m, ", ", k,
                                            "] x [", k, ", ", n, "]"));
  }
  return absl::OkStatus();
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

absl::Status DnnlConvForward(int, const ConvGeometry&, const float*,
                             const float*, float*) {
  return NotBuilt("Conv2D");
}
absl::Status DnnlConvBackpropInput(int, const ConvGeometry&, const float*,
                                   const float*, float*) {
  return NotBuilt("Conv2DBackpropInput");
}
absl::Status DnnlConvBackpropFilter(int, const ConvGeometry&, const float*,
                                    const float*, float*) {
  return NotBuilt("Conv2DBackpropFilter");
}
absl::Status DnnlGemm(int, const float*, const float*, float*, int64_t, int64_t,
                      int64_t, bool, bool) {
  return NotBuilt("MatMul");
}
void ClearDnnlConvCacheForTesting() {}

#endif  // GRAPHFLOW_HAVE_ONEDNN

}  // namespace graphflow
