// The new families' schemas against TF's own NodeDefs: every TensorArray*,
// Stack*, resource-variable and ResourceApply* node in the TF 1.4 LSTM
// training graph and the TF 1.13 resource-variable RCNN graph
// (../shared/tfgraphs/more) has exactly the attrs and inputs graphflow's op
// declares (skipped when ../shared is absent).
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "proto/graph_io.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

bool InNewFamilies(const std::string& op) {
  static const std::set<std::string> kVariableOps = {
      "VarHandleOp",          "ReadVariableOp",      "AssignVariableOp",
      "AssignAddVariableOp",  "AssignSubVariableOp", "VarIsInitializedOp",
      "VariableShape",        "ResourceGather",      "ResourceScatterAdd",
      "ResourceScatterUpdate"};
  return absl::StartsWith(op, "TensorArray") || absl::StartsWith(op, "Stack") ||
         absl::StartsWith(op, "ResourceApply") || kVariableOps.contains(op);
}

// Returns how many nodes were checked.
int CheckNodes(const std::string& path) {
  auto graph = ReadGraphDefFile(path);
  EXPECT_TRUE(graph.ok()) << graph.status();
  if (!graph.ok()) return 0;
  int checked = 0;
  for (const auto& node : graph->node()) {
    if (!InNewFamilies(node.op())) continue;
    const OpDef* def = GlobalOpRegistry().Find(node.op());
    if (def == nullptr) {
      ADD_FAILURE() << node.name() << ": no op " << node.op();
      continue;
    }
    ++checked;
    for (const auto& [name, value] : node.attr()) {
      if (absl::StartsWith(name, "_")) continue;
      EXPECT_NE(def->FindAttr(name), nullptr)
          << node.name() << " (" << node.op() << ") has attr " << name;
    }
    for (const AttrDef& attr : def->attrs) {
      if (attr.default_value) continue;
      EXPECT_TRUE(node.attr().contains(attr.name))
          << node.name() << " (" << node.op() << ") lacks attr " << attr.name;
    }
    int inputs = 0;
    for (const std::string& in : node.input()) {
      if (!absl::StartsWith(in, "^")) ++inputs;
    }
    EXPECT_EQ(inputs, static_cast<int>(def->inputs.size()))
        << node.name() << " (" << node.op() << ")";
  }
  return checked;
}

TEST(TensorArrayTfGraphTest, LstmGraphNodesMatchTheSchemas) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/cf_lstm_arima_tf14");
  EXPECT_GT(CheckNodes(dir + "/sunld.model.meta"), 10);
}

TEST(TensorArrayTfGraphTest, ResourceVariableGraphNodesMatchTheSchemas) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/cf_scisharp_tf113");
  EXPECT_GT(CheckNodes(dir + "/rcnn_untrained.meta"), 10);
}

}  // namespace
}  // namespace graphflow
