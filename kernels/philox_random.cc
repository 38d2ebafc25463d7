#include "kernels/philox_random.h"

#include <math.h>

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

void Philox::Fill(uint32_t* out, int64_t n) {
  // Structure-of-arrays lanes: each round is a plain loop over kLanes
  // independent counters, which the compiler turns into SIMD multiplies.
  constexpr int kLanes = 16;
  uint64_t lo = Low64(counter_), hi = High64(counter_);
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
    for (int j = 0; j < kLanes; ++j) {
      const uint64_t l = lo + j;
      const uint64_t h = hi + (l < lo ? 1 : 0);
      c0[j] = static_cast<uint32_t>(l);
      c1[j] = static_cast<uint32_t>(l >> 32);
      c2[j] = static_cast<uint32_t>(h);
      c3[j] = static_cast<uint32_t>(h >> 32);
    }
    uint32_t k0 = key_[0], k1 = key_[1];
    for (int round = 0; round < kRounds; ++round) {
      for (int j = 0; j < kLanes; ++j) {
        const uint64_t p0 = static_cast<uint64_t>(kRoundMul0) * c0[j];
        const uint64_t p1 = static_cast<uint64_t>(kRoundMul1) * c2[j];
        const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1[j] ^ k0;
        const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3[j] ^ k1;
        c1[j] = static_cast<uint32_t>(p1);
        c3[j] = static_cast<uint32_t>(p0);
        c0[j] = n0;
        c2[j] = n2;
      }
      k0 += kKeyBump0;
      k1 += kKeyBump1;
    }
    uint32_t* dst = out + 4 * i;
    for (int j = 0; j < kLanes; ++j) {
      dst[4 * j] = c0[j];
      dst[4 * j + 1] = c1[j];
      dst[4 * j + 2] = c2[j];
      dst[4 * j + 3] = c3[j];
    }
    const uint64_t new_lo = lo + kLanes;
    hi += new_lo < lo ? 1 : 0;
    lo = new_lo;
  }
  counter_ = MakeCounter(lo, hi);
  for (; i < n; ++i) {
    const Block b = (*this)();
    std::copy(b.begin(), b.end(), out + 4 * i);
  }
}

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
