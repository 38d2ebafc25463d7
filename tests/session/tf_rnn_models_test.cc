// Real TF 1.13 recurrent models from ../shared/tfgraphs/more/cf_scisharp_tf113
// (skipped when ../shared is absent): a char + word biLSTM-CRF tagger and a
// bidirectional-LSTM text classifier on resource variables run their loss
// on generated feeds, and Adam lowers it.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "session/session.h"
#include "tests/support/test_util.h"
#include "tools/graph_tools.h"

namespace graphflow {
namespace {

// A tensor of `shape` with element i = f(i).
template <typename T, typename F>
Tensor Generated(DataType dtype, const TensorShape& shape, F f) {
  Tensor t(dtype, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<T>()[i] = f(i);
  return t;
}

// Runs `loss`, a float scalar; NaN (and a test failure) on an error.
double Loss(Session& session, const NamedTensors& feeds,
            const std::string& loss) {
  auto out = session.Run(feeds, std::vector<std::string>{loss});
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0].data<float>()[0] : NAN;
}

// The tagger's feeds for batch 3 of sentences up to 5 words of up to 4
// chars: words < 23, chars < 28, tags < 9.
NamedTensors NerFeeds() {
  const int64_t b = 3, t = 5, w = 4;
  static constexpr int32_t kLengths[] = {5, 3, 4};
  return {
      {"word_ids", Generated<int32_t>(DT_INT32, {b, t},
                                      [](int64_t i) { return (i * 7) % 23; })},
      {"sequence_lengths",
       Generated<int32_t>(DT_INT32, {b},
                          [](int64_t i) { return kLengths[i]; })},
      {"char_ids", Generated<int32_t>(DT_INT32, {b, t, w},
                                      [](int64_t i) { return (i * 5) % 28; })},
      {"word_lengths", Generated<int32_t>(DT_INT32, {b, t},
                                          [](int64_t i) { return 1 + i % 4; })},
      {"labels", Generated<int32_t>(DT_INT32, {b, t},
                                    [](int64_t i) { return (i * 3) % 9; })},
      {"dropout", Tensor::Scalar(1.0f)},  // The keep probability.
      {"lr", Tensor::Scalar(0.01f)}};
}

// guillaumegenthial's sequence tagger (TF.NET's port): words [23,300] and
// chars [28,100] embedded, a char biLSTM per word, a word biLSTM, a
// projection to 9 tags and a CRF log-likelihood (a while loop inside a cond).
// The graph has no `init` op: each variable's Assign initializes it.
std::unique_ptr<Session> OpenNer(const std::string& dir) {
  std::unique_ptr<Session> session =
      testing::LoadSession(dir + "/lstm_crf_ner.meta");
  if (session == nullptr) return nullptr;
  auto assigns = cli::VariableInitializers(session->graph());
  EXPECT_OK(assigns.status());
  if (!assigns.ok() || !session->Run({}, {}, *assigns).ok()) return nullptr;
  return session;
}

// Each sentence's loss is the CRF's log-partition minus the gold path's
// score; both are checked by enumerating every tag path (9^5 at most) from
// the graph's own logits and transitions.
TEST(TfRnnModelsTest, LstmCrfNerLossMatchesBruteForceCrf) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/cf_scisharp_tf113");
  std::unique_ptr<Session> session = OpenNer(dir);
  ASSERT_NE(session, nullptr);
  const NamedTensors feeds = NerFeeds();
  auto out =
      session->Run(feeds, std::vector<std::string>{"Neg", "proj/Reshape_1",
                                                   "transitions/read", "Mean"});
  ASSERT_OK(out.status());
  const Tensor& losses = (*out)[0];
  const Tensor& logits = (*out)[1];  // [3, 5, 9]
  const float* trans = (*out)[2].data<float>();
  ASSERT_EQ(logits.shape(), TensorShape({3, 5, 9}));
  double mean = 0;
  for (int64_t s = 0; s < 3; ++s) {
    const int len = feeds[1].second.data<int32_t>()[s];
    const float* u = logits.data<float>() + s * 5 * 9;
    const int32_t* gold = feeds[4].second.data<int32_t>() + s * 5;
    auto score = [&](const std::vector<int>& path) {
      double total = 0;
      for (int k = 0; k < len; ++k) {
        total += u[k * 9 + path[k]];
        if (k > 0) total += trans[path[k - 1] * 9 + path[k]];
      }
      return total;
    };
    std::vector<int> path(len, 0);
    double sum = 0;
    for (int64_t n = 0, paths = std::lround(std::pow(9, len)); n < paths; ++n) {
      for (int k = 0, rest = static_cast<int>(n); k < len; ++k, rest /= 9) {
        path[k] = rest % 9;
      }
      sum += std::exp(score(path));
    }
    const double want =
        std::log(sum) - score(std::vector<int>(gold, gold + len));
    EXPECT_NEAR(losses.data<float>()[s], want, 1e-4 * want) << s;
    mean += want / 3;
  }
  EXPECT_NEAR((*out)[3].data<float>()[0], mean, 1e-4 * mean);
  EXPECT_GT(mean, 1);  // Untrained: far from a perfect fit.
}

// The LSTM-CRF's training graph: Adam (its char embedding's sparse update
// included) lowers the loss on a fixed batch.
TEST(TfRnnModelsTest, LstmCrfNerAdamLowersTheLoss) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/cf_scisharp_tf113");
  std::unique_ptr<Session> session = OpenNer(dir);
  ASSERT_NE(session, nullptr);
  const NamedTensors feeds = NerFeeds();
  const double before = Loss(*session, feeds, "Mean");
  for (int step = 0; step < 5; ++step) {
    ASSERT_OK(session->Run(feeds, {}, {"train_step/Adam"}).status());
  }
  EXPECT_LT(Loss(*session, feeds, "Mean"), 0.9 * before);
}

// A bidirectional LSTM text classifier on resource variables (Assert,
// ReverseSequence, All in dynamic_rnn). Its `embeddings` and their two Adam
// slots are [563354,256] each (577 MB): they are never initialized or read.
// Every other initializer (the `init` NoOp's control inputs) runs, and the
// embedding lookup's output `embedding/embedding_lookup` is fed with a
// generated [batch,100,256] tensor, so no path reaches the embedding.
class RcnnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::SharedPath("tfgraphs/more/cf_scisharp_tf113");
    if (dir_.empty()) {
      GTEST_SKIP() << "../shared/tfgraphs/more/cf_scisharp_tf113 not present";
    }
    session_ = testing::LoadSession(dir_ + "/rcnn_untrained.meta");
    ASSERT_NE(session_, nullptr);
    const Node* init = session_->graph().FindNode("init");
    ASSERT_NE(init, nullptr);
    std::vector<std::string> targets;
    for (const Node* in : init->control_inputs()) {
      if (!absl::StartsWith(in->name(), "embeddings/")) {
        targets.push_back(in->name());
      }
    }
    ASSERT_EQ(targets.size(), 27);  // 30 initializers, 3 of them skipped.
    ASSERT_OK(session_->Run({}, {}, targets).status());
    // Batch 4 of 14 classes; ids are unused (the lookup is fed).
    const int64_t b = 4;
    feeds_ = {{"x", Generated<int32_t>(DT_INT32, {b, 100},
                                       [](int64_t i) { return i % 1000; })},
              {"y", Generated<int32_t>(DT_INT32, {b},
                                       [](int64_t i) { return 3 * i + 1; })},
              {"is_training", Tensor::Scalar(false)},
              {"embedding/embedding_lookup",
               Generated<float>(DT_FLOAT, {b, 100, 256}, [](int64_t i) {
                 return 0.5f * std::sin(0.37f * static_cast<float>(i));
               })}};
  }

  std::string dir_;
  std::unique_ptr<Session> session_;
  NamedTensors feeds_;
};

TEST_F(RcnnTest, ForwardLossIsFinite) {
  const double loss = Loss(*session_, feeds_, "loss/Mean");
  // Cross-entropy over 14 classes from small random weights: near log(14).
  EXPECT_NEAR(loss, std::log(14.0), 1.0);
  // The fed lookup keeps the embedding unread and uninitialized.
  EXPECT_FALSE(
      session_->Run(feeds_, std::vector<std::string>{"embeddings/read"}).ok());
}

// Adam on every variable but the embedding: loss/Adam itself also runs the
// embedding's sparse update (and, after it, advances the beta powers), so
// the step runs the other eight ApplyAdam / ResourceApplyAdam ops as
// targets, with the beta powers held at their first-step values.
TEST_F(RcnnTest, AdamWithoutTheEmbeddingLowersTheLoss) {
  std::vector<std::string> updates;
  for (const auto& node : session_->graph().nodes()) {
    if ((node->op() == "ApplyAdam" || node->op() == "ResourceApplyAdam") &&
        !absl::StrContains(node->name(), "update_embeddings")) {
      updates.push_back(node->name());
    }
  }
  ASSERT_EQ(updates.size(), 8);
  const double before = Loss(*session_, feeds_, "loss/Mean");
  for (int step = 0; step < 5; ++step) {
    ASSERT_OK(session_->Run(feeds_, {}, updates).status());
  }
  EXPECT_LT(Loss(*session_, feeds_, "loss/Mean"), 0.9 * before);
}

}  // namespace
}  // namespace graphflow
