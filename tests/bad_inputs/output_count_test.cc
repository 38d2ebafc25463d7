// Class 2 of issue 8: output-count and list-length attrs are bounded when a
// node is built (once, in Graph::AddNode, for every op), and int attrs keep
// their schema minimum even where the graph would infer them.
#include <string>

#include "gmock/gmock.h"
#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/state_ops.h"
#include "proto/graph_io.h"

namespace graphflow {
namespace {

using ::testing::HasSubstr;

constexpr char kInputs[] = R"(
node { name: 'x' op: 'Placeholder'
  attr { key: 'dtype' value { type: DT_FLOAT } }
  attr { key: 'shape' value { shape { unknown_rank: true } } } }
node { name: 'd' op: 'Const'
  attr { key: 'dtype' value { type: DT_INT32 } }
  attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { }
                                       int_val: 0 } } } }
)";

absl::Status Import(const std::string& node) {
  auto gd = ParseGraphDef(std::string(kInputs) + node, "g.pbtxt");
  if (!gd.ok()) return gd.status();
  return GraphFromGraphDef(*gd, GlobalOpRegistry()).status();
}

// A node of `op` on float inputs with extra `attrs` (text format).
std::string Node(const std::string& name, const std::string& op,
                 const std::string& inputs, const std::string& attrs) {
  return "node { name: '" + name + "' op: '" + op + "' " + inputs +
         " attr { key: 'T' value { type: DT_FLOAT } } " + attrs + " }";
}

std::string IntAttr(const std::string& key, int64_t value) {
  return "attr { key: '" + key + "' value { i: " + std::to_string(value) +
         " } }";
}

struct Case {
  std::string node;
  std::string name;
  std::string problem;
};

TEST(OutputCountTest, CountsAndMinimaAreEnforced) {
  const std::string i32 = "{ type: DT_INT32 } }";
  const Case cases[] = {
      {Node("split", "Split", "input: 'd' input: 'x'",
            IntAttr("num_split", 200000000)),
       "split",
       "attr 'num_split' is 200000000, which would give 'output' more than "
       "the maximum of 65536 tensors"},
      {Node(
           "splitv", "SplitV", "input: 'x' input: 'd' input: 'd'",
           IntAttr("num_split", 200000000) + "attr { key: 'Tlen' value " + i32),
       "splitv", "more than the maximum of 65536 tensors"},
      {Node("unpack", "Unpack", "input: 'x'", IntAttr("num", 2000000000)),
       "unpack",
       "attr 'num' is 2000000000, which would give 'output' more than the "
       "maximum of 65536 tensors"},
      {Node("concat", "ConcatV2", "input: 'x' input: 'x' input: 'd'",
            IntAttr("N", -1) + "attr { key: 'Tidx' value " + i32),
       "concat", "attr 'N' is -1, must be at least 2"},
  };
  for (const Case& c : cases) {
    absl::Status s = Import(c.node);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("'" + c.name + "'"));
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.problem));
  }
}

TEST(OutputCountTest, NumSplitBeyondAKnownDimensionIsRefused) {
  Scope s = NewRootScope();
  ops::Split(s.WithOpName("split"),
             ops::Const(s, Tensor::FromVector<int32_t>({0}, {})),
             ops::Placeholder(s, DT_FLOAT, {4}), 8);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("'split'"));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("evenly divide"));
}

TEST(OutputCountTest, ReasonableCountsStillBuild) {
  EXPECT_TRUE(Import(Node("split", "Split", "input: 'd' input: 'x'",
                          IntAttr("num_split", 4)))
                  .ok());
}

}  // namespace
}  // namespace graphflow
