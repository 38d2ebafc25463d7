#include "kernels/philox_random.h"

#include <math.h>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>

namespace graphflow::random {
namespace {

// The constants recommended by the Philox paper.
constexpr uint32_t kRoundMul0 = 0xD2511F53;
constexpr uint32_t kRoundMul1 = 0xCD9E8D57;
constexpr uint32_t kKeyBump0 = 0x9E3779B9;
constexpr uint32_t kKeyBump1 = 0xBB67AE85;
constexpr int kRounds = 10;

uint64_t Low64(const Philox::Block& c) {
  return c[0] | (static_cast<uint64_t>(c[1]) << 32);
}
uint64_t High64(const Philox::Block& c) {
  return c[2] | (static_cast<uint64_t>(c[3]) << 32);
}
Philox::Block MakeCounter(uint64_t lo, uint64_t hi) {
  return {static_cast<uint32_t>(lo), static_cast<uint32_t>(lo >> 32),
          static_cast<uint32_t>(hi), static_cast<uint32_t>(hi >> 32)};
}

}  // namespace

Philox::Philox(uint64_t seed_lo, uint64_t seed_hi)
    : counter_(MakeCounter(0, seed_hi)),
      key_{static_cast<uint32_t>(seed_lo),
           static_cast<uint32_t>(seed_lo >> 32)} {}

void Philox::Skip(uint64_t count) {
  const uint64_t lo = Low64(counter_);
  const uint64_t new_lo = lo + count;
  counter_ = MakeCounter(new_lo, High64(counter_) + (new_lo < lo ? 1 : 0));
}

void Philox::Skip(uint64_t count, uint64_t times) {
  const unsigned __int128 product =
      static_cast<unsigned __int128>(count) * times;
  const unsigned __int128 sum =
      ((static_cast<unsigned __int128>(High64(counter_)) << 64) |
       Low64(counter_)) +
      product;
  counter_ =
      MakeCounter(static_cast<uint64_t>(sum), static_cast<uint64_t>(sum >> 64));
}

Philox::Block Philox::Compute(const Block& counter, const Key& key) {
  Block c = counter;
  uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < kRounds; ++round) {
    const uint64_t p0 = static_cast<uint64_t>(kRoundMul0) * c[0];
    const uint64_t p1 = static_cast<uint64_t>(kRoundMul1) * c[2];
    c = {static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k0, static_cast<uint32_t>(p1),
         static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k1,
         static_cast<uint32_t>(p0)};
    k0 += kKeyBump0;
    k1 += kKeyBump1;
  }
  return c;
}

#if defined(__AVX2__)
namespace {

// Eight counters per register: word w of lane j is counter j's word w.
struct Lanes8 {
  __m256i c0, c1, c2, c3;
};

// (hi, lo) halves of the 32x32-bit products of each lane with m.
inline void MulHiLo(__m256i a, __m256i m, __m256i* hi, __m256i* lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

inline void Round(Lanes8& x, __m256i k0, __m256i k1) {
  const __m256i m0 = _mm256_set1_epi64x(kRoundMul0);
  const __m256i m1 = _mm256_set1_epi64x(kRoundMul1);
  __m256i hi0, lo0, hi1, lo1;
  MulHiLo(x.c0, m0, &hi0, &lo0);
  MulHiLo(x.c2, m1, &hi1, &lo1);
  x.c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x.c1), k0);
  x.c1 = lo1;
  x.c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x.c3), k1);
  x.c3 = lo0;
}

// Counters lo + j (j < 8) with the carry into the upper 64 bits.
Lanes8 LoadCounters(uint64_t lo, uint64_t hi) {
  if (static_cast<uint32_t>(lo) <= 0xffffffffu - 7) {  // No carry: broadcast.
    return {_mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(lo)),
                             _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)),
            _mm256_set1_epi32(static_cast<int>(lo >> 32)),
            _mm256_set1_epi32(static_cast<int>(hi)),
            _mm256_set1_epi32(static_cast<int>(hi >> 32))};
  }
  alignas(32) uint32_t w[4][8];
  for (int j = 0; j < 8; ++j) {
    const uint64_t l = lo + j;
    const uint64_t h = hi + (l < lo ? 1 : 0);
    w[0][j] = static_cast<uint32_t>(l);
    w[1][j] = static_cast<uint32_t>(l >> 32);
    w[2][j] = static_cast<uint32_t>(h);
    w[3][j] = static_cast<uint32_t>(h >> 32);
  }
  auto load = [](const uint32_t* p) {
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(p));
  };
  return {load(w[0]), load(w[1]), load(w[2]), load(w[3])};
}

// Writes the 8 blocks as 32 consecutive words (a 4x8 transpose).
void StoreBlocks(const Lanes8& x, uint32_t* out) {
  const __m256i t0 = _mm256_unpacklo_epi32(x.c0, x.c1);
  const __m256i t1 = _mm256_unpackhi_epi32(x.c0, x.c1);
  const __m256i t2 = _mm256_unpacklo_epi32(x.c2, x.c3);
  const __m256i t3 = _mm256_unpackhi_epi32(x.c2, x.c3);
  const __m256i u0 = _mm256_unpacklo_epi64(t0, t2);  // Blocks 0 and 4.
  const __m256i u1 = _mm256_unpackhi_epi64(t0, t2);  // Blocks 1 and 5.
  const __m256i u2 = _mm256_unpacklo_epi64(t1, t3);  // Blocks 2 and 6.
  const __m256i u3 = _mm256_unpackhi_epi64(t1, t3);  // Blocks 3 and 7.
  __m256i* dst = reinterpret_cast<__m256i*>(out);
  _mm256_storeu_si256(dst, _mm256_permute2x128_si256(u0, u1, 0x20));
  _mm256_storeu_si256(dst + 1, _mm256_permute2x128_si256(u2, u3, 0x20));
  _mm256_storeu_si256(dst + 2, _mm256_permute2x128_si256(u0, u1, 0x31));
  _mm256_storeu_si256(dst + 3, _mm256_permute2x128_si256(u2, u3, 0x31));
}

}  // namespace

void Philox::Fill(uint32_t* out, int64_t n) {
  // Two independent groups of eight counters hide the multiply latency.
  uint64_t lo = Low64(counter_), hi = High64(counter_);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    Lanes8 a = LoadCounters(lo, hi);
    const uint64_t mid = lo + 8;
    Lanes8 b = LoadCounters(mid, hi + (mid < lo ? 1 : 0));
    __m256i k0 = _mm256_set1_epi32(static_cast<int>(key_[0]));
    __m256i k1 = _mm256_set1_epi32(static_cast<int>(key_[1]));
    const __m256i bump0 = _mm256_set1_epi32(static_cast<int>(kKeyBump0));
    const __m256i bump1 = _mm256_set1_epi32(static_cast<int>(kKeyBump1));
    for (int round = 0; round < kRounds; ++round) {
      Round(a, k0, k1);
      Round(b, k0, k1);
      k0 = _mm256_add_epi32(k0, bump0);
      k1 = _mm256_add_epi32(k1, bump1);
    }
    StoreBlocks(a, out + 4 * i);
    StoreBlocks(b, out + 4 * i + 32);
    const uint64_t new_lo = lo + 16;
    hi += new_lo < lo ? 1 : 0;
    lo = new_lo;
  }
  counter_ = MakeCounter(lo, hi);
  for (; i < n; ++i) {
    const Block b = (*this)();
    std::copy(b.begin(), b.end(), out + 4 * i);
  }
}
#else
void Philox::Fill(uint32_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const Block b = (*this)();
    std::copy(b.begin(), b.end(), out + 4 * i);
  }
}
#endif  // __AVX2__

void BoxMullerFloat(uint32_t x0, uint32_t x1, float* f0, float* f1) {
  const float epsilon = 1.0e-7f;
  float u1 = Uint32ToFloat(x0);
  if (u1 < epsilon) u1 = epsilon;
  // The angle is formed in double (2 * M_PI is a double) and then rounded to
  // float, as in TensorFlow.
  const float v1 =
      static_cast<float>(2.0 * M_PI * static_cast<double>(Uint32ToFloat(x1)));
  const float u2 = std::sqrt(-2.0f * std::log(u1));
  float s, c;
  ::sincosf(v1, &s, &c);
  *f0 = s * u2;
  *f1 = c * u2;
}

void BoxMullerDouble(uint32_t x0, uint32_t x1, uint32_t x2, uint32_t x3,
                     double* d0, double* d1) {
  const double epsilon = 1.0e-7;
  double u1 = Uint64ToDouble(x0, x1);
  if (u1 < epsilon) u1 = epsilon;
  const double v1 = 2 * M_PI * Uint64ToDouble(x2, x3);
  const double u2 = std::sqrt(-2.0 * std::log(u1));
  double s, c;
  ::sincos(v1, &s, &c);
  *d0 = s * u2;
  *d1 = c * u2;
}

}  // namespace graphflow::random
