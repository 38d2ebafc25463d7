// The convolutional network of the Coursera Deep Learning course (CNN week
// 1), line for line in graphflow's C++ API, trained on handwritten digits.
//
//   ./build/examples/course_cnn                      # bundled digits
//   ./build/examples/course_cnn --write_graph=cnn.pbtxt --epochs=0
//
// Every flag defaults to the course's choices; --pool1/--pool2 and the
// filter sizes let the same program build other networks (--model=deep
// builds TF's mnist_deep layer pattern).
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "examples/course_model.h"

ABSL_FLAG(std::string, train_images, "data/digits/train-images-idx3-ubyte.gz",
          "IDX images to train on (uint8, [N, H, W] or [N, H, W, C])");
ABSL_FLAG(std::string, train_labels, "data/digits/train-labels-idx1-ubyte.gz",
          "IDX labels (class ids) for --train_images");
ABSL_FLAG(std::string, test_images, "data/digits/heldout-images-idx3-ubyte.gz",
          "IDX images to evaluate on");
ABSL_FLAG(std::string, test_labels, "data/digits/heldout-labels-idx1-ubyte.gz",
          "IDX labels for --test_images");
ABSL_FLAG(
    std::string, model, "course",
    "'course' (conv 4x4x8, pool 8, conv 2x2x16, pool 4, fc) or 'deep' "
    "(mnist_deep: conv 5x5x32, pool 2, conv 5x5x64, pool 2, fc 1024, fc)");
ABSL_FLAG(int, classes, 10, "number of classes");
ABSL_FLAG(int, epochs, 30, "training epochs");
ABSL_FLAG(int, batch, 64, "minibatch size");
ABSL_FLAG(double, learning_rate, 0.009, "Adam learning rate");
ABSL_FLAG(int, seed, 0, "seed for the initializers and the shuffling");
ABSL_FLAG(std::string, write_graph, "",
          "write the training graph (GraphDef, .pbtxt or .pb) to this file");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Trains the course's CNN on image data.");
  absl::ParseCommandLine(argc, argv);
  using namespace graphflow;
  examples::CourseConfig config;
  config.model = absl::GetFlag(FLAGS_model);
  config.classes = absl::GetFlag(FLAGS_classes);
  config.epochs = absl::GetFlag(FLAGS_epochs);
  config.batch = absl::GetFlag(FLAGS_batch);
  config.learning_rate = absl::GetFlag(FLAGS_learning_rate);
  config.seed = absl::GetFlag(FLAGS_seed);
  config.verbose = true;

  auto train = examples::LoadImageDataset(absl::GetFlag(FLAGS_train_images),
                                          absl::GetFlag(FLAGS_train_labels),
                                          config.classes);
  auto test = examples::LoadImageDataset(absl::GetFlag(FLAGS_test_images),
                                         absl::GetFlag(FLAGS_test_labels),
                                         config.classes);
  if (!train.ok() || !test.ok()) {
    std::fprintf(
        stderr, "course_cnn: %s\n",
        std::string((train.ok() ? test.status() : train.status()).message())
            .c_str());
    return 1;
  }
  auto result = examples::TrainCourseModel(config, *train, *test,
                                           absl::GetFlag(FLAGS_write_graph));
  if (!result.ok()) {
    std::fprintf(stderr, "course_cnn: %s\n",
                 std::string(result.status().message()).c_str());
    return 1;
  }
  if (config.epochs == 0 && !absl::GetFlag(FLAGS_write_graph).empty()) {
    std::printf("wrote %s\n", absl::GetFlag(FLAGS_write_graph).c_str());
    return 0;
  }
  std::printf("Train Accuracy: %.4f\nTest Accuracy: %.4f\n",
              result->train_accuracy, result->test_accuracy);
  return 0;
}
