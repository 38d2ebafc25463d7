// The array family's reversals (TF 1.15's array_ops.cc and array_grad.py):
// ReverseV2 and ReverseSequence. Each is its own gradient: the incoming
// gradient reversed the same way. Registered by RegisterArrayOps.
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/array_ops.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

absl::Status ReverseV2Shape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape axis, c.WithRank(1, 1));
  const PartialShape& input = c.input_shape(0);
  if (input.known_rank()) {
    if (input.rank() > 8) {
      return c.Error(
          "reverse does not work on tensors with more than 8 dimensions");
    }
    if (axis.dim(0) > input.rank()) {
      return c.Error(absl::StrCat("'axis' has ", axis.dim(0),
                                  " entries, more than the input rank ",
                                  input.rank()));
    }
  }
  c.set_output(0, input);
  return absl::OkStatus();
}

absl::Status ReverseSequenceShape(InferenceContext& c) {
  int64_t seq_dim = 0, batch_dim = 0;
  RETURN_IF_ERROR(c.GetAttr("seq_dim", &seq_dim));
  RETURN_IF_ERROR(c.GetAttr("batch_dim", &batch_dim));
  ASSIGN_OR_RETURN(PartialShape lengths, c.WithRank(1, 1));
  const PartialShape& input = c.input_shape(0);
  if (!input.known_rank()) {
    c.set_output(0, input);
    return absl::OkStatus();
  }
  if (batch_dim == seq_dim) {
    return c.Error(absl::StrCat("batch_dim == seq_dim == ", seq_dim));
  }
  for (auto [name, dim] :
       {std::pair{"batch_dim", batch_dim}, std::pair{"seq_dim", seq_dim}}) {
    if (dim < 0 || dim >= input.rank()) {
      return c.Error(absl::StrCat(name, " must be in [0, input rank): ", dim,
                                  " vs. ", input.rank()));
    }
  }
  std::vector<int64_t> dims(input.dims().begin(), input.dims().end());
  const int64_t n = lengths.dim(0), b = dims[batch_dim];
  if (n >= 0 && b >= 0 && n != b) {
    return c.Error(absl::StrCat("seq_lengths has ", n,
                                " entries but input dimension ", batch_dim,
                                " (batch_dim) is ", b));
  }
  if (b < 0) dims[batch_dim] = n;
  c.set_output(0, PartialShape(absl::Span<const int64_t>(dims)));
  return absl::OkStatus();
}

absl::Status ReverseV2Gradient(const Scope& s, const Node& node,
                               const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::ReverseV2(s, dy[0], NodeInput(node, 1)));
  dx->push_back(Output());
  return absl::OkStatus();
}

absl::Status ReverseSequenceGradient(const Scope& s, const Node& node,
                                     const OutputList& dy, OutputList* dx) {
  int64_t seq_dim = 0, batch_dim = 0;
  RETURN_IF_ERROR(node.GetAttr("seq_dim", &seq_dim));
  RETURN_IF_ERROR(node.GetAttr("batch_dim", &batch_dim));
  dx->push_back(
      ops::ReverseSequence(s, dy[0], NodeInput(node, 1), seq_dim, batch_dim));
  dx->push_back(Output());
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArrayReverseOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(
      OpDefBuilder("ReverseV2")
          .Input("tensor: T")
          .Input("axis: Tidx")
          .Output("output: T")
          .Attr("Tidx: {int32, int64} = DT_INT32")
          .Attr("T: {uint8, int8, uint16, int16, int32, int64, bool, "
                "bfloat16, half, float, double, complex64, complex128, "
                "string}")
          .SetShapeFn(ReverseV2Shape)
          .SetGradient(ReverseV2Gradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ReverseSequence")
                                 .Input("input: T")
                                 .Input("seq_lengths: Tlen")
                                 .Output("output: T")
                                 .Attr("seq_dim: int")
                                 .Attr("batch_dim: int = 0")
                                 .Attr("T: type")
                                 .Attr("Tlen: {int32, int64} = DT_INT64")
                                 .SetShapeFn(ReverseSequenceShape)
                                 .SetGradient(ReverseSequenceGradient)));
  return absl::OkStatus();
}

namespace ops {

Output ReverseV2(const Scope& s, Input tensor, Input axis) {
  return s.AddOp1("ReverseV2", {std::move(tensor), std::move(axis)});
}

Output ReverseSequence(const Scope& s, Input input, Input seq_lengths,
                       int64_t seq_dim, int64_t batch_dim) {
  return s.AddOp1("ReverseSequence", {std::move(input), std::move(seq_lengths)},
                  {{"seq_dim", seq_dim}, {"batch_dim", batch_dim}});
}

}  // namespace ops
}  // namespace graphflow
