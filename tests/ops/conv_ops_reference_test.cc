// Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter against a plain
// 7-loop reference on random data, over many geometries (strides, SAME /
// VALID / EXPLICIT, odd and even sizes, kernels 1..5, dilations, NCHW, the
// tiling and threading paths).
#include <cmath>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/conv_compute.h"
#include "ops/conv_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

struct Case {
  int64_t n, h, w, cin, kh, kw, cout;
  int64_t sh = 1, sw = 1;
  std::string padding = "SAME";
  int64_t dh = 1, dw = 1;
  std::vector<int64_t> explicit_pads = {};  // top, bottom, left, right.

  std::string Name() const {
    return absl::StrCat(n, "x", h, "x", w, "x", cin, " k", kh, "x", kw, "x",
                        cout, " s", sh, ",", sw, " d", dh, ",", dw, " ",
                        padding);
  }
};

// The reference geometry, derived from TF's documented rules.
struct RefDim {
  int64_t out, before;
};
RefDim RefWindow(const Case& c, int64_t in, int64_t k, int64_t s, int64_t d,
                 int axis) {
  const int64_t eff = (k - 1) * d + 1;
  if (c.padding == "EXPLICIT") {
    const int64_t before = c.explicit_pads[2 * axis];
    const int64_t padded = in + before + c.explicit_pads[2 * axis + 1];
    return {(padded - eff) / s + 1, before};
  }
  if (c.padding == "VALID") return {(in - eff) / s + 1, 0};
  const int64_t out = (in + s - 1) / s;
  const int64_t total = std::max<int64_t>((out - 1) * s + eff - in, 0);
  return {out, total / 2};
}

struct Ref {
  RefDim rows, cols;
};
Ref RefGeometry(const Case& c) {
  return {RefWindow(c, c.h, c.kh, c.sh, c.dh, 0),
          RefWindow(c, c.w, c.kw, c.sw, c.dw, 1)};
}

// Calls fn(n, ho, wo, kh, kw, ci, co, x_index) for every in-bounds tap.
template <typename Fn>
void ForEachTap(const Case& c, const Ref& r, Fn fn) {
  for (int64_t n = 0; n < c.n; ++n)
    for (int64_t ho = 0; ho < r.rows.out; ++ho)
      for (int64_t wo = 0; wo < r.cols.out; ++wo)
        for (int64_t i = 0; i < c.kh; ++i)
          for (int64_t j = 0; j < c.kw; ++j) {
            const int64_t hi = ho * c.sh - r.rows.before + i * c.dh;
            const int64_t wi = wo * c.sw - r.cols.before + j * c.dw;
            if (hi < 0 || hi >= c.h || wi < 0 || wi >= c.w) continue;
            for (int64_t ci = 0; ci < c.cin; ++ci)
              for (int64_t co = 0; co < c.cout; ++co) {
                fn(((n * c.h + hi) * c.w + wi) * c.cin + ci,
                   ((i * c.kw + j) * c.cin + ci) * c.cout + co,
                   ((n * r.rows.out + ho) * r.cols.out + wo) * c.cout + co);
              }
          }
}

template <typename T>
Tensor Random(const TensorShape& shape, std::mt19937& rng) {
  Tensor t(DataTypeOf<T>::value, shape);
  std::uniform_real_distribution<double> dist(-1, 1);
  for (T& v : t.flat<T>()) v = static_cast<T>(dist(rng));
  return t;
}

template <typename T>
Tensor Zeros(const TensorShape& shape) {
  Tensor t(DataTypeOf<T>::value, shape);
  t.FillZero();
  return t;
}

// NHWC <-> NCHW of a test tensor.
Tensor Permute(const Tensor& t, bool to_nchw) {
  TensorShape s = t.shape();
  TensorShape d = to_nchw ? TensorShape{s.dim(0), s.dim(3), s.dim(1), s.dim(2)}
                          : TensorShape{s.dim(0), s.dim(2), s.dim(3), s.dim(1)};
  Tensor out(t.dtype(), d);
  const int64_t hw = to_nchw ? s.dim(1) * s.dim(2) : s.dim(2) * s.dim(3);
  const int64_t ch = to_nchw ? s.dim(3) : s.dim(1);
  for (int64_t n = 0; n < s.dim(0); ++n)
    for (int64_t p = 0; p < hw; ++p)
      for (int64_t c = 0; c < ch; ++c) {
        const int64_t nhwc = (n * hw + p) * ch + c,
                      nchw = (n * ch + c) * hw + p;
        const int64_t from = to_nchw ? nhwc : nchw, to = to_nchw ? nchw : nhwc;
        if (t.dtype() == DT_FLOAT) {
          out.data<float>()[to] = t.data<float>()[from];
        } else {
          out.data<double>()[to] = t.data<double>()[from];
        }
      }
  return out;
}

// Builds and runs the three ops of `c` in `format` and compares each with
// the reference. Tolerance: 1e-4 relative to the output's scale in float.
template <typename T>
void CheckCase(const Case& c, uint32_t seed, bool nchw = false) {
  SCOPED_TRACE(c.Name() + (nchw ? " NCHW" : ""));
  std::mt19937 rng(seed);
  const Ref r = RefGeometry(c);
  ASSERT_GT(r.rows.out, 0);
  ASSERT_GT(r.cols.out, 0);
  const TensorShape x_shape{c.n, c.h, c.w, c.cin};
  const TensorShape w_shape{c.kh, c.kw, c.cin, c.cout};
  const TensorShape y_shape{c.n, r.rows.out, r.cols.out, c.cout};
  Tensor x = Random<T>(x_shape, rng), w = Random<T>(w_shape, rng),
         dy = Random<T>(y_shape, rng);
  Tensor y_ref = Zeros<T>(y_shape), dx_ref = Zeros<T>(x_shape),
         dw_ref = Zeros<T>(w_shape);
  const T *xp = x.data<T>(), *wp = w.data<T>(), *dyp = dy.data<T>();
  T *yp = y_ref.data<T>(), *dxp = dx_ref.data<T>(), *dwp = dw_ref.data<T>();
  ForEachTap(c, r, [&](int64_t xi, int64_t wi, int64_t yi) {
    yp[yi] += xp[xi] * wp[wi];
    dxp[xi] += dyp[yi] * wp[wi];
    dwp[wi] += xp[xi] * dyp[yi];
  });

  ops::Conv2DAttrs attrs;
  attrs.data_format = nchw ? "NCHW" : "NHWC";
  std::vector<int64_t> strides{1, c.sh, c.sw, 1};
  attrs.dilations = {1, c.dh, c.dw, 1};
  if (c.padding == "EXPLICIT") {
    const auto& p = c.explicit_pads;
    attrs.explicit_paddings = {0, 0, p[0], p[1], p[2], p[3], 0, 0};
  }
  if (nchw) {
    strides = {1, 1, c.sh, c.sw};
    attrs.dilations = {1, 1, c.dh, c.dw};
    if (c.padding == "EXPLICIT") {
      const auto& p = c.explicit_pads;
      attrs.explicit_paddings = {0, 0, 0, 0, p[0], p[1], p[2], p[3]};
    }
  }
  auto fmt = [&](const Tensor& t) { return nchw ? Permute(t, true) : t; };
  Tensor in_sizes = Tensor::FromVector<int32_t>(
      {static_cast<int32_t>(c.n), static_cast<int32_t>(nchw ? c.cin : c.h),
       static_cast<int32_t>(nchw ? c.h : c.w),
       static_cast<int32_t>(nchw ? c.w : c.cin)},
      {4});
  Tensor f_sizes = Tensor::FromVector<int32_t>(
      {static_cast<int32_t>(c.kh), static_cast<int32_t>(c.kw),
       static_cast<int32_t>(c.cin), static_cast<int32_t>(c.cout)},
      {4});
  Scope s = NewRootScope();
  Output xo = ops::Const(s, fmt(x)), wo = ops::Const(s, w),
         dyo = ops::Const(s, fmt(dy));
  Output y =
      ops::Conv2D(s.WithOpName("conv"), xo, wo, strides, c.padding, attrs);
  Output dx = ops::Conv2DBackpropInput(s.WithOpName("dx"), in_sizes, wo, dyo,
                                       strides, c.padding, attrs);
  Output dw = ops::Conv2DBackpropFilter(s.WithOpName("dw"), xo, f_sizes, dyo,
                                        strides, c.padding, attrs);
  ASSERT_OK(s.status());
  EXPECT_EQ(y.shape(), PartialShape(fmt(y_ref).shape()));
  EXPECT_EQ(dx.shape(), PartialShape(fmt(x).shape()));
  EXPECT_EQ(dw.shape(), PartialShape(w_shape));
  std::vector<Tensor> got = testing::EvalAll(s, {y, dx, dw});
  const double tol = std::is_same_v<T, float> ? 1e-4 : 1e-10;
  auto check = [&](const Tensor& actual, const Tensor& expected,
                   const char* what) {
    double scale = 1e-3;
    for (int64_t i = 0; i < expected.num_elements(); ++i)
      scale = std::max(scale, std::abs(expected.ValueAsDouble(i)));
    EXPECT_TRUE(testing::TensorNear(actual, expected, tol * scale, tol))
        << what;
  };
  if (got[0].valid()) {
    check(nchw ? Permute(got[0], false) : got[0], y_ref, "Conv2D");
    check(nchw ? Permute(got[1], false) : got[1], dx_ref,
          "Conv2DBackpropInput");
    check(got[2], dw_ref, "Conv2DBackpropFilter");
  }
}

TEST(ConvReferenceTest, TrapsEvenKernelsSame) {
  CheckCase<float>({1, 5, 5, 1, 4, 4, 1}, 1);
  CheckCase<float>({2, 6, 7, 2, 4, 4, 3}, 2);
  CheckCase<float>({1, 5, 5, 1, 2, 2, 1}, 3);
  CheckCase<float>({2, 8, 6, 3, 2, 2, 4}, 4);
  CheckCase<float>({64 / 16, 16, 16, 3, 4, 4, 8}, 5);  // Course conv1, small.
}

TEST(ConvReferenceTest, TrapsStride2SameEvenInputs) {
  CheckCase<float>({1, 6, 6, 1, 3, 3, 1, 2, 2}, 10);
  CheckCase<float>({2, 8, 8, 3, 3, 3, 4, 2, 2}, 11);
  CheckCase<float>({2, 8, 6, 2, 3, 3, 2, 2, 2}, 12);
  CheckCase<float>({1, 7, 7, 2, 3, 3, 2, 2, 2}, 13);
}

TEST(ConvReferenceTest, TrapsStride2Valid) {
  CheckCase<float>({1, 6, 6, 1, 3, 3, 1, 2, 2, "VALID"}, 20);
  CheckCase<float>({2, 7, 8, 3, 3, 3, 4, 2, 2, "VALID"}, 21);
  CheckCase<float>({2, 8, 8, 2, 2, 2, 3, 2, 2, "VALID"}, 22);
}

TEST(ConvReferenceTest, NonSquareBatchedMultiChannel) {
  CheckCase<float>({3, 7, 11, 3, 2, 5, 4, 1, 2}, 30);
  CheckCase<float>({2, 12, 5, 4, 5, 1, 3, 3, 1, "VALID"}, 31);
  CheckCase<float>({4, 9, 6, 5, 3, 2, 6, 2, 3}, 32);
  CheckCase<float>({2, 5, 5, 3, 5, 5, 2, 1, 1, "VALID"}, 33);  // Whole image.
  CheckCase<float>({3, 6, 4, 5, 1, 1, 7}, 34);                 // Pointwise.
  CheckCase<float>({2, 6, 5, 3, 1, 1, 4, 2, 2}, 35);           // 1x1 stride 2.
}

TEST(ConvReferenceTest, RandomConfigurations) {
  std::mt19937 rng(1234);
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  // Output depths of the GEMM path and of the direct path (multiples of 8).
  const int64_t depths[] = {1, 2, 3, 4, 5, 8, 16, 24, 32, 40};
  for (int i = 0; i < 160; ++i) {
    Case c{pick(1, 3), pick(1, 9), pick(1, 9),        pick(1, 4),
           pick(1, 5), pick(1, 5), depths[pick(0, 9)]};
    c.sh = pick(1, 3);
    c.sw = pick(1, 3);
    c.padding = pick(0, 1) ? "SAME" : "VALID";
    if (c.padding == "VALID" && (c.kh > c.h || c.kw > c.w)) {
      c.padding = "SAME";
    }
    CheckCase<float>(c, 100 + i);
  }
}

TEST(ConvReferenceTest, DirectPath) {
  CheckCase<float>({2, 12, 13, 3, 4, 4, 8}, 36);   // Course conv1 shape.
  CheckCase<float>({2, 14, 14, 1, 5, 5, 32}, 37);  // mnist conv1 shape.
  CheckCase<float>({2, 11, 9, 2, 3, 3, 16, 2, 3, "VALID"}, 38);
  CheckCase<float>({1, 20, 3, 5, 1, 1, 24}, 39);  // Pointwise, narrow.
  CheckCase<double>({2, 10, 9, 3, 3, 2, 8, 2, 1}, 43);
  CheckCase<double>({2, 9, 10, 2, 4, 4, 4}, 44);
  CheckCase<float>({2, 9, 9, 2, 3, 3, 8, 1, 1, "SAME", 2, 2}, 45);
}

// 8 output channels, column stride 1: the pixel-vectorized planar kernel
// (conv_planar.h) on AVX-512 builds. Widths around its 16- and 32-pixel
// tiles, bands of 16 rows that span images, every input-depth path (1, 3
// and the generic copy), row strides and dilations, wide explicit pads.
TEST(ConvReferenceTest, PlanarPath) {
  CheckCase<float>({3, 19, 70, 3, 4, 4, 8}, 110);  // Course conv1, tails.
  CheckCase<float>({2, 17, 16, 3, 4, 4, 8}, 111);
  CheckCase<float>({2, 5, 32, 3, 3, 3, 8}, 112);
  CheckCase<float>({2, 6, 33, 1, 5, 5, 8}, 113);
  CheckCase<float>({2, 40, 9, 2, 3, 2, 8, 1, 1, "VALID"}, 114);
  CheckCase<float>({2, 23, 35, 5, 2, 4, 8, 2, 1}, 115);
  CheckCase<float>({2, 21, 18, 3, 3, 3, 8, 3, 1, "SAME", 2, 1}, 116);
  CheckCase<float>({3, 7, 1, 3, 1, 1, 8}, 117);  // Pointwise, one column.
  Case c{2, 5, 6, 3, 3, 2, 8, 2, 1, "EXPLICIT"};
  c.explicit_pads = {4, 1, 40, 3};  // Output columns that read only pads.
  CheckCase<float>(c, 118);
}

TEST(ConvReferenceTest, Dilations) {
  CheckCase<float>({2, 9, 8, 2, 3, 3, 3, 1, 1, "SAME", 2, 2}, 40);
  CheckCase<float>({1, 10, 9, 3, 3, 2, 2, 1, 2, "VALID", 2, 3}, 41);
  CheckCase<float>({2, 11, 11, 2, 2, 3, 2, 2, 1, "SAME", 3, 2}, 42);
}

TEST(ConvReferenceTest, ExplicitPadding) {
  Case c{2, 6, 7, 2, 3, 3, 3, 2, 1, "EXPLICIT"};
  c.explicit_pads = {1, 2, 0, 3};
  CheckCase<float>(c, 50);
  c = Case{1, 5, 5, 1, 1, 1, 2, 1, 1, "EXPLICIT"};
  c.explicit_pads = {1, 1, 1, 1};  // 1x1 with padding: not pointwise.
  CheckCase<float>(c, 51);
}

TEST(ConvReferenceTest, Nchw) {
  CheckCase<float>({2, 6, 5, 3, 3, 3, 4, 2, 1}, 60, /*nchw=*/true);
  CheckCase<float>({2, 7, 7, 2, 4, 4, 3, 1, 1, "VALID"}, 61, true);
}

TEST(ConvReferenceTest, Double) {
  CheckCase<double>({2, 8, 8, 3, 3, 3, 4, 2, 2}, 70);
  CheckCase<double>({2, 7, 9, 2, 4, 2, 3, 1, 3, "VALID"}, 71);
  CheckCase<double>({2, 5, 6, 3, 1, 1, 2}, 72);
}

// Large enough to run blocks (GEMM path) and rows (direct path) on several
// threads.
TEST(ConvReferenceTest, ThreadedSizes) {
  CheckCase<float>({4, 20, 20, 8, 3, 3, 40}, 83);
  CheckCase<float>({3, 16, 16, 4, 3, 3, 6, 1, 2}, 84);
  CheckCase<float>({4, 20, 20, 8, 3, 3, 16}, 80);
  CheckCase<float>({3, 28, 28, 1, 5, 5, 8}, 81);
  CheckCase<float>({2, 14, 14, 16, 5, 5, 8, 2, 2}, 82);
}

// Tiny blocks: one output row per im2col block, one image per gather block.
TEST(ConvReferenceTest, Blocking) {
  int64_t old = SetConvBlockBytes(64);
  CheckCase<float>({3, 7, 6, 2, 3, 3, 4, 1, 1}, 90);
  CheckCase<float>({3, 8, 8, 3, 4, 4, 2, 2, 2}, 91);
  SetConvBlockBytes(4096);
  CheckCase<float>({4, 12, 10, 3, 3, 5, 5, 2, 1, "VALID"}, 92);
  CheckCase<double>({3, 9, 9, 2, 3, 3, 3, 1, 1}, 93);
  SetConvBlockBytes(old);
}

}  // namespace
}  // namespace graphflow
