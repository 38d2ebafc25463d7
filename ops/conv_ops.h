// 2-D convolution, its two gradient ops, and bias addition (TF 1.15 schemas).
#ifndef GRAPHFLOW_OPS_CONV_OPS_H_
#define GRAPHFLOW_OPS_CONV_OPS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "graph/scope.h"

namespace graphflow::ops {

// The optional attrs shared by Conv2D and its backprops, with TF's defaults.
struct Conv2DAttrs {
  bool use_cudnn_on_gpu = true;
  std::vector<int64_t> explicit_paddings;  // 8 values when padding EXPLICIT.
  std::string data_format = "NHWC";
  std::vector<int64_t> dilations = {1, 1, 1, 1};
};

// Conv2D: input [N, H, W, Cin] (NHWC) convolved with filter [KH, KW, Cin,
// Cout]; strides [1, s_h, s_w, 1]; padding "SAME", "VALID" or "EXPLICIT".
Output Conv2D(const Scope& s, Input input, Input filter,
              const std::vector<int64_t>& strides, const std::string& padding,
              const Conv2DAttrs& attrs = {});
// Gradient of Conv2D with respect to its input; input_sizes is int32 [4].
Output Conv2DBackpropInput(const Scope& s, Input input_sizes, Input filter,
                           Input out_backprop,
                           const std::vector<int64_t>& strides,
                           const std::string& padding,
                           const Conv2DAttrs& attrs = {});
// Gradient of Conv2D with respect to its filter; filter_sizes is int32 [4].
Output Conv2DBackpropFilter(const Scope& s, Input input, Input filter_sizes,
                            Input out_backprop,
                            const std::vector<int64_t>& strides,
                            const std::string& padding,
                            const Conv2DAttrs& attrs = {});
// value + bias along the channel dim (last for NHWC, dim 1 for NCHW).
Output BiasAdd(const Scope& s, Input value, Input bias,
               const std::string& data_format = "NHWC");
// The legacy BiasAdd without data_format (bias along the last dim).
Output BiasAddV1(const Scope& s, Input value, Input bias);
// Sum of out_backprop over every dim but the channel dim.
Output BiasAddGrad(const Scope& s, Input out_backprop,
                   const std::string& data_format = "NHWC");

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_CONV_OPS_H_
