// Running Graphviz's `dot` to turn DOT text into SVG, PNG or PDF.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/file_io.h"
#include "tools/graph_dot.h"

extern char** environ;

namespace graphflow::cli {
namespace {

// Removes a temporary file when it goes out of scope.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) unlink(path.c_str());
  }
};

absl::Status MakeTemp(absl::string_view contents, TempFile* temp) {
  const char* dir = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(dir && *dir ? dir : "/tmp", "/graphflow_dot_XXXXXX");
  int fd = mkstemp(pattern.data());
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create a temporary file in ", pattern, ": ",
                     std::strerror(errno)));
  }
  temp->path = pattern;
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      return absl::InternalError(
          absl::StrCat("cannot write ", pattern, ": ", std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> FindOnPath(absl::string_view program) {
  const char* path = std::getenv("PATH");
  if (path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':')) {
      if (dir.empty()) dir = ".";  // POSIX: an empty entry is the cwd.
      std::string candidate = absl::StrCat(dir, "/", program);
      struct stat st;
      if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
  }
  return absl::NotFoundError(absl::StrCat("'", program, "' is not on PATH"));
}

absl::StatusOr<std::string> DotOutputFormat(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(c));
  if (ext == ".dot" || ext == ".gv") return std::string("dot");
  if (ext == ".svg" || ext == ".png" || ext == ".pdf") return ext.substr(1);
  return absl::InvalidArgumentError(absl::StrCat(
      "--out ", path, ": unknown extension '", ext,
      "' (expected .dot or .gv for DOT text, .svg, .png or .pdf to render)"));
}

absl::Status RenderDotToSvg(const std::string& dot,
                            const std::string& svg_path) {
  return RenderDot(dot, svg_path, "svg");
}

absl::Status RenderDot(const std::string& dot, const std::string& path,
                       const std::string& format) {
  absl::StatusOr<std::string> dot_program = FindOnPath("dot");
  if (!dot_program.ok()) {
    return absl::FailedPreconditionError(
        "Graphviz 'dot' is not installed (apt-get install graphviz)");
  }
  TempFile input, errors;
  if (absl::Status s = MakeTemp(dot, &input); !s.ok()) return s;
  if (absl::Status s = MakeTemp("", &errors); !s.ok()) return s;
  // Written next to the target, then renamed over it: never a torn SVG.
  TempFile output{absl::StrCat(path, ".tmp.", getpid())};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, errors.path.c_str(),
                                   O_WRONLY | O_TRUNC, 0);
  std::string arg0 = "dot", arg1 = "-T" + format, arg2 = "-o";
  std::vector<char*> argv = {arg0.data(),        arg1.data(),       arg2.data(),
                             output.path.data(), input.path.data(), nullptr};
  pid_t pid;
  int rc = posix_spawn(&pid, dot_program->c_str(), &actions, nullptr,
                       argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return absl::InternalError(
        absl::StrCat("cannot run ", *dot_program, ": ", std::strerror(rc)));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return absl::InternalError(
          absl::StrCat("waiting for dot: ", std::strerror(errno)));
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    absl::StatusOr<std::string> message = ReadFileToString(errors.path);
    std::string text = message.ok() ? *message : "";
    if (text.size() > 2000) text = text.substr(0, 2000) + "...";
    return absl::InternalError(absl::StrCat(
        "dot ", arg1, " failed (",
        WIFEXITED(status) ? absl::StrCat("exit code ", WEXITSTATUS(status))
                          : absl::StrCat("signal ", WTERMSIG(status)),
        ")", text.empty() ? "" : ": ",
        absl::StripTrailingAsciiWhitespace(text)));
  }
  if (int fd = open(output.path.c_str(), O_RDONLY); fd >= 0) {
    fsync(fd);  // Durable before the rename, as WriteFileAtomically does.
    close(fd);
  }
  if (std::rename(output.path.c_str(), path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  output.path.clear();  // Renamed: nothing to remove.
  return absl::OkStatus();
}

}  // namespace graphflow::cli
