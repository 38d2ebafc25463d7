// TensorFlow's own training graphs (../shared/tfgraphs) trained by
// `graphflow train` on data the test writes or the bundled digits.
#include <cmath>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dataset/idx.h"
#include "gtest/gtest.h"
#include "session/checkpoint.h"
#include "tests/support/mnist.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

std::string Digits(absl::string_view set, absl::string_view what) {
  return DigitsPath(absl::StrCat(set, "-", what, "-idx",
                                 what == "images" ? "3" : "1", "-ubyte.gz"));
}

// Column `col` of the --log CSV as numbers.
std::vector<double> LogColumn(const std::string& csv, int col) {
  std::vector<double> out;
  for (const auto& row : ReadCsvRows(csv)) {
    double d = NAN;
    EXPECT_TRUE(col < static_cast<int>(row.size()) &&
                absl::SimpleAtod(row[col], &d));
    out.push_back(d);
  }
  return out;
}

// Digits 0-4 -> class 0, 5-9 -> class 1 (the softmax regression graph has
// two classes), as int64 class ids for --one-hot.
void WriteTwoClassLabels(absl::string_view set, const std::string& path) {
  auto labels = ReadIdxFile(Digits(set, "labels"));
  ASSERT_OK(labels.status());
  Tensor out(DT_INT64, {labels->dim(0)});
  for (int64_t i = 0; i < labels->dim(0); ++i) {
    out.data<int64_t>()[i] = labels->data<uint8_t>()[i] >= 5;
  }
  WriteNpy(path, out);
}

TEST(TfTrainingGraphsTest, MnistSoftmaxGradientDescent) {
  GF_SKIP_WITHOUT_SHARED(graph, "tfgraphs/mnist_softmax_gd_train.pbtxt");
  ScratchDir dir("softmax_gd");
  std::string train = dir / "train.npy", heldout = dir / "heldout.npy",
              log = dir / "log.csv";
  WriteTwoClassLabels("train", train);
  WriteTwoClassLabels("heldout", heldout);
  CliResult r = RunCli({"train",
                        graph,
                        "--train-op",
                        "train/GradientDescent",
                        "--loss",
                        "cost_function/Neg",
                        "--metric",
                        "Mean",
                        "--feed",
                        "inp=" + Digits("train", "images"),
                        "--feed",
                        "shape=" + train,
                        "--eval-feed",
                        "inp=" + Digits("heldout", "images"),
                        "--eval-feed",
                        "shape=" + heldout,
                        "--scale",
                        "1/255",
                        "--one-hot",
                        "--batch",
                        "100",
                        "--epochs",
                        "3",
                        "--shuffle-seed",
                        "1",
                        "--log",
                        log});
  ASSERT_TRUE(Succeeded(r));
  std::vector<double> loss = LogColumn(log, 1), eval = LogColumn(log, 3);
  ASSERT_EQ(loss.size(), 3u);
  EXPECT_LT(loss[2], loss[0]) << r.out;
  EXPECT_GT(eval[2], 0.75) << r.out;
}

// All 10,000 bundled digits (train + heldout) as one uint8 .npy pair.
void WriteAllDigits(const std::string& images_path,
                    const std::string& labels_path) {
  Tensor images(DT_UINT8, {10000, 28, 28}), labels(DT_UINT8, {10000});
  int64_t row = 0;
  for (const char* set : {"train", "heldout"}) {
    auto i = ReadIdxFile(Digits(set, "images"));
    auto l = ReadIdxFile(Digits(set, "labels"));
    ASSERT_OK(i.status());
    ASSERT_OK(l.status());
    ASSERT_LE(row + l->dim(0), 10000);
    std::copy_n(i->data<uint8_t>(), i->num_elements(),
                images.data<uint8_t>() + row * 784);
    std::copy_n(l->data<uint8_t>(), l->num_elements(),
                labels.data<uint8_t>() + row);
    row += l->dim(0);
  }
  ASSERT_EQ(row, 10000);
  WriteNpy(images_path, images);
  WriteNpy(labels_path, labels);
}

// Trained on the bundled digits, evaluated on the MNIST test set through
// `run --restore`. (784-100-10 sigmoid, Adam 0.01: about 93% from 10,000
// digits in 12 epochs, spread +-0.5% over random initializations.)
TEST(TfTrainingGraphsTest, MnistMlpAdam) {
  GF_SKIP_WITHOUT_SHARED(graph, "tfgraphs/mnist_mlp_adam_train.pbtxt");
  GF_SKIP_WITHOUT_SHARED(images, "data/mnist/t10k-images-idx3-ubyte.gz");
  GF_SKIP_WITHOUT_SHARED(labels, "data/mnist/t10k-labels-idx1-ubyte.gz");
  ScratchDir dir("mnist_mlp");
  std::string ckpt = dir / "mlp.ckpt", log = dir / "log.csv", out = dir / "out",
              digits = dir / "digits.npy", digit_labels = dir / "labels.npy";
  WriteAllDigits(digits, digit_labels);
  CliResult r = RunCli({"train",      graph,
                        "--init",     "init",
                        "--train-op", "Adam",
                        "--loss",     "Mean",
                        "--feed",     "Placeholder=" + digits,
                        "--feed",     "Placeholder_1=" + digit_labels,
                        "--scale",    "1/255",
                        "--one-hot",  "--batch",
                        "50",         "--epochs",
                        "12",         "--shuffle-seed",
                        "7",          "--save",
                        ckpt,         "--log",
                        log});
  ASSERT_TRUE(Succeeded(r));
  std::vector<double> loss = LogColumn(log, 1);
  ASSERT_EQ(loss.size(), 12u);
  EXPECT_LT(loss.back(), loss.front());
  ASSERT_TRUE(Succeeded(RunCli({"run", graph, "--restore", ckpt, "--feed",
                                "Placeholder=" + images, "--scale", "1/255",
                                "--fetch", "softmax", "--out", out})));
  auto label_tensor = ReadIdxFile(labels);
  ASSERT_OK(label_tensor.status());
  double accuracy =
      ArgmaxAccuracy(ReadNpy(out + "/softmax.npy"), *label_tensor);
  EXPECT_GE(accuracy, 0.92) << r.out;
}

// XOR inputs and one-hot targets (class 1 = x0 xor x1).
void WriteXorData(const ScratchDir& dir) {
  WriteNpy(dir / "x.npy", F({0, 0, 0, 1, 1, 0, 1, 1}, TensorShape{4, 2}));
  WriteNpy(dir / "y.npy", F({1, 0, 0, 1, 0, 1, 1, 0}, TensorShape{4, 2}));
}

// Initial variables for the XOR graph (N(0,1) weights from a fixed
// generator, zero Adam slots, TF's beta powers), so training is
// deterministic.
void WriteXorInit(const std::string& path, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::map<std::string, Tensor> vars;
  auto add = [&](const std::string& name, const TensorShape& shape) {
    Tensor t(DT_FLOAT, shape), zeros(DT_FLOAT, shape);
    for (float& v : t.flat<float>()) v = normal(rng);
    zeros.FillZero();
    vars[name] = t;
    vars[name + "/Adam"] = zeros;
    vars[name + "/Adam_1"] = zeros;
  };
  add("Variable", {2, 2});
  add("Variable_1", {2});
  add("Variable_2", {2, 2});
  add("Variable_3", {2});
  vars["beta1_power"] = Tensor::Scalar<float>(0.9f);
  vars["beta2_power"] = Tensor::Scalar<float>(0.999f);
  ASSERT_OK(SaveCheckpoint(path, vars));
}

std::vector<std::string> XorTrainArgs(const std::string& graph,
                                      const ScratchDir& dir, int epochs) {
  return {"train",          graph,
          "--train-op",     "Adam",
          "--loss",         "Mean",
          "--feed",         "Placeholder=" + (dir / "x.npy"),
          "--feed",         "Placeholder_1=" + (dir / "y.npy"),
          "--batch",        "4",
          "--epochs",       absl::StrCat(epochs),
          "--shuffle-seed", "5"};
}

// Without --init: the runner initializes every variable by its Assign
// (random normal weights, zero slots), and Adam lowers the loss.
TEST(TfTrainingGraphsTest, XorAdamWithoutInit) {
  GF_SKIP_WITHOUT_SHARED(graph, "tfgraphs/xor_adam_train.pbtxt");
  ScratchDir dir("xor_noinit");
  WriteXorData(dir);
  std::vector<std::string> args = XorTrainArgs(graph, dir, 100);
  std::string log = dir / "log.csv", ckpt = dir / "x.ckpt";
  args.insert(args.end(), {"--log", log, "--save", ckpt});
  CliResult r = RunCli(args);
  ASSERT_TRUE(Succeeded(r));
  std::vector<double> loss = LogColumn(log, 1);
  ASSERT_EQ(loss.size(), 100u);
  EXPECT_LT(loss.back(), loss.front());
  // Every variable was initialized and saved, the optimizer state too.
  auto saved = LoadCheckpoint(ckpt);
  ASSERT_OK(saved.status());
  EXPECT_EQ(saved->size(), 14u);
  ASSERT_TRUE(saved->contains("beta1_power"));
  EXPECT_NEAR(saved->at("beta1_power").data<float>()[0], std::pow(0.9, 101),
              1e-6);
}

// From the same initial checkpoint and shuffle seed, the .pbtxt and the
// .meta train identically, and the net learns XOR.
TEST(TfTrainingGraphsTest, XorAdamLearnsAndMetaMatchesText) {
  GF_SKIP_WITHOUT_SHARED(text, "tfgraphs/xor_adam_train.pbtxt");
  GF_SKIP_WITHOUT_SHARED(meta, "tfgraphs/xor_adam_train.meta");
  ScratchDir dir("xor");
  WriteXorData(dir);
  std::string init = dir / "init.ckpt";
  WriteXorInit(init, 2);  // Some draws end in a local minimum; 2 does not.
  const int kEpochs = 300;
  std::vector<std::string> logs;
  for (const std::string& graph : {text, meta}) {
    std::string log = dir / absl::StrCat("log", logs.size(), ".csv");
    std::string ckpt = dir / absl::StrCat("trained", logs.size(), ".ckpt");
    std::vector<std::string> args = XorTrainArgs(graph, dir, kEpochs);
    args.insert(args.end(), {"--restore", init, "--log", log, "--save", ckpt});
    ASSERT_TRUE(Succeeded(RunCli(args)));
    logs.push_back(log);
  }
  std::vector<double> loss_text = LogColumn(logs[0], 1),
                      loss_meta = LogColumn(logs[1], 1);
  ASSERT_EQ(loss_text.size(), static_cast<size_t>(kEpochs));
  EXPECT_EQ(loss_text, loss_meta);
  EXPECT_LT(loss_text.back(), 0.5 * loss_text.front());

  std::string out = dir / "out";
  ASSERT_TRUE(Succeeded(RunCli({"run", meta, "--restore", dir / "trained1.ckpt",
                                "--feed", "Placeholder=" + (dir / "x.npy"),
                                "--fetch", "softmax", "--out", out})));
  Tensor softmax = ReadNpy(out + "/softmax.npy");
  ASSERT_EQ(softmax.shape(), TensorShape({4, 2}));
  const int kXor[] = {0, 1, 1, 0};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(std::lround(softmax.data<float>()[2 * i + 1]), kXor[i])
        << "row " << i << ": " << softmax.data<float>()[2 * i] << ", "
        << softmax.data<float>()[2 * i + 1];
  }
}

// 2 -> ... -> 1 regression: y = 3 + x0 + x1 on random points in [0,1]^2.
// (Through nine sigmoid layers the slope is learned slowly; the offset of 3
// makes the untrained loss large whatever the random initialization, so
// its fall is certain.)
TEST(TfTrainingGraphsTest, Mlp9Adam) {
  GF_SKIP_WITHOUT_SHARED(graph, "tfgraphs/mlp9_adam_train.pb");
  ScratchDir dir("mlp9");
  const int64_t n = 256;
  Tensor x(DT_FLOAT, {n, 2}), y(DT_FLOAT, {n, 1});
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uniform(0, 1);
  for (int64_t i = 0; i < n; ++i) {
    float a = uniform(rng), b = uniform(rng);
    x.data<float>()[2 * i] = a;
    x.data<float>()[2 * i + 1] = b;
    y.data<float>()[i] = 3 + a + b;
  }
  WriteNpy(dir / "x.npy", x);
  WriteNpy(dir / "y.npy", y);
  std::string log = dir / "log.csv";
  CliResult r = RunCli({"train", graph, "--train-op", "Adam", "--loss", "add",
                        "--feed", "Placeholder=" + (dir / "x.npy"), "--feed",
                        "Placeholder_1=" + (dir / "y.npy"), "--batch", "16",
                        "--epochs", "20", "--shuffle-seed", "2", "--log", log});
  ASSERT_TRUE(Succeeded(r));
  std::vector<double> loss = LogColumn(log, 1);
  ASSERT_EQ(loss.size(), 20u);
  EXPECT_LT(loss.back(), 0.5 * loss.front()) << r.out;
}

// 47 classes of synthetic 28x28 images: a bright 3x3 block whose position
// depends on the class, plus noise.
TEST(TfTrainingGraphsTest, EmnistCnnAdam) {
  GF_SKIP_WITHOUT_SHARED(graph, "tfgraphs/emnist_cnn_adam_train.pb");
  ScratchDir dir("emnist");
  const int64_t n = 96;
  Tensor images(DT_UINT8, {n, 28, 28});
  Tensor labels(DT_INT32, {n});
  std::mt19937 rng(4);
  for (int64_t i = 0; i < n; ++i) {
    int label = static_cast<int>(i % 47);
    labels.data<int32_t>()[i] = label;
    uint8_t* img = images.data<uint8_t>() + i * 784;
    for (int p = 0; p < 784; ++p) img[p] = rng() % 40;
    int row = 2 + (label / 7) * 3, col = 2 + (label % 7) * 3;
    for (int dr = 0; dr < 3; ++dr) {
      for (int dc = 0; dc < 3; ++dc) img[(row + dr) * 28 + col + dc] = 255;
    }
  }
  WriteNpy(dir / "images.npy", images);
  WriteNpy(dir / "labels.npy", labels);
  const std::vector<std::string> args = {
      "train",      graph,
      "--train-op", "Adam",
      "--loss",     "Mean",
      "--feed",     "inputX=" + (dir / "images.npy"),
      "--feed",     "outputY=" + (dir / "labels.npy"),
      "--scale",    "1/255",
      "--one-hot",  "--batch",
      "32",         "--shuffle-seed",
      "3"};
  auto train = [&](std::vector<std::string> more) {
    std::vector<std::string> all = args;
    all.insert(all.end(), more.begin(), more.end());
    return RunCli(all);
  };
  std::string log = dir / "log.csv", ckpt = dir / "emnist.ckpt";
  CliResult r = train({"--epochs", "3", "--log", log, "--save", ckpt});
  ASSERT_TRUE(Succeeded(r));
  std::vector<double> loss = LogColumn(log, 1);
  ASSERT_EQ(loss.size(), 3u);
  EXPECT_LT(loss.back(), loss.front()) << r.out;
  // From the same variables, with and without the graph optimizer's fused
  // kernels, and on one thread: the same losses, within float rounding (one
  // fusion sums the first conv's filter gradient in another order; some
  // sums split their terms by thread).
  std::vector<std::vector<double>> losses;
  const std::vector<std::vector<std::string>> variants = {
      {"--optimize"}, {"--no-optimize"}, {"--threads", "1"}};
  for (size_t v = 0; v < variants.size(); ++v) {
    std::string opt_log = dir / absl::StrCat("variant", v, ".csv");
    std::vector<std::string> more = {"--epochs", "2",     "--restore",
                                     ckpt,       "--log", opt_log};
    more.insert(more.end(), variants[v].begin(), variants[v].end());
    ASSERT_TRUE(Succeeded(train(more)));
    losses.push_back(LogColumn(opt_log, 1));
    ASSERT_EQ(losses.back().size(), 2u);
  }
  for (size_t v = 1; v < variants.size(); ++v) {
    for (int epoch = 0; epoch < 2; ++epoch) {
      EXPECT_NEAR(losses[0][epoch], losses[v][epoch], 1e-4 * losses[v][epoch])
          << variants[v][0];
    }
  }
}

// mnist_deep_fwd_loss has no init op: `run` takes every "<var>/Assign" as
// --init, and `train` without --init runs them itself. (No optimizer: the
// loss itself is the per-step op, so "training" evaluates it batch by batch,
// and its mean matches `run` on the whole set.)
TEST(TfTrainingGraphsTest, MnistDeepWithoutInitOp) {
  GF_SKIP_WITHOUT_SHARED(graph, "tfgraphs/mnist_deep_fwd_loss.pbtxt");
  auto digits = LoadBundledDigits("train");
  ASSERT_OK(digits.status());
  auto first = SliceDigits(*digits, 0, 100);
  ScratchDir dir("mnist_deep");
  std::string x = dir / "x.npy", y = dir / "y.npy", out = dir / "out",
              ckpt = dir / "deep.ckpt", log = dir / "log.csv";
  WriteNpy(x, first.images);
  WriteNpy(y, first.labels);
  std::vector<std::string> args = {"run", graph};
  for (const char* layer : {"conv1", "conv2", "fc1", "fc2"}) {
    for (const char* var : {"Variable", "Variable_1"}) {
      args.insert(args.end(),
                  {"--init", absl::StrCat(layer, "/", var, "/Assign")});
    }
  }
  args.insert(args.end(),
              {"--feed", "Placeholder=" + x, "--feed", "Placeholder_1=" + y,
               "--fetch", "Mean", "--fetch", "fc2/add", "--out", out});
  ASSERT_TRUE(Succeeded(RunCli(args)));
  Tensor loss = ReadNpy(out + "/Mean.npy");
  ASSERT_EQ(loss.num_elements(), 1);
  // TruncatedNormal(0.1) weights over 3136 and 1024 inputs give logits of
  // magnitude ~10: a cross-entropy around 10, not ln(10).
  EXPECT_GT(loss.data<float>()[0], 1);
  EXPECT_LT(loss.data<float>()[0], 30);
  EXPECT_EQ(ReadNpy(out + "/fc2_add.npy").shape(), TensorShape({100, 10}));

  ASSERT_TRUE(Succeeded(
      RunCli({"train", graph, "--train-op", "Mean", "--loss", "Mean", "--feed",
              "Placeholder=" + x, "--feed", "Placeholder_1=" + y, "--batch",
              "50", "--epochs", "1", "--save", ckpt, "--log", log})));
  auto saved = LoadCheckpoint(ckpt);
  ASSERT_OK(saved.status());
  EXPECT_EQ(saved->size(), 8u);
  std::string out2 = dir / "out2";
  ASSERT_TRUE(Succeeded(RunCli(
      {"run", graph, "--restore", ckpt, "--feed", "Placeholder=" + x, "--feed",
       "Placeholder_1=" + y, "--fetch", "Mean", "--out", out2})));
  std::vector<double> train_loss = LogColumn(log, 1);
  ASSERT_EQ(train_loss.size(), 1u);
  EXPECT_NEAR(train_loss[0], ReadNpy(out2 + "/Mean.npy").data<float>()[0],
              1e-4);
}

}  // namespace
}  // namespace graphflow::testing
