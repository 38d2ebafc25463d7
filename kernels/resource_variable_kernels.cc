// Kernels of ops/resource_variable_ops.cc. A handle is a DT_RESOURCE scalar
// naming a variable of the VariableStore; reads are snapshots (the store
// copies a buffer before updating it while a reader holds it).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/array_util.h"
#include "kernels/cwise_util.h"
#include "kernels/resource_variable.h"

namespace graphflow {

absl::StatusOr<std::string> HandleName(const KernelContext& ctx, int i) {
  const Tensor& t = ctx.input(i);
  if (t.dtype() != DT_RESOURCE || t.num_elements() != 1) {
    return ctx.InvalidArgument(
        absl::StrCat("input ", i, " must be one resource handle, got a ",
                     DataTypeString(t.dtype()), " tensor of shape ",
                     t.shape().DebugString()));
  }
  return t.data<std::string>()[0];
}

absl::StatusOr<StoredVariable*> VariableFromHandle(const KernelContext& ctx,
                                                   int i, bool create) {
  ASSIGN_OR_RETURN(std::string name, HandleName(ctx, i));
  if (create) return ctx.variables().GetOrCreate(name);
  StoredVariable* var = ctx.variables().Find(name);
  if (var == nullptr || !var->initialized()) {
    return ctx.Error(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("Error while reading resource variable ", name,
                     ": it is uninitialized (never assigned)"));
  }
  return var;
}

absl::StatusOr<StoredVariable*> VariableInput(const KernelContext& ctx, int i) {
  if (ctx.ref_input(i) != nullptr) return ctx.ref_input(i);
  return VariableFromHandle(ctx, i);
}

absl::Status AssignUpdate(const KernelContext& ctx, StoredVariable* var,
                          const Tensor& value, int sign) {
  return var->Update([&](Tensor& t) -> absl::Status {
    if (t.shape() != value.shape() || t.dtype() != value.dtype()) {
      return ctx.InvalidArgument(
          absl::StrCat("variable '", var->name(), "' has shape ",
                       t.shape().DebugString(), " (", DataTypeString(t.dtype()),
                       "), update has shape ", value.shape().DebugString(),
                       " (", DataTypeString(value.dtype()), ")"));
    }
    return DispatchType<NumericTypes>(
        t.dtype(),
        [&]<typename T>() {
          T* dst = t.data<T>();
          const T* src = value.data<T>();
          for (int64_t i = 0; i < t.num_elements(); ++i) {
            dst[i] =
                static_cast<T>(sign > 0 ? dst[i] + src[i] : dst[i] - src[i]);
          }
          return absl::OkStatus();
        },
        ctx.UnsupportedDtype());
  });
}

namespace {

// The element-wise step of one scatter op; integer divisions by zero are
// rejected before the variable changes.
template <typename T>
T ScatterStep(ScatterOp op, T old, T u) {
  switch (op) {
    case ScatterOp::kAdd:
      return cwise::Add<T>()(old, u);
    case ScatterOp::kSub:
      return cwise::Sub<T>()(old, u);
    case ScatterOp::kMul:
      return cwise::Mul<T>()(old, u);
    case ScatterOp::kDiv:
      return cwise::Div<T>()(old, u);
    case ScatterOp::kUpdate:
      break;
  }
  return u;
}

// TF's checks of params, indices and updates (scatter_op.cc), before any
// element changes.
absl::Status CheckScatter(const KernelContext& ctx, const StoredVariable& var,
                          const Tensor& params, const Tensor& indices,
                          const Tensor& updates, DimVector& idx) {
  if (params.dtype() != updates.dtype()) {
    return ctx.InvalidArgument(absl::StrCat(
        "variable '", var.name(), "' is ", DataTypeString(params.dtype()),
        ", updates are ", DataTypeString(updates.dtype())));
  }
  if (params.rank() < 1) {
    return ctx.InvalidArgument(
        absl::StrCat("params must be at least 1-D, got shape ",
                     params.shape().DebugString()));
  }
  TensorShape expected = indices.shape();
  for (int j = 1; j < params.rank(); ++j) expected.AddDim(params.dim(j));
  if (updates.rank() != 0 && updates.shape() != expected) {
    return ctx.InvalidArgument(absl::StrCat(
        "Must have updates.shape = indices.shape + params.shape[1:] or "
        "updates.shape = [], got updates.shape ",
        updates.shape().DebugString(), ", indices.shape ",
        indices.shape().DebugString(), ", params.shape ",
        params.shape().DebugString()));
  }
  const int64_t n = indices.num_elements(), limit = params.dim(0);
  idx.resize(n);
  for (int64_t k = 0; k < n; ++k) {
    idx[k] = indices.dtype() == DT_INT32 ? indices.data<int32_t>()[k]
                                         : indices.data<int64_t>()[k];
    if (idx[k] < 0 || idx[k] >= limit) {
      return ctx.InvalidArgument(
          absl::StrCat("indices", SliceDebugString(indices.shape(), k), " = ",
                       idx[k], " is not in [0, ", limit, ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Scatter(const KernelContext& ctx, StoredVariable* var,
                     const Tensor& indices, const Tensor& updates,
                     ScatterOp op) {
  if (indices.dtype() != DT_INT32 && indices.dtype() != DT_INT64) {
    return ctx.InvalidArgument(
        absl::StrCat("indices must be int32 or int64, got ",
                     DataTypeString(indices.dtype())));
  }
  return var->Update([&](Tensor& params) -> absl::Status {
    DimVector idx;
    RETURN_IF_ERROR(CheckScatter(ctx, *var, params, indices, updates, idx));
    const int64_t n = static_cast<int64_t>(idx.size());
    const int64_t row =
        params.dim(0) == 0 ? 0 : params.num_elements() / params.dim(0);
    const bool scalar = updates.rank() == 0;
    auto apply = [&]<typename T>() -> absl::Status {
      const T* src = updates.data<T>();
      if constexpr (cwise::kIsInt<T>) {
        if (op == ScatterOp::kDiv && n > 0 &&
            std::find(src, src + (scalar ? 1 : n * row), T(0)) !=
                src + (scalar ? 1 : n * row)) {
          return ctx.InvalidArgument(cwise::kDivByZero);
        }
      }
      T* dst = params.data<T>();
      for (int64_t k = 0; k < n; ++k) {
        T* out = dst + idx[k] * row;
        for (int64_t e = 0; e < row; ++e) {
          out[e] =
              ScatterStep<T>(op, out[e], scalar ? src[0] : src[k * row + e]);
        }
      }
      return absl::OkStatus();
    };
    if (op == ScatterOp::kUpdate) {
      return DispatchType(params.dtype(), apply, ctx.UnsupportedDtype());
    }
    return DispatchType<NumericTypes>(params.dtype(), apply,
                                      ctx.UnsupportedDtype());
  });
}

namespace {

// The variable's value, checked against the node's dtype attr.
absl::StatusOr<Tensor> ReadChecked(const KernelContext& ctx) {
  ASSIGN_OR_RETURN(StoredVariable * var, VariableFromHandle(ctx, 0));
  ASSIGN_OR_RETURN(Tensor value, var->Read());
  DataType dtype;
  RETURN_IF_ERROR(ctx.GetAttr("dtype", &dtype));
  if (value.dtype() != dtype) {
    return ctx.InvalidArgument(absl::StrCat(
        "Trying to read variable ", var->name(), " with wrong dtype. Expected ",
        DataTypeString(dtype), " got ", DataTypeString(value.dtype())));
  }
  return value;
}

absl::Status VarHandleKernel(KernelContext& ctx) {
  std::string shared_name;
  RETURN_IF_ERROR(ctx.GetAttr("shared_name", &shared_name));
  ASSIGN_OR_RETURN(Tensor * out,
                   ctx.AllocateOutput(0, DT_RESOURCE, TensorShape{}));
  out->data<std::string>()[0] =
      shared_name.empty() ? ctx.node().name() : shared_name;
  return absl::OkStatus();
}

absl::Status ReadVariableKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(Tensor value, ReadChecked(ctx));
  ctx.SetOutput(0, value);  // Shares the buffer: updates copy first.
  return absl::OkStatus();
}

absl::Status AssignVariableKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(StoredVariable * var, VariableFromHandle(ctx, 0, true));
  const Tensor& value = ctx.input(1);
  if (var->initialized()) {
    ASSIGN_OR_RETURN(Tensor old, var->Read());
    if (old.dtype() != value.dtype()) {
      return ctx.InvalidArgument(absl::StrCat(
          "Trying to assign variable ", var->name(),
          " with wrong dtype. Expected ", DataTypeString(old.dtype()), " got ",
          DataTypeString(value.dtype())));
    }
  }
  var->Assign(value);
  return absl::OkStatus();
}

template <int kSign>
absl::Status AssignUpdateVariableKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(StoredVariable * var, VariableFromHandle(ctx, 0));
  return AssignUpdate(ctx, var, ctx.input(1), kSign);
}

absl::Status VarIsInitializedKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(std::string name, HandleName(ctx, 0));
  StoredVariable* var = ctx.variables().Find(name);
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape{}));
  *out->data<bool>() = var != nullptr && var->initialized();
  return absl::OkStatus();
}

absl::Status VariableShapeKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(StoredVariable * var, VariableFromHandle(ctx, 0));
  ASSIGN_OR_RETURN(Tensor value, var->Read());
  DataType out_type = DT_INT32;
  RETURN_IF_ERROR(ctx.GetAttr("out_type", &out_type));
  const int rank = value.rank();
  ASSIGN_OR_RETURN(Tensor * out,
                   ctx.AllocateOutput(0, out_type, TensorShape{rank}));
  for (int j = 0; j < rank; ++j) {
    if (out_type == DT_INT32) {
      out->data<int32_t>()[j] = static_cast<int32_t>(value.dim(j));
    } else {
      out->data<int64_t>()[j] = value.dim(j);
    }
  }
  return absl::OkStatus();
}

absl::Status ResourceGatherKernel(KernelContext& ctx) {
  int64_t batch_dims = 0;
  RETURN_IF_ERROR(ctx.GetAttr("batch_dims", &batch_dims));
  if (batch_dims != 0) {
    return ctx.InvalidArgument(
        absl::StrCat("batch_dims must be 0, got ", batch_dims));
  }
  ASSIGN_OR_RETURN(Tensor params, ReadChecked(ctx));
  return GatherImpl(ctx, params, 0, 0);
}

template <ScatterOp kOp>
absl::Status ResourceScatterKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(StoredVariable * var, VariableFromHandle(ctx, 0));
  return Scatter(ctx, var, ctx.input(1), ctx.input(2), kOp);
}

}  // namespace

absl::Status RegisterResourceVariableKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("VarHandleOp", VarHandleKernel));
  RETURN_IF_ERROR(r.Register("ReadVariableOp", ReadVariableKernel));
  RETURN_IF_ERROR(r.Register("AssignVariableOp", AssignVariableKernel));
  RETURN_IF_ERROR(
      r.Register("AssignAddVariableOp", AssignUpdateVariableKernel<1>));
  RETURN_IF_ERROR(
      r.Register("AssignSubVariableOp", AssignUpdateVariableKernel<-1>));
  RETURN_IF_ERROR(r.Register("VarIsInitializedOp", VarIsInitializedKernel));
  RETURN_IF_ERROR(r.Register("VariableShape", VariableShapeKernel));
  RETURN_IF_ERROR(r.Register("ResourceGather", ResourceGatherKernel));
  RETURN_IF_ERROR(
      r.Register("ResourceScatterAdd", ResourceScatterKernel<ScatterOp::kAdd>));
  RETURN_IF_ERROR(r.Register("ResourceScatterUpdate",
                             ResourceScatterKernel<ScatterOp::kUpdate>));
  return absl::OkStatus();
}

}  // namespace graphflow
