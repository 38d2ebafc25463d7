// Graph files written by TensorFlow 1.x itself (../shared/tfgraphs).
#include <filesystem>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "proto/graph_io.h"
#include "tests/support/mnist.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using google::protobuf::util::MessageDifferencer;

TEST(TfGraphsTest, EveryFileImports) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  int count = 0;
  for (const std::string& path : testing::TfGraphFiles()) {
    SCOPED_TRACE(path);
    std::unique_ptr<Graph> g = testing::LoadGraph(path);
    ASSERT_NE(g, nullptr);
    EXPECT_GT(g->num_nodes(), 0);
    // What we write back is a GraphDef that imports again to the same graph.
    tensorflow::GraphDef out = GraphToGraphDef(*g);
    auto again = GraphFromGraphDef(out, GlobalOpRegistry());
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(MessageDifferencer::Equals(out, GraphToGraphDef(**again)));
    ++count;
  }
  EXPECT_EQ(count, 14);
}

TEST(TfGraphsTest, TextAndBinaryTwinsLoadToTheSameGraph) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  for (const char* stem : {"tiny_vars", "mlp9_adam_train"}) {
    SCOPED_TRACE(stem);
    auto text = testing::LoadGraph(dir + "/" + stem + ".pbtxt");
    auto binary = testing::LoadGraph(dir + "/" + stem + ".pb");
    ASSERT_TRUE(text && binary);
    std::string diff;
    MessageDifferencer differ;
    differ.ReportDifferencesToString(&diff);
    EXPECT_TRUE(
        differ.Compare(GraphToGraphDef(*text), GraphToGraphDef(*binary)))
        << diff.substr(0, 2000);
  }
}

TEST(TfGraphsTest, MetaGraphTwinMatchesItsText) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  auto text = testing::LoadGraph(dir + "/xor_adam_train.pbtxt");
  auto meta = testing::LoadGraph(dir + "/xor_adam_train.meta");
  ASSERT_TRUE(text && meta);
  EXPECT_EQ(text->num_nodes(), meta->num_nodes());
  for (const auto& node : text->nodes()) {
    const Node* other = meta->FindNode(node->name());
    ASSERT_NE(other, nullptr) << node->name();
    EXPECT_EQ(other->op(), node->op());
    EXPECT_EQ(other->num_inputs(), node->num_inputs());
  }
}

TEST(TfGraphsTest, TinyVarsComputesThirty) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  for (const char* file : {"/tiny_vars.pbtxt", "/tiny_vars.pb"}) {
    auto session = testing::LoadSession(dir + file);
    ASSERT_NE(session, nullptr);
    auto before = session->Run({}, {"c"}, {});
    EXPECT_EQ(before.status().code(), absl::StatusCode::kFailedPrecondition);
    ASSERT_OK(session->Run({}, {}, {"init"}).status());
    auto c = session->Run({}, {"c"}, {});
    ASSERT_OK(c.status());
    EXPECT_EQ((*c)[0].ValueAsDouble(0), 30);
  }
}

TEST(TfGraphsTest, XorFrozenGivesTheDocumentedSoftmax) {
  GF_SKIP_WITHOUT_SHARED(path, "tfgraphs/xor_frozen.pb");
  auto session = testing::LoadSession(path);
  ASSERT_NE(session, nullptr);
  auto out = session->Run(
      {{"Placeholder", testing::F({0, 0, 0, 1, 1, 0, 1, 1}, {4, 2})}},
      {"softmax"}, {});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR(
      (*out)[0],
      testing::F({.7311, .2689, .2689, .7311, .5, .5, .5, .5}, {4, 2}), 1e-4);
}

TEST(TfGraphsTest, MnistMlpFrozenClassifiesTheTestSet) {
  GF_SKIP_WITHOUT_SHARED(path, "tfgraphs/mnist_mlp_frozen.pb");
  // The documented accuracy is on the MNIST test set, also from ../shared.
  auto digits = testing::LoadMnistTestSet();
  if (absl::IsNotFound(digits.status())) GTEST_SKIP() << digits.status();
  ASSERT_OK(digits.status());
  auto session = testing::LoadSession(path);
  ASSERT_NE(session, nullptr);
  auto out = session->Run({{"Placeholder", digits->images}}, {"softmax"}, {});
  ASSERT_OK(out.status());
  const Tensor& probs = (*out)[0];
  ASSERT_EQ(probs.shape(), (TensorShape{10000, 10}));
  int correct = 0;
  for (int i = 0; i < 10000; ++i) {
    const float* row = probs.data<float>() + i * 10;
    int best = std::max_element(row, row + 10) - row;
    correct += best == digits->labels.data<int64_t>()[i];
  }
  EXPECT_NEAR(correct / 100.0, 96.16, 0.05);
}

}  // namespace
}  // namespace graphflow
