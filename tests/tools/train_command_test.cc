// TrainCommand called in-process on a regression graph the test builds:
// the per-epoch records, batch weighting, vector losses, evaluation,
// progress lines and checkpoints.
#include "tools/train_command.h"

#include <cmath>
#include <cstdio>
#include <random>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "session/checkpoint.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::cli {
namespace {

using ::graphflow::testing::ScratchDir;

using ::graphflow::testing::WriteLinearData;

// Captures what TrainCommand prints.
class Output {
 public:
  Output() : file_(std::tmpfile()) {}
  ~Output() { std::fclose(file_); }
  FILE* file() { return file_; }
  std::string Text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), file_)) > 0)
      text.append(buf, n);
    return text;
  }

 private:
  FILE* file_;
};

class TrainCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    graph_ = dir_ / "regression.pb";
    testing::WriteRegressionGraph(graph_);
    WriteLinearData(dir_, 200, 1, "train_");
    WriteLinearData(dir_, 50, 2, "eval_");
    options_.graph = graph_;
    options_.train_op = "GradientDescent";
    options_.loss = "loss";
    options_.feeds = {{"x", dir_ / "train_x.npy"}, {"y", dir_ / "train_y.npy"}};
    options_.batch = 20;
    options_.epochs = 30;
    options_.shuffle_seed = 4;
  }
  ScratchDir dir_{"train_cmd"};
  std::string graph_;
  TrainOptions options_;
};

TEST_F(TrainCommandTest, LearnsAndReportsEveryEpoch) {
  options_.metric = "loss";
  options_.eval_feeds = {{"x", dir_ / "eval_x.npy"},
                         {"y", dir_ / "eval_y.npy"}};
  options_.save = dir_ / "final.ckpt";
  Output out;
  auto records = TrainCommand(options_, out.file());
  ASSERT_OK(records.status());
  ASSERT_EQ(records->size(), 30u);
  for (int e = 0; e < 30; ++e) {
    EXPECT_EQ((*records)[e].epoch, e + 1);
    ASSERT_TRUE((*records)[e].train_metric.has_value());
    ASSERT_TRUE((*records)[e].eval_metric.has_value());
    // The metric is the loss here: its running mean is the epoch loss.
    EXPECT_NEAR(*(*records)[e].train_metric, (*records)[e].loss, 1e-9);
  }
  EXPECT_LT(records->back().loss, 1e-3);
  EXPECT_LT(*records->back().eval_metric, 1e-3);
  EXPECT_GT(records->front().loss, 0.1);
  // Non-interactive output: one line per epoch, then the checkpoint.
  std::string text = out.Text();
  EXPECT_TRUE(absl::StrContains(text, "epoch 1/30  loss ")) << text;
  EXPECT_TRUE(absl::StrContains(text, "epoch 30/30  loss ")) << text;
  EXPECT_TRUE(absl::StrContains(text, "eval_loss ")) << text;
  EXPECT_TRUE(absl::StrContains(text, "saved checkpoint " + options_.save));
  auto saved = LoadCheckpoint(options_.save);
  ASSERT_OK(saved.status());
  ASSERT_TRUE(saved->contains("w"));
  EXPECT_NEAR(saved->at("w").data<float>()[0], 2, 0.05);
  EXPECT_NEAR(saved->at("w").data<float>()[1], -1, 0.05);
}

// With the loss itself as the per-step op nothing changes between batches:
// the epoch loss is the mean over all rows, the last partial batch
// weighted by its size (200 rows, batches of 30: six of 30 and one of 20).
TEST_F(TrainCommandTest, PartialBatchWeightedBySize) {
  options_.train_op = "loss";
  options_.batch = 30;
  options_.epochs = 2;
  Output out;
  auto records = TrainCommand(options_, out.file());
  ASSERT_OK(records.status());
  Tensor y = testing::ReadNpy(dir_ / "train_y.npy");
  double expected = 0;
  for (float v : y.flat<float>()) expected += v * v;  // w = b = 0.
  expected /= y.num_elements();
  for (const EpochRecord& r : *records) EXPECT_NEAR(r.loss, expected, 1e-5);
}

// A per-example loss vector counts as its mean: the same curve as the
// scalar loss.
TEST_F(TrainCommandTest, VectorLossIsAveraged) {
  options_.epochs = 3;
  Output a, b;
  auto scalar = TrainCommand(options_, a.file());
  options_.loss = "squared";
  auto vector = TrainCommand(options_, b.file());
  ASSERT_OK(scalar.status());
  ASSERT_OK(vector.status());
  for (int e = 0; e < 3; ++e) {
    EXPECT_NEAR((*scalar)[e].loss, (*vector)[e].loss, 1e-6) << e;
  }
}

// The shuffle seed decides the batches: same seed, same curve.
TEST_F(TrainCommandTest, ShuffleSeedReproduces) {
  options_.epochs = 3;
  Output a, b, c;
  auto first = TrainCommand(options_, a.file());
  auto second = TrainCommand(options_, b.file());
  options_.shuffle_seed = 5;
  auto other = TrainCommand(options_, c.file());
  ASSERT_OK(first.status());
  ASSERT_OK(second.status());
  ASSERT_OK(other.status());
  for (int e = 0; e < 3; ++e) {
    EXPECT_EQ((*first)[e].loss, (*second)[e].loss);
  }
  EXPECT_NE((*first)[0].loss, (*other)[0].loss);
}

TEST_F(TrainCommandTest, SaveEveryAndResume) {
  options_.epochs = 4;
  options_.save = dir_ / "every.ckpt";
  options_.save_every = 2;
  Output out;
  auto records = TrainCommand(options_, out.file());
  ASSERT_OK(records.status());
  std::string text = out.Text();
  size_t notes = 0;
  for (size_t p = text.find("saved checkpoint"); p != std::string::npos;
       p = text.find("saved checkpoint", p + 1)) {
    ++notes;
  }
  EXPECT_EQ(notes, 3u) << text;  // After epochs 2 and 4, and at the end.
  // Resuming with zero epochs: evaluates and saves the restored weights.
  TrainOptions resume = options_;
  resume.restore = options_.save;
  resume.save = dir_ / "resumed.ckpt";
  resume.save_every = 0;
  resume.epochs = 0;
  resume.metric = "loss";
  resume.eval_feeds = options_.feeds;
  Output out2;
  auto none = TrainCommand(resume, out2.file());
  ASSERT_OK(none.status());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(absl::StrContains(out2.Text(), "eval loss ")) << out2.Text();
  auto a = LoadCheckpoint(options_.save), b = LoadCheckpoint(resume.save);
  ASSERT_OK(a.status());
  ASSERT_OK(b.status());
  EXPECT_EQ(testing::Values(a->at("w")), testing::Values(b->at("w")));
}

}  // namespace
}  // namespace graphflow::cli
