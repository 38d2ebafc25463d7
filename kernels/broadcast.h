// The element-wise broadcasting engine shared by binary kernels. A
// BroadcastPlan collapses two input shapes into the fewest dims with the same
// broadcast pattern (so [N,C] op [C] becomes a 2-d row broadcast, and equal
// shapes become one contiguous run); kernels then walk the output in
// contiguous segments whose inner loops vectorize, in parallel.
#ifndef GRAPHFLOW_KERNELS_BROADCAST_H_
#define GRAPHFLOW_KERNELS_BROADCAST_H_

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "graph/tensor_shape.h"
#include "kernels/eigen.h"

namespace graphflow {

struct BroadcastPlan {
  bool valid = false;  // False when the shapes cannot broadcast.
  TensorShape output;  // The broadcast output shape (full rank).
  int64_t num_elements = 0;
  // The collapsed iteration space: dims with size 1 dropped, adjacent dims
  // with the same broadcast pattern merged. Strides are in elements; a stride
  // of 0 means that input is broadcast along the dim.
  DimVector dims, x_strides, y_strides;

  bool SameShape() const {
    return dims.size() <= 1 &&
           (dims.empty() || (x_strides[0] == 1 && y_strides[0] == 1));
  }
};

// TF's runtime error text for shapes that do not broadcast.
inline std::string IncompatibleShapesMessage(const TensorShape& x,
                                             const TensorShape& y) {
  return absl::StrCat("Incompatible shapes: ", x.DebugString(), " vs. ",
                      y.DebugString());
}

// NumPy broadcasting: dims align from the right; each pair must be equal or
// contain a 1 (a 0 broadcasts against 1 only).
inline BroadcastPlan MakeBroadcastPlan(const TensorShape& x,
                                       const TensorShape& y) {
  BroadcastPlan p;
  const int rank = std::max(x.rank(), y.rank());
  DimVector xd(rank, 1), yd(rank, 1), od(rank, 1);
  for (int i = 0; i < x.rank(); ++i) xd[rank - x.rank() + i] = x.dim(i);
  for (int i = 0; i < y.rank(); ++i) yd[rank - y.rank() + i] = y.dim(i);
  for (int i = 0; i < rank; ++i) {
    if (xd[i] == yd[i] || yd[i] == 1) {
      od[i] = xd[i];
    } else if (xd[i] == 1) {
      od[i] = yd[i];
    } else {
      return p;
    }
  }
  p.valid = true;
  p.output = TensorShape(absl::Span<const int64_t>(od));
  p.num_elements = p.output.num_elements();
  // Collapse: keep dims of size > 1, merging runs with one broadcast pattern.
  DimVector xb, yb;  // 1 where that input is broadcast along the dim.
  for (int i = 0; i < rank; ++i) {
    if (od[i] == 1) continue;
    const int64_t bx = xd[i] != od[i], by = yd[i] != od[i];
    if (!p.dims.empty() && xb.back() == bx && yb.back() == by) {
      p.dims.back() *= od[i];
    } else {
      p.dims.push_back(od[i]);
      xb.push_back(bx);
      yb.push_back(by);
    }
  }
  const int r = static_cast<int>(p.dims.size());
  p.x_strides.assign(r, 0);
  p.y_strides.assign(r, 0);
  int64_t sx = 1, sy = 1;
  for (int d = r - 1; d >= 0; --d) {
    if (!xb[d]) {
      p.x_strides[d] = sx;
      sx *= p.dims[d];
    }
    if (!yb[d]) {
      p.y_strides[d] = sy;
      sy *= p.dims[d];
    }
  }
  return p;
}

// Calls fn(x_offset, y_offset, z_offset, length, x_step, y_step) for each
// contiguous run of output elements in [begin, end); x_step and y_step are 1
// or 0 (broadcast) along the run.
template <typename Fn>
void ForEachBroadcastSegment(const BroadcastPlan& p, int64_t begin, int64_t end,
                             Fn&& fn) {
  if (begin >= end) return;
  const int r = static_cast<int>(p.dims.size());
  if (r == 0) {
    fn(0, 0, begin, end - begin, 0, 0);
    return;
  }
  const int64_t inner = p.dims[r - 1];
  const int64_t xs = p.x_strides[r - 1], ys = p.y_strides[r - 1];
  int64_t col = begin % inner;
  DimVector idx(r > 1 ? r - 1 : 0, 0);
  int64_t xo = 0, yo = 0;
  for (int64_t rem = begin / inner, d = r - 2; d >= 0; --d) {
    idx[d] = rem % p.dims[d];
    rem /= p.dims[d];
    xo += idx[d] * p.x_strides[d];
    yo += idx[d] * p.y_strides[d];
  }
  for (int64_t z = begin; z < end;) {
    const int64_t len = std::min(inner - col, end - z);
    fn(xo + col * xs, yo + col * ys, z, len, xs, ys);
    z += len;
    col = 0;
    for (int d = r - 2; d >= 0; --d) {  // Next row: odometer increment.
      xo += p.x_strides[d];
      yo += p.y_strides[d];
      if (++idx[d] < p.dims[d]) break;
      xo -= p.x_strides[d] * p.dims[d];
      yo -= p.y_strides[d] * p.dims[d];
      idx[d] = 0;
    }
  }
}

// One run: z[i] = op(x[i * xs], y[i * ys]) with xs, ys in {0, 1}. Separate
// loops per case so each vectorizes.
template <typename Tin, typename Tout, typename Op>
inline void BinarySegment(const Tin* __restrict x, int64_t xs,
                          const Tin* __restrict y, int64_t ys,
                          Tout* __restrict z, int64_t n, const Op& op) {
  if (xs && ys) {
    for (int64_t i = 0; i < n; ++i) z[i] = op(x[i], y[i]);
  } else if (xs) {
    const Tin b = *y;
    for (int64_t i = 0; i < n; ++i) z[i] = op(x[i], b);
  } else if (ys) {
    const Tin a = *x;
    for (int64_t i = 0; i < n; ++i) z[i] = op(a, y[i]);
  } else {
    std::fill(z, z + n, op(*x, *y));
  }
}

// z = op(x, y) with broadcasting, multi-threaded when the work is large.
// cost is the op's rough cycles per element.
template <typename Tin, typename Tout, typename Op>
void BinaryBroadcast(Eigen::ThreadPoolDevice& device, const BroadcastPlan& p,
                     const Tin* x, const Tin* y, Tout* z, const Op& op,
                     double cost = 1.0) {
  ParallelFor(device, p.num_elements, cost, [&](int64_t begin, int64_t end) {
    ForEachBroadcastSegment(p, begin, end,
                            [&](int64_t xo, int64_t yo, int64_t zo, int64_t n,
                                int64_t xs, int64_t ys) {
                              BinarySegment(x + xo, xs, y + yo, ys, z + zo, n,
                                            op);
                            });
  });
}

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_BROADCAST_H_
