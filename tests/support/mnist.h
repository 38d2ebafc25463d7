// The MNIST test set from ../shared/data/mnist, for accuracy tests.
#ifndef GRAPHFLOW_TESTS_SUPPORT_MNIST_H_
#define GRAPHFLOW_TESTS_SUPPORT_MNIST_H_

#include "absl/status/statusor.h"
#include "graph/tensor.h"

namespace graphflow::testing {

struct Digits {
  Tensor images;   // float [N, 784] (or [N, 28, 28, 1]), pixels / 255.
  Tensor labels;   // int64 [N].
  Tensor one_hot;  // float [N, 10].
};

// NotFound when ../shared is absent (tests skip on it).
absl::StatusOr<Digits> LoadMnistTestSet(bool nhwc = false);
// Rows [begin, end) of every tensor.
Digits SliceDigits(const Digits& d, int64_t begin, int64_t end);

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_SUPPORT_MNIST_H_
