// Class 7 of issue 8: a report that cannot be written never costs the
// trained weights. Output paths are checked before training, and the
// checkpoint is written before the reports.
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

class ReportPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    graph_ = dir_ / "regression.pbtxt";
    WriteRegressionGraph(graph_);
    WriteNpy(dir_ / "x.npy", F({1, 2, 3, 4, 5, 6}, TensorShape{3, 2}));
    WriteNpy(dir_ / "y.npy", F({1, 2, 3}, TensorShape{3, 1}));
  }
  std::vector<std::string> Train(const std::vector<std::string>& extra) {
    return RegressionTrainArgs(graph_, dir_.path(), 2, 3, extra);
  }
  ScratchDir dir_{"report_path"};
  std::string graph_;
};

TEST_F(ReportPathTest, MissingLogDirectoryFailsBeforeTraining) {
  const std::string ckpt = dir_ / "ok.ckpt", log = dir_ / "missing/l.csv";
  CliResult r = RunCli(Train({"--save", ckpt, "--log", log}));
  EXPECT_TRUE(FailedCleanly(r, {"--log", log, "does not exist"}));
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_EQ(r.out.find("epoch"), std::string::npos) << "trained first\n" << r;
}

TEST_F(ReportPathTest, EveryOutputFlagIsChecked) {
  const std::string bad = dir_ / "missing/f";
  for (const char* flag : {"--save", "--log", "--plot"}) {
    EXPECT_TRUE(FailedCleanly(RunCli(Train({flag, bad})), {flag, bad}));
  }
  EXPECT_TRUE(
      FailedCleanly(RunCli({"run", graph_, "--init", "init", "--save", bad}),
                    {"--save", bad, "does not exist"}));
  // A directory is not a file to write.
  EXPECT_TRUE(
      FailedCleanly(RunCli(Train({"--log", dir_.path()})), {"is a directory"}));
}

TEST_F(ReportPathTest, ValidPathsWriteCheckpointAndLog) {
  const std::string ckpt = dir_ / "ok.ckpt", log = dir_ / "l.csv";
  CliResult r = RunCli(Train({"--save", ckpt, "--log", log}));
  EXPECT_TRUE(Succeeded(r));
  EXPECT_TRUE(std::filesystem::exists(ckpt)) << r;
  EXPECT_EQ(ReadCsvRows(log).size(), 3u) << r;
}

TEST_F(ReportPathTest, EmptyPathIsAnError) {
  for (const char* flag : {"--save", "--log", "--plot", "--restore"}) {
    EXPECT_TRUE(FailedCleanly(RunCli(Train({flag, ""})),
                              {flag, "needs a non-empty path"}));
    EXPECT_TRUE(FailedCleanly(RunCli(Train({std::string(flag) + "="})),
                              {flag, "needs a non-empty path"}));
  }
}

}  // namespace
}  // namespace graphflow::testing
