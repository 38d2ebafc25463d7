// Checkpoints written by TensorFlow itself (../shared/tfgraphs): listing,
// values, and byte-for-byte rewrites with BundleWriter.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "graph/tensor_proto.h"
#include "gtest/gtest.h"
#include "proto/graph_io.h"
#include "tensor_bundle/bundle_reader.h"
#include "tensor_bundle/bundle_writer.h"
#include "tensor_bundle/checkpoint_state.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

namespace fs = std::filesystem;

BundleReader OpenOrDie(const std::string& prefix) {
  auto reader = BundleReader::Open(prefix);
  EXPECT_TRUE(reader.ok()) << reader.status();
  return *std::move(reader);
}

std::string Describe(const BundleReader& reader) {
  std::string out;
  for (const BundleTensorInfo& info : reader.ListTensors()) {
    out += info.name + " " + DataTypeString(info.dtype) + " " +
           TensorShape(info.shape).DebugString() + "\n";
  }
  return out;
}

// Rewrites the checkpoint with BundleWriter (tensors added in the order of
// their data offsets, as TF's Saver added them) and compares the bytes of
// both files with TF's.
void ExpectByteIdenticalRewrite(const std::string& prefix,
                                table::TableOptions index_options,
                                const std::string& name) {
  BundleReader reader = OpenOrDie(prefix);
  std::vector<BundleTensorInfo> infos = reader.ListTensors();
  std::stable_sort(infos.begin(), infos.end(), [&](auto& a, auto& b) {
    return reader.FindEntry(a.name)->offset() <
           reader.FindEntry(b.name)->offset();
  });
  const std::string out = (fs::path(::testing::TempDir()) / name).string();
  BundleWriter writer(out, index_options);
  for (const BundleTensorInfo& info : infos) {
    auto tensor = reader.Read(info.name);
    ASSERT_TRUE(tensor.ok()) << tensor.status();
    ASSERT_TRUE(writer.Add(info.name, *tensor).ok());
  }
  ASSERT_TRUE(writer.Finish().ok());
  for (const std::string suffix : {".index", ".data-00000-of-00001"}) {
    auto theirs = ReadFileToString(prefix + suffix);
    auto ours = ReadFileToString(out + suffix);
    ASSERT_TRUE(theirs.ok() && ours.ok());
    EXPECT_EQ(*ours == *theirs, true)
        << prefix << suffix << " differs: " << ours->size() << " vs "
        << theirs->size() << " bytes";
  }
}

TEST(TfCheckpointsTest, MnistMlpListsAndMatchesTheFrozenGraph) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  const std::string prefix = dir + "/ckpt/mnist_mlp_model.ckpt";
  ASSERT_TRUE(IsTensorBundle(prefix));
  BundleReader reader = OpenOrDie(prefix);
  EXPECT_EQ(reader.num_shards(), 1);
  const std::string listing = Describe(reader);
  SCOPED_TRACE(listing);
  EXPECT_NE(listing.find("beta1_power float []"), std::string::npos);
  EXPECT_NE(listing.find("Variable/Adam float"), std::string::npos);
  auto all = reader.ReadAll();
  ASSERT_TRUE(all.ok()) << all.status();

  auto graph = ReadGraphDefFile(dir + "/mnist_mlp_frozen.pb");
  ASSERT_TRUE(graph.ok()) << graph.status();
  int compared = 0;
  for (const auto& node : graph->node()) {
    if (node.op() != "Const" || !all->count(node.name())) continue;
    auto value = TensorFromProto(node.attr().at("value").tensor());
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_TRUE(TensorsEqual(*value, all->at(node.name()))) << node.name();
    ++compared;
  }
  // Every weight and bias of the MLP (the Adam slots have no Const).
  EXPECT_EQ(compared, static_cast<int>(all->size() - 2) / 3) << listing;
}

TEST(TfCheckpointsTest, XorLists) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  BundleReader reader = OpenOrDie(dir + "/ckpt/xor_model.ckpt");
  EXPECT_EQ(Describe(reader),
            "Variable float [2,2]\nVariable/Adam float [2,2]\n"
            "Variable/Adam_1 float [2,2]\nVariable_1 float [2]\n"
            "Variable_1/Adam float [2]\nVariable_1/Adam_1 float [2]\n"
            "Variable_2 float [2,2]\nVariable_2/Adam float [2,2]\n"
            "Variable_2/Adam_1 float [2,2]\nVariable_3 float [2]\n"
            "Variable_3/Adam float [2]\nVariable_3/Adam_1 float [2]\n"
            "beta1_power float []\nbeta2_power float []\n");
  EXPECT_TRUE(reader.ReadAll().ok());
}

TEST(TfCheckpointsTest, HalfPlusTwoVariables) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/sm_half_plus_two_tf114");
  BundleReader reader = OpenOrDie(dir + "/00000123/variables/variables");
  auto all = reader.ReadAll();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 5u);
  EXPECT_EQ(all->at("a").flat<float>()[0], 0.5f);
  EXPECT_EQ(all->at("b").flat<float>()[0], 2.0f);
  EXPECT_EQ(all->at("c").flat<float>()[0], 3.0f);
  EXPECT_EQ(all->at("a2").flat<float>()[0], 0.5f);
  EXPECT_EQ(all->at("c2").flat<float>()[0], 3.0f);
}

TEST(TfCheckpointsTest, LstmArimaThroughItsCheckpointFile) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/cf_lstm_arima_tf14");
  auto prefix = ResolveBundlePrefix(dir);
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  EXPECT_EQ(*prefix, dir + "/sunld.model");
  BundleReader reader = OpenOrDie(*prefix);
  EXPECT_EQ(reader.ListTensors().size(), 20u) << Describe(reader);
  EXPECT_TRUE(reader.ReadAll().ok());
}

TEST(TfCheckpointsTest, BundleWriterReproducesTfBytes) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  ExpectByteIdenticalRewrite(dir + "/ckpt/mnist_mlp_model.ckpt", {}, "mnist");
  ExpectByteIdenticalRewrite(dir + "/ckpt/xor_model.ckpt", {}, "xor");
  ExpectByteIdenticalRewrite(dir + "/more/cf_lstm_arima_tf14/sunld.model", {},
                             "lstm");
  // TF 1.14's MergeBundles (SavedModel saves are sharded) wrote the index
  // with Snappy-compressed blocks.
  table::TableOptions snappy;
  snappy.compression = table::Compression::kSnappy;
  ExpectByteIdenticalRewrite(
      dir + "/more/sm_half_plus_two_tf114/00000123/variables/variables", snappy,
      "half_plus_two");
}

}  // namespace
}  // namespace graphflow
