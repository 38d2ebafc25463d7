// graphflow checkpoints that are corrupt, truncated, crafted or missing:
// DataLoss (or NotFound, InvalidArgument) naming the file and the problem,
// never trusting a length before checking it.
#include <unistd.h>
#include <zlib.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "gtest/gtest.h"
#include "session/checkpoint.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

std::string TempPath(absl::string_view name) {
  return absl::StrCat(::testing::TempDir(), "/corrupt_checkpoint_test_",
                      getpid(), "_", name);
}

// A little of every kind of record: floats, an int64 scalar, strings.
std::map<std::string, Tensor> SampleTensors() {
  Tensor strings(DT_STRING, {2});
  strings.data<std::string>()[0] = "x";
  strings.data<std::string>()[1] = std::string("a\0b", 3);
  return {{"dense/kernel", testing::F({1, -2, 3.5f, 4}, {2, 2})},
          {"global_step", Tensor::Scalar<int64_t>(42)},
          {"names", strings}};
}

// A file with a correct size field and CRC around `records`.
std::string Finalize(absl::string_view records, uint32_t count,
                     uint32_t version = 1) {
  std::string out("GFCHKPT\n", 8);
  auto put = [&](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      out.push_back(static_cast<char>(v >> 8 * i));
  };
  put(version, 4);
  put(count, 4);
  put(24 + records.size() + 4, 8);
  out.append(records.data(), records.size());
  put(crc32(0, reinterpret_cast<const Bytef*>(out.data()), out.size()), 4);
  return out;
}

// One record; `data_len` defaults to data.size().
std::string Record(absl::string_view name, uint32_t dtype,
                   std::vector<int64_t> dims, absl::string_view data,
                   int64_t data_len = -1) {
  std::string out;
  auto put = [&](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      out.push_back(static_cast<char>(v >> 8 * i));
  };
  put(name.size(), 4);
  out.append(name.data(), name.size());
  put(dtype, 4);
  put(dims.size(), 4);
  for (int64_t d : dims) put(static_cast<uint64_t>(d), 8);
  put(data_len < 0 ? data.size() : static_cast<uint64_t>(data_len), 8);
  out.append(data.data(), data.size());
  return out;
}

void ExpectDataLoss(absl::string_view bytes, absl::string_view needle) {
  auto r = ParseCheckpoint(bytes, "crafted.ckpt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  EXPECT_NE(r.status().message().find("crafted.ckpt"), std::string::npos);
  EXPECT_NE(r.status().message().find(needle), std::string::npos)
      << r.status() << " lacks '" << needle << "'";
}

TEST(CheckpointTest, EveryFlippedByteIsDataLoss) {
  auto bytes = SerializeCheckpoint(SampleTensors());
  ASSERT_OK(bytes.status());
  for (size_t i = 0; i < bytes->size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string bad = *bytes;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      auto r = ParseCheckpoint(bad, "flipped.ckpt");
      ASSERT_FALSE(r.ok()) << "byte " << i;
      ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss)
          << "byte " << i << ": " << r.status();
      ASSERT_NE(r.status().message().find("flipped.ckpt"), std::string::npos);
    }
  }
}

TEST(CheckpointTest, FlippedByteInAFileNamesTheFile) {
  std::string path = TempPath("flipped.ckpt");
  ASSERT_OK(SaveCheckpoint(path, SampleTensors()));
  std::string bytes = *ReadFileToString(path);
  bytes[bytes.size() / 2] ^= 0x10;
  ASSERT_OK(WriteFileAtomically(path, bytes));
  auto r = LoadCheckpoint(path);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  EXPECT_NE(r.status().message().find("CRC-32 mismatch"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(CheckpointTest, EveryTruncationIsDataLoss) {
  auto bytes = SerializeCheckpoint(SampleTensors());
  ASSERT_OK(bytes.status());
  for (size_t n = 0; n < bytes->size(); ++n) {
    auto r = ParseCheckpoint(absl::string_view(*bytes).substr(0, n), "cut");
    ASSERT_FALSE(r.ok()) << n;
    ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss)
        << n << ": " << r.status();
  }
  ExpectDataLoss(absl::string_view(*bytes).substr(0, 27), "truncated");
  ExpectDataLoss(absl::string_view(*bytes).substr(0, 100), "header says");
  ExpectDataLoss(*bytes + "x", "header says");
}

TEST(CheckpointTest, CraftedFilesWithValidChecksumAreCheckedToo) {
  // Each passes the size and CRC checks; the record parser must still
  // refuse it without trusting any length.
  std::string f4 = std::string(8, '\0');
  ExpectDataLoss(Finalize("", 1), "name overruns");
  ExpectDataLoss(Finalize(Record("w", 1, {2}, f4), 2), "name overruns");
  ExpectDataLoss(Finalize(Record("w", 1, {2}, f4) + "x", 1), "stray bytes");
  ExpectDataLoss(Finalize(Record("", 1, {2}, f4), 1), "empty, repeated");
  ExpectDataLoss(Finalize(Record("w", 1, {2}, f4) + Record("w", 1, {2}, f4), 2),
                 "repeated");
  ExpectDataLoss(Finalize(Record("b", 1, {2}, f4) + Record("a", 1, {2}, f4), 2),
                 "out of order");
  ExpectDataLoss(Finalize(Record("w", 8, {1}, f4), 1), "unknown dtype 8");
  ExpectDataLoss(Finalize(Record("w", 101, {2}, f4), 1), "unknown dtype 101");
  ExpectDataLoss(Finalize(Record("w", 1, {2, 3}, f4), 1),
                 "does not match 6 elements");
  ExpectDataLoss(Finalize(Record("w", 1, {-2}, f4), 1), "negative");
  ExpectDataLoss(Finalize(Record("w", 1, {1 << 30, 1 << 30}, f4), 1),
                 "more than");
  // Huge rank, name and data lengths pointing past the end.
  std::string rank_huge = Record("w", 1, {}, "");
  rank_huge[9] = '\xff';  // rank's low byte: 255 dims, none present.
  ExpectDataLoss(Finalize(rank_huge, 1), "overruns");
  std::string name_huge = Record("w", 1, {2}, f4);
  name_huge[3] = '\x7f';
  ExpectDataLoss(Finalize(name_huge, 1), "name overruns");
  ExpectDataLoss(Finalize(Record("w", 1, {2}, f4, int64_t{1} << 62), 1),
                 "overrun");
  // A billion strings claimed in 16 bytes: refused before allocating.
  ExpectDataLoss(Finalize(Record("s", 7, {1000000000}, std::string(16, 0)), 1),
                 "cannot fit");
  std::string one_string = std::string("\x09\0\0\0\0\0\0\0abc", 11);
  ExpectDataLoss(Finalize(Record("s", 7, {1}, one_string), 1), "overruns");
  ExpectDataLoss(Finalize(Record("s", 7, {0}, std::string(8, 0)), 1),
                 "stray bytes");
  ExpectDataLoss(Finalize(Record("b", 10, {2}, "\x01\x02"), 1), "bool byte");
  // A valid crafted file parses.
  auto ok = ParseCheckpoint(
      Finalize(Record("w", 3, {1}, std::string("\x05\0\0\0", 4)), 1),
      "crafted.ckpt");
  ASSERT_OK(ok.status());
  EXPECT_TRUE(TensorsEqual(ok->at("w"), Tensor::Vector<int32_t>({5})));
}

TEST(CheckpointTest, UnknownVersionIsInvalidArgument) {
  auto r = ParseCheckpoint(Finalize("", 0, 2), "v2.ckpt");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("version 2"), std::string::npos);
}

TEST(CheckpointTest, BadMagic) {
  auto bytes = SerializeCheckpoint({});
  std::string bad = *bytes;
  bad[0] = 'X';
  ExpectDataLoss(bad, "bad magic");
}

TEST(CheckpointTest, SaveErrors) {
  std::string path = TempPath("bad.ckpt");
  absl::Status s = SaveCheckpoint(path, {{"", Tensor::Scalar(1.0f)}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find(path), std::string::npos) << s;
  s = SaveCheckpoint(path, {{"v", Tensor()}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("'v'"), std::string::npos) << s;
  EXPECT_FALSE(std::filesystem::exists(path));
  s = SaveCheckpoint("/nonexistent-dir/x.ckpt", {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/x.ckpt"), std::string::npos);
}

TEST(CheckpointTest, MissingFileIsNotFound) {
  auto r = LoadCheckpoint(TempPath("absent.ckpt"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
}

}  // namespace
}  // namespace graphflow
