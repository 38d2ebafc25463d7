// A save killed before its rename leaves "<ckpt>.tmp.<pid>"; the next save
// of the same checkpoint removes such files of writers no longer running,
// and keeps those of running ones.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "base/file_io.h"
#include "gtest/gtest.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

// The pid of a child that has exited and been reaped: not running.
pid_t DeadPid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

TEST(StaleTemporariesTest, NextSaveRemovesTemporariesOfDeadWriters) {
  ScratchDir dir("stale_tmp");
  const std::string graph = dir / "counter.pb", ckpt = dir / "c.ckpt";
  WriteCounterGraph(graph);
  const std::string dead = absl::StrCat(ckpt, ".tmp.", DeadPid());
  const std::string live = absl::StrCat(ckpt, ".tmp.", getpid());
  const std::string other = dir / "other.ckpt.tmp.1234567";
  for (const std::string& f : {dead, live, other}) {
    ASSERT_OK(WriteFileAtomically(f, "partial"));
  }
  ASSERT_TRUE(
      Succeeded(RunCli({"run", graph, "--init", "init", "--save", ckpt})));
  EXPECT_TRUE(std::filesystem::exists(ckpt));
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(live));   // A running process's.
  EXPECT_TRUE(std::filesystem::exists(other));  // Another file's.
}

TEST(StaleTemporariesTest, OnlyPidSuffixesAreTemporaries) {
  ScratchDir dir("stale_tmp_names");
  const std::string path = dir / "f";
  const std::string dead = absl::StrCat(".tmp.", DeadPid());
  for (const std::string& suffix :
       {std::string(".tmp."), std::string(".tmp.12a"),
        std::string(".tmpx.99999999"), dead + ".", dead + ".x"}) {
    ASSERT_OK(WriteFileAtomically(path + suffix, "x"));
  }
  ASSERT_OK(WriteFileAtomically(path + dead, "x"));
  ASSERT_OK(WriteFileAtomically(path + dead + ".17", "x"));
  EXPECT_EQ(RemoveStaleTemporaries(path), 2);
  EXPECT_TRUE(std::filesystem::exists(path + ".tmp."));
  EXPECT_TRUE(std::filesystem::exists(path + ".tmp.12a"));
  EXPECT_TRUE(std::filesystem::exists(path + dead + ".x"));
  EXPECT_FALSE(std::filesystem::exists(path + dead + ".17"));
}

}  // namespace
}  // namespace graphflow::testing
