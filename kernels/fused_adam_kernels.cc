// _FusedMatMulApplyAdam (ops/fused_ops.cc): ApplyAdam whose gradient is a
// MatMul's product, a dense layer's weight gradient x^T dy. A band of
// kSmallGemmRows rows of the product is computed into a per-thread buffer
// and applied to var, m and v while it sits in L1, so the gradient never
// goes to memory and the variables are read and written once: for
// mnist_deep's fc1 (3136 x 1024, 12.8 MB a tensor) that is two of the
// update's seven passes over memory gone.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/adam_update.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"
#include "kernels/small_gemm.h"

namespace graphflow {
namespace {

// Columns of a band: 6 x 1024 floats, 24 KB, stay in L1 between the product
// and the update.
constexpr int64_t kBandCols = 1024;

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

// The product band by band, each applied to the variables at once.
void BandedAdam(KernelContext& ctx, const Product& p, const float* a,
                const float* b, bool nesterov, const AdamCoefficients<float>& k,
                float* w, float* m, float* v) {
  const int64_t a_row = p.transpose_a ? 1 : p.depth;
  const int64_t a_k = p.transpose_a ? p.rows : 1;
  const int64_t bands = (p.rows + kSmallGemmRows - 1) / kSmallGemmRows;
  ParallelFor(ctx.device(), bands, 2.0 * kSmallGemmRows * p.cols * p.depth,
              [&](int64_t begin, int64_t end) {
                alignas(64) float grad[kSmallGemmRows * kBandCols];
                for (int64_t band = begin; band < end; ++band) {
                  const int64_t r0 = band * kSmallGemmRows;
                  const int64_t rows =
                      std::min<int64_t>(kSmallGemmRows, p.rows - r0);
                  for (int64_t j = 0; j < p.cols; j += kBandCols) {
                    const int64_t cols = std::min(kBandCols, p.cols - j);
                    SmallGemm(a + r0 * a_row, a_row, a_k, b + j, p.cols, rows,
                              cols, p.depth, grad, cols, /*accumulate=*/false);
                    for (int64_t r = 0; r < rows; ++r) {
                      const int64_t at = (r0 + r) * p.cols + j;
                      AdamRange(nesterov, k, w + at, m + at, v + at,
                                grad + r * cols, cols);
                    }
                  }
                }
              });
}

template <typename T>
absl::Status FusedMatMulAdam(KernelContext& ctx) {
  ASSIGN_OR_RETURN(const Product p, ReadProduct(ctx));
  const T* a = ctx.input(9).data<T>();
  const T* b = ctx.input(10).data<T>();
  return RunAdam<T>(ctx, [&](const AdamCoefficients<T>& k, bool nesterov,
                             Tensor& var, Tensor& m, Tensor& v) {
    if (var.shape() != TensorShape({p.rows, p.cols})) {
      return ctx.InvalidArgument(absl::StrCat(
          "the gradient has shape [", p.rows, ", ", p.cols,
          "], the variable has shape ", var.shape().DebugString()));
    }
    if (var.num_elements() == 0) return absl::OkStatus();
    if constexpr (std::is_same_v<T, float>) {
      if (Banded<T>(p)) {
        BandedAdam(ctx, p, a, b, nesterov, k, var.data<T>(), m.data<T>(),
                   v.data<T>());
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
