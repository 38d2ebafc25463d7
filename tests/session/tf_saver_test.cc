// TF graphs' own Saver subgraphs run in graphflow: `save/restore_all` fed
// with a TF-written checkpoint restores every variable to the values
// BundleReader reads, and the graph's save op writes a checkpoint that reads
// back equal and is byte-identical to TF's own files (../shared/tfgraphs).
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "base/file_io.h"
#include "gtest/gtest.h"
#include "session/session.h"
#include "tensor_bundle/bundle_reader.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

namespace fs = std::filesystem;

struct TfModel {
  std::string graph;       // Relative to ../shared/tfgraphs.
  std::string checkpoint;  // The prefix TF's Saver wrote.
};

class TfSaverTest : public ::testing::TestWithParam<TfModel> {};

Tensor String(const std::string& value) {
  Tensor t(DT_STRING, TensorShape{});
  t.data<std::string>()[0] = value;
  return t;
}

std::string Bytes(const std::string& path) {
  auto bytes = ReadFileToString(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : "";
}

TEST_P(TfSaverTest, RestoreAllThenSaveRoundTripsTheTfCheckpoint) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  const std::string prefix = dir + "/" + GetParam().checkpoint;
  std::unique_ptr<Graph> graph =
      testing::LoadGraph(dir + "/" + GetParam().graph);
  ASSERT_TRUE(graph);
  auto created =
      Session::Create(std::shared_ptr<const Graph>(std::move(graph)));
  ASSERT_OK(created.status());
  Session& session = **created;

  auto reader = BundleReader::Open(prefix);
  ASSERT_OK(reader.status());
  auto expected = reader->ReadAll();
  ASSERT_OK(expected.status());

  // Restore through the graph's own RestoreV2 and Assign nodes.
  ASSERT_OK(
      session.Run({{"save/Const", String(prefix)}}, {}, {"save/restore_all"})
          .status());
  for (const auto& [name, value] : *expected) {
    auto fetched = session.Run(NamedTensors{}, {name});
    ASSERT_OK(fetched.status());
    EXPECT_TRUE(TensorsEqual((*fetched)[0], value))
        << name << ": " << (*fetched)[0].DebugString() << " vs "
        << value.DebugString();
  }

  // Save through the graph's own SaveV2 to a fresh prefix.
  const fs::path out_dir = fs::path(::testing::TempDir()) /
                           ("tf_saver_" + fs::path(prefix).filename().string());
  fs::remove_all(out_dir);
  const std::string saved = (out_dir / "model.ckpt").string();
  auto result =
      session.Run({{"save/Const", String(saved)}}, {"save/control_dependency"});
  ASSERT_OK(result.status());
  EXPECT_EQ((*result)[0].data<std::string>()[0], saved);
  auto written = BundleReader::Open(saved);
  ASSERT_OK(written.status());
  auto reread = written->ReadAll();
  ASSERT_OK(reread.status());
  ASSERT_EQ(reread->size(), expected->size());
  for (const auto& [name, value] : *expected) {
    ASSERT_TRUE(reread->contains(name)) << name;
    EXPECT_TRUE(TensorsEqual(reread->at(name), value)) << name;
  }
  // TF saves the tensors in name order with no padding, as BundleWriter
  // does, so both files are TF's own, byte for byte.
  EXPECT_EQ(Bytes(BundleIndexFilename(saved)),
            Bytes(BundleIndexFilename(prefix)));
  EXPECT_EQ(Bytes(BundleDataFilename(saved, 0, 1)),
            Bytes(BundleDataFilename(prefix, 0, 1)));
}

INSTANTIATE_TEST_SUITE_P(
    TfGraphs, TfSaverTest,
    ::testing::Values(
        TfModel{"mnist_mlp_adam_train.pbtxt", "ckpt/mnist_mlp_model.ckpt"},
        TfModel{"xor_adam_train.meta", "ckpt/xor_model.ckpt"},
        TfModel{"more/trio_regression_tf111/checkpoint/model.meta",
                "more/trio_regression_tf111/checkpoint/model"}),
    [](const ::testing::TestParamInfo<TfModel>& info) {
      return fs::path(info.param.checkpoint).stem().string() + "_" +
             std::to_string(info.index);
    });

}  // namespace
}  // namespace graphflow
