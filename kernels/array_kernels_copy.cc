// Array kernels that move blocks of memory: ConcatV2, Concat, Pack, Unpack,
// Slice, StridedSlice, Tile and Transpose. All are dtype-generic byte copies
// through StridedCopy; results equal to the input share its buffer.
#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/array_kernels_internal.h"
#include "kernels/array_kernels_strided_slice.h"

namespace graphflow::array_internal {
namespace {

absl::Status ConcatImpl(KernelContext& ctx, int axis_input, int first, int n) {
  ASSIGN_OR_RETURN(int64_t axis, ReadIndexScalar(ctx, axis_input, "axis"));
  const TensorShape& ref = ctx.input(first).shape();
  const int rank = ref.rank();
  if (rank == 0) {
    return ctx.InvalidArgument("can't concatenate scalars (use tf.stack)");
  }
  if (axis < -rank || axis >= rank) {
    return ctx.InvalidArgument(
        absl::StrCat("axis ", axis, " is out of range [", -rank, ", ", rank,
                     ") for input shape ", ref.DebugString()));
  }
  if (axis < 0) axis += rank;
  TensorShape out_shape = ref;
  int64_t total = 0;
  int nonempty = -1, nonempty_count = 0;
  for (int i = first; i < first + n; ++i) {
    const TensorShape& s = ctx.input(i).shape();
    bool match = s.rank() == rank;
    for (int j = 0; match && j < rank; ++j) {
      match = j == axis || s.dim(j) == ref.dim(j);
    }
    if (!match) {
      return ctx.InvalidArgument(
          absl::StrCat("dimensions of inputs should match except on axis ",
                       axis, ": shape[0] = ", ref.DebugString(), " vs. shape[",
                       i - first, "] = ", s.DebugString()));
    }
    total += s.dim(axis);
    if (ctx.input(i).num_elements() > 0) {
      nonempty = i;
      ++nonempty_count;
    }
  }
  out_shape.set_dim(axis, total);
  if (nonempty_count == 1 && ctx.input(nonempty).shape() == out_shape) {
    ctx.SetOutput(0, ctx.input(nonempty));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  const int es = DataTypeSize(out->dtype());
  const DimVector out_steps = ByteStrides(out_shape, es);
  char* dst = static_cast<char*>(out->raw_data());
  for (int i = first; i < first + n; ++i) {
    const Tensor& t = ctx.input(i);
    StridedCopy(ctx.device(), static_cast<const char*>(t.raw_data()),
                ByteStrides(t.shape(), es), dst, out_steps,
                t.shape().dim_sizes(), es);
    dst += t.dim(axis) * out_steps[axis];
  }
  return absl::OkStatus();
}

absl::Status ConcatV2Kernel(KernelContext& ctx) {
  return ConcatImpl(ctx, ctx.num_inputs() - 1, 0, ctx.num_inputs() - 1);
}

absl::Status ConcatKernel(KernelContext& ctx) {
  return ConcatImpl(ctx, 0, 1, ctx.num_inputs() - 1);
}

absl::Status PackKernel(KernelContext& ctx) {
  int64_t axis = 0;
  RETURN_IF_ERROR(ctx.GetAttr("axis", &axis));
  const TensorShape& ref = ctx.input(0).shape();
  const int rank = ref.rank();
  if (axis < -(rank + 1) || axis > rank) {
    return ctx.InvalidArgument(absl::StrCat("axis ", axis, " is out of range [",
                                            -(rank + 1), ", ", rank + 1, ")"));
  }
  if (axis < 0) axis += rank + 1;
  for (int i = 1; i < ctx.num_inputs(); ++i) {
    if (ctx.input(i).shape() != ref) {
      return ctx.InvalidArgument(
          absl::StrCat("shapes of all inputs must match: values[0].shape = ",
                       ref.DebugString(), " != values[", i,
                       "].shape = ", ctx.input(i).shape().DebugString()));
    }
  }
  TensorShape out_shape = ref;
  out_shape.InsertDim(static_cast<int>(axis), ctx.num_inputs());
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  const int es = DataTypeSize(out->dtype());
  DimVector out_steps = ByteStrides(out_shape, es);
  const int64_t step = out_steps[axis];
  out_steps.erase(out_steps.begin() + axis);
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const Tensor& t = ctx.input(i);
    StridedCopy(ctx.device(), static_cast<const char*>(t.raw_data()),
                ByteStrides(ref, es),
                static_cast<char*>(out->raw_data()) + i * step, out_steps,
                ref.dim_sizes(), es);
  }
  return absl::OkStatus();
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
  strided_slice::Masks m;
  RETURN_IF_ERROR(ctx.GetAttr("begin_mask", &m.begin));
  RETURN_IF_ERROR(ctx.GetAttr("end_mask", &m.end));
  RETURN_IF_ERROR(ctx.GetAttr("ellipsis_mask", &m.ellipsis));
  RETURN_IF_ERROR(ctx.GetAttr("new_axis_mask", &m.new_axis));
  RETURN_IF_ERROR(ctx.GetAttr("shrink_axis_mask", &m.shrink_axis));
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

absl::Status TileKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(DimVector multiples, ReadIndexVector(ctx, 1, "multiples"));
  const int rank = in.rank();
  if (static_cast<int>(multiples.size()) != rank) {
    return ctx.InvalidArgument(absl::StrCat("expected multiples to have ", rank,
                                            " entries (the input rank), got ",
                                            multiples.size()));
  }
  TensorShape out_shape = in.shape();
  bool identity = true;
  for (int j = 0; j < rank; ++j) {
    if (multiples[j] < 0) {
      return ctx.InvalidArgument(
          absl::StrCat("expected multiples[", j, "] >= 0, got ", multiples[j]));
    }
    if (in.dim(j) > 0 && multiples[j] > kMaxTensorElements / in.dim(j)) {
      return ctx.InvalidArgument(absl::StrCat(
          "tiling shape ", in.shape().DebugString(), " by multiples[", j,
          "] = ", multiples[j], " gives too many elements"));
    }
    out_shape.set_dim(j, in.dim(j) * multiples[j]);
    identity &= multiples[j] == 1;
  }
  if (identity) {
    ctx.SetOutput(0, in);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  if (out->num_elements() == 0) return absl::OkStatus();
  // Output dim j is (repeat t, index i) with o = t * d + i; the input ignores
  // t, so a tile is a strided copy over 2 * rank dims with zero steps.
  const int es = DataTypeSize(in.dtype());
  const DimVector in_strides = ByteStrides(in.shape(), es);
  const DimVector out_strides = ByteStrides(out_shape, es);
  DimVector dims, in_steps, out_steps;
  for (int j = 0; j < rank; ++j) {
    dims.insert(dims.end(), {multiples[j], in.dim(j)});
    in_steps.insert(in_steps.end(), {0, in_strides[j]});
    out_steps.insert(out_steps.end(),
                     {in.dim(j) * out_strides[j], out_strides[j]});
  }
  StridedCopy(ctx.device(), static_cast<const char*>(in.raw_data()), in_steps,
              static_cast<char*>(out->raw_data()), out_steps, dims, es);
  return absl::OkStatus();
}

absl::Status TransposeKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(DimVector perm, ReadIndexVector(ctx, 1, "perm"));
  const int rank = in.rank();
  if (static_cast<int>(perm.size()) != rank) {
    return ctx.InvalidArgument(
        absl::StrCat("transpose expects a vector of size ", rank,
                     " (the input rank), got ", perm.size(), " entries"));
  }
  std::vector<bool> seen(rank);
  bool identity = true;
  TensorShape out_shape = in.shape();
  const int es = DataTypeSize(in.dtype());
  const DimVector in_strides = ByteStrides(in.shape(), es);
  DimVector in_steps(rank);
  for (int j = 0; j < rank; ++j) {
    if (perm[j] < 0 || perm[j] >= rank) {
      return ctx.InvalidArgument(absl::StrCat(
          "perm[", j, "] = ", perm[j], " is out of range [0, ", rank, ")"));
    }
    if (seen[perm[j]]) {
      return ctx.InvalidArgument(
          absl::StrCat(perm[j], " is duplicated in perm"));
    }
    seen[perm[j]] = true;
    identity &= perm[j] == j;
    out_shape.set_dim(j, in.dim(perm[j]));
    in_steps[j] = in_strides[perm[j]];
  }
  if (identity) {
    ctx.SetOutput(0, in);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  if (out->num_elements() == 0) return absl::OkStatus();
  StridedCopy(ctx.device(), static_cast<const char*>(in.raw_data()), in_steps,
              static_cast<char*>(out->raw_data()), ByteStrides(out_shape, es),
              out_shape.dim_sizes(), es);
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArrayCopyKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("ConcatV2", ConcatV2Kernel));
  RETURN_IF_ERROR(r.Register("Concat", ConcatKernel));
  RETURN_IF_ERROR(r.Register("Pack", PackKernel));
  RETURN_IF_ERROR(r.Register("Unpack", UnpackKernel));
  RETURN_IF_ERROR(r.Register("Slice", SliceKernel));
  RETURN_IF_ERROR(r.Register("StridedSlice", StridedSliceKernel));
  RETURN_IF_ERROR(r.Register("Tile", TileKernel));
  RETURN_IF_ERROR(r.Register("Transpose", TransposeKernel));
  return absl::OkStatus();
}

}  // namespace graphflow::array_internal
