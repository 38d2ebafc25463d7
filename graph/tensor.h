// Tensor: a dtype, a concrete shape and a reference-counted, 64-byte-aligned
// buffer. Copying a Tensor shares the buffer (like TF); Clone() deep-copies.
#ifndef GRAPHFLOW_GRAPH_TENSOR_H_
#define GRAPHFLOW_GRAPH_TENSOR_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/tensor_shape.h"
#include "graph/types.h"

namespace graphflow {

class Tensor {
 public:
  Tensor() = default;  // An empty float scalar-less placeholder; !valid().
  // Allocates (uninitialized contents). `shape` must already be validated
  // (TensorShape::Make); for user-controlled sizes use Allocate().
  Tensor(DataType dtype, const TensorShape& shape);

  // Allocates with checks: supported dtype, size limit, allocation failure.
  static absl::StatusOr<Tensor> Allocate(DataType dtype,
                                         const TensorShape& shape);

  template <typename T>
  static Tensor Scalar(T value) {
    Tensor t(DataTypeOf<T>::value, TensorShape{});
    *t.data<T>() = value;
    return t;
  }
  template <typename T>
  static Tensor FromVector(absl::Span<const T> values,
                           const TensorShape& shape) {
    Tensor t(DataTypeOf<T>::value, shape);
    std::copy(values.begin(), values.end(), t.data<T>());
    return t;
  }
  template <typename T>
  static Tensor FromVector(std::initializer_list<T> values,
                           const TensorShape& shape) {
    return FromVector<T>(absl::Span<const T>(values.begin(), values.size()),
                         shape);
  }
  template <typename T>
  static Tensor Vector(std::initializer_list<T> values) {
    return FromVector<T>(values, {static_cast<int64_t>(values.size())});
  }

  bool valid() const { return dtype_ != DT_INVALID; }
  DataType dtype() const { return dtype_; }
  const TensorShape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  int64_t dim(int i) const { return shape_.dim(i); }
  int64_t num_elements() const { return num_elements_; }
  size_t total_bytes() const;

  template <typename T>
  T* data() {
    return reinterpret_cast<T*>(data_);
  }
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(data_);
  }
  template <typename T>
  absl::Span<T> flat() {
    return absl::Span<T>(data<T>(), num_elements_);
  }
  template <typename T>
  absl::Span<const T> flat() const {
    return absl::Span<const T>(data<T>(), num_elements_);
  }
  void* raw_data() { return data_; }
  const void* raw_data() const { return data_; }

  // Same buffer, new shape with the same element count.
  absl::StatusOr<Tensor> Reshaped(const TensorShape& shape) const;
  Tensor Clone() const;
  void FillZero();
  // True when no other Tensor shares this buffer (safe to update in place).
  bool RefCountIsOne() const;
  bool SharesBufferWith(const Tensor& o) const {
    return buffer_ && buffer_ == o.buffer_;
  }

  // Element i as double (for printing and tests).
  double ValueAsDouble(int64_t i) const;
  // "float [2,3] [[1 2 3] [4 5 6]]", eliding after `max_values` entries.
  std::string DebugString(int max_values = 12) const;
  std::string SummarizeValues(int max_values = 12) const;

 private:
  DataType dtype_ = DT_INVALID;
  TensorShape shape_;
  int64_t num_elements_ = 0;
  std::shared_ptr<void> buffer_;
  void* data_ = nullptr;
};

// Element-wise equality of dtype, shape and values (bitwise for floats).
bool TensorsEqual(const Tensor& a, const Tensor& b);

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_TENSOR_H_
