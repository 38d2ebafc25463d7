// Numeric checks of the array_join family's gradients, and that the Concat
// gradient graph uses TF's own ops and survives a GraphDef round trip.
#include "gmock/gmock.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "tests/ops/array_ops_test_util.h"

namespace graphflow {
namespace {

using testing::CheckGrad;
using testing::GradOps;
using testing::I32;
using testing::I64;
using testing::Ph;
using testing::RandomTensor;

TEST(ArrayJoinGradTest, ConcatOfThreeSizesAlongAMiddleAxis) {
  for (bool known : {true, false}) {
    for (int axis : {1, -2}) {
      SCOPED_TRACE(absl::StrCat(known, " ", axis));
      Scope s = NewRootScope();
      auto shape = [&](int64_t d) {
        return known ? PartialShape({2, d, 3}) : PartialShape({-1, -1, 3});
      };
      Output a = Ph(s, shape(1)), b = Ph(s, shape(3)), c = Ph(s, shape(2));
      Output y = ops::ConcatV2(s.WithOpName("cat"), {a, b, c}, axis);
      std::vector<Tensor> values = {RandomTensor(DT_FLOAT, {2, 1, 3}, 6),
                                    RandomTensor(DT_FLOAT, {2, 3, 3}, 7),
                                    RandomTensor(DT_FLOAT, {2, 2, 3}, 8)};
      CHECK_GRAD(s, {a, b, c}, values, y);
      EXPECT_THAT(GradOps(s, "cat"),
                  ::testing::Contains(known ? "Const" : "ShapeN"));
    }
  }
}

TEST(ArrayJoinGradTest, ConcatOfManyInputsSplitsTheGradient) {
  for (bool known : {true, false}) {
    Scope s = NewRootScope();
    std::vector<Output> xs;
    std::vector<Tensor> values;
    for (int i = 0; i < 18; ++i) {
      const int64_t d = 1 + i % 3;
      xs.push_back(Ph(s, known ? PartialShape({2, d}) : PartialShape()));
      values.push_back(RandomTensor(DT_FLOAT, {2, d}, 40 + i));
    }
    Output y = ops::ConcatV2(s.WithOpName("cat"), xs, -1);
    CHECK_GRAD(s, xs, values, y);
    EXPECT_THAT(GradOps(s, "cat"), ::testing::Contains("SplitV"));
  }
}

TEST(ArrayJoinGradTest, LegacyConcatAndInt64Axis) {
  Scope s = NewRootScope();
  Output a = Ph(s, {2, 2}), b = Ph(s, {2, 3});
  Output y = ops::ConcatV1(s, 1, {a, b});
  std::vector<Tensor> values = {RandomTensor(DT_DOUBLE, {2, 2}, 9),
                                RandomTensor(DT_DOUBLE, {2, 3}, 10)};
  Scope d = NewRootScope();
  Output da = Ph(d, {2, 2}, DT_DOUBLE), db = Ph(d, PartialShape(), DT_DOUBLE);
  Output dy = ops::ConcatV2(d, {da, db}, Tensor::Scalar<int64_t>(-1));
  CHECK_GRAD(d, {da, db}, values, dy);
  values = {RandomTensor(DT_FLOAT, {2, 2}, 9),
            RandomTensor(DT_FLOAT, {2, 3}, 10)};
  CHECK_GRAD(s, {a, b}, values, y);
}

TEST(ArrayJoinGradTest, PackAndUnpackAlongInnerAxes) {
  Scope s = NewRootScope();
  Output a = Ph(s, {2, 3}), b = Ph(s, {2, 3});
  std::vector<Tensor> values = {RandomTensor(DT_FLOAT, {2, 3}, 11),
                                RandomTensor(DT_FLOAT, {2, 3}, 12)};
  CHECK_GRAD(s, {a, b}, values, ops::Pack(s, {a, b}, -1));
  CHECK_GRAD(s, {a, b}, values, ops::Pack(s, {a, b}, 1));

  // Only outputs 0 and 2 are used: output 1 gets zeros.
  Output x = Ph(s, {2, 3});
  OutputList parts = ops::Unpack(s, x, 3, -1);
  Output y = ops::Pack(s, {parts[2], parts[0]});
  CHECK_GRAD(s, {x}, {values[0]}, y);
}

TEST(ArrayJoinGradTest, TileOnTwoAxes) {
  for (bool known : {true, false}) {
    Scope s = NewRootScope();
    Output x = Ph(s, known ? PartialShape({2, 3, 2}) : PartialShape());
    Output y = ops::Tile(s.WithOpName("tile"), x, {2, 1, 3});
    CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {2, 3, 2}, 17)}, y);
    std::vector<std::string> ops = GradOps(s, "tile");
    for (const char* op : {"Pack", "Transpose", "Reshape", "Range", "Sum"}) {
      EXPECT_THAT(ops, ::testing::Contains(op));
    }
  }
  Scope s = NewRootScope();
  Output x = Ph(s, {2, 3}, DT_DOUBLE);
  Output y = ops::Tile(s, x, I64({3, 2}, {2}));
  CHECK_GRAD(s, {x}, {RandomTensor(DT_DOUBLE, {2, 3}, 18)}, y);
}

TEST(ArrayJoinGradTest, DynamicStitchGathersEachInputsRows) {
  Scope s = NewRootScope();
  Output d0 = Ph(s, {2, 3}), d1 = Ph(s, {3, 3});
  Output y = ops::DynamicStitch(
      s.WithOpName("st"), {I32({0, 3}, {2}), I32({4, 1, 2}, {3})}, {d0, d1});
  CHECK_GRAD(
      s, {d0, d1},
      {RandomTensor(DT_FLOAT, {2, 3}, 20), RandomTensor(DT_FLOAT, {3, 3}, 21)},
      y);
  EXPECT_THAT(GradOps(s, "st"), ::testing::Contains("GatherV2"));
}

TEST(ArrayJoinGradTest, PadAndPadV2SliceTheInputBack) {
  Scope s = NewRootScope();
  Output x = Ph(s, {2, 3});
  Output y = ops::Pad(s, x, I32({1, 0, 2, 1}, {2, 2}));
  CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {2, 3}, 22)}, y);
  Output u = Ph(s);
  Output y2 = ops::PadV2(s, u, I64({0, 1, 1, 1, 2, 0}, {3, 2}), 3.0f);
  CHECK_GRAD(s, {u}, {RandomTensor(DT_FLOAT, {2, 1, 2}, 23)}, y2);
}

TEST(ArrayJoinGradTest, ConcatGradientUsesTfOpsAndRoundTrips) {
  Scope s = NewRootScope();
  Output a = Ph(s.WithOpName("a"), {2, 1, 3}),
         b = Ph(s.WithOpName("b"), {2, 2, 3});
  Output y = ops::ConcatV2(s.WithOpName("cat"), {a, b}, 1);
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {a, b}, &grads));
  EXPECT_EQ(grads[0].op(), "Slice");
  EXPECT_EQ(grads[0].node->name(), "gradients/cat_grad/Slice");
  Node* offset = s.graph()->FindNode("gradients/cat_grad/ConcatOffset");
  ASSERT_NE(offset, nullptr);
  EXPECT_EQ(grads[1].node->input(1).node, offset);
  EXPECT_EQ(offset->input(0).node->op(), "FloorMod");

  std::unique_ptr<Session> session = testing::RoundTripSession(s);
  ASSERT_NE(session, nullptr);
  auto out = session->Run(
      {{"a", testing::Iota({2, 1, 3})}, {"b", testing::Iota({2, 2, 3})}},
      {grads[0].name(), grads[1].name()});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TENSOR_NEAR((*out)[0], testing::F({1, 1, 1, 1, 1, 1}, {2, 1, 3}));
  EXPECT_EQ((*out)[1].shape(), TensorShape({2, 2, 3}));
}

}  // namespace
}  // namespace graphflow
