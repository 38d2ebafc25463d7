// Restoring TensorFlow checkpoints into their graphs: graph + checkpoint
// must give the frozen twin's outputs exactly (../shared/tfgraphs).
#include <map>
#include <memory>
#include <string>

#include "dataset/batching.h"
#include "dataset/idx.h"
#include "gtest/gtest.h"
#include "session/checkpoint.h"
#include "session/session.h"
#include "tensor_bundle/bundle_reader.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

TEST(TfCheckpointRestoreTest, MnistMlpMatchesTheFrozenGraph) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  const std::string prefix = dir + "/ckpt/mnist_mlp_model.ckpt";
  auto train = testing::LoadSession(dir + "/mnist_mlp_adam_train.pbtxt");
  auto frozen = testing::LoadSession(dir + "/mnist_mlp_frozen.pb");
  ASSERT_TRUE(train && frozen);
  ASSERT_TRUE(RestoreVariables(*train, prefix).ok());

  auto expected = BundleReader::Open(prefix)->ReadAll();
  ASSERT_TRUE(expected.ok()) << expected.status();
  for (const auto& [name, variable] : train->variables().All()) {
    auto value = variable->Read();
    ASSERT_TRUE(value.ok()) << name;
    EXPECT_TRUE(TensorsEqual(*value, expected->at(name))) << name;
  }

  Tensor x(DT_FLOAT, TensorShape{8, 784});
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    x.flat<float>()[i] = static_cast<float>((i * 7919) % 256) / 255.0f;
  }
  auto ours = train->Run({{"Placeholder", x}}, {"softmax"});
  auto theirs = frozen->Run({{"Placeholder", x}}, {"softmax"});
  ASSERT_TRUE(ours.ok()) << ours.status();
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  EXPECT_TRUE(TensorsEqual((*ours)[0], (*theirs)[0]))
      << (*ours)[0].DebugString() << "\n"
      << (*theirs)[0].DebugString();
}

// The documented result of the frozen twin (96.16% on the MNIST test set,
// measured with an independent numpy evaluator) from graph + TF checkpoint.
TEST(TfCheckpointRestoreTest, MnistMlpScoresTheDocumentedAccuracy) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  GF_SKIP_WITHOUT_SHARED(mnist, "data/mnist");
  auto train = testing::LoadSession(dir + "/mnist_mlp_adam_train.pbtxt");
  ASSERT_TRUE(train);
  ASSERT_TRUE(
      RestoreVariables(*train, dir + "/ckpt/mnist_mlp_model.ckpt").ok());
  auto images = ReadIdxFile(mnist + "/t10k-images-idx3-ubyte.gz");
  auto labels = ReadIdxFile(mnist + "/t10k-labels-idx1-ubyte.gz");
  ASSERT_TRUE(images.ok()) << images.status();
  ASSERT_TRUE(labels.ok()) << labels.status();
  auto scaled = ToFloat(*images, 1.0f / 255.0f);
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  auto x = ReshapeTo(*scaled, {10000, 784});
  ASSERT_TRUE(x.ok()) << x.status();
  auto softmax = train->Run({{"Placeholder", *x}}, {"softmax"});
  ASSERT_TRUE(softmax.ok()) << softmax.status();
  const float* p = (*softmax)[0].data<float>();
  const uint8_t* y = labels->data<uint8_t>();
  int correct = 0;
  for (int i = 0; i < 10000; ++i) {
    int best = 0;
    for (int k = 1; k < 10; ++k) {
      if (p[i * 10 + k] > p[i * 10 + best]) best = k;
    }
    correct += best == y[i];
  }
  EXPECT_EQ(correct, 9616);
}

TEST(TfCheckpointRestoreTest, AcceptsTheIndexFileAndTheDirectory) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/cf_lstm_arima_tf14");
  auto by_dir = LoadCheckpoint(dir);
  ASSERT_TRUE(by_dir.ok()) << by_dir.status();
  EXPECT_EQ(by_dir->size(), 20u);
  auto by_index = LoadCheckpoint(dir + "/sunld.model.index");
  ASSERT_TRUE(by_index.ok()) << by_index.status();
  EXPECT_EQ(by_index->size(), 20u);
}

TEST(TfCheckpointRestoreTest, AnotherModelsCheckpointIsRejected) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  // The xor model's variables share the MLP's names, not their shapes.
  auto train = testing::LoadSession(dir + "/mnist_mlp_adam_train.pbtxt");
  ASSERT_TRUE(train);
  const absl::Status status =
      RestoreVariables(*train, dir + "/ckpt/xor_model.ckpt");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find("xor_model.ckpt"), std::string::npos)
      << status;
}

}  // namespace
}  // namespace graphflow
