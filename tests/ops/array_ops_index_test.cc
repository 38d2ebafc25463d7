// Array ops that build index tensors, permute or pass values through:
// OneHot, Range, Where, Transpose, InvertPermutation, StopGradient,
// PreventGradient, IdentityN.
#include <limits>

#include "tests/ops/array_ops_test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalAll;
using testing::ExpectError;
using testing::ExpectRunError;
using testing::F;
using testing::Gather;
using testing::I32;
using testing::I64;
using testing::Iota;
using testing::Ph;
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

// ---- Transpose ----

TEST(TransposeTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  EXPECT_EQ(ops::Transpose(s, x, {1, 0}).shape(), PartialShape({3, -1}));
  EXPECT_EQ(ops::Transpose(s, x, ops::Placeholder(s, DT_INT32, {2})).shape(),
            PartialShape::UnknownOfRank(2));
  EXPECT_EQ(ops::Transpose(s, ops::Placeholder(s, DT_FLOAT), {2, 0, 1}).shape(),
            PartialShape::UnknownOfRank(3));
  EXPECT_OK(s.status());
  ops::Transpose(s.WithOpName("dup"), x, {1, 1});
  ExpectError(s, "dup", "duplicated");
  Scope s2 = NewRootScope();
  ops::Transpose(s2.WithOpName("rank"), ops::Placeholder(s2, DT_FLOAT, {2, 3}),
                 {0, 1, 2});
  ExpectError(s2, "rank", "3 entries");
}

TEST(TransposeTest, Forward) {
  Scope s = NewRootScope();
  Output x = ops::Const(s, F({1, 2, 3, 4, 5, 6}, {2, 3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Transpose(s, x, {1, 0})),
                     F({1, 4, 2, 5, 3, 6}, {3, 2}));
  Output i8 =
      ops::Const(s, Tensor::FromVector<int8_t>({1, 2, 3, 4, 5, 6}, {3, 2}));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::Transpose(s, i8, ops::Const(s, I64({1, 0}, {2})))),
      Tensor::FromVector<int8_t>({1, 3, 5, 2, 4, 6}, {2, 3}));
  Tensor value = Iota({2, 3, 4});
  Output y = ops::Const(s, value);
  const std::vector<std::vector<int>> perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                               {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (const auto& p : perms) {
    Tensor t(DT_INT32, {3});
    std::copy(p.begin(), p.end(), t.data<int32_t>());
    TensorShape out_shape({value.dim(p[0]), value.dim(p[1]), value.dim(p[2])});
    Tensor expected = Gather(value, out_shape, [&](const DimVector& i) {
      DimVector in(3);
      for (int j = 0; j < 3; ++j) in[p[j]] = i[j];
      return in;
    });
    Tensor out = Eval(s, ops::Transpose(s, y, ops::Const(s, t)));
    EXPECT_TENSOR_NEAR(out, expected) << p[0] << p[1] << p[2];
    if (p == std::vector<int>{0, 1, 2}) {
      EXPECT_TRUE(out.SharesBufferWith(value));
    }
  }
  Output perm = ops::Placeholder(s, DT_INT32, {2});
  ExpectRunError(s, ops::Transpose(s.WithOpName("tr"), x, perm), "tr",
                 {{perm, I32({0, 2}, {2})}}, "out of range");
}

TEST(TransposeTest, LargeMatchesReference) {
  Scope s = NewRootScope();
  // A matrix transpose (the tiled path) and NHWC -> NCHW.
  Tensor m = Iota({500, 300});
  EXPECT_TENSOR_NEAR(Eval(s, ops::Transpose(s, ops::Const(s, m), {1, 0})),
                     Gather(m, {300, 500}, [](const DimVector& i) {
                       return DimVector{i[1], i[0]};
                     }));
  Tensor nhwc = Iota({4, 30, 20, 16});
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::Transpose(s, ops::Const(s, nhwc), {0, 3, 1, 2})),
      Gather(nhwc, {4, 16, 30, 20}, [](const DimVector& i) {
        return DimVector{i[0], i[2], i[3], i[1]};
      }));
  Tensor odd = Iota({7, 33, 3, 65});
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::Transpose(s, ops::Const(s, odd), {3, 1, 0, 2})),
      Gather(odd, {65, 33, 7, 3}, [](const DimVector& i) {
        return DimVector{i[2], i[1], i[3], i[0]};
      }));
}

// ---- InvertPermutation ----

TEST(InvertPermutationTest, ValuesAndShapes) {
  Scope s = NewRootScope();
  EXPECT_TENSOR_NEAR(Eval(s, ops::InvertPermutation(s, I32({2, 0, 3, 1}, {4}))),
                     I32({1, 3, 0, 2}, {4}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::InvertPermutation(s, I64({0}, {1}))),
                     I64({0}, {1}));
  EXPECT_EQ(ops::InvertPermutation(s, I32({1, 0}, {2})).shape(),
            PartialShape({2}));
  EXPECT_EQ(ops::InvertPermutation(s, Ph(s, PartialShape(), DT_INT32)).shape(),
            PartialShape({-1}));
  Output x = Ph(s, {-1}, DT_INT32);
  Output y = ops::InvertPermutation(s.WithOpName("inv"), x);
  ExpectRunError(s, y, "inv", {{x, I32({0, 0}, {2})}}, "duplicated");
  ExpectRunError(s, y, "inv", {{x, I32({0, 2}, {2})}}, "not between");
  ops::InvertPermutation(s.WithOpName("m"), I32({0, 1}, {1, 2}));
  ExpectError(s, "m");
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
