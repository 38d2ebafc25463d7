#include "graph/tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "graph/buffer_cache.h"

namespace graphflow {
namespace {

// String and resource tensors hold std::string elements (a resource element
// is the name of the resource in the session's store).
bool HoldsStrings(DataType t) { return t == DT_STRING || t == DT_RESOURCE; }

}  // namespace

Tensor::Tensor(DataType dtype, const TensorShape& shape)
    : dtype_(BaseType(dtype)),
      shape_(shape),
      num_elements_(shape.num_elements()) {
  if (HoldsStrings(dtype_)) {
    auto* strings =
        new (std::nothrow) std::string[std::max<int64_t>(num_elements_, 1)];
    if (strings != nullptr) {
      buffer_ = std::shared_ptr<void>(
          strings, [](void* p) { delete[] static_cast<std::string*>(p); });
    }
  } else {
    buffer_ = AllocateCachedBuffer(total_bytes());
  }
  data_ = buffer_.get();
}

absl::StatusOr<Tensor> Tensor::Allocate(DataType dtype,
                                        const TensorShape& shape) {
  if (!IsSupportedType(dtype)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot allocate a tensor of dtype ", DataTypeString(dtype)));
  }
  auto checked = TensorShape::Make(shape.dim_sizes());
  if (!checked.ok()) return checked.status();
  Tensor t(dtype, shape);
  if (t.data_ == nullptr) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "out of memory allocating ", t.total_bytes(), " bytes for a ",
        DataTypeString(dtype), " tensor of shape ", shape.DebugString()));
  }
  return t;
}

size_t Tensor::total_bytes() const {
  return static_cast<size_t>(num_elements_) * DataTypeSize(dtype_);
}

absl::StatusOr<Tensor> Tensor::Reshaped(const TensorShape& shape) const {
  if (shape.num_elements() != num_elements_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot reshape a tensor with ", num_elements_, " elements to shape ",
        shape.DebugString(), " (", shape.num_elements(), " elements)"));
  }
  Tensor t = *this;
  t.shape_ = shape;
  return t;
}

bool Tensor::RefCountIsOne() const {
  if (buffer_.use_count() != 1) return false;
  // use_count() is a relaxed load: it does not order this thread after the
  // last other owner's reads, so an in-place write could race with them. An
  // acq_rel increment of the count does (and ThreadSanitizer can see it).
  std::shared_ptr<void> order_after_released_owners = buffer_;
  return true;
}

Tensor Tensor::Clone() const {
  if (!valid()) return Tensor();
  Tensor t(dtype_, shape_);
  if (HoldsStrings(dtype_)) {
    std::copy_n(data<std::string>(), num_elements_, t.data<std::string>());
  } else if (total_bytes() > 0) {
    std::memcpy(t.data_, data_, total_bytes());
  }
  return t;
}

void Tensor::FillZero() {
  if (HoldsStrings(dtype_)) {
    std::fill_n(data<std::string>(), num_elements_, std::string());
  } else if (total_bytes() > 0) {
    std::memset(data_, 0, total_bytes());
  }
}

double Tensor::ValueAsDouble(int64_t i) const {
  double v = 0;
  DispatchType(dtype_, [&]<typename T>() {
    v = static_cast<double>(data<T>()[i]);
    return absl::OkStatus();
  }).IgnoreError();
  return v;
}

std::string Tensor::SummarizeValues(int max_values) const {
  std::string out;
  int64_t n = num_elements_;
  int64_t shown = std::min<int64_t>(n, max_values);
  for (int64_t i = 0; i < shown; ++i) {
    if (i > 0) out += " ";
    if (HoldsStrings(dtype_)) {
      absl::StrAppend(&out, "\"", absl::CEscape(data<std::string>()[i]), "\"");
    } else if (dtype_ == DT_BOOL) {
      out += data<bool>()[i] ? "True" : "False";
    } else {
      absl::StrAppend(&out, ValueAsDouble(i));
    }
  }
  if (shown < n) out += "...";
  return out;
}

std::string Tensor::DebugString(int max_values) const {
  if (!valid()) return "<invalid tensor>";
  return absl::StrCat(DataTypeString(dtype_), " ", shape_.DebugString(), " [",
                      SummarizeValues(max_values), "]");
}

bool TensorsEqual(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  if (HoldsStrings(a.dtype())) {
    return std::equal(a.data<std::string>(),
                      a.data<std::string>() + a.num_elements(),
                      b.data<std::string>());
  }
  if (a.total_bytes() == 0) return true;
  if (a.dtype() == DT_BOOL) {
    for (int64_t i = 0; i < a.num_elements(); ++i) {
      if (a.data<bool>()[i] != b.data<bool>()[i]) return false;
    }
    return true;
  }
  return std::memcmp(a.raw_data(), b.raw_data(), a.total_bytes()) == 0;
}

}  // namespace graphflow
