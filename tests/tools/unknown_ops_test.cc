// The CLI on graphs with ops graphflow does not implement: inspect lists
// them, convert keeps them byte for byte, run works when a step does not
// need them and names them when it does.
#include "absl/strings/match.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/graph_io.h"
#include "tests/support/test_util.h"
#include "tests/support/unknown_op_graph.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

class UnknownOpsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(WriteGraphDefFile(graph_, UnknownOpGraphDef(),
                                GraphFormatForPath(graph_)));
  }
  ScratchDir dir_{"unknown_ops"};
  std::string graph_ = dir_ / "g.pbtxt";
};

TEST_F(UnknownOpsCliTest, InspectListsThem) {
  CliResult r = RunCli({"inspect", graph_});
  ASSERT_TRUE(Succeeded(r));
  EXPECT_TRUE(absl::StrContains(
      r.out,
      "\nops graphflow does not implement (3): FIFOQueueV2 (1 node: q), "
      "Frobnicate (1 node: fro), QueueDequeueV2 (1 node: deq)\n"))
      << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\nops graphflow cannot run: none\n"))
      << r.out;
}

TEST_F(UnknownOpsCliTest, ConvertKeepsThemExactly) {
  std::string pb = dir_ / "g.pb";
  ASSERT_TRUE(Succeeded(RunCli({"convert", graph_, pb})));
  auto back = ReadGraphDefFile(pb);
  ASSERT_OK(back.status());
  const std::string bytes = *ReadFileToString(pb);
  EXPECT_EQ(bytes,
            SerializeGraphDef(UnknownOpGraphDef(), GraphFormat::kBinary));
  EXPECT_EQ(SerializeGraphDef(*back, GraphFormat::kBinary), bytes);
}

TEST_F(UnknownOpsCliTest, RunNeedsThemOnlyWhenTheStepDoes) {
  CliResult ok = RunCli({"run", graph_, "--fetch", "twice"});
  ASSERT_TRUE(Succeeded(ok));
  EXPECT_EQ(ok.out, "twice: float []\n9.0\n");
  CliResult needs = RunCli({"run", graph_, "--fetch", "sum"});
  EXPECT_TRUE(FailedCleanly(
      needs, {"node 'deq' uses op 'QueueDequeueV2'", "fetch 'sum'"}));
}

// A training graph that also holds ops graphflow lacks trains: the step
// never needs them.
TEST_F(UnknownOpsCliTest, TrainIgnoresThemWhenTheStepDoesNot) {
  const std::string regression = dir_ / "r.pb", mixed = dir_ / "mixed.pb";
  WriteRegressionGraph(regression);
  auto gd = ReadGraphDefFile(regression);
  ASSERT_OK(gd.status());
  const tensorflow::GraphDef unknown = UnknownOpGraphDef();
  for (const auto& node : unknown.node()) *gd->add_node() = node;
  ASSERT_OK(WriteGraphDefFile(mixed, *gd, GraphFormat::kBinary));
  Tensor x(DT_FLOAT, {8, 2}), y(DT_FLOAT, {8, 1});
  for (int i = 0; i < 8; ++i) {
    x.data<float>()[2 * i] = i % 3;
    x.data<float>()[2 * i + 1] = i % 2;
    y.data<float>()[i] = (i % 3) + 2.0f * (i % 2);
  }
  WriteNpy(dir_ / "x.npy", x);
  WriteNpy(dir_ / "y.npy", y);
  CliResult r = RunCli(RegressionTrainArgs(mixed, dir_.path(), 4, 2, {}));
  EXPECT_TRUE(Succeeded(r));
}

// An input-queue graph (Estimator / tf.train.batch style): the model reads
// QueueDequeueManyV2's two outputs. Feeding them cuts the queue off, so the
// graph trains from files; unfed, the step names the dequeue.
TEST_F(UnknownOpsCliTest, TrainFeedsADequeuesOutputs) {
  const std::string regression = dir_ / "r.pb", queued = dir_ / "queued.pb";
  WriteRegressionGraph(regression);
  auto gd = ReadGraphDefFile(regression);
  ASSERT_OK(gd.status());
  tensorflow::GraphDef out;
  for (const auto& node : gd->node()) {
    if (node.name() == "x" || node.name() == "y") continue;
    tensorflow::NodeDef* copy = out.add_node();
    *copy = node;
    for (std::string& input : *copy->mutable_input()) {
      if (input == "x") input = "batch";
      if (input == "y") input = "batch:1";
    }
  }
  ASSERT_TRUE(google::protobuf::TextFormat::MergeFromString(
      R"pb(node {
             name: "input_queue"
             op: "FIFOQueueV2"
             attr {
               key: "component_types"
               value { list { type: DT_FLOAT type: DT_FLOAT } }
             }
           }
           node {
             name: "batch/n"
             op: "Const"
             attr {
               key: "dtype"
               value { type: DT_INT32 }
             }
             attr {
               key: "value"
               value {
                 tensor {
                   dtype: DT_INT32
                   tensor_shape {}
                   int_val: 4
                 }
               }
             }
           }
           node {
             name: "batch"
             op: "QueueDequeueManyV2"
             input: "input_queue"
             input: "batch/n"
             attr {
               key: "component_types"
               value { list { type: DT_FLOAT type: DT_FLOAT } }
             }
           })pb",
      &out));
  ASSERT_OK(WriteGraphDefFile(queued, out, GraphFormat::kBinary));
  WriteLinearData(dir_, 32, 5, "");
  const std::string log = dir_ / "log.csv";
  std::vector<std::string> args = {"train",      queued,
                                   "--train-op", "GradientDescent",
                                   "--loss",     "loss",
                                   "--feed",     "batch:0=" + dir_ / "x.npy",
                                   "--feed",     "batch:1=" + dir_ / "y.npy",
                                   "--batch",    "8",
                                   "--epochs",   "5",
                                   "--log",      log};
  ASSERT_TRUE(Succeeded(RunCli(args)));
  std::vector<std::vector<std::string>> rows = ReadCsvRows(log);
  ASSERT_EQ(rows.size(), 5u);  // One row per epoch: epoch, loss, ...
  EXPECT_LT(std::stod(rows[4][1]), 0.5 * std::stod(rows[0][1]));
  args.resize(8);  // Only batch:0 fed: the loss still needs the queue.
  args.insert(args.end(), {"--batch", "8", "--epochs", "1"});
  EXPECT_TRUE(FailedCleanly(RunCli(args),
                            {"node 'batch' uses op 'QueueDequeueManyV2'"}));
}

// The real files that failed to load only for their unknown ops; the
// while-loop graphs are still refused at import, for their cycles.
TEST(UnknownOpsCliRealTest, InspectListsTheirUnknownOps) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more");
  const std::vector<std::pair<std::string, std::vector<std::string>>> files = {
      {"cf_scisharp_tf113/cond_test.meta",
       {"ops graphflow does not implement: none"}},
      {"bn_scisharp_tf113/word_cnn.meta",
       {"ops graphflow does not implement: none"}},
      {"bn_scisharp_tf113/vd_cnn.meta",
       {"ops graphflow does not implement: none"}},
      {"bn_frozen_cond_dropout/frozen_model.pb",
       {"ops graphflow does not implement: none"}},
      {"cf_lstm_arima_tf14/sunld.model.meta",
       {"ops graphflow does not implement: none"}},
  };
  for (const auto& [file, mentions] : files) {
    SCOPED_TRACE(file);
    CliResult r = RunCli({"inspect", dir + "/" + file});
    ASSERT_TRUE(Succeeded(r));
    for (const std::string& m : mentions) {
      EXPECT_TRUE(absl::StrContains(r.out, m)) << m << "\n" << r.out;
    }
  }
}

}  // namespace
}  // namespace graphflow::testing
