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

}  // namespace graphflow
