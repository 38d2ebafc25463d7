// Helpers for the runner's tests: running the real `graphflow` binary with
// captured stdout/stderr and exit status, scratch directories, .npy files,
// the bundled digits, and accuracy from a saved prediction file.
#ifndef GRAPHFLOW_TESTS_TOOLS_CLI_TEST_UTIL_H_
#define GRAPHFLOW_TESTS_TOOLS_CLI_TEST_UTIL_H_

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/file_io.h"
#include "dataset/npy.h"
#include "graph/tensor.h"
#include "gtest/gtest.h"

extern char** environ;

namespace graphflow::testing {

// A fresh directory under the test temp dir, removed on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(absl::string_view name) {
    static std::atomic<int> counter{0};
    std::string base = ::testing::TempDir();
    if (base.empty()) base = "/tmp/";
    path_ = absl::StrCat(base, base.back() == '/' ? "" : "/", "gf_cli_", name,
                         "_", getpid(), "_", counter++);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(absl::string_view file) const {
    return absl::StrCat(path_, "/", file);
  }

 private:
  std::string path_;
};

struct CliResult {
  bool exited = false;  // Normal exit (not killed by a signal).
  int exit_code = -1;
  int signal = 0;
  std::string out, err;
  std::string command;  // For failure messages.
};

inline std::ostream& operator<<(std::ostream& os, const CliResult& r) {
  return os << "$ " << r.command << "\n[exit " << r.exit_code << " signal "
            << r.signal << "]\n--- stdout ---\n"
            << r.out << "--- stderr ---\n"
            << r.err;
}

// Starts GRAPHFLOW_BINARY with `args`, stdout and stderr going to files.
// Returns the pid, or -1.
inline pid_t SpawnCli(const std::vector<std::string>& args,
                      const std::string& out_path,
                      const std::string& err_path) {
  std::vector<std::string> argv_storage = {GRAPHFLOW_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

inline void CollectExit(pid_t pid, CliResult* r) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r->exited = WIFEXITED(status);
  r->exit_code = r->exited ? WEXITSTATUS(status) : -1;
  r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

// Runs `graphflow args...` to completion.
inline CliResult RunCli(const std::vector<std::string>& args) {
  static std::atomic<int> counter{0};
  std::string base = absl::StrCat(::testing::TempDir(), "/gf_cli_io_", getpid(),
                                  "_", counter++);
  CliResult r;
  r.command = absl::StrCat("graphflow ", absl::StrJoin(args, " "));
  pid_t pid = SpawnCli(args, base + ".out", base + ".err");
  if (pid < 0) {
    ADD_FAILURE() << "cannot start " << GRAPHFLOW_BINARY;
    return r;
  }
  CollectExit(pid, &r);
  r.out = ReadFileToString(base + ".out").value_or("");
  r.err = ReadFileToString(base + ".err").value_or("");
  std::filesystem::remove(base + ".out");
  std::filesystem::remove(base + ".err");
  return r;
}

inline ::testing::AssertionResult Succeeded(const CliResult& r) {
  if (r.exited && r.exit_code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r;
}

// A clean failure: exit code 1 or 2 (no signal), and stderr exactly one line
// "graphflow: error: ..." containing every one of `mentions`.
inline ::testing::AssertionResult FailedCleanly(
    const CliResult& r, const std::vector<std::string>& mentions) {
  if (!r.exited || (r.exit_code != 1 && r.exit_code != 2)) {
    return ::testing::AssertionFailure() << "not a clean exit 1/2\n" << r;
  }
  const std::string prefix = "graphflow: error: ";
  if (r.err.rfind(prefix, 0) != 0 || r.err.empty() || r.err.back() != '\n' ||
      r.err.find('\n') != r.err.size() - 1) {
    return ::testing::AssertionFailure()
           << "stderr is not one 'graphflow: error:' line\n"
           << r;
  }
  for (const std::string& m : mentions) {
    if (r.err.find(m) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "stderr does not mention '" << m << "'\n"
             << r;
    }
  }
  return ::testing::AssertionSuccess();
}

inline std::string SourcePath(absl::string_view relative) {
  return absl::StrCat(GRAPHFLOW_SOURCE_DIR, "/", relative);
}
// data/digits/<name>, e.g. "train-images-idx3-ubyte.gz".
inline std::string DigitsPath(absl::string_view name) {
  return SourcePath(absl::StrCat("data/digits/", name));
}

inline void WriteNpy(const std::string& path, const Tensor& t) {
  absl::Status s = WriteNpyFile(path, t);
  ASSERT_TRUE(s.ok()) << s;
}

// <dir>/<prefix>x.npy f32[n,2] and <prefix>y.npy f32[n,1]: y = 2 x0 - x1 +
// 0.5 on `n` random points.
inline void WriteLinearData(const ScratchDir& dir, int64_t n, uint32_t seed,
                            const std::string& prefix) {
  Tensor x(DT_FLOAT, {n, 2}), y(DT_FLOAT, {n, 1});
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t i = 0; i < n; ++i) {
    float a = u(rng), b = u(rng);
    x.data<float>()[2 * i] = a;
    x.data<float>()[2 * i + 1] = b;
    y.data<float>()[i] = 2 * a - b + 0.5f;
  }
  WriteNpy(dir / (prefix + "x.npy"), x);
  WriteNpy(dir / (prefix + "y.npy"), y);
}

inline Tensor ReadNpy(const std::string& path) {
  auto t = ReadNpyFile(path);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : Tensor();
}

// Fraction of rows of float `scores` [N, K] whose argmax equals `labels`
// (any integer dtype, [N]).
inline double ArgmaxAccuracy(const Tensor& scores, const Tensor& labels) {
  if (scores.rank() != 2 || labels.rank() != 1 ||
      scores.dim(0) != labels.dim(0) || scores.dtype() != DT_FLOAT) {
    ADD_FAILURE() << "scores " << scores.shape().DebugString() << " labels "
                  << labels.shape().DebugString();
    return 0;
  }
  const int64_t n = scores.dim(0), k = scores.dim(1);
  int64_t right = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float* row = scores.data<float>() + i * k;
    int64_t best = 0;
    for (int64_t j = 1; j < k; ++j) {
      if (row[j] > row[best]) best = j;
    }
    right += best == static_cast<int64_t>(labels.ValueAsDouble(i));
  }
  return static_cast<double>(right) / n;
}

// The CSV `graphflow train --log` writes: rows of fields (header dropped).
inline std::vector<std::vector<std::string>> ReadCsvRows(
    const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  auto text = ReadFileToString(path);
  EXPECT_TRUE(text.ok()) << text.status();
  if (!text.ok()) return rows;
  bool header = true;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    rows.push_back(absl::StrSplit(line, ','));
  }
  return rows;
}

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_TOOLS_CLI_TEST_UTIL_H_
