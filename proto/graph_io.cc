#include "proto/graph_io.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/file_io.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"

namespace graphflow {
namespace {

// Deepest message nesting accepted in text files; protobuf's binary parser
// stops at the same depth by default (CodedInputStream's recursion limit).
// Real graphs nest attrs a handful of levels deep.
constexpr int kMaxProtoNesting = 100;

using tensorflow::GraphDef;
using tensorflow::MetaGraphDef;

// Text protos are printable; binary ones carry field tags and lengths below
// 0x20 almost immediately (a GraphDef starts with 0x0a, a length, a tag).
bool LooksLikeText(absl::string_view bytes) {
  size_t n = std::min<size_t>(bytes.size(), 4096);
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = bytes[i];
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
  }
  return true;
}

// Protobuf 3.21's text parser skips unknown fields recursively without a
// limit, so the nesting of braces outside strings and comments is bounded
// here first, for known and unknown fields alike. Returns why not, or "".
std::string TextNestingError(absl::string_view text) {
  int depth = 0, line = 1;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      quote = 0;  // Text-format strings do not span lines.
    } else if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '#') {
      size_t eol = text.find('\n', i);
      if (eol == absl::string_view::npos) break;
      i = eol - 1;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '{' || c == '<') {
      if (++depth > kMaxProtoNesting) {
        return absl::StrCat("line ", line,
                            ": the file nests messages more than ",
                            kMaxProtoNesting, " levels deep");
      }
    } else if (c == '}' || c == '>') {
      --depth;
    }
  }
  return "";
}

class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (errors_.size() < 3) {
      errors_.push_back(
          absl::StrCat("line ", line + 1, ":", column + 1, ": ", message));
    }
  }
  std::string Summary() const {
    if (errors_.empty()) return "the protobuf text parser gave no reason";
    return absl::StrJoin(errors_, "; ");
  }
  bool TooDeep() const {
    for (const auto& e : errors_) {
      if (absl::StrContains(e, "recursion limit")) return true;
    }
    return false;
  }

 private:
  std::vector<std::string> errors_;
};

template <typename Message>
absl::Status ParseText(absl::string_view bytes, Message* msg,
                       std::string* error) {
  google::protobuf::TextFormat::Parser parser;
  ErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  parser.AllowUnknownField(true);
  parser.AllowUnknownExtension(true);
  parser.SetRecursionLimit(kMaxProtoNesting);
  google::protobuf::io::ArrayInputStream input(bytes.data(),
                                               static_cast<int>(bytes.size()));
  if (parser.Parse(&input, msg)) return absl::OkStatus();
  *error = errors.Summary();
  if (errors.TooDeep()) {
    *error = absl::StrCat("the file nests messages more than ",
                          kMaxProtoNesting, " levels deep (", *error, ")");
  }
  return absl::InvalidArgumentError(*error);
}

// A GraphDef whose nodes all have a name and an op is taken as one;
// MetaGraphDef bytes parse as a GraphDef too, but into nameless "nodes".
// Returns why not, naming the first offending node, or "" when plausible.
std::string ImplausibleNode(const GraphDef& g) {
  for (int i = 0; i < g.node_size(); ++i) {
    const auto& node = g.node(i);
    if (node.name().empty()) {
      return absl::StrCat("node ", i, " has no name");
    }
    if (node.op().empty()) {
      return absl::StrCat("node ", i, " ('", node.name(), "') has no op");
    }
  }
  return "";
}
bool PlausibleGraph(const GraphDef& g) { return ImplausibleNode(g).empty(); }

}  // namespace

absl::StatusOr<GraphDef> ParseGraphDef(absl::string_view bytes,
                                       absl::string_view source) {
  if (bytes.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": empty graph file"));
  }
  if (LooksLikeText(bytes)) {
    if (std::string deep = TextNestingError(bytes); !deep.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": ", deep));
    }
    GraphDef graph;
    std::string graph_error;
    bool graph_ok = ParseText(bytes, &graph, &graph_error).ok();
    if (graph_ok) {
      graph_error = ImplausibleNode(graph);
      graph_ok = graph_error.empty();
    }
    if (graph_ok && graph.node_size() > 0) return graph;
    // Unknown fields are skipped, so a text MetaGraphDef parses as an empty
    // GraphDef: look for its graph_def before settling for an empty graph.
    MetaGraphDef meta;
    std::string meta_error;
    if (ParseText(bytes, &meta, &meta_error).ok() &&
        meta.graph_def().node_size() > 0) {
      std::string reason = ImplausibleNode(meta.graph_def());
      if (reason.empty()) return meta.graph_def();
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": not a valid text MetaGraphDef: graph_def ", reason));
    }
    if (graph_ok) return graph;
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": not a valid text GraphDef or MetaGraphDef: ", graph_error));
  }
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": graph file larger than 2 GiB"));
  }
  // Trying both message types may hit invalid UTF-8; the caller gets one
  // clear error instead of protobuf's log lines.
  google::protobuf::LogSilencer silence;
  GraphDef graph;
  if (graph.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) &&
      PlausibleGraph(graph)) {
    return graph;
  }
  MetaGraphDef meta;
  if (meta.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) &&
      meta.graph_def().node_size() > 0 && PlausibleGraph(meta.graph_def())) {
    return meta.graph_def();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      source,
      ": not a valid binary GraphDef or MetaGraphDef (truncated or corrupt "
      "protobuf, ",
      bytes.size(), " bytes)"));
}

absl::Status ParseTextProto(absl::string_view bytes,
                            google::protobuf::Message* msg,
                            absl::string_view source) {
  std::string error = TextNestingError(bytes);
  if (error.empty() && ParseText(bytes, msg, &error).ok()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(source, ": not a valid text ",
                                                 msg->GetDescriptor()->name(),
                                                 ": ", error));
}

bool LooksLikeTextProto(absl::string_view bytes) {
  return LooksLikeText(bytes);
}

absl::StatusOr<GraphDef> ReadGraphDefFile(const std::string& path) {
  auto bytes = ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  return ParseGraphDef(*bytes, path);
}

std::string SerializeGraphDef(const GraphDef& graph, GraphFormat format) {
  std::string out;
  if (format == GraphFormat::kText) {
    google::protobuf::TextFormat::PrintToString(graph, &out);
  } else {
    // Attr maps sorted by key, so the same graph always gives the same bytes
    // (protobuf's map order is otherwise unspecified).
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    graph.SerializeToCodedStream(&coded);
    coded.Trim();  // `out` is complete before the streams go away.
  }
  return out;
}

absl::Status WriteGraphDefFile(const std::string& path, const GraphDef& graph,
                               GraphFormat format) {
  return WriteFileAtomically(path, SerializeGraphDef(graph, format));
}

GraphFormat GraphFormatForPath(absl::string_view path) {
  return absl::EndsWith(path, ".pbtxt") || absl::EndsWith(path, ".txt")
             ? GraphFormat::kText
             : GraphFormat::kBinary;
}

}  // namespace graphflow
