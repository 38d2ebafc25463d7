// The course network (and a deeper mnist_deep-style variant), built with
// graphflow's C++ API the way the course builds it in TensorFlow 1.x.
#ifndef GRAPHFLOW_EXAMPLES_COURSE_MODEL_H_
#define GRAPHFLOW_EXAMPLES_COURSE_MODEL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/scope.h"

namespace graphflow::examples {

struct ImageDataset {
  Tensor images;  // float [N, H, W, C], pixels / 255.
  Tensor labels;  // float one-hot [N, classes].
};
// IDX images (uint8 [N,H,W] or [N,H,W,C]) and class-id labels.
absl::StatusOr<ImageDataset> LoadImageDataset(const std::string& images_path,
                                              const std::string& labels_path,
                                              int classes);

struct CourseConfig {
  std::string model = "course";  // or "deep"
  int classes = 10;
  int epochs = 30;
  int batch = 64;
  double learning_rate = 0.009;
  // The course's seeds: tf.set_random_seed(1) and xavier_initializer(seed=0)
  // for W1 and W2; `seed` also seeds the minibatch shuffling. Every other
  // random initializer gets an op seed derived from the graph (as TF derives
  // it from the op id), so a model is reproducible from these two numbers.
  int graph_seed = 1;
  int seed = 0;
  bool verbose = false;
  // "deep" sizes (TF's mnist_deep: 32, 64, 1024).
  int deep_filters1 = 32, deep_filters2 = 64, deep_hidden = 1024;
};

struct CourseModel {
  Scope scope;
  Output X, Y;       // Placeholders "X" [?, H, W, C] and "Y" [?, classes].
  Output Z3;         // Logits.
  Output cost;       // "cost": mean softmax cross-entropy.
  Output accuracy;   // "accuracy".
  Output optimizer;  // The train op ("Adam").
  Output init;       // "init".
};
CourseModel BuildCourseModel(const CourseConfig& config, int64_t height,
                             int64_t width, int64_t channels);

struct TrainResult {
  std::vector<double> costs;  // Mean minibatch cost per epoch.
  double train_accuracy = 0, test_accuracy = 0;
};
// Trains with shuffled minibatches (seeded); writes the training graph to
// `graph_path` first when it is not empty (and only that with 0 epochs).
absl::StatusOr<TrainResult> TrainCourseModel(
    const CourseConfig& config, const ImageDataset& train,
    const ImageDataset& test, const std::string& graph_path = "");

}  // namespace graphflow::examples

#endif  // GRAPHFLOW_EXAMPLES_COURSE_MODEL_H_
