// The array_join family: ConcatV2, Concat, ConcatOffset, Pack, Tile, Pad,
// PadV2 and DynamicStitch; large cases (threaded, tiled paths) against
// plain index loops.
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
using testing::Gather;
using testing::I32;
using testing::I64;
using testing::Iota;
using testing::Ph;
using testing::Scalar;

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

// ---- Pack ----

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

// Strings pack element by element (the sharded Saver packs its shard
// prefixes for MergeV2Checkpoints).
TEST(PackTest, Strings) {
  auto strings = testing::Strings;
  Scope s = NewRootScope();
  Output a = ops::Const(s, strings({"a", "b", "c", "d"}, {2, 2}));
  Output b = ops::Const(s, strings({"e", "f", "g", "h"}, {2, 2}));
  const Tensor rows = Eval(s, ops::Pack(s, {a, b}));
  EXPECT_TRUE(TensorsEqual(
      rows, strings({"a", "b", "c", "d", "e", "f", "g", "h"}, {2, 2, 2})))
      << rows.DebugString();
  const Tensor mid = Eval(s, ops::Pack(s, {a, b}, 1));
  EXPECT_TRUE(TensorsEqual(
      mid, strings({"a", "b", "e", "f", "c", "d", "g", "h"}, {2, 2, 2})))
      << mid.DebugString();
  const Tensor last = Eval(s, ops::Pack(s, {a, b}, -1));
  EXPECT_TRUE(TensorsEqual(
      last, strings({"a", "e", "b", "f", "c", "g", "d", "h"}, {2, 2, 2})))
      << last.DebugString();
}

// ---- Tile ----

TEST(TileTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  EXPECT_EQ(ops::Tile(s, x, {1, 2}).shape(), PartialShape({-1, 6}));
  EXPECT_EQ(ops::Tile(s, x, {0, 2}).shape(), PartialShape({0, 6}));
  EXPECT_EQ(ops::Tile(s, x, ops::Placeholder(s, DT_INT32, {2})).shape(),
            PartialShape::UnknownOfRank(2));
  EXPECT_EQ(ops::Tile(s, ops::Placeholder(s, DT_FLOAT), {2, 2, 2}).shape(),
            PartialShape::UnknownOfRank(3));
  EXPECT_EQ(ops::Tile(s, ops::Placeholder(s, DT_FLOAT, {2, 3}),
                      ops::Const(s, I64({3, 1}, {2})))
                .shape(),
            PartialShape({6, 3}));
  EXPECT_OK(s.status());
  ops::Tile(s.WithOpName("len"), x, {2});
  ExpectError(s, "len", "one entry per input dimension");
  Scope s2 = NewRootScope();
  ops::Tile(s2.WithOpName("neg"), ops::Placeholder(s2, DT_FLOAT, {2}), {-1});
  ExpectError(s2, "neg", "non-negative");
}

TEST(TileTest, Forward) {
  Scope s = NewRootScope();
  Tensor value = F({1, 2, 3, 4}, {2, 2});
  Output x = ops::Const(s, value);
  EXPECT_TENSOR_NEAR(Eval(s, ops::Tile(s, x, {2, 1})),
                     F({1, 2, 3, 4, 1, 2, 3, 4}, {4, 2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Tile(s, x, {1, 2})),
                     F({1, 2, 1, 2, 3, 4, 3, 4}, {2, 4}));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::Tile(s, x, {2, 2})),
      F({1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4}, {4, 4}));
  EXPECT_EQ(Eval(s, ops::Tile(s, x, {0, 1})).shape(), TensorShape({0, 2}));
  EXPECT_TRUE(Eval(s, ops::Tile(s, x, {1, 1})).SharesBufferWith(value));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Tile(s, ops::Const(s, I32({7}, {1})), {3})),
                     I32({7, 7, 7}, {3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Tile(s,
                                       ops::Const(s, Tensor::FromVector<bool>(
                                                         {true, false}, {2})),
                                       {2})),
                     Tensor::FromVector<bool>({true, false, true, false}, {4}));
  Output m = ops::Placeholder(s, DT_INT32, {2});
  ExpectRunError(s, ops::Tile(s.WithOpName("t"), x, m), "t",
                 {{m, I32({1, -2}, {2})}}, "multiples[1]");
  Output m64 = ops::Placeholder(s, DT_INT64, {2});
  ExpectRunError(s, ops::Tile(s.WithOpName("big"), x, m64), "big",
                 {{m64, I64({int64_t{1} << 62, 1}, {2})}}, "too many");
}

TEST(TileTest, LargeMatchesReference) {
  Scope s = NewRootScope();
  Tensor value = Iota({50, 1, 70});
  Output out = ops::Tile(s, ops::Const(s, value), {2, 30, 3});
  EXPECT_EQ(out.shape(), PartialShape({100, 30, 210}));
  EXPECT_TENSOR_NEAR(Eval(s, out),
                     Gather(value, {100, 30, 210}, [](const DimVector& i) {
                       return DimVector{i[0] % 50, 0, i[2] % 70};
                     }));
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

}  // namespace
}  // namespace graphflow
