// Summary kernels with TF 1.x's rules (core/kernels/summary_op.cc,
// summary_image_op.cc, lib/histogram/histogram.cc): each outputs a
// serialized tensorflow.Summary as a string scalar.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "proto/summary.pb.h"
#include "summary/png.h"

namespace graphflow {
namespace {

absl::Status OutputSummary(KernelContext& ctx,
                           const tensorflow::Summary& summary) {
  ASSIGN_OR_RETURN(Tensor * out,
                   ctx.AllocateOutput(0, DT_STRING, TensorShape{}));
  if (!summary.SerializeToString(out->data<std::string>())) {
    return ctx.Error(absl::StatusCode::kInternal, "cannot serialize Summary");
  }
  return absl::OkStatus();
}

absl::Status ScalarSummaryKernel(KernelContext& ctx) {
  const Tensor& tags = ctx.input(0);
  const Tensor& values = ctx.input(1);
  if (tags.shape() != values.shape()) {
    std::string single_tag;
    if (tags.num_elements() == 1) {
      single_tag = absl::StrCat(" (tag '", tags.data<std::string>()[0], "')");
    }
    return ctx.InvalidArgument(absl::StrCat(
        "tags and values not the same shape: ", tags.shape().DebugString(),
        " != ", values.shape().DebugString(), single_tag));
  }
  tensorflow::Summary summary;
  RETURN_IF_ERROR(DispatchType<NumericTypes>(
      values.dtype(),
      [&]<typename T>() {
        for (int64_t i = 0; i < values.num_elements(); ++i) {
          tensorflow::Summary::Value* v = summary.add_value();
          v->set_tag(tags.data<std::string>()[i]);
          v->set_simple_value(static_cast<float>(values.data<T>()[i]));
        }
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype()));
  return OutputSummary(ctx, summary);
}

// TF's default histogram buckets: limits growing by 10% from 1e-12 to 1e20,
// mirrored for negatives, with 0 in the middle and +-DBL_MAX at the ends.
const std::vector<double>& DefaultBucketLimits() {
  static const auto* limits = [] {
    std::vector<double> positive;
    for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) positive.push_back(v);
    positive.push_back(DBL_MAX);
    auto* all = new std::vector<double>;
    for (auto it = positive.rbegin(); it != positive.rend(); ++it) {
      all->push_back(-*it);
    }
    all->push_back(0.0);
    all->insert(all->end(), positive.begin(), positive.end());
    return all;
  }();
  return *limits;
}

// Bucket i counts values in [limit(i-1), limit(i)); runs of empty buckets
// collapse into one entry at the run's last limit, as TF encodes them.
void EncodeHistogram(const std::vector<double>& values,
                     tensorflow::HistogramProto* proto) {
  const std::vector<double>& limits = DefaultBucketLimits();
  std::vector<double> counts(limits.size(), 0.0);
  double min = limits.back(), max = -DBL_MAX, sum = 0, sum_squares = 0;
  for (double v : values) {
    size_t b =
        std::upper_bound(limits.begin(), limits.end(), v) - limits.begin();
    counts[std::min(b, limits.size() - 1)] += 1.0;
    min = std::min(min, v);
    max = std::max(max, v);
    sum += v;
    sum_squares += v * v;
  }
  proto->set_min(min);
  proto->set_max(max);
  proto->set_num(static_cast<double>(values.size()));
  proto->set_sum(sum);
  proto->set_sum_squares(sum_squares);
  for (size_t i = 0; i < counts.size();) {
    double end = limits[i], count = counts[i];
    ++i;
    if (count <= 0.0) {
      while (i < counts.size() && counts[i] <= 0.0) end = limits[i++];
    }
    proto->add_bucket_limit(end);
    proto->add_bucket(count);
  }
}

absl::Status HistogramSummaryKernel(KernelContext& ctx) {
  const Tensor& tag = ctx.input(0);
  const Tensor& values = ctx.input(1);
  if (tag.rank() != 0) return ctx.InvalidArgument("tags must be scalar");
  std::vector<double> doubles(values.num_elements());
  RETURN_IF_ERROR(DispatchType<NumericTypes>(
      values.dtype(),
      [&]<typename T>() {
        for (size_t i = 0; i < doubles.size(); ++i) {
          doubles[i] = static_cast<double>(values.data<T>()[i]);
        }
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype()));
  for (double v : doubles) {
    if (std::isnan(v)) {
      return ctx.InvalidArgument(
          absl::StrCat("Nan in summary histogram for: ", ctx.node().name()));
    }
    if (std::isinf(v)) {
      return ctx.InvalidArgument(absl::StrCat(
          "Infinity in summary histogram for: ", ctx.node().name()));
    }
  }
  tensorflow::Summary summary;
  tensorflow::Summary::Value* v = summary.add_value();
  v->set_tag(tag.data<std::string>()[0]);
  EncodeHistogram(doubles, v->mutable_histo());
  return OutputSummary(ctx, summary);
}

absl::Status MergeSummaryKernel(KernelContext& ctx) {
  tensorflow::Summary merged;
  std::unordered_set<std::string> tags;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    for (const std::string& serialized : ctx.input(i).flat<std::string>()) {
      tensorflow::Summary in;
      if (!in.ParseFromString(serialized)) {
        return ctx.InvalidArgument("Could not parse one of the summary inputs");
      }
      for (const tensorflow::Summary::Value& value : in.value()) {
        // Empty tags (TensorSummary's) are not checked, as in TF.
        if (!value.tag().empty() && !tags.insert(value.tag()).second) {
          return ctx.InvalidArgument(absl::StrCat("Duplicate tag ", value.tag(),
                                                  " found in summary inputs"));
        }
        *merged.add_value() = value;
      }
    }
  }
  return OutputSummary(ctx, merged);
}

// TF scales a float image into uint8 by an affine map chosen from its finite
// pixels: all non-negative -> v * 255 / max; any negative -> v * 127 /
// max|v| + 128. Pixels with a non-finite channel become bad_color.
template <typename T>
void NormalizeFloatImage(const T* values, int64_t hw, int depth,
                         const uint8_t* bad_color, uint8_t* image) {
  auto finite_pixel = [&](int64_t i) {
    for (int j = 0; j < depth; ++j) {
      if (!std::isfinite(values[i * depth + j])) return false;
    }
    return true;
  };
  float image_min = std::numeric_limits<float>::infinity();
  float image_max = -image_min;
  for (int64_t i = 0; i < hw; ++i) {
    if (!finite_pixel(i)) continue;
    for (int j = 0; j < depth; ++j) {
      const float value = static_cast<float>(values[i * depth + j]);
      image_min = std::min(image_min, value);
      image_max = std::max(image_max, value);
    }
  }
  const float kZeroThreshold = 1e-6f;
  T scale, offset;
  if (image_min < 0) {
    const float max_val = std::max(std::abs(image_min), std::abs(image_max));
    scale = T(max_val < kZeroThreshold ? 0.0f : 127.0f / max_val);
    offset = T(128.0f);
  } else {
    scale = T(image_max < kZeroThreshold ? 0.0f : 255.0f / image_max);
    offset = T(0.0f);
  }
  for (int64_t i = 0; i < hw; ++i) {
    const bool finite = finite_pixel(i);
    for (int j = 0; j < depth; ++j) {
      image[i * depth + j] =
          finite ? static_cast<uint8_t>(values[i * depth + j] * scale + offset)
                 : bad_color[j];
    }
  }
}

// half is in the schema, but graphflow tensors cannot hold it.
using ImageTypes = TypeList<uint8_t, float, double>;

absl::Status ImageSummaryKernel(KernelContext& ctx) {
  int64_t max_images = 0;
  Tensor bad_color;
  RETURN_IF_ERROR(ctx.GetAttr("max_images", &max_images));
  RETURN_IF_ERROR(ctx.GetAttr("bad_color", &bad_color));
  if (max_images >= (int64_t{1} << 31)) {
    return ctx.InvalidArgument("max_images must be < 2^31");
  }
  if (bad_color.dtype() != DT_UINT8) {
    return ctx.InvalidArgument(absl::StrCat("bad_color must be uint8, got ",
                                            DataTypeString(bad_color.dtype())));
  }
  if (bad_color.rank() != 1) {
    return ctx.InvalidArgument(
        absl::StrCat("bad_color must be a vector, got shape ",
                     bad_color.shape().DebugString()));
  }
  const Tensor& tag = ctx.input(0);
  const Tensor& tensor = ctx.input(1);
  // TF accepts a legacy scalar: rank 0, or one element of rank 1.
  if (!(tag.rank() == 0 || (tag.rank() == 1 && tag.dim(0) == 1))) {
    return ctx.InvalidArgument("Tags must be a scalar");
  }
  if (tensor.rank() != 4 ||
      (tensor.dim(3) != 1 && tensor.dim(3) != 3 && tensor.dim(3) != 4)) {
    return ctx.InvalidArgument(
        absl::StrCat("Tensor must be 4-D with last dim 1, 3, or 4, not ",
                     tensor.shape().DebugString()));
  }
  const int64_t batch = tensor.dim(0), h = tensor.dim(1), w = tensor.dim(2);
  const int depth = static_cast<int>(tensor.dim(3));
  if (batch >= (int64_t{1} << 31) || h >= (int64_t{1} << 31) ||
      w >= (int64_t{1} << 31) || h * w >= (int64_t{1} << 29)) {
    return ctx.InvalidArgument(absl::StrCat("Tensor too large for summary ",
                                            tensor.shape().DebugString()));
  }
  const int64_t hw = h * w;
  if (hw == 0) {
    return ctx.InvalidArgument(
        absl::StrCat("input tensor must have non-zero dims. Found: [", batch,
                     ", ", h, ", ", w, ", ", depth, "]."));
  }
  if (tensor.dtype() != DT_UINT8 && bad_color.dim(0) < depth) {
    return ctx.InvalidArgument(
        absl::StrCat("expected depth <= bad_color.size, got depth = ", depth,
                     ", bad_color.size = ", bad_color.dim(0)));
  }
  const std::string& base_tag = tag.data<std::string>()[0];
  std::vector<uint8_t> image(hw * depth);
  tensorflow::Summary summary;
  // The tag depends on the number requested, not the number produced.
  const int64_t n = std::min(max_images, batch);
  for (int64_t i = 0; i < n; ++i) {
    RETURN_IF_ERROR(DispatchType<ImageTypes>(
        tensor.dtype(),
        [&]<typename T>() {
          const T* pixels = tensor.data<T>() + i * hw * depth;
          if constexpr (std::is_same_v<T, uint8_t>) {
            std::copy(pixels, pixels + hw * depth, image.begin());
          } else {
            NormalizeFloatImage<T>(pixels, hw, depth, bad_color.data<uint8_t>(),
                                   image.data());
          }
          return absl::OkStatus();
        },
        ctx.UnsupportedDtype()));
    tensorflow::Summary::Value* v = summary.add_value();
    v->set_tag(max_images > 1 ? absl::StrCat(base_tag, "/image/", i)
                              : absl::StrCat(base_tag, "/image"));
    tensorflow::Summary::Image* si = v->mutable_image();
    si->set_height(static_cast<int32_t>(h));
    si->set_width(static_cast<int32_t>(w));
    si->set_colorspace(depth);
    absl::StatusOr<std::string> png =
        EncodePng(image, static_cast<int>(w), static_cast<int>(h), depth);
    if (!png.ok()) {
      return ctx.Error(absl::StatusCode::kInternal, png.status().message());
    }
    *si->mutable_encoded_image_string() = *std::move(png);
  }
  return OutputSummary(ctx, summary);
}

}  // namespace

absl::Status RegisterLoggingKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("ScalarSummary", ScalarSummaryKernel));
  RETURN_IF_ERROR(r.Register("HistogramSummary", HistogramSummaryKernel));
  RETURN_IF_ERROR(r.Register("ImageSummary", ImageSummaryKernel));
  RETURN_IF_ERROR(r.Register("MergeSummary", MergeSummaryKernel));
  return RegisterLoggingCheckKernels(r);
}

}  // namespace graphflow
