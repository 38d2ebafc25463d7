// Kernels of ops/conv_ops.cc: Conv2D and its input/filter gradients (the
// compute is in conv_compute.cc; NCHW is transposed to NHWC around it), and
// the BiasAdd family.
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/padding.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/conv_compute.h"
#include "kernels/eigen.h"
#include "kernels/fused_util.h"

namespace graphflow {
namespace {

// The conv attrs, checked; spatial values are in (rows, cols) order.
struct ConvParams {
  bool nchw = false;
  bool explicit_padding = false;
  Padding padding = Padding::kValid;
  std::array<int64_t, 2> strides{1, 1}, dilations{1, 1};
  std::array<std::array<int64_t, 2>, 2> pads{};  // [rows|cols][before|after]

  // A 4-D shape in data_format order as NHWC, and back.
  TensorShape ToNhwc(const TensorShape& s) const {
    return nchw ? TensorShape{s.dim(0), s.dim(2), s.dim(3), s.dim(1)} : s;
  }
  TensorShape FromNhwc(const TensorShape& s) const {
    return nchw ? TensorShape{s.dim(0), s.dim(3), s.dim(1), s.dim(2)} : s;
  }
};

absl::StatusOr<ConvParams> ReadConvParams(const KernelContext& ctx) {
  ConvParams p;
  std::string data_format, padding;
  std::vector<int64_t> strides, dilations, explicit_paddings;
  RETURN_IF_ERROR(ctx.GetAttr("data_format", &data_format));
  RETURN_IF_ERROR(ctx.GetAttr("padding", &padding));
  RETURN_IF_ERROR(ctx.GetAttr("strides", &strides));
  RETURN_IF_ERROR(ctx.GetAttr("dilations", &dilations));
  RETURN_IF_ERROR(ctx.GetAttr("explicit_paddings", &explicit_paddings));
  p.nchw = data_format == "NCHW";
  const int h = p.nchw ? 2 : 1, w = p.nchw ? 3 : 2, ch = p.nchw ? 1 : 3;
  for (const std::vector<int64_t>* list : {&strides, &dilations}) {
    if (list->size() != 4 || (*list)[0] != 1 || (*list)[ch] != 1 ||
        (*list)[h] < 1 || (*list)[w] < 1) {
      return ctx.InvalidArgument(absl::StrCat(
          list == &strides ? "strides" : "dilations", " [",
          absl::StrJoin(*list, ", "),
          "] must have 4 positive values, 1 in the batch and depth dims"));
    }
  }
  p.strides = {strides[h], strides[w]};
  p.dilations = {dilations[h], dilations[w]};
  p.explicit_padding = padding == "EXPLICIT";
  if (!p.explicit_padding) {
    auto parsed = ParsePadding(padding);
    if (!parsed.ok()) return ctx.InvalidArgument(parsed.status().message());
    p.padding = *parsed;
    return p;
  }
  if (explicit_paddings.size() != 8) {
    return ctx.InvalidArgument("explicit_paddings must have 8 values");
  }
  for (int64_t v : explicit_paddings) {
    if (v < 0) return ctx.InvalidArgument("explicit_paddings must be >= 0");
  }
  p.pads = {{{explicit_paddings[2 * h], explicit_paddings[2 * h + 1]},
             {explicit_paddings[2 * w], explicit_paddings[2 * w + 1]}}};
  return p;
}

// The geometry of convolving an NHWC-ordered input shape with an HWIO filter.
absl::StatusOr<ConvGeometry> MakeGeometry(const KernelContext& ctx,
                                          const ConvParams& p,
                                          const TensorShape& in,
                                          const TensorShape& filter) {
  if (in.rank() != 4 || filter.rank() != 4) {
    return ctx.InvalidArgument(
        absl::StrCat("input and filter must be 4-D, got ", in.DebugString(),
                     " and ", filter.DebugString()));
  }
  if (in.dim(3) != filter.dim(2)) {
    return ctx.InvalidArgument(absl::StrCat(
        "input depth ", in.dim(3), " does not match the filter's in_channels ",
        filter.dim(2), " (filter ", filter.DebugString(), ")"));
  }
  ConvGeometry g;
  g.batch = in.dim(0);
  g.in_rows = in.dim(1);
  g.in_cols = in.dim(2);
  g.in_depth = in.dim(3);
  g.filter_rows = filter.dim(0);
  g.filter_cols = filter.dim(1);
  g.out_depth = filter.dim(3);
  g.stride_rows = p.strides[0];
  g.stride_cols = p.strides[1];
  g.dilation_rows = p.dilations[0];
  g.dilation_cols = p.dilations[1];
  int64_t* out[2] = {&g.out_rows, &g.out_cols};
  int64_t* pad[2] = {&g.pad_top, &g.pad_left};
  const int64_t sizes[2] = {g.in_rows, g.in_cols};
  const int64_t windows[2] = {g.filter_rows, g.filter_cols};
  for (int a = 0; a < 2; ++a) {
    absl::StatusOr<WindowDim> d =
        p.explicit_padding
            ? ComputeWindowDim(sizes[a] + p.pads[a][0] + p.pads[a][1],
                               windows[a], p.strides[a], Padding::kValid,
                               p.dilations[a])
            : ComputeWindowDim(sizes[a], windows[a], p.strides[a], p.padding,
                               p.dilations[a]);
    if (!d.ok()) return ctx.InvalidArgument(d.status().message());
    *out[a] = d->output;
    *pad[a] = p.explicit_padding ? p.pads[a][0] : d->pad_before;
  }
  return g;
}

// The shape out_backprop must have (in data_format order).
TensorShape OutputShape(const ConvParams& p, const ConvGeometry& g) {
  return p.FromNhwc({g.batch, g.out_rows, g.out_cols, g.out_depth});
}

absl::Status CheckOutBackprop(const KernelContext& ctx, const ConvParams& p,
                              const ConvGeometry& g, const Tensor& dy) {
  TensorShape expected = OutputShape(p, g);
  if (dy.shape() != expected) {
    return ctx.InvalidArgument(absl::StrCat(
        "out_backprop has shape ", dy.shape().DebugString(),
        " but the convolution's output has shape ", expected.DebugString()));
  }
  return absl::OkStatus();
}

// A 4-D shape from a 1-D int32 sizes tensor (4 values, or with allow_two 2
// spatial values completed by batch and depth).
absl::StatusOr<TensorShape> ShapeFromSizes(const KernelContext& ctx,
                                           const ConvParams& p,
                                           const Tensor& sizes, bool allow_two,
                                           int64_t batch, int64_t depth) {
  const int64_t count = sizes.num_elements();
  if (sizes.rank() != 1 || (count != 4 && !(allow_two && count == 2))) {
    return ctx.InvalidArgument(absl::StrCat(
        "sizes must be a 1-D tensor of 4", allow_two ? " (or 2)" : "",
        " values, got shape ", sizes.shape().DebugString()));
  }
  std::vector<int64_t> dims(sizes.data<int32_t>(),
                            sizes.data<int32_t>() + count);
  if (count == 2) {
    TensorShape s = p.FromNhwc({batch, dims[0], dims[1], depth});
    dims.assign(s.dim_sizes().begin(), s.dim_sizes().end());
  }
  auto shape = TensorShape::Make(dims);
  if (!shape.ok()) return ctx.InvalidArgument(shape.status().message());
  return *shape;
}

// dst[n, c, r] = src[n, r, c]: NHWC <-> NCHW with rows/cols = HW/C or C/HW.
template <typename T>
void BatchTranspose(Eigen::ThreadPoolDevice& device, const T* src, int64_t n,
                    int64_t rows, int64_t cols, T* dst) {
  ParallelFor(device, n * cols, static_cast<double>(rows) * 2,
              [&](int64_t b, int64_t e) {
                for (int64_t u = b; u < e; ++u) {
                  const int64_t i = u / cols, c = u % cols;
                  const T* s = src + i * rows * cols + c;
                  T* d = dst + u * rows;
                  for (int64_t r = 0; r < rows; ++r) d[r] = s[r * cols];
                }
              });
}

// `t` (data_format order) as an NHWC tensor: itself, or a transposed copy.
template <typename T>
absl::StatusOr<Tensor> AsNhwc(const KernelContext& ctx, const ConvParams& p,
                              const Tensor& t) {
  if (!p.nchw) return t;
  ASSIGN_OR_RETURN(Tensor out,
                   Tensor::Allocate(t.dtype(), p.ToNhwc(t.shape())));
  BatchTranspose(ctx.device(), t.data<T>(), t.dim(0), t.dim(1),
                 t.dim(2) * t.dim(3), out.data<T>());
  return out;
}

// Runs `compute(T* nhwc_out)` writing into output 0 of `shape` (data_format
// order), through an NHWC buffer and a transpose for NCHW.
template <typename T, typename Fn>
absl::Status WithNhwcOutput(KernelContext& ctx, const ConvParams& p,
                            const TensorShape& shape, bool transpose,
                            Fn&& compute) {
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, shape));
  if (!p.nchw || !transpose) return compute(out->data<T>());
  TensorShape nhwc = p.ToNhwc(shape);
  ASSIGN_OR_RETURN(Tensor tmp, Tensor::Allocate(out->dtype(), nhwc));
  RETURN_IF_ERROR(compute(tmp.data<T>()));
  BatchTranspose(ctx.device(), tmp.data<T>(), nhwc.dim(0),
                 nhwc.dim(1) * nhwc.dim(2), nhwc.dim(3), out->data<T>());
  return absl::OkStatus();
}

absl::Status Conv2DKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ConvParams p, ReadConvParams(ctx));
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  if (input.rank() != 4) {
    return ctx.InvalidArgument(
        absl::StrCat("input must be 4-D, got ", input.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(ConvGeometry g, MakeGeometry(ctx, p, p.ToNhwc(input.shape()),
                                                filter.shape()));
  return DispatchType<FloatTypes>(
      input.dtype(),
      [&]<typename T>() {
        ASSIGN_OR_RETURN(Tensor x, AsNhwc<T>(ctx, p, input));
        return WithNhwcOutput<T>(ctx, p, OutputShape(p, g), true, [&](T* y) {
          return ConvForward<T>(ctx.device(), g, x.data<T>(), filter.data<T>(),
                                y);
        });
      },
      ctx.UnsupportedDtype());
}

absl::Status Conv2DBackpropInputKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ConvParams p, ReadConvParams(ctx));
  const Tensor& filter = ctx.input(1);
  const Tensor& dy = ctx.input(2);
  if (filter.rank() != 4 || dy.rank() != 4) {
    return ctx.InvalidArgument(absl::StrCat(
        "filter and out_backprop must be 4-D, got ",
        filter.shape().DebugString(), " and ", dy.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(
      TensorShape in_shape,
      ShapeFromSizes(ctx, p, ctx.input(0), true, dy.dim(0), filter.dim(2)));
  ASSIGN_OR_RETURN(ConvGeometry g,
                   MakeGeometry(ctx, p, p.ToNhwc(in_shape), filter.shape()));
  RETURN_IF_ERROR(CheckOutBackprop(ctx, p, g, dy));
  return DispatchType<FloatTypes>(
      dy.dtype(),
      [&]<typename T>() {
        ASSIGN_OR_RETURN(Tensor dy_nhwc, AsNhwc<T>(ctx, p, dy));
        return WithNhwcOutput<T>(ctx, p, in_shape, true, [&](T* dx) {
          return ConvBackpropInput<T>(ctx.device(), g, filter.data<T>(),
                                      dy_nhwc.data<T>(), dx);
        });
      },
      ctx.UnsupportedDtype());
}

absl::Status Conv2DBackpropFilterKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(ConvParams p, ReadConvParams(ctx));
  const Tensor& input = ctx.input(0);
  const Tensor& dy = ctx.input(2);
  if (input.rank() != 4 || dy.rank() != 4) {
    return ctx.InvalidArgument(absl::StrCat(
        "input and out_backprop must be 4-D, got ", input.shape().DebugString(),
        " and ", dy.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(TensorShape filter_shape,
                   ShapeFromSizes(ctx, p, ctx.input(1), false, 0, 0));
  ASSIGN_OR_RETURN(ConvGeometry g,
                   MakeGeometry(ctx, p, p.ToNhwc(input.shape()), filter_shape));
  RETURN_IF_ERROR(CheckOutBackprop(ctx, p, g, dy));
  return DispatchType<FloatTypes>(
      dy.dtype(),
      [&]<typename T>() {
        ASSIGN_OR_RETURN(Tensor x, AsNhwc<T>(ctx, p, input));
        ASSIGN_OR_RETURN(Tensor dy_nhwc, AsNhwc<T>(ctx, p, dy));
        return WithNhwcOutput<T>(ctx, p, filter_shape, false, [&](T* dw) {
          return ConvBackpropFilter<T>(ctx.device(), g, x.data<T>(),
                                       dy_nhwc.data<T>(), dw);
        });
      },
      ctx.UnsupportedDtype());
}

// ---- BiasAdd, BiasAddV1 and BiasAddGrad. ----

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
  return DispatchType<NumericTypes>(
      value.dtype(),
      [&]<typename T>() {
        BiasAddCompute<T>(ctx.device(), value.data<T>(), bias.data<T>(), l,
                          out->data<T>());
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

absl::Status BiasAddGradKernel(KernelContext& ctx) {
  const Tensor& dy = ctx.input(0);
  ASSIGN_OR_RETURN(BiasLayout l, GetLayout(ctx, dy.shape()));
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, {l.channels}));
  return DispatchType<NumericTypes>(
      dy.dtype(),
      [&]<typename T>() {
        if (dy.num_elements() == 0) {
          std::fill_n(out->data<T>(), l.channels, T(0));
        } else {
          BiasGradCompute<T>(ctx.device(), dy.data<T>(), l, out->data<T>());
        }
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

}  // namespace

absl::StatusOr<ConvGeometry> NhwcConvGeometry(const KernelContext& ctx,
                                              const TensorShape& input,
                                              const TensorShape& filter) {
  ASSIGN_OR_RETURN(ConvParams p, ReadConvParams(ctx));
  if (p.nchw) {
    return ctx.Error(absl::StatusCode::kUnimplemented,
                     "only NHWC is fused, got data_format 'NCHW'");
  }
  return MakeGeometry(ctx, p, input, filter);
}

absl::Status RegisterConvKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("Conv2D", Conv2DKernel));
  RETURN_IF_ERROR(r.Register("Conv2DBackpropInput", Conv2DBackpropInputKernel));
  RETURN_IF_ERROR(
      r.Register("Conv2DBackpropFilter", Conv2DBackpropFilterKernel));
  RETURN_IF_ERROR(r.Register("BiasAdd", BiasAddKernel));
  RETURN_IF_ERROR(r.Register("BiasAddV1", BiasAddKernel));
  return r.Register("BiasAddGrad", BiasAddGradKernel);
}

}  // namespace graphflow
