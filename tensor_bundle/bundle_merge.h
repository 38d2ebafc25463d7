// Merges the bundles of a sharded save into one, as TF's MergeBundles does
// for the MergeV2Checkpoints op: each shard's data files are renamed under
// the merged prefix, one index lists every tensor, and the shards' indexes
// are deleted.
#ifndef GRAPHFLOW_TENSOR_BUNDLE_BUNDLE_MERGE_H_
#define GRAPHFLOW_TENSOR_BUNDLE_BUNDLE_MERGE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace graphflow {

// Reads every PREFIX.index of `prefixes` (in order), renames their data
// files to MERGED.data-0000K-of-0000N (K in order of first use), writes
// MERGED.index atomically (uncompressed, as TF's BundleWriter) and then
// deletes the input indexes, ignoring failures there as TF does. Errors: the
// reader's for a missing or corrupt index; InvalidArgument for a tensor in
// two bundles or bundles of different endianness or format version.
absl::Status MergeBundles(absl::Span<const std::string> prefixes,
                          const std::string& merged_prefix);

}  // namespace graphflow

#endif  // GRAPHFLOW_TENSOR_BUNDLE_BUNDLE_MERGE_H_
