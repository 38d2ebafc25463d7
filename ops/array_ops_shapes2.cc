// Shape functions of the array ops that build or rearrange tensors: Fill,
// OneHot, Tile, Transpose, DynamicStitch, IdentityN, Range, Where.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/array_ops_internal.h"

namespace graphflow::array_internal {

absl::Status FillShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(0, 1).status());
  if (c.input_shape(1).known_rank() && c.input_shape(1).rank() != 0) {
    return c.Error(absl::StrCat("value must be a scalar, got shape ",
                                c.input_shape(1).DebugString()));
  }
  PartialValue dims = InputValue(c, 0);
  if (!dims.known) return absl::OkStatus();
  std::vector<int64_t> out;
  for (int64_t d : dims.values) {
    if (d != kUnknownValue && d < 0) {
      return c.Error(absl::StrCat("dims must be >= 0, got ", d));
    }
    out.push_back(d == kUnknownValue ? -1 : d);
  }
  c.set_output(0, PartialShape(out));
  return absl::OkStatus();
}

absl::Status OneHotShape(InferenceContext& c) {
  int64_t axis = -1;
  RETURN_IF_ERROR(c.GetAttr("axis", &axis));
  if (axis < -1) return c.Error(absl::StrCat("axis must be >= -1, got ", axis));
  for (int i = 1; i <= 3; ++i) {
    const PartialShape& s = c.input_shape(i);
    if (s.known_rank() && s.rank() != 0) {
      return c.Error(absl::StrCat(i == 1   ? "depth"
                                  : i == 2 ? "on_value"
                                           : "off_value",
                                  " must be a scalar, got shape ",
                                  s.DebugString()));
    }
  }
  PartialValue depth = InputValue(c, 1);
  int64_t d = depth.known ? depth.values[0] : kUnknownValue;
  if (d != kUnknownValue && d < 0) {
    return c.Error(absl::StrCat("depth must be non-negative, got ", d));
  }
  const PartialShape& in = c.input_shape(0);
  if (in.unknown_rank()) return absl::OkStatus();
  if (axis > in.rank()) {
    return c.Error(absl::StrCat("axis ", axis,
                                " is out of range for indices "
                                "of shape ",
                                in.DebugString()));
  }
  std::vector<int64_t> dims(in.dims().begin(), in.dims().end());
  dims.insert(axis == -1 ? dims.end() : dims.begin() + axis,
              d == kUnknownValue ? -1 : d);
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status TileShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  const PartialShape& in = c.input_shape(0);
  PartialValue multiples = InputValue(c, 1);
  if (!multiples.known) {
    if (in.known_rank()) {
      c.set_output(0, PartialShape::UnknownOfRank(in.rank()));
    }
    return absl::OkStatus();
  }
  const int rank = static_cast<int>(multiples.values.size());
  if (in.known_rank() && in.rank() != rank) {
    return c.Error(
        absl::StrCat("multiples must have one entry per input "
                     "dimension: input has shape ",
                     in.DebugString(), ", multiples has ", rank));
  }
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) {
    int64_t m = multiples.values[i];
    int64_t d = in.known_rank() ? in.dim(i) : -1;
    if (m != kUnknownValue && m < 0) {
      return c.Error(
          absl::StrCat("multiples[", i, "] = ", m, " must be non-negative"));
    }
    if (m != kUnknownValue && d > 0 && m > kMaxTensorElements / d) {
      return c.Error(
          absl::StrCat("multiples[", i, "] = ", m, " gives too many elements"));
    }
    dims.push_back(m == 0 ? 0 : (m == kUnknownValue || d < 0) ? -1 : d * m);
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status TransposeShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  const PartialShape& in = c.input_shape(0);
  PartialValue perm = InputValue(c, 1);
  if (!perm.known) {
    if (in.known_rank()) {
      c.set_output(0, PartialShape::UnknownOfRank(in.rank()));
    }
    return absl::OkStatus();
  }
  const int rank = static_cast<int>(perm.values.size());
  if (in.known_rank() && in.rank() != rank) {
    return c.Error(absl::StrCat("perm has ", rank,
                                " entries but the input has shape ",
                                in.DebugString()));
  }
  std::vector<int64_t> dims(rank, -1);
  std::vector<bool> seen(rank);
  for (int i = 0; i < rank; ++i) {
    int64_t p = perm.values[i];
    if (p == kUnknownValue) continue;
    if (p < 0 || p >= rank) {
      return c.Error(absl::StrCat("perm[", i, "] = ", p,
                                  " is out of range [0, ", rank, ")"));
    }
    if (seen[p]) {
      return c.Error(absl::StrCat(p, " is duplicated in perm"));
    }
    seen[p] = true;
    if (in.known_rank()) dims[i] = in.dim(p);
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status DynamicStitchShape(InferenceContext& c) {
  int64_t n = 0;
  RETURN_IF_ERROR(c.GetAttr("N", &n));
  if (n < 1) return c.Error("attr 'N' must be at least 1");
  bool all_constant = true;
  int64_t max_index = -1;
  PartialShape suffix;  // Data dims after the indices dims, merged.
  bool suffix_known = true;
  for (int i = 0; i < n; ++i) {
    const PartialShape& idx = c.input_shape(i);
    const PartialShape& data = c.input_shape(n + i);
    if (const Tensor* t = c.input_tensor(i)) {
      for (int64_t k = 0; k < t->num_elements(); ++k) {
        int64_t v = t->data<int32_t>()[k];
        if (v < 0) {
          return c.Error(absl::StrCat("indices[", i, "] holds ", v,
                                      ", which is negative"));
        }
        max_index = std::max(max_index, v);
      }
    } else {
      all_constant = false;
    }
    if (idx.unknown_rank() || data.unknown_rank()) {
      suffix_known = false;
      continue;
    }
    bool prefix_ok = data.rank() >= idx.rank();
    for (int k = 0; prefix_ok && k < idx.rank(); ++k) {
      prefix_ok =
          idx.dim(k) < 0 || data.dim(k) < 0 || idx.dim(k) == data.dim(k);
    }
    if (!prefix_ok) {
      return c.Error(absl::StrCat("data[", i, "].shape = ", data.DebugString(),
                                  " does not start with indices[", i,
                                  "].shape = ", idx.DebugString()));
    }
    PartialShape rest(data.dims().subspan(idx.rank()));
    auto merged = suffix.Merge(rest);
    if (!merged.ok()) {
      return c.Error(absl::StrCat("data[", i, "].shape = ", data.DebugString(),
                                  " has trailing dims ", rest.DebugString(),
                                  " that differ from the other inputs' ",
                                  suffix.DebugString()));
    }
    suffix = *merged;
  }
  if (!suffix_known || suffix.unknown_rank()) return absl::OkStatus();
  std::vector<int64_t> dims = {all_constant ? max_index + 1 : -1};
  dims.insert(dims.end(), suffix.dims().begin(), suffix.dims().end());
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status IdentityNShape(InferenceContext& c) {
  for (int i = 0; i < c.num_inputs(); ++i) c.set_output(i, c.input_shape(i));
  return absl::OkStatus();
}

namespace {

template <typename T>
absl::Status CheckRangeArgs(InferenceContext& c, T start, T limit, T delta) {
  if (delta == 0) return c.Error("requires delta != 0");
  if (delta > 0 ? start > limit : start < limit) {
    return c.Error(absl::StrCat(
        "requires start ", delta > 0 ? "<=" : ">=", " limit when delta ",
        delta > 0 ? "> 0" : "< 0", ": ", start, "/", limit));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RangeShape(InferenceContext& c) {
  const char* names[] = {"start", "limit", "delta"};
  const Tensor* values[3];
  for (int i = 0; i < 3; ++i) {
    const PartialShape& s = c.input_shape(i);
    if (s.known_rank() && s.rank() != 0) {
      return c.Error(absl::StrCat(names[i], " must be a scalar, got shape ",
                                  s.DebugString()));
    }
    values[i] = c.input_tensor(i);
  }
  if (!values[0] || !values[1] || !values[2]) {
    c.set_output(0, PartialShape({-1}));
    return absl::OkStatus();
  }
  const DataType t = c.input_type(0);
  int64_t size = 0;
  if (t == DT_INT32 || t == DT_INT64) {
    auto get = [&](int i) -> int64_t {
      return values[i]->dtype() == DT_INT32 ? values[i]->data<int32_t>()[0]
                                            : values[i]->data<int64_t>()[0];
    };
    const int64_t start = get(0), limit = get(1), delta = get(2);
    RETURN_IF_ERROR(CheckRangeArgs(c, start, limit, delta));
    // Unsigned: no overflow for any int64 start and limit.
    const uint64_t span = limit >= start ? static_cast<uint64_t>(limit) - start
                                         : static_cast<uint64_t>(start) - limit;
    const uint64_t step = delta >= 0 ? static_cast<uint64_t>(delta)
                                     : -static_cast<uint64_t>(delta);
    const uint64_t n = span / step + (span % step != 0);
    if (n > static_cast<uint64_t>(kMaxTensorElements)) {
      return c.Error(absl::StrCat("range of ", n, " elements is too large"));
    }
    size = static_cast<int64_t>(n);
  } else {
    const double start = values[0]->ValueAsDouble(0),
                 limit = values[1]->ValueAsDouble(0),
                 delta = values[2]->ValueAsDouble(0);
    RETURN_IF_ERROR(CheckRangeArgs(c, start, limit, delta));
    const double n = std::ceil(std::abs((limit - start) / delta));
    if (!(n <= static_cast<double>(kMaxTensorElements))) {
      return c.Error(absl::StrCat("range of ", n, " elements is too large"));
    }
    size = static_cast<int64_t>(n);
  }
  c.set_output(0, PartialShape({size}));
  return absl::OkStatus();
}

absl::Status WhereShape(InferenceContext& c) {
  c.set_output(0, PartialShape({-1, c.input_shape(0).rank()}));
  return absl::OkStatus();
}

}  // namespace graphflow::array_internal
