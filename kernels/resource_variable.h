// How kernels find the variable behind a DT_RESOURCE handle input: its one
// string element names the variable in the session's VariableStore.
#ifndef GRAPHFLOW_KERNELS_RESOURCE_VARIABLE_H_
#define GRAPHFLOW_KERNELS_RESOURCE_VARIABLE_H_

#include <string>

#include "absl/status/statusor.h"
#include "kernels/kernel.h"

namespace graphflow {

// The resource name held by input i (a DT_RESOURCE scalar).
absl::StatusOr<std::string> HandleName(const KernelContext& ctx, int i);

// The variable behind handle input i; created on first use when `create`
// (assignments), otherwise FailedPrecondition naming it when it was never
// assigned (TF: reading an uninitialized resource variable).
absl::StatusOr<StoredVariable*> VariableFromHandle(const KernelContext& ctx,
                                                   int i, bool create = false);

// The variable of input i whether it is a ref edge or a resource handle, so
// the Apply* and ResourceApply* kernels share one implementation.
absl::StatusOr<StoredVariable*> VariableInput(const KernelContext& ctx, int i);

// var += sign * value under the variable's lock (AssignAdd, AssignSub and
// their resource forms); InvalidArgument naming it on a shape mismatch.
absl::Status AssignUpdate(const KernelContext& ctx, StoredVariable* var,
                          const Tensor& value, int sign);

// The element-wise update of TF's Scatter* and ResourceScatter* ops.
enum class ScatterOp { kUpdate, kAdd, kSub, kMul, kDiv };

// var[indices[k], ...] op= updates[k, ...] (or the scalar updates) under the
// variable's lock; shared by the ref (ScatterAdd, ...) and resource
// (ResourceScatterAdd, ...) kernels. Every index and shape is checked, as in
// TF's scatter_op.cc, before the variable changes.
absl::Status Scatter(const KernelContext& ctx, StoredVariable* var,
                     const Tensor& indices, const Tensor& updates,
                     ScatterOp op);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_RESOURCE_VARIABLE_H_
