// Random number ops (TensorFlow's stateful RandomUniform family). With seed
// and seed2 both 0 every session and every run draws new numbers; otherwise
// the numbers are TensorFlow's for that (seed, seed2): the n-th run of a node
// in a session returns the n-th chunk of the seeded sequence. Seeds are the
// op's own attrs: to reproduce Python's tf.random_uniform(..., seed=s) pass
// (graph seed, s), or (87654321, s) when no graph-level seed was set.
#ifndef GRAPHFLOW_OPS_RANDOM_OPS_H_
#define GRAPHFLOW_OPS_RANDOM_OPS_H_

#include <cstdint>

#include "graph/scope.h"

namespace graphflow::ops {

// Uniform values in [0, 1) of `dtype` (float or double) and the given shape
// (a 1-D int32/int64 tensor).
Output RandomUniform(const Scope& s, Input shape, DataType dtype,
                     int64_t seed = 0, int64_t seed2 = 0);
// Standard normal values (mean 0, stddev 1).
Output RandomStandardNormal(const Scope& s, Input shape, DataType dtype,
                            int64_t seed = 0, int64_t seed2 = 0);
// Standard normal values, redrawn when more than 2 stddev from the mean.
Output TruncatedNormal(const Scope& s, Input shape, DataType dtype,
                       int64_t seed = 0, int64_t seed2 = 0);
// Integers in [minval, maxval) (scalar int32 or int64 inputs, Tout inferred).
Output RandomUniformInt(const Scope& s, Input shape, Input minval, Input maxval,
                        int64_t seed = 0, int64_t seed2 = 0);
// `value` with its first dimension randomly permuted.
Output RandomShuffle(const Scope& s, Input value, int64_t seed = 0,
                     int64_t seed2 = 0);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_RANDOM_OPS_H_
