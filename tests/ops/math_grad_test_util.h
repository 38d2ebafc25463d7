// Helpers shared by the math gradient tests.
#ifndef GRAPHFLOW_TESTS_OPS_MATH_GRAD_TEST_UTIL_H_
#define GRAPHFLOW_TESTS_OPS_MATH_GRAD_TEST_UTIL_H_

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow::testing {

// Where test inputs come from: uniform in [lo, hi) with |v| >= min_abs; with
// `grid` > 0, snapped to multiples of grid then shifted by `offset` (keeps
// max/min operands apart: x on +offset, y on -offset never tie).
struct ValueRange {
  double lo = -1, hi = 1, min_abs = 0;
  double grid = 0, offset = 0;
};

inline Tensor MakeInput(DataType dtype, const TensorShape& shape, uint64_t seed,
                        const ValueRange& r) {
  Tensor t = RandomTensor(dtype, shape, seed, r.lo, r.hi, r.min_abs);
  if (r.grid <= 0) return t;
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    double v = std::round(t.ValueAsDouble(i) / r.grid) * r.grid + r.offset;
    if (dtype == DT_DOUBLE) {
      t.data<double>()[i] = v;
    } else {
      t.data<float>()[i] = static_cast<float>(v);
    }
  }
  return t;
}

// How the placeholders declare their shapes.
enum class StaticShape { kKnown, kUnknown, kBatchUnknown };

inline PartialShape Declared(const TensorShape& s, StaticShape mode) {
  if (mode == StaticShape::kUnknown) return PartialShape();
  PartialShape p(s);
  if (mode == StaticShape::kBatchUnknown && p.rank() > 0) p.set_dim(0, -1);
  return p;
}

inline std::string ModeName(StaticShape mode) {
  return mode == StaticShape::kKnown     ? "known"
         : mode == StaticShape::kUnknown ? "unknown"
                                         : "batch-unknown";
}

// A smaller step for double keeps the central difference's truncation error
// (about h^2 * f''' / 6) well below the tolerance.
inline GradientCheckOptions CheckOptions(DataType dtype) {
  GradientCheckOptions o;
  if (dtype == DT_DOUBLE) o.delta = 1e-5;
  return o;
}

// The tolerance: 1e-3 for float32, 1e-6 for double.
inline double Tolerance(DataType dtype) {
  return dtype == DT_DOUBLE ? 1e-6 : 1e-3;
}

// The max gradient error of the unary op `fn` at values from `r`.
template <typename Fn>
double UnaryError(Fn fn, DataType dtype, const TensorShape& shape,
                  const ValueRange& r, StaticShape mode = StaticShape::kKnown,
                  uint64_t seed = 1) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), dtype, Declared(shape, mode));
  Output y = fn(s.WithOpName("f"), x);
  auto err = MaxGradientError(s, {x}, {MakeInput(dtype, shape, seed, r)}, y,
                              CheckOptions(dtype));
  EXPECT_TRUE(err.ok()) << err.status();
  return err.ok() ? *err : 1e9;
}

// The max gradient error of the binary op `fn` over both inputs.
template <typename Fn>
double BinaryError(Fn fn, DataType dtype, const TensorShape& xs,
                   const TensorShape& ys, StaticShape mode,
                   const ValueRange& rx, const ValueRange& ry,
                   uint64_t seed = 1) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), dtype, Declared(xs, mode));
  Output y = ops::Placeholder(s.WithOpName("y"), dtype, Declared(ys, mode));
  Output z = fn(s.WithOpName("f"), x, y);
  auto err = MaxGradientError(
      s, {x, y},
      {MakeInput(dtype, xs, seed, rx), MakeInput(dtype, ys, seed + 100, ry)}, z,
      CheckOptions(dtype));
  EXPECT_TRUE(err.ok()) << err.status();
  return err.ok() ? *err : 1e9;
}

// Op names of the nodes under "gradients/".
inline std::vector<std::string> GradientOps(const Scope& s) {
  std::vector<std::string> ops;
  for (const auto& n : s.graph()->nodes()) {
    if (n->name().rfind("gradients/", 0) == 0) ops.push_back(n->op());
  }
  return ops;
}

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_OPS_MATH_GRAD_TEST_UTIL_H_
