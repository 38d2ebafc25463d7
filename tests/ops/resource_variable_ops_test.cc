// Resource variables: handles name VariableStore entries (shared with ref
// variables), reads are snapshots, assignments, gather/scatter values and
// errors, and the gradients of ReadVariableOp and ResourceGather.
#include "ops/resource_variable_ops.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::EvalStatus;
using testing::F;
using ::testing::HasSubstr;
using testing::I32;

std::unique_ptr<Session> Start(const Scope& s) {
  auto created = Session::Create(s);
  EXPECT_TRUE(created.ok()) << created.status();
  return created.ok() ? *std::move(created) : nullptr;
}

TEST(VarHandleOpTest, HandleNamesTheVariableByNodeOrSharedName) {
  Scope s = NewRootScope();
  Output a = ops::VarHandleOp(s.WithOpName("a"), DT_FLOAT, {2});
  Output b = ops::VarHandleOp(s.WithOpName("b"), DT_FLOAT, {2}, "shared");
  EXPECT_EQ(a.dtype(), DT_RESOURCE);
  EXPECT_EQ(a.shape().rank(), 0);
  auto out = testing::EvalAll(s, {a, b});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].data<std::string>()[0], "a");
  EXPECT_EQ(out[1].data<std::string>()[0], "shared");
}

TEST(ReadVariableOpTest, AssignThenReadAndShapeFromHandle) {
  Scope s = NewRootScope();
  Output v = ops::VarHandleOp(s.WithOpName("v"), DT_FLOAT, {2, 2});
  Output init = ops::AssignVariableOp(s, v, F({1, 2, 3, 4}, {2, 2}));
  Output read = ops::ReadVariableOp(s, v, DT_FLOAT);
  EXPECT_EQ(read.shape().DebugString(), PartialShape({2, 2}).DebugString());
  auto session = Start(s);
  ASSERT_NE(session, nullptr);
  ASSERT_OK(session->Run({}, {}, {init}).status());
  EXPECT_TENSOR_NEAR((*session->Run({read}))[0], F({1, 2, 3, 4}, {2, 2}));
  EXPECT_TRUE(session->variables().Find("v")->initialized());
}

TEST(ReadVariableOpTest, UninitializedIsFailedPreconditionNamingIt) {
  Scope s = NewRootScope();
  Output v = ops::VarHandleOp(s.WithOpName("weights"), DT_FLOAT, {2});
  absl::Status status = EvalStatus(s, ops::ReadVariableOp(s, v, DT_FLOAT));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("weights"));
}

TEST(ReadVariableOpTest, WrongDtypeIsInvalidArgument) {
  Scope s = NewRootScope();
  Output v = ops::VarHandleOp(s.WithOpName("v"), DT_FLOAT, {});
  Output init = ops::AssignVariableOp(s, v, 1.0f);
  Output read = ops::ReadVariableOp(s, v, DT_INT32);
  Output bad = ops::AssignVariableOp(s, v, 3);
  auto session = Start(s);
  ASSERT_OK(session->Run({}, {}, {init}).status());
  absl::Status status = session->Run({read}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("Expected int32 got float"));
  // Assigning another dtype to an existing variable is an error too.
  status = session->Run({}, {}, {bad}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("wrong dtype"));
}

TEST(ReadVariableOpTest, ReadsAreSnapshots) {
  Scope s = NewRootScope();
  Output v = ops::VarHandleOp(s.WithOpName("v"), DT_FLOAT, {2});
  Output init = ops::AssignVariableOp(s, v, F({1, 2}, {2}));
  Output read = ops::ReadVariableOp(s, v, DT_FLOAT);
  Output add = ops::AssignAddVariableOp(s, v, F({10, 20}, {2}));
  Output sub = ops::AssignSubVariableOp(s, v, F({1, 1}, {2}));
  auto session = Start(s);
  ASSERT_OK(session->Run({}, {}, {init}).status());
  Tensor before = (*session->Run({read}))[0];
  ASSERT_OK(session->Run({}, {}, {add}).status());
  EXPECT_TENSOR_NEAR(before, F({1, 2}, {2}));
  EXPECT_TENSOR_NEAR((*session->Run({read}))[0], F({11, 22}, {2}));
  ASSERT_OK(session->Run({}, {}, {sub}).status());
  EXPECT_TENSOR_NEAR((*session->Run({read}))[0], F({10, 21}, {2}));
}

TEST(AssignVariableOpTest, ShapeMismatchesAreErrors) {
  Scope s = NewRootScope();
  Output v = ops::VarHandleOp(s.WithOpName("v"), DT_FLOAT, {2});
  ops::AssignVariableOp(s.WithOpName("bad"), v, F({1, 2, 3}, {3}));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("bad"));

  Scope t = NewRootScope();
  Output w = ops::VarHandleOp(t.WithOpName("w"), DT_FLOAT, PartialShape());
  Output init = ops::AssignVariableOp(t, w, F({1, 2}, {2}));
  Output add = ops::AssignAddVariableOp(t, w, F({1, 2, 3}, {3}));
  auto session = Start(t);
  ASSERT_OK(session->Run({}, {}, {init}).status());
  absl::Status status = session->Run({}, {}, {add}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("variable 'w' has shape [2]"));
}

TEST(VarIsInitializedOpTest, FalseUntilAssigned) {
  Scope s = NewRootScope();
  Output v = ops::VarHandleOp(s.WithOpName("v"), DT_FLOAT, {});
  Output init = ops::AssignVariableOp(s, v, 5.0f);
  Output is_init = ops::VarIsInitializedOp(s, v);
  auto session = Start(s);
  EXPECT_FALSE((*session->Run({is_init}))[0].data<bool>()[0]);
  ASSERT_OK(session->Run({}, {}, {init}).status());
  EXPECT_TRUE((*session->Run({is_init}))[0].data<bool>()[0]);
}

TEST(ResourceVariableTest, SharesTheVariableStoreWithRefVariables) {
  Scope s = NewRootScope();
  Output ref = ops::Variable(s.WithOpName("w"), {2}, DT_FLOAT);
  Output init = ops::Assign(s, ref, F({7, 8}, {2}));
  Output handle = ops::VarHandleOp(s.WithOpName("h"), DT_FLOAT, {2}, "w");
  Output read = ops::ReadVariableOp(s, handle, DT_FLOAT);
  auto session = Start(s);
  ASSERT_OK(session->Run({}, {}, {init}).status());
  EXPECT_TENSOR_NEAR((*session->Run({read}))[0], F({7, 8}, {2}));
}

TEST(VariableShapeTest, ReturnsTheValuesShape) {
  Scope s = NewRootScope();
  Output v = ops::VarHandleOp(s.WithOpName("v"), DT_FLOAT, {2, 3});
  Output init = ops::AssignVariableOp(s, v, F({1, 2, 3, 4, 5, 6}, {2, 3}));
  Output shape = ops::VariableShape(s, v);
  auto session = Start(s);
  ASSERT_OK(session->Run({}, {}, {init}).status());
  EXPECT_TENSOR_NEAR((*session->Run({shape}))[0], I32({2, 3}, {2}));
}

struct Table {
  Scope s = NewRootScope();
  Output v = ops::VarHandleOp(s.WithOpName("table"), DT_FLOAT, {3, 2});
  Output init = ops::AssignVariableOp(s, v, F({1, 2, 3, 4, 5, 6}, {3, 2}));
  Output read = ops::ReadVariableOp(s, v, DT_FLOAT);
  std::unique_ptr<Session> session;
  void Start() {
    session = graphflow::Start(s);
    ASSERT_OK(session->Run({}, {}, {init}).status());
  }
};

TEST(ResourceGatherTest, GathersRowsAndRejectsBadIndices) {
  Table t;
  Output g = ops::ResourceGather(t.s, t.v, I32({2, 0, 2}, {3}), DT_FLOAT);
  Output g2 = ops::ResourceGather(t.s, t.v, I32({1, 0}, {2, 1}), DT_FLOAT);
  Output bad = ops::ResourceGather(t.s, t.v, I32({3}, {1}), DT_FLOAT);
  EXPECT_EQ(g.shape().DebugString(), PartialShape({3, 2}).DebugString());
  t.Start();
  EXPECT_TENSOR_NEAR((*t.session->Run({g}))[0], F({5, 6, 1, 2, 5, 6}, {3, 2}));
  EXPECT_TENSOR_NEAR((*t.session->Run({g2}))[0], F({3, 4, 1, 2}, {2, 1, 2}));
  absl::Status status = t.session->Run({bad}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("indices[0] = 3 is not in [0, 3)"));
}

TEST(ResourceGatherTest, BatchDimsOtherThanZeroIsAShapeError) {
  Scope s = NewRootScope();
  Output v = ops::VarHandleOp(s.WithOpName("v"), DT_FLOAT, {3, 2});
  s.WithOpName("g").AddOp1("ResourceGather", {v, I32({0}, {1})},
                           {{"dtype", DT_FLOAT}, {"batch_dims", int64_t{1}}});
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("batch_dims must be 0"));
}

TEST(ResourceScatterTest, AddSumsRepeatedIndicesAndUpdateOverwrites) {
  Table t;
  Output add = ops::ResourceScatterAdd(t.s, t.v, I32({0, 2, 0}, {3}),
                                       F({1, 1, 10, 10, 100, 100}, {3, 2}));
  Output update =
      ops::ResourceScatterUpdate(t.s, t.v, I32({1}, {1}), F({-1, -2}, {1, 2}));
  Output scalar = ops::ResourceScatterUpdate(t.s, t.v, I32({2}, {1}), 0.5f);
  Output bad_index =
      ops::ResourceScatterAdd(t.s, t.v, I32({-1}, {1}), F({1, 1}, {1, 2}));
  Output bad_shape =
      ops::ResourceScatterAdd(t.s, t.v, I32({0}, {1}), F({1, 1, 1}, {1, 3}));
  t.Start();
  ASSERT_OK(t.session->Run({}, {}, {add}).status());
  EXPECT_TENSOR_NEAR((*t.session->Run({t.read}))[0],
                     F({102, 103, 3, 4, 15, 16}, {3, 2}));
  ASSERT_OK(t.session->Run({}, {}, {update}).status());
  ASSERT_OK(t.session->Run({}, {}, {scalar}).status());
  EXPECT_TENSOR_NEAR((*t.session->Run({t.read}))[0],
                     F({102, 103, -1, -2, 0.5, 0.5}, {3, 2}));
  absl::Status status = t.session->Run({}, {}, {bad_index}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("indices[0] = -1 is not in [0, 3)"));
  status = t.session->Run({}, {}, {bad_shape}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("updates.shape = indices.shape"));
}

// d/dv sum(read(v) * c) = c, reaching the handle through ReadVariableOp.
TEST(ResourceVariableGradientTest, ReadPassesTheGradientToTheHandle) {
  Scope s = NewRootScope();
  Output v = ops::VarHandleOp(s.WithOpName("v"), DT_FLOAT, {2});
  Output init = ops::AssignVariableOp(s, v, F({1, 2}, {2}));
  Output read = ops::ReadVariableOp(s, v, DT_FLOAT);
  Output loss = ops::Sum(s, ops::Mul(s, read, F({3, -4}, {2})), Input({0}));
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {loss}, {v}, &grads));
  ASSERT_TRUE(grads[0].valid());
  auto session = Start(s);
  ASSERT_OK(session->Run({}, {}, {init}).status());
  EXPECT_TENSOR_NEAR((*session->Run({grads[0]}))[0], F({3, -4}, {2}));
}

// TF's IndexedSlices made dense: rows gathered twice get both gradients.
TEST(ResourceVariableGradientTest, GatherGradientSumsRepeatedRows) {
  Table t;
  Output g = ops::ResourceGather(t.s, t.v, I32({0, 2, 0}, {3}), DT_FLOAT);
  Output loss = ops::Sum(t.s, ops::Mul(t.s, g, F({1, 2, 3, 4, 5, 6}, {3, 2})),
                         Input({0, 1}));
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(t.s, {loss}, {t.v}, &grads));
  t.Start();
  EXPECT_TENSOR_NEAR((*t.session->Run({grads[0]}))[0],
                     F({6, 8, 0, 0, 3, 4}, {3, 2}));
}

}  // namespace
}  // namespace graphflow
