// Numeric gradient checking: compares the symbolic gradient of
// L = sum(y * R) (R a fixed random tensor) with central differences of L,
// computed in double from the forward pass.
#ifndef GRAPHFLOW_TESTS_SUPPORT_GRADIENT_CHECKER_H_
#define GRAPHFLOW_TESTS_SUPPORT_GRADIENT_CHECKER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "graph/scope.h"
#include "session/session.h"

namespace graphflow::testing {

struct GradientCheckOptions {
  double delta = 1e-3;   // Step, scaled by max(1, |x|).
  uint64_t seed = 1;     // For R.
  FeedDict extra_feeds;  // Other placeholders y needs.
};

// xs are placeholders (or other fed tensors) with the given values. Returns
// the largest |analytic - numeric| / max(1, |numeric|) over all elements of
// all xs.
absl::StatusOr<double> MaxGradientError(
    const Scope& scope, const std::vector<Output>& xs,
    const std::vector<Tensor>& x_values, const Output& y,
    const GradientCheckOptions& options = {});

// Values in [lo, hi) with |v| >= min_abs (keeps inputs off kinks like 0).
Tensor RandomTensor(DataType dtype, const TensorShape& shape, uint64_t seed,
                    double lo = -1, double hi = 1, double min_abs = 0);

}  // namespace graphflow::testing

// Builds nothing; asserts the check passes below `tolerance`.
#define EXPECT_GRADIENT_OK(scope, xs, values, y, tolerance)           \
  do {                                                                \
    auto gf_err_ =                                                    \
        ::graphflow::testing::MaxGradientError(scope, xs, values, y); \
    ASSERT_TRUE(gf_err_.ok()) << gf_err_.status();                    \
    EXPECT_LT(*gf_err_, tolerance);                                   \
  } while (0)

#endif  // GRAPHFLOW_TESTS_SUPPORT_GRADIENT_CHECKER_H_
