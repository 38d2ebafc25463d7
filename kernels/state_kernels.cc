// Kernels of ops/state_ops.cc: constants, placeholders, identity, variables.
#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/resource_variable.h"

namespace graphflow {
namespace {

absl::Status ConstKernel(KernelContext& ctx) {
  Tensor value;
  RETURN_IF_ERROR(ctx.GetAttr("value", &value));
  ctx.SetOutput(0, value);  // Shared, never written: updates copy first.
  return absl::OkStatus();
}

absl::Status PlaceholderKernel(KernelContext& ctx) {
  return ctx.InvalidArgument("a placeholder must be fed");
}

absl::Status ForwardInputKernel(KernelContext& ctx) {
  ctx.SetOutput(0, ctx.input(0));
  return absl::OkStatus();
}

absl::Status NoOpKernel(KernelContext&) { return absl::OkStatus(); }

absl::Status VariableKernel(KernelContext& ctx) {
  std::string shared_name;
  RETURN_IF_ERROR(ctx.GetAttr("shared_name", &shared_name));
  ctx.SetRefOutput(
      0, ctx.variables().GetOrCreate(shared_name.empty() ? ctx.node().name()
                                                         : shared_name));
  return absl::OkStatus();
}

// The declared shape of the variable behind ref input 0, if it is visible.
PartialShape DeclaredVariableShape(const Node& node) {
  const Node* var = node.input(0).node;
  while (var->op() != "VariableV2" && var->num_inputs() > 0 &&
         IsRefType(var->input_type(0))) {
    var = var->input(0).node;
  }
  const PartialShape* shape = var->FindAttr<PartialShape>("shape");
  return shape ? *shape : PartialShape();
}

absl::Status AssignKernel(KernelContext& ctx) {
  StoredVariable* var = ctx.ref_input(0);
  const Tensor& value = ctx.input(1);
  bool validate_shape = true;
  RETURN_IF_ERROR(ctx.GetAttr("validate_shape", &validate_shape));
  if (validate_shape) {
    PartialShape declared = DeclaredVariableShape(ctx.node());
    if (!declared.IsCompatibleWith(value.shape())) {
      return ctx.InvalidArgument(
          absl::StrCat("cannot assign a value of shape ",
                       value.shape().DebugString(), " to variable '",
                       var->name(), "' of shape ", declared.DebugString()));
    }
    if (var->initialized()) {
      ASSIGN_OR_RETURN(Tensor old, var->Read());
      if (old.shape() != value.shape()) {
        return ctx.InvalidArgument(absl::StrCat(
            "Assign requires shapes of both tensors to match: variable '",
            var->name(), "' is ", old.shape().DebugString(), ", value is ",
            value.shape().DebugString()));
      }
    }
  }
  var->Assign(value);
  ctx.SetRefOutput(0, var);
  return absl::OkStatus();
}

template <int kSign>
absl::Status AssignUpdateKernel(KernelContext& ctx) {
  RETURN_IF_ERROR(AssignUpdate(ctx, ctx.ref_input(0), ctx.input(1), kSign));
  ctx.SetRefOutput(0, ctx.ref_input(0));
  return absl::OkStatus();
}

// TF's Scatter* on a ref variable: the shared scatter loop, then the ref
// forwarded to output_ref.
template <ScatterOp kOp>
absl::Status RefScatterKernel(KernelContext& ctx) {
  RETURN_IF_ERROR(
      Scatter(ctx, ctx.ref_input(0), ctx.input(1), ctx.input(2), kOp));
  ctx.SetRefOutput(0, ctx.ref_input(0));
  return absl::OkStatus();
}

absl::Status IsVariableInitializedKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape{}));
  *out->data<bool>() = ctx.ref_input(0)->initialized();
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterStateKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("Const", ConstKernel));
  RETURN_IF_ERROR(r.Register("Placeholder", PlaceholderKernel));
  RETURN_IF_ERROR(r.Register("PlaceholderWithDefault", ForwardInputKernel));
  RETURN_IF_ERROR(r.Register("Identity", ForwardInputKernel));
  RETURN_IF_ERROR(r.Register("NoOp", NoOpKernel));
  RETURN_IF_ERROR(r.Register("VariableV2", VariableKernel));
  RETURN_IF_ERROR(r.Register("Assign", AssignKernel));
  RETURN_IF_ERROR(
      r.Register("IsVariableInitialized", IsVariableInitializedKernel));
  RETURN_IF_ERROR(r.Register("AssignAdd", AssignUpdateKernel<1>));
  RETURN_IF_ERROR(r.Register("AssignSub", AssignUpdateKernel<-1>));
  RETURN_IF_ERROR(
      r.Register("ScatterUpdate", RefScatterKernel<ScatterOp::kUpdate>));
  RETURN_IF_ERROR(r.Register("ScatterAdd", RefScatterKernel<ScatterOp::kAdd>));
  RETURN_IF_ERROR(r.Register("ScatterSub", RefScatterKernel<ScatterOp::kSub>));
  RETURN_IF_ERROR(r.Register("ScatterMul", RefScatterKernel<ScatterOp::kMul>));
  RETURN_IF_ERROR(r.Register("ScatterDiv", RefScatterKernel<ScatterOp::kDiv>));
  return absl::OkStatus();
}

}  // namespace graphflow
