// _FusedMatMulApplyAdam (ops/fused_ops.cc): ApplyAdam whose gradient is a
// MatMul's product, a dense layer's weight gradient x^T dy. A band of
// kSmallGemmRows rows of the product is computed into a per-thread buffer
// and applied to var, m and v while it sits in L1, so the gradient never
// goes to memory and the variables are read and written once: for
// mnist_deep's fc1 (3136 x 1024, 12.8 MB a tensor) that is two of the
// update's seven passes over memory gone. With emit_input_grad, each band
// of the weights first gives its columns of dx = dy w^T, which saves the
// input gradient's own pass over the weights.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/adam_update.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"
#include "kernels/simd.h"
#include "kernels/small_gemm.h"

namespace graphflow {
namespace {

// Columns of a band: 6 x 1024 floats, 24 KB, stay in L1 between the product
// and the update.
constexpr int64_t kBandCols = 1024;
// Batches up to this size take the input gradient band by band (dy^T, at
// most 64 columns, then stays in L2); larger ones in one GEMM first.
constexpr int64_t kMaxBandedBatch = 64;

// op(a)[rows, depth] * op(b)[depth, cols] of inputs 9 and 10.
struct Product {
  int64_t rows, cols, depth;
  bool transpose_a, transpose_b;
};

absl::StatusOr<Product> ReadProduct(const KernelContext& ctx) {
  const Tensor& a = ctx.input(9);
  const Tensor& b = ctx.input(10);
  Product p;
  RETURN_IF_ERROR(ctx.GetAttr("transpose_a", &p.transpose_a));
  RETURN_IF_ERROR(ctx.GetAttr("transpose_b", &p.transpose_b));
  if (a.rank() != 2 || b.rank() != 2) {
    return ctx.InvalidArgument(absl::StrCat(
        "a and b must be matrices, got shapes ", a.shape().DebugString(),
        " and ", b.shape().DebugString()));
  }
  p.rows = a.dim(p.transpose_a ? 1 : 0);
  p.depth = a.dim(p.transpose_a ? 0 : 1);
  p.cols = b.dim(p.transpose_b ? 0 : 1);
  if (b.dim(p.transpose_b ? 1 : 0) != p.depth) {
    return ctx.InvalidArgument(absl::StrCat(
        "matrix size-incompatible: a ", a.shape().DebugString(), ", b ",
        b.shape().DebugString(), " (transpose_a=", p.transpose_a,
        ", transpose_b=", p.transpose_b, ")"));
  }
  return p;
}

// Whether the banded path runs the product: float, b read by rows, columns
// in whole vectors of 16.
template <typename T>
bool Banded(const Product& p) {
  return std::is_same_v<T, float> && !p.transpose_b && p.cols % 16 == 0;
}

// dy^T of dy's first `whole` rows (a multiple of 16: the product's
// columns).
std::vector<float> TransposeWhole(const float* dy, int64_t whole,
                                  int64_t cols) {
  std::vector<float> t(cols * whole);
  for (int64_t i = 0; i < whole; ++i) {
    for (int64_t c = 0; c < cols; ++c) t[c * whole + i] = dy[i * cols + c];
  }
  return t;
}

// out[r] = w's row r . y for kRows rows of `cols` (a multiple of 16): the
// input gradient of a batch row past the whole vectors, so a batch of 50
// costs 50 rows of work, not 64.
template <int kRows>
void DotRows(const float* w, const float* y, int64_t cols, float* out,
             int64_t out_stride) {
  using V = Float16::V;
  V acc[kRows] = {};
  for (int64_t c = 0; c < cols; c += Float16::kLanes) {
    const V yv = Float16::Load(y + c);
    for (int r = 0; r < kRows; ++r)
      acc[r] += Float16::Load(w + r * cols + c) * yv;
  }
  for (int r = 0; r < kRows; ++r) {
    float sum = 0;
    for (int l = 0; l < Float16::kLanes; ++l) sum += acc[r][l];
    out[r * out_stride] = sum;
  }
}

// What the bands share: the product's operands, the update, and with dx
// the input gradient, its first `whole` batch rows from dy_t (their dy^T).
struct Bands {
  const Product& p;
  const float* a;
  const float* b;
  const float* dy_t;
  int64_t whole;
  float* dx;
  bool nesterov;
  const AdamCoefficients<float>& k;
  float* w;
  float* m;
  float* v;
};

// Rows [r0, r0 + rows): first their columns of dx = dy w^T, from the
// weights before the update, then the product's rows applied to them.
void UpdateBand(const Bands& s, int64_t r0, int64_t rows, float* grad,
                float* dx_t) {
  const Product& p = s.p;
  if (s.dx != nullptr) {
    const float* w = s.w + r0 * p.cols;
    if (s.whole > 0) {
      SmallGemm(w, p.cols, 1, s.dy_t, s.whole, rows, s.whole, p.cols, dx_t,
                s.whole, /*accumulate=*/false);
      for (int64_t i = 0; i < s.whole; ++i) {
        for (int64_t r = 0; r < rows; ++r) {
          s.dx[i * p.rows + r0 + r] = dx_t[r * s.whole + i];
        }
      }
    }
    for (int64_t i = s.whole; i < p.depth; ++i) {
      const float* y = s.b + i * p.cols;
      float* out = s.dx + i * p.rows + r0;
      if (rows == kSmallGemmRows) {
        DotRows<kSmallGemmRows>(w, y, p.cols, out, 1);
      } else {
        for (int64_t r = 0; r < rows; ++r) {
          DotRows<1>(w + r * p.cols, y, p.cols, out + r, 1);
        }
      }
    }
  }
  const int64_t a_row = p.transpose_a ? 1 : p.depth;
  const int64_t a_k = p.transpose_a ? p.rows : 1;
  for (int64_t j = 0; j < p.cols; j += kBandCols) {
    const int64_t cols = std::min(kBandCols, p.cols - j);
    SmallGemm(s.a + r0 * a_row, a_row, a_k, s.b + j, p.cols, rows, cols,
              p.depth, grad, cols, /*accumulate=*/false);
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t at = (r0 + r) * p.cols + j;
      AdamRange(s.nesterov, s.k, s.w + at, s.m + at, s.v + at, grad + r * cols,
                cols);
    }
  }
}

// Threads take groups of 8 bands, 48 rows: a multiple of 16, so no two
// write the same cache line of dx.
constexpr int64_t kGroupRows = 8 * kSmallGemmRows;

void BandedAdam(KernelContext& ctx, const Bands& s) {
  const int64_t groups = (s.p.rows + kGroupRows - 1) / kGroupRows;
  const int64_t depth = s.p.depth * (s.dx != nullptr ? 2 : 1);
  ParallelFor(
      ctx.device(), groups, 2.0 * kGroupRows * s.p.cols * depth,
      [&](int64_t begin, int64_t end) {
        alignas(64) float grad[kSmallGemmRows * kBandCols];
        alignas(64) float dx_t[kSmallGemmRows * kMaxBandedBatch];
        const int64_t last = std::min(end * kGroupRows, s.p.rows);
        for (int64_t r0 = begin * kGroupRows; r0 < last; r0 += kSmallGemmRows) {
          UpdateBand(s, r0, std::min<int64_t>(kSmallGemmRows, last - r0), grad,
                     dx_t);
        }
      });
}

// Output 1: the input gradient dy w^T (x's shape) with emit_input_grad,
// which needs a = x transposed and b = dy; else [0].
absl::StatusOr<Tensor*> InputGradOutput(KernelContext& ctx, const Product& p) {
  bool emit = false;
  RETURN_IF_ERROR(ctx.GetAttr("emit_input_grad", &emit));
  if (!emit) {
    RETURN_IF_ERROR(ctx.AllocateOutput(1, TensorShape({0})).status());
    return nullptr;
  }
  if (!p.transpose_a || p.transpose_b) {
    return ctx.InvalidArgument(
        "emit_input_grad needs transpose_a (a = x) and not transpose_b "
        "(b = dy)");
  }
  return ctx.AllocateOutput(1, ctx.input(9).shape());
}

template <typename T>
absl::Status FusedMatMulAdam(KernelContext& ctx) {
  ASSIGN_OR_RETURN(const Product p, ReadProduct(ctx));
  ASSIGN_OR_RETURN(Tensor* const dx, InputGradOutput(ctx, p));
  const T* a = ctx.input(9).data<T>();
  const T* b = ctx.input(10).data<T>();
  return RunAdam<T>(ctx, [&](const AdamCoefficients<T>& k, bool nesterov,
                             Tensor& var, Tensor& m, Tensor& v) {
    if (var.shape() != TensorShape({p.rows, p.cols})) {
      return ctx.InvalidArgument(absl::StrCat(
          "the gradient has shape [", p.rows, ", ", p.cols,
          "], the variable has shape ", var.shape().DebugString()));
    }
    if (var.num_elements() == 0) {  // dx sums no terms (or has none).
      if (dx != nullptr) dx->FillZero();
      return absl::OkStatus();
    }
    // The input gradient reads the weights before they change: band by band
    // below for small batches, else in one GEMM here.
    const bool dx_banded = Banded<T>(p) && p.depth <= kMaxBandedBatch;
    if (dx != nullptr && !dx_banded && dx->num_elements() > 0) {
      Gemm(ctx.device(), b, var.data<T>(), dx->data<T>(), p.depth, p.rows,
           p.cols, false, true);
    }
    if constexpr (std::is_same_v<T, float>) {
      if (Banded<T>(p)) {
        const bool banded_dx = dx != nullptr && dx_banded;
        const int64_t whole = banded_dx ? p.depth / 16 * 16 : 0;
        const std::vector<float> dy_t = TransposeWhole(b, whole, p.cols);
        BandedAdam(ctx, {p, a, b, dy_t.data(), whole,
                         banded_dx ? dx->data<T>() : nullptr, nesterov, k,
                         var.data<T>(), m.data<T>(), v.data<T>()});
        return absl::OkStatus();
      }
    }
    // Any other product: the whole gradient, then the update.
    std::vector<T> grad(var.num_elements(), T(0));
    if (p.depth > 0) {
      Gemm(ctx.device(), a, b, grad.data(), p.rows, p.cols, p.depth,
           p.transpose_a, p.transpose_b);
    }
    T* wp = var.data<T>();
    T* mp = m.data<T>();
    T* vp = v.data<T>();
    ParallelFor(ctx.device(), var.num_elements(), 8,
                [&](int64_t begin, int64_t end) {
                  AdamRange(nesterov, k, wp + begin, mp + begin, vp + begin,
                            grad.data() + begin, end - begin);
                });
    return absl::OkStatus();
  });
}

}  // namespace

absl::Status RegisterFusedAdamKernels(KernelRegistry& r) {
  return r.Register(
      "_FusedMatMulApplyAdam", [](KernelContext& ctx) -> absl::Status {
        DataType t;
        RETURN_IF_ERROR(ctx.GetAttr("T", &t));
        return DispatchType<FloatTypes>(
            t, [&]<typename T>() { return FusedMatMulAdam<T>(ctx); },
            ctx.UnsupportedDtype());
      });
}

}  // namespace graphflow
