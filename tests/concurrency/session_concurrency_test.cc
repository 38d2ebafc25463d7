// Concurrency of one Session: training steps, inference, plan building and
// variable reads from many threads at once. Run under ThreadSanitizer by
// `./setup.sh --tsan` (see README), and as ordinary tests everywhere else.
#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "ops/array_ops.h"
#include "ops/layers.h"
#include "ops/math_ops.h"
#include "ops/optimizers.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "ops/variables.h"
#include "session/session.h"

namespace graphflow {
namespace {

// y = relu(x W1 + b1) W2 + b2, trained by Adam on a squared error.
struct Regression {
  Scope s = NewRootScope();
  Output x, y, prediction, loss, train, init;

  Regression() {
    x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 4});
    y = ops::Placeholder(s.WithOpName("y"), DT_FLOAT, {-1, 1});
    Output hidden = layers::FullyConnected(s.WithOpName("hidden"), x, 16);
    prediction = layers::FullyConnected(s.WithOpName("out"), hidden, 1,
                                        {.activation = nullptr});
    loss = ops::Mean(s, ops::SquaredDifference(s, prediction, y), {0, 1});
    train = AdamOptimizer(0.01).Minimize(s, loss);
    init = GlobalVariablesInitializer(s);
  }
};

Tensor Batch(int rows, int seed, bool target) {
  Tensor t(DT_FLOAT, {rows, target ? 1 : 4});
  float* p = t.data<float>();
  for (int r = 0; r < rows; ++r) {
    float sum = 0;
    for (int c = 0; c < 4; ++c) {
      float v = static_cast<float>((r * 7 + c * 3 + seed) % 11) / 11.0f;
      sum += v;
      if (!target) p[r * 4 + c] = v;
    }
    if (target) p[r] = sum * 0.5f;
  }
  return t;
}

TEST(SessionConcurrencyTest, TrainingAndInferenceShareOneSession) {
  Regression m;
  auto session = Session::Create(m.s);
  ASSERT_TRUE(session.ok()) << session.status();
  Session& sess = **session;
  ASSERT_TRUE(sess.Run({}, {}, {m.init}).ok());

  constexpr int kTrainers = 2, kReaders = 2, kSteps = 60;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kTrainers; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kSteps; ++i) {
        auto r = sess.Run({{m.x, Batch(8, t * 100 + i, false)},
                           {m.y, Batch(8, t * 100 + i, true)}},
                          {m.loss}, {m.train});
        if (!r.ok() || !std::isfinite((*r)[0].data<float>()[0])) ++failures;
      }
    });
  }
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kSteps; ++i) {
        // Alternate fetch sets so plans are built while others run.
        auto r = i % 2 ? sess.Run({{m.x, Batch(3, i, false)}}, {m.prediction})
                       : sess.Run({{m.x, Batch(5, i, false)},
                                   {m.y, Batch(5, i, true)}},
                                  {m.loss, m.prediction});
        if (!r.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GE(sess.num_cached_plans(), 3);
}

// A vector variable is only ever updated as a whole (AssignAdd of ones), so
// every read must see all elements equal: no torn reads.
TEST(SessionConcurrencyTest, ReadsNeverSeeAHalfUpdatedVariable) {
  Scope s = NewRootScope();
  constexpr int kSize = 4096;
  Output v = ops::Variable(s.WithOpName("v"), {kSize}, DT_FLOAT);
  Output init = ops::Assign(
      s.WithOpName("init"), v,
      ops::Fill(s, ops::Const(s, Tensor::Vector<int32_t>({kSize})), 0.0f));
  Output bump = ops::AssignAdd(
      s.WithOpName("bump"), v,
      ops::Fill(s, ops::Const(s, Tensor::Vector<int32_t>({kSize})), 1.0f));
  Output snapshot = ops::Identity(s.WithOpName("snapshot"), v);
  auto session = Session::Create(s);
  ASSERT_TRUE(session.ok()) << session.status();
  Session& sess = **session;
  ASSERT_TRUE(sess.Run({}, {}, {init}).ok());

  constexpr int kBumps = 300;
  std::atomic<bool> done{false};
  std::atomic<int> torn{0}, failures{0};
  std::thread writer([&] {
    for (int i = 0; i < kBumps; ++i) {
      if (!sess.Run({}, {}, {bump}).ok()) ++failures;
    }
    done = true;
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      float last = 0;
      while (!done) {
        auto r = sess.Run({snapshot});
        if (!r.ok()) {
          ++failures;
          continue;
        }
        const float* p = (*r)[0].data<float>();
        for (int i = 1; i < kSize; ++i) {
          if (p[i] != p[0]) {
            ++torn;
            break;
          }
        }
        if (p[0] < last) ++torn;  // Values only grow.
        last = p[0];
      }
    });
  }
  writer.join();
  for (auto& th : readers) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(torn, 0);
  auto final_value = sess.Run({snapshot});
  ASSERT_TRUE(final_value.ok());
  EXPECT_EQ((*final_value)[0].data<float>()[kSize - 1], kBumps);
}

TEST(SessionConcurrencyTest, SessionsCreatedConcurrentlyFromOneGraph) {
  Regression m;
  auto graph = m.s.shared_graph();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      auto session = Session::Create(graph);
      if (!session.ok() || !(*session)->Run({}, {}, {m.init}).ok() ||
          !(*session)->Run({{m.x, Batch(4, 1, false)}}, {m.prediction}).ok()) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace graphflow
