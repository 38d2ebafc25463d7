// `graphflow freeze` end to end: graph + checkpoint in, a frozen graph that
// `graphflow run` executes without --restore; clean errors otherwise.
#include <filesystem>
#include <string>

#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/math_ops.h"
#include "ops/state_ops.h"
#include "proto/graph_io.h"
#include "session/checkpoint.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

class FreezeCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // y = x * w + 1, w a variable initialized to 0 by its Assign.
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1});
    Output w = ops::Variable(s.WithOpName("w"), {}, DT_FLOAT);
    ops::Assign(s.WithOpName("w/Assign"), w, 0.0f);
    ops::Add(s.WithOpName("y"), ops::Mul(s, x, w), 1.0f);
    ASSERT_OK(s.status());
    ASSERT_OK(WriteGraphDefFile(graph_, GraphToGraphDef(*s.graph()),
                                GraphFormat::kText));
    ASSERT_OK(SaveCheckpoint(ckpt_, {{"w", F({3}, {})}}));
    WriteNpy(x_, F({1, 2}, {2}));
  }

  ScratchDir dir_{"freeze"};
  std::string graph_ = dir_ / "g.pbtxt", ckpt_ = dir_ / "w.ckpt",
              x_ = dir_ / "x.npy", frozen_ = dir_ / "frozen.pb";
};

TEST_F(FreezeCommandTest, FrozenGraphRunsWithoutTheCheckpoint) {
  CliResult freeze = RunCli({"freeze", graph_, "--restore", ckpt_, "--output",
                             "y", "--out", frozen_});
  ASSERT_EQ(freeze.exit_code, 0) << freeze;
  EXPECT_EQ(freeze.out, "wrote " + frozen_ + " (5 nodes, 1 variable frozen)\n")
      << freeze;
  CliResult run = RunCli({"run", frozen_, "--feed", "x=" + x_, "--fetch", "y"});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "y: float [2]\n[4. 7.]\n") << run;
}

TEST_F(FreezeCommandTest, MissingPiecesAreCleanErrors) {
  EXPECT_TRUE(FailedCleanly(
      RunCli({"freeze", graph_, "--output", "y", "--out", frozen_}),
      {"--restore"}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"freeze", graph_, "--restore", ckpt_, "--out", frozen_}),
      {"--output"}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"freeze", graph_, "--restore", ckpt_, "--output", "y"}),
      {"--out"}));
  EXPECT_TRUE(FailedCleanly(RunCli({"freeze", graph_, "--restore", ckpt_,
                                    "--output", "nope", "--out", frozen_}),
                            {"'nope'"}));
  const std::string other = dir_ / "other.ckpt";
  ASSERT_OK(SaveCheckpoint(other, {{"v", F({3}, {})}}));
  EXPECT_TRUE(FailedCleanly(RunCli({"freeze", graph_, "--restore", other,
                                    "--output", "y", "--out", frozen_}),
                            {"'w'", other}));
  EXPECT_FALSE(std::filesystem::exists(frozen_));
}

}  // namespace
}  // namespace graphflow::testing
