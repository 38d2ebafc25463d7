// Class 6 of issue 8: a write error on standard output (here /dev/full) is
// an error for every command, never an exit 0 with the output lost.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

// Runs graphflow with stdout on /dev/full; stderr is captured.
CliResult RunToFullDisk(const std::vector<std::string>& args) {
  ScratchDir io("stdout_full_io");
  CliResult r;
  r.command =
      absl::StrCat("graphflow ", absl::StrJoin(args, " "), " >/dev/full");
  pid_t pid = SpawnCli(args, "/dev/full", io / "err");
  if (pid < 0) {
    ADD_FAILURE() << "cannot start " << GRAPHFLOW_BINARY;
    return r;
  }
  CollectExit(pid, &r);
  r.err = ReadFileToString(io / "err").value_or("");
  return r;
}

class StdoutFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
    graph_ = dir_ / "counter.pb";
    WriteCounterGraph(graph_);
  }
  ScratchDir dir_{"stdout_full"};
  std::string graph_;
};

TEST_F(StdoutFullTest, EveryCommandFails) {
  const std::vector<std::vector<std::string>> commands = {
      {"run", graph_, "--init", "init", "--fetch", "counter"},
      {"inspect", graph_},
      {"dot", graph_},
      {"help"},
      {"help", "run"},
      {"--version"},
  };
  for (const auto& args : commands) {
    CliResult r = RunToFullDisk(args);
    EXPECT_TRUE(FailedCleanly(
        r, {"error writing standard output", "No space left on device"}));
    EXPECT_EQ(r.exit_code, 1) << r;
  }
}

}  // namespace
}  // namespace graphflow::testing
