// C++ builders of the summary ops (TF 1.x's tf.summary.scalar, histogram,
// image and merge). Each returns a string scalar: a serialized Summary.
#ifndef GRAPHFLOW_OPS_LOGGING_OPS_H_
#define GRAPHFLOW_OPS_LOGGING_OPS_H_

#include <cstdint>

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

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_LOGGING_OPS_H_
