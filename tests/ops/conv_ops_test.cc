// Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter: shape functions,
// hand-computed values and error paths. (Random data against a reference is
// in conv_ops_reference_test.cc.)
#include "ops/conv_ops.h"

#include <string>

#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using testing::I32;

const std::vector<int64_t> kS1 = {1, 1, 1, 1};
const std::vector<int64_t> kS2 = {1, 2, 2, 1};

// The first error of building in `s` names `node` and is InvalidArgument.
void ExpectNodeError(const Scope& s, const std::string& node,
                     const std::string& fragment = "") {
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument)
      << s.status();
  EXPECT_NE(s.status().message().find("'" + node + "'"), std::string::npos)
      << s.status();
  if (!fragment.empty()) {
    EXPECT_NE(s.status().message().find(fragment), std::string::npos)
        << s.status();
  }
}

// --- Conv2D shapes ---------------------------------------------------------

TEST(Conv2DShapeTest, KnownShapes) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {50, 28, 28, 1});
  Output w = ops::Placeholder(s, DT_FLOAT, {5, 5, 1, 32});
  EXPECT_EQ(ops::Conv2D(s, x, w, kS1, "SAME").shape(),
            PartialShape({50, 28, 28, 32}));
  EXPECT_EQ(ops::Conv2D(s, x, w, kS1, "VALID").shape(),
            PartialShape({50, 24, 24, 32}));
  EXPECT_EQ(ops::Conv2D(s, x, w, kS2, "SAME").shape(),
            PartialShape({50, 14, 14, 32}));
  EXPECT_EQ(ops::Conv2D(s, x, w, {1, 3, 2, 1}, "VALID").shape(),
            PartialShape({50, 8, 12, 32}));
  ASSERT_OK(s.status());
}

TEST(Conv2DShapeTest, EvenInputsStride2Same) {
  Scope s = NewRootScope();
  Output w = ops::Placeholder(s, DT_FLOAT, {3, 3, 2, 4});
  for (int64_t in : {6, 7, 8}) {
    Output x = ops::Placeholder(s, DT_FLOAT, {1, in, in + 1, 2});
    EXPECT_EQ(ops::Conv2D(s, x, w, kS2, "SAME").shape(),
              PartialShape({1, (in + 1) / 2, (in + 2) / 2, 4}));
  }
  ASSERT_OK(s.status());
}

TEST(Conv2DShapeTest, PartiallyUnknown) {
  Scope s = NewRootScope();
  Output w = ops::Placeholder(s, DT_FLOAT, {5, 5, 1, 32});
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 28, 28, 1});
  EXPECT_EQ(ops::Conv2D(s, x, w, kS1, "SAME").shape(),
            PartialShape({-1, 28, 28, 32}));
  Output x2 = ops::Placeholder(s, DT_FLOAT, {-1, -1, 28, -1});
  EXPECT_EQ(ops::Conv2D(s, x2, w, kS2, "VALID").shape(),
            PartialShape({-1, -1, 12, 32}));
  Output any = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(ops::Conv2D(s, any, w, kS1, "SAME").shape(),
            PartialShape({-1, -1, -1, 32}));
  EXPECT_EQ(ops::Conv2D(s, any, any, kS1, "SAME").shape(),
            PartialShape::UnknownOfRank(4));
  ASSERT_OK(s.status());
}

TEST(Conv2DShapeTest, NchwAndExplicit) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {2, 3, 10, 9});
  Output w = ops::Placeholder(s, DT_FLOAT, {3, 3, 3, 8});
  ops::Conv2DAttrs nchw;
  nchw.data_format = "NCHW";
  EXPECT_EQ(ops::Conv2D(s, x, w, {1, 1, 2, 2}, "SAME", nchw).shape(),
            PartialShape({2, 8, 5, 5}));
  Output y = ops::Placeholder(s, DT_FLOAT, {2, 10, 9, 3});
  ops::Conv2DAttrs pads;
  pads.explicit_paddings = {0, 0, 1, 2, 3, 0, 0, 0};
  // Rows (10 + 3 - 3) / 1 + 1 = 11, cols (9 + 3 - 3) / 2 + 1 = 5.
  EXPECT_EQ(ops::Conv2D(s, y, w, {1, 1, 2, 1}, "EXPLICIT", pads).shape(),
            PartialShape({2, 11, 5, 8}));
  ops::Conv2DAttrs dilated;
  dilated.dilations = {1, 2, 3, 1};
  // Effective window 5x7: VALID gives 6x3.
  EXPECT_EQ(ops::Conv2D(s, y, w, kS1, "VALID", dilated).shape(),
            PartialShape({2, 6, 3, 8}));
  ASSERT_OK(s.status());
}

TEST(Conv2DShapeTest, ChannelMismatchNamesNode) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {1, 8, 8, 3});
  Output w = ops::Placeholder(s, DT_FLOAT, {3, 3, 4, 8});
  ops::Conv2D(s.WithOpName("bad_conv"), x, w, kS1, "SAME");
  ExpectNodeError(s, "bad_conv", "in_channels");
}

TEST(Conv2DShapeTest, ValidWindowLargerThanInput) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {1, 4, 8, 1});
  Output w = ops::Placeholder(s, DT_FLOAT, {5, 3, 1, 1});
  ops::Conv2D(s.WithOpName("too_big"), x, w, kS1, "VALID");
  ExpectNodeError(s, "too_big", "larger than the input");
  // SAME pads instead.
  Scope s2 = NewRootScope();
  Output x2 = ops::Placeholder(s2, DT_FLOAT, {1, 4, 8, 1});
  Output w2 = ops::Placeholder(s2, DT_FLOAT, {5, 3, 1, 1});
  EXPECT_EQ(ops::Conv2D(s2, x2, w2, kS1, "SAME").shape(),
            PartialShape({1, 4, 8, 1}));
}

TEST(Conv2DShapeTest, BadAttrs) {
  auto build = [](const std::vector<int64_t>& strides,
                  const std::string& padding, const ops::Conv2DAttrs& a) {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, {1, 8, 8, 2});
    Output w = ops::Placeholder(s, DT_FLOAT, {3, 3, 2, 2});
    ops::Conv2D(s.WithOpName("c"), x, w, strides, padding, a);
    return s;
  };
  ExpectNodeError(build({2, 1, 1, 1}, "SAME", {}), "c", "batch and depth");
  ExpectNodeError(build({1, 1, 1, 2}, "SAME", {}), "c", "batch and depth");
  ExpectNodeError(build({1, 1, 1}, "SAME", {}), "c", "4 values");
  ExpectNodeError(build({1, 0, 1, 1}, "SAME", {}), "c", "at least 1");
  ExpectNodeError(build(kS1, "FULL", {}), "c", "padding");
  ops::Conv2DAttrs a;
  a.dilations = {2, 1, 1, 1};
  ExpectNodeError(build(kS1, "SAME", a), "c", "dilations");
  a = {};
  a.explicit_paddings = {0, 0, 1, 1, 1, 1, 0, 0};
  ExpectNodeError(build(kS1, "SAME", a), "c", "explicit_paddings");
  a.explicit_paddings = {0, 0, 1, 1};
  ExpectNodeError(build(kS1, "EXPLICIT", a), "c", "8 values");
  a.explicit_paddings = {1, 0, 1, 1, 1, 1, 0, 0};
  ExpectNodeError(build(kS1, "EXPLICIT", a), "c", "batch and depth");
  a = {};
  a.data_format = "NWHC";
  ExpectNodeError(build(kS1, "SAME", a), "c", "data_format");
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {8, 8, 2});
  Output w = ops::Placeholder(s, DT_FLOAT, {3, 3, 2, 2});
  ops::Conv2D(s.WithOpName("rank3"), x, w, kS1, "SAME");
  ExpectNodeError(s, "rank3", "rank 4");
}

// --- Conv2D values ----------------------------------------------------------

// x = 1..9 as 3x3, w = [[1, 2], [3, 4]]; hand-computed sums.
TEST(Conv2DTest, HandComputedValidAndSame) {
  Scope s = NewRootScope();
  Output x = ops::Const(s, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1});
  Output w = ops::Const(s, {1, 2, 3, 4}, {2, 2, 1, 1});
  auto out = testing::EvalAll(s, {ops::Conv2D(s, x, w, kS1, "VALID"),
                                  ops::Conv2D(s, x, w, kS1, "SAME")});
  EXPECT_TENSOR_NEAR(out[0], F({37, 47, 67, 77}, {1, 2, 2, 1}));
  // The even kernel's extra padding row/col goes bottom/right.
  EXPECT_TENSOR_NEAR(out[1],
                     F({37, 47, 21, 67, 77, 33, 23, 26, 9}, {1, 3, 3, 1}));
}

// 3x3 ones, stride 2, SAME on 4x4 (1..16): the one padding row and column
// go bottom/right, so the first window is the top-left 3x3.
TEST(Conv2DTest, HandComputedStride2SameEvenInput) {
  Scope s = NewRootScope();
  Output x = ops::Const(
      s, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, {1, 4, 4, 1});
  Output w = ops::Const(s, {1, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 3, 1, 1});
  EXPECT_TENSOR_NEAR(testing::Eval(s, ops::Conv2D(s, x, w, kS2, "SAME")),
                     F({54, 45, 72, 54}, {1, 2, 2, 1}));
}

TEST(Conv2DTest, HandComputedChannels) {
  Scope s = NewRootScope();
  // Two pixels with 2 channels each, 1x1 filter 2 -> 3.
  Output x = ops::Const(s, {1, 2, 3, 4}, {1, 1, 2, 2});
  Output w = ops::Const(s, {1, 2, 3, 4, 5, 6}, {1, 1, 2, 3});
  EXPECT_TENSOR_NEAR(testing::Eval(s, ops::Conv2D(s, x, w, kS1, "SAME")),
                     F({9, 12, 15, 19, 26, 33}, {1, 1, 2, 3}));
}

TEST(Conv2DTest, DoubleAndEmptyBatch) {
  Scope s = NewRootScope();
  Tensor xd(DT_DOUBLE, {1, 2, 2, 1});
  for (int i = 0; i < 4; ++i) xd.data<double>()[i] = i + 1;
  Tensor wd(DT_DOUBLE, {2, 2, 1, 1});
  for (int i = 0; i < 4; ++i) wd.data<double>()[i] = 0.5;
  Tensor expect(DT_DOUBLE, {1, 1, 1, 1});
  expect.data<double>()[0] = 5;
  EXPECT_TENSOR_NEAR(
      testing::Eval(s, ops::Conv2D(s, ops::Const(s, xd), ops::Const(s, wd), kS1,
                                   "VALID")),
      expect);
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 4, 4, 1});
  Output w = ops::Const(s, {1, 1, 1, 1}, {2, 2, 1, 1});
  Tensor empty(DT_FLOAT, {0, 4, 4, 1});
  Tensor y = testing::Eval(s, ops::Conv2D(s, x, w, kS1, "SAME"), {{x, empty}});
  EXPECT_EQ(y.shape(), TensorShape({0, 4, 4, 1}));
}

TEST(Conv2DTest, RuntimeErrorsNameNode) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT);
  Output w = ops::Placeholder(s, DT_FLOAT);
  Output y = ops::Conv2D(s.WithOpName("late"), x, w, kS1, "VALID");
  Tensor x_val(DT_FLOAT, {1, 3, 3, 2});
  x_val.FillZero();
  Tensor w_val(DT_FLOAT, {2, 2, 3, 1});
  w_val.FillZero();
  absl::Status st = testing::EvalStatus(s, y, {{x, x_val}, {w, w_val}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find("'late'"), std::string::npos) << st;
  Tensor big(DT_FLOAT, {4, 4, 2, 1});
  big.FillZero();
  st = testing::EvalStatus(s, y, {{x, x_val}, {w, big}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find("larger than the input"), std::string::npos);
}

// --- Backprop shapes --------------------------------------------------------

TEST(Conv2DBackpropShapeTest, ConstantSizes) {
  Scope s = NewRootScope();
  Output w = ops::Placeholder(s, DT_FLOAT, {5, 5, 32, 64});
  Output dy = ops::Placeholder(s, DT_FLOAT, {50, 7, 7, 64});
  Output x = ops::Placeholder(s, DT_FLOAT, {50, 14, 14, 32});
  EXPECT_EQ(
      ops::Conv2DBackpropInput(s, {50, 14, 14, 32}, w, dy, kS2, "SAME").shape(),
      PartialShape({50, 14, 14, 32}));
  EXPECT_EQ(
      ops::Conv2DBackpropFilter(s, x, {5, 5, 32, 64}, dy, kS2, "SAME").shape(),
      PartialShape({5, 5, 32, 64}));
  ASSERT_OK(s.status());
}

TEST(Conv2DBackpropShapeTest, UnknownSizesAreRefined) {
  Scope s = NewRootScope();
  Output sizes = ops::Placeholder(s, DT_INT32, {4});
  Output w = ops::Placeholder(s, DT_FLOAT, {5, 5, 32, 64});
  Output dy = ops::Placeholder(s, DT_FLOAT, {-1, 7, 7, 64});
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 14, 14, 32});
  EXPECT_EQ(ops::Conv2DBackpropInput(s, sizes, w, dy, kS2, "SAME").shape(),
            PartialShape({-1, -1, -1, 32}));
  EXPECT_EQ(ops::Conv2DBackpropFilter(s, x, sizes, dy, kS2, "SAME").shape(),
            PartialShape({-1, -1, 32, 64}));
  Output any = ops::Placeholder(s, DT_FLOAT);
  Output any_sizes = ops::Placeholder(s, DT_INT32);
  EXPECT_EQ(
      ops::Conv2DBackpropInput(s, any_sizes, any, any, kS1, "SAME").shape(),
      PartialShape::UnknownOfRank(4));
  EXPECT_EQ(
      ops::Conv2DBackpropFilter(s, any, any_sizes, any, kS1, "SAME").shape(),
      PartialShape::UnknownOfRank(4));
  // Batch -1 in out_backprop, constant input_sizes: taken from the sizes.
  EXPECT_EQ(
      ops::Conv2DBackpropInput(s, {8, 14, 14, 32}, w, dy, kS2, "SAME").shape(),
      PartialShape({8, 14, 14, 32}));
  ASSERT_OK(s.status());
}

TEST(Conv2DBackpropShapeTest, BadInputsNameNode) {
  {
    Scope s = NewRootScope();
    Output w = ops::Placeholder(s, DT_FLOAT, {3, 3, 2, 4});
    Output dy = ops::Placeholder(s, DT_FLOAT, {1, 4, 4, 4});
    ops::Conv2DBackpropInput(s.WithOpName("three"), {1, 8, 8}, w, dy, kS2,
                             "SAME");
    ExpectNodeError(s, "three", "4 values");
  }
  {
    Scope s = NewRootScope();
    Output w = ops::Placeholder(s, DT_FLOAT, {3, 3, 2, 4});
    Output dy = ops::Placeholder(s, DT_FLOAT, {1, 5, 4, 4});
    ops::Conv2DBackpropInput(s.WithOpName("rows"), {1, 8, 8, 2}, w, dy, kS2,
                             "SAME");
    ExpectNodeError(s, "rows", "out_backprop");
  }
  {
    Scope s = NewRootScope();
    Output w = ops::Placeholder(s, DT_FLOAT, {3, 3, 2, 4});
    Output dy = ops::Placeholder(s, DT_FLOAT, {1, 4, 4, 4});
    ops::Conv2DBackpropInput(s.WithOpName("depth"), {1, 8, 8, 3}, w, dy, kS2,
                             "SAME");
    ExpectNodeError(s, "depth", "in_channels");
  }
  {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, {1, 8, 8, 2});
    Output dy = ops::Placeholder(s, DT_FLOAT, {1, 4, 4, 5});
    ops::Conv2DBackpropFilter(s.WithOpName("outc"), x, {3, 3, 2, 4}, dy, kS2,
                              "SAME");
    ExpectNodeError(s, "outc", "out_channels");
  }
  {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, {1, 8, 8, 2});
    Output dy = ops::Placeholder(s, DT_FLOAT, {1, 4, 4, 4});
    ops::Conv2DBackpropFilter(s.WithOpName("neg"), x, {3, -3, 2, 4}, dy, kS2,
                              "SAME");
    ExpectNodeError(s, "neg", "negative");
  }
}

// --- Backprop values --------------------------------------------------------

// x = 1..9 (3x3), w = [[1, 2], [3, 4]], VALID, dy = ones(2x2).
TEST(Conv2DBackpropTest, HandComputed) {
  Scope s = NewRootScope();
  Output x = ops::Const(s, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1});
  Output w = ops::Const(s, {1, 2, 3, 4}, {2, 2, 1, 1});
  Output dy = ops::Const(s, {1, 1, 1, 1}, {1, 2, 2, 1});
  auto out = testing::EvalAll(
      s, {ops::Conv2DBackpropInput(s, {1, 3, 3, 1}, w, dy, kS1, "VALID"),
          ops::Conv2DBackpropFilter(s, x, {2, 2, 1, 1}, dy, kS1, "VALID")});
  EXPECT_TENSOR_NEAR(out[0], F({1, 3, 2, 4, 10, 6, 3, 7, 4}, {1, 3, 3, 1}));
  EXPECT_TENSOR_NEAR(out[1], F({12, 16, 24, 28}, {2, 2, 1, 1}));
}

// Stride 2 SAME on 4x4 with a 3x3 filter of ones: dx counts how many windows
// cover each pixel (windows start at rows/cols 0 and 2).
TEST(Conv2DBackpropTest, HandComputedStride2Same) {
  Scope s = NewRootScope();
  Output w = ops::Const(s, {1, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 3, 1, 1});
  Output dy = ops::Const(s, {1, 1, 1, 1}, {1, 2, 2, 1});
  EXPECT_TENSOR_NEAR(
      testing::Eval(
          s, ops::Conv2DBackpropInput(s, {1, 4, 4, 1}, w, dy, kS2, "SAME")),
      F({1, 1, 2, 1, 1, 1, 2, 1, 2, 2, 4, 2, 1, 1, 2, 1}, {1, 4, 4, 1}));
}

TEST(Conv2DBackpropTest, TwoValueInputSizes) {
  Scope s = NewRootScope();
  Output w = ops::Const(s, {1, 2, 3, 4}, {2, 2, 1, 1});
  Output dy = ops::Const(s, {1, 1, 1, 1}, {1, 2, 2, 1});
  Output dx = ops::Conv2DBackpropInput(s, {3, 3}, w, dy, kS1, "VALID");
  EXPECT_EQ(dx.shape(), PartialShape({1, 3, 3, 1}));
  EXPECT_TENSOR_NEAR(testing::Eval(s, dx),
                     F({1, 3, 2, 4, 10, 6, 3, 7, 4}, {1, 3, 3, 1}));
}

TEST(Conv2DBackpropTest, RuntimeErrorsNameNode) {
  Scope s = NewRootScope();
  Output sizes = ops::Placeholder(s, DT_INT32);
  Output w = ops::Const(s, {1, 2, 3, 4}, {2, 2, 1, 1});
  Output dy = ops::Const(s, {1, 1, 1, 1}, {1, 2, 2, 1});
  Output dx =
      ops::Conv2DBackpropInput(s.WithOpName("dx"), sizes, w, dy, kS1, "VALID");
  absl::Status st =
      testing::EvalStatus(s, dx, {{sizes, I32({1, 4, 3, 1}, {4})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find("'dx'"), std::string::npos) << st;
  EXPECT_NE(st.message().find("out_backprop"), std::string::npos) << st;
  st = testing::EvalStatus(s, dx, {{sizes, I32({1, 3, 3}, {3})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  st = testing::EvalStatus(s, dx, {{sizes, I32({1, -3, 3, 1}, {4})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;

  Output fsizes = ops::Placeholder(s, DT_INT32);
  Output x = ops::Const(s, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1});
  Output dw = ops::Conv2DBackpropFilter(s.WithOpName("dw"), x, fsizes, dy, kS1,
                                        "VALID");
  st = testing::EvalStatus(s, dw, {{fsizes, I32({2, 2, 2, 1}, {4})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find("'dw'"), std::string::npos) << st;
}

}  // namespace
}  // namespace graphflow
