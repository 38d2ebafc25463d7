// C++ builders of the summary ops (TF 1.x's tf.summary.scalar, histogram,
// image and merge; each returns a string scalar, a serialized Summary) and of
// the run-time checks CheckNumerics and Assert.
#ifndef GRAPHFLOW_OPS_LOGGING_OPS_H_
#define GRAPHFLOW_OPS_LOGGING_OPS_H_

#include <cstdint>
#include <string>

#include "graph/scope.h"
#include "ops/array_ops.h"  // InputList.

namespace graphflow::ops {

// One Summary.Value per element of `tags` (same shape as `values`).
Output ScalarSummary(const Scope& s, Input tags, Input values);
// A histogram of all of `values`, under the scalar `tag`.
Output HistogramSummary(const Scope& s, Input tag, Input values);
// Up to max_images PNG images of `tensor` [batch, height, width, 1|3|4],
// tagged "tag/image" (max_images 1) or "tag/image/<i>".
Output ImageSummary(const Scope& s, Input tag, Input tensor,
                    int64_t max_images = 3);
// Concatenates the Values of serialized Summaries; duplicate tags fail.
Output MergeSummary(const Scope& s, const InputList& inputs);

// `tensor` unchanged; running it fails with InvalidArgument
// "<message> : Tensor had NaN values" (or Inf, or Inf and NaN).
Output CheckNumerics(const Scope& s, Input tensor, const std::string& message);
// Fails the run with InvalidArgument "assertion failed: [...] [...]" (the
// first `summarize` entries of each data tensor, as TF prints them) when the
// scalar `condition` is false. No outputs: the handle is a target or a
// control input.
Output Assert(const Scope& s, Input condition, const InputList& data,
              int summarize = 3);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_LOGGING_OPS_H_
