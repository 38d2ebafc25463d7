#include "kernels/conv_winograd.h"

#include <algorithm>
#include <atomic>
#include <new>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kernels/simd.h"
#include "kernels/small_gemm.h"
#include "kernels/winograd_transforms.h"

namespace graphflow {
namespace {

constexpr int kLanes = Float16::kLanes;
// Target bytes of one block's transformed tiles (V and M, or V and dM).
// Measured (bench/conv_bench.cc, mnist conv2 and ResNet 3x3): the forward
// is fastest with the fewest tiles per block, which keeps them in L1/L2;
// the filter gradient adds its sums to dU once per block, so it wants more.
constexpr int64_t kForwardBlockBytes = int64_t{128} << 10;
constexpr int64_t kFilterBlockBytes = int64_t{256} << 10;
constexpr int64_t kFilterMinTiles = 18;
// The transformed filter (alpha^2 planes of Cin x Cout) is read once per
// block of tiles: up to 2.4 MB (3x3, 128 x 128 channels) Winograd still
// wins every pass; at 9.4 MB (3x3, 256 x 256) its filter gradient is 2.3x
// slower than oneDNN's (bench/conv_bench.cc, resnet_3x3_128 and _256).
constexpr int64_t kMaxTransformedFilter = 36 * 128 * 128;
// Partial sums of the filter gradient (up to as many threads work at once).
constexpr int64_t kFilterChunks = 4;

using winograd::ExpandGradient1D;
using winograd::FilterTransformMatrix;
using winograd::TransformInput1D;
using winograd::TransformOutput1D;
using winograd::Vec;

// y[0, n) += w * x[0, n).
void Axpy(float w, const float* x, int64_t n, float* y) {
  if (w == 0) return;
  for (int64_t i = 0; i < n; ++i) y[i] += w * x[i];
}

// How a convolution's output is cut into kM x kM tiles, and the tiles into
// blocks.
struct Tiling {
  int alpha = 0;          // Input tile side.
  int m = 0;              // Output tile side.
  int64_t rows = 0;       // Tiles per image down.
  int64_t cols = 0;       // Tiles per image across.
  int64_t count = 0;      // Tiles of the batch.
  int64_t per_block = 0;  // A multiple of kSmallGemmRows.
  int64_t blocks = 0;

  int64_t first(int64_t block) const { return block * per_block; }
  int64_t size(int64_t block) const {
    return std::min(per_block, count - first(block));
  }
};

Tiling MakeTiling(const ConvGeometry& g, int alpha, int m, int64_t block_bytes,
                  int64_t min_tiles) {
  Tiling t;
  t.alpha = alpha;
  t.m = m;
  t.rows = (g.out_rows + m - 1) / m;
  t.cols = (g.out_cols + m - 1) / m;
  t.count = g.batch * t.rows * t.cols;
  const int64_t tile_bytes =
      alpha * alpha * (g.in_depth + g.out_depth) * int64_t{sizeof(float)};
  t.per_block = std::clamp<int64_t>(block_bytes / tile_bytes / kSmallGemmRows,
                                    min_tiles / kSmallGemmRows, 16) *
                kSmallGemmRows;
  t.blocks = (t.count + t.per_block - 1) / t.per_block;
  return t;
}

// Where tile `tile` sits: its image and its output origin.
struct TilePlace {
  int64_t n, row, col;
};

TilePlace Place(const Tiling& t, int64_t tile) {
  const int64_t per_image = t.rows * t.cols;
  const int64_t r = tile % per_image;
  return {tile / per_image, r / t.cols * t.m, r % t.cols * t.m};
}

// The input window of a tile, B^T d B, to v[p * stride + c] (p = 6 * row +
// column of the tile position) for all input channels c.
template <int kAlpha>
void TransformInputTile(const ConvGeometry& g, const Tiling& t,
                        const float* input, int64_t tile, float* v,
                        int64_t stride) {
  const TilePlace at = Place(t, tile);
  const int64_t cin = g.in_depth;
  const int64_t h0 = at.row - g.pad_top, w0 = at.col - g.pad_left;
  const float* image = input + at.n * g.in_rows * g.in_cols * cin;
  bool inside[kAlpha][kAlpha];
  for (int i = 0; i < kAlpha; ++i) {
    for (int j = 0; j < kAlpha; ++j) {
      inside[i][j] = h0 + i >= 0 && h0 + i < g.in_rows && w0 + j >= 0 &&
                     w0 + j < g.in_cols;
    }
  }
  for (int64_t c = 0; c < cin; c += kLanes) {
    Vec rows[kAlpha][kAlpha];  // B^T d: rows[xi][j].
    for (int j = 0; j < kAlpha; ++j) {
      Vec column[kAlpha], out[kAlpha];
      for (int i = 0; i < kAlpha; ++i) {
        column[i] = inside[i][j]
                        ? Float16::Load(
                              image + ((h0 + i) * g.in_cols + w0 + j) * cin + c)
                        : Vec{};
      }
      TransformInput1D<kAlpha>(column, out);
      for (int xi = 0; xi < kAlpha; ++xi) rows[xi][j] = out[xi];
    }
    for (int xi = 0; xi < kAlpha; ++xi) {
      Vec out[kAlpha];
      TransformInput1D<kAlpha>(rows[xi], out);
      for (int nu = 0; nu < kAlpha; ++nu) {
        Float16::Store(v + (xi * kAlpha + nu) * stride + c, out[nu]);
      }
    }
  }
}

// A^T M A of tile `tile` (M at m[p * stride + co]) into the output pixels
// the tile covers, in `output` whose first image is `first_image`.
template <int kAlpha, int kM>
void TransformOutputTile(const ConvGeometry& g, const Tiling& t, const float* m,
                         int64_t stride, int64_t tile, int64_t first_image,
                         float* output) {
  const TilePlace at = Place(t, tile);
  const int64_t cout = g.out_depth;
  const int rows = static_cast<int>(std::min<int64_t>(kM, g.out_rows - at.row));
  const int cols = static_cast<int>(std::min<int64_t>(kM, g.out_cols - at.col));
  float* image = output + (at.n - first_image) * g.out_rows * g.out_cols * cout;
  for (int64_t co = 0; co < cout; co += kLanes) {
    Vec half[kM][kAlpha];  // A^T M: half[a][nu].
    for (int nu = 0; nu < kAlpha; ++nu) {
      Vec column[kAlpha], out[kM];
      for (int xi = 0; xi < kAlpha; ++xi) {
        column[xi] = Float16::Load(m + (xi * kAlpha + nu) * stride + co);
      }
      TransformOutput1D<kAlpha, kM>(column, out);
      for (int a = 0; a < kM; ++a) half[a][nu] = out[a];
    }
    for (int a = 0; a < rows; ++a) {
      Vec out[kM];
      TransformOutput1D<kAlpha, kM>(half[a], out);
      float* row = image + ((at.row + a) * g.out_cols + at.col) * cout + co;
      for (int b = 0; b < cols; ++b) Float16::Store(row + b * cout, out[b]);
    }
  }
}

// A dY A^T of tile `tile`'s output gradient (zero past the output's edge) to
// dm[p * stride + co].
template <int kAlpha, int kM>
void TransformGradientTile(const ConvGeometry& g, const Tiling& t,
                           const float* out_backprop, int64_t tile, float* dm,
                           int64_t stride) {
  const TilePlace at = Place(t, tile);
  const int64_t cout = g.out_depth;
  const int rows = static_cast<int>(std::min<int64_t>(kM, g.out_rows - at.row));
  const int cols = static_cast<int>(std::min<int64_t>(kM, g.out_cols - at.col));
  const float* image = out_backprop + at.n * g.out_rows * g.out_cols * cout;
  for (int64_t co = 0; co < cout; co += kLanes) {
    Vec half[kAlpha][kM];  // A dY: half[xi][b].
    for (int b = 0; b < kM; ++b) {
      Vec column[kM], out[kAlpha];
      for (int a = 0; a < kM; ++a) {
        column[a] =
            a < rows && b < cols
                ? Float16::Load(
                      image + ((at.row + a) * g.out_cols + at.col + b) * cout +
                      co)
                : Vec{};
      }
      ExpandGradient1D<kAlpha, kM>(column, out);
      for (int xi = 0; xi < kAlpha; ++xi) half[xi][b] = out[xi];
    }
    for (int xi = 0; xi < kAlpha; ++xi) {
      Vec out[kAlpha];
      ExpandGradient1D<kAlpha, kM>(half[xi], out);
      for (int nu = 0; nu < kAlpha; ++nu) {
        Float16::Store(dm + (xi * kAlpha + nu) * stride + co, out[nu]);
      }
    }
  }
}

// Per-thread buffers of at least `floats`, kept across calls (so steps do
// not churn the heap); null when the memory cannot be had. kTiles holds a
// worker's transformed tiles, kCaller the calling thread's transformed
// filter or gradient sums (a caller may also run a worker's share).
enum class Slot { kTiles, kCaller };

float* ThreadBuffer(Slot slot, int64_t floats) {
  thread_local std::vector<float> buffers[2];
  std::vector<float>& buffer = buffers[slot == Slot::kTiles ? 0 : 1];
  if (static_cast<int64_t>(buffer.size()) < floats) {
    try {
      buffer.resize(floats);
    } catch (const std::bad_alloc&) {
      return nullptr;
    }
  }
  return buffer.data();
}

absl::Status OutOfMemory(int64_t floats) {
  return absl::ResourceExhaustedError(
      absl::StrCat("cannot allocate ", floats * int64_t{sizeof(float)},
                   " bytes of Winograd convolution scratch"));
}

// Floats TransformFilter needs: u, then one row of G g.
int64_t FilterTransformFloats(const ConvGeometry& g, int alpha) {
  return (alpha * alpha + g.filter_rows) * g.in_depth * g.out_depth;
}

// u[p][ci][co] = (G g G^T)[p] for every channel pair (plane = Cin * Cout),
// in the first alpha * alpha planes of `buffer` (FilterTransformFloats).
void TransformFilter(const ConvGeometry& g, int alpha, const float* filter,
                     float* buffer) {
  const int r = static_cast<int>(g.filter_rows);
  const int64_t plane = g.in_depth * g.out_depth;
  const std::vector<float> G = FilterTransformMatrix(alpha, r);
  float* u = buffer;
  std::fill_n(u, alpha * alpha * plane, 0.f);
  float* row = u + alpha * alpha * plane;  // Row xi of G g: row[j].
  for (int xi = 0; xi < alpha; ++xi) {
    std::fill_n(row, r * plane, 0.f);
    for (int j = 0; j < r; ++j) {
      for (int i = 0; i < r; ++i) {
        Axpy(G[xi * r + i], filter + (i * r + j) * plane, plane,
             row + j * plane);
      }
    }
    for (int nu = 0; nu < alpha; ++nu) {
      for (int j = 0; j < r; ++j) {
        Axpy(G[nu * r + j], row + j * plane, plane,
             u + (xi * alpha + nu) * plane);
      }
    }
  }
}

// filter_backprop = G^T du G, du[p][ci][co] the transformed gradient; row
// has room for alpha planes.
void UntransformFilterGradient(const ConvGeometry& g, int alpha,
                               const float* du, float* row,
                               float* filter_backprop) {
  const int r = static_cast<int>(g.filter_rows);
  const int64_t plane = g.in_depth * g.out_depth;
  const std::vector<float> G = FilterTransformMatrix(alpha, r);
  std::fill_n(filter_backprop, r * r * plane, 0.f);
  for (int i = 0; i < r; ++i) {  // Row i of G^T du: row[nu].
    std::fill_n(row, alpha * plane, 0.f);
    for (int nu = 0; nu < alpha; ++nu) {
      for (int xi = 0; xi < alpha; ++xi) {
        Axpy(G[xi * r + i], du + (xi * alpha + nu) * plane, plane,
             row + nu * plane);
      }
    }
    for (int j = 0; j < r; ++j) {
      for (int nu = 0; nu < alpha; ++nu) {
        Axpy(G[nu * r + j], row + nu * plane, plane,
             filter_backprop + (i * r + j) * plane);
      }
    }
  }
}

// Output tiles [begin, end) in blocks, with this thread's scratch (V, then
// M) into `output`, whose first image is batch image `first_image`.
template <int kAlpha, int kM>
void ForwardTiles(const ConvGeometry& g, const Tiling& t, const float* input,
                  const float* u, int64_t begin, int64_t end,
                  int64_t first_image, float* output, float* scratch) {
  constexpr int kPositions = kAlpha * kAlpha;
  const int64_t cin = g.in_depth, cout = g.out_depth;
  const int64_t v_stride = t.per_block * cin, m_stride = t.per_block * cout;
  float* v = scratch;
  float* m = v + kPositions * v_stride;
  for (int64_t first = begin; first < end; first += t.per_block) {
    const int64_t tiles = std::min(t.per_block, end - first);
    for (int64_t b = 0; b < tiles; ++b) {
      TransformInputTile<kAlpha>(g, t, input, first + b, v + b * cin, v_stride);
    }
    for (int p = 0; p < kPositions; ++p) {
      SmallGemm(v + p * v_stride, cin, 1, u + p * cin * cout, cout, tiles, cout,
                cin, m + p * m_stride, cout, false);
    }
    for (int64_t b = 0; b < tiles; ++b) {
      TransformOutputTile<kAlpha, kM>(g, t, m + b * cout, m_stride, first + b,
                                      first_image, output);
    }
  }
}

// Floats of one thread's V and M.
int64_t ForwardScratch(const ConvGeometry& g, const Tiling& t) {
  return t.alpha * t.alpha * t.per_block * (g.in_depth + g.out_depth);
}

template <int kAlpha, int kM>
absl::Status Forward(Eigen::ThreadPoolDevice& device, const ConvGeometry& g,
                     const float* input, const float* filter, float* output) {
  constexpr int kPositions = kAlpha * kAlpha;
  const Tiling t =
      MakeTiling(g, kAlpha, kM, kForwardBlockBytes, kSmallGemmRows);
  float* u = ThreadBuffer(Slot::kCaller, FilterTransformFloats(g, kAlpha));
  if (u == nullptr) return OutOfMemory(FilterTransformFloats(g, kAlpha));
  TransformFilter(g, kAlpha, filter, u);
  const int64_t scratch = ForwardScratch(g, t);
  std::atomic<bool> failed{false};
  ParallelFor(device, t.blocks,
              2.0 * kPositions * t.per_block * g.in_depth * g.out_depth,
              [&](int64_t b0, int64_t b1) {
                float* buffer = ThreadBuffer(Slot::kTiles, scratch);
                if (buffer == nullptr) {
                  failed = true;
                  return;
                }
                ForwardTiles<kAlpha, kM>(g, t, input, u, t.first(b0),
                                         std::min(t.count, t.first(b1)), 0,
                                         output, buffer);
              });
  return failed ? OutOfMemory(scratch) : absl::OkStatus();
}

template <int kAlpha, int kM>
absl::Status ForwardChunks(
    Eigen::ThreadPoolDevice& device, const ConvGeometry& g, const float* input,
    const float* filter, int64_t chunk,
    absl::FunctionRef<void(int64_t b0, int64_t b1, float* out)> consume) {
  const Tiling t =
      MakeTiling(g, kAlpha, kM, kForwardBlockBytes, kSmallGemmRows);
  float* u = ThreadBuffer(Slot::kCaller, FilterTransformFloats(g, kAlpha));
  if (u == nullptr) return OutOfMemory(FilterTransformFloats(g, kAlpha));
  TransformFilter(g, kAlpha, filter, u);
  const int64_t per_image = t.rows * t.cols;
  const int64_t image_size = g.out_rows * g.out_cols * g.out_depth;
  chunk = std::clamp<int64_t>(chunk, 1, g.batch);
  const int64_t scratch = ForwardScratch(g, t);
  const int64_t floats = scratch + chunk * image_size;
  // One shard of whole images per thread, each in chunks.
  const int64_t shards =
      std::min<int64_t>(g.batch, std::max(1, device.numThreads()));
  std::atomic<bool> failed{false};
  ParallelFor(device, shards, g.flops() / shards, [&](int64_t s0, int64_t s1) {
    float* buffer = ThreadBuffer(Slot::kTiles, floats);
    if (buffer == nullptr) {
      failed = true;
      return;
    }
    float* y = buffer + scratch;
    for (int64_t s = s0; s < s1; ++s) {
      const int64_t end = g.batch * (s + 1) / shards;
      for (int64_t n0 = g.batch * s / shards; n0 < end; n0 += chunk) {
        const int64_t n1 = std::min(end, n0 + chunk);
        ForwardTiles<kAlpha, kM>(g, t, input, u, n0 * per_image, n1 * per_image,
                                 n0, y, buffer);
        consume(n0, n1, y);
      }
    }
  });
  return failed ? OutOfMemory(floats) : absl::OkStatus();
}

template <int kAlpha, int kM>
absl::Status BackpropFilter(Eigen::ThreadPoolDevice& device,
                            const ConvGeometry& g, const float* input,
                            const float* out_backprop, float* filter_backprop) {
  constexpr int kPositions = kAlpha * kAlpha;
  const Tiling t =
      MakeTiling(g, kAlpha, kM, kFilterBlockBytes, kFilterMinTiles);
  const int64_t cin = g.in_depth, cout = g.out_depth;
  const int64_t plane = cin * cout;
  // Each chunk of blocks sums into its own transformed gradient. The chunks
  // do not depend on the thread count, so neither does the result.
  const int64_t chunks = std::min<int64_t>(t.blocks, kFilterChunks);
  // The chunks' sums, then room for UntransformFilterGradient's row.
  const int64_t sums = chunks * kPositions * plane;
  float* du = ThreadBuffer(Slot::kCaller, sums + kAlpha * plane);
  if (du == nullptr) return OutOfMemory(sums + kAlpha * plane);
  std::fill_n(du, sums, 0.f);
  const int64_t v_stride = t.per_block * cin, m_stride = t.per_block * cout;
  const int64_t scratch = kPositions * (v_stride + m_stride);
  std::atomic<bool> failed{false};
  ParallelFor(
      device, chunks,
      2.0 * kPositions * t.per_block * plane * t.blocks / chunks,
      [&](int64_t c0, int64_t c1) {
        float* v = ThreadBuffer(Slot::kTiles, scratch);
        if (v == nullptr) {
          failed = true;
          return;
        }
        float* dm = v + kPositions * v_stride;
        for (int64_t c = c0; c < c1; ++c) {
          float* sum = du + c * kPositions * plane;
          for (int64_t block = t.blocks * c / chunks;
               block < t.blocks * (c + 1) / chunks; ++block) {
            const int64_t first = t.first(block), tiles = t.size(block);
            for (int64_t b = 0; b < tiles; ++b) {
              TransformInputTile<kAlpha>(g, t, input, first + b, v + b * cin,
                                         v_stride);
              TransformGradientTile<kAlpha, kM>(g, t, out_backprop, first + b,
                                                dm + b * cout, m_stride);
            }
            // dU[p][ci][co] += sum over tiles of V[p][tile][ci] *
            // dM[p][tile][co].
            for (int p = 0; p < kPositions; ++p) {
              SmallGemm(v + p * v_stride, 1, cin, dm + p * m_stride, cout, cin,
                        cout, tiles, sum + p * plane, cout, true);
            }
          }
        }
      });
  if (failed) return OutOfMemory(scratch);
  for (int64_t c = 1; c < chunks; ++c) {
    Axpy(1.f, du + c * kPositions * plane, kPositions * plane, du);
  }
  UntransformFilterGradient(g, kAlpha, du, du + sums, filter_backprop);
  return absl::OkStatus();
}

}  // namespace

bool IsWinogradConv(const ConvGeometry& g) {
  auto wide = [](int64_t depth) {
    return depth >= kLanes && depth % kLanes == 0;
  };
  const int64_t r = g.filter_rows;
  return (r == 3 || r == 5) && g.filter_cols == r && g.stride_rows == 1 &&
         g.stride_cols == 1 && g.dilation_rows == 1 && g.dilation_cols == 1 &&
         wide(g.in_depth) && wide(g.out_depth) &&
         (r == 3 ? 36 : 64) * g.in_depth * g.out_depth <=
             kMaxTransformedFilter &&
         g.batch > 0 && g.out_rows >= 4 && g.out_cols >= 4 && g.pad_top >= 0 &&
         g.pad_left >= 0 && g.pad_top < r && g.pad_left < r;
}

absl::Status WinogradConvForward(Eigen::ThreadPoolDevice& device,
                                 const ConvGeometry& g, const float* input,
                                 const float* filter, float* output) {
  return g.filter_rows == 3 ? Forward<6, 4>(device, g, input, filter, output)
                            : Forward<8, 4>(device, g, input, filter, output);
}

absl::Status WinogradConvForwardChunks(
    Eigen::ThreadPoolDevice& device, const ConvGeometry& g, const float* input,
    const float* filter, int64_t chunk,
    absl::FunctionRef<void(int64_t b0, int64_t b1, float* out)> consume) {
  return g.filter_rows == 3
             ? ForwardChunks<6, 4>(device, g, input, filter, chunk, consume)
             : ForwardChunks<8, 4>(device, g, input, filter, chunk, consume);
}

absl::Status WinogradConvBackpropFilter(Eigen::ThreadPoolDevice& device,
                                        const ConvGeometry& g,
                                        const float* input,
                                        const float* out_backprop,
                                        float* filter_backprop) {
  return g.filter_rows == 3
             ? BackpropFilter<6, 4>(device, g, input, out_backprop,
                                    filter_backprop)
             : BackpropFilter<8, 4>(device, g, input, out_backprop,
                                    filter_backprop);
}

}  // namespace graphflow
