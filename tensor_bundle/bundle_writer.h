// Writes TensorFlow V2 checkpoints (tensor bundles) byte-compatible with
// TF's BundleWriter: one data shard PREFIX.data-00000-of-00001 holding the
// tensors in the order they were added (no padding), and PREFIX.index, a
// table of BundleEntryProtos sorted by name after a header entry
// {num_shards: 1, version {producer: 1}}.
#ifndef GRAPHFLOW_TENSOR_BUNDLE_BUNDLE_WRITER_H_
#define GRAPHFLOW_TENSOR_BUNDLE_BUNDLE_WRITER_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "graph/tensor.h"
#include "proto/tensor_bundle.pb.h"
#include "tensor_bundle/table_builder.h"

namespace graphflow {

class BundleWriter {
 public:
  // TF's BundleWriter writes an uncompressed index; TF <= 1.14's
  // MergeBundles (sharded saves, SavedModels) used Snappy.
  explicit BundleWriter(std::string prefix,
                        table::TableOptions index_options = {});

  // Appends the tensor to the data shard. InvalidArgument for an empty or
  // duplicate name or a dtype TF bundles of graphflow tensors cannot hold.
  absl::Status Add(absl::string_view name, const Tensor& tensor);
  // Writes the data shard, then the index, each atomically.
  absl::Status Finish();

 private:
  std::string prefix_;
  table::TableOptions index_options_;
  std::string data_;
  std::map<std::string, tensorflow::BundleEntryProto> entries_;
};

// Writes `tensors` (data in name order) as a TF checkpoint at `prefix`.
absl::Status WriteBundle(const std::string& prefix,
                         const std::map<std::string, Tensor>& tensors);

}  // namespace graphflow

#endif  // GRAPHFLOW_TENSOR_BUNDLE_BUNDLE_WRITER_H_
