// Finding a TF checkpoint from what a user types: a prefix ("model.ckpt",
// "model.ckpt-1000"), one of its files, or a directory whose `checkpoint`
// state file (a text CheckpointState, written by tf.train.Saver) names the
// latest prefix.
#ifndef GRAPHFLOW_TENSOR_BUNDLE_CHECKPOINT_STATE_H_
#define GRAPHFLOW_TENSOR_BUNDLE_CHECKPOINT_STATE_H_

#include <string>

#include "absl/status/statusor.h"
#include "proto/checkpoint_state.pb.h"

namespace graphflow {

// Parses DIR/checkpoint. NotFound when absent, DataLoss when unparsable.
absl::StatusOr<tensorflow::CheckpointState> ReadCheckpointState(
    const std::string& dir);

// The bundle prefix `path` designates. A state file's relative paths are
// relative to its directory; an absolute path that no longer exists (the
// checkpoint was moved) falls back to its file name in that directory.
// NotFound naming the prefix when its .index is missing.
absl::StatusOr<std::string> ResolveBundlePrefix(const std::string& path);

// True when PREFIX.index exists and ends with the leveldb table magic, so
// callers can tell a TF checkpoint from graphflow's own format by content.
bool IsTensorBundle(const std::string& prefix);

}  // namespace graphflow

#endif  // GRAPHFLOW_TENSOR_BUNDLE_CHECKPOINT_STATE_H_
