#include "proto/graph_io.h"

#include <filesystem>

#include "base/file_io.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

tensorflow::GraphDef Text(const std::string& text) {
  tensorflow::GraphDef gd;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &gd));
  return gd;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (std::to_string(getpid()) + "_" + name))
      .string();
}

tensorflow::GraphDef SampleGraph() {
  Scope s = NewRootScope();
  Output v = ops::Variable(s.WithOpName("v"), {2}, DT_FLOAT);
  Output init = ops::Assign(s.WithOpName("init"), v,
                            Tensor::FromVector<float>({1.5f, -2}, {2}));
  Output read = ops::Identity(s.NewSubScope("v").WithOpName("read"), v);
  ops::NoOp(s.WithOpName("group").WithControlDependencies({init, read}));
  ops::Placeholder(s.WithOpName("x"), DT_INT64, PartialShape({-1, 3}));
  EXPECT_OK(s.status());
  return GraphToGraphDef(*s.graph());
}

TEST(GraphIoTest, TextAndBinaryRoundTrip) {
  tensorflow::GraphDef gd = SampleGraph();
  for (GraphFormat format : {GraphFormat::kText, GraphFormat::kBinary}) {
    std::string bytes = SerializeGraphDef(gd, format);
    auto parsed = ParseGraphDef(bytes, "sample");
    ASSERT_OK(parsed.status());
    EXPECT_TRUE(MessageDifferencer::Equals(gd, *parsed));
    auto graph = GraphFromGraphDef(*parsed, GlobalOpRegistry());
    ASSERT_OK(graph.status());
    std::string diff;
    MessageDifferencer differ;
    differ.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differ.Compare(gd, GraphToGraphDef(**graph))) << diff;
  }
}

TEST(GraphIoTest, FormatIsDetectedFromContentNotName) {
  tensorflow::GraphDef gd = SampleGraph();
  std::string path = TempPath("binary_named.pbtxt");
  ASSERT_OK(WriteGraphDefFile(path, gd, GraphFormat::kBinary));
  auto read = ReadGraphDefFile(path);
  ASSERT_OK(read.status());
  EXPECT_TRUE(MessageDifferencer::Equals(gd, *read));
  std::filesystem::remove(path);
}

TEST(GraphIoTest, MetaGraphDefYieldsItsGraph) {
  tensorflow::MetaGraphDef meta;
  meta.mutable_meta_info_def()->set_tensorflow_version("1.15.0");
  meta.mutable_meta_info_def()->add_tags("serve");
  *meta.mutable_graph_def() = SampleGraph();
  auto binary = ParseGraphDef(meta.SerializeAsString(), "meta");
  ASSERT_OK(binary.status());
  EXPECT_TRUE(MessageDifferencer::Equals(meta.graph_def(), *binary));
  std::string text;
  google::protobuf::TextFormat::PrintToString(meta, &text);
  auto from_text = ParseGraphDef(text, "meta.txt");
  ASSERT_OK(from_text.status());
  EXPECT_EQ(from_text->node_size(), meta.graph_def().node_size());
}

TEST(GraphDefImportTest, ControlInputsAndOutputIndices) {
  auto g =
      GraphFromGraphDef(Text(R"pb(
                          node {
                            name: "b"
                            op: "Identity"
                            input: "a:0"
                            input: "^c"
                            attr {
                              key: "T"
                              value { type: DT_FLOAT }
                            }
                          }
                          node {
                            name: "a"
                            op: "Const"
                            attr {
                              key: "dtype"
                              value { type: DT_FLOAT }
                            }
                            attr {
                              key: "value"
                              value { tensor { dtype: DT_FLOAT float_val: 3 } }
                            }
                            attr {
                              key: "_class"
                              value { list { s: "loc:@x" } }
                            }
                          }
                          node { name: "c" op: "NoOp" }
                        )pb"),
                        GlobalOpRegistry());
  ASSERT_OK(g.status());
  const Node* b = (*g)->FindNode("b");
  EXPECT_EQ(b->input(0).node->name(), "a");
  ASSERT_EQ(b->control_inputs().size(), 1u);
  EXPECT_EQ(b->control_inputs()[0]->name(), "c");
  tensorflow::GraphDef out = GraphToGraphDef(**g);
  EXPECT_EQ(out.node(2).input(1), "^c");
}

TEST(FileIoTest, AtomicWriteReplacesWholeFile) {
  std::string path = TempPath("atomic.bin");
  ASSERT_OK(WriteFileAtomically(path, "first version"));
  ASSERT_OK(WriteFileAtomically(path, "second"));
  auto read = ReadFileToString(path);
  ASSERT_OK(read.status());
  EXPECT_EQ(*read, "second");
  EXPECT_FALSE(WriteFileAtomically("/nonexistent_dir/x", "y").ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace graphflow
