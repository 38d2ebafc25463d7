#include "graph/strided_slice.h"

#include <algorithm>
#include <bit>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"

namespace graphflow::strided_slice {

absl::StatusOr<Masks> MasksOf(const Node& node) {
  Masks m;
  RETURN_IF_ERROR(node.GetAttr("begin_mask", &m.begin));
  RETURN_IF_ERROR(node.GetAttr("end_mask", &m.end));
  RETURN_IF_ERROR(node.GetAttr("ellipsis_mask", &m.ellipsis));
  RETURN_IF_ERROR(node.GetAttr("new_axis_mask", &m.new_axis));
  RETURN_IF_ERROR(node.GetAttr("shrink_axis_mask", &m.shrink_axis));
  return m;
}

absl::StatusOr<Spec> Compute(absl::Span<const int64_t> input_dims,
                             absl::Span<const int64_t> begin,
                             absl::Span<const int64_t> end,
                             absl::Span<const int64_t> strides,
                             const Masks& m) {
  constexpr int64_t kNewAxis = -1, kShrinkAxis = -2;
  if (begin.size() != end.size() || begin.size() != strides.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("begin, end and strides must have the same length, got ",
                     begin.size(), ", ", end.size(), " and ", strides.size()));
  }
  int sparse_dims = static_cast<int>(begin.size());
  if (sparse_dims > 60) {
    return absl::InvalidArgumentError("too many slice dimensions");
  }
  if (std::popcount(static_cast<uint64_t>(m.ellipsis)) > 1) {
    return absl::InvalidArgumentError(
        "multiple ellipses in slice spec not allowed");
  }
  auto bit = [](int64_t mask, int i) { return ((mask >> i) & 1) != 0; };
  int64_t ellipsis = m.ellipsis & ((int64_t{1} << sparse_dims) - 1);
  if (ellipsis == 0) {  // An implicit ellipsis at the end.
    ellipsis = int64_t{1} << sparse_dims;
    ++sparse_dims;
  }
  int num_add_axis_after_ellipsis = 0;
  bool seen = false;
  for (int i = 0; i < sparse_dims; ++i) {
    if (seen && bit(m.new_axis, i) && !bit(ellipsis, i)) {
      ++num_add_axis_after_ellipsis;
    }
    seen |= bit(ellipsis, i);
  }

  // Dense spec: one entry per input dim.
  const int n = static_cast<int>(input_dims.size());
  DimVector d_begin(n, 0), d_end(n, 0), d_stride(n, 1);
  std::vector<bool> d_begin_mask(n), d_end_mask(n), d_shrink(n);
  std::vector<int64_t> gather;  // Final dims: input dim, kNewAxis, kShrinkAxis.
  int full = 0;
  for (int i = 0; i < sparse_dims; ++i) {
    if (bit(ellipsis, i)) {
      int next =
          std::min(n - (sparse_dims - i) + 1 + num_add_axis_after_ellipsis, n);
      for (; full < next; ++full) {
        d_begin_mask[full] = d_end_mask[full] = true;
        gather.push_back(full);
      }
    } else if (bit(m.new_axis, i)) {
      gather.push_back(kNewAxis);
    } else {
      if (full >= n) {
        return absl::InvalidArgumentError(
            absl::StrCat("index out of range using input dim ", full,
                         "; input has only ", n, " dims"));
      }
      d_begin[full] = begin[i];
      d_end[full] = end[i];
      d_stride[full] = strides[i];
      d_begin_mask[full] = bit(m.begin, i);
      d_end_mask[full] = bit(m.end, i);
      d_shrink[full] = bit(m.shrink_axis, i);
      gather.push_back(d_shrink[full] ? kShrinkAxis : full);
      ++full;
    }
  }

  Spec spec;
  for (int i = 0; i < n; ++i) {
    int64_t dim = input_dims[i], stride = d_stride[i];
    if (stride == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("strides[", i, "] must be non-zero"));
    }
    if (d_shrink[i] && stride <= 0) {
      return absl::InvalidArgumentError(
          "only stride 1 allowed on non-range indexing");
    }
    int64_t b = 0, e = 0, size = -1;
    if (d_shrink[i]) {
      b = d_begin[i] < 0 && dim >= 0 ? dim + d_begin[i] : d_begin[i];
      if (dim >= 0 && (b < 0 || b >= dim)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "slice index ", d_begin[i], " of dimension ", i, " out of bounds"));
      }
      size = 1;
    } else if (dim >= 0) {
      const int64_t lo = stride > 0 ? 0 : -1, hi = stride > 0 ? dim : dim - 1;
      auto canonical = [&](int64_t x, bool masked, bool is_end) -> int64_t {
        if (masked) return (stride > 0) == is_end ? hi : lo;
        int64_t fwd = x < 0 ? dim + x : x;
        return fwd < lo ? lo : std::min(fwd, hi);
      };
      b = canonical(d_begin[i], d_begin_mask[i], false);
      e = canonical(d_end[i], d_end_mask[i], true);
      int64_t len = e - b;
      if (len == 0 || ((len < 0) != (stride < 0))) {
        size = 0;
      } else {
        size = len / stride + (len % stride != 0 ? 1 : 0);
      }
    }
    spec.begin.push_back(b);
    spec.strides.push_back(stride);
    spec.processing_dims.push_back(size);
  }
  for (int64_t g : gather) {
    if (g >= 0) {
      spec.final_dims.push_back(spec.processing_dims[g]);
    } else if (g == kNewAxis) {
      spec.final_dims.push_back(1);
    }
  }
  return spec;
}

}  // namespace graphflow::strided_slice
