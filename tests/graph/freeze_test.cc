// Freezing as TF's freeze_graph.py: pruning to the outputs, variables as
// Consts, and the TF-written frozen twins in ../shared reproduced from their
// graph + checkpoint.
#include "graph/freeze.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "graph/graph_def.h"
#include "graph/tensor_proto.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "ops/math_ops.h"
#include "ops/matmul_ops.h"
#include "ops/resource_variable_ops.h"
#include "ops/state_ops.h"
#include "proto/graph_io.h"
#include "session/checkpoint.h"
#include "session/session.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;

// y = x W + b, W and b initialized by Assigns, plus a node y never needs.
tensorflow::GraphDef SmallModel() {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 2});
  Output w = ops::Variable(s.WithOpName("w"), {2, 1}, DT_FLOAT);
  Output b = ops::Variable(s.WithOpName("b"), {1}, DT_FLOAT);
  ops::Assign(s.WithOpName("w/Assign"), w, F({0, 0}, {2, 1}));
  ops::Assign(s.WithOpName("b/Assign"), b, F({0}, {1}));
  Output y = ops::Add(s.WithOpName("y"),
                      ops::MatMul(s.WithOpName("xw"), x,
                                  ops::Identity(s.WithOpName("w/read"), w)),
                      ops::Identity(s.WithOpName("b/read"), b));
  ops::Mul(s.WithOpName("unused"), y, 2.0f);
  EXPECT_TRUE(s.status().ok()) << s.status();
  return GraphToGraphDef(*s.graph());
}

std::vector<std::string> NodeNames(const tensorflow::GraphDef& g) {
  std::vector<std::string> names;
  for (const auto& n : g.node()) names.push_back(n.name());
  return names;
}

const tensorflow::NodeDef* FindNode(const tensorflow::GraphDef& g,
                                    const std::string& name) {
  for (const auto& n : g.node()) {
    if (n.name() == name) return &n;
  }
  return nullptr;
}

Tensor RunOne(const tensorflow::GraphDef& g, const std::string& feed,
              const Tensor& value, const std::string& fetch) {
  auto session = Session::Create(g, GlobalOpRegistry());
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return Tensor();
  auto out = (*session)->Run({{feed, value}}, {fetch});
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(FreezeTest, PrunesToTheOutputsAndTurnsVariablesIntoConsts) {
  tensorflow::GraphDef graph = SmallModel();
  std::map<std::string, Tensor> values = {{"w", F({2, 3}, {2, 1})},
                                          {"b", F({1}, {1})}};
  auto frozen = FreezeGraph(graph, values, {"y"});
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  std::vector<std::string> names = NodeNames(frozen->graph);
  EXPECT_EQ(
      std::set<std::string>(names.begin(), names.end()),
      (std::set<std::string>{"x", "w", "b", "w/read", "b/read", "xw", "y"}));
  EXPECT_EQ(frozen->frozen_variables, (std::vector<std::string>{"w", "b"}));
  const tensorflow::NodeDef* w = FindNode(frozen->graph, "w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->op(), "Const");
  EXPECT_EQ(w->attr().size(), 2u);  // dtype and value, as TF writes them.
  auto value = TensorFromProto(w->attr().at("value").tensor());
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_TRUE(TensorsEqual(*value, values["w"]));

  Tensor y = RunOne(frozen->graph, "x", F({1, 1, 2, 0}, {2, 2}), "y");
  EXPECT_TRUE(TensorsEqual(y, F({6, 5}, {2, 1}))) << y.DebugString();
}

TEST(FreezeTest, KeepsTheOriginalNodeOrder) {
  tensorflow::GraphDef graph = SmallModel();
  auto frozen = FreezeGraph(
      graph, {{"w", F({2, 3}, {2, 1})}, {"b", F({1}, {1})}}, {"y:0"});
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  std::vector<std::string> order;
  for (const std::string& name : NodeNames(graph)) {
    if (FindNode(frozen->graph, name)) order.push_back(name);
  }
  EXPECT_EQ(NodeNames(frozen->graph), order);
}

TEST(FreezeTest, ControlInputsAreKept) {
  tensorflow::GraphDef graph = SmallModel();
  graph.mutable_node(graph.node_size() - 1)->add_input("^w/Assign");
  auto frozen = FreezeGraph(
      graph, {{"w", F({2, 3}, {2, 1})}, {"b", F({1}, {1})}}, {"unused"});
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  EXPECT_NE(FindNode(frozen->graph, "w/Assign"), nullptr);
}

TEST(FreezeTest, ErrorsNameTheVariableOrNode) {
  tensorflow::GraphDef graph = SmallModel();
  auto missing = FreezeGraph(graph, {{"w", F({2, 3}, {2, 1})}}, {"y"});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("'b'"), std::string::npos)
      << missing.status();

  Tensor ints(DT_INT32, TensorShape{1});
  auto dtype =
      FreezeGraph(graph, {{"w", F({2, 3}, {2, 1})}, {"b", ints}}, {"y"});
  EXPECT_EQ(dtype.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(dtype.status().message().find("'b'"), std::string::npos)
      << dtype.status();

  auto shape = FreezeGraph(
      graph, {{"w", F({2, 3, 4}, {3, 1})}, {"b", F({1}, {1})}}, {"y"});
  EXPECT_EQ(shape.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(shape.status().message().find("'w'"), std::string::npos)
      << shape.status();

  auto output = FreezeGraph(graph, {}, {"nope"});
  EXPECT_EQ(output.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(output.status().message().find("'nope'"), std::string::npos)
      << output.status();

  EXPECT_EQ(FreezeGraph(graph, {}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Resource variables: y = x W (ReadVariableOp) and rows = E[ids]
// (ResourceGather), plus W's initializer, which reads the handle otherwise.
tensorflow::GraphDef ResourceModel() {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 2});
  Output ids = ops::Placeholder(s.WithOpName("ids"), DT_INT64, {-1});
  Output w = ops::VarHandleOp(s.WithOpName("w"), DT_FLOAT, {2, 1});
  Output e = ops::VarHandleOp(s.WithOpName("e"), DT_FLOAT, {3, 2});
  ops::AssignVariableOp(s.WithOpName("w/Assign"), w, F({0, 0}, {2, 1}));
  ops::MatMul(s.WithOpName("y"), x,
              ops::ReadVariableOp(s.WithOpName("w/Read"), w, DT_FLOAT));
  ops::ResourceGather(s.WithOpName("rows"), e, ids, DT_FLOAT);
  EXPECT_TRUE(s.status().ok()) << s.status();
  return GraphToGraphDef(*s.graph());
}

TEST(FreezeTest, ResourceVariablesAsTfFreezesThem) {
  std::map<std::string, Tensor> values = {{"w", F({2, 3}, {2, 1})},
                                          {"e", F({1, 2, 3, 4, 5, 6}, {3, 2})}};
  auto frozen = FreezeGraph(ResourceModel(), values, {"y", "rows"});
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  EXPECT_EQ(frozen->frozen_variables, (std::vector<std::string>{"w", "e"}));
  const tensorflow::NodeDef* read = FindNode(frozen->graph, "w/Read");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->op(), "Identity");
  EXPECT_EQ(read->attr().at("T").type(), tensorflow::DT_FLOAT);
  EXPECT_FALSE(read->attr().contains("dtype"));
  const tensorflow::NodeDef* rows = FindNode(frozen->graph, "rows");
  ASSERT_NE(rows, nullptr);
  EXPECT_EQ(rows->op(), "GatherV2");
  EXPECT_EQ(
      std::vector<std::string>(rows->input().begin(), rows->input().end()),
      (std::vector<std::string>{"e", "ids", "rows/axis"}));
  EXPECT_EQ(FindNode(frozen->graph, "rows/axis")->op(), "Const");

  Tensor y = RunOne(frozen->graph, "x", F({1, 1, 2, 0}, {2, 2}), "y");
  EXPECT_TRUE(TensorsEqual(y, F({5, 4}, {2, 1}))) << y.DebugString();
  Tensor ids(DT_INT64, TensorShape{2});
  ids.data<int64_t>()[0] = 2;
  ids.data<int64_t>()[1] = 0;
  Tensor got = RunOne(frozen->graph, "ids", ids, "rows");
  EXPECT_TRUE(TensorsEqual(got, F({5, 6, 1, 2}, {2, 2}))) << got.DebugString();
}

TEST(FreezeTest, AResourceVariableWrittenByTheOutputsIsAnError) {
  auto frozen =
      FreezeGraph(ResourceModel(), {{"w", F({2, 3}, {2, 1})}}, {"w/Assign"});
  EXPECT_EQ(frozen.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(frozen.status().message().find(
                "'w/Assign' (AssignVariableOp) uses resource variable 'w'"),
            std::string::npos)
      << frozen.status();
}

// A TF-written graph + checkpoint and the frozen graph TF wrote from them.
struct Trio {
  std::string graph, checkpoint, frozen, input, output;
  std::vector<int64_t> input_shape;
};

void ExpectReproducesTheFrozenTwin(const std::string& dir, const Trio& t) {
  SCOPED_TRACE(t.graph);
  auto graph = ReadGraphDefFile(dir + "/" + t.graph);
  ASSERT_TRUE(graph.ok()) << graph.status();
  auto values = LoadCheckpoint(dir + "/" + t.checkpoint);
  ASSERT_TRUE(values.ok()) << values.status();
  auto theirs = ReadGraphDefFile(dir + "/" + t.frozen);
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  auto ours = FreezeGraph(*graph, *values, {t.output});
  ASSERT_TRUE(ours.ok()) << ours.status();

  // The same nodes, with the same ops, in the same order as TF's file.
  ASSERT_EQ(ours->graph.node_size(), theirs->node_size());
  for (int i = 0; i < theirs->node_size(); ++i) {
    EXPECT_EQ(ours->graph.node(i).name(), theirs->node(i).name()) << i;
    EXPECT_EQ(ours->graph.node(i).op(), theirs->node(i).op()) << i;
  }
  // Every variable TF froze is frozen here, to the same bytes.
  int compared = 0;
  for (const auto& node : theirs->node()) {
    if (node.op() != "Const" || !values->contains(node.name())) continue;
    ++compared;
    const tensorflow::NodeDef* mine = FindNode(ours->graph, node.name());
    ASSERT_NE(mine, nullptr) << node.name();
    EXPECT_EQ(mine->op(), "Const") << node.name();
    EXPECT_EQ(mine->attr().at("value").SerializeAsString(),
              node.attr().at("value").SerializeAsString())
        << node.name();
  }
  EXPECT_EQ(compared, static_cast<int>(ours->frozen_variables.size()));
  EXPECT_GT(compared, 0);
  Tensor x(DT_FLOAT, TensorShape(t.input_shape));
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    x.flat<float>()[i] = static_cast<float>((i * 7919) % 256) / 255.0f;
  }
  Tensor expected = RunOne(*theirs, t.input, x, t.output);
  Tensor got = RunOne(ours->graph, t.input, x, t.output);
  EXPECT_TRUE(TensorsEqual(got, expected)) << got.DebugString() << "\n"
                                           << expected.DebugString();
}

TEST(FreezeTfTest, MnistMlpReproducesItsFrozenTwin) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  ExpectReproducesTheFrozenTwin(dir, {"mnist_mlp_adam_train.pbtxt",
                                      "ckpt/mnist_mlp_model.ckpt",
                                      "mnist_mlp_frozen.pb",
                                      "Placeholder",
                                      "softmax",
                                      {8, 784}});
}

TEST(FreezeTfTest, RegressionTrioReproducesItsFrozenTwin) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/trio_regression_tf111");
  ExpectReproducesTheFrozenTwin(dir, {"checkpoint/model.meta",
                                      "checkpoint/model",
                                      "graphdef/frozen.pb",
                                      "X",
                                      "pred",
                                      {5}});
}

TEST(FreezeTfTest, TflearnTrioReproducesItsFrozenTwin) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/trio_tflearn_and_tf16");
  ExpectReproducesTheFrozenTwin(dir, {"and.tflearn.meta",
                                      "and.tflearn",
                                      "frozen_model.pb",
                                      "input/X",
                                      "output/Sigmoid",
                                      {4, 2}});
}

}  // namespace
}  // namespace graphflow
