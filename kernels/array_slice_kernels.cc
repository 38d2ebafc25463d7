// Kernels of the array_slice family (ops/array_slice_ops.cc): Slice,
// StridedSlice, StridedSliceGrad, Gather, GatherV2, Split, SplitV and
// Unpack. Data movement is dtype-generic (byte copies through StridedCopy);
// results equal to the input share its buffer.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "graph/strided_slice.h"
#include "kernels/all_kernels.h"
#include "kernels/array_util.h"

namespace graphflow {

// out[b, o, i, n] = params[b, o, indices[b, i], n] over batch b, outer o
// (params dims before axis), index i and inner n (dims after axis).
absl::Status GatherImpl(KernelContext& ctx, const Tensor& params, int64_t axis,
                        int64_t batch_dims) {
  const Tensor& indices = ctx.input(1);
  const int p = params.rank(), r = indices.rank();
  if (p < 1) {
    return ctx.InvalidArgument(
        absl::StrCat("params must be at least 1-D, got shape ",
                     params.shape().DebugString()));
  }
  if (axis < -p || axis >= p) {
    return ctx.InvalidArgument(
        absl::StrCat("axis ", axis, " is out of range [", -p, ", ", p, ")"));
  }
  if (axis < 0) axis += p;
  if (batch_dims < -r || batch_dims > r) {
    return ctx.InvalidArgument(absl::StrCat(
        "batch_dims ", batch_dims, " is out of range for indices of shape ",
        indices.shape().DebugString()));
  }
  if (batch_dims < 0) batch_dims += r;
  if (batch_dims > axis) {
    return ctx.InvalidArgument(
        absl::StrCat("batch_dims ", batch_dims, " must be <= axis ", axis));
  }
  int64_t batch = 1, outer = 1, inner = 1, count = 1;
  TensorShape out_shape;
  for (int j = 0; j < batch_dims; ++j) {
    if (params.dim(j) != indices.dim(j)) {
      return ctx.InvalidArgument(absl::StrCat(
          "params.shape[", j, "] = ", params.dim(j),
          " must equal indices.shape[", j, "] = ", indices.dim(j)));
    }
    batch *= params.dim(j);
    out_shape.AddDim(params.dim(j));
  }
  for (int j = static_cast<int>(batch_dims); j < axis; ++j) {
    outer *= params.dim(j);
    out_shape.AddDim(params.dim(j));
  }
  for (int j = static_cast<int>(batch_dims); j < r; ++j) {
    count *= indices.dim(j);
    out_shape.AddDim(indices.dim(j));
  }
  for (int j = static_cast<int>(axis) + 1; j < p; ++j) {
    inner *= params.dim(j);
    out_shape.AddDim(params.dim(j));
  }
  const int64_t limit = params.dim(static_cast<int>(axis));
  DimVector idx(indices.num_elements());
  for (int64_t k = 0; k < indices.num_elements(); ++k) {
    idx[k] = indices.dtype() == DT_INT32 ? indices.data<int32_t>()[k]
                                         : indices.data<int64_t>()[k];
    if (idx[k] < 0 || idx[k] >= limit) {
      return ctx.InvalidArgument(absl::StrCat("indices[", k, "] = ", idx[k],
                                              " is not in [0, ", limit, ")"));
    }
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  if (out->num_elements() == 0) return absl::OkStatus();
  const int64_t row = inner * DataTypeSize(params.dtype());
  const char* src = static_cast<const char*>(params.raw_data());
  char* dst = static_cast<char*>(out->raw_data());
  // Output rows in order: (b, o, i), each one memcpy of `row` bytes.
  ParallelFor(ctx.device(), batch * outer * count, row * 0.25 + 10,
              [&](int64_t s, int64_t e) {
                for (int64_t u = s; u < e; ++u) {
                  const int64_t i = u % count, bo = u / count;
                  const int64_t b = bo / outer;
                  std::memcpy(dst + u * row,
                              src + (bo * limit + idx[b * count + i]) * row,
                              row);
                }
              });
  return absl::OkStatus();
}

namespace {

// Copies the box of `in` starting at `begin` (element offsets) with element
// strides `strides` and extent `sizes` into a new output of `out_shape`.
absl::Status CopyBox(KernelContext& ctx, absl::Span<const int64_t> begin,
                     absl::Span<const int64_t> strides,
                     absl::Span<const int64_t> sizes,
                     const TensorShape& out_shape) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  if (out->num_elements() == 0) return absl::OkStatus();
  const int es = DataTypeSize(in.dtype());
  DimVector in_steps = ByteStrides(in.shape(), es);
  int64_t offset = 0;
  for (int j = 0; j < in.rank(); ++j) {
    offset += begin[j] * in_steps[j];
    // A huge stride only ever takes one element; its step goes unused.
    in_steps[j] = sizes[j] > 1 ? in_steps[j] * strides[j] : 0;
  }
  StridedCopy(ctx.device(), static_cast<const char*>(in.raw_data()) + offset,
              in_steps, static_cast<char*>(out->raw_data()),
              ByteStrides(TensorShape(sizes), es), sizes, es);
  return absl::OkStatus();
}

absl::Status SliceKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(DimVector begin, ReadIndexVector(ctx, 1, "begin"));
  ASSIGN_OR_RETURN(DimVector size, ReadIndexVector(ctx, 2, "size"));
  const int rank = in.rank();
  if (static_cast<int>(begin.size()) != rank ||
      static_cast<int>(size.size()) != rank) {
    return ctx.InvalidArgument(absl::StrCat(
        "expected begin and size to have ", rank,
        " entries (the input rank), got ", begin.size(), " and ", size.size()));
  }
  for (int j = 0; j < rank; ++j) {
    if (size[j] == -1) size[j] = in.dim(j) - begin[j];
    if (begin[j] < 0 || begin[j] > in.dim(j) || size[j] < 0 ||
        size[j] > in.dim(j) - begin[j]) {
      return ctx.InvalidArgument(absl::StrCat(
          "expected begin[", j, "] in [0, ", in.dim(j), "] and size[", j,
          "] in [0, ", in.dim(j) - begin[j], "], got ", begin[j], " and ",
          size[j], " for input shape ", in.shape().DebugString()));
    }
  }
  TensorShape out_shape(size);
  if (out_shape == in.shape()) {
    ctx.SetOutput(0, in);
    return absl::OkStatus();
  }
  return CopyBox(ctx, begin, DimVector(rank, 1), size, out_shape);
}

absl::Status StridedSliceKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(DimVector begin, ReadIndexVector(ctx, 1, "begin"));
  ASSIGN_OR_RETURN(DimVector end, ReadIndexVector(ctx, 2, "end"));
  ASSIGN_OR_RETURN(DimVector strides, ReadIndexVector(ctx, 3, "strides"));
  ASSIGN_OR_RETURN(strided_slice::Masks m, strided_slice::MasksOf(ctx.node()));
  auto spec =
      strided_slice::Compute(in.shape().dim_sizes(), begin, end, strides, m);
  if (!spec.ok()) {
    return ctx.InvalidArgument(absl::StrCat(spec.status().message(),
                                            " (input shape ",
                                            in.shape().DebugString(), ")"));
  }
  TensorShape final_shape(spec->final_dims);
  bool identity = true;
  for (int j = 0; j < in.rank(); ++j) {
    identity &= spec->begin[j] == 0 && spec->strides[j] == 1 &&
                spec->processing_dims[j] == in.dim(j);
  }
  if (identity) {
    ASSIGN_OR_RETURN(Tensor out, in.Reshaped(final_shape));
    ctx.SetOutput(0, out);
    return absl::OkStatus();
  }
  return CopyBox(ctx, spec->begin, spec->strides, spec->processing_dims,
                 final_shape);
}

// Zeros of `shape` with dy written where StridedSlice took its elements.
absl::Status StridedSliceGradKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(DimVector shape, ReadIndexVector(ctx, 0, "shape"));
  ASSIGN_OR_RETURN(DimVector begin, ReadIndexVector(ctx, 1, "begin"));
  ASSIGN_OR_RETURN(DimVector end, ReadIndexVector(ctx, 2, "end"));
  ASSIGN_OR_RETURN(DimVector strides, ReadIndexVector(ctx, 3, "strides"));
  const Tensor& dy = ctx.input(4);
  for (int64_t d : shape) {
    if (d < 0) {
      return ctx.InvalidArgument(absl::StrCat(
          "shape must be non-negative, got [", absl::StrJoin(shape, ","), "]"));
    }
  }
  ASSIGN_OR_RETURN(strided_slice::Masks m, strided_slice::MasksOf(ctx.node()));
  auto spec = strided_slice::Compute(shape, begin, end, strides, m);
  if (!spec.ok()) {
    return ctx.InvalidArgument(absl::StrCat(
        spec.status().message(), " (shape [", absl::StrJoin(shape, ","), "])"));
  }
  if (dy.shape().dim_sizes() != absl::MakeConstSpan(spec->final_dims)) {
    return ctx.InvalidArgument(absl::StrCat(
        "shape of dy was ", dy.shape().DebugString(), " instead of [",
        absl::StrJoin(spec->final_dims, ","), "]"));
  }
  auto out_shape = TensorShape::Make(shape);
  if (!out_shape.ok()) return ctx.InvalidArgument(out_shape.status().message());
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, *out_shape));
  out->FillZero();
  if (dy.num_elements() == 0) return absl::OkStatus();
  const int es = DataTypeSize(dy.dtype());
  DimVector out_steps = ByteStrides(*out_shape, es);
  char* dst = static_cast<char*>(out->raw_data());
  const auto& sizes = spec->processing_dims;
  for (size_t j = 0; j < shape.size(); ++j) {
    dst += spec->begin[j] * out_steps[j];
    out_steps[j] = sizes[j] > 1 ? out_steps[j] * spec->strides[j] : 0;
  }
  StridedCopy(ctx.device(), static_cast<const char*>(dy.raw_data()),
              ByteStrides(TensorShape(sizes), es), dst, out_steps, sizes, es);
  return absl::OkStatus();
}

absl::Status GatherKernel(KernelContext& ctx) {
  return GatherImpl(ctx, ctx.input(0), 0, 0);
}

absl::Status GatherV2Kernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(int64_t axis, ReadIndexScalar(ctx, 2, "axis"));
  int64_t batch_dims = 0;
  RETURN_IF_ERROR(ctx.GetAttr("batch_dims", &batch_dims));
  return GatherImpl(ctx, ctx.input(0), axis, batch_dims);
}

// Copies consecutive blocks of `sizes` along `axis` of input `value_index`
// into the outputs; an output equal to the input shares its buffer.
absl::Status SplitImpl(KernelContext& ctx, int value_index, int64_t axis,
                       const DimVector& sizes) {
  const Tensor& in = ctx.input(value_index);
  const int es = DataTypeSize(in.dtype());
  const DimVector in_steps = ByteStrides(in.shape(), es);
  const char* src = static_cast<const char*>(in.raw_data());
  for (size_t i = 0; i < sizes.size(); ++i) {
    TensorShape shape = in.shape();
    shape.set_dim(static_cast<int>(axis), sizes[i]);
    if (shape == in.shape()) {
      ctx.SetOutput(static_cast<int>(i), in);
      continue;
    }
    ASSIGN_OR_RETURN(Tensor * out,
                     ctx.AllocateOutput(static_cast<int>(i), shape));
    if (out->num_elements() > 0) {
      StridedCopy(ctx.device(), src, in_steps,
                  static_cast<char*>(out->raw_data()), ByteStrides(shape, es),
                  shape.dim_sizes(), es);
    }
    src += sizes[i] * in_steps[axis];
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ReadSplitAxis(KernelContext& ctx, int i,
                                      const Tensor& value) {
  ASSIGN_OR_RETURN(int64_t axis, ReadIndexScalar(ctx, i, "split_dim"));
  const int rank = value.rank();
  if (axis < -rank || axis >= rank) {
    return ctx.InvalidArgument(absl::StrCat(
        "split_dim ", axis, " is out of range [", -rank, ", ", rank,
        ") for input of shape ", value.shape().DebugString()));
  }
  return axis < 0 ? axis + rank : axis;
}

absl::Status SplitKernel(KernelContext& ctx) {
  const Tensor& value = ctx.input(1);
  ASSIGN_OR_RETURN(int64_t axis, ReadSplitAxis(ctx, 0, value));
  const int64_t n = ctx.num_outputs(), d = value.dim(static_cast<int>(axis));
  if (d % n != 0) {
    return ctx.InvalidArgument(absl::StrCat(
        "Number of ways to split should evenly divide the split dimension, "
        "but got split_dim ",
        axis, " (size = ", d, ") and num_split ", n));
  }
  return SplitImpl(ctx, 1, axis, DimVector(n, d / n));
}

absl::Status SplitVKernel(KernelContext& ctx) {
  const Tensor& value = ctx.input(0);
  ASSIGN_OR_RETURN(int64_t axis, ReadSplitAxis(ctx, 2, value));
  ASSIGN_OR_RETURN(DimVector sizes, ReadIndexVector(ctx, 1, "size_splits"));
  if (static_cast<int>(sizes.size()) != ctx.num_outputs()) {
    return ctx.InvalidArgument(absl::StrCat("size_splits has ", sizes.size(),
                                            " entries, but num_split is ",
                                            ctx.num_outputs()));
  }
  const int64_t d = value.dim(static_cast<int>(axis));
  int64_t total = 0;
  int inferred = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1 && inferred < 0) {
      inferred = static_cast<int>(i);
    } else if (sizes[i] < 0 || sizes[i] > d) {
      return ctx.InvalidArgument(absl::StrCat(
          "size_splits [", absl::StrJoin(sizes, ","),
          "] must be non-negative with at most one -1 (input shape ",
          value.shape().DebugString(), ")"));
    } else {
      total += sizes[i];
    }
  }
  if (inferred >= 0 ? total > d : total != d) {
    return ctx.InvalidArgument(
        absl::StrCat("can't split axis ", axis, " of size ", d,
                     " into pieces of size [", absl::StrJoin(sizes, ","), "]"));
  }
  if (inferred >= 0) sizes[inferred] = d - total;
  return SplitImpl(ctx, 0, axis, sizes);
}

absl::Status UnpackKernel(KernelContext& ctx) {
  int64_t axis = 0, num = 0;
  RETURN_IF_ERROR(ctx.GetAttr("axis", &axis));
  RETURN_IF_ERROR(ctx.GetAttr("num", &num));
  const Tensor& in = ctx.input(0);
  const int rank = in.rank();
  if (axis < -rank || axis >= rank) {
    return ctx.InvalidArgument(absl::StrCat("axis ", axis,
                                            " is out of range for input shape ",
                                            in.shape().DebugString()));
  }
  if (axis < 0) axis += rank;
  if (in.dim(axis) != num) {
    return ctx.InvalidArgument(absl::StrCat(
        "input shape ", in.shape().DebugString(), " has size ", in.dim(axis),
        " on axis ", axis, ", expected num = ", num));
  }
  const int es = DataTypeSize(in.dtype());
  DimVector in_steps = ByteStrides(in.shape(), es);
  const int64_t step = in_steps[axis];
  in_steps.erase(in_steps.begin() + axis);
  TensorShape out_shape = in.shape();
  out_shape.RemoveDim(static_cast<int>(axis));
  const DimVector out_steps = ByteStrides(out_shape, es);
  for (int i = 0; i < num; ++i) {
    ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(i, out_shape));
    StridedCopy(ctx.device(),
                static_cast<const char*>(in.raw_data()) + i * step, in_steps,
                static_cast<char*>(out->raw_data()), out_steps,
                out_shape.dim_sizes(), es);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArraySliceKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("Slice", SliceKernel));
  RETURN_IF_ERROR(r.Register("StridedSlice", StridedSliceKernel));
  RETURN_IF_ERROR(r.Register("StridedSliceGrad", StridedSliceGradKernel));
  RETURN_IF_ERROR(r.Register("Gather", GatherKernel));
  RETURN_IF_ERROR(r.Register("GatherV2", GatherV2Kernel));
  RETURN_IF_ERROR(r.Register("Split", SplitKernel));
  RETURN_IF_ERROR(r.Register("SplitV", SplitVKernel));
  RETURN_IF_ERROR(r.Register("Unpack", UnpackKernel));
  return RegisterArrayNdKernels(r);
}

}  // namespace graphflow
