// graphflow checkpoints: every variable's name, dtype, shape and values in one
// checksummed file, written atomically (temp file, fsync, rename).
//
// Format, version 1 (all integers little-endian):
//   header   magic "GFCHKPT\n" (8 bytes), u32 version = 1, u32 record count,
//            u64 file size in bytes (including the trailing checksum)
//   records  sorted by name, each:
//              u32 name length, name bytes (non-empty, unique)
//              u32 dtype (TensorFlow's DataType enum value, e.g. 1 = float)
//              u32 rank, rank x i64 dims
//              u64 data length, data bytes: the elements in row-major order,
//                little-endian (bool: one byte 0 or 1; string: per element
//                a u64 length then the bytes)
//   trailer  u32 CRC-32 (zlib's polynomial) of every byte before it
// A reader checks magic, size and checksum before parsing, then validates
// every length against the bytes that remain, so truncated or corrupted files
// are DataLoss naming the file and never cause an outsized allocation.
#ifndef GRAPHFLOW_SESSION_CHECKPOINT_H_
#define GRAPHFLOW_SESSION_CHECKPOINT_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/tensor.h"
#include "session/session.h"

namespace graphflow {

// InvalidArgument for an empty name or an invalid tensor; I/O errors name
// the path. A crash leaves either the old file or the new one.
absl::Status SaveCheckpoint(const std::string& path,
                            const std::map<std::string, Tensor>& tensors);
// LoadCheckpoint (and so RestoreVariables) also reads TensorFlow V2
// checkpoints, told apart by content: `path` a TF prefix (model.ckpt,
// model.ckpt-1000), its .index file, or a directory with a `checkpoint` file.
absl::StatusOr<std::map<std::string, Tensor>> LoadCheckpoint(
    const std::string& path);

// The bytes SaveCheckpoint writes, and their parser (`source` names the file
// in errors).
absl::StatusOr<std::string> SerializeCheckpoint(
    const std::map<std::string, Tensor>& tensors);
absl::StatusOr<std::map<std::string, Tensor>> ParseCheckpoint(
    absl::string_view bytes, absl::string_view source);

// CRC-32 as zlib's crc32(crc, data, size) computes it (slicing-by-8, so the
// session library needs no zlib).
uint32_t Crc32(uint32_t crc, absl::string_view data);

// Saves every initialized variable of the session's graph (its VariableV2
// nodes, named by shared_name or else the node name), read from
// session.variables(). Uninitialized variables are skipped.
enum class CheckpointFormat {
  kGraphflow,   // The one-file format above.
  kTensorFlow,  // A TF V2 checkpoint: `path` is its prefix (PATH.index,
                // PATH.data-00000-of-00001), byte-compatible with TF's writer.
};
absl::Status SaveVariables(
    Session& session, const std::string& path,
    CheckpointFormat format = CheckpointFormat::kGraphflow);
// "graphflow" or "tf" (as --save-format spells them); InvalidArgument else.
absl::StatusOr<CheckpointFormat> ParseCheckpointFormat(absl::string_view name);

// Assigns every VariableV2 of session.graph() its tensor from the checkpoint.
// All are checked before any is assigned: a missing variable is NotFound
// ("checkpoint X has no variable 'W1'"); a dtype, or a shape the graph's
// declared shape does not admit, is InvalidArgument naming the variable and
// both. Checkpoint entries without a variable in the graph are ignored.
absl::Status RestoreVariables(Session& session, const std::string& path);

}  // namespace graphflow

#endif  // GRAPHFLOW_SESSION_CHECKPOINT_H_
