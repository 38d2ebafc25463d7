// SaveV2 and RestoreV2 kernels: round trips of every dtype graphflow holds
// (string included) through a TF V2 checkpoint, variables saved and
// restored the way TF's Saver graph does it, and TF's error behaviour.
#include <filesystem>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tensor_bundle/bundle_reader.h"
#include "tensor_bundle/bundle_writer.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

namespace fs = std::filesystem;

std::string FreshDir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("io_save_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

Tensor Strings(const std::vector<std::string>& values) {
  Tensor t(DT_STRING, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.data<std::string>());
  return t;
}

Tensor String(const std::string& value) {
  Tensor t(DT_STRING, TensorShape{});
  t.data<std::string>()[0] = value;
  return t;
}

using Named = std::vector<std::pair<std::string, Tensor>>;

// Runs one SaveV2 node named "save" saving `tensors` at `prefix`.
absl::Status Save(const std::string& prefix, const Named& tensors,
                  std::vector<std::string> slices = {},
                  int64_t num_names = -1) {
  Scope s = NewRootScope();
  std::vector<std::string> names;
  for (const auto& [name, t] : tensors) names.push_back(name);
  if (num_names >= 0) names.resize(num_names, "extra");
  if (slices.empty()) slices.assign(names.size(), "");
  std::vector<Input> inputs = {ops::Const(s, String(prefix)),
                               ops::Const(s, Strings(names)),
                               ops::Const(s, Strings(slices))};
  for (const auto& [name, t] : tensors) inputs.push_back(ops::Const(s, t));
  s.WithOpName("save").AddOp("SaveV2", inputs);
  auto session = Session::Create(s);
  if (!session.ok()) return session.status();
  return (*session)->Run(NamedTensors{}, {}, {"save"}).status();
}

// Runs one RestoreV2 node named "restore".
absl::StatusOr<std::vector<Tensor>> Restore(
    const std::string& prefix, const std::vector<std::string>& names,
    const DataTypeVector& dtypes, std::vector<std::string> slices = {}) {
  Scope s = NewRootScope();
  if (slices.empty()) slices.assign(names.size(), "");
  OutputList out = s.WithOpName("restore").AddOp(
      "RestoreV2",
      {ops::Const(s, String(prefix)), ops::Const(s, Strings(names)),
       ops::Const(s, Strings(slices))},
      {{"dtypes", dtypes}});
  auto session = Session::Create(s);
  if (!session.ok()) return session.status();
  return (*session)->Run(out);
}

Named SampleTensors() {
  return {{"w", Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3})},
          {"b", Tensor::Vector<double>({0.5, -1.25})},
          {"global_step", Tensor::Scalar<int64_t>(1000)},
          {"i32", Tensor::Vector<int32_t>({-7, 7})},
          {"u8", Tensor::Vector<uint8_t>({0, 255})},
          {"flags", Tensor::Vector<bool>({true, false, true})},
          {"empty", Tensor(DT_FLOAT, TensorShape{0, 4})},
          {"words", Strings({"hello", "", std::string("a\0b", 3)})},
          {"label", String("graphflow")}};
}

TEST(IoOpsSaveTest, SaveThenRestoreGivesBackEveryTensor) {
  const std::string prefix = FreshDir("roundtrip") + "/model.ckpt";
  const Named tensors = SampleTensors();
  ASSERT_OK(Save(prefix, tensors));

  // Restored in another order than saved, as a Saver may list them.
  std::vector<std::string> names;
  DataTypeVector dtypes;
  for (auto it = tensors.rbegin(); it != tensors.rend(); ++it) {
    names.push_back(it->first);
    dtypes.push_back(it->second.dtype());
  }
  auto restored = Restore(prefix, names, dtypes);
  ASSERT_OK(restored.status());
  ASSERT_EQ(restored->size(), tensors.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const Tensor& expected = tensors[tensors.size() - 1 - i].second;
    EXPECT_TRUE(TensorsEqual((*restored)[i], expected))
        << names[i] << ": " << (*restored)[i].DebugString() << " vs "
        << expected.DebugString();
  }
}

TEST(IoOpsSaveTest, WritesTheBundleBundleWriterWrites) {
  const std::string dir = FreshDir("bytes");
  const Named tensors = SampleTensors();
  ASSERT_OK(Save(dir + "/op", tensors));
  // The same tensors added in the same order by BundleWriter directly.
  BundleWriter writer(dir + "/direct");
  for (const auto& [name, t] : tensors) ASSERT_OK(writer.Add(name, t));
  ASSERT_OK(writer.Finish());
  for (const auto& [a, b] :
       {std::pair{BundleIndexFilename(dir + "/op"),
                  BundleIndexFilename(dir + "/direct")},
        std::pair{BundleDataFilename(dir + "/op", 0, 1),
                  BundleDataFilename(dir + "/direct", 0, 1)}}) {
    auto ours = ReadFileToString(a);
    auto direct = ReadFileToString(b);
    ASSERT_OK(ours.status());
    ASSERT_OK(direct.status());
    EXPECT_EQ(*ours, *direct) << a;
  }
  auto reader = BundleReader::Open(dir + "/op");
  ASSERT_OK(reader.status());
  EXPECT_EQ(reader->ListTensors().size(), tensors.size());
  auto w = reader->Read("w");
  ASSERT_OK(w.status());
  EXPECT_TRUE(TensorsEqual(*w, tensors[0].second));
}

TEST(IoOpsSaveTest, SavesAndRestoresVariablesLikeTfSaver) {
  const std::string prefix = FreshDir("vars") + "/model";
  Scope s = NewRootScope();
  Output v = ops::Variable(s.WithOpName("v"), {2}, DT_FLOAT);
  ops::Assign(s.WithOpName("v/Assign"), v, ops::Const(s, {3.f, 4.f}, {2}));
  Output file = ops::Const(s.WithOpName("save/Const"), String("unused"));
  Output names = ops::Const(s, Strings({"v"}));
  Output slices = ops::Const(s, Strings({""}));
  s.WithOpName("save/SaveV2").AddOp("SaveV2", {file, names, slices, v});
  OutputList restored = s.WithOpName("save/RestoreV2")
                            .AddOp("RestoreV2", {file, names, slices},
                                   {{"dtypes", DataTypeVector{DT_FLOAT}}});
  ops::Assign(s.WithOpName("save/Assign"), v, restored[0]);
  ASSERT_OK(s.status());
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  Session& sess = **session;

  // Saving an uninitialized variable fails as reading it does.
  const NamedTensors feed = {{"save/Const", String(prefix)}};
  absl::Status unset = sess.Run(feed, {}, {"save/SaveV2"}).status();
  EXPECT_EQ(unset.code(), absl::StatusCode::kFailedPrecondition) << unset;

  ASSERT_OK(sess.Run(NamedTensors{}, {}, {"v/Assign"}).status());
  ASSERT_OK(sess.Run(feed, {}, {"save/SaveV2"}).status());
  auto checkpoint = BundleReader::Open(prefix);
  ASSERT_OK(checkpoint.status());
  auto saved = checkpoint->Read("v");
  ASSERT_OK(saved.status());
  EXPECT_TRUE(TensorsEqual(*saved, testing::F({3, 4}, {2})));

  // Restoring a checkpoint holding other values replaces the variable's.
  const std::string other = FreshDir("vars_other") + "/model";
  ASSERT_OK(WriteBundle(other, {{"v", testing::F({-1, 9}, {2})}}));
  auto after = sess.Run({{"save/Const", String(other)}}, {"save/Assign"});
  ASSERT_OK(after.status());
  auto value = sess.Run(NamedTensors{}, {"v"});
  ASSERT_OK(value.status());
  EXPECT_TRUE(TensorsEqual((*value)[0], testing::F({-1, 9}, {2})));
}

void ExpectError(const absl::Status& status, absl::StatusCode code,
                 const std::vector<std::string>& parts) {
  EXPECT_EQ(status.code(), code) << status;
  for (const std::string& part : parts) {
    EXPECT_NE(status.message().find(part), std::string::npos)
        << "'" << part << "' not in: " << status;
  }
}

TEST(IoOpsSaveTest, SaveErrors) {
  const std::string dir = FreshDir("save_errors");
  const Named one = {{"a", testing::F({1}, {1})}};
  ExpectError(Save(dir + "/s", one, {"4 0,2"}),
              absl::StatusCode::kUnimplemented,
              {"node 'save' (SaveV2)", "tensor 'a'", "4 0,2"});
  ExpectError(Save(dir + "/n", one, {}, 2), absl::StatusCode::kInvalidArgument,
              {"node 'save'", "Got 2 tensor names but 1 tensors."});
  ExpectError(Save(dir + "/d",
                   {{"a", testing::F({1}, {1})}, {"a", testing::F({2}, {1})}}),
              absl::StatusCode::kInvalidArgument, {"node 'save'", "'a'"});
  EXPECT_FALSE(fs::exists(BundleIndexFilename(dir + "/d")));
  ExpectError(Save(dir + "/t", one, {"", ""}),
              absl::StatusCode::kInvalidArgument,
              {"tensor_names and shape_and_slices have different number of "
               "elements: 1 vs. 2"});
}

TEST(IoOpsSaveTest, RestoreErrors) {
  const std::string prefix = FreshDir("restore_errors") + "/ckpt";
  ASSERT_OK(WriteBundle(
      prefix, {{"a", testing::F({1, 2}, {2})}, {"b", testing::I32({3}, {1})}}));
  ExpectError(Restore(prefix, {"a", "missing"}, {DT_FLOAT, DT_FLOAT}).status(),
              absl::StatusCode::kNotFound,
              {"node 'restore' (RestoreV2)", "Key missing not found", prefix});
  ExpectError(Restore(prefix, {"b", "a"}, {DT_FLOAT, DT_INT32}).status(),
              absl::StatusCode::kInvalidArgument,
              {"tensor_name = a; expected dtype int32 does not equal original "
               "dtype float\ntensor_name = b; expected dtype float does not "
               "equal original dtype int32"});
  ExpectError(Restore(prefix + "_nope", {"a"}, {DT_FLOAT}).status(),
              absl::StatusCode::kNotFound,
              {"node 'restore'", prefix + "_nope"});
  ExpectError(Restore(prefix, {"a", "b"}, {DT_FLOAT}).status(),
              absl::StatusCode::kInvalidArgument,
              {"Got 2 tensor names, but 1 expected dtypes."});
  ExpectError(Restore(prefix, {"a"}, {DT_FLOAT}, {"2 0,1"}).status(),
              absl::StatusCode::kUnimplemented, {"node 'restore'", "'a'"});
}

TEST(IoOpsSaveTest, RestoreRespectsTheTensorSizeLimit) {
  const std::string prefix = FreshDir("limit") + "/ckpt";
  Tensor big(DT_FLOAT, {1024});
  big.FillZero();
  ASSERT_OK(WriteBundle(prefix, {{"big", big}}));
  Scope s = NewRootScope();
  OutputList out = s.WithOpName("restore").AddOp(
      "RestoreV2",
      {ops::Const(s, String(prefix)), ops::Const(s, Strings({"big"})),
       ops::Const(s, Strings({""}))},
      {{"dtypes", DataTypeVector{DT_FLOAT}}});
  SessionOptions options;
  options.limits.max_tensor_bytes = 1000;
  auto session = Session::Create(s, options);
  ASSERT_OK(session.status());
  ExpectError((*session)->Run(out).status(),
              absl::StatusCode::kResourceExhausted, {"node 'restore'"});
}

}  // namespace
}  // namespace graphflow
