// Class 4 of issue 8: feed conversion (--one-hot, --scale, integer widening)
// sizes every output from the data or the placeholder's shape, so each one is
// checked against --max-tensor-bytes before allocating: ResourceExhausted
// naming the feed, the placeholder and the size, never a write through null.
// Also --max-tensor-bytes end to end (parsing, session limit, input files).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ops/array_ops.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

class FeedConversionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    graph_ = dir_ / "g.pbtxt";
    Scope s = NewRootScope();
    Output labels = ops::Placeholder(s.WithOpName("labels"), DT_FLOAT,
                                     {-1, int64_t{4000000000}});
    ops::Identity(s.WithOpName("labels_out"), labels);
    Output pixels =
        ops::Placeholder(s.WithOpName("pixels"), DT_FLOAT, {-1, 600});
    ops::Identity(s.WithOpName("pixels_out"), pixels);
    ops::Fill(s.WithOpName("fill"), ops::Const(s, I32({2048, 2048}, {2})),
              1.0f);
    WriteScopeGraph(s, graph_);
    WriteNpy(dir_ / "ids.npy", I32({1, 2, 3}, {3}));
    Tensor bytes(DT_UINT8, {1, 600});
    bytes.FillZero();
    WriteNpy(dir_ / "bytes.npy", bytes);
  }
  ScratchDir dir_{"feed_conversion"};
  std::string graph_;
};

TEST_F(FeedConversionTest, OneHotIntoHugePlaceholderIsResourceExhausted) {
  CliResult r = RunCli({"run", graph_, "--feed", "labels=" + (dir_ / "ids.npy"),
                        "--fetch", "labels_out", "--one-hot"});
  EXPECT_TRUE(FailedCleanly(
      r, {"feed 'labels'", "Placeholder 'labels'", "3 x 4000000000",
          "maximum tensor size of 4294967296 bytes"}));
}

TEST_F(FeedConversionTest, ScaleOverTheLimitIsResourceExhausted) {
  const std::string feed = "pixels=" + (dir_ / "bytes.npy");
  CliResult r = RunCli({"run", graph_, "--feed", feed, "--fetch", "pixels_out",
                        "--scale", "1/255", "--max-tensor-bytes", "1K"});
  EXPECT_TRUE(FailedCleanly(r, {"feed 'pixels'", "Placeholder 'pixels'",
                                "maximum tensor size of 1024 bytes"}));
  EXPECT_TRUE(Succeeded(RunCli({"run", graph_, "--feed", feed, "--fetch",
                                "pixels_out", "--scale", "1/255"})));
}

TEST_F(FeedConversionTest, SessionLimitFromTheFlag) {
  EXPECT_TRUE(Succeeded(
      RunCli({"run", graph_, "--fetch", "fill", "--out", dir_.path()})));
  CliResult r =
      RunCli({"run", graph_, "--fetch", "fill", "--max-tensor-bytes=1M"});
  EXPECT_TRUE(FailedCleanly(
      r, {"node 'fill' (Fill)", "maximum tensor size of 1048576 bytes"}));
}

TEST_F(FeedConversionTest, InputFileOverTheLimitIsRefused) {
  CliResult r = RunCli(
      {"run", graph_, "--feed", "pixels=" + (dir_ / "bytes.npy"), "--fetch",
       "pixels_out", "--scale", "1", "--max-tensor-bytes", "100"});
  EXPECT_TRUE(FailedCleanly(r, {"bytes.npy", "input file limit of 100 bytes"}));
}

TEST_F(FeedConversionTest, BadLimitValuesAreRejected) {
  for (const char* bad : {"0", "-5", "abc", "12X", "", "G", "99999999999G"}) {
    CliResult r = RunCli({"run", graph_, "--fetch", "fill",
                          std::string("--max-tensor-bytes=") + bad});
    EXPECT_TRUE(FailedCleanly(r, {"--max-tensor-bytes"})) << bad;
  }
}

}  // namespace
}  // namespace graphflow::testing
