// SavedModel directories in the CLI: `inspect` lists signatures like
// saved_model_cli, `run --signature` resolves feed/fetch keys (writing
// OUT/KEY.npy), `train` starts from one, --save-format savedmodel writes one.
#include "tools/saved_model_command.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::cli {
namespace {

using ::graphflow::testing::CliResult;
using ::graphflow::testing::ReadNpy;
using ::graphflow::testing::RunCli;
using ::graphflow::testing::ScratchDir;
using ::graphflow::testing::Succeeded;
using ::graphflow::testing::WriteNpy;

TEST(SavedModelCliTest, InspectListsSignaturesLikeSavedModelCli) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/sm_mnist_softmax_tf112/1");
  CliResult r = RunCli({"inspect", dir});
  ASSERT_TRUE(Succeeded(r)) << r;
  for (const char* line :
       {"MetaGraphDef with tag-set: 'serve' contains the following "
        "SignatureDefs:",
        "signature_def['predict_images']:",
        "    inputs['input_x'] tensor_info:\n        dtype: DT_FLOAT\n"
        "        shape: (-1, 784)\n        name: x:0\n",
        "    outputs['output'] tensor_info:", "name: y:0",
        "Method name is: tensorflow/serving/predict",
        "signature_def['serving_default']:"}) {
    EXPECT_TRUE(absl::StrContains(r.out, line)) << line << "\n" << r;
  }
}

TEST(SavedModelCliTest, RunCounterBySignatureKeepsStateAcrossSteps) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/sm_counter_tf15/00000123");
  ScratchDir tmp("sm_counter");
  ASSERT_TRUE(
      Succeeded(RunCli({"run", dir, "--signature", "incr_counter", "--fetch",
                        "output", "--steps", "3", "--out", tmp / "incr"})));
  EXPECT_EQ(ReadNpy(tmp / "incr/output.npy").data<float>()[0], 3.0f);
  WriteNpy(tmp / "delta.npy", Tensor::Scalar(2.5f));
  ASSERT_TRUE(Succeeded(
      RunCli({"run", dir, "--tag", "serve", "--signature", "incr_counter_by",
              "--feed", "delta=" + tmp / "delta.npy", "--fetch", "output",
              "--steps", "2", "--out", tmp / "by"})));
  EXPECT_EQ(ReadNpy(tmp / "by/output.npy").data<float>()[0], 5.0f);
  // Node names still work beside a signature.
  CliResult r = RunCli({"run", dir, "--signature", "get_counter", "--fetch",
                        "output", "--fetch", "counter"});
  ASSERT_TRUE(Succeeded(r)) << r;
  EXPECT_TRUE(absl::StrContains(r.out, "output: float []\n0")) << r;
  EXPECT_TRUE(absl::StrContains(r.out, "counter: float []\n0")) << r;
}

TEST(SavedModelCliTest, RunTrioRegressionServingDefault) {
  GF_SKIP_WITHOUT_SHARED(dir,
                         "tfgraphs/more/trio_regression_tf111/saved_model");
  ScratchDir tmp("sm_trio");
  WriteNpy(tmp / "x.npy", testing::F({0, 1, 2}, {3}));
  ASSERT_TRUE(Succeeded(
      RunCli({"run", dir, "--signature", "serving_default", "--feed",
              "X=" + tmp / "x.npy", "--fetch", "pred", "--out", tmp / "out"})));
  const float w = 0.21396178f, b = 1.0495254f;
  EXPECT_TENSOR_NEAR(ReadNpy(tmp / "out/pred.npy"),
                     testing::F({b, w + b, 2 * w + b}, {3}), 1e-6);
}

// x is an Identity on ParseExample (an op graphflow does not run): feeding
// it prunes what is upstream.
TEST(SavedModelCliTest, RunHalfPlusTwoByFeedingANonPlaceholder) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/sm_half_plus_two_tf114/00000123");
  ScratchDir tmp("sm_half");
  WriteNpy(tmp / "x.npy", testing::F({1, 2, 3}, {3, 1}));
  CliResult r =
      RunCli({"run", dir, "--signature", "serving_default", "--feed",
              "x=" + tmp / "x.npy", "--fetch", "y", "--out", tmp / "out"});
  ASSERT_TRUE(Succeeded(r)) << r;
  EXPECT_TENSOR_NEAR(ReadNpy(tmp / "out/y.npy"),
                     testing::F({2.5, 3, 3.5}, {3, 1}), 0);
}

TEST(SavedModelCliTest, SignatureAndTagErrors) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/sm_counter_tf15/00000123");
  CliResult r = RunCli({"run", dir, "--signature", "nope", "--fetch", "x"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_TRUE(absl::StrContains(
      r.err,
      "has no signature 'nope' (it has: get_counter, incr_counter, "
      "incr_counter_by, reset_counter)"))
      << r;
  r = RunCli({"run", dir, "--tag", "train", "--fetch", "counter"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_TRUE(absl::StrContains(r.err, "available tag sets: {serve}")) << r;
  ScratchDir tmp("sm_graph");
  testing::WriteCounterGraph(tmp / "g.pb");
  r = RunCli({"run", tmp / "g.pb", "--signature", "s", "--fetch", "counter"});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_TRUE(absl::StrContains(r.err, "--signature needs a SavedModel")) << r;
}

TEST(SavedModelCliTest, TrainSavesASavedModelThatRunsAndTrainsOn) {
  ScratchDir tmp("sm_train");
  const std::string graph = tmp / "regression.pb";
  testing::WriteRegressionGraph(graph);
  testing::WriteLinearData(tmp, 200, 7, "");
  const std::string sm = tmp / "sm";
  ASSERT_TRUE(Succeeded(RunCli(testing::RegressionTrainArgs(
      graph, tmp.path(), 20, 40,
      {"--save-format", "savedmodel", "--save", sm}))));
  CliResult inspect = RunCli({"inspect", sm});
  ASSERT_TRUE(Succeeded(inspect)) << inspect;
  EXPECT_TRUE(absl::StrContains(inspect.out, "inputs['x'] tensor_info:"))
      << inspect;
  EXPECT_TRUE(absl::StrContains(inspect.out, "outputs['loss'] tensor_info:"))
      << inspect;
  // By signature keys (loss) and by node name (pred).
  ASSERT_TRUE(Succeeded(
      RunCli({"run", sm, "--signature", "serving_default", "--feed",
              "x=" + tmp / "x.npy", "--feed", "y=" + tmp / "y.npy", "--fetch",
              "loss", "--fetch", "pred", "--out", tmp / "out"})));
  EXPECT_LT(ReadNpy(tmp / "out/loss.npy").data<float>()[0], 1e-3);
  Tensor pred = ReadNpy(tmp / "out/pred.npy");
  ASSERT_EQ(pred.shape(), (TensorShape{200, 1}));
  // Training goes on from the restored variables, and saves again.
  const std::string sm2 = tmp / "sm2";
  ASSERT_TRUE(Succeeded(RunCli(testing::RegressionTrainArgs(
      sm, tmp.path(), 20, 1, {"--save-format", "savedmodel", "--save", sm2}))));
  ASSERT_TRUE(
      Succeeded(RunCli({"run", sm2, "--signature", "serving_default", "--feed",
                        "x=" + tmp / "x.npy", "--feed", "y=" + tmp / "y.npy",
                        "--fetch", "loss", "--out", tmp / "out2"})));
  EXPECT_LT(ReadNpy(tmp / "out2/loss.npy").data<float>()[0], 1e-3);
}

}  // namespace
}  // namespace graphflow::cli
