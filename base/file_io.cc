#include "base/file_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace graphflow {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat(what, " '", path, "': ", std::strerror(errno)));
}

}  // namespace

// "a FIFO", "a directory", ...: what a non-regular file is, for messages.
const char* FileKind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path,
                                             int64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO without a writer must not block; the fstat
  // below refuses it before any read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat("no such file '", path, "'"));
    }
    return ErrnoError("cannot open", path);
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoError("cannot stat", path);
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": not a regular file (", FileKind(st.st_mode), ")"));
  }
  if (st.st_size > max_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        path, ": file of ", st.st_size,
        " bytes exceeds the input file limit of ", max_bytes, " bytes"));
  }
  std::string contents(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n =
        ::read(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("cannot read", path);
    if (n == 0) break;  // Shrank while reading: keep what is there.
    done += static_cast<size_t>(n);
  }
  contents.resize(done);
  return contents;
}

int RemoveStaleTemporaries(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const std::string prefix = absl::StrCat(
      slash == std::string::npos ? path : path.substr(slash + 1), ".tmp.");
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return 0;
  int removed = 0;
  while (const dirent* entry = ::readdir(d)) {
    absl::string_view name = entry->d_name;
    if (!absl::StartsWith(name, prefix)) continue;
    // "<pid>" or "<pid>.<sequence>".
    absl::string_view digits = name.substr(prefix.size());
    absl::string_view sequence;
    if (size_t dot = digits.find('.'); dot != absl::string_view::npos) {
      sequence = digits.substr(dot + 1);
      digits = digits.substr(0, dot);
      if (sequence.empty()) continue;
    }
    auto all_digits = [](absl::string_view v) {
      return std::all_of(v.begin(), v.end(), absl::ascii_isdigit);
    };
    int pid = 0;
    if (digits.empty() || !all_digits(digits) || !all_digits(sequence) ||
        !absl::SimpleAtoi(digits, &pid) || pid <= 0 || pid == ::getpid()) {
      continue;
    }
    // Only the temporaries of writers that no longer run: a live process
    // may still be writing (and renaming) its own.
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;
    if (::unlink(absl::StrCat(dir, "/", name).c_str()) == 0) ++removed;
  }
  ::closedir(d);
  return removed;
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents) {
  RemoveStaleTemporaries(path);
  // The sequence number keeps concurrent writers of one path in this
  // process apart; the pid lets a later writer spot a dead one's file.
  static std::atomic<uint64_t> sequence{0};
  std::string tmp =
      absl::StrCat(path, ".tmp.", getpid(), ".", sequence.fetch_add(1));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create", tmp);
  const char* p = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      absl::Status s = ErrnoError("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    absl::Status s = ErrnoError("cannot flush", tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status s = ErrnoError("cannot rename into place", path);
    ::unlink(tmp.c_str());
    return s;
  }
  return absl::OkStatus();
}

}  // namespace graphflow
