#include "tests/support/mnist.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "dataset/batching.h"
#include "dataset/idx.h"
#include "graph/status.h"
#include "tests/support/test_util.h"

namespace graphflow::testing {
namespace {

absl::StatusOr<Digits> ReadDigits(const std::string& images_path,
                                  const std::string& labels_path, bool nhwc) {
  ASSIGN_OR_RETURN(Tensor raw_images, ReadIdxFile(images_path));
  ASSIGN_OR_RETURN(Tensor raw_labels, ReadIdxFile(labels_path));
  int64_t n = raw_images.dim(0);
  Digits d;
  d.images =
      nhwc ? Tensor(DT_FLOAT, {n, 28, 28, 1}) : Tensor(DT_FLOAT, {n, 784});
  const uint8_t* px = raw_images.data<uint8_t>();
  float* out = d.images.data<float>();
  for (int64_t i = 0; i < n * 784; ++i) out[i] = px[i] / 255.0f;
  d.labels = Tensor(DT_INT64, {n});
  d.one_hot = Tensor(DT_FLOAT, {n, 10});
  d.one_hot.FillZero();
  for (int64_t i = 0; i < n; ++i) {
    d.labels.data<int64_t>()[i] = raw_labels.data<uint8_t>()[i];
    d.one_hot.data<float>()[i * 10 + raw_labels.data<uint8_t>()[i]] = 1;
  }
  return d;
}

}  // namespace

absl::StatusOr<Digits> LoadBundledDigits(absl::string_view split, bool nhwc) {
  const std::string dir = absl::StrCat(GRAPHFLOW_SOURCE_DIR, "/data/digits/");
  return ReadDigits(absl::StrCat(dir, split, "-images-idx3-ubyte.gz"),
                    absl::StrCat(dir, split, "-labels-idx1-ubyte.gz"), nhwc);
}

absl::StatusOr<Digits> LoadMnistTestSet(bool nhwc) {
  std::string images_path = SharedPath("data/mnist/t10k-images-idx3-ubyte.gz");
  std::string labels_path = SharedPath("data/mnist/t10k-labels-idx1-ubyte.gz");
  if (images_path.empty() || labels_path.empty()) {
    return absl::NotFoundError("../shared/data/mnist is not present");
  }
  return ReadDigits(images_path, labels_path, nhwc);
}

Digits SliceDigits(const Digits& d, int64_t begin, int64_t end) {
  return {SliceRows(d.images, begin, end), SliceRows(d.labels, begin, end),
          SliceRows(d.one_hot, begin, end)};
}

}  // namespace graphflow::testing
