// _FusedMaxPoolGradConv2DBackpropFilter (ops/fused_ops.cc): the filter
// gradient of conv -> relu -> max pool, from the pool's argmax. Of the conv
// output's gradient only one cell per pooling window can be nonzero (its
// maximum, when positive: ReluGrad's mask), so the filter gradient is a sum
// over the pooled cells instead of over every conv output cell: 64x fewer
// terms for an 8x8 pool. Images are summed in fixed chunks, added in order,
// so the result does not depend on the thread count.
#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/padding.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"

namespace graphflow {
namespace {

// NHWC, SAME/VALID convolution sizes along one spatial dim.
struct ConvDim {
  int64_t in = 0, filter = 0, stride = 1, dilation = 1, out = 0, pad = 0;
};

absl::StatusOr<ConvDim> ReadDim(const KernelContext& ctx, int d, int64_t in,
                                int64_t filter) {
  std::vector<int64_t> strides, dilations;
  std::string padding_name, data_format;
  RETURN_IF_ERROR(ctx.GetAttr("strides", &strides));
  RETURN_IF_ERROR(ctx.GetAttr("dilations", &dilations));
  RETURN_IF_ERROR(ctx.GetAttr("padding", &padding_name));
  RETURN_IF_ERROR(ctx.GetAttr("data_format", &data_format));
  if (data_format != "NHWC" || padding_name == "EXPLICIT" ||
      strides.size() != 4 || dilations.size() != 4) {
    return ctx.Error(absl::StatusCode::kUnimplemented,
                     "only NHWC, SAME or VALID, 4 strides and dilations");
  }
  auto padding = ParsePadding(padding_name);
  if (!padding.ok()) return ctx.InvalidArgument(padding.status().message());
  ConvDim dim{in, filter, strides[d], dilations[d], 0, 0};
  auto w = ComputeWindowDim(in, filter, dim.stride, *padding, dim.dilation);
  if (!w.ok()) return ctx.InvalidArgument(w.status().message());
  dim.out = w->output, dim.pad = w->pad_before;
  return dim;
}

// x / d by a multiply: a 64-bit division per pooled cell would cost more
// than the cell's arithmetic.
struct Divider {
  int64_t d;
  double inverse;
  explicit Divider(int64_t divisor)
      : d(divisor), inverse(1.0 / static_cast<double>(divisor)) {}
  int64_t operator()(int64_t x) const {  // x >= 0, exact below 2^52.
    int64_t q = static_cast<int64_t>(static_cast<double>(x) * inverse);
    if (q * d > x) --q;
    if ((q + 1) * d <= x) ++q;
    return q;
  }
};

// acc[kh][kw][:] += g * the input patch of conv output cell (oh, ow).
template <typename T>
void AddPatch(const ConvDim& rows, const ConvDim& cols, int64_t in_depth,
              const T* image, int64_t oh, int64_t ow, T g, T* acc) {
  const int64_t row_taps = cols.filter * in_depth;
  const int64_t iw0 = ow * cols.stride - cols.pad;
  // Undilated and inside the image across: each filter row's taps and its
  // input span are contiguous, one vectorized loop.
  const bool span =
      cols.dilation == 1 && iw0 >= 0 && iw0 + cols.filter <= cols.in;
  for (int64_t kh = 0; kh < rows.filter; ++kh) {
    const int64_t ih = oh * rows.stride - rows.pad + kh * rows.dilation;
    if (ih < 0 || ih >= rows.in) continue;
    const T* row = image + ih * cols.in * in_depth;
    T* dst_row = acc + kh * row_taps;
    if (span) {
      const T* src = row + iw0 * in_depth;
      for (int64_t j = 0; j < row_taps; ++j) dst_row[j] += g * src[j];
      continue;
    }
    for (int64_t kw = 0; kw < cols.filter; ++kw) {
      const int64_t iw = iw0 + kw * cols.dilation;
      if (iw < 0 || iw >= cols.in) continue;
      const T* src = row + iw * in_depth;
      T* dst = dst_row + kw * in_depth;
      for (int64_t ci = 0; ci < in_depth; ++ci) dst[ci] += g * src[ci];
    }
  }
}

template <typename T>
absl::Status Compute(KernelContext& ctx, const ConvDim& rows,
                     const ConvDim& cols, int64_t in_depth, int64_t out_depth,
                     Tensor* filter_grad) {
  const Tensor& x = ctx.input(0);
  const Tensor& grad = ctx.input(2);
  const int64_t batch = x.dim(0);
  const int64_t per_image = grad.num_elements() / batch;
  const int64_t conv_cells = rows.out * cols.out * out_depth;
  const int64_t taps = rows.filter * cols.filter * in_depth;
  // Partial sums laid out [chunk][out_depth][kh][kw][in_depth].
  const int64_t chunks = std::min<int64_t>(batch, 16);
  std::vector<T> partial(chunks * out_depth * taps, T(0));
  const T* px = x.data<T>();
  const T* pg = grad.data<T>();
  const T* py = ctx.input(4).data<T>();
  const int64_t* pa = ctx.input(3).data<int64_t>();
  std::atomic<int64_t> bad{-1};
  const Divider by_depth(out_depth), by_cols(cols.out);
  auto run_chunk = [&](int64_t chunk) {
    T* acc = partial.data() + chunk * out_depth * taps;
    for (int64_t n = chunk * batch / chunks; n < (chunk + 1) * batch / chunks;
         ++n) {
      const T* image = px + n * rows.in * cols.in * in_depth;
      for (int64_t i = n * per_image; i < (n + 1) * per_image; ++i) {
        if (!(py[i] > T(0))) continue;  // ReluGrad's mask.
        const int64_t at = pa[i];
        if (at < 0 || at >= conv_cells) {
          bad.store(i);
          return;
        }
        const int64_t cell = by_depth(at);
        const int64_t oh = by_cols(cell);
        AddPatch(rows, cols, in_depth, image, oh, cell - oh * cols.out, pg[i],
                 acc + (at - cell * out_depth) * taps);
      }
    }
  };
  ParallelFor(ctx.device(), chunks,
              static_cast<double>(per_image * taps) * batch / chunks,
              [&](int64_t c0, int64_t c1) {
                for (int64_t chunk = c0; chunk < c1; ++chunk) run_chunk(chunk);
              });
  if (const int64_t i = bad.load(); i >= 0) {
    return ctx.InvalidArgument(absl::StrCat("argmax[", i, "] = ", pa[i],
                                            " is outside the conv output's ",
                                            conv_cells, " cells per image"));
  }
  // Sum the chunks in order and transpose to HWIO.
  T* out = filter_grad->data<T>();
  for (int64_t oc = 0; oc < out_depth; ++oc) {
    for (int64_t t = 0; t < taps; ++t) {
      T sum = T(0);
      for (int64_t chunk = 0; chunk < chunks; ++chunk) {
        sum += partial[(chunk * out_depth + oc) * taps + t];
      }
      out[t * out_depth + oc] = sum;
    }
  }
  return absl::OkStatus();
}

absl::Status FusedMaxPoolGradConv2DBackpropFilterKernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& sizes = ctx.input(1);
  if (x.rank() != 4 || sizes.rank() != 1 || sizes.num_elements() != 4) {
    return ctx.InvalidArgument(absl::StrCat(
        "input must be 4-D and filter_sizes a 4-vector, got ",
        x.shape().DebugString(), " and ", sizes.shape().DebugString()));
  }
  const int32_t* s = sizes.data<int32_t>();
  if (s[0] < 1 || s[1] < 1 || s[2] != x.dim(3) || s[3] < 1) {
    return ctx.InvalidArgument(
        absl::StrCat("filter_sizes [", s[0], ",", s[1], ",", s[2], ",", s[3],
                     "] must be positive with in_channels ", x.dim(3)));
  }
  ASSIGN_OR_RETURN(ConvDim rows, ReadDim(ctx, 1, x.dim(1), s[0]));
  ASSIGN_OR_RETURN(ConvDim cols, ReadDim(ctx, 2, x.dim(2), s[1]));
  const TensorShape& pooled = ctx.input(2).shape();
  if (pooled.rank() != 4 || pooled.dim(0) != x.dim(0) ||
      pooled.dim(3) != s[3] || ctx.input(3).shape() != pooled ||
      ctx.input(4).shape() != pooled) {
    return ctx.InvalidArgument(absl::StrCat(
        "grad, argmax and orig_output must have one pooled shape [", x.dim(0),
        ", ?, ?, ", s[3], "], got ", pooled.DebugString(), ", ",
        ctx.input(3).shape().DebugString(), ", ",
        ctx.input(4).shape().DebugString()));
  }
  ASSIGN_OR_RETURN(Tensor * out,
                   ctx.AllocateOutput(0, TensorShape{s[0], s[1], s[2], s[3]}));
  if (x.dim(0) == 0) {
    out->FillZero();
    return absl::OkStatus();
  }
  return DispatchType<FloatTypes>(
      x.dtype(),
      [&]<typename T>() {
        return Compute<T>(ctx, rows, cols, s[2], s[3], out);
      },
      ctx.UnsupportedDtype());
}

}  // namespace

absl::Status RegisterFusedConvGradKernels(KernelRegistry& r) {
  return r.Register("_FusedMaxPoolGradConv2DBackpropFilter",
                    FusedMaxPoolGradConv2DBackpropFilterKernel);
}

}  // namespace graphflow
