// Sum, Mean, Max, Min, Prod: shape functions and values against hand-computed
// numbers and a plain reference loop.
#include "ops/reduction_ops.h"

#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalStatus;
using testing::F;
using testing::I32;
using testing::I64;

using Builder = Output (*)(const Scope&, Input, Input, bool);

Tensor Reduce(Builder op, const Tensor& x, const Tensor& axes,
              bool keep_dims = false) {
  Scope s = NewRootScope();
  return Eval(s, op(s, x, axes, keep_dims));
}

Tensor Axes(std::initializer_list<int32_t> axes) {
  return I32(axes, {static_cast<int64_t>(axes.size())});
}

// [[1,2,3],[4,5,6]]
Tensor X23() { return F({1, 2, 3, 4, 5, 6}, {2, 3}); }

TEST(ReductionTest, SumHandComputed) {
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), Axes({0})), F({5, 7, 9}, {3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), Axes({1})), F({6, 15}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), Axes({-1})), F({6, 15}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), Axes({0, 1})), F({21}, {}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), Axes({1}), true),
                     F({6, 15}, {2, 1}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), Axes({0, 1}), true),
                     F({21}, {1, 1}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), Tensor::Scalar<int32_t>(1)),
                     F({6, 15}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), Tensor::Scalar<int64_t>(0)),
                     F({5, 7, 9}, {3}));
  // Empty axes: no reduction (duplicates: tests/bad_inputs/).
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), Axes({})), X23());
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), Axes({}), true), X23());
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, X23(), I64({0, 1}, {2})), F({21}, {}));
}

TEST(ReductionTest, MeanMaxMinProdHandComputed) {
  EXPECT_TENSOR_NEAR(Reduce(ops::Mean, X23(), Axes({0})),
                     F({2.5, 3.5, 4.5}, {3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Mean, X23(), Axes({-1})), F({2, 5}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Mean, X23(), Axes({0, 1})), F({3.5}, {}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Mean, X23(), Axes({1}), true),
                     F({2, 5}, {2, 1}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Mean, X23(), Axes({})), X23());

  EXPECT_TENSOR_NEAR(Reduce(ops::Max, X23(), Axes({0})), F({4, 5, 6}, {3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Max, X23(), Axes({1})), F({3, 6}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Max, X23(), Axes({0, -1})), F({6}, {}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Max, X23(), Axes({0}), true),
                     F({4, 5, 6}, {1, 3}));

  EXPECT_TENSOR_NEAR(Reduce(ops::Min, X23(), Axes({0})), F({1, 2, 3}, {3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Min, X23(), Tensor::Scalar<int32_t>(-1)),
                     F({1, 4}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Min, X23(), Axes({0, 1})), F({1}, {}));

  EXPECT_TENSOR_NEAR(Reduce(ops::Prod, X23(), Axes({0})), F({4, 10, 18}, {3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Prod, X23(), Axes({1})), F({6, 120}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Prod, X23(), Axes({0, 1}), true),
                     F({720}, {1, 1}));
}

TEST(ReductionTest, IntegerTypes) {
  Tensor x = I32({1, 2, 3, 5, -1, -2}, {3, 2});
  // Integer mean truncates toward zero like TF: 3/2=1, 8/2=4, -3/2=-1.
  EXPECT_TENSOR_NEAR(Reduce(ops::Mean, x, Axes({1})), I32({1, 4, -1}, {3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Mean, x, Axes({0})), I32({1, 1}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, x, Axes({0})), I32({3, 5}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Prod, x, Axes({0, 1})), I32({60}, {}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Max, x, Axes({1})), I32({2, 5, -1}, {3}));
  // Sums wrap like TF's int32 arithmetic.
  EXPECT_TENSOR_NEAR(
      Reduce(ops::Sum, I32({std::numeric_limits<int32_t>::max(), 1}, {2}),
             Axes({0})),
      I32({std::numeric_limits<int32_t>::min()}, {}));
  EXPECT_TENSOR_NEAR(
      Reduce(ops::Sum, I64({int64_t{1} << 40, 5}, {2}), Axes({0})),
      I64({(int64_t{1} << 40) + 5}, {}));
  Tensor u8 = Tensor::FromVector<uint8_t>({200, 100, 7}, {3});
  EXPECT_TENSOR_NEAR(Reduce(ops::Max, u8, Axes({0})),
                     Tensor::Scalar<uint8_t>(200));
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, u8, Axes({0})),
                     Tensor::Scalar<uint8_t>(51));  // 307 mod 256.
  Tensor d = Tensor::FromVector<double>({0.5, 0.25, 2}, {3});
  EXPECT_TENSOR_NEAR(Reduce(ops::Prod, d, Axes({0})), Tensor::Scalar(0.25));
}

TEST(ReductionTest, EmptyDimensionsGiveIdentities) {
  Tensor empty(DT_FLOAT, TensorShape({0, 3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, empty, Axes({0})), F({0, 0, 0}, {3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Prod, empty, Axes({0})), F({1, 1, 1}, {3}));
  const float lowest = std::numeric_limits<float>::lowest();
  const float highest = std::numeric_limits<float>::max();
  EXPECT_TENSOR_NEAR(Reduce(ops::Max, empty, Axes({0})),
                     F({lowest, lowest, lowest}, {3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Min, empty, Axes({0, 1})), F({highest}, {}));
  Tensor mean = Reduce(ops::Mean, empty, Axes({0}), true);
  ASSERT_EQ(mean.shape(), TensorShape({1, 3}));
  for (double v : testing::Values(mean)) EXPECT_TRUE(std::isnan(v));
  // Reducing the non-empty axis leaves an empty result.
  EXPECT_EQ(Reduce(ops::Sum, empty, Axes({1})).shape(), TensorShape({0}));
  Tensor empty_int(DT_INT32, TensorShape({2, 0}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Mean, empty_int, Axes({1})), I32({0, 0}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Max, empty_int, Axes({1})),
                     I32({std::numeric_limits<int32_t>::lowest(),
                          std::numeric_limits<int32_t>::lowest()},
                         {2}));
}

TEST(ReductionTest, ScalarInputAndInfinities) {
  EXPECT_TENSOR_NEAR(Reduce(ops::Sum, Tensor::Scalar(4.0f), Axes({})),
                     Tensor::Scalar(4.0f));
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_TENSOR_NEAR(Reduce(ops::Max, F({-inf, -inf}, {2}), Axes({0})),
                     F({-inf}, {}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Min, F({inf, 3}, {2}), Axes({0})), F({3}, {}));
}

// Reference reduction in double over an arbitrary axis set.
enum class RefOp { kSum, kMean, kMax, kMin, kProd };
std::vector<double> Reference(RefOp op, const std::vector<double>& x,
                              const std::vector<int64_t>& dims,
                              const std::set<int>& axes) {
  const int rank = static_cast<int>(dims.size());
  std::vector<int64_t> out_dims;
  for (int d = 0; d < rank; ++d)
    out_dims.push_back(axes.count(d) ? 1 : dims[d]);
  int64_t n_out = 1;
  for (int64_t d : out_dims) n_out *= d;
  std::vector<double> acc(n_out), count(n_out, 0);
  std::vector<bool> seen(n_out, false);
  std::vector<int64_t> idx(rank, 0);
  for (size_t i = 0; i < x.size(); ++i) {
    int64_t o = 0;
    for (int d = 0; d < rank; ++d)
      o = o * out_dims[d] + (axes.count(d) ? 0 : idx[d]);
    const double v = x[i];
    if (!seen[o]) {
      acc[o] = v;
      seen[o] = true;
    } else if (op == RefOp::kMax) {
      acc[o] = std::max(acc[o], v);
    } else if (op == RefOp::kMin) {
      acc[o] = std::min(acc[o], v);
    } else if (op == RefOp::kProd) {
      acc[o] *= v;
    } else {
      acc[o] += v;
    }
    count[o] += 1;
    for (int d = rank - 1; d >= 0 && ++idx[d] == dims[d]; --d) idx[d] = 0;
  }
  if (op == RefOp::kMean) {
    for (int64_t o = 0; o < n_out; ++o) acc[o] /= count[o];
  }
  return acc;
}

// Deterministic values in [0.5, 1.5) (products stay well scaled).
std::vector<float> Pattern(int64_t n, uint32_t seed) {
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    v[i] = 0.5f + static_cast<float>(seed >> 8) / static_cast<float>(1 << 24);
  }
  return v;
}

void CheckAgainstReference(const std::vector<int64_t>& dims,
                           const std::set<int>& axes, double rtol) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  std::vector<float> values =
      Pattern(n, static_cast<uint32_t>(n + axes.size()));
  Tensor x = Tensor::FromVector<float>(values, TensorShape(dims));
  std::vector<double> xd(values.begin(), values.end());
  Tensor axes_t(DT_INT32, TensorShape({static_cast<int64_t>(axes.size())}));
  int k = 0;
  for (int a : axes) axes_t.data<int32_t>()[k++] = a;
  const std::pair<Builder, RefOp> cases[] = {{ops::Sum, RefOp::kSum},
                                             {ops::Mean, RefOp::kMean},
                                             {ops::Max, RefOp::kMax},
                                             {ops::Min, RefOp::kMin},
                                             {ops::Prod, RefOp::kProd}};
  for (const auto& [op, ref_op] : cases) {
    if (ref_op == RefOp::kProd && n > 4096) continue;  // Over/underflows.
    std::vector<double> expected = Reference(ref_op, xd, dims, axes);
    Tensor got = Reduce(op, x, axes_t, /*keep_dims=*/true);
    ASSERT_EQ(got.num_elements(), static_cast<int64_t>(expected.size()));
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_NEAR(got.ValueAsDouble(i), expected[i],
                  rtol * std::abs(expected[i]) + 1e-6)
          << "op " << static_cast<int>(ref_op) << " element " << i << " dims "
          << TensorShape(dims).DebugString();
    }
  }
}

TEST(ReductionTest, MatchesReferenceOnManyAxisSets) {
  CheckAgainstReference({2, 3, 4}, {0, 2}, 1e-5);  // Non-contiguous.
  CheckAgainstReference({2, 3, 4}, {1}, 1e-5);
  CheckAgainstReference({2, 3, 4}, {0, 1}, 1e-5);
  CheckAgainstReference({2, 3, 4}, {1, 2}, 1e-5);
  CheckAgainstReference({2, 3, 4}, {0, 1, 2}, 1e-5);
  CheckAgainstReference({3, 1, 4, 5}, {0, 1, 3}, 1e-5);  // Size-1 dim.
  CheckAgainstReference({2, 3, 4, 5}, {1, 3}, 1e-5);
  CheckAgainstReference({2, 3, 4, 5}, {0, 2}, 1e-5);
  CheckAgainstReference({3, 7, 1500}, {1}, 1e-5);  // Two column tiles.
  CheckAgainstReference({4, 37}, {1}, 1e-5);       // Lanes plus a tail.
}

TEST(ReductionTest, LargeReductionsStayAccurate) {
  // Long rows, long columns, and one long row split over threads.
  CheckAgainstReference({100000}, {0}, 1e-6);
  CheckAgainstReference({3, 60000}, {1}, 1e-6);
  CheckAgainstReference({40000, 7}, {0}, 1e-6);
  CheckAgainstReference({3000, 300}, {0}, 1e-6);
  CheckAgainstReference({50, 40, 30}, {0, 2}, 1e-6);
  // Mean of 300k copies of 0.1f: naive float accumulation drifts by ~1%.
  Tensor x(DT_FLOAT, TensorShape({300000}));
  std::fill_n(x.data<float>(), x.num_elements(), 0.1f);
  Tensor mean = Reduce(ops::Mean, x, Axes({0}));
  EXPECT_NEAR(mean.ValueAsDouble(0), 0.1f, 1e-8);
  ASSERT_OK(x.Reshaped({100000, 3}).status());
  Tensor columns = Reduce(ops::Mean, *x.Reshaped({100000, 3}), Axes({0}));
  for (double v : testing::Values(columns)) EXPECT_NEAR(v, 0.1f, 1e-8);
}

TEST(ReductionTest, InvalidAxesAreErrorsNamingTheNode) {
  // Graph-time: a constant axis out of range fails in the shape function.
  Scope s = NewRootScope();
  ops::Sum(s.WithOpName("bad_sum"), X23(), 2);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("bad_sum"), std::string::npos)
      << s.status();
  Scope s2 = NewRootScope();
  ops::Max(s2.WithOpName("bad_max"), X23(), Axes({-3}));
  EXPECT_NE(s2.status().message().find("bad_max"), std::string::npos);
  Scope s3 = NewRootScope();
  ops::Mean(s3.WithOpName("matrix_axes"), X23(), I32({0, 1}, {1, 2}));
  EXPECT_NE(s3.status().message().find("matrix_axes"), std::string::npos);

  // Run-time: fed axes.
  Scope r = NewRootScope();
  Output axes = ops::Placeholder(r, DT_INT32);
  Output sum = ops::Sum(r.WithOpName("fed_sum"), X23(), axes);
  absl::Status st = EvalStatus(r, sum, {{axes, Axes({0, 5})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("fed_sum"), std::string::npos) << st;
  EXPECT_TENSOR_NEAR(Eval(r, sum, {{axes, Axes({-2})}}), F({5, 7, 9}, {3}));
}

TEST(ReductionShapeTest, KnownAxes) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 3, 4}));
  EXPECT_EQ(ops::Sum(s, x, 1).shape(), PartialShape({-1, 4}));
  EXPECT_EQ(ops::Sum(s, x, Axes({0, 2}), true).shape(),
            PartialShape({1, 3, 1}));
  EXPECT_EQ(ops::Mean(s, x, Axes({-1, 0})).shape(), PartialShape({3}));
  EXPECT_EQ(ops::Max(s, x, Axes({})).shape(), PartialShape({-1, 3, 4}));
  EXPECT_EQ(ops::Prod(s, x, Axes({0, 1, 2})).shape(), PartialShape({}));
  Output known = ops::Const(s, X23());
  EXPECT_EQ(ops::Min(s, known, 0).shape(), PartialShape({3}));
  ASSERT_OK(s.status());
}

TEST(ReductionShapeTest, UnknownAxesOrRank) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 3}));
  Output axes = ops::Placeholder(s, DT_INT32);
  EXPECT_EQ(ops::Sum(s, x, axes, true).shape(), PartialShape({-1, -1}));
  EXPECT_TRUE(ops::Sum(s, x, axes, false).shape().unknown_rank());
  Output unknown = ops::Placeholder(s, DT_FLOAT);
  EXPECT_TRUE(ops::Sum(s, unknown, 0, true).shape().unknown_rank());
  EXPECT_TRUE(ops::Mean(s, unknown, Axes({0})).shape().unknown_rank());
  ASSERT_OK(s.status());
  // Bad T (bool) is rejected by the schema.
  Scope b = NewRootScope();
  ops::Sum(b.WithOpName("bool_sum"), Tensor::Scalar(true), Axes({}));
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace graphflow
