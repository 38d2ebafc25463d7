// Kernels of ops/reduction_ops.cc: Sum, Mean, Max, Min and Prod, and the
// bool All and Any (ArgMax, the scans and ListDiff are in
// reduction_index_kernels.cc).
// A reduction first drops size-1 dims and merges neighbouring dims that are
// all reduced or all kept, giving alternating groups. One pass reduces one
// reduced group as an [outer, reduced, inner] block: inner == 1 is a row
// reduction with vectorized lanes, inner > 1 accumulates whole rows into a
// tile of column accumulators. Each pass is parallel over (outer, column
// tile) and, when that leaves threads idle, over chunks of the reduced dim.
// Non-contiguous axis sets (e.g. axes 0 and 2 of [A,B,C]) take one pass per
// reduced group, largest first, through a temporary.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"

namespace graphflow {
namespace {

// Reads element i of an int32/int64 tensor.
int64_t IndexValue(const Tensor& t, int64_t i) {
  return t.dtype() == DT_INT32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
}

enum class Kind { kSum, kProd, kMax, kMin, kAll, kAny };

// How a reduction accumulates T, in Acc.
template <typename T, Kind K>
struct Reducer {
  static constexpr bool kArith = K == Kind::kSum || K == Kind::kProd;
  // Integer sums and products wrap like TF's; unsigned math keeps that
  // defined behaviour (and avoids uint16 * uint16 overflowing int).
  using Wide = std::conditional_t<sizeof(T) <= 4, uint32_t, uint64_t>;
  // Float sums accumulate in double: long reductions (a Mean over 100k
  // values) stay accurate, and the conversion is cheaper than the memory
  // traffic.
  using Acc = std::conditional_t<
      std::is_integral_v<T> && kArith, Wide,
      std::conditional_t<std::is_same_v<T, float> && K == Kind::kSum, double,
                         T>>;

  static Acc Init() {
    using L = std::numeric_limits<Acc>;
    if constexpr (K == Kind::kAll || K == Kind::kAny) {
      return K == Kind::kAll;
    } else if constexpr (K == Kind::kSum) {
      return Acc(0);
    } else if constexpr (K == Kind::kProd) {
      return Acc(1);
    } else if constexpr (K == Kind::kMax) {
      if constexpr (L::has_infinity) return -L::infinity();
      return L::lowest();
    } else {
      if constexpr (L::has_infinity) return L::infinity();
      return L::max();
    }
  }
  static Acc Op(Acc a, Acc b) {
    if constexpr (K == Kind::kAll) {
      return a && b;
    } else if constexpr (K == Kind::kAny) {
      return a || b;
    } else if constexpr (K == Kind::kSum) {
      return a + b;
    } else if constexpr (K == Kind::kProd) {
      return a * b;
    } else if constexpr (K == Kind::kMax) {
      return b > a ? b : a;
    } else {
      return b < a ? b : a;
    }
  }
  static Acc Load(T x) { return static_cast<Acc>(x); }
  // The output from an accumulator; mean_count > 0 divides like TF's Mean
  // (integer division of the wrapped integer sum).
  static T Finalize(Acc t, int64_t mean_count) {
    if (mean_count <= 0) return static_cast<T>(t);
    if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(static_cast<int64_t>(static_cast<T>(t)) /
                            mean_count);
    } else {
      return static_cast<T>(t / static_cast<Acc>(mean_count));
    }
  }
  // TF's result for a reduction over zero elements.
  static T Identity(bool mean) {
    if (mean) return std::numeric_limits<T>::quiet_NaN();  // 0 for ints.
    if constexpr (K == Kind::kMax) return std::numeric_limits<T>::lowest();
    if constexpr (K == Kind::kMin) return std::numeric_limits<T>::max();
    return static_cast<T>(Init());
  }
};

// Columns per accumulator tile in the inner > 1 case.
constexpr int64_t kTile = 1024;

// Reduces n contiguous values: independent lanes the compiler vectorizes,
// combined pairwise at the end.
template <class R, typename T>
typename R::Acc ReduceRow(const T* x, int64_t n) {
  using Acc = typename R::Acc;
  constexpr int kLanes = std::max<int>(8, 128 / sizeof(Acc));
  if (n < 2 * kLanes) {
    Acc total = R::Init();
    for (int64_t i = 0; i < n; ++i) total = R::Op(total, R::Load(x[i]));
    return total;
  }
  Acc lanes[kLanes];
  for (int j = 0; j < kLanes; ++j) lanes[j] = R::Init();
  const int64_t full = n - n % kLanes;
  for (int64_t i = 0; i < full; i += kLanes) {
    for (int j = 0; j < kLanes; ++j) {
      lanes[j] = R::Op(lanes[j], R::Load(x[i + j]));
    }
  }
  for (int64_t i = full; i < n; ++i) {
    lanes[0] = R::Op(lanes[0], R::Load(x[i]));
  }
  for (int w = kLanes / 2; w > 0; w /= 2) {
    for (int j = 0; j < w; ++j) lanes[j] = R::Op(lanes[j], lanes[j + w]);
  }
  return lanes[0];
}

// Folds rows [r0, r1) of the row-major [rows, inner] matrix x, columns
// [c0, c0 + w), into acc (w <= kTile initialized accumulators).
template <class R, typename T>
void ReduceColumns(const T* __restrict x, int64_t inner, int64_t r0, int64_t r1,
                   int64_t c0, int64_t w, typename R::Acc* __restrict acc) {
  int64_t r = r0;
  // Four rows per sweep: a quarter of the accumulator loads and stores.
  for (; r + 4 <= r1; r += 4) {
    const T* a = x + r * inner + c0;
    const T* b = a + inner;
    const T* c = b + inner;
    const T* d = c + inner;
    for (int64_t j = 0; j < w; ++j) {
      acc[j] = R::Op(acc[j], R::Op(R::Op(R::Load(a[j]), R::Load(b[j])),
                                   R::Op(R::Load(c[j]), R::Load(d[j]))));
    }
  }
  for (; r < r1; ++r) {
    const T* row = x + r * inner + c0;
    for (int64_t j = 0; j < w; ++j) acc[j] = R::Op(acc[j], R::Load(row[j]));
  }
}

// out[o, i] = reduce_r in[o, r, i], finalized (divided by mean_count if > 0).
template <class R, typename T>
void ReducePass(Eigen::ThreadPoolDevice& device, const T* in, T* out,
                int64_t outer, int64_t reduced, int64_t inner,
                int64_t mean_count) {
  using Acc = typename R::Acc;
  const int64_t tiles = (inner + kTile - 1) / kTile;
  const int64_t groups = outer * tiles;
  const int64_t tile_width = std::min(inner, kTile);
  // Too few independent groups for the threads: split the reduced dim too,
  // keeping at least ~16K elements per piece.
  int64_t splits = 1;
  const int64_t threads = device.numThreads();
  if (groups < 4 * threads) {
    splits = std::clamp<int64_t>(
        (4 * threads + groups - 1) / groups, 1,
        std::max<int64_t>(1, reduced * tile_width / (1 << 14)));
  }
  const int64_t rows_per_split = (reduced + splits - 1) / splits;
  splits = (reduced + rows_per_split - 1) / rows_per_split;

  // Reduces one piece into acc; returns its first column and width.
  auto run = [&](int64_t g, int64_t s, Acc* acc, int64_t* c0, int64_t* w) {
    const int64_t o = g / tiles, t = g % tiles;
    const int64_t r0 = s * rows_per_split;
    const int64_t r1 = std::min(reduced, r0 + rows_per_split);
    const T* x = in + o * reduced * inner;
    *c0 = o * inner + t * kTile;
    if (inner == 1) {
      *w = 1;
      acc[0] = ReduceRow<R>(x + r0, r1 - r0);
      return;
    }
    *w = std::min(kTile, inner - t * kTile);
    for (int64_t j = 0; j < *w; ++j) acc[j] = R::Init();
    ReduceColumns<R>(x, inner, r0, r1, t * kTile, *w, acc);
  };

  if (splits == 1) {
    ParallelFor(device, groups, static_cast<double>(reduced * tile_width),
                [&](int64_t begin, int64_t end) {
                  Acc acc[kTile];
                  int64_t c0, w;
                  for (int64_t g = begin; g < end; ++g) {
                    run(g, 0, acc, &c0, &w);
                    for (int64_t j = 0; j < w; ++j) {
                      out[c0 + j] = R::Finalize(acc[j], mean_count);
                    }
                  }
                });
    return;
  }
  const int64_t n_out = outer * inner;
  // Not std::vector: Acc may be bool (All, Any).
  auto partial = std::make_unique<Acc[]>(splits * n_out);
  ParallelFor(device, groups * splits,
              static_cast<double>(rows_per_split * tile_width),
              [&](int64_t begin, int64_t end) {
                Acc acc[kTile];
                int64_t c0, w;
                for (int64_t u = begin; u < end; ++u) {
                  const int64_t s = u % splits;
                  run(u / splits, s, acc, &c0, &w);
                  std::copy(acc, acc + w, partial.get() + s * n_out + c0);
                }
              });
  ParallelFor(device, n_out, static_cast<double>(splits),
              [&](int64_t begin, int64_t end) {
                for (int64_t i = begin; i < end; ++i) {
                  Acc t = partial[i];
                  for (int64_t s = 1; s < splits; ++s) {
                    t = R::Op(t, partial[s * n_out + i]);
                  }
                  out[i] = R::Finalize(t, mean_count);
                }
              });
}

// A run of adjacent input dims that are all reduced or all kept.
struct Group {
  int64_t size;
  bool reduced;
};

// Reduces x (described by alternating groups, at least one reduced) into out.
template <class R, typename T>
absl::Status RunReduction(KernelContext& ctx, const Tensor& x,
                          std::vector<Group> groups, int64_t mean_count,
                          Tensor* out) {
  const T* src = x.data<T>();
  Tensor temp;  // The current intermediate, if any.
  while (true) {
    int num_reduced = 0, g = -1;
    for (int i = 0; i < static_cast<int>(groups.size()); ++i) {
      if (!groups[i].reduced) continue;
      ++num_reduced;
      if (g < 0 || groups[i].size > groups[g].size) g = i;
    }
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < g; ++i) outer *= groups[i].size;
    for (int i = g + 1; i < static_cast<int>(groups.size()); ++i) {
      inner *= groups[i].size;
    }
    if (num_reduced == 1) {
      ReducePass<R>(ctx.device(), src, out->data<T>(), outer, groups[g].size,
                    inner, mean_count);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Tensor next,
                     Tensor::Allocate(x.dtype(), TensorShape({outer * inner})));
    ReducePass<R>(ctx.device(), src, next.data<T>(), outer, groups[g].size,
                  inner, /*mean_count=*/0);
    temp = std::move(next);
    src = temp.data<T>();
    groups.erase(groups.begin() + g);
    if (g > 0 && g < static_cast<int>(groups.size())) {
      groups[g - 1].size *= groups[g].size;  // Two kept groups now touch.
      groups.erase(groups.begin() + g);
    }
  }
}

// Validates the axes and describes the reduction: output shape, groups of
// dims (size-1 dims dropped) and the number of values reduced per output.
absl::Status PlanReduction(KernelContext& ctx, const TensorShape& shape,
                           const Tensor& axes, bool keep_dims,
                           TensorShape* out_shape, std::vector<Group>* groups,
                           int64_t* reduced_count) {
  if (axes.rank() > 1) {
    return ctx.InvalidArgument(
        absl::StrCat("reduction_indices must be a scalar or vector, got shape ",
                     axes.shape().DebugString()));
  }
  const int rank = shape.rank();
  std::vector<bool> is_reduced(rank, false);
  for (int64_t i = 0; i < axes.num_elements(); ++i) {
    const int64_t axis = IndexValue(axes, i);
    if (axis < -rank || axis >= rank) {
      return ctx.InvalidArgument(absl::StrCat("Invalid reduction dimension (",
                                              axis, " for input with ", rank,
                                              " dimension(s)"));
    }
    const int64_t d = axis < 0 ? axis + rank : axis;
    if (is_reduced[d]) {
      return ctx.InvalidArgument(
          absl::StrCat("Axes contains duplicate dimension: ", d));
    }
    is_reduced[d] = true;
  }
  *reduced_count = 1;
  for (int d = 0; d < rank; ++d) {
    const int64_t size = shape.dim(d);
    if (is_reduced[d]) {
      *reduced_count *= size;
      if (keep_dims) out_shape->AddDim(1);
    } else {
      out_shape->AddDim(size);
    }
    if (size == 1) continue;
    if (!groups->empty() && groups->back().reduced == is_reduced[d]) {
      groups->back().size *= size;
    } else {
      groups->push_back({size, is_reduced[d]});
    }
  }
  return absl::OkStatus();
}

// Plans the reduction of input 0 over the axes in input 1; returns false
// (with the output set) when every reduced dim has size 1.
absl::StatusOr<bool> PlanOrPassThrough(KernelContext& ctx,
                                       TensorShape* out_shape,
                                       std::vector<Group>* groups,
                                       int64_t* count) {
  const Tensor& x = ctx.input(0);
  bool keep_dims = false;
  RETURN_IF_ERROR(ctx.GetAttr("keep_dims", &keep_dims));
  RETURN_IF_ERROR(PlanReduction(ctx, x.shape(), ctx.input(1), keep_dims,
                                out_shape, groups, count));
  if (std::any_of(groups->begin(), groups->end(),
                  [](const Group& g) { return g.reduced; })) {
    return true;
  }
  // The values pass through.
  ASSIGN_OR_RETURN(Tensor same, x.Reshaped(*out_shape));
  ctx.SetOutput(0, std::move(same));
  return false;
}

// Allocates the output and reduces input 0 into it with R.
template <class R, typename T>
absl::Status Reduce(KernelContext& ctx, const TensorShape& out_shape,
                    std::vector<Group> groups, int64_t count, bool mean) {
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  if (out->num_elements() == 0) return absl::OkStatus();
  if (count == 0) {
    std::fill_n(out->data<T>(), out->num_elements(), R::Identity(mean));
    return absl::OkStatus();
  }
  return RunReduction<R, T>(ctx, ctx.input(0), std::move(groups),
                            mean ? count : 0, out);
}

template <Kind K, bool kMean>
absl::Status ReductionKernel(KernelContext& ctx) {
  TensorShape out_shape;
  std::vector<Group> groups;
  int64_t count = 0;
  ASSIGN_OR_RETURN(bool reduce,
                   PlanOrPassThrough(ctx, &out_shape, &groups, &count));
  if (!reduce) return absl::OkStatus();
  return DispatchType(ctx.input(0).dtype(), [&]<typename T>() -> absl::Status {
    if constexpr (std::is_same_v<T, bool>) {
      return ctx.InvalidArgument("bool tensors cannot be reduced");
    } else {
      return Reduce<Reducer<T, K>, T>(ctx, out_shape, std::move(groups), count,
                                      kMean);
    }
  });
}

// All and Any: bool in, bool out (true and false over no elements).
template <Kind K>
absl::Status LogicalReductionKernel(KernelContext& ctx) {
  if (ctx.input(0).dtype() != DT_BOOL) {
    return ctx.UnsupportedDtype()(ctx.input(0).dtype());
  }
  TensorShape out_shape;
  std::vector<Group> groups;
  int64_t count = 0;
  ASSIGN_OR_RETURN(bool reduce,
                   PlanOrPassThrough(ctx, &out_shape, &groups, &count));
  if (!reduce) return absl::OkStatus();
  return Reduce<Reducer<bool, K>, bool>(ctx, out_shape, std::move(groups),
                                        count, /*mean=*/false);
}

}  // namespace

absl::Status RegisterReductionKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("Sum", ReductionKernel<Kind::kSum, false>));
  RETURN_IF_ERROR(r.Register("Mean", ReductionKernel<Kind::kSum, true>));
  RETURN_IF_ERROR(r.Register("Max", ReductionKernel<Kind::kMax, false>));
  RETURN_IF_ERROR(r.Register("Min", ReductionKernel<Kind::kMin, false>));
  RETURN_IF_ERROR(r.Register("Prod", ReductionKernel<Kind::kProd, false>));
  RETURN_IF_ERROR(r.Register("All", LogicalReductionKernel<Kind::kAll>));
  RETURN_IF_ERROR(r.Register("Any", LogicalReductionKernel<Kind::kAny>));
  return RegisterReductionIndexKernels(r);
}

}  // namespace graphflow
