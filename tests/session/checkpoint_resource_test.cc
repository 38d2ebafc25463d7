// Resource variables in checkpoints: SaveVariables/RestoreVariables see them
// by name in both formats, and TF Saver-style graphs (SaveV2 fed by
// ReadVariableOp, RestoreV2 into AssignVariableOp) round-trip them.
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ops/resource_variable_ops.h"
#include "ops/state_ops.h"
#include "session/checkpoint.h"
#include "tensor_bundle/bundle_reader.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;

std::string TempPath(absl::string_view name) {
  return absl::StrCat(::testing::TempDir(), "/checkpoint_resource_test_",
                      getpid(), "_", name);
}

Tensor Strings(const std::vector<std::string>& values) {
  Tensor t(DT_STRING, TensorShape{static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i)
    t.data<std::string>()[i] = values[i];
  return t;
}

Tensor String(const std::string& value) {
  Tensor t(DT_STRING, TensorShape{});
  t.data<std::string>()[0] = value;
  return t;
}

struct Model {
  Scope s = NewRootScope();
  Output w = ops::VarHandleOp(s.WithOpName("w"), DT_FLOAT, {2});
  Output b = ops::VarHandleOp(s.WithOpName("bias"), DT_FLOAT, {}, "b");
  Output init_w = ops::AssignVariableOp(s, w, F({1, 2}, {2}));
  Output init_b = ops::AssignVariableOp(s, b, 0.5f);
  Output step = ops::AssignAddVariableOp(s, w, F({10, 10}, {2}));
  Output read_w = ops::ReadVariableOp(s, w, DT_FLOAT);
  Output read_b = ops::ReadVariableOp(s, b, DT_FLOAT);
};

std::unique_ptr<Session> Start(const Scope& s) {
  auto created = Session::Create(s);
  EXPECT_TRUE(created.ok()) << created.status();
  return created.ok() ? *std::move(created) : nullptr;
}

TEST(ResourceCheckpointTest, SaveAndRestoreInBothFormats) {
  for (CheckpointFormat format :
       {CheckpointFormat::kGraphflow, CheckpointFormat::kTensorFlow}) {
    Model m;
    auto first = Start(m.s);
    ASSERT_OK(first->Run({}, {}, {m.init_w, m.init_b, m.step}).status());
    const std::string path = TempPath(
        format == CheckpointFormat::kGraphflow ? "gf.ckpt" : "tf_model");
    ASSERT_OK(SaveVariables(*first, path, format));
    auto loaded = LoadCheckpoint(path);
    ASSERT_OK(loaded.status());
    ASSERT_EQ(loaded->size(), 2u);  // Named "w" and the shared name "b".
    EXPECT_TENSOR_NEAR(loaded->at("w"), F({11, 12}, {2}));
    EXPECT_TENSOR_NEAR(loaded->at("b"), Tensor::Scalar(0.5f));

    auto second = Start(m.s);
    EXPECT_FALSE(second->Run({m.read_w}).ok());
    ASSERT_OK(RestoreVariables(*second, path));
    auto out = second->Run({m.read_w, m.read_b});
    ASSERT_OK(out.status());
    EXPECT_TENSOR_NEAR((*out)[0], F({11, 12}, {2}));
    EXPECT_TENSOR_NEAR((*out)[1], Tensor::Scalar(0.5f));
  }
}

// What TF's Saver builds for resource variables.
TEST(ResourceCheckpointTest, TfSaverGraphWithReadAndAssignVariableOps) {
  Model m;
  Scope& s = m.s;
  Output prefix = ops::Const(s.WithOpName("save/Const"), String("unused"));
  Output names = ops::Const(s, Strings({"b", "w"}));
  Output slices = ops::Const(s, Strings({"", ""}));
  Node* save = s.WithOpName("save/SaveV2")
                   .AddNode("SaveV2", {prefix, names, slices,
                                       ops::ReadVariableOp(s, m.b, DT_FLOAT),
                                       ops::ReadVariableOp(s, m.w, DT_FLOAT)});
  OutputList restored =
      s.WithOpName("save/RestoreV2")
          .AddOp("RestoreV2", {prefix, names, slices},
                 {{"dtypes", DataTypeVector{DT_FLOAT, DT_FLOAT}}});
  Output a0 = ops::AssignVariableOp(s, m.b, restored[0]);
  Output a1 = ops::AssignVariableOp(s, m.w, restored[1]);
  ASSERT_OK(s.status());
  auto session = Start(s);
  ASSERT_OK(session->Run({}, {}, {m.init_w, m.init_b, m.step}).status());
  const std::string path = TempPath("saver/model.ckpt");
  std::filesystem::create_directories(TempPath("saver"));
  FeedDict feed = {{prefix, String(path)}};
  ASSERT_OK(session->Run(feed, {}, {Output(save, 0)}).status());
  auto reader = BundleReader::Open(path);
  ASSERT_OK(reader.status());
  auto w = reader->Read("w");
  ASSERT_OK(w.status());
  EXPECT_TENSOR_NEAR(*w, F({11, 12}, {2}));

  auto fresh = Start(s);
  ASSERT_OK(fresh->Run(feed, {}, {a0, a1}).status());
  auto out = fresh->Run({m.read_w, m.read_b});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], F({11, 12}, {2}));
  EXPECT_TENSOR_NEAR((*out)[1], Tensor::Scalar(0.5f));
}

}  // namespace
}  // namespace graphflow
