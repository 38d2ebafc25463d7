#include "tests/support/test_util.h"

#include <cmath>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace graphflow::testing {

std::string SharedPath(const std::string& relative) {
  const char* env = std::getenv("GRAPHFLOW_SHARED_DIR");
  std::string dir = env ? env : GRAPHFLOW_SHARED_DIR;
  std::string path = dir + "/" + relative;
  return std::filesystem::exists(path) ? path : "";
}

Tensor F(std::initializer_list<float> values, const TensorShape& shape) {
  return Tensor::FromVector<float>(values, shape);
}
Tensor I32(std::initializer_list<int32_t> values, const TensorShape& shape) {
  return Tensor::FromVector<int32_t>(values, shape);
}
Tensor I64(std::initializer_list<int64_t> values, const TensorShape& shape) {
  return Tensor::FromVector<int64_t>(values, shape);
}

std::vector<Tensor> EvalAll(const Scope& scope,
                            const std::vector<Output>& fetches,
                            const FeedDict& feeds) {
  auto session = Session::Create(scope);
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return std::vector<Tensor>(fetches.size());
  auto out = (*session)->Run(feeds, fetches);
  EXPECT_TRUE(out.ok()) << out.status();
  if (!out.ok()) return std::vector<Tensor>(fetches.size());
  return *out;
}

Tensor Eval(const Scope& scope, const Output& fetch, const FeedDict& feeds) {
  return EvalAll(scope, {fetch}, feeds)[0];
}

absl::Status EvalStatus(const Scope& scope, const Output& fetch,
                        const FeedDict& feeds) {
  auto session = Session::Create(scope);
  if (!session.ok()) return session.status();
  return (*session)->Run(feeds, {fetch}).status();
}

std::vector<double> Values(const Tensor& t) {
  std::vector<double> v;
  for (int64_t i = 0; i < t.num_elements(); ++i)
    v.push_back(t.ValueAsDouble(i));
  return v;
}

::testing::AssertionResult TensorNear(const Tensor& actual,
                                      const Tensor& expected, double atol,
                                      double rtol) {
  if (!actual.valid()) return ::testing::AssertionFailure() << "invalid tensor";
  if (actual.dtype() != expected.dtype()) {
    return ::testing::AssertionFailure()
           << "dtype " << DataTypeString(actual.dtype())
           << " != " << DataTypeString(expected.dtype());
  }
  if (actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure()
           << "shape " << actual.shape().DebugString()
           << " != " << expected.shape().DebugString();
  }
  for (int64_t i = 0; i < actual.num_elements(); ++i) {
    double a = actual.ValueAsDouble(i), e = expected.ValueAsDouble(i);
    bool both_nan = std::isnan(a) && std::isnan(e);
    if (!both_nan && !(std::abs(a - e) <= atol + rtol * std::abs(e)) &&
        !(std::isinf(a) && a == e)) {
      return ::testing::AssertionFailure()
             << "element " << i << ": " << a << " vs expected " << e
             << "\nactual:   " << actual.DebugString(24)
             << "\nexpected: " << expected.DebugString(24);
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace graphflow::testing
