// BundleWriter -> BundleReader round trips on hand-built checkpoints, two
// shards, and corrupt, truncated or missing files.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "base/file_io.h"
#include "gtest/gtest.h"
#include "tensor_bundle/bundle_reader.h"
#include "tensor_bundle/bundle_writer.h"
#include "tensor_bundle/checkpoint_state.h"
#include "tensor_bundle/table_builder.h"

namespace graphflow {
namespace {

namespace fs = std::filesystem;

std::string FreshDir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("bundle_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::map<std::string, Tensor> SampleTensors() {
  std::map<std::string, Tensor> t;
  t["w"] = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  t["b"] = Tensor::Vector<double>({0.5, -1.25});
  t["step"] = Tensor::Scalar<int64_t>(1000);
  t["i32"] = Tensor::Vector<int32_t>({-7, 7});
  t["i16"] = Tensor::Vector<int16_t>({-3, 300});
  t["i8"] = Tensor::Vector<int8_t>({-1, 1});
  t["u8"] = Tensor::Vector<uint8_t>({0, 255});
  t["u16"] = Tensor::Vector<uint16_t>({65535});
  t["flags"] = Tensor::Vector<bool>({true, false, true});
  t["empty"] = Tensor(DT_FLOAT, TensorShape{0, 4});
  Tensor words(DT_STRING, TensorShape{3});
  words.data<std::string>()[0] = "hello";
  words.data<std::string>()[1] = "";
  words.data<std::string>()[2] = std::string(300, 'z');
  t["words"] = words;
  return t;
}

TEST(BundleTest, RoundTripEveryDtype) {
  const std::string prefix = FreshDir("round") + "/model.ckpt";
  const auto tensors = SampleTensors();
  ASSERT_TRUE(WriteBundle(prefix, tensors).ok());
  EXPECT_TRUE(fs::exists(prefix + ".index"));
  EXPECT_TRUE(fs::exists(prefix + ".data-00000-of-00001"));
  EXPECT_TRUE(IsTensorBundle(prefix));
  auto reader = BundleReader::Open(prefix);
  ASSERT_TRUE(reader.ok()) << reader.status();
  const auto list = reader->ListTensors();
  ASSERT_EQ(list.size(), tensors.size());
  auto it = tensors.begin();
  for (const BundleTensorInfo& info : list) {
    EXPECT_EQ(info.name, it->first);
    EXPECT_EQ(info.dtype, it->second.dtype());
    EXPECT_EQ(TensorShape(info.shape), it->second.shape());
    ++it;
  }
  auto all = reader->ReadAll();
  ASSERT_TRUE(all.ok()) << all.status();
  for (const auto& [name, tensor] : tensors) {
    EXPECT_TRUE(TensorsEqual(all->at(name), tensor)) << name;
  }
  auto missing = reader->Read("nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST(BundleTest, WriterRejectsBadNames) {
  BundleWriter writer(FreshDir("bad") + "/m");
  const Tensor t = Tensor::Scalar<float>(1);
  EXPECT_FALSE(writer.Add("", t).ok());
  EXPECT_TRUE(writer.Add("a", t).ok());
  EXPECT_FALSE(writer.Add("a", t).ok());
}

// Two shards as TF's sharded Saver + MergeBundles leaves them: tensors of
// shard 1 in their own data file.
TEST(BundleTest, ReadsTwoShards) {
  const std::string dir = FreshDir("shards");
  const std::string prefix = dir + "/model";
  ASSERT_TRUE(
      WriteBundle(dir + "/part0", {{"a", Tensor::Vector<float>({1})}}).ok());
  ASSERT_TRUE(
      WriteBundle(dir + "/part1", {{"b", Tensor::Vector<float>({2, 3})}}).ok());
  auto part0 = BundleReader::Open(dir + "/part0");
  auto part1 = BundleReader::Open(dir + "/part1");
  ASSERT_TRUE(part0.ok() && part1.ok());
  tensorflow::BundleHeaderProto header;
  header.set_num_shards(2);
  header.mutable_version()->set_producer(1);
  table::TableBuilder builder;
  ASSERT_TRUE(builder.Add("", header.SerializeAsString()).ok());
  ASSERT_TRUE(
      builder.Add("a", part0->FindEntry("a")->SerializeAsString()).ok());
  tensorflow::BundleEntryProto b = *part1->FindEntry("b");
  b.set_shard_id(1);
  ASSERT_TRUE(builder.Add("b", b.SerializeAsString()).ok());
  ASSERT_TRUE(WriteFileAtomically(prefix + ".index", builder.Finish()).ok());
  fs::rename(dir + "/part0.data-00000-of-00001",
             prefix + ".data-00000-of-00002");
  fs::rename(dir + "/part1.data-00000-of-00001",
             prefix + ".data-00001-of-00002");
  auto reader = BundleReader::Open(prefix);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(reader->num_shards(), 2);
  auto all = reader->ReadAll();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_TRUE(TensorsEqual(all->at("b"), Tensor::Vector<float>({2, 3})));

  fs::remove(prefix + ".data-00001-of-00002");
  auto lost = BundleReader::Open(prefix)->Read("b");
  ASSERT_EQ(lost.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(lost.status().message().find("model.data-00001-of-00002"),
            std::string::npos)
      << lost.status();
}

void ExpectDataLossNaming(const absl::Status& status, const std::string& file) {
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_NE(status.message().find(file), std::string::npos) << status;
}

TEST(BundleTest, FlippedDataByteIsDataLossNamingTheShard) {
  const std::string prefix = FreshDir("flip") + "/m";
  ASSERT_TRUE(WriteBundle(prefix, SampleTensors()).ok());
  const std::string data = prefix + ".data-00000-of-00001";
  auto bytes = ReadFileToString(data);
  ASSERT_TRUE(bytes.ok());
  for (size_t i = 0; i < bytes->size(); i += 7) {
    std::string bad = *bytes;
    bad[i] ^= 1;
    ASSERT_TRUE(WriteFileAtomically(data, bad).ok());
    auto all = BundleReader::Open(prefix)->ReadAll();
    ASSERT_FALSE(all.ok()) << "byte " << i;
    ExpectDataLossNaming(all.status(), data);
  }
}

TEST(BundleTest, FlippedIndexByteIsDataLossNamingTheIndex) {
  const std::string prefix = FreshDir("flipindex") + "/m";
  ASSERT_TRUE(WriteBundle(prefix, SampleTensors()).ok());
  auto bytes = ReadFileToString(prefix + ".index");
  ASSERT_TRUE(bytes.ok());
  std::string bad = *bytes;
  bad[20] ^= 0x10;  // Inside the data block.
  ASSERT_TRUE(WriteFileAtomically(prefix + ".index", bad).ok());
  ExpectDataLossNaming(BundleReader::Open(prefix).status(), prefix + ".index");
}

TEST(BundleTest, TruncatedDataIsDataLossNamingTheShard) {
  const std::string prefix = FreshDir("trunc") + "/m";
  ASSERT_TRUE(WriteBundle(prefix, SampleTensors()).ok());
  const std::string data = prefix + ".data-00000-of-00001";
  fs::resize_file(data, fs::file_size(data) - 3);
  auto all = BundleReader::Open(prefix)->ReadAll();
  ASSERT_FALSE(all.ok());
  ExpectDataLossNaming(all.status(), data);
  EXPECT_NE(all.status().message().find("truncated"), std::string::npos);
}

// An entry claiming a 4 GiB tensor in a tiny shard is DataLoss, checked
// before any allocation.
TEST(BundleTest, HostileEntrySizeIsDataLoss) {
  const std::string prefix = FreshDir("hostile") + "/m";
  ASSERT_TRUE(WriteBundle(prefix, {{"x", Tensor::Scalar<float>(1)}}).ok());
  tensorflow::BundleHeaderProto header;
  header.set_num_shards(1);
  tensorflow::BundleEntryProto entry;
  entry.set_dtype(tensorflow::DT_FLOAT);
  entry.mutable_shape()->add_dim()->set_size(int64_t{1} << 30);
  entry.set_size(int64_t{4} << 30);
  table::TableBuilder builder;
  ASSERT_TRUE(builder.Add("", header.SerializeAsString()).ok());
  ASSERT_TRUE(builder.Add("x", entry.SerializeAsString()).ok());
  ASSERT_TRUE(WriteFileAtomically(prefix + ".index", builder.Finish()).ok());
  auto reader = BundleReader::Open(prefix);
  ASSERT_TRUE(reader.ok()) << reader.status();
  ExpectDataLossNaming(reader->Read("x").status(),
                       prefix + ".data-00000-of-00001");
  // A size that disagrees with the shape names the index.
  entry.set_size(12);
  table::TableBuilder again;
  ASSERT_TRUE(again.Add("", header.SerializeAsString()).ok());
  ASSERT_TRUE(again.Add("x", entry.SerializeAsString()).ok());
  ASSERT_TRUE(WriteFileAtomically(prefix + ".index", again.Finish()).ok());
  ExpectDataLossNaming(BundleReader::Open(prefix)->Read("x").status(),
                       prefix + ".index");
}

TEST(BundleTest, MissingIndexIsNotFound) {
  auto reader = BundleReader::Open(FreshDir("none") + "/m");
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
}

TEST(BundleTest, CheckpointStateFindsThePrefix) {
  const std::string dir = FreshDir("state");
  ASSERT_TRUE(WriteBundle(dir + "/model.ckpt-10", SampleTensors()).ok());
  ASSERT_TRUE(
      WriteFileAtomically(dir + "/checkpoint",
                          "model_checkpoint_path: \"model.ckpt-10\"\n"
                          "all_model_checkpoint_paths: \"model.ckpt-10\"\n")
          .ok());
  auto prefix = ResolveBundlePrefix(dir);
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  EXPECT_EQ(*prefix, dir + "/model.ckpt-10");
  EXPECT_EQ(*ResolveBundlePrefix(dir + "/model.ckpt-10.index"), *prefix);
  EXPECT_EQ(*ResolveBundlePrefix(dir + "/model.ckpt-10"), *prefix);
  // An absolute path from the training machine falls back to this dir.
  ASSERT_TRUE(
      WriteFileAtomically(dir + "/checkpoint",
                          "model_checkpoint_path: \"/gone/model.ckpt-10\"\n")
          .ok());
  EXPECT_EQ(*ResolveBundlePrefix(dir), *prefix);

  ASSERT_TRUE(WriteFileAtomically(dir + "/checkpoint",
                                  "model_checkpoint_path: \"model.ckpt-99\"\n")
                  .ok());
  auto missing = ResolveBundlePrefix(dir);
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("model.ckpt-99"),
            std::string::npos);
  ASSERT_TRUE(WriteFileAtomically(dir + "/checkpoint", "garbage {").ok());
  EXPECT_EQ(ResolveBundlePrefix(dir).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace graphflow
