// MaxPool, MaxPoolV2, AvgPool, MaxPoolGrad and AvgPoolGrad: shape functions,
// hand-computed windows (SAME padding traps) and a plain reference.
#include "ops/pooling_ops.h"

#include <cmath>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ops/nn_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalStatus;
using testing::F;

void ExpectBuildError(const Scope& s, absl::string_view node) {
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument)
      << s.status();
  EXPECT_NE(s.status().message().find(node), std::string::npos) << s.status();
}

// ---- Plain reference, NHWC, one channel at a time. ----

struct Pool {
  int64_t n, h, w, c;  // Input.
  int64_t kh, kw;      // Window.
  int64_t sh, sw;      // Strides.
  bool same;
  std::string Name() const {
    return absl::StrCat(n, "x", h, "x", w, "x", c, " k", kh, "x", kw, " s", sh,
                        "x", sw, same ? " SAME" : " VALID");
  }
};

// Output size and top/left padding, from TF's documented formulas.
void RefDim(int64_t in, int64_t k, int64_t s, bool same, int64_t* out,
            int64_t* pad) {
  if (same) {
    *out = (in + s - 1) / s;
    *pad = std::max<int64_t>((*out - 1) * s + k - in, 0) / 2;
  } else {
    *out = (in - k) / s + 1;
    *pad = 0;
  }
}

struct RefPool {
  Pool p;
  int64_t oh, ow, ph, pw;
  explicit RefPool(const Pool& pool) : p(pool) {
    RefDim(p.h, p.kh, p.sh, p.same, &oh, &ph);
    RefDim(p.w, p.kw, p.sw, p.same, &ow, &pw);
  }
  TensorShape in_shape() const { return {p.n, p.h, p.w, p.c}; }
  TensorShape out_shape() const { return {p.n, oh, ow, p.c}; }
  int64_t In(int64_t b, int64_t y, int64_t x, int64_t ch) const {
    return ((b * p.h + y) * p.w + x) * p.c + ch;
  }
  int64_t Out(int64_t b, int64_t y, int64_t x, int64_t ch) const {
    return ((b * oh + y) * ow + x) * p.c + ch;
  }
  // Calls fn(out_index, in_index, count) for every real cell of every
  // window, in row-major window order; count is the window's real cells.
  template <typename Fn>
  void ForEachCell(Fn fn) const {
    for (int64_t b = 0; b < p.n; ++b)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x)
          for (int64_t ch = 0; ch < p.c; ++ch) {
            std::vector<int64_t> cells;
            for (int64_t i = 0; i < p.kh; ++i)
              for (int64_t j = 0; j < p.kw; ++j) {
                int64_t iy = y * p.sh - ph + i, ix = x * p.sw - pw + j;
                if (iy >= 0 && iy < p.h && ix >= 0 && ix < p.w)
                  cells.push_back(In(b, iy, ix, ch));
              }
            for (int64_t cell : cells)
              fn(Out(b, y, x, ch), cell, static_cast<int64_t>(cells.size()));
          }
  }
  std::vector<float> Max(const std::vector<float>& in) const {
    std::vector<float> out(out_shape().num_elements(), -INFINITY);
    ForEachCell([&](int64_t o, int64_t i, int64_t) {
      out[o] = std::max(out[o], in[i]);
    });
    return out;
  }
  std::vector<float> Avg(const std::vector<float>& in) const {
    std::vector<float> out(out_shape().num_elements(), 0);
    ForEachCell([&](int64_t o, int64_t i, int64_t n) { out[o] += in[i] / n; });
    return out;
  }
  std::vector<float> MaxGrad(const std::vector<float>& in,
                             const std::vector<float>& grad) const {
    std::vector<int64_t> arg(out_shape().num_elements(), -1);
    ForEachCell([&](int64_t o, int64_t i, int64_t) {
      if (arg[o] < 0 || in[i] > in[arg[o]]) arg[o] = i;  // First max wins.
    });
    std::vector<float> out(in.size(), 0);
    for (size_t o = 0; o < arg.size(); ++o) out[arg[o]] += grad[o];
    return out;
  }
  std::vector<float> AvgGrad(const std::vector<float>& grad) const {
    std::vector<float> out(in_shape().num_elements(), 0);
    ForEachCell(
        [&](int64_t o, int64_t i, int64_t n) { out[i] += grad[o] / n; });
    return out;
  }
};

std::vector<float> Random(int64_t n, int seed, bool small_ints) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-5, 5);
  std::vector<float> v(n);
  // Few distinct values make many ties for the tie-break check.
  for (float& x : v) x = small_ints ? static_cast<float>(gen() % 4) : dist(gen);
  return v;
}

Tensor T(const std::vector<float>& v, const TensorShape& shape) {
  return Tensor::FromVector<float>(absl::MakeConstSpan(v), shape);
}

std::vector<int64_t> K(const Pool& p) { return {1, p.kh, p.kw, 1}; }
std::vector<int64_t> S(const Pool& p) { return {1, p.sh, p.sw, 1}; }
const char* Pad(const Pool& p) { return p.same ? "SAME" : "VALID"; }

void CheckAgainstReference(const Pool& p, int seed) {
  SCOPED_TRACE(p.Name());
  RefPool ref(p);
  for (bool ties : {false, true}) {
    std::vector<float> in = Random(ref.in_shape().num_elements(), seed, ties);
    std::vector<float> grad =
        Random(ref.out_shape().num_elements(), seed + 1, false);
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, p.h, p.w, p.c}));
    Output mp = ops::MaxPool(s, x, K(p), S(p), Pad(p));
    Output ap = ops::AvgPool(s, x, K(p), S(p), Pad(p));
    Output g = ops::Const(s, T(grad, ref.out_shape()));
    Output mg = ops::MaxPoolGrad(s, x, mp, g, K(p), S(p), Pad(p));
    Output shape = ops::Const(
        s, Tensor::FromVector<int32_t>(
               {static_cast<int32_t>(p.n), static_cast<int32_t>(p.h),
                static_cast<int32_t>(p.w), static_cast<int32_t>(p.c)},
               {4}));
    Output ag = ops::AvgPoolGrad(s, shape, g, K(p), S(p), Pad(p));
    EXPECT_EQ(mp.shape(), PartialShape({-1, ref.oh, ref.ow, p.c}));
    EXPECT_EQ(ap.shape(), PartialShape({-1, ref.oh, ref.ow, p.c}));
    EXPECT_EQ(ag.shape(), PartialShape(ref.in_shape()));
    auto out =
        testing::EvalAll(s, {mp, ap, mg, ag}, {{x, T(in, ref.in_shape())}});
    EXPECT_TENSOR_NEAR(out[0], T(ref.Max(in), ref.out_shape()), 0);
    EXPECT_TENSOR_NEAR(out[1], T(ref.Avg(in), ref.out_shape()), 1e-5);
    EXPECT_TENSOR_NEAR(out[2], T(ref.MaxGrad(in, grad), ref.in_shape()), 1e-5);
    EXPECT_TENSOR_NEAR(out[3], T(ref.AvgGrad(grad), ref.in_shape()), 1e-5);
  }
}

TEST(PoolingOpsTest, MatchesReference) {
  const Pool pools[] = {
      {2, 5, 7, 3, 3, 3, 2, 2, true},   // 3x3/2 SAME, odd sizes.
      {2, 6, 6, 3, 3, 3, 2, 2, true},   // 3x3/2 SAME on even: extra bottom.
      {2, 7, 7, 2, 2, 2, 2, 2, true},   // 2x2/2 SAME on odd.
      {1, 6, 5, 2, 2, 2, 1, 1, false},  // Overlapping VALID.
      {2, 5, 5, 1, 3, 3, 2, 2, false},  // Overlapping VALID, 3x3/2.
      {2, 6, 9, 3, 2, 3, 1, 2, true},   // Non-square window and stride.
      {1, 3, 3, 2, 5, 5, 1, 1, true},   // Window larger than the input.
      {2, 7, 5, 3, 3, 2, 3, 1, false},
      {1, 7, 7, 2, 1, 1, 3, 3, true},    // Stride larger than the window.
      {3, 8, 8, 8, 4, 4, 4, 4, true},    // The course network's second pool.
      {2, 64, 64, 8, 8, 8, 8, 8, true},  // Its first pool.
      {2, 9, 9, 4, 8, 8, 8, 8, true},
  };
  int seed = 1;
  for (const Pool& p : pools) CheckAgainstReference(p, seed += 2);
}

// SAME padding never contributes a value: an all-negative input stays
// negative, and AvgPool divides by the real cells only.
TEST(PoolingOpsTest, SamePaddingHandComputed) {
  Scope s = NewRootScope();
  Tensor x = F({-1, -2, -3, -4, -5, -6, -7, -8, -9}, {1, 3, 3, 1});
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::MaxPool(s, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME")),
      F({-1, -3, -7, -9}, {1, 2, 2, 1}), 0);
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::AvgPool(s, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME")),
      F({-3, -4.5f, -7.5f, -9}, {1, 2, 2, 1}));
  // 3x3/2 SAME on 4x4: the padding row/column goes to the bottom/right.
  Tensor y =
      F({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, {1, 4, 4, 1});
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::AvgPool(s, y, {1, 3, 3, 1}, {1, 2, 2, 1}, "SAME")),
      F({6, 7.5f, 12, 13.5f}, {1, 2, 2, 1}));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::MaxPool(s, y, {1, 3, 3, 1}, {1, 2, 2, 1}, "SAME")),
      F({11, 12, 15, 16}, {1, 2, 2, 1}), 0);
  // Each of the 3x3 cells gets a quarter, a half or all of its window's
  // gradient: with grads 4, 2, 2, 1 every cell receives exactly 1.
  Output shape = ops::Const(s, Tensor::FromVector<int32_t>({1, 3, 3, 1}, {4}));
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::AvgPoolGrad(s, shape, F({4, 2, 2, 1}, {1, 2, 2, 1}),
                               {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME")),
      F({1, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 3, 3, 1}));
}

TEST(PoolingOpsTest, MaxPoolGradTieBreakAndOverlap) {
  Scope s = NewRootScope();
  // All equal: the first cell of the window wins.
  Tensor eq = F({5, 5, 5, 5}, {1, 2, 2, 1});
  Output mp = ops::MaxPool(s, eq, {1, 2, 2, 1}, {1, 2, 2, 1}, "VALID");
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::MaxPoolGrad(s, eq, mp, F({7}, {1, 1, 1, 1}), {1, 2, 2, 1},
                               {1, 2, 2, 1}, "VALID")),
      F({7, 0, 0, 0}, {1, 2, 2, 1}), 0);
  // Two maxima: the first in row-major order wins.
  Tensor two = F({1, 3, 3, 2}, {1, 2, 2, 1});
  EXPECT_TENSOR_NEAR(
      Eval(s,
           ops::MaxPoolGrad(s, two, F({3}, {1, 1, 1, 1}), F({7}, {1, 1, 1, 1}),
                            {1, 2, 2, 1}, {1, 2, 2, 1}, "VALID")),
      F({0, 7, 0, 0}, {1, 2, 2, 1}), 0);
  // 3x3/2 windows overlap: the centre is the max of all four windows and
  // collects all four gradients.
  std::vector<float> v(25, 0);
  v[12] = 9;
  Tensor center = T(v, {1, 5, 5, 1});
  Output mp2 = ops::MaxPool(s, center, {1, 3, 3, 1}, {1, 2, 2, 1}, "VALID");
  std::vector<float> want(25, 0);
  want[12] = 10;
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::MaxPoolGrad(s, center, mp2, F({1, 2, 3, 4}, {1, 2, 2, 1}),
                               {1, 3, 3, 1}, {1, 2, 2, 1}, "VALID")),
      T(want, {1, 5, 5, 1}), 0);
}

TEST(PoolingOpsTest, OtherTypes) {
  Scope s = NewRootScope();
  Tensor xi =
      Tensor::FromVector<int32_t>({-1, -2, -3, -4, 5, -6}, {1, 2, 3, 1});
  EXPECT_TRUE(TensorsEqual(
      Eval(s, ops::MaxPool(s, xi, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME")),
      Tensor::FromVector<int32_t>({5, -3}, {1, 1, 2, 1})));
  Tensor xd = Tensor::FromVector<double>({1, 2, 3, 4}, {1, 2, 2, 1});
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::AvgPool(s, xd, {1, 2, 2, 1}, {1, 1, 1, 1}, "SAME")),
      Tensor::FromVector<double>({2.5, 3, 3.5, 4}, {1, 2, 2, 1}), 1e-12);
}

TEST(PoolingOpsTest, MaxPoolV2MatchesMaxPool) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 5, 5, 2}));
  Output v2 = ops::MaxPoolV2(s, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
  Output v1 = ops::MaxPool(s, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
  EXPECT_EQ(v2.shape(), PartialShape({-1, 3, 3, 2}));
  Output k = ops::Placeholder(s, DT_INT32, PartialShape({4}));
  Output v2u = ops::MaxPoolV2(s, x, k, k, "SAME");
  EXPECT_EQ(v2u.shape(), PartialShape({-1, -1, -1, 2}));
  Output unknown = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(
      ops::MaxPoolV2(s, unknown, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME").shape(),
      PartialShape::UnknownOfRank(4));
  std::vector<float> in = Random(50, 3, false);
  auto out = testing::EvalAll(s, {v1, v2}, {{x, T(in, {1, 5, 5, 2})}});
  EXPECT_TENSOR_NEAR(out[1], out[0], 0);
  absl::Status st =
      EvalStatus(s, v2u,
                 {{x, T(in, {1, 5, 5, 2})},
                  {k, Tensor::FromVector<int32_t>({1, 2, 2, 1}, {4})}});
  EXPECT_OK(st);
}

TEST(PoolingOpsTest, Shapes) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 28, 28, 32}));
  EXPECT_EQ(ops::MaxPool(s, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME").shape(),
            PartialShape({-1, 14, 14, 32}));
  EXPECT_EQ(ops::AvgPool(s, x, {1, 3, 3, 1}, {1, 2, 2, 1}, "VALID").shape(),
            PartialShape({-1, 13, 13, 32}));
  Output part = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, -1, 9, 3}));
  EXPECT_EQ(ops::MaxPool(s, part, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME").shape(),
            PartialShape({-1, -1, 5, 3}));
  Output u = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(ops::MaxPool(s, u, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME").shape(),
            PartialShape::UnknownOfRank(4));
  EXPECT_EQ(ops::AvgPool(s, u, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME").shape(),
            PartialShape::UnknownOfRank(4));
  // NCHW shapes follow the format.
  Output nchw = ops::Placeholder(s, DT_FLOAT, PartialShape({8, 3, 28, 27}));
  EXPECT_EQ(
      ops::MaxPool(s, nchw, {1, 1, 2, 2}, {1, 1, 2, 2}, "SAME", "NCHW").shape(),
      PartialShape({8, 3, 14, 14}));
  // Gradients take the original input's shape.
  Output mp = ops::MaxPool(s, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
  EXPECT_EQ(ops::MaxPoolGrad(s, x, mp, mp, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME")
                .shape(),
            PartialShape({-1, 28, 28, 32}));
  EXPECT_EQ(
      ops::MaxPoolGrad(s, u, u, u, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME").shape(),
      PartialShape::UnknownOfRank(4));
  Output dyn_shape = ops::Placeholder(s, DT_INT32, PartialShape({4}));
  EXPECT_EQ(
      ops::AvgPoolGrad(s, dyn_shape, mp, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME")
          .shape(),
      PartialShape::UnknownOfRank(4));
  EXPECT_EQ(
      ops::AvgPoolGrad(s, {2, 4, 4, 1}, u, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME")
          .shape(),
      PartialShape({2, 4, 4, 1}));
  ASSERT_OK(s.status());
}

TEST(PoolingOpsTest, BadShapesNameNode) {
  auto expect_error = [](auto build, const char* name) {
    Scope s = NewRootScope();
    build(s.WithOpName(name));
    ExpectBuildError(s, name);
  };
  expect_error(
      [](const Scope& s) {
        Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT,
                                    PartialShape({28, 28, 3}));
        ops::MaxPool(s, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
      },
      "rank3_pool");
  expect_error(
      [](const Scope& s) {
        ops::AvgPool(s, F({1, 2, 3, 4}, {1, 2, 2, 1}), {1, 3, 3, 1},
                     {1, 1, 1, 1}, "VALID");
      },
      "too_big_valid");
  expect_error(
      [](const Scope& s) {
        ops::MaxPool(s, F({1, 2, 3, 4}, {1, 2, 2, 1}), {2, 1, 1, 1},
                     {1, 1, 1, 1}, "VALID");
      },
      "batch_window");
  expect_error(
      [](const Scope& s) {
        ops::MaxPool(s, F({1, 2, 3, 4}, {1, 2, 2, 1}), {1, 2, 2}, {1, 1, 1},
                     "VALID");
      },
      "three_entry_ksize");
  expect_error(
      [](const Scope& s) {
        ops::MaxPool(s, F({1, 2, 3, 4}, {1, 2, 2, 1}), {1, 2, 2, 1},
                     {1, 1, 1, 1}, "FULL");
      },
      "bad_padding");
  expect_error(
      [](const Scope& s) {
        ops::AvgPoolGrad(s, {1, 4, 4}, F({1}, {1, 1, 1, 1}), {1, 2, 2, 1},
                         {1, 2, 2, 1}, "SAME");
      },
      "short_orig_shape");
  expect_error(
      [](const Scope& s) {
        Output x =
            ops::Placeholder(s.WithOpName("x"), DT_FLOAT, PartialShape({4, 4}));
        ops::MaxPoolGrad(s, x, x, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
      },
      "rank2_grad");
  expect_error(
      [](const Scope& s) {
        ops::MaxPoolV2(s, F({1, 2, 3, 4}, {1, 2, 2, 1}), {1, 2, 2},
                       {1, 1, 1, 1}, "VALID");
      },
      "v2_short_ksize");
}

TEST(PoolingOpsTest, RuntimeErrorsNameNode) {
  Scope s = NewRootScope();
  Tensor x = F({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1});
  Output mg = ops::MaxPoolGrad(s.WithOpName("mpg"), x, F({1}, {1, 1, 1, 1}),
                               F({1}, {1, 1, 1, 1}), {1, 2, 2, 1}, {1, 2, 2, 1},
                               "SAME");
  absl::Status st = EvalStatus(s, mg);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find("mpg"), std::string::npos) << st;

  Output shape = ops::Placeholder(s, DT_INT32);
  Output ag = ops::AvgPoolGrad(s.WithOpName("apg"), shape, F({1}, {1, 1, 1, 1}),
                               {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
  st = EvalStatus(s, ag,
                  {{shape, Tensor::FromVector<int32_t>({1, -3, 2, 1}, {4})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find("apg"), std::string::npos) << st;

  Output nchw =
      ops::MaxPool(s.WithOpName("nchw_pool"), F({1, 2, 3, 4}, {1, 1, 2, 2}),
                   {1, 1, 2, 2}, {1, 1, 2, 2}, "VALID", "NCHW");
  st = EvalStatus(s, nchw);
  EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented) << st;
  EXPECT_NE(st.message().find("nchw_pool"), std::string::npos) << st;
}

TEST(PoolingOpsTest, EmptyBatch) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 4, 4, 2}));
  Output mp = ops::MaxPool(s, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
  EXPECT_EQ(
      Eval(s, mp, {{x, Tensor(DT_FLOAT, TensorShape{0, 4, 4, 2})}}).shape(),
      TensorShape({0, 2, 2, 2}));
}

}  // namespace
}  // namespace graphflow
