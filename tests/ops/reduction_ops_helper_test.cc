// The Prod gradient's helper ops: Cumsum, Cumprod and
// ListDiff (shape functions, values, errors, Cumsum/Cumprod gradients).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalStatus;
using testing::F;
using testing::I32;
using testing::I64;

using ScanBuilder = Output (*)(const Scope&, Input, Input, bool, bool);

Tensor Scan(ScanBuilder op, const Tensor& x, Input axis, bool exclusive,
            bool reverse) {
  Scope s = NewRootScope();
  return Eval(s, op(s, x, axis, exclusive, reverse));
}

// [[1,2,3],[4,5,6]]
Tensor X23() { return F({1, 2, 3, 4, 5, 6}, {2, 3}); }

void ExpectContains(const absl::Status& status, const std::string& text) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find(text), std::string::npos) << status;
}

TEST(CumsumTest, HandComputed) {
  EXPECT_TENSOR_NEAR(Scan(ops::Cumsum, X23(), 1, false, false),
                     F({1, 3, 6, 4, 9, 15}, {2, 3}));
  EXPECT_TENSOR_NEAR(Scan(ops::Cumsum, X23(), 1, true, false),
                     F({0, 1, 3, 0, 4, 9}, {2, 3}));
  EXPECT_TENSOR_NEAR(Scan(ops::Cumsum, X23(), -1, false, true),
                     F({6, 5, 3, 15, 11, 6}, {2, 3}));
  EXPECT_TENSOR_NEAR(Scan(ops::Cumsum, X23(), 1, true, true),
                     F({5, 3, 0, 11, 6, 0}, {2, 3}));
  EXPECT_TENSOR_NEAR(Scan(ops::Cumsum, X23(), 0, false, false),
                     F({1, 2, 3, 5, 7, 9}, {2, 3}));
  EXPECT_TENSOR_NEAR(
      Scan(ops::Cumsum, X23(), Tensor::Scalar<int64_t>(-2), true, false),
      F({0, 0, 0, 1, 2, 3}, {2, 3}));
  EXPECT_TENSOR_NEAR(Scan(ops::Cumsum, I32({1, 2, 3, 4}, {4}), 0, false, false),
                     I32({1, 3, 6, 10}, {4}), 0);
  // Integer sums wrap like TF's.
  EXPECT_TENSOR_NEAR(
      Scan(ops::Cumsum, I32({2147483647, 1}, {2}), 0, false, false),
      I32({2147483647, -2147483647 - 1}, {2}), 0);
}

TEST(CumprodTest, HandComputed) {
  EXPECT_TENSOR_NEAR(Scan(ops::Cumprod, X23(), 1, false, false),
                     F({1, 2, 6, 4, 20, 120}, {2, 3}));
  EXPECT_TENSOR_NEAR(Scan(ops::Cumprod, X23(), 1, true, false),
                     F({1, 1, 2, 1, 4, 20}, {2, 3}));
  EXPECT_TENSOR_NEAR(Scan(ops::Cumprod, X23(), 1, false, true),
                     F({6, 6, 3, 120, 30, 6}, {2, 3}));
  EXPECT_TENSOR_NEAR(Scan(ops::Cumprod, X23(), 1, true, true),
                     F({6, 3, 1, 30, 6, 1}, {2, 3}));
  EXPECT_TENSOR_NEAR(Scan(ops::Cumprod, X23(), 0, true, true),
                     F({4, 5, 6, 1, 1, 1}, {2, 3}));
  EXPECT_TENSOR_NEAR(Scan(ops::Cumprod, I64({2, 0, 3}, {3}), 0, false, false),
                     I64({2, 0, 0}, {3}), 0);
  // Empty tensors scan to empty tensors.
  EXPECT_EQ(
      Scan(ops::Cumprod, Tensor(DT_FLOAT, {2, 0}), 1, false, false).shape(),
      TensorShape({2, 0}));
}

// Against a plain loop on shapes with long rows (several column chunks) and
// a long scanned axis.
TEST(ScanTest, MatchesReferenceLoop) {
  for (TensorShape shape : {TensorShape{3, 4, 1100}, TensorShape{5, 300},
                            TensorShape{2, 3, 4, 5}}) {
    Tensor x = testing::RandomTensor(DT_DOUBLE, shape, 3, 0.9, 1.1);
    for (int axis = 0; axis < shape.rank(); ++axis) {
      int64_t outer = 1, inner = 1;
      for (int d = 0; d < axis; ++d) outer *= shape.dim(d);
      for (int d = axis + 1; d < shape.rank(); ++d) inner *= shape.dim(d);
      const int64_t n = shape.dim(axis);
      for (bool prod : {false, true}) {
        for (bool exclusive : {false, true}) {
          for (bool reverse : {false, true}) {
            Tensor got = Scan(prod ? ops::Cumprod : ops::Cumsum, x, axis,
                              exclusive, reverse);
            const double* xs = x.data<double>();
            for (int64_t o = 0; o < outer; ++o) {
              for (int64_t k = 0; k < inner; ++k) {
                double acc = prod ? 1 : 0;
                for (int64_t step = 0; step < n; ++step) {
                  const int64_t j = reverse ? n - 1 - step : step;
                  const int64_t at = (o * n + j) * inner + k;
                  if (!exclusive) acc = prod ? acc * xs[at] : acc + xs[at];
                  ASSERT_NEAR(got.data<double>()[at], acc, 1e-9 * (1 + acc))
                      << shape.DebugString() << " axis " << axis;
                  if (exclusive) acc = prod ? acc * xs[at] : acc + xs[at];
                }
              }
            }
          }
        }
      }
    }
  }
}

TEST(ScanTest, ShapesAndErrors) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 3}));
  EXPECT_EQ(ops::Cumsum(s, x, 1).shape(), PartialShape({-1, 3}));
  Output unknown = ops::Placeholder(s, DT_FLOAT);
  EXPECT_TRUE(ops::Cumprod(s, unknown, 5).shape().unknown_rank());
  Output axis = ops::Placeholder(s, DT_INT32);
  EXPECT_EQ(ops::Cumprod(s, x, axis).shape(), PartialShape({-1, 3}));
  ASSERT_OK(s.status());

  Scope b1 = NewRootScope();
  ops::Cumsum(b1.WithOpName("vector_axis"), X23(), {0, 1});
  ExpectContains(b1.status(), "vector_axis");
  Scope b2 = NewRootScope();
  ops::Cumprod(b2.WithOpName("far_axis"), X23(), 2);
  ExpectContains(b2.status(), "far_axis");
  Scope b3 = NewRootScope();
  ops::Cumsum(b3.WithOpName("bool_scan"), Tensor::Scalar(true), 0);
  EXPECT_FALSE(b3.status().ok());

  // Run time: a fed axis out of range, a fed non-scalar axis.
  Scope r = NewRootScope();
  Output fed = ops::Placeholder(r, DT_INT32);
  Output y = ops::Cumsum(r.WithOpName("fed_scan"), X23(), fed);
  ExpectContains(EvalStatus(r, y, {{fed, Tensor::Scalar<int32_t>(-3)}}),
                 "fed_scan");
  ExpectContains(EvalStatus(r, y, {{fed, I32({0}, {1})}}), "fed_scan");
  EXPECT_TENSOR_NEAR(Eval(r, y, {{fed, Tensor::Scalar<int32_t>(-2)}}),
                     F({1, 2, 3, 5, 7, 9}, {2, 3}));
}

TEST(ScanTest, Gradients) {
  for (bool prod : {false, true}) {
    for (bool exclusive : {false, true}) {
      for (bool reverse : {false, true}) {
        for (int axis : {0, -1}) {
          Scope s = NewRootScope();
          Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
          Output y = (prod ? ops::Cumprod : ops::Cumsum)(s, x, axis, exclusive,
                                                         reverse);
          auto err = testing::MaxGradientError(
              s, {x},
              {testing::RandomTensor(DT_FLOAT, {3, 4}, 5, -1.5, 1.5, 0.4)}, y);
          ASSERT_OK(err.status());
          EXPECT_LT(*err, 1e-3) << prod << exclusive << reverse << axis;
        }
      }
    }
  }
}

TEST(ListDiffTest, ValuesShapesAndErrors) {
  Scope s = NewRootScope();
  auto d =
      ops::ListDiff(s, I32({1, 2, 3, 4, 5, 6, 2}, {7}), I32({1, 3, 5}, {3}));
  auto out = testing::EvalAll(s, {d.out, d.idx});
  EXPECT_TENSOR_NEAR(out[0], I32({2, 4, 6, 2}, {4}), 0);  // Keeps repeats.
  EXPECT_TENSOR_NEAR(out[1], I32({1, 3, 5, 6}, {4}), 0);
  EXPECT_EQ(d.out.shape(), PartialShape({-1}));
  EXPECT_EQ(d.idx.shape(), PartialShape({-1}));

  auto f =
      ops::ListDiff(s, F({0.5, 1.5, 2.5}, {3}), F({1.5, 9}, {2}), DT_INT64);
  out = testing::EvalAll(s, {f.out, f.idx});
  EXPECT_TENSOR_NEAR(out[0], F({0.5, 2.5}, {2}), 0);
  EXPECT_TENSOR_NEAR(out[1], I64({0, 2}, {2}), 0);
  auto all = ops::ListDiff(s, I64({7, 7}, {2}), I64({7}, {1}));
  EXPECT_EQ(Eval(s, all.out).num_elements(), 0);
  ASSERT_OK(s.status());

  Scope b = NewRootScope();
  ops::ListDiff(b.WithOpName("matrix_diff"), I32({1, 2}, {1, 2}),
                I32({1}, {1}));
  ExpectContains(b.status(), "matrix_diff");
  Scope t = NewRootScope();
  ops::ListDiff(t.WithOpName("mixed_diff"), I32({1}, {1}), I64({1}, {1}));
  EXPECT_FALSE(t.status().ok());

  Scope r = NewRootScope();
  Output fed = ops::Placeholder(r, DT_INT32);
  auto fd = ops::ListDiff(r.WithOpName("fed_diff"), I32({1, 2}, {2}), fed);
  ExpectContains(EvalStatus(r, fd.out, {{fed, I32({1}, {1, 1})}}), "fed_diff");
  EXPECT_TENSOR_NEAR(Eval(r, fd.out, {{fed, I32({2}, {1})}}), I32({1}, {1}), 0);
}

}  // namespace
}  // namespace graphflow
