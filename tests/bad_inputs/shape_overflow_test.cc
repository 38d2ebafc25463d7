// Shapes whose element count overflows int64 (dims from a hostile file or
// attr) saturate instead of overflowing, and graphs using them fail cleanly
// (found by the graphdef_binary fuzzer: a Placeholder [INT64_MAX, 4] fed to
// Reshape).
#include <cstdint>
#include <limits>

#include "gtest/gtest.h"
#include "ops/array_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

constexpr int64_t kHuge = std::numeric_limits<int64_t>::max();

TEST(ShapeOverflowTest, ElementCountsSaturate) {
  EXPECT_EQ(PartialShape({kHuge, 4}).num_elements(), kMaxTensorElements + 1);
  EXPECT_EQ(TensorShape({kHuge, kHuge, 3}).num_elements(),
            kMaxTensorElements + 1);
  EXPECT_EQ(PartialShape({kHuge, 0, kHuge}).num_elements(), 0);
  EXPECT_EQ(PartialShape({-1, 4}).num_elements(), -1);
  EXPECT_EQ(TensorShape({3, 4}).num_elements(), 12);
  EXPECT_EQ(SaturatedElementCount({kMaxTensorElements, 1}), kMaxTensorElements);
}

TEST(ShapeOverflowTest, ReshapeOfAHugePlaceholderIsAnError) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {kHuge, 4});
  ops::Reshape(s.WithOpName("r"), x, testing::I32({2, 2}, {2}));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument)
      << s.status();
  EXPECT_NE(s.status().message().find("'r'"), std::string::npos) << s.status();
}

}  // namespace
}  // namespace graphflow
