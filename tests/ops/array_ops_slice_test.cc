// StridedSlice, Tile and Transpose: TF 1.x indexing patterns, and large
// cases (threaded, tiled paths) against plain index loops.
#include <functional>

#include "tests/ops/array_ops_test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::ExpectError;
using testing::ExpectRunError;
using testing::F;
using testing::I32;
using testing::I64;
using testing::Iota;
using testing::Scalar;

// out[idx] = x[source(idx)] (multi-indices), by a plain loop over floats.
Tensor Gather(const Tensor& x, const TensorShape& out_shape,
              const std::function<DimVector(const DimVector&)>& source) {
  Tensor out(DT_FLOAT, out_shape);
  DimVector idx(out_shape.rank(), 0);
  for (int64_t i = 0; i < out.num_elements(); ++i) {
    DimVector in = source(idx);
    int64_t flat = 0;
    for (int j = 0; j < x.rank(); ++j) flat = flat * x.dim(j) + in[j];
    out.data<float>()[i] = x.data<float>()[flat];
    for (int j = out_shape.rank() - 1; j >= 0; --j) {
      if (++idx[j] < out_shape.dim(j)) break;
      idx[j] = 0;
    }
  }
  return out;
}

Output SS(const Scope& s, Input x, std::initializer_list<int> begin,
          std::initializer_list<int> end, std::initializer_list<int> strides,
          const ops::StridedSliceAttrs& attrs = {}) {
  return ops::StridedSlice(s, x, begin, end, strides, attrs);
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

}  // namespace
}  // namespace graphflow
