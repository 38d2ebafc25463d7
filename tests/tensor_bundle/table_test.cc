// The leveldb table format: round trips through many blocks and restart
// points, Snappy blocks, and hostile input.
#include <string>

#include "absl/strings/str_format.h"
#include "base/crc32c.h"
#include "gtest/gtest.h"
#include "tensor_bundle/table_builder.h"
#include "tensor_bundle/table_format.h"
#include "tensor_bundle/table_reader.h"

namespace graphflow {
namespace table {
namespace {

TableEntries ManyEntries(int count) {
  TableEntries entries;
  for (int i = 0; i < count; ++i) {
    entries.emplace_back(absl::StrFormat("layer_%04d/weights", i),
                         std::string(i % 37, static_cast<char>('a' + i % 26)));
  }
  return entries;
}

std::string Build(const TableEntries& entries, TableOptions options) {
  TableBuilder builder(options);
  for (const auto& [key, value] : entries) {
    EXPECT_TRUE(builder.Add(key, value).ok()) << key;
  }
  return builder.Finish();
}

TEST(TableTest, EmptyTable) {
  const std::string file = Build({}, {});
  // Empty metaindex and index blocks (8 bytes + trailer each), footer.
  EXPECT_EQ(file.size(), 2 * (8 + kBlockTrailerSize) + kFooterSize);
  auto read = ReadTable(file, "empty.index");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->empty());
}

TEST(TableTest, RoundTripManyBlocksAndRestarts) {
  const TableEntries entries = ManyEntries(2000);
  for (int restart_interval : {1, 3, 16}) {
    TableOptions options;
    options.block_size = 512;  // Dozens of data blocks.
    options.restart_interval = restart_interval;
    const std::string file = Build(entries, options);
    auto read = ReadTable(file, "many.index");
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(*read, entries);
  }
}

TEST(TableTest, SharedPrefixesShrinkTheBlock) {
  const TableEntries entries = ManyEntries(100);
  TableOptions no_sharing;
  no_sharing.restart_interval = 1;
  EXPECT_LT(Build(entries, {}).size(), Build(entries, no_sharing).size());
}

TEST(TableTest, SnappyBlocksRoundTrip) {
  TableEntries entries;
  for (int i = 0; i < 50; ++i) {
    entries.emplace_back(absl::StrFormat("k%03d", i), std::string(100, 'x'));
  }
  TableOptions options;
  options.compression = Compression::kSnappy;
  const std::string compressed = Build(entries, options);
  const std::string plain = Build(entries, {});
  EXPECT_LT(compressed.size(), plain.size() / 4);
  auto read = ReadTable(compressed, "snappy.index");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, entries);
}

TEST(TableTest, IncompressibleBlocksStayUncompressed) {
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 300; ++i) {
    x = x * 1103515245 + 12345;
    noise.push_back(static_cast<char>(x >> 24));
  }
  TableOptions options;
  options.compression = Compression::kSnappy;
  EXPECT_EQ(Build({{"a", noise}}, options), Build({{"a", noise}}, {}));
}

TEST(TableTest, KeysMustIncrease) {
  TableBuilder builder;
  ASSERT_TRUE(builder.Add("b", "1").ok());
  EXPECT_FALSE(builder.Add("a", "2").ok());
  EXPECT_FALSE(builder.Add("b", "2").ok());
}

TEST(TableTest, EveryFlippedByteIsDataLossOrHarmless) {
  TableOptions options;
  options.block_size = 64;
  const TableEntries entries = ManyEntries(20);
  const std::string file = Build(entries, options);
  for (size_t i = 0; i < file.size(); ++i) {
    std::string bad = file;
    bad[i] ^= 0x5a;
    auto read = ReadTable(bad, "flipped.index");
    if (read.ok()) {
      // Only footer padding and unread handle bytes may change silently.
      EXPECT_EQ(*read, entries) << "byte " << i;
      continue;
    }
    EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss) << i;
    EXPECT_NE(read.status().message().find("flipped.index"), std::string::npos);
  }
}

TEST(TableTest, EveryTruncationIsDataLoss) {
  const std::string file = Build(ManyEntries(20), {});
  for (size_t size = 0; size < file.size(); ++size) {
    auto read = ReadTable(file.substr(0, size), "short.index");
    ASSERT_FALSE(read.ok()) << size;
    EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  }
}

TEST(TableTest, HostileSnappyLengthIsRejectedWithoutAllocating) {
  // A block claiming a 4 GiB Snappy expansion, with a valid CRC.
  std::string block;
  PutVarint64(&block, 0xffffffffull);
  block += "xyz";
  std::string file = block;
  file.push_back(static_cast<char>(Compression::kSnappy));
  PutFixed32(&file, crc32c::Mask(crc32c::Extend(crc32c::Value(block), "\x01")));
  std::string footer;
  BlockHandle{0, 0}.EncodeTo(&footer);
  BlockHandle{0, block.size()}.EncodeTo(&footer);
  footer.resize(2 * kMaxBlockHandleSize, '\0');
  PutFixed64(&footer, kTableMagic);
  auto read = ReadTable(file + footer, "hostile.index");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(read.status().message().find("Snappy"), std::string::npos);
}

}  // namespace
}  // namespace table
}  // namespace graphflow
