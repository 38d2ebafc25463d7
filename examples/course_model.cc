#include "examples/course_model.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "dataset/batching.h"
#include "dataset/idx.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "ops/all_ops.h"
#include "ops/array_ops.h"
#include "ops/conv_ops.h"
#include "ops/layers.h"
#include "ops/math_ops.h"
#include "ops/nn_ops.h"
#include "ops/optimizers.h"
#include "ops/pooling_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "proto/graph_io.h"
#include "session/session.h"

namespace graphflow::examples {

absl::StatusOr<ImageDataset> LoadImageDataset(const std::string& images_path,
                                              const std::string& labels_path,
                                              int classes) {
  ASSIGN_OR_RETURN(Tensor images, ReadIdxFile(images_path));
  ASSIGN_OR_RETURN(Tensor labels, ReadIdxFile(labels_path));
  if (images.rank() == 3) {
    ASSIGN_OR_RETURN(images, ReshapeTo(images, {images.dim(0), images.dim(1),
                                                images.dim(2), 1}));
  }
  if (images.rank() != 4 || labels.rank() != 1 ||
      images.dim(0) != labels.dim(0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        images_path, " and ", labels_path,
        ": expected images [N,H,W(,C)] and labels [N], got ",
        images.shape().DebugString(), " and ", labels.shape().DebugString()));
  }
  ImageDataset d;
  ASSIGN_OR_RETURN(d.images, ToFloat(images, 1.0f / 255));
  ASSIGN_OR_RETURN(d.labels, OneHotRows(labels, classes));
  return d;
}

CourseModel BuildCourseModel(const CourseConfig& config, int64_t height,
                             int64_t width, int64_t channels) {
  Scope s = NewRootScope();
  const int64_t n_y = config.classes;
  if (config.model != "course" && config.model != "deep") {
    s.UpdateStatus(absl::InvalidArgumentError(absl::StrCat(
        "unknown model '", config.model, "' (expected 'course' or 'deep')")));
  } else if (n_y < 1 || height < 1 || width < 1 || channels < 1) {
    s.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat("the model needs positive sizes, got images ", height, "x",
                     width, "x", channels, " and ", n_y, " classes")));
  }
  // X, Y = create_placeholders(n_H0, n_W0, n_C0, n_y)
  Output X = ops::Placeholder(s.WithOpName("X"), DT_FLOAT,
                              {-1, height, width, channels});
  Output Y = ops::Placeholder(s.WithOpName("Y"), DT_FLOAT, {-1, n_y});
  Output Z3;
  if (config.model == "deep") {
    // mnist_deep: conv 5x5 -> relu -> pool 2, twice, fc + relu, fc.
    const Initializer weights =
        init::XavierUniform(Seed::WithGraphSeed(config.graph_seed));
    layers::Conv2DOptions conv;
    conv.weights_initializer = weights;
    conv.scope = "conv1";
    Output h1 = layers::Conv2D(s, X, config.deep_filters1, {5, 5}, conv);
    Output p1 = ops::MaxPool(s.WithOpName("pool1"), h1, {1, 2, 2, 1},
                             {1, 2, 2, 1}, "SAME");
    conv.scope = "conv2";
    Output h2 = layers::Conv2D(s, p1, config.deep_filters2, {5, 5}, conv);
    Output p2 = ops::MaxPool(s.WithOpName("pool2"), h2, {1, 2, 2, 1},
                             {1, 2, 2, 1}, "SAME");
    Output fc1 = layers::FullyConnected(
        s, layers::Flatten(s, p2), config.deep_hidden,
        {.weights_initializer = weights, .scope = "fc1"});
    Z3 = layers::FullyConnected(s, fc1, n_y,
                                {.activation = nullptr,
                                 .weights_initializer = weights,
                                 .scope = "fc2"});
  } else {
    // parameters = initialize_parameters()
    const Seed seed = Seed::WithGraphSeed(config.graph_seed, config.seed);
    Variable W1 =
        GetVariable(s, "W1", {4, 4, channels, 8}, init::XavierUniform(seed));
    Variable W2 =
        GetVariable(s, "W2", {2, 2, 8, 16}, init::XavierUniform(seed));
    // Z3 = forward_propagation(X, parameters)
    Output Z1 = ops::Conv2D(s, X, W1, {1, 1, 1, 1}, "SAME");
    Output A1 = ops::Relu(s, Z1);
    Output P1 = ops::MaxPool(s, A1, {1, 8, 8, 1}, {1, 8, 8, 1}, "SAME");
    Output Z2 = ops::Conv2D(s, P1, W2, {1, 1, 1, 1}, "SAME");
    Output A2 = ops::Relu(s, Z2);
    Output P2 = ops::MaxPool(s, A2, {1, 4, 4, 1}, {1, 4, 4, 1}, "SAME");
    Output P = layers::Flatten(s, P2);
    Z3 = layers::FullyConnected(s, P, n_y,
                                {.activation = nullptr,
                                 .weights_initializer = init::XavierUniform(
                                     Seed::WithGraphSeed(config.graph_seed))});
  }
  // cost = compute_cost(Z3, Y)
  Output cost =
      ops::Mean(s.WithOpName("cost"),
                ops::SoftmaxCrossEntropyWithLogits(s, Z3, Y).loss, Input({0}));
  // optimizer = tf.train.AdamOptimizer(learning_rate).minimize(cost)
  Output optimizer = AdamOptimizer(config.learning_rate).Minimize(s, cost);
  // correct_prediction = tf.equal(tf.argmax(Z3, 1), tf.argmax(Y, 1))
  Output correct_prediction =
      ops::Equal(s, ops::ArgMax(s, Z3, 1), ops::ArgMax(s, Y, 1));
  Output accuracy =
      ops::Mean(s.WithOpName("accuracy"),
                ops::Cast(s, correct_prediction, DT_FLOAT), Input({0}));
  Output init = GlobalVariablesInitializer(s);
  return CourseModel{s, X, Y, Z3, cost, accuracy, optimizer, init};
}

namespace {

std::string Describe(const Tensor& t) {
  return t.valid() ? absl::StrCat(DataTypeString(t.dtype()), " ",
                                  t.shape().DebugString())
                   : "no tensor";
}

// Datasets of images [N, H, W, C] with one-hot labels [N, classes], the same
// image size for both, and a usable schedule.
absl::Status CheckTrainingInputs(const CourseConfig& config,
                                 const ImageDataset& train,
                                 const ImageDataset& test) {
  if (config.batch < 1 || config.epochs < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch must be >= 1 and epochs >= 0, got batch ",
                     config.batch, " and epochs ", config.epochs));
  }
  for (const ImageDataset* d : {&train, &test}) {
    const char* which = d == &train ? "training" : "test";
    if (!d->images.valid() || d->images.rank() != 4 ||
        d->images.dtype() != DT_FLOAT || !d->labels.valid() ||
        d->labels.rank() != 2 || d->labels.dtype() != DT_FLOAT ||
        d->labels.dim(0) != d->images.dim(0) ||
        d->labels.dim(1) != config.classes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the ", which,
          " data must be float images [N, H, W, C] and one-hot labels [N, ",
          config.classes, "], got ", Describe(d->images), " and ",
          Describe(d->labels)));
    }
  }
  for (int i = 1; i < 4; ++i) {
    if (train.images.dim(i) != test.images.dim(i)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "training images are ", train.images.shape().DebugString(),
          " but test images are ", test.images.shape().DebugString()));
    }
  }
  return absl::OkStatus();
}

// Accuracy over a whole dataset, evaluated in chunks to bound memory.
absl::StatusOr<double> Evaluate(Session& session, const CourseModel& m,
                                const ImageDataset& data) {
  const int64_t n = data.images.dim(0), chunk = 1000;
  double correct = 0;
  for (int64_t begin = 0; begin < n; begin += chunk) {
    int64_t end = std::min(n, begin + chunk);
    ASSIGN_OR_RETURN(std::vector<Tensor> out,
                     session.Run({{m.X, SliceRows(data.images, begin, end)},
                                  {m.Y, SliceRows(data.labels, begin, end)}},
                                 {m.accuracy}));
    correct += out[0].data<float>()[0] * (end - begin);
  }
  return n == 0 ? 0 : correct / n;
}

}  // namespace

absl::StatusOr<TrainResult> TrainCourseModel(const CourseConfig& config,
                                             const ImageDataset& train,
                                             const ImageDataset& test,
                                             const std::string& graph_path) {
  RETURN_IF_ERROR(CheckTrainingInputs(config, train, test));
  const Tensor& images = train.images;
  CourseModel m =
      BuildCourseModel(config, images.dim(1), images.dim(2), images.dim(3));
  RETURN_IF_ERROR(m.scope.status());
  if (!graph_path.empty()) {
    RETURN_IF_ERROR(WriteGraphDefFile(graph_path,
                                      GraphToGraphDef(*m.scope.graph()),
                                      GraphFormatForPath(graph_path)));
  }
  TrainResult result;
  if (config.epochs == 0 && !graph_path.empty()) return result;  // Graph only.
  ASSIGN_OR_RETURN(std::unique_ptr<Session> sess, Session::Create(m.scope));
  RETURN_IF_ERROR(sess->Run({}, {}, {m.init}).status());
  const int64_t m_examples = images.dim(0);
  const int64_t num_minibatches =
      (m_examples + config.batch - 1) / config.batch;
  EpochShuffler shuffler(m_examples, config.seed);
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    double minibatch_cost = 0;
    const std::vector<int64_t>& order = shuffler.NextEpoch();
    for (int64_t b = 0; b < num_minibatches; ++b) {
      auto first = order.begin() + b * config.batch;
      std::vector<int64_t> rows(
          first, first + std::min<int64_t>(config.batch,
                                           m_examples - b * config.batch));
      // _ , temp_cost = sess.run([optimizer, cost], feed_dict={X: .., Y: ..})
      ASSIGN_OR_RETURN(std::vector<Tensor> out,
                       sess->Run({{m.X, GatherRows(images, rows)},
                                  {m.Y, GatherRows(train.labels, rows)}},
                                 {m.cost}, {m.optimizer}));
      minibatch_cost += out[0].data<float>()[0] / num_minibatches;
    }
    result.costs.push_back(minibatch_cost);
    if (config.verbose) {
      std::printf("Cost after epoch %d: %f\n", epoch, minibatch_cost);
      std::fflush(stdout);
    }
  }
  ASSIGN_OR_RETURN(result.train_accuracy, Evaluate(*sess, m, train));
  ASSIGN_OR_RETURN(result.test_accuracy, Evaluate(*sess, m, test));
  return result;
}

}  // namespace graphflow::examples
