// Kernel of ops/matmul_ops.cc. MatMul: oneDNN's sgemm or Eigen's threaded
// GEMM for float (UseOneDnnGemm), Eigen's for double; a row-parallel loop
// for the integer types.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/dnnl_conv.h"
#include "kernels/eigen.h"

namespace graphflow {
namespace {

// c[m, n] = op(a) * b[k, n]; integer math wraps like TF's (unsigned here so
// the wrap is defined). b is already untransposed.
template <typename T>
void IntMatMul(Eigen::ThreadPoolDevice& device, const T* a, const T* b, T* c,
               int64_t m, int64_t n, int64_t k, bool transpose_a) {
  using U = std::make_unsigned_t<T>;
  ParallelFor(
      device, m, static_cast<double>(n * k), [&](int64_t begin, int64_t end) {
        std::vector<U> acc(n);
        for (int64_t i = begin; i < end; ++i) {
          std::fill(acc.begin(), acc.end(), U{0});
          for (int64_t p = 0; p < k; ++p) {
            const U aip =
                static_cast<U>(transpose_a ? a[p * m + i] : a[i * k + p]);
            const T* brow = b + p * n;
            for (int64_t j = 0; j < n; ++j) {
              acc[j] += aip * static_cast<U>(brow[j]);
            }
          }
          for (int64_t j = 0; j < n; ++j) {
            c[i * n + j] = static_cast<T>(acc[j]);
          }
        }
      });
}

// Whether oneDNN's sgemm runs this float product (measured, 2 threads; see
// bench/ops_bench.cc).
bool UseOneDnnGemm(int64_t m, int64_t n, int64_t k) {
  if (!HaveOneDnn()) return false;
  switch (GetComputeBackend()) {
    case ComputeBackend::kReference:
      return false;
    case ComputeBackend::kOneDnn:
      return true;
    case ComputeBackend::kAuto:
      break;
  }
  // oneDNN from about 4M multiply-adds (2 threads, us, Eigen vs oneDNN):
  // mnist_deep fc1 [50,3136]x[3136,1024] 3328 vs 2388, its weight gradient
  // (x^T dy) 3182 vs 2095, input gradient (dy w^T) 7700 vs 4387; 256^3 344
  // vs 224. Below, Eigen is as fast or faster: fc2 [50,1024]x[1024,10] 31
  // vs 34, its input gradient [50,10]x[10,1024]^T 28 vs 50.
  return m * n * k >= (int64_t{1} << 22);
}

absl::Status MatMulKernel(KernelContext& ctx) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  bool transpose_a = false, transpose_b = false;
  RETURN_IF_ERROR(ctx.GetAttr("transpose_a", &transpose_a));
  RETURN_IF_ERROR(ctx.GetAttr("transpose_b", &transpose_b));
  if (a.rank() != 2 || b.rank() != 2) {
    return ctx.InvalidArgument(absl::StrCat(
        "In[0] and In[1] must be matrices, got shapes ",
        a.shape().DebugString(), " and ", b.shape().DebugString()));
  }
  const int64_t m = a.dim(transpose_a ? 1 : 0);
  const int64_t k = a.dim(transpose_a ? 0 : 1);
  const int64_t k_b = b.dim(transpose_b ? 1 : 0);
  const int64_t n = b.dim(transpose_b ? 0 : 1);
  if (k != k_b) {
    return ctx.InvalidArgument(absl::StrCat(
        "Matrix size-incompatible: In[0]: ", a.shape().DebugString(),
        ", In[1]: ", b.shape().DebugString(), " (transpose_a=", transpose_a,
        ", transpose_b=", transpose_b, ")"));
  }
  if (a.dtype() != b.dtype()) {
    return ctx.InvalidArgument("a and b must have the same dtype");
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape({m, n})));
  if (m == 0 || n == 0) return absl::OkStatus();
  if (k == 0) {  // An empty sum.
    out->FillZero();
    return absl::OkStatus();
  }
  return DispatchType<TypeList<float, double, int32_t, int64_t>>(
      a.dtype(),
      [&]<typename T>() {
        if constexpr (std::is_same_v<T, float>) {
          if (UseOneDnnGemm(m, n, k)) {
            return DnnlGemm(ctx.device(), a.data<T>(), b.data<T>(),
                            out->data<T>(), m, n, k, transpose_a, transpose_b);
          }
        }
        if constexpr (std::is_floating_point_v<T>) {
          Gemm(ctx.device(), a.data<T>(), b.data<T>(), out->data<T>(), m, n, k,
               transpose_a, transpose_b);
        } else {
          const T* bp = b.data<T>();
          std::vector<T> bt;
          if (transpose_b) {  // Untranspose once so rows of b stream.
            bt.resize(k * n);
            for (int64_t j = 0; j < n; ++j) {
              for (int64_t p = 0; p < k; ++p) bt[p * n + j] = bp[j * k + p];
            }
            bp = bt.data();
          }
          IntMatMul(ctx.device(), a.data<T>(), bp, out->data<T>(), m, n, k,
                    transpose_a);
        }
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

}  // namespace

absl::Status RegisterMatMulKernels(KernelRegistry& r) {
  return r.Register("MatMul", MatMulKernel);
}

}  // namespace graphflow
