// Shared test helpers: paths to ../shared, tensor comparisons, running a
// small graph in one call, and loading graph files.
#ifndef GRAPHFLOW_TESTS_SUPPORT_TEST_UTIL_H_
#define GRAPHFLOW_TESTS_SUPPORT_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "graph/graph.h"
#include "graph/tensor.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "session/session.h"

namespace graphflow::testing {

// "<repo>/../shared/<relative>", or "" when ../shared is absent.
std::string SharedPath(const std::string& relative);

#define GF_SKIP_WITHOUT_SHARED(path_var, relative)                   \
  std::string path_var = ::graphflow::testing::SharedPath(relative); \
  if (path_var.empty())                                              \
  GTEST_SKIP() << "../shared/" << relative << " not present"

// Builds a float tensor of `shape` from values.
Tensor F(std::initializer_list<float> values, const TensorShape& shape);
Tensor I32(std::initializer_list<int32_t> values, const TensorShape& shape);
Tensor I64(std::initializer_list<int64_t> values, const TensorShape& shape);

// Runs the scope's graph: fetch `fetch` with `feeds`; fails the test on error.
Tensor Eval(const Scope& scope, const Output& fetch,
            const FeedDict& feeds = {});
std::vector<Tensor> EvalAll(const Scope& scope,
                            const std::vector<Output>& fetches,
                            const FeedDict& feeds = {});
// The status of running `fetch` (for error-path tests).
absl::Status EvalStatus(const Scope& scope, const Output& fetch,
                        const FeedDict& feeds = {});

// Same dtype and shape, values within atol + rtol*|expected|.
::testing::AssertionResult TensorNear(const Tensor& actual,
                                      const Tensor& expected,
                                      double atol = 1e-5, double rtol = 1e-5);
std::vector<double> Values(const Tensor& t);

// The graph files (.pb, .pbtxt, .meta) in ../shared/tfgraphs, sorted; none
// when it is absent.
std::vector<std::string> TfGraphFiles();
// Reads a graph file (.pb, .pbtxt or .meta) and imports it with
// GlobalOpRegistry(); on an error, fails the test and returns null.
std::unique_ptr<Graph> LoadGraph(const std::string& path);
// LoadGraph, then a Session on it; null (and a test failure) on an error.
std::unique_ptr<Session> LoadSession(const std::string& path,
                                     SessionOptions options = {});
// How often `needle` occurs in `hay`, not overlapping.
int CountOccurrences(absl::string_view hay, absl::string_view needle);

}  // namespace graphflow::testing

#define EXPECT_TENSOR_NEAR(actual, expected, ...) \
  EXPECT_TRUE(::graphflow::testing::TensorNear(actual, expected, ##__VA_ARGS__))

#define ASSERT_OK(expr) ASSERT_TRUE((expr).ok()) << (expr)
#define EXPECT_OK(expr) EXPECT_TRUE((expr).ok()) << (expr)

#endif  // GRAPHFLOW_TESTS_SUPPORT_TEST_UTIL_H_
