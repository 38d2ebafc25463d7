#include "session/checkpoint.h"

#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;

std::string TempPath(absl::string_view name) {
  return absl::StrCat(::testing::TempDir(), "/checkpoint_test_", getpid(), "_",
                      name);
}

std::map<std::string, Tensor> SampleTensors() {
  Tensor strings(DT_STRING, {2});
  strings.data<std::string>()[0] = "";
  strings.data<std::string>()[1] = std::string("a\0b", 3);
  return {
      {"dense/kernel", F({1, -2, 3.5f, 4, 5, 6}, {2, 3})},
      {"scalar_double", Tensor::Scalar(-0.125)},
      {"empty_int32", Tensor(DT_INT32, {0, 4})},
      {"step", Tensor::Scalar<int64_t>(int64_t{1} << 40)},
      {"u8",
       Tensor::FromVector<uint8_t>({0, 1, 2, 255, 7, 8, 9, 10}, {2, 2, 2})},
      {"i8", Tensor::Vector<int8_t>({-128, 127})},
      {"i16", Tensor::Vector<int16_t>({-300, 300, 0})},
      {"u16", Tensor::Vector<uint16_t>({65535, 1})},
      {"mask", Tensor::Vector<bool>({true, false, true})},
      {"names", strings},
  };
}

void ExpectSameTensors(const std::map<std::string, Tensor>& got,
                       const std::map<std::string, Tensor>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [name, t] : want) {
    auto it = got.find(name);
    ASSERT_NE(it, got.end()) << name;
    EXPECT_TRUE(TensorsEqual(it->second, t))
        << name << ": " << it->second.DebugString() << " vs "
        << t.DebugString();
  }
}

TEST(CheckpointTest, RoundTripOfSeveralDtypesAndShapes) {
  std::string path = TempPath("roundtrip.ckpt");
  auto tensors = SampleTensors();
  ASSERT_OK(SaveCheckpoint(path, tensors));
  auto loaded = LoadCheckpoint(path);
  ASSERT_OK(loaded.status());
  ExpectSameTensors(*loaded, tensors);
  // Saving over an existing checkpoint replaces it.
  ASSERT_OK(SaveCheckpoint(path, {{"only", Tensor::Scalar(1.0f)}}));
  loaded = LoadCheckpoint(path);
  ASSERT_OK(loaded.status());
  ExpectSameTensors(*loaded, {{"only", Tensor::Scalar(1.0f)}});
  std::filesystem::remove(path);
}

TEST(CheckpointTest, EmptyCheckpoint) {
  auto bytes = SerializeCheckpoint({});
  ASSERT_OK(bytes.status());
  EXPECT_EQ(bytes->size(), 28u);
  auto loaded = ParseCheckpoint(*bytes, "e");
  ASSERT_OK(loaded.status());
  EXPECT_TRUE(loaded->empty());
}

TEST(CheckpointTest, Crc32MatchesZlib) {
  std::mt19937 rng(42);
  std::string buf(5000, '\0');
  for (char& c : buf) c = static_cast<char>(rng());
  for (size_t len : {0, 1, 7, 8, 9, 15, 16, 17, 100, 4999, 5000}) {
    for (size_t offset : {0, 1, 3}) {
      if (offset + len > buf.size()) continue;
      absl::string_view s = absl::string_view(buf).substr(offset, len);
      uint32_t want =
          crc32(0, reinterpret_cast<const Bytef*>(s.data()), s.size());
      EXPECT_EQ(Crc32(0, s), want) << len << " at " << offset;
      // Incremental use continues the same checksum.
      EXPECT_EQ(Crc32(Crc32(0, s.substr(0, len / 2)), s.substr(len / 2)), want);
    }
  }
  EXPECT_EQ(Crc32(0, "123456789"), 0xCBF43926u);  // The standard check value.
}

// A small model: W1 [2,3] float, b1 [3] double, step int64 scalar.
struct Model {
  explicit Model(const Scope& s, const PartialShape& w1_shape = {2, 3},
                 DataType w1_dtype = DT_FLOAT) {
    w1 = ops::Variable(s.WithOpName("W1"), w1_shape, w1_dtype);
    b1 = ops::Variable(s.WithOpName("b1"), {3}, DT_DOUBLE);
    step = ops::Variable(s.WithOpName("step"), {}, DT_INT64);
  }
  Output w1, b1, step;
};

std::unique_ptr<Session> MakeSession(const Scope& s) {
  auto session = Session::Create(s);
  EXPECT_TRUE(session.ok()) << session.status();
  return session.ok() ? *std::move(session) : nullptr;
}

TEST(CheckpointSessionTest, SaveAndRestoreVariablesThroughSessions) {
  Scope s = NewRootScope();
  Model m(s);
  Output init_w = ops::Assign(s, m.w1, F({1, 2, 3, 4, 5, 6}, {2, 3}));
  Output init_b = ops::Assign(
      s, m.b1, ops::Const(s, Tensor::Vector<double>({0.1, 0.2, 0.3})));
  Output init_step =
      ops::Assign(s, m.step, ops::Const(s, Tensor::Scalar<int64_t>(41)));
  Output train = ops::AssignAdd(s, m.w1, F({0.5f, 0, 0, 0, 0, -0.5f}, {2, 3}));
  Output tick =
      ops::AssignAdd(s, m.step, ops::Const(s, Tensor::Scalar<int64_t>(1)));

  auto first = MakeSession(s);
  ASSERT_NE(first, nullptr);
  ASSERT_OK(first->Run({}, {}, {init_w, init_b, init_step}).status());
  ASSERT_OK(first->Run({}, {}, {train, tick}).status());
  auto before = first->Run({m.w1, m.b1, m.step});
  ASSERT_OK(before.status());
  std::string path = TempPath("session.ckpt");
  ASSERT_OK(SaveVariables(*first, path));

  auto loaded = LoadCheckpoint(path);
  ASSERT_OK(loaded.status());
  EXPECT_EQ(loaded->size(), 3u);

  auto second = MakeSession(s);
  ASSERT_NE(second, nullptr);
  EXPECT_FALSE(second->Run({m.w1}).ok());  // Not initialized yet.
  ASSERT_OK(RestoreVariables(*second, path));
  auto after = second->Run({m.w1, m.b1, m.step});
  ASSERT_OK(after.status());
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(TensorsEqual((*after)[i], (*before)[i]))
        << (*after)[i].DebugString() << " vs " << (*before)[i].DebugString();
  }
  EXPECT_TRUE(TensorsEqual((*after)[0], F({1.5f, 2, 3, 4, 5, 5.5f}, {2, 3})));
  EXPECT_EQ((*after)[2].data<int64_t>()[0], 42);
  // Training continues from the restored values.
  ASSERT_OK(second->Run({}, {}, {tick}).status());
  EXPECT_EQ((*second->Run({m.step}))[0].data<int64_t>()[0], 43);
  std::filesystem::remove(path);
}

TEST(CheckpointSessionTest, UninitializedVariablesAreNotSaved) {
  Scope s = NewRootScope();
  Model m(s);
  Output init_w = ops::Assign(s, m.w1, F({1, 2, 3, 4, 5, 6}, {2, 3}));
  auto session = MakeSession(s);
  ASSERT_OK(session->Run({}, {}, {init_w}).status());
  std::string path = TempPath("partial.ckpt");
  ASSERT_OK(SaveVariables(*session, path));
  auto loaded = LoadCheckpoint(path);
  ASSERT_OK(loaded.status());
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->begin()->first, "W1");
  // Restoring it into the same graph lacks b1: NotFound, nothing assigned.
  auto fresh = MakeSession(s);
  absl::Status st = RestoreVariables(*fresh, path);
  EXPECT_EQ(st.code(), absl::StatusCode::kNotFound) << st;
  EXPECT_NE(st.message().find(
                absl::StrCat("checkpoint ", path, " has no variable 'b1'")),
            std::string::npos)
      << st;
  EXPECT_FALSE(fresh->variables().Find("W1") &&
               fresh->variables().Find("W1")->initialized());
  std::filesystem::remove(path);
}

// Saves W1 [2,3] float, b1, step and an extra entry.
std::string SaveFullCheckpoint(absl::string_view name) {
  std::string path = TempPath(name);
  EXPECT_OK(SaveCheckpoint(path, {{"W1", F({1, 2, 3, 4, 5, 6}, {2, 3})},
                                  {"b1", Tensor::Vector<double>({1, 2, 3})},
                                  {"step", Tensor::Scalar<int64_t>(7)},
                                  {"unused/Adam", F({9}, {1})}}));
  return path;
}

TEST(CheckpointSessionTest, ExtraEntriesIgnoredAndUnknownDimsAccepted) {
  std::string path = SaveFullCheckpoint("extra.ckpt");
  Scope s = NewRootScope();
  Model m(s, PartialShape{-1, 3});
  auto session = MakeSession(s);
  ASSERT_OK(RestoreVariables(*session, path));
  auto w = session->Run({m.w1});
  ASSERT_OK(w.status());
  EXPECT_TRUE(TensorsEqual((*w)[0], F({1, 2, 3, 4, 5, 6}, {2, 3})));
  EXPECT_EQ(session->variables().Find("unused/Adam"), nullptr);
  std::filesystem::remove(path);
}

TEST(CheckpointSessionTest, ShapeMismatchNamesVariableAndBothShapes) {
  std::string path = SaveFullCheckpoint("shape.ckpt");
  Scope s = NewRootScope();
  Model m(s, PartialShape{3, 3});
  auto session = MakeSession(s);
  absl::Status st = RestoreVariables(*session, path);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  for (const char* part : {"'W1'", "[3,3]", "[2,3]", "shape.ckpt"}) {
    EXPECT_NE(st.message().find(part), std::string::npos) << st << " " << part;
  }
  // Nothing was assigned, not even the variables that matched.
  EXPECT_FALSE(session->Run({m.step}).ok());
  std::filesystem::remove(path);
}

TEST(CheckpointSessionTest, DtypeMismatchNamesVariableAndBothDtypes) {
  std::string path = SaveFullCheckpoint("dtype.ckpt");
  Scope s = NewRootScope();
  Model m(s, PartialShape{2, 3}, DT_DOUBLE);
  auto session = MakeSession(s);
  absl::Status st = RestoreVariables(*session, path);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  for (const char* part : {"'W1'", "double", "float"}) {
    EXPECT_NE(st.message().find(part), std::string::npos) << st << " " << part;
  }
  std::filesystem::remove(path);
}

TEST(CheckpointSessionTest, SharedNameIsTheCheckpointKey) {
  Scope s = NewRootScope();
  Output v = s.WithOpName("node_name")
                 .AddOp1("VariableV2", {},
                         {{"shape", PartialShape{2}},
                          {"dtype", DT_INT32},
                          {"shared_name", std::string("shared")}});
  Output init =
      ops::Assign(s, v, ops::Const(s, Tensor::Vector<int32_t>({3, 4})));
  auto session = MakeSession(s);
  ASSERT_OK(session->Run({}, {}, {init}).status());
  std::string path = TempPath("shared.ckpt");
  ASSERT_OK(SaveVariables(*session, path));
  auto loaded = LoadCheckpoint(path);
  ASSERT_OK(loaded.status());
  ASSERT_EQ(loaded->count("shared"), 1u);
  auto fresh = MakeSession(s);
  ASSERT_OK(RestoreVariables(*fresh, path));
  EXPECT_TRUE(
      TensorsEqual((*fresh->Run({v}))[0], Tensor::Vector<int32_t>({3, 4})));
  std::filesystem::remove(path);
}

TEST(CheckpointSessionTest, RestoreFromCorruptFileIsDataLoss) {
  Scope s = NewRootScope();
  Model m(s);
  auto session = MakeSession(s);
  std::string path = TempPath("corrupt.ckpt");
  ASSERT_OK(WriteFileAtomically(path, "GFCHKPT\n garbage"));
  absl::Status st = RestoreVariables(*session, path);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << st;
  EXPECT_NE(st.message().find(path), std::string::npos) << st;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace graphflow
