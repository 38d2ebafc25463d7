// Kernels of ops/array_nd_ops.cc (part of the array_slice family): GatherNd
// and ScatterNd. Both walk the index tuples of the last indices dimension;
// a tuple outside the shape is InvalidArgument naming it, as TF does.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/array_util.h"

namespace graphflow {
namespace {

// The index tuples of `indices` ([n, r] in row-major order) and where they
// sit in indices[:-1], for messages.
struct IndexTuples {
  int64_t n = 0, r = 0;
  std::vector<int64_t> values;
  TensorShape outer;  // indices.shape[:-1].
};

absl::StatusOr<IndexTuples> ReadTuples(const KernelContext& ctx, int i) {
  const Tensor& t = ctx.input(i);
  if (t.rank() < 1) {
    return ctx.InvalidArgument(
        absl::StrCat("indices must be at least a vector, got shape ",
                     t.shape().DebugString()));
  }
  IndexTuples tuples;
  tuples.r = t.dim(t.rank() - 1);
  tuples.outer = TensorShape(t.shape().dim_sizes().first(t.rank() - 1));
  tuples.n = tuples.outer.num_elements();
  tuples.values.resize(t.num_elements());
  for (int64_t k = 0; k < t.num_elements(); ++k) {
    tuples.values[k] =
        t.dtype() == DT_INT32 ? t.data<int32_t>()[k] : t.data<int64_t>()[k];
  }
  return tuples;
}

// TF's "indices[1,0] = [7, 0] does not index into <what> [3,4]".
std::string BadIndex(const IndexTuples& t, int64_t i, const char* what,
                     const TensorShape& shape) {
  std::string where;
  if (t.outer.rank() > 0) {
    std::vector<int64_t> pos(t.outer.rank());
    for (int64_t j = t.outer.rank() - 1, rest = i; j >= 0; --j) {
      pos[j] = rest % t.outer.dim(j);
      rest /= t.outer.dim(j);
    }
    where = absl::StrCat("[", absl::StrJoin(pos, ","), "]");
  }
  return absl::StrCat("indices", where, " = [",
                      absl::StrJoin(t.values.begin() + i * t.r,
                                    t.values.begin() + (i + 1) * t.r, ", "),
                      "] does not index into ", what, " ", shape.DebugString());
}

// The flat slice offset of tuple i into `shape` (slices of shape[r:]), or
// -1 when it is out of range.
int64_t SliceOffset(const IndexTuples& t, int64_t i, const TensorShape& shape) {
  int64_t offset = 0;
  for (int64_t j = 0; j < t.r; ++j) {
    const int64_t v = t.values[i * t.r + j];
    if (v < 0 || v >= shape.dim(j)) return -1;
    offset = offset * shape.dim(j) + v;
  }
  return offset;
}

absl::Status GatherNdKernel(KernelContext& ctx) {
  const Tensor& params = ctx.input(0);
  if (params.rank() < 1) {
    return ctx.InvalidArgument("params must be at least a vector");
  }
  ASSIGN_OR_RETURN(IndexTuples t, ReadTuples(ctx, 1));
  if (t.r > params.rank()) {
    return ctx.InvalidArgument(absl::StrCat(
        "index innermost dimension length must be <= params rank; saw: ", t.r,
        " vs. ", params.rank()));
  }
  const bool strings = params.dtype() == DT_STRING;
  const int es = strings ? 1 : DataTypeSize(params.dtype());
  if (es == 0) return ctx.UnsupportedDtype()(params.dtype());
  DimVector out_dims(t.outer.dim_sizes().begin(), t.outer.dim_sizes().end());
  int64_t slice = 1;
  for (int j = t.r; j < params.rank(); ++j) {
    out_dims.push_back(params.dim(j));
    slice *= params.dim(j);
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape(out_dims)));
  if (t.n > 0 && params.num_elements() == 0) {
    return ctx.InvalidArgument(absl::StrCat(
        "Requested more than 0 entries, but params is empty.  Params shape: ",
        params.shape().DebugString()));
  }
  const size_t slice_bytes = slice * es;
  const auto* src = static_cast<const char*>(params.raw_data());
  auto* dst = static_cast<char*>(out->raw_data());
  for (int64_t i = 0; i < t.n; ++i) {
    const int64_t offset = SliceOffset(t, i, params.shape());
    if (offset < 0) {
      return ctx.InvalidArgument(BadIndex(t, i, "param shape", params.shape()));
    }
    if (strings) {  // Objects, not bytes: copy element by element.
      std::copy_n(params.data<std::string>() + offset * slice, slice,
                  out->data<std::string>() + i * slice);
    } else if (slice_bytes > 0) {
      std::memcpy(dst + i * slice_bytes, src + offset * slice_bytes,
                  slice_bytes);
    }
  }
  return absl::OkStatus();
}

absl::Status ScatterNdKernel(KernelContext& ctx) {
  const Tensor& updates = ctx.input(1);
  ASSIGN_OR_RETURN(IndexTuples t, ReadTuples(ctx, 0));
  ASSIGN_OR_RETURN(DimVector dims, ReadIndexVector(ctx, 2, "shape"));
  for (int64_t d : dims) {
    if (d < 0) {
      return ctx.InvalidArgument(absl::StrCat(
          "shape must be non-negative, got [", absl::StrJoin(dims, ","), "]"));
    }
  }
  ASSIGN_OR_RETURN(TensorShape shape, TensorShape::Make(dims));
  if (t.r > shape.rank()) {
    return ctx.InvalidArgument(absl::StrCat("indices.shape[-1] = ", t.r,
                                            " must be <= the output rank ",
                                            shape.rank()));
  }
  DimVector want(t.outer.dim_sizes().begin(), t.outer.dim_sizes().end());
  int64_t slice = 1;
  for (int j = t.r; j < shape.rank(); ++j) {
    want.push_back(shape.dim(j));
    slice *= shape.dim(j);
  }
  if (updates.shape() != TensorShape(want)) {
    return ctx.InvalidArgument(absl::StrCat(
        "updates.shape ", updates.shape().DebugString(),
        " must be indices.shape[:-1] + shape[indices.shape[-1]:] = ",
        TensorShape(want).DebugString()));
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, shape));
  if (t.n > 0 && shape.num_elements() == 0) {
    return ctx.InvalidArgument(
        "Indices and updates specified for empty output shape");
  }
  return DispatchType<NumericTypes>(
      updates.dtype(),
      [&]<typename T>() {
        T* o = out->data<T>();
        std::fill_n(o, out->num_elements(), T(0));
        const T* u = updates.data<T>();
        for (int64_t i = 0; i < t.n; ++i) {
          const int64_t offset = SliceOffset(t, i, shape);
          if (offset < 0) {
            return ctx.InvalidArgument(BadIndex(t, i, "shape", shape));
          }
          for (int64_t k = 0; k < slice; ++k) {
            o[offset * slice + k] += u[i * slice + k];  // Duplicates sum.
          }
        }
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

}  // namespace

absl::Status RegisterArrayNdKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("GatherNd", GatherNdKernel));
  RETURN_IF_ERROR(r.Register("ScatterNd", ScatterNdKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
