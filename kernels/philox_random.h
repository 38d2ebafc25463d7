// Philox4x32-10, the counter-based generator of Salmon et al., "Parallel
// Random Numbers: As Easy as 1, 2, 3" (SC11), seeded, skipped and converted
// to floats the way TensorFlow's CPU random kernels do, so a seeded random op
// reproduces TensorFlow's numbers. Every 128-bit block is a pure function of
// (key, counter), so threads can fill disjoint counter ranges independently.
#ifndef GRAPHFLOW_KERNELS_PHILOX_RANDOM_H_
#define GRAPHFLOW_KERNELS_PHILOX_RANDOM_H_

#include <array>
#include <cstdint>
#include <cstring>

namespace graphflow::random {

class Philox {
 public:
  using Block = std::array<uint32_t, 4>;  // One output, also a counter.
  using Key = std::array<uint32_t, 2>;

  Philox() = default;
  // TensorFlow's seeding: the key is seed_lo, counter words 2 and 3 are
  // seed_hi, counter words 0 and 1 start at zero.
  Philox(uint64_t seed_lo, uint64_t seed_hi);
  Philox(const Block& counter, const Key& key) : counter_(counter), key_(key) {}

  const Block& counter() const { return counter_; }
  const Key& key() const { return key_; }

  // Advances the 128-bit counter by `count` blocks.
  void Skip(uint64_t count);
  // Advances by count * times blocks (the product may exceed 64 bits).
  void Skip(uint64_t count, uint64_t times);

  // The block for the current counter; then the counter moves on by one.
  Block operator()() {
    Block out = Compute(counter_, key_);
    Skip(1);
    return out;
  }
  // Writes the blocks of the next n counters to out[0 .. 4n) (block i at
  // out[4i]) and advances by n. Processes several counters per step so the
  // rounds vectorize.
  void Fill(uint32_t* out, int64_t n);

  // The ten Philox rounds on one counter.
  static Block Compute(const Block& counter, const Key& key);

 private:
  Block counter_{};
  Key key_{};
};

// Returns single 32-bit words from consecutive blocks (TensorFlow's
// SingleSampleAdapter): used where a sample needs a variable number of words.
class WordSampler {
 public:
  explicit WordSampler(const Philox& gen) : gen_(gen) {}
  uint32_t operator()() {
    if (used_ == 4) {
      block_ = gen_();
      used_ = 0;
    }
    return block_[used_++];
  }

 private:
  Philox gen_;
  Philox::Block block_{};
  int used_ = 4;
};

// [0, 1) from the low 23 bits: 1.mantissa with exponent 127, minus 1.
inline float Uint32ToFloat(uint32_t x) {
  const uint32_t bits = (127u << 23) | (x & 0x7fffffu);
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f - 1.0f;
}

// [0, 1) from 52 bits: the low 20 bits of x0 above all 32 bits of x1.
inline double Uint64ToDouble(uint32_t x0, uint32_t x1) {
  const uint64_t bits = (uint64_t{1023} << 52) |
                        (static_cast<uint64_t>(x0 & 0xfffffu) << 32) | x1;
  double d;
  std::memcpy(&d, &bits, sizeof(d));
  return d - 1.0;
}

// Two standard normals from two words (Box-Muller, with u1 kept >= 1e-7 so
// log stays finite), computed exactly as TensorFlow does in float.
void BoxMullerFloat(uint32_t x0, uint32_t x1, float* f0, float* f1);
// Two standard normals from four words, in double.
void BoxMullerDouble(uint32_t x0, uint32_t x1, uint32_t x2, uint32_t x3,
                     double* d0, double* d1);

}  // namespace graphflow::random

#endif  // GRAPHFLOW_KERNELS_PHILOX_RANDOM_H_
