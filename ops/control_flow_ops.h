// TF1 control flow: Switch/Merge for conditionals, Enter/Exit/NextIteration/
// LoopCond for while loops, and the tf.cond / tf.while_loop builders that
// emit them. The session runs a plan containing them with its dataflow
// executor (session/control_flow_executor.h): dead tensors, frames and
// iterations as in TF.
#ifndef GRAPHFLOW_OPS_CONTROL_FLOW_OPS_H_
#define GRAPHFLOW_OPS_CONTROL_FLOW_OPS_H_

#include <functional>
#include <string>

#include "graph/scope.h"

namespace graphflow::ops {

// {output_false, output_true}: `data` on the side `pred` picks, the other
// side dead.
OutputList Switch(const Scope& s, Input data, Input pred);
// {output, value_index}: the first live input and its index.
OutputList Merge(const Scope& s, const std::vector<Input>& inputs);
Output Enter(const Scope& s, Input data, const std::string& frame_name,
             bool is_constant = false, int64_t parallel_iterations = 10);
Output Exit(const Scope& s, Input data);
Output NextIteration(const Scope& s, Input data);
Output LoopCond(const Scope& s, Input input);
// Runs when its control inputs are done, dead or not; never dead itself.
Output ControlTrigger(const Scope& s);

// tf.cond: the branch functions build their ops under the given scope (its
// name scope is "cond"); the tensors they read from outside go through a
// Switch on `pred`, so only the taken branch runs. Both branches must return
// as many outputs, pairwise of one dtype; the results are their Merges.
using BranchFn = std::function<OutputList(const Scope&)>;
OutputList Cond(const Scope& s, Output pred, const BranchFn& true_fn,
                const BranchFn& false_fn);

// tf.while_loop: cond_fn (a bool scalar) and body_fn (new values of the loop
// variables) get the current loop variables. Emits TF's graph (while/Enter,
// while/Merge, while/Switch, while/Identity, while/NextIteration,
// while/Exit, frame "while/while_context"); tensors read from outside enter
// the loop as loop invariants. Returns the loop variables' final values.
// AddSymbolicGradients does not differentiate through it (Exit's gradient
// is Unimplemented): TF builds while gradients with Stack ops.
using LoopCondFn = std::function<Output(const Scope&, const OutputList&)>;
using LoopBodyFn = std::function<OutputList(const Scope&, const OutputList&)>;
OutputList WhileLoop(const Scope& s, const LoopCondFn& cond_fn,
                     const LoopBodyFn& body_fn, const OutputList& loop_vars,
                     int64_t parallel_iterations = 10);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_CONTROL_FLOW_OPS_H_
