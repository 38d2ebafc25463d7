// TFRecord framing against hand-computed bytes, and event files written by
// EventWriter decoded back with every CRC verified.
#include "summary/event_writer.h"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "gtest/gtest.h"
#include "summary/record_io.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow {
namespace {

using testing::ScratchDir;

TEST(RecordIoTest, EncodesTfRecordFraming) {
  // Length 5 (uint64 LE), masked CRC-32C of those 8 bytes, "hello", masked
  // CRC-32C of "hello"; CRCs computed independently (bitwise, in Python).
  const std::string expected(
      "\x05\x00\x00\x00\x00\x00\x00\x00\xea\xb2\x04\x3e"
      "hello"
      "\xbb\x1f\x1c\x19",
      21);
  EXPECT_EQ(EncodeRecord("hello"), expected);
  auto records = DecodeRecords(expected + EncodeRecord(""));
  ASSERT_OK(records.status());
  EXPECT_EQ(*records, (std::vector<std::string>{"hello", ""}));
}

TEST(RecordIoTest, CorruptionIsDataLoss) {
  const std::string good = EncodeRecord("abc") + EncodeRecord("defg");
  std::string bad_data = good;
  bad_data[good.size() - 6] ^= 1;  // Inside record 1's data.
  auto r = DecodeRecords(bad_data);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(), "record 1: bad data CRC");
  std::string bad_length = good;
  bad_length[0] ^= 1;
  r = DecodeRecords(bad_length);
  EXPECT_EQ(r.status().message(), "record 0: bad length CRC");
  r = DecodeRecords(good.substr(0, good.size() - 1));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(), "record 1: truncated (4 bytes declared)");
  r = DecodeRecords(good.substr(0, 5));
  EXPECT_EQ(r.status().message(), "record 0: truncated header");
}

TEST(EventWriterTest, WritesVersionGraphAndSummaries) {
  ScratchDir dir("events");
  const std::string logdir = dir / "run/1";  // Created with its parents.
  auto writer = EventWriter::Create(logdir);
  ASSERT_OK(writer.status());
  const std::string path = (*writer)->path();
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof(host) - 1), 0);
  const std::string name = std::filesystem::path(path).filename().string();
  EXPECT_EQ(std::filesystem::path(path).parent_path(), logdir);
  ASSERT_EQ(name.rfind("events.out.tfevents.", 0), 0u) << name;
  std::string seconds = name.substr(20, name.find('.', 20) - 20);
  EXPECT_EQ(name.substr(20 + seconds.size()), absl::StrCat(".", host));
  const double created = std::stod(seconds);
  EXPECT_NEAR(created, WallTimeSeconds(), 60);

  ASSERT_OK((*writer)->WriteGraph("graph bytes"));
  tensorflow::Summary summary;
  tensorflow::Summary::Value* v = summary.add_value();
  v->set_tag("loss");
  v->set_simple_value(0.25f);
  ASSERT_OK((*writer)->WriteSummary(7, summary));
  // Flushed after each write: readable while the writer is open.
  auto records = ReadRecordFile(path);
  ASSERT_OK(records.status());
  ASSERT_EQ(records->size(), 3u);
  std::vector<tensorflow::Event> events(3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(events[i].ParseFromString((*records)[i])) << i;
    EXPECT_GE(events[i].wall_time(), created) << i;
  }
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  EXPECT_EQ(events[0].step(), 0);
  EXPECT_EQ(events[1].graph_def(), "graph bytes");
  EXPECT_EQ(events[2].step(), 7);
  ASSERT_EQ(events[2].summary().value_size(), 1);
  EXPECT_EQ(events[2].summary().value(0).tag(), "loss");
  EXPECT_EQ(events[2].summary().value(0).simple_value(), 0.25f);
}

TEST(EventWriterTest, UnusableDirectoryIsAnError) {
  ScratchDir dir("events_bad");
  ASSERT_OK(WriteFileAtomically(dir / "file", "x"));
  auto writer = EventWriter::Create(dir / "file");
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(writer.status().message().find("cannot create the summary "
                                           "directory"),
            std::string::npos)
      << writer.status();
}

}  // namespace
}  // namespace graphflow
