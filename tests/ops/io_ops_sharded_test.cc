// The sharded Saver's ops: ShardedFilename, StringJoin (values from TF's
// string_join_op_test.py) and MergeV2Checkpoints merging shard bundles into
// one checkpoint as TF's MergeBundles does.
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ops/array_join_ops.h"
#include "ops/state_ops.h"
#include "tensor_bundle/bundle_reader.h"
#include "tensor_bundle/bundle_writer.h"
#include "tests/ops/array_ops_test_util.h"

namespace graphflow {
namespace {

namespace fs = std::filesystem;
using testing::F;

Tensor Strings(const std::vector<std::string>& values,
               const TensorShape& shape) {
  Tensor t(DT_STRING, shape);
  std::copy(values.begin(), values.end(), t.data<std::string>());
  return t;
}
Tensor String(const std::string& value) { return Strings({value}, {}); }

Output ShardedFilename(const Scope& s, Input basename, Input shard,
                       Input num_shards) {
  return s.AddOp1("ShardedFilename", {basename, shard, num_shards});
}
Output StringJoin(const Scope& s, const std::vector<Input>& inputs,
                  const std::string& separator = "") {
  return s.AddOp1("StringJoin", inputs, {{"separator", separator}});
}

std::string Str(const Tensor& t, int64_t i = 0) {
  return t.data<std::string>()[i];
}

TEST(ShardedFilenameTest, FormatsTheShardName) {
  Scope s = NewRootScope();
  Output name = ShardedFilename(s, ops::Const(s, String("/ckpt/model")),
                                ops::Const(s, Tensor::Scalar<int32_t>(3)),
                                ops::Const(s, Tensor::Scalar<int32_t>(10)));
  EXPECT_EQ(name.shape(), PartialShape::UnknownOfRank(0));
  EXPECT_EQ(Str(testing::Eval(s, name)), "/ckpt/model-00003-of-00010");
  // TF accepts legacy scalars (1-element vectors).
  Output legacy = ShardedFilename(s, ops::Const(s, Strings({"m"}, {1})),
                                  ops::Const(s, testing::I32({0}, {1})),
                                  ops::Const(s, Tensor::Scalar<int32_t>(1)));
  EXPECT_EQ(Str(testing::Eval(s, legacy)), "m-00000-of-00001");
  Output bad = ShardedFilename(s.WithOpName("bad"),
                               ops::Const(s, Strings({"a", "b"}, {2})),
                               ops::Const(s, Tensor::Scalar<int32_t>(0)),
                               ops::Const(s, Tensor::Scalar<int32_t>(1)));
  testing::ExpectRunError(s, bad, "bad", {},
                          "basename must be a scalar, got shape [2]");
}

TEST(StringJoinTest, JoinsElementWiseBroadcastingScalars) {
  Scope s = NewRootScope();
  Output input0 = ops::Const(s, Strings({"a", "b"}, {2}));
  Output input1 = ops::Const(s, String("a"));
  auto expect = [&](const Output& out, std::vector<std::string> want) {
    EXPECT_TRUE(
        TensorsEqual(testing::Eval(s, out),
                     Strings(want, {static_cast<int64_t>(want.size())})))
        << testing::Eval(s, out).DebugString();
  };
  expect(StringJoin(s, {input0, input1}), {"aa", "ba"});
  expect(StringJoin(s, {input0, input1}, "--"), {"a--a", "b--a"});
  expect(StringJoin(s, {input0, input1, input0}, "--"), {"a--a--a", "b--a--b"});
  Output scalars = StringJoin(s, {input1, input1}, "/");
  EXPECT_EQ(scalars.shape(), PartialShape::UnknownOfRank(0));
  EXPECT_EQ(Str(testing::Eval(s, scalars)), "a/a");
  EXPECT_EQ(StringJoin(s, {input1, input0}).shape(), PartialShape({2}));

  // Shapes that differ: at graph time when known, else at run time.
  Scope g = NewRootScope();
  StringJoin(g.WithOpName("join"),
             {ops::Const(g, Strings({"a", "b"}, {2})),
              ops::Const(g, Strings({"b", "c"}, {2, 1}))});
  testing::ExpectError(g, "join");
  Output p = ops::Placeholder(s, DT_STRING);
  testing::ExpectRunError(s, StringJoin(s.WithOpName("rt"), {input0, p}), "rt",
                          {{p, Strings({"b", "c"}, {2, 1})}},
                          "Input shapes do not match: [2] vs. [2,1]");
}

class MergeV2CheckpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name())
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  // Runs MergeV2Checkpoints named "merge".
  absl::Status Merge(const std::vector<std::string>& prefixes,
                     const std::string& destination, bool delete_old_dirs) {
    Scope s = NewRootScope();
    s.WithOpName("merge").AddOp(
        "MergeV2Checkpoints",
        {ops::Const(s,
                    Strings(prefixes, {static_cast<int64_t>(prefixes.size())})),
         ops::Const(s, String(destination))},
        {{"delete_old_dirs", delete_old_dirs}});
    auto session = Session::Create(s);
    if (!session.ok()) return session.status();
    return (*session)->Run(NamedTensors{}, {}, {"merge"}).status();
  }
  std::string dir_;
};

TEST_F(MergeV2CheckpointsTest, MergesShardsIntoOneCheckpoint) {
  const std::string tmp = dir_ + "/model_temp_1234";
  const std::string part0 = tmp + "/part-00000-of-00002";
  const std::string part1 = tmp + "/part-00001-of-00002";
  ASSERT_OK(WriteBundle(part0, {{"w", F({1, 2}, {2})}, {"z", F({9}, {})}}));
  ASSERT_OK(WriteBundle(part1, {{"b", Strings({"x", "yz"}, {2})}}));
  const std::string merged = dir_ + "/model";
  ASSERT_OK(Merge({part0, part1}, merged, true));

  auto reader = BundleReader::Open(merged);
  ASSERT_OK(reader.status());
  EXPECT_EQ(reader->num_shards(), 2);
  // Shard ids follow first use: part0's file is 0, part1's is 1.
  EXPECT_EQ(reader->FindEntry("w")->shard_id(), 0);
  EXPECT_EQ(reader->FindEntry("b")->shard_id(), 1);
  auto all = reader->ReadAll();
  ASSERT_OK(all.status());
  EXPECT_TRUE(TensorsEqual(all->at("w"), F({1, 2}, {2})));
  EXPECT_TRUE(TensorsEqual(all->at("z"), F({9}, {})));
  EXPECT_TRUE(TensorsEqual(all->at("b"), Strings({"x", "yz"}, {2})));
  EXPECT_TRUE(fs::exists(BundleDataFilename(merged, 0, 2)));
  EXPECT_TRUE(fs::exists(BundleDataFilename(merged, 1, 2)));
  EXPECT_FALSE(fs::exists(tmp)) << "the emptied temporary directory stays";
}

TEST_F(MergeV2CheckpointsTest, KeepsOldDirectoriesWhenAsked) {
  const std::string part = dir_ + "/tmp/part-00000-of-00001";
  ASSERT_OK(WriteBundle(part, {{"w", F({1}, {1})}}));
  ASSERT_OK(Merge({part}, dir_ + "/model", false));
  EXPECT_TRUE(fs::exists(dir_ + "/tmp"));
  EXPECT_FALSE(fs::exists(BundleIndexFilename(part)));
  EXPECT_TRUE(fs::exists(BundleIndexFilename(dir_ + "/model")));
}

TEST_F(MergeV2CheckpointsTest, Errors) {
  ASSERT_OK(WriteBundle(dir_ + "/p0", {{"w", F({1}, {1})}}));
  ASSERT_OK(WriteBundle(dir_ + "/p1", {{"w", F({2}, {1})}}));
  absl::Status dup = Merge({dir_ + "/p0", dir_ + "/p1"}, dir_ + "/m", true);
  EXPECT_EQ(dup.code(), absl::StatusCode::kInvalidArgument) << dup;
  EXPECT_NE(dup.message().find("node 'merge'"), std::string::npos) << dup;
  EXPECT_NE(dup.message().find("Duplicate tensor keyed by w"),
            std::string::npos)
      << dup;
  EXPECT_FALSE(fs::exists(BundleIndexFilename(dir_ + "/m")));

  absl::Status missing = Merge({dir_ + "/nope"}, dir_ + "/m", true);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
  EXPECT_NE(missing.message().find(dir_ + "/nope"), std::string::npos)
      << missing;

  Scope s = NewRootScope();
  s.WithOpName("rank").AddOp(
      "MergeV2Checkpoints",
      {ops::Const(s, String("a")), ops::Const(s, String("b"))});
  testing::ExpectError(s, "rank", "rank 1");
}

}  // namespace
}  // namespace graphflow
