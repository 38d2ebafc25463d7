// Issue 8 ("Sum accepts duplicate axes"): every reduction rejects an axis
// named twice, at shape inference for constant axes and in the kernel
// otherwise, with TF's message.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using ::testing::HasSubstr;
using testing::I32;

using ReduceFn = Output (*)(const Scope&, Input, Input, bool);

TEST(DuplicateAxesTest, ConstantAxesFailAtShapeInference) {
  for (ReduceFn reduce : {&ops::Sum, &ops::Mean, &ops::Max}) {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, {2, 3});
    reduce(s.WithOpName("r"), x, ops::Const(s, I32({1, -1}, {2})), false);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.status().message(), HasSubstr("node 'r'"));
    EXPECT_THAT(s.status().message(),
                HasSubstr("Axes contains duplicate dimension: 1"));
  }
}

TEST(DuplicateAxesTest, FedAxesFailInTheKernel) {
  for (ReduceFn reduce : {&ops::Sum, &ops::Mean, &ops::Max}) {
    Scope s = NewRootScope();
    Output axes = ops::Placeholder(s, DT_INT32, {2});
    Output y = reduce(s.WithOpName("r"), ops::Const(s, testing::F({1, 2}, {2})),
                      axes, false);
    absl::Status st = testing::EvalStatus(s, y, {{axes, I32({0, 0}, {2})}});
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    EXPECT_THAT(st.message(), HasSubstr("node 'r'"));
    EXPECT_THAT(st.message(),
                HasSubstr("Axes contains duplicate dimension: 0"));
  }
}

TEST(DuplicateAxesTest, DistinctAxesStillReduce) {
  Scope s = NewRootScope();
  Output y = ops::Sum(s, ops::Const(s, testing::F({1, 2, 3, 4}, {2, 2})),
                      ops::Const(s, I32({0, 1}, {2})));
  EXPECT_TENSOR_NEAR(testing::Eval(s, y), testing::F({10}, {}));
}

}  // namespace
}  // namespace graphflow
