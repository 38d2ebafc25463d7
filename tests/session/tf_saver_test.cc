// TF graphs' own Saver subgraphs run in graphflow: `save/restore_all` fed
// with a TF-written checkpoint restores every variable to the values
// BundleReader reads, and the graph's save op writes a checkpoint that reads
// back equal and is byte-identical to TF's own files (../shared/tfgraphs).
// SavedModels carry sharded Savers (StringJoin, ShardedFilename, SaveV2
// into a temporary directory, MergeV2Checkpoints).
#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "google/protobuf/unknown_field_set.h"
#include "graph/status.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "proto/graph_io.h"
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

// Restores `prefix` through the graph's save/restore_all, checks every
// variable, saves through `save_fetch` to a fresh prefix and checks the
// files written against TF's.
void RestoreThenSave(Session& session, const std::string& prefix,
                     const std::string& save_fetch) {
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

  // Save through the graph's own save op to a fresh prefix.
  const fs::path out_dir =
      fs::path(::testing::TempDir()) /
      ("tf_saver_" +
       std::to_string(std::hash<std::string>()(prefix) % 1000000));
  fs::remove_all(out_dir);
  const std::string saved = (out_dir / "model.ckpt").string();
  auto result = session.Run({{"save/Const", String(saved)}}, {save_fetch});
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
  // does, so both files are TF's own, byte for byte; a sharded save leaves
  // nothing else behind.
  EXPECT_EQ(Bytes(BundleIndexFilename(saved)),
            Bytes(BundleIndexFilename(prefix)));
  EXPECT_EQ(Bytes(BundleDataFilename(saved, 0, 1)),
            Bytes(BundleDataFilename(prefix, 0, 1)));
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(out_dir)) {
    files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, std::vector<std::string>(
                       {"model.ckpt.data-00000-of-00001", "model.ckpt.index"}));
}

TEST_P(TfSaverTest, RestoreAllThenSaveRoundTripsTheTfCheckpoint) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  std::unique_ptr<Graph> graph =
      testing::LoadGraph(dir + "/" + GetParam().graph);
  ASSERT_TRUE(graph);
  auto session =
      Session::Create(std::shared_ptr<const Graph>(std::move(graph)));
  ASSERT_OK(session.status());
  RestoreThenSave(**session, dir + "/" + GetParam().checkpoint,
                  "save/control_dependency");
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

// The first MetaGraphDef of a SavedModel (field 2 of saved_model.pb).
absl::StatusOr<tensorflow::GraphDef> SavedModelGraph(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path));
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) {
    return absl::DataLossError(path + " is not a SavedModel");
  }
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& field = fields.field(i);
    if (field.number() == 2 &&
        field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      return ParseGraphDef(field.length_delimited(), path);
    }
  }
  return absl::NotFoundError(path + " has no MetaGraphDef");
}

class TfShardedSaverTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TfShardedSaverTest, RestoreAllThenShardedSaveRoundTrips) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/" + GetParam());
  auto def = SavedModelGraph(dir + "/saved_model.pb");
  ASSERT_OK(def.status());
  auto session = Session::Create(*def, GlobalOpRegistry());
  ASSERT_OK(session.status());
  RestoreThenSave(**session, dir + "/variables/variables", "save/Identity");
}

INSTANTIATE_TEST_SUITE_P(SavedModels, TfShardedSaverTest,
                         ::testing::Values("sm_mnist_softmax_tf112/1",
                                           "sm_counter_tf15/00000123"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return std::string(info.index == 0 ? "mnist_softmax"
                                                              : "counter");
                         });

}  // namespace
}  // namespace graphflow
