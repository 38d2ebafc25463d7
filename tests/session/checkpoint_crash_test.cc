// Crash safety: a child process saving a large checkpoint in a loop is
// SIGKILLed at random moments; the file must always load as one complete
// checkpoint, whatever temp files the killed writers leave behind.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "session/checkpoint.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

constexpr int64_t kFloats = int64_t{16} << 20;  // 64 MiB of float.

std::map<std::string, Tensor> Snapshot(Tensor& big, int64_t step) {
  std::fill_n(big.data<float>(), big.num_elements(), static_cast<float>(step));
  return {{"big", big}, {"step", Tensor::Scalar<int64_t>(step)}};
}

// Loads `path` and checks it is one whole snapshot; returns its step.
int64_t ExpectCompleteSnapshot(const std::string& path) {
  auto loaded = LoadCheckpoint(path);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  if (!loaded.ok()) return -1;
  EXPECT_EQ(loaded->size(), 2u);
  const Tensor& big = loaded->at("big");
  int64_t step = loaded->at("step").data<int64_t>()[0];
  EXPECT_EQ(big.num_elements(), kFloats);
  float want = static_cast<float>(step);
  EXPECT_TRUE(std::all_of(big.data<float>(), big.data<float>() + kFloats,
                          [&](float v) { return v == want; }))
      << "values of two different saves mixed in one file";
  return step;
}

TEST(CheckpointCrashTest, SigkillWhileSavingNeverLeavesABrokenFile) {
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                              absl::StrCat("ckpt_crash_", getpid());
  std::filesystem::create_directories(dir);
  std::string path = (dir / "model.ckpt").string();
  Tensor big(DT_FLOAT, {kFloats});
  ASSERT_OK(SaveCheckpoint(path, Snapshot(big, 0)));

  std::mt19937 rng(std::random_device{}());
  int64_t last_step = 0;
  int killed_mid_write = 0;
  constexpr int kRounds = 8;
  for (int round = 1; round <= kRounds; ++round) {
    pid_t child = fork();
    ASSERT_GE(child, 0) << "fork failed";
    if (child == 0) {
      alarm(60);  // Never outlive a crashed parent for long.
      for (int64_t step = round * 1000;; ++step) {
        if (!SaveCheckpoint(path, Snapshot(big, step)).ok()) _exit(1);
      }
    }
    int delay_ms = std::uniform_int_distribution<int>(20, 600)(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int wstatus = 0;
    ASSERT_EQ(waitpid(child, &wstatus, 0), child);
    ASSERT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
        << "the saving child failed on its own (status " << wstatus << ")";
    if (std::filesystem::exists(absl::StrCat(path, ".tmp.", child))) {
      ++killed_mid_write;
    }

    SCOPED_TRACE(
        absl::StrCat("round ", round, ", killed after ", delay_ms, " ms"));
    int64_t step = ExpectCompleteSnapshot(path);
    // Either still the previous checkpoint or one of this child's saves.
    EXPECT_TRUE(step == last_step || step >= round * 1000) << step;
    last_step = step;
  }
  // Informational: how often the kill landed inside a write.
  std::cout << killed_mid_write << " of " << kRounds
            << " kills left a partial temp file\n";

  // The stray temp files do not disturb the next save or load either.
  ASSERT_OK(SaveCheckpoint(path, Snapshot(big, 99)));
  EXPECT_EQ(ExpectCompleteSnapshot(path), 99);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace graphflow
