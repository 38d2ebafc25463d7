// Class 8 of issue 8: a NaN or Inf loss stops training with an error naming
// the epoch, the batch and the feed rows, and no NaN checkpoint is written
// over a good one; --on-nan=warn only warns (loudly, on stderr).
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

class NanLossTest : public ::testing::Test {
 protected:
  void SetUp() override {
    graph_ = dir_ / "regression.pbtxt";
    WriteRegressionGraph(graph_);
    // Row 2 of x holds a NaN.
    WriteNpy(dir_ / "x.npy", F({1, 2, 3, 4, NAN, 6, 7, 8}, TensorShape{4, 2}));
    WriteNpy(dir_ / "y.npy", F({1, 2, 3, 4}, TensorShape{4, 1}));
  }
  std::vector<std::string> Train(const std::vector<std::string>& extra) {
    return RegressionTrainArgs(graph_, dir_.path(), 4, 2, extra);
  }
  ScratchDir dir_{"nan_loss"};
  std::string graph_;
};

TEST_F(NanLossTest, StopsAtFirstNonFiniteLossWithoutSaving) {
  const std::string ckpt = dir_ / "good.ckpt";
  ASSERT_OK(WriteFileAtomically(ckpt, "previous good checkpoint"));
  CliResult r = RunCli(Train({"--save", ckpt}));
  EXPECT_TRUE(
      FailedCleanly(r, {"loss 'loss' is nan", "epoch 1", "batch 1 of 1",
                        "x row 2", "checkpoint not saved", "--on-nan=warn"}));
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_EQ(ReadFileToString(ckpt).value_or(""), "previous good checkpoint");
}

TEST_F(NanLossTest, WarnModeContinuesAndSaysSo) {
  const std::string ckpt = dir_ / "nan.ckpt";
  CliResult r = RunCli(Train({"--save", ckpt, "--on-nan=warn"}));
  EXPECT_TRUE(Succeeded(r));
  EXPECT_NE(r.err.find("graphflow: warning: loss 'loss' is nan at epoch 1"),
            std::string::npos)
      << r;
  EXPECT_TRUE(std::filesystem::exists(ckpt)) << r;
}

TEST_F(NanLossTest, BadOnNanValue) {
  EXPECT_TRUE(FailedCleanly(RunCli(Train({"--on-nan", "ignore"})),
                            {"--on-nan 'ignore'", "stop or warn"}));
}

TEST_F(NanLossTest, NonFiniteScaleIsRejected) {
  for (const char* scale : {"nan", "inf", "-inf", "1/0.0000"}) {
    EXPECT_TRUE(FailedCleanly(RunCli(Train({"--scale", scale})), {"--scale"}));
  }
  EXPECT_TRUE(FailedCleanly(RunCli(Train({"--scale", "nan"})),
                            {"--scale 'nan'", "finite"}));
}

}  // namespace
}  // namespace graphflow::testing
