// Kernels of ops/batch_norm_ops.cc, with TF's CPU numerics: training
// normalizes with the batch mean and biased variance, reports the
// Bessel-corrected variance as batch_variance and keeps the mean and biased
// variance in reserve_space_1/2 for the gradient. Sums run in double.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"

namespace graphflow {
namespace {

// A 4-D tensor seen as [outer, channels, inner]: NHWC is [N*H*W, C, 1],
// NCHW is [N, C, H*W].
struct Layout {
  int64_t outer = 0, channels = 0, inner = 0;
  int64_t count() const { return outer * inner; }  // Values per channel.
  template <typename F>
  void ForEach(const F& f) const {  // f(flat index, channel).
    int64_t k = 0;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t c = 0; c < channels; ++c) {
        for (int64_t i = 0; i < inner; ++i) f(k++, c);
      }
    }
  }
};

struct BatchNormAttrs {
  float epsilon = 0.0001f;
  bool nchw = false;
  bool is_training = true;
};

absl::StatusOr<BatchNormAttrs> ReadAttrs(const KernelContext& ctx) {
  BatchNormAttrs a;
  std::string format;
  RETURN_IF_ERROR(ctx.GetAttr("epsilon", &a.epsilon));
  RETURN_IF_ERROR(ctx.GetAttr("data_format", &format));
  RETURN_IF_ERROR(ctx.GetAttr("is_training", &a.is_training));
  a.nchw = format == "NCHW";
  return a;
}

absl::StatusOr<Layout> Check4D(const KernelContext& ctx, int i, bool nchw) {
  const Tensor& t = ctx.input(i);
  if (t.rank() != 4) {
    return ctx.InvalidArgument(absl::StrCat(ctx.node().op_def().inputs[i].name,
                                            " must be 4-dimensional, got ",
                                            t.shape().DebugString()));
  }
  if (nchw) return Layout{t.dim(0), t.dim(1), t.dim(2) * t.dim(3)};
  return Layout{t.dim(0) * t.dim(1) * t.dim(2), t.dim(3), 1};
}

// Input i must be a vector of `size` entries (or, if allow_empty, none).
absl::Status CheckVector(const KernelContext& ctx, int i, int64_t size,
                         bool allow_empty = false) {
  const Tensor& t = ctx.input(i);
  if (t.rank() == 1 &&
      (t.dim(0) == size || (allow_empty && t.num_elements() == 0))) {
    return absl::OkStatus();
  }
  return ctx.InvalidArgument(absl::StrCat(
      ctx.node().op_def().inputs[i].name, " must be a vector of ", size,
      " entries (the channels of x)", allow_empty ? " or empty" : "",
      ", got shape ", t.shape().DebugString()));
}

absl::StatusOr<float*> AllocVector(KernelContext& ctx, int i, int64_t n) {
  ASSIGN_OR_RETURN(Tensor * t, ctx.AllocateOutput(i, DT_FLOAT, {n}));
  return t->data<float>();
}

// TF registers float CPU kernels only (T and U); half and bfloat16 are
// schema types without a kernel.
absl::Status CheckFloat(const KernelContext& ctx, int t_input, int u_input) {
  for (int i : {t_input, u_input}) {
    if (ctx.input(i).dtype() != DT_FLOAT) {
      return ctx.UnsupportedDtype()(ctx.input(i).dtype());
    }
  }
  return absl::OkStatus();
}

absl::Status FusedBatchNormKernel(KernelContext& ctx) {
  RETURN_IF_ERROR(CheckFloat(ctx, 0, 1));
  ASSIGN_OR_RETURN(BatchNormAttrs a, ReadAttrs(ctx));
  ASSIGN_OR_RETURN(Layout l, Check4D(ctx, 0, a.nchw));
  const int64_t depth = l.channels;
  for (int i = 1; i < 5; ++i) {
    // Training ignores mean and variance; TF passes them empty.
    RETURN_IF_ERROR(CheckVector(ctx, i, depth, a.is_training && i >= 3));
  }
  const Tensor& x = ctx.input(0);
  ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x.shape()));
  ASSIGN_OR_RETURN(float* batch_mean, AllocVector(ctx, 1, depth));
  ASSIGN_OR_RETURN(float* batch_var, AllocVector(ctx, 2, depth));
  ASSIGN_OR_RETURN(float* saved_mean, AllocVector(ctx, 3, depth));
  ASSIGN_OR_RETURN(float* saved_var, AllocVector(ctx, 4, depth));
  if (ctx.num_outputs() > 5) {  // V3's reserve_space_3: unused on CPU.
    ASSIGN_OR_RETURN(Tensor * r3, ctx.AllocateOutput(5, DT_FLOAT, {}));
    r3->data<float>()[0] = 0;
  }
  const float* px = x.data<float>();
  const float* scale = ctx.input(1).data<float>();
  const float* offset = ctx.input(2).data<float>();
  std::vector<double> mean(depth), var(depth);
  if (a.is_training) {
    const int64_t n = l.count();
    std::vector<double> sum(depth, 0.0), sq(depth, 0.0);
    l.ForEach([&](int64_t k, int64_t c) { sum[c] += px[k]; });
    // n == 0 gives NaN statistics, as TF's GPU kernel reports.
    for (int64_t c = 0; c < depth; ++c) mean[c] = sum[c] / n;
    l.ForEach([&](int64_t k, int64_t c) {
      const double d = px[k] - mean[c];
      sq[c] += d * d;
    });
    const double bessel = static_cast<double>(n) / std::max<int64_t>(n - 1, 1);
    for (int64_t c = 0; c < depth; ++c) {
      var[c] = sq[c] / n;
      batch_mean[c] = saved_mean[c] = static_cast<float>(mean[c]);
      saved_var[c] = static_cast<float>(var[c]);
      batch_var[c] = static_cast<float>(var[c] * bessel);
    }
  } else {
    const float* m = ctx.input(3).data<float>();
    const float* v = ctx.input(4).data<float>();
    for (int64_t c = 0; c < depth; ++c) {
      mean[c] = m[c];
      var[c] = v[c];
      batch_mean[c] = saved_mean[c] = m[c];
      batch_var[c] = saved_var[c] = v[c];
    }
  }
  std::vector<double> mul(depth);
  for (int64_t c = 0; c < depth; ++c) {
    mul[c] = scale[c] / std::sqrt(var[c] + a.epsilon);
  }
  float* py = y->data<float>();
  l.ForEach([&](int64_t k, int64_t c) {
    py[k] = static_cast<float>((px[k] - mean[c]) * mul[c] + offset[c]);
  });
  return absl::OkStatus();
}

// x_backprop = scale / sqrt(var + eps) * (dy - mean(dy) - (x - mean) *
// mean(dy * (x - mean)) / (var + eps)) in training, dy * scale /
// sqrt(var + eps) in inference; scale_backprop = sum(dy * (x - mean)) /
// sqrt(var + eps); offset_backprop = sum(dy).
absl::Status FusedBatchNormGradKernel(KernelContext& ctx) {
  RETURN_IF_ERROR(CheckFloat(ctx, 0, 3));
  ASSIGN_OR_RETURN(BatchNormAttrs a, ReadAttrs(ctx));
  ASSIGN_OR_RETURN(Layout l, Check4D(ctx, 1, a.nchw));
  RETURN_IF_ERROR(Check4D(ctx, 0, a.nchw).status());
  const Tensor& dy = ctx.input(0);
  const Tensor& x = ctx.input(1);
  if (dy.shape() != x.shape()) {
    return ctx.InvalidArgument(absl::StrCat(
        "y_backprop and x must have the same shape, got ",
        dy.shape().DebugString(), " and ", x.shape().DebugString()));
  }
  const int64_t depth = l.channels;
  for (int i = 2; i < 5; ++i) RETURN_IF_ERROR(CheckVector(ctx, i, depth));
  ASSIGN_OR_RETURN(Tensor * dx, ctx.AllocateOutput(0, x.shape()));
  ASSIGN_OR_RETURN(float* dscale, AllocVector(ctx, 1, depth));
  ASSIGN_OR_RETURN(float* doffset, AllocVector(ctx, 2, depth));
  RETURN_IF_ERROR(AllocVector(ctx, 3, 0).status());  // TF's placeholders.
  RETURN_IF_ERROR(AllocVector(ctx, 4, 0).status());
  const float* pdy = dy.data<float>();
  const float* px = x.data<float>();
  const float* scale = ctx.input(2).data<float>();
  const float* mean = ctx.input(3).data<float>();
  const float* var = ctx.input(4).data<float>();
  std::vector<double> sum_dy(depth, 0.0), sum_dy_xc(depth, 0.0), rstd(depth);
  l.ForEach([&](int64_t k, int64_t c) {
    sum_dy[c] += pdy[k];
    sum_dy_xc[c] += static_cast<double>(pdy[k]) * (px[k] - mean[c]);
  });
  for (int64_t c = 0; c < depth; ++c) {
    rstd[c] = 1.0 / std::sqrt(static_cast<double>(var[c]) + a.epsilon);
    dscale[c] = static_cast<float>(sum_dy_xc[c] * rstd[c]);
    doffset[c] = static_cast<float>(sum_dy[c]);
  }
  float* pdx = dx->data<float>();
  if (!a.is_training) {
    l.ForEach([&](int64_t k, int64_t c) {
      pdx[k] = static_cast<float>(pdy[k] * scale[c] * rstd[c]);
    });
    return absl::OkStatus();
  }
  const double n = static_cast<double>(l.count());
  l.ForEach([&](int64_t k, int64_t c) {
    const double xc = px[k] - mean[c];
    const double centered =
        pdy[k] - sum_dy[c] / n - xc * rstd[c] * rstd[c] * sum_dy_xc[c] / n;
    pdx[k] = static_cast<float>(scale[c] * rstd[c] * centered);
  });
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterBatchNormKernels(KernelRegistry& r) {
  for (const char* op :
       {"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"}) {
    RETURN_IF_ERROR(r.Register(op, FusedBatchNormKernel));
  }
  for (const char* op :
       {"FusedBatchNormGrad", "FusedBatchNormGradV2", "FusedBatchNormGradV3"}) {
    RETURN_IF_ERROR(r.Register(op, FusedBatchNormGradKernel));
  }
  return absl::OkStatus();
}

}  // namespace graphflow
