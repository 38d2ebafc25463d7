// The array_slice family: Slice, StridedSlice (TF 1.x indexing patterns),
// StridedSliceGrad, Gather, GatherV2, Split, SplitV and Unpack; large cases
// (threaded, tiled paths) against plain index loops.
#include <functional>

#include "ops/math_ops.h"
#include "ops/reduction_ops.h"
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

Output SS(const Scope& s, Input x, std::initializer_list<int> begin,
          std::initializer_list<int> end, std::initializer_list<int> strides,
          const ops::StridedSliceAttrs& attrs = {}) {
  return ops::StridedSlice(s, x, begin, end, strides, attrs);
}

// ---- Slice ----

TEST(SliceTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 5, 6});
  EXPECT_EQ(ops::Slice(s, x, {0, 1, 2}, {-1, 2, -1}).shape(),
            PartialShape({-1, 2, 4}));
  Output begin = ops::Placeholder(s, DT_INT32, {3});
  EXPECT_EQ(ops::Slice(s, x, begin, {1, 2, -1}).shape(),
            PartialShape({1, 2, -1}));
  EXPECT_EQ(ops::Slice(s, x, begin, begin).shape(),
            PartialShape::UnknownOfRank(3));
  EXPECT_EQ(
      ops::Slice(s, ops::Placeholder(s, DT_FLOAT), {1, 1}, {2, -1}).shape(),
      PartialShape({2, -1}));
  EXPECT_OK(s.status());
  ops::Slice(s.WithOpName("len"), x, {0, 0}, {1, 1});
  ExpectError(s, "len", "one entry per input dimension");
  Scope s2 = NewRootScope();
  ops::Slice(s2.WithOpName("past"), ops::Placeholder(s2, DT_FLOAT, {4, 5}),
             {1, 2}, {2, 4});
  ExpectError(s2, "past", "exceeds dimension 1");
}

TEST(SliceTest, Forward) {
  Scope s = NewRootScope();
  Tensor value = Iota({3, 4});
  Output x = ops::Const(s, value);
  EXPECT_TENSOR_NEAR(Eval(s, ops::Slice(s, x, {1, 1}, {2, 2})),
                     F({5, 6, 9, 10}, {2, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Slice(s, x, {1, 0}, {-1, -1})),
                     F({4, 5, 6, 7, 8, 9, 10, 11}, {2, 4}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Slice(s, x, {0, 3}, {-1, 1})),
                     F({3, 7, 11}, {3, 1}));
  EXPECT_EQ(Eval(s, ops::Slice(s, x, {0, 2}, {3, 0})).shape(),
            TensorShape({3, 0}));
  Tensor whole = Eval(s, ops::Slice(s, x, {0, 0}, {-1, -1}));
  EXPECT_TRUE(whole.SharesBufferWith(value));
  Output b64 = ops::Const(s, I64({2, 1}, {2}));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::Slice(s, x, b64, ops::Const(s, I64({1, 2}, {2})))),
      F({9, 10}, {1, 2}));
  Output p = ops::Placeholder(s, DT_INT32, {2});
  ExpectRunError(s, ops::Slice(s.WithOpName("sl"), x, p, {2, 2}), "sl",
                 {{p, I32({2, 0}, {2})}}, "size[0]");
  Output size64 = ops::Placeholder(s, DT_INT64, {2});
  ExpectRunError(s,
                 ops::Slice(s.WithOpName("huge"), x,
                            ops::Const(s, I64({1, 0}, {2})), size64),
                 "huge",
                 {{size64, I64({std::numeric_limits<int64_t>::max(), 1}, {2})}},
                 "size[0]");
}

TEST(SliceTest, LargeMatchesReference) {
  Scope s = NewRootScope();
  TensorShape shape({20, 60, 70});
  Tensor value = Iota(shape);
  Tensor out =
      Eval(s, ops::Slice(s, ops::Const(s, value), {3, 5, 7}, {15, 50, -1}));
  Tensor expected = Gather(value, {15, 50, 63}, [](const DimVector& i) {
    return DimVector{i[0] + 3, i[1] + 5, i[2] + 7};
  });
  EXPECT_TENSOR_NEAR(out, expected);
}

// ---- StridedSlice ----

TEST(StridedSliceTest, CommonPythonIndexing) {
  Scope s = NewRootScope();
  Output x = ops::Const(s, Iota({3, 4}));
  // x[:, 0]
  Output col = SS(s, x, {0, 0}, {0, 1}, {1, 1},
                  {.begin_mask = 1, .end_mask = 1, .shrink_axis_mask = 2});
  EXPECT_EQ(col.shape(), PartialShape({3}));
  EXPECT_TENSOR_NEAR(Eval(s, col), F({0, 4, 8}, {3}));
  // x[1:3]
  Output rows = SS(s, x, {1}, {3}, {1});
  EXPECT_EQ(rows.shape(), PartialShape({2, 4}));
  EXPECT_TENSOR_NEAR(Eval(s, rows), F({4, 5, 6, 7, 8, 9, 10, 11}, {2, 4}));
  // x[-1]
  Output last = SS(s, x, {-1}, {0}, {1}, {.shrink_axis_mask = 1});
  EXPECT_EQ(last.shape(), PartialShape({4}));
  EXPECT_TENSOR_NEAR(Eval(s, last), F({8, 9, 10, 11}, {4}));
  // x[..., :2]
  Output head =
      SS(s, x, {0, 0}, {0, 2}, {1, 1}, {.begin_mask = 2, .ellipsis_mask = 1});
  EXPECT_EQ(head.shape(), PartialShape({3, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, head), F({0, 1, 4, 5, 8, 9}, {3, 2}));
  // x[::-1]
  Output rev = SS(s, x, {0}, {0}, {-1}, {.begin_mask = 1, .end_mask = 1});
  EXPECT_TENSOR_NEAR(Eval(s, rev),
                     F({8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3}, {3, 4}));
  // x[:, ::2]
  Output even =
      SS(s, x, {0, 0}, {0, 0}, {1, 2}, {.begin_mask = 3, .end_mask = 3});
  EXPECT_TENSOR_NEAR(Eval(s, even), F({0, 2, 4, 6, 8, 10}, {3, 2}));
  // x[1:, tf.newaxis, -2:]
  Output na = SS(s, x, {1, 0, -2}, {0, 0, 0}, {1, 1, 1},
                 {.end_mask = 5, .new_axis_mask = 2});
  EXPECT_EQ(na.shape(), PartialShape({2, 1, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, na), F({6, 7, 10, 11}, {2, 1, 2}));
  // x[:, -1:0:-1]
  Output back =
      SS(s, x, {0, -1}, {0, 0}, {1, -1}, {.begin_mask = 1, .end_mask = 1});
  EXPECT_TENSOR_NEAR(Eval(s, back), F({3, 2, 1, 7, 6, 5, 11, 10, 9}, {3, 3}));
  // x[5:10] clamps to empty.
  Output none = SS(s, x, {5}, {10}, {1});
  EXPECT_EQ(none.shape(), PartialShape({0, 4}));
  EXPECT_EQ(Eval(s, none).shape(), TensorShape({0, 4}));
}

TEST(StridedSliceTest, EllipsisInThreeDims) {
  Scope s = NewRootScope();
  Output y = ops::Const(s, Iota({2, 3, 4}));
  // y[..., 1]
  Output a = SS(s, y, {0, 1}, {0, 2}, {1, 1},
                {.ellipsis_mask = 1, .shrink_axis_mask = 2});
  EXPECT_EQ(a.shape(), PartialShape({2, 3}));
  EXPECT_TENSOR_NEAR(Eval(s, a), F({1, 5, 9, 13, 17, 21}, {2, 3}));
  // y[1, ..., ::-2]
  Output b = SS(s, y, {1, 0, 0}, {2, 0, 0}, {1, 1, -2},
                {.begin_mask = 4,
                 .end_mask = 4,
                 .ellipsis_mask = 2,
                 .shrink_axis_mask = 1});
  EXPECT_EQ(b.shape(), PartialShape({3, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, b), F({15, 13, 19, 17, 23, 21}, {3, 2}));
  // y[tf.newaxis, ..., 0] on int64 values.
  Output c =
      SS(s, ops::Const(s, I64({1, 2, 3, 4}, {2, 2})), {0, 0, 0}, {0, 0, 1},
         {1, 1, 1},
         {.ellipsis_mask = 2, .new_axis_mask = 1, .shrink_axis_mask = 4});
  EXPECT_EQ(c.shape(), PartialShape({1, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, c), I64({1, 3}, {1, 2}));
}

TEST(StridedSliceTest, ShapeFunctionPartial) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 4});
  EXPECT_EQ(SS(s, x, {0, 0}, {0, 1}, {1, 1},
               {.begin_mask = 1, .end_mask = 1, .shrink_axis_mask = 2})
                .shape(),
            PartialShape({-1}));
  EXPECT_EQ(SS(s, x, {1}, {3}, {1}).shape(), PartialShape({-1, 4}));
  EXPECT_EQ(SS(s, x, {-1}, {0}, {1}, {.shrink_axis_mask = 1}).shape(),
            PartialShape({4}));
  EXPECT_EQ(
      SS(s, x, {0, 0}, {0, 2}, {1, 1}, {.begin_mask = 2, .ellipsis_mask = 1})
          .shape(),
      PartialShape({-1, 2}));
  EXPECT_EQ(SS(s, ops::Placeholder(s, DT_FLOAT), {0}, {1}, {1}).shape(),
            PartialShape());
  Output begin = ops::Placeholder(s, DT_INT32, {1});
  EXPECT_EQ(ops::StridedSlice(s, x, begin, {2}, {1}).shape(), PartialShape());
  // tf.shape(x)[1:] is known to be [4] at graph time.
  Output tail = SS(s, ops::Shape(s, x), {1}, {0}, {1}, {.end_mask = 1});
  EXPECT_EQ(ops::Fill(s, tail, 0.0f).shape(), PartialShape({4}));
  EXPECT_OK(s.status());
}

TEST(StridedSliceTest, ErrorsNameTheNode) {
  {
    Scope s = NewRootScope();
    SS(s.WithOpName("zero"), ops::Const(s, Iota({3})), {0}, {2}, {0});
    ExpectError(s, "zero", "strides[0] must be non-zero");
  }
  {
    Scope s = NewRootScope();
    SS(s.WithOpName("oob"), ops::Const(s, Iota({3, 4})), {5}, {6}, {1},
       {.shrink_axis_mask = 1});
    ExpectError(s, "oob", "out of bounds");
  }
  {
    Scope s = NewRootScope();
    SS(s.WithOpName("ell"), ops::Const(s, Iota({3, 4})), {0, 0}, {0, 0}, {1, 1},
       {.ellipsis_mask = 3});
    ExpectError(s, "ell", "multiple ellipses");
  }
  {
    Scope s = NewRootScope();
    SS(s.WithOpName("len"), ops::Const(s, Iota({3})), {0, 0}, {1}, {1});
    ExpectError(s, "len", "same length");
  }
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 4});
  Output row =
      SS(s.WithOpName("row"), x, {3}, {4}, {1}, {.shrink_axis_mask = 1});
  EXPECT_EQ(row.shape(), PartialShape({4}));
  ExpectRunError(s, row, "row", {{x, Iota({2, 4})}}, "out of bounds");
  EXPECT_TENSOR_NEAR(Eval(s, row, {{x, Iota({4, 4})}}),
                     F({12, 13, 14, 15}, {4}));
}

TEST(StridedSliceTest, LargeMatchesReferenceAndIdentityShares) {
  Scope s = NewRootScope();
  Tensor value = Iota({40, 50, 60});
  Output y = ops::Const(s, value);
  // y[::3, 5:-5:2, ::-1]
  Output out = SS(s, y, {0, 5, 0}, {0, -5, 0}, {3, 2, -1},
                  {.begin_mask = 5, .end_mask = 5});
  EXPECT_EQ(out.shape(), PartialShape({14, 20, 60}));
  Tensor expected = Gather(value, {14, 20, 60}, [](const DimVector& i) {
    return DimVector{i[0] * 3, 5 + 2 * i[1], 59 - i[2]};
  });
  EXPECT_TENSOR_NEAR(Eval(s, out), expected);
  // y[:, 10:40] is a contiguous-row slice.
  Tensor mid = Eval(
      s, SS(s, y, {0, 10}, {0, 40}, {1, 1}, {.begin_mask = 1, .end_mask = 1}));
  EXPECT_TENSOR_NEAR(mid, Gather(value, {40, 30, 60}, [](const DimVector& i) {
                       return DimVector{i[0], i[1] + 10, i[2]};
                     }));
  // A stride far beyond the dim takes one element.
  Output far = ops::StridedSlice(s, y, ops::Const(s, I64({1}, {1})),
                                 ops::Const(s, I64({40}, {1})),
                                 ops::Const(s, I64({int64_t{1} << 62}, {1})));
  EXPECT_EQ(far.shape(), PartialShape({1, 50, 60}));
  EXPECT_TENSOR_NEAR(Eval(s, far),
                     Gather(value, {1, 50, 60}, [](const DimVector& i) {
                       return DimVector{1, i[1], i[2]};
                     }));
  Tensor all =
      Eval(s, SS(s, y, {0}, {0}, {1}, {.begin_mask = 1, .end_mask = 1}));
  EXPECT_TRUE(all.SharesBufferWith(value));
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

// ---- Unpack ----

TEST(UnpackTest, ShapeAndForward) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  OutputList rows = ops::Unpack(s, x, 3, 1);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].shape(), PartialShape({-1}));
  OutputList neg = ops::Unpack(s, x, 3, -1);
  ASSERT_EQ(neg.size(), 3u);
  EXPECT_EQ(ops::Unpack(s, ops::Placeholder(s, DT_FLOAT), 2)[1].shape(),
            PartialShape());
  auto out = EvalAll(s, {rows[0], rows[2], neg[1]}, {{x, Iota({2, 3})}});
  EXPECT_TENSOR_NEAR(out[0], F({0, 3}, {2}));
  EXPECT_TENSOR_NEAR(out[1], F({2, 5}, {2}));
  EXPECT_TENSOR_NEAR(out[2], F({1, 4}, {2}));
  OutputList first =
      ops::Unpack(s, ops::Const(s, I32({1, 2, 3, 4}, {2, 2})), 2);
  EXPECT_TENSOR_NEAR(Eval(s, first[1]), I32({3, 4}, {2}));
  EXPECT_OK(s.status());
  ExpectRunError(s, ops::Unpack(s.WithOpName("u0"), x, 4)[0], "u0",
                 {{x, Iota({2, 3})}}, "expected num = 4");
  ops::Unpack(s.WithOpName("num"), x, 2, 1);
  ExpectError(s, "num", "must be num = 2");
}

}  // namespace
}  // namespace graphflow
