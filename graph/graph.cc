#include "graph/graph.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/partial_value.h"
#include "graph/status.h"

namespace graphflow {
namespace {

std::string NodeLabel(absl::string_view name, absl::string_view op) {
  return absl::StrCat("node '", name, "' (", op, ")");
}

// Number of tensors arg takes, or -1 when it must be inferred from the
// number of inputs actually given.
int ArgCount(const ArgDef& arg, const AttrMap& attrs) {
  if (!arg.number_attr.empty()) {
    auto it = attrs.find(arg.number_attr);
    if (it == attrs.end()) return -1;
    const int64_t* n = std::get_if<int64_t>(&it->second);
    return n ? static_cast<int>(*n) : -1;
  }
  if (!arg.type_list_attr.empty()) {
    auto it = attrs.find(arg.type_list_attr);
    if (it == attrs.end()) return -1;
    const DataTypeVector* v = std::get_if<DataTypeVector>(&it->second);
    return v ? static_cast<int>(v->size()) : -1;
  }
  return 1;
}

// The declared (base) dtype of element k of arg, or DT_INVALID if the attr
// naming it is not set yet.
DataType ArgElementType(const ArgDef& arg, const AttrMap& attrs, int k) {
  if (arg.type != DT_INVALID) return arg.type;
  if (!arg.type_attr.empty()) {
    auto it = attrs.find(arg.type_attr);
    if (it == attrs.end()) return DT_INVALID;
    const DataType* t = std::get_if<DataType>(&it->second);
    return t ? *t : DT_INVALID;
  }
  auto it = attrs.find(arg.type_list_attr);
  if (it == attrs.end()) return DT_INVALID;
  const DataTypeVector* v = std::get_if<DataTypeVector>(&it->second);
  return v && k < static_cast<int>(v->size()) ? (*v)[k] : DT_INVALID;
}

absl::Status CheckAttrValue(const AttrDef& def, const AttrValue& value) {
  if (AttrTypeName(value) != def.type) {
    return absl::InvalidArgumentError(
        absl::StrCat("attr '", def.name, "' must be ", def.type, ", got ",
                     AttrTypeName(value)));
  }
  if (!def.allowed_types.empty()) {
    DataTypeVector types;
    if (const DataType* t = std::get_if<DataType>(&value)) types.push_back(*t);
    if (const DataTypeVector* v = std::get_if<DataTypeVector>(&value))
      types = *v;
    for (DataType t : types) {
      if (std::find(def.allowed_types.begin(), def.allowed_types.end(), t) ==
          def.allowed_types.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "attr '", def.name, "' is ", DataTypeString(t),
            ", expected one of ", DataTypeVectorString(def.allowed_types)));
      }
    }
  }
  if (!def.allowed_values.empty()) {
    const std::string* s = std::get_if<std::string>(&value);
    if (s && std::find(def.allowed_values.begin(), def.allowed_values.end(),
                       *s) == def.allowed_values.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("attr '", def.name, "' is '", *s, "', expected one of '",
                       absl::StrJoin(def.allowed_values, "', '"), "'"));
    }
  }
  if (def.minimum) {
    int64_t actual = 0;
    if (const int64_t* i = std::get_if<int64_t>(&value)) {
      actual = *i;
    } else {
      actual = std::visit(
          [](const auto& v) -> int64_t {
            if constexpr (requires { v.size(); } &&
                          !std::is_same_v<std::decay_t<decltype(v)>,
                                          std::string>) {
              return static_cast<int64_t>(v.size());
            }
            return 0;
          },
          value);
    }
    if (actual < *def.minimum) {
      return absl::InvalidArgumentError(
          absl::StrCat("attr '", def.name, "' is ", actual,
                       ", must be at least ", *def.minimum));
    }
  }
  return absl::OkStatus();
}

// Every variadic arg's length (N of "N * T", or a list(type)'s size) must be
// within kMaxArgListLength before lists are expanded from it.
absl::Status CheckArgLengths(const OpDef& def, const AttrMap& attrs) {
  for (const auto* args : {&def.inputs, &def.outputs}) {
    for (const ArgDef& arg : *args) {
      if (arg.number_attr.empty() && arg.type_list_attr.empty()) continue;
      const std::string& attr =
          arg.number_attr.empty() ? arg.type_list_attr : arg.number_attr;
      auto it = attrs.find(attr);
      if (it == attrs.end()) continue;
      int64_t n = -1;
      if (const int64_t* i = std::get_if<int64_t>(&it->second)) n = *i;
      if (const auto* v = std::get_if<DataTypeVector>(&it->second)) {
        n = static_cast<int64_t>(v->size());
      }
      if (n > kMaxArgListLength) {
        return absl::InvalidArgumentError(absl::StrCat(
            "attr '", attr, "' is ", n, ", which would give '", arg.name,
            "' more than the maximum of ", kMaxArgListLength, " tensors"));
      }
    }
  }
  return absl::OkStatus();
}

// Resolves the inputs against the schema: infers length and type attrs,
// checks dtypes, and returns the declared input types.
absl::StatusOr<DataTypeVector> ResolveInputs(
    const OpDef& def, const std::vector<Endpoint>& inputs, AttrMap& attrs) {
  std::vector<int> counts;
  int known = 0, unknown = -1;
  for (size_t a = 0; a < def.inputs.size(); ++a) {
    counts.push_back(ArgCount(def.inputs[a], attrs));
    if (counts.back() >= 0) {
      known += counts.back();
    } else if (unknown >= 0) {
      return absl::InvalidArgumentError(
          "cannot infer the lengths of two variadic inputs");
    } else {
      unknown = static_cast<int>(a);
    }
  }
  int given = static_cast<int>(inputs.size());
  if (unknown >= 0) {
    if (given < known) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected at least ", known, " inputs, got ", given));
    }
    const ArgDef& arg = def.inputs[unknown];
    counts[unknown] = given - known;
    if (!arg.number_attr.empty()) {
      attrs[arg.number_attr] = int64_t{counts[unknown]};
    }
  } else if (known != given) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected ", known, " inputs, got ", given));
  }
  DataTypeVector types;
  int k = 0;
  for (size_t a = 0; a < def.inputs.size(); ++a) {
    const ArgDef& arg = def.inputs[a];
    DataTypeVector list_types;
    for (int j = 0; j < counts[a]; ++j, ++k) {
      DataType actual = inputs[k].node->output_type(inputs[k].index);
      if (arg.is_ref && !IsRefType(actual) && actual != DT_INVALID) {
        return absl::InvalidArgumentError(absl::StrCat(
            "input ", k, " ('", arg.name,
            "') must be a variable reference, got ", DataTypeString(actual),
            " from ", EndpointName(inputs[k])));
      }
      DataType base = BaseType(actual);
      DataType expected = ArgElementType(arg, attrs, j);
      if (base == DT_INVALID) {
        // From an opaque node: compatible with whatever the consumer's own
        // attrs declare, but it cannot infer them.
        if (expected == DT_INVALID) {
          return absl::InvalidArgumentError(absl::StrCat(
              "input ", k, " ('", arg.name, "') comes from ",
              EndpointName(inputs[k]),
              ", whose dtype is unknown, and no attr gives its type"));
        }
        list_types.push_back(expected);
        types.push_back(arg.is_ref ? MakeRefType(expected) : expected);
        continue;
      }
      if (expected == DT_INVALID) {
        if (!arg.type_attr.empty()) attrs[arg.type_attr] = base;
        if (!arg.type_list_attr.empty()) list_types.push_back(base);
        expected = base;
      }
      if (expected != base) {
        return absl::InvalidArgumentError(absl::StrCat(
            "input ", k, " ('", arg.name, "') must be ",
            DataTypeString(expected), ", got ", DataTypeString(base), " from ",
            EndpointName(inputs[k])));
      }
      types.push_back(arg.is_ref ? MakeRefType(base) : base);
    }
    if (!arg.type_list_attr.empty() && !attrs.contains(arg.type_list_attr)) {
      attrs[arg.type_list_attr] = list_types;
    }
  }
  return types;
}

absl::StatusOr<DataTypeVector> ResolveOutputs(const OpDef& def,
                                              const AttrMap& attrs) {
  DataTypeVector types;
  for (const ArgDef& arg : def.outputs) {
    int count = ArgCount(arg, attrs);
    for (int j = 0; j < count; ++j) {
      DataType t = ArgElementType(arg, attrs, j);
      if (t == DT_INVALID) {
        return absl::InvalidArgumentError(absl::StrCat(
            "cannot determine the type of output '", arg.name, "'"));
      }
      types.push_back(arg.is_ref ? MakeRefType(t) : t);
    }
  }
  return types;
}

// Graph-time value of an input: a Const's own tensor, else what the
// graph-time evaluator fully knows of an int output (kept in `storage`).
const Tensor* ConstantValue(const Endpoint& e, std::vector<Tensor>& storage) {
  if (e.node->op() == "Const") return e.node->FindAttr<Tensor>("value");
  std::optional<Tensor> value = KnownIntValue(e);
  if (!value) return nullptr;
  storage.push_back(*std::move(value));
  return &storage.back();
}

}  // namespace

absl::Status Node::MissingAttrError(absl::string_view attr_name) const {
  return absl::InvalidArgumentError(
      absl::StrCat(NodeLabel(name_, op()), ": attr '", attr_name,
                   "' is missing or of the wrong type"));
}

absl::StatusOr<Node*> Graph::AddNode(NodeSpec spec) {
  auto fail = [&](const absl::Status& s) {
    return absl::Status(s.code(), absl::StrCat(NodeLabel(spec.name, spec.op),
                                               ": ", s.message()));
  };
  if (spec.name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a node of op ", spec.op, " has an empty name"));
  }
  if (by_name_.contains(spec.name)) {
    return fail(absl::AlreadyExistsError("duplicate node name"));
  }
  auto def_or = registry_->LookUp(spec.op);
  if (!def_or.ok()) return fail(def_or.status());
  const OpDef& def = **def_or;
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    const Endpoint& in = spec.inputs[i];
    if (in.node == nullptr) {
      return fail(
          absl::InvalidArgumentError(absl::StrCat("input ", i, " is missing")));
    }
    if (in.index < 0 || in.index >= in.node->num_outputs()) {
      return fail(absl::InvalidArgumentError(absl::StrCat(
          "input ", i, " names output ", in.index, " of '", in.node->name(),
          "', which has ", in.node->num_outputs(), " outputs")));
    }
  }
  for (const auto& [attr_name, value] : spec.attrs) {
    if (attr_name.starts_with("_")) continue;
    const AttrDef* attr_def = def.FindAttr(attr_name);
    if (attr_def == nullptr) {
      return fail(absl::InvalidArgumentError(
          absl::StrCat("unknown attr '", attr_name, "'")));
    }
    // Checked before inputs are resolved, which may infer (and would
    // otherwise overwrite) a given length attr such as ConcatV2's N = -1.
    if (absl::Status s = CheckAttrValue(*attr_def, value); !s.ok()) {
      return fail(s);
    }
  }
  if (absl::Status s = CheckArgLengths(def, spec.attrs); !s.ok()) {
    return fail(s);
  }
  auto node = std::make_unique<Node>();
  node->name_ = spec.name;
  node->op_def_ = &def;
  node->device_ = std::move(spec.device);
  node->attrs_ = std::move(spec.attrs);
  auto input_types = ResolveInputs(def, spec.inputs, node->attrs_);
  if (!input_types.ok()) return fail(input_types.status());
  for (const AttrDef& attr : def.attrs) {
    auto it = node->attrs_.find(attr.name);
    if (it == node->attrs_.end()) {
      if (!attr.default_value) {
        return fail(absl::InvalidArgumentError(
            absl::StrCat("missing attr '", attr.name, "' (", attr.type, ")")));
      }
      it = node->attrs_.emplace(attr.name, *attr.default_value).first;
    }
    if (absl::Status s = CheckAttrValue(attr, it->second); !s.ok()) {
      return fail(s);
    }
  }
  auto output_types = ResolveOutputs(def, node->attrs_);
  if (!output_types.ok()) return fail(output_types.status());
  node->input_types_ = *std::move(input_types);
  node->output_types_ = *std::move(output_types);
  node->inputs_ = std::move(spec.inputs);
  node->control_inputs_ = std::move(spec.control_inputs);

  std::vector<PartialShape> in_shapes;
  std::vector<const Tensor*> in_tensors;
  std::vector<Tensor> storage;
  storage.reserve(node->inputs_.size());
  for (const Endpoint& in : node->inputs_) {
    in_shapes.push_back(in.node->output_shape(in.index));
    in_tensors.push_back(ConstantValue(in, storage));
  }
  InferenceContext ctx(*node, std::move(in_shapes), std::move(in_tensors));
  if (def.shape_fn) {
    absl::Status s = def.shape_fn(ctx);
    if (!s.ok()) {
      if (absl::StrContains(s.message(), NodeLabel(spec.name, spec.op))) {
        return s;
      }
      return fail(s);
    }
  }
  node->output_shapes_ = ctx.TakeOutputs();
  return Insert(std::move(node));
}

absl::StatusOr<Node*> Graph::AddOpaqueNode(
    NodeSpec spec, std::vector<std::pair<DataType, PartialShape>> outputs,
    std::shared_ptr<const tensorflow::NodeDef> def) {
  auto fail = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(NodeLabel(spec.name, spec.op), ": ", what));
  };
  if (spec.name.empty()) return fail("empty node name");
  if (by_name_.contains(spec.name)) return fail("duplicate node name");
  if (registry_->Find(spec.op) != nullptr || def == nullptr) {
    return fail("not an opaque node: the op has a schema or no NodeDef");
  }
  auto node = std::make_unique<Node>();
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    const Endpoint& in = spec.inputs[i];
    if (in.node == nullptr || in.index < 0 ||
        in.index >= in.node->num_outputs()) {
      return fail(absl::StrCat("input ", i, " names a missing output"));
    }
    node->input_types_.push_back(in.node->output_type(in.index));
  }
  std::unique_ptr<OpDef>& op_def = opaque_ops_[spec.op];
  if (op_def == nullptr) {
    op_def = std::make_unique<OpDef>();
    op_def->name = spec.op;
    op_def->is_stateful = true;  // Unknown, so never assumed pure.
  }
  node->name_ = std::move(spec.name);
  node->op_def_ = op_def.get();
  node->device_ = std::move(spec.device);
  node->attrs_ = std::move(spec.attrs);
  node->inputs_ = std::move(spec.inputs);
  node->control_inputs_ = std::move(spec.control_inputs);
  for (auto& [dtype, shape] : outputs) {
    node->output_types_.push_back(dtype);
    node->output_shapes_.push_back(std::move(shape));
  }
  node->opaque_def_ = std::move(def);
  return Insert(std::move(node));
}

Node* Graph::Insert(std::unique_ptr<Node> node) {
  node->id_ = static_cast<int>(nodes_.size());
  for (int i = 0; i < node->num_inputs(); ++i) {
    node->inputs_[i].node->consumers_.emplace_back(node.get(), i);
  }
  for (Node* c : node->control_inputs_)
    c->control_outputs_.push_back(node.get());
  Node* raw = node.get();
  by_name_[raw->name_] = raw;
  nodes_.push_back(std::move(node));
  return raw;
}

absl::Status OpaqueNodeError(const Node& node, absl::string_view needed_by) {
  return absl::UnimplementedError(absl::StrCat(
      "node '", node.name(), "' uses op '", node.op(),
      "', which graphflow does not implement (needed by ", needed_by, ")"));
}

absl::Status Graph::UpdateInput(Node* dst, int index, Endpoint src) {
  if (index < 0 || index >= dst->num_inputs() || src.node == nullptr ||
      src.index < 0 || src.index >= src.node->num_outputs()) {
    return absl::InvalidArgumentError(
        absl::StrCat(NodeLabel(dst->name(), dst->op()), ": cannot set input ",
                     index, " to ", EndpointName(src)));
  }
  if (src.node->output_type(src.index) !=
      dst->inputs_[index].node->output_type(dst->inputs_[index].index)) {
    return absl::InvalidArgumentError(
        absl::StrCat(NodeLabel(dst->name(), dst->op()), ": input ", index,
                     " must be ", DataTypeString(dst->input_type(index)),
                     ", got ", DataTypeString(src.node->output_type(src.index)),
                     " from ", EndpointName(src)));
  }
  auto& old = dst->inputs_[index].node->consumers_;
  auto it = std::find(old.begin(), old.end(), std::make_pair(dst, index));
  if (it != old.end()) old.erase(it);
  dst->inputs_[index] = src;
  src.node->consumers_.emplace_back(dst, index);
  return absl::OkStatus();
}

void Graph::AddControlInput(Node* dst, Node* src) {
  dst->control_inputs_.push_back(src);
  src->control_outputs_.push_back(dst);
}

const std::vector<Node*>& Graph::GetCollection(const std::string& key) const {
  static const std::vector<Node*>* empty = new std::vector<Node*>();
  auto it = collections_.find(key);
  return it == collections_.end() ? *empty : it->second;
}

Node* Graph::FindNode(absl::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

absl::StatusOr<Endpoint> Graph::FindEndpoint(
    absl::string_view tensor_name) const {
  std::string node_name;
  int index = 0;
  RETURN_IF_ERROR(ParseTensorName(tensor_name, &node_name, &index));
  Node* node = FindNode(node_name);
  if (node == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no node named '", node_name, "' in the graph"));
  }
  if (index >= node->num_outputs() && node->is_opaque()) {
    return OpaqueNodeError(*node, absl::StrCat("'", tensor_name, "'"));
  }
  if (index >= node->num_outputs()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", tensor_name, "': node '", node_name, "' (",
                     node->op(), ") has ", node->num_outputs(), " outputs"));
  }
  return Endpoint{node, index};
}

std::string EndpointName(const Endpoint& e) {
  if (e.node == nullptr) return "<none>";
  return e.index == 0 ? e.node->name()
                      : absl::StrCat(e.node->name(), ":", e.index);
}

absl::Status ParseTensorName(absl::string_view tensor_name, std::string* node,
                             int* index) {
  *index = 0;
  size_t colon = tensor_name.rfind(':');
  if (colon != absl::string_view::npos) {
    if (!absl::SimpleAtoi(tensor_name.substr(colon + 1), index) || *index < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad tensor name '", tensor_name,
                       "': expected 'node' or 'node:index'"));
    }
    tensor_name = tensor_name.substr(0, colon);
  }
  if (tensor_name.empty()) {
    return absl::InvalidArgumentError("empty tensor name");
  }
  *node = std::string(tensor_name);
  return absl::OkStatus();
}

InferenceContext::InferenceContext(const Node& node,
                                   std::vector<PartialShape> input_shapes,
                                   std::vector<const Tensor*> input_tensors)
    : node_(node),
      input_shapes_(std::move(input_shapes)),
      input_tensors_(std::move(input_tensors)),
      output_shapes_(node.num_outputs()) {}

DataType InferenceContext::input_type(int i) const {
  return BaseType(node_.input_type(i));
}

PartialShape InferenceContext::ShapeFromInputTensor(int i) const {
  if (const Tensor* t = input_tensors_[i]) {
    if (t->rank() != 1) return PartialShape();
    std::vector<int64_t> dims;
    for (int64_t k = 0; k < t->num_elements(); ++k) {
      dims.push_back(static_cast<int64_t>(t->ValueAsDouble(k)));
    }
    return PartialShape(dims);
  }
  const PartialShape& s = input_shapes_[i];
  // TF's TensorShape holds at most 254 dims; a longer shape vector is
  // treated as unknown rather than materialized (a hostile [2e9] would be
  // 16 GB of dims).
  constexpr int64_t kMaxShapeRank = 254;
  if (s.rank() == 1 && s.dim(0) >= 0 && s.dim(0) <= kMaxShapeRank) {
    return PartialShape::UnknownOfRank(static_cast<int>(s.dim(0)));
  }
  return PartialShape();
}

absl::StatusOr<PartialShape> InferenceContext::WithRank(int i, int rank) const {
  const PartialShape& s = input_shapes_[i];
  if (s.unknown_rank()) return PartialShape::UnknownOfRank(rank);
  if (s.rank() != rank) {
    return Error(absl::StrCat("input ", i, " must have rank ", rank,
                              ", got shape ", s.DebugString()));
  }
  return s;
}

absl::Status InferenceContext::Error(absl::string_view message) const {
  return absl::InvalidArgumentError(
      absl::StrCat(NodeLabel(node_.name(), node_.op()), ": ", message));
}

absl::Status UnchangedShape(InferenceContext& c) {
  c.set_output(0, c.input_shape(0));
  return absl::OkStatus();
}

absl::Status ScalarShape(InferenceContext& c) {
  c.set_output(0, PartialShape::UnknownOfRank(0));  // A scalar.
  return absl::OkStatus();
}

absl::Status MergeBothInputsShape(InferenceContext& c) {
  auto merged = c.input_shape(0).Merge(c.input_shape(1));
  if (!merged.ok()) {
    return c.Error(absl::StrCat("inputs must have the same shape, got ",
                                c.input_shape(0).DebugString(), " and ",
                                c.input_shape(1).DebugString()));
  }
  c.set_output(0, *merged);
  return absl::OkStatus();
}

absl::Status UnknownShape(InferenceContext& c) { return absl::OkStatus(); }

absl::Status NoOutputs(InferenceContext& c) { return absl::OkStatus(); }

}  // namespace graphflow
