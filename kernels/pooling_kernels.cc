// Kernels of ops/pooling_ops.cc, 2-D pooling in NHWC: MaxPool, MaxPoolV2,
// AvgPool and the gradients MaxPoolGrad(V2), MaxPoolGradGrad and AvgPoolGrad.
// Windows are clipped to the real input (SAME padding never contributes a value
// and AvgPool divides by the real cell count), with graph/padding.h's
// arithmetic. Work is split over (image, output row) or (image, input row) on
// the device; the inner loops run over the contiguous channels.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/padding.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"
#include "kernels/pooling_geometry.h"

namespace graphflow {

absl::StatusOr<PoolGeometry> MakeGeometry(const KernelContext& ctx,
                                          const TensorShape& in,
                                          const std::vector<int64_t>& ksize,
                                          const std::vector<int64_t>& strides,
                                          absl::string_view padding_attr) {
  std::string padding_name;
  RETURN_IF_ERROR(ctx.GetAttr(padding_attr, &padding_name));
  // The argmax ops have no data_format: they are NHWC.
  const std::string* data_format =
      ctx.node().FindAttr<std::string>("data_format");
  if (data_format != nullptr && *data_format != "NHWC") {
    return ctx.Error(absl::StatusCode::kUnimplemented,
                     absl::StrCat("the CPU kernel only supports NHWC, got "
                                  "data_format '",
                                  *data_format, "'"));
  }
  if (in.rank() != 4) {
    return ctx.InvalidArgument(
        absl::StrCat("input must be 4-D [batch, rows, cols, depth], got ",
                     in.DebugString()));
  }
  if (ksize.size() != 4 || strides.size() != 4 || ksize[0] != 1 ||
      ksize[3] != 1 || strides[0] != 1 || strides[3] != 1) {
    return ctx.InvalidArgument(absl::StrCat(
        "ksize and strides must have 4 entries with 1 for batch and depth, "
        "got ksize [",
        absl::StrJoin(ksize, ","), "], strides [", absl::StrJoin(strides, ","),
        "]"));
  }
  auto padding = ParsePadding(padding_name);
  if (!padding.ok()) return ctx.InvalidArgument(padding.status().message());
  PoolGeometry g;
  g.batch = in.dim(0), g.in_rows = in.dim(1), g.in_cols = in.dim(2);
  g.depth = in.dim(3);
  g.window_rows = ksize[1], g.window_cols = ksize[2];
  g.stride_rows = strides[1], g.stride_cols = strides[2];
  auto rows = ComputeWindowDim(g.in_rows, ksize[1], strides[1], *padding);
  auto cols = ComputeWindowDim(g.in_cols, ksize[2], strides[2], *padding);
  for (const auto* d : {&rows, &cols}) {
    if (!d->ok()) {
      return ctx.InvalidArgument(absl::StrCat(d->status().message(), " (input ",
                                              in.DebugString(), ")"));
    }
  }
  g.out_rows = rows->output, g.pad_rows = rows->pad_before;
  g.out_cols = cols->output, g.pad_cols = cols->pad_before;
  return g;
}

absl::StatusOr<PoolGeometry> GeometryFromAttrs(const KernelContext& ctx,
                                               const TensorShape& in) {
  std::vector<int64_t> ksize, strides;
  RETURN_IF_ERROR(ctx.GetAttr("ksize", &ksize));
  RETURN_IF_ERROR(ctx.GetAttr("strides", &strides));
  return MakeGeometry(ctx, in, ksize, strides);
}

absl::Status CheckGradShape(const KernelContext& ctx, const PoolGeometry& g,
                            const Tensor& t, absl::string_view what) {
  if (t.shape() != g.output_shape()) {
    return ctx.InvalidArgument(absl::StrCat(
        what, " must have the pooled shape ", g.output_shape().DebugString(),
        ", got ", t.shape().DebugString()));
  }
  return absl::OkStatus();
}

namespace {

// Max over each clipped window; padded cells never take part.
template <typename T>
void MaxPoolForward(Eigen::ThreadPoolDevice& device, const PoolGeometry& g,
                    const T* in, T* out) {
  const int64_t depth = g.depth;
  ParallelFor(device, g.batch * g.out_rows, g.out_cols * g.WindowCost(),
              [&](int64_t begin, int64_t end) {
                for (int64_t t = begin; t < end; ++t) {
                  const int64_t n = t / g.out_rows, oh = t % g.out_rows;
                  int64_t h0, h1;
                  g.Rows(oh, &h0, &h1);
                  for (int64_t ow = 0; ow < g.out_cols; ++ow) {
                    int64_t w0, w1;
                    g.Cols(ow, &w0, &w1);
                    T* o = out + g.Out(n, oh, ow);
                    std::copy_n(in + g.In(n, h0, w0), depth, o);
                    for (int64_t h = h0; h < h1; ++h) {
                      for (int64_t w = w0; w < w1; ++w) {
                        const T* p = in + g.In(n, h, w);
                        for (int64_t c = 0; c < depth; ++c) {
                          o[c] = o[c] < p[c] ? p[c] : o[c];
                        }
                      }
                    }
                  }
                }
              });
}

absl::Status RunMaxPool(KernelContext& ctx, const std::vector<int64_t>& ksize,
                        const std::vector<int64_t>& strides) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(PoolGeometry g,
                   MakeGeometry(ctx, in.shape(), ksize, strides));
  return DispatchType<NumericTypes>(
      in.dtype(),
      [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, g.output_shape()));
        if (out->num_elements() > 0) {
          MaxPoolForward<T>(ctx.device(), g, in.data<T>(), out->data<T>());
        }
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

absl::Status MaxPoolKernel(KernelContext& ctx) {
  std::vector<int64_t> ksize, strides;
  RETURN_IF_ERROR(ctx.GetAttr("ksize", &ksize));
  RETURN_IF_ERROR(ctx.GetAttr("strides", &strides));
  return RunMaxPool(ctx, ksize, strides);
}

// ksize and strides from int32 inputs `first` and `first + 1` (the V2 ops).
absl::Status WindowFromInputs(const KernelContext& ctx, int first,
                              std::vector<int64_t>* ksize,
                              std::vector<int64_t>* strides) {
  std::vector<int64_t>* v[2] = {ksize, strides};
  for (int i = 0; i < 2; ++i) {
    const Tensor& t = ctx.input(first + i);
    if (t.rank() != 1 || t.num_elements() != 4) {
      return ctx.InvalidArgument(absl::StrCat(
          i == 0 ? "ksize" : "strides", " must be a vector of 4 entries, got ",
          t.shape().DebugString()));
    }
    const int32_t* p = t.data<int32_t>();
    v[i]->assign(p, p + 4);
  }
  return absl::OkStatus();
}

absl::Status MaxPoolV2Kernel(KernelContext& ctx) {
  std::vector<int64_t> ksize, strides;
  RETURN_IF_ERROR(WindowFromInputs(ctx, 1, &ksize, &strides));
  return RunMaxPool(ctx, ksize, strides);
}

absl::Status AvgPoolKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(PoolGeometry g, GeometryFromAttrs(ctx, in.shape()));
  return DispatchType<FloatTypes>(
      in.dtype(),
      [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, g.output_shape()));
        if (out->num_elements() == 0) return absl::OkStatus();
        const T* pin = in.data<T>();
        T* pout = out->data<T>();
        const int64_t depth = g.depth;
        ParallelFor(ctx.device(), g.batch * g.out_rows,
                    g.out_cols * g.WindowCost(),
                    [&](int64_t begin, int64_t end) {
                      for (int64_t t = begin; t < end; ++t) {
                        const int64_t n = t / g.out_rows, oh = t % g.out_rows;
                        int64_t h0, h1;
                        g.Rows(oh, &h0, &h1);
                        for (int64_t ow = 0; ow < g.out_cols; ++ow) {
                          int64_t w0, w1;
                          g.Cols(ow, &w0, &w1);
                          T* o = pout + g.Out(n, oh, ow);
                          std::fill_n(o, depth, T(0));
                          for (int64_t h = h0; h < h1; ++h) {
                            for (int64_t w = w0; w < w1; ++w) {
                              const T* p = pin + g.In(n, h, w);
                              for (int64_t c = 0; c < depth; ++c) o[c] += p[c];
                            }
                          }
                          // Only real cells count, as in TF.
                          const T count = static_cast<T>((h1 - h0) * (w1 - w0));
                          for (int64_t c = 0; c < depth; ++c) o[c] /= count;
                        }
                      }
                    });
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

// Routes each output gradient to the first maximum of its window in
// row-major window order (TF's tie-break), summing where windows overlap.
absl::Status RunMaxPoolGrad(KernelContext& ctx,
                            const std::vector<int64_t>& ksize,
                            const std::vector<int64_t>& strides) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(PoolGeometry g,
                   MakeGeometry(ctx, in.shape(), ksize, strides));
  RETURN_IF_ERROR(CheckGradShape(ctx, g, ctx.input(1), "orig_output"));
  RETURN_IF_ERROR(CheckGradShape(ctx, g, ctx.input(2), "grad"));
  return DispatchType<NumericTypes>(
      in.dtype(),
      [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in.shape()));
        if (g.output_shape().num_elements() == 0) {
          out->FillZero();
          return absl::OkStatus();
        }
        const T* pin = in.data<T>();
        const T* pgrad = ctx.input(2).data<T>();
        T* pout = out->data<T>();
        // Pass 1: the argmaxes; pass 2: zero and scatter-add, one image per
        // task so overlaps never race.
        std::vector<int64_t> argmax = Argmaxes(ctx.device(), g, pin);
        const int64_t per_image = g.out_per_image();
        ParallelFor(ctx.device(), g.batch, 2.0 * per_image + g.in_per_image(),
                    [&](int64_t begin, int64_t end) {
                      for (int64_t n = begin; n < end; ++n) {
                        T* dst = pout + g.In(n, 0, 0);
                        std::fill_n(dst, g.in_per_image(), T(0));
                        const int64_t* idx = argmax.data() + n * per_image;
                        const T* src = pgrad + n * per_image;
                        for (int64_t i = 0; i < per_image; ++i) {
                          dst[idx[i]] += src[i];
                        }
                      }
                    });
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

absl::Status MaxPoolGradKernel(KernelContext& ctx) {
  std::vector<int64_t> ksize, strides;
  RETURN_IF_ERROR(ctx.GetAttr("ksize", &ksize));
  RETURN_IF_ERROR(ctx.GetAttr("strides", &strides));
  return RunMaxPoolGrad(ctx, ksize, strides);
}

absl::Status MaxPoolGradV2Kernel(KernelContext& ctx) {
  std::vector<int64_t> ksize, strides;
  RETURN_IF_ERROR(WindowFromInputs(ctx, 3, &ksize, &strides));
  return RunMaxPoolGrad(ctx, ksize, strides);
}

// The gradient of MaxPoolGrad: each output cell takes the incoming gradient
// (shaped like orig_input) at its window's first maximum.
absl::Status MaxPoolGradGradKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& grad = ctx.input(2);
  ASSIGN_OR_RETURN(PoolGeometry g, GeometryFromAttrs(ctx, in.shape()));
  RETURN_IF_ERROR(CheckGradShape(ctx, g, ctx.input(1), "orig_output"));
  if (grad.shape() != in.shape()) {
    return ctx.InvalidArgument(absl::StrCat(
        "grad must have orig_input's shape ", in.shape().DebugString(),
        ", got ", grad.shape().DebugString()));
  }
  return DispatchType<NumericTypes>(
      in.dtype(),
      [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, g.output_shape()));
        if (out->num_elements() == 0) return absl::OkStatus();
        std::vector<int64_t> argmax = Argmaxes(ctx.device(), g, in.data<T>());
        const int64_t per_image = g.out_rows * g.out_cols * g.depth;
        const T* pgrad = grad.data<T>();
        T* pout = out->data<T>();
        ParallelFor(ctx.device(), g.batch, 2.0 * per_image,
                    [&](int64_t begin, int64_t end) {
                      for (int64_t n = begin; n < end; ++n) {
                        const T* src = pgrad + g.In(n, 0, 0);
                        const int64_t* idx = argmax.data() + n * per_image;
                        T* dst = pout + n * per_image;
                        for (int64_t i = 0; i < per_image; ++i) {
                          dst[i] = src[idx[i]];
                        }
                      }
                    });
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

// Spreads each output gradient evenly over the real cells of its window.
// Gathers per input row, so every task writes only its own row.
absl::Status AvgPoolGradKernel(KernelContext& ctx) {
  const Tensor& shape_t = ctx.input(0);
  const Tensor& grad = ctx.input(1);
  if (shape_t.rank() != 1 || shape_t.num_elements() != 4) {
    return ctx.InvalidArgument(
        absl::StrCat("orig_input_shape must be a vector of 4 entries, got ",
                     shape_t.shape().DebugString()));
  }
  const int32_t* dims32 = shape_t.data<int32_t>();
  std::vector<int64_t> dims(dims32, dims32 + 4);
  auto in_shape = TensorShape::Make(dims);
  if (!in_shape.ok()) {
    return ctx.InvalidArgument(
        absl::StrCat("bad orig_input_shape [", absl::StrJoin(dims, ","),
                     "]: ", in_shape.status().message()));
  }
  ASSIGN_OR_RETURN(PoolGeometry g, GeometryFromAttrs(ctx, *in_shape));
  RETURN_IF_ERROR(CheckGradShape(ctx, g, grad, "grad"));
  return DispatchType<FloatTypes>(
      grad.dtype(),
      [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, *in_shape));
        out->FillZero();
        if (grad.num_elements() == 0) return absl::OkStatus();
        const T* pgrad = grad.data<T>();
        T* pout = out->data<T>();
        const int64_t depth = g.depth;
        const double cost =
            g.out_cols * g.WindowCost() / static_cast<double>(g.stride_rows);
        ParallelFor(ctx.device(), g.batch * g.in_rows, cost,
                    [&](int64_t begin, int64_t end) {
                      for (int64_t t = begin; t < end; ++t) {
                        const int64_t n = t / g.in_rows, h = t % g.in_rows;
                        // Output rows whose window holds input row h.
                        const int64_t top = h + g.pad_rows;  // >= 0.
                        const int64_t lo_num = top - g.window_rows + 1;
                        const int64_t oh_lo =
                            lo_num <= 0
                                ? 0
                                : (lo_num + g.stride_rows - 1) / g.stride_rows;
                        const int64_t oh_hi =
                            std::min(top / g.stride_rows, g.out_rows - 1);
                        for (int64_t oh = oh_lo; oh <= oh_hi; ++oh) {
                          int64_t h0, h1;
                          g.Rows(oh, &h0, &h1);
                          for (int64_t ow = 0; ow < g.out_cols; ++ow) {
                            int64_t w0, w1;
                            g.Cols(ow, &w0, &w1);
                            const T scale =
                                T(1) / static_cast<T>((h1 - h0) * (w1 - w0));
                            const T* src = pgrad + g.Out(n, oh, ow);
                            for (int64_t w = w0; w < w1; ++w) {
                              T* dst = pout + g.In(n, h, w);
                              for (int64_t c = 0; c < depth; ++c)
                                dst[c] += src[c] * scale;
                            }
                          }
                        }
                      }
                    });
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

}  // namespace

absl::Status RegisterPoolingKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("MaxPool", MaxPoolKernel));
  RETURN_IF_ERROR(r.Register("MaxPoolV2", MaxPoolV2Kernel));
  RETURN_IF_ERROR(r.Register("AvgPool", AvgPoolKernel));
  RETURN_IF_ERROR(r.Register("MaxPoolGrad", MaxPoolGradKernel));
  RETURN_IF_ERROR(r.Register("MaxPoolGradV2", MaxPoolGradV2Kernel));
  RETURN_IF_ERROR(r.Register("MaxPoolGradGrad", MaxPoolGradGradKernel));
  RETURN_IF_ERROR(r.Register("AvgPoolGrad", AvgPoolGradKernel));
  return RegisterPoolingArgmaxKernels(r);
}

}  // namespace graphflow
