#include "graph/scope.h"

#include "absl/strings/str_cat.h"

namespace graphflow {

const PartialShape& Output::shape() const {
  static const PartialShape* unknown = new PartialShape();
  return node && index < node->num_outputs() ? node->output_shape(index)
                                             : *unknown;
}

Input::Input(std::initializer_list<int> v) {
  Tensor t(DT_INT32, TensorShape{static_cast<int64_t>(v.size())});
  std::copy(v.begin(), v.end(), t.data<int32_t>());
  tensor_ = t;
}

Scope Scope::NewRootScope(const OpRegistry* registry) {
  Scope s;
  s.state_ = std::make_shared<State>();
  s.state_->graph = std::make_shared<Graph>(registry);
  return s;
}

std::string Scope::UniqueName(const std::string& base) const {
  // TF appends _1, _2, ... and skips names some node already took.
  int& count = state_->name_counts[base];
  std::string name = base;
  if (count > 0 || graph()->FindNode(base) != nullptr) {
    do {
      name = absl::StrCat(base, "_", count == 0 ? 1 : count);
      ++count;
    } while (graph()->FindNode(name) != nullptr ||
             state_->name_counts.contains(name));
  } else {
    ++count;
  }
  return name;
}

std::string Scope::GetUniqueNameForOp(absl::string_view op) const {
  if (exact_name_) return op_name_;
  std::string base = op_name_.empty() ? std::string(op) : op_name_;
  return UniqueName(prefix_.empty() ? base : absl::StrCat(prefix_, "/", base));
}

Scope Scope::WithOpName(absl::string_view name) const {
  Scope s = *this;
  s.op_name_ = std::string(name);
  s.exact_name_ = false;
  return s;
}

Scope Scope::NewSubScope(absl::string_view name) const {
  Scope s = *this;
  s.op_name_.clear();
  s.exact_name_ = false;
  if (name.empty()) return s;
  std::string full =
      prefix_.empty() ? std::string(name) : absl::StrCat(prefix_, "/", name);
  s.prefix_ = UniqueName(full);
  return s;
}

Scope Scope::WithExactName(absl::string_view full_name) const {
  Scope s = *this;
  s.op_name_ = std::string(full_name);
  s.exact_name_ = true;
  return s;
}

Scope Scope::WithNamePrefix(absl::string_view prefix) const {
  Scope s = *this;
  s.op_name_.clear();
  s.exact_name_ = false;
  s.prefix_ = std::string(prefix);
  return s;
}

Scope Scope::WithControlDependencies(const std::vector<Output>& deps) const {
  Scope s = *this;
  for (const Output& d : deps) {
    if (d.valid()) s.control_deps_.push_back(d.node);
  }
  return s;
}

Scope Scope::WithDevice(absl::string_view device) const {
  Scope s = *this;
  s.device_ = std::string(device);
  return s;
}

void Scope::UpdateStatus(const absl::Status& s) const {
  if (state_->status.ok() && !s.ok()) state_->status = s;
}

Output Scope::Const(const Tensor& value) const {
  return AddOp1("Const", {}, {{"value", value}, {"dtype", value.dtype()}});
}

Scope Scope::WithControlFlowContext(
    std::shared_ptr<ControlFlowContext> context) const {
  Scope s = *this;
  s.cf_context_ = std::move(context);
  return s;
}

Node* Scope::AddNode(absl::string_view op, const std::vector<Input>& inputs,
                     AttrMap attrs) const {
  if (!ok()) return nullptr;
  NodeSpec spec;
  spec.name = GetUniqueNameForOp(op);
  spec.op = std::string(op);
  spec.attrs = std::move(attrs);
  spec.device = device_;
  spec.control_inputs = control_deps_;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Input& in = inputs[i];
    if (in.is_constant()) {
      NodeSpec c;
      c.name = UniqueName(
          absl::StrCat(spec.name, i == 0   ? "/x"
                                  : i == 1 ? "/y"
                                           : absl::StrCat("/input_", i)));
      c.op = "Const";
      c.attrs = {{"value", in.tensor()}, {"dtype", in.tensor().dtype()}};
      if (cf_context_) c.control_inputs = {cf_context_->pivot()};
      auto node = graph()->AddNode(std::move(c));
      if (!node.ok()) {
        UpdateStatus(node.status());
        return nullptr;
      }
      spec.inputs.push_back({*node, 0});
    } else {
      if (!in.output().valid()) {
        UpdateStatus(absl::InvalidArgumentError(
            absl::StrCat("node '", spec.name, "' (", op, "): input ", i,
                         " is an invalid Output")));
        return nullptr;
      }
      spec.inputs.push_back(
          cf_context_ ? cf_context_->MapInput(spec.name, in.output().endpoint())
                      : in.output().endpoint());
    }
  }
  if (cf_context_ && spec.inputs.empty()) {
    spec.control_inputs.push_back(cf_context_->pivot());
  }
  if (!ok()) return nullptr;  // MapInput may have failed.
  auto node = graph()->AddNode(std::move(spec));
  if (!node.ok()) {
    UpdateStatus(node.status());
    return nullptr;
  }
  return *node;
}

OutputList Scope::AddOp(absl::string_view op, const std::vector<Input>& inputs,
                        AttrMap attrs) const {
  Node* node = AddNode(op, inputs, std::move(attrs));
  OutputList out;
  if (node == nullptr) return out;
  for (int i = 0; i < node->num_outputs(); ++i) out.emplace_back(node, i);
  return out;
}

}  // namespace graphflow
