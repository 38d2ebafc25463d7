#include "ops/gradient_util.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"
#include "ops/reduction_ops.h"

namespace graphflow {
namespace {

int BroadcastRank(const PartialShape& a, const PartialShape& b) {
  return std::max(a.rank(), b.rank());
}

// Sums `grad` (of the broadcast rank `rank`) over the graph-time `axes` and
// restores x's size-1 dims with a Reshape when the Sum dropped some.
Output ReduceOverAxes(const Scope& s, Output grad, const Output& x,
                      const std::vector<int32_t>& axes, int rank) {
  if (axes.empty()) return grad;
  Tensor axes_t = Tensor::FromVector<int32_t>(
      absl::Span<const int32_t>(axes), {static_cast<int64_t>(axes.size())});
  Output sum = ops::Sum(s, grad, axes_t);
  const PartialShape& xs = x.shape();
  const int lead = rank - xs.rank();  // Axes x lacks: dropped, as wanted.
  const bool drops_x_dims =
      std::any_of(axes.begin(), axes.end(), [&](int a) { return a >= lead; });
  if (!drops_x_dims) return sum;
  if (xs.IsFullyDefined()) {
    std::vector<int32_t> dims(xs.dims().begin(), xs.dims().end());
    return ops::Reshape(
        s, sum,
        Tensor::FromVector<int32_t>(absl::Span<const int32_t>(dims),
                                    {static_cast<int64_t>(dims.size())}));
  }
  return ops::Reshape(s, sum, ops::Shape(s, x));
}

}  // namespace

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

Tensor ScalarOfType(const Scope& s, double value, DataType dtype) {
  Tensor t;
  absl::Status status = DispatchType(dtype, [&]<typename T>() {
    t = Tensor::Scalar<T>(static_cast<T>(value));
    return absl::OkStatus();
  });
  // DT_INVALID comes from an invalid Output: its error is already recorded.
  if (!status.ok() && dtype != DT_INVALID) {
    s.UpdateStatus(absl::UnimplementedError(
        absl::StrCat(s.name_prefix(), ": no constants of dtype ",
                     DataTypeString(dtype), " (graphflow cannot hold them)")));
  }
  return t;
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

Output ZerosOf(const Scope& s, const Output& x) {
  Output shape = ShapeOf(s, x);
  Output zero =
      s.WithOpName("zeros/Const").Const(ScalarOfType(s, 0, x.dtype()));
  return ops::Fill(s.WithOpName("zeros"), shape, zero);
}

bool IsZero(const Output& g) {
  const Node* n = g.node;
  if (n->op() == "ZerosLike" || n->op() == "Zeros") return true;
  auto all_zero = [](const Node* c) {
    const Tensor* t =
        c->op() == "Const" ? c->FindAttr<Tensor>("value") : nullptr;
    if (t == nullptr) return false;
    for (int64_t i = 0; i < t->num_elements(); ++i) {
      if (t->ValueAsDouble(i) != 0) return false;
    }
    return true;
  };
  if (n->op() == "Fill") return all_zero(n->input(1).node);
  return all_zero(n);
}

AttrMap CopyAttrs(const Node& node, std::initializer_list<const char*> names) {
  AttrMap attrs;
  for (const char* name : names) {
    auto it = node.attrs().find(name);
    if (it != node.attrs().end()) attrs.emplace(name, it->second);
  }
  return attrs;
}

std::optional<std::vector<int32_t>> StaticReductionAxes(
    const PartialShape& x, const PartialShape& other) {
  if (x.unknown_rank() || other.unknown_rank()) return std::nullopt;
  const int rank = BroadcastRank(x, other);
  std::vector<int32_t> axes;
  for (int i = 0; i < rank; ++i) {
    const int ix = i - (rank - x.rank()), io = i - (rank - other.rank());
    if (ix < 0) {  // A leading axis x lacks.
      axes.push_back(i);
      continue;
    }
    const int64_t xd = x.dim(ix), od = io >= 0 ? other.dim(io) : 1;
    if (xd == 1) {
      // Summing a size-1 axis is harmless, so an unknown `od` is fine.
      if (od != 1) axes.push_back(i);
    } else if (xd < 0 && od != 1) {
      return std::nullopt;  // x's dim may be a broadcast 1 or the full size.
    }
  }
  return axes;
}

Output SumToShapeOf(const Scope& s, Output grad, Output x) {
  if (auto axes = StaticReductionAxes(x.shape(), grad.shape())) {
    return ReduceOverAxes(s, grad, x, *axes,
                          BroadcastRank(x.shape(), grad.shape()));
  }
  Output sx = ops::Shape(s, x);
  Output sg = ops::Shape(s, grad);
  ops::BroadcastGradientArgsOutput r = ops::BroadcastGradientArgs(s, sx, sg);
  return ops::Reshape(s, ops::Sum(s, grad, r.r0), sx);
}

void ReduceBinaryGradients(const Scope& s, Output x, Output y, Output* gx,
                           Output* gy) {
  const PartialShape &xs = x.shape(), &ys = y.shape();
  auto ax = StaticReductionAxes(xs, ys);
  auto ay = StaticReductionAxes(ys, xs);
  if (ax && ay) {
    const int rank = BroadcastRank(xs, ys);
    if (gx->valid()) *gx = ReduceOverAxes(s, *gx, x, *ax, rank);
    if (gy->valid()) *gy = ReduceOverAxes(s, *gy, y, *ay, rank);
    return;
  }
  Output sx = ops::Shape(s, x);
  Output sy = ops::Shape(s, y);
  ops::BroadcastGradientArgsOutput r = ops::BroadcastGradientArgs(s, sx, sy);
  if (gx->valid()) *gx = ops::Reshape(s, ops::Sum(s, *gx, r.r0), sx);
  if (gy->valid()) *gy = ops::Reshape(s, ops::Sum(s, *gy, r.r1), sy);
}

}  // namespace graphflow
