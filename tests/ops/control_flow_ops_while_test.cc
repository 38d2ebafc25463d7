// WhileLoop: TF's loop graph, values computed by hand (sums, nested loops,
// loop invariants, loops and conds inside each other), GraphDef round trips
// through the NextIteration back edge, and the gradient decision.
#include "absl/strings/match.h"
#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/control_flow_ops.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Values;

Output Int(const Scope& s, int v) {
  return ops::Const(s, Tensor::Scalar<int32_t>(v));
}

// i, total = 0, 0; while i < n: total += i; i += 1.
OutputList SumBelow(const Scope& s, Output n) {
  return ops::WhileLoop(
      s,
      [&](const Scope& c, const OutputList& v) {
        return ops::Less(c, v[0], n);
      },
      [](const Scope& b, const OutputList& v) {
        return OutputList{ops::Add(b, v[0], 1), ops::Add(b, v[1], v[0])};
      },
      {Int(s, 0), Int(s, 0)});
}

// i, y = 0, init; while i < n: y *= k; i += 1  (y = init * k^n).
OutputList PowerLoop(const Scope& s, Output k, int n, Output init) {
  return ops::WhileLoop(
      s,
      [n](const Scope& c, const OutputList& v) {
        return ops::Less(c, v[0], n);
      },
      [k](const Scope& b, const OutputList& v) {
        return OutputList{ops::Add(b, v[0], 1), ops::Mul(b, v[1], k)};
      },
      {Int(s, 0), init});
}

TEST(WhileLoopTest, SumsAndEmitsTfsGraph) {
  Scope s = NewRootScope();
  Output n = ops::Placeholder(s.WithOpName("n"), DT_INT32, {});
  OutputList r = SumBelow(s, n);
  ASSERT_OK(s.status());
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].name(), "while/Exit");
  EXPECT_EQ(r[1].name(), "while/Exit_1");
  for (const char* name :
       {"while/Enter", "while/Enter_1", "while/Merge", "while/LoopCond",
        "while/Switch", "while/Identity", "while/NextIteration",
        "while/Less/Enter", "while/Add/y"}) {
    EXPECT_NE(s.graph()->FindNode(name), nullptr) << name;
  }
  const Node* enter = s.graph()->FindNode("while/Enter");
  EXPECT_EQ(*enter->FindAttr<std::string>("frame_name"), "while/while_context");
  EXPECT_FALSE(*enter->FindAttr<bool>("is_constant"));
  EXPECT_TRUE(
      *s.graph()->FindNode("while/Less/Enter")->FindAttr<bool>("is_constant"));
  EXPECT_EQ(s.graph()->FindNode("while/Merge")->input(1).node->name(),
            "while/NextIteration");
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  for (int limit : {0, 1, 10}) {
    auto out = (*session)->Run({{n, Tensor::Scalar<int32_t>(limit)}}, r);
    ASSERT_OK(out.status());
    EXPECT_EQ(Values((*out)[0])[0], limit);
    EXPECT_EQ(Values((*out)[1])[0], limit * (limit - 1) / 2);
  }
}

TEST(WhileLoopTest, LoopInvariantIsSeenByEveryIteration) {
  Scope s = NewRootScope();
  Output k = ops::Placeholder(s, DT_FLOAT, {});
  OutputList r = PowerLoop(s, k, 4, ops::Const(s, 1.0f));
  ASSERT_OK(s.status());
  EXPECT_EQ(Values(testing::Eval(s, r[1], {{k, Tensor::Scalar(3.0f)}}))[0], 81);
}

TEST(WhileLoopTest, NestedLoops) {
  Scope s = NewRootScope();
  // total = sum over i < 3, j < 4 of i * j = 3 * 6.
  OutputList r = ops::WhileLoop(
      s,
      [](const Scope& c, const OutputList& v) { return ops::Less(c, v[0], 3); },
      [](const Scope& b, const OutputList& v) {
        Output i = v[0];
        OutputList inner = ops::WhileLoop(
            b,
            [](const Scope& c, const OutputList& w) {
              return ops::Less(c, w[0], 4);
            },
            [&](const Scope& ib, const OutputList& w) {
              return OutputList{ops::Add(ib, w[0], 1),
                                ops::Add(ib, w[1], ops::Mul(ib, i, w[0]))};
            },
            {Int(b, 0), v[1]});
        return OutputList{ops::Add(b, i, 1), inner[1]};
      },
      {Int(s, 0), Int(s, 0)});
  ASSERT_OK(s.status());
  const Node* inner = s.graph()->FindNode("while/while/Enter");
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(*inner->FindAttr<std::string>("frame_name"),
            "while/while/while_context");
  EXPECT_EQ(Values(testing::Eval(s, r[1]))[0], 18);
}

TEST(WhileLoopTest, CondInsideLoopAndLoopInsideUntakenCond) {
  Scope s = NewRootScope();
  // i = 0; while i < 10: i = i + 1 if i < 3 else i + 4  ->  0,1,2,3,7,11.
  OutputList r = ops::WhileLoop(
      s,
      [](const Scope& c, const OutputList& v) {
        return ops::Less(c, v[0], 10);
      },
      [](const Scope& b, const OutputList& v) {
        return ops::Cond(
            b, ops::Less(b, v[0], 3),
            [&](const Scope& t) { return OutputList{ops::Add(t, v[0], 1)}; },
            [&](const Scope& f) { return OutputList{ops::Add(f, v[0], 4)}; });
      },
      {Int(s, 0)});
  ASSERT_OK(s.status());
  EXPECT_EQ(Values(testing::Eval(s, r[0]))[0], 11);

  Scope s2 = NewRootScope();
  Output p = ops::Placeholder(s2, DT_BOOL, {});
  Output n = ops::Placeholder(s2, DT_INT32, {});
  OutputList c = ops::Cond(
      s2, p, [&](const Scope& t) { return OutputList{SumBelow(t, n)[1]}; },
      [&](const Scope& f) { return OutputList{ops::Identity(f, n)}; });
  ASSERT_OK(s2.status());
  auto feeds = [&](bool pv) {
    return FeedDict{{p, Tensor::Scalar(pv)}, {n, Tensor::Scalar<int32_t>(5)}};
  };
  EXPECT_EQ(Values(testing::Eval(s2, c[0], feeds(true)))[0], 10);
  EXPECT_EQ(Values(testing::Eval(s2, c[0], feeds(false)))[0], 5);
}

TEST(WhileLoopTest, LoopInternalsAndStrayExitsAreErrors) {
  Scope s = NewRootScope();
  Output n = ops::Placeholder(s, DT_INT32, {});
  SumBelow(s, n);
  Output inside(s.graph()->FindNode("while/Identity"), 0);
  absl::Status st =
      testing::EvalStatus(s, inside, {{n, Tensor::Scalar<int32_t>(3)}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(st.message(), "was never computed")) << st;

  Scope e = NewRootScope();
  Output stray = ops::Exit(e.WithOpName("stray"), 1.0f);
  st = testing::EvalStatus(e, stray);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(st.message(), "node 'stray' (Exit)")) << st;
}

TEST(WhileLoopTest, GraphDefRoundTripKeepsTheBackEdge) {
  Scope s = NewRootScope();
  Output n = ops::Placeholder(s.WithOpName("n"), DT_INT32, {});
  SumBelow(s, n);
  ASSERT_OK(s.status());
  tensorflow::GraphDef def = GraphToGraphDef(*s.graph());
  auto session = Session::Create(def, GlobalOpRegistry());
  ASSERT_OK(session.status());
  auto out =
      (*session)->Run({{"n", Tensor::Scalar<int32_t>(6)}}, {"while/Exit_1"});
  ASSERT_OK(out.status());
  EXPECT_EQ(Values((*out)[0])[0], 15);
}

TEST(WhileLoopTest, OtherCyclesAreStillRejected) {
  tensorflow::GraphDef def;
  for (const char* name : {"a", "b"}) {
    tensorflow::NodeDef* node = def.add_node();
    node->set_name(name);
    node->set_op("Identity");
    node->add_input(std::string(name) == "a" ? "b" : "a");
    (*node->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  }
  auto graph = GraphFromGraphDef(def, GlobalOpRegistry());
  ASSERT_FALSE(graph.ok());
  EXPECT_TRUE(absl::StrContains(graph.status().message(), "graph has a cycle"))
      << graph.status();
}

TEST(WhileLoopTest, GradientIsUnimplemented) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {});
  OutputList r = PowerLoop(s, x, 3, x);
  std::vector<Output> dx;
  absl::Status st = AddSymbolicGradients(s, {r[1]}, {x}, &dx);
  EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(absl::StrContains(st.message(), "while/Exit_1")) << st;
}

}  // namespace
}  // namespace graphflow
