// Real TF1 files under ../shared/tfgraphs/more that graphflow could not
// import before it kept unknown ops as opaque nodes: they load now, and run
// whatever does not need an op graphflow lacks. (The while-loop graphs are
// tested in control_flow_graphs_test.cc and tf_rnn_models_test.cc; these
// CNNs' training in tf_cnn_models_test.cc.)
#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "session/session.h"
#include "tests/support/test_util.h"
#include "tools/graph_tools.h"

namespace graphflow {
namespace {

using ::testing::HasSubstr;

// The session, with every variable initialized by its own Assign (as
// global_variables_initializer would) when `init` is set.
// From a fixed seed: the graphs' initializers have none, and some draws
// leave a fed embedding row without gradient (its only position wins no
// max-over-time pool), which WordCnnRunsItsSparseAdamStep checks against.
std::unique_ptr<Session> Open(const std::string& path, bool init = false) {
  std::shared_ptr<const Graph> graph = testing::LoadGraph(path);
  if (graph == nullptr) return nullptr;
  auto session = Session::Create(graph, {.seed = 1});
  EXPECT_OK(session.status());
  if (!session.ok()) return nullptr;
  if (init) {
    auto assigns = cli::VariableInitializers(*graph);
    EXPECT_OK(assigns.status());
    if (!assigns.ok()) return nullptr;
    absl::Status s = (*session)->Run({}, {}, *assigns).status();
    EXPECT_OK(s);
    if (!s.ok()) return nullptr;
  }
  return *std::move(session);
}

// An Unimplemented status naming `op` and what needed it.
void ExpectNeeds(const absl::Status& s, const std::string& op,
                 const std::string& needed_by) {
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  EXPECT_THAT(s.message(), HasSubstr("uses op '" + op + "'"));
  EXPECT_THAT(s.message(), HasSubstr("which graphflow does not implement "
                                     "(needed by " +
                                     needed_by + ")"));
}

// tf.layers text CNN: its variables' Assigns and the forward loss run, and
// so does the Adam step with its sparse embedding update (Unique,
// UnsortedSegmentSum, ScatterAdd), which changes only the fed ids' rows.
TEST(TfUnknownOpsGraphsTest, WordCnnRunsItsSparseAdamStep) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/bn_scisharp_tf113");
  std::unique_ptr<Session> session = Open(dir + "/word_cnn.meta", true);
  ASSERT_NE(session, nullptr);
  Tensor x(DT_INT32, {2, 100}), y(DT_INT32, {2});
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    x.data<int32_t>()[i] = static_cast<int32_t>((i * 7919) % 50000);
  }
  y.data<int32_t>()[0] = 0;
  y.data<int32_t>()[1] = 1;
  NamedTensors feeds = {
      {"x", x}, {"y", y}, {"is_training", Tensor::Scalar(false)}};
  auto loss = session->Run(feeds, {"loss/Mean", "accuracy/accuracy"}, {});
  ASSERT_OK(loss.status());
  const float l = (*loss)[0].data<float>()[0];
  EXPECT_TRUE(std::isfinite(l) && l > 0) << l;
  const float acc = (*loss)[1].data<float>()[0];
  EXPECT_TRUE(acc == 0 || acc == 0.5f || acc == 1) << acc;
  auto before = session->Run({}, {"embeddings"}, {});
  ASSERT_OK(before.status());
  ASSERT_OK(session->Run(feeds, {}, {"loss/Adam"}).status());
  auto after = session->Run({}, {"embeddings"}, {});
  ASSERT_OK(after.status());
  const float* b = (*before)[0].data<float>();
  const float* a = (*after)[0].data<float>();
  const int64_t width = 128;
  // Id 0 is fed (i = 0); id 1 is not (7919 * i % 50000 never hits it).
  EXPECT_NE(a[0], b[0]);
  for (int64_t e = 0; e < width; ++e) EXPECT_EQ(a[width + e], b[width + e]);
}

// tf.cond graphs: VDCNN's forward pass, batch norm conds and its Adam step
// with the sparse embedding update all run.
TEST(TfUnknownOpsGraphsTest, VdCnnRunsItsOptimizerStep) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/bn_scisharp_tf113");
  std::unique_ptr<Session> vd = Open(dir + "/vd_cnn.meta");
  ASSERT_NE(vd, nullptr);
  EXPECT_OK(vd->Run({}, {}, {"init"}).status());
  Tensor x(DT_INT32, {1, 1014}), y(DT_INT32, {1});  // One text: it is slow.
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    x.data<int32_t>()[i] = static_cast<int32_t>(1 + i % 7);  // Ids 1..7.
  }
  y.data<int32_t>()[0] = 1;
  auto before = vd->Run({}, {"embeddings"}, {});
  ASSERT_OK(before.status());
  EXPECT_OK(vd->Run({{"x", x}, {"y", y}, {"is_training", Tensor::Scalar(true)}},
                    {}, {"loss/optimizer"})
                .status());
  auto after = vd->Run({}, {"embeddings"}, {});
  ASSERT_OK(after.status());
  const float* b = (*before)[0].data<float>();
  const float* a = (*after)[0].data<float>();
  const int64_t width = 16;       // embeddings is [70, 16].
  EXPECT_NE(a[width], b[width]);  // Row 1 is fed, row 0 is not.
  for (int64_t e = 0; e < width; ++e) EXPECT_EQ(a[e], b[e]);
}

}  // namespace
}  // namespace graphflow
