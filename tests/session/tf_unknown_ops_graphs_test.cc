// Real TF1 files under ../shared/tfgraphs/more that graphflow could not
// import before it kept unknown ops as opaque nodes: they load now, and run
// whatever does not need an op graphflow lacks. (The while-loop graphs,
// cf_lstm_arima_tf14/sunld.model.meta, cf_scisharp_tf113/lstm_crf_ner.meta
// and rcnn_untrained.meta, are cyclic: import rejects them before any op is
// looked at; the controlflow work owns them.)
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
std::unique_ptr<Session> Open(const std::string& path, bool init = false) {
  std::shared_ptr<const Graph> graph = testing::LoadGraph(path);
  if (graph == nullptr) return nullptr;
  auto session = Session::Create(graph);
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

// tf.layers text CNN: its sparse embedding update (Unique,
// UnsortedSegmentSum, ScatterAdd) is the only thing graphflow lacks, so
// its variables' Assigns and the forward loss run and the Adam step names the
// missing op.
TEST(TfUnknownOpsGraphsTest, WordCnnRunsAllButItsSparseUpdate) {
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
  auto train = session->Run(feeds, {}, {"loss/Adam"});
  EXPECT_EQ(train.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(train.status().message(),
              HasSubstr("needed by target 'loss/Adam'"));
}

// tf.cond graphs: Switch and Merge load as opaque nodes (until graphflow has
// control flow), so what lies outside the cond runs and the cond is named.
// VDCNN's forward pass and batch norm conds run; its Adam step's sparse
// embedding update needs ops graphflow does not implement yet.
TEST(TfUnknownOpsGraphsTest, VdCnnLoadsAndOnlyItsSparseUpdateIsMissing) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/bn_scisharp_tf113");
  std::unique_ptr<Session> vd = Open(dir + "/vd_cnn.meta");
  ASSERT_NE(vd, nullptr);
  EXPECT_OK(vd->Run({}, {}, {"init"}).status());
  absl::Status step = vd->Run({}, {}, {"loss/optimizer"}).status();
  EXPECT_EQ(step.code(), absl::StatusCode::kUnimplemented) << step;
  EXPECT_THAT(step.message(), HasSubstr("loss/optimizer/update_embeddings/"));
}

}  // namespace
}  // namespace graphflow
