// Helpers shared by the array op tests.
#ifndef GRAPHFLOW_TESTS_OPS_ARRAY_OPS_TEST_UTIL_H_
#define GRAPHFLOW_TESTS_OPS_ARRAY_OPS_TEST_UTIL_H_

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {

inline void PrintTo(const PartialShape& s, std::ostream* os) {
  *os << s.DebugString();
}

namespace testing {

// The scope's first error must be InvalidArgument naming node `name`.
inline void ExpectError(const Scope& s, absl::string_view name,
                        absl::string_view fragment = "") {
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument)
      << s.status();
  EXPECT_TRUE(
      absl::StrContains(s.status().message(), absl::StrCat("'", name, "'")))
      << s.status();
  EXPECT_TRUE(absl::StrContains(s.status().message(), fragment)) << s.status();
}

// Running `out` must fail with InvalidArgument naming node `name`.
inline void ExpectRunError(const Scope& s, const Output& out,
                           absl::string_view name, const FeedDict& feeds,
                           absl::string_view fragment = "") {
  absl::Status st = EvalStatus(s, out, feeds);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), absl::StrCat("'", name, "'")))
      << st;
  EXPECT_TRUE(absl::StrContains(st.message(), fragment)) << st;
}

// A float tensor holding 0, 1, 2, ... in row-major order.
inline Tensor Iota(const TensorShape& shape) {
  Tensor t(DT_FLOAT, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = i;
  return t;
}

inline PartialShape Scalar() { return PartialShape::UnknownOfRank(0); }

}  // namespace testing
}  // namespace graphflow

#endif  // GRAPHFLOW_TESTS_OPS_ARRAY_OPS_TEST_UTIL_H_
