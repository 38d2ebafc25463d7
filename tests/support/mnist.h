// Handwritten digits for accuracy tests: the bundled data/digits (part of
// the repository, so a test fails when they are missing) and the MNIST test
// set from ../shared/data/mnist (optional: tests skip, saying so).
#ifndef GRAPHFLOW_TESTS_SUPPORT_MNIST_H_
#define GRAPHFLOW_TESTS_SUPPORT_MNIST_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/tensor.h"

namespace graphflow::testing {

struct Digits {
  Tensor images;   // float [N, 784] (or [N, 28, 28, 1]), pixels / 255.
  Tensor labels;   // int64 [N].
  Tensor one_hot;  // float [N, 10].
};

// data/digits/<split>-*-idx?-ubyte.gz: "train" (9,000) or "heldout" (1,000).
absl::StatusOr<Digits> LoadBundledDigits(absl::string_view split,
                                         bool nhwc = false);
// NotFound when ../shared/data/mnist is absent.
absl::StatusOr<Digits> LoadMnistTestSet(bool nhwc = false);
// Rows [begin, end) of every tensor.
Digits SliceDigits(const Digits& d, int64_t begin, int64_t end);

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_SUPPORT_MNIST_H_
