// Array ops that build index tensors or pass values through: OneHot,
// DynamicStitch, Range, Where, StopGradient, PreventGradient, IdentityN.
#include <limits>

#include "tests/ops/array_ops_test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalAll;
using testing::ExpectError;
using testing::ExpectRunError;
using testing::F;
using testing::I32;
using testing::I64;
using testing::Iota;
using testing::Scalar;

// ---- OneHot ----

TEST(OneHotTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output idx = ops::Placeholder(s, DT_INT32, {-1});
  EXPECT_EQ(ops::OneHot(s, idx, 3, 1.0f, 0.0f).shape(), PartialShape({-1, 3}));
  EXPECT_EQ(ops::OneHot(s, idx, 3, 1.0f, 0.0f, 0).shape(),
            PartialShape({3, -1}));
  Output idx2 = ops::Placeholder(s, DT_INT64, {2, 5});
  EXPECT_EQ(ops::OneHot(s, idx2, 4, 1.0f, 0.0f, 1).shape(),
            PartialShape({2, 4, 5}));
  Output depth = ops::Placeholder(s, DT_INT32, Scalar());
  EXPECT_EQ(ops::OneHot(s, idx2, depth, 1.0f, 0.0f).shape(),
            PartialShape({2, 5, -1}));
  EXPECT_EQ(
      ops::OneHot(s, ops::Placeholder(s, DT_INT32), 3, 1.0f, 0.0f).shape(),
      PartialShape());
  EXPECT_OK(s.status());
  ops::OneHot(s.WithOpName("axis"), idx, 3, 1.0f, 0.0f, -2);
  ExpectError(s, "axis", "axis must be >= -1");
  Scope s2 = NewRootScope();
  ops::OneHot(s2.WithOpName("depth"), ops::Placeholder(s2, DT_INT32, {4}), -1,
              1.0f, 0.0f);
  ExpectError(s2, "depth", "non-negative");
  Scope s3 = NewRootScope();
  ops::OneHot(s3.WithOpName("types"), ops::Placeholder(s3, DT_INT32, {4}), 3,
              1.0f, 0.0);
  ExpectError(s3, "types");
}

TEST(OneHotTest, AxisLastAndFirst) {
  Scope s = NewRootScope();
  // -1 and 3 are out of [0, 3): all-off rows.
  Output idx = ops::Const(s, I32({0, 2, -1, 1, 3}, {5}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::OneHot(s, idx, 3, 5.0f, -1.0f)),
                     F({5, -1, -1,   //
                        -1, -1, 5,   //
                        -1, -1, -1,  //
                        -1, 5, -1,   //
                        -1, -1, -1},
                       {5, 3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::OneHot(s, idx, 3, 5.0f, -1.0f, 0)),
                     F({5, -1, -1, -1, -1,  //
                        -1, -1, -1, 5, -1,  //
                        -1, 5, -1, -1, -1},
                       {3, 5}));
}

TEST(OneHotTest, MiddleAxisInt64IndicesAndIntValues) {
  Scope s = NewRootScope();
  Output idx = ops::Const(s, I64({1, 0, 0, 1}, {2, 2}));
  // output[i, d, j] = idx[i, j] == d.
  EXPECT_TENSOR_NEAR(Eval(s, ops::OneHot(s, idx, 2, 1, 0, 1)),
                     I32({0, 1, 1, 0,  //
                          1, 0, 0, 1},
                         {2, 2, 2}));
  Output u8 = ops::Const(s, Tensor::FromVector<uint8_t>({2, 0}, {2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::OneHot(s, u8, 3, 1.0, 0.0)),
                     Tensor::FromVector<double>({0, 0, 1, 1, 0, 0}, {2, 3}));
  // Depth 0 gives an empty output.
  EXPECT_EQ(Eval(s, ops::OneHot(s, idx, 0, 1, 0)).shape(),
            TensorShape({2, 2, 0}));
}

// ---- DynamicStitch ----

TEST(DynamicStitchTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s, DT_INT32, {-1});
  Output b = ops::Placeholder(s, DT_INT32, {2});
  Output da = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  Output db = ops::Placeholder(s, DT_FLOAT, {2, -1});
  EXPECT_EQ(ops::DynamicStitch(s, {a, b}, {da, db}).shape(),
            PartialShape({-1, 3}));
  Output stitched = ops::DynamicStitch(
      s, {ops::Const(s, I32({0, 3}, {2})), ops::Const(s, I32({1}, {1}))},
      {ops::Const(s, F({1, 2}, {2})), ops::Const(s, F({3}, {1}))});
  EXPECT_EQ(stitched.shape(), PartialShape({4}));
  EXPECT_EQ(ops::DynamicStitch(s, {a}, {ops::Placeholder(s, DT_FLOAT)}).shape(),
            PartialShape());
  EXPECT_OK(s.status());
  ops::DynamicStitch(s.WithOpName("bad"), {b},
                     {ops::Placeholder(s, DT_FLOAT, {3, 2})});
  ExpectError(s, "bad", "does not start with");
  Scope s2 = NewRootScope();
  ops::DynamicStitch(s2.WithOpName("trail"),
                     {ops::Placeholder(s2, DT_INT32, {2}),
                      ops::Placeholder(s2, DT_INT32, {1})},
                     {ops::Placeholder(s2, DT_FLOAT, {2, 3}),
                      ops::Placeholder(s2, DT_FLOAT, {1, 4})});
  ExpectError(s2, "trail", "trailing dims");
}

TEST(DynamicStitchTest, OverlappingIndicesLaterWin) {
  Scope s = NewRootScope();
  // The shape computation of Sum's gradient: input shape [2,3,4,5] reduced
  // over axes [1,2] keeps those dims as 1.
  Output merged = ops::DynamicStitch(
      s,
      {ops::Const(s, I32({0, 1, 2, 3}, {4})), ops::Const(s, I32({1, 2}, {2}))},
      {ops::Const(s, I32({2, 3, 4, 5}, {4})), ops::Const(s, I32({1, 1}, {2}))});
  EXPECT_EQ(merged.shape(), PartialShape({4}));
  EXPECT_TENSOR_NEAR(Eval(s, merged), I32({2, 1, 1, 5}, {4}));
  // Indices within one input repeat too: the later entry wins.
  Output dup = ops::DynamicStitch(s, {ops::Const(s, I32({1, 1, 0}, {3}))},
                                  {ops::Const(s, F({7, 8, 9}, {3}))});
  EXPECT_TENSOR_NEAR(Eval(s, dup), F({9, 8}, {2}));
}

TEST(DynamicStitchTest, RowsAndMatrixIndices) {
  Scope s = NewRootScope();
  // indices[0] is 2-D: data[0] is indices-shaped followed by the row [2].
  Output i0 = ops::Const(s, I32({6, 4, 1, 0}, {2, 2}));
  Output i1 = ops::Const(s, I32({2, 5, 3}, {3}));
  Output d0 = ops::Const(s, F({60, 61, 40, 41, 10, 11, 0, 1}, {2, 2, 2}));
  Output d1 = ops::Const(s, F({20, 21, 50, 51, 30, 31}, {3, 2}));
  Output merged = ops::DynamicStitch(s, {i0, i1}, {d0, d1});
  EXPECT_EQ(merged.shape(), PartialShape({7, 2}));
  EXPECT_TENSOR_NEAR(
      Eval(s, merged),
      F({0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51, 60, 61}, {7, 2}));
  Output idx = ops::Placeholder(s, DT_INT32, {-1});
  ExpectRunError(s, ops::DynamicStitch(s.WithOpName("neg"), {idx}, {idx}),
                 "neg", {{idx, I32({0, -2}, {2})}}, "negative");
}

// ---- Range ----

TEST(RangeTest, ShapeFunction) {
  Scope s = NewRootScope();
  EXPECT_EQ(ops::Range(s, 0, 5, 1).shape(), PartialShape({5}));
  EXPECT_EQ(ops::Range(s, 0, 5, 2).shape(), PartialShape({3}));
  EXPECT_EQ(ops::Range(s, 5, 0, -2).shape(), PartialShape({3}));
  EXPECT_EQ(ops::Range(s, 1.0f, 2.0f, 0.3f).shape(), PartialShape({4}));
  Output limit = ops::Placeholder(s, DT_INT32, Scalar());
  EXPECT_EQ(ops::Range(s, 0, limit, 1).shape(), PartialShape({-1}));
  EXPECT_OK(s.status());
  ops::Range(s.WithOpName("zero"), 0, 5, 0);
  ExpectError(s, "zero", "delta != 0");
  Scope s2 = NewRootScope();
  ops::Range(s2.WithOpName("dir"), 0, 5, -1);
  ExpectError(s2, "dir", "start >= limit");
  Scope s3 = NewRootScope();
  ops::Range(s3.WithOpName("vec"), ops::Placeholder(s3, DT_INT32, {2}), 5, 1);
  ExpectError(s3, "vec", "scalar");
  Scope s4 = NewRootScope();
  ops::Range(s4.WithOpName("types"), 0, 5.0f, 1);
  ExpectError(s4, "types");
  Scope s5 = NewRootScope();
  ops::Range(s5.WithOpName("huge"), std::numeric_limits<int64_t>::min(),
             std::numeric_limits<int64_t>::max(), int64_t{1});
  ExpectError(s5, "huge", "too large");
}

TEST(RangeTest, HugeRangesAreErrorsAtRunTime) {
  Scope s = NewRootScope();
  Output limit = ops::Placeholder(s, DT_INT64, Scalar());
  Output r = ops::Range(s.WithOpName("r"), std::numeric_limits<int64_t>::min(),
                        limit, int64_t{1});
  ExpectRunError(s, r, "r",
                 {{limit, Tensor::Scalar(std::numeric_limits<int64_t>::max())}},
                 "too large");
  Output flimit = ops::Placeholder(s, DT_FLOAT, Scalar());
  Output fr = ops::Range(s.WithOpName("fr"), 0.0f, flimit, 1e-30f);
  ExpectRunError(s, fr, "fr", {{flimit, Tensor::Scalar(1.0f)}}, "too large");
  EXPECT_TENSOR_NEAR(
      Eval(s, r,
           {{limit, Tensor::Scalar(std::numeric_limits<int64_t>::min() + 2)}}),
      I64({std::numeric_limits<int64_t>::min(),
           std::numeric_limits<int64_t>::min() + 1},
          {2}));
}

TEST(RangeTest, Forward) {
  Scope s = NewRootScope();
  EXPECT_TENSOR_NEAR(Eval(s, ops::Range(s, 0, 5, 1)),
                     I32({0, 1, 2, 3, 4}, {5}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Range(s, 5, 0, -2)), I32({5, 3, 1}, {3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Range(s, 1.0f, 2.0f, 0.3f)),
                     F({1.0, 1.3, 1.6, 1.9}, {4}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Range(s, 2.0, 1.0, -0.5)),
                     Tensor::FromVector<double>({2.0, 1.5}, {2}));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::Range(s, int64_t{-3}, int64_t{3}, int64_t{4})),
      I64({-3, 1}, {2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Range(s, 3, 3, 1)), I32({}, {0}));
  Output delta = ops::Placeholder(s, DT_FLOAT, Scalar());
  Output r = ops::Range(s.WithOpName("r"), 0.0f, 1.0f, delta);
  EXPECT_EQ(r.shape(), PartialShape({-1}));
  EXPECT_TENSOR_NEAR(Eval(s, r, {{delta, Tensor::Scalar(0.25f)}}),
                     F({0, 0.25, 0.5, 0.75}, {4}));
  ExpectRunError(s, r, "r", {{delta, Tensor::Scalar(0.0f)}}, "delta != 0");
  ExpectRunError(s, r, "r", {{delta, Tensor::Scalar(-1.0f)}}, "start >= limit");
}

// ---- Where ----

TEST(WhereTest, ShapeAndForward) {
  Scope s = NewRootScope();
  Output b = ops::Placeholder(s, DT_BOOL, {-1, 2});
  Output w = ops::Where(s, b);
  EXPECT_EQ(w.shape(), PartialShape({-1, 2}));
  EXPECT_EQ(w.dtype(), DT_INT64);
  EXPECT_EQ(ops::Where(s, ops::Placeholder(s, DT_BOOL)).shape(),
            PartialShape({-1, -1}));
  EXPECT_TENSOR_NEAR(
      Eval(s, w,
           {{b, Tensor::FromVector<bool>({true, false, false, true, true, true},
                                         {3, 2})}}),
      I64({0, 0, 1, 1, 2, 0, 2, 1}, {4, 2}));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::Where(s, ops::Const(s, F({0, 3, 0, -1}, {4})))),
      I64({1, 3}, {2, 1}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Where(s, ops::Const(s, F({0, 0}, {2})))),
                     I64({}, {0, 1}));
  ops::Where(s.WithOpName("where"), Output());
  ExpectError(s, "where", "invalid Output");
}

// ---- StopGradient, PreventGradient, IdentityN ----

TEST(PassThroughTest, ShapesAndValues) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 2});
  Output stop = ops::StopGradient(s, x);
  Output prevent = ops::PreventGradient(s, x, "no second derivative");
  EXPECT_EQ(stop.shape(), PartialShape({-1, 2}));
  EXPECT_EQ(prevent.shape(), PartialShape({-1, 2}));
  EXPECT_EQ(*prevent.node->FindAttr<std::string>("message"),
            "no second derivative");
  EXPECT_TRUE(stop.node->op_def().no_gradient);
  Output i = ops::Const(s, I64({4, 5}, {2}));
  OutputList n = ops::IdentityN(s, {x, i});
  ASSERT_EQ(n.size(), 2u) << s.status();
  EXPECT_EQ(n[0].shape(), PartialShape({-1, 2}));
  EXPECT_EQ(n[1].shape(), PartialShape({2}));
  EXPECT_EQ(n[1].dtype(), DT_INT64);
  Tensor value = F({1, 2, 3, 4}, {2, 2});
  auto out = EvalAll(s, {stop, prevent, n[0], n[1]}, {{x, value}});
  EXPECT_TENSOR_NEAR(out[0], value);
  EXPECT_TENSOR_NEAR(out[1], value);
  EXPECT_TENSOR_NEAR(out[2], value);
  EXPECT_TENSOR_NEAR(out[3], I64({4, 5}, {2}));
  EXPECT_TRUE(out[0].SharesBufferWith(value));
}

TEST(PassThroughTest, UnknownRankAndBadInput) {
  Scope s = NewRootScope();
  EXPECT_EQ(ops::StopGradient(s, ops::Placeholder(s, DT_INT32)).shape(),
            PartialShape());
  EXPECT_EQ(ops::IdentityN(s, {ops::Placeholder(s, DT_BOOL)})[0].shape(),
            PartialShape());
  ops::PreventGradient(s.WithOpName("bad"), Output());
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.status().message(), "'bad'"));
}

}  // namespace
}  // namespace graphflow
