// A `graphflow train` process SIGKILLed while it saves checkpoints
// (--save-every 1, big variables) leaves a checkpoint that loads and holds
// one whole epoch's state.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "session/checkpoint.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

constexpr int64_t kBig = 1 << 21;  // 2M floats (8 MB) per variable.

// Variables "big1", "big2" [kBig] (zeros, by "<var>/Assign"); the train op
// "step" adds 1 to both; "loss" is mean(x).
void WriteBigGraph(const std::string& path) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 1});
  Output shape = ops::Const(
      s, Tensor::FromVector<int32_t>({static_cast<int32_t>(kBig)}, {1}));
  std::vector<Output> updates;
  for (const char* name : {"big1", "big2"}) {
    Output v = ops::Variable(s.WithOpName(name), TensorShape{kBig}, DT_FLOAT);
    ops::Assign(s.WithOpName(absl::StrCat(name, "/Assign")), v,
                ops::Fill(s, shape, ops::Const(s, 0.0f)));
    updates.push_back(
        ops::AssignAdd(s, v, ops::Fill(s, shape, ops::Const(s, 1.0f))));
  }
  ops::NoOp(s.WithOpName("step").WithControlDependencies(updates));
  ops::Mean(s.WithOpName("loss"), x, {0, 1});
  WriteScopeGraph(s, path);
}

// The checkpoint holds both variables at the same whole epoch count.
void ExpectComplete(const std::string& ckpt, int round) {
  SCOPED_TRACE(absl::StrCat("round ", round));
  auto loaded = LoadCheckpoint(ckpt);
  ASSERT_OK(loaded.status());
  ASSERT_EQ(loaded->size(), 2u);
  float epochs = -1;
  for (const char* name : {"big1", "big2"}) {
    auto it = loaded->find(name);
    ASSERT_NE(it, loaded->end()) << name;
    const Tensor& t = it->second;
    ASSERT_EQ(t.dtype(), DT_FLOAT);
    ASSERT_EQ(t.shape(), TensorShape({kBig}));
    if (epochs < 0) epochs = t.data<float>()[0];
    EXPECT_GE(epochs, 1);
    for (int64_t i = 0; i < kBig; ++i) {
      ASSERT_EQ(t.data<float>()[i], epochs) << name << "[" << i << "]";
    }
  }
}

TEST(TrainKillTest, CheckpointSurvivesSigkill) {
  ScratchDir dir("kill");
  std::string graph = dir / "big.pb", x = dir / "x.npy";
  WriteBigGraph(graph);
  WriteNpy(x, F({1, 2}, TensorShape{2, 1}));
  std::mt19937 rng(12345);
  const int kRounds = 6;
  int killed_mid_save = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::string ckpt = dir / absl::StrCat("big", round, ".ckpt");
    pid_t pid =
        SpawnCli({"train", graph, "--train-op", "step", "--loss", "loss",
                  "--feed", "x=" + x, "--batch", "2", "--epochs", "100000",
                  "--save", ckpt, "--save-every", "1"},
                 dir / "out.txt", dir / "err.txt");
    ASSERT_GT(pid, 0);
    // A save in progress writes <ckpt>.tmp.<pid>.<n>.
    std::string tmp_prefix = absl::StrCat("big", round, ".ckpt.tmp.", pid, ".");
    auto saving = [&] {
      std::error_code ec;
      for (const auto& e :
           std::filesystem::directory_iterator(dir.path(), ec)) {
        if (e.path().filename().string().starts_with(tmp_prefix)) return true;
      }
      return false;
    };
    // Wait for the first complete checkpoint, then kill: on even rounds as
    // soon as a save is in progress, on odd rounds after a random delay.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!std::filesystem::exists(ckpt) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (round % 2 == 0) {
      while (!saving() && std::chrono::steady_clock::now() < deadline) {
      }
      killed_mid_save += saving();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(
          std::uniform_int_distribution<int>(0, 400)(rng)));
    }
    kill(pid, SIGKILL);
    CliResult r;
    CollectExit(pid, &r);
    ASSERT_EQ(r.signal, SIGKILL)
        << "train ended before the kill: "
        << ReadFileToString(dir / "err.txt").value_or("");
    ASSERT_TRUE(std::filesystem::exists(ckpt)) << "no checkpoint in 20 s";
    ExpectComplete(ckpt, round);
  }
  EXPECT_GT(killed_mid_save, 0);
}

}  // namespace
}  // namespace graphflow::testing
