#include "tests/support/gradient_checker.h"

#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/gradients.h"

namespace graphflow::testing {
namespace {

Tensor Filled(DataType dtype, const TensorShape& shape,
              const std::function<double(int64_t)>& value) {
  Tensor t(dtype, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    if (dtype == DT_DOUBLE) {
      t.data<double>()[i] = value(i);
    } else {
      t.data<float>()[i] = static_cast<float>(value(i));
    }
  }
  return t;
}

void SetElement(Tensor& t, int64_t i, double v) {
  if (t.dtype() == DT_DOUBLE) {
    t.data<double>()[i] = v;
  } else {
    t.data<float>()[i] = static_cast<float>(v);
  }
}

}  // namespace

Tensor RandomTensor(DataType dtype, const TensorShape& shape, uint64_t seed,
                    double lo, double hi, double min_abs) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  return Filled(dtype, shape, [&](int64_t) {
    double v;
    do {
      v = dist(rng);
    } while (std::abs(v) < min_abs);
    return v;
  });
}

absl::StatusOr<double> MaxGradientError(const Scope& scope,
                                        const std::vector<Output>& xs,
                                        const std::vector<Tensor>& x_values,
                                        const Output& y,
                                        const GradientCheckOptions& options) {
  if (xs.size() != x_values.size()) {
    return absl::InvalidArgumentError("one value per x is needed");
  }
  RETURN_IF_ERROR(scope.status());
  FeedDict feeds = options.extra_feeds;
  for (size_t i = 0; i < xs.size(); ++i) feeds.emplace_back(xs[i], x_values[i]);
  Scope cs = scope.NewSubScope("gradient_check");
  Output r = cs.AddOp1("Placeholder", {}, {{"dtype", BaseType(y.dtype())}});
  std::vector<Output> grads;
  RETURN_IF_ERROR(AddSymbolicGradients(cs, {y}, xs, {r}, &grads));
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Create(scope));

  ASSIGN_OR_RETURN(std::vector<Tensor> y0, session->Run(feeds, {y}));
  Tensor r_value =
      RandomTensor(BaseType(y.dtype()), y0[0].shape(), options.seed, -1, 1);
  auto loss = [&](const FeedDict& f) -> absl::StatusOr<double> {
    ASSIGN_OR_RETURN(std::vector<Tensor> out, session->Run(f, {y}));
    double sum = 0;
    for (int64_t i = 0; i < out[0].num_elements(); ++i) {
      sum += out[0].ValueAsDouble(i) * r_value.ValueAsDouble(i);
    }
    return sum;
  };

  FeedDict grad_feeds = feeds;
  grad_feeds.emplace_back(r, r_value);
  std::vector<Output> fetch;
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("no gradient flows to x ", i, " (", xs[i].name(), ")"));
    }
    fetch.push_back(grads[i]);
  }
  ASSIGN_OR_RETURN(std::vector<Tensor> analytic,
                   session->Run(grad_feeds, fetch));

  double max_error = 0;
  for (size_t k = 0; k < xs.size(); ++k) {
    if (analytic[k].shape() != x_values[k].shape()) {
      return absl::InternalError(
          absl::StrCat("gradient of ", xs[k].name(), " has shape ",
                       analytic[k].shape().DebugString(), ", x has ",
                       x_values[k].shape().DebugString()));
    }
    for (int64_t j = 0; j < x_values[k].num_elements(); ++j) {
      double x = x_values[k].ValueAsDouble(j);
      double h = options.delta * std::max(1.0, std::abs(x));
      Tensor plus = x_values[k].Clone(), minus = x_values[k].Clone();
      SetElement(plus, j, x + h);
      SetElement(minus, j, x - h);
      FeedDict fp = feeds, fm = feeds;
      fp[options.extra_feeds.size() + k].second = plus;
      fm[options.extra_feeds.size() + k].second = minus;
      ASSIGN_OR_RETURN(double lp, loss(fp));
      ASSIGN_OR_RETURN(double lm, loss(fm));
      // The step actually taken, after rounding to the input's precision.
      double step = plus.ValueAsDouble(j) - minus.ValueAsDouble(j);
      double numeric = (lp - lm) / step;
      double a = analytic[k].ValueAsDouble(j);
      double err = std::abs(a - numeric) / std::max(1.0, std::abs(numeric));
      max_error = std::max(max_error, err);
    }
  }
  return max_error;
}

}  // namespace graphflow::testing
