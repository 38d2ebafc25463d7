// Class 3 of issue 8: an output sized by a runtime index (DynamicStitch) or
// any other value is refused past the session's max_tensor_bytes by
// AllocateOutput itself, as ResourceExhausted naming the node, never an abort.
#include <cstdint>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kernels/kernel.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using ::testing::HasSubstr;
using testing::I32;

absl::Status Stitch(int32_t index, const Tensor& data) {
  Scope s = NewRootScope();
  Output idx = ops::Placeholder(s, DT_INT32, {1});
  Output d = ops::Placeholder(s, DT_FLOAT);
  Output y = ops::DynamicStitch(s.WithOpName("stitch"), {idx}, {d});
  return testing::EvalStatus(s, y, {{idx, I32({index}, {1})}, {d, data}});
}

void ExpectTooLarge(const absl::Status& s) {
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(s.message(), HasSubstr("node 'stitch' (DynamicStitch)"));
  EXPECT_THAT(s.message(), HasSubstr("would exceed the maximum tensor size"));
}

TEST(IndexAllocationTest, HugeIndexIsResourceExhausted) {
  ExpectTooLarge(Stitch(1000000000, F({1, 2}, {1, 2})));
}

TEST(IndexAllocationTest, Int32MaxIndexIsResourceExhausted) {
  ExpectTooLarge(Stitch(std::numeric_limits<int32_t>::max(), F({1}, {1})));
}

TEST(IndexAllocationTest, OtherKernelsShareTheLimit) {
  Scope s = NewRootScope();
  Output dims = ops::Placeholder(s, DT_INT32, {2});
  Output y = ops::Fill(s.WithOpName("fill"), dims, 1.0f);
  absl::Status st =
      testing::EvalStatus(s, y, {{dims, I32({65536, 65536}, {2})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted) << st;
  EXPECT_THAT(st.message(), HasSubstr("node 'fill' (Fill)"));
  EXPECT_THAT(st.message(), HasSubstr("[65536,65536]"));
}

TEST(IndexAllocationTest, SparseIndicesStillStitch) {
  Scope s = NewRootScope();
  Output y = ops::DynamicStitch(s, {ops::Const(s, I32({3}, {1}))},
                                {ops::Const(s, F({5}, {1}))});
  EXPECT_TENSOR_NEAR(testing::Eval(s, y), F({0, 0, 0, 5}, {4}));
}

}  // namespace
}  // namespace graphflow
