// Variable initializers, composed from random ops like TF's Python ones:
// no kernels or gradients of their own.
#ifndef GRAPHFLOW_OPS_INITIALIZERS_H_
#define GRAPHFLOW_OPS_INITIALIZERS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

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

// TF's seed pair of a random initializer: a graph-level seed
// (tf.set_random_seed) and an op seed (the initializer's seed=...).
// Resolved like TF's random_seed.get_seed:
//   graph and op    -> (graph, op)
//   op only         -> (87654321, op)   TF's default graph seed
//   graph only      -> (graph, number of nodes in the graph so far)
//   neither         -> (0, 0): new values in every session
// and a resolved (0, 0) from set seeds becomes (0, 2^31 - 1).
struct Seed {
  Seed() = default;
  Seed(std::nullopt_t) {}                 // NOLINT: unseeded.
  Seed(int64_t op_seed) : op(op_seed) {}  // NOLINT: seed=op_seed.
  Seed(std::optional<int64_t> op_seed) : op(op_seed) {}  // NOLINT
  // With tf.set_random_seed(graph_seed) in effect.
  static Seed WithGraphSeed(int64_t graph_seed,
                            std::optional<int64_t> op_seed = std::nullopt) {
    Seed s(op_seed);
    s.graph = graph_seed;
    return s;
  }
  // The (seed, seed2) attrs of a random op added next to `graph`.
  std::pair<int64_t, int64_t> Resolve(const Graph& graph) const;

  std::optional<int64_t> graph, op;
};

// TF's random_ops.random_uniform(shape, minval, maxval) under name scope
// `s` (e.g. "random_uniform"): min, max, RandomUniform, sub, mul and the Add
// named after the scope. shape: a 1-D int32/int64 tensor.
Output RandomUniformRange(const Scope& s, Input shape, DataType dtype,
                          const Seed& seed, double minval, double maxval);

namespace init {

Initializer Zeros();
Initializer Ones();
Initializer Constant(double value);
// U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)):
// tf.contrib.layers.xavier_initializer() / tf.glorot_uniform_initializer().
Initializer XavierUniform(Seed seed = {});
// xavier_initializer(uniform=False): truncated normal with
// stddev sqrt(1.3 * 2 / (fan_in + fan_out)).
Initializer XavierNormal(Seed seed = {});
// He et al.: truncated normal, stddev sqrt(1.3 * 2 / fan_in)
// (tf.contrib.layers.variance_scaling_initializer() defaults).
Initializer HeNormal(Seed seed = {});
// U(-limit, limit), limit = sqrt(6 / fan_in) (tf.keras he_uniform).
Initializer HeUniform(Seed seed = {});
// tf.truncated_normal_initializer: N(mean, stddev) redrawn beyond 2 stddev.
Initializer TruncatedNormal(double mean = 0, double stddev = 1, Seed seed = {});
Initializer RandomNormal(double mean = 0, double stddev = 1, Seed seed = {});
Initializer RandomUniform(double minval = 0, double maxval = 1, Seed seed = {});

}  // namespace init
}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_INITIALIZERS_H_
