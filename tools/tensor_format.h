// Prints tensors the way NumPy does: nested brackets, aligned columns,
// "..." past 1000 elements (three items at each edge).
#ifndef GRAPHFLOW_TOOLS_TENSOR_FORMAT_H_
#define GRAPHFLOW_TOOLS_TENSOR_FORMAT_H_

#include <string>

#include "graph/tensor.h"

namespace graphflow::cli {

std::string FormatTensor(const Tensor& t);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_TENSOR_FORMAT_H_
