// `mpirun -np 2 graphflow train ...` end to end: a TF-written Adam graph
// trains like one process with the same global batch; a killed or hung rank
// stops the others with an error naming it; ranks given different graphs
// refuse to start.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dataset/npy.h"
#include "gtest/gtest.h"
#include "session/checkpoint.h"
#include "tests/support/mnist.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

struct Result {
  int code = -1;
  std::string output;
  double seconds = 0;
};

// Runs a shell command (stderr joined), bounded by `timeout` seconds.
Result Shell(const std::string& command, int timeout = 90) {
  Result r;
  auto start = std::chrono::steady_clock::now();
  std::string cmd =
      absl::StrCat("timeout -k 5 ", timeout, " sh -c '", command, "' 2>&1");
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    r.output.append(buffer, n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return r;
}

std::string Mpirun(int np) {
  return absl::StrCat(MPIEXEC, " --oversubscribe -np ", np, " ");
}

class MpiTrainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/mpi_train_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    // 211 examples: 4 batches of 50 and a last one of 11, split 5 / 6.
    auto digits = testing::LoadBundledDigits("train");
    ASSERT_OK(digits.status());
    testing::Digits d = testing::SliceDigits(*digits, 0, 211);
    ASSERT_OK(WriteNpyFile(dir_ + "/x.npy", d.images));
    ASSERT_OK(WriteNpyFile(dir_ + "/y.npy", d.one_hot));
  }

  // The train command line for mnist_mlp_adam_train.pbtxt.
  std::string Train(const std::string& graph, const std::string& out,
                    const std::string& extra = "") {
    return absl::StrCat(GRAPHFLOW_BINARY, " train ", graph,
                        " --train-op Adam --loss Mean --feed Placeholder=",
                        dir_, "/x.npy --feed Placeholder_1=", dir_,
                        "/y.npy --batch 50 --shuffle-seed 7 --save ", out,
                        ".ckpt --log ", out, ".csv ", extra);
  }

  std::string dir_;
};

std::vector<double> Losses(const std::string& csv_path) {
  std::ifstream in(csv_path);
  std::string line;
  std::vector<double> losses;
  std::getline(in, line);  // Header.
  while (std::getline(in, line)) {
    std::vector<std::string> fields = absl::StrSplit(line, ',');
    losses.push_back(std::stod(fields.at(1)));
  }
  return losses;
}

TEST_F(MpiTrainTest, TfAdamGraphTwoRanksMatchOneProcess) {
  GF_SKIP_WITHOUT_SHARED(graph, "tfgraphs/mnist_mlp_adam_train.pbtxt");
  // A checkpoint is a prefix, not a file.
  const std::string ckpt =
      testing::SharedPath("tfgraphs/ckpt") + "/mnist_mlp_model.ckpt";
  const std::string extra = absl::StrCat("--epochs 2 --restore ", ckpt);
  Result one = Shell(Train(graph, dir_ + "/one", extra));
  ASSERT_EQ(one.code, 0) << one.output;
  Result two = Shell(Mpirun(2) + Train(graph, dir_ + "/two", extra));
  ASSERT_EQ(two.code, 0) << two.output;
  // Only rank 0 prints: one "saved checkpoint" line, and the mpi summary.
  EXPECT_EQ(testing::CountOccurrences(two.output, "saved checkpoint"), 1)
      << two.output;
  EXPECT_NE(two.output.find("mpi: 2 ranks"), std::string::npos) << two.output;

  std::vector<double> a = Losses(dir_ + "/one.csv"),
                      b = Losses(dir_ + "/two.csv");
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5) << i;
  auto x = LoadCheckpoint(dir_ + "/one.ckpt");
  auto y = LoadCheckpoint(dir_ + "/two.ckpt");
  ASSERT_OK(x.status());
  ASSERT_OK(y.status());
  ASSERT_EQ(x->size(), y->size());
  for (const auto& [name, t] : *x) {
    ASSERT_TRUE(y->count(name)) << name;
    std::vector<double> u = testing::Values(t),
                        v = testing::Values(y->at(name));
    ASSERT_EQ(u.size(), v.size());
    for (size_t i = 0; i < u.size(); ++i) {
      ASSERT_NEAR(u[i], v[i], 1e-5) << name << "[" << i << "]";
    }
  }
}

TEST_F(MpiTrainTest, GraphMismatchIsAClearError) {
  GF_SKIP_WITHOUT_SHARED(a, "tfgraphs/mnist_mlp_adam_train.pbtxt");
  // The same graph with another learning rate: same feeds and nodes.
  std::ifstream in(a);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  const std::string lr = "float_val: 0.009999999776482582";
  ASSERT_EQ(testing::CountOccurrences(text, lr), 1);
  text.replace(text.find(lr), lr.size(), "float_val: 0.02");
  const std::string b = dir_ + "/b.pbtxt";
  std::ofstream(b) << text;
  // MPMD: rank 0 and rank 1 load different graphs.
  Result r = Shell(absl::StrCat(
      MPIEXEC, " --oversubscribe -np 1 ", Train(a, dir_ + "/a", "--epochs 1"),
      " : -np 1 ", Train(b, dir_ + "/b", "--epochs 1")));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("the graph differs between ranks: rank 1 differ "
                          "from rank 0"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/a.ckpt"));
}

// Starts 2 ranks for many epochs, saving every epoch; once the first
// checkpoint exists, sends `sig` to rank 1. Returns the run's result.
Result TrainAndSignalRank1(const std::string& graph, const std::string& dir,
                           const std::string& train, int sig) {
  const std::string pids = dir + "/pid.";
  Result r;
  std::thread killer([&] {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline &&
           !(std::filesystem::exists(dir + "/run.ckpt") &&
             std::filesystem::exists(pids + "1"))) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::ifstream in(pids + "1");
    pid_t pid = 0;
    if (in >> pid && pid > 0) {
      ::kill(pid, sig);
      if (sig == SIGSTOP) {  // Let the survivor time out, then clean up.
        std::this_thread::sleep_for(std::chrono::seconds(15));
        ::kill(pid, SIGKILL);
      }
    }
  });
  r = Shell(absl::StrCat(Mpirun(2), "sh -c \"echo \\$\\$ > ", pids,
                         "\\$OMPI_COMM_WORLD_RANK; exec ", train, "\""));
  killer.join();
  return r;
}

TEST_F(MpiTrainTest, KilledRankStopsTheOthersAndTheCheckpointRestores) {
  GF_SKIP_WITHOUT_SHARED(graph, "tfgraphs/mnist_mlp_adam_train.pbtxt");
  Result r = TrainAndSignalRank1(graph, dir_,
                                 Train(graph, dir_ + "/run",
                                       "--epochs 100000 --save-every 1 "
                                       "--mpi-timeout 5"),
                                 SIGKILL);
  EXPECT_NE(r.code, 0) << r.output;
  EXPECT_LT(r.seconds, 40) << r.output;
  // mpirun ends the job and names the rank that died.
  EXPECT_NE(r.output.find("rank 1"), std::string::npos) << r.output;
  auto restored = LoadCheckpoint(dir_ + "/run.ckpt");
  EXPECT_OK(restored.status());
}

TEST_F(MpiTrainTest, HungRankMakesRankZeroTimeOutNamingIt) {
  GF_SKIP_WITHOUT_SHARED(graph, "tfgraphs/mnist_mlp_adam_train.pbtxt");
  Result r = TrainAndSignalRank1(graph, dir_,
                                 Train(graph, dir_ + "/run",
                                       "--epochs 100000 --save-every 1 "
                                       "--mpi-timeout 3"),
                                 SIGSTOP);
  EXPECT_NE(r.code, 0) << r.output;
  EXPECT_LT(r.seconds, 40) << r.output;
  EXPECT_NE(r.output.find("did not complete within 3s (--mpi-timeout): "
                          "rank 1 did not respond"),
            std::string::npos)
      << r.output;
  auto restored = LoadCheckpoint(dir_ + "/run.ckpt");
  EXPECT_OK(restored.status());
}

}  // namespace
}  // namespace graphflow
