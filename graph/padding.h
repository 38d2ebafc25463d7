// TensorFlow's window arithmetic for convolution and pooling, shared by the
// shape functions and the kernels so they cannot drift apart.
#ifndef GRAPHFLOW_GRAPH_PADDING_H_
#define GRAPHFLOW_GRAPH_PADDING_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace graphflow {

enum class Padding { kValid, kSame };

absl::StatusOr<Padding> ParsePadding(absl::string_view padding);

// Output size and the padding before the first element along one spatial
// dimension. SAME: out = ceil(in / stride), total padding
// max((out - 1) * stride + window - in, 0), of which the smaller half goes
// before (top/left) and the odd extra one after (bottom/right).
// VALID: out = ceil((in - window + 1) / stride), no padding.
struct WindowDim {
  int64_t output = 0;
  int64_t pad_before = 0;
  int64_t pad_after = 0;
};

// InvalidArgument when the window does not fit (VALID with window > input),
// or stride/window/dilation < 1. `in` < 0 (unknown) gives output -1.
absl::StatusOr<WindowDim> ComputeWindowDim(int64_t in, int64_t window,
                                           int64_t stride, Padding padding,
                                           int64_t dilation = 1);

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_PADDING_H_
