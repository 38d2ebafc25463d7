#include "graph/tensor_shape.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace graphflow {

int64_t SaturatedElementCount(absl::Span<const int64_t> dims) {
  constexpr int64_t kTooMany = kMaxTensorElements + 1;
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d == 0) return 0;
    n = (d < 0 || n > kTooMany / d) ? kTooMany : std::min(n * d, kTooMany);
  }
  return n;
}

absl::StatusOr<TensorShape> TensorShape::Make(absl::Span<const int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "shape [", absl::StrJoin(dims, ","), "] has a negative dimension"));
    }
    if (d > 0 && n > kMaxTensorElements / d) {
      return absl::InvalidArgumentError(
          absl::StrCat("shape [", absl::StrJoin(dims, ","), "] has more than ",
                       kMaxTensorElements, " elements"));
    }
    n *= d;
  }
  return TensorShape(dims);
}

int64_t TensorShape::num_elements() const {
  return SaturatedElementCount(dims_);
}

std::string TensorShape::DebugString() const {
  return absl::StrCat("[", absl::StrJoin(dims_, ","), "]");
}

PartialShape PartialShape::UnknownOfRank(int rank) {
  PartialShape s;
  s.known_rank_ = true;
  s.dims_.assign(rank, -1);
  return s;
}

bool PartialShape::IsFullyDefined() const {
  if (!known_rank_) return false;
  for (int64_t d : dims_) {
    if (d < 0) return false;
  }
  return true;
}

int64_t PartialShape::num_elements() const {
  if (!IsFullyDefined()) return -1;
  return SaturatedElementCount(dims_);
}

bool PartialShape::IsCompatibleWith(const TensorShape& s) const {
  return IsCompatibleWith(PartialShape(s));
}

bool PartialShape::IsCompatibleWith(const PartialShape& s) const {
  if (!known_rank_ || !s.known_rank_) return true;
  if (dims_.size() != s.dims_.size()) return false;
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (dims_[i] >= 0 && s.dims_[i] >= 0 && dims_[i] != s.dims_[i]) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<PartialShape> PartialShape::Merge(
    const PartialShape& other) const {
  if (!IsCompatibleWith(other)) {
    return absl::InvalidArgumentError(absl::StrCat("shapes ", DebugString(),
                                                   " and ", other.DebugString(),
                                                   " are incompatible"));
  }
  if (!known_rank_) return other;
  if (!other.known_rank_) return *this;
  PartialShape out = *this;
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (out.dims_[i] < 0) out.dims_[i] = other.dims_[i];
  }
  return out;
}

std::string PartialShape::DebugString() const {
  if (!known_rank_) return "<unknown>";
  return absl::StrCat("[",
                      absl::StrJoin(dims_, ",",
                                    [](std::string* out, int64_t d) {
                                      absl::StrAppend(
                                          out, d < 0 ? "?" : absl::StrCat(d));
                                    }),
                      "]");
}

}  // namespace graphflow
