// Array ops that move blocks: ConcatV2, Concat, Pack, Unpack, Slice,
// StridedSlice, Tile, Transpose. Large cases (threaded, tiled paths) are
// checked against plain index loops.
#include <functional>
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

// out[idx] = x.flat[source(idx)], by a plain multi-index loop.
Tensor Gather(const Tensor& x, const TensorShape& out_shape,
              const std::function<int64_t(const DimVector&)>& source) {
  Tensor out(DT_FLOAT, out_shape);
  DimVector idx(out_shape.rank(), 0);
  for (int64_t i = 0; i < out.num_elements(); ++i) {
    out.data<float>()[i] = x.data<float>()[source(idx)];
    for (int j = out_shape.rank() - 1; j >= 0; --j) {
      if (++idx[j] < out_shape.dim(j)) break;
      idx[j] = 0;
    }
  }
  return out;
}

int64_t FlatIndex(const TensorShape& shape, const DimVector& idx) {
  int64_t flat = 0;
  for (int j = 0; j < shape.rank(); ++j) flat = flat * shape.dim(j) + idx[j];
  return flat;
}

// ---- ConcatV2, Concat ----

TEST(ConcatTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  Output b = ops::Placeholder(s, DT_FLOAT, {-1, 4});
  Output c = ops::Placeholder(s, DT_FLOAT, {2, 3});
  EXPECT_EQ(ops::ConcatV2(s, {a, b}, 1).shape(), PartialShape({-1, 7}));
  EXPECT_EQ(ops::ConcatV2(s, {a, b}, -1).shape(), PartialShape({-1, 7}));
  EXPECT_EQ(ops::ConcatV2(s, {a, c}, 0).shape(), PartialShape({-1, 3}));
  EXPECT_EQ(ops::ConcatV2(s, {c, c}, 0).shape(), PartialShape({4, 3}));
  EXPECT_EQ(ops::ConcatV2(s, {a, ops::Placeholder(s, DT_FLOAT)}, 1).shape(),
            PartialShape({-1, -1}));
  Output axis = ops::Placeholder(s, DT_INT32, Scalar());
  EXPECT_EQ(ops::ConcatV2(s, {a, b}, axis).shape(),
            PartialShape::UnknownOfRank(2));
  Output u = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(ops::ConcatV2(s, {u, u}, 0).shape(), PartialShape());
  EXPECT_EQ(ops::ConcatV1(s, 1, {a, b}).shape(), PartialShape({-1, 7}));
  EXPECT_OK(s.status());
  ops::ConcatV2(s.WithOpName("mismatch"), {a, b}, 0);
  ExpectError(s, "mismatch", "dimension 1");
  Scope s2 = NewRootScope();
  ops::ConcatV2(s2.WithOpName("axis"),
                {ops::Placeholder(s2, DT_FLOAT, {2}),
                 ops::Placeholder(s2, DT_FLOAT, {2})},
                1);
  ExpectError(s2, "axis", "out of range");
  Scope s3 = NewRootScope();
  ops::ConcatV2(s3.WithOpName("one"), {ops::Placeholder(s3, DT_FLOAT, {2})}, 0);
  ExpectError(s3, "one", "at least 2");
  Scope s4 = NewRootScope();
  ops::ConcatV2(s4.WithOpName("scalars"), {1.0f, 2.0f}, 0);
  ExpectError(s4, "scalars", "scalars");
  Scope s5 = NewRootScope();
  ops::ConcatV1(s5.WithOpName("v1"), ops::Const(s5, I64({0}, {1})),
                {ops::Placeholder(s5, DT_FLOAT, {2}),
                 ops::Placeholder(s5, DT_FLOAT, {2})});
  ExpectError(s5, "v1", "must be int32");
}

TEST(ConcatTest, Forward) {
  Scope s = NewRootScope();
  Output a = ops::Const(s, F({1, 2, 3, 4}, {2, 2}));
  Output b = ops::Const(s, F({5, 6}, {2, 1}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ConcatV2(s, {a, b}, 1)),
                     F({1, 2, 5, 3, 4, 6}, {2, 3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ConcatV2(s, {a, b, a}, -1)),
                     F({1, 2, 5, 1, 2, 3, 4, 6, 3, 4}, {2, 5}));
  EXPECT_TENSOR_NEAR(
      Eval(s,
           ops::ConcatV2(s, {a, a}, ops::Const(s, Tensor::Scalar<int64_t>(0)))),
      F({1, 2, 3, 4, 1, 2, 3, 4}, {4, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ConcatV1(s, 0,
                                           {ops::Const(s, I32({1, 2}, {2})),
                                            ops::Const(s, I32({3}, {1}))})),
                     I32({1, 2, 3}, {3}));
  Output bools = ops::ConcatV2(
      s,
      {ops::Const(s, Tensor::FromVector<bool>({true}, {1})),
       ops::Const(s, Tensor::FromVector<bool>({false, true}, {2}))},
      0);
  EXPECT_TENSOR_NEAR(Eval(s, bools),
                     Tensor::FromVector<bool>({true, false, true}, {3}));
  // An empty input contributes nothing.
  Output empty = ops::Const(s, F({}, {2, 0}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ConcatV2(s, {empty, b}, 1)),
                     F({5, 6}, {2, 1}));
}

TEST(ConcatTest, LargeMatchesReference) {
  Scope s = NewRootScope();
  Tensor a = Iota({300, 200}), b = Iota({300, 350});
  Tensor out =
      Eval(s, ops::ConcatV2(s, {ops::Const(s, a), ops::Const(s, b)}, 1));
  Tensor expected(DT_FLOAT, {300, 550});
  for (int i = 0; i < 300; ++i) {
    for (int j = 0; j < 550; ++j) {
      expected.data<float>()[i * 550 + j] =
          j < 200 ? a.data<float>()[i * 200 + j]
                  : b.data<float>()[i * 350 + j - 200];
    }
  }
  EXPECT_TENSOR_NEAR(out, expected);
}

TEST(ConcatTest, RunTimeMismatchNamesNode) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s, DT_FLOAT, {-1, -1});
  Output c = ops::ConcatV2(s.WithOpName("cat"),
                           {a, a, ops::Const(s, Iota({2, 3}))}, 0);
  ExpectRunError(s, c, "cat", {{a, Iota({2, 2})}}, "should match");
  EXPECT_TENSOR_NEAR(Eval(s, c, {{a, F({9, 9, 9}, {1, 3})}}),
                     F({9, 9, 9, 9, 9, 9, 0, 1, 2, 3, 4, 5}, {4, 3}));
}

// ---- Pack, Unpack ----

TEST(PackTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  Output b = ops::Placeholder(s, DT_FLOAT, {2, -1});
  EXPECT_EQ(ops::Pack(s, {a, b}).shape(), PartialShape({2, 2, 3}));
  EXPECT_EQ(ops::Pack(s, {a, b, a}, 1).shape(), PartialShape({2, 3, 3}));
  EXPECT_EQ(ops::Pack(s, {a, b}, -1).shape(), PartialShape({2, 3, 2}));
  EXPECT_EQ(ops::Pack(s, {ops::Placeholder(s, DT_FLOAT)}).shape(),
            PartialShape());
  EXPECT_EQ(ops::Pack(s, {1, 2, 3}).shape(), PartialShape({3}));
  EXPECT_OK(s.status());
  ops::Pack(s.WithOpName("pack"), {a, ops::Placeholder(s, DT_FLOAT, {3})});
  ExpectError(s, "pack", "must match");
  Scope s2 = NewRootScope();
  ops::Pack(s2.WithOpName("axis"), {ops::Placeholder(s2, DT_FLOAT, {3})}, 2);
  ExpectError(s2, "axis", "out of range");
}

TEST(PackTest, Forward) {
  Scope s = NewRootScope();
  Output a = ops::Const(s, F({1, 2, 3}, {3}));
  Output b = ops::Const(s, F({4, 5, 6}, {3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Pack(s, {a, b})),
                     F({1, 2, 3, 4, 5, 6}, {2, 3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Pack(s, {a, b}, 1)),
                     F({1, 4, 2, 5, 3, 6}, {3, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Pack(s, {a, b}, -1)),
                     F({1, 4, 2, 5, 3, 6}, {3, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Pack(s, {int64_t{7}, int64_t{8}})),
                     I64({7, 8}, {2}));
  Output m = ops::Const(s, Iota({2, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Pack(s, {m, m}, 1)),
                     F({0, 1, 0, 1, 2, 3, 2, 3}, {2, 2, 2}));
  Output p = ops::Placeholder(s, DT_FLOAT, {-1});
  ExpectRunError(s, ops::Pack(s.WithOpName("pk"), {p, a}), "pk",
                 {{p, F({1, 2}, {2})}}, "must match");
}

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
  Tensor expected = Gather(value, {15, 50, 63}, [&](const DimVector& i) {
    return FlatIndex(shape, {i[0] + 3, i[1] + 5, i[2] + 7});
  });
  EXPECT_TENSOR_NEAR(out, expected);
}

}  // namespace
}  // namespace graphflow
