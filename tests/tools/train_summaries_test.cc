// `graphflow train --summaries`: a regression graph with a ScalarSummary,
// a HistogramSummary and a MergeSummary, trained by the real binary and in
// process; the event file decoded with every CRC checked.
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ops/logging_ops.h"
#include "proto/event.pb.h"
#include "proto/graph.pb.h"
#include "summary/record_io.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"
#include "tools/train_command.h"

namespace graphflow::cli {
namespace {

using ::graphflow::testing::FailedCleanly;
using ::graphflow::testing::RunCli;
using ::graphflow::testing::ScratchDir;
using ::graphflow::testing::Succeeded;

Output StringConst(const Scope& s, const std::string& value) {
  Tensor t(DT_STRING, {});
  t.data<std::string>()[0] = value;
  return s.Const(t);
}

// Linear regression ("x", "y", variables "w" [2,1] and "b", "loss", train
// op "GradientDescent") with summaries tagged "mse" (the loss) and "w" (a
// histogram) merged by "merged"; `second_merge` adds "merged_b".
void WriteSummaryGraph(const std::string& path, bool second_merge = false) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 2});
  Output y = ops::Placeholder(s.WithOpName("y"), DT_FLOAT, {-1, 1});
  Variable w = GetVariable(s, "w", {2, 1}, init::Zeros());
  Variable b = GetVariable(s, "b", {1}, init::Zeros());
  Output pred = ops::Add(s, ops::MatMul(s, x, w.read), b.read);
  Output loss = ops::Mean(s.WithOpName("loss"),
                          ops::Square(s, ops::Sub(s, pred, y)), {0, 1});
  GradientDescentOptimizer(0.1).Minimize(s, loss);
  GlobalVariablesInitializer(s);
  Output mse =
      ops::ScalarSummary(s.WithOpName("mse"), StringConst(s, "mse"), loss);
  Output hist = ops::HistogramSummary(s.WithOpName("w_hist"),
                                      StringConst(s, "w"), w.read);
  ops::MergeSummary(s.WithOpName("merged"), {mse, hist});
  if (second_merge) ops::MergeSummary(s.WithOpName("merged_b"), {mse});
  testing::WriteScopeGraph(s, path);
}

class TrainSummariesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    graph_ = dir_ / "summaries.pb";
    WriteSummaryGraph(graph_);
    // y = 2 x0 - x1 + 0.5 on 200 points: 4 steps of 50 per epoch.
    Tensor x(DT_FLOAT, {200, 2}), y(DT_FLOAT, {200, 1});
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(-1, 1);
    for (int i = 0; i < 200; ++i) {
      float a = u(rng), c = u(rng);
      x.data<float>()[2 * i] = a;
      x.data<float>()[2 * i + 1] = c;
      y.data<float>()[i] = 2 * a - c + 0.5f;
    }
    testing::WriteNpy(dir_ / "x.npy", x);
    testing::WriteNpy(dir_ / "y.npy", y);
    options_.graph = graph_;
    options_.train_op = "GradientDescent";
    options_.loss = "loss";
    options_.feeds = {{"x", dir_ / "x.npy"}, {"y", dir_ / "y.npy"}};
    options_.batch = 50;
    options_.epochs = 3;
    options_.summaries_dir = dir_ / "logs/run1";  // Created with parents.
  }

  // The events of the single event file in `logdir`, every CRC verified.
  std::vector<tensorflow::Event> ReadEvents(const std::string& logdir) {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(logdir)) {
      files.push_back(entry.path().string());
    }
    EXPECT_EQ(files.size(), 1u);
    if (files.empty()) return {};
    EXPECT_TRUE(absl::StrContains(files[0], "/events.out.tfevents."))
        << files[0];
    auto records = ReadRecordFile(files[0]);
    EXPECT_TRUE(records.ok()) << records.status();
    std::vector<tensorflow::Event> events;
    for (const std::string& r : records.value_or(std::vector<std::string>{})) {
      events.emplace_back();
      EXPECT_TRUE(events.back().ParseFromString(r));
    }
    return events;
  }

  std::vector<std::string> Args(const std::vector<std::string>& extra) {
    return testing::RegressionTrainArgs(graph_, dir_.path(), 50, 2, extra);
  }

  ScratchDir dir_{"train_summaries"};
  std::string graph_;
  TrainOptions options_;
};

std::vector<std::string> Tags(const tensorflow::Event& e) {
  std::vector<std::string> tags;
  for (const auto& v : e.summary().value()) tags.push_back(v.tag());
  return tags;
}

TEST_F(TrainSummariesTest, MergedSummaryAndLossOncePerEpoch) {
  FILE* out = std::tmpfile();
  auto records = TrainCommand(options_, out);
  std::fclose(out);
  ASSERT_OK(records.status());
  std::vector<tensorflow::Event> events = ReadEvents(options_.summaries_dir);
  ASSERT_EQ(events.size(), 5u);  // Version, graph, one per epoch.
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  tensorflow::GraphDef graph_def;
  ASSERT_TRUE(graph_def.ParseFromString(events[1].graph_def()));
  bool has_merged = false;
  for (const auto& node : graph_def.node())
    has_merged |= node.name() == "merged";
  EXPECT_TRUE(has_merged);
  for (int e = 0; e < 3; ++e) {
    const tensorflow::Event& ev = events[2 + e];
    EXPECT_EQ(ev.step(), 4 * (e + 1)) << e;  // The global step.
    EXPECT_GE(ev.wall_time(), events[0].wall_time());
    ASSERT_EQ(Tags(ev), (std::vector<std::string>{"mse", "w", "loss"}));
    EXPECT_TRUE(std::isfinite(ev.summary().value(0).simple_value()));
    EXPECT_EQ(ev.summary().value(1).histo().num(), 2);  // w is [2,1].
    EXPECT_EQ(ev.summary().value(2).simple_value(),
              static_cast<float>((*records)[e].loss));
  }
  // Training drives w towards [2, -1]: the histogram follows.
  EXPECT_NEAR(events[4].summary().value(1).histo().sum(), 1, 0.5);
}

TEST_F(TrainSummariesTest, EveryNStepsAndExplicitNode) {
  WriteSummaryGraph(graph_, /*second_merge=*/true);
  options_.summary = "merged_b";
  options_.summary_every = 3;
  options_.epochs = 2;  // 8 steps: summaries after steps 3 and 6.
  FILE* out = std::tmpfile();
  auto records = TrainCommand(options_, out);
  std::fclose(out);
  ASSERT_OK(records.status());
  std::vector<tensorflow::Event> events = ReadEvents(options_.summaries_dir);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2].step(), 3);
  EXPECT_EQ(events[3].step(), 6);
  EXPECT_EQ(Tags(events[3]), (std::vector<std::string>{"mse", "loss"}));
}

TEST_F(TrainSummariesTest, CliWritesEventFile) {
  const std::string logdir = dir_ / "cli_logs";
  testing::CliResult r = RunCli(Args({"--summaries", logdir}));
  ASSERT_TRUE(Succeeded(r));
  std::vector<tensorflow::Event> events = ReadEvents(logdir);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].step(), 8);
  EXPECT_EQ(Tags(events[3]), (std::vector<std::string>{"mse", "w", "loss"}));
  testing::CliResult help = RunCli({"help", "train"});
  ASSERT_TRUE(Succeeded(help));
  EXPECT_TRUE(absl::StrContains(help.out, "--summaries DIR")) << help.out;
}

TEST_F(TrainSummariesTest, CliErrorsBeforeTraining) {
  WriteSummaryGraph(graph_, /*second_merge=*/true);
  const std::string logdir = dir_ / "amb";
  EXPECT_TRUE(FailedCleanly(
      RunCli(Args({"--summaries", logdir})),
      {"2 MergeSummary ops (merged, merged_b)", "--summary NODE"}));
  EXPECT_FALSE(std::filesystem::exists(logdir));  // Nothing written.
  EXPECT_TRUE(
      FailedCleanly(RunCli(Args({"--summaries", logdir, "--summary", "loss"})),
                    {"--summary 'loss' is not a string tensor"}));
  EXPECT_TRUE(
      FailedCleanly(RunCli(Args({"--summaries", logdir, "--summary", "nope"})),
                    {"--summary", "nope"}));
  EXPECT_TRUE(FailedCleanly(RunCli(Args({"--summary-every", "2"})),
                            {"need --summaries DIR"}));
  ASSERT_OK(WriteFileAtomically(dir_ / "file", "x"));
  EXPECT_TRUE(FailedCleanly(RunCli(Args({"--summaries", dir_ / "file"})),
                            {"--summaries", "file is not a directory"}));
  EXPECT_TRUE(FailedCleanly(RunCli(Args({"--summaries", dir_ / "file/sub"})),
                            {"--summaries", "file is not a directory"}));
  EXPECT_TRUE(FailedCleanly(RunCli(Args({"--summaries="})), {"--summaries"}));
}

}  // namespace
}  // namespace graphflow::cli
