#include "session/session.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using ::testing::HasSubstr;

// counter += 1 each time `bump` runs; lets tests see which nodes ran.
struct Counter {
  Output var, init, bump;
  explicit Counter(const Scope& s, const std::string& name) {
    var = ops::Variable(s.WithOpName(name), {}, DT_FLOAT);
    init = ops::Assign(s.WithOpName(name + "_init"), var, 0.0f);
    bump = ops::AssignAdd(s.WithOpName(name + "_bump"), var, 1.0f);
  }
};

float ReadScalar(Session& session, const Output& o) {
  auto out = session.Run({o});
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0].data<float>()[0] : -1;
}

TEST(SessionTest, PrunesToWhatFetchesNeed) {
  Scope s = NewRootScope();
  Counter used(s, "used"), unused(s, "unused");
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Identity(s.WithOpName("y"), x);
  Output bumped = ops::Identity(s.WithOpName("bumped"), used.bump);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {used.init, unused.init}).status());
  // x is not needed for `bumped`, so it need not be fed.
  ASSERT_OK((*session)->Run({bumped}).status());
  EXPECT_EQ(ReadScalar(**session, used.var), 1);
  EXPECT_EQ(ReadScalar(**session, unused.var), 0);
  (void)y;
}

// RunOptions.trace records one entry per kernel run, in execution order
// (a fed node's producer does not run); without it the metadata is empty.
TEST(SessionTest, TracedRunsRecordEveryKernel) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Identity(s.WithOpName("y"), x);
  Output z = ops::Identity(s.WithOpName("z"), y);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  RunMetadata metadata;
  metadata.step_stats.push_back({});  // Stale: every Run clears it.
  const NamedTensors feed_x = {{"x", testing::F({1}, {1})}};
  const NamedTensors feed_y = {{"y", testing::F({1}, {1})}};
  ASSERT_OK(
      (*session)->Run(feed_x, {"z"}, {}, {.trace = true}, &metadata).status());
  std::vector<std::string> ran;
  for (const NodeExecStats& stats : metadata.step_stats) {
    ran.push_back(stats.node->name());
    EXPECT_GE(stats.micros, 0);
  }
  EXPECT_EQ(ran, (std::vector<std::string>{"y", "z"}));
  ASSERT_OK(
      (*session)->Run(feed_y, {"z"}, {}, {.trace = true}, &metadata).status());
  ASSERT_EQ(metadata.step_stats.size(), 1u);
  EXPECT_EQ(metadata.step_stats[0].node->name(), "z");
  ASSERT_OK((*session)->Run(feed_x, {"z"}, {}, {}, &metadata).status());
  EXPECT_TRUE(metadata.step_stats.empty());
  (void)z;
}

TEST(SessionTest, FeedingAnIntermediateCutsOffItsProducer) {
  Scope s = NewRootScope();
  Counter c(s, "c");
  Output mid = ops::Identity(s.WithOpName("mid"), c.bump);
  Output out = ops::Identity(s.WithOpName("out"), mid);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {c.init}).status());
  auto r = (*session)->Run({{mid, Tensor::Scalar(42.0f)}}, {out});
  ASSERT_OK(r.status());
  EXPECT_EQ((*r)[0].data<float>()[0], 42);
  EXPECT_EQ(ReadScalar(**session, c.var), 0);  // the AssignAdd never ran
  // Fetching a fed tensor returns the fed value.
  auto fed = (*session)->Run({{"mid", Tensor::Scalar(7.0f)}}, {"mid"}, {});
  ASSERT_OK(fed.status());
  EXPECT_EQ((*fed)[0].data<float>()[0], 7);
}

TEST(SessionTest, FollowsControlDependencies) {
  Scope s = NewRootScope();
  Counter a(s, "a"), b(s, "b");
  Output group = ops::NoOp(
      s.WithOpName("group").WithControlDependencies({a.bump, b.bump}));
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {a.init, b.init}).status());
  for (int i = 0; i < 3; ++i)
    ASSERT_OK((*session)->Run({}, {}, {group}).status());
  EXPECT_EQ(ReadScalar(**session, a.var), 3);
  EXPECT_EQ(ReadScalar(**session, b.var), 3);
  auto by_name = (*session)->Run(NamedTensors{}, {}, {"group"});
  ASSERT_OK(by_name.status());
  EXPECT_EQ(ReadScalar(**session, a.var), 4);
}

TEST(SessionTest, CachesPlansPerFeedFetchTargetSet) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Identity(s.WithOpName("y"), x);
  Output z = ops::Identity(s.WithOpName("z"), y);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  Session& sess = **session;
  for (int i = 0; i < 5; ++i) {
    auto r = sess.Run({{x, Tensor::Scalar(float(i))}}, {z});
    ASSERT_OK(r.status());
    EXPECT_EQ((*r)[0].data<float>()[0], i);
  }
  EXPECT_EQ(sess.num_cached_plans(), 1);
  ASSERT_OK(sess.Run({{x, Tensor::Scalar(1.0f)}}, {y, z}).status());
  ASSERT_OK(
      sess.Run({{"x:0", Tensor::Scalar(1.0f)}}, {"y:0", "z:0"}, {}).status());
  EXPECT_EQ(sess.num_cached_plans(), 3);
}

TEST(SessionTest, FeedErrorsNameThePlaceholder) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("images"), DT_FLOAT,
                              PartialShape({-1, 28, 28, 1}));
  Output y = ops::Identity(s.WithOpName("y"), x);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  Session& sess = **session;
  auto missing = sess.Run({y});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("must feed a value for placeholder tensor 'images' "
                        "with dtype float and shape [?,28,28,1]"));
  auto wrong_dtype = sess.Run({{x, Tensor(DT_INT32, {1, 28, 28, 1})}}, {y});
  EXPECT_EQ(wrong_dtype.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      wrong_dtype.status().message(),
      HasSubstr("'images' (Placeholder): expected dtype float, got int32"));
  auto wrong_shape = sess.Run({{x, Tensor(DT_FLOAT, {2, 28, 28, 3})}}, {y});
  EXPECT_EQ(wrong_shape.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong_shape.status().message(),
              HasSubstr("expected shape [?,28,28,1], got [2,28,28,3]"));
  auto ok = sess.Run({{x, Tensor(DT_FLOAT, {5, 28, 28, 1})}}, {y});
  EXPECT_OK(ok.status());
}

TEST(SessionTest, UnknownNamesAreNotFound) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  Session& sess = **session;
  auto fetch = sess.Run({}, {"nope"}, {});
  EXPECT_EQ(fetch.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(fetch.status().message(), HasSubstr("'nope'"));
  auto feed = sess.Run({{"ghost:0", Tensor::Scalar(1.0f)}}, {"x"}, {});
  EXPECT_EQ(feed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(feed.status().message(), HasSubstr("'ghost'"));
  auto target = sess.Run({}, {}, {"missing_op"});
  EXPECT_EQ(target.status().code(), absl::StatusCode::kNotFound);
  auto index = sess.Run({}, {"x:4"}, {});
  EXPECT_EQ(index.status().code(), absl::StatusCode::kInvalidArgument);
  (void)x;
}

TEST(SessionTest, UninitializedVariableIsFailedPrecondition) {
  Scope s = NewRootScope();
  Output w = ops::Variable(s.WithOpName("weights"), {2}, DT_FLOAT);
  Output read = ops::Identity(s.WithOpName("read"), w);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  auto r = (*session)->Run({read});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("uninitialized value weights"));
}

TEST(SessionTest, AssignChecksTheVariableShape) {
  Scope s = NewRootScope();
  Output w = ops::Variable(s.WithOpName("w"), {2}, DT_FLOAT);
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output assign = ops::Assign(s.WithOpName("assign"), w, x);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  auto r = (*session)->Run({{x, F({1, 2, 3}, {3})}}, {assign});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("node 'assign' (Assign)"));
  EXPECT_OK((*session)->Run({{x, F({1, 2}, {2})}}, {assign}).status());
}

TEST(SessionTest, ReadsAreSnapshotsWhileUpdatesGoInPlace) {
  Scope s = NewRootScope();
  Counter c(s, "c");
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {c.init}).status());
  auto before = (*session)->Run({c.var});
  ASSERT_OK(before.status());
  ASSERT_OK((*session)->Run({}, {}, {c.bump}).status());
  EXPECT_EQ((*before)[0].data<float>()[0], 0);  // unchanged by the bump
  EXPECT_EQ(ReadScalar(**session, c.var), 1);
}

TEST(SessionTest, BuilderErrorsSurfaceAtSessionCreation) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  ops::Assign(s.WithOpName("bad_assign"), x, 1.0f);  // x is not a variable
  auto session = Session::Create(s);
  EXPECT_EQ(session.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(session.status().message(), HasSubstr("bad_assign"));
}

TEST(SessionTest, ConcurrentRunsAreSafe) {
  Scope s = NewRootScope();
  Counter c(s, "c");
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Identity(s.WithOpName("y"), x);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  Session& sess = **session;
  ASSERT_OK(sess.Run({}, {}, {c.init}).status());
  constexpr int kThreads = 8, kRuns = 200;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRuns; ++i) {
        float v = t * 1000 + i;
        auto r = sess.Run({{x, Tensor::Scalar(v)}}, {y}, {c.bump});
        if (!r.ok() || (*r)[0].data<float>()[0] != v) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(ReadScalar(sess, c.var), kThreads * kRuns);
}

}  // namespace
}  // namespace graphflow
