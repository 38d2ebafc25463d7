// Kernels of ops/control_flow_ops.cc. They only move values: deadness,
// frames and iterations are the session's control-flow executor's. An
// output a kernel leaves unset (Switch's untaken side) is dead.
#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"

namespace graphflow {
namespace {

// Input i to output o, as a tensor or (Ref ops) as the variable itself.
void Forward(KernelContext& ctx, int i, int o) {
  if (ctx.ref_input(i) != nullptr) {
    ctx.SetRefOutput(o, ctx.ref_input(i));
  } else {
    ctx.SetOutput(o, ctx.input(i));
  }
}

absl::Status ForwardKernel(KernelContext& ctx) {
  Forward(ctx, 0, 0);
  return absl::OkStatus();
}

absl::Status SwitchKernel(KernelContext& ctx) {
  const Tensor& pred = ctx.input(1);
  if (pred.rank() != 0) {
    return ctx.InvalidArgument(absl::StrCat("pred must be a scalar, got shape ",
                                            pred.shape().DebugString()));
  }
  Forward(ctx, 0, *pred.data<bool>() ? 1 : 0);
  return absl::OkStatus();
}

// The executor passes only the live input; the others are empty.
absl::Status MergeKernel(KernelContext& ctx) {
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (ctx.input(i).valid() || ctx.ref_input(i) != nullptr) {
      Forward(ctx, i, 0);
      ctx.SetOutput(1, Tensor::Scalar<int32_t>(i));
      return absl::OkStatus();
    }
  }
  return ctx.Error(absl::StatusCode::kInternal, "no live input to merge");
}

absl::Status ControlTriggerKernel(KernelContext&) { return absl::OkStatus(); }

}  // namespace

absl::Status RegisterControlFlowKernels(KernelRegistry& r) {
  for (const char* op : {"Enter", "Exit", "NextIteration"}) {
    RETURN_IF_ERROR(r.Register(op, ForwardKernel));
    RETURN_IF_ERROR(r.Register(absl::StrCat("Ref", op), ForwardKernel));
  }
  RETURN_IF_ERROR(r.Register("LoopCond", ForwardKernel));
  RETURN_IF_ERROR(r.Register("Switch", SwitchKernel));
  RETURN_IF_ERROR(r.Register("RefSwitch", SwitchKernel));
  RETURN_IF_ERROR(r.Register("Merge", MergeKernel));
  RETURN_IF_ERROR(r.Register("RefMerge", MergeKernel));
  return r.Register("ControlTrigger", ControlTriggerKernel);
}

}  // namespace graphflow
