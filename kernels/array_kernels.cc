// Kernels of the array family (ops/array_ops.cc). Shape-only changes
// (Reshape, ExpandDims, Squeeze) and identities share the input buffer;
// Transpose is a dtype-generic byte copy through StridedCopy.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/array_util.h"

namespace graphflow {
namespace {

absl::Status SetReshaped(KernelContext& ctx, const TensorShape& shape) {
  auto t = ctx.input(0).Reshaped(shape);
  if (!t.ok()) return ctx.InvalidArgument(t.status().message());
  ctx.SetOutput(0, *std::move(t));
  return absl::OkStatus();
}

absl::Status ReshapeKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(DimVector sizes, ReadIndexVector(ctx, 1, "shape"));
  int infer = -1;
  int64_t product = 1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      if (infer >= 0) {
        return ctx.InvalidArgument(
            absl::StrCat("can only infer one dimension, got shape [",
                         absl::StrJoin(sizes, ","), "]"));
      }
      infer = static_cast<int>(i);
    } else if (sizes[i] < 0) {
      return ctx.InvalidArgument(
          absl::StrCat("size ", sizes[i], " at index ", i, " is invalid"));
    } else {
      // Saturates instead of overflowing; such a shape never matches.
      product = sizes[i] > 0 && product > kMaxTensorElements / sizes[i]
                    ? kMaxTensorElements + 1
                    : product * sizes[i];
    }
  }
  if (infer >= 0) {
    if (product == 0 || in.num_elements() % product != 0) {
      return ctx.InvalidArgument(
          absl::StrCat("input to reshape is a tensor with ", in.num_elements(),
                       " values, which cannot be reshaped to [",
                       absl::StrJoin(sizes, ","), "]"));
    }
    sizes[infer] = in.num_elements() / product;
  } else if (product != in.num_elements()) {
    return ctx.InvalidArgument(
        absl::StrCat("input to reshape is a tensor with ", in.num_elements(),
                     " values, but the requested shape [",
                     absl::StrJoin(sizes, ","), "] has ", product));
  }
  return SetReshaped(ctx, TensorShape(sizes));
}

// Writes the dims of `shape` into a new out_type vector output i.
absl::Status WriteShape(KernelContext& ctx, int i, const TensorShape& shape) {
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(i, {shape.rank()}));
  for (int j = 0; j < shape.rank(); ++j) {
    if (out->dtype() == DT_INT64) {
      out->data<int64_t>()[j] = shape.dim(j);
    } else if (shape.dim(j) > std::numeric_limits<int32_t>::max()) {
      return ctx.InvalidArgument(absl::StrCat("shape ", shape.DebugString(),
                                              " does not fit out_type int32"));
    } else {
      out->data<int32_t>()[j] = static_cast<int32_t>(shape.dim(j));
    }
  }
  return absl::OkStatus();
}

absl::Status ShapeKernel(KernelContext& ctx) {
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    RETURN_IF_ERROR(WriteShape(ctx, i, ctx.input(i).shape()));
  }
  return absl::OkStatus();
}

absl::Status SizeKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, {}));
  const int64_t n = ctx.input(0).num_elements();
  if (out->dtype() == DT_INT64) {
    *out->data<int64_t>() = n;
  } else if (n > std::numeric_limits<int32_t>::max()) {
    return ctx.InvalidArgument(
        absl::StrCat("size ", n, " does not fit out_type int32"));
  } else {
    *out->data<int32_t>() = static_cast<int32_t>(n);
  }
  return absl::OkStatus();
}

absl::Status RankKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, {}));
  *out->data<int32_t>() = ctx.input(0).rank();
  return absl::OkStatus();
}

absl::Status ExpandDimsKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(int64_t dim, ReadIndexScalar(ctx, 1, "dim"));
  TensorShape shape = ctx.input(0).shape();
  const int64_t rank = shape.rank();
  if (dim < -rank - 1 || dim > rank) {
    return ctx.InvalidArgument(
        absl::StrCat("dim ", dim, " is out of range [", -rank - 1, ", ", rank,
                     "] for input shape ", shape.DebugString()));
  }
  shape.InsertDim(static_cast<int>(dim < 0 ? dim + rank + 1 : dim), 1);
  return SetReshaped(ctx, shape);
}

absl::Status SqueezeKernel(KernelContext& ctx) {
  std::vector<int64_t> squeeze;
  RETURN_IF_ERROR(ctx.GetAttr("squeeze_dims", &squeeze));
  const TensorShape& in = ctx.input(0).shape();
  std::vector<bool> chosen(in.rank(), squeeze.empty());
  for (int64_t d : squeeze) {
    if (d < -in.rank() || d >= in.rank()) {
      return ctx.InvalidArgument(
          absl::StrCat("squeeze dim ", d, " is out of range for input shape ",
                       in.DebugString()));
    }
    chosen[d < 0 ? d + in.rank() : d] = true;
  }
  TensorShape out;
  for (int j = 0; j < in.rank(); ++j) {
    if (!chosen[j] || in.dim(j) != 1) {
      if (chosen[j] && !squeeze.empty()) {
        return ctx.InvalidArgument(absl::StrCat(
            "cannot squeeze dim[", j, "], expected a dimension of 1, got ",
            in.dim(j), " (input shape ", in.DebugString(), ")"));
      }
      out.AddDim(in.dim(j));
    }
  }
  return SetReshaped(ctx, out);
}

absl::Status TransposeKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(DimVector perm, ReadIndexVector(ctx, 1, "perm"));
  const int rank = in.rank();
  if (static_cast<int>(perm.size()) != rank) {
    return ctx.InvalidArgument(
        absl::StrCat("transpose expects a vector of size ", rank,
                     " (the input rank), got ", perm.size(), " entries"));
  }
  std::vector<bool> seen(rank);
  bool identity = true;
  TensorShape out_shape = in.shape();
  const int es = DataTypeSize(in.dtype());
  const DimVector in_strides = ByteStrides(in.shape(), es);
  DimVector in_steps(rank);
  for (int j = 0; j < rank; ++j) {
    if (perm[j] < 0 || perm[j] >= rank) {
      return ctx.InvalidArgument(absl::StrCat(
          "perm[", j, "] = ", perm[j], " is out of range [0, ", rank, ")"));
    }
    if (seen[perm[j]]) {
      return ctx.InvalidArgument(
          absl::StrCat(perm[j], " is duplicated in perm"));
    }
    seen[perm[j]] = true;
    identity &= perm[j] == j;
    out_shape.set_dim(j, in.dim(perm[j]));
    in_steps[j] = in_strides[perm[j]];
  }
  if (identity) {
    ctx.SetOutput(0, in);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  if (out->num_elements() == 0) return absl::OkStatus();
  StridedCopy(ctx.device(), static_cast<const char*>(in.raw_data()), in_steps,
              static_cast<char*>(out->raw_data()), ByteStrides(out_shape, es),
              out_shape.dim_sizes(), es);
  return absl::OkStatus();
}

absl::Status InvertPermutationKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(DimVector x, ReadIndexVector(ctx, 0, "x"));
  const int64_t n = static_cast<int64_t>(x.size());
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, {n}));
  DimVector y(n, -1);
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] < 0 || x[i] >= n) {
      return ctx.InvalidArgument(
          absl::StrCat(x[i], " is not between 0 and ", n));
    }
    if (y[x[i]] != -1) {
      return ctx.InvalidArgument(
          absl::StrCat(x[i], " is duplicated in the input"));
    }
    y[x[i]] = i;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (out->dtype() == DT_INT32) {
      out->data<int32_t>()[i] = static_cast<int32_t>(y[i]);
    } else {
      out->data<int64_t>()[i] = y[i];
    }
  }
  return absl::OkStatus();
}

absl::Status ForwardAllKernel(KernelContext& ctx) {
  for (int i = 0; i < ctx.num_inputs(); ++i) ctx.SetOutput(i, ctx.input(i));
  return absl::OkStatus();
}

absl::Status FillKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(DimVector dims, ReadIndexVector(ctx, 0, "dims"));
  const Tensor& value = ctx.input(1);
  if (value.rank() != 0) {
    return ctx.InvalidArgument(absl::StrCat(
        "value must be a scalar, got shape ", value.shape().DebugString()));
  }
  for (int64_t d : dims) {
    if (d < 0) {
      return ctx.InvalidArgument(absl::StrCat("dims must be >= 0, got [",
                                              absl::StrJoin(dims, ","), "]"));
    }
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape(dims)));
  FillElements(ctx.device(), static_cast<char*>(out->raw_data()),
               out->num_elements(), value.raw_data(),
               DataTypeSize(out->dtype()));
  return absl::OkStatus();
}

absl::Status ZerosLikeKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, ctx.input(0).shape()));
  out->FillZero();
  return absl::OkStatus();
}

absl::Status OnesLikeKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, ctx.input(0).shape()));
  return DispatchType(out->dtype(), [&]<typename T>() {
    const T one = static_cast<T>(1);
    FillElements(ctx.device(), static_cast<char*>(out->raw_data()),
                 out->num_elements(), &one, sizeof(T));
    return absl::OkStatus();
  });
}

absl::Status OneHotKernel(KernelContext& ctx) {
  const Tensor& indices = ctx.input(0);
  const Tensor &on = ctx.input(2), &off = ctx.input(3);
  int64_t axis = -1;
  RETURN_IF_ERROR(ctx.GetAttr("axis", &axis));
  ASSIGN_OR_RETURN(int64_t depth, ReadIndexScalar(ctx, 1, "depth"));
  if (ctx.input(1).rank() != 0 || on.rank() != 0 || off.rank() != 0) {
    return ctx.InvalidArgument("depth, on_value and off_value must be scalars");
  }
  if (depth < 0) {
    return ctx.InvalidArgument(
        absl::StrCat("depth must be non-negative, got ", depth));
  }
  const int rank = indices.rank();
  if (axis < -1 || axis > rank) {
    return ctx.InvalidArgument(absl::StrCat("axis ", axis, " must be in [-1, ",
                                            rank, "] for indices of shape ",
                                            indices.shape().DebugString()));
  }
  if (axis == -1) axis = rank;
  TensorShape out_shape = indices.shape();
  out_shape.InsertDim(static_cast<int>(axis), depth);
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_shape));
  const int es = DataTypeSize(out->dtype());
  char* dst = static_cast<char*>(out->raw_data());
  FillElements(ctx.device(), dst, out->num_elements(), off.raw_data(), es);
  int64_t prefix = 1;
  for (int j = 0; j < axis; ++j) prefix *= indices.dim(j);
  const int64_t suffix = prefix == 0 ? 0 : indices.num_elements() / prefix;
  return DispatchType(indices.dtype(), [&]<typename TI>() {
    if constexpr (std::is_integral_v<TI>) {
      const TI* idx = indices.data<TI>();
      for (int64_t p = 0; p < prefix; ++p) {
        for (int64_t s = 0; s < suffix; ++s) {
          int64_t v = static_cast<int64_t>(idx[p * suffix + s]);
          if (v >= 0 && v < depth) {
            std::memcpy(dst + ((p * depth + v) * suffix + s) * es,
                        on.raw_data(), es);
          }
        }
      }
      return absl::OkStatus();
    } else {
      return ctx.InvalidArgument("indices must be integers");
    }
  });
}

// ceil(|limit - start| / |delta|) for ints, without overflow (as unsigned).
uint64_t RangeSize(int64_t start, int64_t limit, int64_t delta) {
  const uint64_t span = limit >= start ? static_cast<uint64_t>(limit) - start
                                       : static_cast<uint64_t>(start) - limit;
  const uint64_t step =
      delta >= 0 ? static_cast<uint64_t>(delta) : -static_cast<uint64_t>(delta);
  return span / step + (span % step != 0);
}

absl::Status RangeKernel(KernelContext& ctx) {
  for (int i = 0; i < 3; ++i) {
    if (ctx.input(i).rank() != 0) {
      return ctx.InvalidArgument(absl::StrCat(
          i == 0   ? "start"
          : i == 1 ? "limit"
                   : "delta",
          " must be a scalar, got shape ", ctx.input(i).shape().DebugString()));
    }
  }
  return DispatchType(ctx.input(0).dtype(), [&]<typename T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> ||
                  std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
      const T start = *ctx.input(0).data<T>(), limit = *ctx.input(1).data<T>(),
              delta = *ctx.input(2).data<T>();
      if (delta == 0) return ctx.InvalidArgument("requires delta != 0");
      if (delta > 0 ? start > limit : start < limit) {
        return ctx.InvalidArgument(absl::StrCat(
            "requires start ", delta > 0 ? "<=" : ">=", " limit when delta ",
            delta > 0 ? "> 0" : "< 0", ": ", start, "/", limit));
      }
      double size_d;
      if constexpr (std::is_integral_v<T>) {
        size_d = static_cast<double>(RangeSize(start, limit, delta));
      } else {
        size_d = std::ceil(std::abs((double{limit} - start) / delta));
      }
      if (!(size_d <= static_cast<double>(kMaxTensorElements))) {
        return ctx.InvalidArgument(
            absl::StrCat("range of ", size_d, " elements is too large"));
      }
      const int64_t size = static_cast<int64_t>(size_d);
      ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, {size}));
      T* o = out->data<T>();
      if constexpr (std::is_integral_v<T>) {
        for (int64_t i = 0; i < size; ++i) {
          o[i] = static_cast<T>(start + i * int64_t{delta});
        }
      } else {
        T v = start;  // Accumulated like TF, so float results match it.
        for (int64_t i = 0; i < size; ++i, v += delta) o[i] = v;
      }
      return absl::OkStatus();
    } else {
      return ctx.InvalidArgument(absl::StrCat(
          "unsupported Tidx ", DataTypeString(DataTypeOf<T>::value)));
    }
  });
}

absl::Status WhereKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  return DispatchType(in.dtype(), [&]<typename T>() {
    const T* x = in.data<T>();
    const int64_t n = in.num_elements();
    int64_t count = 0;
    for (int64_t i = 0; i < n; ++i) count += x[i] != T(0);
    const int rank = in.rank();
    ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, {count, rank}));
    int64_t* o = out->data<int64_t>();
    DimVector idx(rank, 0);
    for (int64_t i = 0; i < n; ++i) {
      if (x[i] != T(0)) o = std::copy(idx.begin(), idx.end(), o);
      for (int j = rank - 1; j >= 0 && ++idx[j] == in.dim(j); --j) idx[j] = 0;
    }
    return absl::OkStatus();
  });
}

}  // namespace

absl::Status RegisterArrayKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("Reshape", ReshapeKernel));
  RETURN_IF_ERROR(r.Register("Shape", ShapeKernel));
  RETURN_IF_ERROR(r.Register("ShapeN", ShapeKernel));
  RETURN_IF_ERROR(r.Register("Size", SizeKernel));
  RETURN_IF_ERROR(r.Register("Rank", RankKernel));
  RETURN_IF_ERROR(r.Register("ExpandDims", ExpandDimsKernel));
  RETURN_IF_ERROR(r.Register("Squeeze", SqueezeKernel));
  RETURN_IF_ERROR(r.Register("Transpose", TransposeKernel));
  RETURN_IF_ERROR(r.Register("InvertPermutation", InvertPermutationKernel));
  RETURN_IF_ERROR(r.Register("Fill", FillKernel));
  RETURN_IF_ERROR(r.Register("ZerosLike", ZerosLikeKernel));
  RETURN_IF_ERROR(r.Register("OnesLike", OnesLikeKernel));
  RETURN_IF_ERROR(r.Register("OneHot", OneHotKernel));
  RETURN_IF_ERROR(r.Register("Range", RangeKernel));
  RETURN_IF_ERROR(r.Register("Where", WhereKernel));
  RETURN_IF_ERROR(r.Register("StopGradient", ForwardAllKernel));
  RETURN_IF_ERROR(r.Register("PreventGradient", ForwardAllKernel));
  RETURN_IF_ERROR(r.Register("IdentityN", ForwardAllKernel));
  return RegisterArrayReverseKernels(r);
}

}  // namespace graphflow
