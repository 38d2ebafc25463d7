// Exact values of the random ops: Philox known answers, numbers published as
// TensorFlow's own output for given seeds, and plain reference loops for the
// counter layout of large (multi-threaded) outputs.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/philox_random.h"
#include "ops/random_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using random::Philox;
using testing::Values;

// Runs `out` `runs` times in one session.
std::vector<Tensor> RunRepeatedly(const Scope& s, const Output& out, int runs) {
  auto session = Session::Create(s);
  EXPECT_TRUE(session.ok()) << session.status();
  std::vector<Tensor> results;
  for (int i = 0; i < runs && session.ok(); ++i) {
    auto r = (*session)->Run({out});
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok()) results.push_back((*r)[0]);
  }
  return results;
}

// numpy prints a float32 with at most 8 decimals: its shortest round-trip
// form when that is shorter, else rounded to 8 decimals.
bool MatchesPrinted(float got, double printed) {
  return got == static_cast<float>(printed) || std::fabs(got - printed) <= 5e-9;
}

void ExpectPrintedFloats(const Tensor& t, const std::vector<double>& printed) {
  ASSERT_EQ(t.dtype(), DT_FLOAT);
  ASSERT_EQ(t.num_elements(), static_cast<int64_t>(printed.size()));
  for (size_t i = 0; i < printed.size(); ++i) {
    EXPECT_TRUE(MatchesPrinted(t.data<float>()[i], printed[i]))
        << "at " << i << ": " << t.data<float>()[i] << " vs " << printed[i];
  }
}

// Random123's tests/kat_vectors, "philox4x32 10" lines: counter, key, result.
TEST(PhiloxTest, KnownAnswers) {
  struct Kat {
    Philox::Block counter;
    Philox::Key key;
    Philox::Block expected;
  };
  const Kat kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const Kat& k : kats) {
    EXPECT_EQ(Philox::Compute(k.counter, k.key), k.expected);
    Philox gen(k.counter, k.key);
    EXPECT_EQ(gen(), k.expected);
    uint32_t filled[4];
    Philox(k.counter, k.key).Fill(filled, 1);
    EXPECT_EQ(Philox::Block({filled[0], filled[1], filled[2], filled[3]}),
              k.expected);
  }
}

TEST(PhiloxTest, SeedsGoToKeyAndUpperCounter) {
  Philox gen(0x1122334455667788ull, 0x99aabbccddeeff00ull);
  EXPECT_EQ(gen.key(), Philox::Key({0x55667788, 0x11223344}));
  EXPECT_EQ(gen.counter(), Philox::Block({0, 0, 0xddeeff00, 0x99aabbcc}));
}

TEST(PhiloxTest, SkipCarriesAcrossWords) {
  Philox gen(Philox::Block{0xfffffffe, 0xffffffff, 0xffffffff, 7}, {1, 2});
  gen.Skip(3);
  EXPECT_EQ(gen.counter(), Philox::Block({1, 0, 0, 8}));
  Philox big(Philox::Block{0, 0, 5, 0}, {1, 2});
  big.Skip(uint64_t{1} << 40, uint64_t{1} << 30);  // 2^70 blocks.
  EXPECT_EQ(big.counter(), Philox::Block({0, 0, 5 + 64, 0}));
}

// Fill (SIMD lanes) must equal one block at a time, across a 64-bit carry.
TEST(PhiloxTest, FillMatchesSequentialBlocks) {
  const Philox start(Philox::Block{0xffffffff - 20, 0xffffffff, 3, 0}, {9, 8});
  std::vector<uint32_t> filled(4 * 75);
  Philox a = start;
  a.Fill(filled.data(), 75);
  Philox b = start;
  for (int i = 0; i < 75; ++i) {
    Philox::Block blk = b();
    for (int j = 0; j < 4; ++j) ASSERT_EQ(filled[4 * i + j], blk[j]) << i;
  }
  EXPECT_EQ(a.counter(), b.counter());
}

TEST(PhiloxTest, Conversions) {
  EXPECT_EQ(random::Uint32ToFloat(0), 0.0f);
  EXPECT_EQ(random::Uint32ToFloat(0xff800000u), 0.0f);  // High bits unused.
  EXPECT_EQ(random::Uint32ToFloat(0x7fffffu), 1.0f - std::ldexp(1.0f, -23));
  EXPECT_EQ(random::Uint32ToFloat(0x400000u), 0.5f);
  EXPECT_EQ(random::Uint64ToDouble(0, 0), 0.0);
  EXPECT_EQ(random::Uint64ToDouble(0x80000u, 0), 0.5);
  EXPECT_EQ(random::Uint64ToDouble(0xfffffu, 0xffffffffu),
            1.0 - std::ldexp(1.0, -52));
  EXPECT_EQ(random::Uint64ToDouble(0, 1), std::ldexp(1.0, -52));
  float f0, f1;
  // u1 = 0 is clamped to 1e-7; angle 0 gives (0, sqrt(-2 log 1e-7)).
  random::BoxMullerFloat(0, 0, &f0, &f1);
  EXPECT_EQ(f0, 0.0f);
  EXPECT_NEAR(f1, std::sqrt(-2.0 * std::log(1e-7)), 1e-5);
  double d0, d1;
  // u1 = 0.5 and angle pi/2 (x2 = 0x40000 gives 0.25).
  random::BoxMullerDouble(0x80000u, 0, 0x40000u, 0, &d0, &d1);
  EXPECT_NEAR(d0, std::sqrt(2 * std::log(2.0)), 1e-12);
  EXPECT_NEAR(d1, 0.0, 1e-12);
}

// The published reference outputs below were produced by TensorFlow itself:
// OpenVINO's RandomUniform reference tests ("obtained from single layer
// TensorFlow model with tf.random.uniform()"), which pass (global_seed,
// op_seed) as TF's (seed, seed2), and the tf.random docs' doctests.
TEST(RandomValuesTest, UniformFloatMatchesTensorFlow) {
  Scope s = NewRootScope();
  Output u = ops::RandomUniform(s, {3, 2, 4}, DT_FLOAT, 150, 10);
  Tensor t = testing::Eval(s, u);
  ASSERT_EQ(t.shape(), TensorShape({3, 2, 4}));
  const std::vector<double> tf = {
      0.70112360, 0.30539632, 0.93931055, 0.94560349, 0.11694777, 0.50770056,
      0.51971972, 0.22727466, 0.99137402, 0.35519040, 0.82692313, 0.59864855,
      0.31364107, 0.57481313, 0.41399086, 0.96308255, 0.37140799, 0.85253167,
      0.09358585, 0.08200955, 0.23655081, 0.81056309, 0.74226606, 0.76106691};
  ExpectPrintedFloats(t, tf);
  // tf.random.uniform(minval=-650, maxval=450): x * 1100 + (-650) in float.
  std::vector<double> scaled;
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    volatile float y = t.data<float>()[i] * 1100.0f;
    scaled.push_back(static_cast<float>(y + -650.0f));
  }
  const std::vector<double> tf_scaled = {
      121.23596191,  -314.06405640, 383.24157715,  390.16381836,  -521.35742188,
      -91.52935791,  -78.30828857,  -399.99786377, 440.51147461,  -259.29055786,
      259.61541748,  8.51342773,    -304.99481201, -17.70556641,  -194.61004639,
      409.39074707,  -241.45120239, 287.78485107,  -547.05554199, -559.78948975,
      -389.79409790, 241.61938477,  166.49267578,  187.17358398};
  for (size_t i = 0; i < scaled.size(); ++i) {
    EXPECT_EQ(scaled[i], static_cast<float>(tf_scaled[i])) << i;
  }
}

TEST(RandomValuesTest, UniformDoubleMatchesTensorFlow) {
  Scope s = NewRootScope();
  Tensor t =
      testing::Eval(s, ops::RandomUniform(s, {2, 2}, DT_DOUBLE, 80, 100));
  // Published for minval 2, maxval 10: x * 8 + 2.
  const std::vector<double> tf = {5.65927959, 4.23122376, 2.67008206,
                                  2.36423758};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(t.data<double>()[i] * 8 + 2, tf[i], 5e-9) << i;
  }
}

TEST(RandomValuesTest, UniformIntMatchesTensorFlow) {
  Scope s = NewRootScope();
  Output a = ops::RandomUniformInt(s, {2, 3, 4}, -100, 50, 100, 350);
  Output b = ops::RandomUniformInt(s, {5, 4, 3}, Tensor::Scalar<int64_t>(-2600),
                                   Tensor::Scalar<int64_t>(3700), 755, 951);
  Output c = ops::RandomUniformInt(s, {2, 3}, 50, 100, 80, 100);
  std::vector<Tensor> t = testing::EvalAll(s, {a, b, c});
  EXPECT_EQ(t[0].dtype(), DT_INT32);
  EXPECT_EQ(t[1].dtype(), DT_INT64);
  EXPECT_EQ(Values(t[0]),
            std::vector<double>({22,  -56, -33, -89, -98, -33, -3,  -48,
                                 -82, 5,   -66, 21,  29,  -42, -73, -37,
                                 3,   36,  -35, 20,  -11, -8,  -78, 47}));
  EXPECT_EQ(Values(t[1]),
            std::vector<double>(
                {2116, -1581, 2559,  -339,  -1660, 519,   90,    2027,  -210,
                 3330, 1831,  -1737, 2683,  2661,  3473,  1220,  3534,  -2384,
                 2199, 1935,  499,   2861,  2743,  3223,  -531,  -836,  -65,
                 3435, 632,   1765,  2613,  1891,  1698,  3069,  169,   -792,
                 -32,  2976,  -1552, -2588, 3327,  -1756, 2637,  -1084, 3567,
                 -778, -1465, 2967,  1242,  2672,  -1585, -2271, 3536,  -1502,
                 400,  2241,  3126,  908,   1073,  -2110}));
  EXPECT_EQ(Values(t[2]), std::vector<double>({65, 70, 56, 59, 82, 92}));
}

// tf.random.set_seed(5); tf.random.uniform([], maxval=3, dtype=tf.int32,
// seed=10) gives 2, then 0 on the second call (tf.random.uniform docs): the
// second run continues the sequence 256 blocks further on.
TEST(RandomValuesTest, SecondRunContinuesTensorFlowSequence) {
  Scope s = NewRootScope();
  Output x = ops::RandomUniformInt(s, Tensor::Vector<int32_t>({}), 0, 3, 5, 10);
  std::vector<Tensor> runs = RunRepeatedly(s, x, 2);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].shape(), TensorShape({}));
  EXPECT_EQ(runs[0].data<int32_t>()[0], 2);
  EXPECT_EQ(runs[1].data<int32_t>()[0], 0);
}

// tf.random.set_seed(5); tf.random.normal([2,2], 0, 1, seed=1) (tf.random
// docs). Box-Muller goes through glibc's logf and sincosf, as in TensorFlow.
TEST(RandomValuesTest, NormalMatchesTensorFlow) {
  Scope s = NewRootScope();
  Tensor t =
      testing::Eval(s, ops::RandomStandardNormal(s, {2, 2}, DT_FLOAT, 5, 1));
  ExpectPrintedFloats(t, {-1.3768897, -0.01258316, -0.169515, 1.0824056});
}

// Reference for run `run` of a float op with seeds (seed, seed2) and n
// outputs, one block at a time: output i comes from block i / 4 after the
// run's offset run * n * 256.
Philox::Block RefBlock(uint64_t seed, uint64_t seed2, int64_t n, int run,
                       int64_t block) {
  Philox gen(seed, seed2);
  for (int r = 0; r < run; ++r) gen.Skip(n * 256);
  gen.Skip(block);
  return gen();
}

TEST(RandomValuesTest, LargeOutputsMatchReferenceLoop) {
  const int64_t n = (1 << 18) + 3;  // Large enough for threads; ragged end.
  Scope s = NewRootScope();
  Output u = ops::RandomUniform(s, {static_cast<int>(n)}, DT_FLOAT, 3, 4);
  Output g =
      ops::RandomStandardNormal(s, {static_cast<int>(n)}, DT_DOUBLE, 3, 4);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  for (int run = 0; run < 2; ++run) {
    auto out = (*session)->Run({u, g});
    ASSERT_OK(out.status());
    const float* uf = (*out)[0].data<float>();
    const double* gd = (*out)[1].data<double>();
    for (int64_t i = 0; i < n; i += (i < 100 || i > n - 100) ? 1 : 997) {
      Philox::Block b = RefBlock(3, 4, n, run, i / 4);
      ASSERT_EQ(uf[i], random::Uint32ToFloat(b[i % 4])) << i;
      Philox::Block c = RefBlock(3, 4, n, run, i / 2);
      double d[2];
      random::BoxMullerDouble(c[0], c[1], c[2], c[3], &d[0], &d[1]);
      ASSERT_EQ(gd[i], d[i % 2]) << i;
    }
  }
}

// Truncated normal: group g of 4 floats (2 doubles) reads words from the
// block window starting at g * 256 (g * 128) and keeps values with |x| < 2.
TEST(RandomValuesTest, TruncatedNormalMatchesReferenceLoop) {
  const int64_t n = (1 << 16) + 1;
  Scope s = NewRootScope();
  Output tf = ops::TruncatedNormal(s, {static_cast<int>(n)}, DT_FLOAT, 11, 12);
  Output td = ops::TruncatedNormal(s, {static_cast<int>(n)}, DT_DOUBLE, 11, 12);
  std::vector<Tensor> t = testing::EvalAll(s, {tf, td});
  const float* f = t[0].data<float>();
  const double* d = t[1].data<double>();
  for (int64_t g = 0; g < n / 2 + 1; g += (g < 50 ? 1 : 331)) {
    if (g * 4 < n) {
      Philox gen(11, 12);
      gen.Skip(g * 256);
      std::vector<uint32_t> words;
      for (int k = 0; k < 8; ++k) {
        Philox::Block b = gen();
        words.insert(words.end(), b.begin(), b.end());
      }
      std::vector<float> kept;
      for (size_t w = 0; w + 1 < words.size() && kept.size() < 4; w += 2) {
        float v[2];
        random::BoxMullerFloat(words[w], words[w + 1], &v[0], &v[1]);
        for (float x : v) {
          if (std::fabs(x) < 2 && kept.size() < 4) kept.push_back(x);
        }
      }
      for (int64_t j = 0; j < 4 && g * 4 + j < n; ++j) {
        ASSERT_EQ(f[g * 4 + j], kept[j]) << g;
      }
    }
    Philox gen(11, 12);
    gen.Skip(g * 128);
    std::vector<double> kept;
    while (kept.size() < 2) {
      Philox::Block b = gen();
      double v[2];
      random::BoxMullerDouble(b[0], b[1], b[2], b[3], &v[0], &v[1]);
      for (double x : v) {
        if (std::fabs(x) < 2 && kept.size() < 2) kept.push_back(x);
      }
    }
    for (int64_t j = 0; j < 2 && g * 2 + j < n; ++j) {
      ASSERT_EQ(d[g * 2 + j], kept[j]) << g;
    }
  }
}

// TensorFlow's shuffle: Fisher-Yates with one word per swap, i + w % (n - i).
TEST(RandomValuesTest, ShuffleMatchesReferenceLoop) {
  Scope s = NewRootScope();
  std::vector<float> v(10);
  for (int i = 0; i < 10; ++i) v[i] = static_cast<float>(i);
  Tensor rows = Tensor::FromVector<float>(
      {0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51, 60, 61}, {7, 2});
  Output a = ops::RandomShuffle(s, Tensor::FromVector<float>(v, {10}), 21, 22);
  Output b = ops::RandomShuffle(s, rows, 21, 22);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  for (int run = 0; run < 3; ++run) {
    auto out = (*session)->Run({a, b});
    ASSERT_OK(out.status());
    for (int which = 0; which < 2; ++which) {
      const int n = which == 0 ? 10 : 7;
      Philox gen(21, 22);
      gen.Skip(static_cast<uint64_t>(run) * ((n - 1 + 3) / 4));
      std::vector<uint32_t> words;
      for (int k = 0; k < 4; ++k) {
        Philox::Block blk = gen();
        words.insert(words.end(), blk.begin(), blk.end());
      }
      std::vector<int> perm(n);
      for (int i = 0; i < n; ++i) perm[i] = i;
      for (int i = 0; i + 1 < n; ++i) {
        std::swap(perm[i], perm[i + words[i] % (n - i)]);
      }
      const float* got = (*out)[which].data<float>();
      for (int i = 0; i < n; ++i) {
        if (which == 0) {
          EXPECT_EQ(got[i], perm[i]) << run;
        } else {
          EXPECT_EQ(got[2 * i], perm[i] * 10) << run;
          EXPECT_EQ(got[2 * i + 1], perm[i] * 10 + 1) << run;
        }
      }
    }
  }
}

}  // namespace
}  // namespace graphflow
