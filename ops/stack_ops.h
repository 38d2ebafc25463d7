// Stacks (TF 1.x's data_flow_ops Stack family, used by while-loop
// gradients): StackV2 makes a new per-run stack and returns its resource
// handle; the pre-1.4 Stack returns a Ref(string) handle instead.
#ifndef GRAPHFLOW_OPS_STACK_OPS_H_
#define GRAPHFLOW_OPS_STACK_OPS_H_

#include <string>

#include "graph/scope.h"

namespace graphflow::ops {

// max_size < 0: unbounded.
Output StackV2(const Scope& s, Input max_size, DataType elem_type,
               const std::string& stack_name = "");
// Pushes elem and forwards it.
Output StackPushV2(const Scope& s, Input handle, Input elem,
                   bool swap_memory = false);
Output StackPopV2(const Scope& s, Input handle, DataType elem_type);
// No output: the Output is the node, a target or control input.
Output StackCloseV2(const Scope& s, Input handle);

// The deprecated forms on a Ref(string) handle.
Output Stack(const Scope& s, DataType elem_type,
             const std::string& stack_name = "");
Output StackPush(const Scope& s, Input handle, Input elem,
                 bool swap_memory = false);
Output StackPop(const Scope& s, Input handle, DataType elem_type);
Output StackClose(const Scope& s, Input handle);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_STACK_OPS_H_
