// Variable initializers, composed from random ops like TF's Python ones:
// no kernels or gradients of their own.
#ifndef GRAPHFLOW_OPS_INITIALIZERS_H_
#define GRAPHFLOW_OPS_INITIALIZERS_H_

#include <functional>
#include <optional>

#include "graph/scope.h"

namespace graphflow {

// Builds the initial value of a variable of `shape` (fully defined).
using Initializer =
    std::function<Output(const Scope& s, const TensorShape& shape, DataType)>;

// TF's fans: for a conv filter HWIO, fan_in = H*W*I and fan_out = H*W*O.
struct Fans {
  double in = 1, out = 1;
};
Fans ComputeFans(const TensorShape& shape);

// Seeds follow TF: an op seed with no graph seed runs the random op with
// seed = 87654321 (TF's default graph seed) and seed2 = the op seed, so
// equal seeds give equal values; no seed draws new values every session.
namespace init {

Initializer Zeros();
Initializer Ones();
Initializer Constant(double value);
// U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)):
// tf.contrib.layers.xavier_initializer() / tf.glorot_uniform_initializer().
Initializer XavierUniform(std::optional<int64_t> seed = std::nullopt);
// xavier_initializer(uniform=False): truncated normal with
// stddev sqrt(1.3 * 2 / (fan_in + fan_out)).
Initializer XavierNormal(std::optional<int64_t> seed = std::nullopt);
// He et al.: truncated normal, stddev sqrt(1.3 * 2 / fan_in)
// (tf.contrib.layers.variance_scaling_initializer() defaults).
Initializer HeNormal(std::optional<int64_t> seed = std::nullopt);
// U(-limit, limit), limit = sqrt(6 / fan_in) (tf.keras he_uniform).
Initializer HeUniform(std::optional<int64_t> seed = std::nullopt);
Initializer TruncatedNormal(double mean = 0, double stddev = 1,
                            std::optional<int64_t> seed = std::nullopt);
Initializer RandomNormal(double mean = 0, double stddev = 1,
                         std::optional<int64_t> seed = std::nullopt);
Initializer RandomUniform(double minval = 0, double maxval = 1,
                          std::optional<int64_t> seed = std::nullopt);

}  // namespace init
}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_INITIALIZERS_H_
