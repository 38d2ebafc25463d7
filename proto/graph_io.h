// Reading and writing TensorFlow graph files: binary GraphDef (.pb), text
// GraphDef (.pbtxt) and MetaGraphDef (.meta, binary or text). The format is
// detected from the bytes, not the file name.
#ifndef GRAPHFLOW_PROTO_GRAPH_IO_H_
#define GRAPHFLOW_PROTO_GRAPH_IO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "proto/graph.pb.h"

namespace graphflow {

enum class GraphFormat { kBinary, kText };

// Parses GraphDef or MetaGraphDef bytes (binary or text); for a MetaGraphDef
// returns its graph_def. `source` names the input in error messages.
absl::StatusOr<tensorflow::GraphDef> ParseGraphDef(absl::string_view bytes,
                                                   absl::string_view source);
absl::StatusOr<tensorflow::GraphDef> ReadGraphDefFile(const std::string& path);

// Parses text-format protobuf `bytes` into `msg` with the limits graph files
// get (nesting depth, unknown fields skipped); InvalidArgument naming
// `source` and the first errors' lines otherwise.
absl::Status ParseTextProto(absl::string_view bytes,
                            google::protobuf::Message* msg,
                            absl::string_view source);
// True when `bytes` look like text format rather than binary protobuf.
bool LooksLikeTextProto(absl::string_view bytes);

std::string SerializeGraphDef(const tensorflow::GraphDef& graph,
                              GraphFormat format);
// Writes atomically.
absl::Status WriteGraphDefFile(const std::string& path,
                               const tensorflow::GraphDef& graph,
                               GraphFormat format);
// kText for names ending in ".pbtxt"/".txt", else kBinary.
GraphFormat GraphFormatForPath(absl::string_view path);

}  // namespace graphflow

#endif  // GRAPHFLOW_PROTO_GRAPH_IO_H_
