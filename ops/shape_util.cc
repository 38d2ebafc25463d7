#include "ops/shape_util.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"

namespace graphflow {

absl::StatusOr<int64_t> NormalizeAxis(InferenceContext& c, int64_t axis,
                                      int64_t rank, absl::string_view what) {
  if (axis < -rank || axis >= rank) {
    return c.Error(absl::StrCat(what, " ", axis, " is out of range [", -rank,
                                ", ", rank, ")"));
  }
  return axis < 0 ? axis + rank : axis;
}

PartialShape InsertDim(const PartialShape& s, int64_t at, int64_t size) {
  std::vector<int64_t> dims(s.dims().begin(), s.dims().end());
  dims.insert(dims.begin() + at, size);
  return PartialShape(dims);
}

bool StaticShape(const Output& x, DataType out_type, Tensor* value) {
  const PartialShape& shape = x.shape();
  if (!shape.IsFullyDefined()) return false;
  Tensor t(out_type, TensorShape({shape.rank()}));
  for (int i = 0; i < shape.rank(); ++i) {
    if (out_type == DT_INT64) {
      t.data<int64_t>()[i] = shape.dim(i);
    } else if (shape.dim(i) > std::numeric_limits<int32_t>::max()) {
      return false;  // Left to the Shape kernel's error at run time.
    } else {
      t.data<int32_t>()[i] = static_cast<int32_t>(shape.dim(i));
    }
  }
  *value = std::move(t);
  return true;
}

Output ShapeOf(const Scope& s, const Output& x, DataType out_type) {
  Tensor value;
  if (StaticShape(x, out_type, &value)) {
    return s.WithOpName("Shape").Const(value);
  }
  return ops::Shape(s, x, out_type);
}

Output RankOf(const Scope& s, const Output& x) {
  if (x.shape().known_rank()) {
    return s.WithOpName("Rank").Const(
        Tensor::Scalar<int32_t>(x.shape().rank()));
  }
  return ops::Rank(s, x);
}

Output SizeOf(const Scope& s, const Output& x) {
  const int64_t n = x.shape().num_elements();
  if (n >= 0 && n <= std::numeric_limits<int32_t>::max()) {
    return s.WithOpName("Size").Const(
        Tensor::Scalar<int32_t>(static_cast<int32_t>(n)));
  }
  return ops::Size(s, x);
}

}  // namespace graphflow
