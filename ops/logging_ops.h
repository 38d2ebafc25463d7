// Run-time checks: CheckNumerics and Assert (the summary ops are parsed
// only and have no builders).
#ifndef GRAPHFLOW_OPS_LOGGING_OPS_H_
#define GRAPHFLOW_OPS_LOGGING_OPS_H_

#include <string>

#include "graph/scope.h"
#include "ops/array_ops.h"

namespace graphflow::ops {

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
