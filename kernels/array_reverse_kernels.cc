// Kernels of ops/array_reverse_ops.cc (part of the array family): ReverseV2
// and ReverseSequence, as strided copies with negative steps.
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/array_util.h"

namespace graphflow {
namespace {

// Strings are objects, not bytes: each output element is assigned from its
// mirrored input element, walking the output's coordinates like an odometer.
absl::Status ReverseStrings(KernelContext& ctx,
                            const std::vector<bool>& reversed) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in.shape()));
  const int rank = in.rank();
  const DimVector strides = ByteStrides(in.shape(), 1);  // In elements.
  DimVector coord(rank, 0);
  int64_t src = 0;  // Flat input index of the mirror of `coord`.
  for (int j = 0; j < rank; ++j) {
    if (reversed[j]) src += (in.dim(j) - 1) * strides[j];
  }
  const std::string* from = in.data<std::string>();
  std::string* to = out->data<std::string>();
  for (int64_t i = 0; i < in.num_elements(); ++i) {
    to[i] = from[src];
    for (int j = rank - 1; j >= 0; --j) {  // Advance the last axis first.
      const int64_t step = reversed[j] ? -strides[j] : strides[j];
      if (++coord[j] < in.dim(j)) {
        src += step;
        break;
      }
      coord[j] = 0;
      src -= step * (in.dim(j) - 1);
    }
  }
  return absl::OkStatus();
}

absl::Status ReverseV2Kernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  if (in.rank() == 0) {  // TF forwards a scalar before looking at the axes.
    ctx.SetOutput(0, in);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(DimVector axes, ReadIndexVector(ctx, 1, "'axis'"));
  const int rank = in.rank();
  std::vector<bool> reversed(rank, false);
  for (size_t k = 0; k < axes.size(); ++k) {
    const int64_t axis = axes[k] < 0 ? axes[k] + rank : axes[k];
    if (axis < 0 || axis >= rank) {
      return ctx.InvalidArgument(absl::StrCat("'axis'[", k, "] = ", axes[k],
                                              " is out of valid range [0, ",
                                              rank - 1, "]"));
    }
    if (reversed[axis]) {
      return ctx.InvalidArgument(
          absl::StrCat("axis ", axis, " specified more than once."));
    }
    reversed[axis] = true;
  }
  if (rank > 8) {
    return ctx.Error(absl::StatusCode::kUnimplemented,
                     "reverse is not implemented for tensors of rank > 8.");
  }
  if (in.dtype() == DT_STRING) return ReverseStrings(ctx, reversed);
  const int es = DataTypeSize(in.dtype());
  if (es == 0) return ctx.UnsupportedDtype()(in.dtype());
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in.shape()));
  if (in.num_elements() == 0) return absl::OkStatus();
  const DimVector strides = ByteStrides(in.shape(), es);
  DimVector in_steps = strides;
  const char* src = static_cast<const char*>(in.raw_data());
  for (int j = 0; j < rank; ++j) {
    if (!reversed[j]) continue;
    src += (in.dim(j) - 1) * strides[j];  // Start from the last entry.
    in_steps[j] = -strides[j];
  }
  StridedCopy(ctx.device(), src, in_steps, static_cast<char*>(out->raw_data()),
              strides, in.shape().dim_sizes(), es);
  return absl::OkStatus();
}

absl::Status ReverseSequenceKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  int64_t seq_dim = 0, batch_dim = 0;
  RETURN_IF_ERROR(ctx.GetAttr("seq_dim", &seq_dim));
  RETURN_IF_ERROR(ctx.GetAttr("batch_dim", &batch_dim));
  ASSIGN_OR_RETURN(DimVector lengths, ReadIndexVector(ctx, 1, "seq_lengths"));
  if (batch_dim == seq_dim) {
    return ctx.InvalidArgument(
        absl::StrCat("batch_dim == seq_dim == ", seq_dim));
  }
  if (seq_dim < 0 || seq_dim >= in.rank()) {
    return ctx.InvalidArgument(absl::StrCat("seq_dim must be < input rank ( ",
                                            seq_dim, " vs. ", in.rank(), ")"));
  }
  if (batch_dim < 0 || batch_dim >= in.rank()) {
    return ctx.InvalidArgument(absl::StrCat("batch_dim must be < input rank ( ",
                                            batch_dim, " vs. ", in.rank(),
                                            ")"));
  }
  const int64_t batch = in.dim(batch_dim), max_len = in.dim(seq_dim);
  if (static_cast<int64_t>(lengths.size()) != batch) {
    return ctx.InvalidArgument(absl::StrCat("Length of seq_lens != input.dims(",
                                            batch_dim, "), (", lengths.size(),
                                            " vs. ", batch, ")"));
  }
  for (size_t b = 0; b < lengths.size(); ++b) {
    if (lengths[b] < 0) {
      return ctx.InvalidArgument(absl::StrCat("seq_lens(", b, ") < 0"));
    }
    if (lengths[b] > max_len) {
      return ctx.InvalidArgument(
          absl::StrCat("seq_lens(", b, ") > input.dims(", seq_dim, ")"));
    }
  }
  const int es = DataTypeSize(in.dtype());
  if (es == 0) return ctx.UnsupportedDtype()(in.dtype());
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in.shape()));
  if (in.num_elements() == 0) return absl::OkStatus();
  std::memcpy(out->raw_data(), in.raw_data(), in.total_bytes());
  // Per batch entry: the box of its first lengths[b] steps, read backwards.
  const DimVector strides = ByteStrides(in.shape(), es);
  DimVector box(in.shape().dim_sizes().begin(), in.shape().dim_sizes().end());
  box[batch_dim] = 1;
  DimVector in_steps = strides;
  in_steps[seq_dim] = -strides[seq_dim];
  for (int64_t b = 0; b < batch; ++b) {
    if (lengths[b] <= 1) continue;
    box[seq_dim] = lengths[b];
    const char* src = static_cast<const char*>(in.raw_data()) +
                      b * strides[batch_dim] +
                      (lengths[b] - 1) * strides[seq_dim];
    char* dst = static_cast<char*>(out->raw_data()) + b * strides[batch_dim];
    StridedCopy(ctx.device(), src, in_steps, dst, strides, box, es);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArrayReverseKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("ReverseV2", ReverseV2Kernel));
  RETURN_IF_ERROR(r.Register("ReverseSequence", ReverseSequenceKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
