#include "tools/progress.h"

#include <chrono>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace graphflow::cli {
namespace {

constexpr char kClearToEol[] = "\x1b[K";

double SteadySeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Four decimals in the usual range, significant digits outside it.
std::string FormatLoss(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e4)) return absl::StrFormat("%.4g", v);
  return absl::StrFormat("%.4f", v);
}

std::string FormatRate(double per_second) {
  if (per_second >= 1e5) return absl::StrFormat("%.0fk", per_second / 1000);
  if (per_second >= 10) return absl::StrFormat("%.0f", per_second);
  return absl::StrFormat("%.1f", per_second);
}

}  // namespace

std::string FormatClock(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  const int64_t s = static_cast<int64_t>(std::llround(seconds));
  if (s < 3600) return absl::StrFormat("%d:%02d", s / 60, s % 60);
  return absl::StrFormat("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
}

ProgressReporter::ProgressReporter(FILE* out, bool interactive,
                                   int64_t total_steps_per_epoch, int epochs,
                                   ProgressOptions options)
    : out_(out),
      interactive_(interactive),
      total_steps_(total_steps_per_epoch),
      epochs_(epochs),
      options_(std::move(options)) {
  if (!options_.clock) options_.clock = SteadySeconds;
  epoch_start_ = Now();
}

double ProgressReporter::Now() const { return options_.clock(); }

void ProgressReporter::StartEpoch(int epoch) {
  current_epoch_ = epoch;
  epoch_start_ = Now();
  last_draw_ = interactive_ ? -1e300 : epoch_start_;
  last_logged_step_ = 0;
}

std::string ProgressReporter::ProgressLine(int epoch, int64_t step,
                                           double running_loss,
                                           int64_t examples_done,
                                           double now) const {
  const double elapsed = now - epoch_start_;
  std::string line = epochs_ > 0 ? absl::StrCat("epoch ", epoch, "/", epochs_)
                                 : absl::StrCat("epoch ", epoch);
  const bool known = total_steps_ > 0;
  const double fraction =
      known ? std::min(1.0, static_cast<double>(step) / total_steps_) : 0;
  if (interactive_ && known) {
    const int width = std::max(options_.bar_width, 4);
    const int filled = static_cast<int>(fraction * width);
    std::string bar;
    if (filled >= width) {
      bar.assign(width, '=');
    } else {
      bar =
          std::string(filled, '=') + ">" + std::string(width - filled - 1, ' ');
    }
    absl::StrAppend(&line, " [", bar, "] ", step, "/", total_steps_);
  } else if (known) {
    absl::StrAppend(&line, "  step ", step, "/", total_steps_, " (",
                    static_cast<int>(fraction * 100), "%)");
  } else {
    absl::StrAppend(&line, "  step ", step);
  }
  absl::StrAppend(&line, interactive_ ? " " : "  ", "loss ",
                  FormatLoss(running_loss));
  if (elapsed > 0 && examples_done > 0) {
    absl::StrAppend(&line, "  ", FormatRate(examples_done / elapsed), " ex/s");
  }
  if (known && step > 0 && elapsed > 0) {
    if (step < total_steps_) {
      const double eta = (total_steps_ - step) * elapsed / step;
      absl::StrAppend(&line, "  ETA ", FormatClock(eta));
    }
  } else if (!known) {
    absl::StrAppend(&line, "  ", FormatClock(elapsed), " elapsed");
  }
  return line;
}

void ProgressReporter::Step(int epoch, int64_t step, double running_loss,
                            int64_t examples_done) {
  if (epoch != current_epoch_) {
    // A new epoch without StartEpoch: keep the clock from EndEpoch (or
    // construction), reset the throttles.
    current_epoch_ = epoch;
    last_draw_ = interactive_ ? -1e300 : epoch_start_;
    last_logged_step_ = 0;
  }
  const double now = Now();
  const bool last_step = total_steps_ > 0 && step >= total_steps_;
  if (interactive_) {
    if (now - last_draw_ < options_.redraw_interval && !last_step) return;
    last_draw_ = now;
    std::string line =
        ProgressLine(epoch, step, running_loss, examples_done, now);
    absl::FPrintF(out_, "\r%s%s", line, kClearToEol);
    line_drawn_ = true;
    std::fflush(out_);
    return;
  }
  // Logs: no more than one line per log_interval, and per 10% of the epoch.
  if (now - last_draw_ < options_.log_interval || last_step) return;
  if (total_steps_ > 0) {
    if (step < last_logged_step_ + std::max<int64_t>(1, total_steps_ / 10)) {
      return;
    }
    last_logged_step_ = step;
  }
  last_draw_ = now;
  absl::FPrintF(out_, "%s\n",
                ProgressLine(epoch, step, running_loss, examples_done, now));
  std::fflush(out_);
}

std::string ProgressReporter::EpochLine(const EpochRecord& record) const {
  std::string line = epochs_ > 0
                         ? absl::StrCat("epoch ", record.epoch, "/", epochs_)
                         : absl::StrCat("epoch ", record.epoch);
  absl::StrAppend(&line, "  loss ", FormatLoss(record.loss));
  if (record.train_metric) {
    absl::StrAppend(&line, "  train_", options_.metric_name, " ",
                    absl::StrFormat("%.4f", *record.train_metric));
  }
  if (record.eval_metric) {
    absl::StrAppend(&line, "  eval_", options_.metric_name, " ",
                    absl::StrFormat("%.4f", *record.eval_metric));
  }
  if (record.seconds < 60) {
    absl::StrAppend(&line, "  (", absl::StrFormat("%.1f", record.seconds),
                    " s)");
  } else {
    absl::StrAppend(&line, "  (", FormatClock(record.seconds), ")");
  }
  return line;
}

void ProgressReporter::ClearLine() {
  if (interactive_ && line_drawn_) absl::FPrintF(out_, "\r%s", kClearToEol);
  line_drawn_ = false;
}

void ProgressReporter::EndEpoch(const EpochRecord& record) {
  ClearLine();
  absl::FPrintF(out_, "%s\n", EpochLine(record));
  std::fflush(out_);
  epoch_start_ = Now();
  current_epoch_ = -1;
}

void ProgressReporter::Finish() {
  if (!line_drawn_) return;
  absl::FPrintF(out_, "\n");
  std::fflush(out_);
  line_drawn_ = false;
}

void ProgressReporter::Note(absl::string_view message) {
  ClearLine();
  absl::FPrintF(out_, "%s\n", message);
  std::fflush(out_);
  if (interactive_) last_draw_ = -1e300;  // Redraw on the next Step.
}

}  // namespace graphflow::cli
