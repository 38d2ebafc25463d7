// The tensor buffer cache (graph/buffer_cache.h): a freed buffer serves the
// next tensor of its size, and training steps of a static-shape graph
// allocate nothing fresh once the first two have run; sanitizer builds
// bypass it.
#include "graph/buffer_cache.h"

#include <string>
#include <vector>

#include "examples/course_model.h"
#include "graph/tensor.h"
#include "gtest/gtest.h"
#include "session/session.h"

namespace graphflow {
namespace {

TEST(BufferCacheTest, AFreedBufferServesTheNextTensorOfItsSize) {
  { Tensor warm(DT_FLOAT, {1000, 3}); }
  const BufferCacheStats before = GetBufferCacheStats();
  const void* first = nullptr;
  {
    Tensor t(DT_FLOAT, {1000, 3});
    first = t.raw_data();
  }
  Tensor again(DT_INT32, {3000});  // Same bytes, another dtype and shape.
  const BufferCacheStats after = GetBufferCacheStats();
  if (!BufferCacheEnabled()) {
    EXPECT_EQ(after.reused, before.reused);
    EXPECT_EQ(after.cached_bytes, 0);
    return;
  }
  EXPECT_EQ(after.fresh, before.fresh);
  EXPECT_EQ(after.reused, before.reused + 2);
  EXPECT_EQ(again.raw_data(), first);
  ReleaseCachedBuffers();
  EXPECT_EQ(GetBufferCacheStats().cached_bytes, 0);
}

TEST(BufferCacheTest, TrainingStepsAfterTheFirstAllocateNothing) {
  examples::CourseConfig config;
  config.classes = 6;
  examples::CourseModel model = examples::BuildCourseModel(config, 32, 32, 3);
  ASSERT_TRUE(model.scope.status().ok()) << model.scope.status();
  auto session = Session::Create(model.scope, {.seed = 5});
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE((*session)->Run({}, {}, {model.init.node->name()}).ok());
  Tensor x(DT_FLOAT, {16, 32, 32, 3}), y(DT_FLOAT, {16, 6});
  x.FillZero();
  y.FillZero();
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    x.data<float>()[i] = static_cast<float>(i % 7) / 7;
  }
  for (int64_t i = 0; i < 16; ++i) y.data<float>()[i * 6 + i % 6] = 1;
  const NamedTensors feeds = {{model.X.name(), x}, {model.Y.name(), y}};
  std::vector<BufferCacheStats> stats;
  for (int step = 0; step < 5; ++step) {
    auto out = (*session)->Run(feeds, {model.cost.name()},
                               {model.optimizer.node->name()});
    ASSERT_TRUE(out.ok()) << out.status();
    stats.push_back(GetBufferCacheStats());
  }
  if (!BufferCacheEnabled()) {
    EXPECT_EQ(stats.back().reused, stats.front().reused);
    return;
  }
  // Step 1 builds the plan and meets every size for the first time; step
  // 2 adds a second buffer for each variable an Assign replaces (Adam's
  // beta powers: the new value is made while the old one is still held);
  // from step 3 on, every buffer is a reused one.
  EXPECT_LE(stats[1].fresh - stats[0].fresh, 8);
  EXPECT_EQ(stats.back().fresh, stats[1].fresh);
  EXPECT_GT(stats.back().reused, stats[1].reused);
}

}  // namespace
}  // namespace graphflow
