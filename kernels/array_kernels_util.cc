// Byte-moving primitives of the array kernels. Elements are copied by size
// (1, 2, 4 or 8 bytes), so one instantiation serves every dtype.
#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "kernels/array_kernels_internal.h"

namespace graphflow::array_internal {
namespace {

// Runs fn with an unsigned integer type of `size` bytes.
template <typename Fn>
void WithElementType(int size, Fn&& fn) {
  switch (size) {
    case 1:
      return fn.template operator()<uint8_t>();
    case 2:
      return fn.template operator()<uint16_t>();
    case 4:
      return fn.template operator()<uint32_t>();
    default:
      return fn.template operator()<uint64_t>();
  }
}

// Walks the multi-index of `dims` in row-major order, keeping the two byte
// offsets it maps to.
class Odometer {
 public:
  Odometer(absl::Span<const int64_t> dims, absl::Span<const int64_t> in_steps,
           absl::Span<const int64_t> out_steps, int64_t start)
      : dims_(dims), in_steps_(in_steps), out_steps_(out_steps) {
    idx_.resize(dims.size());
    for (int j = static_cast<int>(dims.size()) - 1; j >= 0; --j) {
      idx_[j] = start % dims[j];
      start /= dims[j];
      in_ += idx_[j] * in_steps[j];
      out_ += idx_[j] * out_steps[j];
    }
  }
  int64_t in() const { return in_; }
  int64_t out() const { return out_; }
  void Next() {
    for (int j = static_cast<int>(dims_.size()) - 1; j >= 0; --j) {
      in_ += in_steps_[j];
      out_ += out_steps_[j];
      if (++idx_[j] < dims_[j]) return;
      in_ -= in_steps_[j] * dims_[j];
      out_ -= out_steps_[j] * dims_[j];
      idx_[j] = 0;
    }
  }

 private:
  absl::Span<const int64_t> dims_, in_steps_, out_steps_;
  DimVector idx_;
  int64_t in_ = 0, out_ = 0;
};

// out[r][c] = in[c][r] over the last two dims (rows contiguous in the input,
// columns contiguous in the output), tile by tile so both stay in cache.
void TiledTranspose(Eigen::ThreadPoolDevice& device, const char* in,
                    absl::Span<const int64_t> in_steps, char* out,
                    absl::Span<const int64_t> out_steps,
                    absl::Span<const int64_t> dims, int es) {
  constexpr int64_t kTile = 32;
  const int r = static_cast<int>(dims.size());
  const int64_t rows = dims[r - 2], cols = dims[r - 1];
  const int64_t row_out = out_steps[r - 2], col_in = in_steps[r - 1];
  const int64_t row_tiles = (rows + kTile - 1) / kTile;
  const int64_t col_tiles = (cols + kTile - 1) / kTile;
  auto batch_dims = dims.first(r - 2);
  int64_t batches = 1;
  for (int64_t d : batch_dims) batches *= d;
  const int64_t units = batches * row_tiles * col_tiles;
  WithElementType(es, [&]<typename U>() {
    ParallelFor(device, units, kTile * kTile * 2.0, [&](int64_t s, int64_t e) {
      for (int64_t u = s; u < e; ++u) {
        int64_t b = u / (row_tiles * col_tiles);
        int64_t t = u % (row_tiles * col_tiles);
        int64_t r0 = t / col_tiles * kTile, c0 = t % col_tiles * kTile;
        Odometer batch(batch_dims, in_steps.first(r - 2),
                       out_steps.first(r - 2), b);
        const char* src = in + batch.in();
        char* dst = out + batch.out();
        int64_t r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
        for (int64_t i = r0; i < r1; ++i) {
          U* o = reinterpret_cast<U*>(dst + i * row_out);
          const char* src_row = src + i * static_cast<int64_t>(sizeof(U));
          for (int64_t j = c0; j < c1; ++j) {
            std::memcpy(&o[j], src_row + j * col_in, sizeof(U));
          }
        }
      }
    });
  });
}

}  // namespace

absl::StatusOr<DimVector> ReadIndexVector(const KernelContext& ctx, int i,
                                          absl::string_view what) {
  const Tensor& t = ctx.input(i);
  if (t.rank() != 1) {
    return ctx.InvalidArgument(absl::StrCat(
        what, " must be a 1-D tensor, got shape ", t.shape().DebugString()));
  }
  DimVector v(t.num_elements());
  for (int64_t k = 0; k < t.num_elements(); ++k) {
    v[k] = t.dtype() == DT_INT32 ? t.data<int32_t>()[k] : t.data<int64_t>()[k];
  }
  return v;
}

absl::StatusOr<int64_t> ReadIndexScalar(const KernelContext& ctx, int i,
                                        absl::string_view what) {
  const Tensor& t = ctx.input(i);
  if (t.num_elements() != 1 || t.rank() > 1) {
    return ctx.InvalidArgument(absl::StrCat(
        what, " must be a scalar, got shape ", t.shape().DebugString()));
  }
  return t.dtype() == DT_INT32 ? int64_t{t.data<int32_t>()[0]}
                               : t.data<int64_t>()[0];
}

DimVector ByteStrides(const TensorShape& shape, int element_size) {
  DimVector strides(shape.rank());
  int64_t s = element_size;
  for (int j = shape.rank() - 1; j >= 0; --j) {
    strides[j] = s;
    s *= shape.dim(j);
  }
  return strides;
}

void StridedCopy(Eigen::ThreadPoolDevice& device, const char* in,
                 absl::Span<const int64_t> in_steps, char* out,
                 absl::Span<const int64_t> out_steps,
                 absl::Span<const int64_t> dims, int es) {
  // Drop size-1 dims and merge dims that are contiguous on both sides.
  DimVector d, is, os;
  for (size_t j = 0; j < dims.size(); ++j) {
    if (dims[j] == 0) return;
    if (dims[j] == 1) continue;
    if (!d.empty() && is.back() == in_steps[j] * dims[j] &&
        os.back() == out_steps[j] * dims[j]) {
      d.back() *= dims[j];
      is.back() = in_steps[j];
      os.back() = out_steps[j];
    } else {
      d.push_back(dims[j]);
      is.push_back(in_steps[j]);
      os.push_back(out_steps[j]);
    }
  }
  if (d.empty()) {
    std::memcpy(out, in, es);
    return;
  }
  const int r = static_cast<int>(d.size());
  const int64_t inner = d[r - 1], inner_is = is[r - 1], inner_os = os[r - 1];
  if (r >= 2 && inner_os == es && is[r - 2] == es && inner_is != es &&
      inner_is != 0) {
    TiledTranspose(device, in, is, out, os, d, es);
    return;
  }
  auto outer = absl::MakeConstSpan(d).first(r - 1);
  int64_t rows = 1;
  for (int64_t x : outer) rows *= x;
  const bool contiguous = inner_is == es && inner_os == es;
  const double cost = contiguous ? inner * es * 0.25 + 10 : inner * 2.0 + 10;
  WithElementType(es, [&]<typename U>() {
    ParallelFor(device, rows, cost, [&](int64_t s, int64_t e) {
      Odometer pos(outer, absl::MakeConstSpan(is).first(r - 1),
                   absl::MakeConstSpan(os).first(r - 1), s);
      for (int64_t row = s; row < e; ++row, pos.Next()) {
        const char* src = in + pos.in();
        char* dst = out + pos.out();
        if (contiguous) {
          std::memcpy(dst, src, inner * es);
        } else {
          for (int64_t k = 0; k < inner; ++k) {
            std::memcpy(dst + k * inner_os, src + k * inner_is, sizeof(U));
          }
        }
      }
    });
  });
}

void FillElements(Eigen::ThreadPoolDevice& device, char* out, int64_t n,
                  const void* value, int es) {
  WithElementType(es, [&]<typename U>() {
    U v;
    std::memcpy(&v, value, sizeof(U));
    U* o = reinterpret_cast<U*>(out);
    ParallelFor(device, n, 0.5, [&](int64_t s, int64_t e) {
      std::fill(o + s, o + e, v);
    });
  });
}

}  // namespace graphflow::array_internal
