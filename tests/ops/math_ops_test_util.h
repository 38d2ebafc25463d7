// Helpers shared by the math op tests.
#ifndef GRAPHFLOW_TESTS_OPS_MATH_OPS_TEST_UTIL_H_
#define GRAPHFLOW_TESTS_OPS_MATH_OPS_TEST_UTIL_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ops/math_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {

// Readable gtest failure output for shapes.
inline void PrintTo(const PartialShape& s, std::ostream* os) {
  *os << s.DebugString();
}
inline void PrintTo(const TensorShape& s, std::ostream* os) {
  *os << s.DebugString();
}

// A known scalar shape ({} alone would be the unknown shape).
inline PartialShape KnownScalar() { return PartialShape(TensorShape{}); }

namespace testing {

template <typename T>
Tensor Make(std::initializer_list<T> values, const TensorShape& shape) {
  return Tensor::FromVector<T>(values, shape);
}
inline Tensor B(std::initializer_list<bool> values, const TensorShape& shape) {
  return Tensor::FromVector<bool>(values, shape);
}
inline Tensor D(std::initializer_list<double> values,
                const TensorShape& shape) {
  return Tensor::FromVector<double>(values, shape);
}

// A tensor of `dtype` holding `values` (converted from double).
inline Tensor FromDoubles(DataType dtype, const TensorShape& shape,
                          const std::vector<double>& values) {
  Tensor t(dtype, shape);
  absl::Status s = DispatchType(dtype, [&]<typename T>() {
    for (size_t i = 0; i < values.size(); ++i) {
      t.data<T>()[i] = static_cast<T>(values[i]);
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return t;
}

// Deterministic pseudo-random values in [lo, hi).
inline std::vector<double> RandomValues(int64_t n, double lo, double hi,
                                        uint64_t seed) {
  std::vector<double> v(n);
  uint64_t x = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  for (int64_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    v[i] = lo + (hi - lo) * static_cast<double>(x >> 11) / 9007199254740992.0;
  }
  return v;
}

// The status must be InvalidArgument and mention every one of `parts`.
inline ::testing::AssertionResult IsInvalidArgument(
    const absl::Status& s, const std::vector<std::string>& parts) {
  if (s.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure()
           << "expected InvalidArgument, got " << s;
  }
  for (const std::string& p : parts) {
    if (s.message().find(p) == absl::string_view::npos) {
      return ::testing::AssertionFailure()
             << "message lacks '" << p << "': " << s.message();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace testing
}  // namespace graphflow

#endif  // GRAPHFLOW_TESTS_OPS_MATH_OPS_TEST_UTIL_H_
