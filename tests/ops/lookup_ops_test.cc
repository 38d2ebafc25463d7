// The lookup family: HashTable{,V2}, InitializeTable{,V2},
// InitializeTableFromTextFile{,V2}, LookupTableFind/Size/Import/Export{,V2}
// (shapes, values, sharing, TF's errors). Tables have no gradients.
#include "ops/lookup_ops.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "session/session.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using testing::I64;

Tensor Strings(std::initializer_list<std::string> values,
               const TensorShape& shape) {
  Tensor t(DT_STRING, shape);
  int i = 0;
  for (const auto& v : values) t.data<std::string>()[i++] = v;
  return t;
}
Tensor String(const std::string& v) { return Strings({v}, TensorShape{}); }

std::unique_ptr<Session> NewSession(const Scope& s) {
  auto session = Session::Create(s);
  EXPECT_TRUE(session.ok()) << session.status();
  return session.ok() ? std::move(*session) : nullptr;
}

absl::Status RunTarget(Session& session, const Output& target) {
  return session.Run(FeedDict{}, {}, {target}).status();
}

Tensor Fetch(Session& session, const Output& fetch,
             const FeedDict& feeds = {}) {
  auto out = session.Run(feeds, {fetch});
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

void ExpectError(const absl::Status& s, absl::StatusCode code,
                 absl::string_view text) {
  EXPECT_EQ(s.code(), code) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), text)) << s;
}

std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/lookup_ops_test_" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(LookupOpsTest, Shapes) {
  Scope s = NewRootScope();
  Output v1 = ops::HashTable(s, DT_INT64, DT_FLOAT);
  Output v2 = ops::HashTableV2(s, DT_STRING, DT_INT64);
  Output keys = ops::Placeholder(s, DT_STRING, {-1, 3});
  Output find = ops::LookupTableFind(s, v2, keys, Input(int64_t{-1}));
  Output find1 = ops::LookupTableFind(s, v1, I64({1}, {1}), Input(0.5f));
  ASSERT_OK(s.status());
  EXPECT_EQ(v1.shape(), PartialShape({2}));
  EXPECT_EQ(v1.node->output_type(0), MakeRefType(DT_STRING));
  EXPECT_EQ(v2.shape(), PartialShape(TensorShape()));
  EXPECT_EQ(v2.node->output_type(0), DT_RESOURCE);
  EXPECT_TRUE(find.shape().unknown_rank());  // As TF 1.x infers it.
  EXPECT_EQ(find.node->op(), "LookupTableFindV2");
  EXPECT_TRUE(find1.shape().unknown_rank());
  EXPECT_EQ(find1.node->op(), "LookupTableFind");
  EXPECT_EQ(ops::LookupTableSize(s, v1).shape(), PartialShape(TensorShape()));
}

TEST(LookupOpsTest, ShapeErrorsNameTheNode) {
  Scope s = NewRootScope();
  Output t = ops::HashTableV2(s, DT_STRING, DT_INT64);
  ops::InitializeTable(s.WithOpName("init"), t,
                       Strings({"a", "b"}, TensorShape{1, 2}),
                       I64({1, 2}, {1, 2}));
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.status().message(), "init")) << s.status();
  Scope s2 = NewRootScope();
  Output t2 = ops::HashTableV2(s2, DT_STRING, DT_INT64);
  ops::LookupTableFind(s2.WithOpName("find"), t2, Strings({"a"}, {1}),
                       I64({1, 2, 3, 4}, {2, 2}));
  EXPECT_TRUE(absl::StrContains(s2.status().message(), "find")) << s2.status();
}

TEST(LookupOpsTest, StringToInt64FindSizeExport) {
  Scope s = NewRootScope();
  Output t = ops::HashTableV2(s, DT_STRING, DT_INT64);
  Output init = ops::InitializeTable(s, t, Strings({"a", "b", "c"}, {3}),
                                     I64({1, 2, 3}, {3}));
  Output keys = ops::Placeholder(s, DT_STRING, {-1, 2});
  Output find = ops::LookupTableFind(s, t, keys, Input(int64_t{-1}));
  Output size = ops::LookupTableSize(s, t);
  OutputList exported = ops::LookupTableExport(s, t, DT_STRING, DT_INT64);
  ASSERT_OK(s.status());
  auto session = NewSession(s);
  EXPECT_EQ(Fetch(*session, size).data<int64_t>()[0], 0);
  ASSERT_OK(RunTarget(*session, init));
  Tensor out =
      Fetch(*session, find, {{keys, Strings({"b", "z", "a", "c"}, {2, 2})}});
  EXPECT_TENSOR_NEAR(out, I64({2, -1, 1, 3}, {2, 2}), 0);
  EXPECT_EQ(Fetch(*session, size).data<int64_t>()[0], 3);
  auto both = session->Run(FeedDict{}, {exported[0], exported[1]});
  ASSERT_OK(both.status());
  ASSERT_EQ((*both)[0].shape(), TensorShape{3});
  std::map<std::string, int64_t> table;
  for (int i = 0; i < 3; ++i) {
    table[(*both)[0].data<std::string>()[i]] = (*both)[1].data<int64_t>()[i];
  }
  EXPECT_EQ(table,
            (std::map<std::string, int64_t>{{"a", 1}, {"b", 2}, {"c", 3}}));
}

TEST(LookupOpsTest, V1RefHandleInt64ToFloat) {
  Scope s = NewRootScope();
  Output t = ops::HashTable(s.WithOpName("table"), DT_INT64, DT_FLOAT, "ids");
  Output init = ops::InitializeTable(s, t, I64({10, 20}, {2}), F({.5, 2}, {2}));
  Output find =
      ops::LookupTableFind(s, t, I64({20, 30, 10}, {3}), Input(-1.0f));
  ASSERT_OK(s.status());
  EXPECT_EQ(init.node->op(), "InitializeTable");
  auto session = NewSession(s);
  // The Ref(string) handle is TF's (container, shared name) pair.
  Tensor handle = Fetch(*session, t);
  ASSERT_EQ(handle.num_elements(), 2);
  EXPECT_EQ(handle.data<std::string>()[0], "localhost");
  EXPECT_EQ(handle.data<std::string>()[1], "ids");
  ASSERT_OK(RunTarget(*session, init));
  EXPECT_TENSOR_NEAR(Fetch(*session, find), F({2, -1, .5}, {3}), 0);
}

TEST(LookupOpsTest, InitializationErrorsAsTf) {
  Scope s = NewRootScope();
  Output t = ops::HashTableV2(s, DT_STRING, DT_INT64);
  Output find = ops::LookupTableFind(s.WithOpName("find"), t,
                                     Strings({"a"}, {1}), Input(int64_t{0}));
  Output init =
      ops::InitializeTable(s, t, Strings({"a", "b"}, {2}), I64({1, 2}, {2}));
  Output same_size =
      ops::InitializeTable(s, t, Strings({"x", "y"}, {2}), I64({7, 8}, {2}));
  Output other = ops::InitializeTable(s.WithOpName("other"), t,
                                      Strings({"a"}, {1}), I64({1}, {1}));
  ASSERT_OK(s.status());
  auto session = NewSession(s);
  ExpectError(session->Run(FeedDict{}, {find}).status(),
              absl::StatusCode::kFailedPrecondition,
              "node 'find' (LookupTableFindV2): Table not initialized.");
  ASSERT_OK(RunTarget(*session, init));
  // TF compares only the sizes of a second initialization.
  EXPECT_OK(RunTarget(*session, same_size));
  ExpectError(RunTarget(*session, other), absl::StatusCode::kFailedPrecondition,
              "Table was already initialized with different data.");
  EXPECT_TENSOR_NEAR(Fetch(*session, find), I64({1}, {1}), 0);
}

TEST(LookupOpsTest, DuplicateKeysAndWrongTypes) {
  Scope s = NewRootScope();
  Output t = ops::HashTableV2(s, DT_STRING, DT_INT64);
  Output dup =
      ops::InitializeTable(s, t, Strings({"a", "a"}, {2}), I64({1, 2}, {2}));
  Output same = ops::InitializeTable(s, t, Strings({"a", "a", "b"}, {3}),
                                     I64({1, 1, 5}, {3}));
  Output wrong_key =
      ops::LookupTableFind(s, t, I64({1}, {1}), Input(int64_t{0}));
  Output wrong_default =
      ops::LookupTableFind(s, t, Strings({"a"}, {1}), I64({0, 0}, {2}));
  ASSERT_OK(s.status());
  auto session = NewSession(s);
  ExpectError(RunTarget(*session, dup), absl::StatusCode::kFailedPrecondition,
              "HashTable has different value for same key. Key a has 1 and "
              "trying to add value 2");
  ASSERT_OK(RunTarget(*session, same));  // A repeated pair is one entry.
  EXPECT_EQ(Fetch(*session, ops::LookupTableSize(s, t)).data<int64_t>()[0], 2);
  ExpectError(session->Run(FeedDict{}, {wrong_key}).status(),
              absl::StatusCode::kInvalidArgument,
              "Key must be type string but got int64");
  ExpectError(session->Run(FeedDict{}, {wrong_default}).status(),
              absl::StatusCode::kInvalidArgument,
              "Expected shape [] for default value, got [2]");
}

TEST(LookupOpsTest, SharedNameAndNodeNameSharing) {
  Scope s = NewRootScope();
  Output a = ops::HashTableV2(s, DT_INT64, DT_INT64, "shared");
  Output b = ops::HashTableV2(s, DT_INT64, DT_INT64, "shared");
  Output private_table = ops::HashTableV2(s, DT_INT64, DT_INT64);
  Output init = ops::InitializeTable(s, a, I64({1}, {1}), I64({100}, {1}));
  Output find_b = ops::LookupTableFind(s, b, I64({1}, {1}), Input(int64_t{0}));
  Output size_private = ops::LookupTableSize(s, private_table);
  Output conflict = ops::HashTableV2(s, DT_INT64, DT_STRING, "shared");
  ASSERT_OK(s.status());
  auto session = NewSession(s);
  ASSERT_OK(RunTarget(*session, init));
  EXPECT_TENSOR_NEAR(Fetch(*session, find_b), I64({100}, {1}), 0);
  EXPECT_EQ(Fetch(*session, size_private).data<int64_t>()[0], 0);
  ExpectError(session->Run(FeedDict{}, {conflict}).status(),
              absl::StatusCode::kInvalidArgument,
              "Conflicting key/value dtypes int64->string with int64-int64 "
              "for table shared");
}

TEST(LookupOpsTest, ImportFillsTheTable) {
  Scope s = NewRootScope();
  Output t = ops::HashTableV2(s, DT_INT64, DT_DOUBLE);
  Output import = ops::LookupTableImport(s, t, I64({3, 4}, {2}),
                                         Tensor::Vector<double>({.25, .5}));
  Output find = ops::LookupTableFind(s, t, I64({4, 3, 5}, {3}), Input(1.0));
  ASSERT_OK(s.status());
  EXPECT_EQ(import.node->op(), "LookupTableImportV2");
  auto session = NewSession(s);
  ASSERT_OK(RunTarget(*session, import));
  Tensor out = Fetch(*session, find);
  ASSERT_EQ(out.dtype(), DT_DOUBLE);
  EXPECT_EQ(testing::Values(out), (std::vector<double>{.5, .25, 1}));
}

TEST(LookupOpsTest, TextFileColumnsLineNumbersAndWholeLines) {
  std::string path =
      WriteTempFile("vocab.txt", "apple\t10\nbanana\t20\r\ncherry\t30");
  Scope s = NewRootScope();
  Output by_column = ops::HashTableV2(s, DT_STRING, DT_INT64);
  Output init1 =
      ops::InitializeTableFromTextFile(s, by_column, String(path), 0, 1);
  Output by_line = ops::HashTable(s, DT_STRING, DT_INT64);
  Output init2 = ops::InitializeTableFromTextFile(s, by_line, String(path), -1,
                                                  -2, /*vocab_size=*/2);
  Output keys = ops::Placeholder(s, DT_STRING, {-1});
  Output find1 = ops::LookupTableFind(s, by_column, keys, Input(int64_t{-1}));
  Output find2 = ops::LookupTableFind(s, by_line, keys, Input(int64_t{-1}));
  ASSERT_OK(s.status());
  auto session = NewSession(s);
  ASSERT_OK(RunTarget(*session, init1));
  ASSERT_OK(RunTarget(*session, init2));
  Tensor k = Strings({"banana", "cherry", "apple\t10", "banana\t20"}, {4});
  EXPECT_TENSOR_NEAR(Fetch(*session, find1, {{keys, k}}),
                     I64({20, 30, -1, -1}, {4}), 0);
  // vocab_size 2 keeps the first two lines; a final "\r" is dropped.
  EXPECT_TENSOR_NEAR(Fetch(*session, find2, {{keys, k}}),
                     I64({-1, -1, 0, 1}, {4}), 0);
  // Initializing from a file again is ignored, as in TF.
  EXPECT_OK(RunTarget(*session, init2));
}

TEST(LookupOpsTest, TextFileErrors) {
  std::string path = WriteTempFile("bad.txt", "a,1\nb,x\nc\n");
  Scope s = NewRootScope();
  auto init = [&](const char* name, DataType k, int64_t key_index,
                  int64_t value_index, int64_t vocab_size) {
    Output t = ops::HashTableV2(s, k, DT_INT64);
    return ops::InitializeTableFromTextFile(s.WithOpName(name), t, String(path),
                                            key_index, value_index, vocab_size,
                                            ",");
  };
  Output too_many = init("too_many", DT_STRING, -1, -2, 5);
  Output not_int = init("not_int", DT_STRING, 0, 1, 2);
  Output columns = init("columns", DT_STRING, 0, -2, -1);
  Output columns1 = init("columns1", DT_STRING, 1, -2, -1);
  Output line_key = init("line_key", DT_STRING, -2, -2, -1);
  Output missing = ops::InitializeTableFromTextFile(
      s.WithOpName("missing"), ops::HashTableV2(s, DT_STRING, DT_INT64),
      String(path + ".absent"), -1, -2);
  ASSERT_OK(s.status());
  auto session = NewSession(s);
  ExpectError(
      RunTarget(*session, too_many), absl::StatusCode::kInvalidArgument,
      absl::StrCat("Invalid vocab_size in ", path, ": expected 5 but got 3"));
  ExpectError(RunTarget(*session, not_int), absl::StatusCode::kInvalidArgument,
              "Field x in line 1 is not a valid int64.");
  EXPECT_OK(RunTarget(*session, columns));
  ExpectError(RunTarget(*session, columns1), absl::StatusCode::kInvalidArgument,
              absl::StrCat("Invalid number of columns in ", path,
                           " line 2 (c) : expected at least 2 got 1"));
  ExpectError(RunTarget(*session, line_key), absl::StatusCode::kInvalidArgument,
              "Key index for line number requires table key dtype of int64, "
              "got string");
  EXPECT_FALSE(RunTarget(*session, missing).ok());
}

}  // namespace
}  // namespace graphflow
