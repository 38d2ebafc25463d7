// The io family's schemas: SaveV2 and RestoreV2 build with TF's signatures,
// so the Saver subgraph of a TF graph imports (and runs: io_ops_save_test).
#include "gtest/gtest.h"
#include "kernels/all_kernels.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

struct Checkpoint {
  Output prefix, names, slices;
};

Checkpoint Inputs(const Scope& s, int64_t n) {
  return {ops::Placeholder(s, DT_STRING, PartialShape::UnknownOfRank(0)),
          ops::Placeholder(s, DT_STRING, {n}),
          ops::Placeholder(s, DT_STRING, {n})};
}

TEST(IoOpsTest, SaveV2TakesAnyTensorsAndHasNoOutputs) {
  Scope s = NewRootScope();
  Checkpoint c = Inputs(s, 2);
  OutputList out = s.WithOpName("save").AddOp(
      "SaveV2", {c.prefix, c.names, c.slices, ops::Const(s, 1.0f),
                 ops::Placeholder(s, DT_INT32, {3})});
  ASSERT_OK(s.status());
  EXPECT_TRUE(out.empty());
  const Node* save = s.graph()->FindNode("save");
  ASSERT_NE(save, nullptr);
  EXPECT_TRUE(save->op_def().is_stateful);
  const DataTypeVector* dtypes = save->FindAttr<DataTypeVector>("dtypes");
  ASSERT_NE(dtypes, nullptr);
  EXPECT_EQ(*dtypes, DataTypeVector({DT_FLOAT, DT_INT32}));
  EXPECT_NE(GlobalKernelRegistry().Find("SaveV2"), nullptr);
}

TEST(IoOpsTest, RestoreV2GivesOneTensorOfUnknownShapePerDtype) {
  Scope s = NewRootScope();
  Checkpoint c = Inputs(s, 2);
  OutputList out = s.AddOp("RestoreV2", {c.prefix, c.names, c.slices},
                           {{"dtypes", DataTypeVector({DT_FLOAT, DT_INT64})}});
  ASSERT_OK(s.status());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].dtype(), DT_FLOAT);
  EXPECT_EQ(out[1].dtype(), DT_INT64);
  EXPECT_TRUE(out[0].shape().unknown_rank());
  EXPECT_NE(GlobalKernelRegistry().Find("RestoreV2"), nullptr);
}

TEST(IoOpsTest, RestoreV2NeedsAtLeastOneDtype) {
  Scope s = NewRootScope();
  Checkpoint c = Inputs(s, 0);
  s.WithOpName("restore").AddOp("RestoreV2", {c.prefix, c.names, c.slices},
                                {{"dtypes", DataTypeVector()}});
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("restore"), std::string::npos)
      << s.status();
}

}  // namespace
}  // namespace graphflow
