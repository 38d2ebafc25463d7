// TensorArrays (TF 1.x's TensorArrayV3 family): a per-run array of tensors
// behind a resource handle, threaded through a float "flow" so reads and
// writes are ordered by data dependencies.
#ifndef GRAPHFLOW_OPS_TENSOR_ARRAY_OPS_H_
#define GRAPHFLOW_OPS_TENSOR_ARRAY_OPS_H_

#include <string>

#include "graph/scope.h"

namespace graphflow::ops {

struct TensorArrayOptions {
  PartialShape element_shape;  // Unknown by default.
  bool dynamic_size = false;
  bool clear_after_read = true;
  bool identical_element_shapes = false;
  std::string tensor_array_name;
};

struct TensorArrayHandle {
  Output handle;
  Output flow;
};

TensorArrayHandle TensorArrayV3(const Scope& s, Input size, DataType dtype,
                                const TensorArrayOptions& options = {});
// The gradient array of `handle` for `source` (made on first use).
TensorArrayHandle TensorArrayGradV3(const Scope& s, Input handle, Input flow_in,
                                    const std::string& source);
// Each returns the new flow.
Output TensorArrayWriteV3(const Scope& s, Input handle, Input index,
                          Input value, Input flow_in);
Output TensorArrayScatterV3(const Scope& s, Input handle, Input indices,
                            Input value, Input flow_in);
Output TensorArraySplitV3(const Scope& s, Input handle, Input value,
                          Input lengths, Input flow_in);
Output TensorArrayReadV3(const Scope& s, Input handle, Input index,
                         Input flow_in, DataType dtype);
Output TensorArrayGatherV3(const Scope& s, Input handle, Input indices,
                           Input flow_in, DataType dtype,
                           const PartialShape& element_shape = {});
// value and lengths.
OutputList TensorArrayConcatV3(const Scope& s, Input handle, Input flow_in,
                               DataType dtype,
                               const PartialShape& element_shape_except0 = {});
Output TensorArraySizeV3(const Scope& s, Input handle, Input flow_in);
// No output: the Output is the node, a target or control input.
Output TensorArrayCloseV3(const Scope& s, Input handle);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_TENSOR_ARRAY_OPS_H_
