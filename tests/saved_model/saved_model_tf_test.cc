// The real TF1 SavedModels in ../shared/tfgraphs/more, loaded by tag and run
// by signature with the values their README documents.
#include <algorithm>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "saved_model/saved_model.h"
#include "tests/support/mnist.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

SavedModelBundle Load(const std::string& dir,
                      std::set<std::string> tags = {"serve"}) {
  auto bundle = LoadSavedModel(dir, tags, GlobalOpRegistry());
  EXPECT_TRUE(bundle.ok()) << bundle.status();
  return bundle.ok() ? std::move(*bundle) : SavedModelBundle{};
}

// Runs signature `name` with `feeds` (input key -> tensor); returns the
// output under `output_key`.
Tensor RunSignature(const SavedModelBundle& model, const std::string& name,
                    const std::vector<std::pair<std::string, Tensor>>& feeds,
                    const std::string& output_key) {
  auto sig = model.GetSignature(name);
  EXPECT_TRUE(sig.ok()) << sig.status();
  if (!sig.ok()) return Tensor();
  NamedTensors named;
  for (const auto& [key, value] : feeds) {
    auto tensor = sig->Input(key);
    EXPECT_TRUE(tensor.ok()) << tensor.status();
    if (!tensor.ok()) return Tensor();
    named.emplace_back(*tensor, value);
  }
  auto fetch = sig->Output(output_key);
  EXPECT_TRUE(fetch.ok()) << fetch.status();
  if (!fetch.ok()) return Tensor();
  auto out = model.session->Run(named, {*fetch});
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(SavedModelTfTest, MnistSoftmaxPredictImagesAccuracy) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/sm_mnist_softmax_tf112/1");
  auto digits = testing::LoadMnistTestSet();
  if (absl::IsNotFound(digits.status())) GTEST_SKIP() << digits.status();
  ASSERT_OK(digits.status());
  SavedModelBundle model = Load(dir);
  ASSERT_NE(model.session, nullptr);
  Tensor logits = RunSignature(model, "predict_images",
                               {{"input_x", digits->images}}, "output");
  ASSERT_EQ(logits.shape(), (TensorShape{10000, 10}));
  int correct = 0;
  for (int i = 0; i < 10000; ++i) {
    const float* row = logits.data<float>() + i * 10;
    int best = std::max_element(row, row + 10) - row;
    correct += best == digits->labels.data<int64_t>()[i];
  }
  EXPECT_EQ(correct, 8467);
}

TEST(SavedModelTfTest, CounterKeepsStateAcrossRuns) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/sm_counter_tf15/00000123");
  SavedModelBundle model = Load(dir);
  ASSERT_NE(model.session, nullptr);
  auto counter = [&](const std::string& sig,
                     std::vector<std::pair<std::string, Tensor>> feeds = {}) {
    Tensor t = RunSignature(model, sig, feeds, "output");
    return t.valid() ? t.data<float>()[0] : -1.0f;
  };
  EXPECT_EQ(counter("get_counter"), 0.0f);
  EXPECT_EQ(counter("incr_counter"), 1.0f);
  EXPECT_EQ(counter("incr_counter"), 2.0f);
  EXPECT_EQ(counter("get_counter"), 2.0f);
  EXPECT_EQ(counter("incr_counter_by", {{"delta", Tensor::Scalar(3.0f)}}),
            5.0f);
  EXPECT_EQ(counter("get_counter"), 5.0f);
  EXPECT_EQ(counter("reset_counter"), 0.0f);
  EXPECT_EQ(counter("incr_counter"), 1.0f);
}

TEST(SavedModelTfTest, HalfPlusTwoBySignature) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/sm_half_plus_two_tf114/00000123");
  // x and x2 are Identities on ParseExample, which graphflow imports as an
  // opaque node: feeding them prunes it away.
  auto loaded = LoadSavedModel(dir, {"serve"}, GlobalOpRegistry());
  ASSERT_OK(loaded.status());
  Tensor x = testing::F({1, 2, 3}, {3, 1});
  EXPECT_TENSOR_NEAR(RunSignature(*loaded, "serving_default", {{"x", x}}, "y"),
                     testing::F({2.5, 3, 3.5}, {3, 1}), 0);
  // regress_x_to_y reads tf_example, a serialized-Example input; feeding
  // x:0 directly prunes ParseExample away.
  auto sig = loaded->GetSignature("regress_x_to_y");
  ASSERT_OK(sig.status());
  auto y = loaded->session->Run({{"x:0", x}}, {*sig->Output("outputs")});
  ASSERT_OK(y.status());
  EXPECT_TENSOR_NEAR((*y)[0], testing::F({2.5, 3, 3.5}, {3, 1}), 0);
  // Fed its own input, a serialized Example, it needs ParseExample.
  Tensor example(DT_STRING, TensorShape{1});
  auto parsed = loaded->session->Run({{*sig->Input("inputs"), example}},
                                     {*sig->Output("outputs")});
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kUnimplemented)
      << parsed.status();
  EXPECT_TRUE(absl::StrContains(parsed.status().message(), "ParseExample"))
      << parsed.status();
  auto y2 = loaded->session->Run({{"x:0", x}}, {"y2:0"});
  ASSERT_OK(y2.status());
  EXPECT_TENSOR_NEAR((*y2)[0], testing::F({3.5, 4, 4.5}, {3, 1}), 0);
  Tensor y3 =
      RunSignature(*loaded, "regress_x2_to_y3", {{"inputs", x}}, "outputs");
  EXPECT_TENSOR_NEAR(y3, testing::F({3.5, 4, 4.5}, {3, 1}), 0);
  // The main op (group_deps) assigned filename_tensor its value.
  auto asset = loaded->session->Run(NamedTensors{}, {"filename_tensor"});
  ASSERT_OK(asset.status());
  EXPECT_EQ((*asset)[0].data<std::string>()[0], "foo.txt");
}

TEST(SavedModelTfTest, TrioRegressionServingDefault) {
  GF_SKIP_WITHOUT_SHARED(dir,
                         "tfgraphs/more/trio_regression_tf111/saved_model");
  SavedModelBundle model = Load(dir);
  ASSERT_NE(model.session, nullptr);
  Tensor pred = RunSignature(model, kDefaultServingSignatureDefKey,
                             {{"X", testing::F({0, 1, 2}, {3})}}, "pred");
  const float w = 0.21396178f, b = 1.0495254f;
  EXPECT_TENSOR_NEAR(pred, testing::F({b, w + b, 2 * w + b}, {3}), 1e-6);
}

TEST(SavedModelTfTest, UnknownTagsListTheAvailableSets) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/sm_counter_tf15/00000123");
  auto loaded = LoadSavedModel(dir, {"serve", "gpu"}, GlobalOpRegistry());
  ASSERT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(loaded.status().message(),
                                "no meta graph with tags {gpu, serve}"))
      << loaded.status();
  EXPECT_TRUE(absl::StrContains(loaded.status().message(),
                                "available tag sets: {serve}"))
      << loaded.status();
}

TEST(SavedModelTfTest, UnknownSignatureAndKeysAreNotFound) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/sm_mnist_softmax_tf112/1");
  SavedModelBundle model = Load(dir);
  auto missing = model.GetSignature("classify");
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(missing.status().message(),
                                "(it has: predict_images, serving_default)"))
      << missing.status();
  auto sig = model.GetSignature("predict_images");
  ASSERT_OK(sig.status());
  EXPECT_EQ(*sig->Input("input_x"), "x:0");
  auto key = sig->Input("images");
  ASSERT_EQ(key.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(key.status().message(),
                                "signature 'predict_images' has no input "
                                "'images' (it has: input_x)"))
      << key.status();
}

}  // namespace
}  // namespace graphflow
