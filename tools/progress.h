// Training progress on a terminal or in a log. Interactive: one line redrawn
// in place with a bar, rate and ETA. Non-interactive (a pipe or file): a
// plain line now and then. Either way, one summary line per epoch.
#ifndef GRAPHFLOW_TOOLS_PROGRESS_H_
#define GRAPHFLOW_TOOLS_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "tools/training_chart.h"

namespace graphflow::cli {

struct ProgressOptions {
  // Short metric name for the epoch line: "train_acc", "eval_acc".
  std::string metric_name = "acc";
  // Seconds on a monotonic clock; the steady clock by default.
  std::function<double()> clock;
  int bar_width = 24;
  // Interactive redraws at most this often.
  double redraw_interval = 0.1;
  // Non-interactive lines: at least this far apart, and (when the epoch's
  // size is known) only after another 10% of the epoch.
  double log_interval = 5;
};

class ProgressReporter {
 public:
  // total_steps_per_epoch <= 0 means unknown (no bar, no ETA). Epochs are
  // numbered from 1.
  ProgressReporter(FILE* out, bool interactive, int64_t total_steps_per_epoch,
                   int epochs, ProgressOptions options = {});
  ~ProgressReporter() { Finish(); }
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // Optional: starts the epoch's clock now (else it starts at construction
  // or at the previous EndEpoch).
  void StartEpoch(int epoch);
  // After `step` steps (1-based) of `epoch`; running_loss is the loss so far
  // this epoch, examples_done the examples seen this epoch.
  void Step(int epoch, int64_t step, double running_loss,
            int64_t examples_done);
  // Replaces the progress line with the epoch's summary line. The next
  // epoch's clock starts here.
  void EndEpoch(const EpochRecord& record);
  // A line of its own (a warning, a checkpoint note) without garbling the
  // progress line, which is redrawn on the next Step.
  void Note(absl::string_view message);

  // Ends a progress line left on screen (training stopped mid-epoch) with a
  // newline, so what is printed next starts on a line of its own.
  void Finish();

  // The texts, for tests and for callers that print elsewhere.
  std::string ProgressLine(int epoch, int64_t step, double running_loss,
                           int64_t examples_done, double now) const;
  std::string EpochLine(const EpochRecord& record) const;

 private:
  void ClearLine();
  double Now() const;

  FILE* out_;
  bool interactive_;
  int64_t total_steps_;
  int epochs_;
  ProgressOptions options_;
  double epoch_start_;
  int current_epoch_ = -1;
  double last_draw_ = -1e300;
  int64_t last_logged_step_ = 0;  // Non-interactive: step last logged.
  bool line_drawn_ = false;       // Interactive: a progress line is showing.
};

// "0:12", "12:03", "1:02:03".
std::string FormatClock(double seconds);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_PROGRESS_H_
