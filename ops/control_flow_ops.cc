#include "ops/control_flow_ops.h"

#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/math_ops.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// Both outputs have data's shape; pred must be a scalar.
absl::Status SwitchShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(1, 0).status());
  c.set_output(0, c.input_shape(0));
  c.set_output(1, c.input_shape(0));
  return absl::OkStatus();
}

// TF's MergeShape: the inputs' common rank, dims that differ unknown.
absl::Status MergeShape(InferenceContext& c) {
  PartialShape out = c.input_shape(0);
  for (int i = 1; i < c.num_inputs() && out.known_rank(); ++i) {
    const PartialShape& in = c.input_shape(i);
    if (in.unknown_rank() || in.rank() != out.rank()) {
      out = PartialShape::Unknown();
      break;
    }
    for (int d = 0; d < out.rank(); ++d) {
      if (in.dim(d) != out.dim(d)) out.set_dim(d, -1);
    }
  }
  c.set_output(0, out);
  c.set_output(1, PartialShape::UnknownOfRank(0));
  return absl::OkStatus();
}

absl::Status LoopCondShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape shape, c.WithRank(0, 0));
  c.set_output(0, shape);
  return absl::OkStatus();
}

// The Switch whose branch a cond Merge joins: the nearest Switch above its
// first input (TF reads it from the Merge's CondContext, which a GraphDef
// does not carry). nullptr when there is none.
const Node* CondSwitchAbove(const Node& merge) {
  std::deque<const Node*> queue = {merge.input(0).node};
  absl::flat_hash_set<const Node*> seen;
  while (!queue.empty() && seen.size() < 10000) {
    const Node* n = queue.front();
    queue.pop_front();
    if (!seen.insert(n).second) continue;
    if (n->op() == "Switch" || n->op() == "RefSwitch") return n;
    if (n->op() == "Enter" || n->op() == "RefEnter" || n->op() == "Merge" ||
        n->op() == "RefMerge") {
      return nullptr;  // A loop, or another cond's result.
    }
    for (const Endpoint& in : n->inputs()) queue.push_back(in.node);
    for (const Node* in : n->control_inputs()) queue.push_back(in);
  }
  return nullptr;
}

// control_flow_grad.py's _SwitchGrad in a cond: the Merge of the gradients
// of both sides (the untaken side's is dead, so the taken side's wins).
absl::Status SwitchGradient(const Scope& s, const Node&, const OutputList& dy,
                            OutputList* dx) {
  if (!dy[0].valid() || !dy[1].valid()) {
    dx->assign(2, Output());
    return absl::OkStatus();
  }
  OutputList merged = ops::Merge(s.WithOpName("cond_grad"), {dy[0], dy[1]});
  dx->push_back(merged.empty() ? Output() : merged[0]);
  dx->push_back(Output());
  return absl::OkStatus();
}

// _MergeGrad: a cond's Merge sends the gradient back through a Switch on
// the cond's predicate; otherwise input i's gradient is taken when
// value_index == i.
absl::Status MergeGradient(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx) {
  const Node* sw = CondSwitchAbove(node);
  for (const Endpoint& in : node.inputs()) {
    const std::string& op = in.node->op();
    if (op == "NextIteration" || op == "RefNextIteration" || op == "Enter" ||
        op == "RefEnter") {
      return absl::UnimplementedError(absl::StrCat(
          "gradients: node '", node.name(), "' (", node.op(),
          ") is a while loop's Merge; AddSymbolicGradients does not "
          "differentiate through while loops"));
    }
  }
  if (sw != nullptr && node.num_inputs() == 2) {
    *dx = ops::Switch(s.WithOpName("cond_grad"), dy[0], NodeInput(*sw, 1));
    if (dx->empty()) dx->assign(2, Output());
    return absl::OkStatus();
  }
  for (int i = 0; i < node.num_inputs(); ++i) {
    Output is_i = ops::Equal(s, NodeOutput(node, 1), i);
    OutputList sw_i = ops::Switch(s, dy[0], is_i);
    dx->push_back(sw_i.empty() ? Output() : sw_i[1]);
  }
  return absl::OkStatus();
}

// Enter, Exit and NextIteration only occur in while loops, whose gradients
// TF builds with Stack ops (branch resourcevars); not done in C++.
absl::Status LoopGradient(const Scope&, const Node& node, const OutputList&,
                          OutputList*) {
  return absl::UnimplementedError(
      absl::StrCat("gradients: node '", node.name(), "' (", node.op(),
                   ") is part of a while loop; AddSymbolicGradients does not "
                   "differentiate through while loops"));
}

// Registers `name` and its Ref variant (ref data in, ref data out).
absl::Status RegisterPair(OpRegistry& r, const std::string& name,
                          const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs,
                          const std::vector<std::string>& attrs, ShapeFn shape,
                          GradFn grad) {
  for (bool ref : {false, true}) {
    auto wrap = [&](const std::string& spec) {
      if (!ref || spec.find(": bool") != std::string::npos) return spec;
      if (spec.find("int32") != std::string::npos) return spec;
      size_t colon = spec.find(':');
      return absl::StrCat(spec.substr(0, colon), ": Ref(",
                          spec.substr(colon + 2), ")");
    };
    OpDefBuilder b(ref ? "Ref" + name : name);
    for (const std::string& in : inputs) b.Input(wrap(in));
    for (const std::string& out : outputs) b.Output(wrap(out));
    for (const std::string& attr : attrs) b.Attr(attr);
    RETURN_IF_ERROR(r.Register(b.SetShapeFn(shape).SetGradient(grad)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterControlFlowOps(OpRegistry& r) {
  RETURN_IF_ERROR(RegisterPair(r, "Switch", {"data: T", "pred: bool"},
                               {"output_false: T", "output_true: T"},
                               {"T: type"}, SwitchShape, SwitchGradient));
  RETURN_IF_ERROR(RegisterPair(
      r, "Merge", {"inputs: N * T"}, {"output: T", "value_index: int32"},
      {"T: type", "N: int >= 1"}, MergeShape, MergeGradient));
  RETURN_IF_ERROR(RegisterPair(
      r, "Enter", {"data: T"}, {"output: T"},
      {"T: type", "frame_name: string", "is_constant: bool = false",
       "parallel_iterations: int = 10"},
      UnchangedShape, LoopGradient));
  RETURN_IF_ERROR(RegisterPair(r, "Exit", {"data: T"}, {"output: T"},
                               {"T: type"}, UnchangedShape, LoopGradient));
  RETURN_IF_ERROR(RegisterPair(r, "NextIteration", {"data: T"}, {"output: T"},
                               {"T: type"}, UnchangedShape, LoopGradient));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("LoopCond")
                                 .Input("input: bool")
                                 .Output("output: bool")
                                 .SetShapeFn(LoopCondShape)
                                 .SetNoGradient()));
  return r.Register(
      OpDefBuilder("ControlTrigger").SetShapeFn(NoOutputs).SetNoGradient());
}

namespace ops {

OutputList Switch(const Scope& s, Input data, Input pred) {
  return s.AddOp("Switch", {data, pred});
}

OutputList Merge(const Scope& s, const std::vector<Input>& inputs) {
  return s.AddOp("Merge", inputs);
}

Output Enter(const Scope& s, Input data, const std::string& frame_name,
             bool is_constant, int64_t parallel_iterations) {
  return s.AddOp1("Enter", {data},
                  {{"frame_name", frame_name},
                   {"is_constant", is_constant},
                   {"parallel_iterations", parallel_iterations}});
}

Output Exit(const Scope& s, Input data) { return s.AddOp1("Exit", {data}); }

Output NextIteration(const Scope& s, Input data) {
  return s.AddOp1("NextIteration", {data});
}

Output LoopCond(const Scope& s, Input input) {
  return s.AddOp1("LoopCond", {input});
}

Output ControlTrigger(const Scope& s) {
  return Output(s.AddNode("ControlTrigger", {}), 0);
}

}  // namespace ops
}  // namespace graphflow
