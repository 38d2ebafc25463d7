// Class 9 of issue 8: `dot --out FILE` writes what the extension asks for
// (DOT text for .dot/.gv, Graphviz renderings for .svg/.png/.pdf) or
// refuses; it never writes DOT text into a .png.
#include <cstdlib>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_graphs.h"
#include "tests/tools/cli_test_util.h"
#include "tools/graph_dot.h"

namespace graphflow::testing {
namespace {

class DotFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    graph_ = dir_ / "counter.pb";
    WriteCounterGraph(graph_);
  }
  ScratchDir dir_{"dot_format"};
  std::string graph_;
};

TEST_F(DotFormatTest, UnknownExtensionIsRefused) {
  for (const char* name : {"g.jpg", "g", "g.txt"}) {
    const std::string out = dir_ / name;
    CliResult r = RunCli({"dot", graph_, "--out", out});
    EXPECT_TRUE(FailedCleanly(r, {out, "unknown extension", ".png"}));
    EXPECT_FALSE(std::filesystem::exists(out)) << r;
  }
}

TEST_F(DotFormatTest, TextFormatsNeedNoGraphviz) {
  for (const char* name : {"g.dot", "g.gv"}) {
    const std::string out = dir_ / name;
    ASSERT_TRUE(Succeeded(RunCli({"dot", graph_, "--out", out})));
    EXPECT_EQ(ReadFileToString(out).value_or("").rfind("digraph", 0), 0u);
  }
}

TEST_F(DotFormatTest, RenderedFormatsHaveTheirMagic) {
  if (!cli::FindOnPath("dot").ok()) GTEST_SKIP() << "Graphviz not installed";
  const std::pair<const char*, std::string> cases[] = {
      {"g.png", "\x89PNG"}, {"g.pdf", "%PDF"}, {"g.svg", "<?xml"}};
  for (const auto& [name, magic] : cases) {
    const std::string out = dir_ / name;
    ASSERT_TRUE(Succeeded(RunCli({"dot", graph_, "--out", out})));
    EXPECT_EQ(ReadFileToString(out).value_or("").substr(0, magic.size()), magic)
        << name;
  }
}

TEST_F(DotFormatTest, RenderingWithoutGraphvizIsRefused) {
  const std::string out = dir_ / "g.png";
  std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", "/nonexistent-graphflow-dir", 1);
  CliResult r = RunCli({"dot", graph_, "--out", out});
  setenv("PATH", old_path.c_str(), 1);
  EXPECT_TRUE(FailedCleanly(r, {out, "png needs Graphviz", "not on PATH"}));
  EXPECT_FALSE(std::filesystem::exists(out)) << r;
}

}  // namespace
}  // namespace graphflow::testing
