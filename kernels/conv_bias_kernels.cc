#include "kernels/conv_bias_kernels.h"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/eigen.h"

namespace graphflow {
namespace {

// A value tensor seen as [outer, channels, inner] around its channel dim:
// the last dim for NHWC (inner = 1), dim 1 for NCHW like TF's CPU kernel.
struct BiasLayout {
  int64_t outer = 1, channels = 1, inner = 1;
};

bool IsNchw(const KernelContext& ctx) {
  const std::string* f = ctx.node().FindAttr<std::string>("data_format");
  return f != nullptr && *f == "NCHW";
}

absl::StatusOr<BiasLayout> GetLayout(const KernelContext& ctx,
                                     const TensorShape& s) {
  const bool nchw = IsNchw(ctx);
  const int min_rank = nchw ? 3 : 2;
  if (s.rank() < min_rank) {
    return ctx.InvalidArgument(absl::StrCat("input must have rank at least ",
                                            min_rank, nchw ? " for NCHW" : "",
                                            ", got shape ", s.DebugString()));
  }
  const int ch = nchw ? 1 : s.rank() - 1;
  BiasLayout l;
  for (int i = 0; i < s.rank(); ++i) {
    if (i < ch) l.outer *= s.dim(i);
    if (i > ch) l.inner *= s.dim(i);
  }
  l.channels = s.dim(ch);
  return l;
}

template <typename Fn>
absl::Status DispatchNumber(const KernelContext& ctx, DataType dtype, Fn&& fn) {
  return DispatchType(dtype, [&]<typename T>() -> absl::Status {
    if constexpr (std::is_same_v<T, bool>) {
      return ctx.InvalidArgument("bool is not a number type");
    } else {
      return fn.template operator()<T>();
    }
  });
}

template <typename T>
void BiasAddCompute(Eigen::ThreadPoolDevice& device, const T* x, const T* b,
                    const BiasLayout& l, T* y) {
  const int64_t c = l.channels;
  if (l.inner == 1) {
    ParallelFor(device, l.outer, static_cast<double>(c),
                [&](int64_t r0, int64_t r1) {
                  for (int64_t r = r0; r < r1; ++r) {
                    const T* xr = x + r * c;
                    T* yr = y + r * c;
                    for (int64_t j = 0; j < c; ++j) yr[j] = xr[j] + b[j];
                  }
                });
    return;
  }
  const int64_t inner = l.inner;
  ParallelFor(device, l.outer * c, static_cast<double>(inner),
              [&](int64_t u0, int64_t u1) {
                for (int64_t u = u0; u < u1; ++u) {
                  const T bias = b[u % c];
                  const T* xr = x + u * inner;
                  T* yr = y + u * inner;
                  for (int64_t i = 0; i < inner; ++i) yr[i] = xr[i] + bias;
                }
              });
}

// Sum with 16 independent lanes, so the loop vectorizes without reassociating.
template <typename T>
T Sum(const T* p, int64_t n) {
  T lanes[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int j = 0; j < 16; ++j) lanes[j] += p[i + j];
  }
  T s = T(0);
  for (; i < n; ++i) s += p[i];
  for (int j = 0; j < 16; ++j) s += lanes[j];
  return s;
}

template <typename T>
void BiasGradCompute(Eigen::ThreadPoolDevice& device, const T* dy,
                     const BiasLayout& l, T* out) {
  const int64_t c = l.channels;
  if (c == 0) return;
  if (l.inner > 1) {
    ParallelFor(device, c, static_cast<double>(l.outer * l.inner),
                [&](int64_t c0, int64_t c1) {
                  for (int64_t j = c0; j < c1; ++j) {
                    T s = T(0);
                    for (int64_t o = 0; o < l.outer; ++o) {
                      s += Sum(dy + (o * c + j) * l.inner, l.inner);
                    }
                    out[j] = s;
                  }
                });
    return;
  }
  // Rows split into blocks with their own partial sums, then added up.
  const int64_t rows = l.outer;
  const int64_t blocks =
      rows * c < 65536
          ? 1
          : std::min<int64_t>(rows, 4 * std::max(1, device.numThreads()));
  std::vector<T> partial(blocks * c, T(0));
  ParallelFor(device, blocks, static_cast<double>(rows / blocks * c),
              [&](int64_t b0, int64_t b1) {
                for (int64_t b = b0; b < b1; ++b) {
                  T* acc = partial.data() + b * c;
                  for (int64_t r = rows * b / blocks;
                       r < rows * (b + 1) / blocks; ++r) {
                    const T* row = dy + r * c;
                    for (int64_t j = 0; j < c; ++j) acc[j] += row[j];
                  }
                }
              });
  std::copy_n(partial.data(), c, out);
  for (int64_t b = 1; b < blocks; ++b) {
    for (int64_t j = 0; j < c; ++j) out[j] += partial[b * c + j];
  }
}

absl::Status BiasAddKernel(KernelContext& ctx) {
  const Tensor& value = ctx.input(0);
  const Tensor& bias = ctx.input(1);
  ASSIGN_OR_RETURN(BiasLayout l, GetLayout(ctx, value.shape()));
  if (bias.rank() != 1 || bias.dim(0) != l.channels) {
    return ctx.InvalidArgument(
        absl::StrCat("bias must be 1-D with the size of value's channel dim ",
                     l.channels, ", got bias ", bias.shape().DebugString(),
                     " for value ", value.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, value.shape()));
  return DispatchNumber(ctx, value.dtype(), [&]<typename T>() {
    BiasAddCompute<T>(ctx.device(), value.data<T>(), bias.data<T>(), l,
                      out->data<T>());
    return absl::OkStatus();
  });
}

absl::Status BiasAddGradKernel(KernelContext& ctx) {
  const Tensor& dy = ctx.input(0);
  ASSIGN_OR_RETURN(BiasLayout l, GetLayout(ctx, dy.shape()));
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, {l.channels}));
  return DispatchNumber(ctx, dy.dtype(), [&]<typename T>() {
    if (dy.num_elements() == 0) {
      std::fill_n(out->data<T>(), l.channels, T(0));
    } else {
      BiasGradCompute<T>(ctx.device(), dy.data<T>(), l, out->data<T>());
    }
    return absl::OkStatus();
  });
}

}  // namespace

absl::Status RegisterConvBiasKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("BiasAdd", BiasAddKernel));
  RETURN_IF_ERROR(r.Register("BiasAddV1", BiasAddKernel));
  return r.Register("BiasAddGrad", BiasAddGradKernel);
}

}  // namespace graphflow
