// Kernels of the ops TF's array gradients use: ConcatOffset, Pad, PadV2,
// InvertPermutation, StridedSliceGrad, Gather, GatherV2, Split and SplitV. Data
// movement is dtype-generic (byte copies through StridedCopy).
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "kernels/array_kernels_internal.h"
#include "kernels/array_kernels_strided_slice.h"

namespace graphflow::array_internal {
namespace {

absl::Status ConcatOffsetKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(int64_t axis, ReadIndexScalar(ctx, 0, "concat_dim"));
  const int n = ctx.num_inputs() - 1;
  ASSIGN_OR_RETURN(DimVector first, ReadIndexVector(ctx, 1, "shape[0]"));
  const int64_t rank = static_cast<int64_t>(first.size());
  if (axis < -rank || axis >= rank) {
    return ctx.InvalidArgument(absl::StrCat(
        "concat_dim ", axis, " is out of range [", -rank, ", ", rank, ")"));
  }
  if (axis < 0) axis += rank;
  int64_t offset = 0;
  for (int i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(
        DimVector shape,
        ReadIndexVector(ctx, i + 1, absl::StrCat("shape[", i, "]")));
    if (static_cast<int64_t>(shape.size()) != rank) {
      return ctx.InvalidArgument(absl::StrCat("shape[", i, "] has ",
                                              shape.size(), " elements, but ",
                                              "shape[0] has ", rank));
    }
    for (int64_t j = 0; j < rank; ++j) {
      if (j != axis && shape[j] != first[j]) {
        return ctx.InvalidArgument(absl::StrCat(
            "all dimensions except ", axis, " must match: shape[", i, "] = [",
            absl::StrJoin(shape, ","), "] does not match shape[0] = [",
            absl::StrJoin(first, ","), "]"));
      }
    }
    ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(i, {rank}));
    int32_t* o = out->data<int32_t>();
    for (int64_t j = 0; j < rank; ++j) {
      o[j] = j == axis ? static_cast<int32_t>(offset) : 0;
    }
    offset += shape[axis];
  }
  return absl::OkStatus();
}

// Pad and PadV2: fills the output with the pad value, then copies the input
// into its interior.
absl::Status PadKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& paddings = ctx.input(1);
  const int rank = in.rank();
  if (paddings.rank() != 2 || paddings.dim(0) != rank || paddings.dim(1) != 2) {
    return ctx.InvalidArgument(
        absl::StrCat("paddings must be a matrix of shape [", rank,
                     ", 2] for input of shape ", in.shape().DebugString(),
                     ", got ", paddings.shape().DebugString()));
  }
  std::vector<char> zero(DataTypeSize(in.dtype()), 0);
  const void* value = zero.data();
  if (ctx.num_inputs() == 3) {
    if (ctx.input(2).rank() != 0) {
      return ctx.InvalidArgument(
          absl::StrCat("constant_values must be a scalar, got shape ",
                       ctx.input(2).shape().DebugString()));
    }
    value = ctx.input(2).raw_data();
  }
  TensorShape out_shape = in.shape();
  DimVector before(rank);
  for (int j = 0; j < rank; ++j) {
    int64_t pad[2];
    for (int k = 0; k < 2; ++k) {
      pad[k] = paddings.dtype() == DT_INT32
                   ? paddings.data<int32_t>()[2 * j + k]
                   : paddings.data<int64_t>()[2 * j + k];
      if (pad[k] < 0 || pad[k] > kMaxTensorElements) {
        return ctx.InvalidArgument(
            absl::StrCat("paddings must be non-negative, got ", pad[k], " at [",
                         j, ", ", k, "]"));
      }
    }
    before[j] = pad[0];
    out_shape.set_dim(j, in.dim(j) + pad[0] + pad[1]);
  }
  if (out_shape == in.shape()) {
    ctx.SetOutput(0, in);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  const int es = DataTypeSize(in.dtype());
  char* dst = static_cast<char*>(out->raw_data());
  FillElements(ctx.device(), dst, out->num_elements(), value, es);
  if (in.num_elements() == 0) return absl::OkStatus();
  const DimVector out_steps = ByteStrides(out_shape, es);
  for (int j = 0; j < rank; ++j) dst += before[j] * out_steps[j];
  StridedCopy(ctx.device(), static_cast<const char*>(in.raw_data()),
              ByteStrides(in.shape(), es), dst, out_steps,
              in.shape().dim_sizes(), es);
  return absl::OkStatus();
}

absl::Status InvertPermutationKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(DimVector x, ReadIndexVector(ctx, 0, "x"));
  const int64_t n = static_cast<int64_t>(x.size());
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, {n}));
  DimVector y(n, -1);
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] < 0 || x[i] >= n) {
      return ctx.InvalidArgument(
          absl::StrCat(x[i], " is not between 0 and ", n));
    }
    if (y[x[i]] != -1) {
      return ctx.InvalidArgument(
          absl::StrCat(x[i], " is duplicated in the input"));
    }
    y[x[i]] = i;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (out->dtype() == DT_INT32) {
      out->data<int32_t>()[i] = static_cast<int32_t>(y[i]);
    } else {
      out->data<int64_t>()[i] = y[i];
    }
  }
  return absl::OkStatus();
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
  strided_slice::Masks m;
  RETURN_IF_ERROR(ctx.GetAttr("begin_mask", &m.begin));
  RETURN_IF_ERROR(ctx.GetAttr("end_mask", &m.end));
  RETURN_IF_ERROR(ctx.GetAttr("ellipsis_mask", &m.ellipsis));
  RETURN_IF_ERROR(ctx.GetAttr("new_axis_mask", &m.new_axis));
  RETURN_IF_ERROR(ctx.GetAttr("shrink_axis_mask", &m.shrink_axis));
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

// out[b, o, i, n] = params[b, o, indices[b, i], n] over batch b, outer o
// (params dims before axis), index i and inner n (dims after axis).
absl::Status GatherImpl(KernelContext& ctx, int64_t axis, int64_t batch_dims) {
  const Tensor& params = ctx.input(0);
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

absl::Status GatherKernel(KernelContext& ctx) { return GatherImpl(ctx, 0, 0); }

absl::Status GatherV2Kernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(int64_t axis, ReadIndexScalar(ctx, 2, "axis"));
  int64_t batch_dims = 0;
  RETURN_IF_ERROR(ctx.GetAttr("batch_dims", &batch_dims));
  return GatherImpl(ctx, axis, batch_dims);
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

}  // namespace

absl::Status RegisterArrayGradKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("ConcatOffset", ConcatOffsetKernel));
  RETURN_IF_ERROR(r.Register("Pad", PadKernel));
  RETURN_IF_ERROR(r.Register("PadV2", PadKernel));
  RETURN_IF_ERROR(r.Register("InvertPermutation", InvertPermutationKernel));
  RETURN_IF_ERROR(r.Register("StridedSliceGrad", StridedSliceGradKernel));
  RETURN_IF_ERROR(r.Register("Gather", GatherKernel));
  RETURN_IF_ERROR(r.Register("GatherV2", GatherV2Kernel));
  RETURN_IF_ERROR(r.Register("Split", SplitKernel));
  RETURN_IF_ERROR(r.Register("SplitV", SplitVKernel));
  return absl::OkStatus();
}

}  // namespace graphflow::array_internal
