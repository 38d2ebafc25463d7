#include "graph/graph.h"

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "graph/graph_def.h"
#include "graph/scope.h"
#include "gtest/gtest.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using ::testing::HasSubstr;

// A small private op set so these tests do not depend on the op families.
const OpRegistry& TestRegistry() {
  static const OpRegistry* r = [] {
    auto* reg = new OpRegistry();
    absl::Status s;
    s.Update(reg->Register(OpDefBuilder("Src")
                               .Output("out: dtype")
                               .Attr("dtype: type = DT_FLOAT")
                               .SetShapeFn(ScalarShape)));
    s.Update(reg->Register(OpDefBuilder("Cube")
                               .Output("out: float")
                               .SetShapeFn([](InferenceContext& c) {
                                 c.set_output(0, PartialShape({2, 2, 2}));
                                 return absl::OkStatus();
                               })));
    s.Update(reg->Register(OpDefBuilder("Two")
                               .Output("a: float")
                               .Output("b: int32")
                               .SetShapeFn(UnknownShape)));
    s.Update(reg->Register(OpDefBuilder("Plus")
                               .Input("x: T")
                               .Input("y: T")
                               .Output("z: T")
                               .Attr("T: {float, double}")
                               .SetShapeFn([](InferenceContext& c) {
                                 if (c.input_shape(0).rank() > 2)
                                   return c.Error("rank too big");
                                 return UnchangedShape(c);
                               })));
    s.Update(reg->Register(OpDefBuilder("Sum3")
                               .Input("xs: N * T")
                               .Output("z: T")
                               .Attr("N: int >= 1")
                               .Attr("T: type")
                               .Attr("mode: {'a', 'b'} = 'a'")
                               .SetShapeFn(UnchangedShape)));
    EXPECT_OK(s);
    return reg;
  }();
  return *r;
}

TEST(ScopeTest, NamesNodesLikeTensorFlow) {
  Scope root = Scope::NewRootScope(&TestRegistry());
  Scope conv = root.NewSubScope("conv1");
  Node* a = conv.AddNode("Src", {});
  Node* b = conv.AddNode("Src", {});
  Node* c = conv.WithOpName("weights").AddNode("Src", {});
  Node* d = root.NewSubScope("conv1").AddNode("Src", {});
  Node* e = root.WithOpName("x").AddNode("Src", {});
  Node* f = root.WithOpName("x").AddNode("Src", {});
  EXPECT_EQ(a->name(), "conv1/Src");
  EXPECT_EQ(b->name(), "conv1/Src_1");
  EXPECT_EQ(c->name(), "conv1/weights");
  EXPECT_EQ(d->name(), "conv1_1/Src");
  EXPECT_EQ(e->name(), "x");
  EXPECT_EQ(f->name(), "x_1");
}

TEST(ScopeTest, KeepsTheFirstErrorAndInfersAttrs) {
  Scope root = Scope::NewRootScope(&TestRegistry());
  Output x = root.AddOp1("Src", {});
  Output sum = root.AddOp1("Sum3", {x, x, x});
  EXPECT_EQ(*sum.node->FindAttr<int64_t>("N"), 3);
  EXPECT_EQ(*sum.node->FindAttr<DataType>("T"), DT_FLOAT);
  EXPECT_EQ(*sum.node->FindAttr<std::string>("mode"), "a");  // default filled
  Output i = root.AddOp1("Src", {}, {{"dtype", DT_INT32}});
  Output bad = root.WithOpName("bad").AddOp1("Plus", {x, i});
  EXPECT_FALSE(bad.valid());
  Output later = root.AddOp1("Plus", {bad, x});  // silently invalid
  EXPECT_FALSE(later.valid());
  root.AddOp1("NoSuchOp", {});
  EXPECT_EQ(root.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(root.status().message(), HasSubstr("node 'bad' (Plus)"));
  EXPECT_THAT(root.status().message(), HasSubstr("must be float, got int32"));
}

TEST(ScopeTest, ConstantInputsBecomeConstNodes) {
  Scope root = Scope::NewRootScope(&GlobalOpRegistry());
  Output id = root.AddOp1("Identity", {2.5f});
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(id.node->input(0).node->op(), "Const");
  EXPECT_EQ(id.node->input(0).node->name(), "Identity/x");
  EXPECT_TENSOR_NEAR(testing::Eval(root, id), Tensor::Scalar(2.5f));
}

TEST(GraphTest, ValidatesNodes) {
  Graph g(&TestRegistry());
  auto src = g.AddNode({.name = "s", .op = "Src"});
  ASSERT_OK(src.status());
  auto two = g.AddNode({.name = "two", .op = "Two"});
  ASSERT_OK(two.status());
  struct Case {
    NodeSpec spec;
    absl::StatusCode code;
    std::string message;
  };
  std::vector<Case> cases = {
      {{.name = "s", .op = "Src"},
       absl::StatusCode::kAlreadyExists,
       "duplicate"},
      {{.name = "u", .op = "Unknown"},
       absl::StatusCode::kNotFound,
       "unknown op 'Unknown'"},
      {{.name = "p", .op = "Plus", .inputs = {{*src, 0}}},
       absl::StatusCode::kInvalidArgument,
       "expected 2 inputs, got 1"},
      {{.name = "p", .op = "Plus", .inputs = {{*src, 0}, {*src, 3}}},
       absl::StatusCode::kInvalidArgument,
       "names output 3 of 's'"},
      {{.name = "p", .op = "Plus", .inputs = {{*two, 0}, {*two, 1}}},
       absl::StatusCode::kInvalidArgument,
       "must be float, got int32 from two:1"},
      {{.name = "p",
        .op = "Sum3",
        .inputs = {{*src, 0}},
        .attrs = {{"mode", std::string("c")}}},
       absl::StatusCode::kInvalidArgument,
       "attr 'mode' is 'c'"},
      {{.name = "p",
        .op = "Sum3",
        .inputs = {{*src, 0}},
        .attrs = {{"mode", int64_t{1}}}},
       absl::StatusCode::kInvalidArgument,
       "attr 'mode' must be string, got int"},
      {{.name = "p",
        .op = "Sum3",
        .inputs = {{*src, 0}},
        .attrs = {{"bogus", true}}},
       absl::StatusCode::kInvalidArgument,
       "unknown attr 'bogus'"},
      {{.name = "p", .op = "Src", .attrs = {{"dtype", std::string("x")}}},
       absl::StatusCode::kInvalidArgument,
       "attr 'dtype' must be type"},
  };
  for (Case& c : cases) {
    auto n = g.AddNode(c.spec);
    EXPECT_EQ(n.status().code(), c.code) << n.status();
    EXPECT_THAT(n.status().message(), HasSubstr(c.message));
  }
  EXPECT_EQ(g.num_nodes(), 2);
}

TEST(GraphTest, ShapeFunctionErrorsNameTheNode) {
  Scope root = Scope::NewRootScope(&TestRegistry());
  Output cube = root.AddOp1("Cube", {});
  Output sum = root.WithOpName("add_cubes").AddOp1("Plus", {cube, cube});
  EXPECT_FALSE(sum.valid());
  EXPECT_THAT(root.status().message(),
              HasSubstr("node 'add_cubes' (Plus): rank too big"));
}

TEST(GraphTest, FindEndpointParsesTensorNames) {
  Graph g(&TestRegistry());
  ASSERT_OK(g.AddNode({.name = "two", .op = "Two"}).status());
  auto e = g.FindEndpoint("two:1");
  ASSERT_OK(e.status());
  EXPECT_EQ(e->index, 1);
  EXPECT_EQ(g.FindEndpoint("two:2").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(g.FindEndpoint("three").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(g.FindEndpoint("two:x").ok());
  EXPECT_EQ(EndpointName(*e), "two:1");
}

}  // namespace
}  // namespace graphflow
