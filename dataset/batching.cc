#include "dataset/batching.h"

#include <cstring>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "graph/status.h"

namespace graphflow {
namespace {

size_t RowBytes(const Tensor& t) {
  int64_t rows = t.rank() == 0 ? 1 : t.dim(0);
  return rows == 0 ? 0 : t.total_bytes() / rows;
}

}  // namespace

Tensor GatherRows(const Tensor& t, absl::Span<const int64_t> rows) {
  TensorShape shape = t.shape();
  shape.set_dim(0, static_cast<int64_t>(rows.size()));
  Tensor out(t.dtype(), shape);
  size_t row_bytes = RowBytes(t);
  auto* dst = static_cast<char*>(out.raw_data());
  const auto* src = static_cast<const char*>(t.raw_data());
  for (size_t i = 0; i < rows.size(); ++i) {
    std::memcpy(dst + i * row_bytes, src + rows[i] * row_bytes, row_bytes);
  }
  return out;
}

Tensor SliceRows(const Tensor& t, int64_t begin, int64_t end) {
  std::vector<int64_t> rows(end - begin);
  std::iota(rows.begin(), rows.end(), begin);
  return GatherRows(t, rows);
}

absl::StatusOr<Tensor> ToFloat(const Tensor& t, float scale) {
  ASSIGN_OR_RETURN(Tensor out, Tensor::Allocate(DT_FLOAT, t.shape()));
  float* dst = out.data<float>();
  RETURN_IF_ERROR(DispatchType(t.dtype(), [&]<typename T>() {
    const T* src = t.data<T>();
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      dst[i] = static_cast<float>(src[i]) * scale;
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Tensor> OneHotRows(const Tensor& labels, int64_t classes) {
  if (labels.rank() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("one-hot labels need a vector of class ids, got shape ",
                     labels.shape().DebugString()));
  }
  int64_t n = labels.dim(0);
  ASSIGN_OR_RETURN(TensorShape shape, TensorShape::Make({n, classes}));
  ASSIGN_OR_RETURN(Tensor out, Tensor::Allocate(DT_FLOAT, shape));
  out.FillZero();
  for (int64_t i = 0; i < n; ++i) {
    double v = labels.ValueAsDouble(i);
    if (v < 0 || v >= classes || v != static_cast<int64_t>(v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("label ", v, " in row ", i, " is not a class id in [0, ",
                       classes, ")"));
    }
    out.data<float>()[i * classes + static_cast<int64_t>(v)] = 1;
  }
  return out;
}

absl::StatusOr<Tensor> ReshapeTo(const Tensor& t, std::vector<int64_t> shape) {
  int64_t known = 1;
  int unknown = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1 && unknown < 0) {
      unknown = static_cast<int>(i);
    } else {
      known *= shape[i];
    }
  }
  if (unknown >= 0 && known > 0) shape[unknown] = t.num_elements() / known;
  return t.Reshaped(TensorShape(shape));
}

EpochShuffler::EpochShuffler(int64_t n, uint64_t seed)
    : order_(n), state_(seed * 0x9E3779B97F4A7C15ull + 1) {
  std::iota(order_.begin(), order_.end(), 0);
}

const std::vector<int64_t>& EpochShuffler::NextEpoch() {
  // Fisher-Yates with a splitmix64 stream: identical on every platform.
  for (int64_t i = static_cast<int64_t>(order_.size()) - 1; i > 0; --i) {
    state_ += 0x9E3779B97F4A7C15ull;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    std::swap(order_[i], order_[z % static_cast<uint64_t>(i + 1)]);
  }
  return order_;
}

}  // namespace graphflow
