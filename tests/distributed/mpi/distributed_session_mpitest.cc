// Run by ctest as `mpirun -np 2 distributed_session_mpitest`: every rank runs
// every test, in order, so the collectives pair up. Checks weighted gradient
// averaging, the start-up broadcast, the graph check, and that 2 ranks with
// global batch B train the course CNN exactly like 1 process with batch B.
#include <cmath>

#include "dataset/batching.h"
#include "distributed/distributed_session.h"
#include "examples/course_model.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "ops/initializers.h"
#include "ops/state_ops.h"
#include "ops/training_ops.h"
#include "ops/variables.h"
#include "tests/support/mnist.h"
#include "tests/support/test_util.h"

namespace graphflow::distributed {
namespace {

MpiComm* comm = nullptr;

// v -= 1 * g, with g fed per rank.
Scope DescentOnFeed(float lr) {
  Scope s = NewRootScope();
  Variable v = NewVariable(s, "v", testing::F({0.0f, 0.0f}, {2}));
  Output g = ops::Placeholder(s.WithOpName("g"), DT_FLOAT, PartialShape({2}));
  ops::ApplyGradientDescent(s.WithOpName("apply"), v.ref, ops::Const(s, lr), g);
  return s;
}

TEST(DistributedSession, GradientsAreAveragedWeightedByRows) {
  ASSERT_EQ(comm->size(), 2);
  Scope s = DescentOnFeed(1.0f);
  ASSERT_OK(s.status());
  auto ds = DistributedSession::Create(s.shared_graph(), *comm);
  ASSERT_OK(ds.status());
  Session& session = (*ds)->session();
  ASSERT_OK(session.Run(NamedTensors{}, {}, {"v/Assign"}).status());
  const float r = comm->rank() + 1;
  // Rank 0: g = [1, 10] over 1 row; rank 1: g = [2, 20] over 2 rows.
  auto out = (*ds)->RunStep({{"g", testing::F({r, 10 * r}, {2})}}, {},
                            {"apply"}, comm->rank() + 1);
  ASSERT_OK(out.status());
  auto v = session.Run(NamedTensors{}, {"v"});
  ASSERT_OK(v.status());
  // (1 * [1, 10] + 2 * [2, 20]) / 3 = [5/3, 50/3], subtracted from 0.
  EXPECT_FLOAT_EQ((*v)[0].flat<float>()[0], -5.0f / 3);
  EXPECT_FLOAT_EQ((*v)[0].flat<float>()[1], -50.0f / 3);
}

TEST(DistributedSession, GraphMismatchNamesTheRank) {
  Scope s = DescentOnFeed(comm->rank() == 0 ? 1.0f : 2.0f);
  auto ds = DistributedSession::Create(s.shared_graph(), *comm);
  EXPECT_EQ(ds.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(ds.status().message().find(
                "the graph differs between ranks: rank 1 differ from rank 0"),
            std::string::npos)
      << ds.status();
}

TEST(DistributedSession, BroadcastMakesDifferentSeedsIdentical) {
  Scope s = NewRootScope();
  // Unseeded: drawn from the session seed, which differs per rank.
  Variable w = GetVariable(s, "w", {3, 4}, init::RandomUniform(-1, 1));
  Output g =
      ops::Placeholder(s.WithOpName("g"), DT_FLOAT, PartialShape({3, 4}));
  ops::ApplyGradientDescent(s.WithOpName("apply"), w.ref, ops::Const(s, 0.5f),
                            g);
  DistributedOptions options;
  options.session.seed = 1000 + comm->rank();
  auto ds = DistributedSession::Create(s.shared_graph(), *comm, options);
  ASSERT_OK(ds.status());
  Session& session = (*ds)->session();
  ASSERT_OK(session.Run(NamedTensors{}, {}, {"w/Assign"}).status());
  // Sum over ranks of each value: 2x the own value only if all agree.
  auto agree = [&]() -> bool {
    auto v = session.Run(NamedTensors{}, {"w"});
    EXPECT_OK(v.status());
    std::vector<double> mine = testing::Values((*v)[0]), sum = mine;
    EXPECT_OK(comm->Sum(absl::MakeSpan(sum), "test"));
    for (size_t i = 0; i < mine.size(); ++i) {
      if (sum[i] != 2 * mine[i]) return false;
    }
    return true;
  };
  EXPECT_FALSE(agree()) << "the seeds should give different initial values";
  ASSERT_OK((*ds)->BroadcastVariables());
  EXPECT_TRUE(agree());
  // Step 0 with different per-rank gradients keeps them identical.
  Tensor grad(DT_FLOAT, TensorShape({3, 4}));
  for (float& x : grad.flat<float>()) x = comm->rank() + 0.25f;
  ASSERT_OK((*ds)->RunStep({{"g", grad}}, {}, {"apply"}, 4).status());
  EXPECT_TRUE(agree());
}

TEST(DistributedSession, CourseCnnTwoRanksMatchOneProcess) {
  auto digits = testing::LoadBundledDigits("train", /*nhwc=*/true);
  ASSERT_OK(digits.status());
  constexpr int64_t kBatch = 32, kExamples = 32 * 4 + 11;  // Uneven tail.
  testing::Digits data = testing::SliceDigits(*digits, 0, kExamples);
  examples::CourseConfig config;
  examples::CourseModel m = examples::BuildCourseModel(config, 28, 28, 1);
  ASSERT_OK(m.scope.status());

  auto reference = Session::Create(m.scope.shared_graph());
  ASSERT_OK(reference.status());
  auto ds = DistributedSession::Create(m.scope.shared_graph(), *comm);
  ASSERT_OK(ds.status());
  ASSERT_OK((*reference)->Run(NamedTensors{}, {}, {"init"}).status());
  ASSERT_OK((*ds)->session().Run(NamedTensors{}, {}, {"init"}).status());
  ASSERT_OK((*ds)->BroadcastVariables());

  EpochShuffler shuffler(kExamples, /*seed=*/5);
  for (int epoch = 0; epoch < 2; ++epoch) {
    const std::vector<int64_t>& order = shuffler.NextEpoch();
    for (int64_t begin = 0; begin < kExamples; begin += kBatch) {
      const int64_t end = std::min(kExamples, begin + kBatch);
      auto feeds = [&](int64_t lo, int64_t hi) {
        absl::Span<const int64_t> rows(order.data() + lo, hi - lo);
        return NamedTensors{{"X", GatherRows(data.images, rows)},
                            {"Y", GatherRows(data.one_hot, rows)}};
      };
      auto ref = (*reference)->Run(feeds(begin, end), {"cost"}, {"Adam"});
      ASSERT_OK(ref.status());
      auto [lo, hi] = (*ds)->Shard(begin, end);
      auto mine = (*ds)->RunStep(feeds(lo, hi), {"cost"}, {"Adam"}, hi - lo);
      ASSERT_OK(mine.status());
      // The global mean loss from the per-rank means, weighted by rows.
      double loss[2] = {(*mine)[0].flat<float>()[0] * double(hi - lo),
                        double(hi - lo)};
      ASSERT_OK(comm->Sum(absl::MakeSpan(loss), "loss"));
      EXPECT_NEAR(loss[0] / loss[1], (*ref)[0].flat<float>()[0], 1e-5)
          << "epoch " << epoch << " rows " << begin;
    }
  }
  // Every variable, Adam's slots included.
  for (const auto& [name, var] : (*reference)->variables().All()) {
    StoredVariable* other = (*ds)->session().variables().Find(name);
    ASSERT_NE(other, nullptr) << name;
    auto x = var->Read();
    auto y = other->Read();
    ASSERT_OK(x.status());
    ASSERT_OK(y.status());
    std::vector<double> a = testing::Values(*x), b = testing::Values(*y);
    ASSERT_EQ(a.size(), b.size()) << name;
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      worst = std::max(worst, std::abs(a[i] - b[i]));
    }
    EXPECT_LE(worst, 1e-5) << name;
  }
}

}  // namespace
}  // namespace graphflow::distributed

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  auto comm = graphflow::distributed::MpiComm::Init(&argc, &argv);
  if (!comm.ok()) {
    std::fprintf(stderr, "%s\n", std::string(comm.status().message()).c_str());
    return 1;
  }
  graphflow::distributed::comm = *comm;
  (*comm)->set_timeout(absl::Seconds(30));
  const int result = RUN_ALL_TESTS();
  graphflow::distributed::MpiComm::Finalize();
  return result;
}
