// Helpers shared by the tests of the array, array_slice and array_join
// families.
#ifndef GRAPHFLOW_TESTS_OPS_ARRAY_OPS_TEST_UTIL_H_
#define GRAPHFLOW_TESTS_OPS_ARRAY_OPS_TEST_UTIL_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
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

// A string tensor of `shape` holding `values` in row-major order.
inline Tensor Strings(const std::vector<std::string>& values,
                      const TensorShape& shape) {
  Tensor t(DT_STRING, shape);
  std::copy(values.begin(), values.end(), t.data<std::string>());
  return t;
}

// out[idx] = x[source(idx)] (multi-indices), by a plain loop over floats.
inline Tensor Gather(const Tensor& x, const TensorShape& out_shape,
                     const std::function<DimVector(const DimVector&)>& source) {
  Tensor out(DT_FLOAT, out_shape);
  DimVector idx(out_shape.rank(), 0);
  for (int64_t i = 0; i < out.num_elements(); ++i) {
    DimVector in = source(idx);
    int64_t flat = 0;
    for (int j = 0; j < x.rank(); ++j) flat = flat * x.dim(j) + in[j];
    out.data<float>()[i] = x.data<float>()[flat];
    for (int j = out_shape.rank() - 1; j >= 0; --j) {
      if (++idx[j] < out_shape.dim(j)) break;
      idx[j] = 0;
    }
  }
  return out;
}

inline Output Ph(const Scope& s, const PartialShape& shape = PartialShape(),
                 DataType dtype = DT_FLOAT) {
  return ops::Placeholder(s, dtype, shape);
}

// The numeric gradient check of the array gradient tests.
inline void CheckGrad(const Scope& s, const std::vector<Output>& xs,
                      const std::vector<Tensor>& values, const Output& y) {
  constexpr double kTol = 1e-3;
  auto err = MaxGradientError(s, xs, values, y);
  ASSERT_TRUE(err.ok()) << err.status();
  EXPECT_LT(*err, kTol);
}

// Writes the scope's graph as a GraphDef, checks that it imports to the same
// graph, and opens a session on the import (nullptr on failure).
inline std::unique_ptr<Session> RoundTripSession(const Scope& s) {
  tensorflow::GraphDef gd = GraphToGraphDef(*s.graph());
  auto g = GraphFromGraphDef(gd, GlobalOpRegistry());
  EXPECT_TRUE(g.ok()) << g.status();
  if (!g.ok()) return nullptr;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      gd, GraphToGraphDef(**g)));
  auto session = Session::Create(gd, GlobalOpRegistry());
  EXPECT_TRUE(session.ok()) << session.status();
  return session.ok() ? *std::move(session) : nullptr;
}

// The ops of the nodes under a gradient scope ".../gradients/<name>_grad/".
inline std::vector<std::string> GradOps(const Scope& s,
                                        absl::string_view name) {
  std::vector<std::string> ops;
  std::string prefix = absl::StrCat("gradients/", name, "_grad/");
  for (const auto& n : s.graph()->nodes()) {
    if (absl::StrContains(n->name(), prefix)) ops.push_back(n->op());
  }
  return ops;
}

}  // namespace testing
}  // namespace graphflow

// The trace gives the failing check's line.
#define CHECK_GRAD(...)             \
  do {                              \
    SCOPED_TRACE("gradient check"); \
    CheckGrad(__VA_ARGS__);         \
  } while (0)

#endif  // GRAPHFLOW_TESTS_OPS_ARRAY_OPS_TEST_UTIL_H_
