// Kernels of ops/stack_ops.cc. Every StackV2/Stack run makes a new stack in
// the session's ResourceStore under a fresh name (TF: "<stack_name>_<n>").
//
// The pre-1.4 Stack outputs a Ref(string): graphflow's ref edges carry a
// StoredVariable*, so each old-style stack owns a private StoredVariable
// holding TF's handle value {"_stacks", name}. It is not in the
// VariableStore (checkpoints never see it) and lives as long as the stack,
// which stays in the store after StackClose (closed and emptied, as TF's
// Close leaves it), so a ref to it never dangles.
#include <limits>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/resource_variable.h"

namespace graphflow {
namespace {

class StackResource : public ResourceBase {
 public:
  StackResource(std::string name, DataType elem_type, int64_t max_size)
      : name_(std::move(name)),
        elem_type_(elem_type),
        max_size_(max_size),
        handle_ref_(name_) {}
  std::string TypeName() const override { return "stack"; }
  StoredVariable* handle_ref() { return &handle_ref_; }

  absl::Status Push(const KernelContext& ctx, const Tensor& elem) {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(CheckOpen(ctx));
    if (elem.dtype() != elem_type_) {
      return ctx.InvalidArgument(
          absl::StrCat("Must have type ", DataTypeString(elem_type_),
                       " but got ", DataTypeString(elem.dtype())));
    }
    if (static_cast<int64_t>(elems_.size()) >= max_size_) {
      return ctx.InvalidArgument(absl::StrCat(
          "Stack[", name_, "] overflowed its max_size (", max_size_, ")"));
    }
    elems_.push_back(elem);
    return absl::OkStatus();
  }

  absl::StatusOr<Tensor> Pop(const KernelContext& ctx) {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(CheckOpen(ctx));
    if (elems_.empty()) {
      return ctx.InvalidArgument(absl::StrCat("Stack[", name_, "] is empty."));
    }
    Tensor top = std::move(elems_.back());
    elems_.pop_back();
    return top;
  }

  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    elems_.clear();
  }

 private:
  absl::Status CheckOpen(const KernelContext& ctx) const {
    if (closed_) {
      return ctx.InvalidArgument(
          absl::StrCat("Stack[", name_, "] has already been closed."));
    }
    return absl::OkStatus();
  }

  const std::string name_;
  const DataType elem_type_;
  const int64_t max_size_;
  StoredVariable handle_ref_;
  // Guards what follows (std::mutex: see ResourceStore).
  std::mutex mu_;
  std::vector<Tensor> elems_;
  bool closed_ = false;
};

// Makes a stack (max_size from input 0 for StackV2, unbounded for Stack).
absl::StatusOr<std::shared_ptr<StackResource>> NewStack(KernelContext& ctx) {
  int64_t max_size = std::numeric_limits<int32_t>::max();
  if (ctx.num_inputs() > 0) {
    const Tensor& size = ctx.input(0);
    if (size.rank() != 0) {
      return ctx.InvalidArgument(
          absl::StrCat("Stack size must be a scalar, but had shape: ",
                       size.shape().DebugString()));
    }
    if (size.data<int32_t>()[0] >= 0) max_size = size.data<int32_t>()[0];
  }
  DataType elem_type;
  std::string stack_name;
  RETURN_IF_ERROR(ctx.GetAttr("elem_type", &elem_type));
  RETURN_IF_ERROR(ctx.GetAttr("stack_name", &stack_name));
  std::string name = ctx.resources().UniqueName(stack_name);
  auto stack = std::make_shared<StackResource>(name, elem_type, max_size);
  RETURN_IF_ERROR(ctx.resources().Create(name, stack));
  return stack;
}

absl::Status StackV2Kernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto stack, NewStack(ctx));
  ASSIGN_OR_RETURN(Tensor * out,
                   ctx.AllocateOutput(0, DT_RESOURCE, TensorShape{}));
  out->data<std::string>()[0] = stack->handle_ref()->name();
  return absl::OkStatus();
}

absl::Status StackKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto stack, NewStack(ctx));
  Tensor handle(DT_STRING, TensorShape{2});
  handle.data<std::string>()[0] = "_stacks";
  handle.data<std::string>()[1] = stack->handle_ref()->name();
  stack->handle_ref()->Assign(handle);
  ctx.SetRefOutput(0, stack->handle_ref());
  return absl::OkStatus();
}

// The stack behind input 0: a resource handle or an old Ref(string) one.
absl::StatusOr<std::shared_ptr<StackResource>> GetStack(
    const KernelContext& ctx) {
  std::string name;
  if (StoredVariable* ref = ctx.ref_input(0)) {
    ASSIGN_OR_RETURN(Tensor handle, ref->Read());
    if (handle.dtype() != DT_STRING || handle.num_elements() != 2) {
      return ctx.InvalidArgument("the stack handle must be 2 strings");
    }
    name = handle.data<std::string>()[1];
  } else {
    ASSIGN_OR_RETURN(name, HandleName(ctx, 0));
  }
  auto stack = ctx.resources().Lookup<StackResource>(name);
  if (!stack.ok()) {
    return ctx.Error(stack.status().code(), stack.status().message());
  }
  return *stack;
}

absl::Status StackPushKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto stack, GetStack(ctx));
  RETURN_IF_ERROR(stack->Push(ctx, ctx.input(1)));
  ctx.SetOutput(0, ctx.input(1));
  return absl::OkStatus();
}

absl::Status StackPopKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto stack, GetStack(ctx));
  ASSIGN_OR_RETURN(Tensor top, stack->Pop(ctx));
  DataType elem_type;
  RETURN_IF_ERROR(ctx.GetAttr("elem_type", &elem_type));
  if (top.dtype() != elem_type) {
    return ctx.InvalidArgument(
        absl::StrCat("popped a ", DataTypeString(top.dtype()),
                     " tensor, expected ", DataTypeString(elem_type)));
  }
  ctx.SetOutput(0, std::move(top));
  return absl::OkStatus();
}

absl::Status StackCloseKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto stack, GetStack(ctx));
  stack->Close();
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterStackKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("StackV2", StackV2Kernel));
  RETURN_IF_ERROR(r.Register("Stack", StackKernel));
  for (const char* suffix : {"V2", ""}) {
    RETURN_IF_ERROR(
        r.Register(absl::StrCat("StackPush", suffix), StackPushKernel));
    RETURN_IF_ERROR(
        r.Register(absl::StrCat("StackPop", suffix), StackPopKernel));
    RETURN_IF_ERROR(
        r.Register(absl::StrCat("StackClose", suffix), StackCloseKernel));
  }
  return absl::OkStatus();
}

}  // namespace graphflow
