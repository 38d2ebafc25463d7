// Importing GraphDefs with ops graphflow has no schema for: such nodes load
// as opaque nodes, kept verbatim, with what their attrs tell of their outputs.
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "ops/state_ops.h"
#include "proto/graph_io.h"
#include "tests/support/test_util.h"
#include "tests/support/unknown_op_graph.h"

namespace graphflow {
namespace {

using ::testing::HasSubstr;
using testing::UnknownOpGraphDef;

std::unique_ptr<Graph> Load(const tensorflow::GraphDef& gd) {
  auto g = GraphFromGraphDef(gd, GlobalOpRegistry());
  EXPECT_OK(g.status());
  return g.ok() ? *std::move(g) : nullptr;
}

// Protobuf's map order is unspecified: compare deterministic bytes.
std::string Bytes(const tensorflow::NodeDef& def) {
  tensorflow::GraphDef gd;
  *gd.add_node() = def;
  return SerializeGraphDef(gd, GraphFormat::kBinary);
}

TEST(OpaqueNodeTest, UnknownOpsLoadAsOpaqueNodes) {
  std::unique_ptr<Graph> g = Load(UnknownOpGraphDef());
  ASSERT_NE(g, nullptr);
  const Node* q = g->FindNode("q");
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->is_opaque());
  EXPECT_EQ(q->op(), "FIFOQueueV2");
  EXPECT_EQ(q->device(), "/device:CPU:0");
  // A queue's component_types are its elements', not its handle's dtype.
  ASSERT_EQ(q->num_outputs(), 1);
  EXPECT_EQ(q->output_type(0), DT_INVALID);
  EXPECT_EQ(*q->FindAttr<int64_t>("capacity"), 32);
  const Node* deq = g->FindNode("deq");
  ASSERT_EQ(deq->num_outputs(), 1);
  EXPECT_EQ(deq->output_type(0), DT_FLOAT);  // From component_types.
  EXPECT_EQ(deq->input(0).node, q);
  const Node* fro = g->FindNode("fro");
  ASSERT_EQ(fro->num_outputs(), 2);  // fro:1 is read; _output_shapes lists 2.
  EXPECT_EQ(fro->output_type(1), DT_INVALID);
  EXPECT_EQ(fro->output_shape(0), PartialShape({2}));
  EXPECT_EQ(fro->output_shape(1), PartialShape::UnknownOfRank(0));
  ASSERT_EQ(fro->control_inputs().size(), 1u);
  EXPECT_EQ(fro->control_inputs()[0]->name(), "twice");
  EXPECT_EQ(*fro->FindAttr<float>("ratio"), 0.25f);
  // Consumers of unknown dtypes take their types from their own attrs.
  const Node* id = g->FindNode("id");
  EXPECT_FALSE(id->is_opaque());
  EXPECT_EQ(id->input_type(0), DT_FLOAT);
  EXPECT_EQ(id->output_type(0), DT_FLOAT);
  EXPECT_EQ(id->output_shape(0), PartialShape::UnknownOfRank(0));
  EXPECT_EQ(g->FindNode("sum")->output_type(0), DT_FLOAT);
  EXPECT_FALSE(g->FindNode("sum")->is_opaque());
  // An output nothing references is not known to exist.
  auto beyond = g->FindEndpoint("fro:2");
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(beyond.status().message(),
              HasSubstr("node 'fro' uses op 'Frobnicate', which graphflow "
                        "does not implement (needed by 'fro:2')"));
}

TEST(OpaqueNodeTest, OutputTypesComeOnlyFromObviousAttrs) {
  tensorflow::GraphDef gd;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        node {
          name: "py"
          op: "PyFunc"
          attr {
            key: "Tout"
            value { list { type: DT_INT32 type: DT_STRING } }
          }
        }
        node {
          name: "one"
          op: "Bucketize2"
          attr {
            key: "T"
            value { type: DT_DOUBLE }
          }
        }
        node {
          name: "handle"
          op: "VarHandleOp2"
          attr {
            key: "dtype"
            value { type: DT_FLOAT }
          }
          attr {
            key: "shared_name"
            value { s: "v" }
          }
        }
        node {
          name: "two"
          op: "Unique2"
          attr {
            key: "T"
            value { type: DT_DOUBLE }
          }
        }
        node {
          name: "read"
          op: "Identity"
          input: "two:1"
          attr {
            key: "T"
            value { type: DT_INT64 }
          }
        }
      )pb",
      &gd));
  std::unique_ptr<Graph> g = Load(gd);
  ASSERT_NE(g, nullptr);
  const Node* py = g->FindNode("py");
  EXPECT_EQ(py->output_types(), (DataTypeVector{DT_INT32, DT_STRING}));
  // T is an input's type, not a guess at the output's.
  EXPECT_EQ(g->FindNode("one")->output_types(), DataTypeVector{DT_INVALID});
  // A resource's dtype is its contents', not its handle's.
  EXPECT_EQ(g->FindNode("handle")->output_types(), DataTypeVector{DT_INVALID});
  // Two outputs: which one T names is not obvious.
  EXPECT_EQ(g->FindNode("two")->output_types(),
            (DataTypeVector{DT_INVALID, DT_INVALID}));
  EXPECT_EQ(g->FindNode("read")->output_type(0), DT_INT64);
}

TEST(OpaqueNodeTest, ExportKeepsOpaqueNodesVerbatim) {
  tensorflow::GraphDef original = UnknownOpGraphDef();
  std::unique_ptr<Graph> g = Load(original);
  ASSERT_NE(g, nullptr);
  tensorflow::GraphDef exported = GraphToGraphDef(*g);
  ASSERT_EQ(exported.node_size(), original.node_size());
  int opaque = 0;
  for (int i = 0; i < original.node_size(); ++i) {
    const tensorflow::NodeDef& def = original.node(i);
    SCOPED_TRACE(def.name());
    ASSERT_EQ(exported.node(i).name(), def.name());
    if (!g->FindNode(def.name())->is_opaque()) continue;
    ++opaque;
    // Byte for byte, "c:0" input, func, variant and tensor attrs included.
    EXPECT_EQ(Bytes(exported.node(i)), Bytes(def));
  }
  EXPECT_EQ(opaque, 3);
  // And the export imports again, to the same opaque nodes.
  std::unique_ptr<Graph> again = Load(exported);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(SerializeGraphDef(GraphToGraphDef(*again), GraphFormat::kBinary),
            SerializeGraphDef(exported, GraphFormat::kBinary));
}

TEST(OpaqueNodeTest, TextAndMetaGraphFilesLoadToo) {
  tensorflow::MetaGraphDef meta;
  meta.mutable_meta_info_def()->set_tensorflow_version("1.15.0");
  *meta.mutable_graph_def() = UnknownOpGraphDef();
  for (const auto& [bytes, name] :
       std::vector<std::pair<std::string, std::string>>{
           {meta.SerializeAsString(), "g.meta"},
           {SerializeGraphDef(UnknownOpGraphDef(), GraphFormat::kText),
            "g.pbtxt"}}) {
    SCOPED_TRACE(name);
    auto gd = ParseGraphDef(bytes, name);
    ASSERT_OK(gd.status());
    std::unique_ptr<Graph> g = Load(*gd);
    ASSERT_NE(g, nullptr);
    ASSERT_NE(g->FindNode("deq"), nullptr);
    EXPECT_TRUE(g->FindNode("deq")->is_opaque());
  }
}

TEST(OpaqueNodeTest, GradientsFailOnlyThroughOpaqueNodes) {
  Scope s = NewRootScope();
  Output c = ops::Const(s.WithOpName("c"), 3.0f);
  Output twice = ops::Mul(s.WithOpName("twice"), c, c);
  tensorflow::NodeDef def;
  def.set_name("fro");
  def.set_op("Frobnicate");
  def.add_input("c");
  auto fro = s.graph()->AddOpaqueNode(
      {.name = "fro", .op = "Frobnicate", .inputs = {{c.node, 0}}},
      {{DT_INVALID, PartialShape()}, {DT_INVALID, PartialShape()}},
      std::make_shared<tensorflow::NodeDef>(def));
  ASSERT_OK(fro.status());
  Output id = s.AddOp1("Identity", {Output(*fro, 1)}, {{"T", DT_FLOAT}});
  Output y = ops::Add(s, twice, id);
  ASSERT_OK(s.status());
  std::vector<Output> grads;
  // d(twice)/dc = 2c = 6, with fro beside the path.
  ASSERT_OK(AddSymbolicGradients(s, {twice}, {c}, {}, &grads));
  ASSERT_EQ(grads.size(), 1u);
  EXPECT_TENSOR_NEAR(testing::Eval(s, grads[0]), Tensor::Scalar(6.0f));
  // d(y)/dc goes through fro as well as through twice.
  absl::Status through = AddSymbolicGradients(s, {y}, {c}, {}, &grads);
  EXPECT_EQ(through.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(through.message(),
              HasSubstr("node 'fro' uses op 'Frobnicate', which graphflow "
                        "does not implement (needed by gradients"));
  // AddOpaqueNode is only for ops without a schema.
  auto known = s.graph()->AddOpaqueNode(
      {.name = "m", .op = "Mul"}, {}, std::make_shared<tensorflow::NodeDef>());
  EXPECT_EQ(known.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace graphflow
