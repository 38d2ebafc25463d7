// The summary kernels against TF 1.x's rules: Summary values, the default
// histogram buckets, image normalization and PNG encoding, and TF's errors.
#include "ops/logging_ops.h"

#include <zlib.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/all_kernels.h"
#include "ops/state_ops.h"
#include "proto/summary.pb.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalStatus;
using testing::F;
using testing::I32;

Tensor Strings(std::vector<std::string> values, const TensorShape& shape) {
  Tensor t(DT_STRING, shape);
  for (size_t i = 0; i < values.size(); ++i)
    t.data<std::string>()[i] = values[i];
  return t;
}
Tensor Str(const std::string& value) { return Strings({value}, {}); }

tensorflow::Summary EvalSummary(const Scope& s, const Output& out) {
  Tensor t = Eval(s, out);
  EXPECT_EQ(t.dtype(), DT_STRING);
  EXPECT_EQ(t.rank(), 0);
  tensorflow::Summary summary;
  EXPECT_TRUE(summary.ParseFromString(t.data<std::string>()[0]));
  return summary;
}

void ExpectError(const Scope& s, const Output& out, absl::string_view text) {
  absl::Status status = EvalStatus(s, out);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find(text), std::string::npos) << status;
}

TEST(LoggingOpsTest, SummariesAreStringScalarsWithKernels) {
  Scope s = NewRootScope();
  Output tag = ops::Placeholder(s, DT_STRING, PartialShape::UnknownOfRank(0));
  Output loss = ops::Placeholder(s, DT_FLOAT, PartialShape::UnknownOfRank(0));
  Output weights = ops::Placeholder(s, DT_FLOAT, {3, 4});
  Output images = ops::Placeholder(s, DT_FLOAT, {2, 4, 4, 3});
  Output scalar = ops::ScalarSummary(s, tag, loss);
  Output histogram = ops::HistogramSummary(s, tag, weights);
  Output image = ops::ImageSummary(s, tag, images);
  Output merged = ops::MergeSummary(s, {scalar, histogram, image});
  ASSERT_OK(s.status());
  for (const Output& out : {scalar, histogram, image, merged}) {
    EXPECT_EQ(out.dtype(), DT_STRING) << out.op();
    EXPECT_EQ(out.shape(), PartialShape::UnknownOfRank(0)) << out.op();
    EXPECT_NE(GlobalKernelRegistry().Find(out.op()), nullptr) << out.op();
  }
  // TF's defaults: max_images 3, bad_color opaque red.
  int64_t max_images = 0;
  Tensor bad_color;
  ASSERT_OK(image.node->GetAttr("max_images", &max_images));
  ASSERT_OK(image.node->GetAttr("bad_color", &bad_color));
  EXPECT_EQ(max_images, 3);
  EXPECT_TRUE(TensorsEqual(bad_color,
                           Tensor::FromVector<uint8_t>({255, 0, 0, 255}, {4})));
}

TEST(LoggingOpsTest, ScalarSummaryNeedsRealValues) {
  Scope s = NewRootScope();
  Output tag = ops::Placeholder(s, DT_STRING, PartialShape::UnknownOfRank(0));
  s.WithOpName("summary").AddOp1("ScalarSummary", {tag, tag});
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("summary"), std::string::npos)
      << s.status();
}

TEST(LoggingOpsTest, ScalarSummaryBytesMatchTf) {
  Scope s = NewRootScope();
  Output out = ops::ScalarSummary(s, s.Const(Str("a")), s.Const(F({1.5f}, {})));
  Tensor t = Eval(s, out);
  // Summary{value{tag: "a" simple_value: 1.5}}: field 1 (8 bytes) holding
  // tag (field 1, "a") and simple_value (field 2, fixed32 0x3fc00000).
  EXPECT_EQ(t.data<std::string>()[0],
            std::string("\x0a\x08\x0a\x01\x61\x15\x00\x00\xc0\x3f", 10));
}

TEST(LoggingOpsTest, ScalarSummaryOneValuePerElement) {
  Scope s = NewRootScope();
  Output tags = s.Const(Strings({"a", "b", "c", "d"}, {2, 2}));
  Output values = s.Const(I32({1, -2, 3, 40}, {2, 2}));
  tensorflow::Summary summary =
      EvalSummary(s, ops::ScalarSummary(s, tags, values));
  ASSERT_EQ(summary.value_size(), 4);
  const float expected[] = {1, -2, 3, 40};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(summary.value(i).tag(),
              std::string(1, static_cast<char>('a' + i)));
    EXPECT_EQ(summary.value(i).simple_value(), expected[i]);
  }
}

TEST(LoggingOpsTest, ScalarSummaryShapeMismatchIsTfError) {
  Scope s = NewRootScope();
  Output a =
      ops::ScalarSummary(s.WithOpName("a"), s.Const(Strings({"x", "y"}, {2})),
                         s.Const(F({1, 2, 3}, {3})));
  ExpectError(s, a,
              "node 'a' (ScalarSummary): tags and values not the same shape: "
              "[2] != [3]");
  Output b =
      ops::ScalarSummary(s, s.Const(Str("loss")), s.Const(F({1, 2}, {2})));
  ExpectError(s, b, "[] != [2] (tag 'loss')");
}

TEST(LoggingOpsTest, HistogramSummaryStatisticsAndBuckets) {
  Scope s = NewRootScope();
  Output values = s.Const(F({1, 2, 2, -0.5f, 0}, {5}));
  tensorflow::Summary summary =
      EvalSummary(s, ops::HistogramSummary(s, s.Const(Str("w")), values));
  ASSERT_EQ(summary.value_size(), 1);
  EXPECT_EQ(summary.value(0).tag(), "w");
  const tensorflow::HistogramProto& h = summary.value(0).histo();
  EXPECT_EQ(h.min(), -0.5);
  EXPECT_EQ(h.max(), 2);
  EXPECT_EQ(h.num(), 5);
  EXPECT_EQ(h.sum(), 4.5);
  EXPECT_EQ(h.sum_squares(), 9.25);
  ASSERT_EQ(h.bucket_size(), h.bucket_limit_size());
  // TF's limits: 1e-12 * 1.1^k below 1e20, mirrored, 0, and +-DBL_MAX.
  std::vector<double> positive;
  for (double v = 1e-12; v < 1e20; v *= 1.1) positive.push_back(v);
  EXPECT_EQ(positive.size(), 774u);
  auto first_above = [&](double x) {
    for (double v : positive) {
      if (v > x) return v;
    }
    return DBL_MAX;
  };
  // Non-empty buckets, in order: -0.5 in [-0.5, next), 0 in [0, 1e-12),
  // 1 and 2 twice in their 10% buckets; empty runs collapse to one entry.
  std::vector<std::pair<double, double>> nonempty;
  double total = 0;
  for (int i = 0; i < h.bucket_size(); ++i) {
    total += h.bucket(i);
    if (h.bucket(i) > 0) nonempty.push_back({h.bucket_limit(i), h.bucket(i)});
    if (i == 0) continue;
    EXPECT_LT(h.bucket_limit(i - 1), h.bucket_limit(i));
    EXPECT_FALSE(h.bucket(i) == 0 && h.bucket(i - 1) == 0) << i;
  }
  EXPECT_EQ(total, 5);
  // -0.5 falls below the negative limit -v of the largest v < 0.5.
  double neg_limit = 0;
  for (double v : positive) {
    if (v < 0.5) neg_limit = -v;
  }
  ASSERT_EQ(nonempty.size(), 4u);
  EXPECT_EQ(nonempty[0], std::make_pair(neg_limit, 1.0));
  EXPECT_EQ(nonempty[1], std::make_pair(1e-12, 1.0));
  EXPECT_EQ(nonempty[2], std::make_pair(first_above(1.0), 1.0));
  EXPECT_EQ(nonempty[3], std::make_pair(first_above(2.0), 2.0));
  EXPECT_EQ(h.bucket_limit(h.bucket_limit_size() - 1), DBL_MAX);
  EXPECT_EQ(h.bucket(h.bucket_size() - 1), 0);
  // An empty run from -DBL_MAX up to just below neg_limit, then -0.5's.
  EXPECT_EQ(h.bucket(0), 0);
  EXPECT_EQ(h.bucket(1), 1);
  EXPECT_EQ(h.bucket_size(), 9);
}

TEST(LoggingOpsTest, HistogramSummaryRejectsNonFiniteAndBadTag) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  Scope s = NewRootScope();
  Output n = ops::HistogramSummary(s.WithOpName("h"), s.Const(Str("w")),
                                   s.Const(F({1, nan}, {2})));
  ExpectError(s, n,
              "node 'h' (HistogramSummary): Nan in summary histogram for: h");
  Output i = ops::HistogramSummary(s.WithOpName("g"), s.Const(Str("w")),
                                   s.Const(F({-inf}, {1})));
  ExpectError(s, i, "Infinity in summary histogram for: g");
  Output t = ops::HistogramSummary(s, s.Const(Strings({"a", "b"}, {2})),
                                   s.Const(F({1}, {1})));
  ExpectError(s, t, "tags must be scalar");
}

TEST(LoggingOpsTest, MergeSummaryConcatenatesAndRejectsDuplicates) {
  Scope s = NewRootScope();
  Output a = ops::ScalarSummary(s, s.Const(Strings({"a", "b"}, {2})),
                                s.Const(F({1, 2}, {2})));
  Output h = ops::HistogramSummary(s, s.Const(Str("h")), s.Const(F({1}, {1})));
  tensorflow::Summary merged = EvalSummary(s, ops::MergeSummary(s, {a, h}));
  ASSERT_EQ(merged.value_size(), 3);
  EXPECT_EQ(merged.value(0).tag(), "a");
  EXPECT_EQ(merged.value(1).simple_value(), 2);
  EXPECT_EQ(merged.value(2).tag(), "h");
  EXPECT_EQ(merged.value(2).histo().num(), 1);

  Output dup = ops::MergeSummary(s.WithOpName("m"), {a, h, a});
  ExpectError(
      s, dup,
      "node 'm' (MergeSummary): Duplicate tag a found in summary inputs");
  Output bad = ops::MergeSummary(s, {a, s.Const(Str("\xff\xff"))});
  ExpectError(s, bad, "Could not parse one of the summary inputs");
}

// The pixels of a PNG written by EncodePng: one IDAT, unfiltered rows.
std::vector<uint8_t> DecodeUnfilteredPng(const std::string& png, int w, int h,
                                         int channels, int color_type) {
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto be32 = [&](size_t at) {
    return (uint32_t{static_cast<uint8_t>(png[at])} << 24) |
           (uint32_t{static_cast<uint8_t>(png[at + 1])} << 16) |
           (uint32_t{static_cast<uint8_t>(png[at + 2])} << 8) |
           uint32_t{static_cast<uint8_t>(png[at + 3])};
  };
  std::string idat;
  size_t at = 8;
  std::vector<std::string> types;
  while (at + 12 <= png.size()) {
    uint32_t len = be32(at);
    std::string type = png.substr(at + 4, 4);
    std::string data = png.substr(at + 8, len);
    types.push_back(type);
    uLong crc =
        crc32(0, reinterpret_cast<const Bytef*>(png.data() + at + 4), len + 4);
    EXPECT_EQ(be32(at + 8 + len), crc) << type;
    if (type == "IHDR") {
      EXPECT_EQ(be32(at + 8), static_cast<uint32_t>(w));
      EXPECT_EQ(be32(at + 12), static_cast<uint32_t>(h));
      EXPECT_EQ(data.substr(8),
                std::string({8, static_cast<char>(color_type), 0, 0, 0}));
    }
    if (type == "IDAT") idat += data;
    at += 12 + len;
  }
  EXPECT_EQ(at, png.size());
  EXPECT_EQ(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  std::string raw((w * channels + 1) * h, '\0');
  uLongf raw_size = raw.size();
  EXPECT_EQ(
      uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                 reinterpret_cast<const Bytef*>(idat.data()), idat.size()),
      Z_OK);
  EXPECT_EQ(raw_size, raw.size());
  std::vector<uint8_t> pixels;
  for (int y = 0; y < h; ++y) {
    EXPECT_EQ(raw[y * (w * channels + 1)], 0);  // Filter: none.
    for (int i = 1; i <= w * channels; ++i) {
      pixels.push_back(static_cast<uint8_t>(raw[y * (w * channels + 1) + i]));
    }
  }
  return pixels;
}

TEST(LoggingOpsTest, ImageSummaryUint8IsUnchangedAndTagged) {
  Scope s = NewRootScope();
  std::vector<uint8_t> px = {1,  2,  3,  4,  5,  6,  250, 251, 252, 7,  8,  9,
                             10, 11, 12, 13, 14, 15, 16,  17,  18,  19, 20, 21};
  Tensor images = Tensor::FromVector<uint8_t>(px, {2, 1, 2, 3});
  tensorflow::Summary three = EvalSummary(
      s, ops::ImageSummary(s, s.Const(Str("img")), s.Const(images)));
  ASSERT_EQ(three.value_size(), 2);
  EXPECT_EQ(three.value(0).tag(), "img/image/0");
  EXPECT_EQ(three.value(1).tag(), "img/image/1");
  const tensorflow::Summary::Image& im = three.value(1).image();
  EXPECT_EQ(im.height(), 1);
  EXPECT_EQ(im.width(), 2);
  EXPECT_EQ(im.colorspace(), 3);
  EXPECT_EQ(DecodeUnfilteredPng(im.encoded_image_string(), 2, 1, 3, 2),
            std::vector<uint8_t>(px.begin() + 6, px.begin() + 12));
  tensorflow::Summary one = EvalSummary(
      s, ops::ImageSummary(s, s.Const(Str("img")), s.Const(images), 1));
  ASSERT_EQ(one.value_size(), 1);
  EXPECT_EQ(one.value(0).tag(), "img/image");
}

TEST(LoggingOpsTest, ImageSummaryScalesFloatsAsTf) {
  Scope s = NewRootScope();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // Image 0 non-negative: v * 255 / 2. Image 1 has a negative value:
  // v * 127 / 2 + 128, truncated.
  Tensor images = F({0, 0.5f, 1, 2, -1, 0, 0.5f, 2}, {2, 2, 2, 1});
  tensorflow::Summary summary =
      EvalSummary(s, ops::ImageSummary(s, s.Const(Str("g")), s.Const(images)));
  ASSERT_EQ(summary.value_size(), 2);
  EXPECT_EQ(summary.value(0).image().colorspace(), 1);
  EXPECT_EQ(DecodeUnfilteredPng(summary.value(0).image().encoded_image_string(),
                                2, 2, 1, 0),
            (std::vector<uint8_t>{0, 63, 127, 255}));
  EXPECT_EQ(DecodeUnfilteredPng(summary.value(1).image().encoded_image_string(),
                                2, 2, 1, 0),
            (std::vector<uint8_t>{64, 128, 159, 255}));
  // A pixel with a NaN channel is bad_color (red); the rest scale by the
  // finite pixels' max, 4.
  Tensor rgba = F({nan, 1, 1, 1, 4, 2, 0, 1}, {1, 1, 2, 4});
  tensorflow::Summary bad =
      EvalSummary(s, ops::ImageSummary(s, s.Const(Str("c")), s.Const(rgba)));
  EXPECT_EQ(DecodeUnfilteredPng(bad.value(0).image().encoded_image_string(), 2,
                                1, 4, 6),
            (std::vector<uint8_t>{255, 0, 0, 255, 255, 127, 0, 63}));
}

TEST(LoggingOpsTest, ImageSummaryErrorsAsTf) {
  Scope s = NewRootScope();
  Output rank3 = ops::ImageSummary(s.WithOpName("i"), s.Const(Str("t")),
                                   s.Const(F({1, 2}, {1, 2, 1})));
  ExpectError(s, rank3,
              "node 'i' (ImageSummary): Tensor must be 4-D with last dim 1, 3, "
              "or 4, not [1,2,1]");
  Output depth2 =
      ops::ImageSummary(s, s.Const(Str("t")), s.Const(F({1, 2}, {1, 1, 1, 2})));
  ExpectError(s, depth2, "not [1,1,1,2]");
  Output tags = ops::ImageSummary(s, s.Const(Strings({"a", "b"}, {2})),
                                  s.Const(F({1}, {1, 1, 1, 1})));
  ExpectError(s, tags, "Tags must be a scalar");
  Output empty =
      ops::ImageSummary(s, s.Const(Str("t")), s.Const(F({}, {1, 0, 2, 1})));
  ExpectError(s, empty, "input tensor must have non-zero dims");
}

}  // namespace
}  // namespace graphflow
