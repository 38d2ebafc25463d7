// The progress reporter with a fake clock, writing to memory.
#include "tools/progress.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace graphflow::cli {
namespace {

// A FILE* that collects what is written to it.
class MemoryFile {
 public:
  MemoryFile() { file_ = open_memstream(&buf_, &size_); }
  ~MemoryFile() {
    std::fclose(file_);
    std::free(buf_);
  }
  FILE* get() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buf_, size_);
  }

 private:
  FILE* file_;
  char* buf_ = nullptr;
  size_t size_ = 0;
};

struct FakeClock {
  double now = 1000;
  ProgressOptions Options() {
    ProgressOptions o;
    o.clock = [this] { return now; };
    return o;
  }
};

int Count(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos;
       p = hay.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

EpochRecord Record(int epoch, double loss, std::optional<double> train,
                   std::optional<double> eval, double seconds) {
  EpochRecord r;
  r.epoch = epoch;
  r.loss = loss;
  r.train_metric = train;
  r.eval_metric = eval;
  r.seconds = seconds;
  return r;
}

TEST(ProgressTest, FormatClock) {
  EXPECT_EQ(FormatClock(0), "0:00");
  EXPECT_EQ(FormatClock(12.4), "0:12");
  EXPECT_EQ(FormatClock(723), "12:03");
  EXPECT_EQ(FormatClock(3723), "1:02:03");
  EXPECT_EQ(FormatClock(-5), "0:00");
}

TEST(ProgressTest, InteractiveLineHasBarRateAndEta) {
  MemoryFile f;
  FakeClock clock;
  ProgressOptions o = clock.Options();
  o.bar_width = 20;
  ProgressReporter p(f.get(), /*interactive=*/true, 141, 10, o);
  // 120 of 141 steps in 10 s at 32 examples a step.
  EXPECT_EQ(p.ProgressLine(3, 120, 0.21344, 3840, clock.now + 10),
            "epoch 3/10 [=================>  ] 120/141 loss 0.2134  384 ex/s"
            "  ETA 0:02");
  EXPECT_EQ(p.ProgressLine(3, 0, 2.5, 0, clock.now),
            "epoch 3/10 [>                   ] 0/141 loss 2.5000");
  EXPECT_EQ(p.ProgressLine(3, 141, 0.2, 4512, clock.now + 12),
            "epoch 3/10 [====================] 141/141 loss 0.2000  376 ex/s");
}

TEST(ProgressTest, InteractiveRedrawsInPlaceAtMostTenTimesASecond) {
  MemoryFile f;
  FakeClock clock;
  ProgressReporter p(f.get(), true, 100, 2, clock.Options());
  for (int step = 1; step <= 100; ++step) {
    clock.now += 0.01;  // 100 steps a second.
    p.Step(1, step, 1.0 / step, step * 10);
  }
  std::string out = f.text();
  // About every 10th step plus the final one, never a newline.
  const int redraws = Count(out, "\r");
  EXPECT_GE(redraws, 9);
  EXPECT_LE(redraws, 11);
  EXPECT_EQ(Count(out, "\x1b[K"), redraws);
  EXPECT_EQ(Count(out, "\n"), 0);
  EXPECT_TRUE(absl::StrContains(out, "] 100/100 loss 0.0100  1000 ex/s"));
  // The epoch line replaces the bar.
  clock.now += 0.5;
  p.EndEpoch(Record(1, 0.2134, 0.9412, 0.9377, 12.34));
  out = f.text();
  EXPECT_TRUE(absl::EndsWith(
      out,
      "\r\x1b[Kepoch 1/2  loss 0.2134  train_acc 0.9412  eval_acc 0.9377"
      "  (12.3 s)\n"))
      << out;
}

TEST(ProgressTest, FinishEndsAnUnfinishedLine) {
  MemoryFile f;
  FakeClock clock;
  {
    ProgressReporter p(f.get(), true, 10, 1, clock.Options());
    p.Step(1, 3, 0.5, 30);
    p.Finish();
    p.Finish();  // Only once.
    EXPECT_TRUE(absl::EndsWith(f.text(), "\x1b[K\n"));
    clock.now += 1;
    p.Step(1, 4, 0.5, 40);
  }  // And on destruction.
  EXPECT_EQ(Count(f.text(), "\n"), 2);
  EXPECT_TRUE(absl::EndsWith(f.text(), "\x1b[K\n"));
}

TEST(ProgressTest, NewEpochClockStartsAtEndEpoch) {
  MemoryFile f;
  FakeClock clock;
  ProgressReporter p(f.get(), true, 10, 2, clock.Options());
  clock.now += 100;  // Epoch 1 took long.
  p.EndEpoch(Record(1, 1, std::nullopt, std::nullopt, 100));
  clock.now += 2;
  p.Step(2, 5, 0.5, 50);
  // 50 examples in 2 s; 5 more steps take 2 s more.
  EXPECT_TRUE(
      absl::StrContains(f.text(), "5/10 loss 0.5000  25 ex/s  ETA 0:02"))
      << f.text();
}

TEST(ProgressTest, NotesDoNotGarbleTheBar) {
  MemoryFile f;
  FakeClock clock;
  ProgressReporter p(f.get(), true, 10, 1, clock.Options());
  clock.now += 1;
  p.Step(1, 1, 1, 1);
  p.Note("saved checkpoint");
  clock.now += 0.01;
  p.Step(1, 2, 1, 2);  // Redrawn at once despite the throttle.
  std::vector<std::string> parts = absl::StrSplit(f.text(), '\n');
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_TRUE(absl::EndsWith(parts[0], "\r\x1b[Ksaved checkpoint"));
  EXPECT_TRUE(absl::StartsWith(parts[1], "\repoch 1/1 [")) << parts[1];
}

TEST(ProgressTest, NonInteractiveLogsEveryTenPercentAndFewSeconds) {
  MemoryFile f;
  FakeClock clock;
  ProgressReporter p(f.get(), false, 1000, 3, clock.Options());
  // One step a second: 10% of the epoch is 100 s, longer than 5 s.
  for (int step = 1; step <= 1000; ++step) {
    clock.now += 1;
    p.Step(2, step, 0.5, step * 4);
  }
  p.EndEpoch(Record(2, 0.5, 0.8, std::nullopt, 1000));
  std::string out = f.text();
  EXPECT_EQ(Count(out, "\r"), 0);
  EXPECT_EQ(Count(out, "\x1b"), 0);
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 10u) << out;  // 10%, ..., 90%, then the summary.
  EXPECT_EQ(lines[0],
            "epoch 2/3  step 100/1000 (10%)  loss 0.5000  4.0 ex/s  ETA 15:00");
  EXPECT_TRUE(absl::StartsWith(lines[8], "epoch 2/3  step 900/1000 (90%)"));
  EXPECT_EQ(lines[9], "epoch 2/3  loss 0.5000  train_acc 0.8000  (16:40)");
}

TEST(ProgressTest, NonInteractiveFastEpochsPrintOnlySummaries) {
  MemoryFile f;
  FakeClock clock;
  ProgressOptions o = clock.Options();
  o.metric_name = "accuracy";
  ProgressReporter p(f.get(), false, 50, 2, o);
  for (int e = 1; e <= 2; ++e) {
    for (int step = 1; step <= 50; ++step) {
      clock.now += 0.02;
      p.Step(e, step, 0.3, step);
    }
    p.EndEpoch(Record(e, 0.3, std::nullopt, 0.91, 1.0));
  }
  EXPECT_EQ(f.text(),
            "epoch 1/2  loss 0.3000  eval_accuracy 0.9100  (1.0 s)\n"
            "epoch 2/2  loss 0.3000  eval_accuracy 0.9100  (1.0 s)\n");
}

TEST(ProgressTest, UnknownEpochSizeShowsElapsed) {
  MemoryFile f;
  FakeClock clock;
  ProgressReporter p(f.get(), false, /*total_steps_per_epoch=*/0, 0,
                     clock.Options());
  for (int step = 1; step <= 12; ++step) {
    clock.now += 1;
    p.Step(1, step, 0.25, step * 100);
  }
  std::vector<std::string> lines =
      absl::StrSplit(f.text(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << f.text();  // At 5 s and 10 s.
  EXPECT_EQ(lines[0], "epoch 1  step 5  loss 0.2500  100 ex/s  0:05 elapsed");
}

TEST(ProgressTest, EpochLineFormats) {
  MemoryFile f;
  ProgressReporter p(f.get(), false, 10, 10);
  EXPECT_EQ(p.EpochLine(Record(3, NAN, std::nullopt, std::nullopt, 0.04)),
            "epoch 3/10  loss nan  (0.0 s)");
  EXPECT_EQ(p.EpochLine(Record(3, 1.5e-5, 1, std::nullopt, 59.96)),
            "epoch 3/10  loss 1.5e-05  train_acc 1.0000  (60.0 s)");
}

}  // namespace
}  // namespace graphflow::cli
