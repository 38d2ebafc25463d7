// Graph files that are missing, truncated, garbage or malformed, and
// GraphDefs that parse but cannot be imported: each is an error naming the
// file or the node and what was expected.
#include "base/file_io.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "proto/graph_io.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using ::testing::HasSubstr;

tensorflow::GraphDef Text(const std::string& text) {
  tensorflow::GraphDef gd;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &gd));
  return gd;
}

absl::Status Import(const std::string& text) {
  return GraphFromGraphDef(Text(text), GlobalOpRegistry()).status();
}

tensorflow::GraphDef SampleGraph() {
  Scope s = NewRootScope();
  Output v = ops::Variable(s.WithOpName("v"), {2}, DT_FLOAT);
  ops::Assign(s.WithOpName("init"), v, Tensor::FromVector<float>({1, 2}, {2}));
  EXPECT_OK(s.status());
  return GraphToGraphDef(*s.graph());
}

TEST(GraphIoTest, BadFilesAreClearErrors) {
  std::string good = SerializeGraphDef(SampleGraph(), GraphFormat::kBinary);
  EXPECT_EQ(ReadGraphDefFile("/nonexistent/graph.pb").status().code(),
            absl::StatusCode::kNotFound);
  auto truncated = ParseGraphDef(good.substr(0, good.size() / 2), "t.pb");
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(truncated.status().message(), HasSubstr("t.pb"));
  std::string garbage(300, '\0');
  for (size_t i = 0; i < garbage.size(); ++i)
    garbage[i] = static_cast<char>(i * 37 + 11);
  EXPECT_FALSE(ParseGraphDef(garbage, "garbage.pb").ok());
  auto malformed =
      ParseGraphDef("node { name: \"a\" op: \"Const\" \n bogus {", "m.pbtxt");
  EXPECT_FALSE(malformed.ok());
  EXPECT_THAT(malformed.status().message(), HasSubstr("line 2"));
  EXPECT_FALSE(ParseGraphDef("", "empty.pb").ok());
}

TEST(GraphDefImportTest, InvalidGraphsNameTheProblem) {
  struct Case {
    std::string text;
    absl::StatusCode code;
    std::string message;
  };
  const std::string c =
      R"( op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
      attr { key: "value" value { tensor { dtype: DT_FLOAT float_val: 1 } } } })";
  std::vector<Case> cases = {
      // An unknown op loads (opaque), but a consumer cannot infer its T.
      {R"(node { name: "x" op: "Frobnicate" }
          node { name: "i" op: "Identity" input: "x" })",
       absl::StatusCode::kInvalidArgument,
       "node 'i' (Identity): input 0 ('input') comes from x, whose dtype is "
       "unknown"},
      {R"(node { name: "a" op: "Identity" input: "b" attr { key: "T" value { type: DT_FLOAT } } }
          node { name: "b" op: "Identity" input: "a" attr { key: "T" value { type: DT_FLOAT } } })",
       absl::StatusCode::kInvalidArgument, "cycle"},
      {R"(node { name: "a" op: "Identity" input: "ghost" attr { key: "T" value { type: DT_FLOAT } } })",
       absl::StatusCode::kInvalidArgument,
       "'ghost' names a node not in the graph"},
      {"node { name: \"k\"" + c + "node { name: \"k\"" + c,
       absl::StatusCode::kInvalidArgument, "node 'k' (Const): duplicate"},
      {"node { name: \"k\"" + c +
           R"(node { name: "i" op: "Identity" input: "k:3" attr { key: "T" value { type: DT_FLOAT } } })",
       absl::StatusCode::kInvalidArgument,
       "node 'i' (Identity): input 0 names output 3"},
      {"node { name: \"k\"" + c +
           R"(node { name: "i" op: "Identity" input: "k" input: "k" attr { key: "T" value { type: DT_FLOAT } } })",
       absl::StatusCode::kInvalidArgument, "expected 1 inputs, got 2"},
      {"node { name: \"k\"" + c +
           R"(node { name: "i" op: "Identity" input: "k" attr { key: "T" value { type: DT_INT32 } } })",
       absl::StatusCode::kInvalidArgument, "must be int32, got float"},
      {R"(node { name: "p" op: "Placeholder" })",
       absl::StatusCode::kInvalidArgument,
       "node 'p' (Placeholder): missing attr 'dtype'"},
      {R"(node { name: "big" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
          attr { key: "value" value { tensor { dtype: DT_FLOAT
            tensor_shape { dim { size: 1099511627776 } } float_val: 1 } } } })",
       absl::StatusCode::kInvalidArgument, "node 'big' (Const): attr 'value'"},
      {R"(node { name: "k" op: "Const" attr { key: "dtype" value { type: DT_INT32 } }
          attr { key: "value" value { tensor { dtype: DT_FLOAT float_val: 1 } } } })",
       absl::StatusCode::kInvalidArgument, "value is float but dtype is int32"},
  };
  for (const Case& tc : cases) {
    absl::Status s = Import(tc.text);
    EXPECT_EQ(s.code(), tc.code) << s << "\n" << tc.text;
    EXPECT_THAT(s.message(), HasSubstr(tc.message)) << tc.text;
  }
}

}  // namespace
}  // namespace graphflow
