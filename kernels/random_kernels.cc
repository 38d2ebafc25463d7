// Kernels of ops/random_ops.cc. They follow TensorFlow's CPU kernels so a
// seeded op gives TensorFlow's numbers: Philox keyed by seed with seed2 in
// the upper counter words, each run skipping 256 blocks per output value
// (GuardedPhiloxRandom::ReserveRandomOutputs), one 128-bit block per group of
// outputs (4 floats / int32s, 2 doubles / int64s), and for TruncatedNormal a
// fixed window of 256 blocks per 4 outputs. Outputs depend only on counters,
// never on how ParallelFor splits the work.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"
#include "kernels/philox_random.h"

namespace graphflow {
namespace {

using random::Philox;
using random::WordSampler;

// Blocks TensorFlow reserves per output value in each run.
constexpr uint64_t kBlocksPerOutput = 256;
// Estimated cycles per block: Philox itself plus the conversion.
constexpr double kUniformCost = 4 * (10 + 3);
constexpr double kNormalCost = 4 * (10 + 70);
constexpr double kTruncatedCost = 4 * (10 + 90);

uint64_t Fnv1a(absl::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The generator this run of the node starts from. Seeded: TensorFlow's
// generator for (seed, seed2), past the blocks earlier runs reserved (as TF's
// GuardedPhiloxRandom does, so sizes may change between runs). Unseeded: a key
// drawn from the session seed and the node's name, and a separate 2^64-block
// counter stream for every run.
absl::StatusOr<Philox> RunGenerator(const KernelContext& ctx,
                                    uint64_t blocks_per_run) {
  int64_t seed = 0, seed2 = 0;
  RETURN_IF_ERROR(ctx.GetAttr("seed", &seed));
  RETURN_IF_ERROR(ctx.GetAttr("seed2", &seed2));
  if (seed == 0 && seed2 == 0) {
    const uint64_t key =
        SplitMix64(ctx.session_seed() ^ Fnv1a(ctx.node().name()));
    const uint64_t stream = SplitMix64(key ^ 0x5851f42d4c957f2dull);
    return Philox(key, stream + ctx.invocation());
  }
  Philox gen(static_cast<uint64_t>(seed), static_cast<uint64_t>(seed2));
  gen.Skip(ctx.ReserveCounter(blocks_per_run));
  return gen;
}

// The output shape from input 0, a 1-D int32 or int64 tensor.
absl::StatusOr<TensorShape> ShapeInput(const KernelContext& ctx) {
  const Tensor& t = ctx.input(0);
  if (t.rank() != 1 || (t.dtype() != DT_INT32 && t.dtype() != DT_INT64)) {
    return ctx.InvalidArgument(
        absl::StrCat("shape must be a vector of {int32,int64}, got ",
                     DataTypeString(t.dtype()), " tensor of shape ",
                     t.shape().DebugString()));
  }
  std::vector<int64_t> dims(t.num_elements());
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    dims[i] =
        t.dtype() == DT_INT32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
  }
  auto shape = TensorShape::Make(dims);
  if (!shape.ok()) return ctx.InvalidArgument(shape.status().message());
  return *shape;
}

// Fills out[0, n) where every group of 16 bytes of output comes from the
// Philox block of its index: convert(words, group) writes one full group.
template <typename T, typename Convert>
void FillBlocks(Eigen::ThreadPoolDevice& device, const Philox& base, T* out,
                int64_t n, double cost_per_block, const Convert& convert) {
  constexpr int64_t kPer = 16 / sizeof(T);
  const int64_t full = n / kPer;
  ParallelFor(device, (n + kPer - 1) / kPer, cost_per_block,
              [&](int64_t b0, int64_t b1) {
                constexpr int64_t kChunk = 64;  // Raw words stay in L1.
                uint32_t words[4 * kChunk];
                Philox gen = base;
                gen.Skip(b0);
                for (int64_t b = b0; b < b1; b += kChunk) {
                  const int64_t m = std::min(kChunk, b1 - b);
                  gen.Fill(words, m);
                  const int64_t m_full = std::clamp<int64_t>(full - b, 0, m);
                  for (int64_t j = 0; j < m_full; ++j) {
                    convert(words + 4 * j, out + (b + j) * kPer);
                  }
                  if (m_full < m) {  // The last, partial group.
                    T group[kPer];
                    convert(words + 4 * m_full, group);
                    const int64_t start = (b + m_full) * kPer;
                    std::copy(group, group + (n - start), out + start);
                  }
                }
              });
}

// Fills out[0, n) in groups of kGroup values, group g drawing words one at a
// time from the window of blocks starting at g * blocks_per_group.
template <int kGroup, typename T, typename Sample>
void FillGroups(Eigen::ThreadPoolDevice& device, const Philox& base, T* out,
                int64_t n, uint64_t blocks_per_group, double cost_per_group,
                const Sample& sample) {
  const int64_t full = n / kGroup;
  ParallelFor(device, (n + kGroup - 1) / kGroup, cost_per_group,
              [&](int64_t g0, int64_t g1) {
                for (int64_t g = g0; g < g1; ++g) {
                  Philox gen = base;
                  gen.Skip(static_cast<uint64_t>(g), blocks_per_group);
                  WordSampler words(gen);
                  if (g < full) {
                    sample(words, out + g * kGroup);
                  } else {
                    T group[kGroup];
                    sample(words, group);
                    std::copy(group, group + (n - g * kGroup),
                              out + g * kGroup);
                  }
                }
              });
}

enum class Dist { kUniform, kNormal, kTruncatedNormal };

void FillFloat(Dist dist, Eigen::ThreadPoolDevice& device, const Philox& gen,
               float* out, int64_t n) {
  switch (dist) {
    case Dist::kUniform:
      FillBlocks(device, gen, out, n, kUniformCost,
                 [](const uint32_t* w, float* y) {
                   for (int j = 0; j < 4; ++j)
                     y[j] = random::Uint32ToFloat(w[j]);
                 });
      return;
    case Dist::kNormal:
      FillBlocks(device, gen, out, n, kNormalCost,
                 [](const uint32_t* w, float* y) {
                   random::BoxMullerFloat(w[0], w[1], &y[0], &y[1]);
                   random::BoxMullerFloat(w[2], w[3], &y[2], &y[3]);
                 });
      return;
    case Dist::kTruncatedNormal:
      // Four outputs per group; 4 * 256 / 4 blocks reserved for each group.
      FillGroups<4>(device, gen, out, n, 256, kTruncatedCost,
                    [](WordSampler& words, float* y) {
                      int k = 0;
                      while (true) {
                        const uint32_t x0 = words(), x1 = words();
                        float f[2];
                        random::BoxMullerFloat(x0, x1, &f[0], &f[1]);
                        for (float v : f) {
                          if (std::fabs(v) < 2.0f) {
                            y[k++] = v;
                            if (k == 4) return;
                          }
                        }
                      }
                    });
      return;
  }
}

void FillDouble(Dist dist, Eigen::ThreadPoolDevice& device, const Philox& gen,
                double* out, int64_t n) {
  switch (dist) {
    case Dist::kUniform:
      FillBlocks(device, gen, out, n, kUniformCost,
                 [](const uint32_t* w, double* y) {
                   y[0] = random::Uint64ToDouble(w[0], w[1]);
                   y[1] = random::Uint64ToDouble(w[2], w[3]);
                 });
      return;
    case Dist::kNormal:
      FillBlocks(
          device, gen, out, n, kNormalCost, [](const uint32_t* w, double* y) {
            random::BoxMullerDouble(w[0], w[1], w[2], w[3], &y[0], &y[1]);
          });
      return;
    case Dist::kTruncatedNormal:
      // Two outputs per group; 2 * 256 / 4 blocks reserved for each group.
      FillGroups<2>(device, gen, out, n, 128, kTruncatedCost,
                    [](WordSampler& words, double* y) {
                      int k = 0;
                      while (true) {
                        const uint32_t x0 = words(), x1 = words(), x2 = words(),
                                       x3 = words();
                        double d[2];
                        random::BoxMullerDouble(x0, x1, x2, x3, &d[0], &d[1]);
                        for (double v : d) {
                          if (std::fabs(v) < 2.0) {
                            y[k++] = v;
                            if (k == 2) return;
                          }
                        }
                      }
                    });
      return;
  }
}

template <Dist kDist>
absl::Status RandomFloatKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(TensorShape shape, ShapeInput(ctx));
  const DataType dtype = BaseType(ctx.node().output_type(0));
  if (dtype != DT_FLOAT && dtype != DT_DOUBLE) {
    return ctx.InvalidArgument(absl::StrCat("dtype ", DataTypeString(dtype),
                                            " is not supported (only float "
                                            "and double are)"));
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, shape));
  const int64_t n = out->num_elements();
  ASSIGN_OR_RETURN(Philox gen, RunGenerator(ctx, n * kBlocksPerOutput));
  if (dtype == DT_FLOAT) {
    FillFloat(kDist, ctx.device(), gen, out->data<float>(), n);
  } else {
    FillDouble(kDist, ctx.device(), gen, out->data<double>(), n);
  }
  return absl::OkStatus();
}

absl::Status RandomUniformIntKernel(KernelContext& ctx) {
  const Tensor& minval = ctx.input(1);
  const Tensor& maxval = ctx.input(2);
  for (const Tensor* t : {&minval, &maxval}) {
    if (t->rank() != 0) {
      return ctx.InvalidArgument(
          absl::StrCat(t == &minval ? "minval" : "maxval",
                       " must be 0-D, got shape ", t->shape().DebugString()));
    }
  }
  ASSIGN_OR_RETURN(TensorShape shape, ShapeInput(ctx));
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, shape));
  const int64_t n = out->num_elements();
  // Like TensorFlow: an empty output needs no valid range and draws nothing.
  if (n == 0) return absl::OkStatus();
  ASSIGN_OR_RETURN(Philox gen, RunGenerator(ctx, n * kBlocksPerOutput));
  if (minval.dtype() == DT_INT32) {
    const int32_t lo = minval.data<int32_t>()[0];
    const int32_t hi = maxval.data<int32_t>()[0];
    if (lo >= hi) {
      return ctx.InvalidArgument(
          absl::StrCat("Need minval < maxval, got ", lo, " >= ", hi));
    }
    // Unsigned arithmetic: hi - lo and lo + offset may exceed int32.
    const uint32_t range =
        static_cast<uint32_t>(hi) - static_cast<uint32_t>(lo);
    FillBlocks(ctx.device(), gen, out->data<int32_t>(), n, kUniformCost,
               [lo, range](const uint32_t* w, int32_t* y) {
                 for (int j = 0; j < 4; ++j) {
                   y[j] = static_cast<int32_t>(static_cast<uint32_t>(lo) +
                                               w[j] % range);
                 }
               });
  } else {
    const int64_t lo = minval.data<int64_t>()[0];
    const int64_t hi = maxval.data<int64_t>()[0];
    if (lo >= hi) {
      return ctx.InvalidArgument(
          absl::StrCat("Need minval < maxval, got ", lo, " >= ", hi));
    }
    const uint64_t range =
        static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    FillBlocks(ctx.device(), gen, out->data<int64_t>(), n, kUniformCost,
               [lo, range](const uint32_t* w, int64_t* y) {
                 for (int j = 0; j < 2; ++j) {
                   const uint64_t bits =
                       w[2 * j] | (static_cast<uint64_t>(w[2 * j + 1]) << 32);
                   y[j] = static_cast<int64_t>(static_cast<uint64_t>(lo) +
                                               bits % range);
                 }
               });
  }
  return absl::OkStatus();
}

// Fisher-Yates over the first dimension with exactly n - 1 words, as in
// TensorFlow, then a copy of whole rows.
absl::Status RandomShuffleKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  if (in.num_elements() <= 1 || in.dim(0) <= 1) {
    ctx.SetOutput(0, in);
    return absl::OkStatus();
  }
  const int64_t n = in.dim(0);
  // TensorFlow reserves (n - 1) words, rounded up to whole blocks.
  ASSIGN_OR_RETURN(Philox gen, RunGenerator(ctx, (n - 1 + 3) / 4));
  WordSampler words(gen);
  std::vector<int64_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  for (int64_t i = 0; i + 1 < n; ++i) {
    std::swap(perm[i], perm[i + words() % static_cast<uint64_t>(n - i)]);
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in.shape()));
  const size_t row_bytes = in.total_bytes() / n;
  const char* src = static_cast<const char*>(in.raw_data());
  char* dst = static_cast<char*>(out->raw_data());
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(dst + i * row_bytes, src + perm[i] * row_bytes, row_bytes);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterRandomKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(
      r.Register("RandomUniform", RandomFloatKernel<Dist::kUniform>));
  RETURN_IF_ERROR(
      r.Register("RandomStandardNormal", RandomFloatKernel<Dist::kNormal>));
  RETURN_IF_ERROR(
      r.Register("TruncatedNormal", RandomFloatKernel<Dist::kTruncatedNormal>));
  RETURN_IF_ERROR(r.Register("RandomUniformInt", RandomUniformIntKernel));
  RETURN_IF_ERROR(r.Register("RandomShuffle", RandomShuffleKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
