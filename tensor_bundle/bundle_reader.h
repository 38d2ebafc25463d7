// Reads TensorFlow V2 checkpoints (tensor bundles), as tf.train.Saver writes
// them: PREFIX.index, a leveldb table mapping each tensor name to a
// BundleEntryProto (the BundleHeaderProto under the empty key), and the
// shards PREFIX.data-0000K-of-0000N holding the raw little-endian bytes.
#ifndef GRAPHFLOW_TENSOR_BUNDLE_BUNDLE_READER_H_
#define GRAPHFLOW_TENSOR_BUNDLE_BUNDLE_READER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/tensor.h"
#include "proto/tensor_bundle.pb.h"

namespace graphflow {

// TF's bundle format version (tensor_bundle.cc: kTensorBundleVersion).
inline constexpr int kTensorBundleVersion = 1;

// "PREFIX.index" and "PREFIX.data-00000-of-00001", as TF names them.
std::string BundleIndexFilename(absl::string_view prefix);
std::string BundleDataFilename(absl::string_view prefix, int shard,
                               int num_shards);

struct BundleTensorInfo {
  std::string name;
  DataType dtype = DT_INVALID;
  std::vector<int64_t> shape;
};

class BundleReader {
 public:
  // Reads and checks PREFIX.index (CRCs, header, version, every entry's
  // dtype and shape); the data shards are opened on each Read. A missing
  // index is NotFound; a corrupt one DataLoss naming it.
  static absl::StatusOr<BundleReader> Open(const std::string& prefix);

  const std::string& prefix() const { return prefix_; }
  int num_shards() const { return header_.num_shards(); }
  const tensorflow::BundleHeaderProto& header() const { return header_; }
  // Every tensor, sorted by name (bytewise, as TF lists them).
  std::vector<BundleTensorInfo> ListTensors() const;
  bool Contains(absl::string_view name) const;
  // Null when absent.
  const tensorflow::BundleEntryProto* FindEntry(absl::string_view name) const;

  // Reads one tensor and checks its CRC-32C. NotFound for an unknown name;
  // Unimplemented for dtypes graphflow cannot hold and partitioned tensors;
  // DataLoss naming the shard file when it is missing, truncated or corrupt.
  absl::StatusOr<Tensor> Read(absl::string_view name) const;
  absl::StatusOr<std::map<std::string, Tensor>> ReadAll() const;

 private:
  std::string prefix_;
  tensorflow::BundleHeaderProto header_;
  std::map<std::string, tensorflow::BundleEntryProto, std::less<>> entries_;
};

// TF's on-disk encoding of a DT_STRING tensor's elements: varint64 lengths,
// the masked CRC-32C of the lengths (each as little-endian uint32, or uint64
// past 4 GiB), then the bytes. `crc` receives the CRC of the whole encoding
// as TF computes it (unmasked).
std::string EncodeBundleStrings(const std::string* strings, int64_t count,
                                uint32_t* crc);
// The inverse; false when `bytes` is not exactly `count` encoded strings.
bool DecodeBundleStrings(absl::string_view bytes, int64_t count,
                         std::string* strings, uint32_t* crc);

}  // namespace graphflow

#endif  // GRAPHFLOW_TENSOR_BUNDLE_BUNDLE_READER_H_
