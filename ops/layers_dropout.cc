// layers::Dropout: the graph tf.layers.dropout (TF 1.15) builds, composed
// from existing ops.
#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"
#include "ops/initializers.h"
#include "ops/layers.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/state_ops.h"

namespace graphflow::layers {
namespace {

Tensor ScalarLike(DataType dtype, double v) {
  return dtype == DT_DOUBLE ? Tensor::Scalar(v)
                            : Tensor::Scalar(static_cast<float>(v));
}

// nn.dropout(x, rate) under name scope "dropout": keep_prob + U[0, 1)
// floors to 1 with probability keep_prob, and the kept values are scaled
// by 1 / keep_prob so the expected sum is unchanged.
Output NnDropout(const Scope& s, const Output& x, float rate,
                 const Seed& seed) {
  Scope ds = s.NewSubScope("dropout");
  const DataType dtype = BaseType(x.dtype());
  Output rate_t = ds.WithOpName("rate").Const(ScalarLike(dtype, rate));
  Output noise_shape = ops::Shape(ds, x);
  Output keep_prob =
      ops::Sub(ds.WithOpName("sub"),
               ds.WithOpName("sub/x").Const(ScalarLike(dtype, 1)), rate_t);
  Output uniform = RandomUniformRange(ds.NewSubScope("random_uniform"),
                                      noise_shape, dtype, seed, 0, 1);
  Output binary =
      ops::Floor(ds, ops::Add(ds.WithOpName("add"), keep_prob, uniform));
  return ops::Mul(ds.WithOpName("mul"),
                  ops::RealDiv(ds.WithOpName("truediv"), x, keep_prob), binary);
}

}  // namespace

Output Dropout(const Scope& s, const Output& x, const DropoutOptions& options) {
  if (!x.valid()) return {};
  const DataType dtype = BaseType(x.dtype());
  if (dtype != DT_FLOAT && dtype != DT_DOUBLE) {
    s.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat("Dropout: the input ", x.name(),
                     " must be float or double, got ", DataTypeString(dtype))));
    return {};
  }
  if (!(options.rate >= 0 && options.rate < 1)) {
    s.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat("Dropout: rate must be in [0, 1), got ", options.rate)));
    return {};
  }
  Scope ls = s.NewSubScope(options.name);
  auto dropped = [&](const Scope& cs) -> OutputList {
    if (options.rate == 0) return {x};  // TF returns x when nothing drops.
    return {NnDropout(cs, x, options.rate, options.seed)};
  };
  auto identity = [&](const Scope& cs) -> OutputList {
    return {ops::Identity(cs, x)};
  };
  OutputList out =
      SmartCond(ls, options.training, "Dropout", dropped, identity);
  return out.empty() ? Output() : out[0];
}

}  // namespace graphflow::layers
