// Shape functions of the array ops: as informative as TF's where the inputs
// that decide the shape (shapes, axes, multiples) are known at graph time,
// falling back to a known rank or an unknown shape.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "kernels/array_kernels_strided_slice.h"
#include "ops/array_ops_internal.h"

namespace graphflow::array_internal {
namespace {

std::string ValuesString(const std::vector<int64_t>& values) {
  return absl::StrCat("[",
                      absl::StrJoin(values, ",",
                                    [](std::string* out, int64_t v) {
                                      absl::StrAppend(out,
                                                      v == kUnknownValue
                                                          ? std::string("?")
                                                          : absl::StrCat(v));
                                    }),
                      "]");
}

// Maps axis in [-rank, rank) to [0, rank), or names the node in an error.
absl::StatusOr<int64_t> NormalizeAxis(InferenceContext& c, int64_t axis,
                                      int64_t rank, absl::string_view what) {
  if (axis < -rank || axis >= rank) {
    return c.Error(absl::StrCat(what, " ", axis, " is out of range [", -rank,
                                ", ", rank, ")"));
  }
  return axis < 0 ? axis + rank : axis;
}

// Merges dimension sizes (-1 unknown); false when they conflict.
bool MergeDim(int64_t a, int64_t b, int64_t* out) {
  if (a >= 0 && b >= 0 && a != b) return false;
  *out = a >= 0 ? a : b;
  return true;
}

PartialShape InsertDim(const PartialShape& s, int64_t at, int64_t size) {
  std::vector<int64_t> dims(s.dims().begin(), s.dims().end());
  dims.insert(dims.begin() + at, size);
  return PartialShape(dims);
}

}  // namespace

absl::Status ReshapeShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  PartialValue shape = InputValue(c, 1);
  if (!shape.known) {
    c.set_output(0, c.ShapeFromInputTensor(1));
    return absl::OkStatus();
  }
  std::vector<int64_t> dims;
  int infer = -1;  // Index of the one dim that may be inferred.
  int unknowns = 0, explicit_infer = 0;
  int64_t known_product = 1;
  for (size_t i = 0; i < shape.values.size(); ++i) {
    int64_t v = shape.values[i];
    if (v == kUnknownValue || v == -1) {
      explicit_infer += v == -1;
      if (explicit_infer > 1) {
        return c.Error(absl::StrCat("can only infer one dimension, got shape ",
                                    ValuesString(shape.values)));
      }
      ++unknowns;
      infer = static_cast<int>(i);
      dims.push_back(-1);
    } else if (v < -1) {
      return c.Error(absl::StrCat("size ", v, " at index ", i,
                                  " of the requested shape is invalid"));
    } else {
      known_product = v > 0 && known_product > kMaxTensorElements / v
                          ? kMaxTensorElements + 1  // Saturated: too big.
                          : known_product * v;
      dims.push_back(v);
    }
  }
  const int64_t in_elements = c.input_shape(0).num_elements();
  if (in_elements >= 0 && unknowns == 0 && known_product != in_elements) {
    return c.Error(absl::StrCat(
        "cannot reshape a tensor with ", in_elements, " elements to shape ",
        ValuesString(shape.values), " (", known_product, " elements)"));
  }
  // A single missing dim follows from the element count (whether it is an
  // explicit -1 or just unknown here, it must take that value at run time).
  if (in_elements >= 0 && unknowns == 1 && known_product > 0) {
    if (in_elements % known_product != 0) {
      return c.Error(absl::StrCat(
          "cannot reshape a tensor with ", in_elements, " elements to shape ",
          ValuesString(shape.values), ": not a multiple of ", known_product));
    }
    dims[infer] = in_elements / known_product;
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status ShapeShape(InferenceContext& c) {
  for (int i = 0; i < c.num_outputs(); ++i) {
    c.set_output(i, PartialShape({c.input_shape(i).rank()}));
  }
  return absl::OkStatus();
}

absl::Status ShapeNShape(InferenceContext& c) { return ShapeShape(c); }

absl::Status ExpandDimsShape(InferenceContext& c) {
  PartialValue dim = InputValue(c, 1);
  if (dim.known && dim.values.size() != 1) {
    return c.Error(
        absl::StrCat("'dim' must be a tensor with a single value, "
                     "got ",
                     ValuesString(dim.values)));
  }
  const PartialShape& in = c.input_shape(0);
  if (in.unknown_rank()) return absl::OkStatus();
  const int64_t rank = in.rank();
  if (!dim.known || dim.values[0] == kUnknownValue) {
    c.set_output(0, PartialShape::UnknownOfRank(rank + 1));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(int64_t axis,
                   NormalizeAxis(c, dim.values[0], rank + 1, "dim"));
  c.set_output(0, InsertDim(in, axis, 1));
  return absl::OkStatus();
}

absl::Status SqueezeShape(InferenceContext& c) {
  std::vector<int64_t> squeeze;
  RETURN_IF_ERROR(c.GetAttr("squeeze_dims", &squeeze));
  const PartialShape& in = c.input_shape(0);
  if (in.unknown_rank()) return absl::OkStatus();
  std::set<int64_t> chosen;
  for (int64_t d : squeeze) {
    ASSIGN_OR_RETURN(int64_t axis,
                     NormalizeAxis(c, d, in.rank(), "squeeze dim"));
    chosen.insert(axis);
  }
  std::vector<int64_t> dims;
  for (int i = 0; i < in.rank(); ++i) {
    int64_t d = in.dim(i);
    if (!chosen.empty()) {
      if (!chosen.contains(i)) {
        dims.push_back(d);
      } else if (d >= 0 && d != 1) {
        return c.Error(absl::StrCat("cannot squeeze dim[", i,
                                    "], expected a dimension of 1, got ", d,
                                    " (input shape ", in.DebugString(), ")"));
      }
    } else if (d < 0) {
      return absl::OkStatus();  // Whether it goes is decided at run time.
    } else if (d != 1) {
      dims.push_back(d);
    }
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

namespace {

absl::Status ConcatShapeImpl(InferenceContext& c, int axis_input, int first,
                             int n) {
  int rank = -1;
  for (int i = first; i < first + n; ++i) {
    const PartialShape& s = c.input_shape(i);
    if (s.unknown_rank()) continue;
    if (rank >= 0 && s.rank() != rank) {
      return c.Error(absl::StrCat(
          "all inputs must have the same rank: values[0..] have rank ", rank,
          ", values[", i - first, "] has shape ", s.DebugString()));
    }
    rank = s.rank();
  }
  if (rank == 0) {
    return c.Error("can't concatenate scalars (use tf.stack instead)");
  }
  PartialValue axis_value = InputValue(c, axis_input);
  if (axis_value.known && !axis_value.scalar) {
    return c.Error("axis must be a scalar");
  }
  if (rank < 0) return absl::OkStatus();
  if (!axis_value.known || axis_value.values[0] == kUnknownValue) {
    c.set_output(0, PartialShape::UnknownOfRank(rank));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(int64_t axis,
                   NormalizeAxis(c, axis_value.values[0], rank, "axis"));
  std::vector<int64_t> dims(rank, -1);
  int64_t sum = 0;
  for (int i = first; i < first + n; ++i) {
    const PartialShape& s = c.input_shape(i);
    if (s.unknown_rank()) {
      sum = -1;
      continue;
    }
    for (int j = 0; j < rank; ++j) {
      if (j == axis) continue;
      if (!MergeDim(dims[j], s.dim(j), &dims[j])) {
        return c.Error(
            absl::StrCat("dimension ", j,
                         " of the inputs must match (except the concat "
                         "axis ",
                         axis, "): values[", i - first, "] has shape ",
                         s.DebugString(), ", expected size ", dims[j]));
      }
    }
    sum = sum < 0 || s.dim(axis) < 0 ? -1 : sum + s.dim(axis);
  }
  dims[axis] = sum;
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

}  // namespace

absl::Status ConcatV2Shape(InferenceContext& c) {
  return ConcatShapeImpl(c, c.num_inputs() - 1, 0, c.num_inputs() - 1);
}

absl::Status ConcatShape(InferenceContext& c) {
  return ConcatShapeImpl(c, 0, 1, c.num_inputs() - 1);
}

absl::Status PackShape(InferenceContext& c) {
  int64_t axis = 0;
  RETURN_IF_ERROR(c.GetAttr("axis", &axis));
  PartialShape merged = c.input_shape(0);
  for (int i = 1; i < c.num_inputs(); ++i) {
    auto m = merged.Merge(c.input_shape(i));
    if (!m.ok()) {
      return c.Error(
          absl::StrCat("shapes of all inputs must match: values[0]"
                       ".shape = ",
                       c.input_shape(0).DebugString(), " != values[", i,
                       "].shape = ", c.input_shape(i).DebugString()));
    }
    merged = *m;
  }
  if (merged.unknown_rank()) return absl::OkStatus();
  ASSIGN_OR_RETURN(axis, NormalizeAxis(c, axis, merged.rank() + 1, "axis"));
  c.set_output(0, InsertDim(merged, axis, c.num_inputs()));
  return absl::OkStatus();
}

absl::Status UnpackShape(InferenceContext& c) {
  int64_t num = 0, axis = 0;
  RETURN_IF_ERROR(c.GetAttr("num", &num));
  RETURN_IF_ERROR(c.GetAttr("axis", &axis));
  const PartialShape& in = c.input_shape(0);
  if (in.unknown_rank()) return absl::OkStatus();
  ASSIGN_OR_RETURN(axis, NormalizeAxis(c, axis, in.rank(), "axis"));
  if (in.dim(axis) >= 0 && in.dim(axis) != num) {
    return c.Error(absl::StrCat("dimension ", axis, " of input shape ",
                                in.DebugString(), " must be num = ", num));
  }
  std::vector<int64_t> dims(in.dims().begin(), in.dims().end());
  dims.erase(dims.begin() + axis);
  for (int i = 0; i < c.num_outputs(); ++i) c.set_output(i, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status SliceShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  RETURN_IF_ERROR(c.WithRank(2, 1).status());
  PartialValue begin = InputValue(c, 1), size = InputValue(c, 2);
  const PartialShape& in = c.input_shape(0);
  int rank = in.rank();
  for (const PartialValue* v : {&begin, &size}) {
    if (!v->known) continue;
    int len = static_cast<int>(v->values.size());
    if (rank >= 0 && len != rank) {
      return c.Error(absl::StrCat(
          "begin and size must have one entry per input dimension: input "
          "has shape ",
          in.DebugString(), ", got ", len, " entries"));
    }
    rank = len;
  }
  if (rank < 0) return absl::OkStatus();
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) {
    int64_t b = begin.known ? begin.values[i] : kUnknownValue;
    int64_t s = size.known ? size.values[i] : kUnknownValue;
    int64_t d = in.known_rank() ? in.dim(i) : -1;
    if (b != kUnknownValue && (b < 0 || (d >= 0 && b > d))) {
      return c.Error(absl::StrCat("begin[", i, "] = ", b,
                                  " is out of range for input shape ",
                                  in.DebugString()));
    }
    if (s != kUnknownValue && s < -1) {
      return c.Error(absl::StrCat("size[", i, "] = ", s, " is invalid"));
    }
    if (s == -1) {
      dims.push_back(b != kUnknownValue && d >= 0 ? d - b : -1);
      continue;
    }
    if (s != kUnknownValue && b != kUnknownValue && d >= 0 && s > d - b) {
      return c.Error(absl::StrCat("begin[", i, "] + size[", i, "] = ", b, " + ",
                                  s, " exceeds dimension ", i,
                                  " of input shape ", in.DebugString()));
    }
    dims.push_back(s == kUnknownValue ? -1 : s);
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status StridedSliceShape(InferenceContext& c) {
  for (int i = 1; i <= 3; ++i) RETURN_IF_ERROR(c.WithRank(i, 1).status());
  PartialValue begin = InputValue(c, 1), end = InputValue(c, 2),
               strides = InputValue(c, 3);
  const PartialShape& in = c.input_shape(0);
  if (in.unknown_rank() || !begin.FullyKnown() || !end.FullyKnown() ||
      !strides.FullyKnown()) {
    return absl::OkStatus();
  }
  strided_slice::Masks m;
  RETURN_IF_ERROR(c.GetAttr("begin_mask", &m.begin));
  RETURN_IF_ERROR(c.GetAttr("end_mask", &m.end));
  RETURN_IF_ERROR(c.GetAttr("ellipsis_mask", &m.ellipsis));
  RETURN_IF_ERROR(c.GetAttr("new_axis_mask", &m.new_axis));
  RETURN_IF_ERROR(c.GetAttr("shrink_axis_mask", &m.shrink_axis));
  auto spec = strided_slice::Compute(in.dims(), begin.values, end.values,
                                     strides.values, m);
  if (!spec.ok()) {
    return c.Error(absl::StrCat(spec.status().message(), " (input shape ",
                                in.DebugString(), ")"));
  }
  c.set_output(0, PartialShape(spec->final_dims));
  return absl::OkStatus();
}

}  // namespace graphflow::array_internal
