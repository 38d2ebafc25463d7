// Graphviz DOT of graphs built with the C++ API and of TF's own graph files.
#include "tools/graph_dot.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/match.h"
#include "base/file_io.h"
#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/math_ops.h"
#include "ops/matmul_ops.h"
#include "ops/nn_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "ops/training_ops.h"
#include "proto/graph_io.h"
#include "tests/support/test_util.h"
#include "tests/tools/dot_check.h"

namespace graphflow::cli {
namespace {

using ::graphflow::testing::CountOccurrences;
using ::graphflow::testing::DotSummary;
using ::graphflow::testing::ValidDot;

struct Var {
  Output ref, read, init;
};

// A VariableV2 "<scope>/<name>" with "/Assign" and "/read", as TF names them.
// (Not ops/variables.h: its graphflow::Variable clashes with the session's
// kernels/variable.h in one translation unit.)
Var MakeVariable(const Scope& scope, const std::string& name,
                 std::initializer_list<float> zeros, const TensorShape& shape) {
  Var v;
  v.ref = ops::Variable(scope.WithOpName(name), shape, DT_FLOAT);
  Scope own = scope.WithNamePrefix(v.ref.node->name());
  Output value = ops::Const(own.WithOpName("Initializer/zeros"), zeros, shape);
  v.init = ops::Assign(own.WithOpName("Assign"), v.ref, value);
  v.read = ops::Identity(own.WithOpName("read"), v.ref);
  return v;
}

// A dense layer, a loss, a hand-made "gradients" scope and a
// GradientDescent update, named the way TF 1.x names them.
Scope SmallTrainingGraph() {
  Scope root = NewRootScope();
  Output x =
      ops::Placeholder(root.WithOpName("x"), DT_FLOAT, PartialShape{-1, 3});
  Scope dense = root.NewSubScope("dense");
  Var w = MakeVariable(dense, "kernel", {0, 0, 0, 0, 0, 0}, {3, 2});
  Var b = MakeVariable(dense, "bias", {0, 0}, {2});
  Output y =
      ops::Add(dense.WithOpName("add"), ops::MatMul(dense, x, w.read), b.read);
  Output loss = ops::Mean(root.WithOpName("loss"), ops::Relu(root, y), {0, 1});
  Scope grads = root.NewSubScope("gradients").WithControlDependencies({loss});
  Output grad_w = ops::Mul(grads.WithOpName("kernel_grad"), w.read, 0.5f);
  Scope update =
      root.NewSubScope("GradientDescent").NewSubScope("update_dense_kernel");
  Output apply = ops::ApplyGradientDescent(update, w.ref, 0.1f, grad_w);
  ops::NoOp(
      root.WithExactName("GradientDescent").WithControlDependencies({apply}));
  ops::NoOp(root.WithOpName("init").WithControlDependencies({w.init, b.init}));
  EXPECT_TRUE(root.ok()) << root.status();
  return root;
}

// Like Load, but a file using an op this build does not have yet is left
// out (reported, not failed): those ops are other families' work.
std::unique_ptr<Graph> LoadIfSupported(const std::string& path, int* skipped) {
  auto gd = ReadGraphDefFile(path);
  EXPECT_TRUE(gd.ok()) << gd.status();
  if (!gd.ok()) return nullptr;
  auto g = GraphFromGraphDef(*gd, GlobalOpRegistry());
  if (!g.ok() && absl::StrContains(g.status().message(), "unknown op")) {
    std::cerr << "skipping " << path << ": " << g.status() << "\n";
    ++*skipped;
    return nullptr;
  }
  EXPECT_TRUE(g.ok()) << path << ": " << g.status();
  return g.ok() ? *std::move(g) : nullptr;
}

// The DOT id of the node whose tooltip starts with `name (`.
std::string LineOf(const std::string& dot, const std::string& name) {
  size_t p = dot.find("tooltip=\"" + name + " (");
  if (p == std::string::npos) return "";
  size_t start = dot.rfind('\n', p) + 1;
  return dot.substr(start, dot.find('\n', p) - start);
}

TEST(GraphDotTest, SmallGraphStructureAndStyles) {
  Scope root = SmallTrainingGraph();
  DotOptions options;
  options.title = "small <graph> & \"friends\"";
  std::string dot = GraphToDot(*root.graph(), options);
  DotSummary summary;
  ASSERT_TRUE(ValidDot(dot, &summary)) << dot;
  EXPECT_EQ(static_cast<int>(summary.nodes.size()), root.graph()->num_nodes());
  EXPECT_TRUE(
      absl::StrContains(dot, "small &lt;graph&gt; &amp; &quot;friends&quot;"));
  // Scopes become clusters: "dense" holds "kernel" and "bias" clusters.
  EXPECT_TRUE(absl::StrContains(dot, "label=<dense>;"));
  EXPECT_TRUE(absl::StrContains(dot, "label=<kernel>;"));
  EXPECT_TRUE(absl::StrContains(dot, "tooltip=\"dense/kernel\";"));
  // Labels: op type, then the name within its cluster.
  EXPECT_TRUE(absl::StrContains(
      LineOf(dot, "dense/kernel/read"),
      "label=<<b>Identity</b><br/><font point-size=\"9\">read</font>>"));
  EXPECT_TRUE(absl::StrContains(LineOf(dot, "x"), "shape=invhouse"));
  EXPECT_TRUE(absl::StrContains(LineOf(dot, "dense/kernel"), "shape=cylinder"));
  EXPECT_TRUE(
      absl::StrContains(LineOf(dot, "GradientDescent"), "shape=octagon"));
  // Data edges carry dtype and shape; control edges are dashed.
  EXPECT_TRUE(absl::StrContains(dot, "label=\"float [?,3]\""));
  EXPECT_TRUE(absl::StrContains(dot, "label=\"float_ref [3,2]\""));
  EXPECT_GE(CountOccurrences(dot, "style=dashed"), 3);  // grad, train op, init.
  // The training part is faded, the forward part is not.
  EXPECT_TRUE(absl::StrContains(LineOf(dot, "gradients/kernel_grad"),
                                "fontcolor=\"#9a9a9a\""));
  EXPECT_TRUE(absl::StrContains(
      LineOf(dot, "GradientDescent/update_dense_kernel/ApplyGradientDescent"),
      "fontcolor=\"#9a9a9a\""));
  EXPECT_FALSE(absl::StrContains(LineOf(dot, "loss"), "#9a9a9a"));
  EXPECT_FALSE(absl::StrContains(LineOf(dot, "dense/kernel"), "#9a9a9a"));
}

TEST(GraphDotTest, CollapsedGradients) {
  Scope root = SmallTrainingGraph();
  DotOptions options;
  options.collapse_gradients = true;
  std::string dot = GraphToDot(*root.graph(), options);
  DotSummary summary;
  ASSERT_TRUE(ValidDot(dot, &summary)) << dot;
  const int training = static_cast<int>(TrainingNodes(*root.graph()).size());
  // gradients/kernel_grad, its Const, the Apply op, its learning rate, the
  // train op.
  EXPECT_EQ(training, 5);
  EXPECT_EQ(static_cast<int>(summary.nodes.size()),
            root.graph()->num_nodes() - training + 1);
  EXPECT_TRUE(summary.nodes.count("training"));
  EXPECT_TRUE(absl::StrContains(dot, "5 nodes"));
  EXPECT_FALSE(absl::StrContains(dot, "tooltip=\"gradients/"));
  // Edges into the box are not repeated.
  std::set<std::pair<std::string, std::string>> unique(summary.edges.begin(),
                                                       summary.edges.end());
  int into_box = 0;
  for (const auto& [from, to] : summary.edges) into_box += to == "training";
  int unique_into_box = 0;
  for (const auto& [from, to] : unique) unique_into_box += to == "training";
  EXPECT_EQ(into_box, unique_into_box);
  EXPECT_GT(into_box, 0);
}

TEST(GraphDotTest, OptionsAndMultiOutputLabels) {
  Scope root = NewRootScope();
  Output logits = ops::Placeholder(root.WithOpName("logits"), DT_FLOAT,
                                   PartialShape{-1, 10});
  Output labels = ops::Placeholder(root.WithOpName("labels"), DT_FLOAT);
  auto xent = ops::SoftmaxCrossEntropyWithLogits(root, logits, labels);
  ops::Identity(root.WithOpName("loss"), xent.loss);
  ops::Identity(root.WithOpName("backprop"), xent.backprop);
  ASSERT_TRUE(root.ok()) << root.status();
  DotOptions options;
  options.left_to_right = true;
  std::string dot = GraphToDot(*root.graph(), options);
  ASSERT_TRUE(ValidDot(dot)) << dot;
  EXPECT_TRUE(absl::StrContains(dot, "rankdir=LR"));
  EXPECT_TRUE(absl::StrContains(dot, "label=\":1 float"));
  EXPECT_TRUE(absl::StrContains(dot, "label=\"float\""));  // Unknown rank.
  options.edge_labels = false;
  dot = GraphToDot(*root.graph(), options);
  ASSERT_TRUE(ValidDot(dot)) << dot;
  EXPECT_FALSE(absl::StrContains(dot, "label=\"float"));
  // An empty graph is still a graph.
  Scope empty = NewRootScope();
  EXPECT_TRUE(ValidDot(GraphToDot(*empty.graph())));
}

TEST(GraphDotTest, OddNamesAreEscaped) {
  Scope root = NewRootScope();
  Output p = ops::Placeholder(root.WithExactName("in \"q\" \\ {x}"), DT_FLOAT,
                              PartialShape{2});
  Output id = ops::Identity(root.WithExactName("<b>&amp;/a;b=c/->"), p);
  ops::Identity(root.WithExactName("<b>&amp;/a;b=c/x//y"), id);
  ASSERT_TRUE(root.ok()) << root.status();
  DotOptions options;
  options.title = "t\"\\<>&";
  std::string dot = GraphToDot(*root.graph(), options);
  DotSummary summary;
  ASSERT_TRUE(ValidDot(dot, &summary)) << dot;
  EXPECT_EQ(summary.nodes.size(), 3u);
  EXPECT_EQ(summary.edges.size(), 2u);
  EXPECT_TRUE(absl::StrContains(dot, "tooltip=\"in \\\"q\\\" \\\\ {x} ("))
      << dot;
  EXPECT_TRUE(absl::StrContains(dot, "label=<&lt;b&gt;&amp;amp;>;")) << dot;
  if (FindOnPath("dot").ok()) {  // Graphviz agrees.
    EXPECT_OK(RenderDotToSvg(dot, ::testing::TempDir() + "odd_names.svg"));
  }
}

TEST(GraphDotTest, TrainingNodesOfTfAdamGraph) {
  GF_SKIP_WITHOUT_SHARED(path, "tfgraphs/xor_adam_train.pbtxt");
  std::unique_ptr<Graph> g = testing::LoadGraph(path);
  ASSERT_NE(g, nullptr);
  auto training = TrainingNodes(*g);
  auto is_training = [&](const char* name) {
    const Node* n = g->FindNode(name);
    EXPECT_NE(n, nullptr) << name;
    return n != nullptr && training.contains(n);
  };
  for (const char* name :
       {"gradients/Mean_grad/Tile", "Adam/update_Variable/ApplyAdam",
        "Adam/learning_rate", "Adam", "Variable/Adam", "Variable_3/Adam_1",
        "Variable/Adam/Assign", "Variable/Adam/Initializer/zeros",
        "beta1_power", "beta1_power/Assign", "beta2_power/read"}) {
    EXPECT_TRUE(is_training(name)) << name;
  }
  for (const char* name :
       {"Placeholder", "Variable", "Variable/read", "MatMul", "softmax", "Mean",
        "init", "save/SaveV2", "random_normal"}) {
    EXPECT_FALSE(is_training(name)) << name;
  }
}

TEST(GraphDotTest, EveryTfGraphGivesValidDot) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  int files = 0, skipped = 0;
  for (const std::filesystem::path path : testing::TfGraphFiles()) {
    SCOPED_TRACE(path.string());
    std::unique_ptr<Graph> g = LoadIfSupported(path.string(), &skipped);
    if (g == nullptr) continue;
    for (bool collapse : {false, true}) {
      DotOptions options;
      options.title = path.filename().string();
      options.collapse_gradients = collapse;
      DotSummary summary;
      EXPECT_TRUE(ValidDot(GraphToDot(*g, options), &summary));
      if (!collapse) {
        EXPECT_EQ(static_cast<int>(summary.nodes.size()), g->num_nodes());
      }
    }
    ++files;
  }
  EXPECT_GT(files, skipped);
}

TEST(RenderDotTest, MissingDotIsAClearError) {
  std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", "/nonexistent-graphflow-dir", 1);
  absl::Status s = RenderDotToSvg("digraph { a; }", "/tmp/unused.svg");
  setenv("PATH", old_path.c_str(), 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "Graphviz 'dot' is not installed (apt-get install graphviz)");
  EXPECT_EQ(FindOnPath("graphflow-no-such-program").status().code(),
            absl::StatusCode::kNotFound);
}

std::string TestDir() {
  std::string dir = ::testing::TempDir() + "graph_dot_test";
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(RenderDotTest, DotRendersSmallGraphAndReportsErrors) {
  if (!FindOnPath("dot").ok()) GTEST_SKIP() << "Graphviz dot not installed";
  Scope root = SmallTrainingGraph();
  const std::string svg_path = TestDir() + "/small.svg";
  ASSERT_OK(RenderDotToSvg(GraphToDot(*root.graph()), svg_path));
  auto svg = ReadFileToString(svg_path);
  ASSERT_TRUE(svg.ok());
  EXPECT_TRUE(absl::StrContains(*svg, "<svg"));
  EXPECT_TRUE(absl::StrContains(*svg, "ApplyGradientDescent"));
  EXPECT_FALSE(
      std::filesystem::exists(svg_path + ".tmp." + std::to_string(getpid())));
  absl::Status bad = RenderDotToSvg("digraph { a -> ; }", svg_path);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(bad.message(), "syntax error")) << bad;
  // The earlier good file is untouched by the failed run.
  EXPECT_EQ(*ReadFileToString(svg_path), *svg);
}

TEST(RenderDotTest, DotAcceptsEveryTfGraph) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  if (!FindOnPath("dot").ok()) GTEST_SKIP() << "Graphviz dot not installed";
  const char* keep = std::getenv("GRAPHFLOW_DOT_SAMPLES");
  int skipped = 0;
  for (const std::filesystem::path path : testing::TfGraphFiles()) {
    const std::string stem = path.filename().string();
    SCOPED_TRACE(stem);
    std::unique_ptr<Graph> g = LoadIfSupported(path.string(), &skipped);
    if (g == nullptr) continue;
    DotOptions options;
    options.title = stem;
    // The big training graphs collapse their gradients, as the CLI would.
    options.collapse_gradients = g->num_nodes() > 300;
    const std::string out =
        (keep ? std::string(keep) : TestDir()) + "/" + stem + ".svg";
    EXPECT_OK(RenderDotToSvg(GraphToDot(*g, options), out));
    if (keep && !options.collapse_gradients) {  // The other view, to look at.
      options.collapse_gradients = true;
      EXPECT_OK(
          RenderDotToSvg(GraphToDot(*g, options),
                         std::string(keep) + "/" + stem + ".collapsed.svg"));
    }
  }
}

}  // namespace
}  // namespace graphflow::cli
