// The io family: TF 1.x's checkpoint save/restore ops, the Saver subgraph of
// a TF graph. Kernels in kernels/io_kernels.cc write and read TF V2
// checkpoints (tensor bundles).
#include "absl/strings/str_cat.h"
#include "graph/graph.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// TF's StringJoin shape: a scalar when every input is one, else the merge
// of the inputs of known non-zero rank (scalars broadcast).
absl::Status StringJoinShape(InferenceContext& c) {
  bool all_scalar = true;
  for (int i = 0; i < c.num_inputs(); ++i) {
    all_scalar &= c.input_shape(i).rank() == 0;
  }
  if (all_scalar) {
    c.set_output(0, PartialShape::UnknownOfRank(0));
    return absl::OkStatus();
  }
  PartialShape out;
  for (int i = 0; i < c.num_inputs(); ++i) {
    const PartialShape& in = c.input_shape(i);
    if (in.unknown_rank() || in.rank() == 0) continue;
    auto merged = out.Merge(in);
    if (!merged.ok()) {
      return c.Error(absl::StrCat("input ", i, " has shape ", in.DebugString(),
                                  ", incompatible with ", out.DebugString()));
    }
    out = *std::move(merged);
  }
  c.set_output(0, out);
  return absl::OkStatus();
}

absl::Status MergeV2CheckpointsShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(0, 1).status());
  return c.WithRank(1, 0).status();
}

}  // namespace

absl::Status RegisterIoOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("SaveV2")
                                 .Input("prefix: string")
                                 .Input("tensor_names: string")
                                 .Input("shape_and_slices: string")
                                 .Input("tensors: dtypes")
                                 .Attr("dtypes: list(type)")
                                 .SetIsStateful()
                                 .SetShapeFn(NoOutputs)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("RestoreV2")
                                 .Input("prefix: string")
                                 .Input("tensor_names: string")
                                 .Input("shape_and_slices: string")
                                 .Output("tensors: dtypes")
                                 .Attr("dtypes: list(type) >= 1")
                                 .SetIsStateful()
                                 .SetShapeFn(UnknownShape)
                                 .SetNoGradient()));
  // The sharded Saver's ops (save/StringJoin, save/ShardedFilename,
  // save/MergeV2Checkpoints). StringJoin is TF's string op; it lives here
  // because graphflow has no other string ops.
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ShardedFilename")
                                 .Input("basename: string")
                                 .Input("shard: int32")
                                 .Input("num_shards: int32")
                                 .Output("filename: string")
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("StringJoin")
                                 .Input("inputs: N * string")
                                 .Attr("N: int >= 1")
                                 .Attr("separator: string = ''")
                                 .Output("output: string")
                                 .SetShapeFn(StringJoinShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("MergeV2Checkpoints")
                                 .Input("checkpoint_prefixes: string")
                                 .Input("destination_prefix: string")
                                 .Attr("delete_old_dirs: bool = true")
                                 .SetIsStateful()
                                 .SetShapeFn(MergeV2CheckpointsShape)
                                 .SetNoGradient()));
  return absl::OkStatus();
}

}  // namespace graphflow
