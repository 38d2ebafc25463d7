// Op schemas: inputs, outputs and attrs written in TensorFlow's REGISTER_OP
// spelling ("x: T", "T: {float, double}", "padding: {'SAME', 'VALID'}"),
// with the op's shape function and gradient registered beside it.
#ifndef GRAPHFLOW_GRAPH_OP_REGISTRY_H_
#define GRAPHFLOW_GRAPH_OP_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/attr_value.h"
#include "graph/types.h"

namespace graphflow {

class InferenceContext;
class Node;
class Scope;
struct Output;

// The most tensors one variadic arg ("N * T", list(type)) may hold. Every
// node's input and output lists are expanded from such attrs in Graph::AddNode,
// which enforces this once for every op: a count from a hostile file (Split
// num_split = 2e8) is InvalidArgument naming the node, not gigabytes of
// shapes. 65,536 is far beyond any real Split, Unpack or Concat.
inline constexpr int64_t kMaxArgListLength = int64_t{1} << 16;

struct ArgDef {
  std::string name;
  DataType type = DT_INVALID;  // A fixed type, or one of the attrs below.
  std::string type_attr;       // "T": the type is attr T.
  std::string number_attr;     // "N": N tensors of the type ("N * T").
  std::string type_list_attr;  // "Tin": one tensor per type of list(type).
  bool is_ref = false;         // "Ref(T)": a mutable variable reference.
};

struct AttrDef {
  std::string name;
  std::string type;  // TF's spelling: "int", "list(int)", "type", ...
  std::optional<AttrValue> default_value;
  DataTypeVector allowed_types;             // For "type"/"list(type)".
  std::vector<std::string> allowed_values;  // For "string".
  std::optional<int64_t> minimum;           // For "int", or a list's length.
};

using ShapeFn = std::function<absl::Status(InferenceContext&)>;
// Appends one gradient (or an invalid Output: no gradient) per input of
// `node`, given one gradient per output (invalid where none flows back).
using GradFn = std::function<absl::Status(
    const Scope& scope, const Node& node,
    const std::vector<Output>& grad_outputs, std::vector<Output>* grad_inputs)>;

struct OpDef {
  std::string name;
  std::vector<ArgDef> inputs;
  std::vector<ArgDef> outputs;
  std::vector<AttrDef> attrs;
  bool is_stateful = false;
  // Only a feed gives it a value (Placeholder): a session refuses to run it
  // and checks a feed against its "shape" attr.
  bool is_feed_only = false;
  ShapeFn shape_fn;
  GradFn grad_fn;
  bool no_gradient = false;  // Explicitly not differentiable.

  const AttrDef* FindAttr(absl::string_view name) const;
};

class OpDefBuilder {
 public:
  explicit OpDefBuilder(std::string name);
  OpDefBuilder& Input(std::string spec);
  OpDefBuilder& Output(std::string spec);
  OpDefBuilder& Attr(std::string spec);
  OpDefBuilder& SetIsStateful();
  OpDefBuilder& SetIsFeedOnly();
  OpDefBuilder& SetShapeFn(ShapeFn fn);
  OpDefBuilder& SetGradient(GradFn fn);
  OpDefBuilder& SetNoGradient();
  // Parses every spec; errors name the op and the bad spec.
  absl::StatusOr<OpDef> Finalize() const;

 private:
  OpDef def_;
  std::vector<std::string> input_specs_, output_specs_, attr_specs_;
};

class OpRegistry {
 public:
  // AlreadyExists for a duplicate name; InvalidArgument for a bad spec.
  absl::Status Register(const OpDefBuilder& builder);
  // NotFound "unknown op 'X'".
  absl::StatusOr<const OpDef*> LookUp(absl::string_view name) const;
  const OpDef* Find(absl::string_view name) const;
  std::vector<std::string> OpNames() const;

 private:
  // Guards what follows. std::mutex rather than absl::Mutex: Debian's Abseil
  // is not built for ThreadSanitizer, which would not see its locking.
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<OpDef>, std::less<>> ops_;
};

// Parses an attr value written in spec syntax for an attr of `type`:
// "true", "3", "1e-08", "'NHWC'", "DT_FLOAT", "[1, 1, 1, 1]".
absl::StatusOr<AttrValue> ParseAttrLiteral(absl::string_view type,
                                           absl::string_view text);

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_OP_REGISTRY_H_
