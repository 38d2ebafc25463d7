#include "kernels/kernel.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "graph/status.h"

namespace graphflow {

absl::StatusOr<Tensor*> KernelContext::AllocateOutput(
    int i, const TensorShape& shape) {
  return AllocateOutput(i, BaseType(node_.output_type(i)), shape);
}

absl::StatusOr<Tensor*> KernelContext::AllocateOutput(
    int i, DataType dtype, const TensorShape& shape) {
  const int64_t elem_bytes = std::max(DataTypeSize(BaseType(dtype)), 1);
  const int64_t limit = env_.max_tensor_bytes;
  if (shape.num_elements() > limit / elem_bytes) {
    return Error(absl::StatusCode::kResourceExhausted,
                 absl::StrCat("output ", i, " of shape ", shape.DebugString(),
                              " (", DataTypeString(BaseType(dtype)),
                              ") would exceed the maximum tensor size of ",
                              limit, " bytes"));
  }
  auto t = Tensor::Allocate(dtype, shape);
  if (!t.ok()) return Error(t.status().code(), t.status().message());
  Tensor* out = &(*outputs_)[i].tensor;
  *out = *std::move(t);
  return out;
}

absl::StatusOr<Tensor*> KernelContext::ForwardInputOrAllocateOutput(
    std::initializer_list<int> candidates, int output,
    const TensorShape& shape) {
  const DataType dtype = BaseType(node_.output_type(output));
  for (int i : candidates) {
    const Tensor& in = inputs_[i].tensor;
    if (inputs_[i].ref != nullptr || !in.valid() || in.dtype() != dtype ||
        in.num_elements() != shape.num_elements() || !in.RefCountIsOne()) {
      continue;
    }
    ASSIGN_OR_RETURN(Tensor reused, in.Reshaped(shape));
    Tensor* out = &(*outputs_)[output].tensor;
    *out = std::move(reused);
    return out;
  }
  return AllocateOutput(output, shape);
}

absl::Status KernelContext::InvalidArgument(absl::string_view message) const {
  return Error(absl::StatusCode::kInvalidArgument, message);
}

absl::Status KernelContext::Error(absl::StatusCode code,
                                  absl::string_view message) const {
  return absl::Status(code, absl::StrCat("node '", node_.name(), "' (",
                                         node_.op(), "): ", message));
}

absl::Status KernelContext::NoKernelFor(DataType dtype) const {
  return InvalidArgument(
      absl::StrCat("no CPU kernel for dtype ", DataTypeString(dtype)));
}

absl::Status KernelRegistry::Register(std::string op, KernelFn fn) {
  if (kernels_.contains(op)) {
    return absl::AlreadyExistsError(
        absl::StrCat("a kernel for op '", op, "' is registered twice"));
  }
  kernels_.emplace(std::move(op), std::move(fn));
  return absl::OkStatus();
}

const KernelFn* KernelRegistry::Find(absl::string_view op) const {
  auto it = kernels_.find(op);
  return it == kernels_.end() ? nullptr : &it->second;
}

std::vector<std::string> KernelRegistry::OpNames() const {
  std::vector<std::string> names;
  for (const auto& [name, fn] : kernels_) names.push_back(name);
  return names;
}

}  // namespace graphflow
