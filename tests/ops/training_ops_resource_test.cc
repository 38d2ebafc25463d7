// ResourceApplyGradientDescent, ResourceApplyMomentum and ResourceApplyAdam
// update resource variables exactly as their ref forms update ref ones, and
// report shape errors and uninitialized variables the same way.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/resource_variable_ops.h"
#include "ops/state_ops.h"
#include "ops/training_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using ::testing::HasSubstr;

const Tensor kW = F({1.0f, -2.0f}, {2});
const Tensor kGrad = F({0.5f, -1.5f}, {2});

// Ref and resource copies of the variables of one update, same values.
struct Both {
  Scope s = NewRootScope();
  std::vector<Output> refs, handles, inits;
  void Var(const std::string& name, const Tensor& value) {
    Output r =
        ops::Variable(s.WithOpName("ref_" + name), value.shape(), DT_FLOAT);
    Output h =
        ops::VarHandleOp(s.WithOpName("res_" + name), DT_FLOAT, value.shape());
    inits.push_back(ops::Assign(s, r, value));
    inits.push_back(ops::AssignVariableOp(s, h, value));
    refs.push_back(r);
    handles.push_back(h);
  }
  // Runs both updates twice; every ref variable must equal its resource twin.
  void RunAndCompare(const Output& ref_update, const Output& res_update) {
    ASSERT_OK(s.status());
    std::vector<Output> reads;
    for (const Output& h : handles) {
      reads.push_back(ops::ReadVariableOp(s, h, DT_FLOAT));
    }
    auto session = Session::Create(s);
    ASSERT_OK(session.status());
    ASSERT_OK((*session)->Run({}, {}, inits).status());
    for (int step = 0; step < 2; ++step) {
      ASSERT_OK((*session)->Run({}, {}, {ref_update, res_update}).status());
    }
    for (size_t i = 0; i < refs.size(); ++i) {
      auto a = (*session)->Run({refs[i]});
      auto b = (*session)->Run({reads[i]});
      ASSERT_OK(a.status());
      ASSERT_OK(b.status());
      EXPECT_TRUE(TensorsEqual((*a)[0], (*b)[0]))
          << (*a)[0].DebugString() << " vs " << (*b)[0].DebugString();
    }
    auto changed = (*session)->Run({reads[0]});
    EXPECT_FALSE(TensorsEqual((*changed)[0], kW));
  }
};

TEST(ResourceApplyTest, GradientDescentMatchesRefForm) {
  Both b;
  b.Var("w", kW);
  Output ref = ops::ApplyGradientDescent(b.s, b.refs[0], 0.1f, kGrad);
  Output res =
      ops::ResourceApplyGradientDescent(b.s, b.handles[0], 0.1f, kGrad);
  b.RunAndCompare(ref, res);
}

TEST(ResourceApplyTest, MomentumMatchesRefFormWithNesterov) {
  Both b;
  b.Var("w", kW);
  b.Var("accum", F({0.1f, 0.2f}, {2}));
  Output ref = ops::ApplyMomentum(b.s, b.refs[0], b.refs[1], 0.1f, kGrad, 0.9f,
                                  false, true);
  Output res = ops::ResourceApplyMomentum(b.s, b.handles[0], b.handles[1], 0.1f,
                                          kGrad, 0.9f, false, true);
  b.RunAndCompare(ref, res);
}

TEST(ResourceApplyTest, AdamMatchesRefForm) {
  Both b;
  b.Var("w", kW);
  b.Var("m", F({0.1f, 0.0f}, {2}));
  b.Var("v", F({0.01f, 0.0f}, {2}));
  Output ref = ops::ApplyAdam(b.s, b.refs[0], b.refs[1], b.refs[2], 0.81f,
                              0.998001f, 0.01f, 0.9f, 0.999f, 1e-8f, kGrad);
  Output res = ops::ResourceApplyAdam(b.s, b.handles[0], b.handles[1],
                                      b.handles[2], 0.81f, 0.998001f, 0.01f,
                                      0.9f, 0.999f, 1e-8f, kGrad);
  b.RunAndCompare(ref, res);
}

TEST(ResourceApplyTest, ShapeErrorsAndUninitializedVariables) {
  Scope s = NewRootScope();
  Output h = ops::VarHandleOp(s.WithOpName("w"), DT_FLOAT, {3});
  ops::ResourceApplyGradientDescent(s.WithOpName("sgd"), h, 0.1f,
                                    ops::Const(s, {1, 2}, {2}));
  EXPECT_THAT(s.status().message(),
              HasSubstr("node 'sgd' (ResourceApplyGradientDescent)"));

  Scope t = NewRootScope();
  Output u = ops::VarHandleOp(t.WithOpName("u"), DT_FLOAT, {1});
  Output apply =
      ops::ResourceApplyGradientDescent(t, u, 0.1f, ops::Const(t, {1.0f}, {1}));
  auto session = Session::Create(t);
  ASSERT_OK(session.status());
  auto r = (*session)->Run({}, {}, {apply});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("u"));
}

}  // namespace
}  // namespace graphflow
