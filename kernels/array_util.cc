// Byte-moving primitives of the array kernels. Elements are copied by size
// (1, 2, 4 or 8 bytes), so one instantiation serves every dtype.
#include "kernels/array_util.h"

#include <algorithm>
#include <cstring>

#ifdef __AVX__
#include <immintrin.h>
#endif

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace graphflow {
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

#ifdef __AVX__
// dst[r][c] = src[c][r] for an 8x8 block of 4-byte elements; strides are in
// elements.
inline void Transpose8x8(const char* src_bytes, int64_t ss, char* dst_bytes,
                         int64_t ds) {
  const float* src = reinterpret_cast<const float*>(src_bytes);
  float* dst = reinterpret_cast<float*>(dst_bytes);
  __m256 r[8], t[8], u[8];
  for (int k = 0; k < 8; ++k) r[k] = _mm256_loadu_ps(src + k * ss);
  for (int k = 0; k < 8; k += 2) {
    t[k] = _mm256_unpacklo_ps(r[k], r[k + 1]);
    t[k + 1] = _mm256_unpackhi_ps(r[k], r[k + 1]);
  }
  for (int k = 0; k < 8; k += 4) {
    u[k] = _mm256_shuffle_ps(t[k], t[k + 2], _MM_SHUFFLE(1, 0, 1, 0));
    u[k + 1] = _mm256_shuffle_ps(t[k], t[k + 2], _MM_SHUFFLE(3, 2, 3, 2));
    u[k + 2] = _mm256_shuffle_ps(t[k + 1], t[k + 3], _MM_SHUFFLE(1, 0, 1, 0));
    u[k + 3] = _mm256_shuffle_ps(t[k + 1], t[k + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int k = 0; k < 4; ++k) {
    _mm256_storeu_ps(dst + k * ds,
                     _mm256_permute2f128_ps(u[k], u[k + 4], 0x20));
    _mm256_storeu_ps(dst + (k + 4) * ds,
                     _mm256_permute2f128_ps(u[k], u[k + 4], 0x31));
  }
}
#endif

// out[r][c] = in[c][r] over dims k ("rows", contiguous in the input) and
// the last ("columns", contiguous in the output), tile by tile so both sides
// stay in cache; the other dims are batches.
void TiledTranspose(Eigen::ThreadPoolDevice& device, const char* in,
                    absl::Span<const int64_t> in_steps, char* out,
                    absl::Span<const int64_t> out_steps,
                    absl::Span<const int64_t> dims, int k, int es) {
  constexpr int64_t kTile = 64;
  const int r = static_cast<int>(dims.size());
  const int64_t rows = dims[k], cols = dims[r - 1];
  const int64_t row_out = out_steps[k], col_in = in_steps[r - 1];
  const int64_t row_tiles = (rows + kTile - 1) / kTile;
  const int64_t col_tiles = (cols + kTile - 1) / kTile;
  DimVector batch_dims, batch_in, batch_out;
  for (int j = 0; j < r - 1; ++j) {
    if (j == k) continue;
    batch_dims.push_back(dims[j]);
    batch_in.push_back(in_steps[j]);
    batch_out.push_back(out_steps[j]);
  }
  int64_t batches = 1;
  for (int64_t d : batch_dims) batches *= d;
  const int64_t units = batches * row_tiles * col_tiles;
  WithElementType(es, [&]<typename U>() {
    ParallelFor(device, units, kTile * kTile * 2.0, [&](int64_t s, int64_t e) {
      for (int64_t u = s; u < e; ++u) {
        int64_t b = u / (row_tiles * col_tiles);
        int64_t t = u % (row_tiles * col_tiles);
        int64_t r0 = t / col_tiles * kTile, c0 = t % col_tiles * kTile;
        Odometer batch(batch_dims, batch_in, batch_out, b);
        const char* src = in + batch.in();
        char* dst = out + batch.out();
        int64_t r1 = std::min(rows, r0 + kTile),
                c1 = std::min(cols, c0 + kTile);
        int64_t i = r0;
#ifdef __AVX__
        if constexpr (sizeof(U) == 4) {
          for (; i + 8 <= r1; i += 8) {
            int64_t j = c0;
            for (; j + 8 <= c1; j += 8) {
              Transpose8x8(src + i * 4 + j * col_in, col_in / 4,
                           dst + i * row_out + j * 4, row_out / 4);
            }
            for (int64_t k = i; k < i + 8; ++k) {
              for (int64_t jj = j; jj < c1; ++jj) {
                std::memcpy(dst + k * row_out + jj * 4,
                            src + k * 4 + jj * col_in, 4);
              }
            }
          }
        }
#endif
        for (; i < r1; ++i) {
          char* o = dst + i * row_out;
          const char* src_row = src + i * static_cast<int64_t>(sizeof(U));
          for (int64_t j = c0; j < c1; ++j) {
            std::memcpy(o + j * sizeof(U), src_row + j * col_in, sizeof(U));
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
  DimVector strides(shape.rank(), 0);
  // Empty tensors are never copied; their dims may multiply past int64.
  for (int64_t d : shape.dim_sizes()) {
    if (d == 0) return strides;
  }
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
  if (inner_os == es && inner_is != es && inner_is != 0) {
    for (int k = r - 2; k >= 0; --k) {
      if (is[k] == es) {
        TiledTranspose(device, in, is, out, os, d, k, es);
        return;
      }
    }
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
        } else if (inner_is == 0 && inner_os == es) {  // Tile's repeats.
          U v;
          std::memcpy(&v, src, sizeof(U));
          std::fill_n(reinterpret_cast<U*>(dst), inner, v);
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
    ParallelFor(device, n, 0.5,
                [&](int64_t s, int64_t e) { std::fill(o + s, o + e, v); });
  });
}

std::string SliceDebugString(const TensorShape& shape, int64_t flat) {
  if (shape.rank() == 0) return "";
  DimVector idx(shape.rank());
  for (int j = shape.rank() - 1; j >= 0; --j) {
    const int64_t d = shape.dim(j);
    idx[j] = d == 0 ? 0 : flat % d;
    flat = d == 0 ? 0 : flat / d;
  }
  return absl::StrCat("[", absl::StrJoin(idx, ","), "]");
}

}  // namespace graphflow
