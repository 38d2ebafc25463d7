// Checkpoints written while training runs, and several saves of one path at
// once: every save is atomic, so the file on disk is always one complete
// checkpoint, whichever writer renamed last.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "ops/state_ops.h"
#include "session/checkpoint.h"
#include "session/session.h"

namespace graphflow {
namespace {

namespace fs = std::filesystem;

struct Counters {
  Scope s = NewRootScope();
  Output a, b, init, bump;
  Counters() {
    a = ops::Variable(s.WithOpName("a"), {}, DT_FLOAT);
    b = ops::Variable(s.WithOpName("b"), {}, DT_FLOAT);
    Output init_a = ops::Assign(s.WithOpName("init_a"), a, 0.0f);
    Output init_b = ops::Assign(s.WithOpName("init_b"), b, 0.0f);
    init = ops::NoOp(
        s.WithOpName("init").WithControlDependencies({init_a, init_b}));
    bump = ops::NoOp(s.WithOpName("bump").WithControlDependencies(
        {ops::AssignAdd(s, a, 1.0f), ops::AssignAdd(s, b, 2.0f)}));
  }
};

std::string TempDir(absl::string_view name) {
  std::string dir =
      absl::StrCat(::testing::TempDir(), "/concurrency_", getpid(), "_", name);
  fs::create_directories(dir);
  return dir;
}

TEST(CheckpointConcurrencyTest, SavesOfOnePathWhileTraining) {
  Counters m;
  auto session = Session::Create(m.s);
  ASSERT_TRUE(session.ok()) << session.status();
  Session& sess = **session;
  ASSERT_TRUE(sess.Run({}, {}, {m.init}).ok());
  const std::string dir = TempDir("same_path");
  const std::string path = dir + "/model.ckpt";

  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::thread trainer([&] {
    for (int i = 0; i < 200; ++i) {
      if (!sess.Run({}, {}, {m.bump}).ok()) ++failures;
    }
    done = true;
  });
  std::vector<std::thread> savers;
  for (int t = 0; t < 3; ++t) {
    savers.emplace_back([&] {
      do {
        absl::Status saved = SaveVariables(sess, path);
        if (!saved.ok()) {
          ADD_FAILURE() << saved;
          ++failures;
        }
      } while (!done);
    });
  }
  trainer.join();
  for (auto& th : savers) th.join();
  EXPECT_EQ(failures, 0);

  auto loaded = LoadCheckpoint(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->size(), 2u);
  // Variables are read one at a time, so a save taken mid-step may pair
  // a's value with a neighbouring step's b; each is still a whole value.
  const float a = loaded->at("a").data<float>()[0];
  const float b = loaded->at("b").data<float>()[0];
  EXPECT_EQ(a, std::floor(a));
  EXPECT_EQ(b, 2 * std::floor(b / 2));
  // No temporaries left behind by any of the writers.
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename(), "model.ckpt");
  }
  fs::remove_all(dir);
}

TEST(CheckpointConcurrencyTest, RestoreWhileAnotherSessionSaves) {
  Counters m;
  auto writer = Session::Create(m.s);
  auto reader = Session::Create(m.s.shared_graph());
  ASSERT_TRUE(writer.ok() && reader.ok());
  ASSERT_TRUE((*writer)->Run({}, {}, {m.init}).ok());
  const std::string dir = TempDir("restore");
  const std::string path = dir + "/model.ckpt";
  ASSERT_TRUE(SaveVariables(**writer, path).ok());

  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::thread saver([&] {
    for (int i = 0; i < 100; ++i) {
      if (!(*writer)->Run({}, {}, {m.bump}).ok() ||
          !SaveVariables(**writer, path).ok()) {
        ++failures;
      }
    }
    done = true;
  });
  std::thread restorer([&] {
    do {
      absl::Status restored = RestoreVariables(**reader, path);
      auto r = (*reader)->Run({m.a, m.b});
      if (!restored.ok() || !r.ok()) {
        ++failures;
        continue;
      }
      // One checkpoint holds one step: b == 2a.
      if ((*r)[1].data<float>()[0] != 2 * (*r)[0].data<float>()[0]) {
        ++failures;
      }
    } while (!done);
  });
  saver.join();
  restorer.join();
  EXPECT_EQ(failures, 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace graphflow
