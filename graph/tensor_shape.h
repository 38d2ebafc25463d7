// Shapes. TensorShape is the concrete shape of a runtime tensor; PartialShape
// is a graph-time shape where the rank or any dimension may be unknown (-1,
// like the batch dimension of a placeholder).
#ifndef GRAPHFLOW_GRAPH_TENSOR_SHAPE_H_
#define GRAPHFLOW_GRAPH_TENSOR_SHAPE_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace graphflow {

using DimVector = absl::InlinedVector<int64_t, 6>;

// Largest element count a tensor may have (2^34, i.e. 64 GiB of float): a
// file claiming more is rejected instead of attempting the allocation.
inline constexpr int64_t kMaxTensorElements = int64_t{1} << 34;

// The product of dims, saturating at kMaxTensorElements + 1 (more than any
// tensor may hold): shapes read from hostile files must not overflow.
int64_t SaturatedElementCount(absl::Span<const int64_t> dims);

class TensorShape {
 public:
  TensorShape() = default;
  TensorShape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit TensorShape(absl::Span<const int64_t> dims)
      : dims_(dims.begin(), dims.end()) {}

  // Validates dims (each >= 0, product <= kMaxTensorElements).
  static absl::StatusOr<TensorShape> Make(absl::Span<const int64_t> dims);

  int rank() const { return static_cast<int>(dims_.size()); }
  int dims() const { return rank(); }
  int64_t dim(int i) const { return dims_[i]; }
  int64_t dim_size(int i) const { return dims_[i]; }
  absl::Span<const int64_t> dim_sizes() const { return dims_; }
  int64_t num_elements() const;

  void set_dim(int i, int64_t size) { dims_[i] = size; }
  void AddDim(int64_t size) { dims_.push_back(size); }
  void InsertDim(int i, int64_t size) { dims_.insert(dims_.begin() + i, size); }
  void RemoveDim(int i) { dims_.erase(dims_.begin() + i); }

  bool operator==(const TensorShape& o) const { return dims_ == o.dims_; }
  bool operator!=(const TensorShape& o) const { return !(*this == o); }
  std::string DebugString() const;  // "[2,3]"

 private:
  DimVector dims_;
};

class PartialShape {
 public:
  // Unknown rank.
  PartialShape() = default;
  PartialShape(std::initializer_list<int64_t> dims)
      : known_rank_(true), dims_(dims) {}
  explicit PartialShape(absl::Span<const int64_t> dims)
      : known_rank_(true), dims_(dims.begin(), dims.end()) {}
  PartialShape(const TensorShape& s)  // NOLINT: a concrete shape is partial.
      : known_rank_(true), dims_(s.dim_sizes().begin(), s.dim_sizes().end()) {}

  static PartialShape Unknown() { return PartialShape(); }
  static PartialShape UnknownOfRank(int rank);

  bool unknown_rank() const { return !known_rank_; }
  bool known_rank() const { return known_rank_; }
  int rank() const { return known_rank_ ? static_cast<int>(dims_.size()) : -1; }
  int64_t dim(int i) const { return dims_[i]; }
  absl::Span<const int64_t> dims() const { return dims_; }
  bool IsFullyDefined() const;
  // Product of dims (saturated, see SaturatedElementCount), or -1 when any
  // is unknown.
  int64_t num_elements() const;

  void set_dim(int i, int64_t size) { dims_[i] = size; }
  void AddDim(int64_t size) { dims_.push_back(size); }

  // The concrete shape; only valid when IsFullyDefined().
  TensorShape ToTensorShape() const { return TensorShape(dims_); }
  // True when a tensor of shape `s` may flow where this shape is declared.
  bool IsCompatibleWith(const TensorShape& s) const;
  bool IsCompatibleWith(const PartialShape& s) const;
  // The most specific shape compatible with both, or InvalidArgument.
  absl::StatusOr<PartialShape> Merge(const PartialShape& other) const;

  bool operator==(const PartialShape& o) const {
    return known_rank_ == o.known_rank_ && dims_ == o.dims_;
  }
  bool operator!=(const PartialShape& o) const { return !(*this == o); }
  std::string DebugString() const;  // "[?,28,28,1]" or "<unknown>"

 private:
  bool known_rank_ = false;
  DimVector dims_;
};

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_TENSOR_SHAPE_H_
