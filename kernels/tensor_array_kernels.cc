// Kernels of ops/tensor_array_ops.cc, following TF 1.15's tensor_array.h:
// an element is written once (a gradient array sums repeated writes), read
// at most once when clear_after_read, and an unwritten element reads as
// zeros when its shape is known. Every TensorArrayV3 run makes a new array
// in the session's ResourceStore ("<tensor_array_name>_<n>"); its gradient
// arrays are "<name>@<source>".
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/resource_variable.h"

namespace graphflow {
namespace {

struct TensorArrayConfig {
  DataType dtype = DT_FLOAT;
  PartialShape element_shape;
  bool dynamic_size = false;
  bool clear_after_read = true;
  bool identical_element_shapes = false;
  bool aggregate = false;  // A gradient array: repeated writes are summed.
};

class TensorArray : public ResourceBase {
 public:
  TensorArray(std::string name, TensorArrayConfig config, int64_t size)
      : name_(std::move(name)), config_(std::move(config)), entries_(size) {}
  std::string TypeName() const override { return "tensor array"; }
  const std::string& name() const { return name_; }

  absl::Status Write(const KernelContext& ctx, int64_t index,
                     const Tensor& value) {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(CheckOpen(ctx));
    const int64_t size = static_cast<int64_t>(entries_.size());
    if (index < 0 || (!config_.dynamic_size && index >= size)) {
      return Error(ctx, absl::StrCat("Tried to write to index ", index,
                                     " but array is not resizeable and size "
                                     "is: ",
                                     size));
    }
    if (index >= size) entries_.resize(index + 1);
    if (value.dtype() != config_.dtype) {
      return ctx.InvalidArgument(absl::StrCat(
          "TensorArray dtype is ", DataTypeString(config_.dtype),
          " but Op is trying to write dtype ", DataTypeString(value.dtype())));
    }
    if (!config_.element_shape.IsCompatibleWith(value.shape())) {
      return Error(ctx,
                   absl::StrCat("Could not write to TensorArray index ", index,
                                " because the value shape is ",
                                value.shape().DebugString(),
                                " which is incompatible with the TensorArray's "
                                "inferred element shape: ",
                                config_.element_shape.DebugString(),
                                " (consider setting infer_shape=False)."));
    }
    if (config_.identical_element_shapes) config_.element_shape = value.shape();
    Entry& e = entries_[index];
    if (e.read) {
      return Error(ctx,
                   absl::StrCat("Could not write to TensorArray index ", index,
                                " because it has already been "
                                "read."));
    }
    if (e.written && !config_.aggregate) {
      return Error(ctx,
                   absl::StrCat("Could not write to TensorArray index ", index,
                                " because it has already been "
                                "written to."));
    }
    if (!e.written) {
      e.value = value;
      e.shape = value.shape();
      e.has_shape = e.written = true;
      return absl::OkStatus();
    }
    if (e.value.shape() != value.shape()) {
      return Error(
          ctx, absl::StrCat("Could not aggregate to TensorArray index ", index,
                            " because the existing shape is ",
                            e.value.shape().DebugString(),
                            " but the new input shape is ",
                            value.shape().DebugString(), "."));
    }
    // A new buffer: the earlier value may be shared with other tensors.
    ASSIGN_OR_RETURN(Tensor sum,
                     Tensor::Allocate(value.dtype(), value.shape()));
    RETURN_IF_ERROR(DispatchType<NumericTypes>(
        value.dtype(),
        [&]<typename T>() {
          for (int64_t i = 0; i < sum.num_elements(); ++i) {
            sum.data<T>()[i] =
                static_cast<T>(e.value.data<T>()[i] + value.data<T>()[i]);
          }
          return absl::OkStatus();
        },
        ctx.UnsupportedDtype()));
    e.value = std::move(sum);
    return absl::OkStatus();
  }

  absl::StatusOr<Tensor> Read(KernelContext& ctx, int64_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(CheckOpen(ctx));
    const int64_t size = static_cast<int64_t>(entries_.size());
    if (index < 0 || index >= size) {
      return Error(ctx, absl::StrCat("Tried to read from index ", index,
                                     " but array size is: ", size));
    }
    Entry& e = entries_[index];
    if (e.cleared) {
      return Error(
          ctx, absl::StrCat("Could not read index ", index,
                            " twice because it was cleared after a previous "
                            "read (perhaps try setting clear_after_read = "
                            "false?)."));
    }
    Tensor value;
    if (e.written) {
      value = e.value;
    } else {
      ASSIGN_OR_RETURN(value, Zeros(ctx, e, index));
    }
    e.read = true;
    if (config_.clear_after_read) {
      e.value = Tensor();
      e.cleared = true;
    }
    return value;
  }

  int64_t Size() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int64_t>(entries_.size());
  }

  // TF's TensorArraySplit: the array must have one element per length
  // unless it may grow.
  absl::Status CheckSplitSize(const KernelContext& ctx, int64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t size = static_cast<int64_t>(entries_.size());
    if (!config_.dynamic_size && size != n) {
      return ctx.InvalidArgument(absl::StrCat(
          "TensorArray's size is not equal to the size of lengths (", size,
          " vs. ", n,
          "), and the TensorArray is not marked as dynamically "
          "resizeable"));
    }
    return absl::OkStatus();
  }

  const TensorArrayConfig& config() const { return config_; }

  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    entries_.clear();
  }

  // A gradient array of this one: same size and element shape, and each
  // written element's shape, so unwritten gradients read as zeros (TF's
  // CopyShapesFrom).
  std::shared_ptr<TensorArray> MakeGrad(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    TensorArrayConfig config = config_;
    config.dynamic_size = false;
    config.clear_after_read = true;
    config.aggregate = true;
    auto grad = std::make_shared<TensorArray>(name, config, entries_.size());
    for (size_t i = 0; i < entries_.size(); ++i) {
      grad->entries_[i].shape = entries_[i].shape;
      grad->entries_[i].has_shape = entries_[i].has_shape;
    }
    return grad;
  }

 private:
  struct Entry {
    Tensor value;
    TensorShape shape;
    bool has_shape = false, written = false, read = false, cleared = false;
  };

  absl::Status Error(const KernelContext& ctx, absl::string_view message) {
    return ctx.InvalidArgument(
        absl::StrCat("TensorArray ", name_, ": ", message));
  }

  absl::Status CheckOpen(const KernelContext& ctx) {
    if (closed_) {
      return ctx.InvalidArgument(
          absl::StrCat("TensorArray ", name_, " has already been closed."));
    }
    return absl::OkStatus();
  }

  // Allocated as output 0 through the context's checked allocation (the
  // shape may come from a graph's attr); the caller's own output 0 replaces
  // it.
  absl::StatusOr<Tensor> Zeros(KernelContext& ctx, const Entry& e,
                               int64_t index) {
    if (!e.has_shape && !config_.element_shape.IsFullyDefined()) {
      return Error(
          ctx,
          absl::StrCat(
              "Could not read from TensorArray index ", index,
              ".  Furthermore, the element shape is not fully defined: ",
              config_.element_shape.DebugString(),
              ".  It is possible you are working with a resizeable "
              "TensorArray and stop_gradients is not allowing the gradients "
              "to be written.  If you set the full element_shape property "
              "on the forward TensorArray, the proper all-zeros tensor will "
              "be returned instead of incurring this error."));
    }
    TensorShape shape =
        e.has_shape ? e.shape : config_.element_shape.ToTensorShape();
    ASSIGN_OR_RETURN(Tensor * zeros,
                     ctx.AllocateOutput(0, config_.dtype, shape));
    if (zeros->num_elements() > 0) {
      std::memset(zeros->raw_data(), 0,
                  zeros->num_elements() * DataTypeSize(config_.dtype));
    }
    return *zeros;
  }

  const std::string name_;
  // Guards what follows (std::mutex: see ResourceStore).
  std::mutex mu_;
  TensorArrayConfig config_;
  std::vector<Entry> entries_;
  bool closed_ = false;
};

absl::StatusOr<std::shared_ptr<TensorArray>> GetArray(
    const KernelContext& ctx) {
  ASSIGN_OR_RETURN(std::string name, HandleName(ctx, 0));
  auto array = ctx.resources().Lookup<TensorArray>(name);
  if (!array.ok()) {
    return ctx.Error(array.status().code(), array.status().message());
  }
  return *array;
}

absl::Status SetHandle(KernelContext& ctx, const std::string& name) {
  ASSIGN_OR_RETURN(Tensor * out,
                   ctx.AllocateOutput(0, DT_RESOURCE, TensorShape{}));
  out->data<std::string>()[0] = name;
  return absl::OkStatus();
}

// The flow output: TF's is a float scalar that only orders the ops.
absl::Status SetFlow(KernelContext& ctx, int i) {
  ASSIGN_OR_RETURN(Tensor * flow, ctx.AllocateOutput(i, TensorShape{}));
  *flow->data<float>() = 0;
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ScalarIndex(const KernelContext& ctx, int i) {
  const Tensor& t = ctx.input(i);
  if (t.dtype() != DT_INT32 || t.num_elements() != 1) {
    return ctx.InvalidArgument(
        absl::StrCat("input ", i, " must be an int32 scalar, got shape ",
                     t.shape().DebugString()));
  }
  return t.data<int32_t>()[0];
}

absl::Status CheckCopyable(const KernelContext& ctx, DataType dtype) {
  if (dtype == DT_STRING || dtype == DT_RESOURCE) {
    return ctx.InvalidArgument(absl::StrCat(
        "tensor arrays of ", DataTypeString(dtype), " are not supported"));
  }
  return absl::OkStatus();
}

absl::Status TensorArrayKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(int64_t size, ScalarIndex(ctx, 0));
  if (size < 0) {
    return ctx.InvalidArgument(absl::StrCat("Size should be >= 0, got ", size));
  }
  TensorArrayConfig config;
  std::string name;
  RETURN_IF_ERROR(ctx.GetAttr("dtype", &config.dtype));
  RETURN_IF_ERROR(CheckCopyable(ctx, config.dtype));
  RETURN_IF_ERROR(ctx.GetAttr("element_shape", &config.element_shape));
  RETURN_IF_ERROR(ctx.GetAttr("dynamic_size", &config.dynamic_size));
  RETURN_IF_ERROR(ctx.GetAttr("clear_after_read", &config.clear_after_read));
  RETURN_IF_ERROR(ctx.GetAttr("identical_element_shapes",
                              &config.identical_element_shapes));
  RETURN_IF_ERROR(ctx.GetAttr("tensor_array_name", &name));
  name = ctx.resources().UniqueName(name);
  RETURN_IF_ERROR(ctx.resources().Create(
      name, std::make_shared<TensorArray>(name, config, size)));
  RETURN_IF_ERROR(SetHandle(ctx, name));
  return SetFlow(ctx, 1);
}

absl::Status TensorArrayGradKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto forward, GetArray(ctx));
  std::string source;
  RETURN_IF_ERROR(ctx.GetAttr("source", &source));
  const std::string name = absl::StrCat(forward->name(), "@", source);
  auto grad = ctx.resources().LookupOrCreate<TensorArray>(
      name, [&]() -> absl::StatusOr<std::shared_ptr<TensorArray>> {
        return forward->MakeGrad(name);
      });
  if (!grad.ok())
    return ctx.Error(grad.status().code(), grad.status().message());
  RETURN_IF_ERROR(SetHandle(ctx, name));
  return SetFlow(ctx, 1);
}

absl::Status WriteKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto array, GetArray(ctx));
  ASSIGN_OR_RETURN(int64_t index, ScalarIndex(ctx, 1));
  RETURN_IF_ERROR(array->Write(ctx, index, ctx.input(2)));
  return SetFlow(ctx, 0);
}

absl::Status ReadKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto array, GetArray(ctx));
  ASSIGN_OR_RETURN(int64_t index, ScalarIndex(ctx, 1));
  ASSIGN_OR_RETURN(Tensor value, array->Read(ctx, index));
  DataType dtype;
  RETURN_IF_ERROR(ctx.GetAttr("dtype", &dtype));
  if (value.dtype() != dtype) {
    return ctx.InvalidArgument(
        absl::StrCat("TensorArray dtype is ", DataTypeString(value.dtype()),
                     " but Op requested dtype ", DataTypeString(dtype), "."));
  }
  ctx.SetOutput(0, std::move(value));
  return absl::OkStatus();
}

// Stacks `values` (all of one shape) along a new first dimension, or
// concatenates them along dim 0 when `concat`; output 0.
absl::Status Join(KernelContext& ctx, const std::vector<Tensor>& values,
                  const PartialShape& empty_shape, DataType dtype,
                  bool concat) {
  TensorShape out_shape;
  if (values.empty()) {
    if (!empty_shape.IsFullyDefined()) {
      return ctx.InvalidArgument(absl::StrCat(
          "TensorArray has size zero, but element shape ",
          empty_shape.DebugString(),
          " is not fully defined. Currently only static shapes are supported "
          "when packing zero-size TensorArrays."));
    }
    out_shape = empty_shape.ToTensorShape();
    out_shape.InsertDim(0, 0);
    return ctx.AllocateOutput(0, dtype, out_shape).status();
  }
  const TensorShape& first = values[0].shape();
  int64_t rows = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const TensorShape& shape = values[i].shape();
    bool same = shape == first;
    if (concat) {
      if (shape.dims() == 0) {
        return ctx.InvalidArgument(
            absl::StrCat("Concat saw a scalar shape at index ", i,
                         " but requires at least vectors."));
      }
      TensorShape a = shape, b = first;
      a.RemoveDim(0);
      b.RemoveDim(0);
      same = a == b;
      rows += shape.dim_size(0);
    }
    if (!same) {
      return ctx.InvalidArgument(absl::StrCat(
          "TensorArray has inconsistent shapes. Index 0 has shape: ",
          first.DebugString(), " but index ", i,
          " has shape: ", shape.DebugString()));
    }
  }
  out_shape = first;
  if (concat) {
    out_shape.set_dim(0, rows);
  } else {
    out_shape.InsertDim(0, static_cast<int64_t>(values.size()));
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, dtype, out_shape));
  char* dst = static_cast<char*>(out->raw_data());
  for (const Tensor& v : values) {
    const size_t bytes = v.num_elements() * DataTypeSize(dtype);
    if (bytes > 0) std::memcpy(dst, v.raw_data(), bytes);
    dst += bytes;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> Int32Vector(const KernelContext& ctx,
                                                 int i) {
  const Tensor& t = ctx.input(i);
  if (t.rank() != 1 || t.dtype() != DT_INT32) {
    return ctx.InvalidArgument(
        absl::StrCat("indices must be an int32 vector, got shape ",
                     t.shape().DebugString()));
  }
  return std::vector<int64_t>(t.data<int32_t>(),
                              t.data<int32_t>() + t.num_elements());
}

absl::Status GatherKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto array, GetArray(ctx));
  ASSIGN_OR_RETURN(std::vector<int64_t> indices, Int32Vector(ctx, 1));
  std::vector<Tensor> values;
  for (int64_t index : indices) {
    ASSIGN_OR_RETURN(Tensor v, array->Read(ctx, index));
    values.push_back(std::move(v));
  }
  PartialShape element;
  RETURN_IF_ERROR(ctx.GetAttr("element_shape", &element));
  if (element.unknown_rank()) element = array->config().element_shape;
  return Join(ctx, values, element, array->config().dtype, /*concat=*/false);
}

absl::Status ConcatKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto array, GetArray(ctx));
  const int64_t size = array->Size();
  std::vector<Tensor> values;
  ASSIGN_OR_RETURN(Tensor * lengths,
                   ctx.AllocateOutput(1, DT_INT64, TensorShape{size}));
  for (int64_t i = 0; i < size; ++i) {
    ASSIGN_OR_RETURN(Tensor v, array->Read(ctx, i));
    lengths->data<int64_t>()[i] = v.rank() > 0 ? v.dim(0) : 0;
    values.push_back(std::move(v));
  }
  PartialShape except0;
  RETURN_IF_ERROR(ctx.GetAttr("element_shape_except0", &except0));
  return Join(ctx, values, except0, array->config().dtype, /*concat=*/true);
}

// Writes rows [begin[k], begin[k] + count[k]) of `value` to index[k] (one
// row without its leading dimension when `squeeze`).
absl::Status WriteRows(KernelContext& ctx, TensorArray& array,
                       const Tensor& value, const std::vector<int64_t>& index,
                       const std::vector<int64_t>& begin,
                       const std::vector<int64_t>& count, bool squeeze) {
  RETURN_IF_ERROR(CheckCopyable(ctx, value.dtype()));
  const int64_t n = value.dim(0);
  const int64_t row_bytes =
      n == 0 ? 0 : value.num_elements() / n * DataTypeSize(value.dtype());
  for (size_t k = 0; k < index.size(); ++k) {
    TensorShape shape = value.shape();
    if (squeeze) {
      shape.RemoveDim(0);
    } else {
      shape.set_dim(0, count[k]);
    }
    ASSIGN_OR_RETURN(Tensor part, Tensor::Allocate(value.dtype(), shape));
    if (count[k] * row_bytes > 0) {
      std::memcpy(
          part.raw_data(),
          static_cast<const char*>(value.raw_data()) + begin[k] * row_bytes,
          count[k] * row_bytes);
    }
    RETURN_IF_ERROR(array.Write(ctx, index[k], part));
  }
  return absl::OkStatus();
}

absl::Status ScatterKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto array, GetArray(ctx));
  ASSIGN_OR_RETURN(std::vector<int64_t> indices, Int32Vector(ctx, 1));
  const Tensor& value = ctx.input(2);
  const int64_t n = static_cast<int64_t>(indices.size());
  if (value.rank() < 1 || value.dim(0) != n) {
    return ctx.InvalidArgument(
        absl::StrCat("Expected len(indices) == values.shape[0], but saw: ", n,
                     " vs. ", value.rank() < 1 ? 0 : value.dim(0)));
  }
  std::vector<int64_t> begin(n), count(n, 1);
  for (int64_t k = 0; k < n; ++k) begin[k] = k;
  RETURN_IF_ERROR(WriteRows(ctx, *array, value, indices, begin, count, true));
  return SetFlow(ctx, 0);
}

absl::Status SplitKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto array, GetArray(ctx));
  const Tensor& value = ctx.input(1);
  const Tensor& lengths = ctx.input(2);
  if (value.rank() < 1) {
    return ctx.InvalidArgument(absl::StrCat(
        "Expected value to be at least a vector, but received shape: ",
        value.shape().DebugString()));
  }
  if (lengths.rank() != 1) {
    return ctx.InvalidArgument(
        absl::StrCat("Expected lengths to be a vector, received shape: ",
                     lengths.shape().DebugString()));
  }
  const int64_t n = lengths.num_elements();
  std::vector<int64_t> index(n), begin(n), count(n);
  int64_t total = 0;
  for (int64_t k = 0; k < n; ++k) {
    count[k] = lengths.data<int64_t>()[k];
    if (count[k] < 0) {
      return ctx.InvalidArgument(
          absl::StrCat("lengths[", k, "] = ", count[k], " is negative"));
    }
    index[k] = k;
    begin[k] = total;
    total += count[k];
  }
  if (total != value.dim(0)) {
    return ctx.InvalidArgument(absl::StrCat(
        "Expected sum of lengths to be equal to values.shape[0], but sum of "
        "lengths is: ",
        total, " and value's shape is: ", value.shape().DebugString()));
  }
  RETURN_IF_ERROR(array->CheckSplitSize(ctx, n));
  RETURN_IF_ERROR(WriteRows(ctx, *array, value, index, begin, count, false));
  return SetFlow(ctx, 0);
}

absl::Status SizeKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto array, GetArray(ctx));
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape{}));
  *out->data<int32_t>() = static_cast<int32_t>(array->Size());
  return absl::OkStatus();
}

absl::Status CloseKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto array, GetArray(ctx));
  array->Close();
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterTensorArrayKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("TensorArrayV3", TensorArrayKernel));
  RETURN_IF_ERROR(r.Register("TensorArrayGradV3", TensorArrayGradKernel));
  RETURN_IF_ERROR(r.Register("TensorArrayWriteV3", WriteKernel));
  RETURN_IF_ERROR(r.Register("TensorArrayReadV3", ReadKernel));
  RETURN_IF_ERROR(r.Register("TensorArrayGatherV3", GatherKernel));
  RETURN_IF_ERROR(r.Register("TensorArrayScatterV3", ScatterKernel));
  RETURN_IF_ERROR(r.Register("TensorArrayConcatV3", ConcatKernel));
  RETURN_IF_ERROR(r.Register("TensorArraySplitV3", SplitKernel));
  RETURN_IF_ERROR(r.Register("TensorArraySizeV3", SizeKernel));
  RETURN_IF_ERROR(r.Register("TensorArrayCloseV3", CloseKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
