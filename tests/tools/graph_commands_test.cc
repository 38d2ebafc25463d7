// `graphflow inspect`, `convert` and `dot` on every graph file in
// ../shared/tfgraphs, and on a graph the test builds.
#include <filesystem>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "proto/graph_io.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"
#include "tests/tools/dot_check.h"

namespace graphflow::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

// Reading a .meta file tries GraphDef first; protobuf logs that failure.
const bool kQuietProtobuf = [] {
  google::protobuf::SetLogHandler(nullptr);
  return true;
}();

::testing::AssertionResult SameGraphDef(const tensorflow::GraphDef& a,
                                        const tensorflow::GraphDef& b) {
  MessageDifferencer diff;
  std::string report;
  diff.ReportDifferencesToString(&report);
  if (diff.Compare(a, b)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << report.substr(0, 2000);
}

// What inspect should find, from the tfgraphs README.
struct Expected {
  std::string init, train, loss;
  std::vector<std::string> placeholders;
};
const std::map<std::string, Expected>& ReadmeFacts() {
  static const auto* facts = new std::map<std::string, Expected>{
      {"tiny_vars", {"init", "", "", {}}},
      {"xor_adam_train",
       {"init", "Adam", "Mean", {"Placeholder", "Placeholder_1"}}},
      {"xor_frozen", {"", "", "", {"Placeholder"}}},
      {"mnist_softmax_gd_train",
       {"init",
        "train/GradientDescent",
        "cost_function/Neg",
        {"inp", "shape"}}},
      {"mnist_softmax_gd_frozen", {"", "", "", {"inp"}}},
      {"mnist_mlp_adam_train",
       {"init", "Adam", "Mean", {"Placeholder", "Placeholder_1"}}},
      {"mnist_mlp_frozen", {"", "", "", {"Placeholder"}}},
      {"mlp9_adam_train",
       {"init", "Adam", "add", {"Placeholder", "Placeholder_1"}}},
      {"mlp9_frozen", {"", "", "", {"Placeholder"}}},
      {"mnist_deep_fwd_loss", {"", "", "", {"Placeholder", "Placeholder_1"}}},
      {"emnist_cnn_adam_train",
       {"init", "Adam", "Mean", {"inputX", "outputY"}}},
  };
  return *facts;
}

std::string Line(const std::string& text, const std::string& prefix) {
  size_t p = text.find("\n" + prefix);
  if (p == std::string::npos) return "";
  size_t end = text.find('\n', p + 1);
  return text.substr(p + 1 + prefix.size(), end - p - 1 - prefix.size());
}

TEST(GraphCommandsTest, InspectEveryTfGraph) {
  std::vector<std::string> files = TfGraphFiles();
  if (files.empty()) GTEST_SKIP() << "../shared/tfgraphs not present";
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    CliResult r = RunCli({"inspect", file});
    ASSERT_TRUE(Succeeded(r));
    EXPECT_EQ(r.err, "") << r;
    auto gd = ReadGraphDefFile(file);
    ASSERT_OK(gd.status());
    EXPECT_EQ(
        r.out.rfind(absl::StrCat(file, ": ", gd->node_size(), " nodes\n"), 0),
        0u)
        << r;
    std::string stem = std::filesystem::path(file).stem();
    auto it = ReadmeFacts().find(stem);
    ASSERT_NE(it, ReadmeFacts().end()) << "no README facts for " << stem;
    const Expected& e = it->second;
    auto or_none = [](const std::string& s) {
      return s.empty() ? std::string("(none found)") : s;
    };
    EXPECT_EQ(Line(r.out, "likely init op: "), or_none(e.init)) << r.out;
    EXPECT_EQ(Line(r.out, "likely train op: "), or_none(e.train)) << r.out;
    EXPECT_EQ(Line(r.out, "likely loss: "), or_none(e.loss)) << r.out;
    for (const std::string& p : e.placeholders) {
      EXPECT_TRUE(
          absl::StrContains(r.out, absl::StrCat("\n  ", p, "\tfloat")) ||
          absl::StrContains(r.out, absl::StrCat("\n  ", p, "\tint64")))
          << p << "\n"
          << r.out;
    }
    // Only the save/restore and summary ops lack kernels.
    std::string unsupported =
        r.out.substr(r.out.find("ops graphflow cannot run:"));
    for (const char* op : {"Conv2D", "ApplyAdam", "MatMul", "Softmax"}) {
      EXPECT_FALSE(absl::StrContains(unsupported, op)) << unsupported;
    }
  }
}

TEST(GraphCommandsTest, ConvertRoundTripsEveryTfGraph) {
  std::vector<std::string> files = TfGraphFiles();
  if (files.empty()) GTEST_SKIP() << "../shared/tfgraphs not present";
  ScratchDir dir("convert");
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    auto original = ReadGraphDefFile(file);
    ASSERT_OK(original.status());
    std::string pbtxt = dir / "a.pbtxt", pb = dir / "b.pb",
                back = dir / "c.pbtxt";
    ASSERT_TRUE(Succeeded(RunCli({"convert", file, pbtxt})));
    CliResult r = RunCli({"convert", pbtxt, pb});
    ASSERT_TRUE(Succeeded(r));
    EXPECT_EQ(r.out, absl::StrCat("wrote ", pb, " (", original->node_size(),
                                  " nodes)\n"));
    EXPECT_EQ(r.err, "");
    ASSERT_TRUE(Succeeded(RunCli({"convert", pb, back})));
    auto text = ReadFileToString(pbtxt);
    ASSERT_OK(text.status());
    EXPECT_TRUE(absl::StartsWith(*text, "node {")) << text->substr(0, 100);
    for (const std::string& f : {pbtxt, pb, back}) {
      auto round = ReadGraphDefFile(f);
      ASSERT_OK(round.status());
      EXPECT_TRUE(SameGraphDef(*original, *round)) << f;
    }
    EXPECT_EQ(*text, *ReadFileToString(back));
  }
}

TEST(GraphCommandsTest, DotEveryTfGraph) {
  std::vector<std::string> files = TfGraphFiles();
  if (files.empty()) GTEST_SKIP() << "../shared/tfgraphs not present";
  ScratchDir dir("dot");
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    CliResult r = RunCli({"dot", file});
    ASSERT_TRUE(Succeeded(r));
    EXPECT_EQ(r.err, "");
    DotSummary summary;
    EXPECT_TRUE(ValidDot(r.out, &summary));
    auto gd = ReadGraphDefFile(file);
    ASSERT_OK(gd.status());
    EXPECT_GT(summary.nodes.size(), 0u);
    EXPECT_LE(summary.nodes.size(), static_cast<size_t>(gd->node_size()) + 64);
    // --out FILE.dot writes the same text; --collapse-gradients stays valid.
    std::string out = dir / "g.dot";
    ASSERT_TRUE(Succeeded(RunCli({"dot", file, "--out", out})));
    EXPECT_EQ(*ReadFileToString(out), r.out);
    CliResult collapsed = RunCli({"dot", file, "--collapse-gradients"});
    ASSERT_TRUE(Succeeded(collapsed));
    EXPECT_TRUE(ValidDot(collapsed.out));
  }
}

// Needs nothing from ../shared: a graph written by the C++ API.
TEST(GraphCommandsTest, OwnGraph) {
  ScratchDir dir("own");
  std::string graph = dir / "regression.pb";
  WriteRegressionGraph(graph);
  CliResult r = RunCli({"inspect", graph});
  ASSERT_TRUE(Succeeded(r));
  EXPECT_EQ(Line(r.out, "likely init op: "), "init") << r.out;
  EXPECT_EQ(Line(r.out, "likely train op: "), "GradientDescent") << r.out;
  EXPECT_EQ(Line(r.out, "likely loss: "), "loss") << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\n  w\tfloat [2,1]\ttrainable\n"))
      << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\n  x\tfloat [?,2]\n")) << r.out;
  std::string text = dir / "r.pbtxt", bin = dir / "r2.pb";
  ASSERT_TRUE(Succeeded(RunCli({"convert", graph, text})));
  ASSERT_TRUE(Succeeded(RunCli({"convert", text, bin})));
  auto a = ReadGraphDefFile(graph), b = ReadGraphDefFile(bin);
  ASSERT_OK(a.status());
  ASSERT_OK(b.status());
  EXPECT_TRUE(SameGraphDef(*a, *b));
  r = RunCli({"dot", text});
  ASSERT_TRUE(Succeeded(r));
  EXPECT_TRUE(ValidDot(r.out));
}

}  // namespace
}  // namespace graphflow::testing
