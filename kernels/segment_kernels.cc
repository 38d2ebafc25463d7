// Kernels of ops/segment_ops.cc: Unique and UnsortedSegmentSum, as TF
// 1.15's unique_op.cc and segment_reduction_ops.cc compute them on CPU.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/array_util.h"
#include "kernels/cwise_util.h"

namespace graphflow {
namespace {

// y = the distinct values of x in order of first occurrence, idx[i] = the
// position of x[i] in y. A hash map as in TF, so NaNs never match each other
// and -0.0 matches 0.0.
template <typename T, typename Index>
absl::Status UniqueOf(KernelContext& ctx, const Tensor& x) {
  const int64_t n = x.num_elements();
  const T* in = x.data<T>();
  ASSIGN_OR_RETURN(Tensor * idx, ctx.AllocateOutput(1, x.shape()));
  Index* pos = idx->data<Index>();
  std::unordered_map<T, Index> first;
  first.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    auto [it, added] =
        first.try_emplace(in[i], static_cast<Index>(first.size()));
    pos[i] = it->second;
  }
  ASSIGN_OR_RETURN(
      Tensor * y,
      ctx.AllocateOutput(0, TensorShape{static_cast<int64_t>(first.size())}));
  T* out = y->data<T>();
  for (auto& [value, j] : first) out[j] = value;
  return absl::OkStatus();
}

// Unique, and UniqueV2 with an empty axis or axis 0 of a vector (what
// tf.unique builds); other axes are Unimplemented.
absl::Status UniqueKernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (ctx.num_inputs() > 1) {
    const Tensor& axis = ctx.input(1);
    if (axis.rank() != 1) {
      return ctx.InvalidArgument("axis expects a 1D vector.");
    }
    if (axis.num_elements() > 1) {
      return ctx.InvalidArgument(
          "axis does not support input tensors larger than 1 elements");
    }
    if (axis.num_elements() == 1) {
      ASSIGN_OR_RETURN(int64_t a, ReadIndexScalar(ctx, 1, "axis"));
      if (a < -x.rank() || a >= x.rank()) {
        return ctx.InvalidArgument(absl::StrCat(
            "axis has to be between [", -x.rank(), ", ", x.rank(), ")"));
      }
      if (x.rank() != 1) {
        return ctx.Error(
            absl::StatusCode::kUnimplemented,
            absl::StrCat("UniqueV2 along axis ", a, " of a rank-", x.rank(),
                         " tensor: only 1-D x is supported"));
      }
    }
  }
  if (x.rank() != 1) {
    return ctx.InvalidArgument(absl::StrCat(
        "unique expects a 1D vector. x has shape ", x.shape().DebugString()));
  }
  if (x.num_elements() > std::numeric_limits<int32_t>::max()) {
    return ctx.InvalidArgument(
        "unique does not support input tensors larger than 2147483647 "
        "elements");
  }
  DataType out_idx = DT_INT32;
  RETURN_IF_ERROR(ctx.GetAttr("out_idx", &out_idx));
  auto run = [&]<typename T>() {
    return out_idx == DT_INT32 ? UniqueOf<T, int32_t>(ctx, x)
                               : UniqueOf<T, int64_t>(ctx, x);
  };
  if (x.dtype() == DT_STRING) return run.template operator()<std::string>();
  return DispatchType(x.dtype(), run, ctx.UnsupportedDtype());
}

// output[ids[i...], ...] += data[i..., ...]; negative ids are dropped, ids
// >= num_segments are InvalidArgument (TF's CPU kernel).
template <typename T, typename Index>
absl::Status SegmentSum(KernelContext& ctx, const Tensor& data,
                        const Tensor& ids, Tensor& output) {
  const int64_t n = ids.num_elements(), rows = output.dim(0);
  const int64_t row = n == 0 ? 0 : data.num_elements() / n;
  const Index* id = ids.data<Index>();
  const T* in = data.data<T>();
  T* out = output.data<T>();
  std::fill(out, out + output.num_elements(), T(0));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t j = id[i];
    if (j < 0) continue;
    if (j >= rows) {
      return ctx.InvalidArgument(
          absl::StrCat("segment_ids", SliceDebugString(ids.shape(), i), " = ",
                       j, " is out of range [0, ", rows, ")"));
    }
    T* dst = out + j * row;
    const T* src = in + i * row;
    for (int64_t e = 0; e < row; ++e) dst[e] = cwise::Add<T>()(dst[e], src[e]);
  }
  return absl::OkStatus();
}

absl::Status UnsortedSegmentSumKernel(KernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const Tensor& ids = ctx.input(1);
  const Tensor& num = ctx.input(2);
  if (num.rank() != 0) {
    return ctx.InvalidArgument(
        absl::StrCat("num_segments should be a scalar, not shape ",
                     num.shape().DebugString()));
  }
  bool prefix = data.rank() >= ids.rank();
  for (int j = 0; prefix && j < ids.rank(); ++j) {
    prefix = data.dim(j) == ids.dim(j);
  }
  if (!prefix) {
    return ctx.InvalidArgument(
        absl::StrCat("data.shape = ", data.shape().DebugString(),
                     " does not start with segment_ids.shape = ",
                     ids.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(int64_t rows, ReadIndexScalar(ctx, 2, "num_segments"));
  if (rows < 0) {
    return ctx.InvalidArgument(
        absl::StrCat("Input num_segments == ", rows, " must not be negative."));
  }
  TensorShape shape{rows};
  for (int j = ids.rank(); j < data.rank(); ++j) shape.AddDim(data.dim(j));
  // num_segments is untrusted: the checked allocation refuses a huge one.
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, shape));
  return DispatchType<NumericTypes>(
      data.dtype(),
      [&]<typename T>() {
        return ids.dtype() == DT_INT32
                   ? SegmentSum<T, int32_t>(ctx, data, ids, *out)
                   : SegmentSum<T, int64_t>(ctx, data, ids, *out);
      },
      ctx.UnsupportedDtype());
}

}  // namespace

absl::Status RegisterSegmentKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("Unique", UniqueKernel));
  RETURN_IF_ERROR(r.Register("UniqueV2", UniqueKernel));
  RETURN_IF_ERROR(r.Register("UnsortedSegmentSum", UnsortedSegmentSumKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
