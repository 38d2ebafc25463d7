// The array family's ops that change shapes or build tensors: Reshape,
// Shape, ShapeN, Size, Rank, ExpandDims, Squeeze, Fill, ZerosLike, OnesLike
// (the others are in array_ops_index_test.cc).
#include "tests/ops/array_ops_test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalAll;
using testing::EvalStatus;
using testing::ExpectError;
using testing::ExpectRunError;
using testing::F;
using testing::I32;
using testing::I64;
using testing::Iota;
using testing::Scalar;

// ---- Reshape ----

TEST(ReshapeTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 28, 28, 1});
  EXPECT_EQ(ops::Reshape(s, x, {-1, 784}).shape(), PartialShape({-1, 784}));
  Output known = ops::Const(s, Iota({2, 3, 4}));
  EXPECT_EQ(ops::Reshape(s, known, {-1, 6}).shape(), PartialShape({4, 6}));
  EXPECT_EQ(ops::Reshape(s, known, {4, -1}).shape(), PartialShape({4, 6}));
  EXPECT_EQ(ops::Reshape(s, known, {24}).shape(), PartialShape({24}));
  Output unknown = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(ops::Reshape(s, unknown, {-1, 3}).shape(), PartialShape({-1, 3}));
  // A non-constant shape of known length gives the rank.
  Output shape3 = ops::Placeholder(s, DT_INT32, {3});
  EXPECT_EQ(ops::Reshape(s, x, shape3).shape(), PartialShape::UnknownOfRank(3));
  EXPECT_EQ(ops::Reshape(s, x, ops::Placeholder(s, DT_INT32)).shape(),
            PartialShape());
  // Partial knowledge: [Shape(x)[0], -1] keeps the batch dim.
  Output batch = ops::StridedSlice(s, ops::Shape(s, x), {0}, {1}, {1},
                                   {.shrink_axis_mask = 1});
  EXPECT_EQ(batch.shape(), Scalar());
  EXPECT_EQ(ops::Reshape(s, x, ops::Pack(s, {batch, 784})).shape(),
            PartialShape({-1, 784}));
  // Both unknown: the batch and the -1 it would have inferred.
  EXPECT_EQ(ops::Reshape(s, x, ops::Pack(s, {batch, -1})).shape(),
            PartialShape({-1, -1}));
  Output x5 = ops::Placeholder(s, DT_FLOAT, {5, 28, 28});
  Output batch5 = ops::StridedSlice(s, ops::Shape(s, x5), {0}, {1}, {1},
                                    {.shrink_axis_mask = 1});
  EXPECT_EQ(ops::Reshape(s, x5, ops::Pack(s, {batch5, -1})).shape(),
            PartialShape({5, 784}));
  // Reshape to the shape of another tensor (a graph-time constant).
  Output y = ops::Placeholder(s, DT_FLOAT, {6, 4});
  EXPECT_EQ(ops::Reshape(s, known, ops::Shape(s, y)).shape(),
            PartialShape({6, 4}));
  // Reshape(x, Shape(z)) with z partially known, x fully known: inferred.
  Output z = ops::Placeholder(s, DT_FLOAT, {-1, 8});
  EXPECT_EQ(ops::Reshape(s, known, ops::Shape(s, z)).shape(),
            PartialShape({3, 8}));
  EXPECT_OK(s.status());
}

TEST(ReshapeTest, ShapeFunctionErrors) {
  {
    Scope s = NewRootScope();
    ops::Reshape(s.WithOpName("two"), ops::Const(s, Iota({2, 3})), {-1, -1});
    ExpectError(s, "two", "only infer one");
  }
  {
    Scope s = NewRootScope();
    ops::Reshape(s.WithOpName("count"), ops::Const(s, Iota({2, 3})), {5, 5});
    ExpectError(s, "count", "6 elements");
  }
  {
    Scope s = NewRootScope();
    ops::Reshape(s.WithOpName("multiple"), ops::Const(s, Iota({2, 3})),
                 {-1, 4});
    ExpectError(s, "multiple", "not a multiple of 4");
  }
  {
    Scope s = NewRootScope();
    ops::Reshape(s.WithOpName("neg"), ops::Const(s, Iota({2, 3})), {-2, -3});
    ExpectError(s, "neg");
  }
}

TEST(ReshapeTest, ForwardSharesBuffer) {
  Scope s = NewRootScope();
  Tensor value = Iota({2, 3, 4});
  Output r = ops::Reshape(s, ops::Const(s, value), {4, -1});
  Tensor out = Eval(s, r);
  EXPECT_TENSOR_NEAR(out, Iota({4, 6}));
  EXPECT_TRUE(out.SharesBufferWith(value));
  // int64 shape and another dtype.
  Output r64 = ops::Reshape(s, ops::Const(s, I32({1, 2, 3, 4}, {4})),
                            ops::Const(s, I64({2, -1}, {2})));
  EXPECT_TENSOR_NEAR(Eval(s, r64), I32({1, 2, 3, 4}, {2, 2}));
  // To a scalar and back.
  Output scalar =
      ops::Reshape(s, ops::Const(s, F({5}, {1})), ops::Const(s, I32({}, {0})));
  EXPECT_TENSOR_NEAR(Eval(s, scalar), Tensor::Scalar(5.0f));
}

TEST(ReshapeTest, RunTimeErrorsNameTheNode) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1});
  Output shape = ops::Placeholder(s, DT_INT32, {2});
  Output r = ops::Reshape(s.WithOpName("r"), x, shape);
  ExpectRunError(s, r, "r", {{x, Iota({5})}, {shape, I32({2, -1}, {2})}},
                 "5 values");
  ExpectRunError(s, r, "r", {{x, Iota({6})}, {shape, I32({-1, -1}, {2})}},
                 "only infer one");
  ExpectRunError(s, r, "r", {{x, Iota({6})}, {shape, I32({4, 2}, {2})}},
                 "has 8");
  EXPECT_TENSOR_NEAR(Eval(s, r, {{x, Iota({6})}, {shape, I32({-1, 2}, {2})}}),
                     Iota({3, 2}));
}

// ---- Shape, ShapeN, Size, Rank ----

TEST(ShapeTest, ShapeFunctionAndValues) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  Output shape = ops::Shape(s, x);
  EXPECT_EQ(shape.shape(), PartialShape({2}));
  EXPECT_EQ(shape.dtype(), DT_INT32);
  Output unknown = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(ops::Shape(s, unknown).shape(), PartialShape({-1}));
  Output shape64 = ops::Shape(s, x, DT_INT64);
  EXPECT_EQ(shape64.dtype(), DT_INT64);
  Output size = ops::Size(s, x);
  Output rank = ops::Rank(s, x);
  EXPECT_EQ(size.shape(), Scalar());
  EXPECT_EQ(rank.shape(), Scalar());
  auto out = EvalAll(s, {shape, shape64, size, rank}, {{x, Iota({5, 3})}});
  EXPECT_TENSOR_NEAR(out[0], I32({5, 3}, {2}));
  EXPECT_TENSOR_NEAR(out[1], I64({5, 3}, {2}));
  EXPECT_TENSOR_NEAR(out[2], Tensor::Scalar<int32_t>(15));
  EXPECT_TENSOR_NEAR(out[3], Tensor::Scalar<int32_t>(2));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Size(s, x, DT_INT64), {{x, Iota({0, 3})}}),
                     Tensor::Scalar<int64_t>(0));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Shape(s, ops::Const(s, 1.0f))), I32({}, {0}));
}

TEST(ShapeTest, ShapeN) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  Output b = ops::Const(s, Iota({2, 2, 2}));
  OutputList shapes = ops::ShapeN(s, {a, b}, DT_INT64);
  ASSERT_EQ(shapes.size(), 2u) << s.status();
  EXPECT_EQ(shapes[0].shape(), PartialShape({2}));
  EXPECT_EQ(shapes[1].shape(), PartialShape({3}));
  // ShapeN's value is a graph-time constant for fully known inputs.
  EXPECT_EQ(ops::Reshape(s, ops::Const(s, Iota({8})), shapes[1]).shape(),
            PartialShape({2, 2, 2}));
  auto out = EvalAll(s, shapes, {{a, Iota({4, 3})}});
  EXPECT_TENSOR_NEAR(out[0], I64({4, 3}, {2}));
  EXPECT_TENSOR_NEAR(out[1], I64({2, 2, 2}, {3}));
}

TEST(ShapeTest, UnknownRanksAndBadInputsNameTheNode) {
  Scope s = NewRootScope();
  Output u = ops::Placeholder(s, DT_FLOAT);
  OutputList shapes = ops::ShapeN(s, {u, u});
  ASSERT_EQ(shapes.size(), 2u) << s.status();
  EXPECT_EQ(shapes[1].shape(), PartialShape({-1}));
  EXPECT_EQ(ops::Size(s, u).shape(), Scalar());
  EXPECT_EQ(ops::Rank(s, u).shape(), Scalar());
  EXPECT_OK(s.status());
  ops::Shape(s.WithOpName("bad"), ops::Const(s, 1.0f), DT_FLOAT);
  ExpectError(s, "bad", "out_type");
  Scope s2 = NewRootScope();
  ops::ShapeN(s2.WithOpName("mixed"),
              {ops::Const(s2, 1.0f), ops::Const(s2, Tensor::Scalar(1))});
  ExpectError(s2, "mixed", "must be float");
  Scope s3 = NewRootScope();
  ops::Size(s3.WithOpName("size"), ops::Const(s3, 1.0f), DT_BOOL);
  ExpectError(s3, "size", "out_type");
  Scope s4 = NewRootScope();
  ops::Rank(s4.WithOpName("rank"), Output());
  ExpectError(s4, "rank", "invalid Output");
}

// ---- ExpandDims, Squeeze ----

TEST(ExpandDimsTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  EXPECT_EQ(ops::ExpandDims(s, x, 0).shape(), PartialShape({1, -1, 3}));
  EXPECT_EQ(ops::ExpandDims(s, x, 2).shape(), PartialShape({-1, 3, 1}));
  EXPECT_EQ(ops::ExpandDims(s, x, -1).shape(), PartialShape({-1, 3, 1}));
  EXPECT_EQ(ops::ExpandDims(s, x, -3).shape(), PartialShape({1, -1, 3}));
  EXPECT_EQ(ops::ExpandDims(s, ops::Placeholder(s, DT_FLOAT), 0).shape(),
            PartialShape());
  Output dim = ops::Placeholder(s, DT_INT32, Scalar());
  EXPECT_EQ(ops::ExpandDims(s, x, dim).shape(), PartialShape::UnknownOfRank(3));
  EXPECT_OK(s.status());
  ops::ExpandDims(s.WithOpName("far"), x, 3);
  ExpectError(s, "far", "out of range");
}

TEST(ExpandDimsTest, Forward) {
  Scope s = NewRootScope();
  Tensor value = Iota({2, 3});
  Output x = ops::Const(s, value);
  Tensor out = Eval(s, ops::ExpandDims(s, x, -1));
  EXPECT_TENSOR_NEAR(out, Iota({2, 3, 1}));
  EXPECT_TRUE(out.SharesBufferWith(value));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::ExpandDims(s, x, ops::Const(s, I64({1}, {1})))),
      Iota({2, 1, 3}));
  Output dim = ops::Placeholder(s, DT_INT32, Scalar());
  ExpectRunError(s, ops::ExpandDims(s.WithOpName("e"), x, dim), "e",
                 {{dim, Tensor::Scalar<int32_t>(-4)}}, "out of range");
}

TEST(SqueezeTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {1, 2, 1, 3});
  EXPECT_EQ(ops::Squeeze(s, x).shape(), PartialShape({2, 3}));
  EXPECT_EQ(ops::Squeeze(s, x, {-2}).shape(), PartialShape({1, 2, 3}));
  EXPECT_EQ(ops::Squeeze(s, x, {0, 2}).shape(), PartialShape({2, 3}));
  Output batch = ops::Placeholder(s, DT_FLOAT, {-1, 1});
  // Whether the unknown dim is 1 is known only at run time.
  EXPECT_EQ(ops::Squeeze(s, batch).shape(), PartialShape());
  EXPECT_EQ(ops::Squeeze(s, batch, {1}).shape(), PartialShape({-1}));
  EXPECT_EQ(ops::Squeeze(s, batch, {0}).shape(), PartialShape({1}));
  EXPECT_EQ(ops::Squeeze(s, ops::Placeholder(s, DT_FLOAT)).shape(),
            PartialShape());
  EXPECT_OK(s.status());
  ops::Squeeze(s.WithOpName("sq"), x, {1});
  ExpectError(s, "sq", "got 2");
  Scope s2 = NewRootScope();
  ops::Squeeze(s2.WithOpName("range"), ops::Placeholder(s2, DT_FLOAT, {1}),
               {1});
  ExpectError(s2, "range", "out of range");
}

TEST(SqueezeTest, Forward) {
  Scope s = NewRootScope();
  Tensor value = Iota({1, 2, 1, 3});
  Output x = ops::Const(s, value);
  Tensor all = Eval(s, ops::Squeeze(s, x));
  EXPECT_TENSOR_NEAR(all, Iota({2, 3}));
  EXPECT_TRUE(all.SharesBufferWith(value));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Squeeze(s, x, {2})), Iota({1, 2, 3}));
  Output p = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  ExpectRunError(s, ops::Squeeze(s.WithOpName("sq"), p, {0}), "sq",
                 {{p, Iota({2, 3})}}, "expected a dimension of 1");
  EXPECT_TENSOR_NEAR(Eval(s, ops::Squeeze(s, p), {{p, Iota({1, 3})}}),
                     Iota({3}));
}

// ---- Fill, ZerosLike, OnesLike ----

TEST(FillTest, ShapeFunction) {
  Scope s = NewRootScope();
  EXPECT_EQ(ops::Fill(s, {2, 3}, 1.0f).shape(), PartialShape({2, 3}));
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 5});
  EXPECT_EQ(ops::Fill(s, ops::Shape(s, x), 0.0f).shape(),
            PartialShape({-1, 5}));
  EXPECT_EQ(ops::Fill(s, ops::Placeholder(s, DT_INT32, {3}), 0.0f).shape(),
            PartialShape::UnknownOfRank(3));
  EXPECT_EQ(ops::Fill(s, ops::Placeholder(s, DT_INT32), 0.0f).shape(),
            PartialShape());
  EXPECT_OK(s.status());
  ops::Fill(s.WithOpName("vec"), {2}, ops::Const(s, F({1, 2}, {2})));
  ExpectError(s, "vec", "scalar");
  Scope s2 = NewRootScope();
  ops::Fill(s2.WithOpName("neg"), {2, -3}, 1.0f);
  ExpectError(s2, "neg", ">= 0");
}

TEST(FillTest, Forward) {
  Scope s = NewRootScope();
  EXPECT_TENSOR_NEAR(Eval(s, ops::Fill(s, {2, 3}, 7.5f)),
                     F({7.5, 7.5, 7.5, 7.5, 7.5, 7.5}, {2, 3}));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::Fill(s, ops::Const(s, I64({3}, {1})), int64_t{-9})),
      I64({-9, -9, -9}, {3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Fill(s, {2}, true)),
                     Tensor::FromVector<bool>({true, true}, {2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Fill(s, ops::Const(s, I32({}, {0})), 3.0)),
                     Tensor::Scalar(3.0));
  // Large enough to be split across threads.
  Tensor big = Eval(s, ops::Fill(s, {300, 1000}, 2.0f));
  ASSERT_EQ(big.num_elements(), 300000);
  for (int64_t i = 0; i < big.num_elements(); i += 997) {
    ASSERT_EQ(big.data<float>()[i], 2.0f);
  }
  EXPECT_EQ(big.data<float>()[299999], 2.0f);
  Output dims = ops::Placeholder(s, DT_INT32, {-1});
  ExpectRunError(s, ops::Fill(s.WithOpName("f"), dims, 1.0f), "f",
                 {{dims, I32({2, -1}, {2})}}, ">= 0");
}

TEST(ZerosOnesLikeTest, ShapeAndForward) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 2});
  EXPECT_EQ(ops::ZerosLike(s, x).shape(), PartialShape({-1, 2}));
  EXPECT_EQ(ops::OnesLike(s, ops::Placeholder(s, DT_INT32)).shape(),
            PartialShape());
  auto out = EvalAll(s, {ops::ZerosLike(s, x), ops::OnesLike(s, x)},
                     {{x, F({3, 4, 5, 6}, {2, 2})}});
  EXPECT_TENSOR_NEAR(out[0], F({0, 0, 0, 0}, {2, 2}));
  EXPECT_TENSOR_NEAR(out[1], F({1, 1, 1, 1}, {2, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::OnesLike(s, ops::Const(s, I64({7, 8}, {2})))),
                     I64({1, 1}, {2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ZerosLike(s, ops::Const(s, I32({7}, {1})))),
                     I32({0}, {1}));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::OnesLike(s, ops::Const(s, Tensor::Scalar(false)))),
      Tensor::Scalar(true));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::OnesLike(s, ops::Const(s, Tensor::Scalar(2.5)))),
      Tensor::Scalar(1.0));
  ops::ZerosLike(s.WithOpName("zeros"), Output());
  ExpectError(s, "zeros", "invalid Output");
}

}  // namespace
}  // namespace graphflow
