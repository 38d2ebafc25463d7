// `graphflow inspect PREFIX` for TensorFlow checkpoints: one line per tensor,
// "name (DT_FLOAT) [784,256]", sorted by name, like TF's inspect_checkpoint.
#ifndef GRAPHFLOW_TOOLS_CHECKPOINT_INSPECT_H_
#define GRAPHFLOW_TOOLS_CHECKPOINT_INSPECT_H_

#include <string>

#include "absl/status/statusor.h"

namespace graphflow {

// True when `path` designates a TF checkpoint (a prefix whose .index is a
// leveldb table, one of its files, or a directory with a `checkpoint` file).
bool IsTfCheckpointPath(const std::string& path);

// The listing of the checkpoint at `path`, after its header line.
absl::StatusOr<std::string> FormatTfCheckpointListing(const std::string& path);

}  // namespace graphflow

#endif  // GRAPHFLOW_TOOLS_CHECKPOINT_INSPECT_H_
