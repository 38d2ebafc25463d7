// _FusedConv2DMaxPool (ops/fused_ops.cc): conv -> bias -> relu -> max pool
// with argmax. When the direct conv kernels run the conv (thin channels,
// like the course network's 64x64x3 -> 8 conv1), each task computes the
// band of conv rows one pooling window needs into a small buffer, applies
// the epilogue and pools it while it is in cache: the activation is never
// re-read from memory, and is written only with emit_activation. When
// Winograd or oneDNN runs it, each thread takes a few images at a time into an
// L2-sized buffer, then the epilogue and pool run over them there.
// Otherwise the conv runs whole, then the pool. All give the unfused values
// bit for bit (same conv kernels, epilogue and first-maximum search).
#include <algorithm>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/conv_compute.h"
#include "kernels/conv_direct.h"
#include "kernels/eigen.h"
#include "kernels/fused_util.h"
#include "kernels/pooling_geometry.h"

namespace graphflow {
namespace {

struct ConvPool {
  ConvGeometry conv;
  PoolGeometry pool;  // Over the conv's output.
  Epilogue epilogue;
  bool emit = true;
  bool emit_argmax = true;

  // The windows tile the conv rows exactly, so bands can write the
  // activation without gaps or overlaps.
  bool BandsTileRows() const {
    return pool.stride_rows == pool.window_rows &&
           (pool.out_rows - 1) * pool.stride_rows - pool.pad_rows +
                   pool.window_rows >=
               pool.in_rows;
  }
};

// out[o + c] = best[c], argmax[o + c] = idx[c] + shift (argmax may be null).
template <typename T, typename I, typename J>
void StorePooled(int64_t depth, const T* best, const I* idx, int64_t shift,
                 T* out, J* argmax) {
  for (int64_t c = 0; c < depth; ++c) {
    out[c] = best[c];
  }
  if (argmax == nullptr) return;
  for (int64_t c = 0; c < depth; ++c) {
    argmax[c] = static_cast<J>(static_cast<int64_t>(idx[c]) + shift);
  }
}

// Pooled row oh of image n into out / argmax (may be null) from `rows`,
// which holds the conv's rows [h0, h1) of that image.
template <typename T, typename I, int kDepth, typename J>
void PoolRow(const PoolGeometry& pg, const T* rows, int64_t n, int64_t oh,
             int64_t h0, int64_t h1, T* best, I* idx, T* out, J* argmax) {
  const int64_t row_size = pg.in_cols * pg.depth;
  for (int64_t ow = 0; ow < pg.out_cols; ++ow) {
    int64_t w0, w1;
    pg.Cols(ow, &w0, &w1);
    // Offsets in `rows` shift by h0 rows in the image.
    WindowArgmax<T, I, kDepth>(pg, rows, 0, h1 - h0, w0, w1, best, idx);
    const int64_t o = pg.Out(n, oh, ow);
    StorePooled(pg.depth, best, idx, h0 * row_size, out + o,
                argmax ? argmax + o : nullptr);
  }
}

// The banded path (direct conv): one task per (image, pooled row).
template <typename T, typename I, int kDepth, typename J>
void BandedConvPool(Eigen::ThreadPoolDevice& device, const ConvPool& p,
                    const T* input, const T* filter, const T* bias, T* act,
                    T* out, J* argmax) {
  const ConvGeometry& cg = p.conv;
  const PoolGeometry& pg = p.pool;
  const int64_t row_size = cg.out_cols * cg.out_depth;
  const StoreEpilogue<T> epilogue = {p.epilogue.bias ? bias : nullptr,
                                     p.epilogue.relu};
  const double cost =
      2.0 * pg.window_rows * cg.out_cols * cg.patch_size() * cg.out_depth;
  ParallelFor(
      device, pg.batch * pg.out_rows, cost, [&](int64_t t0, int64_t t1) {
        // Uninitialized: each band's rows are computed before they are read.
        std::unique_ptr<T[]> band(new T[pg.window_rows * row_size]);
        std::vector<T> best(pg.depth);
        std::vector<I> idx(pg.depth);
        for (int64_t t = t0; t < t1; ++t) {
          const int64_t n = t / pg.out_rows, oh = t % pg.out_rows;
          int64_t h0, h1;
          pg.Rows(oh, &h0, &h1);
          DirectConvForwardRows<T>(cg, input, filter, n * cg.out_rows + h0,
                                   n * cg.out_rows + h1, band.get(), epilogue);
          if (p.emit) {
            std::copy_n(band.get(), (h1 - h0) * row_size,
                        act + (n * cg.out_rows + h0) * row_size);
          }
          PoolRow<T, I, kDepth, J>(pg, band.get(), n, oh, h0, h1, best.data(),
                                   idx.data(), out, argmax);
        }
      });
}

// The chunked path (Winograd or oneDNN conv): a few images at a time into a
// cache-sized buffer, then the epilogue and the pool while it is there.
template <typename T, typename I, int kDepth, typename J>
absl::Status ChunkedConvPool(Eigen::ThreadPoolDevice& device, const ConvPool& p,
                             const T* input, const T* filter, const T* bias,
                             T* act, T* out, J* argmax) {
  if constexpr (!std::is_same_v<T, float>) {
    return absl::InternalError("chunked convolutions are float only");
  } else {
    const ConvGeometry& cg = p.conv;
    const PoolGeometry& pg = p.pool;
    const int64_t row_size = cg.out_cols * cg.out_depth;
    const int64_t image_size = cg.out_rows * row_size;
    // About 256 KiB of output per chunk: it stays in L2 for the pool.
    const int64_t chunk = std::max<int64_t>(1, (64 << 10) / image_size);
    return ConvForwardChunks(
        device, cg, input, filter, chunk,
        [&](int64_t b0, int64_t b1, float* y) {
          ApplyEpilogue<T>(p.epilogue, bias, cg.out_depth, y,
                           (b1 - b0) * cg.out_rows * cg.out_cols);
          if (p.emit)
            std::copy_n(y, (b1 - b0) * image_size, act + b0 * image_size);
          std::vector<T> best(pg.depth);
          std::vector<I> idx(pg.depth);
          for (int64_t n = b0; n < b1; ++n) {
            const T* image = y + (n - b0) * image_size;
            for (int64_t oh = 0; oh < pg.out_rows; ++oh) {
              int64_t h0, h1;
              pg.Rows(oh, &h0, &h1);
              PoolRow<T, I, kDepth, J>(pg, image + h0 * row_size, n, oh, h0, h1,
                                       best.data(), idx.data(), out, argmax);
            }
          }
        });
  }
}

// fn.template operator()<kDepth>() with a compile-time channel count for
// the common ones (0: any).
template <typename Fn>
auto WithDepth(int64_t depth, Fn&& fn) {
  switch (depth) {
    case 8:
      return fn.template operator()<8>();
    case 16:
      return fn.template operator()<16>();
    case 32:
      return fn.template operator()<32>();
    case 64:
      return fn.template operator()<64>();
    default:
      return fn.template operator()<0>();
  }
}

// The whole conv into `act` (the emitted output or a scratch buffer), the
// epilogue, then MaxPoolWithArgmax's search.
template <typename T, typename J>
absl::Status WholeConvPool(Eigen::ThreadPoolDevice& device, const ConvPool& p,
                           const T* input, const T* filter, const T* bias,
                           T* act, T* out, J* argmax) {
  const ConvGeometry& cg = p.conv;
  RETURN_IF_ERROR(ConvForward<T>(device, cg, input, filter, act));
  ParallelFor(device, cg.batch * cg.out_rows * cg.out_cols, 2.0 * cg.out_depth,
              [&](int64_t r0, int64_t r1) {
                ApplyEpilogue<T>(p.epilogue, bias, cg.out_depth,
                                 act + r0 * cg.out_depth, r1 - r0);
              });
  // MaxPoolWithArgmax's offsets are int64; int32 ones are copied after.
  int64_t* offsets = nullptr;
  std::vector<int64_t> wide;
  if constexpr (std::is_same_v<J, int64_t>) {
    offsets = argmax;
  } else if (argmax != nullptr) {
    wide.resize(p.pool.output_shape().num_elements());
    offsets = wide.data();
  }
  PoolArgmaxes<T>(device, p.pool, act, out, offsets);
  std::copy(wide.begin(), wide.end(), argmax);
  return absl::OkStatus();
}

enum class Path { kBanded, kChunked, kWhole };

// Output elements per image up to which the chunked path runs (16 MiB of
// float): its per-thread buffer lives outside the session's memory limits,
// so larger images take the whole path, whose activation does not.
constexpr int64_t kMaxChunkedImage = int64_t{1} << 22;

template <typename T, typename J>
absl::Status Compute(KernelContext& ctx, const ConvPool& p, Path path, T* act,
                     T* out, J* argmax) {
  const T* input = ctx.input(0).data<T>();
  const T* filter = ctx.input(1).data<T>();
  const T* bias = p.epilogue.bias ? ctx.input(2).data<T>() : nullptr;
  if (path == Path::kWhole) {
    return WholeConvPool<T, J>(ctx.device(), p, input, filter, bias, act, out,
                               argmax);
  }
  auto run = [&]<typename I>() {
    return WithDepth(p.pool.depth, [&]<int kDepth>() -> absl::Status {
      if (path == Path::kChunked) {
        return ChunkedConvPool<T, I, kDepth, J>(ctx.device(), p, input, filter,
                                                bias, act, out, argmax);
      }
      BandedConvPool<T, I, kDepth, J>(ctx.device(), p, input, filter, bias, act,
                                      out, argmax);
      return absl::OkStatus();
    });
  };
  if (p.pool.in_per_image() <= std::numeric_limits<int32_t>::max()) {
    return run.template operator()<int32_t>();
  }
  return run.template operator()<int64_t>();
}

absl::Status FusedConv2DMaxPoolKernel(KernelContext& ctx) {
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  ConvPool p;
  ASSIGN_OR_RETURN(p.epilogue, ReadEpilogue(ctx));
  if (filter.dtype() != input.dtype()) {
    return ctx.InvalidArgument("input and filter must have the same dtype");
  }
  ASSIGN_OR_RETURN(p.conv,
                   NhwcConvGeometry(ctx, input.shape(), filter.shape()));
  const ConvGeometry& cg = p.conv;
  const TensorShape conv_shape{cg.batch, cg.out_rows, cg.out_cols,
                               cg.out_depth};
  if (p.epilogue.bias && ctx.input(2).shape() != TensorShape{cg.out_depth}) {
    return ctx.InvalidArgument(
        absl::StrCat("bias must have shape [", cg.out_depth, "], got ",
                     ctx.input(2).shape().DebugString()));
  }
  std::vector<int64_t> ksize, strides;
  RETURN_IF_ERROR(ctx.GetAttr("ksize", &ksize));
  RETURN_IF_ERROR(ctx.GetAttr("pool_strides", &strides));
  RETURN_IF_ERROR(ctx.GetAttr("emit_activation", &p.emit));
  RETURN_IF_ERROR(ctx.GetAttr("emit_argmax", &p.emit_argmax));
  ASSIGN_OR_RETURN(
      p.pool, MakeGeometry(ctx, conv_shape, ksize, strides, "pool_padding"));
  const DataType index_type = ctx.node().output_type(2);
  if (index_type == DT_INT32 &&
      p.pool.in_per_image() > std::numeric_limits<int32_t>::max()) {
    return ctx.InvalidArgument(
        absl::StrCat("Targmax int32 cannot index a conv output of ",
                     conv_shape.DebugString()));
  }
  return DispatchType<FloatTypes>(
      input.dtype(),
      [&]<typename T>() -> absl::Status {
        Path path = Path::kWhole;
        if (ConvForwardIsDirect<T>(cg) && (!p.emit || p.BandsTileRows())) {
          path = Path::kBanded;
        } else if (ConvForwardIsChunked<T>(cg) &&
                   cg.out_rows * cg.out_cols * cg.out_depth <=
                       kMaxChunkedImage) {
          path = Path::kChunked;
        }
        // The whole-conv path needs the activation even when not emitted:
        // output 0 holds it (allocated under the session's limits), then
        // gives way to an empty tensor.
        const bool whole =
            conv_shape.num_elements() > 0 && path == Path::kWhole;
        ASSIGN_OR_RETURN(Tensor * act,
                         ctx.AllocateOutput(
                             0, p.emit || whole ? conv_shape : TensorShape{0}));
        ASSIGN_OR_RETURN(Tensor * out,
                         ctx.AllocateOutput(1, p.pool.output_shape()));
        ASSIGN_OR_RETURN(
            Tensor * argmax,
            ctx.AllocateOutput(
                2, index_type,
                p.emit_argmax ? p.pool.output_shape() : TensorShape{0}));
        if (conv_shape.num_elements() == 0) return absl::OkStatus();
        RETURN_IF_ERROR((DispatchType<TypeList<int32_t, int64_t>>(
            index_type, [&]<typename J>() {
              return Compute<T, J>(ctx, p, path, act->data<T>(), out->data<T>(),
                                   p.emit_argmax ? argmax->data<J>() : nullptr);
            })));
        if (!p.emit && whole) ctx.SetOutput(0, Tensor(input.dtype(), {0}));
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

}  // namespace

absl::Status RegisterFusedConvPoolKernels(KernelRegistry& r) {
  return r.Register("_FusedConv2DMaxPool", FusedConv2DMaxPoolKernel);
}

}  // namespace graphflow
