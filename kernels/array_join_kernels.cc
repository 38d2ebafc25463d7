// Kernels of the array_join family (ops/array_join_ops.cc): ConcatV2,
// Concat, ConcatOffset, Pack, Tile, Pad, PadV2 and DynamicStitch. Data
// movement is dtype-generic (byte copies through StridedCopy); results equal
// to the input share its buffer.
#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/array_util.h"

namespace graphflow {
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
  if (out_shape.num_elements() == 0) return absl::OkStatus();
  // Input i is [outer, piece_i] bytes and the output [outer, sum piece_i]:
  // each output row is written once, front to back, from every input.
  const int es = DataTypeSize(out->dtype());
  int64_t outer = 1;
  for (int j = 0; j < axis; ++j) outer *= out_shape.dim(j);
  std::vector<std::pair<const char*, int64_t>> pieces;
  for (int i = first; i < first + n; ++i) {
    const Tensor& t = ctx.input(i);
    pieces.emplace_back(static_cast<const char*>(t.raw_data()),
                        t.num_elements() / outer * es);
  }
  const int64_t row_bytes = out_shape.num_elements() / outer * es;
  char* dst = static_cast<char*>(out->raw_data());
  ParallelFor(ctx.device(), outer, 0.25 * row_bytes + 10.0 * n,
              [&](int64_t r0, int64_t r1) {
                for (int64_t r = r0; r < r1; ++r) {
                  char* d = dst + r * row_bytes;
                  for (const auto& [src, bytes] : pieces) {
                    std::memcpy(d, src + r * bytes, bytes);
                    d += bytes;
                  }
                }
              });
  return absl::OkStatus();
}

absl::Status ConcatV2Kernel(KernelContext& ctx) {
  return ConcatImpl(ctx, ctx.num_inputs() - 1, 0, ctx.num_inputs() - 1);
}

absl::Status ConcatKernel(KernelContext& ctx) {
  return ConcatImpl(ctx, 0, 1, ctx.num_inputs() - 1);
}

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
  if (out->dtype() == DT_STRING) {  // Not bytes: copy element by element.
    int64_t inner = 1;              // Elements per slice below `axis`.
    for (int d = static_cast<int>(axis); d < rank; ++d) inner *= ref.dim(d);
    const int64_t n = ctx.num_inputs();
    const int64_t outer = inner == 0 ? 0 : ref.num_elements() / inner;
    std::string* o = out->data<std::string>();
    for (int64_t i = 0; i < n; ++i) {
      const std::string* in =
          ctx.input(static_cast<int>(i)).data<std::string>();
      for (int64_t a = 0; a < outer; ++a) {
        std::copy_n(in + a * inner, inner, o + (a * n + i) * inner);
      }
    }
    return absl::OkStatus();
  }
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

absl::Status DynamicStitchKernel(KernelContext& ctx) {
  const int n = ctx.num_inputs() / 2;
  const Tensor& data0 = ctx.input(n);
  const int prefix_rank0 = ctx.input(0).rank();
  if (data0.rank() < prefix_rank0) {
    return ctx.InvalidArgument("data[0] has lower rank than indices[0]");
  }
  auto suffix = data0.shape().dim_sizes().subspan(prefix_rank0);
  const int es = DataTypeSize(data0.dtype());
  int64_t row_elements = 1;
  for (int64_t d : suffix) row_elements *= d;
  const int64_t row_bytes = row_elements * es;
  // Pass 1: check shapes and indices, and size the output by the largest
  // index (AllocateOutput refuses an index-sized output past the limit).
  int64_t rows = 0;
  for (int i = 0; i < n; ++i) {
    const Tensor& idx = ctx.input(i);
    const Tensor& data = ctx.input(n + i);
    auto dims = data.shape().dim_sizes();
    bool ok = data.rank() >= idx.rank() &&
              dims.first(idx.rank()) == idx.shape().dim_sizes() &&
              dims.subspan(idx.rank()) == suffix;
    if (!ok) {
      return ctx.InvalidArgument(absl::StrCat(
          "data[", i, "].shape = ", data.shape().DebugString(),
          " must be indices[", i, "].shape = ", idx.shape().DebugString(),
          " followed by data[0]'s trailing dims [", absl::StrJoin(suffix, ","),
          "]"));
    }
    for (int64_t k = 0; k < idx.num_elements(); ++k) {
      int32_t v = idx.data<int32_t>()[k];
      if (v < 0) {
        return ctx.InvalidArgument(
            absl::StrCat("indices[", i, "] holds ", v, ", which is negative"));
      }
      rows = std::max<int64_t>(rows, int64_t{v} + 1);
    }
  }
  TensorShape out_shape(suffix);
  out_shape.InsertDim(0, rows);
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  char* dst = static_cast<char*>(out->raw_data());
  // Rows no index names stay zero; later inputs overwrite earlier ones.
  if (row_bytes > 0) std::memset(dst, 0, rows * row_bytes);
  for (int i = 0; i < n && row_bytes > 0; ++i) {
    const Tensor& idx = ctx.input(i);
    const char* src = static_cast<const char*>(ctx.input(n + i).raw_data());
    for (int64_t k = 0; k < idx.num_elements(); ++k) {
      std::memcpy(dst + idx.data<int32_t>()[k] * row_bytes, src + k * row_bytes,
                  row_bytes);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArrayJoinKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("ConcatV2", ConcatV2Kernel));
  RETURN_IF_ERROR(r.Register("Concat", ConcatKernel));
  RETURN_IF_ERROR(r.Register("ConcatOffset", ConcatOffsetKernel));
  RETURN_IF_ERROR(r.Register("Pack", PackKernel));
  RETURN_IF_ERROR(r.Register("Tile", TileKernel));
  RETURN_IF_ERROR(r.Register("Pad", PadKernel));
  RETURN_IF_ERROR(r.Register("PadV2", PadKernel));
  RETURN_IF_ERROR(r.Register("DynamicStitch", DynamicStitchKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
