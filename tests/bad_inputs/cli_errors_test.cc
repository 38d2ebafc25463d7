// Bad input to the `graphflow` binary: each is one "graphflow: error:" line
// on stderr naming the problem and exit code 1 or 2, never a signal.
#include <filesystem>
#include <fstream>

#include "base/file_io.h"
#include "gtest/gtest.h"
#include "kernels/all_kernels.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow::testing {
namespace {

class CliErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    counter_ = dir_ / "counter.pb";
    WriteCounterGraph(counter_);
    regression_ = dir_ / "regression.pbtxt";
    WriteRegressionGraph(regression_);
    x_ = dir_ / "x.npy";
    WriteNpy(x_, F({1, 2, 3, 4, 5, 6}, TensorShape{3, 2}));
  }
  ScratchDir dir_{"errors"};
  std::string counter_, regression_, x_;
};

TEST_F(CliErrorsTest, MissingGraphFile) {
  std::string missing = dir_ / "missing.pb";
  EXPECT_TRUE(FailedCleanly(RunCli({"run", missing, "--fetch", "c"}),
                            {"no such file", missing}));
  EXPECT_TRUE(FailedCleanly(RunCli({"inspect", missing}), {missing}));
}

TEST_F(CliErrorsTest, GarbageGraphFile) {
  std::string garbage = dir_ / "garbage.pb";
  ASSERT_OK(WriteFileAtomically(
      garbage, std::string("\x08\xff\xff\x12garbage\x00\x9a", 13)));
  EXPECT_TRUE(
      FailedCleanly(RunCli({"run", garbage, "--fetch", "c"}), {garbage}));
  std::string text = dir_ / "garbage.pbtxt";
  ASSERT_OK(WriteFileAtomically(text, "node { name: \"a\" op: \n"));
  EXPECT_TRUE(FailedCleanly(RunCli({"dot", text}), {text}));
  // Parses, but names an op nobody registered.
  std::string unknown_op = dir_ / "unknown_op.pbtxt";
  ASSERT_OK(WriteFileAtomically(unknown_op,
                                "node { name: \"a\" op: \"NoSuchOp\" }\n"));
  EXPECT_TRUE(
      FailedCleanly(RunCli({"run", unknown_op, "--fetch", "a"}), {"NoSuchOp"}));
}

TEST_F(CliErrorsTest, UnknownFetchTargetInit) {
  EXPECT_TRUE(FailedCleanly(RunCli({"run", counter_, "--fetch", "nothere"}),
                            {"nothere"}));
  EXPECT_TRUE(FailedCleanly(RunCli({"run", counter_, "--target", "nothere"}),
                            {"nothere"}));
  EXPECT_TRUE(FailedCleanly(RunCli({"run", counter_, "--init", "nothere"}),
                            {"nothere"}));
  EXPECT_TRUE(FailedCleanly(RunCli({"run", counter_, "--fetch", "rows:7"}),
                            {"rows:7"}));
}

TEST_F(CliErrorsTest, FetchOfOpWithoutOutputs) {
  EXPECT_TRUE(FailedCleanly(RunCli({"run", regression_, "--fetch", "init"}),
                            {"'init'", "--target"}));
}

TEST_F(CliErrorsTest, UninitializedVariable) {
  EXPECT_TRUE(FailedCleanly(RunCli({"run", counter_, "--fetch", "counter"}),
                            {"counter"}));
}

TEST_F(CliErrorsTest, FeedForMissingNode) {
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--feed", "ghost=" + x_, "--fetch", "rows"}),
      {"ghost"}));
}

TEST_F(CliErrorsTest, MissingFeed) {
  EXPECT_TRUE(
      FailedCleanly(RunCli({"run", counter_, "--fetch", "doubled"}), {"x"}));
}

TEST_F(CliErrorsTest, NpyWrongDtype) {
  std::string ints = dir_ / "ints.npy";
  WriteNpy(ints, I32({1, 2, 3, 4}, TensorShape{2, 2}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--feed", "x=" + ints, "--fetch", "doubled"}),
      {"'x'", "int32", "--scale"}));
  // With --scale it converts.
  EXPECT_TRUE(Succeeded(RunCli({"run", counter_, "--feed", "x=" + ints,
                                "--scale", "1/2", "--fetch", "doubled"})));
}

TEST_F(CliErrorsTest, NoImplicitNarrowingOrFloatConversion) {
  std::string doubles = dir_ / "doubles.npy", wide = dir_ / "wide_ids.npy";
  Tensor d(DT_DOUBLE, {2, 2});
  for (double& v : d.flat<double>()) v = 1;
  WriteNpy(doubles, d);
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--feed", "x=" + doubles, "--fetch", "doubled"}),
      {"'x'", "double", "float32"}));
  WriteNpy(wide, F({1, 2}, TensorShape{2}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--feed", "ids=" + wide, "--fetch", "ids_plus"}),
      {"'ids'", "float"}));
}

TEST_F(CliErrorsTest, NpyWrongShape) {
  std::string wide = dir_ / "wide.npy";
  WriteNpy(wide, F({1, 2, 3, 4, 5, 6}, TensorShape{2, 3}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--feed", "x=" + wide, "--fetch", "doubled"}),
      {"'x'", "[2,3]"}));
  std::string scalar = dir_ / "scalar.npy";
  WriteNpy(scalar, Tensor::Scalar<float>(1));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--feed", "x=" + scalar, "--fetch", "doubled"}),
      {"'x'", "shape []"}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"train", regression_, "--train-op", "GradientDescent", "--loss",
              "loss", "--feed", "x=" + scalar}),
      {"'x'", "shape []"}));
}

TEST_F(CliErrorsTest, CorruptTensorFiles) {
  std::string bad = dir_ / "bad.npy";
  auto bytes = ReadFileToString(x_);
  ASSERT_OK(bytes.status());
  ASSERT_OK(WriteFileAtomically(bad, bytes->substr(0, bytes->size() - 5)));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--feed", "x=" + bad, "--fetch", "doubled"}),
      {bad}));
  std::string text = dir_ / "text.csv";
  ASSERT_OK(WriteFileAtomically(text, "1,2\n3,4\n"));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--feed", "x=" + text, "--fetch", "doubled"}),
      {text}));
  EXPECT_TRUE(
      FailedCleanly(RunCli({"run", counter_, "--feed",
                            "x=" + (dir_ / "none.npy"), "--fetch", "doubled"}),
                    {"none.npy"}));
}

TEST_F(CliErrorsTest, TrainDatasetsOfDifferentLengths) {
  std::string y = dir_ / "y.npy";
  WriteNpy(y, F({1, 2}, TensorShape{2, 1}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"train", regression_, "--train-op", "GradientDescent", "--loss",
              "loss", "--feed", "x=" + x_, "--feed", "y=" + y}),
      {"different lengths", "'x'", "'y'"}));
  // The same for the evaluation set.
  std::string y3 = dir_ / "y3.npy";
  WriteNpy(y3, F({1, 2, 3}, TensorShape{3, 1}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"train", regression_, "--train-op", "GradientDescent", "--loss",
              "loss", "--metric", "loss", "--feed", "x=" + x_, "--feed",
              "y=" + y3, "--eval-feed", "x=" + x_, "--eval-feed", "y=" + y}),
      {"different lengths"}));
}

TEST_F(CliErrorsTest, OneHotLabelOutOfRange) {
  std::string labels = dir_ / "labels.npy";
  WriteNpy(labels, I64({0, 5, 1}, TensorShape{3}));
  EXPECT_TRUE(
      FailedCleanly(RunCli({"train", regression_, "--train-op",
                            "GradientDescent", "--loss", "loss", "--one-hot",
                            "--feed", "x=" + x_, "--feed", "y=" + labels}),
                    {"'y'"}));
}

TEST_F(CliErrorsTest, CorruptCheckpoint) {
  std::string ckpt = dir_ / "counter.ckpt";
  ASSERT_TRUE(
      Succeeded(RunCli({"run", counter_, "--init", "init", "--save", ckpt})));
  auto bytes = ReadFileToString(ckpt);
  ASSERT_OK(bytes.status());
  std::string flipped = *bytes;
  flipped[flipped.size() / 2] ^= 0x10;
  std::string bad = dir_ / "flipped.ckpt";
  ASSERT_OK(WriteFileAtomically(bad, flipped));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--restore", bad, "--fetch", "counter"}),
      {bad}));
  std::string truncated = dir_ / "truncated.ckpt";
  ASSERT_OK(WriteFileAtomically(truncated, bytes->substr(0, 20)));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--restore", truncated, "--fetch", "counter"}),
      {truncated}));
  EXPECT_TRUE(FailedCleanly(RunCli({"run", counter_, "--restore",
                                    dir_ / "none.ckpt", "--fetch", "counter"}),
                            {"none.ckpt"}));
}

TEST_F(CliErrorsTest, CheckpointFromAnotherGraph) {
  std::string other = dir_ / "counter3.pb";
  WriteCounterGraph(other, TensorShape{3});
  std::string ckpt = dir_ / "counter3.ckpt";
  ASSERT_TRUE(
      Succeeded(RunCli({"run", other, "--init", "init", "--save", ckpt})));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--restore", ckpt, "--fetch", "counter"}),
      {"counter"}));
  // A checkpoint without the graph's variables.
  EXPECT_TRUE(FailedCleanly(
      RunCli({"train", regression_, "--train-op", "GradientDescent", "--loss",
              "loss", "--feed", "x=" + x_, "--restore", ckpt}),
      {"'w'"}));
}

TEST_F(CliErrorsTest, CommandLineMistakes) {
  EXPECT_TRUE(FailedCleanly(RunCli({"frobnicate", counter_}),
                            {"unknown command 'frobnicate'"}));
  // Missing required flags.
  EXPECT_TRUE(FailedCleanly(
      RunCli({"train", regression_, "--loss", "loss", "--feed", "x=" + x_}),
      {"--train-op"}));
  EXPECT_TRUE(FailedCleanly(RunCli({"train", regression_, "--train-op",
                                    "GradientDescent", "--loss", "loss"}),
                            {"--feed"}));
  EXPECT_TRUE(FailedCleanly(RunCli({"run", counter_}), {"--fetch"}));
  // Wrong number of files.
  EXPECT_TRUE(FailedCleanly(RunCli({"run", "--fetch", "rows"}), {"run"}));
  EXPECT_TRUE(FailedCleanly(RunCli({"convert", counter_}), {"convert"}));
  // Flags: unknown, missing value, bad value.
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--fetch", "rows", "--bogus"}), {"--bogus"}));
  EXPECT_TRUE(FailedCleanly(RunCli({"run", counter_, "--fetch"}), {"--fetch"}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--fetch", "rows", "--out"}), {"--out"}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--fetch", "rows", "--steps", "abc"}),
      {"--steps 'abc'", "integer"}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--fetch", "rows", "--one-hot=maybe"}),
      {"--one-hot 'maybe'"}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--fetch", "rows", "--steps", "-1"}),
      {"--steps"}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--feed", "x" + x_, "--fetch", "rows"}),
      {"NAME=FILE"}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--scale", "1/0", "--fetch", "rows"}),
      {"--scale"}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"train", regression_, "--train-op", "GradientDescent", "--loss",
              "loss", "--feed", "x=" + x_, "--batch", "0"}),
      {"--batch"}));
  EXPECT_TRUE(
      FailedCleanly(RunCli({"train", regression_, "--train-op", "nothere",
                            "--loss", "loss", "--feed", "x=" + x_}),
                    {"nothere"}));
}

TEST_F(CliErrorsTest, FetchesWritingOneFile) {
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--fetch", "Adam/update_var/ApplyAdam",
              "--fetch", "Adam_update_var_ApplyAdam", "--out", dir_ / "out"}),
      {"Adam_update_var_ApplyAdam.npy"}));
}

TEST_F(CliErrorsTest, TrainFlagsThatCannotWork) {
  EXPECT_TRUE(FailedCleanly(
      RunCli({"train", regression_, "--train-op", "GradientDescent", "--loss",
              "loss", "--feed", "x=" + x_, "--save-every", "1"}),
      {"--save-every", "--save"}));
  std::string empty = dir_ / "empty.npy";
  WriteNpy(empty, Tensor(DT_FLOAT, {0, 2}));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"train", regression_, "--train-op", "GradientDescent", "--loss",
              "loss", "--feed", "x=" + empty}),
      {"empty"}));
}

TEST_F(CliErrorsTest, UnwritableOutputs) {
  std::string blocker = dir_ / "file";
  ASSERT_OK(WriteFileAtomically(blocker, "x"));
  EXPECT_TRUE(FailedCleanly(
      RunCli({"run", counter_, "--fetch", "rows", "--out", blocker + "/sub"}),
      {blocker}));
  EXPECT_TRUE(FailedCleanly(RunCli({"convert", counter_, blocker + "/g.pb"}),
                            {blocker}));
  EXPECT_TRUE(FailedCleanly(RunCli({"run", counter_, "--init", "init", "--save",
                                    blocker + "/c.ckpt"}),
                            {blocker}));
}

TEST(CliHelpTest, HelpAndUsage) {
  CliResult r = RunCli({"help"});
  EXPECT_TRUE(Succeeded(r));
  EXPECT_NE(r.out.find("usage: graphflow COMMAND"), std::string::npos) << r;
  for (const char* cmd : {"run", "train", "inspect", "convert", "dot"}) {
    r = RunCli({"help", cmd});
    EXPECT_TRUE(Succeeded(r));
    EXPECT_EQ(r.out.rfind(absl::StrCat("usage: graphflow ", cmd), 0), 0u) << r;
    CliResult flag = RunCli({cmd, "--help"});
    EXPECT_TRUE(Succeeded(flag));
    EXPECT_EQ(flag.out, r.out);
  }
  r = RunCli({});
  EXPECT_TRUE(r.exited && r.exit_code == 2) << r;
  EXPECT_NE(r.out.find("usage:"), std::string::npos) << r;
}

}  // namespace
}  // namespace graphflow::testing
