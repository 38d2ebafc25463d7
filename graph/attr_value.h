// In-memory node attributes: already parsed from AttrValue protos and checked
// against the op schema, so kernels and shape functions read typed values.
#ifndef GRAPHFLOW_GRAPH_ATTR_VALUE_H_
#define GRAPHFLOW_GRAPH_ATTR_VALUE_H_

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "graph/tensor.h"
#include "graph/tensor_shape.h"
#include "graph/types.h"

namespace graphflow {

struct FuncAttr;  // A function reference (name + attrs); carried, not run.

// Holds exactly one of the TF attr kinds. Lists are typed vectors; an empty
// list from a file takes its type from the op schema.
using AttrValue =
    std::variant<std::string, int64_t, float, bool, DataType, PartialShape,
                 Tensor, std::vector<std::string>, std::vector<int64_t>,
                 std::vector<float>, std::vector<bool>, DataTypeVector,
                 std::vector<PartialShape>, std::vector<Tensor>,
                 std::shared_ptr<const FuncAttr>>;

using AttrMap = std::map<std::string, AttrValue>;

struct FuncAttr {
  std::string name;
  AttrMap attr;
};

// TF's attr type names: "string", "int", "float", "bool", "type", "shape",
// "tensor", "list(int)", ..., "func".
std::string AttrTypeName(const AttrValue& value);
std::string AttrValueDebugString(const AttrValue& value);

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_ATTR_VALUE_H_
