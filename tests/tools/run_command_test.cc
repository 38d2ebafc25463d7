// `graphflow run`: the documented interface on a graph the test builds, and
// TensorFlow's own graph files from ../shared/tfgraphs.
#include "tools/run_command.h"

#include <cstdio>
#include <filesystem>

#include "absl/strings/match.h"
#include "dataset/idx.h"
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
using ::graphflow::testing::Values;
using ::graphflow::testing::WriteCounterGraph;

class RunInterfaceTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    graph_ = dir_ / absl::StrCat("counter.", GetParam());
    WriteCounterGraph(graph_);
  }
  ScratchDir dir_{"run"};
  std::string graph_;
};

TEST_P(RunInterfaceTest, InitTargetStepsThenSaveAndFetch) {
  std::string ckpt = dir_ / "counter.ckpt";
  ASSERT_TRUE(Succeeded(RunCli({"run", graph_, "--init", "init", "--target",
                                "AssignAdd", "--steps", "3", "--save", ckpt})));
  CliResult r =
      RunCli({"run", graph_, "--restore", ckpt, "--fetch", "counter"});
  ASSERT_TRUE(Succeeded(r));
  EXPECT_EQ(r.out, "counter: float []\n3.0\n");
}

TEST_P(RunInterfaceTest, FetchNamesMapToFiles) {
  std::string out = dir_ / "out";
  CliResult r =
      RunCli({"run", graph_, "--init", "init", "--fetch",
              "Adam/update_var/ApplyAdam:0", "--steps", "3", "--out", out});
  ASSERT_TRUE(Succeeded(r));
  std::string file = out + "/Adam_update_var_ApplyAdam_0.npy";
  EXPECT_TRUE(absl::StrContains(r.out, file)) << r;
  Tensor t = ReadNpy(file);
  EXPECT_TENSOR_NEAR(t, Tensor::Scalar<float>(3));
}

TEST_P(RunInterfaceTest, FetchWithoutIndexIsOutputZero) {
  std::string out = dir_ / "out";
  ASSERT_TRUE(Succeeded(RunCli({"run", graph_, "--fetch", "rows", "--fetch",
                                "rows:0", "--fetch", "rows:1", "--out", out})));
  EXPECT_TENSOR_NEAR(ReadNpy(out + "/rows.npy"),
                     testing::F({1, 2, 3}, TensorShape{3}));
  EXPECT_TENSOR_NEAR(ReadNpy(out + "/rows_0.npy"),
                     testing::F({1, 2, 3}, TensorShape{3}));
  EXPECT_TENSOR_NEAR(ReadNpy(out + "/rows_1.npy"),
                     testing::F({4, 5, 6}, TensorShape{3}));
}

TEST_P(RunInterfaceTest, PrintsFetchesWithoutOut) {
  CliResult r = RunCli({"run", graph_, "--fetch", "rows:1", "--fetch", "rows"});
  ASSERT_TRUE(Succeeded(r));
  EXPECT_EQ(r.out,
            "rows:1: float [3]\n[4. 5. 6.]\nrows: float [3]\n[1. 2. 3.]\n");
}

TEST_P(RunInterfaceTest, FeedsUsedAndUnneededFeedsAccepted) {
  std::string x = dir_ / "x.npy";
  testing::WriteNpy(x, testing::F({1, 2, 3, 4}, TensorShape{2, 2}));
  // The step does not need x: accepted.
  CliResult r =
      RunCli({"run", graph_, "--feed", "x=" + x, "--fetch", "rows:1"});
  ASSERT_TRUE(Succeeded(r));
  std::string out = dir_ / "out";
  ASSERT_TRUE(Succeeded(RunCli({"run", graph_, "--feed", "x=" + x, "--fetch",
                                "doubled", "--out", out})));
  EXPECT_TENSOR_NEAR(ReadNpy(out + "/doubled.npy"),
                     testing::F({2, 4, 6, 8}, TensorShape{2, 2}));
}

TEST_P(RunInterfaceTest, FeedAnyOutputAndWidenIntegers) {
  std::string out = dir_ / "out";
  std::string row = dir_ / "row.npy", ids = dir_ / "ids.npy";
  testing::WriteNpy(row, testing::F({7, 8, 9}, TensorShape{3}));
  Tensor small(DT_UINT8, {3});
  small.data<uint8_t>()[0] = 0;
  small.data<uint8_t>()[1] = 9;
  small.data<uint8_t>()[2] = 255;
  testing::WriteNpy(ids, small);
  ASSERT_TRUE(Succeeded(
      RunCli({"run", graph_, "--feed", "rows:1=" + row, "--feed", "ids=" + ids,
              "--fetch", "second", "--fetch", "ids_plus", "--out", out})));
  EXPECT_TENSOR_NEAR(ReadNpy(out + "/second.npy"),
                     testing::F({70, 80, 90}, TensorShape{3}));
  EXPECT_TENSOR_NEAR(ReadNpy(out + "/ids_plus.npy"),
                     testing::I64({1, 10, 256}, TensorShape{3}));
}

// --name=value and --name value; dashes or underscores; --no-<bool>.
TEST_P(RunInterfaceTest, FlagSpellings) {
  std::string out = dir_ / "out";
  ASSERT_TRUE(Succeeded(RunCli({"run", graph_, "--init=init", "--fetch=counter",
                                "--target", "AssignAdd", "--steps=2",
                                "--one-hot", "--no-one-hot", "--out=" + out})));
  ASSERT_TRUE(Succeeded(RunCli({"run", "--init", "init", graph_, "--fetch",
                                "rows", "--noone_hot", "--out", out})));
  EXPECT_TENSOR_NEAR(ReadNpy(out + "/rows.npy"),
                     testing::F({1, 2, 3}, TensorShape{3}));
}

INSTANTIATE_TEST_SUITE_P(Formats, RunInterfaceTest,
                         ::testing::Values("pb", "pbtxt"));

// The command function called in-process, printing to a temp FILE.
TEST(RunCommandTest, InProcessCounter) {
  ScratchDir dir("run_inproc");
  std::string graph = dir / "counter.pb";
  WriteCounterGraph(graph);
  RunOptions o;
  o.graph = graph;
  o.inits = {"init"};
  o.fetches = {"Adam/update_var/ApplyAdam"};
  o.steps = 2;
  FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ASSERT_OK(RunCommand(o, out));
  std::rewind(out);
  char buf[256] = {};
  size_t n = std::fread(buf, 1, sizeof(buf) - 1, out);
  std::fclose(out);
  EXPECT_EQ(std::string(buf, n), "Adam/update_var/ApplyAdam: float []\n2.0\n");
}

TEST(RunCommandTest, ParseFeedFlags) {
  auto ok = ParseFeedFlags({"a=b.npy", "scope/x:0=c=d.npy"}, "feed");
  ASSERT_OK(ok.status());
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].first, "scope/x:0");
  EXPECT_EQ((*ok)[1].second, "c=d.npy");
  EXPECT_FALSE(ParseFeedFlags({"novalue"}, "feed").ok());
  EXPECT_FALSE(ParseFeedFlags({"=x.npy"}, "feed").ok());
  EXPECT_FALSE(ParseFeedFlags({"x="}, "feed").ok());
}

TEST(RunTfGraphsTest, TinyVarsTextAndBinary) {
  for (const char* file :
       {"tfgraphs/tiny_vars.pbtxt", "tfgraphs/tiny_vars.pb"}) {
    GF_SKIP_WITHOUT_SHARED(path, file);
    CliResult r = RunCli({"run", path, "--init", "init", "--fetch", "c"});
    ASSERT_TRUE(Succeeded(r));
    EXPECT_EQ(r.out, "c: float []\n30.0\n") << file;
  }
}

TEST(RunTfGraphsTest, XorFrozen) {
  GF_SKIP_WITHOUT_SHARED(path, "tfgraphs/xor_frozen.pb");
  ScratchDir dir("xor_frozen");
  std::string in = dir / "in.npy", out = dir / "out";
  testing::WriteNpy(in,
                    testing::F({0, 0, 0, 1, 1, 0, 1, 1}, TensorShape{4, 2}));
  ASSERT_TRUE(Succeeded(RunCli({"run", path, "--feed", "Placeholder=" + in,
                                "--fetch", "softmax", "--out", out})));
  EXPECT_TENSOR_NEAR(ReadNpy(out + "/softmax.npy"),
                     testing::F({.7311, .2689, .2689, .7311, .5, .5, .5, .5},
                                TensorShape{4, 2}),
                     1e-4, 0);
}

// The MNIST test set fed as IDX with --scale (rows [N,28,28] reshaped to
// [-1,784]); the first 1000 images also as a float .npy: same predictions.
TEST(RunTfGraphsTest, MnistMlpFrozenAccuracy) {
  GF_SKIP_WITHOUT_SHARED(path, "tfgraphs/mnist_mlp_frozen.pb");
  GF_SKIP_WITHOUT_SHARED(images, "data/mnist/t10k-images-idx3-ubyte.gz");
  GF_SKIP_WITHOUT_SHARED(labels, "data/mnist/t10k-labels-idx1-ubyte.gz");
  ScratchDir dir("mnist_frozen");
  std::string out = dir / "out";
  ASSERT_TRUE(Succeeded(
      RunCli({"run", path, "--feed", "Placeholder=" + images, "--scale",
              "1/255", "--fetch", "softmax:0", "--out", out})));
  Tensor softmax = ReadNpy(out + "/softmax_0.npy");
  auto label_tensor = ReadIdxFile(labels);
  ASSERT_OK(label_tensor.status());
  ASSERT_EQ(softmax.shape(), TensorShape({10000, 10}));
  EXPECT_NEAR(testing::ArgmaxAccuracy(softmax, *label_tensor), 0.9616, 0.0005);

  auto pixels = ReadIdxFile(images);
  ASSERT_OK(pixels.status());
  Tensor first(DT_FLOAT, {1000, 784});
  for (int64_t i = 0; i < first.num_elements(); ++i) {
    first.data<float>()[i] = pixels->data<uint8_t>()[i] / 255.0f;
  }
  std::string npy = dir / "first.npy", out2 = dir / "out2";
  testing::WriteNpy(npy, first);
  ASSERT_TRUE(Succeeded(RunCli({"run", path, "--feed", "Placeholder=" + npy,
                                "--fetch", "softmax", "--out", out2})));
  Tensor small = ReadNpy(out2 + "/softmax.npy");
  ASSERT_EQ(small.shape(), TensorShape({1000, 10}));
  std::vector<double> a = Values(small), b = Values(softmax);
  // Other batch sizes block the matrix products differently: not bitwise.
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-5) << i;
}

}  // namespace
}  // namespace graphflow::cli
