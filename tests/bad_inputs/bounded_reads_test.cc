// Class 5 of issue 8: unbounded input reads. Input files must be regular
// files (a FIFO never blocks, /dev/urandom is never drained), sizes are
// checked against the limit before reading, and gzip inflation stops as soon
// as it passes the limit, naming the file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "base/file_io.h"
#include "dataset/idx.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow {
namespace {

using ::testing::HasSubstr;

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/bounded_reads_" + name;
}

// gzip (level 9) of `zeros` zero bytes, built in memory with zlib.
std::string GzipOfZeros(size_t zeros) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  std::string in(1 << 20, '\0'), out, buffer(1 << 16, '\0');
  size_t left = zeros;
  int flush = Z_NO_FLUSH;
  do {
    const size_t chunk = std::min(left, in.size());
    left -= chunk;
    flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    z.next_in = reinterpret_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(chunk);
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer.data());
      z.avail_out = static_cast<uInt>(buffer.size());
      deflate(&z, flush);
      out.append(buffer.data(), buffer.size() - z.avail_out);
    } while (z.avail_out == 0);
  } while (flush != Z_FINISH);
  deflateEnd(&z);
  return out;
}

TEST(BoundedReadsTest, FifoIsRefusedWithoutBlocking) {
  const std::string path = TempPath("fifo");
  ::unlink(path.c_str());
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  auto read = ReadFileToString(path);
  ::unlink(path.c_str());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status().message(),
              HasSubstr(path + ": not a regular file (a FIFO)"));
}

TEST(BoundedReadsTest, DeviceIsRefused) {
  auto read = ReadFileToString("/dev/urandom");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status().message(),
              HasSubstr("/dev/urandom: not a regular file (a character "
                        "device)"));
}

TEST(BoundedReadsTest, DirectoryIsRefused) {
  auto read = ReadFileToString(::testing::TempDir());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status().message(), HasSubstr("(a directory)"));
}

TEST(BoundedReadsTest, HugeSparseFileIsRefusedBeforeReading) {
  const std::string path = TempPath("sparse");
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, int64_t{5} << 30), 0);  // 5 GiB, no blocks.
  ::close(fd);
  const auto start = std::chrono::steady_clock::now();
  auto read = ReadFileToString(path);
  const auto took = std::chrono::steady_clock::now() - start;
  ::unlink(path.c_str());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(read.status().message(), HasSubstr(path));
  EXPECT_THAT(read.status().message(), HasSubstr("5368709120 bytes"));
  EXPECT_LT(took, std::chrono::seconds(1));
}

TEST(BoundedReadsTest, FileOverAnExplicitLimitIsRefused) {
  const std::string path = TempPath("small");
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("0123456789", f);
  std::fclose(f);
  EXPECT_EQ(ReadFileToString(path, 9).status().code(),
            absl::StatusCode::kResourceExhausted);
  auto read = ReadFileToString(path, 10);
  ::unlink(path.c_str());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "0123456789");
}

TEST(BoundedReadsTest, GzipBombStopsAtTheLimit) {
  const std::string bomb = GzipOfZeros(size_t{64} << 20);  // ~64 KB.
  auto inflated = MaybeGunzip(bomb, "bomb.gz", int64_t{1} << 20);
  EXPECT_EQ(inflated.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(inflated.status().message(), HasSubstr("bomb.gz"));
  EXPECT_THAT(inflated.status().message(),
              HasSubstr("decompressed size limit of 1048576 bytes"));
  EXPECT_TRUE(MaybeGunzip(bomb, "bomb.gz", int64_t{64} << 20).ok());
}

TEST(BoundedReadsTest, GzippedIdxFileStopsAtTheLimit) {
  const std::string path = TempPath("bomb.idx.gz");
  const std::string bomb = GzipOfZeros(size_t{8} << 20);
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(bomb.data(), 1, bomb.size(), f);
  std::fclose(f);
  auto t = ReadIdxFile(path, int64_t{1} << 20);
  ::unlink(path.c_str());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(t.status().message(), HasSubstr(path));
}

TEST(BoundedReadsTest, CliRefusesFifoDeviceAndHugeFileFast) {
  const std::string fifo = TempPath("cli_fifo"), sparse = TempPath("cli.pb");
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int fd = ::open(sparse.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, int64_t{5} << 30), 0);
  ::close(fd);
  using testing::FailedCleanly;
  using testing::RunCli;
  EXPECT_TRUE(FailedCleanly(RunCli({"inspect", fifo}),
                            {fifo + ": not a regular file (a FIFO)"}));
  EXPECT_TRUE(FailedCleanly(RunCli({"inspect", "/dev/urandom"}),
                            {"/dev/urandom: not a regular file"}));
  EXPECT_TRUE(FailedCleanly(RunCli({"inspect", sparse}),
                            {sparse, "exceeds the input file limit"}));
  ::unlink(fifo.c_str());
  ::unlink(sparse.c_str());
}

}  // namespace
}  // namespace graphflow
