// GatherNd and ScatterNd (the array_slice family's n-d index ops): shapes,
// TF's documented examples, out-of-range indices named as TF names them, and
// each one's gradient (the other one).
#include "gmock/gmock.h"
#include "ops/gradients.h"
#include "tests/ops/array_ops_test_util.h"

namespace graphflow {
namespace {

using testing::CheckGrad;
using testing::ExpectError;
using testing::ExpectRunError;
using testing::F;
using testing::I32;
using testing::I64;
using testing::Iota;
using testing::Ph;
using testing::RandomTensor;

TEST(GatherNdTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output a = ops::GatherNd(s, Ph(s, {5, 4, 3}), Ph(s, {2, 2}, DT_INT32));
  Output b = ops::GatherNd(s, Ph(s, {5, -1}), Ph(s, {-1, 7, 2}, DT_INT64));
  Output c = ops::GatherNd(s, Ph(s, {5, 4}), Ph(s, {3, -1}, DT_INT32));
  ASSERT_OK(s.status());
  EXPECT_EQ(a.shape(), PartialShape({2, 3}));
  EXPECT_EQ(b.shape(), PartialShape({-1, 7}));
  EXPECT_TRUE(c.shape().unknown_rank());
  ops::GatherNd(s.WithOpName("g"), Ph(s, {5, 4}), Ph(s, {2, 3}, DT_INT32));
  ExpectError(s, "g", "indices.shape[-1] must be <= params.rank");
}

// The examples of tf.gather_nd's documentation.
TEST(GatherNdTest, DocumentedExamples) {
  Scope s = NewRootScope();
  const Tensor p = F({1, 2, 3, 4}, {2, 2});  // [[a, b], [c, d]].
  Output elems = ops::GatherNd(s, p, I32({0, 0, 1, 1}, {2, 2}));
  Output rows = ops::GatherNd(s, p, I64({1, 0}, {2, 1}));
  Output batched = ops::GatherNd(s, p, I32({0, 1, 1, 0}, {2, 1, 2}));
  Output cube = ops::GatherNd(s, Iota({2, 2, 2}), I32({1, 0, 0, 1}, {2, 2}));
  Output whole = ops::GatherNd(s, p, Tensor(DT_INT32, {2, 0}));
  auto out = testing::EvalAll(s, {elems, rows, batched, cube, whole});
  EXPECT_TENSOR_NEAR(out[0], F({1, 4}, {2}));
  EXPECT_TENSOR_NEAR(out[1], F({3, 4, 1, 2}, {2, 2}));
  EXPECT_TENSOR_NEAR(out[2], F({2, 3}, {2, 1}));
  EXPECT_TENSOR_NEAR(out[3], F({4, 5, 2, 3}, {2, 2}));
  EXPECT_TENSOR_NEAR(out[4], F({1, 2, 3, 4, 1, 2, 3, 4}, {2, 2, 2}));
}

// TF's GatherNd takes string params: whole elements are gathered.
TEST(GatherNdTest, Strings) {
  Scope s = NewRootScope();
  const Tensor p = testing::Strings({"a", "bb", "ccc", "dddd"}, {2, 2});
  Output elems = ops::GatherNd(s, p, I32({0, 0, 1, 1}, {2, 2}));
  Output rows = ops::GatherNd(s, p, I64({1, 0}, {2, 1}));
  auto out = testing::EvalAll(s, {elems, rows});
  EXPECT_TRUE(TensorsEqual(out[0], testing::Strings({"a", "dddd"}, {2})))
      << out[0].DebugString();
  EXPECT_TRUE(TensorsEqual(
      out[1], testing::Strings({"ccc", "dddd", "a", "bb"}, {2, 2})))
      << out[1].DebugString();
  Output idx = Ph(s, {-1, -1}, DT_INT32);
  Output bad = ops::GatherNd(s.WithOpName("g"), p, idx);
  ExpectRunError(s, bad, "g", {{idx, I32({2, 0}, {1, 2})}},
                 "indices[0] = [2, 0] does not index into param shape [2,2]");
}

TEST(GatherNdTest, OutOfRangeIndexIsNamed) {
  Scope s = NewRootScope();
  Output idx = Ph(s, {-1, -1}, DT_INT32);
  Output y = ops::GatherNd(s.WithOpName("g"), F({1, 2, 3, 4}, {2, 2}), idx);
  ExpectRunError(s, y, "g", {{idx, I32({0, 0, 2, 1}, {2, 2})}},
                 "indices[1] = [2, 1] does not index into param shape [2,2]");
  ExpectRunError(s, y, "g", {{idx, I32({0, -1}, {1, 2})}},
                 "indices[0] = [0, -1] does not index into param shape [2,2]");
  Output idx3 = Ph(s, {}, DT_INT64);
  Output z = ops::GatherNd(s.WithOpName("h"), Iota({3, 2}), idx3);
  ExpectRunError(s, z, "h", {{idx3, I64({0, 1, 3, 0}, {2, 2, 1})}},
                 "indices[1,0] = [3] does not index into param shape [3,2]");
}

TEST(GatherNdTest, GradientScattersIntoTheParams) {
  Scope s = NewRootScope();
  Output p = Ph(s, {3, 4});
  // Row 2 is gathered twice: its gradient sums.
  Output y = ops::GatherNd(s.WithOpName("g"), p, I32({2, 0, 2}, {3, 1}));
  CHECK_GRAD(s, {p}, {RandomTensor(DT_FLOAT, {3, 4}, 9)}, y);
  Output e = ops::GatherNd(s, p, I64({0, 1, 2, 3, 0, 1}, {3, 2}));
  CHECK_GRAD(s, {p}, {RandomTensor(DT_FLOAT, {3, 4}, 10)}, e);
  EXPECT_THAT(testing::GradOps(s, "g"), ::testing::Contains("ScatterNd"));
}

TEST(ScatterNdTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output a = ops::ScatterNd(s, Ph(s, {-1, 1}, DT_INT32), Ph(s, {-1, 4}),
                            I32({8, 4}, {2}));
  Output b = ops::ScatterNd(s, Ph(s, {2, 1}, DT_INT64), Ph(s, {2}),
                            Ph(s, {1}, DT_INT64));
  ASSERT_OK(s.status());
  EXPECT_EQ(a.shape(), PartialShape({8, 4}));
  EXPECT_EQ(b.shape(), PartialShape({-1}));
  ops::ScatterNd(s.WithOpName("sc"), Ph(s, {3, 1}, DT_INT32), Ph(s, {3, 5}),
                 I32({8, 4}, {2}));
  ExpectError(s, "sc", "updates.shape [3,5] must be");
}

// tf.scatter_nd's documented example, duplicates summing, and slices.
TEST(ScatterNdTest, ValuesAndDuplicatesSum) {
  Scope s = NewRootScope();
  Output doc = ops::ScatterNd(s, I32({4, 3, 1, 7}, {4, 1}),
                              F({9, 10, 11, 12}, {4}), I32({8}, {1}));
  Output dup = ops::ScatterNd(s, I64({0, 0, 1}, {3, 1}), I64({1, 2, 5}, {3}),
                              I64({3}, {1}));
  Output rows = ops::ScatterNd(s, I32({0, 2}, {2, 1}),
                               F({5, 5, 5, 6, 6, 6}, {2, 3}), I32({3, 3}, {2}));
  auto out = testing::EvalAll(s, {doc, dup, rows});
  EXPECT_TENSOR_NEAR(out[0], F({0, 11, 0, 10, 9, 0, 0, 12}, {8}));
  EXPECT_TENSOR_NEAR(out[1], I64({3, 5, 0}, {3}));
  EXPECT_TENSOR_NEAR(out[2], F({5, 5, 5, 0, 0, 0, 6, 6, 6}, {3, 3}));
}

TEST(ScatterNdTest, OutOfRangeIndexIsNamed) {
  Scope s = NewRootScope();
  Output idx = Ph(s, {-1, 1}, DT_INT32);
  Output y =
      ops::ScatterNd(s.WithOpName("sc"), idx, F({1, 2}, {2}), I32({8}, {1}));
  ExpectRunError(s, y, "sc", {{idx, I32({1, 9}, {2, 1})}},
                 "indices[1] = [9] does not index into shape [8]");
}

TEST(ScatterNdTest, GradientGathersFromTheIncomingGradient) {
  Scope s = NewRootScope();
  Output u = Ph(s, {3, 2});
  Output y = ops::ScatterNd(s.WithOpName("sc"), I32({2, 0, 2}, {3, 1}), u,
                            I32({4, 2}, {2}));
  CHECK_GRAD(s, {u}, {RandomTensor(DT_FLOAT, {3, 2}, 11)}, y);
  EXPECT_THAT(testing::GradOps(s, "sc"), ::testing::Contains("GatherNd"));
}

}  // namespace
}  // namespace graphflow
