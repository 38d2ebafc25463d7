// The segment family: Unique, UniqueV2 and UnsortedSegmentSum (shapes,
// values hand-computed or from TF's documentation, errors, gradient).
#include "ops/segment_ops.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/array_ops.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::EvalAll;
using testing::EvalStatus;
using testing::F;
using ::testing::HasSubstr;
using testing::I32;
using testing::I64;

Tensor Strings(std::initializer_list<std::string> values) {
  Tensor t(DT_STRING, TensorShape{static_cast<int64_t>(values.size())});
  int64_t i = 0;
  for (const std::string& v : values) t.data<std::string>()[i++] = v;
  return t;
}

std::vector<std::string> StringValues(const Tensor& t) {
  const std::string* p = t.data<std::string>();
  return std::vector<std::string>(p, p + t.num_elements());
}

// tf.unique's documented example.
TEST(UniqueTest, ValuesInOrderOfFirstOccurrence) {
  Scope s = NewRootScope();
  ops::UniqueOutput u = ops::Unique(s, F({1, 1, 2, 4, 4, 4, 7, 8, 8}, {9}));
  ASSERT_OK(s.status());
  EXPECT_EQ(u.y.shape(), PartialShape({-1}));
  EXPECT_EQ(u.idx.shape(), PartialShape({9}));
  EXPECT_EQ(u.idx.dtype(), DT_INT32);
  auto out = EvalAll(s, {u.y, u.idx});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TENSOR_NEAR(out[0], F({1, 2, 4, 7, 8}, {5}));
  EXPECT_TENSOR_NEAR(out[1], I32({0, 0, 1, 2, 2, 2, 3, 4, 4}, {9}));
}

TEST(UniqueTest, Int64IndicesStringsAndEmptyInput) {
  Scope s = NewRootScope();
  ops::UniqueOutput ints =
      ops::Unique(s, I64({5, -3, 5, 0, -3}, {5}), DT_INT64);
  ops::UniqueOutput strs = ops::Unique(s, Strings({"b", "a", "b", "c", "a"}));
  ops::UniqueOutput empty = ops::Unique(s, F({}, {0}));
  auto out =
      EvalAll(s, {ints.y, ints.idx, strs.y, strs.idx, empty.y, empty.idx});
  ASSERT_EQ(out.size(), 6u);
  EXPECT_TENSOR_NEAR(out[0], I64({5, -3, 0}, {3}));
  EXPECT_TENSOR_NEAR(out[1], I64({0, 1, 0, 2, 1}, {5}));
  EXPECT_EQ(StringValues(out[2]), (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_TENSOR_NEAR(out[3], I32({0, 1, 0, 2, 1}, {5}));
  EXPECT_TENSOR_NEAR(out[4], F({}, {0}));
  EXPECT_TENSOR_NEAR(out[5], I32({}, {0}));
}

TEST(UniqueTest, NonVectorInputIsAnError) {
  Scope s = NewRootScope();
  ops::Unique(s.WithOpName("u"), F({1, 2, 3, 4}, {2, 2}));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("'u'"));
  EXPECT_THAT(s.status().message(), HasSubstr("must have rank 1"));
  Scope r = NewRootScope();
  Output x = ops::Placeholder(r, DT_FLOAT);
  ops::UniqueOutput u = ops::Unique(r.WithOpName("u"), x);
  absl::Status st = EvalStatus(r, u.y, {{x, F({1, 2, 3, 4}, {2, 2})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("unique expects a 1D vector."));
}

TEST(UniqueV2Test, EmptyOrZeroAxisOfAVectorOnly) {
  Scope s = NewRootScope();
  Tensor x = I32({3, 1, 3, 2}, {4});
  ops::UniqueOutput none = ops::UniqueV2(s, x, I64({}, {0}));
  ops::UniqueOutput zero = ops::UniqueV2(s, x, I32({0}, {1}));
  auto out = EvalAll(s, {none.y, none.idx, zero.y, zero.idx});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TENSOR_NEAR(out[0], I32({3, 1, 2}, {3}));
  EXPECT_TENSOR_NEAR(out[1], I32({0, 1, 0, 2}, {4}));
  EXPECT_TENSOR_NEAR(out[2], I32({3, 1, 2}, {3}));
  EXPECT_TENSOR_NEAR(out[3], I32({0, 1, 0, 2}, {4}));

  ops::UniqueOutput rows = ops::UniqueV2(
      s.WithOpName("rows"), I32({1, 2, 1, 2}, {2, 2}), I64({1}, {1}));
  absl::Status st = EvalStatus(s, rows.y);
  EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(st.message(), HasSubstr("'rows'"));
  EXPECT_THAT(st.message(), HasSubstr("only 1-D x is supported"));
  ops::UniqueOutput two = ops::UniqueV2(s, x, I64({0, 0}, {2}));
  st = EvalStatus(s, two.y);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("larger than 1 elements"));
  ops::UniqueOutput far = ops::UniqueV2(s, x, I64({1}, {1}));
  st = EvalStatus(s, far.y);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("axis has to be between [-1, 1)"));
}

// tf.math.unsorted_segment_sum's documented example.
TEST(UnsortedSegmentSumTest, SumsRowsBySegment) {
  Scope s = NewRootScope();
  Output sum = ops::UnsortedSegmentSum(
      s, F({1, 2, 3, 4, 5, 6, 7, 8, 4, 3, 2, 1}, {3, 4}), I32({0, 1, 0}, {3}),
      2);
  ASSERT_OK(s.status());
  EXPECT_EQ(sum.shape(), PartialShape({2, 4}));
  EXPECT_TENSOR_NEAR(testing::Eval(s, sum),
                     F({5, 5, 5, 5, 5, 6, 7, 8}, {2, 4}));
}

// Negative ids are dropped; empty segments are 0; int64 ids and
// num_segments; ids of rank 2 cover the first two dims of data.
TEST(UnsortedSegmentSumTest, NegativeIdsInt64AndManyDimensionalIds) {
  Scope s = NewRootScope();
  Output dropped = ops::UnsortedSegmentSum(s, F({1, 2, 3, 4}, {4}),
                                           I32({0, -1, 2, 0}, {4}), 4);
  Output wide = ops::UnsortedSegmentSum(
      s, I64({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2}), I64({1, 0, 1, -5}, {2, 2}),
      Tensor::Scalar<int64_t>(3));
  Output none = ops::UnsortedSegmentSum(s, F({}, {0, 2}), I32({}, {0}), 2);
  ASSERT_OK(s.status());
  EXPECT_EQ(wide.shape(), PartialShape({3, 2}));
  auto out = EvalAll(s, {dropped, wide, none});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TENSOR_NEAR(out[0], F({5, 0, 3, 0}, {4}));
  // Row 1 = [1,2] + [5,6], row 0 = [3,4], row 2 untouched, [7,8] dropped.
  EXPECT_TENSOR_NEAR(out[1], I64({3, 4, 6, 8, 0, 0}, {3, 2}));
  EXPECT_TENSOR_NEAR(out[2], F({0, 0, 0, 0}, {2, 2}));
}

TEST(UnsortedSegmentSumTest, UnknownNumSegmentsLeavesTheFirstDimUnknown) {
  Scope s = NewRootScope();
  Output n = ops::Placeholder(s, DT_INT32, PartialShape(TensorShape{}));
  Output sum =
      ops::UnsortedSegmentSum(s, ops::Placeholder(s, DT_FLOAT, {-1, 5}),
                              ops::Placeholder(s, DT_INT32, {-1}), n);
  ASSERT_OK(s.status());
  EXPECT_EQ(sum.shape(), PartialShape({-1, 5}));
}

TEST(UnsortedSegmentSumTest, ShapeErrorsNameTheNode) {
  Scope s = NewRootScope();
  ops::UnsortedSegmentSum(s.WithOpName("seg"), F({1, 2, 3, 4}, {2, 2}),
                          I32({0, 0, 0}, {3}), 2);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("'seg'"));
  EXPECT_THAT(s.status().message(), HasSubstr("not a prefix of data shape"));
  Scope r = NewRootScope();
  ops::UnsortedSegmentSum(r.WithOpName("neg"), F({1}, {1}), I32({0}, {1}), -1);
  EXPECT_THAT(r.status().message(), HasSubstr("must be non-negative"));
}

TEST(UnsortedSegmentSumTest, RuntimeErrors) {
  Scope s = NewRootScope();
  Output data = ops::Placeholder(s, DT_FLOAT);
  Output ids = ops::Placeholder(s, DT_INT32);
  Output n = ops::Placeholder(s, DT_INT64);
  Output sum = ops::UnsortedSegmentSum(s.WithOpName("seg"), data, ids, n);
  auto run = [&](Tensor d, Tensor i, int64_t num) {
    return EvalStatus(s, sum, {{data, d}, {ids, i}, {n, Tensor::Scalar(num)}});
  };
  absl::Status st = run(F({1, 2, 3}, {3}), I32({0, 3, 1}, {3}), 3);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("'seg'"));
  EXPECT_THAT(st.message(),
              HasSubstr("segment_ids[1] = 3 is out of range [0, 3)"));
  // TF's segment_reduction_ops_test: a rank-2 id is named by its position.
  st = run(F({17}, {1, 1}), I32({2}, {1, 1}), 2);
  EXPECT_THAT(st.message(),
              HasSubstr("segment_ids[0,0] = 2 is out of range [0, 2)"));
  st = run(F({1, 2, 3, 4}, {2, 2}), I32({0, 0, 0}, {3}), 2);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("data.shape = [2,2] does not start "
                                      "with segment_ids.shape = [3]"));
  st = run(F({1}, {1}), I32({0}, {1}), -2);
  EXPECT_THAT(st.message(),
              HasSubstr("Input num_segments == -2 must not be negative."));
  // num_segments comes from the graph: a huge one is refused, not allocated.
  st = run(F({1, 2, 3, 4}, {1, 4}), I32({0}, {1}), int64_t{1} << 40);
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("'seg'"));
}

// d/d data of sum(UnsortedSegmentSum(data, ids) * R): row i of R picked by
// ids[i], zero where ids[i] < 0 (TF's _GatherDropNegatives).
TEST(UnsortedSegmentSumTest, GradientGathersAndDropsNegativeIds) {
  Scope s = NewRootScope();
  Output data = ops::Placeholder(s, DT_FLOAT, {4, 2});
  Output sum = ops::UnsortedSegmentSum(s, data, I32({2, -1, 0, 2}, {4}), 3);
  Output loss = ops::Sum(s, ops::Mul(s, sum, F({1, 2, 3, 4, 5, 6}, {3, 2})),
                         Input({0, 1}));
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {loss}, {data}, &grads));
  EXPECT_TENSOR_NEAR(
      testing::Eval(s, grads[0], {{data, F({0, 0, 0, 0, 0, 0, 0, 0}, {4, 2})}}),
      F({5, 6, 0, 0, 1, 2, 5, 6}, {4, 2}));

  Scope g = NewRootScope();
  Output x = ops::Placeholder(g, DT_DOUBLE, {3, 2, 2});
  Output y = ops::UnsortedSegmentSum(g, x, I64({1, -1, 0, 1, 1, 3}, {3, 2}), 4);
  EXPECT_GRADIENT_OK(g, {x}, {testing::RandomTensor(DT_DOUBLE, {3, 2, 2}, 7)},
                     y, 1e-6);
}

}  // namespace
}  // namespace graphflow
