#include "tests/support/test_util.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "graph/graph_def.h"
#include "proto/graph_io.h"

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

std::vector<std::string> TfGraphFiles() {
  std::vector<std::string> files;
  std::string dir = SharedPath("tfgraphs");
  if (dir.empty()) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string ext = entry.path().extension();
    if (ext == ".pb" || ext == ".pbtxt" || ext == ".meta") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::unique_ptr<Graph> LoadGraph(const std::string& path) {
  auto gd = ReadGraphDefFile(path);
  EXPECT_TRUE(gd.ok()) << gd.status();
  if (!gd.ok()) return nullptr;
  auto g = GraphFromGraphDef(*gd, GlobalOpRegistry());
  EXPECT_TRUE(g.ok()) << path << ": " << g.status();
  return g.ok() ? *std::move(g) : nullptr;
}

std::unique_ptr<Session> LoadSession(const std::string& path,
                                     SessionOptions options) {
  std::unique_ptr<Graph> g = LoadGraph(path);
  if (!g) return nullptr;
  // A fixed seed unless the test picks one: TF graphs' initializers rarely
  // carry their own, and a test must not depend on the draw.
  if (options.seed == 0) options.seed = 1;
  auto s = Session::Create(std::shared_ptr<const Graph>(std::move(g)), options);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

int CountOccurrences(absl::string_view hay, absl::string_view needle) {
  int n = 0;
  for (size_t p = hay.find(needle); p != absl::string_view::npos;
       p = hay.find(needle, p + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace graphflow::testing
