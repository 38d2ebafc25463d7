// `graphflow help TOPIC` with an unknown topic is an error listing the
// commands, not an exit 0 with the general usage.
#include "gtest/gtest.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

TEST(HelpTopicTest, UnknownTopicIsAnError) {
  CliResult r = RunCli({"help", "nope"});
  EXPECT_TRUE(FailedCleanly(r, {"unknown help topic 'nope'", "run", "train",
                                "inspect", "convert", "dot"}));
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(r.out.empty()) << r;
}

TEST(HelpTopicTest, KnownTopicsStillWork) {
  for (const char* topic : {"run", "train", "inspect", "convert", "dot"}) {
    EXPECT_TRUE(Succeeded(RunCli({"help", topic})));
  }
}

}  // namespace
}  // namespace graphflow::testing
