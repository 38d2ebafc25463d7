// The helper ops of the array gradients: ConcatOffset, Pad, PadV2,
// InvertPermutation, StridedSliceGrad, Gather, GatherV2, Split and SplitV.
#include "ops/math_ops.h"
#include "ops/reduction_ops.h"
#include "tests/ops/array_ops_test_util.h"
#include "tests/support/gradient_checker.h"

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

Output Ph(const Scope& s, const PartialShape& shape = PartialShape(),
          DataType dtype = DT_FLOAT) {
  return ops::Placeholder(s, dtype, shape);
}

// ---- ConcatOffset ----

TEST(ConcatOffsetTest, OffsetsAlongTheAxis) {
  for (int axis : {1, -2}) {
    Scope s = NewRootScope();
    OutputList off = ops::ConcatOffset(
        s, axis,
        {I32({2, 2, 7}, {3}), I32({2, 3, 7}, {3}), I32({2, 5, 7}, {3})});
    ASSERT_EQ(off.size(), 3u);
    EXPECT_EQ(off[0].shape(), PartialShape({3}));
    std::vector<Tensor> v = EvalAll(s, off);
    EXPECT_TENSOR_NEAR(v[0], I32({0, 0, 0}, {3}));
    EXPECT_TENSOR_NEAR(v[1], I32({0, 2, 0}, {3}));
    EXPECT_TENSOR_NEAR(v[2], I32({0, 5, 0}, {3}));
  }
}

TEST(ConcatOffsetTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output dim = Ph(s, PartialShape(), DT_INT32);
  Output a = Ph(s, {-1}, DT_INT32), b = Ph(s, PartialShape(), DT_INT32);
  OutputList off = ops::ConcatOffset(s, dim, {a, b});
  EXPECT_EQ(off[0].shape(), PartialShape({-1}));
  EXPECT_EQ(off[1].shape(), PartialShape({-1}));
  Output c = Ph(s, {2}, DT_INT32);
  EXPECT_EQ(ops::ConcatOffset(s, dim, {a, c})[0].shape(), PartialShape({2}));
  ops::ConcatOffset(s.WithOpName("bad"), 0, {c, Ph(s, {3}, DT_INT32)});
  ExpectError(s, "bad", "has 3 elements");

  Scope s2 = NewRootScope();
  ops::ConcatOffset(s2.WithOpName("dim"), I32({0}, {1}),
                    {I32({1}, {1}), I32({2}, {1})});
  ExpectError(s2, "dim");
  Scope s3 = NewRootScope();
  ops::ConcatOffset(s3.WithOpName("range"), 2,
                    {I32({1, 2}, {2}), I32({2, 2}, {2})});
  ExpectError(s3, "range", "out of range");
}

TEST(ConcatOffsetTest, MismatchedShapesFailAtRunTime) {
  Scope s = NewRootScope();
  Output a = Ph(s, {-1}, DT_INT32);
  OutputList off =
      ops::ConcatOffset(s.WithOpName("co"), 0, {a, I32({2, 3}, {2})});
  ExpectRunError(s, off[0], "co", {{a, I32({2, 4}, {2})}}, "must match");
  ExpectRunError(s, off[0], "co", {{a, I32({2, 4, 1}, {3})}}, "elements");
}

// ---- Pad, PadV2 ----

TEST(PadTest, ZerosAndAConstant) {
  Scope s = NewRootScope();
  Output x = ops::Const(s, Iota({2, 3}));
  Output y = ops::Pad(s, x, I32({1, 0, 2, 1}, {2, 2}));
  EXPECT_EQ(y.shape(), PartialShape({3, 6}));
  EXPECT_TENSOR_NEAR(Eval(s, y), F({0, 0, 0, 0, 0, 0,  //
                                    0, 0, 0, 1, 2, 0,  //
                                    0, 0, 3, 4, 5, 0},
                                   {3, 6}));
  Output v2 = ops::PadV2(s, x, I64({0, 1, 1, 0}, {2, 2}), 9.0f);
  EXPECT_TENSOR_NEAR(Eval(s, v2), F({9, 0, 1, 2,  //
                                     9, 3, 4, 5,  //
                                     9, 9, 9, 9},
                                    {3, 4}));
  Output i = ops::Pad(s, I32({7, 8}, {2}), I32({2, 1}, {1, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, i), I32({0, 0, 7, 8, 0}, {5}));
  Output same = ops::Pad(s, x, I32({0, 0, 0, 0}, {2, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, same), Iota({2, 3}));
  Output scalar = ops::Pad(s, 2.0f, Tensor(DT_INT32, {0, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, scalar), Tensor::Scalar(2.0f));
}

TEST(PadTest, LargeInputMatchesAPlainLoop) {
  Scope s = NewRootScope();
  Tensor x = testing::RandomTensor(DT_FLOAT, {37, 41, 3}, 3);
  Output y = ops::Pad(s, ops::Const(s, x), I32({2, 3, 0, 5, 1, 1}, {3, 2}));
  Tensor got = Eval(s, y);
  ASSERT_EQ(got.shape(), TensorShape({42, 46, 5}));
  for (int i = 0; i < 42; ++i) {
    for (int j = 0; j < 46; ++j) {
      for (int k = 0; k < 5; ++k) {
        bool inside = i >= 2 && i < 39 && j < 41 && k >= 1 && k < 4;
        float want =
            inside ? x.data<float>()[((i - 2) * 41 + j) * 3 + k - 1] : 0;
        ASSERT_EQ(got.data<float>()[(i * 46 + j) * 5 + k], want);
      }
    }
  }
}

TEST(PadTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output x = Ph(s, {-1, 3});
  EXPECT_EQ(ops::Pad(s, x, I32({1, 1, 0, 2}, {2, 2})).shape(),
            PartialShape({-1, 5}));
  EXPECT_EQ(ops::Pad(s, Ph(s), I32({1, 1, 0, 2}, {2, 2})).shape(),
            PartialShape({-1, -1}));
  Output p = Ph(s, PartialShape(), DT_INT32);
  EXPECT_EQ(ops::Pad(s, x, p).shape(), PartialShape({-1, -1}));
  EXPECT_TRUE(ops::Pad(s, Ph(s), p).shape().unknown_rank());
  EXPECT_EQ(ops::Pad(s, Ph(s), Ph(s, {4, 2}, DT_INT32)).shape(),
            PartialShape::UnknownOfRank(4));
  ASSERT_OK(s.status());

  Scope b1 = NewRootScope();
  ops::Pad(b1.WithOpName("p"), Ph(b1, {2, 3}), I32({1, 1, 1}, {1, 3}));
  ExpectError(b1, "p", "[rank, 2]");
  Scope b2 = NewRootScope();
  ops::Pad(b2.WithOpName("p"), Ph(b2, {2, 3}), I32({1, 1}, {1, 2}));
  ExpectError(b2, "p", "do not match");
  Scope b3 = NewRootScope();
  ops::Pad(b3.WithOpName("p"), Ph(b3, {2}), I32({1, -1}, {1, 2}));
  ExpectError(b3, "p", "non-negative");
  Scope b4 = NewRootScope();
  ops::PadV2(b4.WithOpName("p"), Ph(b4, {2}), I32({1, 1}, {1, 2}),
             ops::Const(b4, {1, 2}, {2}));
  ExpectError(b4, "p", "scalar");
}

TEST(PadTest, BadPaddingsFailAtRunTime) {
  Scope s = NewRootScope();
  Output p = Ph(s, PartialShape(), DT_INT32);
  Output y = ops::Pad(s.WithOpName("pad"), ops::Const(s, Iota({2})), p);
  ExpectRunError(s, y, "pad", {{p, I32({1, -2}, {1, 2})}}, "non-negative");
  ExpectRunError(s, y, "pad", {{p, I32({1, 2, 0, 0}, {2, 2})}}, "[1, 2]");
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

// ---- StridedSliceGrad ----

TEST(StridedSliceGradTest, ScattersDyWhereTheSliceReads) {
  Scope s = NewRootScope();
  // x[::2, 4::-3] of a [3, 5].
  Output g = ops::StridedSliceGrad(s, {3, 5}, {0, 4}, {0, 0}, {2, -3},
                                   ops::Const(s, {1, 2, 3, 4}, {2, 2}),
                                   {.begin_mask = 1, .end_mask = 3});
  EXPECT_EQ(g.shape(), PartialShape({3, 5}));
  EXPECT_TENSOR_NEAR(Eval(s, g), F({0, 2, 0, 0, 1,  //
                                    0, 0, 0, 0, 0,  //
                                    0, 4, 0, 0, 3},
                                   {3, 5}));
  // x[1] (shrink) of a [3, 2].
  Output row = ops::StridedSliceGrad(
      s, I64({3, 2}, {2}), I64({1}, {1}), I64({2}, {1}), I64({1}, {1}),
      ops::Const(s, {5, 6}, {2}), {.shrink_axis_mask = 1});
  EXPECT_TENSOR_NEAR(Eval(s, row), F({0, 0, 5, 6, 0, 0}, {3, 2}));
  // x[..., tf.newaxis, 1:] of a [2, 2].
  Output na = ops::StridedSliceGrad(s, {2, 2}, {0, 0, 1}, {0, 0, 2}, {1, 1, 1},
                                    ops::Const(s, {7, 8}, {2, 1, 1}),
                                    {.ellipsis_mask = 1, .new_axis_mask = 2});
  EXPECT_TENSOR_NEAR(Eval(s, na), F({0, 7, 0, 8}, {2, 2}));
}

// <StridedSlice(x), dy> == <x, StridedSliceGrad(dy)>: the two are adjoint.
TEST(StridedSliceGradTest, IsTheAdjointOfStridedSlice) {
  struct Case {
    std::vector<int> begin, end, strides;
    ops::StridedSliceAttrs attrs;
  };
  const Case cases[] = {
      {{1, -1, 0}, {0, 0, 9}, {1, -2, 3}, {.end_mask = 3}},
      {{-2, 0}, {0, 3}, {-1, 1}, {.end_mask = 1, .new_axis_mask = 0}},
      {{0, 2}, {0, 0}, {1, -1}, {.end_mask = 2, .ellipsis_mask = 1}},
  };
  for (const Case& c : cases) {
    Scope s = NewRootScope();
    auto vec = [](const std::vector<int>& v) {
      return Tensor::FromVector<int32_t>(v, {static_cast<int64_t>(v.size())});
    };
    Tensor xv = testing::RandomTensor(DT_DOUBLE, {6, 7, 9}, 5);
    Output x = ops::Const(s, xv);
    Output y = ops::StridedSlice(s, x, vec(c.begin), vec(c.end), vec(c.strides),
                                 c.attrs);
    Tensor yv = Eval(s, y);
    Output dy = ops::Const(s, testing::RandomTensor(DT_DOUBLE, yv.shape(), 6));
    Output g = ops::StridedSliceGrad(s, {6, 7, 9}, vec(c.begin), vec(c.end),
                                     vec(c.strides), dy, c.attrs);
    Output lhs =
        ops::Sum(s, ops::Mul(s, y, dy), ops::Range(s, 0, ops::Rank(s, y), 1));
    Output rhs = ops::Sum(s, ops::Mul(s, x, g), {0, 1, 2});
    std::vector<Tensor> v = EvalAll(s, {lhs, rhs});
    EXPECT_NEAR(v[0].data<double>()[0], v[1].data<double>()[0], 1e-9);
  }
}

TEST(StridedSliceGradTest, ShapeFunctionAndErrors) {
  Scope s = NewRootScope();
  Output x = Ph(s, {-1, 4});
  Output dy = Ph(s);
  Output g = ops::StridedSliceGrad(s, ops::Shape(s, x), {0}, {1}, {1}, dy);
  EXPECT_EQ(g.shape(), PartialShape({-1, 4}));
  Output unknown = ops::StridedSliceGrad(s, Ph(s, PartialShape(), DT_INT32),
                                         {0}, {1}, {1}, dy);
  EXPECT_TRUE(unknown.shape().unknown_rank());
  Output bad_dy =
      ops::StridedSliceGrad(s.WithOpName("ssg"), {3, 2}, {0}, {2}, {1}, dy);
  ExpectRunError(s, bad_dy, "ssg", {{dy, F({1, 2}, {2})}}, "shape of dy");
  ASSERT_OK(s.status());
  ops::StridedSliceGrad(s.WithOpName("m"), I32({3, 2}, {1, 2}), {0}, {2}, {1},
                        dy);
  ExpectError(s, "m");
  Scope s2 = NewRootScope();
  ops::StridedSliceGrad(s2.WithOpName("neg"), {3, -2}, {0}, {2}, {1}, Ph(s2));
  ExpectError(s2, "neg", "non-negative");
}

// ---- Gather, GatherV2 ----

TEST(GatherTest, RowsColumnsAndBatches) {
  Scope s = NewRootScope();
  Output p = ops::Const(s, Iota({3, 2}));
  Output rows = ops::GatherV2(s, p, I32({2, 0, 2}, {3}), 0);
  EXPECT_EQ(rows.shape(), PartialShape({3, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, rows), F({4, 5, 0, 1, 4, 5}, {3, 2}));
  Output cols = ops::GatherV2(s, p, I64({1, 1, 0, 0}, {2, 2}), -1);
  EXPECT_EQ(cols.shape(), PartialShape({3, 2, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, cols),
                     F({1, 1, 0, 0, 3, 3, 2, 2, 5, 5, 4, 4}, {3, 2, 2}));
  // batch_dims 1: out[b, i] = p[b, idx[b, i]].
  Output batch = ops::GatherV2(s, p, I32({1, 0, 0, 0, 1, 1}, {3, 2}), 1, 1);
  EXPECT_EQ(batch.shape(), PartialShape({3, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, batch), F({1, 0, 2, 2, 5, 5}, {3, 2}));
  Output v1 = ops::Gather(s, p, I32({1}, {}));
  EXPECT_EQ(v1.shape(), PartialShape({2}));
  EXPECT_TENSOR_NEAR(Eval(s, v1), F({2, 3}, {2}));
  Output ints = ops::GatherV2(s, I32({5, 6, 7}, {3}), I32({2, 2}, {2}), 0);
  EXPECT_TENSOR_NEAR(Eval(s, ints), I32({7, 7}, {2}));
}

TEST(GatherTest, ShapeFunctionAndErrors) {
  Scope s = NewRootScope();
  Output p = Ph(s, {-1, 4, 5});
  Output i = Ph(s, {2, -1}, DT_INT32);
  EXPECT_EQ(ops::GatherV2(s, p, i, 1).shape(), PartialShape({-1, 2, -1, 5}));
  Output axis = Ph(s, PartialShape(), DT_INT32);
  EXPECT_EQ(ops::GatherV2(s, p, i, axis).shape(),
            PartialShape::UnknownOfRank(4));
  EXPECT_TRUE(ops::GatherV2(s, Ph(s), i, 0).shape().unknown_rank());
  EXPECT_EQ(ops::Gather(s, p, i).shape(), PartialShape({2, -1, 4, 5}));
  ASSERT_OK(s.status());
  Output idx = Ph(s, {-1}, DT_INT32);
  Output g = ops::GatherV2(s.WithOpName("g"), ops::Const(s, Iota({3})), idx, 0);
  ExpectRunError(s, g, "g", {{idx, I32({0, 3}, {2})}}, "not in [0, 3)");
  ExpectRunError(s, g, "g", {{idx, I32({-1}, {1})}}, "not in [0, 3)");

  Scope b1 = NewRootScope();
  ops::GatherV2(b1.WithOpName("ax"), Ph(b1, {2, 3}),
                Ph(b1, PartialShape(), DT_INT32), 2);
  ExpectError(b1, "ax", "out of range");
  Scope b2 = NewRootScope();
  ops::Gather(b2.WithOpName("sc"), 1.0f, I32({0}, {1}));
  ExpectError(b2, "sc", "rank at least 1");
  Scope b3 = NewRootScope();
  ops::GatherV2(b3.WithOpName("bd"), Ph(b3, {2, 3}), Ph(b3, {3, 1}, DT_INT32),
                1, 1);
  ExpectError(b3, "bd", "must equal");
}

// ---- Split, SplitV ----

TEST(SplitTest, EqualAndSizedParts) {
  Scope s = NewRootScope();
  Output x = ops::Const(s, Iota({2, 4}));
  OutputList halves = ops::Split(s, -1, x, 2);
  ASSERT_EQ(halves.size(), 2u);
  EXPECT_EQ(halves[1].shape(), PartialShape({2, 2}));
  std::vector<Tensor> v = EvalAll(s, halves);
  EXPECT_TENSOR_NEAR(v[0], F({0, 1, 4, 5}, {2, 2}));
  EXPECT_TENSOR_NEAR(v[1], F({2, 3, 6, 7}, {2, 2}));
  OutputList parts = ops::SplitV(s, x, I64({1, -1, 0}, {3}), 1, 3);
  EXPECT_EQ(parts[1].shape(), PartialShape({2, 3}));
  EXPECT_EQ(parts[2].shape(), PartialShape({2, 0}));
  v = EvalAll(s, parts);
  EXPECT_TENSOR_NEAR(v[0], F({0, 4}, {2, 1}));
  EXPECT_TENSOR_NEAR(v[1], F({1, 2, 3, 5, 6, 7}, {2, 3}));
  EXPECT_EQ(v[2].shape(), TensorShape({2, 0}));
  OutputList rows = ops::SplitV(s, x, I32({2}, {1}), 0, 1);
  EXPECT_TENSOR_NEAR(Eval(s, rows[0]), Iota({2, 4}));
}

TEST(SplitTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output x = Ph(s, {-1, 6});
  EXPECT_EQ(ops::Split(s, 1, x, 3)[0].shape(), PartialShape({-1, 2}));
  EXPECT_EQ(ops::Split(s, 0, x, 3)[0].shape(), PartialShape({-1, 6}));
  Output dim = Ph(s, PartialShape(), DT_INT32);
  EXPECT_EQ(ops::Split(s, dim, x, 3)[0].shape(),
            PartialShape::UnknownOfRank(2));
  EXPECT_TRUE(ops::Split(s, 0, Ph(s), 2)[0].shape().unknown_rank());
  Output sizes = Ph(s, {2}, DT_INT32);
  EXPECT_EQ(ops::SplitV(s, x, sizes, 1, 2)[0].shape(), PartialShape({-1, -1}));
  EXPECT_EQ(ops::SplitV(s, x, I32({-1, 4}, {2}), 1, 2)[0].shape(),
            PartialShape({-1, 2}));
  EXPECT_TRUE(ops::SplitV(s, Ph(s), sizes, 0, 2)[0].shape().unknown_rank());
  ASSERT_OK(s.status());

  Scope b1 = NewRootScope();
  ops::Split(b1.WithOpName("sp"), 1, Ph(b1, {2, 5}), 2);
  ExpectError(b1, "sp", "evenly divide");
  Scope b2 = NewRootScope();
  ops::SplitV(b2.WithOpName("sv"), Ph(b2, {2, 5}), I32({1, 2}, {2}), 1, 2);
  ExpectError(b2, "sv", "can't split axis of size 5");
  Scope b3 = NewRootScope();
  ops::SplitV(b3.WithOpName("sv"), Ph(b3, {2, 5}), I32({-1, -1}, {2}), 1, 2);
  ExpectError(b3, "sv", "one -1");
  Scope b4 = NewRootScope();
  ops::Split(b4.WithOpName("ax"), 2, Ph(b4, {2, 5}), 1);
  ExpectError(b4, "ax", "out of range");
}

TEST(SplitTest, BadSizesFailAtRunTime) {
  Scope s = NewRootScope();
  Output sizes = Ph(s, {-1}, DT_INT32);
  Output x = ops::Const(s, Iota({6}));
  OutputList parts = ops::SplitV(s.WithOpName("sv"), x, sizes, 0, 2);
  ExpectRunError(s, parts[0], "sv", {{sizes, I32({2, 2}, {2})}}, "can't split");
  ExpectRunError(s, parts[0], "sv", {{sizes, I32({2, 2, 2}, {3})}},
                 "num_split is 2");
  ExpectRunError(s, parts[0], "sv", {{sizes, I32({-2, 8}, {2})}},
                 "non-negative");
  Output dim = Ph(s, PartialShape(), DT_INT32);
  OutputList three = ops::Split(s.WithOpName("sp"), dim, x, 4);
  ExpectRunError(s, three[0], "sp", {{dim, Tensor::Scalar<int32_t>(0)}},
                 "evenly divide");
}

}  // namespace
}  // namespace graphflow
