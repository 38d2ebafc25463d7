// `graphflow train` on the course network written by the C++ example: the
// same per-epoch costs and held-out accuracy as examples::TrainCourseModel,
// the CSV log and SVG chart, and `run --restore` predicting as the saved
// weights do.
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dataset/idx.h"
#include "examples/course_model.h"
#include "gtest/gtest.h"
#include "proto/file_io.h"
#include "session/checkpoint.h"
#include "session/session.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_test_util.h"
#include "tests/tools/xml_check.h"
#include "tools/tensor_files.h"

namespace graphflow::testing {
namespace {

constexpr int kSeed = 3;
constexpr int kEpochs = 2;
// Divides the 9000 training digits: the C++ program's epoch cost is the
// plain mean of its minibatch costs, the runner's weights each minibatch by
// its size; with equal batches the two are the same number.
constexpr int kBatch = 100;

double ToDouble(const std::string& s) {
  double d = NAN;
  EXPECT_TRUE(absl::SimpleAtod(s, &d)) << s;
  return d;
}

TEST(TrainCourseTest, MatchesCppProgramAndRestores) {
  ScratchDir dir("course");
  examples::CourseConfig config;
  config.seed = kSeed;
  config.epochs = kEpochs;
  config.batch = kBatch;
  auto train = examples::LoadImageDataset(
      DigitsPath("train-images-idx3-ubyte.gz"),
      DigitsPath("train-labels-idx1-ubyte.gz"), config.classes);
  auto heldout = examples::LoadImageDataset(
      DigitsPath("heldout-images-idx3-ubyte.gz"),
      DigitsPath("heldout-labels-idx1-ubyte.gz"), config.classes);
  ASSERT_OK(train.status());
  ASSERT_OK(heldout.status());
  std::string graph = dir / "course.pbtxt";
  auto cpp = examples::TrainCourseModel(config, *train, *heldout, graph);
  ASSERT_OK(cpp.status());
  ASSERT_EQ(cpp->costs.size(), static_cast<size_t>(kEpochs));

  std::string ckpt = dir / "course.ckpt", log = dir / "log.csv",
              plot = dir / "plot.svg";
  CliResult r = RunCli({"train",
                        graph,
                        "--init",
                        "init",
                        "--train-op",
                        "Adam",
                        "--loss",
                        "cost",
                        "--metric",
                        "accuracy",
                        "--feed",
                        "X=" + DigitsPath("train-images-idx3-ubyte.gz"),
                        "--feed",
                        "Y=" + DigitsPath("train-labels-idx1-ubyte.gz"),
                        "--eval-feed",
                        "X=" + DigitsPath("heldout-images-idx3-ubyte.gz"),
                        "--eval-feed",
                        "Y=" + DigitsPath("heldout-labels-idx1-ubyte.gz"),
                        "--scale",
                        "1/255",
                        "--one-hot",
                        "--batch",
                        absl::StrCat(kBatch),
                        "--epochs",
                        absl::StrCat(kEpochs),
                        "--shuffle-seed",
                        absl::StrCat(kSeed),
                        "--save",
                        ckpt,
                        "--log",
                        log,
                        "--plot",
                        plot});
  ASSERT_TRUE(Succeeded(r));
  EXPECT_NE(r.out.find(absl::StrCat("epoch ", kEpochs, "/", kEpochs)),
            std::string::npos)
      << r;
  EXPECT_NE(r.out.find("saved checkpoint " + ckpt), std::string::npos) << r;

  // The log: one line per epoch, the C++ program's costs.
  auto rows = ReadCsvRows(log);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kEpochs));
  double eval_accuracy = 0;
  for (int e = 0; e < kEpochs; ++e) {
    ASSERT_EQ(rows[e].size(), 5u);
    EXPECT_EQ(rows[e][0], absl::StrCat(e + 1));
    EXPECT_NEAR(ToDouble(rows[e][1]), cpp->costs[e], 1e-4) << "epoch " << e;
    eval_accuracy = ToDouble(rows[e][3]);
  }
  EXPECT_LT(cpp->costs[1], cpp->costs[0]);
  // Same held-out accuracy (the same count of 1000 digits right).
  EXPECT_EQ(std::lround(eval_accuracy * 1000),
            std::lround(cpp->test_accuracy * 1000));
  EXPECT_GT(cpp->test_accuracy, 0.3);

  auto svg = ReadFileToString(plot);
  ASSERT_OK(svg.status());
  EXPECT_TRUE(WellFormedXml(*svg));
  EXPECT_NE(svg->find("<svg"), std::string::npos);

  // run --restore: the logits of the held-out digits, as the checkpoint's
  // weights give them in-process.
  examples::CourseModel m = examples::BuildCourseModel(config, 28, 28, 1);
  ASSERT_OK(m.scope.status());
  const std::string logits = m.Z3.node->name();
  std::string out = dir / "pred";
  ASSERT_TRUE(
      Succeeded(RunCli({"run", graph, "--restore", ckpt, "--feed",
                        "X=" + DigitsPath("heldout-images-idx3-ubyte.gz"),
                        "--scale", "1/255", "--fetch", logits, "--out", out})));
  Tensor predicted =
      ReadNpy(absl::StrCat(out, "/", cli::FetchFileStem(logits), ".npy"));
  auto session = Session::Create(m.scope);
  ASSERT_OK(session.status());
  ASSERT_OK(RestoreVariables(**session, ckpt));
  auto expected = (*session)->Run({{m.X, heldout->images}}, {m.Z3});
  ASSERT_OK(expected.status());
  ASSERT_EQ(predicted.shape(), (*expected)[0].shape());
  EXPECT_EQ(Values(predicted), Values((*expected)[0]));
  auto labels = ReadIdxFile(DigitsPath("heldout-labels-idx1-ubyte.gz"));
  ASSERT_OK(labels.status());
  EXPECT_NEAR(ArgmaxAccuracy(predicted, *labels), eval_accuracy, 1e-9);
}

}  // namespace
}  // namespace graphflow::testing
