// The array_slice family's n-dimensional index ops (TF 1.15's array_ops.cc
// and array_grad.py): GatherNd and its gradient ScatterNd, each the other's
// gradient. Registered by RegisterArraySliceOps.
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// indices[:-1] + params[r:], r = indices.shape[-1].
absl::Status GatherNdShape(InferenceContext& c) {
  const PartialShape& params = c.input_shape(0);
  const PartialShape& indices = c.input_shape(1);
  if (indices.known_rank() && indices.rank() < 1) {
    return c.Error("indices must be at least a vector");
  }
  if (!params.known_rank() || !indices.known_rank() ||
      indices.dim(indices.rank() - 1) < 0) {
    c.set_output(0, PartialShape());
    return absl::OkStatus();
  }
  const int64_t r = indices.dim(indices.rank() - 1);
  if (r > params.rank()) {
    return c.Error(absl::StrCat(
        "indices.shape[-1] must be <= params.rank, but saw indices shape: ",
        indices.DebugString(), " and params shape: ", params.DebugString()));
  }
  std::vector<int64_t> dims(indices.dims().begin(), indices.dims().end() - 1);
  dims.insert(dims.end(), params.dims().begin() + r, params.dims().end());
  c.set_output(0, PartialShape(absl::Span<const int64_t>(dims)));
  return absl::OkStatus();
}

// The output has the shape input's value; updates must be
// indices[:-1] + shape[r:].
absl::Status ScatterNdShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(2, 1).status());
  const PartialShape out = c.ShapeFromInputTensor(2);
  const PartialShape& indices = c.input_shape(0);
  const PartialShape& updates = c.input_shape(1);
  if (indices.known_rank() && indices.rank() < 1) {
    return c.Error("indices must be at least a vector");
  }
  c.set_output(0, out);
  if (!out.known_rank() || !indices.known_rank() || !updates.known_rank() ||
      indices.dim(indices.rank() - 1) < 0) {
    return absl::OkStatus();
  }
  const int64_t r = indices.dim(indices.rank() - 1);
  if (r > out.rank()) {
    return c.Error(absl::StrCat("indices.shape[-1] = ", r,
                                " must be <= the output rank ", out.rank()));
  }
  std::vector<int64_t> want(indices.dims().begin(), indices.dims().end() - 1);
  want.insert(want.end(), out.dims().begin() + r, out.dims().end());
  if (!PartialShape(absl::Span<const int64_t>(want))
           .IsCompatibleWith(updates)) {
    return c.Error(absl::StrCat(
        "updates.shape ", updates.DebugString(),
        " must be indices.shape[:-1] + shape[indices.shape[-1]:] = ",
        PartialShape(absl::Span<const int64_t>(want)).DebugString()));
  }
  return absl::OkStatus();
}

// TF's _GatherNdGrad, always dense: graphflow has no IndexedSlices, which TF
// uses when the indices are [n, 1].
absl::Status GatherNdGradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  Output indices = NodeInput(node, 1);
  Output shape = ops::Shape(s, NodeInput(node, 0), BaseType(indices.dtype()));
  dx->push_back(ops::ScatterNd(s, indices, dy[0], shape));
  dx->push_back(Output());
  return absl::OkStatus();
}

absl::Status ScatterNdGradient(const Scope& s, const Node& node,
                               const OutputList& dy, OutputList* dx) {
  dx->push_back(Output());
  dx->push_back(ops::GatherNd(s, dy[0], NodeInput(node, 0)));
  dx->push_back(Output());
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArrayNdOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("GatherNd")
                                 .Input("params: Tparams")
                                 .Input("indices: Tindices")
                                 .Output("output: Tparams")
                                 .Attr("Tparams: type")
                                 .Attr("Tindices: {int32, int64}")
                                 .SetShapeFn(GatherNdShape)
                                 .SetGradient(GatherNdGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ScatterNd")
                                 .Input("indices: Tindices")
                                 .Input("updates: T")
                                 .Input("shape: Tindices")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Tindices: {int32, int64}")
                                 .SetShapeFn(ScatterNdShape)
                                 .SetGradient(ScatterNdGradient)));
  return absl::OkStatus();
}

namespace ops {

Output GatherNd(const Scope& s, Input params, Input indices) {
  return s.AddOp1("GatherNd", {std::move(params), std::move(indices)});
}

Output ScatterNd(const Scope& s, Input indices, Input updates, Input shape) {
  return s.AddOp1("ScatterNd",
                  {std::move(indices), std::move(updates), std::move(shape)});
}

}  // namespace ops
}  // namespace graphflow
