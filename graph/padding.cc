#include "graph/padding.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace graphflow {

absl::StatusOr<Padding> ParsePadding(absl::string_view padding) {
  if (padding == "SAME") return Padding::kSame;
  if (padding == "VALID") return Padding::kValid;
  return absl::InvalidArgumentError(
      absl::StrCat("padding must be 'SAME' or 'VALID', got '", padding, "'"));
}

absl::StatusOr<WindowDim> ComputeWindowDim(int64_t in, int64_t window,
                                           int64_t stride, Padding padding,
                                           int64_t dilation) {
  if (window < 1 || stride < 1 || dilation < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("window ", window, ", stride ", stride, " and dilation ",
                     dilation, " must all be at least 1"));
  }
  WindowDim d;
  if (in < 0) {
    d.output = -1;
    return d;
  }
  int64_t effective = (window - 1) * dilation + 1;
  if (padding == Padding::kValid) {
    if (effective > in) {
      return absl::InvalidArgumentError(absl::StrCat(
          "window of size ", effective, " is larger than the input size ", in,
          " with VALID padding"));
    }
    d.output = (in - effective + stride) / stride;
    return d;
  }
  d.output = (in + stride - 1) / stride;
  int64_t total =
      std::max<int64_t>((d.output - 1) * stride + effective - in, 0);
  d.pad_before = total / 2;
  d.pad_after = total - d.pad_before;
  return d;
}

}  // namespace graphflow
