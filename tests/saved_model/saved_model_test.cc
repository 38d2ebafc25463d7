// SavedModels graphflow writes: a round trip through SaveSavedModel and
// LoadSavedModel gives the same outputs; the files are TF's (saver subgraph,
// SaverDef, a TF V2 checkpoint under variables/); text saved_model.pbtxt
// loads too; errors name what is missing.
#include "saved_model/saved_model.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "base/file_io.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "ops/lookup_ops.h"
#include "ops/math_ops.h"
#include "ops/matmul_ops.h"
#include "ops/state_ops.h"
#include "tensor_bundle/bundle_reader.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

namespace fs = std::filesystem;
using testing::F;

std::string FreshDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/saved_model_test_" + name;
  fs::remove_all(dir);
  return dir;
}

// y = x W + b with W = [[2], [3]], b = [0.5], initialized in the session.
struct Model {
  std::unique_ptr<Session> session;
  std::map<std::string, tensorflow::SignatureDef> signatures;
};

Model TrainedModel() {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 2});
  Output w = ops::Variable(s.WithOpName("W"), {2, 1}, DT_FLOAT);
  Output b = ops::Variable(s.WithOpName("b"), {1}, DT_FLOAT);
  Output y = ops::Add(s.WithOpName("y"), ops::MatMul(s, x, w), b);
  Output init_w = ops::Assign(s, w, F({2, 3}, {2, 1}));
  Output init_b = ops::Assign(s, b, F({0.5}, {1}));
  EXPECT_OK(s.status());
  Model m;
  auto session = Session::Create(s);
  EXPECT_OK(session.status());
  m.session = std::move(*session);
  EXPECT_OK(m.session->Run(FeedDict{}, {}, {init_w, init_b}).status());
  auto sig = MakeSignatureDef(m.session->graph(), {{"inputs", "x"}},
                              {{"outputs", "y"}});
  EXPECT_OK(sig.status());
  m.signatures[kDefaultServingSignatureDefKey] = *sig;
  return m;
}

Tensor Predict(const SavedModelBundle& bundle, const Tensor& x) {
  auto sig = bundle.GetSignature(kDefaultServingSignatureDefKey);
  EXPECT_OK(sig.status());
  auto out = bundle.session->Run({{*sig->Input("inputs"), x}},
                                 {*sig->Output("outputs")});
  EXPECT_OK(out.status());
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(SavedModelTest, RoundTripGivesTheSameOutputs) {
  Model m = TrainedModel();
  std::string dir = FreshDir("round_trip");
  ASSERT_OK(SaveSavedModel(*m.session, dir, {"serve"}, m.signatures));
  EXPECT_TRUE(IsSavedModelDirectory(dir));
  auto bundle = LoadSavedModel(dir, {"serve"}, GlobalOpRegistry());
  ASSERT_OK(bundle.status());
  Tensor x = F({1, 1, 2, -1}, {2, 2});
  EXPECT_TENSOR_NEAR(Predict(*bundle, x), F({5.5, 1.5}, {2, 1}), 0);
  auto sig = bundle->GetSignature(kDefaultServingSignatureDefKey);
  ASSERT_OK(sig.status());
  const tensorflow::TensorInfo& in = sig->def().inputs().at("inputs");
  EXPECT_EQ(in.name(), "x:0");
  EXPECT_EQ(in.dtype(), tensorflow::DT_FLOAT);
  ASSERT_EQ(in.tensor_shape().dim_size(), 2);
  EXPECT_EQ(in.tensor_shape().dim(0).size(), -1);
  EXPECT_EQ(sig->def().method_name(), "tensorflow/serving/predict");
}

TEST(SavedModelTest, WritesTfSaverAndCheckpoint) {
  Model m = TrainedModel();
  std::string dir = FreshDir("tf_files");
  ASSERT_OK(SaveSavedModel(*m.session, dir, {"serve", "train"}, m.signatures));
  auto model = ReadSavedModel(dir);
  ASSERT_OK(model.status());
  ASSERT_EQ(model->meta_graphs_size(), 1);
  const auto& meta = model->meta_graphs(0);
  EXPECT_EQ(model->saved_model_schema_version(), 1);
  EXPECT_EQ(meta.meta_info_def().tags_size(), 2);
  EXPECT_EQ(meta.saver_def().filename_tensor_name(), "save/Const:0");
  EXPECT_EQ(meta.saver_def().restore_op_name(), "save/restore_all");
  EXPECT_EQ(meta.saver_def().version(), tensorflow::SaverDef::V2);
  // The variables are a TF V2 checkpoint TF's reader reads.
  auto reader = BundleReader::Open(dir + "/variables/variables");
  ASSERT_OK(reader.status());
  auto tensors = reader->ReadAll();
  ASSERT_OK(tensors.status());
  ASSERT_EQ(tensors->size(), 2u);
  EXPECT_TENSOR_NEAR(tensors->at("W"), F({2, 3}, {2, 1}), 0);
  EXPECT_TENSOR_NEAR(tensors->at("b"), F({0.5}, {1}), 0);
  // Loading needs both tags, as a set.
  EXPECT_OK(
      LoadSavedModel(dir, {"train", "serve"}, GlobalOpRegistry()).status());
  auto serve_only = LoadSavedModel(dir, {"serve"}, GlobalOpRegistry());
  EXPECT_EQ(serve_only.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(serve_only.status().message(),
                                "available tag sets: {serve, train}"))
      << serve_only.status();
}

TEST(SavedModelTest, RefusesToOverwriteAndLeavesNoTemporary) {
  Model m = TrainedModel();
  std::string dir = FreshDir("exists");
  ASSERT_OK(SaveSavedModel(*m.session, dir, {"serve"}, m.signatures));
  absl::Status again = SaveSavedModel(*m.session, dir, {"serve"}, {});
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  int entries = 0;
  for (const auto& e : fs::directory_iterator(fs::path(dir).parent_path())) {
    entries += absl::StrContains(e.path().filename().string(),
                                 "saved_model_test_exists.tmp");
  }
  EXPECT_EQ(entries, 0);
}

TEST(SavedModelTest, TextSavedModelLoads) {
  Model m = TrainedModel();
  std::string dir = FreshDir("text_src");
  ASSERT_OK(SaveSavedModel(*m.session, dir, {"serve"}, m.signatures));
  auto model = ReadSavedModel(dir);
  ASSERT_OK(model.status());
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(*model, &text));
  fs::remove(fs::path(dir) / kSavedModelFilenamePb);
  ASSERT_OK(WriteFileAtomically(dir + "/" + kSavedModelFilenamePbTxt, text));
  auto bundle = LoadSavedModel(dir, {"serve"}, GlobalOpRegistry());
  ASSERT_OK(bundle.status());
  EXPECT_TENSOR_NEAR(Predict(*bundle, F({0, 1}, {1, 2})), F({3.5}, {1, 1}), 0);
}

TEST(SavedModelTest, MissingAndCorruptFiles) {
  std::string dir = FreshDir("missing");
  fs::create_directories(dir);
  EXPECT_FALSE(IsSavedModelDirectory(dir));
  auto none = LoadSavedModel(dir, {"serve"}, GlobalOpRegistry());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(none.status().message(), "saved_model.pb"));
  ASSERT_OK(WriteFileAtomically(dir + "/saved_model.pb", "\xff\xff\xff"));
  auto corrupt = LoadSavedModel(dir, {"serve"}, GlobalOpRegistry());
  EXPECT_EQ(corrupt.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(corrupt.status().message(),
                                "not a valid binary SavedModel"))
      << corrupt.status();
}

// TF's vocabulary pattern: a lookup table initialized by the main op from
// an asset file whose path the loader feeds.
TEST(SavedModelTest, MainOpInitializesATableFromAnAsset) {
  Scope s = NewRootScope();
  Tensor default_path(DT_STRING, TensorShape{});
  default_path.data<std::string>()[0] = "vocab.txt";
  Output path = ops::Const(s.WithOpName("vocab_path"), default_path);
  Output table = ops::HashTableV2(s.WithOpName("table"), DT_STRING, DT_INT64);
  Output init = ops::InitializeTableFromTextFile(s.WithOpName("init_table"),
                                                 table, path, -1, -2);
  s.WithOpName("main_op").WithControlDependencies({init}).AddNode("NoOp", {});
  Output words = ops::Placeholder(s.WithOpName("words"), DT_STRING, {-1});
  ops::LookupTableFind(s.WithOpName("ids"), table, words, Input(int64_t{-1}));
  ASSERT_OK(s.status());
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  auto sig = MakeSignatureDef((*session)->graph(), {{"words", "words"}},
                              {{"ids", "ids"}});
  ASSERT_OK(sig.status());
  std::string dir = FreshDir("asset");
  ASSERT_OK(SaveSavedModel(**session, dir, {"serve"}, {{"lookup", *sig}}));
  // No variables: no variables/ directory, nothing to restore.
  EXPECT_FALSE(fs::exists(dir + "/variables"));
  // Add what TF's builder writes for an asset and a main op.
  auto model = ReadSavedModel(dir);
  ASSERT_OK(model.status());
  tensorflow::MetaGraphDef* meta = model->mutable_meta_graphs(0);
  (*meta->mutable_collection_def())[kSavedModelMainOpKey]
      .mutable_node_list()
      ->add_value("main_op");
  tensorflow::AssetFileDef* asset = meta->add_asset_file_def();
  asset->mutable_tensor_info()->set_name("vocab_path:0");
  asset->set_filename("vocab.txt");
  ASSERT_OK(
      WriteFileAtomically(dir + "/saved_model.pb", model->SerializeAsString()));
  fs::create_directories(dir + "/assets");
  ASSERT_OK(WriteFileAtomically(dir + "/assets/vocab.txt", "the\nof\nand\n"));

  auto bundle = LoadSavedModel(dir, {"serve"}, GlobalOpRegistry());
  ASSERT_OK(bundle.status());
  auto lookup = bundle->GetSignature("lookup");
  ASSERT_OK(lookup.status());
  Tensor query(DT_STRING, TensorShape{3});
  query.data<std::string>()[0] = "and";
  query.data<std::string>()[1] = "cat";
  query.data<std::string>()[2] = "the";
  auto out = bundle->session->Run({{*lookup->Input("words"), query}},
                                  {*lookup->Output("ids")});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], testing::I64({2, -1, 0}, {3}), 0);
}

TEST(SavedModelTest, ParseTags) {
  EXPECT_EQ(ParseTags(""), (std::set<std::string>{"serve"}));
  EXPECT_EQ(ParseTags("train,serve"),
            (std::set<std::string>{"serve", "train"}));
  EXPECT_EQ(TagSetString({"serve", "train"}), "{serve, train}");
}

TEST(SavedModelTest, SignatureOfAnUnknownTensorIsNotFound) {
  Model m = TrainedModel();
  auto sig = MakeSignatureDef(m.session->graph(), {{"in", "nope:0"}}, {});
  EXPECT_EQ(sig.status().code(), absl::StatusCode::kNotFound) << sig.status();
}

}  // namespace
}  // namespace graphflow
