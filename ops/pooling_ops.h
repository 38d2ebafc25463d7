// 2-D pooling and its gradient ops (TensorFlow 1.15 schemas; NHWC on CPU).
#ifndef GRAPHFLOW_OPS_POOLING_OPS_H_
#define GRAPHFLOW_OPS_POOLING_OPS_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "graph/scope.h"

namespace graphflow::ops {

// Max pooling; ksize and strides have 4 entries in data_format order.
Output MaxPool(const Scope& s, Input input, const std::vector<int64_t>& ksize,
               const std::vector<int64_t>& strides, absl::string_view padding,
               absl::string_view data_format = "NHWC");
struct MaxPoolWithArgmaxOutput {
  Output output, argmax;
};
// MaxPool (NHWC) that also returns each window's first maximum as a
// flattened index: (y * width + x) * channels + c, plus
// b * height * width * channels with include_batch_in_index.
MaxPoolWithArgmaxOutput MaxPoolWithArgmax(const Scope& s, Input input,
                                          const std::vector<int64_t>& ksize,
                                          const std::vector<int64_t>& strides,
                                          absl::string_view padding,
                                          DataType argmax_type = DT_INT64,
                                          bool include_batch_in_index = false);
// MaxPool with ksize and strides as int32 tensors of 4 entries.
Output MaxPoolV2(const Scope& s, Input input, Input ksize, Input strides,
                 absl::string_view padding,
                 absl::string_view data_format = "NHWC");
// Average pooling; SAME divides by the number of unpadded cells.
Output AvgPool(const Scope& s, Input value, const std::vector<int64_t>& ksize,
               const std::vector<int64_t>& strides, absl::string_view padding,
               absl::string_view data_format = "NHWC");
// MaxPool's gradient: grad routed to each window's first maximum.
Output MaxPoolGrad(const Scope& s, Input orig_input, Input orig_output,
                   Input grad, const std::vector<int64_t>& ksize,
                   const std::vector<int64_t>& strides,
                   absl::string_view padding,
                   absl::string_view data_format = "NHWC");
// MaxPoolGrad's gradient: grad (shaped like orig_input) gathered at each
// window's first maximum, shaped like orig_output.
Output MaxPoolGradGrad(const Scope& s, Input orig_input, Input orig_output,
                       Input grad, const std::vector<int64_t>& ksize,
                       const std::vector<int64_t>& strides,
                       absl::string_view padding,
                       absl::string_view data_format = "NHWC");
// MaxPoolV2's gradient: MaxPoolGrad with ksize and strides as int32 tensors.
Output MaxPoolGradV2(const Scope& s, Input orig_input, Input orig_output,
                     Input grad, Input ksize, Input strides,
                     absl::string_view padding,
                     absl::string_view data_format = "NHWC");
// AvgPool's gradient; orig_input_shape is an int32 vector of 4 entries.
Output AvgPoolGrad(const Scope& s, Input orig_input_shape, Input grad,
                   const std::vector<int64_t>& ksize,
                   const std::vector<int64_t>& strides,
                   absl::string_view padding,
                   absl::string_view data_format = "NHWC");

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_POOLING_OPS_H_
