// The logging family is parse-only: the summary ops build with TF's
// signatures (a serialized Summary is a string scalar), so TF graphs that
// log summaries import, and have no kernels.
#include "gtest/gtest.h"
#include "kernels/all_kernels.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

TEST(LoggingOpsTest, SummariesAreStringScalars) {
  Scope s = NewRootScope();
  Output tag = ops::Placeholder(s, DT_STRING, PartialShape::UnknownOfRank(0));
  Output loss = ops::Placeholder(s, DT_FLOAT, PartialShape::UnknownOfRank(0));
  Output weights = ops::Placeholder(s, DT_FLOAT, {3, 4});
  Output scalar = s.AddOp1("ScalarSummary", {tag, loss});
  Output histogram = s.AddOp1("HistogramSummary", {tag, weights});
  Output merged = s.AddOp1("MergeSummary", {scalar, histogram});
  ASSERT_OK(s.status());
  for (const Output& out : {scalar, histogram, merged}) {
    EXPECT_EQ(out.dtype(), DT_STRING) << out.op();
    EXPECT_EQ(out.shape(), PartialShape::UnknownOfRank(0)) << out.op();
    EXPECT_EQ(GlobalKernelRegistry().Find(out.op()), nullptr) << out.op();
  }
}

TEST(LoggingOpsTest, ScalarSummaryNeedsRealValues) {
  Scope s = NewRootScope();
  Output tag = ops::Placeholder(s, DT_STRING, PartialShape::UnknownOfRank(0));
  s.WithOpName("summary").AddOp1("ScalarSummary", {tag, tag});
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("summary"), std::string::npos)
      << s.status();
}

}  // namespace
}  // namespace graphflow
